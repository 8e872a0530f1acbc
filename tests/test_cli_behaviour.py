"""The CLI behaves the way a terminal user expects (issue 19): complete results, repeatable filters, readable
commits, the same three output modes everywhere, distinguishable exit codes, and shell completion."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO_ROOT, commit_count, git, run_tracker
from tracker.cli import cli
from tracker.commands.output import Col, column_widths, tsv_line
from tracker.gitrepo import commit_message

ANSI = re.compile(r"\x1b\[")
BOX = re.compile(r"[─━│┃┏┓└┘╭╮╰╯┡┩]")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch):
    """Make read commands draw their terminal tables, ``width`` columns wide."""
    import tracker.commands.output as output

    def _set(width: int) -> None:
        monkeypatch.setattr(output, "is_terminal", lambda: True)
        monkeypatch.setenv("COLUMNS", str(width))

    return _set


def _add_batch(project: Path, count: int) -> None:
    """``count`` items whose title says "batch", written by hand and committed once (fast)."""
    data = project / "resources.yaml"
    items = "".join(f"- id: batch-{n}\n  url: https://example.org/batch/{n}\n  title: Batch {n}\n  status: inbox\n"
                    for n in range(count))
    data.write_text(data.read_text().replace("resources:\n", "resources:\n" + items, 1))
    git(project, "commit", "-qam", "batch")


# ---------------------------------------------------------------------------------------------- complete results


def test_search_says_how_many_more_match_than_it_shows(project: Path, invoke, terminal) -> None:
    _add_batch(project, 22)
    piped = invoke("search", "batch")
    assert len(piped.stdout.splitlines()) == 20
    assert piped.stderr.strip() == "... and 2 more (--limit)"  # for the person, not in the data
    doc = json.loads(invoke("search", "batch", "--json").stdout)
    assert doc["total"] == 22 and len(doc["results"]) == 20 and doc["query"] == "batch"
    assert invoke("search", "batch", "--limit", "30").stderr == ""
    terminal(100)
    table = invoke("search", "batch").stdout
    assert table.rstrip().splitlines()[-1].strip() == "... and 2 more (--limit)"
    assert "more" not in invoke("list", "--limit", "40").stdout
    assert invoke("list", "--limit", "3").stdout.rstrip().splitlines()[-1].strip() == "... and 22 more (--limit)"


# ---------------------------------------------------------------------------------------------- filters


def test_every_filter_repeats_the_same_way(project: Path, invoke) -> None:
    def ids(*args: str) -> list[str]:
        result = invoke(*args, "--json")
        assert result.exit_code == 0, result.output
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids("list", "--status", "inbox", "--status", "next-up") == ["illustrated-transformer",
                                                                       "attention-is-all-you-need"]
    assert ids("list", "--status", "INBOX") == ["illustrated-transformer"]  # any case, stored lower
    assert ids("list", "--category", "study", "--category", "CODING") == ["illustrated-transformer", "micrograd"]
    assert ids("list", "--tag", "paper", "--tag", "Attention") == ["illustrated-transformer",
                                                                 "attention-is-all-you-need"]
    assert ids("list", "--topic", "1.1.1", "--topic", "3.1.2") == ["attention-is-all-you-need", "micrograd"]
    # different options narrow each other; an empty value (an unset shell variable) filters nothing
    assert ids("list", "--status", "inbox", "--status", "done", "--category", "coding") == ["micrograd"]
    assert len(ids("list", "--tag", "")) == 3
    invoke("advice", "add", "Coding", "Write the tests first.")
    advice = json.loads(invoke("advice", "list", "--category", "study", "--category", "coding", "--json").stdout)
    assert [a["category"] for a in advice] == ["Study", "Coding"]
    for command in (["list"], ["check"], ["export"], ["advice", "list"]):
        options = {p.name: p for p in _command(command).params}
        filters = [options[name] for name in ("statuses", "categories", "tags", "topics") if name in options]
        assert filters and all(p.multiple for p in filters), command


def _command(path: list[str]) -> click.Command:
    ctx = click.Context(cli)
    command: click.Command = cli
    for name in path:
        command = command.get_command(ctx, name)  # type: ignore[attr-defined]
    return command


# ---------------------------------------------------------------------------------------------- commits


def test_commits_have_a_short_subject_and_the_details_in_the_body(project: Path, invoke, link_server) -> None:
    assert invoke("move", "illustrated", "attention", "micrograd", "--to", "reading").exit_code == 0
    subject, body = git(project, "log", "-1", "--format=%s%x00%b").split("\0")
    assert subject == "move: 3 items -> reading"
    assert body.strip().splitlines() == ["- illustrated-transformer: inbox -> reading",
                                         "- attention-is-all-you-need: next-up -> reading",
                                         "- micrograd: done -> reading"]
    data = project / "resources.yaml"
    items = "".join(f"- id: link-{n}\n  url: {link_server.url(path)}\n  title: Link {n}\n  status: inbox\n"
                    for n, path in enumerate(["/gone404/b1", "/gone404/b2", "/ok/b3", "/ok/b4"]))
    data.write_text(data.read_text().replace("resources:\n", "resources:\n" + items, 1))
    git(project, "commit", "-qam", "links")
    result = invoke("check", "--status", "inbox", "--timeout", "2")
    assert result.exit_code == 3, result.output  # dead links found
    subject, body = git(project, "log", "-1", "--format=%s%x00%b").split("\0")
    assert subject.startswith("check: ") and len(subject) <= 72
    assert sum(1 for line in body.splitlines() if line.startswith("- ")) >= 4  # one line per link


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=120), st.lists(st.text(max_size=60), max_size=6))
def test_a_commit_message_keeps_every_word_in_a_short_subject_and_its_body(subject: str, body: list[str]) -> None:
    """Oracle: the subject is one line of at most 72 characters, a blank line parts it from the body, and
    every word given is still in the message."""
    subject = " ".join(subject.split())
    lines = [line for line in (" ".join(b.split()) for b in body) if line]
    message = subject + ("\n\n" + "\n".join(lines) if lines else "")
    made = commit_message(message)
    first, _sep, rest = made.partition("\n")
    assert len(first) <= 72
    assert rest == "" or rest.startswith("\n")
    assert all(word in made for word in message.split())
    if lines and subject and len(subject) <= 72:
        assert made.split("\n\n")[-1].splitlines() == lines  # the body, line for line


# a blank line between subject and body
    assert " ".join(message.split()).replace("...", "") in " ".join(made.split()).replace("...", "") or \
        all(word in made for word in message.split())  # nothing lost


# ---------------------------------------------------------------------------------------------- small things


def test_small_things_a_new_user_trips_over(project: Path, invoke) -> None:
    data = project / "resources.yaml"
    moved = invoke("move", "micrograd", "--to", "Done")
    assert moved.exit_code == 0 and moved.stdout == "Nothing to do: already done.\n"
    assert invoke("move", "micrograd", "--to", "READING").stdout == "micrograd: done -> reading\n"
    assert "status: reading" in data.read_text()
    assert "I." in invoke("topics").stdout
    edited = invoke("topics", "edit", "I.", "--summary", "The basics")
    assert edited.exit_code == 0 and edited.stdout == "part-1: changed summary\n"
    assert invoke("topics", "edit", "i", "--summary", "Basics").exit_code == 0  # as typed, any case, no dot
    part = invoke("add", "https://example.org/part", "--topic", "I.").stdout.strip()  # stored as the id
    assert json.loads(invoke("show", part, "--json").stdout)["topic"] == "part-1"
    assert [row["id"] for row in json.loads(invoke("list", "--topic", "I.", "--json").stdout)] == [part]

    commits = commit_count(project)
    empty = invoke("notes", "new", "  ")
    assert empty.exit_code == 2 and "a note needs a title" in empty.output
    assert list((project / "notes").iterdir()) == [] and commit_count(project) == commits
    path = Path(invoke("notes", "new", "Attention by hand").stdout.strip())
    assert "| Question | Answer |\n|---|---|\n" in path.read_text()  # what notes new --help promises
    path.write_text(path.read_text() + "| Why scale? | Softmax range. |\n")
    assert invoke("notes", "list", "--json").stdout.count('"question": "Why scale?"') == 1

    before = data.read_text()
    again = invoke("advice", "add", "study", "implement it yourself before reading the code")
    assert again.exit_code == 1 and "already there" in again.output and data.read_text() == before
    added = invoke("advice", "add", "STUDY", "Read the paper twice.")
    assert added.stdout == "Added advice (Study)\n"  # one category, spelled as it first was
    assert {a["category"] for a in json.loads(invoke("advice", "list", "--json").stdout)} == {"Study"}


def test_a_url_with_a_password_is_refused_and_never_repeated(project: Path, invoke, tmp_path: Path) -> None:
    data = project / "resources.yaml"
    before, commits = data.read_text(), commit_count(project)
    for args in (["add", "https://ann:s3cret@example.org/private"],
                 ["edit", "micrograd", "--url", "https://token123@github.com/karpathy/micrograd"]):
        result = invoke(*args)
        assert result.exit_code == 1 and "user name or password" in result.output
        assert "s3cret" not in result.output and "token123" not in result.output
        assert "example.org/private" in result.output or "github.com/karpathy" in result.output
    assert data.read_text() == before and commit_count(project) == commits
    links = tmp_path / "links.md"
    links.write_text("- [Private](https://ann:s3cret@example.org/p)\n- [Public](https://example.org/public)\n")
    imported = invoke("import", str(links))
    assert imported.exit_code == 0 and "1 added" in imported.stdout and "user name or password" in imported.stdout
    assert "s3cret" not in data.read_text() + imported.output
    # A URL already in the file (a hand edit) is the person's choice: the list still loads.
    data.write_text(data.read_text().replace("https://karpathy.ai", "https://me:pw@karpathy.ai"))
    assert invoke("list").exit_code == 0


# ---------------------------------------------------------------------------------------------- output modes


READ_COMMANDS = [["list"], ["search", "attention"], ["advice", "list"], ["glossary", "list"], ["notes", "list"],
                 ["topics"], ["log"], ["show", "micrograd"], ["lab", "list"],
                 ["cards", "list"]]


def _lab_and_note(project: Path, invoke) -> None:
    (project / "lab").mkdir()
    (project / "lab" / "attention.py").write_text((REPO_ROOT / "lab" / "attention.py").read_text())
    note = Path(invoke("notes", "new", "Backprop", "--topic", "1.1.1").stdout.strip())
    note.write_text(note.read_text() + "| Why the chain rule? | Derivatives of compositions multiply. |\n")


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_read_commands_pipe_tab_separated_lines_and_json_on_request(project: Path, invoke, args: list[str]) -> None:
    _lab_and_note(project, invoke)
    piped = invoke(*args)
    assert piped.exit_code == 0, piped.output
    assert piped.stdout and not ANSI.search(piped.stdout) and not BOX.search(piped.stdout)
    assert all("\t" in line for line in piped.stdout.splitlines()), piped.stdout
    json.loads(invoke(*args, "--json").stdout)


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_read_commands_draw_one_line_per_row_at_80_columns(project: Path, invoke, terminal,
                                                           args: list[str]) -> None:
    _lab_and_note(project, invoke)
    terminal(80)
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout


def test_list_at_80_columns_drops_empty_columns_and_never_wraps(project: Path, invoke, terminal) -> None:
    invoke("add", "https://example.org/" + "long/" * 30, "--title", "A rather long title " * 6, "--tag", "x")
    terminal(80)
    lines = invoke("list", "--status", "done", "--status", "inbox").stdout.rstrip().splitlines()
    assert lines[0].split() == ["id", "status", "category", "title"]  # tags go before the title starves
    assert len(lines) == 2 + 3 and all(len(line) <= 80 for line in lines)  # header, rule, one line per item
    assert lines[2].split()[0] == "illustrated-transformer"  # an id you can type, not cut
    assert "…" in lines[-1]  # the long title is cut, not wrapped
    lines = invoke("list", "--status", "done").stdout.rstrip().splitlines()
    assert lines[0].split() == ["id", "status", "category", "title"]  # no item shown has tags: no tags column
    lines = invoke("list", "--tag", "x").stdout.rstrip().splitlines()
    assert lines[0].split() == ["id", "status", "title", "tags"]  # the new item has no category: empty goes


def test_check_and_fetch_and_meta_follow_the_same_modes(project: Path, invoke, link_server, tmp_path: Path,
                                                         terminal) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"[ok]({link_server.url('/ok/m1')}) and [gone]({link_server.url('/gone404/m2')})\n")
    piped = invoke("check", "--links-from", str(readme), "--timeout", "2")
    assert piped.exit_code == 3
    assert [line.split("\t")[:2] for line in piped.stdout.splitlines()] == [[link_server.url("/gone404/m2"), "dead"]]
    assert "2 links: 1 ok, 1 dead" in piped.stderr
    page = REPO_ROOT / "tests" / "fixtures" / "metadata" / "arxiv_abs.html"
    meta = invoke("meta", str(page), "--url", "https://arxiv.org/abs/2101.00001")
    assert meta.exit_code == 0 and all(len(line.split("\t")) == 2 for line in meta.stdout.splitlines())
    data = project / "resources.yaml"
    item = f"- id: served\n  url: {link_server.url('/ok/f1')}\n  title: Served\n  status: inbox\n"
    data.write_text(data.read_text().replace("resources:\n", "resources:\n" + item, 1))
    fetched = invoke("fetch", "served", "--json")
    assert fetched.exit_code == 0, fetched.output
    assert json.loads(fetched.stdout)["counts"]["fetched"] == 1
    assert [row.split("\t")[0] for row in invoke("fetch", "served").stdout.splitlines()] == ["served"]
    terminal(100)
    table = invoke("check", "--links-from", str(readme), "--timeout", "2").stdout
    assert "Links that need a look (1)" in table and "2 links: 1 ok, 1 dead" in table


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(max_size=80), min_size=4, max_size=4), min_size=1, max_size=6),
       st.integers(min_value=40, max_value=200))
def test_any_cells_fit_the_terminal_one_line_per_row(rows: list[list[str]], width: int) -> None:
    """Oracle: whatever the cells hold (newlines, tabs, wide characters, markup), a table is one line per
    row within the width, and a piped row is one line with a tab between cells."""
    import io

    from rich.console import Console

    from tracker.commands import output

    columns = [Col("id", cap=32, clip=True), Col("status", cap=7), Col("title", share=3), Col("tags", cap=16)]
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False)
    original = output.terminal_console
    output.terminal_console = lambda stderr=False: console  # type: ignore[assignment]
    original_is_terminal = output.is_terminal
    output.is_terminal = lambda: True  # type: ignore[assignment]
    try:
        output.print_table(columns, rows)
    finally:
        output.terminal_console = original  # type: ignore[assignment]
        output.is_terminal = original_is_terminal  # type: ignore[assignment]
    lines = buffer.getvalue().rstrip("\n").splitlines()
    from rich.cells import cell_len

    assert all(cell_len(line) <= width for line in lines), lines
    shown = column_widths(columns, rows, width)
    assert len(lines) == len(rows) + 2 if shown else True  # header, rule, then exactly one line per row
    for row in rows:
        line = tsv_line(row)
        assert "\n" not in line and "\r" not in line and line.count("\t") == 3


# ---------------------------------------------------------------------------------------------- exit codes


def _all_commands() -> list[list[str]]:
    found: list[list[str]] = []
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        found.append([name])
        if isinstance(command, click.Group):
            found += [[name, sub] for sub in command.list_commands(ctx)]
    return found


@pytest.mark.parametrize("args", _all_commands(), ids=" ".join)
def test_every_usage_error_exits_2(project: Path, invoke, args: list[str]) -> None:
    result = invoke(*args, "--no-such-option")
    assert result.exit_code == 2 and "No such option" in result.output, result.output


def test_exit_codes_tell_failure_usage_and_dead_links_apart(project: Path, invoke, link_server,
                                                             tmp_path: Path) -> None:
    assert invoke("show", "no-such-item").exit_code == 1  # the command could not do its job
    assert invoke("move", "micrograd", "--to", "finished").exit_code == 2  # a usage error
    assert invoke("no-such-command").exit_code == 2
    assert invoke("check", "--timeout", "soon").exit_code == 2
    links = tmp_path / "links.md"
    links.write_text(f"[gone]({link_server.url('/gone404/x')})\n")
    assert invoke("check", "--links-from", str(links), "--timeout", "2").exit_code == 3
    links.write_text(f"[fine]({link_server.url('/ok/x')})\n")
    assert invoke("check", "--links-from", str(links), "--timeout", "2").exit_code == 0


def test_the_exit_codes_table_in_docs_is_the_one_tested() -> None:
    text = (REPO_ROOT / "docs" / "cli.md").read_text()
    table = dict(re.findall(r"^\| (\d+) \| ([^|]+) \|", text, re.M))
    assert {code: words.strip().split(":")[0] for code, words in table.items()} == {
        "0": "success", "1": "failure", "2": "usage error", "3": "dead links", "130": "interrupted"}


# ---------------------------------------------------------------------------------------------- completion


def _complete(words: str) -> list[str]:
    """What the shell would offer after ``words`` (in-process, as Click's bash completion computes it)."""
    from click.shell_completion import BashComplete

    args = words.split()[1:]
    incomplete = "" if words.endswith(" ") else args.pop()
    return [item.value for item in BashComplete(cli, {}, "tracker", "_TRACKER_COMPLETE").get_completions(
        args, incomplete)]


def test_shell_completion_of_ids_statuses_topics_and_labs(project: Path) -> None:
    assert _complete("tracker show mi") == ["micrograd"]
    assert _complete("tracker move micrograd --to ") == ["inbox", "next-up", "reading", "done", "dropped"]
    assert _complete("tracker list --topic 3") == ["3.1.2"]
    assert _complete("tracker topics edit I") == ["I."]
    assert _complete("tracker notes new T --related att") == ["attention-is-all-you-need"]
    lab = project / "lab"
    lab.mkdir()
    (lab / "attention.py").write_text((REPO_ROOT / "lab" / "attention.py").read_text())
    assert _complete("tracker add x --lab att") == ["attention"]
    assert _complete("tracker lab run att") == ["attention", "attention-is-all-you-need"]  # experiment, item
    # The way docs/cli.md installs it: the shell runs tracker with _TRACKER_COMPLETE set.
    proc = run_tracker(cwd=project, env={"_TRACKER_COMPLETE": "bash_complete", "COMP_WORDS": "tracker show mi",
                                         "COMP_CWORD": "2"})
    assert proc.stdout.split() == ["plain,micrograd"], proc.stderr
    (project / "resources.yaml").write_text("resources: [unclosed\n")  # broken: no suggestions, no traceback
    assert _complete("tracker show mi") == []


# ---------------------------------------------------------------------------------------------- properties


hand_written = st.one_of(st.none(), st.integers(-5, 50), st.text(max_size=8), st.sampled_from(["I.", "II", "1.1"]))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.fixed_dictionaries({"id": st.one_of(st.integers(0, 20), st.text(min_size=1, max_size=6))},
                                      optional={"number": hand_written, "title": hand_written}), max_size=8),
       st.text(max_size=8))
def test_a_topic_name_finds_a_hand_written_plan_or_nothing(topics: list[dict], name: str) -> None:
    """Oracle: whatever the study plan holds (ids as numbers, numbers missing or odd), the lookup never
    raises, and returns an id that is in the plan, the id itself when given exactly, or None."""
    from tracker.filters import find_topic_id

    found = find_topic_id(topics, name)
    ids = [str(topic["id"]) for topic in topics]
    assert found is None or found in ids
    if name.strip() in ids:
        assert found == name.strip()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["inbox", "next-up", "done"]), st.sampled_from(["Study", "math", None]),
                          st.lists(st.sampled_from(["a", "B", "c"]), max_size=2)), max_size=8),
       st.lists(st.sampled_from(["inbox", "next-up", "done"]), max_size=2),
       st.lists(st.sampled_from(["study", "MATH"]), max_size=2), st.lists(st.sampled_from(["A", "b"]), max_size=2))
def test_filters_widen_when_repeated_and_narrow_when_combined(items: list, statuses: list, categories: list,
                                                            tags: list) -> None:
    """Oracle: an item is shown exactly when, for each option given, it has one of that option's values."""
    from tracker.filters import ItemFilter

    rows = [(f"i{n}", "u", "t", status, category, json.dumps(item_tags), None, "{}")
            for n, (status, category, item_tags) in enumerate(items)]
    wanted = ItemFilter(tuple(statuses), tuple(categories), tuple(tags))
    for row, (status, category, item_tags) in zip(rows, items, strict=True):
        expected = ((not statuses or status in statuses)
                    and (not categories or (category or "").lower() in {c.lower() for c in categories})
                    and (not tags or bool({t.lower() for t in item_tags} & {t.lower() for t in tags})))
        assert wanted.matches(row) is expected


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=8, max_size=16),
       st.sampled_from(["", "ann:", "ann@x:"]), st.text(alphabet="abcdefghij-/.", max_size=20))
def test_a_secret_in_a_url_is_refused_and_never_repeated(secret: str, user: str, path: str) -> None:
    from tracker.urls import InvalidURLError, refuse_credentials

    url = f"https://{user}{secret}@example.org/{path}"
    with pytest.raises(InvalidURLError) as refused:
        refuse_credentials(url)
    assert secret not in str(refused.value) and "https://example.org/" in str(refused.value)
    assert refuse_credentials(f" https://example.org/{path} ") == f"https://example.org/{path}"
