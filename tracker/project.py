"""One project folder: where every file of it lives, and when a change is committed.

``Project`` is the one owner of paths (``resources.yaml``, ``.tracker/`` and what is in it, the tracked machine
state beside the data file, ``notes/``, ``lab/``) and of the commit policy. Every writer (the store, notes,
lab runs, link history, publish) asks it rather than spelling a path or reading a switch itself.

Commit policy, in one place: a change is committed unless ``--no-commit`` (env ``TRACKER_NO_COMMIT=1``) was
given or ``git config tracker.commit false`` is set. A commit holds only the files the command wrote (and of
resources.yaml only the command's own change), so a person's uncommitted work is never swept in.

``tracker init`` (``init_project``) makes a new project folder.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import TrackerError
from tracker.store.atomic import atomic_write, file_lock

DATA_FILE = "resources.yaml"
STATE_DIR = ".tracker"
FETCH_LOG = ".tracker-fetched.jsonl"
LINK_HISTORY = ".tracker-links.json"
NOTES_DIR = "notes"
LAB_DIR = "lab"
LAB_DIR_ENV = "TRACKER_LAB_DIR"
HEADER = "# tracker data: edit with the `tracker` CLI or by hand (comments like this one are kept).\n"
IGNORED = f"{STATE_DIR}/"
# Tracked machine state written by many machines: git keeps both sides' lines in a merge (the reader takes
# the newest record per item).
UNION_MERGED = (FETCH_LOG, ".tracker-reviews.jsonl")  # the fetch log; the flashcard review log (tracker.cards)


@dataclass
class Project:
    """The files of one data file's project, and whether changes to them are committed."""

    data_file: Path
    commit_requested: bool = True
    notices: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data_file = Path(self.data_file).absolute()

    # ------------------------------------------------------------------------------------------ paths

    @property
    def root(self) -> Path:
        return self.data_file.parent

    @property
    def state_dir(self) -> Path:
        """Derived, git-ignored state: the index, the lock, caches, the built database."""
        return self.root / STATE_DIR

    def _own(self, name: str) -> Path:
        # A second data file in the same folder (--file other.yaml) gets its own index and lock.
        stem, suffix = name.rsplit(".", 1) if "." in name else (name, "")
        if self.data_file.name == DATA_FILE:
            return self.state_dir / name
        return self.state_dir / f"{stem}-{self.data_file.name}{'.' + suffix if suffix else ''}"

    @property
    def index_path(self) -> Path:
        return self._own("index.db")

    @property
    def lock_path(self) -> Path:
        return self._own("lock")

    @property
    def fetch_log(self) -> Path:
        """Tracked: what each item's last fetch wrote (see ``tracker.store.fetchlog``)."""
        return self.root / FETCH_LOG

    @property
    def link_history(self) -> Path:
        """Tracked: each link's verdict history (see ``tracker.web.links.linkhistory``)."""
        return self.root / LINK_HISTORY

    @property
    def link_cache(self) -> Path:
        return self.state_dir / "linkcheck-cache.json"

    @property
    def notes_dir(self) -> Path:
        return self.root / NOTES_DIR

    @property
    def lab_dir(self) -> Path:
        """``TRACKER_LAB_DIR`` when set, else ``lab/`` beside the data file."""
        override = os.environ.get(LAB_DIR_ENV)
        return Path(override).expanduser().absolute() if override else self.root / LAB_DIR

    @property
    def lab_runs(self) -> Path:
        return self.state_dir / "lab-runs.jsonl"

    @property
    def database(self) -> Path:
        return self.state_dir / "tracker.db"

    def ensure_state_dir(self) -> Path:
        """``.tracker/``, made on first use with a ``.gitignore`` of its own: derived files never belong in
        git, even in a repository whose .gitignore does not say so."""
        if not self.state_dir.is_dir():
            try:
                self.state_dir.mkdir(parents=True, exist_ok=True)
                (self.state_dir / ".gitignore").write_text("*\n")
            except OSError as exc:
                raise TrackerError(f"{self.state_dir}: cannot create tracker's state folder beside "
                                   f"{self.data_file.name} ({exc.strerror or exc})") from None
        return self.state_dir

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """The one lock every writer of this project takes (the store, notes, lab runs): they take turns."""
        self.ensure_state_dir()
        with file_lock(self.lock_path):
            yield

    # ------------------------------------------------------------------------------------------ commits

    @property
    def repo(self) -> Path | None:
        from tracker import gitrepo

        return gitrepo.find_repo(self.root)

    def commits_enabled(self) -> bool:
        from tracker import gitrepo

        return gitrepo.commits_enabled(self.commit_requested, self.root)

    def commit(self, paths: list[Path], message: str, before: tuple[bytes, bytes] | None = None) -> bool:
        """Commit exactly ``paths`` (files a command wrote) unless commits are off; True when a commit was made.

        ``before``: the data file's content before and after the command (``paths[0]`` must be the data file);
        then only that change of it is committed and a person's uncommitted edits stay uncommitted.
        Call it while holding ``lock()``: git's own index lock is then never contended by tracker itself."""
        from tracker import gitrepo

        if not self.commits_enabled():
            return False
        repo = self.repo
        if repo is None:
            marker = self.ensure_state_dir() / "said-no-git"
            if not marker.exists():
                self.notices.append(f"note: {self.root} is not in a git repository; "
                                    "changes are saved but not committed (run `git init` to keep history)")
                marker.write_text("")
            return False
        root = repo.resolve()
        paths = [Path(p) for p in paths if Path(p).resolve().is_relative_to(root)]  # a file outside: not ours
        if not paths:
            return False
        from tracker.merge import ensure_configured

        ensure_configured(repo)
        gitrepo.remove_stale_index_lock(repo)
        try:
            if before is not None and paths[0] == self.data_file:
                committed, swept = gitrepo.commit_own_change(repo, self.data_file, before[0], before[1], message,
                                                             paths[1:])
                if swept:
                    self.notices.append(f"note: uncommitted edits in {self.data_file.name} touched the same lines "
                                        "as this change and were committed with it")
                return committed
            return gitrepo.commit_paths(repo, paths, message)
        except gitrepo.GitError as exc:
            names = ", ".join(p.name for p in paths)
            raise TrackerError(f"the change is saved in {names} but not committed: {exc}") from None

    def ensure_union_merge(self) -> Path | None:
        """``.gitattributes`` naming ``merge=union`` for the tracked machine-state logs; returns the file when
        it changed (the caller commits it), else None."""
        repo = self.repo
        if repo is None:
            return None
        attributes = repo / ".gitattributes"
        text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
        prefix = self.root.relative_to(repo).as_posix() if self.root != repo else ""
        wanted = [f"{prefix + '/' if prefix else ''}{name} merge=union" for name in UNION_MERGED]
        missing = [line for line in wanted if line not in text.splitlines()]
        if not missing:
            return None
        sep = "" if not text or text.endswith("\n") else "\n"
        atomic_write(attributes, (text + sep + "\n".join(missing) + "\n").encode("utf-8"))
        return attributes


def find_data_file(explicit: Path | None = None, start: Path | None = None) -> Path:
    """The data file: ``explicit`` (``--file`` / ``TRACKER_FILE``), else ``resources.yaml`` here or in a parent."""
    if explicit is not None:
        path = Path(explicit).expanduser().absolute()
        if not path.is_file():
            raise TrackerError(f"{explicit}: no such file (create one with `tracker init`)")
        return path
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        candidate = folder / DATA_FILE
        if candidate.is_file():
            return candidate
    raise TrackerError(f"no {DATA_FILE} in {here} or any parent directory; run `tracker init` or pass --file")


@dataclass
class InitResult:
    data_file: Path
    created_repo: bool
    committed: bool
    notices: list[str] = field(default_factory=list)


def init_project(folder: Path, data_file: Path | None = None, commit: bool = True) -> InitResult:
    """Create the files (refusing to overwrite an existing data file) and commit them."""
    from tracker import gitrepo
    from tracker.store.api import EMPTY_DOCUMENT, Store

    folder = Path(folder).absolute()
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(data_file).absolute() if data_file else folder / DATA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise TrackerError(f"{path} already exists")
    atomic_write(path, (HEADER + EMPTY_DOCUMENT).encode("utf-8"))
    project = Project(path, commit)
    notes = project.notes_dir
    notes.mkdir(exist_ok=True)
    keep = notes / ".gitkeep"
    keep.touch()
    gitignore = project.root / ".gitignore"
    lines = gitignore.read_text().splitlines() if gitignore.exists() else []
    if IGNORED not in lines and STATE_DIR not in lines:
        atomic_write(gitignore, ("\n".join([*lines, IGNORED]) + "\n").encode("utf-8"))
    created = gitrepo.init_repo(project.root)
    repo = project.repo
    attributes: list[Path] = []
    if repo is not None:
        from tracker.merge import register_merge_driver

        # merge resources.yaml item by item on pull/merge; the machine-state logs line by line
        register_merge_driver(repo, path.relative_to(repo).as_posix())
        project.ensure_union_merge()
        attributes = [repo / ".gitattributes"]
    store = Store(path, commit=commit)
    store.index()  # build the (empty) index and the self-ignoring .tracker/ folder
    result = InitResult(path, created, False)
    if project.commits_enabled() and repo is not None:
        result.committed = gitrepo.commit_paths(repo, [path, gitignore, keep, *attributes],
                                                f"init: {path.name}, notes/")
    return result
