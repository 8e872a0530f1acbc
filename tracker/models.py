"""The data model of resources.yaml and notes/, validated with pydantic v2.

Every model keeps keys a person added by hand (``extra="allow"``) so a round trip never drops them.
Field order here is the order the writer emits keys in.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Status(StrEnum):
    """Where an item stands in the reading flow."""

    INBOX = "inbox"
    NEXT_UP = "next-up"
    READING = "reading"
    DONE = "done"
    DROPPED = "dropped"


STATUS_VALUES: tuple[str, ...] = tuple(s.value for s in Status)


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True, populate_by_name=True, defer_build=True)


class ExtraLink(_Model):
    """Another link of the same work: its paper, code, tweet, video, slides... (``label`` says which)."""

    label: str
    url: str

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        return _valid_url(value)


def _valid_url(value: str) -> str:
    from tracker.urls import InvalidURLError, validate_url

    try:
        return validate_url(value)
    except InvalidURLError as exc:  # pydantic reports ValueErrors with the field's location
        raise ValueError(str(exc)) from None


class Resource(_Model):
    """One entry of the reading list."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=120)
    url: str
    links: list[ExtraLink] = Field(default_factory=list)
    title: str
    status: Status = Status.INBOX
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    topic: str | None = None
    lab: str | None = None
    comment: str | None = None
    added: dt.date | None = None
    status_changed: dt.date | None = None
    # Fetched metadata: a refresh fills these but never overwrites what the user wrote.
    authors: list[str] = Field(default_factory=list)
    published: dt.date | None = None
    site: str | None = None
    description: str | None = None
    kind: str | None = None
    canonical_url: str | None = None
    image: str | None = None

    @field_validator("tags", "authors", mode="before")
    @classmethod
    def _one_or_comma_separated(cls, value: object) -> object:
        # "tags: rlhf" or "tags: rlhf, dpo" written by hand: the tags meant, not an error.
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        return _valid_url(value)


class Source(_Model):
    name: str
    url: str | None = None


class Advice(_Model):
    """A quote or tip, with where it came from."""

    category: str
    text: str
    source: Source | None = None


class Link(_Model):
    title: str
    url: str


class Term(_Model):
    """A glossary entry."""

    term: str
    definition: str
    links: list[Link] = Field(default_factory=list)
    lab: str | None = None


class Topic(_Model):
    """A part or chapter of the study plan (``I.``, ``1.1.1``, ``3.1.24b``...)."""

    id: str
    title: str
    parent: str | None = None
    number: str | None = None
    summary: str | None = None
    lab: str | None = None


class Document(_Model):
    """The whole of resources.yaml."""

    resources: list[Resource] = Field(default_factory=list)
    advice: list[Advice] = Field(default_factory=list)
    glossary: list[Term] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)


class Question(BaseModel):
    """One row of a "| Question | Answer |" table in a note."""

    question: str
    answer: str
    note: str
    topic: str | None = None


class Note(BaseModel):
    """A Markdown study note in notes/ with its front matter."""

    id: str
    path: str
    title: str
    topic: str | None = None
    related: list[str] = Field(default_factory=list)
    body: str = ""
    questions: list[Question] = Field(default_factory=list)
