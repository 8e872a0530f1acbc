"""Read one version of resources.yaml the way every tracker command does, only stricter: a file that loads here
loads everywhere, so a merge (or a push) of it can never leave a list that commands refuse.

One parse per version (a merge reads up to four of them, a 10,000-item list among them): the plain data is
validated item by item with the store's own rules; only a file that fails is read again the store's way, for
the error with its line.
"""

from __future__ import annotations

import re
from typing import Any

from tracker.errors import DataError, TrackerError
from tracker.store.layout import SECTIONS

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|$)", re.M)


def duplicate_top_level_key(text: str, label: str) -> None:
    """Refuse a key (a section) written twice at the top level: YAML readers silently keep only the last one,
    so every item of the first copy would vanish. A line scan finds candidates; the YAML node tree confirms."""
    names = _TOP_LEVEL_KEY.findall(text)
    if len(names) == len(set(names)):
        return
    import yaml

    from tracker.store.yamlio import compose

    node, loader = compose(text, label)
    loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[str, int] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        line = key_node.start_mark.line + 1
        if key_node.value in seen:
            raise DataError(f"'{key_node.value}' appears twice at the top level (first on line "
                            f"{seen[key_node.value]}); only the last copy would be read", label, line)
        seen[key_node.value] = line


class ValidationCache:
    """What one merge already checked: items known valid (by their JSON) and URLs' identity keys. The versions
    of one list share nearly every item, so each distinct item is validated once."""

    def __init__(self) -> None:
        self.valid: set[str] = set()
        self.url_keys: dict[str, str] = {}

    def identity(self, url: str) -> str:
        key = self.url_keys.get(url)
        if key is None:
            from tracker.merge.links import url_identity

            key = self.url_keys[url] = url_identity(url) or url
        return key


def _validate(data: dict[str, Any], label: str, cache: ValidationCache) -> None:
    """The store's checks on plain data: each item valid for its section, resource ids and links unique."""
    import json

    from tracker.store.document import validate_item

    for name in SECTIONS:
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, list):
            raise DataError(f"{name} must be a list of entries, got {type(value).__name__}", label)
        seen_ids: set[str] = set()
        seen_urls: dict[str, str] = {}
        for item in value:
            marker = name + json.dumps(item, sort_keys=True, default=str)
            if marker not in cache.valid:
                validate_item(name, item, label, lambda _field: None)
                cache.valid.add(marker)
            if name != "resources":
                continue
            item_id, url_key = str(item["id"]), cache.identity(str(item["url"]))
            if item_id in seen_ids:
                raise DataError(f"duplicate id '{item_id}'", label)
            if url_key in seen_urls:
                raise DataError(f"duplicate URL {item['url']} (the same link as '{seen_urls[url_key]}')", label)
            seen_ids.add(item_id)
            seen_urls[url_key] = item_id


def strict_load(text: str, label: str, cache: ValidationCache | None = None) -> dict[str, Any]:
    """The file's plain data after the store's own validation (ids, URLs, fields) and the duplicate-key check;
    raises ``TrackerError`` with ``label:line: what is wrong``."""
    from tracker.store.yamlio import safe_load

    if not text.strip():
        return {}
    duplicate_top_level_key(text, label)
    data = safe_load(text, label)
    if data is None:
        return {}
    try:
        if not isinstance(data, dict):
            raise DataError("the file must be a mapping with the sections " + ", ".join(SECTIONS), label)
        _validate(data, label, cache or ValidationCache())
    except TrackerError:
        from tracker.store.document import read_document

        read_document(text, label)  # the same problem, reported with its line
        raise
    return data


def loads(text: str, label: str) -> str | None:
    """None when ``text`` loads; else the one-line reason."""
    try:
        strict_load(text, label)
    except TrackerError as exc:
        return str(exc)
    return None
