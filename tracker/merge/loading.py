"""Read one version of resources.yaml the way every tracker command does, only stricter: a file that loads here
loads everywhere, so a merge (or a push) of it can never leave a list that commands refuse."""

from __future__ import annotations

from typing import Any

from tracker.errors import DataError, TrackerError


def duplicate_top_level_key(text: str, label: str) -> None:
    """Refuse a key (a section) written twice at the top level: YAML readers silently keep only the last one,
    so every item of the first copy would vanish."""
    import yaml

    from tracker.yamlio import compose

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


def strict_load(text: str, label: str) -> dict[str, Any]:
    """The file's plain data after the store's own validation (ids, URLs, fields) and the duplicate-key check;
    raises ``TrackerError`` with ``label:line: what is wrong``."""
    from tracker.document import read_document
    from tracker.yamlio import safe_load

    if not text.strip():
        return {}
    duplicate_top_level_key(text, label)
    read_document(text, label)
    data = safe_load(text, label)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TrackerError(f"{label}: not a resources.yaml mapping")
    return data


def loads(text: str, label: str) -> str | None:
    """None when ``text`` loads; else the one-line reason."""
    try:
        strict_load(text, label)
    except TrackerError as exc:
        return str(exc)
    return None
