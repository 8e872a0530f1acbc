"""Decide which fetched values may be written into an item, so a refresh never overwrites a person's edit.

Each fetch leaves a record in the fetch log beside resources.yaml (``tracker.store.fetchlog``): the date, and a
short digest of every value the fetch wrote. A field whose current value matches its digest still holds what
the fetch wrote and may be refreshed; a field that differs (or has no digest but a value) was written by a
person (by hand, on the command line, or by an import) and is kept, unless ``overwrite`` is asked for.
The record is machine state and never goes into resources.yaml; an old file's ``fetched:`` line is still read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from tracker.store.document import METADATA_FIELDS
from tracker.store.fetchlog import LEGACY_FIELD, FetchRecord, parse_legacy
from tracker.urls import readable_title_from_url
from tracker.web.meta.metadata import PageMetadata

DESCRIPTION_LIMIT = 600


@dataclass
class RefreshPlan:
    """What to change on one item: new values, the new fetch record, and the fields kept as edited."""

    changes: dict[str, object] = field(default_factory=dict)
    record: FetchRecord = field(default_factory=FetchRecord)
    kept: list[str] = field(default_factory=list)


def _digest(value: object) -> str:
    text = json.dumps(_comparable(value), ensure_ascii=False, sort_keys=True)
    return hashlib.blake2s(text.encode("utf-8"), digest_size=4).hexdigest()


def _comparable(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return value


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


def make_record(when: dt.date, values: dict[str, object], failed: bool = False) -> FetchRecord:
    """The record of a fetch that wrote ``values`` (digests in field order)."""
    return FetchRecord(when, {name: _digest(values[name]) for name in METADATA_FIELDS if name in values}, failed)


def record_of(current: dict[str, object], record: FetchRecord | None = None) -> FetchRecord:
    """``record`` when given (from the fetch log), else what an old ``fetched:`` line in the item says."""
    return record if record is not None else parse_legacy(current.get(LEGACY_FIELD))


def needs_fetch(current: dict[str, object], record: FetchRecord | None = None) -> bool:
    """For ``--missing``: never fetched, or the last fetch failed."""
    found = record_of(current, record)
    return found.when is None or found.failed


def fetched_values(found: PageMetadata) -> dict[str, object]:
    """The values a fetch offers, converted to the item's field types."""
    values: dict[str, object] = {}
    for name in METADATA_FIELDS:
        value = getattr(found, name)
        if name == "published" and isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if name == "description" and isinstance(value, str) and len(value) > DESCRIPTION_LIMIT:
            value = value[: DESCRIPTION_LIMIT - 1].rstrip() + "…"
        if name == "canonical_url" and value == found.url:
            value = None  # the same as the item's URL: nothing to add
        if not _empty(value):
            values[name] = value
    return values


def _written_by_person(name: str, have: object, digests: dict[str, str], url: str) -> bool:
    if _empty(have) or digests.get(name) == _digest(have):
        return False
    # The placeholder title an item gets when nothing better is known is not a person's choice.
    return not (name == "title" and have == readable_title_from_url(url))


def plan_refresh(
    current: dict[str, object],
    found: PageMetadata,
    *,
    overwrite: bool = False,
    failed: bool = False,
    today: dt.date | None = None,
    record: FetchRecord | None = None,
) -> RefreshPlan:
    """Changes for an item whose fields are ``current``; ``record``: its last fetch's (None: never fetched,
    or recorded in an old ``fetched:`` line of the item).

    ``failed``: ``found`` holds only what the URL tells (the fetch failed); the record says so, so that
    ``tracker fetch --missing`` tries again and those values stay replaceable.
    """
    digests = record_of(current, record).digests
    url = str(current.get("url") or found.url)
    offered = fetched_values(found)
    plan = RefreshPlan()
    written: dict[str, object] = {}
    for name in METADATA_FIELDS:
        have = current.get(name)
        edited = _written_by_person(name, have, digests, url)
        if name not in offered:
            # Nothing new: a value the fetch wrote before stays recorded as fetched.
            if not _empty(have) and not edited:
                written[name] = have
            continue
        if edited and not overwrite:
            if _comparable(have) != _comparable(offered[name]):
                plan.kept.append(name)
            continue
        written[name] = offered[name]
        if _comparable(have) != _comparable(offered[name]):
            plan.changes[name] = offered[name]
    plan.record = make_record(today or dt.date.today(), written, failed)
    return plan
