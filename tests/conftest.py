"""Shared fixtures: a real git repository in a temp dir with a small resources.yaml, and ways to run tracker.

``project`` is the folder (cwd is changed to it); ``run_tracker`` runs ``python -m tracker`` as a separate
process (the way a user does); ``invoke`` runs the Click group in-process with ``CliRunner``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

# The scripted link server, its fixture, and no proxy from the environment in any test.
pytest_plugins = ["tests.linkcheck_support"]

# Property tests explore new inputs on every developer run; CI replays a fixed sequence so a red build always
# means the change broke something (a new edge case found locally becomes an explicit test).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO_ROOT = Path(__file__).resolve().parents[1]

SAMPLE_YAML = """\
# My reading list (a comment written by hand)
resources:
- id: illustrated-transformer
  url: https://jalammar.github.io/illustrated-transformer/
  title: The Illustrated Transformer
  status: inbox
  category: Study
  tags: [transformers, attention]
  added: 2026-01-05
- id: attention-is-all-you-need
  url: https://arxiv.org/abs/1706.03762
  title: Attention Is All You Need
  status: next-up
  category: Paper
  tags: [paper]
  topic: 3.1.2
  comment: The original transformer paper
  added: 2026-01-06
# a comment between items
- id: micrograd
  url: https://github.com/karpathy/micrograd
  title: micrograd
  status: done
  category: Coding
  topic: 1.1.1
  added: 2026-01-07
  my_rating: 5

advice:
- category: Study
  text: Implement it yourself before reading the code.
  source:
    name: Karpathy
    url: https://karpathy.ai

glossary:
- term: KV cache
  definition: Keys and values of earlier tokens, kept so decoding is not quadratic.

topics:
- id: part-1
  title: Foundations
  number: I.
- id: 1.1.1
  title: Backprop
  parent: part-1
  number: 1.1.1
- id: 3.1.2
  title: Attention
  parent: part-1
  number: 3.1.2
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@tracker.invalid",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@tracker.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No user git config, a fixed git identity, and none of tracker's env switches leaking in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("TRACKER_FILE", "TRACKER_NO_COMMIT", "TRACKER_COMMIT", "TRACKER_DEVICE", "TRACKER_LAB_DIR",
                "TRACKER_TIMEOUT", "TRACKER_WATCH_INTERVAL", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(key, raising=False)
    # A terminal size only where a test sets one (pytest-xdist's workers set COLUMNS=80 and LINES=24).
    for key in ("COLUMNS", "LINES"):
        monkeypatch.delenv(key, raising=False)
    # Tests never reach the internet: `tracker add` fetches only in tests that start their own server.
    monkeypatch.setenv("TRACKER_NO_FETCH", "1")
    # ... and `tracker check` asks no Wayback Machine but a fake one a test starts (tests/test_archive_check.py).
    monkeypatch.setenv("TRACKER_WAYBACK_URL", "off")


def git(folder: Path, *args: str) -> str:
    """Run git in ``folder`` and return its stdout (fails the test on error)."""
    proc = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return proc.stdout


def commit_count(folder: Path) -> int:
    return int(git(folder, "rev-list", "--count", "HEAD").strip())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding SAMPLE_YAML as resources.yaml (one commit); the current directory."""
    folder = tmp_path / "study"
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / ".gitignore").write_text(".tracker/\n")
    (folder / "resources.yaml").write_text(SAMPLE_YAML)
    (folder / "notes").mkdir()
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def data_file(project: Path) -> Path:
    return project / "resources.yaml"


def run_tracker(*args: str, cwd: Path, env: dict | None = None, timeout: float = 60,
                **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m tracker ARGS`` as its own process, with this checkout on PYTHONPATH."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


@pytest.fixture
def invoke():
    """Run ``tracker ARGS`` in-process (CliRunner) in the current directory; returns the Result."""
    from tracker.cli import cli

    def _invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return _invoke


def modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules a fresh ``tracker ARGS`` process has imported when the command ends (start-up cost tests)."""
    code = ("import sys\nfrom tracker.cli import cli\n"
            f"try:\n    cli({args!r}, prog_name='tracker')\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('MODULES ' + ' '.join(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=60)
    return set(proc.stderr.split("MODULES ", 1)[1].split())
