"""Each card's schedule, derived by replaying the review log through FSRS (the ``fsrs`` package, Anki's
scheduler), so a fresh clone computes exactly the due dates the reviewing machine saw.

Replays must be deterministic, so the scheduler runs without interval fuzzing (fuzzing draws random numbers);
everything else is the package's defaults (desired retention 0.9, learning steps 1 and 10 minutes).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tracker.cards.deck import Card, normalise
from tracker.cards.reviewlog import Review

SIMILAR_ENOUGH = 0.75  # a reworded prompt at least this similar (difflib ratio) keeps the card's history


def make_scheduler() -> Any:
    """The one FSRS scheduler every replay and every test uses."""
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=False)


def numeric_id(card_id: str) -> int:
    """fsrs wants an int id (it would otherwise invent one from the clock and sleep a millisecond)."""
    return int(hashlib.sha1(card_id.encode("utf-8")).hexdigest()[:12], 16)


@dataclass
class CardState:
    """What the log says about one card: the FSRS card after its last review, and counts."""

    fsrs_card: Any
    reviews: int = 0
    lapses: int = 0  # reviews graded "again" once the card had been learnt
    first_review: dt.datetime | None = None
    last_grade: str | None = None

    @property
    def due(self) -> dt.datetime:
        return self.fsrs_card.due

    @property
    def state(self) -> str:
        return self.fsrs_card.state.name.lower()  # learning, review, relearning


def replay(reviews: Iterable[Review], scheduler: Any = None) -> dict[str, CardState]:
    """Every reviewed card's state after replaying ``reviews`` (already in time order) through FSRS."""
    states: dict[str, CardState] = {}
    for review, _before, state in replay_steps(reviews, scheduler):
        states[review.card] = state
    return states


@dataclass(frozen=True)
class Before:
    """What FSRS knew of a card just before a review: its state and the recall it predicted."""

    state: str  # new, learning, review, relearning
    predicted: float | None  # retrievability at the review's time (None for a new card)


def replay_steps(reviews: Iterable[Review], scheduler: Any = None) -> Iterator[tuple[Review, Before, CardState]]:
    """Replay ``reviews`` (in time order), yielding each with what FSRS knew before it and the state after."""
    import fsrs

    scheduler = scheduler or make_scheduler()
    states: dict[str, CardState] = {}
    for review in reviews:
        state = states.get(review.card)
        if state is None:
            state = states[review.card] = CardState(
                fsrs.Card(card_id=numeric_id(review.card), due=review.at), first_review=review.at)
            before = Before("new", None)
        else:
            predicted = scheduler.get_card_retrievability(state.fsrs_card, review.at)
            before = Before(state.state, predicted)
        when = max(review.at, state.fsrs_card.last_review or review.at)  # a clock that went back: same instant
        state.fsrs_card, _log = scheduler.review_card(state.fsrs_card, fsrs.Rating(review.rating), when)
        state.reviews += 1
        state.lapses += int(before.state == "review" and review.grade == "again")
        state.last_grade = review.grade
        yield review, before, state


def carry_over(reviews: Sequence[Review], cards: Sequence[Card]) -> tuple[list[Review], dict[str, str]]:
    """Hand the history of ids that no longer exist to the cards that replaced them.

    An id in the log that no current card has, whose last logged question is similar enough to the prompt of a
    current card of the same kind that has no history of its own, is taken to be that card reworded. Pairs are
    matched best first, each card at most once, so the result does not depend on file order. Returns the
    reviews with ids rewritten, and ``{old id: new id}``.
    """
    current = {card.id for card in cards}
    logged: dict[str, str] = {}
    for review in reviews:
        logged[review.card] = review.question or logged.get(review.card, "")
    orphans = sorted(card_id for card_id in logged if card_id not in current)
    fresh = [card for card in cards if card.id not in logged]
    if not orphans or not fresh:
        return list(reviews), {}
    pairs: list[tuple[float, str, str]] = []
    for old in orphans:
        old_text = normalise(logged[old])
        if not old_text:
            continue
        for card in fresh:
            if card.id[:2] != old[:2]:
                continue
            matcher = difflib.SequenceMatcher(None, old_text, normalise(card.question), autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR_ENOUGH or matcher.quick_ratio() < SIMILAR_ENOUGH:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR_ENOUGH:
                pairs.append((-ratio, old, card.id))
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for _ratio, old, new in sorted(pairs):
        if old not in renamed and new not in taken:
            renamed[old] = new
            taken.add(new)
    return [replace(r, card=renamed.get(r.card, r.card)) for r in reviews], renamed


def is_due(state: CardState, now: dt.datetime) -> bool:
    """Due now; a card in the review state counts as due for the whole (local) day it falls on, as in Anki,
    so a learner who reviews at 9 one day and 8 three days later is not made to wait an hour."""
    if state.due <= now:
        return True
    return state.state == "review" and state.due.astimezone().date() <= now.astimezone().date()


def recalled_share(grades: Iterable[str]) -> float | None:
    """Share of reviews not graded "again" (None for no reviews)."""
    grades = list(grades)
    return sum(1 for g in grades if g != "again") / len(grades) if grades else None
