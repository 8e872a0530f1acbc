"""Daily use as a demanding user meets it: tables that fit the terminal, search passages, edits of every
field, refused bad input that leaves the file alone, notes about typos, and what each command imports."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.conftest import commit_count, git, modules_after, run_tracker
from tracker.commands.core import RESOURCE_COLUMNS
from tracker.commands.output import column_widths as _column_widths


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch):
    """Make the commands draw their terminal tables, ``width`` columns wide."""
    import tracker.commands.output as core

    def _set(width: int) -> None:
        monkeypatch.setattr(core, "is_terminal", lambda: True)
        monkeypatch.setenv("COLUMNS", str(width))

    return _set


LONG = ("https://ocw.mit.edu/courses/18-06sc-linear-algebra-fall-2011/pages/ax-b-and-the-four-subspaces/"
        "the-geometry-of-linear-equations/")


def test_column_widths_keep_order_and_drop_url_tags_category_when_narrow() -> None:
    rows = [["mit-ocw-lecture-1-the-geometry-of-linear-equations", "reading", "Math", "MIT OCW Lecture 1 The "
             "Geometry of Linear Equations", "linalg", LONG]]
    wide = _column_widths(RESOURCE_COLUMNS, rows, 160)
    assert [RESOURCE_COLUMNS[i].name for i in wide] == ["id", "status", "category", "title", "tags", "url"]
    assert sum(wide.values()) + 3 * len(wide) <= 160
    hundred = _column_widths(RESOURCE_COLUMNS, rows, 100)
    assert [RESOURCE_COLUMNS[i].name for i in hundred] == ["id", "status", "category", "title", "tags"]
    assert hundred[3] == max(hundred.values()) and hundred[0] == 32  # the title gets the room, an id its cap
    narrow = _column_widths(RESOURCE_COLUMNS, rows, 60)
    assert [RESOURCE_COLUMNS[i].name for i in narrow] == ["id", "status", "title"]
    assert sum(narrow.values()) + 3 * len(narrow) <= 60


@pytest.mark.parametrize("width", [60, 100, 140])
def test_list_table_fits_the_terminal(project: Path, invoke, terminal, width: int) -> None:
    invoke("add", LONG, "--title", "MIT OCW Linear Algebra, Fall 2011", "--category", "Free ML Training Resources")
    terminal(width)
    result = invoke("list")
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["id", "status"]
    assert all(len(line) <= width for line in lines), "\n".join(lines)
    assert "micrograd" in result.stdout
    assert ("ocw.mit.edu/courses" in result.stdout) is (width >= 120)  # the URL, without https://, when wide
    assert "https://" not in result.stdout


def test_empty_results_say_so_in_a_terminal(project: Path, invoke, terminal, monkeypatch) -> None:
    import tracker.commands.output as core

    assert invoke("search", "zzzz").stdout == ""  # piped: nothing at all
    terminal(100)
    assert invoke("list", "--tag", "no-such-tag").stdout.strip() == "No items."
    assert invoke("search", "zzzz").stdout.strip() == "Nothing matches 'zzzz'."
    monkeypatch.setattr(core, "is_terminal", lambda: False)
    assert invoke("list", "--tag", "no-such-tag").stdout == ""


def test_search_shows_the_passage_that_matched(project: Path, invoke, terminal) -> None:
    invoke("edit", "micrograd", "--comment", "A tiny autograd engine; read before the backprop chapter")
    rows = json.loads(invoke("search", "backprop", "--json").stdout)["results"]
    assert [row["id"] for row in rows] == ["micrograd"]
    assert rows[0]["snippet"] == "A tiny autograd engine; read before the **backprop** chapter"
    assert rows[0]["score"] > 0
    titled = json.loads(invoke("search", "illustrated", "--json").stdout)["results"]
    assert titled[0]["snippet"] is None  # matched by its title alone, which the table shows anyway
    terminal(120)
    table = invoke("search", "backprop").stdout
    assert "matched in" in table.splitlines()[0] and "backprop chapter" in table


def test_show_hides_the_fetch_bookkeeping(project: Path, invoke) -> None:
    data = project / "resources.yaml"
    data.write_text(data.read_text().replace("  my_rating: 5\n", "  my_rating: 5\n  fetched: 2026-11-28 failed "
                                             "title:66702c38 site:32f83cb9\n  review:\n    stars: 5\n    by: me\n"))
    lines = invoke("show", "micrograd").stdout.splitlines()
    assert [line.split(None, 1) for line in lines if line.startswith("review")] == [["review", "stars: 5; by: me"]]
    assert [line.split(None, 1) for line in lines if line.startswith("fetched")] == [["fetched", "2026-11-28 failed"]]
    assert json.loads(invoke("show", "micrograd", "--json").stdout)["fetched"].endswith("site:32f83cb9")


def test_edit_every_field_clear_and_refuse(project: Path, invoke) -> None:
    data = project / "resources.yaml"
    result = invoke("edit", "attention", "--status", "reading", "--author", "Ashish Vaswani", "--author",
                    "Noam Shazeer", "--published", "2017-06-12", "--site", "arXiv", "--kind", "paper",
                    "--tag", "classic", "--topic", "1.1.1", "--lab", "attention")
    assert result.exit_code == 0, result.output
    item = json.loads(invoke("show", "attention", "--json").stdout)
    assert (item["status"], item["authors"], item["published"], item["site"], item["kind"], item["tags"]) == (
        "reading", ["Ashish Vaswani", "Noam Shazeer"], "2017-06-12", "arXiv", "paper", ["classic"])
    assert item["status_changed"] != "2026-01-06" and "status_changed" in item
    assert "next-up -> reading" in invoke("log", "attention").stdout
    assert invoke("edit", "attention", "--tag", "", "--author", "", "--category", "", "--comment", "").exit_code == 0
    item = json.loads(invoke("show", "attention", "--json").stdout)
    assert "category" not in item and "comment" not in item and item.get("tags", []) == []
    assert "tags:" not in data.read_text().split("id: attention-is-all-you-need")[1].split("- id:")[0]
    before, commits = data.read_text(), commit_count(project)
    for args, code, message in (
        (("--title", ""), 2, "--title cannot be empty"),
        (("--url", " "), 2, "--url cannot be empty"),
        (("--published", "yesterday"), 2, "expected a date as YYYY-MM-DD, got 'yesterday'"),
        (("--url", "ftp://example.org/x"), 1, "only http and https URLs are allowed"),
        (("--url", "https://github.com/karpathy/micrograd/"), 1, "already in the list as 'micrograd'"),
    ):
        result = invoke("edit", "attention", *args)
        assert result.exit_code == code and message in result.output, (args, result.output)
    assert data.read_text() == before and commit_count(project) == commits


def test_advice_and_glossary_refuse_bad_links_and_repeated_advice(project: Path, invoke) -> None:
    data = project / "resources.yaml"
    before = data.read_text()
    bad_source = invoke("advice", "add", "Study", "Read slowly.", "--source-url", "ftp://example.org/x")
    assert bad_source.exit_code == 1
    assert bad_source.output == "Error: only http and https URLs are allowed, not 'ftp://example.org/x'\n"
    again = invoke("advice", "add", "Coding", "implement it yourself  before reading the code.")
    assert again.exit_code == 1 and again.output == "Error: that advice is already there (category Study)\n"
    bad_link = invoke("glossary", "add", "RoPE", "Rotary position embedding.", "--link", "Paper=ftp://x.org/p")
    assert bad_link.exit_code == 1 and "only http and https" in bad_link.output
    assert data.read_text() == before and commit_count(project) == 1


def test_unknown_topic_or_related_id_is_kept_but_pointed_out(project: Path, invoke) -> None:
    added = invoke("add", "https://example.org/a", "--topic", "9.9.9")
    assert added.exit_code == 0
    assert added.stderr == "note: topic '9.9.9' is not in the study plan (see `tracker topics`)\n"
    assert invoke("add", "https://example.org/b", "--topic", "1.1.1").stderr == ""
    note = invoke("notes", "new", "Backprop by hand", "--topic", "1.1.1", "--related", "micrograd",
                  "--related", "no-such-item")
    assert note.exit_code == 0 and note.stderr == "note: 'no-such-item' is not an item id in the list\n"


def test_topics_show_progress_and_notes(project: Path, invoke, terminal) -> None:
    (project / "notes" / "backprop.md").write_text(
        "---\ntitle: Backprop\ntopic: 1.1.1\n---\n| Question | Answer |\n|---|---|\n| Why? | Chain rule. |\n")
    rows = {row["id"]: row for row in json.loads(invoke("topics", "--json").stdout)}
    assert (rows["1.1.1"]["notes"], rows["1.1.1"]["questions"]) == (1, 1)
    assert (rows["3.1.2"]["notes"], rows["part-1"]["notes"]) == (0, 0)
    terminal(100)
    lines = invoke("topics").stdout.splitlines()
    backprop = next(line for line in lines if "Backprop" in line)
    assert "1/1 █████" in backprop and "1 note, 1 Q" in backprop
    attention = next(line for line in lines if "Attention" in line)
    assert "0/1 ░░░░░" in attention and "note" not in attention


@pytest.mark.parametrize("args", [["--help"], ["list"], ["add", "https://example.org/light", "--no-fetch"],
                                  ["move", "micrograd", "--to", "reading"], ["search", "attention"]])
def test_daily_commands_import_no_heavy_library(project: Path, args: list[str]) -> None:
    loaded = {name.split(".")[0] for name in modules_after(args, project)}
    assert not loaded & {"torch", "datasette", "bs4", "httpx", "lxml", "sqlite_utils", "numpy"}, args
    if args[0] != "--help":
        assert git(project, "status", "--porcelain") == ""  # the command did its job (and committed)


def test_add_of_an_unreachable_page_saves_the_item_fast_and_says_why(project: Path) -> None:
    with socket.socket() as sock:  # a port on 127.0.0.1 that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    proc = run_tracker("add", f"http://127.0.0.1:{port}/paper", "--title", "Kept", cwd=project,
                       env={"TRACKER_NO_FETCH": ""})
    assert time.monotonic() - started < 20
    assert proc.returncode == 0 and proc.stdout == "kept\n"
    assert proc.stderr.startswith("note: saved without page metadata: ") and len(proc.stderr.splitlines()) == 1
    assert git(project, "log", "-1", "--format=%s").strip() == "add: Kept (inbox)"


def test_a_url_without_scheme_gets_a_hint(project: Path, invoke) -> None:
    result = invoke("add", "example.com/post")
    assert result.exit_code == 1
    assert result.output == ("Error: only http and https URLs are allowed, not 'example.com/post' "
                             "(did you mean https://example.com/post?)\n")
    assert "did you mean" not in invoke("add", "mailto:me@example.com").output
    assert commit_count(project) == 1


def test_edit_of_the_status_reads_like_a_move_in_git_log(project: Path, invoke) -> None:
    assert invoke("edit", "attention", "--status", "done", "--comment", "Read twice").exit_code == 0
    assert git(project, "log", "-1", "--format=%s").strip() == (
        "edit: attention-is-all-you-need (comment, status next-up -> done)")


def test_remove_several_in_one_commit_or_none(project: Path, invoke) -> None:
    data = project / "resources.yaml"
    before = data.read_text()
    refused = invoke("remove", "micrograd", "no-such-item")
    assert refused.exit_code == 1 and "no item 'no-such-item'" in refused.output
    assert data.read_text() == before and commit_count(project) == 1
    result = invoke("remove", "micrograd", "https://arxiv.org/pdf/1706.03762v2", "micro")
    assert result.exit_code == 0 and result.stdout == "Removed micrograd\nRemoved attention-is-all-you-need\n"
    assert git(project, "log", "-1", "--format=%s").strip() == "remove: 2 items"
    assert git(project, "log", "-1", "--format=%b").strip().splitlines() == [
        "- micrograd (micrograd)", "- attention-is-all-you-need (Attention Is All You Need)"]
    assert [row["id"] for row in json.loads(invoke("list", "--json").stdout)] == ["illustrated-transformer"]
    assert "# a comment between items" in data.read_text() and "advice:" in data.read_text()
    assert git(project, "status", "--porcelain") == ""
