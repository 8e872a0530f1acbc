"""Change some fields of one item while keeping every other line of its block byte for byte.

An item block as a person may leave it::

    - id: attention
      title: Attention Is All You Need
      # reread section 3.2!
      status: inbox
      tags: [paper,  classic]     # odd spacing, kept

A move rewrites the ``status:`` line and nothing else: the comment, the spacing of ``tags`` and any key of the
person's own stay as they were. Each field owns its key line and the more deeply indented lines under it;
comment lines at the item's own indentation belong to no field and are never touched. When the block is laid
out in a way this does not follow (flow style, other indentation), ``splice_fields`` answers None and the caller
writes the whole block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.store import yamlio

_KEY = re.compile(r"(?:- |  )(?P<key>[A-Za-z_][\w-]*):(?:[ \t]|$)")


@dataclass
class FieldSpan:
    """Lines ``[start, end)`` (offsets into the block text) that hold one field."""

    key: str
    start: int
    end: int


def field_spans(block: str) -> list[FieldSpan] | None:
    """The fields of an item block in order; None when a line is not one this module understands."""
    spans: list[FieldSpan] = []
    offset = 0
    for line in block.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if offset == 0:
            match = _KEY.match(body) if body.startswith("- ") else None
            if match is None:
                return None
            spans.append(FieldSpan(match.group("key"), 0, len(line)))
        elif not body.strip():
            pass  # a blank line: part of a field when more of its lines follow (see below), else nobody's
        elif body.startswith("   ") or body.startswith(("  - ", "  -\t")) or body == "  -":
            if spans[-1].key == "#":
                return None
            spans[-1].end = offset + len(line)  # a continuation of the current field
        elif body.startswith("  #"):
            spans.append(FieldSpan("#", offset, offset + len(line)))  # a comment at the item's indentation
        else:
            match = _KEY.match(body)
            if match is None:
                return None
            spans.append(FieldSpan(match.group("key"), offset, offset + len(line)))
        offset += len(line)
    return [span for span in spans if span.key != "#"]


def dump_field(key: str, value: Any, first: bool = False) -> str:
    """One field of an item as the writer lays it out (indented as inside an item; ``- `` when first)."""
    text = yamlio.dump_item({key: value})
    return text if first else "  " + text[2:]


def splice_fields(block: str, old: dict, new: dict, parse: Callable[[str], Any]) -> str | None:
    """``block`` (whose data is ``old``) changed to hold ``new``: only the lines of changed, removed and added
    fields differ. ``parse(text)`` reads a block back; the result is checked to hold exactly ``new``, so a
    layout misread gives None (the caller then writes the whole block), never a wrong file."""
    spans = field_spans(block)
    if spans is None or [span.key for span in spans] != list(old):
        return None
    first_key = spans[0].key
    if first_key not in new:
        return None
    by_key = {span.key: span for span in spans}
    edits: list[tuple[int, int, str]] = []
    for key, span in by_key.items():
        if key not in new:
            edits.append((span.start, span.end, ""))
        elif dump_field(key, old[key]) != dump_field(key, new[key]):
            edits.append((span.start, span.end, _with_line_end(dump_field(key, new[key], key == first_key),
                                                               block[span.start:span.end])))
    anchor = by_key[first_key].end
    added: dict[int, list[str]] = {}
    for key, value in new.items():
        if key in by_key:
            anchor = by_key[key].end
        else:
            added.setdefault(anchor, []).append(dump_field(key, value))
    for at, texts in added.items():
        edits.append((at, at, "".join(texts)))
    if not edits:
        return block
    parts: list[str] = []
    cursor = 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1] - e[0])):
        if start < cursor:
            return None
        parts.append(block[cursor:start])
        if start == end and parts and not "".join(parts).endswith("\n"):
            parts.append("\n")
        parts.append(text)
        cursor = end
    parts.append(block[cursor:])
    result = "".join(parts)
    try:
        if parse(result) != [new]:
            return None
    except Exception:  # noqa: BLE001 - any failure to read it back means: write the whole block instead
        return None
    return result


def _with_line_end(text: str, replaced: str) -> str:
    """``text`` (which ends in a newline) ending like the lines it replaces (the last item may have none)."""
    return text if replaced.endswith("\n") else text.rstrip("\n")
