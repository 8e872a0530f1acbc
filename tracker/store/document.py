"""Parse and validate resources.yaml, and turn models back into the plain dicts the writer emits.

Errors name the file and the line of the offending item or field: ``resources.yaml:42: status 'nxt-up' is not
one of inbox, next-up, reading, done, dropped``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tracker.errors import DataError, raise_all
from tracker.store import yamlio
from tracker.store.layout import SECTIONS

# Fields whose value is the user's own and which an empty value leaves out of the file.
_LIST_FIELDS = frozenset({"tags", "authors", "links"})
# tracker.models' field order and status values, spelled out so that a move needs no pydantic import
# (tests check they match the models).
RESOURCE_FIELDS = ("id", "url", "links", "title", "status", "category", "tags", "topic", "lab", "comment", "added",
                   "status_changed", "authors", "published", "site", "description", "kind", "canonical_url", "image")
# The fields a metadata fetch fills (in the order they are written); a value a person gave always wins.
METADATA_FIELDS = ("title", "authors", "published", "site", "description", "kind", "canonical_url", "image")
STATUS_VALUES = ("inbox", "next-up", "reading", "done", "dropped")


# Fields that hold text, per section: a plain scalar there is read as the text the person wrote, so
# ``topic: 3.10`` is "3.10" (not the float 3.1) and ``title: yes`` is "yes" (tests check these match the models).
TEXT_FIELDS: dict[str, frozenset[str]] = {
    "resources": frozenset({"id", "url", "title", "category", "topic", "lab", "comment", "site", "description",
                            "kind", "canonical_url", "image"}),
    "advice": frozenset({"category", "text"}),
    "glossary": frozenset({"term", "definition", "lab"}),
    "topics": frozenset({"id", "title", "parent", "number", "summary", "lab"}),
}
# Nested mappings whose text fields are read the same way: advice's source, glossary's links.
_NESTED_TEXT_FIELDS = {"source": frozenset({"name", "url"}), "links": frozenset({"title", "url"})}
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"


def _text_scalars(mapping: Any, names: frozenset[str]) -> None:
    import yaml

    if not isinstance(mapping, yaml.MappingNode):
        return
    for key, value in mapping.value:
        if (isinstance(key, yaml.ScalarNode) and key.value in names and isinstance(value, yaml.ScalarNode)
                and not value.style and value.tag not in (_STR_TAG, _NULL_TAG)):
            value.tag = _STR_TAG


def read_text_fields_as_written(section: str, item: Any) -> None:
    """Retag the plain scalars of ``item``'s text fields as strings, before the item is built."""
    import yaml

    _text_scalars(item, TEXT_FIELDS.get(section, frozenset()))
    if not isinstance(item, yaml.MappingNode):
        return
    for key, value in item.value:
        names = _NESTED_TEXT_FIELDS.get(getattr(key, "value", None))
        if names is None:
            continue
        for nested in value.value if isinstance(value, yaml.SequenceNode) else [value]:
            _text_scalars(nested, names)


def _text_in_items(section: str) -> Any:
    """An ``adjust`` for ``yamlio.safe_load`` of a list of ``section`` items."""
    import yaml

    def adjust(node: Any) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                read_text_fields_as_written(section, item)

    return adjust


def section_model(section: str) -> type:
    from tracker import models

    return {"resources": models.Resource, "advice": models.Advice, "glossary": models.Term,
            "topics": models.Topic}[section]


def item_to_dict(model: Any) -> dict:
    """A model as the ordered dict the writer emits: declared fields first (None and [] left out), then extras."""
    data = model.model_dump(mode="python", exclude_none=True)
    return without_repeats({key: value for key, value in data.items() if not (key in _LIST_FIELDS and value == [])})


def with_changes(section: str, data: dict, changes: dict) -> dict:
    """``data`` (an item already valid) with ``changes``, in the canonical order ``item_to_dict`` gives.

    For changes known to keep the item valid, like a status from STATUS_VALUES: no model needed.
    """
    if section != "resources":
        raise ValueError("with_changes knows the resources section only")
    merged = {**data, **changes}
    ordered = {key: merged[key] for key in RESOURCE_FIELDS if key in merged}
    ordered.update((key, value) for key, value in merged.items() if key not in ordered)
    return without_repeats({key: value for key, value in ordered.items()
                            if value is not None and not (key in _LIST_FIELDS and value == [])})


def without_repeats(data: dict) -> dict:
    """An item without a ``status_changed`` that only repeats ``added`` (git keeps the history anyway)."""
    if "status_changed" in data and str(data["status_changed"]) == str(data.get("added")):
        return {key: value for key, value in data.items() if key != "status_changed"}
    return data


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def error_message(error: dict) -> str:
    """One pydantic error as a sentence: ``status 'x' is not one of inbox, ...``."""
    loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
    field = ".".join(loc) or "item"
    kind = error["type"]
    value = error.get("input")
    if kind == "enum":
        choices = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        import difflib

        close = difflib.get_close_matches(str(value).lower(), choices, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"{field} {_describe(value)} is not one of {', '.join(choices)}{hint}"
    if kind == "missing":
        return f"{field} is missing"
    if kind == "value_error":
        return f"{field}: {error['msg'].removeprefix('Value error, ')}"
    if kind == "string_pattern_mismatch" and field == "id":
        return f"id {_describe(value)} must be lower-case letters, digits and dashes"
    return f"{field}: {error['msg'][0].lower()}{error['msg'][1:]}, got {type(value).__name__} {_describe(value)}"


def validate_item(section: str, data: Any, path: Path | str, line_of: Any) -> Any:
    """Validate one item dict; ``line_of(field or None)`` gives the line to blame."""
    from pydantic import ValidationError

    model = section_model(section)
    if not isinstance(data, dict):
        raise DataError(f"each {section} entry must be a mapping of fields, got {type(data).__name__}", path,
                        line_of(None))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = next((str(p) for p in error["loc"] if not isinstance(p, int)), None)
        raise DataError(error_message(error), path, line_of(field)) from None


def block_field_line(block_text: str, block_line: int, field: str | None) -> int:
    """The line of ``field`` inside an item's block text (the block's first line when not found)."""
    if field:
        match = re.search(rf"^(?:- |  ){re.escape(field)}\s*:", block_text, re.M)
        if match:
            return block_line + block_text.count("\n", 0, match.start())
    return block_line


def load_block_data(section: str, block_text: str, block_line: int, path: Path | str) -> Any:
    """One item's block as plain data (a one-item list), text fields read as written; not validated."""
    return yamlio.safe_load(block_text, path, line_offset=block_line - 1, adjust=_text_in_items(section))


def parse_block(section: str, block_text: str, block_line: int, path: Path | str) -> Any:
    """Parse and validate one item's block (``- key: ...`` lines) on its own."""
    data = load_block_data(section, block_text, block_line, path)
    if not isinstance(data, list) or len(data) != 1:
        raise DataError(f"expected one {section} entry here", path, block_line)
    return validate_item(section, data[0], path, lambda field: block_field_line(block_text, block_line, field))


def _node_line(node: Any) -> int:
    return node.start_mark.line + 1


def _key_line(item_node: Any, field: str | None) -> int:
    import yaml

    if field and isinstance(item_node, yaml.MappingNode):
        for key_node, _value in item_node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == field:
                return _node_line(key_node)
    return _node_line(item_node)


def parse_document(text: str, path: Path | str) -> tuple[Any, dict[str, list[int]], list[str]]:
    """The whole file validated into a ``Document``, the start line of every item per section, and each
    resource's URL identity key."""
    import yaml

    from tracker.models import Document

    node, loader = yamlio.compose(text, path)
    if node is None:
        loader.dispose()
        return Document(), {name: [] for name in SECTIONS}, []
    if not isinstance(node, yaml.MappingNode):
        loader.dispose()
        raise DataError("the file must be a mapping with the sections " + ", ".join(SECTIONS), path,
                        _node_line(node))
    section_nodes: dict[str, tuple[Any, Any]] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value in SECTIONS:
            section_nodes[key_node.value] = (key_node, value_node)
            if isinstance(value_node, yaml.SequenceNode):
                for item_node in value_node.value:
                    read_text_fields_as_written(key_node.value, item_node)
    raw = yamlio.construct(node, loader, path)
    lines: dict[str, list[int]] = {name: [] for name in SECTIONS}
    values: dict[str, Any] = {key: value for key, value in raw.items() if key not in SECTIONS}
    seen_ids: dict[str, int] = {}
    seen_urls: dict[str, tuple[str, int]] = {}
    seen_topics: dict[str, int] = {}
    url_keys: list[str] = []
    problems: list[DataError] = []
    for name in SECTIONS:
        if name not in section_nodes:
            continue
        key_node, value_node = section_nodes[name]
        value = raw[name]
        if value is None:
            values[name] = []
            continue
        if not isinstance(value, list):
            raise DataError(f"{name} must be a list of entries, got {type(value).__name__}", path,
                            _node_line(key_node))
        items = []
        for item_node, item in zip(value_node.value, value, strict=True):
            line = _node_line(item_node)
            lines[name].append(line)
            try:
                model = validate_item(name, item, path, lambda field, n=item_node: _key_line(n, field))
                if name == "resources":
                    url_keys.append(check_unique(model, seen_ids, seen_urls, path, line,
                                                 _key_line(item_node, "url")))
                elif name == "topics":
                    check_unique_topic(model, seen_topics, path, line)
            except DataError as exc:
                problems.append(exc)
                continue
            items.append(model)
        values[name] = items
    raise_all(problems)
    return Document.model_validate(values), lines, url_keys


def parse_blocks(text: str, layout: Any, path: Path | str) -> tuple[Any, list[str]]:
    """Like ``parse_document`` for a file the line scan understood: each item's block is parsed on its own,
    which is several times faster than one parse of the whole file and needs far less memory."""
    from tracker.models import Document

    seen_ids: dict[str, int] = {}
    seen_urls: dict[str, tuple[str, int]] = {}
    seen_topics: dict[str, int] = {}
    url_keys: list[str] = []
    problems: list[DataError] = []
    values: dict[str, list[Any]] = {}
    for name in SECTIONS:
        items = []
        for block in layout.blocks[name]:
            block_text = text[block.start:block.end]
            try:
                model = parse_block(name, block_text, block.line, path)
                if name == "resources":
                    url_line = block_field_line(block_text, block.line, "url")
                    url_keys.append(check_unique(model, seen_ids, seen_urls, path, block.line, url_line))
                elif name == "topics":
                    check_unique_topic(model, seen_topics, path, block.line)
            except DataError as exc:
                problems.append(exc)
                continue
            items.append(model)
        values[name] = items
    raise_all(problems)
    return Document.model_validate(values), url_keys


def read_document(text: str, path: Path | str, layout: Any = None) -> tuple[Any, list[str], bool]:
    """The validated ``Document``, the resources' URL keys, and whether the fast block-by-block path was used.

    Every problem is reported at once (``DataErrors``). When a block fails, the whole file is parsed too: a
    layout the scan misread is then read correctly.
    """
    from tracker.store.layout import scan

    layout = layout or scan(text)
    if layout.simple:
        try:
            doc, url_keys = parse_blocks(text, layout, path)
            return doc, url_keys, True
        except DataError as block_errors:
            try:
                doc, _lines, url_keys = parse_document(text, path)
            except DataError:
                raise block_errors from None  # every block's problems, not only the first the full parse meets
            return doc, url_keys, False
    doc, _lines, url_keys = parse_document(text, path)
    return doc, url_keys, False


def check_unique(resource: Any, seen_ids: dict[str, int], seen_urls: dict[str, tuple[str, int]],
                 path: Path | str, line: int, url_line: int | None = None) -> str:
    """Refuse a second item with an id or normalised URL already seen (``seen_*`` map to the first line);
    returns the URL's identity key."""
    from tracker.urls import identity_key

    if resource.id in seen_ids:
        raise DataError(f"duplicate id '{resource.id}' (first used on line {seen_ids[resource.id]})", path, line)
    seen_ids[resource.id] = line
    key = identity_key(resource.url)
    if key in seen_urls:
        other_id, other_line = seen_urls[key]
        raise DataError(f"duplicate URL {resource.url} (the same link as '{other_id}' on line {other_line})",
                        path, url_line or line)
    seen_urls[key] = (resource.id, line)
    return key


def check_unique_topic(topic: Any, seen: dict[str, int], path: Path | str, line: int) -> None:
    """Refuse a second study-plan entry with an id already seen (``seen`` maps ids to their first line)."""
    if topic.id in seen:
        raise DataError(f"duplicate topic id '{topic.id}' (first used on line {seen[topic.id]})", path, line)
    seen[topic.id] = line


def render_document(doc: Any, header: str = "") -> str:
    """The whole file in canonical form: the four sections, then any top-level keys a person added."""
    blocks = {name: [yamlio.dump_item(item_to_dict(item)) for item in getattr(doc, name)] for name in SECTIONS}
    return render_file(blocks, doc.model_extra or {}, header)


def header_comments(text: str) -> str:
    """The comment lines at the top of a file, to keep when the file is written out in canonical form."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#") or not line.strip():
            lines.append(line)
        else:
            break
    return "".join(lines).rstrip("\n") + "\n" if any(line.startswith("#") for line in lines) else ""


def render_file(blocks: dict[str, list[str]], extras: dict[str, Any], header: str = "") -> str:
    """The file's layout around already rendered item blocks: the header comment, each section (``name:`` and
    its blocks, or ``name: []``) with a blank line between, then the top-level keys a person added.

    The one place that lays the file out: the canonical writer and the merge driver (whose blocks may be
    conflict-marked) both come here."""
    parts = [header] if header else []
    for index, name in enumerate(SECTIONS):
        if index:
            parts.append("\n")
        items = blocks.get(name) or []
        parts.append(f"{name}:\n" + "".join(items) if items else f"{name}: []\n")
    for key, value in extras.items():
        parts.append("\n")
        parts.append(yamlio.dump_value(key, value))
    return "".join(parts)
