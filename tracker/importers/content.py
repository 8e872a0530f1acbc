"""What an importer hands back: the links it found plus anything else the file held (advice, notes...)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.importers.plan import FoundItem
from tracker.models import Advice, Term, Topic


@dataclass
class NoteDraft:
    """A study note to write into notes/: front matter fields plus the Markdown body."""

    slug: str
    title: str
    topic: str | None
    body: str
    origin: str
    related_urls: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    """Something in the file that looked like an entry but was not imported, and why."""

    origin: str
    text: str
    reason: str


@dataclass
class ImportedContent:
    """Everything one file holds, before it meets the list (``plan_import`` dedupes ``found``)."""

    found: list[FoundItem] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    glossary: list[Term] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    notes: list[NoteDraft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
