"""Two machines, one list: each scenario of issue 11 end to end, with a bare remote, two clones, hand edits
committed with git, `tracker sync` (which makes git run the merge driver as a real process) and the commands
that read the result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import REPO_ROOT, SAMPLE_YAML, git
from tracker.cli import cli

BASE = SAMPLE_YAML


def tracker(clone: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli, ["--file", str(clone / "resources.yaml"), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def hand_edit(clone: Path, old: str, new: str, message: str = "a hand edit") -> None:
    path = clone / "resources.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(clone, "commit", "-qam", message)


def data(clone: Path) -> dict:
    return yaml.safe_load((clone / "resources.yaml").read_text(encoding="utf-8"))


def ids(clone: Path) -> list[str]:
    return [item["id"] for item in data(clone)["resources"]]


@pytest.fixture
def clones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """(laptop, desktop, remote): both clones hold BASE, the remote too."""
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))  # git starts the driver as `python -m tracker`
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    laptop = tmp_path / "laptop"
    git(tmp_path, "init", "-q", "-b", "main", str(laptop))
    tracker(laptop, "init", str(laptop))
    (laptop / "resources.yaml").write_text(BASE, encoding="utf-8")
    git(laptop, "commit", "-qam", "the list")
    git(laptop, "remote", "add", "origin", str(remote))
    tracker(laptop, "sync")
    desktop = tmp_path / "desktop"
    git(tmp_path, "clone", "-q", str(remote), str(desktop))
    git(desktop, "config", "merge.tracker.driver", git(laptop, "config", "merge.tracker.driver").strip())
    return laptop, desktop, remote


def both_sync(laptop: Path, desktop: Path) -> None:
    tracker(laptop, "sync")
    tracker(desktop, "sync")
    tracker(laptop, "sync")
    assert (laptop / "resources.yaml").read_bytes() == (desktop / "resources.yaml").read_bytes()


def test_comments_each_side_added_are_kept(clones):
    laptop, desktop, _ = clones
    hand_edit(laptop, "- id: micrograd\n", "# laptop: read this one first\n- id: micrograd\n")
    tracker(laptop, "add", "https://example.org/laptop", "--title", "Laptop", "--no-fetch")
    hand_edit(desktop, "  category: Paper\n", "  category: Paper\n  # desktop: inside the item\n")
    hand_edit(desktop, "\nadvice:", "# desktop: before the advice\n\nadvice:")
    tracker(desktop, "add", "https://example.org/desktop", "--title", "Desktop", "--no-fetch")
    both_sync(laptop, desktop)
    text = (desktop / "resources.yaml").read_text()
    for comment in ("# laptop: read this one first", "# desktop: inside the item", "# desktop: before the advice",
                    "# a comment between items", "# My reading list"):
        assert text.count(comment) == 1, comment
    assert {"laptop", "desktop", "micrograd"} <= set(ids(desktop))


def test_glossary_terms_differing_only_in_case_are_both_kept(clones):
    laptop, desktop, _ = clones
    hand_edit(laptop, "\ntopics:", "- term: kv CACHE\n  definition: the laptop's spelling\n\ntopics:")
    hand_edit(desktop, "\ntopics:", "- term: Top-k\n  definition: sampling from the k best\n\ntopics:")
    both_sync(laptop, desktop)
    terms = [term["term"] for term in data(desktop)["glossary"]]
    assert sorted(terms) == ["KV cache", "Top-k", "kv CACHE"]


def test_their_value_of_a_hand_added_key_is_recorded_when_both_changed_it(clones):
    laptop, desktop, remote = clones
    hand_edit(laptop, "  number: 3.1.2\n", "  number: 3.1.2\n\nreading_goals:\n  weekly: 3\n")
    both_sync(laptop, desktop)
    hand_edit(laptop, "  weekly: 3\n", "  weekly: 5\n")
    hand_edit(desktop, "  weekly: 3\n", "  weekly: 7\n")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", ok=False)
    assert result.exit_code == 1 and "top level 'reading_goals'" in result.output
    text = (desktop / "resources.yaml").read_text()
    assert data(desktop)["reading_goals"] == {"weekly": 7}  # ours live
    assert "#   weekly: 5" in text  # theirs recorded where a person sees it
    assert git(desktop, "diff", "--name-only", "--diff-filter=U").split() == ["resources.yaml"]
    shown = tracker(desktop, "list")
    assert "open merge conflict in top level 'reading_goals'" in shown.output
    tracker(desktop, "resolve", "--theirs")
    assert data(desktop)["reading_goals"] == {"weekly": 5}
    assert git(desktop, "status", "--porcelain") == ""
    tracker(desktop, "sync")
    assert git(remote, "rev-parse", "main") == git(desktop, "rev-parse", "HEAD")


def test_a_side_that_does_not_load_is_a_conflict_and_is_never_pushed(clones):
    laptop, desktop, remote = clones
    hand_edit(laptop, "  title: micrograd\n", "  title: [micrograd\n")  # broken YAML, committed by hand
    before = git(remote, "rev-parse", "main")
    result = tracker(laptop, "sync", ok=False)
    assert result.exit_code == 1
    assert "resources.yaml:" in result.output and "nothing was pushed" in result.output
    assert git(remote, "rev-parse", "main") == before
    # The same broken file arriving through a merge: the readable side stays live and git lists a conflict.
    git(laptop, "push", "-q", "origin", "main")
    tracker(desktop, "add", "https://example.org/desktop", "--title", "Desktop", "--no-fetch")
    result = tracker(desktop, "sync", ok=False)
    assert result.exit_code == 1 and "(theirs):" in result.output and "nothing was pushed" in result.output
    assert git(desktop, "diff", "--name-only", "--diff-filter=U").split() == ["resources.yaml"]
    assert "desktop" in ids(desktop)
    tracker(desktop, "list")  # still loads
    assert "# +  title: [micrograd" in (desktop / "resources.yaml").read_text()  # their change, recorded


def test_a_duplicated_section_never_makes_items_disappear(clones):
    laptop, desktop, remote = clones
    hand_edit(desktop, "\nadvice:", "\nresources:\n- id: extra\n  url: https://example.org/extra\n  title: Extra\n"
              "  status: inbox\n\nadvice:")
    before = git(remote, "rev-parse", "main")
    result = tracker(desktop, "sync", ok=False)
    assert result.exit_code == 1 and "'resources' appears twice" in result.output
    assert git(remote, "rev-parse", "main") == before
    git(desktop, "push", "-q", "origin", "main")  # pushed by hand anyway
    tracker(laptop, "add", "https://example.org/laptop", "--title", "Laptop", "--no-fetch")
    result = tracker(laptop, "sync", ok=False)
    assert result.exit_code == 1 and "appears twice" in result.output
    assert set(ids(laptop)) >= {"illustrated-transformer", "attention-is-all-you-need", "micrograd", "laptop"}


def test_one_link_added_under_two_ids_merges_into_one_item(clones):
    laptop, desktop, _ = clones
    tracker(laptop, "add", "https://example.org/same", "--title", "Same laptop", "--no-fetch")
    tracker(desktop, "add", "https://example.org/same/", "--title", "Same desktop", "--no-fetch")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", ok=False)
    assert result.exit_code == 1  # the titles differ: a conflict to settle, in a file that loads
    assert "'same-laptop' is the same link as 'same-desktop'" in result.output
    assert [i for i in ids(desktop) if i.startswith("same")] == ["same-desktop"]
    shown = tracker(desktop, "show", "same-desktop")
    assert "open merge conflict in resources 'same-desktop'" in shown.output
    tracker(desktop, "resolve", "--ours")
    tracker(desktop, "sync")
    tracker(laptop, "sync")
    assert [i for i in ids(laptop) if i.startswith("same")] == ["same-desktop"]


def test_one_link_under_two_ids_with_nothing_else_different_merges_cleanly(clones):
    laptop, desktop, _ = clones
    for clone, item_id in ((laptop, "same-laptop"), (desktop, "same-desktop")):
        hand_edit(clone, "\nadvice:", f"- id: {item_id}\n  url: https://example.org/same\n  title: Same\n"
                  "  status: inbox\n\nadvice:")
    both_sync(laptop, desktop)
    text = (laptop / "resources.yaml").read_text()
    assert "'same-laptop' is the same link as 'same-desktop'" in text or "'same-desktop' is the same link" in text
    assert len([i for i in ids(laptop) if i.startswith("same")]) == 1


def test_their_url_edit_colliding_with_our_new_item_leaves_a_readable_file(clones):
    laptop, desktop, _ = clones
    tracker(laptop, "edit", "micrograd", "--url", "https://example.org/new-home")
    tracker(desktop, "add", "https://example.org/new-home", "--title", "New home", "--no-fetch")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", ok=False)
    assert result.exit_code == 1
    assert "url: \"https://example.org/new-home\" there is the link of 'new-home' here" in result.output
    items = {i["id"]: i for i in data(desktop)["resources"]}
    assert items["new-home"]["url"] == "https://example.org/new-home"  # our new item, untouched
    assert items["micrograd"]["url"] == "https://github.com/karpathy/micrograd"  # their edit recorded, not live
    assert "#   url: https://example.org/new-home" in (desktop / "resources.yaml").read_text()
    tracker(desktop, "list")
    tracker(desktop, "resolve", "--ours")
    tracker(desktop, "sync")


def test_an_id_renamed_on_one_side_and_edited_on_the_other_merges(clones):
    laptop, desktop, _ = clones
    hand_edit(laptop, "- id: micrograd\n", "- id: karpathy-micrograd\n")
    tracker(desktop, "edit", "micrograd", "--comment", "tiny autograd engine")
    both_sync(laptop, desktop)
    item = {i["id"]: i for i in data(desktop)["resources"]}["karpathy-micrograd"]
    assert item["comment"] == "tiny autograd engine" and "micrograd" not in ids(desktop)


def test_sync_follows_an_upstream_with_another_name(clones):
    laptop, desktop, remote = clones
    git(desktop, "branch", "-m", "main", "master")  # local master tracking origin/main
    git(desktop, "branch", "--set-upstream-to=origin/main", "master")
    tracker(laptop, "add", "https://example.org/laptop", "--title", "Laptop", "--no-fetch")
    tracker(laptop, "sync")
    tracker(desktop, "add", "https://example.org/desktop", "--title", "Desktop", "--no-fetch")
    result = tracker(desktop, "sync")
    assert "pulled origin/main, pushed master to origin/main" in result.output
    assert git(remote, "branch", "--list").split() == ["*", "main"]  # no new 'master' on the remote
    tracker(laptop, "sync")
    assert {"laptop", "desktop"} <= set(ids(laptop))


def test_both_machines_checked_the_same_links_merge_without_conflict(clones):
    laptop, desktop, _ = clones
    record = {"verdict": "ok", "since": "2026-01-01T00:00:00Z", "status_code": 200}
    for clone, stamp, extra in ((laptop, "2026-02-01T00:00:00Z", "https://a.example/"),
                                (desktop, "2026-03-01T00:00:00Z", "https://b.example/")):
        links = {"https://arxiv.org/abs/1706.03762": {**record, "since": stamp, "verdict": "blocked"},
                 extra: record}
        (clone / ".tracker-links.json").write_text(json.dumps({"version": 1, "links": links}, indent=1,
                                                              sort_keys=True) + "\n")
        git(clone, "add", ".tracker-links.json")
        git(clone, "commit", "-qm", "check")
    both_sync(laptop, desktop)
    links = json.loads((laptop / ".tracker-links.json").read_text())["links"]
    assert set(links) == {"https://arxiv.org/abs/1706.03762", "https://a.example/", "https://b.example/"}
    assert links["https://arxiv.org/abs/1706.03762"]["since"] == "2026-03-01T00:00:00Z"  # the later check wins


def test_notes_front_matter_merges_key_by_key(clones):
    laptop, desktop, _ = clones
    note = "---\ntitle: Attention\ntopic: 3.1.2\n---\n\nSome text.\n"
    (laptop / "notes" / "attention.md").write_text(note)
    git(laptop, "add", "notes/attention.md")
    git(laptop, "commit", "-qm", "a note")
    both_sync(laptop, desktop)
    for clone, old, new in ((laptop, "title: Attention\n", "title: Attention, step by step\n"),
                            (desktop, "topic: 3.1.2\n", "topic: 3.1.2\nrelated: [micrograd]\n")):
        path = clone / "notes" / "attention.md"
        path.write_text(path.read_text().replace(old, new))
        git(clone, "commit", "-qam", "note edit")
    both_sync(laptop, desktop)
    from tracker.notes import split_front_matter

    meta, body, _ = split_front_matter((laptop / "notes" / "attention.md").read_text(), "attention.md")
    assert meta == {"title": "Attention, step by step", "topic": "3.1.2", "related": ["micrograd"]}
    assert body.strip() == "Some text."


def test_resolve_continues_a_rebase_and_sync_refuses_committed_conflict_blocks(clones):
    laptop, desktop, remote = clones
    tracker(laptop, "edit", "micrograd", "--title", "Laptop title")
    tracker(desktop, "edit", "micrograd", "--title", "Desktop title")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", "--rebase", ok=False)
    assert "'git rebase --continue'" in result.output
    result = tracker(desktop, "resolve", "--ours")
    assert "continued the rebase" in result.output
    assert git(desktop, "rev-list", "--merges", "--count", "HEAD").strip() == "0"
    # With --rebase, "ours" is the remote's version (git's convention).
    assert {i["id"]: i for i in data(desktop)["resources"]}["micrograd"]["title"] == "Laptop title"
    # A conflict block committed by hand is never pushed.
    hand_edit(desktop, "- id: micrograd\n", "# <<<<<<< ours: tracker merge conflict in resources 'x': y\n"
              "# =======\n# >>>>>>> theirs\n- id: micrograd\n")
    before = git(remote, "rev-parse", "main")
    result = tracker(desktop, "sync", ok=False)
    assert "open merge conflict in resources 'x'" in result.output and "nothing was pushed" in result.output
    assert git(remote, "rev-parse", "main") == before
    tracker(desktop, "resolve", "--ours")
    tracker(desktop, "sync")


def test_sync_upgrades_a_project_registered_by_an_older_tracker(clones):
    laptop, _desktop, remote = clones
    (laptop / ".gitattributes").write_text("resources.yaml merge=tracker\n")
    git(laptop, "commit", "-qam", "as an older tracker wrote it")
    result = tracker(laptop, "sync")
    assert "Synced" in result.output
    assert ".tracker-links.json merge=tracker" in git(remote, "show", "main:.gitattributes")
    assert git(laptop, "status", "--porcelain") == ""


def test_a_broken_link_history_is_never_pushed(clones):
    laptop, _desktop, remote = clones
    (laptop / ".tracker-links.json").write_text('{"version": 1, "links": {\n')
    git(laptop, "add", ".tracker-links.json")
    git(laptop, "commit", "-qm", "broken by hand")
    before = git(remote, "rev-parse", "main")
    result = tracker(laptop, "sync", ok=False)
    assert ".tracker-links.json:2: not valid JSON" in result.output and "nothing was pushed" in result.output
    assert git(remote, "rev-parse", "main") == before


PAPER_ITEM = "  comment: The original transformer paper\n"
CODE = "  - label: Code\n    url: https://github.com/tensorflow/tensor2tensor\n"
VIDEO = "  - label: Video\n    url: https://youtu.be/iDulhoQ2pro\n"


def _links_of(clone: Path, item_id: str) -> list[dict]:
    return next(item for item in data(clone)["resources"] if item["id"] == item_id).get("links", [])


def test_extra_links_each_side_added_to_one_item_are_both_kept(clones):
    laptop, desktop, _ = clones
    hand_edit(laptop, PAPER_ITEM, PAPER_ITEM + "  links:\n" + CODE)
    hand_edit(desktop, PAPER_ITEM, PAPER_ITEM + "  links:\n" + VIDEO)
    both_sync(laptop, desktop)
    # The desktop merged last: its own link first, then the laptop's new one.
    assert _links_of(desktop, "attention-is-all-you-need") == [
        {"label": "Video", "url": "https://youtu.be/iDulhoQ2pro"},
        {"label": "Code", "url": "https://github.com/tensorflow/tensor2tensor"}]
    assert "<<<<<<<" not in (desktop / "resources.yaml").read_text()


def test_extra_link_removed_on_one_side_and_relabelled_or_respelled_on_the_other(clones):
    laptop, desktop, _ = clones
    hand_edit(laptop, PAPER_ITEM, PAPER_ITEM + "  links:\n" + CODE + VIDEO
              + "  - label: Slides\n    url: https://example.org/s\n")
    both_sync(laptop, desktop)
    # The laptop removes the video; the desktop respells the code link (same link) and adds a blog post.
    hand_edit(laptop, VIDEO, "")
    tracker(laptop, "add", "https://example.org/laptop", "--title", "Laptop", "--no-fetch")  # no line merge
    hand_edit(desktop, "    url: https://github.com/tensorflow/tensor2tensor\n",
              "    url: https://github.com/tensorflow/tensor2tensor/\n")
    hand_edit(desktop, "    url: https://example.org/s\n", "    url: https://example.org/s\n"
              "  - label: Blog\n    url: https://example.org/blog\n")
    tracker(desktop, "add", "https://example.org/desktop", "--title", "Desktop", "--no-fetch")
    both_sync(laptop, desktop)
    assert _links_of(laptop, "attention-is-all-you-need") == [
        {"label": "Code", "url": "https://github.com/tensorflow/tensor2tensor/"},
        {"label": "Slides", "url": "https://example.org/s"},
        {"label": "Blog", "url": "https://example.org/blog"}]


def test_one_extra_link_relabelled_both_ways_keeps_ours_and_records_theirs(clones):
    laptop, desktop, _ = clones
    hand_edit(laptop, PAPER_ITEM, PAPER_ITEM + "  links:\n" + CODE)
    both_sync(laptop, desktop)
    hand_edit(laptop, "  - label: Code\n", "  - label: Reference code\n")
    hand_edit(desktop, "  - label: Code\n", "  - label: Tensor2Tensor\n")
    tracker(laptop, "add", "https://example.org/laptop", "--title", "Laptop", "--no-fetch")
    tracker(laptop, "sync")
    result = tracker(desktop, "sync", ok=False)
    assert result.exit_code == 1 and "resources 'attention-is-all-you-need'" in result.output
    text = (desktop / "resources.yaml").read_text()
    assert _links_of(desktop, "attention-is-all-you-need") == [
        {"label": "Tensor2Tensor", "url": "https://github.com/tensorflow/tensor2tensor"}]  # ours live, once
    assert "#   - label: Reference code" in text  # theirs recorded
    assert "laptop" in ids(desktop)  # the rest merged
    tracker(desktop, "list")
