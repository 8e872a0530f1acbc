"""Cards out of tracker: an Anki package (``genanki``: one deck per part of the study plan, tags from the
topics) to review on a phone, and CSV for anything else.

Each Anki note's guid comes from the card id, so importing a newer export updates the cards instead of
adding copies. The export carries the cards, not tracker's schedule: Anki schedules them from then on.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections.abc import Sequence
from pathlib import Path

from tracker.cards.collection import CardView, StudyPlan
from tracker.cards.deck import GLOSSARY_SOURCE, Card

ROOT_DECK = "tracker"
MODEL_ID = 1733215601  # fixed, so every export uses the same Anki note type
CSV_COLUMNS = ("id", "question", "answer", "deck", "tags", "topic", "source", "due", "suspended")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")


def deck_name(card: Card, plan: StudyPlan) -> str:
    """``tracker::<part of the study plan>``; cards without a topic go to Glossary or Notes."""
    part = plan.part(card.topic)
    if part is not None:
        return f"{ROOT_DECK}::{plan.label(part)}"
    return f"{ROOT_DECK}::{'Glossary' if card.source == GLOSSARY_SOURCE else 'Notes'}"


def card_tags(card: Card, plan: StudyPlan, paused: bool = False) -> list[str]:
    """``topic_3.1.1`` for the card's topic and each chapter above it, plus where it comes from."""
    tags = [f"topic_{_tag_text(t)}" for t in reversed(plan.chain(card.topic))]
    tags.append("glossary" if card.source == GLOSSARY_SOURCE else "notes")
    if paused:
        tags.append("paused")
    return tags


def _tag_text(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def field_html(text: str) -> str:
    """A note's Markdown-ish cell as safe Anki HTML: escaped, with bold, italics and code kept."""
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    escaped = _ITALIC.sub(r"<i>\1</i>", escaped)
    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    return escaped.replace("\n", "<br>")


def _stable_int(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) >> 1 or 1


def write_anki(views: Sequence[CardView], plan: StudyPlan, path: Path) -> dict[str, int]:
    """Write an ``.apkg`` with every card (paused ones suspended); returns cards per deck."""
    import genanki

    model = genanki.Model(
        MODEL_ID,
        "tracker flashcard",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Source"}, {"name": "CardId"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Question}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}<div class="source">{{Source}}</div>',
        }],
        css=".card { font-family: sans-serif; font-size: 20px; text-align: left; }\n"
            ".source { margin-top: 1em; font-size: 12px; color: #888; }",
    )
    decks: dict[str, genanki.Deck] = {}
    counts: dict[str, int] = {}
    for view in views:
        card = view.card
        name = deck_name(card, plan)
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(_stable_int(name), name)
        note = genanki.Note(
            model=model,
            fields=[field_html(card.question), field_html(card.answer), html.escape(card.source), card.id],
            tags=card_tags(card, plan, view.paused is not None),
            guid=genanki.guid_for(card.id),
        )
        if view.paused is not None:
            for anki_card in note.cards:
                anki_card.suspend = True
        deck.add_note(note)
        counts[name] = counts.get(name, 0) + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(list(decks.values())).write_to_file(str(path))
    return counts


def render_csv(views: Sequence[CardView], plan: StudyPlan) -> str:
    """One row per card with the columns of ``CSV_COLUMNS`` (tags space-separated, as Anki imports them),
    CRLF line ends as RFC 4180 says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; with "\n" a lone "\r" would go unquoted
    writer.writerow(CSV_COLUMNS)
    for view in views:
        card = view.card
        due = view.as_json()["due"]
        writer.writerow([card.id, card.question, card.answer, deck_name(card, plan),
                         " ".join(card_tags(card, plan, view.paused is not None)), card.topic or "", card.source,
                         due or "", view.paused or ""])
    return buffer.getvalue()
