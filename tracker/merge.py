"""A git merge driver for resources.yaml that merges item by item, by id, instead of line by line.

Two machines that each add an item, or move an item while the other retags it, or remove an item the other left
alone, merge cleanly. The same field changed two ways is a conflict: the merged file keeps "our" version of that
item live and "their" version commented out between ``# <<<<<<<`` / ``# =======`` / ``# >>>>>>>`` markers, so the
file stays valid YAML, every other item is merged, and git reports the path as conflicted (exit status 1).

git calls ``tracker merge-driver %O %A %B %P`` (base, ours, theirs, path); the result is written over %A.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import TrackerError
from tracker.store.layout import SECTIONS

DRIVER_NAME = "tracker"
_MISSING: Any = object()


@dataclass
class Conflict:
    """One item both sides changed incompatibly (or one removed while the other edited)."""

    section: str
    key: str
    reason: str
    ours: dict | None
    theirs: dict | None


@dataclass
class SectionMerge:
    """A merged section: items in order, a ``Conflict`` where no clean merge exists."""

    entries: list[dict | Conflict] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Conflict]:
        return [entry for entry in self.entries if isinstance(entry, Conflict)]


def _advice_key(item: dict) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


KEY_OF: dict[str, Callable[[dict], str]] = {
    "resources": lambda item: str(item.get("id")),
    "topics": lambda item: str(item.get("id")),
    "glossary": lambda item: str(item.get("term", "")).casefold(),
    "advice": _advice_key,  # advice has no id: an edited quote is the old one removed and a new one added
}


def _merge_list(base: list, ours: list, theirs: list) -> list:
    """Lists of scalars (tags, authors) merge as sets: what either side added stays, what either removed goes."""
    removed = {json.dumps(v, default=str) for v in base} - (
        {json.dumps(v, default=str) for v in ours} & {json.dumps(v, default=str) for v in theirs}
    )
    out: list = []
    seen: set[str] = set()
    for value in [*ours, *theirs]:
        marker = json.dumps(value, default=str)
        if marker in seen or marker in removed:
            continue
        seen.add(marker)
        out.append(value)
    return out


def merge_fields(base: dict, ours: dict, theirs: dict) -> tuple[dict, list[str]]:
    """A field-by-field 3-way merge of one item; returns the merged item and the fields that conflict."""
    merged: dict = {}
    conflicting: list[str] = []
    for name in [*ours, *(key for key in theirs if key not in ours)]:
        b, o, t = base.get(name, _MISSING), ours.get(name, _MISSING), theirs.get(name, _MISSING)
        if o == t:
            value = o
        elif o == b:
            value = t
        elif t == b:
            value = o
        elif all(isinstance(v, list) for v in (o, t)) and all(not isinstance(v, dict | list) for v in [*o, *t]):
            value = _merge_list(b if isinstance(b, list) else [], o, t)
        elif name == "status_changed" and o is not _MISSING and t is not _MISSING:
            value = max(str(o), str(t))  # both moved it: the later date is the last change
        else:
            conflicting.append(name)
            value = o
        if value is not _MISSING:
            merged[name] = value
    return merged, conflicting


def _describe(value: Any) -> str:
    if value is _MISSING:
        return "(removed)"
    return json.dumps(value, ensure_ascii=False, default=str)


def merge_section(section: str, base: list[dict], ours: list[dict], theirs: list[dict]) -> SectionMerge:
    """Merge one section's items by their key, keeping our order and placing their new items after their
    predecessor."""
    key_of = KEY_OF[section]
    base_by = {key_of(item): item for item in base}
    ours_by = {key_of(item): item for item in ours}
    theirs_by = {key_of(item): item for item in theirs}
    order = [key_of(item) for item in ours]
    placed = set(order)
    theirs_order = [key_of(item) for item in theirs]
    for index, key in enumerate(theirs_order):
        if key in placed:
            continue
        predecessor = next((k for k in reversed(theirs_order[:index]) if k in placed), None)
        position = order.index(predecessor) + 1 if predecessor is not None else 0
        order.insert(position, key)
        placed.add(key)
    for key in base_by:
        if key not in placed:
            order.append(key)  # removed on both sides: dropped below
    result = SectionMerge()
    for key in order:
        b, o, t = base_by.get(key), ours_by.get(key), theirs_by.get(key)
        if o is None and t is None:
            continue
        if b is None:
            if o is None or t is None or o == t:
                result.entries.append(o if o is not None else t)  # type: ignore[arg-type]
                continue
            merged, conflicting = merge_fields({}, o, t)
        elif o is None or t is None:
            survivor = o if o is not None else t
            if survivor == b:
                continue  # removed on one side, untouched on the other
            side = "here" if o is None else "there"
            result.entries.append(
                Conflict(section, key, f"removed {side} but edited on the other side", o, t)
            )
            continue
        else:
            merged, conflicting = merge_fields(b, o, t)
        if conflicting:
            details = "; ".join(
                f"{name}: {_describe((b or {}).get(name, _MISSING))} -> {_describe(o.get(name, _MISSING))} here, "
                f"{_describe(t.get(name, _MISSING))} there"
                for name in conflicting
            )
            result.entries.append(Conflict(section, key, details, o, t))
        else:
            result.entries.append(merged)
    return result


def _duplicate_urls(merge: SectionMerge, ours_keys: set[str]) -> None:
    """Two different ids for one link (each side added it): keep ours, turn theirs into a conflict."""
    from tracker.urls import identity_key

    seen: dict[str, str] = {}
    for index, entry in enumerate(merge.entries):
        if isinstance(entry, Conflict) or not isinstance(entry.get("url"), str):
            continue
        key = identity_key(entry["url"])
        if key in seen and seen[key] != entry.get("id"):
            merge.entries[index] = Conflict(
                "resources",
                str(entry.get("id")),
                f"the same link as '{seen[key]}' was added on both sides under two ids",
                None if str(entry.get("id")) not in ours_keys else entry,
                entry if str(entry.get("id")) not in ours_keys else None,
            )
            continue
        seen[key] = str(entry.get("id"))


def _commented(block: str) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in block.splitlines())


def render_conflict(conflict: Conflict, dump_item: Callable[[dict], str]) -> str:
    """Our side live, their side commented out, each between git-style markers (all YAML comments)."""
    out = [f"# <<<<<<< ours: tracker merge conflict in {conflict.section} '{conflict.key}': {conflict.reason}\n"]
    if conflict.ours is not None:
        out.append(dump_item(conflict.ours))
    out.append("# =======\n")
    if conflict.theirs is not None:
        out.append(_commented(dump_item(conflict.theirs)))
    out.append("# >>>>>>> theirs\n")
    return "".join(out)


@dataclass
class MergeResult:
    text: str
    conflicts: list[Conflict]


def _load(text: str, label: str) -> dict:
    from tracker.store.yamlio import safe_load

    data = safe_load(text, label) if text.strip() else {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TrackerError(f"{label}: not a resources.yaml mapping")
    return data


def merge_texts(base_text: str, ours_text: str, theirs_text: str, path: str = "resources.yaml") -> MergeResult:
    """The merged resources.yaml for three versions of it; conflicts are listed and marked in the text."""
    from tracker.models import Document
    from tracker.store.document import header_comments, render_document, render_file
    from tracker.store.yamlio import dump_item

    base, ours, theirs = (_load(t, f"{path} ({side})") for t, side in
                          ((base_text, "base"), (ours_text, "ours"), (theirs_text, "theirs")))
    merged_sections: dict[str, SectionMerge] = {}
    for section in SECTIONS:
        merged_sections[section] = merge_section(
            section, base.get(section) or [], ours.get(section) or [], theirs.get(section) or []
        )
    ours_ids = {str(item.get("id")) for item in ours.get("resources") or []}
    _duplicate_urls(merged_sections["resources"], ours_ids)
    conflicts = [c for merge in merged_sections.values() for c in merge.conflicts]

    extras: dict[str, Any] = {}
    for name in [*ours, *(k for k in theirs if k not in ours)]:
        if name in SECTIONS:
            continue
        b, o, t = base.get(name, _MISSING), ours.get(name, _MISSING), theirs.get(name, _MISSING)
        value = o if o == t or t == b else t if o == b else o
        if value is _MISSING:
            continue
        if o != t and o != b and t != b:
            conflicts.append(Conflict("top level", name, "changed both ways; kept ours", None, None))
        extras[name] = value

    from pydantic import ValidationError  # lazy: every commit imports this module for ensure_configured

    clean_entries = {name: [e for e in merged_sections[name].entries if isinstance(e, dict)] for name in SECTIONS}
    try:
        document = Document.model_validate({**clean_entries, **extras})
    except ValidationError as exc:
        raise TrackerError(f"{path}: the merged list would not be valid: {exc.errors()[0]['msg']}") from None
    spliced = splice_into_ours(ours_text, ours, merged_sections, extras, dump_item)
    if spliced is not None:
        return MergeResult(spliced, conflicts)
    header = header_comments(ours_text)  # kept from our side
    if not conflicts:
        return MergeResult(render_document(document, header), [])
    blocks = {
        name: [render_conflict(entry, dump_item) if isinstance(entry, Conflict) else dump_item(entry)
               for entry in merged_sections[name].entries]
        for name in SECTIONS
    }
    return MergeResult(render_file(blocks, extras, header), conflicts)


def splice_into_ours(
    ours_text: str,
    ours: dict,
    merged: dict[str, SectionMerge],
    extras: dict[str, Any],
    dump_item: Callable[[dict], str],
) -> str | None:
    """The merge as edits of our file: unchanged items keep their exact lines, so hand-written comments and
    formatting survive; only changed, removed and added items differ. None when our file's layout is one the
    line scan cannot follow (then the caller writes the canonical form)."""
    from tracker.store.layout import scan

    layout = scan(ours_text)
    unknown = {name for name in ours if name not in SECTIONS}
    if not layout.simple or unknown or set(extras) - unknown:
        return None
    splices: list[tuple[int, int, str]] = []
    for name in SECTIONS:
        key_of = KEY_OF[name]
        items = ours.get(name) or []
        blocks = layout.blocks[name]
        if len(items) != len(blocks):
            return None
        block_of = {key_of(item): (block, item) for item, block in zip(items, blocks, strict=True)}
        entries = merged[name].entries
        if not entries and not blocks:
            continue
        if name not in layout.headers or (layout.headers[name][2] and entries):
            return None  # "section: []" that now gets items: leave it to the canonical writer
        kept: set[str] = set()
        anchor = layout.headers[name][1] + 1  # after "section:\n" when nothing of ours comes first
        for entry in entries:
            key = entry.key if isinstance(entry, Conflict) else key_of(entry)
            text = render_conflict(entry, dump_item) if isinstance(entry, Conflict) else dump_item(entry)
            if key in block_of:
                block, item = block_of[key]
                kept.add(key)
                if isinstance(entry, Conflict) or entry != item:
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


def describe_conflicts(conflicts: list[Conflict], path: str) -> str:
    lines = [f"{path}: {len(conflicts)} item(s) changed two ways; fix the marked item(s), then git add {path}:"]
    lines += [f"  {c.section} '{c.key}': {c.reason}" for c in conflicts]
    return "\n".join(lines)


def run_merge_driver(base: Path, ours: Path, theirs: Path, path: str) -> int:
    """What git runs: merge into ``ours``; 0 when clean, 1 when conflicts are left (as git expects)."""
    texts = [p.read_text(encoding="utf-8") for p in (base, ours, theirs)]
    try:
        result = merge_texts(*texts, path=path)
    except TrackerError as exc:
        # A side tracker cannot read (a broken hand edit): fall back to git's line merge with its markers.
        print(f"tracker merge-driver: {exc}; falling back to a line-by-line merge", file=sys.stderr)
        done = subprocess.run(
            ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs)],
            check=False,
        )
        return 0 if done.returncode == 0 else 1
    from tracker.store.atomic import atomic_write

    atomic_write(ours, result.text.encode("utf-8"))
    if result.conflicts:
        print(describe_conflicts(result.conflicts, path), file=sys.stderr)
        return 1
    return 0


def driver_command() -> str:
    """The command git runs, with this Python so it works without ``tracker`` on PATH."""
    return f"{shlex.quote(sys.executable)} -m tracker merge-driver %O %A %B %P"


def register_merge_driver(repo_root: Path, data_file_name: str = "resources.yaml") -> bool:
    """Add ``resources.yaml merge=tracker`` to .gitattributes and the driver to the repo's git config.

    Returns True when .gitattributes changed (the caller commits it). The git config part is per clone, so
    ``tracker sync`` sets it again on a fresh clone (``configure_merge_driver``).
    """
    attributes = repo_root / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    line = f"{data_file_name} merge={DRIVER_NAME}"
    changed = line not in existing.splitlines()
    if changed:
        prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
        attributes.write_text(prefix + line + "\n", encoding="utf-8")
    configure_merge_driver(repo_root)
    return changed


def configure_merge_driver(repo_root: Path) -> None:
    """Only the git config entry (it is per clone; .gitattributes travels with the repository)."""
    from tracker.gitrepo import run_git

    for key, value in (
        (f"merge.{DRIVER_NAME}.name", "tracker: merge resources.yaml item by item"),
        (f"merge.{DRIVER_NAME}.driver", driver_command()),
    ):
        run_git(repo_root, "config", key, value)


def ensure_configured(repo_root: Path) -> None:
    """In a clone whose .gitattributes names the driver but whose git config lacks it (config is not cloned),
    add it: two small file reads when nothing is needed, so every commit can afford the check."""
    try:
        wanted = f"merge={DRIVER_NAME}" in (repo_root / ".gitattributes").read_text(encoding="utf-8")
        present = f'[merge "{DRIVER_NAME}"]' in (repo_root / ".git" / "config").read_text(encoding="utf-8")
    except OSError:
        return
    if wanted and not present:
        configure_merge_driver(repo_root)
