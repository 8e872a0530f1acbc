"""The tables of the published database: columns, keys, full-text search. One place, read by the build
and by the Datasette metadata (which must describe every column listed here)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Bump when the schema or the way rows are made changes: an old database is then rebuilt.
SCHEMA_VERSION = "6"


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, type]
    pk: str | tuple[str, ...]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    fts: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    label: str | None = None


TABLES: list[TableSpec] = [
    TableSpec(
        "lab_experiments",
        {"id": str, "title": str, "topic": str, "claims": str, "last_claims": str, "path": str},
        "id",
        [("topic", "topics", "id")],
        label="title",
    ),
    TableSpec(
        "topics",
        {"id": str, "number": str, "title": str, "parent": str, "summary": str, "lab": str, "position": int},
        "id",
        [("parent", "topics", "id"), ("lab", "lab_experiments", "id")],
        label="title",
    ),
    TableSpec(
        "resources",
        {
            "id": str, "title": str, "url": str, "status": str, "category": str, "tags": str, "topic": str,
            "lab": str, "comment": str, "added": str, "status_changed": str, "authors": str, "published": str,
            "site": str, "kind": str, "description": str, "canonical_url": str, "image": str, "links": str,
        },
        "id",
        [("topic", "topics", "id"), ("lab", "lab_experiments", "id")],
        fts=("title", "description", "comment", "tags", "authors", "site"),
        indexes=("status", "category", "topic", "added", "site", "kind"),
        label="title",
    ),
    TableSpec("tags", {"id": int, "name": str}, "id", label="name"),
    TableSpec(
        "resources_tags",
        {"resources_id": str, "tags_id": int},
        ("resources_id", "tags_id"),
        [("resources_id", "resources", "id"), ("tags_id", "tags", "id")],
        indexes=("tags_id",),
    ),
    TableSpec(
        "advice",
        {"id": int, "category": str, "text": str, "source_name": str, "source_url": str},
        "id",
        fts=("text", "category", "source_name"),
        label="text",
    ),
    TableSpec(
        "glossary",
        {"id": str, "term": str, "definition": str, "links": str, "lab": str},
        "id",
        [("lab", "lab_experiments", "id")],
        fts=("term", "definition"),
        label="term",
    ),
    TableSpec(
        "notes",
        {"id": str, "title": str, "topic": str, "related": str, "body_html": str, "body": str, "path": str},
        "id",
        [("topic", "topics", "id")],
        fts=("title", "body"),
        label="title",
    ),
    TableSpec(
        "notes_resources",
        {"notes_id": str, "resources_id": str},
        ("notes_id", "resources_id"),
        [("notes_id", "notes", "id"), ("resources_id", "resources", "id")],
        indexes=("resources_id",),
    ),
    TableSpec(
        "questions",
        {"id": int, "question": str, "answer": str, "note": str, "topic": str},
        "id",
        [("note", "notes", "id"), ("topic", "topics", "id")],
        fts=("question", "answer"),
        indexes=("note",),
        label="question",
    ),
    TableSpec(
        "lab_runs",
        {
            "id": int, "experiment": str, "item": str, "started": str, "status": str, "device": str,
            "checks_passed": int, "checks_failed": int, "max_error": float, "duration_s": float, "dtype": str, "seed": int,
            "torch_version": str, "claims_summary": str, "result": str,
        },
        "id",
        [("experiment", "lab_experiments", "id"), ("item", "resources", "id")],
        indexes=("experiment",),
    ),
    TableSpec(
        "lab_claims",
        {
            "id": int, "run": int, "experiment": str, "started": str, "device": str, "key": str, "text": str,
            "status": str, "why": str, "checks": int, "check_names": str,
        },
        "id",
        [("run", "lab_runs", "id"), ("experiment", "lab_experiments", "id")],
        indexes=("run", "experiment", "status"),
        label="text",
    ),
    TableSpec(
        "link_checks",
        {
            "url": str, "resource": str, "verdict": str, "since": str, "status_code": int, "final_url": str,
            "detail": str, "first_failed": str, "last_ok": str, "failed_runs": int, "checked_at": str,
        },
        "url",
        [("resource", "resources", "id")],
        indexes=("verdict", "resource"),
    ),
    TableSpec(
        "item_history",
        {
            "id": int, "resource": str, "date": str, "from_status": str, "to_status": str, "commit": str,
            "message": str,
        },
        "id",
        [("resource", "resources", "id")],
        indexes=("resource", "date"),
    ),
    TableSpec(
        "build_info",
        {
            "id": int, "commit": str, "built_at": str, "source_hash": str, "schema_version": str,
            "resources": int, "notes": int,
        },
        "id",
    ),
]

TABLES_BY_NAME = {spec.name: spec for spec in TABLES}
