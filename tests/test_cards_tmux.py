"""The interactive review in a real terminal (tmux): a question, the answer on a key, the grade on a key."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.cards_support import log_lines, shipped_project
from tests.conftest import REPO_ROOT, commit_count, git

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """A tmux session on its own socket (so no other tmux is touched), 100x40, running one command."""

    def __init__(self, command: str, cwd: Path) -> None:
        self.socket = f"tracker-test-{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "TERM": "xterm-256color"}
        script = f"cd {shlex.quote(str(cwd))} && {command}; echo EXIT=$?; sleep 30"
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "100",
                        "-y", "40", script], check=True, env=env)

    def screen(self) -> str:
        proc = subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "t", "-S", "-200"],
                              capture_output=True, text=True)
        return proc.stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def press(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "t", *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def test_interactive_review_shows_question_reveals_answer_records_grade(tmp_path: Path) -> None:
    folder = shipped_project(tmp_path / "study")
    before = commit_count(folder)
    terminal = Terminal(f"{shlex.quote(sys.executable)} -m tracker review --topic 3.1 --limit 2", folder)
    try:
        screen = terminal.wait_for("space/enter: show answer")
        assert "Do the linear combinations of the columns fill n-dimensional space?" in screen
        assert "This is the same question as" not in screen  # the answer is hidden until asked for
        terminal.press("Space")
        terminal.wait_for("This is the same question as: Does Ax=b always have a solution for x?")
        terminal.wait_for("1 again")
        terminal.press("3")
        screen = terminal.wait_for("recorded good; next in 10 min")
        terminal.wait_for("Is there always a solution for x in Ax=b?")
        terminal.press("Enter")
        terminal.wait_for("Yes, if A is invertible.")
        terminal.press("4")
        screen = terminal.wait_for("EXIT=")
        assert "Reviewed 2 cards (2 reviews), recalled 2 (100%)" in screen and "EXIT=0" in screen
    finally:
        terminal.close()
    assert [(r["question"], r["grade"]) for r in log_lines(folder)] == [
        ("Do the linear combinations of the columns fill n-dimensional space?", "good"),
        ("Is there always a solution for x in Ax=b?", "easy")]
    assert commit_count(folder) == before + 1
    assert git(folder, "status", "--porcelain") == ""


def test_quitting_with_q_keeps_what_was_graded(tmp_path: Path) -> None:
    folder = shipped_project(tmp_path / "study")
    terminal = Terminal(f"{shlex.quote(sys.executable)} -m tracker review --topic 1.1", folder)
    try:
        terminal.wait_for("What is a tensor?")
        terminal.press("Enter")
        terminal.wait_for("1 again")
        terminal.press("1")
        terminal.wait_for("What is a tensor with rank 0?")
        terminal.press("q")
        screen = terminal.wait_for("EXIT=")
        assert "Reviewed 1 card (1 review), recalled 0 (0%)" in screen
    finally:
        terminal.close()
    assert [r["grade"] for r in log_lines(folder)] == ["again"]
    assert git(folder, "log", "-1", "--format=%s").strip() == "review: 1 card, 0 recalled"
