"""Fetch bookkeeping beside resources.yaml, never inside it: ``.tracker-fetched.jsonl``.

A refresh must know which values of an item a fetch wrote (it may replace them) and which a person wrote (it
keeps them). That knowledge is machine state: it means nothing to a person, and two machines that fetch the
same item would conflict on it. So it lives in its own tracked file, one JSON object per line, sorted by item
id, for example::

    {"id": "attention", "at": "2026-12-02T10:00:00Z", "date": "2026-12-02", "digests": {"title": "d97486bc"}}
    {"id": "micrograd", "at": "2026-12-01T09:00:00Z", "date": "2026-12-01", "failed": true, "digests": {}}

Two machines that fetch different items change different lines; git merges them cleanly. ``.gitattributes``
says ``merge=union`` for this file, so two fetches of the same item keep both lines, and the reader takes the
newest (largest ``at``; on a tie, the later line). The next write leaves one line per item again.

Files written before this existed kept a ``fetched: DATE [failed] field:digest ...`` line in each item; those
are still read (when the log has nothing newer) and ``tracker fetch`` moves them here, dropping the line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import DataError
from tracker.project import FETCH_LOG

LOG_NAME = FETCH_LOG
LEGACY_FIELD = "fetched"
GITATTRIBUTES_LINE = f"{LOG_NAME} merge=union"


@dataclass
class FetchRecord:
    """What the last fetch of one item did: when, whether it failed (values came from the URL alone), and a
    short digest of every value it wrote."""

    when: dt.date | None = None
    digests: dict[str, str] = field(default_factory=dict)
    failed: bool = False
    at: str = ""  # UTC time of the fetch, ISO 8601: orders two records of one item after a union merge

    def to_line(self, item_id: str) -> str:
        data: dict[str, object] = {"id": item_id, "at": self.at,
                                   "date": self.when.isoformat() if self.when else None}
        if self.failed:
            data["failed"] = True
        data["digests"] = dict(sorted(self.digests.items()))
        return json.dumps(data, ensure_ascii=False, sort_keys=False) + "\n"

    def same_facts(self, other: FetchRecord | None) -> bool:
        """True when ``other`` says the same about the item (the time of the fetch aside)."""
        return other is not None and (self.when is not None and other.when is not None
                                      and self.digests == other.digests and self.failed == other.failed)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_legacy(text: object) -> FetchRecord:
    """An old ``fetched:`` value (``"2026-11-28 failed title:3f2a9c1b"``) as a record; lenient on junk."""
    record = FetchRecord()
    if isinstance(text, dt.date):
        record.when = text
        return record
    if not isinstance(text, str):
        return record
    for token in text.split():
        if ":" in token:
            name, _, value = token.partition(":")
            record.digests[name] = value
        elif token == "failed":
            record.failed = True
        else:
            try:
                record.when = dt.date.fromisoformat(token)
            except ValueError:
                continue
    return record


def load(path: Path) -> dict[str, FetchRecord]:
    """Every item's newest record. A missing file is an empty log; a line that is not a record (a merge gone
    wrong, a hand edit) is an error naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise DataError("the fetch log is not valid UTF-8", path) from None
    records: dict[str, FetchRecord] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            item_id = str(data["id"])
            when = dt.date.fromisoformat(data["date"]) if data.get("date") else None
            record = FetchRecord(when, {str(k): str(v) for k, v in dict(data.get("digests") or {}).items()},
                                 bool(data.get("failed")), str(data.get("at") or ""))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataError(f"not a fetch record ({exc}); delete the line to fetch that item afresh",
                            path, number) from None
        known = records.get(item_id)
        if known is None or record.at >= known.at:
            records[item_id] = record
    return records


def dump(records: Mapping[str, FetchRecord]) -> str:
    """One line per item, sorted by id: deterministic bytes, and changes to different items in different lines."""
    return "".join(records[item_id].to_line(item_id) for item_id in sorted(records))


def records_for(items: Iterable[dict], path: Path) -> dict[str, FetchRecord]:
    """The record of each item: from the log, else from an old ``fetched:`` line in the item itself."""
    records = load(path)
    for item in items:
        item_id = str(item.get("id"))
        if item_id not in records and item.get(LEGACY_FIELD) is not None:
            records[item_id] = parse_legacy(item[LEGACY_FIELD])
    return records


def save_fetches(store: Any, changes: dict[str, dict], records: dict[str, FetchRecord], message: str,
                 extra_paths: Iterable[Path] = ()) -> bool:
    """One write and one commit for a refresh: new values into the items (``changes``: id -> fields), the
    records into the log, and every old ``fetched:`` line moved out of resources.yaml. True when committed.
    ``extra_paths``: files written alongside (saved page text) that belong in the same commit."""
    from tracker.reading_list import update_resources_in

    with store.edit(message) as edit:
        edit.extra_paths.extend(extra_paths)
        legacy = {str(data.get("id")): pos for pos, data in edit.index.resources_with_key(LEGACY_FIELD)}
        update_resources_in(edit, {item_id: {**fields, **({LEGACY_FIELD: None} if item_id in legacy else {})}
                                   for item_id, fields in changes.items()})
        for item_id, pos in legacy.items():
            data = edit.item_data("resources", pos)
            records.setdefault(item_id, parse_legacy(data.get(LEGACY_FIELD)))
            if item_id not in changes:
                edit.replace_data("resources", pos, {k: v for k, v in data.items() if k != LEGACY_FIELD})
        for item_id, record in records.items():
            edit.record_fetch(item_id, record)
        if legacy and not changes:
            edit.message = f"{message}; fetch records of {len(legacy)} items moved to {LOG_NAME}"
    return store.committed
