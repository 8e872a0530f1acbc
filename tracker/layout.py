"""Where each item's lines are in resources.yaml, found by a line scan (no YAML parse).

The writer puts each item at column 0 (``- id: ...``) under its section header, with its other lines indented.
So an item's block runs from its ``- `` line to the last non-blank line before the next line that starts at
column 0. Everything else (comments, blank lines, section headers) is "gap" text that is kept byte for byte.
Knowing the blocks lets the store replace one item's lines and lets the index re-parse only changed blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SECTIONS: tuple[str, ...] = ("resources", "advice", "glossary", "topics")

_COLUMN0_LINE = re.compile(r"^[^\s].*$", re.M)
_HEADER = re.compile(r"(?P<name>[A-Za-z_][\w-]*):[ \t]*(?P<empty>\[\])?[ \t]*(?:#.*)?")


@dataclass
class Block:
    """One item's text span ``[start, end)`` in the file, and its line number (1-based)."""

    section: str
    start: int
    end: int
    line: int


@dataclass
class Layout:
    """The blocks of every section, in file order, plus where each section header is."""

    blocks: dict[str, list[Block]] = field(default_factory=lambda: {name: [] for name in SECTIONS})
    headers: dict[str, tuple[int, int, bool]] = field(default_factory=dict)  # name -> (start, end, is "[]")
    simple: bool = True  # False: something the scan does not understand (flow style, unknown top-level data...)


def _block_end(text: str, start: int, next_start: int) -> int:
    """End of an item's text: after its last non-blank line before ``next_start``."""
    end = next_start
    while end > start:
        line_start = text.rfind("\n", start, end - 1) + 1
        if text[line_start:end].strip():
            return end
        end = line_start
    return end


def scan(text: str) -> Layout:
    """Split ``text`` into item blocks per section by looking only at lines that start at column 0."""
    layout = Layout()
    section: str | None = None
    pending: tuple[str, int, int] | None = None  # (section, start, line) of the block being read
    line_no = 1
    last_pos = 0
    for match in _COLUMN0_LINE.finditer(text):
        pos = match.start()
        line_no += text.count("\n", last_pos, pos)
        last_pos = pos
        if pending is not None:
            name, start, line = pending
            layout.blocks[name].append(Block(name, start, _block_end(text, start, pos), line))
            pending = None
        line = match.group()
        first = line[0]
        if first == "#" or line.rstrip() in ("---", "..."):
            continue
        if first == "-" and (len(line) == 1 or line[1] in " \r"):
            if section is None:
                layout.simple = False
                continue
            if layout.headers[section][2]:
                layout.simple = False
            pending = (section, pos, line_no)
            continue
        header = _HEADER.fullmatch(line.rstrip("\r"))
        if header and header.group("name") in SECTIONS and header.group("name") not in layout.headers:
            section = header.group("name")
            layout.headers[section] = (pos, match.end(), bool(header.group("empty")))
            continue
        layout.simple = False
        section = None
    if pending is not None:
        name, start, line = pending
        layout.blocks[name].append(Block(name, start, _block_end(text, start, len(text)), line))
    return layout


def insertion_point(text: str, layout: Layout, section: str) -> int | None:
    """Where a new item of ``section`` goes: after its last item (or its header); None when there is no header."""
    blocks = layout.blocks[section]
    if blocks:
        end = blocks[-1].end
        return end if text[end - 1:end] == "\n" else None
    if section not in layout.headers:
        return None
    return layout.headers[section][1] + 1
