"""Triage and add from the reading room: a real `tracker serve`, a real git repo, forms posted as a browser does.

Each action must be the CLI's own change: the same surgical write and one commit with the CLI's message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.metadata_support import ScriptedServer, raw
from tests.publish_support import (
    GIT_IDENTITY,
    REPO_ROOT,
    RoomSession,
    commit_count,
    free_port,
    last_commit,
    make_project,
    start_serve,
    wait_for_http,
)

pytestmark = pytest.mark.timeout(120)

ITEM_PAGE = "/tracker/resources/attention-is-all-you-need"
PAGE_HTML = b"""<html><head><title>Fallback</title>
<meta property="og:title" content="Grokking the Softmax">
<meta name="description" content="Why the softmax saturates, with pictures.">
</head><body><h1>Grokking the Softmax</h1></body></html>"""


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    resources_file = make_project(tmp_path_factory.mktemp("room") / "repo")
    port = free_port()
    process = start_serve(resources_file, port)
    base = f"http://127.0.0.1:{port}"
    session = RoomSession(base)
    try:
        wait_for_http(f"{base}/tracker")
        yield session, resources_file.parent
    finally:
        session.close()
        process.terminate()
        output, _ = process.communicate(timeout=10)
        assert "Traceback" not in output, output


def as_the_cli_does(root: Path, tmp_path: Path, *args: str) -> tuple[bytes, str]:
    """Run the same change with the CLI on a copy of the repository: the file and commit message it makes."""
    copy = tmp_path / "cli-copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".tracker"))
    subprocess.run([sys.executable, "-m", "tracker", *args], cwd=copy, check=True, capture_output=True, timeout=60,
                   env={**os.environ, **GIT_IDENTITY, "PYTHONPATH": str(REPO_ROOT)})
    return (copy / "resources.yaml").read_bytes(), last_commit(copy)


def test_move_from_the_item_page_commits_like_tracker_move(room, tmp_path: Path) -> None:
    session, root = room
    before = commit_count(root)
    expected = as_the_cli_does(root, tmp_path, "move", "attention-is-all-you-need", "--to", "next-up")
    page = session.post("/-/room/move", {"item": "attention-is-all-you-need", "to": "next-up"}, ITEM_PAGE)
    assert page.status_code == 200 and str(page.url).endswith(ITEM_PAGE)
    assert "Moved attention-is-all-you-need: inbox -&gt; next-up" in page.text
    assert '<option value="next-up" selected>' in page.text  # the page shows the new state at once
    assert commit_count(root) == before + 1
    assert last_commit(root) == "move: attention-is-all-you-need inbox -> next-up"
    assert ((root / "resources.yaml").read_bytes(), last_commit(root)) == expected


def test_move_from_the_inbox_list_returns_to_the_list(room) -> None:
    session, root = room
    page = session.post("/-/room/move", {"item": "old-inbox-item", "to": "dropped", "next": "/tracker/inbox"},
                        "/tracker/inbox")
    assert str(page.url).endswith("/tracker/inbox")
    assert "Moved old-inbox-item: inbox -&gt; dropped" in page.text
    assert "An old inbox item" not in page.text and "Nothing here yet." in page.text
    assert last_commit(root) == "move: old-inbox-item inbox -> dropped"


def test_tags_and_comment_commit_like_tracker_edit(room, tmp_path: Path) -> None:
    session, root = room
    expected = as_the_cli_does(root, tmp_path, "edit", "attention-is-all-you-need", "--add-tag", "to-reread",
                               "--add-tag", "seminal")
    page = session.post("/-/room/tags", {"item": "attention-is-all-you-need", "add": "to-reread, seminal"},
                        ITEM_PAGE)
    assert "Tags of attention-is-all-you-need: +to-reread +seminal" in page.text
    assert last_commit(root) == "edit: attention-is-all-you-need (tags)"
    assert ((root / "resources.yaml").read_bytes(), last_commit(root)) == expected
    page = session.post("/-/room/tags", {"item": "attention-is-all-you-need", "remove": "attention"}, ITEM_PAGE)
    assert last_commit(root) == "edit: attention-is-all-you-need (tags)"
    data = yaml.safe_load((root / "resources.yaml").read_text(encoding="utf-8"))
    (item,) = [r for r in data["resources"] if r["id"] == "attention-is-all-you-need"]
    assert item["tags"] == ["transformers", "to-reread", "seminal"]
    page = session.post("/-/room/comment", {"item": "attention-is-all-you-need",
                                            "comment": "Read <b>section 3</b> twice"}, ITEM_PAGE)
    assert "Saved the comment on attention-is-all-you-need" in page.text
    assert "Read &lt;b&gt;section 3&lt;/b&gt; twice" in page.text
    assert last_commit(root) == "edit: attention-is-all-you-need (comment)"


def test_a_bad_action_changes_nothing_and_says_why(room) -> None:
    session, root = room
    before = commit_count(root)
    page = session.post("/-/room/move", {"item": "attention-is-all-you-need", "to": "someday"}, ITEM_PAGE)
    assert "Not changed: status &#39;someday&#39; is not one of" in page.text
    page = session.post("/-/room/move", {"item": "no-such-item", "to": "done", "next": "/tracker/next_up"},
                        "/tracker/next_up")
    assert "Not changed: no item &#39;no-such-item&#39;" in page.text
    assert commit_count(root) == before


def test_add_a_page_fetches_its_metadata_commits_and_opens_the_item(room) -> None:
    session, root = room
    with ScriptedServer({"/softmax": raw(PAGE_HTML)}) as site:
        url = site.url("/softmax")
        form = session.http.get("/-/room/add", params={"url": url, "title": "", "text": "saturates for large x"})
        assert form.status_code == 200 and f'value="{url}"' in form.text and "saturates for large x" in form.text
        page = session.post("/-/room/add", {"url": url, "title": "", "text": "saturates for large x"},
                            "/-/room/add")
    assert str(page.url).endswith("/tracker/resources/grokking-the-softmax")
    assert "Added grokking-the-softmax: Grokking the Softmax (inbox)" in page.text
    assert "Why the softmax saturates" in page.text and "saturates for large x" in page.text
    assert last_commit(root) == "add: Grokking the Softmax (inbox)"
    # The same page again: refused as a duplicate, and the existing item opens.
    before = commit_count(root)
    again = session.post("/-/room/add", {"url": url + "#top", "title": "", "text": ""}, "/-/room/add")
    assert str(again.url).endswith("/tracker/resources/grokking-the-softmax")
    assert "Already in the list" in again.text and commit_count(root) == before


def test_add_refuses_what_tracker_add_refuses(room) -> None:
    session, root = room
    before = commit_count(root)
    page = session.post("/-/room/add", {"url": "javascript:alert(1)", "title": "<b>x</b>", "text": ""},
                        "/-/room/add", follow=False)
    assert page.status_code == 400 and "Not added:" in page.text
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in page.text  # the form comes back as typed, escaped
    assert commit_count(root) == before


def test_home_and_lists_offer_the_add_form_and_bookmarklet(room) -> None:
    session, _root = room
    home = session.http.get("/").text
    assert 'href="/-/room/add"' in home and 'class="tracker-bookmarklet" href="javascript:' in home
    assert f"{session.base}/-/room/add?url=" in home.replace("&#39;", "'")
    assert 'name="to" value="reading"' in session.http.get("/tracker/next_up").text


# ---------------------------------------------------------------------------------------------- in-process


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("actions") / "repo")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comment=st.text(max_size=200), tag=st.text(max_size=30))
def test_any_form_text_is_saved_as_typed_or_refused_cleanly(repo: Path, comment: str, tag: str) -> None:
    """Oracle: each action either raises a TrackerError (nothing written) or commits; the file always loads, the
    other items are untouched, and what was saved reads back as typed (trimmed, line endings normalised)."""
    from tracker.errors import TrackerError
    from tracker.publish import actions

    def load() -> dict:
        return {r["id"]: r for r in yaml.safe_load(repo.read_text(encoding="utf-8"))["resources"]}

    before = load()
    try:
        actions.set_comment(repo, "illustrated-transformer", comment)
        saved = comment.replace("\r\n", "\n").strip()
        assert load()["illustrated-transformer"].get("comment") == (saved or None)
    except TrackerError as exc:
        assert "\n" not in str(exc).strip()
    try:
        actions.change_tags(repo, "illustrated-transformer", [tag], [])
        assert tag.strip() in load()["illustrated-transformer"]["tags"]
    except TrackerError as exc:
        assert "\n" not in str(exc).strip()
    after = load()
    assert {k: v for k, v in after.items() if k != "illustrated-transformer"} == {
        k: v for k, v in before.items() if k != "illustrated-transformer"}
