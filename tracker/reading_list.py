"""What the commands do to the reading list, advice, glossary and study plan, without any Click: add, move,
edit, remove.

Each function takes a ``Store``, makes at most one write and one commit, and returns what changed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import DataError, DuplicateError, NotFoundError, TrackerError
from tracker.store import Edit, Store
from tracker.store.index import Index

MAX_SLUG = 60


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """Lower-case ASCII words joined by dashes, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    if len(words) > 1 and words[0] in ("the", "a", "an"):
        words = words[1:]  # "The Illustrated Transformer" -> illustrated-transformer
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "")


def base_slug(title: str | None, url: str) -> str:
    from tracker.urls import ascii_words, id_words_from_url

    return slugify(ascii_words(title or "")) or slugify(id_words_from_url(url)) or "item"


def unique_id(base: str, taken: Any) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def resolve_ref(index: Index, ref: str) -> str:
    """The id an item reference names: an id, a unique id prefix, or a URL (compared normalised)."""
    ref = ref.strip()
    if "://" in ref:
        from tracker.urls import identity_key

        found = index.id_for_url_key(identity_key(ref))
        if found is None:
            raise NotFoundError(f"no item with the URL {ref}")
        return found
    if index.has_id(ref):
        return ref
    matches = index.ids_starting_with(ref)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no item '{ref}' (give an id, a unique id prefix, or a URL)")
    shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
    raise NotFoundError(f"'{ref}' matches several items: {shown}")


class _TakenIds:
    """Ids already in the index (those near one slug) plus those given out earlier in the same batch."""

    def __init__(self, stored: set[str], batch: set[str]) -> None:
        self.stored = stored
        self.batch = batch

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.stored or item_id in self.batch


@dataclass
class AddResult:
    """What a bulk add did: the new items (their data as written), and the inputs refused (duplicates name the
    existing id)."""

    added: list[Any] = field(default_factory=list)
    duplicates: list[tuple[dict, str]] = field(default_factory=list)
    skipped: list[tuple[dict, str]] = field(default_factory=list)
    committed: bool = False


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


# Fields a user types on the command line: plain strings (tags: a list of them), checked without the models.
_TEXT_FIELDS = frozenset({"id", "url", "title", "status", "category", "topic", "lab", "comment"})
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _plain_fields(data: dict) -> bool:
    """True when every value is a string the CLI could have typed (tags: a list of strings) or a date we set."""
    for key, value in data.items():
        if key in _TEXT_FIELDS:
            if not isinstance(value, str):
                return False
        elif key == "tags":
            if not (isinstance(value, list) and all(isinstance(tag, str) for tag in value)):
                return False
        elif key in ("added", "status_changed"):
            if type(value) is not dt.date:
                return False
        else:
            return False
    return True


def prepare_resource(fields: dict, taken_ids: Any, today: dt.date) -> dict:
    """A new item's data, validated, in the order it is written: id made from the title or URL unless given.

    Input a user typed (plain strings) is checked directly, which keeps ``tracker add`` from loading pydantic;
    anything else (fetched metadata, imported JSON) goes through the ``Resource`` model. Tests check both ways
    give the same result.
    """
    from tracker.store.document import STATUS_VALUES, with_changes
    from tracker.urls import refuse_credentials, validate_url

    data = {key: value for key, value in fields.items() if value is not None}
    url = refuse_credentials(validate_url(str(data.get("url", ""))))
    data["url"] = url
    if not data.get("title"):
        from tracker.urls import readable_title_from_url

        data["title"] = readable_title_from_url(url)
    if data.get("id"):
        if data["id"] in taken_ids:
            raise DuplicateError(f"the id '{data['id']}' is already used", data["id"])
    else:
        data["id"] = unique_id(base_slug(data.get("title"), url), taken_ids)
    data.setdefault("status", "inbox")
    data.setdefault("added", today)
    if _plain_fields(data):
        if data["status"] not in STATUS_VALUES:
            raise DataError(f"status {data['status']!r} is not one of {', '.join(STATUS_VALUES)}")
        if not _ID_PATTERN.match(data["id"]) or len(data["id"]) > 120:
            raise DataError(f"id {data['id']!r} must be lower-case letters, digits and dashes")
        return with_changes("resources", data, {})
    return _validated_resource(data)


def _validated_resource(data: dict) -> dict:
    from pydantic import ValidationError

    from tracker.models import Resource
    from tracker.store.document import error_message, item_to_dict

    ordered = {name: data[name] for name in Resource.model_fields if name in data}
    ordered.update((key, value) for key, value in data.items() if key not in ordered)
    try:
        return item_to_dict(Resource.model_validate(ordered))
    except ValidationError as exc:
        raise DataError(error_message(exc.errors()[0])) from None


def add_resources(store: Store, items: Iterable[dict], *, message: str | None = None,
                  today: dt.date | None = None, skip_invalid: bool = False,
                  also_write: Callable[[dict], list[Path]] | None = None) -> AddResult:
    """Add many items in one write and one commit (import uses this). Duplicate URLs are reported, not added.

    Each input is a dict of Resource fields (``url`` required). With ``skip_invalid`` an invalid input is
    reported in ``skipped`` with the reason instead of stopping the whole batch. ``also_write`` writes files
    that belong with a new item (its saved page text) and returns them, to be committed in the same commit.
    """
    with store.edit() as edit:
        result = add_resources_in(edit, items, today=today, skip_invalid=skip_invalid)
        added = result.added
        if also_write is not None:
            for item in added:
                edit.extra_paths.extend(also_write(item))
        if len(added) == 1:
            edit.message = message or f"add: {added[0]['title']} ({added[0]['status']})"
        else:
            edit.message = message or f"add: {len(added)} items"
    result.committed = store.committed
    return result


def add_resources_in(edit: Edit, items: Iterable[dict], *, today: dt.date | None = None,
                     skip_invalid: bool = False) -> AddResult:
    """``add_resources`` inside an open ``Store.edit()``, so other changes can share its one commit (set
    ``edit.message``; extra files go in ``edit.extra_paths``). ``tracker import`` does not come here: it plans
    against the index itself (``tracker.importers.plan``) and appends the planned items."""
    from tracker.urls import identity_key, validate_url

    result = AddResult()
    day = _today(today)
    index = edit.index
    batch_keys: dict[str, str] = {}
    batch_ids: set[str] = set()
    fetched: dict[str, Any] = {}
    for fields in items:
        if "fetched" in fields and not isinstance(fields["fetched"], str | dt.date):
            # What a fetch wrote (a FetchRecord): bookkeeping for the fetch log, not a field of the item.
            fields = dict(fields)
            record = fields.pop("fetched")
        else:
            record = None
        try:
            key = identity_key(validate_url(str(fields.get("url", ""))))
            existing = index.id_for_url_key(key) or batch_keys.get(key)
            if existing:
                result.duplicates.append((fields, existing))
                continue
            base = fields.get("id") or base_slug(fields.get("title"), str(fields.get("url", "")))
            item = prepare_resource(fields, _TakenIds(index.ids_like(base), batch_ids), day)
        except TrackerError as exc:
            if not skip_invalid:
                raise
            result.skipped.append((fields, str(exc)))
            continue
        batch_keys[key] = item["id"]
        batch_ids.add(item["id"])
        result.added.append(item)
        if record is not None:
            fetched[item["id"]] = record
    edit.append_data("resources", result.added)
    for item_id, record in fetched.items():
        edit.record_fetch(item_id, record)
    return result


def add_resource(store: Store, url: str, *, title: str | None = None, status: str = "inbox",
                 category: str | None = None, tags: Iterable[str] = (), comment: str | None = None,
                 topic: str | None = None, lab: str | None = None, metadata: dict | None = None,
                 today: dt.date | None = None, also_write: Callable[[dict], list[Path]] | None = None) -> dict:
    """Add one URL; returns the new item's data (``["id"]``...). ``metadata`` (fetched) fills fields the user
    left empty."""
    fields: dict[str, Any] = dict(metadata or {})
    fields = {key: value for key, value in fields.items() if value not in (None, "", [])}
    given = {"url": url, "title": title, "status": status, "category": category, "tags": list(tags) or None,
             "comment": comment, "topic": topic, "lab": lab}
    fields.update({key: value for key, value in given.items() if value is not None})
    result = add_resources(store, [fields], today=today, also_write=also_write)
    if result.duplicates:
        existing = result.duplicates[0][1]
        raise DuplicateError(f"{url} is already in the list as '{existing}'", existing)
    return result.added[0]


@dataclass(frozen=True)
class Move:
    item_id: str
    old: str
    new: str


def move_items(store: Store, refs: Iterable[str], status: str, today: dt.date | None = None) -> list[Move]:
    """Set the status of every referenced item (and its ``status_changed`` date) in one commit."""
    from tracker.store.document import STATUS_VALUES, with_changes

    if status not in STATUS_VALUES:
        raise TrackerError(f"status '{status}' is not one of {', '.join(STATUS_VALUES)}")
    moves: list[Move] = []
    with store.edit() as edit:
        ids = list(dict.fromkeys(resolve_ref(edit.index, ref) for ref in refs))
        for item_id in ids:
            pos = edit.index.pos_of(item_id)
            # The block is valid (the index holds it); a new status from the fixed list and today's date keep
            # it valid, so this path needs no model: a move stays fast.
            data = edit.item_data("resources", pos)
            old = str(data.get("status", "inbox"))
            if old == status:
                continue
            edit.replace_data("resources", pos,
                              with_changes("resources", data, {"status": status, "status_changed": _today(today)}))
            moves.append(Move(item_id, old, status))
        if len(moves) == 1:
            edit.message = f"move: {moves[0].item_id} {moves[0].old} -> {status}"
        elif moves:
            lines = "\n".join(f"- {m.item_id}: {m.old} -> {m.new}" for m in moves)  # the body: one per item
            edit.message = f"move: {len(moves)} items -> {status}\n\n{lines}"
    return moves


def _merge_fields(model: Any, changes: dict) -> Any:
    """``model`` with ``changes`` applied and validated (a None value removes the field)."""
    from pydantic import ValidationError

    from tracker.store.document import error_message, item_to_dict

    data = item_to_dict(model)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    try:
        return type(model).model_validate(data)
    except ValidationError as exc:
        raise DataError(error_message(exc.errors()[0])) from None


def update_resources(store: Store, changes: dict[str, dict], message: str,
                     today: dt.date | None = None) -> list[str]:
    """Apply field changes to many items (by id) in one write and one commit; returns the ids that changed.

    ``changes`` maps an id to ``{field: new value}``; a None value removes the field. Items whose fields end
    up equal are left alone, and when nothing changed at all nothing is written or committed.
    """
    with store.edit(message) as edit:
        return update_resources_in(edit, changes, today=today)


def update_resources_in(edit: Edit, changes: dict[str, dict], today: dt.date | None = None) -> list[str]:
    """``update_resources`` inside an open ``Store.edit()`` (items already in the file, not ones just added)."""
    from tracker.urls import identity_key

    changed: list[str] = []
    new_ids: set[str] = set()
    new_keys: dict[str, str] = {}
    for item_id, fields in changes.items():
        pos, model = edit.resource(item_id)
        updated = _merge_fields(model, fields)
        if "status" in fields and str(updated.status) != str(model.status) and "status_changed" not in fields:
            updated = _merge_fields(updated, {"status_changed": _today(today)})
        if updated.id != model.id and (edit.index.has_id(updated.id) or updated.id in new_ids):
            raise DuplicateError(f"the id '{updated.id}' is already used", updated.id)
        if updated.url != model.url:
            key = identity_key(updated.url)
            other = edit.index.id_for_url_key(key) or new_keys.get(key)
            if other and other != model.id:
                raise DuplicateError(f"{updated.url} is already in the list as '{other}'", other)
            new_keys[key] = updated.id
        new_ids.add(updated.id)
        if updated.model_dump() != model.model_dump():
            edit.replace("resources", pos, updated)
            changed.append(item_id)
            if updated.id != model.id:
                edit.rename_fetch(model.id, updated.id)
    return changed


def edit_item(store: Store, ref: str, changes: dict, today: dt.date | None = None) -> tuple[str, list[str]]:
    """Change fields of one item; returns its id and the names of the fields that changed."""
    index = store.index()
    item_id = resolve_ref(index, ref)
    names = sorted(changes)
    old_status = (index.resource(item_id) or {}).get("status")
    said = [f"status {old_status} -> {changes[name]}" if name == "status" and changes[name] != old_status else name
            for name in names]
    message = f"edit: {item_id} ({', '.join(said)})"
    changed = update_resources(store, {item_id: changes}, message, today=today)
    return item_id, names if changed else []


def remove_items(store: Store, refs: Iterable[str]) -> list[Any]:
    """Remove items in one commit (all or none: an unknown ref removes nothing); returns the removed
    ``Resource`` models."""
    with store.edit() as edit:
        ids = list(dict.fromkeys(resolve_ref(edit.index, ref) for ref in refs))
        found = [edit.resource(item_id) for item_id in ids]
        for pos, _model in found:
            edit.delete("resources", pos)
        models = [model for _pos, model in found]
        if len(models) == 1:
            edit.message = f"remove: {models[0].id} ({models[0].title})"
        else:
            lines = "\n".join(f"- {model.id} ({model.title})" for model in models)  # the body: one per item
            edit.message = f"remove: {len(models)} items\n\n{lines}"
    return models


def add_advice(store: Store, category: str, text: str, source_name: str | None = None,
               source_url: str | None = None) -> Any:
    """Add an advice entry; returns the ``Advice``. The same text twice (ignoring case and spacing) is
    refused, and a source URL must be http(s) like every other link in the file."""
    from tracker.models import Advice
    from tracker.urls import validate_url

    if source_url is not None:
        source_url = validate_url(source_url)
    source = {"name": source_name, "url": source_url} if source_name or source_url else None
    if source and not source_name:
        from tracker.urls import readable_title_from_url

        source["name"] = readable_title_from_url(source_url or "")
    if source and source.get("url") is None:
        source.pop("url")
    # "study" when the list says "Study": one category, spelled as it first was, not two that differ by case.
    category = next((str(e["category"]) for e in store.index().entries("advice")
                     if str(e.get("category", "")).casefold() == category.strip().casefold()), category.strip())
    advice = _validated(Advice, {"category": category, "text": text, "source": source})
    short = text if len(text) <= 50 else text[:47] + "..."
    with store.edit(f"advice: add {category}: {short}") as edit:
        for existing in edit.index.entries("advice"):
            if _same_words(str(existing.get("text", "")), text):
                raise DuplicateError(f"that advice is already there (category {existing.get('category')})")
        edit.append("advice", [advice])
    return advice


def add_term(store: Store, term: str, definition: str, links: Iterable[tuple[str, str]] = (),
             lab: str | None = None) -> Any:
    """Add a glossary term; a term already there (ignoring case) is refused, links must be http(s)."""
    from tracker.models import Term
    from tracker.urls import validate_url

    links = [(title, validate_url(url)) for title, url in links]
    model = _validated(Term, {"term": term, "definition": definition,
                              "links": [{"title": t, "url": u} for t, u in links], "lab": lab})
    with store.edit(f"glossary: add {term}") as edit:
        for existing in edit.index.entries("glossary"):
            if str(existing.get("term", "")).casefold() == term.casefold():
                raise DuplicateError(f"the glossary already has '{existing['term']}'")
        edit.append("glossary", [model])
    return model


def _same_words(a: str, b: str) -> bool:
    """The same sentence, whatever the case, the spacing or a final full stop."""
    return a.casefold().rstrip(" .!\u2026").split() == b.casefold().rstrip(" .!\u2026").split()


def _validated(model_type: type, data: dict) -> Any:
    from pydantic import ValidationError

    from tracker.store.document import error_message

    try:
        return model_type.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise DataError(error_message(exc.errors()[0])) from None


def edit_term(store: Store, term: str, changes: dict) -> tuple[str, list[str]]:
    """Change fields of one glossary term (found ignoring case); returns its name and the fields that changed.

    One surgical replacement of that term's lines and one commit; nothing is written when nothing changes.
    """
    return _edit_entry(store, "glossary", "term", term, changes, lambda name: f"glossary: edit {name}")


def edit_topic(store: Store, topic_id: str, changes: dict) -> tuple[str, list[str]]:
    """Change fields of one study-plan part or chapter (by its id); returns the id and the fields that changed."""
    return _edit_entry(store, "topics", "id", topic_id, changes, lambda name: f"topics: edit {name}")


def _edit_entry(store: Store, section: str, key: str, wanted: str, changes: dict,
                subject: Any) -> tuple[str, list[str]]:
    names = sorted(changes)
    with store.edit() as edit:
        entries = edit.index.entries(section)
        positions = [pos for pos, entry in enumerate(entries) if str(entry.get(key, "")) == wanted]
        if not positions and section == "glossary":
            positions = [pos for pos, entry in enumerate(entries)
                         if str(entry.get(key, "")).casefold() == wanted.casefold()]
        if not positions:
            what = "glossary term" if section == "glossary" else "topic"
            raise NotFoundError(f"no {what} '{wanted}'")
        pos = positions[0]
        model = edit.item(section, pos)
        name = str(getattr(model, key))
        updated = _merge_fields(model, changes)
        if updated.model_dump() == model.model_dump():
            return name, []
        edit.replace(section, pos, updated)
        edit.message = f"{subject(name)} ({', '.join(names)})"
    return name, names
