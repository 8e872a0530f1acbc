"""Which reading-list items a command shows: the one rule every filter option follows.

Repeating an option widens it (``--status inbox --status next-up``: either status); different options narrow
each other (``--status inbox --tag paper``: both). Categories and tags ignore case; a topic is matched by its
id or by the number ``tracker topics`` shows. Reads the index only, so no YAML or pydantic is imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ItemFilter:
    """The values given for each filter option; an empty tuple means "any"."""

    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def matches(self, row: tuple) -> bool:
        """``row`` is an index row ``(id, url, title, status, category, tags_json, added, data_json)``."""
        _id, _url, _title, status, category, tags_json = row[:6]
        if self.statuses and status not in self.statuses:
            return False
        if self.categories and (category or "").casefold() not in {c.casefold() for c in self.categories}:
            return False
        if self.tags:
            wanted = {t.casefold() for t in self.tags}
            if not any(str(tag).casefold() in wanted for tag in json.loads(tags_json)):
                return False
        if self.topics:
            topic = json.loads(row[7]).get("topic")
            if topic is None or str(topic) not in self.topics:
                return False
        return True


@dataclass(frozen=True)
class Selection:
    """The rows to show (at most the limit) and how many matched in all."""

    rows: list[tuple]
    total: int


def select_items(index: Any, item_filter: ItemFilter, limit: int | None = None) -> Selection:
    """Items matching ``item_filter`` in file order, at most ``limit`` of them, with the total that matched."""
    def given(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(value for value in values if value.strip())  # --tag '' (a shell variable left empty): any

    topics = given(item_filter.topics)
    topics = tuple(topic_ids(index.entries("topics"), topics)) if topics else ()
    resolved = ItemFilter(given(item_filter.statuses), given(item_filter.categories), given(item_filter.tags),
                          topics)
    # An option with one value (the usual case) is left to SQLite and its status index; repeats are
    # checked here, on the rows that remain.
    single = {name: values[0] for name, values in (("status", resolved.statuses), ("category", resolved.categories),
                                                   ("tag", resolved.tags), ("topic", resolved.topics))
              if len(values) == 1}
    if not any((resolved.statuses, resolved.categories, resolved.tags, resolved.topics)) and limit is not None:
        return Selection(index.query_resources(limit=limit), index.resource_count())  # no filter: count, not fetch
    rows = index.query_resources(**single)
    if len(single) < sum(1 for values in (resolved.statuses, resolved.categories, resolved.tags, resolved.topics)
                         if values):
        rows = [row for row in rows if resolved.matches(row)]
    return Selection(rows if limit is None else rows[:limit], len(rows))


def topic_ids(topics: list[dict], given: Iterable[str]) -> list[str]:
    """The topic ids named by ``given`` (ids or shown numbers); a name that matches none is kept as written,
    since an item may name a topic that is not (yet) in the study plan."""
    return [find_topic_id(topics, name) or name for name in given]


def find_topic_id(topics: list[dict], given: str) -> str | None:
    """The id of the topic ``given`` names: its id, or its number as ``tracker topics`` shows it ("I." or "I"),
    ignoring case; None when no topic has it."""
    wanted = given.strip()
    for topic in topics:
        if str(topic.get("id")) == wanted:
            return str(topic["id"])

    def plain(text: object) -> str:
        return str(text).strip().rstrip(".").casefold()

    for topic in topics:
        for name in (topic.get("number"), topic.get("id")):
            if name is not None and plain(name) == plain(wanted) and plain(wanted):
                return str(topic["id"])
    return None
