"""Cards, their schedules and their pauses, put together from a project's files: what the commands, the
exports and the reading room all read, so they agree on every card's due date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.cards.deck import GLOSSARY_SOURCE, KINDS, Card, build_cards
from tracker.cards.history import load_states
from tracker.cards.pause import dead_links, pause_reasons
from tracker.cards.reviewlog import LogProblem, Review, append_reviews, log_path
from tracker.cards.schedule import CardState, carry_over, is_due, replay
from tracker.errors import NotFoundError, TrackerError

DEFAULT_NEW_PER_DAY = 20  # Anki's default
REPLAY_CACHE = "cards-replay.json"  # in .tracker/, git-ignored


@dataclass(frozen=True)
class StudyPlan:
    """The study plan's tree (topic id -> parent, title), to filter by chapter and to name decks."""

    parents: dict[str, str | None] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_topics(cls, topics: Sequence[dict]) -> StudyPlan:
        parents = {str(t["id"]): (str(t["parent"]) if t.get("parent") else None) for t in topics if t.get("id")}
        titles = {str(t["id"]): str(t.get("title") or t["id"]) for t in topics if t.get("id")}
        numbers = {str(t["id"]): str(t.get("number") or t["id"]) for t in topics if t.get("id")}
        return cls(parents, titles, numbers)

    def chain(self, topic: str | None) -> list[str]:
        """``topic`` and its ancestors, the part last (a topic not in the plan is its own chain)."""
        chain: list[str] = []
        while topic is not None and topic not in chain:
            chain.append(topic)
            topic = self.parents.get(topic)
        return chain

    def within(self, topic: str | None, wanted: str) -> bool:
        """Whether ``topic`` is ``wanted`` or below it (by the plan's parents, or by number: 3.1.2 is in 3.1)."""
        if topic is None:
            return False
        return wanted in self.chain(topic) or topic.startswith(wanted.rstrip(".") + ".")

    def part(self, topic: str | None) -> str | None:
        chain = self.chain(topic)
        return chain[-1] if chain else None

    def label(self, topic: str) -> str:
        number = self.numbers.get(topic, topic)
        title = self.titles.get(topic)
        return f"{number} {title}" if title else number


@dataclass(frozen=True)
class CardView:
    """A card as the user sees it: its schedule (None while new) and why it is paused (None when active)."""

    card: Card
    state: CardState | None
    paused: str | None = None

    @property
    def due(self) -> dt.datetime | None:
        return self.state.due if self.state else None

    def is_due(self, now: dt.datetime) -> bool:
        return self.paused is None and self.state is not None and is_due(self.state, now)

    def as_json(self) -> dict[str, Any]:
        card = self.card
        return {
            "id": card.id, "kind": card.kind, "question": card.question, "answer": card.answer,
            "due": _iso(self.due), "topic": card.topic, "source": card.source,
            "state": self.state.state if self.state else "new", "reviews": self.state.reviews if self.state else 0,
            "suspended": self.paused,
        }


def _iso(when: dt.datetime | None) -> str | None:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if when else None


@dataclass
class Collection:
    """Every card of a project with its state (keyed by current card ids: reworded cards already carry the
    history of the ids they replaced, see ``renamed``)."""

    data_file: Path
    cards: list[Card]
    plan: StudyPlan
    renamed: dict[str, str]  # new id -> the old id whose history it continues, until its first review
    states: dict[str, CardState]
    paused: dict[str, str]
    removed: list[Card]  # cards in the log whose row is gone: paused, history kept
    problems: list[LogProblem]

    @property
    def log_file(self) -> Path:
        return log_path(self.data_file)

    def views(self, topic: str | None = None, include_removed: bool = True) -> list[CardView]:
        cards = self.cards + (self.removed if include_removed else [])
        return [CardView(c, self.states.get(c.id), self.paused.get(c.id)) for c in cards
                if topic is None or self.plan.within(c.topic, topic)]

    def find(self, reference: str) -> Card:
        """A current card by id or unique id prefix."""
        matches = [c for c in self.cards if c.id == reference] or [c for c in self.cards if c.id.startswith(reference)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            gone = [c for c in self.removed if c.id.startswith(reference)]
            if gone:
                raise TrackerError(f"card {reference} is paused: {self.paused[gone[0].id]}")
            raise NotFoundError(f"no card {reference!r} (see `tracker cards list`)")
        raise NotFoundError(f"card {reference!r} is ambiguous: {', '.join(c.id for c in matches[:6])}")

    def new_today(self, now: dt.datetime) -> int:
        today = now.astimezone().date()
        return sum(1 for s in self.states.values() if s.first_review and s.first_review.astimezone().date() == today)

    def queue(self, now: dt.datetime, topic: str | None = None, new_per_day: int = DEFAULT_NEW_PER_DAY,
              limit: int | None = None) -> list[Card]:
        """What a session shows: due cards, most overdue first, then new cards in study order (no more new
        cards today than ``new_per_day`` minus those already started today), at most ``limit`` in all."""
        views = [v for v in self.views(topic, include_removed=False) if v.paused is None]
        due = sorted((v for v in views if v.is_due(now)), key=lambda v: (v.due, v.card.order))
        fresh = [v for v in views if v.state is None]
        allowance = max(0, new_per_day - self.new_today(now))
        chosen = [v.card for v in due] + [v.card for v in fresh[:allowance]]
        return chosen[:limit] if limit is not None else chosen

    def record(self, card: Card, grade: str, when: dt.datetime) -> CardState:
        """Append one review to the log (flushed at once) and return the card's new state."""
        review = Review(when.astimezone(dt.UTC).replace(microsecond=0), card.id, grade, card.question, card.source,
                        renamed_from=self.renamed.pop(card.id, ""))
        append_reviews(self.log_file, [review])
        replay([review], states=self.states)
        return self.states[card.id]


def assemble(data_file: Path, notes: Sequence[Any], glossary: Sequence[dict], topics: Sequence[dict],
             item_urls: dict[str, str], lab_topics: dict[str, str] | None = None,
             cache_file: Path | None = None) -> Collection:
    """A collection from already-read sources (the build has a ``Document``; the CLI reads the index).
    ``cache_file``: where to keep the replayed states between runs (see ``history``)."""
    data_file = Path(data_file)
    plan = StudyPlan.from_topics(topics)
    cards = build_cards(notes, glossary, lab_topics)
    states, problems = load_states(log_path(data_file), cache_file)
    renamed = carry_over({card_id: state.question for card_id, state in states.items()}, cards)
    for old, new in renamed.items():
        states[new] = states.pop(old)
    current = {c.id for c in cards}
    removed = [Card(id=card_id, kind=KINDS.get(card_id[:1], "question"), question=state.question or card_id,
                    answer="", source=state.source, order=10**9)
               for card_id, state in sorted(states.items()) if card_id not in current]
    paused = pause_reasons(cards, item_urls, dead_links(data_file.parent))
    for card in removed:
        where = "glossary term" if card.source == GLOSSARY_SOURCE else f"row in {card.source}"
        paused[card.id] = f"its {where} was removed"
    return Collection(data_file, cards, plan, {new: old for old, new in renamed.items()}, states, paused, removed,
                      problems)


def load_collection(data_file: Path) -> Collection:
    """The collection of the project whose resources.yaml is ``data_file`` (read through the store's index)."""
    from tracker.notes import load_notes, notes_dir
    from tracker.store import Store

    store = Store(Path(data_file), commit=False)
    index = store.index()
    notes = load_notes(notes_dir(store.path))
    related = {item for note in notes for item in note.related}
    item_urls = {}
    for item in sorted(related):
        row = index.resource(item)
        if row and row.get("url"):
            item_urls[item] = str(row["url"])
    return assemble(store.path, notes, index.entries("glossary"), index.entries("topics"), item_urls,
                    lab_topics(store.path.parent), store.state_dir / REPLAY_CACHE)


def lab_topics(root: Path) -> dict[str, str]:
    """Experiment id -> its topic, so a glossary term with a ``lab:`` lands in that part of the plan."""
    from tracker.errors import DataError
    from tracker.lab.discovery import discover_experiments

    lab_dir = root / "lab"
    if not lab_dir.is_dir():
        return {}
    try:
        return {exp_id: info.topic for exp_id, info in discover_experiments(lab_dir).items() if info.topic}
    except DataError:
        return {}
