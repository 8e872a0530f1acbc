"""The archive in the reading room: a ``snapshots`` table (saved text as sanitised HTML, reading time, links to
the live page and the Wayback copy) with full-text search, ``archived_copies`` for the Dead links page, and the
``plan_session`` page (``tracker next`` in SQL)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from tracker.archive.files import COPIES_FILE, archive_dir, read_page
from tracker.archive.readtime import read_minutes

SNAPSHOT_COLUMNS: dict[str, str] = {
    "id": "The item (its saved page text)",
    "title": "The item's title",
    "url": "The live page",
    "saved": "When the text was saved",
    "words": "Words in the saved text",
    "read_minutes": "Reading time (or a video's length); empty for a course or book",
    "kind": "article, pdf or video",
    "wayback_url": "The Wayback Machine's copy nearest the day the text was saved",
    "body_html": "The saved text, sanitised (no scripts, no remote content but http(s) images)",
    "body": "The saved text as Markdown (searched)",
}
ARCHIVED_COLUMNS = {"url": "A dead or changed link", "archived_url": "The Wayback Machine's closest copy"}


class Item(Protocol):
    id: str
    title: str
    url: str
    category: str | None


def source_paths(root: Path) -> list[Path]:
    """The files the reading room's archive tables are built from (for the build's source hash)."""
    paths = sorted(archive_dir(root).glob("*.md"))
    copies = root / ".tracker" / COPIES_FILE
    return paths + ([copies] if copies.is_file() else [])


def _wayback_link(url: str, saved: str | None) -> str:
    stamp = (saved or "").replace("-", "")
    return f"https://web.archive.org/web/{stamp if stamp.isdigit() else '2'}/{quote(url, safe=':/?&=#%+')}"


def snapshot_rows(root: Path, items: Iterable[Item]) -> list[dict[str, Any]]:
    """One row per item with a snapshot file."""
    from tracker.publish.markdown import render_markdown

    rows = []
    for item in items:
        page = read_page(root, item.id)
        if page is None:
            continue
        saved = page.header.get("saved")
        rows.append({
            "id": item.id, "title": item.title, "url": item.url, "saved": saved, "words": page.words,
            "read_minutes": read_minutes(page.words, page.duration_s, item.category), "kind": page.header.get("kind"),
            "wayback_url": _wayback_link(item.url, saved), "body_html": render_markdown(page.text or ""),
            "body": page.text or "",
        })
    return rows


def write_archive_tables(db: Any, root: Path, items: Iterable[Item]) -> dict[str, int]:
    """Create and fill ``snapshots`` (+ FTS5 on title and body) and ``archived_copies`` in the sqlite-utils
    ``db`` being built; rows per table."""
    from tracker.archive.checking import known_copies

    rows = snapshot_rows(root, items)
    db["snapshots"].create({"id": str, "title": str, "url": str, "saved": str, "words": int, "read_minutes": int,
                            "kind": str, "wayback_url": str, "body_html": str, "body": str}, pk="id",
                           foreign_keys=[("id", "resources", "id")])
    db["snapshots"].insert_all(rows, batch_size=500)
    db["snapshots"].enable_fts(["title", "body"], fts_version="FTS5", tokenize="porter")
    copies = [{"url": url, "archived_url": copy} for url, copy in sorted(known_copies(root).items())]
    db["archived_copies"].create({"url": str, "archived_url": str}, pk="url")
    db["archived_copies"].insert_all(copies)
    return {"snapshots": len(rows), "archived_copies": len(copies)}


def table_metadata() -> dict[str, dict]:
    """Datasette metadata of the archive's tables."""
    return {
        "snapshots": {"description": "Saved page text of each item, readable offline, with its reading time.",
                      "columns": dict(SNAPSHOT_COLUMNS), "label_column": "title", "facets": ["kind"],
                      "sort_desc": "saved"},
        "archived_copies": {"description": "Wayback Machine copies found for dead and changed links.",
                            "columns": dict(ARCHIVED_COLUMNS)},
    }


PLAN_SESSION_SQL = """\
with recursive candidates as (
  select r.id, r.title, r.url, r.status, t.title as topic, s.read_minutes,
    row_number() over (order by case r.status when 'next-up' then 0 else 1 end,
                       coalesce(t.position, 1000000000), r.rowid) as n
  from resources r join snapshots s on s.id = r.id left join topics t on t.id = r.topic
  where r.status in ('next-up', 'inbox') and s.read_minutes is not null
),
walk(n, used, taken) as (
  select 0, 0, 0
  union all
  select c.n,
    case when w.used + c.read_minutes <= cast(:minutes as integer) then w.used + c.read_minutes else w.used end,
    w.used + c.read_minutes <= cast(:minutes as integer)
  from walk w join candidates c on c.n = w.n + 1
)
select c.id, c.title, c.url, c.status, c.topic, c.read_minutes, w.used as minutes_so_far
from walk w join candidates c on c.n = w.n
where w.taken
order by c.n"""

PLAN_SESSION_QUERY = {
    "title": "Plan a session",
    "description": ("What to read or watch next within :minutes: next-up first, then the inbox, in study-plan "
                    "order; an item that does not fit is passed over for a shorter one (same as `tracker next`)."),
    "sql": PLAN_SESSION_SQL,
    "params": ["minutes"],
    "hide_sql": True,
}

SEARCH_PART = (
    "select 'page text' as kind, x.id as item, x.title as title, x.url as url,\n"
    "  snippet(snapshots_fts, 1, {marks}, '…', 16) as snippet,\n"
    "  {order} as kind_order, snapshots_fts.rank as rank\n"
    "from snapshots_fts join snapshots x on x.rowid = snapshots_fts.rowid\n"
    "where snapshots_fts match tracker_fts_query(:q)"
)
