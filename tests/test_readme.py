"""The docs are the manual: docs/reference.md is every command's ``--help`` as the code prints it, every command
and subcommand has help with an example of itself, the README links every page of docs/, and its two
fresh-machine commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _reference_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_reference", ROOT / "docs" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reference_is_what_help_prints() -> None:
    reference = _reference_module()
    assert reference.same_text((ROOT / "docs" / "reference.md").read_text(encoding="utf-8"), reference.render()), (
        "docs/reference.md is out of date: run python docs/reference.py")


def test_every_command_and_subcommand_has_help_with_an_example_of_itself() -> None:
    """The one help check (it used to be written three times, in test_cli_core, test_metadata and here)."""
    commands = _reference_module().command_paths()
    assert ["lab", "run"] in commands and ["glossary", "edit"] in commands and ["meta"] in commands
    for path in commands:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"tracker {' '.join(path)} --help has no example"
        assert f"tracker {' '.join(path)}" in result.output.split("Example", 1)[1], f"{path}: the example runs another command"


def test_the_readme_links_every_page_of_the_docs() -> None:
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", README))
    shipped = {f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md")}
    assert shipped <= linked, shipped - linked
    assert {"docs/reference.md", "docs/benchmarks.md", "docs/lab.md", "docs/data.md"} <= linked


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = (
        "python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 -e '.[lab,dev]' && .venv/bin/python -m pytest -q"
    )
    assert test_command in README
    assert test_command in ci
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/tracker serve" in README


def test_the_reference_check_ignores_only_usage_bracket_typography() -> None:
    """Click 8.4 and 8.5 bracket optional usage parts differently; anything else that differs is a stale reference."""
    same_text = _reference_module().same_text
    assert same_text("Usage: tracker archive [OPTIONS] [[on|off]]\n  --x [A]", "Usage: tracker archive [OPTIONS] [on|off]\n  --x [A]")
    assert same_text("Usage: tracker topics [OPTIONS] COMMAND", "Usage: tracker topics [OPTIONS] [COMMAND]")
    assert not same_text("Usage: tracker archive [on|off]\n  --x [A]", "Usage: tracker archive [on|off]\n  --x A")
    assert not same_text("Usage: tracker topics [OPTIONS]", "Usage: tracker topic [OPTIONS]")
