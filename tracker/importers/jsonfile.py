"""Read reading-list items from JSON (an array, or tracker's own export) and JSON lines."""

from __future__ import annotations

import json
from typing import Any

from tracker.errors import DataError
from tracker.importers.content import ImportedContent, Skipped
from tracker.importers.delimited import links_from, split_tags
from tracker.importers.plan import FoundItem
from tracker.models import Status
from tracker.web.meta.dates import parse_day

_KNOWN = {"url", "title", "status", "category", "tags", "topic", "comment", "added", "id", "links"}



def found_from_record(record: Any, origin: str, skipped: list[Skipped]) -> FoundItem | None:
    """One JSON object -> a found item; anything unusable is reported in ``skipped``."""
    if not isinstance(record, dict):
        skipped.append(Skipped(origin, str(record)[:80], "not an object"))
        return None
    url = record.get("url") or record.get("href") or record.get("link")
    if not isinstance(url, str) or not url.strip():
        skipped.append(Skipped(origin, str(record.get("title", ""))[:80], "no url"))
        return None
    status = None
    if record.get("status"):
        try:
            status = Status(str(record["status"]))
        except ValueError:
            skipped.append(Skipped(origin, url, f"status {record['status']!r} is not one of {', '.join(Status)}"))
            return None
    tags = record.get("tags") or []
    if isinstance(tags, str):
        tags = split_tags(tags)  # "a|b" (tracker's CSV style) or "a, b"
    extra = {key: value for key, value in record.items() if key not in _KNOWN and value not in (None, "", [])}
    return FoundItem(
        url=url,
        title=str(record.get("title") or ""),
        origin=origin,
        status=status,
        category=record.get("category") or None,
        tags=[str(tag) for tag in tags],
        topic=str(record["topic"]) if record.get("topic") else None,
        comment=record.get("comment") or None,
        added=parse_day(record.get("added")),
        extra=extra,
        preferred_id=str(record["id"]) if record.get("id") else None,
        links=links_from(record.get("links")),
    )


def read_json(text: str, name: str) -> ImportedContent:
    """A JSON array of resources, or an object with a ``resources`` array (tracker's own JSON export)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", name, exc.lineno) from exc
    if isinstance(data, dict) and isinstance(data.get("resources"), list):
        data = data["resources"]
    if not isinstance(data, list):
        raise DataError("expected a JSON array of resources (or an object with a 'resources' array)", name, 1)
    content = ImportedContent()
    for index, record in enumerate(data):
        found = found_from_record(record, f"{name}#{index + 1}", content.skipped)
        if found:
            content.found.append(found)
    return content


def read_jsonl(text: str, name: str) -> ImportedContent:
    """One JSON object per line; blank lines are ignored, a broken line is skipped with its reason."""
    content = ImportedContent()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            content.skipped.append(Skipped(origin, line[:80], f"not valid JSON: {exc.msg}"))
            continue
        found = found_from_record(record, origin, content.skipped)
        if found:
            content.found.append(found)
    return content
