"""What the build reads from resources.yaml: streamed from the store's index, or from the validated document.

The index (``.tracker/index.db``, brought up to date by the store, which validates every item and reports the
same errors as a full load) holds each item's validated data as JSON. Reading the rows from there, one at a
time, spares the build PyYAML, 100k pydantic models and holding the document, the rows and the JSON at once.
``DocumentSource`` is the validating path the build used before: kept as the reference the tests compare with,
and for the rare file whose item blocks the line scan cannot map to the index's rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.models import Document, Resource
    from tracker.store.index import Index

RESOURCE_COLUMNS = ("id", "title", "url", "status", "category", "tags", "topic", "lab", "comment", "added",
                    "status_changed", "authors", "published", "site", "kind", "description", "canonical_url",
                    "image", "links")


class ItemFacts(NamedTuple):
    """The few fields of an item the cards and the archive need (instead of its whole model)."""

    id: str
    title: str
    url: str
    category: str | None


class DocumentSource:
    """The build's input from a fully validated ``Document`` (the reference path)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.resources: list[Any] = document.resources
        self.topics, self.advice, self.glossary = document.topics, document.advice, document.glossary

    def resource_rows(self) -> Iterator[tuple]:
        for r in self.document.resources:
            yield _model_row(r)

    def close(self) -> None:
        """Nothing to let go of: the document is in memory."""

    def url_ids(self) -> dict[str, str]:
        from tracker.urls import identity_key

        keys = {}
        for r in self.document.resources:
            try:
                keys[identity_key(r.url)] = r.id
            except TrackerError:
                continue
        return keys


class IndexSource:
    """The build's input streamed from the up-to-date index: rows one at a time, in the file's order."""

    def __init__(self, index: Index, text: str, path: Path) -> None:
        from tracker.models import Advice, Term, Topic

        self.index, self.path = index, path
        # One read transaction: every query sees the same state, even if a `tracker add` syncs the index now.
        index.conn.execute("BEGIN")
        self.topics = [Topic.model_validate(d) for d in index.entries("topics")]
        self.advice = [Advice.model_validate(d) for d in index.entries("advice")]
        self.glossary = [Term.model_validate(d) for d in index.entries("glossary")]
        self.resources: list[ItemFacts] = []  # filled while the rows stream
        self._repeats = _status_changed_blocks(text)

    def resource_rows(self) -> Iterator[tuple]:
        self.resources = facts = []
        rows = self.index.conn.execute("SELECT pos, data FROM resources ORDER BY pos")
        loads, repeats = json.loads, self._repeats
        while chunk := rows.fetchmany(2000):
            for pos, raw in chunk:
                data = loads(raw)
                if pos in repeats and "status_changed" not in data and "added" in data:
                    data["status_changed"] = self._written_status_changed(repeats[pos])
                facts.append(ItemFacts(data["id"], data["title"], data["url"], data.get("category")))
                yield _data_row(data)

    def _written_status_changed(self, block: tuple[str, int]) -> str | None:
        """A ``status_changed`` equal to ``added`` is left out of the index's data (the writer drops it), but
        the build has always published the date the file holds: read it from the item's block."""
        from tracker.store.document import parse_block

        model = parse_block("resources", *block, self.path)
        return model.status_changed.isoformat() if model.status_changed else None

    def close(self) -> None:
        self.index.conn.execute("COMMIT")
        self.index.close()

    def url_ids(self) -> dict[str, str]:
        return dict(self.index.conn.execute("SELECT url_key, id FROM resources ORDER BY pos"))


def _status_changed_blocks(text: str) -> dict[int, tuple[str, int]]:
    """The text and first line of each item block (by position) that mentions ``status_changed``."""
    if "status_changed" not in text:
        return {}
    from tracker.store.layout import scan

    layout = scan(text)
    if not layout.simple:
        raise _NotMappable
    found = {}
    for pos, block in enumerate(layout.blocks["resources"]):
        block_text = text[block.start:block.end]
        if "status_changed" in block_text and not _dates_differ(block_text):
            found[pos] = (block_text, block.line)
    return found


_PLAIN_DATE = r"(\d{4}-\d{2}-\d{2})[ \t]*(?:#.*)?$"
_CHANGED, _ADDED = (re.compile(rf"^  {key}:[ \t]*{_PLAIN_DATE}", re.M) for key in ("status_changed", "added"))


def _dates_differ(block_text: str) -> bool:
    """True when the block plainly holds two different dates (the index's data then keeps status_changed)."""
    changed, added = _CHANGED.search(block_text), _ADDED.search(block_text)
    return bool(changed and added and changed.group(1) != added.group(1))


class _NotMappable(Exception):
    """The file's item blocks cannot be matched with the index's rows by position."""


def open_source(resources_file: Path) -> DocumentSource | IndexSource:
    """The index when it can serve the build, else the validated document. Errors in the file are raised by
    the store either way, with the same messages."""
    from tracker.store import Store

    store = Store(resources_file, commit=False)
    index = store.index()
    text = resources_file.read_bytes().decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    try:
        return IndexSource(index, text, resources_file)
    except _NotMappable:
        index.close()
        return DocumentSource(store.load())


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _model_row(r: Resource) -> tuple:
    site, kind = (r.site, r.kind) if r.site and r.kind else url_facts(r.url)
    return (r.id, r.title, r.url, r.status.value, r.category, json.dumps(r.tags, ensure_ascii=False), r.topic,
            r.lab, r.comment, _iso(r.added), _iso(r.status_changed), ", ".join(r.authors) or None,
            _iso(r.published), r.site or site, r.kind or kind, r.description, r.canonical_url, r.image,
            "\n".join(f"{link.label}: {link.url}" for link in r.links) or None)


def _data_row(d: dict) -> tuple:
    """The same row as ``_model_row``, from the item's validated data as the index keeps it (dates as ISO
    text, None and empty lists left out)."""
    get = d.get
    site, kind = get("site"), get("kind")
    if not (site and kind):
        url_site, url_kind = _quick_url_facts(d["url"])
        site, kind = site or url_site, kind or url_kind
    links = get("links")
    return (d["id"], d["title"], d["url"], get("status", "inbox"), get("category"),
            json.dumps(get("tags", []), ensure_ascii=False), get("topic"), get("lab"), get("comment"),
            get("added"), get("status_changed"), ", ".join(get("authors", ())) or None, get("published"), site,
            kind, get("description"), get("canonical_url"), get("image"),
            "\n".join(f"{link['label']}: {link['url']}" for link in links) if links else None)


def url_facts(url: str) -> tuple[str | None, str | None]:
    """Site and kind from the URL alone (arXiv paper, YouTube video, GitHub repo, pdf; else the host as site),
    so the site and kind facets group items before `tracker fetch` has filled them."""
    from urllib.parse import urlsplit

    from tracker.web.meta.sites import metadata_from_url

    known = metadata_from_url(url)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return known.site or _SITE_NAMES.get(host, host) or None, known.kind


def _quick_url_facts(url: str) -> tuple[str | None, str | None]:
    """``url_facts`` without building the page metadata (and its readable title) for the hosts of most items:
    only arXiv, YouTube and GitHub URLs say more than their host and a ``.pdf`` ending."""
    from urllib.parse import urlsplit

    from tracker.urls import names_pdf

    host = (urlsplit(url).hostname or "").lower()
    if "arxiv" in host or "youtu" in host or "github" in host:
        return url_facts(url)
    return host.removeprefix("www.") or None, "pdf" if names_pdf(url) else None


# Hosts whose videos, papers and repositories metadata_from_url names: their other pages get the same name.
_SITE_NAMES = {"youtube.com": "YouTube", "m.youtube.com": "YouTube", "arxiv.org": "arXiv", "github.com": "GitHub"}
