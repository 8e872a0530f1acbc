"""Which reading-list items, glossary terms and study-plan chapters name which experiment (their ``lab:``), and
which items an experiment names itself (its declaration's ``"items": [...]``: an item has one ``lab:``, but one paper
can teach several experiments' ideas).

Also resolves what ``tracker lab run TARGET`` means: an experiment id, or an item / chapter / term that links one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import DataError, NotFoundError
from tracker.lab.discovery import ExperimentInfo


@dataclass(frozen=True)
class LabLink:
    """One thing in resources.yaml that points at an experiment."""

    kind: str  # "item", "term" or "topic"
    key: str  # the item id, the term, or the chapter id
    title: str
    lab: str
    path: Path | None = None
    line: int | None = None


@dataclass
class LabLinks:
    links: list[LabLink] = field(default_factory=list)
    topic_titles: dict[str, str] = field(default_factory=dict)
    item_titles: Mapping[str, str] = field(default_factory=dict)

    def for_experiment(self, experiment_id: str) -> list[LabLink]:
        return [link for link in self.links if link.lab == experiment_id]


def collect_links(document: Any, lines: dict[str, list[int]] | None = None, path: Path | None = None) -> LabLinks:
    """Every ``lab:`` in a ``Document`` (with the line of its item when known), plus chapter titles."""
    lines = lines or {}
    found = LabLinks()

    def line_of(section: str, position: int) -> int | None:
        starts = lines.get(section) or []
        return starts[position] if position < len(starts) else None

    for i, item in enumerate(document.resources):
        found.item_titles[item.id] = item.title
        if item.lab:
            found.links.append(LabLink("item", item.id, item.title, item.lab, path, line_of("resources", i)))
    for i, term in enumerate(document.glossary):
        if term.lab:
            found.links.append(LabLink("term", term.term, term.term, term.lab, path, line_of("glossary", i)))
    for i, topic in enumerate(document.topics):
        found.topic_titles[topic.id] = topic.title
        if topic.lab:
            found.links.append(LabLink("topic", topic.id, topic.title, topic.lab, path, line_of("topics", i)))
    return found


def load_links(resources: Path | None) -> LabLinks:
    """The links in ``resources``, read from the index (no YAML parse: fast at 100k items); no file: no links.

    Item titles are looked up on demand, and the lines of the few linked entries are found in the text."""
    if resources is None or not resources.exists():
        return LabLinks()
    from tracker.store import Store

    index = Store(resources, commit=False).index()
    found = LabLinks(item_titles=_IndexTitles(index))
    rows = index.conn.execute("SELECT id, title, lab FROM resources WHERE lab IS NOT NULL ORDER BY pos").fetchall()
    terms = index.entries("glossary")
    topics = index.entries("topics")
    lines = _EntryLines(resources) if rows or any(t.get("lab") for t in (*terms, *topics)) else None
    for item_id, title, lab in rows:
        found.links.append(LabLink("item", item_id, title, lab, resources, lines.item(item_id) if lines else None))
    for position, term in enumerate(terms):
        if term.get("lab"):
            found.links.append(LabLink("term", term["term"], term["term"], term["lab"], resources,
                                       lines.entry("glossary", position) if lines else None))
    for position, topic in enumerate(topics):
        found.topic_titles[topic["id"]] = topic["title"]
        if topic.get("lab"):
            found.links.append(LabLink("topic", topic["id"], topic["title"], topic["lab"], resources,
                                       lines.entry("topics", position) if lines else None))
    return found


class _IndexTitles(Mapping[str, str]):
    """Item id -> title, answered by the index one id at a time (a lab names a handful of items)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def __getitem__(self, item_id: str) -> str:
        row = self._index.conn.execute("SELECT title FROM resources WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        return row[0]

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._index.conn.execute("SELECT id FROM resources ORDER BY pos"))

    def __len__(self) -> int:
        return self._index.resource_count()


class _EntryLines:
    """The line of a linked entry, found in the file's text (only when some entry links an experiment)."""

    def __init__(self, path: Path) -> None:
        self._text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")
        self._layout: Any = None

    def _line_at(self, offset: int) -> int:
        return self._text.count("\n", 0, offset) + 1

    def _scan(self) -> tuple[Any, int]:
        """The line scan of the text from the first glossary / topics header on (the item blocks before it, the
        bulk of a big file, need no scan), with the number of lines skipped."""
        if self._layout is None:
            from tracker.store.api import find_header
            from tracker.store.layout import scan

            starts = [found[0] for found in (find_header(self._text, name) for name in ("glossary", "topics"))
                      if found is not None]
            start = min(starts, default=0)
            self._layout = (scan(self._text[start:]), self._text.count("\n", 0, start))
        return self._layout

    def item(self, item_id: str) -> int | None:
        needle = f"- id: {item_id}\n"
        at = 0 if self._text.startswith(needle) else self._text.find("\n" + needle) + 1
        if at > 0 or self._text.startswith(needle):
            return self._line_at(at)
        return None

    def entry(self, section: str, position: int) -> int | None:
        layout, skipped = self._scan()
        blocks = layout.blocks.get(section) or []
        return blocks[position].line + skipped if position < len(blocks) else None


def add_declared_links(links: LabLinks, experiments: dict[str, ExperimentInfo], item_titles: dict[str, str]) -> None:
    """Add the items each experiment's declaration names (once: an item whose own ``lab:`` names it already counts)."""
    present = {(link.kind, link.key, link.lab) for link in links.links}
    for info in experiments.values():
        for item in info.items:
            if ("item", item, info.id) not in present:
                links.links.append(LabLink("item", item, item_titles.get(item, item), info.id, info.path))
                present.add(("item", item, info.id))


def unknown_links(links: LabLinks, experiments: dict[str, ExperimentInfo]) -> list[LabLink]:
    """Links whose ``lab:`` names no experiment in lab/."""
    return [link for link in links.links if link.lab not in experiments]


def resolve_target(
    target: str, experiments: dict[str, ExperimentInfo], links: LabLinks
) -> tuple[ExperimentInfo, LabLink | None]:
    """``target`` as an experiment id, else an item id, chapter id or glossary term (case-insensitive) with a lab.

    Only ids found in lab/ resolve: a path or an unknown id is refused with the list of known ids.
    """
    if target in experiments:
        return experiments[target], None
    wanted = target.casefold()
    matches = [link for link in links.links if link.key.casefold() == wanted]
    if not matches:
        known = ", ".join(sorted(experiments)) or "none"
        raise NotFoundError(f"{target!r} is neither an experiment in lab/ nor an item with a lab: (experiments: {known})")
    link = matches[0]
    if link.lab not in experiments:
        raise DataError(f"{link.kind} {link.key!r} links lab: {link.lab!r}, which is not an experiment in lab/",
                        link.path, link.line)
    return experiments[link.lab], link
