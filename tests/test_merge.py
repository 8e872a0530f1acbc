"""The merge driver: item-by-item merges of resources.yaml, through real git merges."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, SAMPLE_YAML, git
from tracker import reading_list
from tracker.merge import merge_texts
from tracker.project import init_project
from tracker.store import Store


def test_both_sides_add_at_the_end_and_move_different_items() -> None:
    ours = SAMPLE_YAML.replace("  my_rating: 5\n", "  my_rating: 5\n- id: ours-new\n  url: https://example.org/o\n"
                               "  title: Ours\n").replace("status: inbox", "status: reading")
    theirs = SAMPLE_YAML.replace("  my_rating: 5\n", "  my_rating: 5\n- id: theirs-new\n  url: https://example.org/t\n"
                                 "  title: Theirs\n").replace("status: next-up", "status: done")
    result = merge_texts(SAMPLE_YAML, ours, theirs)
    assert result.conflicts == []
    assert "- id: ours-new" in result.text and "- id: theirs-new" in result.text
    assert "status: reading" in result.text and "status: done" in result.text
    assert "# a comment between items" in result.text


def test_different_fields_of_one_item_merge() -> None:
    ours = SAMPLE_YAML.replace("  comment: The original transformer paper\n", "  comment: Mine\n")
    theirs = SAMPLE_YAML.replace("  tags: [paper]\n", "  tags: [paper, classic]\n")
    result = merge_texts(SAMPLE_YAML, ours, theirs)
    assert result.conflicts == []
    assert "  tags: [paper, classic]\n" in result.text and "  comment: Mine\n" in result.text


def test_same_field_two_ways_is_a_marked_conflict() -> None:
    ours = SAMPLE_YAML.replace("title: micrograd", "title: Micrograd A")
    theirs = SAMPLE_YAML.replace("title: micrograd", "title: Micrograd B")
    result = merge_texts(SAMPLE_YAML, ours, theirs)
    assert [(c.section, c.key) for c in result.conflicts] == [("resources", "micrograd")]
    assert result.conflicts[0].reason.startswith("title:")
    assert "# <<<<<<<" in result.text and "# >>>>>>>" in result.text
    assert "title: Micrograd A" in result.text  # ours stays live, theirs is commented out


def test_removed_here_changed_there_is_a_conflict() -> None:
    block = SAMPLE_YAML[SAMPLE_YAML.index("- id: micrograd"):SAMPLE_YAML.index("\nadvice:")]
    ours = SAMPLE_YAML.replace(block, "")
    theirs = SAMPLE_YAML.replace("status: done", "status: dropped")
    conflicts = merge_texts(SAMPLE_YAML, ours, theirs).conflicts
    assert [(c.section, c.key) for c in conflicts] == [("resources", "micrograd")]
    assert "removed" in conflicts[0].reason


@pytest.fixture
def two_clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    result = init_project(tmp_path / "a")
    git(tmp_path, "clone", "-q", str(tmp_path / "a"), "b")
    assert '[merge "tracker"]' not in (tmp_path / "b" / ".git" / "config").read_text()
    return tmp_path / "a", result.data_file.parent.parent / "b"


def test_git_merge_of_two_machines_adding_items_is_clean(two_clones: tuple[Path, Path]) -> None:
    a, b = two_clones
    reading_list.add_resource(Store(a / "resources.yaml"), "https://example.org/from-a", title="From A")
    reading_list.add_resource(Store(b / "resources.yaml"), "https://example.org/from-b", title="From B")
    # the clone's first tracker commit set the driver up from .gitattributes
    assert '[merge "tracker"]' in (b / ".git" / "config").read_text()
    git(b, "pull", "-q", "--no-rebase", "--no-edit", str(a), "HEAD")
    doc = Store(b / "resources.yaml").load()
    assert sorted(r.id for r in doc.resources) == ["from-a", "from-b"]
    assert git(b, "status", "--porcelain") == ""


def failed_pull(clone: Path, source: Path) -> str:
    """``git pull`` of ``source`` into ``clone``, which must fail; its output."""
    proc = subprocess.run(["git", "pull", "--no-rebase", "--no-edit", str(source), "HEAD"], cwd=clone,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    return proc.stdout + proc.stderr


def test_git_merge_with_a_real_conflict_stops(two_clones: tuple[Path, Path]) -> None:
    a, b = two_clones
    reading_list.add_resource(Store(a / "resources.yaml"), "https://example.org/one", title="Same")
    reading_list.add_resource(Store(b / "resources.yaml"), "https://example.org/two", title="Same")
    assert "resources 'same': url:" in failed_pull(b, a)
    assert "# <<<<<<<" in (b / "resources.yaml").read_text()


def test_git_merge_of_one_link_under_two_ids_stops(two_clones: tuple[Path, Path]) -> None:
    a, b = two_clones
    reading_list.add_resource(Store(a / "resources.yaml"), "https://example.org/same", title="Same A")
    reading_list.add_resource(Store(b / "resources.yaml"), "https://example.org/same/", title="Same B")
    output = failed_pull(b, a)
    assert "'same-a' is the same link as 'same-b' (added under two ids); merged into 'same-b'" in output
    assert "UU resources.yaml" in git(b, "status", "--porcelain")
    doc = Store(b / "resources.yaml").load()  # one item, ours live: every command keeps working
    assert [(r.id, r.title) for r in doc.resources] == [("same-b", "Same B")]
    assert "#   title: Same A" in (b / "resources.yaml").read_text()
