"""Where the links to check come from: the reading list, or any Markdown/HTML/text file (a README)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import DataError

# An absolute http(s) URL in Markdown, HTML or plain text; it ends before whitespace, quotes, angle brackets and
# the closing bracket of a Markdown link.
_URL = re.compile(r"""https?://[^\s<>"'`\]\)]+""", re.IGNORECASE)
_TRAILING = ".,;:!?*_~"


@dataclass(frozen=True)
class LinkTarget:
    """A URL to check and the item it belongs to (None for a link found in a plain file)."""

    url: str
    id: str | None = None


def urls_in_text(text: str) -> list[str]:
    """Every distinct http(s) URL in the text, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = html.unescape(match.group(0)).rstrip(_TRAILING)
        if "(" in url and not url.endswith(")") and text[match.end() : match.end() + 1] == ")":
            url += ")"  # Wikipedia-style URLs with balanced parentheses
        seen.setdefault(url, None)
    return list(seen)


def targets_from_file(path: Path) -> list[LinkTarget]:
    """The links of a Markdown, HTML or text file, for checking a README without a reading list."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", path) from exc
    return [LinkTarget(url) for url in urls_in_text(text)]
