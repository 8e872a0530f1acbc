"""Read an awesome list (or any Markdown file of links) into reading-list items, whatever its headings say.

List items, table rows and paragraphs that start with a link become items (``entries.read_entry`` decides the
title, the primary link and the other links); the heading path (below the document title) becomes their tags,
the nearest heading their category. Table columns say what they hold: a name column gives the title, a date
column ``published``, a description column the comment; other text columns are kept in the comment as
"Column: value". Badges, images, in-page anchors, relative links, links in prose and the navigation, licence and
sponsor sections are skipped, each listed with its reason.
"""

from __future__ import annotations

import re

from tracker.importers.content import ImportedContent, Skipped
from tracker.importers.entries import (
    Candidate,
    Entry,
    candidate_label,
    candidates,
    clean_fragment,
    name_of,
    only_links,
    read_entry,
    remove_spans,
)
from tracker.importers.link_words import KINDS, column_kind, is_generic_text
from tracker.importers.markdown_blocks import (
    Heading,
    ListItem,
    Paragraph,
    Table,
    find_links,
    plain_text,
    scan_blocks,
)
from tracker.importers.markup import normalise_markup
from tracker.importers.plan import FoundItem, tag_of
from tracker.urls import identity_key
from tracker.web.meta.dates import parse_day

_SKIPPED_SECTIONS = {
    "contents": "navigation", "table of contents": "navigation", "toc": "navigation", "index": "navigation",
    "contributing": "contribution guide", "how to contribute": "contribution guide", "contributors": "credits",
    "license": "licence", "licence": "licence", "sponsors": "sponsor block", "sponsor": "sponsor block",
    "backers": "sponsor block", "support": "sponsor block", "acknowledgements": "credits",
    "acknowledgments": "credits", "star history": "badge or image", "citation": "citation",
}
_DESCRIPTION_COLUMNS = ("description", "comment", "notes", "note", "summary", "about", "why", "abstract", "tl;dr")
_DATE_COLUMNS = ("date", "published", "year", "added", "released", "time")
_TITLE_COLUMNS = ("title", "name", "paper", "resource", "project", "course", "book", "tool", "model", "notebook",
                  "repo", "article", "topic", "lecture", "video", "link")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")


def clean_heading(text: str) -> str:
    """Heading text without emoji, emphasis or link syntax."""
    return " ".join(_EMOJI.sub("", plain_text(text)).split())


def _skipped_section(path: list[str]) -> str | None:
    for part in path:
        reason = _SKIPPED_SECTIONS.get(re.sub(r"[^a-z ]", "", part.casefold()).strip())
        if reason:
            return f"{reason} ('{part}' section)"
    return None


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.content = ImportedContent()
        self.heading_item: FoundItem | None = None  # the entry the current section's heading links to

    def skip(self, line: int, text: str, reason: str) -> None:
        self.content.skipped.append(Skipped(f"{self.name}:{line}", text[:80], reason))

    def skip_links(self, line: int, problems: list[tuple[str, str]]) -> None:
        for what, why in problems:
            self.skip(line, what, why)

    def add(self, entry: Entry, line: int, path: list[str], extra: dict | None = None) -> FoundItem:
        title, rest = split_long_title(entry.title)
        if rest:  # a sentence used as the name: its first clause is the title, the rest joins the comment
            entry.title, entry.comment = title, "; ".join(part for part in (rest, entry.comment) if part)
        item = FoundItem(
            url=entry.url,
            title=entry.title,
            origin=f"{self.name}:{line}",
            category=path[-1] if path else None,
            tags=[tag for part in path if (tag := tag_of(part))],
            comment=entry.comment,
            extra=extra or {},
            links=entry.links,
        )
        self.content.found.append(item)
        return item


_CLAUSE_END = re.compile(r"(?<=\w)(?:[;:]\s|\.\s|,\s|\s[-–—]\s)")


def split_long_title(title: str, limit: int = 100) -> tuple[str, str]:
    """A title longer than ``limit`` cut after its first clause of 20 or more characters (title, rest)."""
    if len(title) <= limit:
        return title, ""
    for match in _CLAUSE_END.finditer(title):
        if 20 <= match.start() <= limit:
            return title[: match.start()].rstrip(" .,;:"), title[match.end() :].strip()
    return title, ""


def read_awesome(text: str, name: str) -> ImportedContent:
    """Parse a list of links; ``name`` labels lines in the report."""
    reader = _Reader(name)
    content = reader.content
    headings: list[tuple[int, str]] = []
    title_level: int | None = None
    # Enclosing list items: (indent, label, item made from it or None). A parent without a link is a sub-heading
    # for deeper items; a child holding only generic links ("- [Paper](..)") gives its links to its parent.
    parents: list[tuple[int, str, FoundItem | None]] = []
    for block in scan_blocks(normalise_markup(text)):
        if isinstance(block, Heading):
            if title_level is None and block.level == 1 and not headings:
                title_level = 1
                continue
            while headings and headings[-1][0] >= block.level:
                headings.pop()
            _read_heading_link(reader, block, [heading for _, heading in headings])
            headings.append((block.level, clean_heading(block.text)))
            parents = []
            continue
        path = [heading for _, heading in headings]
        section_reason = _skipped_section(path)
        if section_reason:
            if isinstance(block, ListItem | Paragraph | Table):
                _skip_block(reader, block, section_reason)
            continue
        if isinstance(block, ListItem):
            while parents and parents[-1][0] >= block.indent:
                parents.pop()
            _read_item(reader, block, path, parents)
        elif isinstance(block, Table):
            read_table(block, path, name, content)
        elif isinstance(block, Paragraph):
            _read_paragraph(reader, block, path)
    return content


def _read_heading_link(reader: _Reader, block: Heading, path: list[str]) -> None:
    """``### [LangChain](https://github.com/..)``: a heading that links to its subject is an entry too."""
    reader.heading_item = None
    if _skipped_section(path):
        return
    found, _problems = candidates(block.text)
    if found and any(not c.image for c in found):
        entries, _skipped = read_entry(block.text, name=clean_heading(block.text))
        for entry in entries:
            entry.comment = None
            reader.heading_item = reader.add(entry, block.line, path)


def _skip_block(reader: _Reader, block: ListItem | Paragraph | Table, reason: str) -> None:
    """Every link of a block in a section that is not content, each reported with the section's reason."""
    rows = [(" ".join(row), line) for row, line in zip(block.rows, block.row_lines, strict=True)] if isinstance(
        block, Table) else [(block.text, block.line)]
    for text, line in rows:
        for link in find_links(text):
            reader.skip(line, link.url or plain_text(link.text), reason)


def _read_item(reader: _Reader, block: ListItem, path: list[str], parents: list) -> None:
    found, problems = candidates(block.text)
    context = path + [label for _, label, _ in parents if label]
    if not found:
        reader.skip_links(block.line, problems)
        if not problems and block.text.strip():
            parents.append((block.indent, clean_heading(block.text).rstrip(":"), None))
        return
    own_name, _where = name_of(block.text)
    if parents and not own_name and all(not c.named for c in found):
        # "- FlashAttention" then "  - [Paper](..)", "  - [Code](..)": the links of the parent's work.
        indent, label, owner = parents[-1]
        if owner is not None:
            attach_links(owner, found)
            reader.skip_links(block.line, problems)
            return
        if label:
            entries, skipped = read_entry(block.text, label)
            reader.skip_links(block.line, [*problems, *skipped])
            if entries:
                item = reader.add(entries[0], block.line, context[:-1] if context else context)
                parents[-1] = (indent, "", item)
            return
    entries, skipped = read_entry(block.text)
    reader.skip_links(block.line, skipped)
    item = None
    for entry in entries:
        item = reader.add(entry, block.line, context)
    parents.append((block.indent, "", item if len(entries) == 1 else None))


def attach_links(owner: FoundItem, found: list[Candidate]) -> None:
    """Add ``found`` to the links of ``owner`` (an item read earlier), each address once."""
    known = {identity_key(owner.url)} | {identity_key(link["url"]) for link in owner.links}
    for candidate in found:
        key = identity_key(candidate.url)
        if key not in known:
            known.add(key)
            owner.links.append({"label": candidate_label(candidate), "url": candidate.url})


def _read_paragraph(reader: _Reader, block: Paragraph, path: list[str]) -> None:
    text = block.text.lstrip("> ").strip()
    found, problems = candidates(text)
    owner = reader.heading_item
    if not found:
        reader.skip_links(block.line, problems)
        if owner is not None and not owner.comment:
            owner.comment = clean_fragment(text) or None  # the heading's subject, described
        return
    first = find_links(text)[0]
    name, where = name_of(text)
    starts_entry = first.start == 0 or text.startswith(("**[", "__[", "*[")) or (
        where is not None and where[0] == 0 and bool(_BOLD_START.match(text))
    )
    if owner is not None and not (first.start == 0 and found[0].named):
        # The description under a heading that links to its subject: its links are the subject's too.
        attach_links(owner, found)
        words = remove_spans(text, [(c.link.start, c.link.end) for c in found if not c.named])
        owner.comment = owner.comment or clean_fragment(words) or None
        reader.skip_links(block.line, problems)
        return
    navigation = len(found) >= 2 and only_links(text)
    if path and not starts_entry and not navigation:
        # Prose under a heading names works too ("based on [The Illustrated Transformer](..)"): a named link
        # is an item titled by its name; a link word in prose says too little and is reported.
        for c in found:
            if c.named:
                reader.add(Entry(c.text, c.url), block.line, path)
        found = [c for c in found if not c.named]
        if not found:
            reader.skip_links(block.line, problems)
            return
    if not starts_entry or navigation or all(c.image for c in found):
        where_text = path[-1] if path else "the top"
        reason = (
            "badge or image" if all(c.image for c in found)
            else "navigation or badge bar" if navigation else f"a link in the prose of '{where_text}'"
        )
        for c in found:
            reader.skip(block.line, c.url, reason)
        reader.skip_links(block.line, problems)
        return
    entries, skipped = read_entry(text)
    reader.skip_links(block.line, [*problems, *skipped])
    for entry in entries:
        reader.add(entry, block.line, path)


_BOLD_START = re.compile(r"^(\*\*|__)[^*_]+\1")


def _names_column(cell: str, names: tuple[str, ...]) -> bool:
    """"Description" is a description column, "Notebook" is not a "note" one."""
    label = plain_text(cell).casefold()
    return any(re.match(rf"{re.escape(name)}(?![a-z])", label) for name in names)


def _find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if _names_column(cell, names):
            return index
    return None


def _name_column(title_columns: list[int], cells: list[str], skip: set[int]) -> int | None:
    """The cell that names the row's work: a title-like column with words in it, else the first such cell."""
    order = title_columns + [i for i in range(len(cells)) if i not in title_columns]
    for index in order:
        if index in skip or index >= len(cells):
            continue
        found, _ = candidates(cells[index])
        named_link = any(c.named for c in found)
        words = clean_fragment(_strip_links(cells[index]))
        if named_link or (words and not is_generic_text(words) and not parse_day(words, whole=True)
                          and not re.fullmatch(r"[\d\s.,%/-]+", words)):
            return index
    return None


def _strip_links(text: str) -> str:
    out, cursor = [], 0
    for link in find_links(text):
        out.append(text[cursor:link.start])
        cursor = link.end
    out.append(text[cursor:])
    return " ".join(out)


def read_table(table: Table, path: list[str], name: str, content: ImportedContent) -> None:
    """One item per row: the name cell gives the title, every web link in the row is kept (the best one as the
    item's URL), the other columns say more about it."""
    reader = _Reader(name)
    reader.content = content
    header = [plain_text(cell) for cell in table.header]
    date_col = _find_column(header, _DATE_COLUMNS)
    description_col = _find_column(header, _DESCRIPTION_COLUMNS)
    title_columns = [i for i, cell in enumerate(header) if _names_column(cell, _TITLE_COLUMNS)]
    for row, line in zip(table.rows, table.row_lines, strict=True):
        cells = row[: max(len(header), 1)]
        skip = {i for i in (date_col, description_col) if i is not None}
        name_col = _name_column(title_columns, cells, skip)
        title, summary = "", ""
        if name_col is not None:
            title, summary = _title_and_summary(cells[name_col])
        ordered = ([name_col] if name_col is not None else []) + [i for i in range(len(cells)) if i != name_col]
        row_text = " \x1f ".join(cells[i] for i in ordered)
        found, problems = candidates(row_text)
        if not found:
            reader.skip_links(line, problems)
            reader.skip(line, plain_text(" | ".join(cells)) or "row", problems[0][1] if problems else "row without a link")
            continue
        named_in_name_cell = name_col is not None and any(c.named for c in candidates(cells[name_col])[0])
        entries, skipped = read_entry(row_text, name=title, prefer_named=named_in_name_cell)
        reader.skip_links(line, skipped)
        entry = entries[0]
        _label_by_column(entry, header, cells)
        published = None
        notes: list[str] = []
        if summary:
            notes.append(summary)
        if description_col is not None and description_col < len(cells) and description_col != name_col:
            notes.append(clean_fragment(cells[description_col]))
        for index, cell in enumerate(cells):
            if index in (name_col, description_col):
                continue
            value = clean_fragment(_strip_links(cell))
            if index == date_col:
                published = parse_day(plain_text(cell), whole=True)
                if published:
                    continue
            if value and index < len(header):
                notes.append(f"{header[index]}: {value}" if header[index] else value)
        entry.comment = "; ".join(note for note in notes if note) or None
        reader.add(entry, line, path, {"published": published} if published else None)


def _label_by_column(entry: Entry, header: list[str], cells: list[str]) -> None:
    """A link in a "Code" column is the code, whatever its text ("[tensor2tensor](..)")."""
    for link in entry.links:
        for index, cell in enumerate(cells):
            if index < len(header) and link["url"] in cell and (kind := column_kind(header[index])):
                if link["label"] not in KINDS:  # a name ("tensor2tensor"), not what the address already says
                    link["label"] = kind
                break


def _title_and_summary(cell: str) -> tuple[str, str]:
    """A name cell's title (its named link, its bold words, or its words up to " - ") and the rest."""
    named = [c for c in candidates(cell)[0] if c.named]
    if named:
        return named[0].text, clean_fragment(_strip_links(cell))
    bold = next((m for m in _BOLD.finditer(cell) if not is_generic_text(m.group("text"))), None)
    if bold:
        rest = cell[: bold.start()] + " " + cell[bold.end():]
        return clean_fragment(bold.group("text")), clean_fragment(_strip_links(_NUMBERED_CELL.sub("", rest)))
    words = clean_fragment(_strip_links(_NUMBERED_CELL.sub("", cell)))
    parts = re.split(r"\s[-–—:]\s|:\s", words, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


_NUMBERED_CELL = re.compile(r"^\s*\d{1,4}[.)]\s*")
_BOLD = re.compile(r"(\*\*|__)(?P<text>[^*_]+?)\1")
