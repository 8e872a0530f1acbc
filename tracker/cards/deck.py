"""Which cards exist: one per ``| Question | Answer |`` row of a note, and up to three per glossary term.

The id rule (docs/flashcards.md repeats it for users):

- A card's id is a kind letter and 8 hex digits of a SHA-1 of its *normalised* prompt: ``q-`` a note's
  question, ``t-`` a glossary term (term -> definition), ``r-`` the same term asked the other way
  (definition -> term), ``a-`` a term's other name (``Q (Query)``: what does Q stand for?).
- Normalising lower-cases, drops Markdown emphasis and punctuation and collapses spaces, so fixing a typo's
  case, punctuation or spacing, editing the answer, moving a row to another note or renaming the note keeps
  the id (and so the card's review history).
- Rewording a question (or renaming a term) makes a new id. ``schedule.carry_over`` then hands the old card's
  history to the new one when the old id is gone and the new prompt is similar enough (see there).
- Two rows with the same normalised question get ``-2``, ``-3``... in note order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = {"q": "question", "t": "term", "r": "reverse", "a": "alias"}
GLOSSARY_SOURCE = "glossary"
_MARKUP = re.compile(r"[*_`~]+")
_NOT_WORD = re.compile(r"[^\w]+")
_ALIAS = re.compile(r"^(?P<short>[^()]+?)\s*\((?P<long>[^()]+)\)\s*$")
MIN_REVERSE_WORDS = 4  # a shorter definition does not point at one term, so it gets no reverse card


@dataclass(frozen=True)
class Card:
    """One flashcard: what is asked and answered, and where it comes from (for filters, decks and pauses)."""

    id: str
    kind: str  # question, term, reverse, alias
    question: str
    answer: str
    source: str  # "notes/<file>.md" or "glossary"
    topic: str | None = None
    note: str | None = None  # the note id for a question card
    items: tuple[str, ...] = ()  # related reading-list item ids (a note's `related:`)
    urls: tuple[str, ...] = ()  # a glossary term's links
    order: int = 0  # position in the study order (new cards are introduced in this order)


def normalise(text: str) -> str:
    """The prompt as the id sees it: case, Markdown emphasis, punctuation and spacing do not count."""
    return " ".join(_NOT_WORD.sub(" ", _MARKUP.sub("", text).lower()).split())


def prompt_hash(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:8]


@dataclass
class _Ids:
    """Hands out ids, numbering repeats of the same one in the order they are met."""

    seen: dict[str, int] = field(default_factory=dict)

    def take(self, base: str) -> str:
        count = self.seen.get(base, 0) + 1
        self.seen[base] = count
        return base if count == 1 else f"{base}-{count}"


def mask_term(definition: str, term: str) -> str:
    """The definition with the term (and each of its names) blanked out, so a reverse card does not tell."""
    names = [term]
    alias = _ALIAS.match(term)
    if alias:
        names += [alias.group("short"), alias.group("long")]
    masked = definition
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        tail = r"\w*" if len(name) >= 3 else r"(?!\w)"  # "temperatures" goes too; the "K" of "Key" does not
        masked = re.sub(rf"(?<!\w){re.escape(name)}{tail}", "___", masked, flags=re.IGNORECASE)
    return masked


def question_cards(notes: Iterable[Any], ids: _Ids, start: int = 0) -> list[Card]:
    """A ``q-`` card per Q&A row of each note (``tracker.notes`` ``Note`` objects), in note order."""
    cards: list[Card] = []
    for note in notes:
        source = f"notes/{note.id}.md"
        for row in note.questions:
            if not row.question.strip():
                continue
            cards.append(Card(
                id=ids.take(f"q-{prompt_hash(row.question)}"), kind="question", question=row.question,
                answer=row.answer, source=source, topic=note.topic, note=note.id,
                items=tuple(note.related), order=start + len(cards),
            ))
    return cards


def term_cards(terms: Iterable[dict], ids: _Ids, start: int = 0,
               lab_topics: dict[str, str] | None = None) -> list[Card]:
    """Cards of glossary entries (dicts with ``term``, ``definition``, ``links``, ``lab``): term ->
    definition; definition -> term when the definition is long enough to point at one term; alias cards for
    ``Short (Long)`` terms. A term's topic is the one its lab experiment belongs to (``lab_topics``)."""
    lab_topics = lab_topics or {}
    cards: list[Card] = []
    for entry in terms:
        term = str(entry.get("term") or "").strip()
        definition = str(entry.get("definition") or "").strip()
        if not term or not definition:
            continue
        urls = tuple(str(link.get("url")) for link in entry.get("links") or [] if isinstance(link, dict)
                     and link.get("url"))
        digest = prompt_hash(term)
        topic = lab_topics.get(str(entry.get("lab") or ""))

        prompts = [("t", "term", term, definition)]
        if len(definition.split()) >= MIN_REVERSE_WORDS:
            prompts.append(("r", "reverse", f"Name the term: ___ {mask_term(definition, term)}", term))
        alias = _ALIAS.match(term)
        if alias:
            short, long = alias.group("short").strip(), alias.group("long").strip()
            prompts.append(("a", "alias", f"What is {short} also called?", long))
        for prefix, kind, question, answer in prompts:
            cards.append(Card(id=ids.take(f"{prefix}-{digest}"), kind=kind, question=question, answer=answer,
                              source=GLOSSARY_SOURCE, topic=topic, urls=urls, order=start + len(cards)))
    return cards


def build_cards(notes: Sequence[Any], glossary: Sequence[dict],
                lab_topics: dict[str, str] | None = None) -> list[Card]:
    """Every card: the notes' questions first, then the glossary, each in file order."""
    ids = _Ids()
    cards = question_cards(notes, ids)
    return cards + term_cards(glossary, ids, start=len(cards), lab_topics=lab_topics)
