"""Reading time for show/list/next: from the snapshot header (one item) or the page-text index (many)."""

from __future__ import annotations

import json
from pathlib import Path

from tracker.archive.files import archive_dir, read_page
from tracker.archive.readtime import read_minutes


def item_minutes(root: Path, item: dict) -> int | None:
    """The item's reading (or watching) time in minutes, None when unknown or not estimated (course, book)."""
    page = read_page(root, str(item.get("id", "")), with_text=False)
    if page is None:
        return None
    return read_minutes(page.words, page.duration_s, item.get("category"))


def minutes_by_id(root: Path, state_dir: Path | None, categories: dict[str, str | None]) -> dict[str, int]:
    """id -> minutes for every item in ``categories`` (id -> category) that has a snapshot (one query)."""
    if not categories or not archive_dir(root).is_dir():
        return {}
    from tracker.archive.textindex import PageIndex

    with PageIndex(root, state_dir) as pages:
        pages.sync()
        facts = pages.facts(list(categories))
    found: dict[str, int] = {}
    for item_id, category in categories.items():
        fact = facts.get(item_id)
        if fact is not None:
            minutes = read_minutes(fact.words, fact.duration_s, category)
            if minutes is not None:
                found[item_id] = minutes
    return found


def with_minutes(root: Path, state_dir: Path | None, rows: list[tuple]) -> dict[str, int]:
    """``minutes_by_id`` for index rows (``id, url, title, status, category, ...``)."""
    return minutes_by_id(root, state_dir, {row[0]: row[4] for row in rows})


def show_fields(root: Path, item: dict) -> dict[str, object]:
    """What ``tracker show`` adds for an item: ``read_minutes`` and where its saved text is, when known."""
    page = read_page(root, str(item.get("id", "")), with_text=False)
    if page is None:
        return {}
    fields: dict[str, object] = {}
    minutes = read_minutes(page.words, page.duration_s, item.get("category"))
    if minutes is not None:
        fields["read_minutes"] = minutes
    fields["snapshot"] = f"archive/{item['id']}.md" + (f" (saved {page.header['saved']})"
                                                       if page.header.get("saved") else "")
    return fields


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
