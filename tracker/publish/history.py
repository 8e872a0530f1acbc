"""Status history of every item, read from the git history of resources.yaml in one ``git log`` pass.

Parsing each past version of a 100k-item file would cost one full YAML parse per commit. Instead one
``git log -p -U0`` streams only the changed lines, and a diff driver whose function-name regex is the item's
``- id:`` line makes git name, in every hunk header, the item a change belongs to.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

_DRIVER = "tracker-items"
_ITEM_START = r"^[[:space:]]*-[[:space:]]+id:.*$"

_DIFF_LINE = re.compile(
    rb"^(?:@@ [^@\n]* @@(?P<func>[^\n]*)"
    rb"|(?P<sign>[-+])[ \t]*(?P<dash>-[ \t]+)?(?P<key>id|status):[ \t]*(?P<value>[^\n]*))$",
    re.M,
)
_FUNC_ID = re.compile(rb"-[ \t]+id:[ \t]*(?P<value>[^\n]*)")


def git_head(root: Path) -> str | None:
    """The commit checked out in ``root``, or None outside git or before the first commit."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def status_history(resources_file: Path) -> list[dict]:
    """One row per status change of an item (its first status included), oldest first, from git."""
    root = resources_file.parent
    if git_head(root) is None:
        return []
    with tempfile.TemporaryDirectory() as scratch:
        attributes = Path(scratch) / "attributes"
        attributes.write_text(f"{resources_file.name} diff={_DRIVER}\n", encoding="utf-8")
        done = subprocess.run(
            [
                "git",
                "-c", f"core.attributesFile={attributes}",
                "-c", f"diff.{_DRIVER}.xfuncname={_ITEM_START}",
                "log", "--reverse", "--no-color", "--no-renames", "--no-ext-diff", "--first-parent",
                "-p", "-U0", "--format=%x00%H %aI %s",
                "--", resources_file.name,
            ],
            cwd=root,
            capture_output=True,
            check=False,
        )
    if done.returncode != 0:
        return []
    events: list[dict] = []
    for chunk in done.stdout.split(b"\x00")[1:]:
        header, _, diff = chunk.partition(b"\n")
        commit, date, message = (header.decode("utf-8", "replace").split(" ", 2) + ["", ""])[:3]
        events.extend(_status_changes(diff, commit, date, message))
    return events


def _clean(value: bytes) -> str:
    text = value.decode("utf-8", "replace").split(" #", 1)[0].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text


def _status_changes(diff: bytes, commit: str, date: str, message: str) -> list[dict]:
    old_status: dict[str, str] = {}
    new_status: dict[str, str] = {}
    old_id = new_id = None
    for match in _DIFF_LINE.finditer(diff):
        func = match.group("func")
        if func is not None:
            found = _FUNC_ID.search(func)
            old_id = new_id = _clean(found.group("value")) if found else None
            continue
        plus = match.group("sign") == b"+"
        if match.group("key") == b"id":
            if plus:
                new_id = _clean(match.group("value"))
            else:
                old_id = _clean(match.group("value"))
            continue
        item = new_id if plus else old_id
        if item:
            (new_status if plus else old_status)[item] = _clean(match.group("value"))
    changes = []
    for item in new_status.keys() | old_status.keys():
        before, after = old_status.get(item), new_status.get(item)
        if before != after:
            changes.append(
                {
                    "resource": item,
                    "commit": commit,
                    "date": date,
                    "from_status": before,
                    "to_status": after,
                    "message": message,
                }
            )
    changes.sort(key=lambda row: row["resource"])
    return changes
