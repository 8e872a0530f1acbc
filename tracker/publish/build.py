"""Build the Datasette database from the project's files and git history.

The database is derived: it is written to a temporary file beside the target and renamed over it only when
complete, so a reader (Datasette, another build) sees the old database or the new one, never a half-built one.
The build records a hash of its sources; when they have not changed, building again does nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.gitrepo import head_commit
from tracker.lab.runs import RUNS_FILE
from tracker.publish import records
from tracker.publish.schema import SCHEMA_VERSION, TABLES
from tracker.publish.sources import Project, load_document, load_notes, note_files, status_history
from tracker.publish.streamed import RESOURCE_COLUMNS, DocumentSource, IndexSource, open_source
from tracker.store.atomic import remove_leftovers

if TYPE_CHECKING:
    from tracker.models import Advice, Note, Term, Topic

Source = DocumentSource | IndexSource

# The picture files a note may show (``tracker.publish.markdown.IMAGE_SUFFIXES``, which a test keeps equal):
# spelled out here so that the up-to-date check of a no-op build imports neither bleach nor datasette.
NOTE_PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})


@dataclass
class BuildResult:
    """What a build did: ``built`` is False when the sources were unchanged and nothing was written."""

    path: Path
    built: bool
    source_hash: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def source_files(project: Project) -> list[Path]:
    """Every file the database is built from (git history aside)."""
    root = project.root
    files = [project.resources_file]
    files += note_files(project)
    files += note_pictures(project)
    lab_dir = records.lab_dir_for(root)
    if lab_dir is not None:
        files += sorted(lab_dir.glob("*.py"))
    files += sorted((root / records.LAB_RUNS_SHARED_DIR).glob("*.jsonl"))
    extra = (root / RUNS_FILE, root / records.LINK_HISTORY_FILE, root / records.LINK_CACHE_FILE,
             root / ".tracker-reviews.jsonl")  # the flashcard review log (tracker.cards.reviewlog.LOG_NAME)
    files += [p for p in extra if p.is_file()]
    from tracker.archive.publish import source_paths  # archive: saved page text and Wayback copies

    files += source_paths(root)
    return files


def note_pictures(project: Project) -> list[Path]:
    """The pictures in the notes folder (a note shows one once its file is there)."""
    if not project.notes_dir.is_dir():
        return []
    return sorted(p for p in project.notes_dir.rglob("*") if p.suffix.lower() in NOTE_PICTURE_SUFFIXES and p.is_file())


def source_hash(project: Project) -> str:
    """A hash of the sources, the git commit and the schema version: equal hashes, equal databases."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\ncommit {head_commit(project.root)}\n".encode())
    for path in source_files(project):
        name = path.relative_to(project.root) if path.is_relative_to(project.root) else path
        digest.update(name.as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def built_source_hash(db_path: Path) -> str | None:
    """The source hash recorded in an existing database, or None when there is none or it is unreadable."""
    if not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("select source_hash from build_info where id = 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def build_database(
    project: Project, db_path: Path | None = None, *, force: bool = False, via_index: bool = True
) -> BuildResult:
    """Build (or keep, when its sources are unchanged) the database at ``db_path``. ``via_index=False`` reads
    resources.yaml into validated models instead of streaming it from the index (the reference path)."""
    started = time.perf_counter()
    db_path = Path(db_path or project.default_database)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # One build at a time per database (the serve watcher and a `tracker build` in another terminal): the
    # second one waits, then finds the database up to date instead of replacing it with an older build.
    with _build_lock(db_path):
        wanted = source_hash(project)
        if not force and built_source_hash(db_path) == wanted:
            return BuildResult(db_path, False, wanted, seconds=time.perf_counter() - started)
        counts = _build_into(project, db_path, wanted, via_index)
    return BuildResult(db_path, True, wanted, counts, time.perf_counter() - started)


@contextlib.contextmanager
def _build_lock(db_path: Path) -> Iterator[None]:
    fd = os.open(db_path.parent / f".{db_path.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _build_into(project: Project, db_path: Path, wanted: str, via_index: bool = True) -> dict[str, int]:
    source = open_source(project.resources_file) if via_index else DocumentSource(load_document(project))
    try:
        notes = load_notes(project)
        history = status_history(project)
        remove_leftovers(db_path.parent, f".{db_path.name}.*.building")  # a killed build's; we hold the lock
        handle, temp_name = tempfile.mkstemp(dir=db_path.parent, prefix=f".{db_path.name}.", suffix=".building")
        os.close(handle)
        temp_path = Path(temp_name)
        try:
            counts = write_database(temp_path, project, source, notes, history, wanted)
            os.replace(temp_path, db_path)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
    finally:
        source.close()
    _fsync_dir(db_path.parent)
    return counts


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_database(
    path: Path, project: Project, source: Source, notes: list[Note], history: list[dict], hash_: str
) -> dict[str, int]:
    """Write every table into the empty file ``path``; returns rows per table."""
    import sqlite_utils

    conn = sqlite3.connect(path)
    # A temporary file that is thrown away on failure needs no journal and no syncs until the end.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    db = sqlite_utils.Database(conn)
    created: set[str] = set()
    later: list[tuple[str, str, str, str]] = []
    for spec in TABLES:
        # A key to a table not created yet (lab_experiments <-> topics point at each other) is added after.
        now = [fk for fk in spec.foreign_keys if fk[1] in created or fk[1] == spec.name]
        later += [(spec.name, *fk) for fk in spec.foreign_keys if fk not in now]
        db[spec.name].create(spec.columns, pk=spec.pk, foreign_keys=now or None)
        created.add(spec.name)
    if later:
        db.add_foreign_keys(later)
    rows: dict[str, Iterable[dict]] = {
        "lab_experiments": records.lab_experiment_rows(project.root),
        "topics": [_topic_row(t, i) for i, t in enumerate(source.topics)],
        "advice": [_advice_row(a, i) for i, a in enumerate(source.advice, start=1)],
        "glossary": _glossary_rows(source.glossary),
        "notes": [_note_row(n, project) for n in notes],
        "notes_resources": [
            {"notes_id": n.id, "resources_id": rid} for n in notes for rid in dict.fromkeys(n.related)
        ],
        "questions": _question_rows(notes),
        "lab_runs": records.lab_run_rows(project.root),
        "lab_claims": records.lab_claim_rows(project.root),
        "item_history": history,
    }
    counts: dict[str, int] = {}
    with conn:
        for spec in TABLES:
            if spec.name == "resources":
                counts["resources"] = _insert_resources(conn, source, history)
            elif spec.name == "tags":
                counts["tags"], counts["resources_tags"] = _insert_tags(conn)
            elif spec.name == "link_checks":
                table_rows = records.link_check_rows(project.root, source.url_ids())
                db[spec.name].insert_all(table_rows, batch_size=1000)
                counts[spec.name] = len(table_rows)
            elif spec.name in rows:
                table_rows = list(rows[spec.name])
                db[spec.name].insert_all(table_rows, batch_size=1000)
                counts[spec.name] = len(table_rows)
        for spec in TABLES:
            for column in spec.indexes:
                db[spec.name].create_index([column])
        from tracker.cards.tables import write_card_tables  # flashcards: cards, reviews, card_days

        counts.update(write_card_tables(db, project.resources_file, source, notes))
    for spec in TABLES:
        if spec.fts:
            db[spec.name].enable_fts(list(spec.fts), fts_version="FTS5", tokenize="porter")
    from tracker.archive.publish import write_archive_tables  # archive: snapshots (+FTS), archived_copies

    items = source.resources if isinstance(source, DocumentSource) else _with_snapshot_files(project.root, source)
    counts.update(write_archive_tables(db, project.root, items))
    db["build_info"].insert(
        {
            "id": 1,
            "commit": head_commit(project.root),
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "source_hash": hash_,
            "schema_version": SCHEMA_VERSION,
            "resources": counts["resources"],
            "notes": counts["notes"],
        }
    )
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.commit()
    conn.close()
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
    return counts


def _with_snapshot_files(root: Path, source: IndexSource) -> list[Any]:
    """The items whose snapshot file is in the archive folder: one listing instead of a failed open per item."""
    from tracker.archive.files import archive_dir

    folder = archive_dir(root)
    names = {entry.name for entry in os.scandir(folder)} if folder.is_dir() else set()
    return [item for item in source.resources if f"{item.id}.md" in names]


def _insert_resources(conn: sqlite3.Connection, source: Source, history: list[dict]) -> int:
    """Stream the resource rows into the table with one prepared statement; returns how many."""
    last_change = {event["resource"]: event["date"][:10] for event in history if event["to_status"]}
    changed_at = RESOURCE_COLUMNS.index("status_changed")
    count = 0

    def rows() -> Iterator[tuple]:
        nonlocal count
        for row in source.resource_rows():
            count += 1
            if row[changed_at] is None:
                row = (*row[:changed_at], last_change.get(row[0]), *row[changed_at + 1:])
            yield row

    columns = ", ".join(f"[{name}]" for name in RESOURCE_COLUMNS)
    marks = ", ".join("?" * len(RESOURCE_COLUMNS))
    conn.executemany(f"INSERT INTO [resources] ({columns}) VALUES ({marks})", rows())
    return count


def _insert_tags(conn: sqlite3.Connection) -> tuple[int, int]:
    """``tags`` and ``resources_tags`` from the resources' JSON tag lists, in SQL: tags numbered in the order
    they first appear, each item's tags once, in its own order."""
    conn.execute(
        """INSERT INTO tags (id, name)
           SELECT row_number() OVER (ORDER BY first), name FROM (
             SELECT t.value AS name, min(r.rowid * 1000000 + t.key) AS first
             FROM resources r, json_each(r.tags) t GROUP BY t.value)
           ORDER BY first"""
    )
    conn.execute("CREATE TEMP TABLE tag_names (name TEXT PRIMARY KEY, id INTEGER)")
    conn.execute("INSERT INTO temp.tag_names SELECT name, id FROM tags")
    conn.execute(
        """INSERT INTO resources_tags (resources_id, tags_id)
           SELECT r.id, n.id FROM resources r, json_each(r.tags) t JOIN temp.tag_names n ON n.name = t.value
           GROUP BY r.rowid, n.id ORDER BY r.rowid, min(t.key)"""
    )
    conn.execute("DROP TABLE temp.tag_names")
    tags = conn.execute("SELECT count(*) FROM tags").fetchone()[0]
    return tags, conn.execute("SELECT count(*) FROM resources_tags").fetchone()[0]


def _topic_row(t: Topic, position: int) -> dict:
    return {
        "id": t.id,
        "number": t.number,
        "title": t.title,
        "parent": t.parent,
        "summary": t.summary,
        "lab": t.lab,
        "position": position,
    }


def _advice_row(a: Advice, number: int) -> dict:
    return {
        "id": number,
        "category": a.category,
        "text": a.text,
        "source_name": a.source.name if a.source else None,
        "source_url": a.source.url if a.source else None,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "term"


def _glossary_rows(glossary: Iterable[Term]) -> Iterator[dict]:
    from tracker.reading_list import unique_id

    seen: set[str] = set()
    for term in glossary:
        slug = unique_id(_slug(term.term), seen)
        seen.add(slug)
        yield {
            "id": slug,
            "term": term.term,
            "definition": term.definition,
            "links": json.dumps([{"title": link.title, "url": link.url} for link in term.links], ensure_ascii=False),
            "lab": term.lab,
        }


def _note_row(note: Note, project: Project) -> dict:
    from tracker.publish.markdown import notes_image_url, render_markdown

    root = project.root
    path = Path(note.path)
    image_url = notes_image_url(project.notes_dir, path if path.is_absolute() else root / path)
    if path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    return {
        "id": note.id,
        "title": note.title,
        "topic": note.topic,
        "path": path.as_posix(),
        "related": json.dumps(note.related),
        "body": note.body,
        "body_html": render_markdown(note.body, image_url),
    }


def _question_rows(notes: list[Note]) -> list[dict]:
    return [
        {"id": i, "question": q.question, "answer": q.answer, "note": q.note, "topic": q.topic}
        for i, q in enumerate((q for n in notes for q in n.questions), start=1)
    ]
