"""Put what a file holds next to what the list already has: new items, advice, terms, topics and notes.

Nothing here writes files; the import command hands the result to the store and the notes writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker.importers.content import ImportedContent, NoteDraft, Skipped
from tracker.importers.plan import ExistingItems, ImportPlan, ResourceList, plan_import
from tracker.models import Advice, Document, Resource, Status, Term, Topic
from tracker.urls import identity_key


@dataclass
class NoteToWrite:
    """A note with its related items resolved to ids."""

    draft: NoteDraft
    related: list[str]


@dataclass
class ImportResult:
    """What an import adds, and a line for everything it did not."""

    plan: ImportPlan
    advice: list[Advice] = field(default_factory=list)
    glossary: list[Term] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    notes: list[NoteToWrite] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    already_present: dict[str, int] = field(default_factory=dict)

    @property
    def changes_anything(self) -> bool:
        return bool(self.plan.resources or self.advice or self.glossary or self.topics or self.notes)


def _advice_key(advice: Advice) -> str:
    return " ".join(advice.text.casefold().split())


def combine(
    document: Document,
    content: ImportedContent,
    force_status: Status | None = None,
    existing_notes: set[str] | frozenset[str] = frozenset(),
    existing: ExistingItems | None = None,
    build: Callable[[dict[str, Any]], Resource] | None = None,
) -> ImportResult:
    """Decide what of ``content`` is new to ``document`` (and to the notes named ``existing_notes``).

    ``existing`` answers for the reading list when given (the store's index); else ``document.resources`` do.
    """
    view = existing if existing is not None else ResourceList(document.resources)
    plan = plan_import(content.found, view, force_status=force_status, build=build)
    result = ImportResult(plan=plan, skipped=list(content.skipped))
    present = {"advice": 0, "glossary": 0, "topics": 0, "notes": 0}

    seen_advice = {_advice_key(advice) for advice in document.advice}
    for advice in content.advice:
        if _advice_key(advice) in seen_advice:
            present["advice"] += 1
            continue
        seen_advice.add(_advice_key(advice))
        result.advice.append(advice)

    seen_terms = {term.term.casefold() for term in document.glossary}
    for term in content.glossary:
        if term.term.casefold() in seen_terms:
            present["glossary"] += 1
            continue
        seen_terms.add(term.term.casefold())
        result.glossary.append(term)

    seen_topics = {topic.id for topic in document.topics}
    for topic in content.topics:
        if topic.id in seen_topics:
            present["topics"] += 1
            continue
        seen_topics.add(topic.id)
        result.topics.append(topic)

    ids_by_key = {identity_key(item.url): item.id for item in plan.resources} if content.notes else {}
    for draft in content.notes:
        if draft.slug in existing_notes:
            present["notes"] += 1
            continue
        keys = dict.fromkeys(identity_key(url) for url in draft.related_urls)
        related = [item_id for key in keys if (item_id := ids_by_key.get(key) or view.id_for_url_key(key))]
        if draft.topic:
            related.extend(item.id for item in plan.resources if item.topic == draft.topic and item.id not in related)
        result.notes.append(NoteToWrite(draft, related))
    result.already_present = present
    return result
