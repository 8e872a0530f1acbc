"""``tracker export --format json`` straight from the index: the items' rows already hold each item as the
models dump it, so the export needs neither a YAML parse nor pydantic (fast at 100k items).

The records are ``tabular.resource_record``'s: empty fields left out, keys in the model's order, extra keys last.
One difference by design: a ``status_changed`` equal to ``added`` repeats it, and the index (like the writer)
leaves it out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

_EMPTY = (None, [], {}, "")


def index_record(data: str) -> dict[str, Any]:
    """One item's stored JSON as the record the JSON export writes."""
    return {key: value for key, value in json.loads(data).items() if value not in _EMPTY}


def render_json_from_index(index: Any, statuses: Iterable[str] = ()) -> str:
    """The JSON export of the items in ``index`` (only those with one of ``statuses`` when any are given)."""
    wanted = {str(status) for status in statuses}
    rows = index.conn.execute("SELECT status, data FROM resources ORDER BY pos")
    records = [index_record(data) for status, data in rows if not wanted or status in wanted]
    return indented_json(records) + "\n"


def indented_json(records: list[dict[str, Any]]) -> str:
    """``json.dumps(records, indent=2, ensure_ascii=False)``, several times faster for records of text and
    lists of text: with ``indent`` the standard library encodes in Python, here each string is encoded by its
    C function and only other values (numbers, nested links) go through ``json.dumps`` (a test compares)."""
    if not records:
        return "[]"
    return "[\n" + ",\n".join(map(_record_text, records)) + "\n]"


_encode_text = json.encoder.encode_basestring  # the C encoder of one string, as json.dumps(ensure_ascii=False)


def _record_text(record: dict[str, Any]) -> str:
    if not record:
        return "  {}"
    return "  {\n" + ",\n".join(f"    {_encode_text(key)}: {_value_text(value)}"
                                 for key, value in record.items()) + "\n  }"


def _value_text(value: Any) -> str:
    if value.__class__ is str:
        return _encode_text(value)
    if value.__class__ is list and value and all(item.__class__ is str for item in value):
        return "[\n      " + ",\n      ".join(map(_encode_text, value)) + "\n    ]"
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n    ")
