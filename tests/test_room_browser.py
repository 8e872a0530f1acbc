"""A learner at work in headless Chromium: triage and add through a real `tracker serve` on a real git repo."""

from __future__ import annotations

import pytest

from tests.metadata_support import ScriptedServer, raw
from tests.publish_browser_support import ARTIFACTS, open_browser
from tests.publish_support import (
    commit_count,
    free_port,
    last_commit,
    make_project,
    start_serve,
    wait_for_http,
)

pytestmark = pytest.mark.timeout(120)

ARTICLE = b"""<html><head><title>Softmax, step by step | Some Blog</title>
<meta property="og:title" content="Softmax, step by step">
<meta property="og:site_name" content="Some Blog">
<meta name="description" content="Exponentiate, then normalise.">
</head><body><h1>Softmax, step by step</h1><p id="key">The largest logit wins most of the mass.</p></body></html>"""


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    resources_file = make_project(tmp_path_factory.mktemp("room-browser") / "repo")
    port = free_port()
    process = start_serve(resources_file, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/tracker")
        yield base, resources_file.parent
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
        assert "Traceback" not in output, output


@pytest.fixture(scope="module")
def page():
    with open_browser(width=1400, height=1000) as page:
        yield page


def test_triage_on_the_item_page(room, page) -> None:
    base, root = room
    before = commit_count(root)
    page.goto(f"{base}/tracker/resources/attention-is-all-you-need")
    page.select_option("select[name=to]", "reading")
    page.click("form.tracker-move button[type=submit]")
    page.wait_for_selector(".message-info")
    assert "inbox -> reading" in page.inner_text(".message-info")
    assert page.input_value("select[name=to]") == "reading"
    assert last_commit(root) == "move: attention-is-all-you-need inbox -> reading"

    page.fill("input[name=add]", "seminal")
    page.click("form.tracker-add-tag button[type=submit]")
    page.wait_for_selector(".message-info:has-text('+seminal')")
    page.click("form.tracker-tag:has-text('attention') button")
    page.wait_for_selector(".message-info:has-text('-attention')")
    tags = [t.strip().rstrip("×").strip() for t in page.locator("form.tracker-tag").all_inner_texts()]
    assert tags == ["transformers", "seminal"]

    page.fill("textarea[name=comment]", "Section 3.2 is the heart of it")
    page.click("form.tracker-comment button[type=submit]")
    page.wait_for_selector(".message-info:has-text('Saved the comment')")
    assert "Section 3.2 is the heart of it" in page.inner_text("td.col-comment")
    assert commit_count(root) == before + 4
    assert last_commit(root) == "edit: attention-is-all-you-need (comment)"
    page.screenshot(path=str(ARTIFACTS / "room-item-triage.png"), full_page=True)


def test_triage_from_the_inbox(room, page) -> None:
    base, root = room
    page.goto(f"{base}/tracker/inbox")
    row = page.locator("tr:has-text('An old inbox item')")
    row.locator("button[value=next-up]").click()
    page.wait_for_selector(".message-info")
    assert page.url.endswith("/tracker/inbox")
    assert "An old inbox item" not in page.inner_text("section.content")
    assert last_commit(root) == "move: old-inbox-item inbox -> next-up"
    page.goto(f"{base}/tracker/next_up")
    assert "An old inbox item" in page.inner_text("table")
    page.screenshot(path=str(ARTIFACTS / "room-next-up.png"), full_page=True)


def test_add_the_page_being_read_with_the_bookmarklet(room, page) -> None:
    base, root = room
    page.goto(f"{base}/")
    bookmarklet = page.get_attribute("a.tracker-bookmarklet", "href")
    assert bookmarklet.startswith("javascript:")
    with ScriptedServer({"/softmax": raw(ARTICLE)}) as blog:
        page.goto(blog.url("/softmax"))
        page.evaluate("""() => { const r = document.createRange();
            r.selectNodeContents(document.getElementById('key'));
            getSelection().removeAllRanges(); getSelection().addRange(r); }""")
        # What clicking the bookmark does: run its script on the page being read.
        page.evaluate(bookmarklet.removeprefix("javascript:"))
        page.wait_for_url(f"{base}/-/room/add?**")
        assert page.input_value("#tracker-url") == blog.url("/softmax")
        assert page.input_value("#tracker-text") == "The largest logit wins most of the mass."
        page.fill("#tracker-title", "")  # take the page's own title, cleaned of the site's name
        page.screenshot(path=str(ARTIFACTS / "room-add-form.png"), full_page=True)
        page.click("form.tracker-add-form button[type=submit]")
        page.wait_for_url("**/tracker/resources/softmax-step-by-step")
    assert "Added softmax-step-by-step" in page.inner_text(".message-info")
    body = page.inner_text("table.rows-and-columns")
    assert "Exponentiate, then normalise." in body and "The largest logit wins most of the mass." in body
    assert last_commit(root) == "add: Softmax, step by step (inbox)"
    page.screenshot(path=str(ARTIFACTS / "room-added-item.png"), full_page=True)


def test_rows_are_above_the_fold_and_empty_fields_take_no_space(room, page) -> None:
    base, _root = room
    page.goto(f"{base}/tracker/resources")
    first_row = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
    assert first_row is not None and first_row["y"] + 20 < 1000, first_row
    assert page.locator("details.tracker-columns dl.column-descriptions").count() == 1
    page.screenshot(path=str(ARTIFACTS / "room-resources.png"))
    page.goto(f"{base}/tracker/resources/old-inbox-item")  # no tags, topic, lab, comment, authors, ...
    assert page.locator("td.col-published").bounding_box() is None
    assert page.locator("td.col-lab").bounding_box() is None
    assert page.locator("td.col-title").bounding_box() is not None


def test_notes_qa_tables_are_labelled_question_and_answer(room, page) -> None:
    base, _root = room
    page.goto(f"{base}/tracker/notes/attention")
    qa = page.locator("td.col-body_html table")
    assert qa.locator("th").all_inner_texts() == ["Question", "Answer"]
    cell = qa.locator("td").first
    before = page.evaluate("td => getComputedStyle(td, '::before').content", cell.element_handle())
    assert before in ("none", "normal", '""'), before  # no "id"/"title" label leaking in from the row page
    assert cell.bounding_box()["x"] < qa.locator("td").nth(1).bounding_box()["x"]  # side by side, a table
    page.screenshot(path=str(ARTIFACTS / "room-note-qa.png"), full_page=True)


def test_a_stale_build_shows_a_banner_until_fixed(room, page) -> None:
    base, root = room
    resources = root / "resources.yaml"
    good = resources.read_text(encoding="utf-8")
    try:
        resources.write_text(good + "\0", encoding="utf-8")
        page.goto(f"{base}/tracker/inbox")
        for _ in range(30):
            if page.locator(".tracker-problem").count():
                break
            page.wait_for_timeout(200)
            page.reload()
        assert "resources.yaml:" in page.inner_text(".tracker-problem")
        page.screenshot(path=str(ARTIFACTS / "room-stale-banner.png"))
    finally:
        resources.write_text(good, encoding="utf-8")
    for _ in range(30):
        page.reload()
        if not page.locator(".tracker-problem").count():
            break
        page.wait_for_timeout(200)
    assert page.locator(".tracker-problem").count() == 0


def test_no_script_from_the_data_ever_ran(page) -> None:
    assert page.dialogs == []
