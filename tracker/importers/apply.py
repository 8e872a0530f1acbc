"""Apply an import to the list: one locked edit of resources.yaml, the new notes, and one commit.

The store's index answers "is this link already there?" and "is this id taken?", so an import into a large
list never parses the whole file; new items go through the same ``prepare_resource`` as ``tracker add``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.importers import read_import_file
from tracker.importers.content import Skipped
from tracker.importers.merge_content import ImportResult, combine
from tracker.models import Document, Status


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    path: Path
    fmt: str
    dry_run: bool
    result: ImportResult
    notes_written: list[Path] = field(default_factory=list)
    committed: bool = False

    def counts(self) -> dict[str, int]:
        counts = self.result.plan.counts()
        counts["skipped"] += len(self.result.skipped)
        counts.update(
            advice=len(self.result.advice),
            glossary=len(self.result.glossary),
            topics=len(self.result.topics),
            notes=len(self.result.notes),
        )
        return counts

    def skipped(self) -> list[Skipped]:
        from_plan = [
            Skipped(o.origin, o.title or o.url, o.reason) for o in self.result.plan.outcomes if o.action == "skipped"
        ]
        return sorted([*self.result.skipped, *from_plan], key=lambda s: _origin_order(s.origin))

    def to_json(self) -> dict[str, Any]:
        # Each added item exactly as it is (or, with --dry-run, would be) written to resources.yaml.
        saved = {item.id: _as_json(_item_data(item)) for item in self.result.plan.resources}
        return {
            "file": str(self.path),
            "format": self.fmt,
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "added": [
                {"id": o.item_id, "url": o.url, "title": o.title, "origin": o.origin,
                 **({"links": [{"label": label, "url": url} for label, url in o.links]} if o.links else {}),
                 "saved": saved.get(o.item_id or "", {})}
                for o in self.result.plan.outcomes
                if o.action == "added"
            ],
            "merged": [
                {"id": o.item_id, "url": o.url, "title": o.title, "origin": o.origin, "reason": o.reason}
                for o in self.result.plan.outcomes
                if o.action == "merged"
            ],
            "skipped": [{"origin": s.origin, "text": s.text, "reason": s.reason} for s in self.skipped()],
            "notes": [str(path) for path in self.notes_written] or [n.draft.slug for n in self.result.notes],
            "committed": self.committed,
        }


def _item_data(item: Any) -> dict:
    if isinstance(item, PreparedItem):
        return item.data
    return item.model_dump(mode="json", exclude_none=True)


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_json(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_as_json(inner) for inner in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _origin_order(origin: str) -> tuple[str, int]:
    name, _, number = origin.rpartition(":")
    if not number.isdigit():
        name, _, number = origin.rpartition("#")
    return (name, int(number) if number.isdigit() else 0)


class _IndexView:
    """The index as ``ExistingItems``. A large import into a list no larger than a few times the import reads
    the list's url keys and ids in two queries instead of two queries per row; a small import into a large list
    asks per row, so neither costs more than the other side's size."""

    def __init__(self, index: Any, incoming: int = 0) -> None:
        self.index = index
        self.by_key: dict[str, str] | None = None
        self.ids: set[str] | None = None
        if incoming >= 256 and index.resource_count() <= 4 * incoming:
            self.by_key = index.ids_by_url_key()
            self.ids = set(self.by_key.values())

    def id_for_url_key(self, key: str) -> str | None:
        if self.by_key is not None:
            return self.by_key.get(key)
        return self.index.id_for_url_key(key)

    def has_id(self, item_id: str) -> bool:
        if self.ids is not None:
            return item_id in self.ids
        return self.index.has_id(item_id)


@dataclass(frozen=True, slots=True)
class PreparedItem:
    """A new item as ``prepare_resource`` wrote it: validated once and kept as the dict the store writes, read
    like a ``Resource`` where the import looks at it (a model per row would cost more than the validation)."""

    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def url(self) -> str:
        return self.data["url"]

    @property
    def topic(self) -> str | None:
        return self.data.get("topic")

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def links(self) -> list[dict[str, str]]:
        return [dict(link) for link in self.data.get("links", [])]


def _existing_document(edit: Any) -> Document:
    """Advice, glossary and topics already in the file, as the index holds them (no parse of the file)."""
    return Document.model_validate({name: edit.index.entries(name) for name in ("advice", "glossary", "topics")})


def _commit_message(path: Path, report: ImportReport) -> str:
    """Subject: the items and the file (short, for `git log --oneline`); body: what else came with them."""
    counts = report.counts()
    parts = []
    for key, label in (("advice", "advice"), ("glossary", "terms"), ("topics", "topics"), ("notes", "notes")):
        if counts[key]:
            parts.append(f"{counts[key]} {label}")
    subject = f"import: {counts['added']} items from {path.name}"
    return subject + (f"\n\nAlso: {', '.join(parts)}." if parts else "")


def import_into_store(
    store: Any,
    path: Path,
    fmt: str | None = None,
    status: Status | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Read ``path`` and add what is new to the store's list and notes/, in one write and one commit."""
    from tracker.notes import note_paths, notes_dir, write_note
    from tracker.reading_list import prepare_resource

    used, content = read_import_file(path, fmt)
    folder = notes_dir(store.path)
    existing_notes = {note.stem for note in note_paths(folder)}
    day = today or dt.date.today()
    with store.edit() as edit:
        document = _existing_document(edit)

        def build(fields: dict) -> PreparedItem:
            # Ids are already unique (planned against the index), so they are checked against nothing here.
            return PreparedItem(prepare_resource(fields, (), day))

        existing = _IndexView(edit.index, len(content.found))
        result = combine(document, content, status, existing_notes, existing, build=build)  # type: ignore[arg-type]
        report = ImportReport(path, used, dry_run, result)
        if dry_run or not result.changes_anything:
            return report
        # The store's bulk path, as `tracker add` uses it: the prepared dicts, not the models dumped back again.
        edit.append_data("resources", [item.data for item in result.plan.resources])  # type: ignore[attr-defined]
        edit.append("advice", list(result.advice))
        edit.append("glossary", list(result.glossary))
        edit.append("topics", list(result.topics))
        for note in result.notes:  # slugs were chosen against the notes already there: none is replaced
            report.notes_written.append(
                write_note(folder, note.draft.slug, note.draft.title, note.draft.body, note.draft.topic, note.related)
            )
        edit.extra_paths.extend(report.notes_written)
        edit.message = _commit_message(path, report)
    report.committed = bool(getattr(store, "committed", False))
    return report
