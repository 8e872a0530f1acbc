"""Merge a study note (``notes/*.md``): its front matter key by key, its body line by line.

git's line merge alone would put conflict markers inside the front matter, and a note whose front matter does not
parse cannot be read at all. Here the front matter merges like an item's fields (``related`` lists as sets);
where both sides changed one key, ours stays live and theirs is recorded as a comment in the front matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import TrackerError


@dataclass
class NoteMerge:
    text: str
    conflicts: list[str]  # one sentence per conflict


def _split(text: str, label: str) -> tuple[dict, str, bool]:
    from tracker.notes import split_front_matter

    meta, body, _line = split_front_matter(text, label)
    return meta, body, text.startswith("---")


def merge_notes(base: str, ours: str, theirs: str, path: str) -> NoteMerge:
    from tracker.merge.items import MISSING, describe, merge_value
    from tracker.merge.text import line_merge
    from tracker.store.yamlio import dump_value, scalar

    merged_text, clean = line_merge(base, ours, theirs)
    try:
        if clean:
            _split(merged_text, path)
            return NoteMerge(merged_text, [])
        sides = [_split(text, f"{path} ({side})") for text, side in ((ours, "ours"), (theirs, "theirs"))]
    except TrackerError as exc:
        return NoteMerge(merged_text, [f"{path}: {exc}"])
    try:
        base_meta, base_body, _ = _split(base, path)
    except TrackerError:
        base_meta, base_body = {}, base
    (ours_meta, ours_body, ours_has), (theirs_meta, theirs_body, theirs_has) = sides
    meta: dict = {}
    notes: list[str] = []
    conflicts: list[str] = []
    for name in [*ours_meta, *(k for k in theirs_meta if k not in ours_meta)]:
        b, o, t = (m.get(name, MISSING) for m in (base_meta, ours_meta, theirs_meta))
        value, clash = merge_value(name, b, o, t)
        if clash:
            conflicts.append(f"{path}: front matter {name}: {describe(o)} here, {describe(t)} there")
            theirs_value = "(removed)" if t is MISSING else scalar(t) if not isinstance(t, dict | list) else describe(t)
            notes.append(f"# tracker merge conflict: {name} there: {theirs_value}\n")
        if value is not MISSING:
            meta[name] = value
    body, body_clean = line_merge(base_body, ours_body, theirs_body)
    if not body_clean:
        conflicts.append(f"{path}: the note's text changed two ways (git's markers are in it)")
    front = "".join(dump_value(name, value) for name, value in meta.items()) + "".join(notes)
    text = f"---\n{front}---\n{body}" if (meta or notes or ours_has or theirs_has) else body
    return NoteMerge(text, conflicts)
