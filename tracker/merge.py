"""A git merge driver for resources.yaml that merges item by item, field by field.

Two machines that each add items, or move different items, or change different fields of one item, merge
cleanly; line-based merging would conflict on the shared end of the list. Only a real conflict (the same field
changed two ways, an item edited on one side and removed on the other) is left for the user, marked the way git
marks conflicts. Our side's text is the starting point, so comments survive.

``tracker init`` registers it: ``resources.yaml merge=tracker`` in .gitattributes and
``merge.tracker.driver`` in the repository's git config.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import DataError
from tracker.layout import SECTIONS, scan

_MISSING = object()


@dataclass
class MergeResult:
    text: str
    conflicts: list[str] = field(default_factory=list)


def _key(section: str, item: dict) -> Any:
    if section in ("resources", "topics"):
        return str(item.get("id"))
    if section == "glossary":
        return str(item.get("term", "")).casefold()
    return (item.get("category"), item.get("text"))


def _items(text: str, label: str) -> dict[str, dict[Any, tuple[dict, int, int]]]:
    """section -> key -> (item, block start, block end), for a file in the layout tracker writes."""
    from tracker.yamlio import safe_load

    layout = scan(text)
    if not layout.simple:
        raise DataError(f"{label}: not in the layout tracker writes")
    found: dict[str, dict[Any, tuple[dict, int, int]]] = {name: {} for name in SECTIONS}
    for name in SECTIONS:
        for block in layout.blocks[name]:
            data = safe_load(text[block.start:block.end], label, block.line - 1)
            if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
                raise DataError("expected one entry", label, block.line)
            found[name][_key(name, data[0])] = (data[0], block.start, block.end)
    return found


def _merge_fields(base: dict, ours: dict, theirs: dict) -> tuple[dict, list[str]]:
    merged: dict = {}
    clashes: list[str] = []
    for name in dict.fromkeys([*ours, *theirs]):
        b, o, t = base.get(name, _MISSING), ours.get(name, _MISSING), theirs.get(name, _MISSING)
        if o == t or t == b:
            value = o
        elif o == b:
            value = t
        else:
            clashes.append(name)
            value = o
        if value is not _MISSING:
            merged[name] = value
    return merged, clashes


def _ordered(section: str, data: dict) -> dict:
    if section == "resources":
        from tracker.document import with_changes

        return with_changes("resources", data, {})
    return data


def merge_texts(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge three versions of resources.yaml; raises DataError when one is not in tracker's layout."""
    from tracker.store import insert_items
    from tracker.yamlio import dump_item

    items = {"base": _items(base, "base"), "ours": _items(ours, "ours"), "theirs": _items(theirs, "theirs")}
    splices: list[tuple[int, int, str]] = []
    conflicts: list[str] = []
    for section in SECTIONS:
        b_items, o_items, t_items = (items[side][section] for side in ("base", "ours", "theirs"))
        added: list[str] = []
        for key in dict.fromkeys([*o_items, *t_items]):
            b = b_items.get(key, (None, 0, 0))[0]
            o_entry, t_entry = o_items.get(key), t_items.get(key)
            o = o_entry[0] if o_entry else None
            t = t_entry[0] if t_entry else None
            if o == t or t == b:
                continue  # ours already holds the result
            label = f"{section} {key if not isinstance(key, tuple) else key[1]!r}"
            if o == b:
                result: dict | None = t
            elif o is None or t is None:
                conflicts.append(f"{label}: changed on one side, removed on the other")
                result = o if o is not None else t
                if o is None:
                    added.append(_conflict_block("", dump_item(_ordered(section, t or {}))))
                else:
                    start, end = o_entry[1], o_entry[2]
                    splices.append((start, end, _conflict_block(ours[start:end], "")))
                continue
            else:
                result, clashes = _merge_fields(b or {}, o, t)
                if clashes:
                    conflicts.append(f"{label}: both sides changed {', '.join(clashes)}")
                    start, end = o_entry[1], o_entry[2]
                    splices.append((start, end, _conflict_block(ours[start:end],
                                                                dump_item(_ordered(section, t)))))
                    continue
            text = "" if result is None else dump_item(_ordered(section, result))
            if o_entry:
                splices.append((o_entry[1], o_entry[2], text))
            else:
                added.append(text)
        if added:
            splices.append(insert_items(ours, section, "".join(added)))
    parts, cursor = [], 0
    for start, end, text in sorted(splices, key=lambda s: (s[0], s[1])):
        parts.append(ours[cursor:start])
        parts.append(text)
        cursor = max(cursor, end)
    parts.append(ours[cursor:])
    return MergeResult("".join(parts), conflicts)


def _conflict_block(ours: str, theirs: str) -> str:
    return f"<<<<<<< ours\n{ours}=======\n{theirs}>>>>>>> theirs\n"


def run_merge_driver(base_path: Path, ours_path: Path, theirs_path: Path) -> tuple[int, list[str]]:
    """What git calls: write the merge into ``ours_path``; 0 when clean, 1 when conflicts are marked.

    Files tracker cannot read item by item fall back to git's own line-based merge.
    """
    from tracker.store import atomic_write

    texts = [Path(p).read_text(encoding="utf-8") for p in (base_path, ours_path, theirs_path)]
    try:
        result = merge_texts(*texts)
    except DataError as exc:
        proc = subprocess.run(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                              str(ours_path), str(base_path), str(theirs_path)], capture_output=True)
        return (0 if proc.returncode == 0 else 1), [f"line-based merge ({exc})"]
    if not result.conflicts:
        from tracker.document import read_document

        try:
            read_document(result.text, Path(ours_path).name)
        except DataError as exc:  # e.g. both sides added the same link under different ids
            result.conflicts.append(str(exc))
    atomic_write(Path(ours_path), result.text.encode("utf-8"))
    return (1 if result.conflicts else 0), result.conflicts


def ensure_configured(repo: Path) -> None:
    """In a clone whose .gitattributes names the driver but whose git config lacks it (config is not cloned),
    add it. Two small file reads when nothing is needed."""
    try:
        wanted = "merge=tracker" in (repo / ".gitattributes").read_text()
        present = '[merge "tracker"]' in (repo / ".git" / "config").read_text()
    except OSError:
        return
    if wanted and not present:
        _configure(repo)


def _configure(repo: Path) -> None:
    import shlex
    import sys

    driver = f"{shlex.quote(sys.executable)} -m tracker merge-driver %O %A %B"
    for key, value in (("merge.tracker.name", "tracker: merge resources.yaml item by item"),
                       ("merge.tracker.driver", driver)):
        subprocess.run(["git", "config", key, value], cwd=repo, check=True, capture_output=True)


def register(repo: Path, data_file: Path) -> None:
    """Register the driver for ``data_file``: a line in .gitattributes (committed) and the local git config."""
    import os

    attributes = repo / ".gitattributes"
    rel = os.path.relpath(data_file, repo).replace(os.sep, "/")
    line = f"{rel} merge=tracker"
    existing = attributes.read_text().splitlines() if attributes.exists() else []
    if line not in existing:
        attributes.write_text("\n".join([*existing, line]) + "\n")
    _configure(repo)
