"""``tracker search`` over saved page text: hits that only the page's text explains, ranked below every
match of the item's own fields (title, tags, comment, description), each with its passage "in page text"."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Protocol

from tracker.archive.files import archive_dir
from tracker.archive.textindex import PageIndex

IN_PAGE_TEXT = "in page text: "


class ItemLookup(Protocol):
    def resource(self, item_id: str) -> dict | None: ...


def match_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must match, as a word or the start of one."""
    return " ".join(f'"{word}"*' for word in re.findall(r"\w+", text))


def with_page_text(root: Path, state_dir: Path | None, items: ItemLookup, query: str, rows: list[tuple],
                   extra: int, mark: tuple[str, str] = ("**", "**")) -> tuple[list[tuple], dict[str, str]]:
    """``rows`` (the list index's ranked hits) followed by up to ``extra`` items found only in their saved
    text; and id -> "in page text: …passage…" for those added rows."""
    if extra <= 0 or not archive_dir(root).is_dir():
        return rows, {}
    match = match_query(query)
    if not match:
        return rows, {}
    seen = {row[0] for row in rows}
    with PageIndex(root, state_dir) as pages:
        pages.sync()
        hits = pages.search(match, limit=extra, mark=mark, skip=seen)
    added: list[tuple] = []
    passages: dict[str, str] = {}
    # Rows of the same type as the index's own (a named tuple there), so callers may read either alike.
    make = (lambda values: type(rows[0])(*values)) if rows and hasattr(rows[0], "_fields") else tuple
    for hit in hits:
        if hit.item_id in seen:
            continue
        item = items.resource(hit.item_id)
        if not item:  # a snapshot whose item was removed
            continue
        # The row shape of the list index's search (rank last); a page-text rank is scaled far below any
        # field match's, so it also sorts below them wherever scores are compared.
        added.append(make((item["id"], item["url"], item.get("title", ""), str(item.get("status", "inbox")),
                           item.get("category"), json.dumps(item.get("tags", [])), _text(item.get("added")),
                           json.dumps(item, default=str), hit.rank / 1000.0)))
        passages[hit.item_id] = IN_PAGE_TEXT + hit.snippet
        seen.add(hit.item_id)
    return rows + added, passages


def _text(value: object) -> str | None:
    return None if value is None else str(value)
