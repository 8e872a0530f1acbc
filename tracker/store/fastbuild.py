"""Build the whole index from a file in tracker's own layout without PyYAML or pydantic for ordinary items.

The first command in a fresh clone (no ``.tracker/index.db`` yet) must index every item. For each block
``fastread`` reads, ``canonical_resource`` decides whether the models would accept the data as it is; if so it
returns exactly what ``item_to_dict(Resource.model_validate(data))`` returns, without building a model. Any
other block goes through the models as before. Rows are written in chunks as they are read, so memory stays
near the size of the file's text however many items it holds.

When anything is wrong (a block the models refuse, a duplicate id or URL), nothing is kept and the caller runs
the full validating path, which reports every problem with its line.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import Any

from tracker.errors import DataError
from tracker.store.document import RESOURCE_FIELDS, STATUS_VALUES, without_repeats
from tracker.store.fastread import NOT_SIMPLE_TEXT, read_block, read_simple_block
from tracker.store.fastrow import fast_row, url_key_of
from tracker.store.index import Index, block_hash, resource_row, to_json
from tracker.store.layout import SECTIONS, Layout

_KINDS = {**{key: "text" for key in ("id", "url", "title", "category", "topic", "lab", "comment", "site",
                                      "description", "kind", "canonical_url", "image")},
          **{key: "date" for key in ("added", "status_changed", "published")},
          "tags": "list", "authors": "list", "status": "status", "links": "links"}
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_DECLARED = frozenset(RESOURCE_FIELDS)
_STATUSES = frozenset(STATUS_VALUES)
CHUNK = 2000


_SIMPLE_URL = re.compile(r"https?://([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)"
                         r"(/[A-Za-z0-9._~/-]*)?")


def simple_url_key(url: str) -> str | None:
    """``identity_key(url)`` for a plain ``https://host/path`` URL that ``validate_url`` keeps as it is (no
    query, port, escapes, upper-case host, arXiv or YouTube); None for every other URL."""
    match = _SIMPLE_URL.fullmatch(url)
    return None if match is None else url_key_of(*match.groups())


def url_key(url: str) -> str:
    """The URL's identity key, the fast way when the URL is a plain one."""
    from tracker.urls import identity_key

    return simple_url_key(url) or identity_key(url)


def _is_plain_extra(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, str | int | dt.date) and not isinstance(value, bool)


def _url_ok(url: str) -> bool:
    if _SIMPLE_URL.fullmatch(url):
        return True
    from tracker.urls import InvalidURLError, validate_url

    try:
        return validate_url(url) == url
    except InvalidURLError:
        return False


def canonical_resource(data: dict, typed: bool = False, url_ok: bool = False) -> dict | None:
    """What the models make of ``data`` (in the writer's key order), or None when only they can tell.

    ``typed``: the values are known to be what ``fastread.read_simple_block`` gives (only dates need a look);
    ``url_ok``: the URL is known to be one ``validate_url`` keeps as it is."""
    item_id, url, title = data.get("id"), data.get("url"), data.get("title")
    if not (item_id.__class__ is str and len(item_id) <= 120 and _ID.fullmatch(item_id)):
        return None
    if url.__class__ is not str or title.__class__ is not str or not (url_ok or _url_ok(url)):
        return None
    status = data.get("status", "inbox")
    if status not in _STATUSES or status.__class__ is not str:
        return None
    keys = tuple(data)
    shape = _SHAPES.get(keys)
    if shape is None:
        shape = _SHAPES[keys] = _shape(keys)
    in_order, has_links, has_private, checked = shape
    if has_links or has_private:
        return None
    if typed:
        for key in checked:
            value = data[key]
            if _KINDS[key] == "list":
                if value.__class__ is not list:
                    return None
            elif value is not None and value.__class__ is not dt.date:
                return None
    elif not _values_ok(data):
        return None
    values = data.values()
    if in_order and None not in values and [] not in values:
        out = data  # already the models' dict: the writer's order, nothing to leave out
    else:
        if "status" not in data:
            data = {**data, "status": status}
        out = {key: data[key] for key in RESOURCE_FIELDS
               if key in data and data[key] is not None and data[key] != []}
        out.update((key, value) for key, value in data.items() if key not in _DECLARED)
    if "status_changed" in out:
        return without_repeats(out)
    return out


def _shape(keys: tuple[str, ...]) -> tuple[bool, bool, bool, tuple[str, ...]]:
    """(keys already in the writer's order with a status, has links, has a private ``_key``, its date and list
    keys: what a typed block may still hold wrongly)."""
    in_order = ("status" in keys and all(key in _DECLARED for key in keys)
                and list(keys) == [key for key in RESOURCE_FIELDS if key in keys])
    return (in_order, "links" in keys, any(key.startswith("_") for key in keys),
            tuple(key for key in keys if _KINDS.get(key) in ("date", "list")))


def _values_ok(data: dict) -> bool:
    """Every value has a type the models keep as it is."""
    for key, value in data.items():
        kind = _KINDS.get(key)
        if kind is None:
            if not _is_plain_extra(value):
                return False
        elif value is None:
            if kind == "list":
                return False
        elif kind == "text":
            if value.__class__ is not str:
                return False
        elif kind == "date":
            if value.__class__ is not dt.date:
                return False
        elif kind == "list" and (value.__class__ is not list or not all(v.__class__ is str for v in value)):
            return False
    return True


# Key sequences seen (a list has few: the writer's order with some fields left out) -> their ``_shape``.
_SHAPES: dict[tuple[str, ...], tuple[bool, bool, bool, tuple[str, ...]]] = {}


def _model_dict(section: str, text: str, line: int, path: Path | str) -> dict:
    from tracker.store.document import item_to_dict, parse_block

    return item_to_dict(parse_block(section, text, line, path))


_PLAIN_ASCII = bytes([9, 10, *range(0x20, 0x7F)])  # what NOT_SIMPLE_TEXT lets through, of ASCII


def _has_odd_characters(text: str) -> bool:
    """``NOT_SIMPLE_TEXT.search(text)``, for ASCII text by one C pass over its bytes (a fifth of the time)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PLAIN_ASCII))
    return NOT_SIMPLE_TEXT.search(text) is not None


def rebuild_canonical(index: Index, text: str, layout: Layout, path: Path | str) -> bool:
    """Replace every row of ``index`` from ``text`` (inside the caller's transaction); False, with nothing
    changed, when the file needs the full validating path."""
    if not layout.simple or _has_odd_characters(text):
        return False
    import gc

    # Nothing built here holds a cycle: without collections in between, many small dicts cost far less.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _rebuild(index, text, layout, path)
    finally:
        if collecting:
            gc.enable()


def _rebuild(index: Index, text: str, layout: Layout, path: Path | str) -> bool:
    try:
        with index.savepoint():
            index.replace_all([], [])
            index.defer_text_index()
            with index.bulk_load():
                _insert_resources(index, text, layout, path)
            index.replace_all_entries(_entry_rows(text, layout, path))
    except (_Refused, DataError, sqlite3.IntegrityError):
        return False
    return True


def _insert_resources(index: Index, text: str, layout: Layout, path: Path | str) -> None:
    """Every item's row, written in chunks as the blocks are read (memory stays flat). Ids are kept unique by the
    unique index built at the end (a repeat rolls back to the full path), URL keys by a set, grown a chunk at once."""
    seen_keys: set[str] = set()
    blocks = layout.blocks["resources"]
    for first in range(0, len(blocks), CHUNK):
        chunk = blocks[first:first + CHUNK]
        texts = [text[block.start:block.end] for block in chunk]
        rows = list(map(fast_row, texts, range(first, first + len(chunk)), map(block_hash, texts)))
        for at, row in enumerate(rows):
            if row is None:
                rows[at] = _slow_row(texts[at], first + at, chunk[at].line, path)
        before = len(seen_keys)
        seen_keys.update([row[2] for row in rows])
        if len(seen_keys) - before != len(rows):
            raise _Refused  # the same URL twice: the full path says where
        index.insert_resources(rows, index_text=False)


def _slow_row(block_text: str, pos: int, line: int, path: Path | str) -> tuple:
    """The row of a block ``fast_row`` does not take: through the block reader, else the safe parser and models."""
    data = read_simple_block("resources", block_text)
    if data is not None:
        known_key = simple_url_key(data["url"]) if data.get("url").__class__ is str else None
        item = canonical_resource(data, typed=True, url_ok=known_key is not None)
    else:
        known_key = None
        data = read_block("resources", block_text)
        item = canonical_resource(data) if data is not None else None
    if item is None:
        item = _model_dict("resources", block_text, line, path)
        known_key = None
    return resource_row(item, known_key or url_key(item["url"]), pos, block_hash(block_text))


# The advice, glossary and study-plan models' fields in order, with whether each is required (a test keeps
# these equal to tracker.models). Entries with nested fields (source, links) go through the models.
ENTRY_FIELDS: dict[str, tuple[tuple[str, bool], ...]] = {
    "advice": (("category", True), ("text", True), ("source", False)),
    "glossary": (("term", True), ("definition", True), ("links", False), ("lab", False)),
    "topics": (("id", True), ("title", True), ("parent", False), ("number", False), ("summary", False),
               ("lab", False)),
}
_NESTED = frozenset({"source", "links"})


def canonical_entry(section: str, data: dict) -> dict | None:
    """What the models make of an advice, glossary or study-plan entry read by ``read_simple_block`` (its text
    fields are str or None), or None when only they can tell."""
    fields = ENTRY_FIELDS[section]
    names = {name for name, _required in fields}
    out = {}
    for name, required in fields:
        value = data.get(name)
        if name in _NESTED:
            if name in data:
                return None
        elif value is None:
            if required:
                return None
        elif value.__class__ is not str:
            return None
        else:
            out[name] = value
    for key, value in data.items():
        if key not in names:
            if key.startswith("_") or not _is_plain_extra(value):
                return None
            out[key] = value
    return out


def _entry_rows(text: str, layout: Layout, path: Path | str) -> list[tuple]:
    """The advice, glossary and study-plan rows (the common shape read here, any other through the models)."""
    entries = []
    topic_ids: set[str] = set()
    for name in SECTIONS[1:]:
        for pos, block in enumerate(layout.blocks[name]):
            block_text = text[block.start:block.end]
            data = read_simple_block(name, block_text)
            item = canonical_entry(name, data) if data is not None else None
            if item is None:
                item = _model_dict(name, block_text, block.line, path)
            if name == "topics":
                if item["id"] in topic_ids:
                    raise _Refused
                topic_ids.add(item["id"])
            entries.append((name, pos, block_hash(block_text), to_json(item)))
    return entries


class _Refused(Exception):
    """A problem the full path reports with every line: roll back and let it."""
