"""Replace permanently moved URLs in resources.yaml, touching only the ``url:`` lines that change."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from tracker.errors import DataError

_URL_LINE = re.compile(
    r"""^(?P<lead>\s*(?:-\s+)?url:\s*)(?P<q>['"]?)(?P<url>[^'"\s#]+)(?P=q)(?P<tail>\s*(?:#.*)?)$"""
)


def replace_moved_urls(list_path: Path, moved: dict[str, str]) -> int:
    """Point every item whose ``url`` is a key of ``moved`` at its new address; return how many changed.

    Only the matching ``url:`` lines are rewritten (comments, order and layout stay), the result is parsed
    again before it replaces the file atomically, and the file is untouched on any error.
    """
    text = list_path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    count = 0
    for number, line in enumerate(lines):
        body = line.rstrip("\r\n")
        match = _URL_LINE.match(body)
        if not match or match.group("url") not in moved:
            continue
        new = moved[match.group("url")]
        quote = match.group("q") or ("'" if any(ch in new for ch in ":#") and " " in new else "")
        lines[number] = f"{match.group('lead')}{quote}{new}{quote}{match.group('tail')}{line[len(body) :]}"
        count += 1
    if not count:
        return 0
    updated = "".join(lines)
    try:
        yaml.safe_load(updated)
    except yaml.YAMLError as exc:
        raise DataError(
            f"updating moved URLs would break the file ({exc}); left unchanged", list_path
        ) from exc
    fd, tmp = tempfile.mkstemp(prefix=f".{list_path.name}.", suffix=".tmp", dir=list_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(updated)
        os.replace(tmp, list_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
