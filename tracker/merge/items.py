"""The item-by-item 3-way merge on data: sections merge by item key, items merge field by field.

Nothing either side wrote is dropped unless the other side removed it: an item's fields merge one by one, lists
merge as sets, an item renamed on one side (a new id or a new spelling of a term, same link) is still the same
item, and two ids for one link fold into one item. Where no clean merge exists the result holds a ``Conflict``:
our version stays live, theirs is recorded beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker.merge.links import MISSING, is_link_list, merge_links, url_identity

# Machine-written fields: when both sides wrote them, the later value wins instead of a conflict
# (two machines that both fetched one item must not conflict on bookkeeping).
LATEST_WINS = frozenset({"fetched", "status_changed"})


@dataclass
class Conflict:
    """One item both sides changed incompatibly (or one removed while the other edited).

    ``ours`` is kept live in the merged file, ``theirs`` is recorded beside it (commented out)."""

    section: str
    key: str
    reason: str
    ours: dict | None
    theirs: dict | None


@dataclass
class Noted:
    """An item merged cleanly, with a sentence a person should see next to it (a YAML comment above it)."""

    key: str
    item: dict
    note: str


Entry = dict | Conflict | Noted


@dataclass
class SectionMerge:
    """A merged section: items in order, a ``Conflict`` where no clean merge exists."""

    entries: list[Entry] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Conflict]:
        return [entry for entry in self.entries if isinstance(entry, Conflict)]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


KEY_OF: dict[str, Callable[[dict], str]] = {
    "resources": lambda item: str(item.get("id")),
    "topics": lambda item: str(item.get("id")),
    "glossary": lambda item: str(item.get("term", "")),
    "advice": _json,  # advice has no id: an edited quote is the old one removed and a new one added
}


def _url_identity(item: dict) -> str | None:
    url = item.get("url")
    return url_identity(url) if isinstance(url, str) else None


# What makes two differently keyed items the same thing: a rename on one side keeps this.
IDENTITY_OF: dict[str, Callable[[dict], str | None]] = {
    "resources": _url_identity,
    "glossary": lambda item: str(item.get("term", "")).casefold() or None,
}


def entry_key(section: str, entry: Entry) -> str:
    if isinstance(entry, Conflict | Noted):
        return entry.key
    return KEY_OF[section](entry)


def keyed(section: str, items: list) -> dict[str, dict]:
    """Items by key, in order; a key seen twice in one side gets ``#2``, ``#3``... so neither copy is lost."""
    key_of = KEY_OF[section]
    out: dict[str, dict] = {}
    for item in items:
        if not isinstance(item, dict):
            item = {"value": item}
        key = base_key = key_of(item)
        count = 1
        while key in out:
            count += 1
            key = f"{base_key}#{count}"
        out[key] = item
    return out


def _merge_list(base: Any, ours: list, theirs: list) -> list:
    """Lists merge as sets: what either side added stays, what either removed goes, ours' order first."""
    base_marks = {_json(v) for v in base} if isinstance(base, list) else set()
    ours_marks = {_json(v) for v in ours}
    theirs_marks = {_json(v) for v in theirs}
    removed = base_marks - (ours_marks & theirs_marks)
    out: list = []
    seen: set[str] = set()
    for value in [*ours, *theirs]:
        marker = _json(value)
        if marker in seen or marker in removed:
            continue
        seen.add(marker)
        out.append(value)
    return out


def merge_fields(base: dict, ours: dict, theirs: dict) -> tuple[dict, list[str]]:
    """A field-by-field 3-way merge of one item; returns the merged item and the fields that conflict
    (where they conflict, the merged item holds our value)."""
    merged: dict = {}
    conflicting: list[str] = []
    for name in [*ours, *(key for key in theirs if key not in ours)]:
        b, o, t = base.get(name, MISSING), ours.get(name, MISSING), theirs.get(name, MISSING)
        value, clash = merge_value(name, b, o, t)
        if clash:
            conflicting.extend(clash)
        if value is not MISSING:
            merged[name] = value
    return merged, conflicting


def merge_value(name: str, b: Any, o: Any, t: Any) -> tuple[Any, list[str]]:
    """One field's 3-way merge: (value, names of the parts that conflict)."""
    if o == t:
        return o, []
    if o == b:
        return t, []
    if t == b:
        return o, []
    if name == "links" and is_link_list(o) and is_link_list(t):
        links, clash = merge_links(b, o, t)
        return links, [name] if clash else []
    if isinstance(o, list) and isinstance(t, list):
        return _merge_list(b, o, t), []
    if isinstance(o, dict) and isinstance(t, dict):
        inner, clash = merge_fields(b if isinstance(b, dict) else {}, o, t)
        return inner, [f"{name}.{part}" for part in clash]
    if name in LATEST_WINS and o is not MISSING and t is not MISSING:
        return max(o, t, key=str), []  # both wrote it: dates come first, so the later record wins
    return o, [name]


def describe(value: Any) -> str:
    if value is MISSING:
        return "(removed)"
    return json.dumps(value, ensure_ascii=False, default=str)


def _field(item: dict | None, dotted: str) -> Any:
    value: Any = item or {}
    for part in dotted.split("."):
        value = value.get(part, MISSING) if isinstance(value, dict) else MISSING
    return value


def _renames(section: str, base_by: dict[str, dict], side_by: dict[str, dict]) -> dict[str, str]:
    """New key -> base key for items this side renamed (removed one key, added another of the same identity)."""
    identity_of = IDENTITY_OF.get(section)
    if identity_of is None:
        return {}
    removed: dict[str, list[str]] = {}
    for key in base_by:
        if key not in side_by and (identity := identity_of(base_by[key])) is not None:
            removed.setdefault(identity, []).append(key)
    added: dict[str, list[str]] = {}
    for key in side_by:
        if key not in base_by and (identity := identity_of(side_by[key])) is not None:
            added.setdefault(identity, []).append(key)
    return {new[0]: old[0] for identity, new in added.items()
            if len(new) == 1 and len(old := removed.get(identity, [])) == 1}


def _rekey(side_by: dict[str, dict], renames: dict[str, str]) -> dict[str, dict]:
    return {renames.get(key, key): item for key, item in side_by.items()}


def merge_section(section: str, base: list[dict], ours: list[dict], theirs: list[dict]) -> SectionMerge:
    """Merge one section's items by key: our order, their new items placed after their predecessor."""
    base_by = keyed(section, base)
    ours_by = _rekey(keyed(section, ours), _renames(section, base_by, keyed(section, ours)))
    theirs_by = _rekey(keyed(section, theirs), _renames(section, base_by, keyed(section, theirs)))
    order = list(ours_by)
    placed = set(order)
    theirs_order = list(theirs_by)
    for index, key in enumerate(theirs_order):
        if key in placed:
            continue
        predecessor = next((k for k in reversed(theirs_order[:index]) if k in placed), None)
        position = order.index(predecessor) + 1 if predecessor is not None else 0
        order.insert(position, key)
        placed.add(key)
    result = SectionMerge()
    for key in order:
        b, o, t = base_by.get(key), ours_by.get(key), theirs_by.get(key)
        if o is None and t is None:
            continue
        if b is None and (o is None or t is None or o == t):
            result.entries.append(o if o is not None else t)  # type: ignore[arg-type]
            continue
        if b is not None and (o is None or t is None):
            survivor = o if o is not None else t
            if survivor == b:
                continue  # removed on one side, untouched on the other
            side = "here" if o is None else "there"
            result.entries.append(Conflict(section, _live_key(section, key, o, t),
                                           f"removed {side} but edited on the other side", o, t))
            continue
        merged, conflicting = merge_fields(b or {}, o, t)  # type: ignore[arg-type]
        if conflicting:
            details = "; ".join(
                f"{name}: {describe(_field(b, name))} -> {describe(_field(o, name))} here, "
                f"{describe(_field(t, name))} there"
                for name in conflicting
            )
            result.entries.append(Conflict(section, _live_key(section, key, merged, t), details, merged, t))
        else:
            result.entries.append(merged)
    return result


def _live_key(section: str, key: str, ours: dict | None, theirs: dict | None) -> str:
    """The key a person sees for a conflict: the live item's (after a rename), else theirs."""
    item = ours if ours is not None else theirs
    return KEY_OF[section](item) if item is not None else key


def fold_duplicate_resources(merge: SectionMerge, ours: list[dict], theirs: list[dict] | None = None) -> None:
    """Two live items with one link or one id: their URL edit met our new item, or each side added the link.

    A URL that one side edited into a link the other side has is that side's edit in conflict: the item keeps
    the other side's URL live and records the edit. Otherwise the two items fold into one: the survivor is
    the item this machine had (else the first) and the other's fields merge into it. When they agree the fold
    is clean and noted above the item; when they differ it is a conflict with the survivor live."""
    ours_by = {str(item.get("id")): item for item in ours if isinstance(item, dict)}
    theirs_by = {str(item.get("id")): item for item in theirs or [] if isinstance(item, dict)}
    first_by_url: dict[str, int] = {}
    first_by_id: dict[str, int] = {}
    index = 0
    while index < len(merge.entries):
        entry = merge.entries[index]
        live = _live_item(entry)
        if live is None:
            index += 1
            continue
        url_key, item_id = _url_identity(live), str(live.get("id"))
        other = first_by_url.get(url_key) if url_key is not None else None
        if other is None:
            other = first_by_id.get(item_id)
        if other is None:
            if url_key is not None:
                first_by_url[url_key] = index
            first_by_id[item_id] = index
            index += 1
            continue
        survivor_entry = merge.entries[other]
        survivor = _live_item(survivor_entry)
        assert survivor is not None
        for position, item in ((index, live), (other, survivor)):
            undone = _undo_their_url_edit(merge.entries[position], item, ours_by, theirs_by,
                                          survivor if item is live else live)
            if undone is not None:
                merge.entries[position] = undone
                break
        else:
            if str(survivor.get("id")) not in ours_by and item_id in ours_by:
                survivor, live = live, survivor
            merge.entries[other] = _fold(survivor, live, survivor_entry, entry)
            del merge.entries[index]
            continue
        first_by_url, first_by_id, index = {}, {}, 0  # an entry changed: look again from the start


def _undo_their_url_edit(entry: Entry, item: dict, ours_by: dict[str, dict], theirs_by: dict[str, dict],
                         holder: dict) -> Conflict | None:
    """When ``item`` has the link only because the other side edited its URL (ours differs): ours live, theirs
    recorded."""
    if not isinstance(entry, dict):
        return None
    item_id = str(item.get("id"))
    mine, there = ours_by.get(item_id), theirs_by.get(item_id)
    if mine is None or there is None or mine.get("url") == item.get("url") or there.get("url") != item.get("url"):
        return None
    reason = (f"url: {describe(item.get('url'))} there is the link of '{holder.get('id')}' here; "
              f"kept {describe(mine.get('url'))}")
    return Conflict("resources", item_id, reason, {**item, "url": mine.get("url")}, there)


def _live_item(entry: Entry) -> dict | None:
    if isinstance(entry, Conflict):
        return entry.ours
    if isinstance(entry, Noted):
        return entry.item
    return entry


def _fold(survivor: dict, other: dict, *entries: Entry) -> Entry:
    """One item from two that are the same link (or id); earlier conflicts of either stay recorded."""
    other_as_survivor = {**other, "id": survivor.get("id")}
    merged, conflicting = merge_fields({}, survivor, other_as_survivor)
    for name in ("added",):
        if name in survivor and name in other:
            merged[name] = min(survivor[name], other[name], key=str)
            conflicting = [c for c in conflicting if c != name]
    survivor_id, other_id = str(survivor.get("id")), str(other.get("id"))
    same_link = _url_identity(survivor) == _url_identity(other)
    why = (f"'{other_id}' is the same link as '{survivor_id}' (added under two ids)" if same_link and
           other_id != survivor_id else f"two versions of '{survivor_id}'")
    earlier = [e for e in entries if isinstance(e, Conflict)]
    if conflicting or earlier:
        reasons = [f"{why}; merged into '{survivor_id}'"]
        if conflicting:
            reasons.append("; ".join(f"{name}: {describe(_field(survivor, name))} here, "
                                     f"{describe(_field(other, name))} there" for name in conflicting))
        reasons += [e.reason for e in earlier]
        recorded = next((e.theirs for e in earlier if e.theirs is not None), None)
        return Conflict("resources", survivor_id, "; ".join(reasons), merged,
                        other_as_survivor if conflicting or recorded is None else recorded)
    if other_id == survivor_id:
        return merged
    return Noted(survivor_id, merged, f"tracker merge: {why}; merged into this item")
