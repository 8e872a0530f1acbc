"""The README is the manual: its command reference lists every command with the help text `tracker --help` shows,
and its two fresh-machine commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

from tracker.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_reference_with_its_help() -> None:
    reference = README.split("## Command reference", 1)[1]
    for name, (_target, help_text) in COMMANDS.items():
        if not help_text:  # hidden commands (the git merge driver)
            continue
        assert f"| `tracker {name}` | {help_text} |" in reference, name


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = (
        "python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 -e '.[lab,dev]' && .venv/bin/python -m pytest -q"
    )
    assert test_command in README
    assert test_command in ci
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/tracker serve" in README
