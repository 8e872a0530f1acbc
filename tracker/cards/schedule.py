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
from dataclasses import dataclass
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
    """What the log says about one card: the FSRS card after its last review, counts, and the question and
    source it last had (to name a card whose row is gone, and to find a reworded card's history)."""

    fsrs_card: Any
    reviews: int = 0
    lapses: int = 0  # reviews graded "again" once the card had been learnt
    first_review: dt.datetime | None = None
    last_grade: str | None = None
    question: str = ""
    source: str = ""

    @property
    def due(self) -> dt.datetime:
        return self.fsrs_card.due

    @property
    def state(self) -> str:
        return self.fsrs_card.state.name.lower()  # learning, review, relearning

    def to_json(self) -> dict[str, Any]:
        return {"fsrs": self.fsrs_card.to_dict(), "reviews": self.reviews, "lapses": self.lapses,
                "first_review": self.first_review.isoformat() if self.first_review else None,
                "last_grade": self.last_grade, "question": self.question, "source": self.source}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardState:
        import fsrs

        first = data.get("first_review")
        return cls(fsrs.Card.from_dict(data["fsrs"]), int(data["reviews"]), int(data["lapses"]),
                   dt.datetime.fromisoformat(first) if first else None, data.get("last_grade"),
                   str(data.get("question") or ""), str(data.get("source") or ""))


@dataclass(frozen=True)
class Before:
    """What FSRS knew of a card just before a review: its state and the recall it predicted."""

    state: str  # new, learning, review, relearning
    predicted: float | None  # retrievability at the review's time (None for a new card)


def replay(reviews: Iterable[Review], scheduler: Any = None,
           states: dict[str, CardState] | None = None) -> dict[str, CardState]:
    """Every reviewed card's state after replaying ``reviews`` (in replay order) through FSRS, continuing
    from ``states`` when given (they are updated in place)."""
    states = {} if states is None else states
    for _step in replay_steps(reviews, scheduler, states, predict=False):
        pass
    return states


def replay_steps(reviews: Iterable[Review], scheduler: Any = None, states: dict[str, CardState] | None = None,
                 predict: bool = True) -> Iterator[tuple[Review, Before, CardState]]:
    """Replay ``reviews`` (in replay order), yielding each with what FSRS knew before it and the state after.

    A review with ``renamed_from`` first hands the old id's state to its card (a reworded question)."""
    import fsrs

    scheduler = scheduler or make_scheduler()
    states = {} if states is None else states
    for review in reviews:
        if review.renamed_from and review.card not in states and review.renamed_from in states:
            states[review.card] = states.pop(review.renamed_from)
        state = states.get(review.card)
        if state is None:
            state = states[review.card] = CardState(
                fsrs.Card(card_id=numeric_id(review.card), due=review.at), first_review=review.at)
            before = Before("new", None)
        else:
            predicted = scheduler.get_card_retrievability(state.fsrs_card, review.at) if predict else None
            before = Before(state.state, predicted)
        when = max(review.at, state.fsrs_card.last_review or review.at)  # a clock that went back: same instant
        state.fsrs_card, _log = scheduler.review_card(state.fsrs_card, fsrs.Rating(review.rating), when)
        state.reviews += 1
        state.lapses += int(before.state == "review" and review.grade == "again")
        state.last_grade = review.grade
        state.question, state.source = review.question or state.question, review.source or state.source
        yield review, before, state


def carry_over(logged: dict[str, str], cards: Sequence[Card]) -> dict[str, str]:
    """Which ids that no longer exist were reworded into which current cards: ``{old id: new id}``.

    ``logged`` maps each id with a history to its last logged question. An id no current card has, whose
    question is similar enough to the prompt of a current card of the same kind that has no history of its own,
    is taken to be that card reworded. Pairs are matched best first, each card at most once, so the result does
    not depend on file order. The card's first review then records ``renamed_from`` in the log.
    """
    current = {card.id for card in cards}
    orphans = sorted(card_id for card_id in logged if card_id not in current)
    fresh = [card for card in cards if card.id not in logged]
    if not orphans or not fresh:
        return {}
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
    return renamed


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
