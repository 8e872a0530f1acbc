"""Importers: each reads one file format into ``ImportedContent``; ``plan_import`` dedupes it against the list.

Formats are imported lazily so ``tracker import`` loads only the parser it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tracker.errors import DataError
from tracker.lazy import load_function

if TYPE_CHECKING:  # kept out of the import path: the command module reads FORMATS for --format's choices
    from tracker.importers.content import ImportedContent

# format -> "module:function" taking (text, name) and returning ImportedContent.
READERS: dict[str, str] = {
    "markdown": "tracker.importers.markdown:read_markdown",
    "json": "tracker.importers.jsonfile:read_json",
    "jsonl": "tracker.importers.jsonfile:read_jsonl",
    "netscape": "tracker.importers.netscape:read_netscape",
    "pocket": "tracker.importers.delimited:read_pocket",
    "csv": "tracker.importers.delimited:read_csv",
}
FORMATS: tuple[str, ...] = tuple(READERS)


def guess_format(path: Path, head: str) -> str:
    """The format of a file from its first characters, then its extension."""
    start = head.lstrip("\ufeff \t\r\n")
    lowered = start[:400].lower()
    if "<!doctype netscape-bookmark-file" in lowered or ("<dl>" in lowered and "<dt>" in lowered):
        return "netscape"
    first_line = start.split("\n", 1)[0]
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        return "jsonl" if first_line.rstrip().endswith("}") and "\n{" in start else "json"
    header = {cell.strip().strip('"').lower() for cell in first_line.split(",")}
    if {"url", "time_added"} <= header:
        return "pocket"
    suffix = path.suffix.lower()
    by_suffix = {
        ".md": "markdown", ".markdown": "markdown", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
        ".html": "netscape", ".htm": "netscape", ".csv": "csv", ".tsv": "csv",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    if start.startswith("#") or "](" in start:
        return "markdown"
    raise DataError("cannot tell the file's format; pass --format", path)


def read_import_file(path: Path, fmt: str | None = None) -> tuple[str, ImportedContent]:
    """Read ``path`` as ``fmt`` (guessed when None); returns the format used and what the file holds."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", path) from exc
    text = raw.decode("utf-8-sig", errors="replace")
    fmt = fmt or guess_format(path, text[:2000])
    return fmt, load_function(READERS[fmt])(text, path.name)
