"""The SQLite index of resources.yaml (``.tracker/index.db``, derived, git-ignored).

``list``, ``show`` and ``search`` read this instead of parsing YAML. The index remembers the file's size, mtime
and content hash, and a hash of every item's block of lines. When the file changed behind tracker's back (a hand
edit, ``git pull``), only the blocks whose hash is new are parsed again; a layout the line scan cannot follow
falls back to one full parse. Mutations update the rows they touched in place.

Reading needs only ``sqlite3`` and ``json``: no YAML, no pydantic, so read commands start fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

SCHEMA_VERSION = "5"
# A file modified this close to when we last looked at it may have changed again within the same mtime tick
# ("racy git"), so its content is hashed instead of trusting the stat.
RACY_WINDOW_NS = 2_000_000_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS resources (
    rowid INTEGER PRIMARY KEY, pos INTEGER NOT NULL, block_hash TEXT,
    id TEXT NOT NULL, url TEXT NOT NULL, url_key TEXT NOT NULL, title TEXT NOT NULL,
    status TEXT NOT NULL, category TEXT, tags TEXT NOT NULL, topic TEXT, lab TEXT, comment TEXT,
    added TEXT, status_changed TEXT, description TEXT, data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS resources_id ON resources(id);
CREATE INDEX IF NOT EXISTS resources_pos ON resources(pos);
CREATE INDEX IF NOT EXISTS resources_url_key ON resources(url_key);
CREATE INDEX IF NOT EXISTS resources_status ON resources(status, pos);
CREATE INDEX IF NOT EXISTS resources_lab ON resources(lab) WHERE lab IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS resources_fts USING fts5(
    title, description, comment, tags, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS entries (
    section TEXT NOT NULL, pos INTEGER NOT NULL, block_hash TEXT, data TEXT NOT NULL, PRIMARY KEY (section, pos)
);
"""

# resources_id keeps ids unique like a UNIQUE column would, but can be built once after a bulk load.
_SECONDARY_INDEXES = ("resources_id", "resources_pos", "resources_url_key", "resources_status", "resources_lab")
RESOURCE_COLUMNS = ("id", "url", "url_key", "title", "status", "category", "tags", "topic", "lab", "comment",
                    "added", "status_changed", "description", "data")


def block_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _json_default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _make_encoder() -> Any:
    """One compact JSON encoder for every row (``json.dumps`` builds a new one per call: a third of the time
    of indexing 100k items). The C encoder when there is one, with the same output as ``json.dumps``."""
    encoder = json.JSONEncoder(ensure_ascii=False, default=_json_default)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    chunks = make(None, _json_default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)

    def encode(data: Any) -> str:
        if isinstance(data, str):
            return encoder.encode(data)
        return "".join(chunks(data, 0))

    return encode


_ENCODE = _make_encoder()


def to_json(data: Any) -> str:
    return _ENCODE(data)


@dataclass(frozen=True)
class FileState:
    """What the index knows about the file it was built from."""

    size: int
    mtime_ns: int
    inode: int
    digest: str
    checked_ns: int


class ResourceRow(NamedTuple):
    """One item as ``list`` and ``search`` read it (a tuple too, so ``row[0]`` still works)."""

    id: str
    url: str
    title: str
    status: str
    category: str | None
    tags: str  # JSON list
    added: str | None
    data: str  # the whole item as JSON

    def item(self) -> dict:
        return json.loads(self.data)

    def tag_list(self) -> list[str]:
        return json.loads(self.tags)


class SearchRow(NamedTuple):
    """A search hit: the item's columns as in ``ResourceRow``, then its bm25 rank (lower is better)."""

    id: str
    url: str
    title: str
    status: str
    category: str | None
    tags: str
    added: str | None
    data: str
    rank: float


def resource_row(item: dict, url_key: str, pos: int, digest: str | None) -> tuple:
    """The values of a ``resources`` row (in RESOURCE_COLUMNS order, then pos and block hash)."""
    return (
        item["id"], item["url"], url_key, item["title"], str(item.get("status", "inbox")), item.get("category"),
        to_json(item.get("tags", [])), item.get("topic"), item.get("lab"), item.get("comment"),
        _date_text(item.get("added")), _date_text(item.get("status_changed")), item.get("description"),
        to_json(item), pos, digest,
    )


def _date_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _switch_journal(conn: sqlite3.Connection, mode: str) -> None:
    """Switch the journal mode if no other connection is using the file; else keep the one it has (both are safe,
    WAL only lets readers go on beside a writer), and a later opening switches it."""
    try:
        conn.execute(f"PRAGMA journal_mode={mode}")
    except sqlite3.OperationalError:
        pass


class Index:
    """One SQLite connection to the index of one data file."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._link_keys: dict[str, str] | None = None  # built on first use, dropped on every write
        db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = self._open()
        except sqlite3.DatabaseError:
            # A derived file: when it is damaged, start again from the YAML.
            self._remove_files()
            self.conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        _switch_journal(conn, "WAL")  # refused while another process builds the file (see ``transaction``)
        conn.execute("PRAGMA synchronous=NORMAL")
        if str(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
            # Checked again inside an exclusive transaction: concurrent first runs must not reset the schema
            # under each other.
            conn.execute("BEGIN EXCLUSIVE")
            try:
                if str(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
                    for table in ("meta", "resources", "resources_fts", "entries"):
                        conn.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return conn

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.db_path}{suffix}")
            except FileNotFoundError:
                pass

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------------------------------------ freshness

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def file_state(self) -> FileState | None:
        raw = self.meta("file")
        if raw is None:
            return None
        return FileState(**json.loads(raw))

    def matches_stat(self, stat: os.stat_result) -> bool:
        """True when the file's stat proves it is the one indexed (not within the racy window)."""
        state = self.file_state()
        return (
            state is not None
            and state.size == stat.st_size
            and state.mtime_ns == stat.st_mtime_ns
            and state.inode == stat.st_ino
            and state.checked_ns - stat.st_mtime_ns > RACY_WINDOW_NS
        )

    def matches_digest(self, digest: str) -> bool:
        state = self.file_state()
        return state is not None and state.digest == digest

    def record_file(self, stat: os.stat_result, digest: str, layout_simple: bool | None = None) -> None:
        state = FileState(stat.st_size, stat.st_mtime_ns, stat.st_ino, digest, time.time_ns())
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('file', ?)", (json.dumps(state.__dict__),))
        if layout_simple is not None:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('layout_simple', ?)", (str(int(layout_simple)),))

    def layout_simple(self) -> bool:
        return self.meta("layout_simple") == "1"

    # ------------------------------------------------------------------------------------------ writing rows

    def replace_all(self, resources: list[tuple], entries: list[tuple]) -> None:
        """Throw away every row and insert these (inside the caller's transaction)."""
        self.conn.execute("DELETE FROM resources")
        self.conn.execute("DELETE FROM resources_fts")
        self.conn.execute("DELETE FROM entries")
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('fts', '1')")
        self.insert_resources(resources)
        self.conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", entries)

    def insert_resources(self, rows: Iterable[tuple], index_text: bool = True) -> None:
        """Insert rows; ``index_text=False`` leaves the full-text rows to one ``index_all_text`` call."""
        rows = list(rows)
        self._link_keys = None
        placeholders = ", ".join("?" * (len(RESOURCE_COLUMNS) + 2))
        columns = ", ".join((*RESOURCE_COLUMNS, "pos", "block_hash"))
        self.conn.executemany(f"INSERT INTO resources ({columns}) VALUES ({placeholders})", rows)
        if index_text and self.has_text_index():
            self._index_text([row[0] for row in rows])

    def has_text_index(self) -> bool:
        """False after a rebuild that left the full-text rows to the first search (``ensure_text_index``)."""
        return self.meta("fts") != "0"

    def defer_text_index(self) -> None:
        """Drop the full-text rows until a search needs them: a fresh clone's first ``list`` does not."""
        self.conn.execute("DELETE FROM resources_fts")
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('fts', '0')")

    def ensure_text_index(self) -> None:
        """Build the full-text rows now if a rebuild deferred them."""
        if self.has_text_index():
            return
        with self.transaction():
            if not self.has_text_index():
                self.index_all_text()

    @contextlib.contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Insert many rows faster: the secondary indexes are dropped first and built once at the end (sorting
        once beats updating four b-trees per row); the unique one on ``id`` then refuses a repeated id as it is
        built. Inside the caller's transaction."""
        for name in _SECONDARY_INDEXES:
            self.conn.execute(f"DROP INDEX IF EXISTS {name}")
        # A page cache (32 MB) big enough that the id index's pages stay in memory until the commit (SQLite's 2 MB
        # default spills them to the WAL and reads them back: a sixth of the insert time at 100k items).
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute("PRAGMA cache_size=-32768")
        try:
            yield
            for statement in _SCHEMA.split(";"):
                if any(f" {name} " in statement for name in _SECONDARY_INDEXES):
                    self.conn.execute(statement)
        finally:
            self.conn.execute(f"PRAGMA cache_size={int(cache)}")

    def index_all_text(self) -> None:
        """The full-text rows of every item, in one statement (inside the caller's transaction)."""
        self.conn.execute("DELETE FROM resources_fts")
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('fts', '1')")
        self.conn.execute(
            "INSERT INTO resources_fts (rowid, title, description, comment, tags) "
            "SELECT rowid, title, coalesce(description, ''), coalesce(comment, ''), "
            "(SELECT group_concat(value, ' ') FROM json_each(resources.tags)) FROM resources")

    def _index_text(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            self.conn.execute(
                "INSERT INTO resources_fts (rowid, title, description, comment, tags) "
                "SELECT rowid, title, coalesce(description, ''), coalesce(comment, ''), "
                "(SELECT group_concat(value, ' ') FROM json_each(resources.tags)) "
                f"FROM resources WHERE id IN ({marks})",
                chunk,
            )

    def delete_resources(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._link_keys = None
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM resources_fts WHERE rowid IN "
                              f"(SELECT rowid FROM resources WHERE id IN ({marks}))", chunk)
            self.conn.execute(f"DELETE FROM resources WHERE id IN ({marks})", chunk)

    def replace_resource(self, row: tuple) -> None:
        """Update one item's row in place, keyed by its position."""
        pos = row[-2]
        old = self.conn.execute("SELECT id FROM resources WHERE pos = ?", (pos,)).fetchone()
        if old:
            self.delete_resources([old[0]])
        self.insert_resources([row])

    def remove_resource_at(self, pos: int) -> None:
        old = self.conn.execute("SELECT id FROM resources WHERE pos = ?", (pos,)).fetchone()
        if old:
            self.delete_resources([old[0]])
        self.conn.execute("UPDATE resources SET pos = pos - 1 WHERE pos > ?", (pos,))

    @contextlib.contextmanager
    def transaction(self, first_build: bool = False) -> Iterator[None]:
        """One write transaction (taken at once, so two writers queue instead of deadlocking).

        ``first_build``: the first build of a new index, the one a fresh clone waits for. It commits without fsync
        (a process killed half-way still leaves a consistent file, only a power cut could damage it, and the index
        is derived data), and through a rollback journal when no other connection has the file open: the WAL would
        write every page twice (into the log, then into the file at the checkpoint), a rollback journal of a new
        file holds next to nothing. WAL comes back at the end, for the readers of every later command."""
        if first_build:
            self.conn.execute("PRAGMA synchronous=OFF")
            _switch_journal(self.conn, "DELETE")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        finally:
            if first_build:
                _switch_journal(self.conn, "WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: on an exception the rows go back to how they were and the exception goes on."""
        self.conn.execute("SAVEPOINT sync")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO sync")
            self.conn.execute("RELEASE sync")
            raise
        self.conn.execute("RELEASE sync")

    def resource_blocks(self) -> list[tuple[int, str | None, str, str]]:
        """``(pos, block hash, id, url key)`` of every item: what an incremental sync matches blocks against."""
        return self.conn.execute("SELECT pos, block_hash, id, url_key FROM resources").fetchall()

    def move_resources(self, moves: Iterable[tuple[int, str]]) -> None:
        """Set new positions: ``(pos, id)`` pairs."""
        self.conn.executemany("UPDATE resources SET pos = ? WHERE id = ?", list(moves))

    def entry_data(self) -> dict[tuple[str, int], str]:
        """``(section, pos) -> data JSON`` of every advice, glossary and topics entry."""
        return {(section, pos): data for section, pos, data in
                self.conn.execute("SELECT section, pos, data FROM entries")}

    def replace_entries(self, section: str, rows: list[tuple[str, int, str | None, str]]) -> None:
        """Replace a section's entries with ``(section, pos, block hash, data JSON)`` rows."""
        self.conn.execute("DELETE FROM entries WHERE section = ?", (section,))
        self.conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", rows)

    def replace_all_entries(self, rows: list[tuple[str, int, str | None, str]]) -> None:
        """Replace the entries of every section with ``(section, pos, block hash, data JSON)`` rows."""
        self.conn.execute("DELETE FROM entries")
        self.conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", rows)

    def remove_entry_at(self, section: str, pos: int) -> None:
        self.conn.execute("DELETE FROM entries WHERE section = ? AND pos = ?", (section, pos))
        self.conn.execute("UPDATE entries SET pos = pos - 1 WHERE section = ? AND pos > ?", (section, pos))

    def set_entry(self, section: str, pos: int, digest: str | None, data: dict) -> None:
        self.conn.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", (section, pos, digest, to_json(data)))

    # ------------------------------------------------------------------------------------------ reading

    def lab_links(self) -> list[tuple[str, str, str]]:
        """``(id, title, lab)`` of the items that name a lab experiment, in file order (a partial index: few)."""
        return self.conn.execute("SELECT id, title, lab FROM resources WHERE lab IS NOT NULL ORDER BY pos").fetchall()

    def title_of(self, item_id: str) -> str | None:
        row = self.conn.execute("SELECT title FROM resources WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    def resource_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM resources").fetchone()[0]

    def section_count(self, section: str) -> int:
        if section == "resources":
            return self.resource_count()
        return self.conn.execute("SELECT count(*) FROM entries WHERE section = ?", (section,)).fetchone()[0]

    def block_hash_at(self, pos: int) -> str | None:
        row = self.conn.execute("SELECT block_hash FROM resources WHERE pos = ?", (pos,)).fetchone()
        return row[0] if row else None

    def id_at(self, pos: int) -> str | None:
        row = self.conn.execute("SELECT id FROM resources WHERE pos = ?", (pos,)).fetchone()
        return row[0] if row else None

    def pos_of(self, item_id: str) -> int | None:
        row = self.conn.execute("SELECT pos FROM resources WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    def id_for_url_key(self, key: str) -> str | None:
        """The item whose URL, or one of whose extra ``links``, has this identity key."""
        row = self.conn.execute("SELECT id FROM resources WHERE url_key = ?", (key,)).fetchone()
        return row[0] if row else self.link_keys().get(key)

    def link_keys(self) -> dict[str, str]:
        """The identity key of every item's extra links, with the item's id (few items have links)."""
        if self._link_keys is None:
            from tracker.urls import identity_key

            keys: dict[str, str] = {}
            query = ("SELECT id, json_extract(data, '$.links') FROM resources "
                     "WHERE instr(data, '\"links\"') ORDER BY rowid")
            for item_id, links in self.conn.execute(query):
                for link in json.loads(links or "[]") if (links or "").startswith("[") else []:
                    if isinstance(link, dict) and isinstance(link.get("url"), str):
                        keys.setdefault(identity_key(link["url"]), item_id)
            self._link_keys = keys
        return self._link_keys

    def has_id(self, item_id: str) -> bool:
        return self.pos_of(item_id) is not None

    def ids_by_url_key(self) -> dict[str, str]:
        """Every url key with its item's id (the first item, as ``id_for_url_key`` answers): one query for a
        bulk import instead of one per row."""
        found: dict[str, str] = {}
        for key, item_id in self.conn.execute("SELECT url_key, id FROM resources ORDER BY rowid"):
            found.setdefault(key, item_id)
        for key, item_id in self.link_keys().items():
            found.setdefault(key, item_id)
        return found

    def ids_starting_with(self, prefix: str, limit: int = 6) -> list[str]:
        # A range on the primary key (not LIKE, which cannot use the index): fast at 100k items.
        rows = self.conn.execute("SELECT id FROM resources WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                                 (prefix, prefix + "\U0010ffff", limit))
        return [row[0] for row in rows]

    def ids_like(self, base: str) -> set[str]:
        """Ids equal to ``base`` or ``base-<something>``: the candidates a new slug must avoid."""
        rows = self.conn.execute("SELECT id FROM resources WHERE id = ? OR (id >= ? AND id < ?)",
                                 (base, base + "-", base + "."))
        return {row[0] for row in rows}

    def resource_json(self, item_id: str) -> str | None:
        row = self.conn.execute("SELECT data FROM resources WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    def resource(self, item_id: str) -> dict | None:
        text = self.resource_json(item_id)
        return json.loads(text) if text is not None else None

    def query_resources(self, *, status: str | None = None, category: str | None = None, tag: str | None = None,
                        topic: str | None = None, limit: int | None = None) -> list[ResourceRow]:
        """Rows ``(id, url, title, status, category, tags_json, added, data_json)`` in file order."""
        where, params = [], []
        if status:
            where.append("status = ?")
            params.append(status)
        if category:
            where.append("lower(category) = lower(?)")
            params.append(category)
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(resources.tags) WHERE lower(value) = lower(?))")
            params.append(tag)
        if topic:
            where.append("topic = ?")
            params.append(topic)
        sql = "SELECT id, url, title, status, category, tags, added, data FROM resources"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY pos"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(_sql_limit(limit))
        return [ResourceRow(*row) for row in self.conn.execute(sql, params)]

    def search(self, query: str, limit: int = 20) -> list[SearchRow]:
        """Ranked (bm25: title first, then tags, comment, description) rows like ``query_resources``."""
        match = fts_query(query)
        if not match:
            return []
        self.ensure_text_index()
        rows = self.conn.execute(
            "SELECT r.id, r.url, r.title, r.status, r.category, r.tags, r.added, r.data, "
            "bm25(resources_fts, 10.0, 2.0, 3.0, 5.0) AS rank "
            "FROM resources_fts JOIN resources r ON r.rowid = resources_fts.rowid "
            "WHERE resources_fts MATCH ? ORDER BY rank, r.pos LIMIT ?",
            (match, _sql_limit(limit)),
        )
        return [SearchRow(*row) for row in rows]

    def snippets(self, query: str, ids: list[str], mark: tuple[str, str] = ("**", "**")) -> dict[str, str]:
        """id -> a short passage of the comment, description or tags where ``query`` matched (words marked);
        items matched by their title alone have none. Only for the few rows a search shows."""
        match = fts_query(query)
        if not match or not ids:
            return {}
        self.ensure_text_index()
        found: dict[str, str] = {}
        for column in (2, 1, 3):  # comment (your words), description, tags: the title is shown anyway
            rows = self.conn.execute(
                f"SELECT r.id, snippet(resources_fts, {column}, ?, ?, '…', 12) "
                "FROM resources_fts JOIN resources r ON r.rowid = resources_fts.rowid "
                f"WHERE resources_fts MATCH ? AND r.id IN ({','.join('?' * len(ids))})",
                (*mark, match, *ids))
            for item_id, text in rows:
                if item_id not in found and text and mark[0] in text:
                    found[item_id] = " ".join(text.split())
        return found

    def resources_with_key(self, key: str) -> list[tuple[int, dict]]:
        """``(pos, data)`` of the items that have ``key`` (a top-level field), in file order."""
        rows = self.conn.execute("SELECT pos, data FROM resources WHERE json_extract(data, '$.' || ?) IS NOT NULL "
                                 "ORDER BY pos", (json.dumps(key),))
        return [(pos, json.loads(data)) for pos, data in rows]

    def entries(self, section: str) -> list[dict]:
        rows = self.conn.execute("SELECT data FROM entries WHERE section = ? ORDER BY pos", (section,))
        return [json.loads(row[0]) for row in rows]

    def entry_hashes(self) -> dict[tuple[str, str], list[int]]:
        found: dict[tuple[str, str], list[int]] = {}
        for section, pos, digest in self.conn.execute("SELECT section, pos, block_hash FROM entries"):
            found.setdefault((section, digest), []).append(pos)
        return found

    def topic_progress(self) -> dict[str, tuple[int, int]]:
        """topic id -> (done, total) over the reading list."""
        rows = self.conn.execute(
            "SELECT topic, sum(status = 'done'), count(*) FROM resources WHERE topic IS NOT NULL GROUP BY topic"
        )
        return {topic: (done, total) for topic, done, total in rows}


def _sql_limit(limit: int) -> int:
    """A row limit SQLite accepts: a negative one means "all rows" (as in SQLite), a huge one is capped."""
    return -1 if int(limit) < 0 else min(int(limit), 2**62)


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must match (as a prefix), punctuation is not syntax."""
    import re

    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"*' for word in words)
