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

_COLUMN0 = re.compile(r"^\S", re.M)
_NEWLINE_COLUMN0 = re.compile(r"\n(?=\S)")  # the same lines found by their line break: a fast literal search


def column0_starts(text: str) -> list[int]:
    """Where each line that starts at column 0 starts (``_COLUMN0``'s matches, several times faster)."""
    starts = [match.end() for match in _NEWLINE_COLUMN0.finditer(text)]
    if _COLUMN0.match(text):
        starts.insert(0, 0)
    return starts
_EXTRA_KEY = re.compile(r"(?P<name>[A-Za-z_][\w-]*):(?:[ \t]|$)")
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
    # Top-level keys a person added (``settings:`` and its indented lines): kept byte for byte, never parsed
    # for the index. ``Block.section`` holds the key.
    extras: list[Block] = field(default_factory=list)
    simple: bool = True  # False: something the scan does not understand (flow style, unknown top-level data...)


def block_end(text: str, start: int, next_start: int) -> int:
    """End of an item's text: after its last non-blank line before ``next_start``."""
    end = next_start
    if end - 2 >= start and text[end - 1] == "\n" and text[end - 2] not in "\n \t\r":
        return end  # the common case: the next column-0 line follows directly
    while end > start:
        line_start = text.rfind("\n", start, end - 1) + 1
        if text[line_start:end].strip():
            return end
        end = line_start
    return end


def _only_comments(text: str) -> bool:
    """True when ``text`` (lines outside any item) holds nothing but blank lines and comments."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def scan(text: str) -> Layout:
    """Split ``text`` into item blocks per section by looking only at lines that start at column 0.

    ``simple`` is False when any data lies outside the item blocks (indented items, flow style, unknown
    top-level keys): then the caller must parse the whole file instead.
    """
    layout = Layout()
    blocks = layout.blocks
    section: str | None = None
    pending: tuple[str, int, int] | None = None  # (section, start, line) of the block being read
    gap_from: int | None = 0  # start of non-item text whose continuation lines must be comments only
    line_no = 1
    last_pos = 0
    count = text.count
    for pos in column0_starts(text):
        line_no += count("\n", last_pos, pos)
        last_pos = pos
        if pending is not None:
            name, start, line = pending
            blocks[name].append(Block(name, start, block_end(text, start, pos), line))
            pending = None
        elif gap_from is not None and not _only_comments(text[gap_from:pos]):
            layout.simple = False
        gap_from = None
        first = text[pos]
        if first == "-" and text[pos + 1:pos + 2] in (" ", "\n", "\r", ""):
            if section is None or layout.headers[section][2]:
                layout.simple = False
                continue
            pending = (section, pos, line_no)
            continue
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end < 0 else line_end
        gap_from = line_end
        if first == "#":
            continue
        line = text[pos:line_end].rstrip("\r")
        if line.rstrip() in ("---", "..."):
            continue
        header = _HEADER.fullmatch(line)
        if header and header.group("name") in SECTIONS and header.group("name") not in layout.headers:
            section = header.group("name")
            layout.headers[section] = (pos, pos + len(line), bool(header.group("empty")))
            continue
        section = None
        extra = _EXTRA_KEY.match(line)
        if extra and extra.group("name") not in SECTIONS:
            # A key of the person's own with its value on this line or on the indented lines that follow.
            next_column0 = _COLUMN0.search(text, line_end + 1) if line_end < len(text) else None
            end = block_end(text, pos, next_column0.start() if next_column0 else len(text))
            layout.extras.append(Block(extra.group("name"), pos, end, line_no))
            gap_from = None
            continue
        layout.simple = False  # a second header of a section, or text the scan does not follow
    if pending is not None:
        name, start, line = pending
        blocks[name].append(Block(name, start, block_end(text, start, len(text)), line))
    elif gap_from is not None and not _only_comments(text[gap_from:]):
        layout.simple = False
    return layout
