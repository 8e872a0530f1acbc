"""Say why a build failed in one line, ``file:line: what is wrong``, whatever the failure was.

The live server rebuilds after every save, so it meets every half-finished edit a person makes: broken YAML,
an impossible date, a NUL byte pasted in, two topics with one id. The core names most of these precisely; this
module turns the rest (errors from the YAML parser, the date constructor or SQLite) into the same kind of
sentence, so the page banner and the terminal can point at the line to fix.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

from tracker.errors import TrackerError

# A plain YAML scalar that the YAML 1.1 resolver takes for a date (so an impossible one fails to load).
_DATE_VALUE = re.compile(r"^\s*-?\s*[\w-]+:\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*(#.*)?$")
_UNIQUE_FAILED = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)")


def describe_build_error(exc: BaseException, resources_file: Path) -> str:
    """One line naming the file (and line, when it can be found) and the problem."""
    if isinstance(exc, TrackerError):
        return str(exc)
    text = _read_text(resources_file)
    line = _error_line(exc, text)
    where = f"{resources_file}:{line}" if line else str(resources_file)
    return f"{where}: {_what(exc)}"


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _what(exc: BaseException) -> str:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        return " ".join(str(part) for part in (exc.context, exc.problem) if part) or "invalid YAML"
    if isinstance(exc, yaml.reader.ReaderError):
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else f"U+{ord(char):04X}" if len(char) == 1 else repr(char)
        return f"character {shown} is not allowed in YAML (control characters such as NUL are refused)"
    found = _UNIQUE_FAILED.search(str(exc)) if isinstance(exc, sqlite3.IntegrityError) else None
    if found:
        return f"two entries in {found.group(1)} have the same {found.group(2)}"
    if isinstance(exc, ValueError) and ("month" in str(exc) or "day" in str(exc)):
        return f"impossible date ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _error_line(exc: BaseException, text: str) -> int | None:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        return exc.problem_mark.line + 1
    if isinstance(exc, yaml.reader.ReaderError):
        return text.count("\n", 0, exc.position) + 1
    if isinstance(exc, ValueError):
        return _impossible_date_line(text)
    found = _UNIQUE_FAILED.search(str(exc)) if isinstance(exc, sqlite3.IntegrityError) else None
    if found and found.group(2) == "id":
        return _repeated_id_line(text)
    return None


def _impossible_date_line(text: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DATE_VALUE.match(line)
        if match:
            try:
                dt.date(*(int(part) for part in match.groups()[:3]))
            except ValueError:
                return number
    return None


def _repeated_id_line(text: str) -> int | None:
    """The line of the second ``id: X`` for an X seen before in the same section."""
    seen: set[tuple[str, str]] = set()
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^[A-Za-z_]\w*:", line):
            section = line.split(":", 1)[0]
            continue
        match = re.match(r"^\s*-?\s*id:\s*['\"]?([^'\"#]+?)['\"]?\s*(#.*)?$", line)
        if match:
            key = (section, match.group(1))
            if key in seen:
                return number
            seen.add(key)
    return None
