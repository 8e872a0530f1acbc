"""Bring the HTML and reference-style links people mix into Markdown lists to plain inline Markdown links.

``[Book][dlbook]`` with ``[dlbook]: https://...`` below, ``<a href="..">text</a>``, ``<img alt=.. src=..>``,
``<details><summary>Name</summary>`` sections and ``<table>`` rows all become what the block scanner reads
(inline links, headings, pipe tables). Every rewrite keeps the number of lines, so reports still point at the
line of the original file.
"""

from __future__ import annotations

import html
import re

_REF_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]\n]+)\]:\s*<?(?P<url>[^\s>]+)>?(?:\s+[\"'(].*[\"')])?\s*$")
_FULL_REF = re.compile(r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\s?\[(?P<ref>[^\]\n]*)\]")
_SHORT_REF = re.compile(r"(?<![\]\\])(?P<bang>!?)\[(?P<text>[^\[\]\n]+)\](?![(\[:])")
_FENCE = re.compile(r"^\s*(```|~~~)")

_IMG = re.compile(r"<img\b(?P<attrs>[^>]*)/?>", re.IGNORECASE)
_ANCHOR = re.compile(r"<a\b(?P<attrs>[^>]*)>(?P<text>.*?)</a\s*>", re.IGNORECASE)
_ATTR = re.compile(r"""(?P<name>[a-zA-Z-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))""")
_SUMMARY = re.compile(r"^\s*(?:<details[^>]*>\s*)?<summary[^>]*>(?P<text>.*?)</summary>\s*$", re.IGNORECASE)
_BOLD_TAG = re.compile(r"</?(?:b|strong)>", re.IGNORECASE)
_LIST_TAG = re.compile(r"^(?P<indent>\s*)<li[^>]*>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_ROW = re.compile(r"<tr\b.*?</tr\s*>", re.IGNORECASE | re.DOTALL)
_CELL = re.compile(r"<t(?P<kind>[dh])\b[^>]*>(?P<text>.*?)(?=<t[dh]\b|</tr|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _attrs(text: str) -> dict[str, str]:
    found = {}
    for match in _ATTR.finditer(text):
        value = match.group("dq") if match.group("dq") is not None else match.group("sq") or match.group("bare")
        found[match.group("name").lower()] = html.unescape(value or "")
    return found


def _markdown_image(match: re.Match[str]) -> str:
    attrs = _attrs(match.group("attrs"))
    alt = (attrs.get("alt") or attrs.get("title") or "").replace("[", "(").replace("]", ")")
    return f"![{alt}]({attrs.get('src', '')})"


def _markdown_anchor(match: re.Match[str]) -> str:
    attrs = _attrs(match.group("attrs"))
    href = attrs.get("href", "").strip()
    text = match.group("text").strip()
    if not href:
        return text
    return f"[{text}]({href.replace(' ', '%20').replace(')', '%29').replace('(', '%28')})"


def _html_inline(line: str) -> str:
    line = _IMG.sub(_markdown_image, line)
    line = _ANCHOR.sub(_markdown_anchor, line)
    return _BOLD_TAG.sub("**", _BREAK.sub(" ", line))


def _cell_text(cell: str) -> str:
    text = _html_inline(" ".join(cell.split()))
    text = _TAG.sub(" ", text)
    return " ".join(text.split()).replace("|", "\\|")


def _table_as_pipes(match: re.Match[str]) -> str:
    """An HTML table as a pipe table, padded with blank lines to the same number of lines."""
    block = match.group(0)
    rows = []
    header: list[str] | None = None
    for row in _ROW.finditer(block):
        cells = list(_CELL.finditer(row.group(0)))
        texts = [_cell_text(cell.group("text")) for cell in cells]
        if header is None and cells and all(cell.group("kind").lower() == "h" for cell in cells):
            header = texts
            continue
        rows.append(texts)
    if not rows:
        return block
    width = max(len(header or []), *(len(row) for row in rows))
    header = (header or [f"Column {index + 1}" for index in range(width)]) + [""] * (width - len(header or []))
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in rows]
    lines.append("")
    wanted = block.count("\n") + 1
    if len(lines) < wanted:
        lines += [""] * (wanted - len(lines))
    return "\n".join(lines) if len(lines) == wanted else block


def resolve_references(lines: list[str]) -> list[str]:
    """Inline the targets of reference-style links and blank out their definitions (outside code blocks)."""
    targets: dict[str, str] = {}
    in_code = False
    out = list(lines)
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        match = None if in_code else _REF_DEFINITION.match(line)
        if match:
            targets.setdefault(" ".join(match.group("label").casefold().split()), match.group("url"))
            out[index] = ""
    if not targets:
        return out

    def full(match: re.Match[str]) -> str:
        ref = match.group("ref") or match.group("text")
        url = targets.get(" ".join(ref.casefold().split()))
        return f"{match.group('bang')}[{match.group('text')}]({url})" if url else match.group(0)

    def short(match: re.Match[str]) -> str:
        url = targets.get(" ".join(match.group("text").casefold().split()))
        return f"{match.group('bang')}[{match.group('text')}]({url})" if url else match.group(0)

    in_code = False
    for index, line in enumerate(out):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if not in_code and "[" in line:
            out[index] = _SHORT_REF.sub(short, _FULL_REF.sub(full, line))
    return out


def normalise_markup(text: str) -> str:
    """``text`` with HTML links, images, tables, list items and <summary> headings as Markdown, line for line."""
    text = _TABLE.sub(_table_as_pipes, text)
    lines = text.split("\n")
    in_code = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code or ("<" not in line and "&" not in line):
            continue
        summary = _SUMMARY.match(line)
        if summary:
            name = _TAG.sub(" ", _html_inline(summary.group("text")))
            lines[index] = f"###### {' '.join(name.split())}" if name.strip() else ""
            continue
        line = _html_inline(line)
        if "&" in line:
            line = html.unescape(line)
        line = _LIST_TAG.sub(lambda m: f"{m.group('indent')}- ", line)
        if re.fullmatch(r"\s*(?:</?(?:details|ul|ol|li|p|div|center|span|table|tbody|thead|tr|td|th|h\d)\b[^>]*>\s*)+",
                        line, flags=re.IGNORECASE):
            line = ""
        lines[index] = line
    return "\n".join(resolve_references(lines))
