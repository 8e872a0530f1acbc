"""Where the build reads the project from: the core store, notes reader and git history.

Kept apart from the build so the build's inputs are visible in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type hints only: a no-op ``tracker build`` decides without importing pydantic
    from tracker.models import Document, Note
    from tracker.project import Project as CoreProject


@dataclass(frozen=True)
class Project:
    """The build's view of one project: its data file. Every path comes from ``tracker.project.Project``, the one
    owner of paths, so the reading room and the CLI never disagree on where notes, the lab or the database are."""

    resources_file: Path

    @property
    def paths(self) -> CoreProject:
        from tracker.project import Project as CoreProject

        return CoreProject(self.resources_file, commit_requested=False)

    @property
    def root(self) -> Path:
        return self.resources_file.parent

    @property
    def notes_dir(self) -> Path:
        return self.paths.notes_dir

    @property
    def default_database(self) -> Path:
        return self.paths.database


def find_project(file: Path | None = None, start: Path | None = None) -> Project:
    """The project of ``file`` (``--file``), or of the resources.yaml in ``start`` (default: cwd) or a parent."""
    from tracker.store import find_data_file

    return Project(find_data_file(file, start).resolve())


def load_document(project: Project) -> Document:
    """resources.yaml, fully validated by the core store (errors name the file and line)."""
    from tracker.store import Store

    return Store(project.resources_file, commit=False).load()


def load_notes(project: Project) -> list[Note]:
    """The notes with their Q&A rows, read by the core notes reader."""
    from tracker.notes import load_notes as read_notes

    return read_notes(project.notes_dir)


def note_files(project: Project) -> list[Path]:
    """The files ``load_notes`` reads (for change detection)."""
    from tracker.notes import note_paths

    return note_paths(project.notes_dir)


def status_history(project: Project) -> list[dict]:
    """Each status an item took (added with one, or moved), with date and commit, oldest first, from git."""
    from tracker.gitrepo import find_repo, status_changes

    repo = find_repo(project.root)
    if repo is None:
        return []
    return [
        {
            "resource": event.item_id,
            "date": event.date,
            "from_status": event.old_status,
            "to_status": event.new_status,
            "commit": event.commit,
            "message": event.message,
        }
        for event in status_changes(repo, project.resources_file)
    ]
