"""Swap a rebuilt database under a running Datasette, and rebuild it when the project's files change.

Datasette 0.65 keeps one SQLite connection per executor thread, stored under the database's name, and reuses it
for the life of the process. A connection keeps reading the file it opened, even after a new file is renamed over
that path, so a plain rename would never be seen (and ``remove_database``/``add_database`` under the same name
would reuse the same stale connections). :class:`LiveDatabase` instead keeps its own per-thread connections
tagged with a generation number; :meth:`LiveDatabase.reopen` bumps it, and each thread closes its old
connection and opens the new file on its next query.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path

from datasette.database import Database

from tracker.publish.build import build_database, source_files
from tracker.publish.problems import describe_build_error
from tracker.publish.sources import Project


class LiveDatabase(Database):
    """An immutable-per-generation database whose file may be replaced (by rename) while it is served."""

    def __init__(self, ds, path: Path) -> None:
        super().__init__(ds, path=str(path), is_mutable=False)
        self.generation = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        self.file_identity = _file_identity(path)

    def reopen(self) -> None:
        """Serve the file now at ``path``: drop cached counts and hash, reconnect on each thread's next query."""
        with self._lock:
            self.file_identity = _file_identity(Path(self.path))
            self.cached_hash = None
            self.cached_size = None
            self._cached_table_counts = None
            self.generation += 1

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.generation == self.generation:
            return conn
        if conn is not None:
            conn.close()
            self._all_file_connections.remove(conn)
        generation = self.generation
        conn = self.connect()
        self.ds._prepare_connection(conn, self.name)
        self._local.conn, self._local.generation = conn, generation
        return conn

    async def execute_fn(self, fn):
        if self.ds.executor is None:
            return fn(self._connection())
        return await asyncio.get_running_loop().run_in_executor(self.ds.executor, lambda: fn(self._connection()))


def _file_identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def sources_signature(project: Project) -> tuple:
    """Cheap fingerprint (stat only) of the source files and of the git reflog, polled by the watcher."""
    paths = [*source_files(project), *_git_markers(project.root)]
    return tuple(sorted((str(p), _file_identity(p)) for p in paths))


def _git_markers(root: Path) -> list[Path]:
    # A commit, pull or checkout moves HEAD and appends to the reflog; history rows depend on it.
    git = root / ".git"
    if git.is_file():  # a worktree: "gitdir: PATH"
        text = git.read_text(encoding="utf-8").strip()
        git = (root / text.removeprefix("gitdir:").strip()).resolve()
    return [git / "HEAD", git / "logs" / "HEAD"]


class Rebuilder(threading.Thread):
    """Polls the sources; on a change rebuilds the database (atomically) and makes ``live`` serve it."""

    def __init__(self, project: Project, db_path: Path, live: LiveDatabase, interval: float = 0.5) -> None:
        super().__init__(name="tracker-rebuilder", daemon=True)
        self.project, self.db_path, self.live, self.interval = project, db_path, live, interval
        self.stop_event = threading.Event()
        self.rebuilds = 0
        self.last_error: str | None = None
        self._rebuild_lock = threading.Lock()

    def run(self) -> None:
        seen: tuple | None = None
        while True:
            try:
                # Also pick up a database built by someone else (`tracker build` in another terminal).
                current = sources_signature(self.project)
                if seen is not None and current != seen:
                    self.rebuild()
                seen = current
                if _file_identity(self.db_path) != self.live.file_identity:
                    self.live.reopen()
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive anything a save can cause
                self._report(describe_build_error(exc, self.project.resources_file))
            if self.stop_event.wait(self.interval):
                return

    def rebuild(self) -> bool:
        """Build now; True when the served database is now current (rebuilt or already up to date).

        Any failure (half-typed YAML, an impossible date, a NUL byte, two topics with one id) keeps the last
        good build served and is kept in :attr:`last_error` for the page banner until a build succeeds.
        """
        with self._rebuild_lock:
            try:
                result = build_database(self.project, self.db_path)
            except Exception as exc:  # noqa: BLE001 - see the docstring
                self._report(describe_build_error(exc, self.project.resources_file))
                return False
            if self.last_error is not None:
                print("tracker serve: fixed, serving the new build", file=sys.stderr)
            self.last_error = None
            if result.built or _file_identity(self.db_path) != self.live.file_identity:
                self.rebuilds += 1
                self.live.reopen()
            return True

    def _report(self, message: str) -> None:
        if message != self.last_error:
            print(f"tracker serve: not rebuilt, still serving the last good build: {message}", file=sys.stderr)
        self.last_error = message

    def stop(self) -> None:
        self.stop_event.set()


def watch_interval() -> float:
    """Polling period of the watcher in seconds (env TRACKER_WATCH_INTERVAL)."""
    return float(os.environ.get("TRACKER_WATCH_INTERVAL", "0.5"))
