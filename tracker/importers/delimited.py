"""Read CSV exports: Pocket's (``title,url,time_added,tags,status``) and any CSV with a header row.

Columns are found by name, not position, so reordered or extra columns are fine.
"""

from __future__ import annotations

import csv
import io
import json
import re

from tracker.importers.content import ImportedContent, Skipped
from tracker.importers.plan import FoundItem
from tracker.models import Status
from tracker.web.meta.dates import parse_day

LIST_FIELDS = {"authors"}
POCKET_STATUS = {"unread": Status.INBOX, "archive": Status.DONE, "archived": Status.DONE}
_ALIASES = {
    "url": ("url", "link", "href", "address"),
    "title": ("title", "name"),
    "status": ("status", "state"),
    "category": ("category", "folder", "collection"),
    "tags": ("tags", "tag", "labels", "keywords"),
    "topic": ("topic",),
    "comment": ("comment", "comments", "note", "notes", "description", "excerpt"),
    "added": ("added", "time_added", "date_added", "created", "created_at", "date"),
    "id": ("id",),
    "links": ("links",),
}


def _rows(text: str, name: str) -> tuple[list[str], csv.DictReader]:
    sample = text[:4096]
    # Only the delimiter is sniffed: the sniffer's guesses about quoting misread doubled quotes ("").
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [field.strip().lower() for field in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, reader


def _pick(header: list[str], field: str) -> str | None:
    for alias in _ALIASES[field]:
        if alias in header:
            return alias
    return None


def links_from(value: object) -> list[dict[str, str]]:
    """``links`` as tracker writes them (a list of {label, url}), from JSON data or a JSON string (a CSV cell)."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip().startswith("[") else []
        except json.JSONDecodeError:
            return []
    if not isinstance(value, list):
        return []
    return [{"label": str(link.get("label") or "link"), "url": link["url"]}
            for link in value if isinstance(link, dict) and isinstance(link.get("url"), str)]


def split_tags(value: str) -> list[str]:
    """Tags written in one cell or string: separated by ``|`` (Pocket, tracker's CSV), ``,`` or ``;``; or a JSON
    array, which tracker's CSV writes when a tag holds one of those separators."""
    text = (value or "").strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, list) and all(isinstance(tag, str) for tag in data):
            return data
    return [tag.strip() for tag in re.split(r"[|,;]", value or "") if tag.strip()]


def read_csv(text: str, name: str, pocket: bool = False) -> ImportedContent:
    """One item per row; the header names the columns. ``pocket`` maps unread/archive to inbox/done."""
    content = ImportedContent()
    header, reader = _rows(text, name)
    columns = {field: _pick(header, field) for field in _ALIASES}
    if columns["url"] is None:
        content.skipped.append(Skipped(f"{name}:1", ",".join(header)[:80], "no url column in the header"))
        return content
    known = {column for column in columns.values() if column}
    for number, row in enumerate(reader, start=2):
        origin = f"{name}:{number}"

        def cell(field: str, row: dict = row) -> str:
            column = columns[field]
            return (row.get(column) or "").strip() if column else ""

        url = cell("url")
        if not url:
            content.skipped.append(Skipped(origin, cell("title")[:80], "no url"))
            continue
        status = None
        raw_status = cell("status").lower()
        if raw_status:
            status = POCKET_STATUS.get(raw_status) if pocket else None
            if status is None:
                try:
                    status = Status(raw_status)
                except ValueError:
                    content.skipped.append(Skipped(origin, url, f"status {raw_status!r} is not one I know"))
                    continue
        extra: dict[str, object] = {}
        if not pocket:
            for key, value in row.items():
                if not key or key in known or not isinstance(value, str) or not value.strip():
                    continue
                field = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
                extra[field] = split_tags(value) if field in LIST_FIELDS else value.strip()
        content.found.append(
            FoundItem(
                url=url,
                title=cell("title"),
                origin=origin,
                status=status,
                category=cell("category") or None,
                tags=split_tags(cell("tags")),
                topic=cell("topic") or None,
                comment=_raw_cell(row, columns["comment"]) if cell("comment") else None,
                added=parse_day(cell("added") or None),
                extra=extra,
                preferred_id=cell("id") or None,
                links=links_from(cell("links")),
            )
        )
    return content


def _raw_cell(row: dict, column: str | None) -> str:
    """A cell as written (a comment's own spacing and line breaks are the writer's)."""
    return (row.get(column) or "") if column else ""


def read_pocket(text: str, name: str) -> ImportedContent:
    """Pocket's export: tags split on ``|``, ``time_added`` in Unix seconds, unread/archive -> inbox/done."""
    return read_csv(text, name, pocket=True)
