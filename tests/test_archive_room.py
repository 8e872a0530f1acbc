"""The archive in the reading room: saved text readable offline (sanitised), searched with everything else, the
Dead links page's archived copy, and the session planner as a page."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import git
from tests.test_archive_plan import PLAN_YAML, snapshot
from tracker.archive.readtime import WORDS_PER_MINUTE
from tracker.publish.build import build_database
from tracker.publish.metadata import CANNED_QUERIES, datasette_metadata
from tracker.publish.plugin import fts_query
from tracker.publish.sources import Project


def _query(db: Path, name: str, **params: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    conn.create_function("tracker_fts_query", 1, fts_query)
    try:
        return [dict(row) for row in conn.execute(CANNED_QUERIES[name]["sql"], params)]
    finally:
        conn.close()


def test_reading_room_has_sanitised_text_search_plan_and_archived_copies(project: Path) -> None:
    (project / "resources.yaml").write_text(PLAN_YAML)
    for item_id, minutes in (("long-inbox", 30), ("late-topic", 10), ("early-topic", 20), ("small-inbox", 5)):
        snapshot(project, item_id, minutes * WORDS_PER_MINUTE)
    (project / "archive" / "early-topic.md").write_text(
        "---\nurl: https://example.org/3\nsaved: 2025-02-03\nwords: 4600\n---\n\n"
        "# Heading\n\nThe platypus <script>alert(1)</script> lays eggs. " + "filler " * 4594 + "\n")
    (project / ".tracker").mkdir(exist_ok=True)
    (project / ".tracker" / "wayback.json").write_text(json.dumps({"https://example.org/1": "https://web.archive.org/web/1/x"}))
    git(project, "add", ".")
    git(project, "commit", "-qm", "room")
    db = project / "room.db"
    result = build_database(Project(project / "resources.yaml"), db)
    assert result.counts["snapshots"] == 4

    conn = sqlite3.connect(db)
    body_html, minutes, wayback = conn.execute(
        "select body_html, read_minutes, wayback_url from snapshots where id = 'early-topic'").fetchone()
    conn.close()
    assert "<script" not in body_html and "platypus" in body_html and "<h1>" in body_html
    assert minutes == 20 and wayback.startswith("https://web.archive.org/web/20250203/https://example.org/3")

    hits = _query(db, "search", q="platypus")
    assert [(hit["kind"], hit["item"]) for hit in hits] == [("page text", "early-topic")]
    plan = _query(db, "plan_session", minutes="45")
    assert [row["id"] for row in plan] == ["early-topic", "late-topic", "small-inbox"]
    assert "snapshots" in datasette_metadata()["databases"]["tracker"]["tables"]
    assert "archived_url" in CANNED_QUERIES["dead_links"]["sql"]
    conn = sqlite3.connect(db)
    assert conn.execute("select archived_url from archived_copies").fetchall() == [("https://web.archive.org/web/1/x",)]
    conn.close()
