"""A person and tracker share resources.yaml: random hand edits (items added, removed, reordered, comments
anywhere, keys and sections of their own), CLI commands, ``git checkout`` of older versions, reverts and
crash leftovers, interleaved. After every step: no traceback, the index agrees with the file, PyYAML reads the
file, and a command changed no line it did not own (comments included).

Bounded (``max_examples``, ``stateful_step_count``) so it runs in CI in well under a minute.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tracker.cli import cli
from tracker.store.layout import scan

STATUSES = ["inbox", "next-up", "reading", "done", "dropped"]
COMMENTS = ["# a note to self", "# reread section 3.2!", "#", "# tricky: key: value - [x]"]


def _git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=check)


class SharedFile(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-prop-"))
        self.data = self.folder / "resources.yaml"
        self.counter = 0
        result = self._run("init", str(self.folder), file=False)
        assert result.exit_code == 0, result.output

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------------------------------------ helpers

    def _run(self, *args: str, file: bool = True):
        full = ["--file", str(self.data), *args] if file else list(args)
        result = CliRunner().invoke(cli, full)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"traceback from tracker {args}: {result.exception!r}") from result.exception
        assert result.exit_code in (0, 1), (args, result.output)
        if result.exit_code == 1:
            assert result.output.startswith("Error: ") or "\nError: " in result.output, result.output
        return result

    def _text(self) -> str:
        return self.data.read_text(encoding="utf-8")

    def _ids(self) -> list[str]:
        loaded = yaml.safe_load(self._text()) or {}
        return [str(item["id"]) for item in loaded.get("resources") or []]

    def _blocks(self) -> dict[str, tuple[int, int]]:
        """id -> (first line, end line) of each item block, 0-based, end exclusive."""
        text = self._text()
        found = {}
        for block in scan(text).blocks["resources"]:
            first = text[block.start:text.find("\n", block.start)]
            item_id = first.removeprefix("- id:").strip()
            found[item_id] = (block.line - 1, block.line - 1 + text.count("\n", block.start, block.end)
                              + (0 if text[block.end - 1:block.end] == "\n" else 1))
        return found

    def _committed(self) -> dict:
        """resources.yaml as HEAD has it, parsed (what a command's commit is judged by)."""
        shown = _git(self.folder, "show", "HEAD:resources.yaml", check=False)
        return (yaml.safe_load(shown.stdout) or {}) if shown.returncode == 0 else {}

    def _command(self, *args: str, item_id: str | None = None) -> None:
        """Run a command that must succeed. Its commit changes only the item the command is about: every other
        item, section and key of the person's is committed exactly as it was before (a pending hand edit is
        not swept in), unless tracker said the two touched the same lines."""
        before = self._committed()
        result = self._run(*args)
        assert result.exit_code == 0, result.output
        if "uncommitted edits" in result.output:
            return
        after = self._committed()

        def others(data: dict) -> tuple[list, dict]:
            items = [item for item in data.get("resources") or [] if str(item.get("id")) != item_id]
            return items, {key: value for key, value in data.items() if key != "resources"}

        new_items, new_rest = others(after)
        old_items, old_rest = others(before)
        assert (new_items, new_rest) == (old_items, old_rest), "the commit holds more than the command's change"

    def _write(self, text: str) -> None:
        self.data.write_text(text, encoding="utf-8")

    def _command_changed_only(self, before: str, owned: tuple[int, int] | None, removed: bool = False) -> None:
        """Every line outside ``owned`` (the item's block, 0-based line range) is as it was; inside it every
        comment line is still there unless the item was removed. ``owned`` None: an add, which may only
        insert one run of lines (and turn ``resources: []`` into ``resources:``)."""
        old = before.replace("resources: []\n", "resources:\n").splitlines()
        new = self._text().splitlines()
        if owned is None:
            same = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
            assert new[:same] == old[:same] and (same == len(old) or new[len(new) - (len(old) - same):] == old[same:])
            return
        start, end = owned
        tail = len(old) - end
        assert new[:start] == old[:start], "lines before the item changed"
        assert new[len(new) - tail:] == old[end:] if tail else True, "lines after the item changed"
        if removed:
            assert len(new) == len(old) - (end - start)
            return
        kept = new[start:len(new) - tail]
        for line in old[start:end]:
            if line.lstrip().startswith("#"):
                assert line in kept, f"comment {line!r} lost"

    # ------------------------------------------------------------------------------------------ commands

    @rule(status=st.sampled_from(STATUSES))
    def cli_add(self, status: str) -> None:
        self.counter += 1
        before = self._text()
        self._command("add", f"https://example.org/c{self.counter}", "--title", f"C {self.counter}",
                      "--status", status, item_id=f"c-{self.counter}")
        self._command_changed_only(before, None)

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 1000), status=st.sampled_from(STATUSES))
    def cli_move(self, pick: int, status: str) -> None:
        ids = self._ids()
        item_id = ids[pick % len(ids)]
        before, owned = self._text(), self._blocks()[item_id]
        self._command("move", item_id, "--to", status, item_id=item_id)
        self._command_changed_only(before, owned)

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 1000), comment=st.sampled_from(["fine", "key: value", "yes", "3.10", "# not one"]))
    def cli_edit(self, pick: int, comment: str) -> None:
        ids = self._ids()
        item_id = ids[pick % len(ids)]
        before, owned = self._text(), self._blocks()[item_id]
        self._command("edit", item_id, "--comment", comment, item_id=item_id)
        self._command_changed_only(before, owned)

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 1000))
    def cli_remove(self, pick: int) -> None:
        ids = self._ids()
        item_id = ids[pick % len(ids)]
        before, owned = self._text(), self._blocks()[item_id]
        self._command("remove", item_id, item_id=item_id)
        self._command_changed_only(before, owned, removed=True)

    # ------------------------------------------------------------------------------------------ hand edits

    @rule(comment=st.sampled_from(COMMENTS), with_key=st.booleans())
    def hand_add_item(self, comment: str, with_key: bool) -> None:
        self.counter += 1
        n = self.counter
        block = (f"- id: h{n}\n  url: https://example.org/h{n}\n  title: Hand {n}\n  {comment}\n"
                 + ("  my_rating: 4\n" if with_key else "") + "  topic: 3.10\n")
        text = self._text()
        if "resources: []" in text:
            text = text.replace("resources: []", "resources:\n" + block.rstrip("\n"), 1)
        else:
            text = text.replace("resources:\n", "resources:\n" + block, 1)
        self._write(text)

    @precondition(lambda self: self._ids())
    @rule(pick=st.integers(0, 1000))
    def hand_remove_item(self, pick: int) -> None:
        blocks = self._blocks()
        start, end = list(blocks.values())[pick % len(blocks)]
        lines = self._text().splitlines(keepends=True)
        self._write("".join(lines[:start] + lines[end:]))

    @precondition(lambda self: len(self._ids()) >= 2)
    @rule()
    def hand_reorder(self) -> None:
        spans = list(self._blocks().values())
        (a1, a2), (b1, b2) = spans[0], spans[1]
        lines = self._text().splitlines(keepends=True)
        first, second = lines[a1:a2], lines[b1:b2]
        if second and not second[-1].endswith("\n"):
            second[-1] += "\n"
        self._write("".join(lines[:a1] + second + lines[a2:b1] + first + lines[b2:]))

    @rule(comment=st.sampled_from(COMMENTS), pick=st.integers(0, 1000), inside=st.booleans())
    def hand_comment(self, comment: str, pick: int, inside: bool) -> None:
        lines = self._text().splitlines(keepends=True)
        blocks = list(self._blocks().values())
        if inside and blocks:
            start, _end = blocks[pick % len(blocks)]
            lines.insert(start + 1, f"  {comment}\n")
        else:
            at = [i for i, line in enumerate(lines) if line.startswith(("- id:", "advice:", "glossary:"))]
            lines.insert(at[pick % len(at)] if at else len(lines), f"{comment}\n")
        self._write("".join(lines))

    @precondition(lambda self: "\nsettings:" not in self._text())
    @rule()
    def hand_new_section(self) -> None:
        text = self._text()
        self._write(text + ("" if text.endswith("\n") else "\n") + "\nsettings:\n  theme: dark\n  # mine\n")

    # ------------------------------------------------------------------------------------------ git, crashes

    @rule()
    def git_commit_all(self) -> None:
        _git(self.folder, "add", "-A", ".", check=False)  # fails while a stale index.lock is there, as for a person
        _git(self.folder, "commit", "-qm", "by hand", check=False)

    @rule(back=st.integers(1, 4))
    def git_checkout_older(self, back: int) -> None:
        _git(self.folder, "checkout", f"HEAD~{back}", "--", "resources.yaml", check=False)

    @rule()
    def git_revert(self) -> None:
        if int(_git(self.folder, "rev-list", "--count", "HEAD").stdout) < 2:
            return  # reverting `tracker init` would remove the file itself
        proc = _git(self.folder, "revert", "--no-edit", "HEAD", check=False)
        if proc.returncode != 0:
            _git(self.folder, "revert", "--abort", check=False)
            _git(self.folder, "checkout", "HEAD", "--", "resources.yaml", check=False)

    @rule(which=st.sampled_from(["temp file", "index.lock", "index.db"]))
    def crash_leftover(self, which: str) -> None:
        if which == "temp file":
            (self.folder / ".resources.yaml.tmp-99999").write_text("resources:\n- id: half")
        elif which == "index.lock":
            lock = self.folder / ".git" / "index.lock"
            lock.write_text("")
            old = time.time() - 60
            os.utime(lock, (old, old))
        else:
            index = self.folder / ".tracker" / "index.db"
            if index.exists():
                index.write_bytes(b"not a database" * 10)

    # ------------------------------------------------------------------------------------------ checks

    @invariant()
    def file_loads_and_index_agrees(self) -> None:
        ids = self._ids()  # PyYAML reads it
        result = self._run("list", "--json")
        assert result.exit_code == 0, result.output
        import json

        listed = [row["id"] for row in json.loads(result.stdout)]
        assert listed == ids


SharedFile.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None,
                                        suppress_health_check=[HealthCheck.too_slow])
test_hand_edits_and_commands_interleaved = SharedFile.TestCase
