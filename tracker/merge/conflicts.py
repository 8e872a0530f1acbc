"""Open merge conflicts in resources.yaml: find them (so `list` and `show` can point at them) and settle them.

A conflict the merge driver leaves is a block of comment lines around our live version::

    # <<<<<<< ours: tracker merge conflict in resources 'x': title: "A" -> "B" here, "C" there
    - id: x            (ours, live)
    # =======
    # - id: x          (theirs, commented out)
    # >>>>>>> theirs

so the file loads while the conflict is open. Settling it keeps ours, or puts theirs live instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.errors import DataError, TrackerError

START = "# <<<<<<< "
MIDDLE = "# ======="
END = "# >>>>>>> "


@dataclass(frozen=True)
class OpenConflict:
    line: int  # 1-based line of the opening marker
    description: str  # what the marker says: section, key and why
    end_line: int = 0


def find_conflicts(text: str) -> list[OpenConflict]:
    """Every conflict block in ``text``, in order (an unclosed one runs to the end of the file)."""
    if START not in text:
        return []
    found: list[OpenConflict] = []
    opened: tuple[int, str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(START):
            description = line[len(START):].strip()
            description = description.split(": tracker merge conflict in ", 1)[-1]
            opened = (number, description)
        elif line.startswith(END) and opened is not None:
            found.append(OpenConflict(opened[0], opened[1], number))
            opened = None
    if opened is not None:
        found.append(OpenConflict(opened[0], opened[1], 0))
    return found


def file_conflicts(path: Path) -> list[OpenConflict]:
    """The open conflicts of a file; cheap when there are none (one byte search, no decoding: `list` and `show`
    ask on every call, and a 100k-item file takes three times longer to decode than to search)."""
    try:
        data = path.read_bytes()
        if START.encode() not in data:
            return []
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return find_conflicts(text)


def conflict_notice(path: Path) -> str | None:
    """One line for `list` / `show` when the file holds open merge conflicts; None otherwise."""
    conflicts = file_conflicts(path)
    if not conflicts:
        return None
    first = conflicts[0]
    more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
    return (f"note: {path.name}:{first.line}: open merge conflict in {first.description}{more}; "
            "our version is live: `tracker resolve --ours` keeps it, `--theirs` takes theirs, "
            "or edit the marked lines and run `tracker resolve`")


def _uncomment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


def settle(text: str, take: str, path: Path | str = "resources.yaml") -> str:
    """``text`` with every conflict block replaced by one side: ``ours`` (the live lines) or ``theirs`` (the
    commented lines, uncommented). A block whose theirs is a diff (their file did not load) cannot be taken."""
    if take not in ("ours", "theirs"):
        raise ValueError(take)
    out: list[str] = []
    state = "outside"
    opened_at = 0
    diff_block = False  # a block holding a diff of a side that did not load: no live lines of its own
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if state == "outside":
            if line.startswith(START):
                state, opened_at = "ours", number
                diff_block = "in file '" in line
                if take == "theirs" and diff_block:
                    raise DataError("their side did not load, so only a diff of it is recorded here; apply what "
                                    "you want of it by hand, delete the block, then run `tracker resolve`",
                                    path, number)
                continue
            out.append(line)
        elif state == "ours":
            if line.rstrip("\n") == MIDDLE:
                state = "theirs"
                continue
            if line.startswith(END):
                state = "outside"
                continue
            if take == "ours" and not diff_block:
                out.append(line)
        else:
            if line.startswith(END):
                state = "outside"
                continue
            if take == "theirs":
                out.append(_uncomment(line.rstrip("\n")) + "\n")
    if state != "outside":
        raise DataError("a merge conflict block is not closed (no '# >>>>>>>' line)", path, opened_at)
    return "".join(out)


def check_settled(path: Path) -> None:
    """Refuse a file that still has open conflict blocks: name the first."""
    conflicts = file_conflicts(path)
    if conflicts:
        first = conflicts[0]
        raise TrackerError(f"{path.name}:{first.line}: open merge conflict in {first.description}; "
                           "keep one version (`tracker resolve --ours` or `--theirs`) or edit the marked lines")
