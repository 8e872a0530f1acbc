"""The flashcards in the reading room: ``cards``, ``reviews`` and ``card_days`` tables for the published
database, and their Datasette docs and canned queries (due today, retention over time, cards per topic).

The build calls ``write_card_tables`` once and metadata merges ``card_metadata``; everything about cards
stays here, so the publish code needs two small hooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tracker.cards.collection import Collection, assemble, lab_topics
from tracker.cards.reviewlog import LOG_NAME, format_time, read_log
from tracker.cards.schedule import replay_steps


def log_file(root: Path) -> Path:
    """The review log, for the build's change detection."""
    return Path(root) / LOG_NAME


def collection_for_build(resources_file: Path, document: Any, notes: Sequence[Any]) -> Collection:
    """The same collection the CLI sees, from the build's already-loaded document and notes."""
    urls = {r.id: r.url for r in document.resources}
    glossary = [t.model_dump() for t in document.glossary]
    topics = [t.model_dump() for t in document.topics]
    return assemble(resources_file, notes, glossary, topics, urls, lab_topics(Path(resources_file).parent))


def card_rows(collection: Collection) -> list[dict]:
    rows = []
    for view in collection.views():
        card, state = view.card, view.state
        fsrs_card = state.fsrs_card if state else None
        rows.append({
            "id": card.id, "kind": card.kind, "question": card.question, "answer": card.answer,
            "topic": card.topic, "part": collection.plan.part(card.topic), "source": card.source, "note": card.note,
            "state": state.state if state else "new", "due": format_time(state.due) if state else None,
            "stability": round(fsrs_card.stability, 3) if fsrs_card and fsrs_card.stability else None,
            "difficulty": round(fsrs_card.difficulty, 3) if fsrs_card and fsrs_card.difficulty else None,
            "reviews": state.reviews if state else 0, "lapses": state.lapses if state else 0,
            "last_review": format_time(fsrs_card.last_review) if fsrs_card and fsrs_card.last_review else None,
            "last_grade": state.last_grade if state else None, "suspended": view.paused,
        })
    return rows


def review_rows(collection: Collection) -> list[dict]:
    """One row per review; ``recall`` marks reviews of learnt cards (the ones retention is measured on)."""
    reviews, _problems = read_log(collection.log_file)
    pending = {old: new for new, old in collection.renamed.items()}  # reworded cards not reviewed since
    rows = []
    for number, (review, before, _after) in enumerate(replay_steps(reviews), start=1):
        rows.append({
            "id": number, "card": pending.get(review.card, review.card), "at": format_time(review.at), "day": review.at.date().isoformat(),
            "grade": review.grade, "rating": review.rating, "before": before.state,
            "recall": int(before.state == "review"), "recalled": int(review.grade != "again"),
            "predicted": round(before.predicted, 3) if before.predicted is not None else None,
        })
    return rows


def day_rows(reviews: list[dict]) -> list[dict]:
    """Per day: reviews, new cards, and retention (recalled share of reviews of learnt cards) next to what
    FSRS predicted for those reviews."""
    days: dict[str, dict] = {}
    for row in reviews:
        day = days.setdefault(row["day"], {"day": row["day"], "reviews": 0, "new_cards": 0, "recall_reviews": 0,
                                           "recalled": 0, "_predicted": 0.0})
        day["reviews"] += 1
        day["new_cards"] += int(row["before"] == "new")
        if row["recall"]:
            day["recall_reviews"] += 1
            day["recalled"] += row["recalled"]
            day["_predicted"] += row["predicted"] or 0.0
    rows = []
    for day in sorted(days.values(), key=lambda d: d["day"]):
        count = day.pop("_predicted")
        recall = day["recall_reviews"]
        day["retention"] = round(100 * day["recalled"] / recall, 1) if recall else None
        day["predicted"] = round(100 * count / recall, 1) if recall else None
        rows.append(day)
    return rows


def write_card_tables(db: Any, resources_file: Path, document: Any, notes: Sequence[Any]) -> dict[str, int]:
    """Insert the card tables into the build's sqlite-utils ``db``; returns rows per table."""
    collection = collection_for_build(resources_file, document, notes)
    cards = card_rows(collection)
    reviews = review_rows(collection)
    days = day_rows(reviews)
    db["cards"].create(_CARD_COLUMNS, pk="id")
    db["reviews"].create(_REVIEW_COLUMNS, pk="id")  # no foreign key: a removed card's reviews stay
    db["card_days"].create(_DAY_COLUMNS, pk="day")
    for table, rows in (("cards", cards), ("reviews", reviews), ("card_days", days)):
        db[table].insert_all(rows)
    for table, column in (("cards", "topic"), ("cards", "due"), ("reviews", "card"), ("reviews", "day")):
        db[table].create_index([column])
    return {"cards": len(cards), "reviews": len(reviews), "card_days": len(days)}


_CARD_COLUMNS = {name: str for name in ("id", "kind", "question", "answer", "topic", "part", "source", "note",
                                        "state", "due", "last_review", "last_grade", "suspended")} | {
    "stability": float, "difficulty": float, "reviews": int, "lapses": int}
_REVIEW_COLUMNS = {"id": int, "card": str, "at": str, "day": str, "grade": str, "rating": int, "before": str,
                   "recall": int, "recalled": int, "predicted": float}
_DAY_COLUMNS = {"day": str, "reviews": int, "new_cards": int, "recall_reviews": int, "recalled": int,
                "retention": float, "predicted": float}


def _bar(expression: str, scale: int) -> str:
    """SQL for a bar of block characters, ``expression`` / ``scale`` long: a chart inside a table."""
    return f"replace(hex(zeroblob(cast(round(coalesce({expression}, 0) / {scale}.0) as integer))), '00', '█')"


CARD_QUERIES: dict[str, dict] = {
    "cards_due_today": {
        "title": "Flashcards due today",
        "description": "Cards to review today (run `tracker review`), most overdue first; paused cards aside.",
        "sql": (
            "select c.id, c.question, c.topic, t.title as chapter, c.due, c.state, c.reviews, c.lapses\n"
            "from cards c left join topics t on t.id = c.topic\n"
            "where c.suspended is null and c.due is not null and c.due < date('now', '+1 day')\n"
            "order by c.due"
        ),
    },
    "retention_over_time": {
        "title": "Flashcard retention over time",
        "description": (
            "Per day: share of learnt cards recalled (not graded again), against the recall FSRS predicted; "
            "each block is 5 %."
        ),
        "sql": (
            "select day, retention, " + _bar("retention", 5) + " as chart, predicted, reviews, new_cards,\n"
            "  recall_reviews\nfrom card_days\norder by day desc"
        ),
    },
    "cards_per_topic": {
        "title": "Flashcards per topic",
        "description": "Cards per study-plan chapter: how many, how many learnt, due today and paused.",
        "sql": (
            "select coalesce(t.number || ' ' || t.title, c.topic, '(no topic)') as topic, count(*) as cards,\n"
            "  " + _bar("count(*)", 1) + " as chart,\n"
            "  sum(c.state = 'review') as learnt, sum(c.state = 'new') as new,\n"
            "  sum(c.suspended is null and c.due < date('now', '+1 day')) as due_today,\n"
            "  sum(c.suspended is not null) as paused\n"
            "from cards c left join topics t on t.id = c.topic\n"
            "group by c.topic\norder by min(coalesce(t.position, 1e9)), c.topic"
        ),
    },
}
for _query in CARD_QUERIES.values():
    _query["hide_sql"] = True

CARD_TABLE_DOCS: dict[str, dict] = {
    "cards": {
        "description": "Flashcards from the notes' Q&A tables and the glossary, with their FSRS schedule.",
        "facets": ["topic", "state", "kind", "source"],
        "sort": "due",
        "label_column": "question",
        "columns": {
            "id": "Stable card id (see docs/flashcards.md)", "kind": "question, term, reverse or alias",
            "question": "What the card asks", "answer": "What it answers", "topic": "Study-plan chapter",
            "part": "Part of the study plan (the Anki deck)", "source": "Note file or the glossary",
            "note": "Note id", "state": "new, learning, review or relearning", "due": "Next review (UTC)",
            "stability": "FSRS stability, in days", "difficulty": "FSRS difficulty, 1 to 10",
            "reviews": "Reviews so far", "lapses": "Times forgotten after being learnt",
            "last_review": "Last review (UTC)", "last_grade": "Grade of the last review",
            "suspended": "Why the card is paused (its source's link is dead, its row was removed)",
        },
    },
    "reviews": {
        "description": "Every review from the review log (.tracker-reviews.jsonl), oldest first.",
        "facets": ["grade", "day", "before"],
        "sort_desc": "at",
        "columns": {
            "id": "Review number, oldest first", "card": "The card", "at": "When (UTC)", "day": "Day (UTC)", "grade": "again, hard, good or easy",
            "rating": "FSRS rating 1-4", "before": "Card state before the review",
            "recall": "1 when the card had been learnt (counts for retention)",
            "recalled": "1 unless graded again", "predicted": "Recall probability FSRS predicted",
        },
    },
    "card_days": {
        "description": "Reviews per day and retention (percent of learnt cards recalled) against FSRS's prediction.",
        "sort_desc": "day",
        "columns": {
            "day": "Day (UTC)", "reviews": "Reviews that day", "new_cards": "Cards seen for the first time",
            "recall_reviews": "Reviews of learnt cards", "recalled": "Of those, not graded again",
            "retention": "Percent of learnt cards recalled", "predicted": "Percent FSRS predicted for them",
        },
    },
}


def card_metadata() -> tuple[dict[str, dict], dict[str, dict]]:
    """(table metadata, canned queries) for the reading room's metadata."""
    return CARD_TABLE_DOCS, CARD_QUERIES
