"""What a person sees: headless Chromium (Debian's package, driven by Playwright) on a real `tracker serve`."""

from __future__ import annotations

import pytest

from tests.publish_browser_support import ARTIFACTS, open_browser
from tests.publish_support import SCRIPT_TITLE, free_port, make_project, start_serve, wait_for_http

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    resources_file = make_project(tmp_path_factory.mktemp("browser") / "repo")
    port = free_port()
    process = start_serve(resources_file, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/tracker")
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.fixture(scope="module")
def page():
    with open_browser() as page:
        yield page


def test_home_page_lists_the_tables_and_queries(site: str, page) -> None:
    page.goto(f"{site}/")
    assert page.title().startswith("tracker: an LLM reading room")
    assert "resources" in page.inner_text("body")
    page.fill("#tracker-q", "pictures")
    page.click("form.tracker-search input[type=submit]")
    page.wait_for_url("**/tracker/search?q=pictures")
    assert page.locator("td mark").all_inner_texts() == ["Pictures"]
    page.goto(f"{site}/")
    page.click("h2 a[href='/tracker']")
    page.wait_for_url("**/tracker")
    body = page.inner_text("body")
    for name in ("resources", "notes", "questions", "item_history", "Inbox", "Progress by topic", "Search everything"):
        assert name in body
    page.screenshot(path=str(ARTIFACTS / "publish-database.png"), full_page=True)


def test_inbox_shows_escaped_titles_and_clickable_links(site: str, page) -> None:
    page.goto(f"{site}/tracker/inbox")
    link = page.get_by_role("link", name=SCRIPT_TITLE)
    assert link.get_attribute("href") == "https://arxiv.org/abs/1706.03762"
    assert "An old inbox item" in page.inner_text("table")
    assert page.locator("script:has-text('alert')").count() == 0
    assert page.title() == "Inbox · tracker"  # the tab shows the query's title, not its SQL
    page.click("a[href='/tracker/resources/old-inbox-item']")
    page.wait_for_url("**/tracker/resources/old-inbox-item")
    page.screenshot(path=str(ARTIFACTS / "publish-inbox.png"), full_page=True)


def test_resources_table_has_facets(site: str, page) -> None:
    page.goto(f"{site}/tracker/resources")
    facets = page.locator(".facet-info")
    names = [facets.nth(i).get_attribute("data-column") for i in range(facets.count())]
    assert sorted(names) == ["category", "kind", "site", "status", "tags", "topic"]
    page.click(".facet-info[data-column=status] >> text=done")
    page.wait_for_url("**status=done**")
    assert "The Illustrated Transformer" in page.inner_text("table")
    assert "Broadcasting semantics" not in page.inner_text("table")
    page.screenshot(path=str(ARTIFACTS / "publish-resources.png"), full_page=True)


def test_search_highlights_matches_and_links_items(site: str, page) -> None:
    page.goto(f"{site}/tracker/search")
    page.fill("input[name=q]", "attention")
    page.click("input[type=submit]")
    page.wait_for_url("**q=attention**")
    marks = page.locator("td mark").all_inner_texts()
    assert marks and {m.lower() for m in marks} == {"attention"}
    page.click("text=illustrated-transformer")
    page.wait_for_url("**/tracker/resources/illustrated-transformer")
    assert page.locator("h1").inner_text().strip() == "resources: illustrated-transformer"
    page.screenshot(path=str(ARTIFACTS / "publish-search-item.png"), full_page=True)


def test_item_page_shows_the_title_as_text_and_its_history(site: str, page) -> None:
    page.goto(f"{site}/tracker/resources/attention-is-all-you-need")
    text = page.inner_text("body")
    assert SCRIPT_TITLE in text and "alert('comment')" in text
    assert "Attention and Transformers" in text  # the topic's label, not its id
    # One field per line, each under its column name, instead of one screen-wide row.
    topic = page.locator("td.col-topic")
    assert page.evaluate("td => getComputedStyle(td, '::before').content", topic.element_handle()) == '"topic"'
    assert topic.bounding_box()["x"] == page.locator("td.col-id").bounding_box()["x"]
    page.goto(f"{site}/tracker/notes/attention")
    assert page.locator("td.col-body_html strong").inner_text() == "softmax"
    assert page.locator("td.col-body_html img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "publish-note.png"), full_page=True)
