"""Merge an item's extra ``links`` as a set keyed by each link's identity, not as opaque values.

Two machines that each add a link keep both; a link one side removed goes when the other left it as it was;
the same link written two ways (``/x`` and ``/x/``) is one link. Only a link whose label (or other field)
both sides changed differently is a conflict: ours stays live, theirs is recorded.
"""

from __future__ import annotations

import functools
from typing import Any

MISSING: Any = object()


@functools.lru_cache(maxsize=1 << 16)
def url_identity(url: str) -> str | None:
    """The URL's duplicate-detection key (memoised: the versions of one list share nearly every URL)."""
    from tracker.urls import identity_key

    try:
        return identity_key(url)
    except Exception:  # a URL the normaliser refuses cannot identify anything
        return None


def is_link_list(value: Any) -> bool:
    """A list of mappings that each have a text ``url``: the shape this merge understands."""
    return isinstance(value, list) and all(isinstance(v, dict) and isinstance(v.get("url"), str) for v in value)


def _by_identity(links: list[dict]) -> dict[str, dict]:
    """Links by URL identity, in order; a link listed twice on one side keeps both copies (``#2``)."""
    out: dict[str, dict] = {}
    for link in links:
        key = base_key = url_identity(link["url"]) or link["url"]
        count = 1
        while key in out:
            count += 1
            key = f"{base_key}#{count}"
        out[key] = link
    return out


def _merge_one(base: dict | None, ours: dict, theirs: dict) -> tuple[dict, bool]:
    """One link both sides hold: field by field, ours where both changed a field; True when that happened
    for anything but the URL's spelling (the identity is the same, so a respelled URL is no conflict)."""
    base = base or {}
    merged: dict = {}
    clash = False
    for name in [*ours, *(key for key in theirs if key not in ours)]:
        b, o, t = base.get(name, MISSING), ours.get(name, MISSING), theirs.get(name, MISSING)
        if o == t or t == b:
            value = o
        elif o == b:
            value = t
        else:
            value = o
            clash = clash or name != "url"
        if value is not MISSING:
            merged[name] = value
    return merged, clash


def merge_links(base: Any, ours: list[dict], theirs: list[dict]) -> tuple[list[dict], bool]:
    """The 3-way merge of two link lists: (merged links, whether a link conflicts).

    Ours first in our order, then theirs' new links in their order. A link removed on one side and edited
    on the other is a conflict: ours stays live (kept if we edited it, gone if we removed it)."""
    base_by = _by_identity(base) if is_link_list(base) else {}
    ours_by, theirs_by = _by_identity(ours), _by_identity(theirs)
    merged: list[dict] = []
    conflict = False
    for key in [*ours_by, *(k for k in theirs_by if k not in ours_by)]:
        b, o, t = base_by.get(key), ours_by.get(key), theirs_by.get(key)
        if o is not None and t is not None:
            link, clash = _merge_one(b, o, t)
            merged.append(link)
            conflict = conflict or clash
        elif b is None:
            merged.append(o if o is not None else t)  # type: ignore[arg-type]  # added on one side
        elif o is not None:
            if o != b:  # we edited what they removed: ours live, a conflict to settle
                merged.append(o)
                conflict = True
        elif t != b:  # they edited what we removed: our removal stays live
            conflict = True
    return merged, conflict
