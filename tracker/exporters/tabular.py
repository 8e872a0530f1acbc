"""JSON and CSV exports: every field of every item, readable back by ``tracker import``."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from tracker.models import Document, Resource
from tracker.store.document import RESOURCE_FIELDS

# Every declared field in the file's order (``links`` last, so the first columns read id, url, title...); extra
# keys follow.
CSV_COLUMNS = [name for name in RESOURCE_FIELDS if name != "links"] + ["links"]
_SEPARATORS = re.compile(r"[|,;]")


def resource_record(item: Resource) -> dict[str, Any]:
    """An item as plain JSON data: empty fields left out, keys in the model's order, extra keys last."""
    data = item.model_dump(mode="json")
    return {key: value for key, value in data.items() if value not in (None, [], {}, "")}


def render_json(document: Document) -> str:
    """A JSON array of items (what ``tracker import --format json`` reads)."""
    return json.dumps([resource_record(item) for item in document.resources], indent=2, ensure_ascii=False) + "\n"


def list_cell(values: list) -> str:
    """A list in one cell: ``a|b`` when that reads back the same, else a JSON array (a tag with a comma, links)."""
    plain = all(isinstance(v, str) and v == v.strip() and v and not _SEPARATORS.search(v) for v in values)
    if plain and not (values and values[0].startswith("[")):
        return "|".join(values)
    return json.dumps(values, ensure_ascii=False)


def render_csv(document: Document) -> str:
    """One row per item; list fields joined with ``|`` (a JSON array where that would be ambiguous); extra keys as
    extra columns."""
    records = [resource_record(item) for item in document.resources]
    extra_columns = sorted({key for record in records for key in record} - set(CSV_COLUMNS))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS + extra_columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = {}
        for key, value in record.items():
            if isinstance(value, list):
                value = list_cell(value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            row[key] = value
        writer.writerow(row)
    return out.getvalue()
