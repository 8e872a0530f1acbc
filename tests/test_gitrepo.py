"""Git side: commits touch only tracker's file, never the user's other work; history comes back from git."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import commit_count, git
from tracker import gitrepo, reading_list
from tracker.store import Store


def test_users_staged_and_unstaged_work_is_left_alone(project: Path) -> None:
    (project / "draft.md").write_text("staged draft\n")
    git(project, "add", "draft.md")
    (project / "notes" / "wip.md").write_text("untracked\n")
    (project / ".gitignore").write_text(".tracker/\n*.log\n")  # unstaged change
    reading_list.add_resource(Store(project / "resources.yaml"), "https://example.org/x", title="X")
    assert git(project, "show", "--name-only", "--format=", "HEAD").split() == ["resources.yaml"]
    status = git(project, "status", "--porcelain").splitlines()
    assert sorted(status) == sorted([" M .gitignore", "A  draft.md", "?? notes/"])


def test_staged_version_of_the_data_file_is_replaced_by_the_committed_one(project: Path) -> None:
    data = project / "resources.yaml"
    data.write_text(data.read_text().replace("title: micrograd", "title: micrograd by hand"))
    git(project, "add", "resources.yaml")
    reading_list.move_items(Store(data), ["micrograd"], "reading")
    assert "micrograd by hand" in git(project, "show", "HEAD:resources.yaml")
    assert git(project, "status", "--porcelain") == ""


def test_first_commit_in_an_empty_repo(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    data = tmp_path / "resources.yaml"
    data.write_text("resources: []\n")
    assert gitrepo.head_commit(tmp_path) is None
    assert gitrepo.commit_paths(tmp_path, [data], "first") is True
    assert commit_count(tmp_path) == 1
    assert len(gitrepo.head_commit(tmp_path) or "") == 40
    assert gitrepo.commit_paths(tmp_path, [data], "nothing changed") is False


def test_repo_found_from_a_subfolder(project: Path) -> None:
    (project / "a" / "b").mkdir(parents=True)
    assert gitrepo.find_repo(project / "a" / "b") == project
    assert gitrepo.find_repo(project.parent) is None


def test_status_changes_for_publishing(project: Path) -> None:
    store = Store(project / "resources.yaml")
    reading_list.move_items(store, ["illustrated-transformer"], "reading")
    reading_list.add_resource(store, "https://example.org/n", title="New", status="next-up")
    reading_list.edit_item(store, "new", {"comment": "hello"})
    reading_list.remove_items(store, ["micrograd"])
    events = list(gitrepo.item_events(project, project / "resources.yaml"))
    summary = [(e.item_id, e.action, e.old_status, e.new_status) for e in events]
    assert ("illustrated-transformer", "added", None, "inbox") in summary
    assert ("illustrated-transformer", "status", "inbox", "reading") in summary
    assert ("new", "added", None, "next-up") in summary
    assert ("new", "edited", None, None) in summary
    assert ("micrograd", "removed", "done", None) in summary
    changes = list(gitrepo.status_changes(project, project / "resources.yaml"))
    assert all(e.action in ("added", "status") for e in changes)
    assert [e.message for e in changes][-2:] == ["move: illustrated-transformer inbox -> reading",
                                                 "add: New (next-up)"]
    # topics also have "- id:" lines; they are not reading-list items
    assert not any(e.item_id in ("part-1", "1.1.1", "3.1.2") for e in events)


def test_a_failing_commit_is_reported_and_the_change_kept(project: Path) -> None:
    import pytest

    from tracker.errors import TrackerError

    (project / ".git" / "index.lock").write_text("")  # another git process seems to be running
    with pytest.raises(TrackerError, match="saved in resources.yaml but not committed"):
        reading_list.add_resource(Store(project / "resources.yaml"), "https://example.org/kept", title="Kept")
    (project / ".git" / "index.lock").unlink()
    assert "https://example.org/kept" in (project / "resources.yaml").read_text()


def test_commit_subjects_are_one_line(project: Path) -> None:
    reading_list.add_resource(Store(project / "resources.yaml"), "https://example.org/nl",
                              metadata={"title": "Two\nlines  and\ttabs " + "x" * 300})
    subject, body = git(project, "log", "-1", "--format=%s%x00%b").strip().split("\0")
    assert subject.startswith("add: Two lines and tabs xxx") and len(subject) <= 72
    assert body.strip() == "add: Two lines and tabs " + "x" * 300 + " (inbox)"  # the whole subject, nothing lost
