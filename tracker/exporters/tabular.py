"""JSON and CSV exports: every field of every item, readable back by ``tracker import``."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tracker.models import Document, Resource
from tracker.store.document import RESOURCE_FIELDS

CSV_COLUMNS = list(RESOURCE_FIELDS)  # every declared field, in the file's order; extra keys follow


def resource_record(item: Resource) -> dict[str, Any]:
    """An item as plain JSON data: empty fields left out, keys in the model's order, extra keys last."""
    data = item.model_dump(mode="json")
    return {key: value for key, value in data.items() if value not in (None, [], {}, "")}


def render_json(document: Document) -> str:
    """A JSON array of items (what ``tracker import --format json`` reads)."""
    return json.dumps([resource_record(item) for item in document.resources], indent=2, ensure_ascii=False) + "\n"


def render_csv(document: Document) -> str:
    """One row per item; list fields joined with ``|``; extra keys as extra columns."""
    records = [resource_record(item) for item in document.resources]
    extra_columns = sorted({key for record in records for key in record} - set(CSV_COLUMNS))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS + extra_columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = {}
        for key, value in record.items():
            if isinstance(value, list):
                value = "|".join(str(part) for part in value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            row[key] = value
        writer.writerow(row)
    return out.getvalue()
