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
from typing import TYPE_CHECKING

from tracker.errors import TrackerError
from tracker.gitrepo import head_commit
from tracker.lab.runs import RUNS_FILE
from tracker.publish import records
from tracker.publish.schema import SCHEMA_VERSION, TABLES
from tracker.publish.sources import Project, load_document, load_notes, note_files, status_history
from tracker.store.atomic import remove_leftovers

if TYPE_CHECKING:
    from tracker.models import Advice, Document, Note, Resource, Topic

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


def build_database(project: Project, db_path: Path | None = None, *, force: bool = False) -> BuildResult:
    """Build (or keep, when its sources are unchanged) the database at ``db_path``."""
    started = time.perf_counter()
    db_path = Path(db_path or project.default_database)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # One build at a time per database (the serve watcher and a `tracker build` in another terminal): the
    # second one waits, then finds the database up to date instead of replacing it with an older build.
    with _build_lock(db_path):
        wanted = source_hash(project)
        if not force and built_source_hash(db_path) == wanted:
            return BuildResult(db_path, False, wanted, seconds=time.perf_counter() - started)
        counts = _build_into(project, db_path, wanted)
    return BuildResult(db_path, True, wanted, counts, time.perf_counter() - started)


@contextlib.contextmanager
def _build_lock(db_path: Path) -> Iterator[None]:
    fd = os.open(db_path.parent / f".{db_path.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _build_into(project: Project, db_path: Path, wanted: str) -> dict[str, int]:
    document = load_document(project)
    notes = load_notes(project)
    history = status_history(project)
    remove_leftovers(db_path.parent, f".{db_path.name}.*.building")  # a killed build's; we hold the build lock
    handle, temp_name = tempfile.mkstemp(dir=db_path.parent, prefix=f".{db_path.name}.", suffix=".building")
    os.close(handle)
    temp_path = Path(temp_name)
    try:
        counts = write_database(temp_path, project, document, notes, history, wanted)
        os.replace(temp_path, db_path)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    _fsync_dir(db_path.parent)
    return counts


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_database(
    path: Path, project: Project, document: Document, notes: list[Note], history: list[dict], hash_: str
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
    resources = [_resource_row(r) for r in document.resources]
    _last_change = {row["resource"]: row["date"][:10] for row in history if row["to_status"]}
    for row in resources:
        if row["status_changed"] is None:
            row["status_changed"] = _last_change.get(row["id"])
    tag_ids: dict[str, int] = {}
    resource_tags = [
        {"resources_id": r.id, "tags_id": tag_ids.setdefault(tag, len(tag_ids) + 1)}
        for r in document.resources
        for tag in dict.fromkeys(r.tags)
    ]
    rows: dict[str, Iterable[dict]] = {
        "lab_experiments": records.lab_experiment_rows(project.root),
        "topics": [_topic_row(t, i) for i, t in enumerate(document.topics)],
        "resources": resources,
        "tags": [{"id": i, "name": name} for name, i in tag_ids.items()],
        "resources_tags": resource_tags,
        "advice": [_advice_row(a, i) for i, a in enumerate(document.advice, start=1)],
        "glossary": _glossary_rows(document),
        "notes": [_note_row(n, project) for n in notes],
        "notes_resources": [
            {"notes_id": n.id, "resources_id": rid} for n in notes for rid in dict.fromkeys(n.related)
        ],
        "questions": _question_rows(notes),
        "lab_runs": records.lab_run_rows(project.root),
        "lab_claims": records.lab_claim_rows(project.root),
        "link_checks": records.link_check_rows(project.root, _identity_keys(document)),
        "item_history": history,
    }
    counts: dict[str, int] = {}
    with conn:
        for spec in TABLES:
            if spec.name in rows:
                table_rows = list(rows[spec.name])
                db[spec.name].insert_all(table_rows, batch_size=1000)
                counts[spec.name] = len(table_rows)
        for spec in TABLES:
            for column in spec.indexes:
                db[spec.name].create_index([column])
        from tracker.cards.tables import write_card_tables  # flashcards: cards, reviews, card_days

        counts.update(write_card_tables(db, project.resources_file, document, notes))
    for spec in TABLES:
        if spec.fts:
            db[spec.name].enable_fts(list(spec.fts), fts_version="FTS5", tokenize="porter")
    from tracker.archive.publish import write_archive_tables  # archive: snapshots (+FTS), archived_copies

    counts.update(write_archive_tables(db, project.root, document.resources))
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


def _identity_keys(document: Document) -> dict[str, str]:
    from tracker.urls import identity_key

    keys = {}
    for r in document.resources:
        try:
            keys[identity_key(r.url)] = r.id
        except TrackerError:
            continue
    return keys


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _resource_row(r: Resource) -> dict:
    site, kind = (r.site, r.kind) if r.site and r.kind else _url_facts(r.url)
    return {
        "id": r.id,
        "title": r.title,
        "url": r.url,
        "status": r.status.value,
        "category": r.category,
        "tags": json.dumps(r.tags, ensure_ascii=False),
        "topic": r.topic,
        "lab": r.lab,
        "comment": r.comment,
        "added": _iso(r.added),
        "status_changed": _iso(r.status_changed),
        "authors": ", ".join(r.authors) or None,
        "published": _iso(r.published),
        "site": r.site or site,
        "kind": r.kind or kind,
        "description": r.description,
        "canonical_url": r.canonical_url,
        "image": r.image,
        "links": "\n".join(f"{link.label}: {link.url}" for link in r.links) or None,
    }


def _url_facts(url: str) -> tuple[str | None, str | None]:
    """Site and kind from the URL alone (arXiv paper, YouTube video, GitHub repo, pdf; else the host as site),
    so the site and kind facets group items before `tracker fetch` has filled them."""
    from urllib.parse import urlsplit

    from tracker.web.meta.sites import metadata_from_url

    known = metadata_from_url(url)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return known.site or _SITE_NAMES.get(host, host) or None, known.kind


# Hosts whose videos, papers and repositories metadata_from_url names: their other pages get the same name.
_SITE_NAMES = {"youtube.com": "YouTube", "m.youtube.com": "YouTube", "arxiv.org": "arXiv", "github.com": "GitHub"}


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


def _glossary_rows(document: Document) -> Iterator[dict]:
    from tracker.reading_list import unique_id

    seen: set[str] = set()
    for term in document.glossary:
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
