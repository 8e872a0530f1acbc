"""The git merge driver: what git runs for the files tracker merges, and its registration.

git calls ``tracker merge-driver %O %A %B %P`` (base, ours, theirs, path); the result is written over %A and the
exit status says whether the merge is clean (0) or left conflicts (1). The path picks the merge: the link
history file merges record by record, a note (``*.md``) by front matter key and body line, everything else as
resources.yaml, item by item.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path, PurePosixPath

DRIVER_NAME = "tracker"
LINK_HISTORY_NAME = ".tracker-links.json"
# Shared lab runs (one JSON object per line, only ever appended): git's built-in union merge keeps both sides.
LAB_RUNS_PATTERN = "lab/runs/*.jsonl"


def describe_conflicts(conflicts: list, path: str) -> str:
    if any(c.section == "file" for c in conflicts):
        reason = "; ".join(c.reason for c in conflicts if c.section == "file")
        return (f"{path}: {reason}. The version that loads is live and the other side's changes are recorded "
                "below it as a commented diff: apply what you want of it, delete the block, then 'tracker resolve'")
    lines = [f"{path}: {len(conflicts)} conflict(s); our version is live and theirs is recorded beside it. "
             f"Settle with 'tracker resolve --ours' or '--theirs' (or edit the marked lines, then 'tracker resolve'):"]
    lines += [f"  {c.section} '{c.key}': {c.reason}" for c in conflicts]
    return "\n".join(lines)


def run_merge_driver(base: Path, ours: Path, theirs: Path, path: str) -> int:
    """What git runs: merge into ``ours``; 0 when clean, 1 when conflicts are left (as git expects)."""
    from tracker.errors import TrackerError
    from tracker.store.atomic import atomic_write

    texts = [p.read_text(encoding="utf-8", errors="surrogateescape") for p in (base, ours, theirs)]
    if PurePosixPath(path).name == LINK_HISTORY_NAME:
        from tracker.merge.state import merge_link_histories

        try:
            merged = merge_link_histories(*texts, path=path)
        except TrackerError as exc:
            print(f"tracker merge-driver: {exc}; kept our {path}, theirs is in git (git show :3:{path})",
                  file=sys.stderr)
            return 1
        atomic_write(ours, merged.encode("utf-8"))
        return 0
    if path.endswith(".md"):
        from tracker.merge.notes import merge_notes

        note = merge_notes(*texts, path=path)
        atomic_write(ours, note.text.encode("utf-8", errors="surrogateescape"))
        for line in note.conflicts:
            print(line, file=sys.stderr)
        return 1 if note.conflicts else 0
    from tracker.merge.text import merge_texts

    result = merge_texts(*texts, path=path)
    atomic_write(ours, result.text.encode("utf-8", errors="surrogateescape"))
    if result.conflicts:
        print(describe_conflicts(result.conflicts, path), file=sys.stderr)
        return 1
    return 0


def driver_command() -> str:
    """The command git runs, with this Python so it works without ``tracker`` on PATH."""
    return f"{shlex.quote(sys.executable)} -m tracker merge-driver %O %A %B %P"


def attribute_lines(data_file_name: str = "resources.yaml") -> list[str]:
    """The .gitattributes lines for a project whose list is ``data_file_name`` (relative to the repo root):
    the list, the link history and the notes beside it through the driver; shared lab runs and the machine-state logs
    (fetch records, flashcard reviews) as a union of lines."""
    folder = PurePosixPath(data_file_name).parent
    prefix = "" if str(folder) == "." else f"{folder}/"
    from tracker.project import UNION_MERGED

    return [f"{data_file_name} merge={DRIVER_NAME}", f"{prefix}{LINK_HISTORY_NAME} merge={DRIVER_NAME}",
            f"{prefix}notes/*.md merge={DRIVER_NAME}", f"{prefix}{LAB_RUNS_PATTERN} merge=union",
            *(f"{prefix}{name} merge=union" for name in UNION_MERGED)]


def register_merge_driver(repo_root: Path, data_file_name: str = "resources.yaml") -> bool:
    """Add the merge lines to .gitattributes (those missing) and the driver to the repo's git config.

    Returns True when .gitattributes changed (the caller commits it). The git config part is per clone, so
    ``tracker sync`` and every commit set it again on a fresh clone (``ensure_configured``).
    """
    attributes = repo_root / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    present = set(existing.splitlines())
    missing = [line for line in attribute_lines(data_file_name) if line not in present]
    if missing:
        prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
        attributes.write_text(prefix + "".join(line + "\n" for line in missing), encoding="utf-8")
    configure_merge_driver(repo_root)
    return bool(missing)


def missing_attribute_lines(repo_root: Path) -> list[str]:
    """For a project registered before tracker merged its machine state: the .gitattributes lines it lacks
    (derived from each list file the attributes already route through the driver)."""
    try:
        existing = (repo_root / ".gitattributes").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    missing: list[str] = []
    for line in existing:
        parts = line.split()
        if len(parts) == 2 and parts[1] == f"merge={DRIVER_NAME}" and parts[0].endswith((".yaml", ".yml")):
            missing += [wanted for wanted in attribute_lines(parts[0]) if wanted not in existing + missing]
    return missing


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
