"""A copy of the shipped project (resources.yaml, notes/, lab/) in a real git repository, for the card tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import REPO_ROOT, git


def shipped_project(folder: Path) -> Path:
    """``folder`` as a git repo holding the shipped data (one commit), without the review log's attribute."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "resources.yaml", folder / "resources.yaml")
    shutil.copytree(REPO_ROOT / "notes", folder / "notes")
    shutil.copytree(REPO_ROOT / "lab", folder / "lab", ignore=shutil.ignore_patterns("outputs", "__pycache__", "runs"))
    (folder / ".gitignore").write_text(".tracker/\n")
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    return folder


def cards_json(folder: Path, *args: str) -> list[dict]:
    """``tracker cards list --json`` in-process (fast; the commands under test run as real processes)."""
    from click.testing import CliRunner

    from tracker.cli import cli

    result = CliRunner().invoke(cli, ["--file", str(folder / "resources.yaml"), "cards", "list", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def log_lines(folder: Path) -> list[dict]:
    path = folder / ".tracker-reviews.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
