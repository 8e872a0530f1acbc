"""Snapshot files: ``archive/<item-id>.md`` beside resources.yaml, a small header then the page's text.

Plain text in git: a fresh clone has every snapshot, a diff shows what changed on the page, and a person may
edit or delete one by hand. The header is ``key: value`` lines between ``---`` fences (no YAML parser needed
to read it, so a list with 10,000 snapshots costs one small read per file and only when asked).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tracker.archive.extract import Snapshot

ARCHIVE_DIR = "archive"
OFF_MARKER = ".off"  # archive/.off (tracked): saving is off for this list, on every machine
ENV_SWITCH = "TRACKER_ARCHIVE"  # "off" / "0": saving is off for this process
# Wayback copies found, in .tracker/: derived (the API can be asked again), read by `tracker build` (here, not in
# checking.py, so that a no-op build can hash it without importing asyncio and the checker).
COPIES_FILE = "wayback.json"
_SAFE_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,200}")
_HEADER_KEYS = ("url", "saved", "kind", "words", "duration_s", "extractor", "truncated")
HEADER_BYTES = 2048


@dataclass
class SavedPage:
    """A snapshot file as read back: its header fields and (when asked for) its text."""

    item_id: str
    header: dict[str, str] = field(default_factory=dict)
    text: str | None = None

    @property
    def words(self) -> int | None:
        value = self.header.get("words", "")
        return int(value) if value.isdigit() else None

    @property
    def duration_s(self) -> int | None:
        value = self.header.get("duration_s", "")
        return int(value) if value.isdigit() else None


def archive_dir(root: Path) -> Path:
    return root / ARCHIVE_DIR


def snapshot_path(root: Path, item_id: str) -> Path | None:
    """Where the item's snapshot lives; None for an id that is no safe file name (never a path)."""
    if not _SAFE_ID.fullmatch(item_id) or item_id.endswith(".") or ".." in item_id:
        return None
    return archive_dir(root) / f"{item_id}.md"


def saving_enabled(root: Path, item: dict | None = None) -> bool:
    """False when archiving is off: ``TRACKER_ARCHIVE=off``, ``archive/.off``, or ``archive: false`` on the item."""
    if os.environ.get(ENV_SWITCH, "").strip().lower() in ("0", "off", "no", "false"):
        return False
    if (archive_dir(root) / OFF_MARKER).exists():
        return False
    if item is not None and str(item.get("archive", "")).strip().lower() in ("false", "off", "no", "0"):
        return False
    return True


def render(snapshot: Snapshot, url: str, saved: dt.date) -> str:
    """The file's bytes (as text) for ``snapshot``."""
    header = {"url": url, "saved": saved.isoformat(), "kind": snapshot.kind, "words": str(snapshot.words),
              "duration_s": str(snapshot.duration_s or ""), "extractor": snapshot.extractor,
              "truncated": "true" if snapshot.truncated else ""}
    lines = ["---", *(f"{key}: {_one_line(header[key])}" for key in _HEADER_KEYS if header[key]), "---", ""]
    return "\n".join(lines) + "\n" + snapshot.text.strip() + "\n"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def parse(item_id: str, content: str) -> SavedPage:
    """A snapshot file's header and text; a file without a header (hand-written) is all text."""
    if not content.startswith("---"):
        return SavedPage(item_id, {}, content.strip())
    end = content.find("\n---", 3)
    if end < 0:
        return SavedPage(item_id, {}, content.strip())
    header: dict[str, str] = {}
    for line in content[3:end].splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            header[key.strip().lower()] = value.strip()
    body_start = content.find("\n", end + 4)
    text = content[body_start + 1:] if body_start >= 0 else ""
    return SavedPage(item_id, header, text.strip())


def read_page(root: Path, item_id: str, with_text: bool = True) -> SavedPage | None:
    """The item's snapshot, or None when it has none (or it cannot be read)."""
    path = snapshot_path(root, item_id)
    if path is None:
        return None
    try:
        if with_text:
            content = path.read_text(encoding="utf-8", errors="replace")
        else:
            with path.open("rb") as handle:
                content = handle.read(HEADER_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    page = parse(item_id, content)
    if not with_text:
        page.text = None
    return page


def write_page(root: Path, item_id: str, url: str, snapshot: Snapshot, today: dt.date | None = None) -> Path | None:
    """Save ``snapshot`` for the item; the path when its bytes changed, None when nothing was written.

    The same text saved again changes nothing (no ``saved:`` date churn, no commit on a re-fetch).
    """
    path = snapshot_path(root, item_id)
    if path is None or not snapshot.text.strip() and not snapshot.duration_s:
        return None
    old = read_page(root, item_id)
    if old is not None and old.text == snapshot.text.strip() and old.header.get("url") == url:
        return None
    content = render(snapshot, url, today or dt.date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temp.write_text(content, encoding="utf-8")
    os.replace(temp, path)
    return path
