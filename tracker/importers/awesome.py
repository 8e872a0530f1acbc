"""Read an awesome list (or any Markdown README of links) into reading-list items.

List items and table rows with a link become items; the heading path (below the document title) becomes their
tags, the nearest heading their category. Table columns say what they hold: a date column fills ``published``,
a description column the comment, other columns are kept in the comment as "Column: value". Badges, images,
in-page anchors and relative links are skipped, each with its reason; so are "Contents" and licence sections.
"""

from __future__ import annotations

import re

from tracker.importers.content import ImportedContent, Skipped
from tracker.importers.markdown_blocks import (
    Heading,
    Link,
    ListItem,
    Table,
    find_links,
    plain_text,
    scan_blocks,
)
from tracker.importers.plan import FoundItem, tag_of
from tracker.web.dates import parse_day

_SKIPPED_SECTIONS = {"contents", "table of contents", "toc", "contributing", "license", "licence", "contributors"}
_DESCRIPTION_COLUMNS = ("description", "comment", "notes", "note", "summary", "about", "why")
_DATE_COLUMNS = ("date", "published", "year", "added", "released")
_TITLE_COLUMNS = ("title", "name", "paper", "resource", "project", "link", "repo")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")


def clean_heading(text: str) -> str:
    """Heading text without emoji, emphasis or link syntax."""
    return " ".join(_EMOJI.sub("", plain_text(text)).split())


def link_problem(link: Link) -> str | None:
    """Why ``link`` is not an entry (a badge, an image, an anchor, a relative link), or None when it is one."""
    if link.image:
        return "badge or image"
    if link.url.startswith("#"):
        return "in-page anchor"
    if not re.match(r"^https?://", link.url, flags=re.I):
        return "relative link" if "://" not in link.url and not link.url.startswith("mailto:") else "not a web link"
    return None


def _entry_link(text: str) -> tuple[Link | None, str | None]:
    problems = []
    for link in find_links(text):
        problem = link_problem(link)
        if problem is None:
            return link, None
        problems.append(problem)
    return None, problems[0] if problems else None


def read_awesome(text: str, name: str) -> ImportedContent:
    """Parse an awesome list; ``name`` labels lines in the report."""
    content = ImportedContent()
    headings: list[tuple[int, str]] = []
    title_level: int | None = None
    parents: list[tuple[int, str]] = []  # list items without a link act as sub-headings for deeper items
    for block in scan_blocks(text):
        if isinstance(block, Heading):
            if title_level is None and block.level == 1:
                title_level = 1
                continue
            while headings and headings[-1][0] >= block.level:
                headings.pop()
            headings.append((block.level, clean_heading(block.text)))
            parents = []
            continue
        path = [heading for _, heading in headings]
        if any(part.casefold() in _SKIPPED_SECTIONS for part in path):
            continue
        if isinstance(block, ListItem):
            while parents and parents[-1][0] >= block.indent:
                parents.pop()
            link, problem = _entry_link(block.text)
            origin = f"{name}:{block.line}"
            if link is None:
                if problem:
                    content.skipped.append(Skipped(origin, plain_text(block.text)[:80], problem))
                elif block.text.strip():
                    parents.append((block.indent, clean_heading(block.text).rstrip(":")))
                continue
            context = path + [label for _, label in parents]
            comment = block.text[link.end :].strip().lstrip(":-–—,").strip()
            content.found.append(
                FoundItem(
                    url=link.url,
                    title=plain_text(link.text),
                    origin=origin,
                    category=context[-1] if context else None,
                    tags=[tag for part in context if (tag := tag_of(part))],
                    comment=plain_text(comment) if comment else None,
                )
            )
        elif isinstance(block, Table):
            read_table(block, path, name, content)
    return content


def _keep_links(cell: str) -> str:
    """A cell's text with its web links kept as Markdown links (a Code column's URL is worth keeping)."""
    links = [link for link in find_links(cell) if link_problem(link) is None and link.text.strip()]
    if not links:
        return plain_text(cell)
    parts = []
    cursor = 0
    for link in links:
        parts.append(plain_text(cell[cursor : link.start]))
        parts.append(f"[{plain_text(link.text)}]({link.url})")
        cursor = link.end
    parts.append(plain_text(cell[cursor:]))
    return " ".join(part for part in parts if part)


def _find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        label = plain_text(cell).casefold()
        if any(label.startswith(candidate) for candidate in names):
            return index
    return None


def read_table(table: Table, path: list[str], name: str, content: ImportedContent) -> None:
    """Rows of a table with links: the title column's link is the entry, other columns say more about it."""
    header = [plain_text(cell) for cell in table.header]
    title_col = _find_column(header, _TITLE_COLUMNS)
    date_col = _find_column(header, _DATE_COLUMNS)
    description_col = _find_column(header, _DESCRIPTION_COLUMNS)
    for row, line in zip(table.rows, table.row_lines, strict=True):
        origin = f"{name}:{line}"
        cells = row[: len(header)]
        order = ([title_col] if title_col is not None and title_col < len(cells) else []) + list(range(len(cells)))
        link = problem = None
        link_col = None
        for index in order:
            link, problem = _entry_link(cells[index])
            if link:
                link_col = index
                break
        if link is None or link_col is None:
            content.skipped.append(Skipped(origin, plain_text(" | ".join(cells))[:80], problem or "row without a link"))
            continue
        published = None
        notes: list[str] = []
        if description_col is not None and description_col < len(cells) and description_col != link_col:
            notes.append(plain_text(cells[description_col]))
        for index, cell in enumerate(cells):
            value = plain_text(cell)
            if index in (link_col, description_col) or not value:
                continue
            if index == date_col:
                published = parse_day(value, whole=True)
                if published:
                    continue
            notes.append(f"{header[index]}: {_keep_links(cell)}")
        title = plain_text(cells[link_col]) or plain_text(link.text)
        content.found.append(
            FoundItem(
                url=link.url,
                title=title,
                origin=origin,
                category=path[-1] if path else None,
                tags=[tag for part in path if (tag := tag_of(part))],
                comment="; ".join(note for note in notes if note) or None,
                extra={"published": published} if published else {},
            )
        )
