"""Merge three versions of resources.yaml into a text that always loads.

Order of preference: git's own line merge when it is clean and means exactly what the item-by-item merge
means (every comment and blank line of both sides is then where its author put it); else our file with the
merged items spliced in (or written out canonically), plus every comment either side added. The result is
validated like every command reads the file; when it would not load, or a side does not load, our file (or
the first version that loads) stays live and the other side's changes are recorded below it as a commented
diff, and the merge is reported as conflicted.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.errors import TrackerError
from tracker.merge.items import (
    MISSING,
    Conflict,
    Entry,
    Noted,
    SectionMerge,
    describe,
    entry_key,
    fold_duplicate_resources,
    merge_section,
    merge_value,
)
from tracker.merge.loading import ValidationCache, strict_load
from tracker.store.layout import SECTIONS

CONFLICT_START = "# <<<<<<< "
CONFLICT_MIDDLE = "# ======="
CONFLICT_END = "# >>>>>>> "


@dataclass
class MergeResult:
    text: str
    conflicts: list[Conflict]


def commented(block: str) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in block.splitlines())


def render_conflict(conflict: Conflict, dump: Callable[[dict], str]) -> str:
    """Our side live, their side commented out, each between git-style markers (all YAML comments)."""
    out = [f"{CONFLICT_START}ours: tracker merge conflict in {conflict.section} '{conflict.key}': "
           f"{' '.join(conflict.reason.split())}\n"]
    if conflict.ours is not None:
        out.append(dump(conflict.ours))
    out.append(CONFLICT_MIDDLE + "\n")
    if conflict.theirs is not None:
        out.append(commented(dump(conflict.theirs)))
    out.append(CONFLICT_END + "theirs\n")
    return "".join(out)


def render_entry(entry: Entry, dump: Callable[[dict], str]) -> str:
    if isinstance(entry, Conflict):
        return render_conflict(entry, dump)
    if isinstance(entry, Noted):
        return f"# {' '.join(entry.note.split())}\n" + dump(entry.item)
    return dump(entry)


def plain(entry: Entry) -> dict | None:
    """The item an entry leaves live in the file."""
    if isinstance(entry, Conflict):
        return entry.ours
    if isinstance(entry, Noted):
        return entry.item
    return entry


# ---------------------------------------------------------------------------------------------- the merge


def merge_texts(base_text: str, ours_text: str, theirs_text: str, path: str = "resources.yaml") -> MergeResult:
    """The merged resources.yaml for three versions of it; conflicts are listed and marked in the text."""
    problems = []
    sides: dict[str, dict] = {}
    cache = ValidationCache()
    for side, text in (("ours", ours_text), ("theirs", theirs_text)):
        try:
            sides[side] = strict_load(text, f"{path} ({side})", cache)
        except TrackerError as exc:
            problems.append(str(exc))
    if problems:
        return unreadable_merge(base_text, ours_text, theirs_text, path, "; ".join(problems))
    try:
        base = strict_load(base_text, f"{path} (base)", cache)
    except TrackerError:
        base = {}  # a broken ancestor: every item counts as added, nothing is lost
    ours, theirs = sides["ours"], sides["theirs"]

    sections = {name: merge_section(name, _items(base, name), _items(ours, name), _items(theirs, name))
                for name in SECTIONS}
    fold_duplicate_resources(sections["resources"], _items(ours, "resources"), _items(theirs, "resources"))
    extras, extra_conflicts = _merge_extras(base, ours, theirs)
    conflicts = [c for merge in sections.values() for c in merge.conflicts] + extra_conflicts

    if not conflicts and not any(isinstance(e, Noted) for e in sections["resources"].entries):
        text = _line_merge_if_same(base_text, ours_text, theirs_text, _expected(sections, extras), path, cache)
        if text is not None:
            return MergeResult(text, [])  # validated on the way
    text = _structural_text(ours_text, ours, sections, extras, extra_conflicts)
    text = keep_comments(text, base_text, ours_text, theirs_text)
    try:
        strict_load(text, path, cache)
    except TrackerError as exc:
        return unreadable_merge(base_text, ours_text, theirs_text, path,
                                f"the merged file would not load ({exc})")
    return MergeResult(text, conflicts)


def _items(data: dict, section: str) -> list:
    value = data.get(section)
    return value if isinstance(value, list) else []


def _merge_extras(base: dict, ours: dict, theirs: dict) -> tuple[dict[str, Any], list[Conflict]]:
    """Top-level keys a person added: 3-way merged like fields; where both changed one, ours stays live."""
    extras: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    for name in [*ours, *(k for k in theirs if k not in ours)]:
        if name in SECTIONS:
            continue
        b, o, t = base.get(name, MISSING), ours.get(name, MISSING), theirs.get(name, MISSING)
        value, clash = merge_value(name, b, o, t)
        if clash:
            reason = "; ".join(f"{part}: {describe(b)} -> {describe(o)} here, {describe(t)} there"
                               if part == name else f"{part} changed both ways" for part in clash)
            conflicts.append(Conflict("top level", name, reason,
                                      None if value is MISSING else {name: value},
                                      None if t is MISSING else {name: t}))
            continue
        if value is not MISSING:
            extras[name] = value
    return extras, conflicts


def _expected(sections: dict[str, SectionMerge], extras: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {name: [plain(e) for e in merge.entries] for name, merge in sections.items()}
    data.update(extras)
    return data


def _canonical(data: dict[str, Any]) -> str:
    """Order-free form of a file's data, for comparing two merges of it."""
    import json

    out = {}
    for name, value in data.items():
        if name in SECTIONS:
            value = sorted(json.dumps(v, sort_keys=True, default=str) for v in (value or []))
        out[name] = value
    for name in SECTIONS:
        out.setdefault(name, [])
    return json.dumps(out, sort_keys=True, default=str)


def _line_merge_if_same(base: str, ours: str, theirs: str, expected: dict, path: str,
                        cache: ValidationCache) -> str | None:
    """git's line merge, when it is clean and loads to the same items as the item-by-item merge."""
    merged, clean = line_merge(base, ours, theirs)
    if not clean:
        return None
    try:
        data = strict_load(merged, path, cache)
    except TrackerError:
        return None
    return merged if _canonical(data) == _canonical(expected) else None


def line_merge(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """``git merge-file`` on three texts: (result with markers, whether it was clean)."""
    with tempfile.TemporaryDirectory(prefix="tracker-merge-") as folder:
        names = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            file = os.path.join(folder, name)
            with open(file, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            names.append(file)
        done = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *names],
                              capture_output=True, check=False)
    return done.stdout.decode("utf-8", errors="replace"), done.returncode == 0


def _structural_text(ours_text: str, ours: dict, sections: dict[str, SectionMerge], extras: dict[str, Any],
                     extra_conflicts: list[Conflict]) -> str:
    from tracker.store.document import header_comments, render_file
    from tracker.store.yamlio import dump_item, dump_value

    spliced = None if extra_conflicts else splice_into_ours(ours_text, ours, sections, extras, dump_item)
    if spliced is not None:
        return spliced
    blocks = {name: [render_entry(entry, dump_item) for entry in sections[name].entries] for name in SECTIONS}
    text = render_file(blocks, extras, header_comments(ours_text))

    def dump_extra(item: dict) -> str:
        return "".join(dump_value(name, value) for name, value in item.items())

    for conflict in extra_conflicts:
        text += "\n" + render_conflict(conflict, dump_extra)
    return text


def splice_into_ours(ours_text: str, ours: dict, merged: dict[str, SectionMerge], extras: dict[str, Any],
                     dump_item: Callable[[dict], str]) -> str | None:
    """The merge as edits of our file: unchanged items keep their exact lines, so hand-written comments and
    formatting survive; only changed, removed and added items differ. None when our file's layout is one the
    line scan cannot follow (then the caller writes the canonical form)."""
    from tracker.merge.items import keyed
    from tracker.store.layout import scan

    layout = scan(ours_text)
    unknown = {name for name in ours if name not in SECTIONS}
    if not layout.simple or unknown or set(extras) - unknown:
        return None
    splices: list[tuple[int, int, str]] = []
    for name in SECTIONS:
        items = keyed(name, _items(ours, name))
        blocks = layout.blocks[name]
        if len(items) != len(blocks):
            return None
        block_of = {key: (block, item) for (key, item), block in zip(items.items(), blocks, strict=True)}
        entries = merged[name].entries
        if not entries and not blocks:
            continue
        if name not in layout.headers or (layout.headers[name][2] and entries):
            return None  # "section: []" that now gets items: leave it to the canonical writer
        kept: set[str] = set()
        anchor = layout.headers[name][1] + 1  # after "section:\n" when nothing of ours comes first
        for entry in entries:
            key = _block_key(name, entry, block_of)
            text = render_entry(entry, dump_item)
            if key in block_of and key not in kept:
                block, item = block_of[key]
                kept.add(key)
                if not isinstance(entry, dict) or entry != item:
                    splices.append((block.start, block.end, text))
                anchor = block.end
            else:
                splices.append((anchor, anchor, text))
        for key, (block, _item) in block_of.items():
            if key not in kept:
                splices.append((block.start, block.end, ""))
    if not splices:
        return ours_text
    out: list[str] = []
    cursor = 0
    for start, end, text in sorted(splices, key=lambda s: (s[0], s[1])):
        out.append(ours_text[cursor:start])
        out.append(text)
        cursor = max(cursor, end)
    out.append(ours_text[cursor:])
    return "".join(out)


def _block_key(section: str, entry: Entry, block_of: dict[str, tuple[Any, dict]]) -> str:
    """Which of our blocks an entry replaces: by key, or (after a rename here) by the live item itself."""
    key = entry_key(section, entry)
    if key in block_of:
        return key
    live = plain(entry)
    for candidate, (_block, item) in block_of.items():
        if live is not None and item.get("id") is not None and item.get("id") == live.get("id"):
            return candidate
    return key


# ---------------------------------------------------------------------------------------------- comments


def _comment_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip().startswith("#")]


def keep_comments(text: str, base: str, ours: str, theirs: str) -> str:
    """``text`` with every comment line either side wrote that the other did not remove and ``text`` lacks,
    each put just above the item (or section) it was above in the side that wrote it."""
    have = Counter(_comment_lines(text))
    base_count, ours_count, theirs_count = (Counter(_comment_lines(t)) for t in (base, ours, theirs))
    missing: dict[str, int] = {}
    for line in set(ours_count) | set(theirs_count):
        wanted = ours_count[line] + theirs_count[line] - base_count[line]
        if wanted > have[line]:
            missing[line] = wanted - have[line]
    if not missing:
        return text
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    first_at: dict[str, int] = {}
    for index, existing in enumerate(lines):
        first_at.setdefault(existing.rstrip(), index)
    anchors = {"ours": _anchors(ours, set(missing)), "theirs": _anchors(theirs, set(missing))}
    inserts: list[tuple[int, int, str]] = []
    for order, (line, count) in enumerate(sorted(missing.items())):
        side = "theirs" if theirs_count[line] > base_count[line] else "ours"
        for anchor in anchors[side].get(line, [])[-count:]:
            at = first_at.get(anchor, len(lines)) if anchor is not None else len(lines)
            inserts.append((at, order, line + "\n"))
    for at, _order, line in sorted(inserts, key=lambda i: (i[0], i[1]), reverse=True):
        lines.insert(at, line)
    return "".join(lines)


def _anchors(source: str, comments: set[str]) -> dict[str, list[str | None]]:
    """For each copy of each of ``comments`` in ``source``: the column-0 line it sits above (the first line of the
    item it is in or above, or a section header), or None at the end of the file. One pass over the file."""
    lines = source.splitlines()
    out: dict[str, list[str | None]] = {}
    waiting: list[str] = []  # comments whose next column-0 line is not seen yet
    owner: str | None = None  # the item whose block we are in
    for line in lines:
        stripped = line.rstrip()
        if line[:1].strip() and not line.startswith("#"):  # a column-0 line: an item or a header
            for comment in waiting:
                out.setdefault(comment, []).append(stripped)
            waiting = []
            owner = stripped if line.startswith("- ") else None
        elif not line.strip() or line.startswith("#"):
            owner = None if line.startswith("#") or not line.strip() else owner
        if stripped in comments:
            if owner is not None and line.startswith(" "):
                out.setdefault(stripped, []).append(owner)  # inside an item's block: keep it with that item
            else:
                waiting.append(stripped)
    for comment in waiting:
        out.setdefault(comment, []).append(None)
    return out



# ---------------------------------------------------------------------------------------------- unreadable


def unreadable_merge(base: str, ours: str, theirs: str, path: str, reason: str) -> MergeResult:
    """A side (or the merge) does not load: the first of ours, theirs, base that loads stays live, and the
    changes of each other side are recorded below it as a commented diff. Nothing is lost, the file loads,
    and the merge is a conflict. When no version loads, git's line merge with its markers is all there is."""
    versions = {"ours": ours, "theirs": theirs, "base": base}
    live = next((name for name, text in versions.items() if _loads(text, path)), None)
    conflict = Conflict("file", path, reason, None, None)
    if live is None:
        merged, _clean = line_merge(base, ours, theirs)
        return MergeResult(merged, [conflict])
    text = versions[live]
    if text and not text.endswith("\n"):
        text += "\n"
    for side in ("ours", "theirs"):
        if side == live or versions[side] == versions[live]:
            continue
        diff = "".join(difflib.unified_diff(base.splitlines(keepends=True), versions[side].splitlines(keepends=True),
                                            "base", side, n=1))
        text += (f"\n{CONFLICT_START}{side}: tracker merge conflict in file '{path}': "
                 f"{' '.join(reason.split())}; {side}' changes are recorded below as a diff (not live)\n"
                 f"{commented(diff)}{CONFLICT_END}{side}\n")
    return MergeResult(text, [conflict])


def _loads(text: str, path: str) -> bool:
    try:
        strict_load(text, path)
    except TrackerError:
        return False
    return True
