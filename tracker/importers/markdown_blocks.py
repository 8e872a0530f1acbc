"""Split Markdown into the blocks an importer cares about: headings, tables, list items, paragraphs.

A small line scanner rather than a full CommonMark parser: importers need line numbers for their reports,
tolerance for hand-written tables (a missing trailing pipe, a stray character after the last one) and speed on
files with tens of thousands of lines. Inline links are found by ``find_links``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    line: int
    row_lines: list[int] = field(default_factory=list)
    end_line: int = 0


@dataclass
class ListItem:
    indent: int
    marker: str
    text: str
    line: int
    end_line: int = 0


@dataclass
class Paragraph:
    text: str
    line: int
    end_line: int = 0


@dataclass
class HtmlComment:
    text: str
    line: int


Block = Heading | Table | ListItem | Paragraph | HtmlComment


def split_row(line: str) -> list[str]:
    """The cells of a pipe-table row; escaped pipes stay in their cell, outer pipes are optional."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    tail = "".join(current).strip()
    if tail or not text.rstrip().endswith("|"):
        cells.append(tail)
    return cells


def _starts_block(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    if _HEADING.match(line) or _LIST_ITEM.match(line) or _FENCE.match(line) or _RULE.match(line):
        return True
    if stripped.startswith("<!--"):
        return True
    return stripped.startswith("|") and next_line is not None and bool(_TABLE_SEPARATOR.match(next_line))


def scan_blocks(text: str) -> Iterator[Block]:
    """Yield the blocks of ``text`` in order, each with its 1-based first line. Code blocks are skipped."""
    lines = text.splitlines()
    count = len(lines)
    index = 0
    while index < count:
        line = lines[index]
        stripped = line.strip()
        if not stripped or _RULE.match(line):
            index += 1
            continue
        if _FENCE.match(line):
            fence = _FENCE.match(line).group(1)  # type: ignore[union-attr]
            index += 1
            while index < count and not lines[index].strip().startswith(fence):
                index += 1
            index += 1
            continue
        if stripped.startswith("<!--"):
            start = index
            while index < count and "-->" not in lines[index]:
                index += 1
            yield HtmlComment("\n".join(lines[start : index + 1]).strip(), start + 1)
            index += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            yield Heading(len(heading.group(1)), heading.group(2).strip(), index + 1)
            index += 1
            continue
        next_line = lines[index + 1] if index + 1 < count else None
        if "|" in stripped and next_line is not None and _TABLE_SEPARATOR.match(next_line):
            table = Table(header=split_row(line), rows=[], line=index + 1)
            index += 2
            while index < count and lines[index].strip().startswith("|"):
                table.rows.append(split_row(lines[index]))
                table.row_lines.append(index + 1)
                index += 1
            table.end_line = index
            yield table
            continue
        item = _LIST_ITEM.match(line)
        if item:
            parts = [item.group(3).strip()]
            start = index
            index += 1
            # Continuation lines (indented or lazy) belong to the item until a blank line or a new block.
            while index < count:
                following = lines[index]
                after = lines[index + 1] if index + 1 < count else None
                if _starts_block(following, after):
                    break
                parts.append(following.strip())
                index += 1
            yield ListItem(len(item.group(1).expandtabs(4)), item.group(2), " ".join(parts), start + 1, index)
            continue
        start = index
        parts = [stripped]
        index += 1
        while index < count:
            after = lines[index + 1] if index + 1 < count else None
            if _starts_block(lines[index], after):
                break
            parts.append(lines[index].strip())
            index += 1
        yield Paragraph(" ".join(parts), start + 1, index)


@dataclass(frozen=True)
class Link:
    """A link found in inline Markdown: ``[text](url)``, ``<url>`` or a bare URL."""

    text: str
    url: str
    start: int
    end: int
    image: bool = False


_INLINE_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\])*\]|!\[[^\]]*\]\([^)]*\))*)\]"
    r"\((?P<url><[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BARE_URL = re.compile(r"(?<![(<\[\"'=])\bhttps?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")


def find_links(text: str) -> list[Link]:
    """The links of one line of Markdown in order, images marked (``[![badge](img)](href)`` counts as image)."""
    links: list[Link] = []
    taken: list[tuple[int, int]] = []
    for match in _INLINE_LINK.finditer(text):
        inner = match.group("text")
        url = match.group("url").strip("<>")
        image = bool(match.group("bang")) or inner.strip().startswith("![")
        links.append(Link(inner, url, match.start(), match.end(), image))
        taken.append((match.start(), match.end()))
    for pattern in (_AUTOLINK, _BARE_URL):
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            url = match.group(1) if pattern is _AUTOLINK else match.group(0)
            links.append(Link("", url, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    links.sort(key=lambda link: link.start)
    return links


_ESCAPED = re.compile(r"\\([\[\]\\`*_{}()#+!|<>:~-])")  # Markdown's backslash escapes
_HIDDEN = 0xF0000  # escaped characters wait in a private-use plane while the other rules run
_HIDDEN_CHARS = re.compile("[\U000F0000-\U000F007F]")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def strip_emphasis(text: str) -> str:
    """``**bold**`` -> ``bold`` (used where a heading or keyword is bold only for looks)."""
    return _EMPHASIS.sub(r"\2", text).strip()


_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SHORTCODE = re.compile(r"(?<!\w):[a-z0-9_+-]+:(?!\w)")


_MARKUP_CHARS = re.compile(r"[\[<*_:\\]")


def plain_text(markdown: str) -> str:
    """Markdown inline text: images and HTML tags dropped, links reduced to their text, emphasis removed."""
    if not _MARKUP_CHARS.search(markdown):  # most names and comments: nothing to undo
        return " ".join(markdown.split())

    def link_text(match: re.Match[str]) -> str:
        if match.group("bang") or match.group("text").strip().startswith("!["):
            return " "
        return match.group("text")

    out = _INLINE_LINK.sub(link_text, markdown)
    # Escaped characters are text: hidden from the emphasis, tag and shortcode rules, then put back.
    out = _ESCAPED.sub(lambda match: chr(_HIDDEN + ord(match.group(1))), out)
    out = _AUTOLINK.sub(r"\1", out)
    out = _SHORTCODE.sub(" ", _HTML_TAG.sub(" ", out))
    out = " ".join(strip_emphasis(out).split())
    return _HIDDEN_CHARS.sub(lambda match: chr(ord(match.group(0)) - _HIDDEN), out)
