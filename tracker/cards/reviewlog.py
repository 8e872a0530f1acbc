"""The review log: ``.tracker-reviews.jsonl`` beside resources.yaml, tracked in git, one JSON object per line.

Why this layout: reviews are only ever appended, every line stands alone, and ``.gitattributes`` marks the
file ``merge=union``, so two machines that reviewed on the same day merge by keeping both sides' lines. Readers
therefore sort by time and drop exact duplicates; the order of lines in the file carries no meaning.

A line: ``{"at": "2026-12-03T08:01:02Z", "card": "q-1a2b3c4d", "grade": "good", "question": "...",
"source": "notes/x.md"}``. ``question`` and ``source`` are kept so a card whose row was removed can still be
named, and so a reworded card can find its history (``schedule.carry_over``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

LOG_NAME = ".tracker-reviews.jsonl"
GRADES = ("again", "hard", "good", "easy")  # FSRS ratings 1..4


@dataclass(frozen=True)
class Review:
    """One graded review, as one line of the log."""

    at: dt.datetime
    card: str
    grade: str
    question: str = ""
    source: str = ""
    renamed_from: str = ""  # the first review of a reworded card names the id whose history it continues

    @property
    def rating(self) -> int:
        return GRADES.index(self.grade) + 1

    def to_line(self) -> str:
        data = {"at": format_time(self.at), "card": self.card, "grade": self.grade,
                "question": self.question, "source": self.source}
        if self.renamed_from:
            data["renamed_from"] = self.renamed_from
        return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


@dataclass(frozen=True)
class LogProblem:
    """A line that is not a review (a hand edit gone wrong); it is skipped and reported, never fatal."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line}: {self.message}, skipped"


def log_path(data_file: Path) -> Path:
    return Path(data_file).parent / LOG_NAME


def format_time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def parse_line(text: str) -> Review:
    """One line as a ``Review``; ValueError with a short reason when it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    card, grade, at = data.get("card"), data.get("grade"), data.get("at")
    if not isinstance(card, str) or not card:
        raise ValueError("no card id")
    if grade not in GRADES:
        raise ValueError(f"grade {grade!r} is not one of {', '.join(GRADES)}")
    if not isinstance(at, str):
        raise ValueError("no time ('at')")
    try:
        when = parse_time(at)
    except (ValueError, OverflowError):
        raise ValueError(f"time {at!r} is not ISO 8601") from None
    question, source, renamed = data.get("question"), data.get("source"), data.get("renamed_from")
    return Review(when, card, grade, question if isinstance(question, str) else "",
                  source if isinstance(source, str) else "", renamed if isinstance(renamed, str) else "")


def read_log(path: Path) -> tuple[list[Review], list[LogProblem]]:
    """Every review in the log, in replay order without duplicates, and the lines that were skipped."""
    if not path.is_file():
        return [], []
    return parse_log(path.read_bytes(), path)


def parse_log(data: bytes, path: Path, first_line: int = 1) -> tuple[list[Review], list[LogProblem]]:
    """The reviews in ``data`` (the log, or the part of it after ``first_line - 1`` lines), sorted, deduplicated."""
    reviews: set[Review] = set()
    problems: list[LogProblem] = []
    text = data.decode("utf-8", errors="replace")
    # Only "\n" ends a line: JSON escapes it inside strings, while str.splitlines would also cut at the
    # \x85 or \u2028 a question may hold.
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        try:
            reviews.add(parse_line(line))
        except ValueError as exc:
            problems.append(LogProblem(path, number, str(exc)))
    return sorted(reviews, key=replay_key), problems


def replay_key(review: Review) -> tuple:
    """The order reviews are replayed in: by time; ties broken by content so every clone agrees."""
    return (review.at, review.card, review.grade, review.question, review.source, review.renamed_from)


def append_reviews(path: Path, reviews: list[Review]) -> None:
    """Append lines and flush them to disk at once, so a session that crashes keeps what was graded.

    A file whose last line lacks its newline (a hand edit) gets one first, so no two reviews share a line.
    """
    if not reviews:
        return
    prefix = ""
    if path.is_file() and path.stat().st_size:
        with open(path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            prefix = "" if handle.read(1) == b"\n" else "\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(prefix + "".join(review.to_line() for review in reviews))
        handle.flush()
        os.fsync(handle.fileno())


def ensure_union_merge(repo_root: Path, log_file: Path) -> Path | None:
    """Make sure .gitattributes says the log merges by union; returns the file when it changed."""
    attributes = repo_root / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    try:
        rel = log_file.absolute().relative_to(repo_root.absolute()).as_posix()
    except ValueError:  # the log lies outside this repository: not ours to configure
        return None
    line = f"{rel} merge=union"
    if line in existing.splitlines():
        return None
    prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
    attributes.write_text(prefix + line + "\n", encoding="utf-8")
    return attributes
