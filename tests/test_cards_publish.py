"""Flashcards in the reading room: the built database has cards, reviews and retention per day, and the canned
queries (due today, retention over time, cards per topic) run on it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from tests.cards_support import shipped_project
from tests.conftest import git, run_tracker
from tracker.cards.tables import CARD_QUERIES, CARD_TABLE_DOCS
from tracker.publish.metadata import datasette_metadata

TENSOR = "q-d4b073b9"


def test_built_database_has_cards_reviews_and_retention(tmp_path: Path) -> None:
    folder = shipped_project(tmp_path / "study")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=30)
    steps = [(0, TENSOR, "good"), (0.01, TENSOR, "good"), (3, TENSOR, "good"), (3, "q-b1859d28", "easy"),
             (20, TENSOR, "again"), (25, "q-b1859d28", "good")]
    lines = [json.dumps({"at": (start + dt.timedelta(days=d)).isoformat().replace("+00:00", "Z"), "card": card,
                         "grade": grade}) for d, card, grade in steps]
    (folder / ".tracker-reviews.jsonl").write_text("\n".join(lines) + "\n")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "reviews")
    proc = run_tracker("build", "--db", "site.db", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    conn = sqlite3.connect(folder / "site.db")
    conn.row_factory = sqlite3.Row
    cards = {row["id"]: dict(row) for row in conn.execute("select * from cards")}
    listed = json.loads(run_tracker("cards", "list", "--json", cwd=folder).stdout)
    assert {c["id"]: c["due"] for c in listed} == {i: c["due"] for i, c in cards.items()}  # the CLI agrees
    assert cards[TENSOR]["reviews"] == 4 and cards[TENSOR]["lapses"] == 1 and cards[TENSOR]["part"] == "I"
    reviews = [dict(r) for r in conn.execute("select * from reviews order by id")]
    assert [r["before"] for r in reviews if r["card"] == TENSOR] == ["new", "learning", "review", "review"]
    days = [dict(r) for r in conn.execute("select * from card_days order by day")]
    assert sum(d["reviews"] for d in days) == 6
    assert [d["retention"] for d in days if d["recall_reviews"]] == [100.0, 0.0, 100.0]
    for name, query in CARD_QUERIES.items():
        rows = conn.execute(query["sql"]).fetchall()
        assert rows, name
    due_today = [r["id"] for r in conn.execute(CARD_QUERIES["cards_due_today"]["sql"])]
    assert due_today == [c["id"] for c in listed if c["due"] and c["due"][:10] < _tomorrow()]
    chart = conn.execute(CARD_QUERIES["retention_over_time"]["sql"]).fetchone()
    assert chart["chart"] == "█" * 20 and chart["retention"] == 100.0
    per_topic = {r["topic"]: r["cards"] for r in conn.execute(CARD_QUERIES["cards_per_topic"]["sql"])}
    assert per_topic["1.1 PyTorch Basics"] == 7 and per_topic["3.1.1 The Geometry of Linear Equations"] == 13
    conn.close()
    again = run_tracker("build", "--db", "site.db", cwd=folder)
    assert "up to date" in again.stdout
    (folder / ".tracker-reviews.jsonl").write_text("\n".join(lines[:2]) + "\n")
    assert "up to date" not in run_tracker("build", "--db", "site.db", cwd=folder).stdout  # the log is a source


def test_metadata_describes_the_card_tables_and_queries() -> None:
    database = datasette_metadata()["databases"]["tracker"]
    for name in CARD_TABLE_DOCS:
        assert database["tables"][name]["description"]
    assert {"cards_due_today", "retention_over_time", "cards_per_topic"} <= set(database["queries"])


def _tomorrow() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
