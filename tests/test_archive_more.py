"""Archive details: opt-outs (item, list, process), `tracker fetch` saving text in one commit, PDFs, `tracker read`,
an unreachable Wayback Machine (no claim), and property tests for what people and servers write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.archive_support import LOREM, PageServer, article, fetching, html, running_server, tiny_pdf
from tests.conftest import commit_count, git, run_tracker
from tracker.archive.compare import judge, similarity, soft_404
from tracker.archive.extract import MAX_TEXT_CHARS, Snapshot, bounded, extract_snapshot
from tracker.archive.files import parse, render
from tracker.archive.wayback import closest_copy


@pytest.fixture
def server() -> Iterator[PageServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture
def fetching_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_NO_FETCH", "")


def test_opt_outs_item_list_and_process(project: Path, server: PageServer, invoke, fetching_env,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    server.pages["/a"] = html(article("Alpha", [LOREM]))
    server.pages["/b"] = html(article("Beta", [LOREM]))
    server.pages["/c"] = html(article("Gamma", [LOREM]))
    monkeypatch.setenv("TRACKER_ARCHIVE", "off")
    first = invoke("add", server.url("/a")).output.strip()
    assert not (project / "archive" / f"{first}.md").exists()
    monkeypatch.delenv("TRACKER_ARCHIVE")
    assert "saving is off" in invoke("archive", "off").output
    second = invoke("add", server.url("/b")).output.strip()
    assert not (project / "archive" / f"{second}.md").exists()
    assert "saving is on" in invoke("archive", "on").output
    assert git(project, "status", "--porcelain") == ""
    # One item: `archive: false` written in its block; a fetch of every item then skips it only.
    text = (project / "resources.yaml").read_text().replace(f"- id: {first}\n", f"- id: {first}\n  archive: false\n")
    (project / "resources.yaml").write_text(text)
    third = invoke("add", server.url("/c")).output.strip()
    invoke("fetch", first, second, third)
    assert sorted(p.stem for p in (project / "archive").glob("*.md")) == sorted([second, third])


def test_fetch_saves_text_in_the_same_commit_and_refetch_changes_nothing(project: Path, server: PageServer,
                                                                        invoke) -> None:
    server.pages["/p"] = html(article("Paper notes", [LOREM, "Saved by fetch: ocelot."]))
    item_id = invoke("add", server.url("/p")).output.strip()  # TRACKER_NO_FETCH=1: no text yet
    assert not (project / "archive").exists()
    env = fetching()
    before = commit_count(project)
    done = run_tracker("fetch", item_id, cwd=project, env=env)
    assert done.returncode == 0, done.stderr
    assert "ocelot" in (project / "archive" / f"{item_id}.md").read_text()
    assert git(project, "status", "--porcelain") == ""
    assert commit_count(project) == before + 1  # metadata and page text: one commit
    assert git(project, "log", "-1", "--format=%s").strip().endswith("page text of 1 item")
    assert f"archive/{item_id}.md" in git(project, "show", "--name-only", "--format=", "HEAD")
    before = commit_count(project)
    run_tracker("fetch", item_id, cwd=project, env=env)
    assert commit_count(project) == before  # same text: no new bytes, no commit
    shown = run_tracker("read", item_id, cwd=project)
    assert "ocelot" in shown.stdout and server.url("/p") in shown.stdout
    missing = run_tracker("read", "micrograd", cwd=project)
    assert missing.returncode == 1 and missing.stderr.startswith("Error: micrograd: no saved text")


def test_pdf_text_is_saved_also_from_a_pdf_bigger_than_a_metadata_read(project: Path, server: PageServer, invoke,
                                                                        fetching_env) -> None:
    server.pages["/paper.pdf"] = (200, "application/pdf",
                                  tiny_pdf("Quaternion backpropagation explained", padding=600_000))
    item_id = invoke("add", server.url("/paper.pdf")).output.strip()
    saved = (project / "archive" / f"{item_id}.md").read_text()
    assert "kind: pdf" in saved and "Quaternion backpropagation explained" in saved


def test_a_long_article_is_saved_to_its_end(project: Path, server: PageServer, invoke, fetching_env) -> None:
    head = '<meta property="og:title" content="A very long read">'  # a rich head: metadata needs no more
    paragraphs = [f"Paragraph {n}. {LOREM}" for n in range(600)] + ["The last paragraph names the aardwolf."]
    server.pages["/long"] = html(article("A very long read", paragraphs, extra_head=head))
    assert len(server.pages["/long"][2]) > 100_000
    item_id = invoke("add", server.url("/long")).output.strip()
    saved = (project / "archive" / f"{item_id}.md").read_text()
    assert "aardwolf" in saved and "truncated" not in saved


def test_unreachable_wayback_makes_no_claim(project: Path, server: PageServer, invoke) -> None:
    item_id = invoke("add", server.url("/missing")).output.strip()
    from tests.linkcheck_support import closed_port

    env = {"TRACKER_WAYBACK_URL": f"http://127.0.0.1:{closed_port()}/wayback/available"}
    done = run_tracker("check", item_id, "--json", "--timeout", "2", cwd=project, env=env)
    doc = json.loads(done.stdout)
    row = next(r for r in doc["results"] if r["id"] == item_id)
    assert row["verdict"] == "dead" and row["archived_url"] is None
    assert "could not be reached" in doc["wayback_note"] and "no claim" in doc["wayback_note"]


# ---------------------------------------------------------------------------------------------- properties

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


@settings(max_examples=60, deadline=None)
@given(content=_text)
def test_any_hand_edited_snapshot_file_reads_back_without_error(content: str) -> None:
    page = parse("x", content)
    assert isinstance(page.text, str) and isinstance(page.header, dict)
    assert page.words is None or page.words >= 0


@settings(max_examples=60, deadline=None)
@given(text=_text.filter(lambda t: t.strip()), url=st.text(max_size=60))
def test_render_then_parse_keeps_the_text(text: str, url: str) -> None:
    page = parse("x", render(Snapshot(text), url, __import__("datetime").date(2026, 1, 2)))
    assert page.text == text.strip()
    assert page.header.get("saved") == "2026-01-02"


def test_control_characters_never_reach_the_file_or_the_terminal() -> None:
    page = html(article("Escapes", [LOREM, "Bold \x1b[31mred\x1b[0m text \x07 here."]))[2]
    snapshot = extract_snapshot(page, "text/html")
    assert snapshot is not None and "\x1b" not in snapshot.text and "\x07" not in snapshot.text


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=2000), ctype=st.sampled_from([None, "text/html", "application/pdf", "text/plain",
                                                               "image/png"]))
def test_extraction_never_raises_and_stays_bounded(body: bytes, ctype: str | None) -> None:
    snapshot = extract_snapshot(body, ctype)
    assert snapshot is None or len(snapshot.text) <= MAX_TEXT_CHARS
    assert snapshot is None or not any(ord(ch) < 32 and ch not in "\n\t" for ch in snapshot.text)


@settings(max_examples=60, deadline=None)
@given(answer=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=20), inner,
                                                                                        max_size=3), max_leaves=12))
def test_any_json_answer_gives_a_copy_or_none(answer: object) -> None:
    copy = closest_copy(answer)
    assert copy is None or copy.startswith(("http://", "https://"))


@settings(max_examples=40, deadline=None)
@given(saved=_text, title=st.text(max_size=60), live=_text)
def test_judging_never_raises(saved: str, title: str, live: str) -> None:
    finding = judge(saved, title, live)
    assert finding is None or finding.kind in ("soft-404", "parked", "login", "changed")
    assert 0.0 <= similarity(saved, live) <= 1.0


def test_soft_404_spares_a_long_article_about_404s() -> None:
    long_text = "This article explains what a 404 page not found error means for your site. " + LOREM * 20
    assert soft_404("How HTTP status codes work", long_text) is None
    assert soft_404("Page not found", "Sorry") is not None
    assert soft_404("example.com", "This domain is for sale! Buy this domain today.").kind == "parked"


def test_bounded_cuts_at_a_paragraph() -> None:
    text = ("word " * 50 + "\n\n") * 2000
    cut, truncated = bounded(text, 5000)
    assert truncated and len(cut) <= 5000 and cut.endswith("word")


def test_page_index_follows_new_removed_and_hand_edited_files(tmp_path: Path) -> None:
    import os
    import time

    from tracker.archive.files import write_page
    from tracker.archive.search import match_query
    from tracker.archive.textindex import PageIndex

    write_page(tmp_path, "one", "https://example.org/1", Snapshot("the first page mentions gnus"))
    with PageIndex(tmp_path) as pages:
        assert pages.sync() == 1
        assert [hit.item_id for hit in pages.search(match_query("gnu"))] == ["one"]  # a prefix matches
        write_page(tmp_path, "two", "https://example.org/2", Snapshot("the second page mentions gnus too"))
        pages.sync()
        assert {hit.item_id for hit in pages.search(match_query("gnus"))} == {"one", "two"}
        (tmp_path / "archive" / "one.md").unlink()
        pages.sync()
        assert [hit.item_id for hit in pages.search(match_query("gnus"))] == ["two"]
        # An edit in place does not touch the folder: a full sync (tracker archive) sees it.
        old = time.time_ns() - 10_000_000_000
        os.utime(tmp_path / "archive", ns=(old, old))
        pages.sync()
        (tmp_path / "archive" / "two.md").write_text("---\nwords: 2\n---\n\nokapis now\n")
        pages.sync(full=True)
        assert [hit.item_id for hit in pages.search(match_query("okapi"))] == ["two"]


@settings(max_examples=60, deadline=None)
@given(query=st.text(max_size=40))
def test_any_search_words_are_a_valid_page_text_query(tmp_path_factory: pytest.TempPathFactory, query: str) -> None:
    from tracker.archive.search import match_query
    from tracker.archive.textindex import PageIndex

    root = tmp_path_factory.mktemp("q")
    with PageIndex(root) as pages:
        pages.sync()
        assert pages.search(match_query(query)) == []


def test_archive_prune_drops_text_of_removed_items(project: Path, server: PageServer, invoke, fetching_env) -> None:
    server.pages["/x"] = html(article("Soon removed", [LOREM]))
    item_id = invoke("add", server.url("/x")).output.strip()
    invoke("remove", item_id)
    status = json.loads(invoke("archive", "--json").output)
    assert status["orphans"] == [item_id] and status["saved"] == 0
    invoke("archive", "--prune")
    assert not (project / "archive" / f"{item_id}.md").exists()
    assert git(project, "status", "--porcelain") == ""
