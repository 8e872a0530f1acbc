"""Many machines, one list: a bare repository as the remote, two clones editing at once, `tracker sync`.

Every merge here goes through git and the registered merge driver (a real `python -m tracker merge-driver`
process started by git).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import REPO_ROOT, git
from tracker.cli import cli


def tracker(clone: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli, ["--file", str(clone / "resources.yaml"), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def items(clone: Path) -> dict[str, dict]:
    data = yaml.safe_load((clone / "resources.yaml").read_text(encoding="utf-8"))
    return {item["id"]: item for item in data["resources"]}


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A bare remote and two clones (laptop, desktop) of a list with two items, both synced."""
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))  # git starts the merge driver as `python -m tracker`
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    laptop = tmp_path / "laptop"
    git(tmp_path, "init", "-q", "-b", "main", str(laptop))
    tracker(laptop, "init", str(laptop))
    tracker(laptop, "add", "https://arxiv.org/abs/1706.03762", "--title", "Attention Is All You Need", "--no-fetch")
    tracker(laptop, "add", "https://jalammar.github.io/illustrated-transformer/", "--title",
            "The Illustrated Transformer", "--tag", "visual", "--no-fetch")
    git(laptop, "remote", "add", "origin", str(remote))
    tracker(laptop, "sync")
    desktop = tmp_path / "desktop"
    git(tmp_path, "clone", "-q", str(remote), str(desktop))
    tracker(desktop, "sync")  # registers the driver in this clone's git config
    assert "merge.tracker.driver" in git(desktop, "config", "--list")
    return laptop, desktop


def test_init_registers_the_driver(clones):
    laptop, _ = clones
    assert (laptop / ".gitattributes").read_text() == (
        "resources.yaml merge=tracker\n.tracker-links.json merge=tracker\nnotes/*.md merge=tracker\n"
        "lab/runs/*.jsonl merge=union\n.tracker-fetched.jsonl merge=union\n.tracker-reviews.jsonl merge=union\n")
    assert "-m tracker merge-driver %O %A %B %P" in git(laptop, "config", "merge.tracker.driver")
    assert git(laptop, "ls-files", ".gitattributes").strip() == ".gitattributes"  # committed by init


def test_adds_on_both_sides_merge_cleanly(clones):
    laptop, desktop = clones
    tracker(laptop, "add", "https://example.org/laptop", "--title", "From the laptop", "--no-fetch")
    tracker(desktop, "add", "https://example.org/desktop", "--title", "From the desktop", "--no-fetch")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync")
    assert "pulled origin/main" in result.output
    tracker(laptop, "sync")
    for clone in clones:
        assert set(items(clone)) == {
            "attention-is-all-you-need", "illustrated-transformer", "from-the-laptop", "from-the-desktop",
        }
    assert (laptop / "resources.yaml").read_bytes() == (desktop / "resources.yaml").read_bytes()
    assert "<<<<<<<" not in (desktop / "resources.yaml").read_text()
    tracker(desktop, "list")  # the store reads the merged file


def test_move_on_one_side_and_tag_edit_on_the_other(clones):
    laptop, desktop = clones
    tracker(laptop, "move", "illustrated-transformer", "--to", "done")
    tracker(desktop, "edit", "illustrated-transformer", "--add-tag", "transformers")
    tracker(laptop, "sync")
    tracker(desktop, "sync")
    merged = items(desktop)["illustrated-transformer"]
    assert merged["status"] == "done" and merged["tags"] == ["visual", "transformers"]


def test_remove_on_one_side_untouched_on_the_other(clones):
    laptop, desktop = clones
    tracker(laptop, "remove", "attention-is-all-you-need")
    tracker(desktop, "add", "https://example.org/new", "--title", "New", "--no-fetch")  # so a real merge happens
    tracker(laptop, "sync")
    tracker(desktop, "sync")
    assert set(items(desktop)) == {"illustrated-transformer", "new"}


def test_same_field_changed_two_ways_is_a_marked_conflict(clones):
    laptop, desktop = clones
    tracker(laptop, "edit", "illustrated-transformer", "--title", "Laptop title")
    tracker(laptop, "add", "https://example.org/other", "--title", "Other", "--no-fetch")
    tracker(desktop, "edit", "illustrated-transformer", "--title", "Desktop title")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", ok=False)
    assert result.exit_code == 1
    assert "conflicts in resources.yaml" in result.output
    assert "resources 'illustrated-transformer': title:" in result.output
    text = (desktop / "resources.yaml").read_text()
    data = yaml.safe_load(text)  # still valid YAML: their side is commented out
    assert {item["id"] for item in data["resources"]} == {"attention-is-all-you-need", "illustrated-transformer", "other"}
    assert text.count("# <<<<<<< ours") == 1 and text.count("# >>>>>>> theirs") == 1
    marked = text[text.index("# <<<<<<<"): text.index("# >>>>>>> theirs")]
    assert "Desktop title" in marked and "#   title: Laptop title" in marked
    assert "id: other" not in marked and "id: attention-is-all-you-need" not in marked
    assert git(desktop, "diff", "--name-only", "--diff-filter=U").split() == ["resources.yaml"]


def test_remove_versus_edit_is_a_conflict(clones):
    laptop, desktop = clones
    tracker(laptop, "remove", "illustrated-transformer")
    tracker(desktop, "edit", "illustrated-transformer", "--comment", "still reading this")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", ok=False)
    assert "removed there but edited on the other side" in result.output


def test_no_remote_and_refused_push(tmp_path, clones):
    lonely = tmp_path / "lonely"
    git(tmp_path, "init", "-q", str(lonely))
    tracker(lonely, "init", str(lonely))
    result = tracker(lonely, "sync", ok=False)
    assert result.exit_code == 1
    assert "Error: this repository has no remote to sync with; add one: git remote add origin URL" in result.output
    laptop, _ = clones
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'the list is frozen for the exam' >&2\nexit 1\n")
    hook.chmod(0o755)
    tracker(laptop, "add", "https://example.org/late", "--title", "Late", "--no-fetch")
    result = tracker(laptop, "sync", ok=False)
    assert result.exit_code == 1
    assert "'origin' refused the push" in result.output and "the list is frozen for the exam" in result.output


def test_rebase_replays_local_commits_through_the_driver(clones):
    laptop, desktop = clones
    tracker(laptop, "move", "illustrated-transformer", "--to", "done")
    tracker(desktop, "edit", "illustrated-transformer", "--add-tag", "transformers")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", "--rebase")
    assert "rebased onto origin/main" in result.output
    merged = items(desktop)["illustrated-transformer"]
    assert merged["status"] == "done" and merged["tags"] == ["visual", "transformers"]
    # Linear history: no merge commit, the desktop's edit sits on top of the laptop's move.
    assert git(desktop, "rev-list", "--merges", "--count", "HEAD").strip() == "0"
    assert git(desktop, "log", "-1", "--format=%s").startswith("edit: illustrated-transformer")


def test_rebase_conflict_says_how_to_continue(clones):
    laptop, desktop = clones
    tracker(laptop, "edit", "illustrated-transformer", "--title", "Laptop title")
    tracker(desktop, "edit", "illustrated-transformer", "--title", "Desktop title")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", "--rebase", ok=False)
    assert result.exit_code == 1
    assert "conflicts in resources.yaml" in result.output and "'git rebase --continue'" in result.output
    yaml.safe_load((desktop / "resources.yaml").read_text())  # valid YAML while the rebase waits


def test_uncommitted_edits_in_the_way_are_named(clones):
    laptop, desktop = clones
    tracker(laptop, "add", "https://example.org/late", "--title", "Late", "--no-fetch")
    tracker(laptop, "sync")
    path = desktop / "resources.yaml"
    path.write_text(path.read_text() + "# a note I have not committed\n")
    for extra in ((), ("--rebase",)):
        result = tracker(desktop, "sync", *extra, ok=False)
        assert result.exit_code == 1
        assert ("Error: uncommitted edits in resources.yaml are in the way of the pull; commit them "
                "(or 'git stash' them), then run 'tracker sync' again") in result.output
        assert path.read_text().endswith("# a note I have not committed\n")


def test_unreachable_remote_is_one_clear_error(tmp_path, clones):
    laptop, _ = clones
    git(laptop, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    result = tracker(laptop, "sync", ok=False)
    assert result.exit_code == 1 and "could not fetch from 'origin'" in result.output


def test_driver_keeps_a_readable_file_when_a_side_does_not_load(tmp_path):
    base, ours, theirs = (tmp_path / name for name in ("base", "ours", "theirs"))
    base.write_text("resources: []\n")
    ours.write_text("resources: [\n")  # broken by hand
    theirs.write_text("resources: []\nadvice: []\n")
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "merge-driver", str(base), str(ours), str(theirs), "resources.yaml"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, check=False,
    )
    assert done.returncode == 1
    assert "resources.yaml (ours):2: invalid YAML" in done.stderr
    merged = ours.read_text()
    assert merged.startswith("resources: []\nadvice: []\n")  # theirs loads, so it is live
    assert "# +resources: [" in merged  # our broken line is recorded, commented out
    yaml.safe_load(merged)


def test_outside_a_repository_says_so(tmp_path):
    (tmp_path / "resources.yaml").write_text("resources: []\nadvice: []\nglossary: []\ntopics: []\n")
    result = tracker(tmp_path, "sync", ok=False)
    assert result.exit_code == 1
    assert "is not inside a git repository; run 'tracker init' or 'git init' first" in result.output
