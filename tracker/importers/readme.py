"""Read a study README in the seed's layout (LLM-FastTrack) into resources, advice, glossary, topics and notes.

What the layout means:
- ``**Next Up:**`` / ``**Inbox:**`` labels before a link list set the status of its items; other labels
  (``Discord Servers:``) become the items' category and tag; text after an item's link is its comment.
- tables are read by their header: Category/Title/Comment -> resources, Keyword/Explanation/Links -> glossary,
  Category/Advice/Source -> advice, Question/Answer -> a study note.
- ``# II. Title`` headings are study-plan parts, ``1.1.1 **Title**: summary`` paragraphs, ``**3.1.1. Title**``
  markers and ``## 3.1. Title`` headings are chapters, ``N. **Title**:`` items under a part are its sections.
- a ``Study Notes`` section (split at chapter markers) and a numbered chapter section with prose become notes.
"""

from __future__ import annotations

import re

from tracker.exporters.markdown import STATUS_HEADINGS
from tracker.importers.content import ImportedContent, NoteDraft, Skipped
from tracker.importers.entries import candidates, pick_primary, read_entry
from tracker.importers.link_words import is_generic_text, link_label
from tracker.importers.markdown_blocks import (
    Block,
    Heading,
    HtmlComment,
    ListItem,
    Paragraph,
    Table,
    find_links,
    plain_text,
    scan_blocks,
    strip_emphasis,
)
from tracker.importers.plan import FoundItem, tag_of
from tracker.models import Advice, Link, Source, Status, Term, Topic
from tracker.reading_list import slugify, unique_id

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
ROMAN_OF = {value: key for key, value in ROMAN.items()}
# The labels the Markdown export writes (so its output imports back), plus the ones people write by hand.
STATUS_LABELS = {
    **{heading.lower(): status for status, heading in STATUS_HEADINGS.items()},
    "currently reading": Status.READING,
    "read": Status.DONE,
}

_PART_HEADING = re.compile(r"^(?P<num>[IVX]+|\d+)\.\s+(?P<title>.+)$")
_NUMBERED = re.compile(r"^(?P<num>\d+(?:\.\d+)+[a-z]?)\.?\s+(?P<title>.+)$")
_CHAPTER_LINE = re.compile(r"^(?P<num>\d+(?:\.\d+)+[a-z]?)\.?\s+\*\*(?P<title>[^*]+)\*\*:?\s*(?P<summary>.*)$")
_CHAPTER_MARKER = re.compile(r"^\*\*(?P<num>\d+(?:\.\d+)+[a-z]?)\.?\s+(?P<title>[^*]+)\*\*$")
_SECTION_ITEM = re.compile(r"^\*\*(?P<title>[^*]+)\*\*:\s*$")
_LABEL = re.compile(r"^(?:\*\*(?P<bold>[^*]{1,60}?):?\*\*:?|(?P<plain>[^*\[\]()|]{1,60}):)$")


def topic_sort_key(topic_id: str) -> tuple:
    """I < 1.1 < 1.1.1 < 1.1.2 < II < III < 3.1 < 3.1.24 < 3.1.24b < 3.1.25 (parts are roman, chapters arabic)."""
    if topic_id in ROMAN:
        return ((ROMAN[topic_id], ""),)
    key = []
    for part in topic_id.split("."):
        match = re.match(r"(\d+)(.*)", part)
        key.append((int(match.group(1)), match.group(2)) if match else (0, part))
    return tuple(key)


def _parent_of(number: str) -> str | None:
    """1.1 -> I (its part), 3.1.24b -> 3.1; a part has no parent."""
    pieces = number.split(".")
    if len(pieces) == 1:
        return None
    if len(pieces) == 2:
        return ROMAN_OF.get(int(pieces[0]))
    return ".".join(pieces[:-1])


def _cell_link(cell: str) -> tuple[str, str] | None:
    for link in find_links(cell):
        if not link.image:
            return plain_text(link.text), link.url
    return None


def _header_kind(header: list[str]) -> str:
    names = [plain_text(cell).casefold() for cell in header]
    if "question" in names and "answer" in names:
        return "qa"
    if any(name in {"keyword", "term"} for name in names):
        return "glossary"
    if "advice" in names:
        return "advice"
    return "links"


def _column(header: list[str], *prefixes: str) -> int | None:
    for index, cell in enumerate(header):
        name = plain_text(cell).casefold()
        if any(name.startswith(prefix) for prefix in prefixes):
            return index
    return None


def _clean_comment(text: str) -> str | None:
    comment = text.strip().lstrip(":-–—,").strip()
    return comment or None


def _exported_links(rest: str) -> tuple[list[dict[str, str]] | None, str]:
    """The ``([label](url), [label](url))`` group tracker's Markdown export writes after an item's link, read
    back with its labels as written; (None, rest) when the text has no such group."""
    match = re.match(r"\s*\(", rest)
    if not match:
        return None, rest
    cursor = match.end()
    links: list[dict[str, str]] = []
    while True:
        found = find_links(rest[cursor:])
        if not found or rest[cursor : cursor + found[0].start].strip() not in ("", ","):
            return None, rest
        link = found[0]
        links.append({"label": plain_text(link.text) or "link", "url": link.url})
        cursor += link.end
        closing = re.match(r"\s*\)", rest[cursor:])
        if closing:
            return links, rest[cursor + closing.end() :]


def render_qa_table(table: Table) -> list[str]:
    """A Q&A table in its compact form: ``| Question | Answer |``, a separator, one row per pair."""
    lines = ["| Question | Answer |", "|---|---|"]
    for row in table.rows:
        question = row[0] if row else ""
        answer = row[1] if len(row) > 1 else ""
        if question or answer:
            lines.append(f"| {question} | {answer} |")
    return lines


class _Reader:
    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self.blocks: list[Block] = list(scan_blocks(text))
        self.out = ImportedContent()
        self.topics: dict[str, Topic] = {}
        self.topic_links: list[tuple[FoundItem, str]] = []
        # tracker's own Markdown export: its link texts are the items' titles, whatever words they are.
        self.own_export = "<!-- tracker:reading-list:start -->" in text

    def origin(self, line: int) -> str:
        return f"{self.name}:{line}"

    # --- study plan -------------------------------------------------------------------------------------
    def add_topic(self, number: str, title: str, summary: str | None = None, parent: str | None = None) -> None:
        topic_id = number.rstrip(".")
        if topic_id in self.topics:
            existing = self.topics[topic_id]
            if summary and not existing.summary:
                existing.summary = summary
            return
        shown = f"{topic_id}." if topic_id in ROMAN else topic_id
        self.topics[topic_id] = Topic(
            id=topic_id,
            title=strip_emphasis(title).rstrip(":").strip(),
            parent=parent if parent is not None else _parent_of(topic_id),
            number=shown,
            summary=summary or None,
        )

    # --- the walk ---------------------------------------------------------------------------------------
    def read(self) -> ImportedContent:
        stack: list[Heading] = []
        part: str | None = None
        label: str | None = None
        section_item: tuple[str, int, list[str]] | None = None  # (topic id, indent, summary lines)
        part_lines: list[str] = []

        def flush_section() -> None:
            nonlocal section_item
            if section_item:
                topic_id, _indent, summary_lines = section_item
                if summary_lines:
                    self.topics[topic_id].summary = self.topics[topic_id].summary or "\n".join(summary_lines)
                section_item = None

        def flush_part() -> None:
            if part and part_lines and part in self.topics and not self.topics[part].summary:
                self.topics[part].summary = "\n".join(part_lines)
            part_lines.clear()

        for block in self.blocks:
            if isinstance(block, HtmlComment):
                continue
            if isinstance(block, Heading):
                flush_section()
                flush_part()
                while stack and stack[-1].level >= block.level:
                    stack.pop()
                stack.append(block)
                label = None
                text = strip_emphasis(block.text)
                part_match = _PART_HEADING.match(text) if block.level == 1 else None
                numbered = _NUMBERED.match(text)
                if part_match:
                    number = part_match.group("num")
                    part = number if number in ROMAN else ROMAN_OF.get(int(number))
                    if part:
                        self.add_topic(part, part_match.group("title"))
                elif numbered and not (block.level == 1):
                    self.add_topic(numbered.group("num"), numbered.group("title"))
                elif block.level == 1:
                    # "# My Study Notes" continues the current part; any other un-numbered top heading ends it.
                    if "notes" not in text.casefold():
                        part = None
                continue
            directly_under_part = bool(stack) and stack[-1].level == 1 and part is not None and (
                _PART_HEADING.match(strip_emphasis(stack[-1].text)) is not None
            )
            if isinstance(block, Paragraph):
                flush_section()
                text = block.text.strip()
                chapter = _CHAPTER_LINE.match(text)
                marker = _CHAPTER_MARKER.match(text)
                label_match = _LABEL.match(text)
                if chapter:
                    summary = _clean_comment(chapter.group("summary"))
                    self.add_topic(chapter.group("num"), chapter.group("title"), summary)
                elif marker:
                    self.add_topic(marker.group("num"), marker.group("title"))
                elif label_match and not find_links(text):
                    label = (label_match.group("bold") or label_match.group("plain")).strip()
                elif directly_under_part:
                    part_lines.append(text)
                continue
            if isinstance(block, ListItem):
                text = block.text
                if section_item and block.indent > section_item[1]:
                    section_item[2].append(f"- {text}")
                    continue
                flush_section()
                item_match = _SECTION_ITEM.match(text)
                if item_match and part and block.marker[:-1].isdigit() and not find_links(text):
                    number = f"{ROMAN[part]}.{int(block.marker[:-1])}"
                    self.add_topic(number, item_match.group("title"), parent=part)
                    section_item = (number, block.indent, [])
                    continue
                if directly_under_part:
                    part_lines.append(f"- {text}")
                    continue
                self.read_list_item(block, stack, label)
                continue
            if isinstance(block, Table):
                flush_section()
                self.read_table(block, stack)
        flush_section()
        flush_part()
        self.resolve_topic_links()
        self.read_notes()
        self.out.topics = sorted(self.topics.values(), key=lambda topic: topic_sort_key(topic.id))
        return self.out

    def context_topic(self, stack: list[Heading]) -> str | None:
        for heading in reversed(stack):
            numbered = _NUMBERED.match(strip_emphasis(heading.text))
            if numbered:
                return numbered.group("num")
            part_match = _PART_HEADING.match(strip_emphasis(heading.text)) if heading.level == 1 else None
            if part_match:
                number = part_match.group("num")
                return number if number in ROMAN else ROMAN_OF.get(int(number))
        return None

    def read_list_item(self, block: ListItem, stack: list[Heading], label: str | None) -> None:
        links = find_links(block.text)
        if not links:
            return
        first = links[0]
        # Any section holds list entries, except the study plan and notes, whose links are part of the prose.
        in_list_region = label is not None or not any(self.is_study_heading(heading) for heading in stack)
        starts_with_link = block.text.lstrip().startswith(block.text[first.start : first.end])
        words_first = in_list_region and not starts_with_link and bool(candidates(block.text)[0])
        if not (in_list_region and (starts_with_link or words_first)) or first.image:
            where = stack[-1].text if stack else "the top"
            self.out.skipped.append(
                Skipped(self.origin(block.line), first.url, f"a link in the prose of '{where}', not a list entry")
            )
            return
        status = STATUS_LABELS.get((label or "").casefold())
        category = None
        tags: list[str] = []
        if label and status is None:
            category = label
            tags = [tag_of(label)]
        if not self.own_export and (
            words_first or (first.text.strip() and is_generic_text(first.text, addresses=False))
        ):
            # "[Paper](..) [Code](..) Title": the title comes from the words, the links are kept with it.
            entries, _skipped = read_entry(block.text)
            for entry in entries:
                self.out.found.append(
                    FoundItem(url=entry.url, title=entry.title, origin=self.origin(block.line), status=status,
                              category=category, tags=tags, comment=entry.comment, links=entry.links)
                )
            return
        links, rest = _exported_links(block.text[first.end :])
        if links is None:
            rest = block.text[first.end :]
            links = [
                {"label": link_label(c.text, c.url), "url": c.url}
                for c in candidates(block.text)[0] if c.url != first.url and not c.image
            ]
        self.out.found.append(
            FoundItem(
                url=first.url,
                title=plain_text(first.text),
                origin=self.origin(block.line),
                status=status,
                category=category,
                tags=tags,
                comment=_clean_comment(rest),
                links=links,
            )
        )

    @staticmethod
    def is_study_heading(heading: Heading) -> bool:
        """A study-plan part (``# II. ...``), a numbered chapter, the plan itself or a notes section."""
        text = strip_emphasis(heading.text)
        lowered = text.casefold()
        return bool(
            (heading.level == 1 and _PART_HEADING.match(text)) or _NUMBERED.match(text)
            or "notes" in lowered or "studyplan" in lowered or "study plan" in lowered
        )

    def read_table(self, table: Table, stack: list[Heading]) -> None:
        kind = _header_kind(table.header)
        if kind == "qa":
            return  # read with its note
        for row, line in zip(table.rows, table.row_lines, strict=True):
            cells = row[: len(table.header)]
            if not any(cells):
                continue
            if kind == "glossary":
                self.read_glossary_row(table.header, cells)
            elif kind == "advice":
                self.read_advice_row(table.header, cells)
            else:
                self.read_resource_row(table.header, cells, line, stack)

    def read_glossary_row(self, header: list[str], cells: list[str]) -> None:
        term_col = _column(header, "keyword", "term") or 0
        text_col = _column(header, "explanation", "definition", "meaning")
        link_col = _column(header, "link")
        links: list[Link] = []
        if link_col is not None and link_col < len(cells):
            links = [Link(title=plain_text(link.text) or link.url, url=link.url) for link in find_links(cells[link_col])]
        definition = " ".join(cells[text_col].split()) if text_col is not None and text_col < len(cells) else ""
        self.out.glossary.append(Term(term=strip_emphasis(cells[term_col]), definition=definition, links=links))

    def read_advice_row(self, header: list[str], cells: list[str]) -> None:
        category_col = _column(header, "category")
        text_col = _column(header, "advice") or 0
        source_col = _column(header, "source")
        source = None
        if source_col is not None and source_col < len(cells) and cells[source_col]:
            link = _cell_link(cells[source_col])
            source = Source(name=link[0], url=link[1]) if link else Source(name=plain_text(cells[source_col]))
        self.out.advice.append(
            Advice(
                category=cells[category_col] if category_col is not None else "General",
                text=" ".join(cells[text_col].split()),
                source=source,
            )
        )

    def read_resource_row(self, header: list[str], cells: list[str], line: int, stack: list[Heading]) -> None:
        title_col = _column(header, "title", "name", "link", "paper", "resource")
        if title_col is None:
            title_col = next((i for i, cell in enumerate(cells) if _cell_link(cell)), None)
        link_cell = cells[title_col] if title_col is not None and title_col < len(cells) else ""
        found_link = _cell_link(link_cell) if link_cell else None
        if not found_link:
            self.out.skipped.append(Skipped(self.origin(line), plain_text(" ".join(cells)), "table row without a link"))
            return
        link_text, url = found_link
        category_col = _column(header, "category", "type")
        comment_col = _column(header, "comment", "description", "notes", "note")
        title = plain_text(link_cell) or link_text
        row_links = candidates(" \x1f ".join(cells))[0]
        if is_generic_text(title, addresses=False):
            # "| Category | [Paper](..), [Code](..) | Flash attention |": the name is in another cell, the best
            # link is the item's.
            url = (pick_primary(row_links, prefer_named=False) or row_links[0]).url if row_links else url
            named = {title_col, category_col, comment_col}
            title = next((words for index, cell in enumerate(cells) if index not in named
                          and (words := plain_text(cell)) and not is_generic_text(words, addresses=False)), "")
        item = FoundItem(
            url=url,
            title=title,
            origin=self.origin(line),
            category=cells[category_col] if category_col is not None and category_col < len(cells) else None,
            topic=self.context_topic(stack),
            comment=cells[comment_col] if comment_col is not None and comment_col < len(cells) else None,
            links=[{"label": link_label(c.text, c.url), "url": c.url} for c in row_links if c.url != url and not c.image],
        )
        self.out.found.append(item)
        self.topic_links.append((item, link_text))

    def resolve_topic_links(self) -> None:
        # A resource whose link text is a chapter's title ("Lecture 1 [The Geometry of Linear Equations]")
        # belongs to that chapter rather than to the whole section.
        by_title = {topic.title.casefold(): topic.id for topic in self.topics.values()}
        for item, link_text in self.topic_links:
            chapter = by_title.get(link_text.casefold())
            if chapter and (item.topic is None or chapter.startswith(f"{item.topic}.")):
                item.topic = chapter

    # --- notes ------------------------------------------------------------------------------------------
    def section_end(self, index: int) -> int:
        """The last line of the section opened by heading ``blocks[index]``."""
        heading = self.blocks[index]
        assert isinstance(heading, Heading)
        for block in self.blocks[index + 1 :]:
            if isinstance(block, Heading) and block.level <= heading.level:
                return block.line - 1
        return len(self.lines)

    def note_body(self, first: int, last: int, skip: list[tuple[int, int]]) -> str:
        """Lines ``first..last`` (1-based) of the README, Q&A tables compacted, ``skip`` ranges left out."""
        tables = {
            block.line: block
            for block in self.blocks
            if isinstance(block, Table) and _header_kind(block.header) == "qa" and first <= block.line <= last
        }
        out: list[str] = []
        line = first
        while line <= last:
            if any(start <= line <= end for start, end in skip):
                line += 1
                continue
            if line in tables:
                out.extend(render_qa_table(tables[line]))
                line = tables[line].end_line + 1
                continue
            out.append(self.lines[line - 1].rstrip())
            line += 1
        return "\n".join(out).strip("\n") + "\n"

    def found_between(self, first: int, last: int) -> list[str]:
        urls = []
        for item in self.out.found:
            line = int(item.origin.rsplit(":", 1)[1])
            if first <= line <= last:
                urls.append(item.url)
        return urls

    def read_notes(self) -> None:
        headings = [(i, b) for i, b in enumerate(self.blocks) if isinstance(b, Heading)]
        stack: list[Heading] = []
        previous_sibling: dict[int, tuple[int, Heading]] = {}
        for index, heading in headings:
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            text = strip_emphasis(heading.text)
            numbered = _NUMBERED.match(text)
            last = self.section_end(index)
            if numbered and numbered.group("num").count(".") >= 2:
                has_prose = any(
                    isinstance(b, Paragraph) and heading.line < b.line <= last for b in self.blocks[index + 1 :]
                )
                if has_prose:
                    self.add_note(numbered.group("title"), numbered.group("num"), heading.line + 1, last, [])
            elif text.casefold() == "study notes":
                self.add_study_notes(index, heading, last, stack, previous_sibling.get(heading.level))
            previous_sibling[heading.level] = (index, heading)
            for level in [lvl for lvl in previous_sibling if lvl > heading.level]:
                del previous_sibling[level]
            stack.append(heading)

    def add_study_notes(
        self, index: int, heading: Heading, last: int, stack: list[Heading], sibling: tuple[int, Heading] | None
    ) -> None:
        # Sub-sections about resources are data (read as items), not note text.
        skip: list[tuple[int, int]] = []
        for offset, block in enumerate(self.blocks[index + 1 :], start=index + 1):
            if block.line > last:
                break
            if isinstance(block, Heading) and "resources" in block.text.casefold():
                skip.append((block.line, self.section_end(offset)))
        resource_urls = [url for start, end in skip for url in self.found_between(start, end)]
        markers = [
            (block.line, _CHAPTER_MARKER.match(block.text.strip()))
            for block in self.blocks[index + 1 :]
            if isinstance(block, Paragraph) and heading.line < block.line <= last
        ]
        markers = [(line, match) for line, match in markers if match]
        content_lines = [
            block.line
            for block in self.blocks[index + 1 :]
            if heading.line < block.line <= last
            and not any(start <= block.line <= end for start, end in skip)
            and not (isinstance(block, Paragraph) and _CHAPTER_MARKER.match(block.text.strip()))
        ]
        context = self.context_topic(stack)
        if not markers:
            title = text_of(stack[-1]) if stack else "Study Notes"
            first = heading.line + 1
            if sibling is not None:
                sibling_index, sibling_heading = sibling
                sibling_text = strip_emphasis(sibling_heading.text)
                if not _NUMBERED.match(sibling_text) and self.section_end(sibling_index) == heading.line - 1:
                    title = sibling_text
                    first = sibling_heading.line + 1
            self.add_note(title, context, first, last, skip, resource_urls)
            return
        # One note per chapter marker that has text under it; text before the first marker joins the first note.
        bounds = [line for line, _ in markers] + [last + 1]
        start = heading.line + 1
        for number, (line, match) in enumerate(markers):
            end = bounds[number + 1] - 1
            if any(line < content <= end for content in content_lines):
                self.add_note(match.group("title"), match.group("num"), start, end, skip, resource_urls)
            start = bounds[number + 1]

    def add_note(
        self,
        title: str,
        topic: str | None,
        first: int,
        last: int,
        skip: list[tuple[int, int]],
        related_urls: list[str] | None = None,
    ) -> None:
        title = strip_emphasis(title).rstrip(":").strip()
        body = self.note_body(first, last, skip)
        slug = unique_id(slugify(f"{topic or ''} {title}") or "note", {note.slug for note in self.out.notes})
        self.out.notes.append(
            NoteDraft(
                slug=slug,
                title=title,
                topic=topic,
                body=f"# {title}\n\n{body}",
                origin=self.origin(first),
                related_urls=list(dict.fromkeys(related_urls or [])),
            )
        )


def text_of(heading: Heading) -> str:
    return strip_emphasis(heading.text)


def read_readme(text: str, name: str = "README.md") -> ImportedContent:
    """Parse a README in the seed's layout; ``name`` labels the lines in the report (``README.md:452``)."""
    return _Reader(text, name).read()
