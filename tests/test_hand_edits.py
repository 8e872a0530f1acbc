"""The file is the user's: hand edits, reverts, odd bytes and stray keys never crash a command, lose a line, or
get committed under a command's message. Each test runs ``python -m tracker`` in a real git repository, the
way a person does, and checks what they would see."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import commit_count, git, run_tracker


def tracker(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_tracker(*args, cwd=folder)


def ok(folder: Path, *args: str) -> str:
    """A command that must succeed, run in-process (the same code as ``python -m tracker``, without the
    start-up cost); failures are checked in real processes (``tracker``) where a traceback would show."""
    from click.testing import CliRunner

    from tracker.cli import cli

    with contextlib.chdir(folder):
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def one_line_error(proc: subprocess.CompletedProcess[str], *parts: str) -> str:
    """The command failed the way a user should see it: exit 1, one ``Error:`` line, no traceback."""
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """``tracker init`` then one item, as a new user starts."""
    folder = tmp_path / "d"
    ok(tmp_path, "init", str(folder))
    ok(folder, "add", "https://example.org/p1", "--title", "P1")
    return folder


def test_revert_after_a_hand_added_section_heals_the_index(fresh: Path) -> None:
    data = fresh / "resources.yaml"
    backup = data.read_text()
    data.write_text(backup + "\nsettings:\n  theme: dark\n")
    ok(fresh, "add", "https://example.org/p2", "--title", "P2")
    assert "theme: dark" in data.read_text()
    data.write_text(backup)  # cp bak resources.yaml
    for command in (["list"], ["search", "P1"], ["show", "p1"]):
        assert "p1" in ok(fresh, *command)
    assert "p2" not in ok(fresh, "list")
    git(fresh, "commit", "-qam", "back to p1 only")
    # git revert of an add, then a checkout of the first version: still no crash, the index follows
    ok(fresh, "add", "https://example.org/p3", "--title", "P3")
    git(fresh, "revert", "--no-edit", "HEAD")
    assert "p3" not in ok(fresh, "list") and "p1" in ok(fresh, "list")
    first = git(fresh, "rev-list", "--max-parents=0", "HEAD").strip()
    git(fresh, "checkout", first, "--", "resources.yaml")
    assert ok(fresh, "list").split() == []


def test_a_comment_inside_an_item_survives_move_and_edit(fresh: Path) -> None:
    data = fresh / "resources.yaml"
    data.write_text(data.read_text().replace("  title: P1\n", "  title: P1\n  # reread section 3.2!\n"))
    git(fresh, "commit", "-qam", "a note to self")
    ok(fresh, "move", "p1", "--to", "reading")
    ok(fresh, "edit", "p1", "--comment", "good", "--title", "P one")
    text = data.read_text()
    assert "  # reread section 3.2!\n" in text
    assert "status: reading" in text and "title: P one" in text
    diff = git(fresh, "diff", "HEAD~2", "--", "resources.yaml")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert sorted(changed) == sorted(["-  title: P1", "+  title: P one", "-  status: inbox",
                                      "+  status: reading", "+  comment: good"])


def test_a_byte_that_is_not_utf8_is_refused_at_the_edge(fresh: Path, tmp_path: Path) -> None:
    data = fresh / "resources.yaml"
    before = data.read_bytes()
    proc = subprocess.run(  # the title as a Latin-1 terminal types it: b"caf\xe9"
        [*_python_tracker(), "add", "https://e.example/1", "--title", b"caf\xe9".decode("utf-8", "surrogateescape")],
        cwd=fresh, capture_output=True, text=True, env=_env())
    one_line_error(proc, "title", "not UTF-8")
    assert data.read_bytes() == before
    bad = tmp_path / "bad.json"
    bad.write_text('[{"url": "https://e.example/2", "title": "caf\\udce9"}]')
    one_line_error(tracker(fresh, "import", str(bad)), "not UTF-8")
    assert data.read_bytes() == before
    assert "p1" in ok(fresh, "list")


def test_duplicate_sections_keys_and_merge_keys_are_errors_and_nothing_is_written(fresh: Path) -> None:
    data = fresh / "resources.yaml"
    good = data.read_text()
    cases = {
        "section 'resources' appears twice": good + "\nresources:\n- id: p9\n  url: https://e.org/9\n  title: N\n",
        "key 'title' appears twice": good.replace("  title: P1\n", "  title: P1\n  title: Other\n"),
        "'<<' merge keys": good.replace("  title: P1\n", "  title: P1\n  <<: {comment: x}\n"),
    }
    for message, text in cases.items():
        data.write_text(text)
        count = commit_count(fresh)
        line = one_line_error(tracker(fresh, "add", "https://example.org/p2", "--title", "P2"), message)
        assert line.split(":")[1].strip().isdigit() or "resources.yaml:" in line
        assert data.read_text() == text and commit_count(fresh) == count
        one_line_error(tracker(fresh, "list"), message)


def test_document_markers_keep_one_valid_document(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    ok(tmp_path, "init", str(folder))
    data = folder / "resources.yaml"
    data.write_text("---\n...\n")
    ok(folder, "add", "https://example.org/p1", "--title", "P1")
    ok(folder, "advice", "add", "Study", "Read slowly.")
    loaded = yaml.safe_load(data.read_text())
    assert [r["id"] for r in loaded["resources"]] == ["p1"] and loaded["advice"][0]["text"] == "Read slowly."


def test_a_commit_carries_only_the_commands_change(fresh: Path) -> None:
    for n in (2, 3, 4):
        ok(fresh, "add", f"https://example.org/p{n}", "--title", f"P{n}")
    data = fresh / "resources.yaml"
    text = data.read_text()
    start, end = text.index("- id: p3"), text.index("- id: p4")
    reordered = text[:start] + text[end:]
    first = reordered.index("- id: p1")
    reordered = reordered[:first] + text[start:end] + reordered[first:]
    data.write_text(reordered)  # a reorder by hand, not committed
    ok(fresh, "move", "p4", "--to", "done")
    shown = git(fresh, "show", "HEAD", "--", "resources.yaml")
    assert shown.count("\n+") - shown.count("\n+++") == 1 and "+  status: done" in shown
    assert data.read_text() == reordered.replace("P4\n  status: inbox", "P4\n  status: done")
    pending = git(fresh, "diff", "--", "resources.yaml")
    assert "+- id: p3" in pending and "status: done" not in pending  # the reorder is still the user's, uncommitted
    assert "resources.yaml" in git(fresh, "status", "--short")


@pytest.mark.parametrize(("args", "edit", "parts"), [
    (["list"], (r"added: .*", "added: 2024-13-45"), ["resources.yaml:", "added"]),
    (["list"], ("title: P1", 'title: "x\x00y"'), ["resources.yaml:", "U+0000"]),
    (["build"], (r"topics: \[\]", "topics:\n- id: t1\n  title: A\n- id: t1\n  title: B"), ["duplicate topic id 't1'"]),
    (["add", "http://[::1/"], None, ["malformed"]),
    (["--file", "/proc/self/environ", "add", "https://x.example"], None, []),
])
def test_bad_input_is_one_line_not_a_traceback(fresh: Path, args: list[str], edit: tuple[str, str] | None,
                                              parts: list[str]) -> None:
    data = fresh / "resources.yaml"
    if edit:
        data.write_text(re.sub(edit[0], edit[1], data.read_text(), count=1))
    one_line_error(tracker(fresh, *args), *parts)


def test_huge_limit_and_init_in_a_missing_folder(fresh: Path, tmp_path: Path) -> None:
    assert "p1" in ok(fresh, "list", "--limit", "99999999999999999999999")
    target = tmp_path / "nodir" / "x.yaml"
    ok(tmp_path, "--file", str(target), "init")
    assert yaml.safe_load(target.read_text())["resources"] == []


def test_dotted_numbers_yes_and_single_tags_are_read_as_written(fresh: Path) -> None:
    data = fresh / "resources.yaml"
    data.write_text(data.read_text().replace("  title: P1\n", "  title: yes\n  topic: 3.10\n  tags: rlhf\n"))
    shown = json.loads(ok(fresh, "show", "p1", "--json"))
    assert (shown["title"], shown["topic"], shown["tags"]) == ("yes", "3.10", ["rlhf"])
    ok(fresh, "move", "p1", "--to", "done")
    assert "  topic: 3.10\n" in data.read_text()


def _python_tracker() -> list[str]:
    import sys

    return [sys.executable, "-m", "tracker"]


def _env() -> dict[str, str]:
    import os

    from tests.conftest import REPO_ROOT

    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def test_crash_leftovers_are_recovered(fresh: Path) -> None:
    import os
    import time

    lock = fresh / ".git" / "index.lock"
    lock.write_text("")  # a git killed with its process group
    old = time.time() - 60
    os.utime(lock, (old, old))
    count = commit_count(fresh)
    ok(fresh, "add", "https://example.org/p2", "--title", "P2")
    assert commit_count(fresh) == count + 1 and not lock.exists()
    state = fresh / ".tracker"
    leftover = state / ".tracker.db.k1ll3d.building"
    leftover.write_bytes(b"half a database")
    ok(fresh, "build")
    assert not leftover.exists() and (state / "tracker.db").exists()


def test_notes_made_at_the_same_moment_each_get_their_own_commit(fresh: Path) -> None:
    count = commit_count(fresh)
    procs = [subprocess.Popen([*_python_tracker(), "notes", "new", f"Note {n}"], cwd=fresh, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    results = [proc.communicate(timeout=60) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), results
    assert commit_count(fresh) == count + 4
    assert git(fresh, "status", "--short") == ""


def test_every_problem_in_the_file_is_reported_at_once_with_the_fix(fresh: Path) -> None:
    ok(fresh, "add", "https://example.org/p2", "--title", "P2")
    ok(fresh, "add", "https://example.org/p3", "--title", "P3")
    data = fresh / "resources.yaml"
    text = data.read_text()
    text = text.replace("title: P1\n  status: inbox", "title: P1\n  status: nxt-up", 1)
    text = text.replace("title: P2", "title: A: b").replace("url: https://example.org/p3", "url: ftp://x")
    data.write_text(text)
    proc = tracker(fresh, "list")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Error: ") and all("resources.yaml:" in line for line in lines)
    assert "did you mean next-up?" in lines[0]
    assert 'must be quoted, e.g. title: "A: b"' in lines[1]
    assert "only http and https" in lines[2]


def test_a_file_saved_by_a_windows_editor_keeps_its_line_ends_and_bom(fresh: Path) -> None:
    data = fresh / "resources.yaml"
    data.write_bytes(b"\xef\xbb\xbf" + data.read_bytes().replace(b"\n", b"\r\n"))
    git(fresh, "commit", "-qam", "saved on Windows")
    ok(fresh, "move", "p1", "--to", "done")
    raw = data.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n")
    assert git(fresh, "show", "--stat", "--format=", "HEAD").strip().endswith("1 insertion(+), 1 deletion(-)")
