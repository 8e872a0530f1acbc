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
from tracker.models import Document, Resource, Status


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
        return {
            "file": str(self.path),
            "format": self.fmt,
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "added": [
                {"id": o.item_id, "url": o.url, "title": o.title, "origin": o.origin}
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


def _origin_order(origin: str) -> tuple[str, int]:
    name, _, number = origin.rpartition(":")
    if not number.isdigit():
        name, _, number = origin.rpartition("#")
    return (name, int(number) if number.isdigit() else 0)


class _IndexView:
    def __init__(self, index: Any) -> None:
        self.index = index

    def id_for_url_key(self, key: str) -> str | None:
        return self.index.id_for_url_key(key)

    def has_id(self, item_id: str) -> bool:
        return self.index.has_id(item_id)


def _existing_document(edit: Any) -> Document:
    """Advice, glossary and topics already in the file, as the index holds them (no parse of the file)."""
    return Document.model_validate({name: edit.index.entries(name) for name in ("advice", "glossary", "topics")})


def _commit_message(path: Path, report: ImportReport) -> str:
    counts = report.counts()
    parts = [f"{counts['added']} items"]
    for key, label in (("advice", "advice"), ("glossary", "terms"), ("topics", "topics"), ("notes", "notes")):
        if counts[key]:
            parts.append(f"{counts[key]} {label}")
    return f"import: {', '.join(parts)} from {path.name}"


_DEFAULTS: list[tuple[str, Any, Any]] | None = None


def _as_model(data: dict) -> Resource:
    """prepare_resource has validated ``data`` already: wrap it without a second validation (20k rows).

    The missing fields' defaults are filled here: pydantic's ``model_construct`` would inspect each default
    factory's signature again for every item, which costs more than the validation it skips."""
    global _DEFAULTS
    if _DEFAULTS is None:
        _DEFAULTS = [(name, field.default_factory, field.default) for name, field in Resource.model_fields.items()]
    defaults = {name: factory() if factory is not None else default
                for name, factory, default in _DEFAULTS if name not in data}
    return Resource.model_construct(**data, **defaults)


def import_into_store(
    store: Any,
    path: Path,
    fmt: str | None = None,
    status: Status | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Read ``path`` and add what is new to the store's list and notes/, in one write and one commit."""
    from tracker.notes import notes_dir, write_note
    from tracker.reading_list import prepare_resource

    used, content = read_import_file(path, fmt)
    folder = notes_dir(store.path)
    existing_notes = {note.stem for note in folder.glob("*.md")} if folder.is_dir() else set()
    day = today or dt.date.today()
    with store.edit() as edit:
        document = _existing_document(edit)
        # Ids are already unique (planned against the index), so prepare_resource checks them against nothing.
        prepared: dict[str, dict] = {}  # id -> the item as prepare_resource wrote it (valid, canonical order)

        def build(fields: dict) -> Resource:
            data = prepare_resource(fields, (), day)
            prepared[data["id"]] = data
            return _as_model(data)

        result = combine(document, content, status, existing_notes, _IndexView(edit.index), build=build)
        report = ImportReport(path, used, dry_run, result)
        if dry_run or not result.changes_anything:
            return report
        # The store's bulk path, as `tracker add` uses it: the prepared dicts, not the models dumped back again.
        edit.append_data("resources", [prepared[item.id] for item in result.plan.resources])
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
