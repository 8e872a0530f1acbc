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

    Item titles are looked up on demand; a link's line is found in the text only when an error names it."""
    if resources is None or not resources.exists():
        return LabLinks()
    from tracker.store import Store

    index = Store(resources, commit=False).index()
    found = LabLinks(item_titles=_IndexTitles(index))
    for item_id, title, lab in index.lab_links():
        found.links.append(LabLink("item", item_id, title, lab, resources))
    for term in index.entries("glossary"):
        if term.get("lab"):
            found.links.append(LabLink("term", term["term"], term["term"], term["lab"], resources))
    for topic in index.entries("topics"):
        found.topic_titles[topic["id"]] = topic["title"]
        if topic.get("lab"):
            found.links.append(LabLink("topic", topic["id"], topic["title"], topic["lab"], resources))
    return found


class _IndexTitles(Mapping[str, str]):
    """Item id -> title, answered by the index one id at a time (a lab names a handful of items)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def __getitem__(self, item_id: str) -> str:
        title = self._index.title_of(item_id)
        if title is None:
            raise KeyError(item_id)
        return title

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._index.conn.execute("SELECT id FROM resources ORDER BY pos"))

    def __len__(self) -> int:
        return self._index.resource_count()


_KEY_FIELD = {"item": ("resources", "id"), "term": ("glossary", "term"), "topic": ("topics", "id")}


def link_line(link: LabLink) -> int | None:
    """The line of the entry a link comes from (its ``- `` line), found in the file's text: only for errors."""
    if link.line is not None or link.path is None or link.kind not in _KEY_FIELD:
        return link.line
    from tracker.store.layout import scan

    section, field_name = _KEY_FIELD[link.kind]
    text = link.path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")
    needle = f"- {field_name}: {link.key}\n"
    at = 0 if text.startswith(needle) else text.find("\n" + needle) + 1
    if at > 0 or text.startswith(needle):
        return text.count("\n", 0, at) + 1
    from tracker.store.document import load_block_data

    for block in scan(text).blocks[section]:  # written another way: look at each entry's key
        try:
            data = load_block_data(section, text[block.start:block.end], block.line, link.path)
        except DataError:
            continue
        if isinstance(data, list) and data and isinstance(data[0], dict) and str(data[0].get(field_name)) == link.key:
            return block.line
    return None


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
                        link.path, link_line(link))
    return experiments[link.lab], link
