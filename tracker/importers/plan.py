"""Turn the links an importer found into new reading-list items: dedupe, merge, give ids, explain.

Every import path (README, awesome list, bookmarks, Pocket, CSV, JSON) ends here, so duplicates are always
found through ``tracker.urls.identity_key`` and the report reads the same whatever the format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from pydantic import ValidationError

from tracker.errors import TrackerError
from tracker.models import Resource, Status
from tracker.reading_list import base_slug, unique_id
from tracker.urls import identity_key, readable_title_from_url, validate_url

# When one file lists a link twice, the merged item takes the status furthest along the reading flow.
_STATUS_RANK = {Status.DROPPED: 0, Status.INBOX: 1, Status.NEXT_UP: 2, Status.READING: 3, Status.DONE: 4}


@dataclass
class FoundItem:
    """A link an importer read, before it is checked against the list."""

    url: str
    title: str = ""
    origin: str = ""
    status: Status | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    topic: str | None = None
    comment: str | None = None
    added: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    preferred_id: str | None = None
    links: list[dict[str, str]] = field(default_factory=list)  # the work's other links: {"label", "url"}


@dataclass(frozen=True)
class Outcome:
    """What happened to one found link: ``added``, ``merged`` (as a duplicate of ``item_id``) or ``skipped``."""

    action: str
    origin: str
    title: str
    url: str
    item_id: str | None
    reason: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, url) of the saved item's other links, for an added one


@dataclass
class ImportPlan:
    """The new items (``Resource`` models, or what the caller's ``build`` makes of them) and one outcome per found
    link, in file order."""

    resources: list[Resource] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        tally = Counter(outcome.action for outcome in self.outcomes)
        return {action: tally.get(action, 0) for action in ("added", "merged", "skipped")}


def tag_of(label: str) -> str:
    """A heading, folder or label as a tag: the same slug rules as item ids."""
    from tracker.reading_list import slugify

    return slugify(label)


def _merge_comment(kept_title: str, comment: str | None, other: FoundItem) -> str | None:
    parts = [comment] if comment else []
    other_title = other.title.strip()
    if other_title and other_title.casefold() not in kept_title.casefold():
        parts.append(f'also listed as "{other_title}"')
    if other.comment and not any(other.comment in part for part in parts):
        parts.append(other.comment)
    return "; ".join(parts) or None


_PLAIN_HTTP_URL = re.compile(r"https?://[^\s/?#:]+(?::\d{1,5})?(?:[/?#]\S*)?", re.IGNORECASE)


def _looks_valid(url: str) -> bool:
    return _PLAIN_HTTP_URL.fullmatch(url) is not None


def is_url_title(title: str) -> bool:
    """A title that is nothing but an http(s) address: bookmark tools write the URL where a page had no title."""
    return _looks_valid(title.strip())


def _names_the_work(link: dict[str, str]) -> bool:
    """A link that is the work itself in another form (its paper), not something many works share (a repo)."""
    from tracker.importers.link_words import url_kind

    return link.get("label") in {"paper", "pdf"} or url_kind(link["url"]) == "paper"


def _with_valid_links(found: FoundItem, outcomes: list) -> FoundItem:
    """``found`` without the links that are no http(s) address; each one dropped is reported as skipped."""
    good = []
    for link in found.links:
        try:
            good.append({"label": str(link["label"]).strip() or "link", "url": validate_url(str(link["url"]))})
        except (TrackerError, KeyError) as exc:
            bad = FoundItem(url=str(link.get("url", "")), title=f"{link.get('label', 'link')} of {found.title}".strip(),
                            origin=found.origin)
            outcomes.append(("skipped", bad, None, str(exc)))
    return found if len(good) == len(found.links) and good == found.links else replace(found, links=good)


def _links_of(item: Any) -> list[dict[str, str]]:
    links = getattr(item, "links", None) or []
    return [link if isinstance(link, dict) else {"label": link.label, "url": link.url} for link in links]


def _build_resource(fields: dict[str, Any]) -> Resource:
    return Resource(**fields)


def _given_title(found: FoundItem) -> str:
    """The title the file gave, or "" when it gave none (a bookmark titled with its own URL has none)."""
    title = " ".join(found.title.split())
    if is_url_title(title) or title == found.url.strip():
        return ""
    return title


class _Draft:
    """A new item being assembled from one or more found links."""

    def __init__(self, found: FoundItem, title: str, status: Status) -> None:
        self.found = found
        self.title = title
        self.status = status
        self.category = found.category
        self.tags = list(dict.fromkeys(found.tags))
        self.topic = found.topic
        self.comment = found.comment or None
        self.added = found.added
        self.extra = dict(found.extra)
        self.title_from_url = False
        self.links: list[dict[str, str]] = []
        self.add_links(found.links)

    def add_links(self, links: Iterable[dict[str, str]]) -> None:
        """Keep each other address once, never the item's own."""
        seen = {identity_key(self.found.url)} | {identity_key(link["url"]) for link in self.links}
        for link in links:
            key = identity_key(link["url"])
            if key not in seen:
                seen.add(key)
                self.links.append({"label": link["label"], "url": link["url"]})

    def absorb(self, other: FoundItem, other_status: Status) -> None:
        other_links, other_url = other.links, other.url
        # A later, longer title that contains the kept one is the fuller name of the same thing; a real title
        # beats one made up from the URL.
        other_title = _given_title(other)
        previous_title = self.title
        if self.title_from_url and other_title:
            self.title = other_title
            self.title_from_url = False
            other = FoundItem(other.url, "", other.origin, comment=other.comment)
        elif other_title and self.title.casefold() in other_title.casefold() and other_title != self.title:
            self.title = other_title
            other = FoundItem(other.url, previous_title, other.origin, comment=other.comment)
        self.comment = _merge_comment(self.title, self.comment, other)
        if _STATUS_RANK[other_status] > _STATUS_RANK[self.status]:
            self.status = other_status
        self.category = self.category or other.category
        self.topic = self.topic or other.topic
        self.added = min(filter(None, [self.added, other.added]), default=None)
        self.tags.extend(tag for tag in other.tags if tag not in self.tags)
        for key, value in other.extra.items():
            self.extra.setdefault(key, value)
        from tracker.importers.link_words import link_label

        self.add_links([*other_links, {"label": link_label("", other_url), "url": other_url}])


class ExistingItems(Protocol):
    """What an import needs to know of the list: which link is already in it, which ids are taken.

    The store's index answers both without parsing the whole file; ``ResourceList`` answers them for a list.
    """

    def id_for_url_key(self, key: str) -> str | None: ...

    def has_id(self, item_id: str) -> bool: ...


class ResourceList:
    """``ExistingItems`` over resources in memory."""

    def __init__(self, resources: Sequence[Resource] = ()) -> None:
        self.by_key = {identity_key(link.url): item.id for item in resources for link in item.links}
        self.by_key.update((identity_key(item.url), item.id) for item in resources)
        self.ids = {item.id for item in resources}

    def id_for_url_key(self, key: str) -> str | None:
        return self.by_key.get(key)

    def has_id(self, item_id: str) -> bool:
        return item_id in self.ids


class _TakenIds:
    def __init__(self, existing: ExistingItems) -> None:
        self.existing = existing
        self.batch: set[str] = set()

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.batch or self.existing.has_id(str(item_id))

    def add(self, item_id: str) -> None:
        self.batch.add(item_id)


def plan_import(
    found_items: Iterable[FoundItem],
    existing: ExistingItems | Sequence[Resource] = (),
    default_status: Status = Status.INBOX,
    force_status: Status | None = None,
    build: Callable[[dict[str, Any]], Resource] | None = None,
) -> ImportPlan:
    """Decide, for each found link, whether it becomes a new item, merges into one, or is skipped (and why).

    ``existing`` is the list as it is; its items are never changed. ``force_status`` (the ``--status`` option)
    overrides what the file says; ``default_status`` applies where the file says nothing. ``build`` turns an
    item's fields into a validated ``Resource`` (the store passes its own, which also fills the dates).
    """
    build = build or _build_resource
    if not hasattr(existing, "id_for_url_key"):
        existing = ResourceList(existing)  # type: ignore[arg-type]
    view: ExistingItems = existing  # type: ignore[assignment]
    by_key: dict[str, str] = {}
    taken_ids = _TakenIds(view)
    drafts: dict[str, _Draft] = {}
    drafts_by_link: dict[str, str] = {}  # the identity key of every address of a new item -> its draft's key
    outcomes: list[tuple[str, FoundItem, str | None, str]] = []
    for found in found_items:
        url = (found.url or "").strip()
        if not _looks_valid(url):  # the common case skips a full check; Resource() validates it again anyway
            try:
                validate_url(url)
            except TrackerError as exc:
                outcomes.append(("skipped", found, None, str(exc)))
                continue
        if found.links:
            found = _with_valid_links(found, outcomes)
        key = identity_key(url)
        status = force_status or found.status or default_status
        # The same work under another of its addresses: the item's own URL is another item's link (or the
        # reverse, for a paper: the arXiv abs of one entry is the pdf link of another).
        same_work = [key, *(identity_key(link["url"]) for link in found.links if _names_the_work(link))]
        draft_key = next((drafts_by_link[k] for k in same_work if k in drafts_by_link), None)
        if draft_key is None:
            already = next((found_id for k in same_work if (found_id := by_key.get(k) or view.id_for_url_key(k))),
                           None)
            if already:
                by_key[key] = already
                outcomes.append(("merged", found, already, "already in the list"))
                continue
        if draft_key is not None:
            draft = drafts[draft_key]
            draft.absorb(found, status)
            for link_key in (key, *(identity_key(link["url"]) for link in found.links)):
                drafts_by_link.setdefault(link_key, draft_key)
            outcomes.append(("merged", found, draft_key, f"same link as {draft.found.origin or 'an earlier entry'}"))
            continue
        title = _given_title(found)
        kept = found if found.url == url else replace(found, url=url)
        drafts[key] = _Draft(kept, title or readable_title_from_url(url), status)
        drafts[key].title_from_url = not title
        for link_key in (key, *(identity_key(link["url"]) for link in found.links)):
            drafts_by_link.setdefault(link_key, key)
        outcomes.append(("added", found, key, ""))

    plan = ImportPlan()
    ids_by_key: dict[str, str] = {}
    saved: dict[str, Any] = {}
    for key, draft in drafts.items():
        preferred = draft.found.preferred_id
        if preferred and preferred not in taken_ids and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,119}", preferred):
            item_id = preferred
        else:
            item_id = unique_id(base_slug(draft.title, draft.found.url), taken_ids)
        taken_ids.add(item_id)
        ids_by_key[key] = item_id
        fields: dict[str, Any] = {
            **draft.extra,
            "id": item_id,
            "url": draft.found.url,
            "links": draft.links or None,
            "title": draft.title,
            "status": draft.status,
            "category": draft.category,
            "tags": draft.tags,
            "topic": draft.topic,
            "comment": draft.comment,
            "added": draft.added,
        }
        try:
            built = build({name: value for name, value in fields.items() if value is not None})
            plan.resources.append(built)
            saved[key] = built
        except (ValidationError, TrackerError) as exc:
            if isinstance(exc, ValidationError):
                first = exc.errors()[0]
                message = f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"
            else:
                message = str(exc)
            taken_ids.batch.discard(item_id)
            ids_by_key[key] = ""
            for index, (_action, found, ref, _reason) in enumerate(outcomes):
                if ref == key:
                    outcomes[index] = ("skipped", found, None, message)
    for action, found, ref, reason in outcomes:
        item_id = ids_by_key.get(ref or "", ref) if action != "skipped" else None
        if action == "added" and ref in saved:
            # What the report shows is what is saved: the item's title and links, not the file's words.
            item = saved[ref]
            links = tuple((str(link["label"]), str(link["url"])) for link in _links_of(item))
            plan.outcomes.append(Outcome(action, found.origin, item.title, item.url, item_id, reason, links))
            continue
        title = " ".join(found.title.split()) or (drafts[ref].title if ref in drafts else "")
        plan.outcomes.append(Outcome(action, found.origin, title, found.url, item_id, reason))
    return plan
