"""``tracker init``: a new project folder with resources.yaml, notes/, .gitignore and a git repository."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import TrackerError
from tracker.store import DATA_FILE, EMPTY_DOCUMENT, STATE_DIR, Store, atomic_write

HEADER = "# tracker data: edit with the `tracker` CLI or by hand (comments like this one are kept).\n"
IGNORED = f"{STATE_DIR}/"


@dataclass
class InitResult:
    data_file: Path
    created_repo: bool
    committed: bool
    notices: list[str] = field(default_factory=list)


def init_project(folder: Path, data_file: Path | None = None, commit: bool = True) -> InitResult:
    """Create the files (refusing to overwrite an existing data file) and commit them."""
    from tracker import gitrepo

    folder = Path(folder).absolute()
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(data_file).absolute() if data_file else folder / DATA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise TrackerError(f"{path} already exists")
    atomic_write(path, (HEADER + EMPTY_DOCUMENT).encode("utf-8"))
    notes = path.parent / "notes"
    notes.mkdir(exist_ok=True)
    keep = notes / ".gitkeep"
    keep.touch()
    gitignore = path.parent / ".gitignore"
    lines = gitignore.read_text().splitlines() if gitignore.exists() else []
    if IGNORED not in lines and STATE_DIR not in lines:
        atomic_write(gitignore, ("\n".join([*lines, IGNORED]) + "\n").encode("utf-8"))
    created = gitrepo.init_repo(path.parent)
    repo = gitrepo.find_repo(path.parent)
    attributes: list[Path] = []
    if repo is not None:
        from tracker.merge import register_merge_driver

        # merge resources.yaml item by item on pull/merge
        register_merge_driver(repo, path.relative_to(repo).as_posix())
        attributes = [repo / ".gitattributes"]
    store = Store(path, commit=commit)
    store.index()  # build the (empty) index and the self-ignoring .tracker/ folder
    committed = False
    result = InitResult(path, created, False)
    if gitrepo.commits_enabled(commit, path.parent) and repo is not None:
        committed = gitrepo.commit_paths(repo, [path, gitignore, keep, *attributes], f"init: {path.name}, notes/")
    result.committed = committed
    return result
