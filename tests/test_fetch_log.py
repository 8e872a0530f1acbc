"""Fetch bookkeeping lives in ``.tracker-fetched.jsonl`` beside resources.yaml, never in it: old ``fetched:``
lines are moved out, and two machines that fetch the same item merge without a conflict."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git
from tests.metadata_support import ScriptedServer, page
from tracker.store import fetchlog
from tracker.store.fetchlog import FetchRecord


@pytest.fixture
def server():
    with ScriptedServer({"/blog": page("blog_post.html"), "/plain": page("plain_page.html")}, lifetime=60) as up:
        yield up


def test_tracker_fetch_moves_old_fetched_lines_out_of_the_file(project: Path, invoke, server) -> None:
    data = project / "resources.yaml"
    data.write_text(
        "resources:\n"
        f"- id: blog\n  url: {server.url('/blog')}\n  title: Blog (127.0.0.1)\n  added: 2026-01-01\n"
        "  status_changed: 2026-01-01\n  fetched: 2026-01-01 failed\n"
        f"- id: mine\n  url: {server.url('/plain')}\n  title: My name for it\n  added: 2026-01-02\n"
        "  # my comment\n  fetched: 2026-01-02 site:00000000\n"
    )
    git(project, "commit", "-qam", "an old file")
    assert invoke("fetch", "blog").exit_code == 0
    text = data.read_text()
    assert "fetched:" not in text and "  # my comment\n" in text
    log = fetchlog.load(project / ".tracker-fetched.jsonl")
    assert not log["blog"].failed and "title" in log["blog"].digests
    assert log["mine"].when == dt.date(2026, 1, 2) and log["mine"].digests == {"site": "00000000"}
    assert "merge=union" in (project / ".gitattributes").read_text()
    assert git(project, "status", "--short") == ""  # the log and .gitattributes were committed with it


def test_a_new_item_has_no_status_changed_that_repeats_added(project: Path, invoke) -> None:
    assert invoke("add", "https://example.org/new", "--title", "New").exit_code == 0
    text = (project / "resources.yaml").read_text()
    block = text[text.index("- id: new"):]
    assert "added:" in block and "status_changed" not in block


def _clone(origin: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(origin), str(target)], check=True, capture_output=True)
    return target


def _write_record(folder: Path, item_id: str, record: FetchRecord) -> None:
    path = folder / ".tracker-fetched.jsonl"
    records = fetchlog.load(path)
    records[item_id] = record
    path.write_text(fetchlog.dump(records))
    git(folder, "add", ".tracker-fetched.jsonl")
    git(folder, "commit", "-qm", f"fetch {item_id}")


def test_two_machines_fetching_merge_without_conflict_and_the_newest_record_wins(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    (origin / ".gitattributes").write_text(".tracker-fetched.jsonl merge=union\n")
    (origin / ".tracker-fetched.jsonl").write_text(fetchlog.dump({
        "a": FetchRecord(dt.date(2026, 1, 1), {"title": "11111111"}, at="2026-01-01T00:00:00Z"),
        "m": FetchRecord(dt.date(2026, 1, 1), {"title": "22222222"}, at="2026-01-01T00:00:00Z"),
        "z": FetchRecord(dt.date(2026, 1, 1), {"title": "33333333"}, at="2026-01-01T00:00:00Z"),
    }))
    git(origin, "add", ".")
    git(origin, "commit", "-qm", "start")
    one, two = _clone(origin, tmp_path / "one"), _clone(origin, tmp_path / "two")
    _write_record(one, "m", FetchRecord(dt.date(2026, 2, 1), {"title": "aaaaaaaa"}, at="2026-02-01T00:00:00Z"))
    _write_record(one, "a", FetchRecord(dt.date(2026, 2, 1), {"site": "bbbbbbbb"}, at="2026-02-01T00:00:00Z"))
    _write_record(two, "m", FetchRecord(dt.date(2026, 3, 1), {"title": "cccccccc"}, at="2026-03-01T00:00:00Z"))
    _write_record(two, "z", FetchRecord(dt.date(2026, 3, 1), {"kind": "dddddddd"}, failed=True,
                                        at="2026-03-01T00:00:00Z"))
    git(two, "pull", "-q", "--no-rebase", "--no-edit", str(one), "main")
    records = fetchlog.load(two / ".tracker-fetched.jsonl")
    assert records["m"].digests == {"title": "cccccccc"}  # the newer fetch of the same item
    assert records["a"].digests == {"site": "bbbbbbbb"} and records["z"].failed
    lines = (two / ".tracker-fetched.jsonl").read_text().splitlines()
    assert all(json.loads(line)["id"] in "amz" for line in lines)  # no conflict markers


def test_a_damaged_log_line_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / ".tracker-fetched.jsonl"
    path.write_text('{"id": "a", "date": "2026-01-01", "digests": {}}\n<<<<<<< ours\n')
    with pytest.raises(Exception, match=r"\.tracker-fetched\.jsonl:2: not a fetch record"):
        fetchlog.load(path)


def test_a_removed_item_takes_its_record_along_and_a_renamed_one_keeps_it(project: Path, invoke) -> None:
    from tracker import reading_list
    from tracker.store import Store

    log = project / ".tracker-fetched.jsonl"
    log.write_text(fetchlog.dump({
        "micrograd": FetchRecord(dt.date(2026, 1, 1), {"title": "11111111"}, at="2026-01-01T00:00:00Z"),
        "illustrated-transformer": FetchRecord(dt.date(2026, 1, 1), {"site": "22222222"}, at="2026-01-01T00:00:00Z"),
    }))
    git(project, "add", ".tracker-fetched.jsonl")
    git(project, "commit", "-qm", "fetch records")
    assert invoke("remove", "micrograd").exit_code == 0
    store = Store(project / "resources.yaml")
    reading_list.update_resources(store, {"illustrated-transformer": {"id": "jalammar-transformer"}}, "rename")
    assert set(fetchlog.load(log)) == {"jalammar-transformer"}
    assert git(project, "status", "--short") == ""  # each change committed with its command
