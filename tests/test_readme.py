"""The README is the manual: its command reference lists every command with the help text `tracker --help` shows,
and its two fresh-machine commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from tracker.cli import COMMANDS, cli

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


def _commands(group: click.Group, ctx: click.Context, path: list[str]) -> list[list[str]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden or (group is cli and not COMMANDS[name][1]):
            continue  # the hidden merge driver: git runs it, not a person
        found.append([*path, name])
        if isinstance(command, click.Group):
            found += _commands(command, ctx, [*path, name])
    return found


def test_every_command_and_subcommand_has_help_with_an_example() -> None:
    ctx = click.Context(cli)
    commands = _commands(cli, ctx, [])
    assert ["lab", "run"] in commands and ["glossary", "edit"] in commands
    for path in commands:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"tracker {' '.join(path)} --help has no example"
