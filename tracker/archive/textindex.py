"""The page-text index: ``.tracker/archive.db`` (derived, git-ignored), an FTS5 table over the snapshot files.

Kept apart from the list's own index so neither rebuild touches the other: the list index follows
resources.yaml's hash, this one follows the snapshot files' sizes and modification times (one directory scan,
then only new or changed files are read). A fresh clone builds it on its first search.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from tracker.archive.files import archive_dir, parse

DB_NAME = "archive.db"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    rowid INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    words INTEGER, duration_s INTEGER, kind TEXT, saved TEXT, url TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(
    text, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER);
"""
# A folder's modification time is trusted only once this much older than the scan that recorded it (a file
# added within the same clock tick would otherwise go unseen: "racy git").
RACY_WINDOW_NS = 2_000_000_000


@dataclass(frozen=True)
class PageHit:
    """An item whose saved text matches a search: bm25 rank (lower is better) and the passage."""

    item_id: str
    rank: float
    snippet: str


@dataclass(frozen=True)
class PageFacts:
    """What list/show need of a snapshot without reading it: its size in words and a video's length."""

    words: int | None
    duration_s: int | None
    kind: str | None
    saved: str | None


def _scan(folder: Path) -> dict[str, tuple[int, int, str]]:
    """item id -> (mtime_ns, size, path) of every ``*.md`` in the archive folder."""
    found: dict[str, tuple[int, int, str]] = {}
    try:
        entries = os.scandir(folder)
    except OSError:
        return found
    with entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(".md") or name.startswith("."):
                continue
            try:
                stat = entry.stat()
            except OSError:
                continue
            found[name[:-3]] = (stat.st_mtime_ns, stat.st_size, entry.path)
    return found


class PageIndex:
    """Open (and bring up to date) the page-text index of the list in ``root``."""

    def __init__(self, root: Path, state_dir: Path | None = None) -> None:
        self.root = root
        state = state_dir or root / ".tracker"
        if not state.is_dir():
            state.mkdir(parents=True, exist_ok=True)
            (state / ".gitignore").write_text("*\n")
        self.conn = sqlite3.connect(state / DB_NAME, timeout=30)
        try:
            self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError:  # a damaged derived file: start again
            self.conn.close()
            (state / DB_NAME).unlink(missing_ok=True)
            self.conn = sqlite3.connect(state / DB_NAME, timeout=30)
            self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PageIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _folder_unchanged(self, folder_mtime: int | None) -> bool:
        rows = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN ('folder_mtime', 'scanned_at')"))
        return (folder_mtime is not None and rows.get("folder_mtime") == folder_mtime
                and rows.get("scanned_at", 0) - folder_mtime > RACY_WINDOW_NS)

    def sync(self, full: bool = False) -> int:
        """Re-read new and changed snapshot files, forget deleted ones; how many rows changed.

        Every tracker write replaces a file by renaming, and git checks files out anew, so both change the
        folder's modification time: while it is unchanged nothing is scanned (10,000 files cost one stat).
        A file edited in place by hand is seen at the next change in the folder, or with ``full``.
        """
        folder = archive_dir(self.root)
        try:
            folder_mtime: int | None = folder.stat().st_mtime_ns
        except OSError:
            folder_mtime = None
        if not full and self._folder_unchanged(folder_mtime):
            return 0
        scanned_at = time.time_ns()
        changed = self._sync_files(_scan(folder))
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                  [("folder_mtime", folder_mtime), ("scanned_at", scanned_at)])
        return changed

    def _sync_files(self, on_disk: dict[str, tuple[int, int, str]]) -> int:
        known = {row[0]: (row[1], row[2]) for row in self.conn.execute("SELECT item_id, mtime_ns, size FROM pages")}
        stale = [item_id for item_id in known if item_id not in on_disk]
        fresh = [item_id for item_id, (mtime, size, _) in on_disk.items() if known.get(item_id) != (mtime, size)]
        if not stale and not fresh:
            return 0
        with self.conn:
            for item_id in stale + [i for i in fresh if i in known]:
                self._delete(item_id)
            for item_id in fresh:
                mtime, size, path = on_disk[item_id]
                try:
                    content = Path(path).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                page = parse(item_id, content)
                cursor = self.conn.execute(
                    "INSERT INTO pages (item_id, mtime_ns, size, words, duration_s, kind, saved, url) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (item_id, mtime, size, page.words, page.duration_s, page.header.get("kind"),
                     page.header.get("saved"), page.header.get("url")))
                self.conn.execute("INSERT INTO pages_fts (rowid, text) VALUES (?, ?)", (cursor.lastrowid, page.text))
        return len(stale) + len(fresh)

    def _delete(self, item_id: str) -> None:
        row = self.conn.execute("SELECT rowid FROM pages WHERE item_id = ?", (item_id,)).fetchone()
        if row:
            self.conn.execute("DELETE FROM pages_fts WHERE rowid = ?", row)
            self.conn.execute("DELETE FROM pages WHERE rowid = ?", row)

    def search(self, match: str, limit: int = 20, mark: tuple[str, str] = ("**", "**"),
               skip: frozenset[str] | set[str] = frozenset()) -> list[PageHit]:
        """Up to ``limit`` items (none of ``skip``) whose text matches the FTS5 query ``match``, best first, with
        a marked passage. Passages are made only for the hits returned: a common word matches every page."""
        if not match or limit <= 0:
            return []
        ranked = self.conn.execute(
            "SELECT pages_fts.rowid, bm25(pages_fts) AS rank FROM pages_fts WHERE pages_fts MATCH ? ORDER BY rank",
            (match,))
        chosen: list[tuple[int, float]] = []
        ids: dict[int, str] = {}
        for rowid, rank in ranked:  # stepped lazily: stops once enough hits are found
            row = self.conn.execute("SELECT item_id FROM pages WHERE rowid = ?", (rowid,)).fetchone()
            if row is None or row[0] in skip:
                continue
            chosen.append((rowid, rank))
            ids[rowid] = row[0]
            if len(chosen) >= limit:
                break
        ranked.close()
        if not chosen:
            return []
        marks = dict(self.conn.execute(
            f"SELECT rowid, snippet(pages_fts, 0, ?, ?, '…', 12) FROM pages_fts WHERE pages_fts MATCH ? "
            f"AND rowid IN ({','.join('?' * len(chosen))})", (*mark, match, *(r for r, _ in chosen))))
        return [PageHit(ids[r], rank, " ".join(marks.get(r, "").split())) for r, rank in chosen]

    def facts(self, item_ids: list[str] | None = None) -> dict[str, PageFacts]:
        """item id -> its snapshot's facts, for every saved page or only those of ``item_ids`` (one query)."""
        sql = "SELECT item_id, words, duration_s, kind, saved FROM pages"
        if item_ids is not None and len(item_ids) <= 500:  # a filtered list: look up only its rows
            rows = self.conn.execute(f"{sql} WHERE item_id IN ({','.join('?' * len(item_ids))})", item_ids)
        else:
            rows = self.conn.execute(sql)
        return {row[0]: PageFacts(*row[1:]) for row in rows}

    def facts_for(self, item_id: str) -> PageFacts | None:
        row = self.conn.execute("SELECT words, duration_s, kind, saved FROM pages WHERE item_id = ?",
                                (item_id,)).fetchone()
        return PageFacts(*row) if row else None
