"""Merge tracker's machine state, so two machines that both checked the same links never conflict.

``.tracker-links.json`` holds one record per URL. Records merge per URL: what either side added stays, what one
side dropped (a link that left the list) goes unless the other side changed it, and where both sides changed a
record the later one wins (the one whose newest date is newest; both describe real checks of the same link).
The output has the bytes ``tracker check`` writes: sorted URLs and keys, one field per line.
"""

from __future__ import annotations

import json
from typing import Any

from tracker.errors import DataError

LINK_HISTORY_NAME = ".tracker-links.json"  # tracker.web.links.linkhistory.HISTORY_NAME (a test checks they match)
_TIME_FIELDS = ("since", "first_failed", "last_ok")


def _links(text: str, label: str) -> tuple[dict[str, Any], int]:
    if not text.strip():
        return {}, 1
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", label, exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("links"), dict):
        raise DataError("not a link history (no \"links\" mapping)", label)
    return data["links"], data.get("version", 1)


def _newest(record: Any) -> tuple:
    if not isinstance(record, dict):
        return ("", 0, "")
    times = [str(record.get(name) or "") for name in _TIME_FIELDS]
    return (max(times), int(record.get("failed_runs") or 0), json.dumps(record, sort_keys=True))


def merge_link_histories(base: str, ours: str, theirs: str, path: str = LINK_HISTORY_NAME) -> str:
    """The merged history file; raises ``DataError`` when ours or theirs is not a link history."""
    ours_links, version = _links(ours, f"{path} (ours)")
    theirs_links, _ = _links(theirs, f"{path} (theirs)")
    try:
        base_links, _ = _links(base, f"{path} (base)")
    except DataError:
        base_links = {}
    merged: dict[str, Any] = {}
    for url in sorted(set(ours_links) | set(theirs_links)):
        b, o, t = base_links.get(url), ours_links.get(url), theirs_links.get(url)
        if o is None or t is None:
            survivor = o if o is not None else t
            if b is not None and survivor == b:
                continue  # dropped on one side, unchanged on the other
            merged[url] = survivor
        elif o == t or t == b:
            merged[url] = o
        elif o == b:
            merged[url] = t
        else:
            merged[url] = max(o, t, key=_newest)
    links = {url: merged[url] for url in sorted(merged)}
    return json.dumps({"version": version, "links": links}, indent=1, sort_keys=True) + "\n"
