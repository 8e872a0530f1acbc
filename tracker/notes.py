"""Study notes: ``notes/*.md`` with YAML front matter; a "| Question | Answer |" table in a note is data.

A note looks like::

    ---
    title: Attention, step by step
    topic: 3.1.2
    related: [illustrated-transformer]
    ---
    | Question | Answer |
    |---|---|
    | Why scale by sqrt(d)? | Keeps softmax inputs in a range with useful gradients. |
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tracker.errors import DataError
from tracker.store import yamlio

NOTES_DIR = "notes"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)(?:\n)?^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")


def split_front_matter(text: str, path: Path | str) -> tuple[dict, str, int]:
    """(front matter dict, body, line where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    meta = yamlio.safe_load(match.group("yaml"), path, line_offset=1) or {}
    if not isinstance(meta, dict):
        raise DataError("front matter must be a mapping (title:, topic:, related:)", path, 2)
    return meta, text[match.end():], text.count("\n", 0, match.end()) + 1


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(inner)]


def question_rows(body: str) -> list[tuple[str, str]]:
    """Every row of every table whose header is "Question | Answer" (in any case), in order."""
    rows: list[tuple[str, str]] = []
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        header = _cells(line) if line.lstrip().startswith("|") else []
        if (len(header) >= 2 and header[0].lower() == "question" and header[1].lower() == "answer"
                and index + 1 < len(lines) and all(_SEPARATOR_CELL.match(c) for c in _cells(lines[index + 1])[:2])):
            index += 2
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                cells = _cells(lines[index])
                if len(cells) >= 2 and (cells[0] or cells[1]):
                    rows.append((cells[0], cells[1]))
                index += 1
            continue
        index += 1
    return rows


def _title_from_body(body: str, fallback: str) -> str:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def read_note(path: Path) -> dict[str, Any]:
    """One note file as plain data, in ``Note``'s field order (questions as dicts in ``Question``'s): what a
    read command prints needs no models, so it does not pay for importing pydantic."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError("the note is not valid UTF-8", path) from None
    meta, body, _line = split_front_matter(text, path)
    note_id = path.stem
    topic = meta.get("topic")
    topic = str(topic) if topic is not None else None
    related = meta.get("related") or []
    if isinstance(related, str):
        related = [related]
    if not isinstance(related, list):
        raise DataError("related must be a list of item ids", path, 2)
    title = str(meta.get("title") or _title_from_body(body, note_id.replace("-", " ").capitalize()))
    questions = [{"question": q, "answer": a, "note": note_id, "topic": topic} for q, a in question_rows(body)]
    return {"id": note_id, "path": str(path), "title": title, "topic": topic, "related": [str(r) for r in related],
            "body": body, "questions": questions}


def load_note(path: Path) -> Any:
    """One note file as a ``Note`` (with its questions)."""
    from tracker.models import Note, Question

    data = read_note(path)
    return Note(**{**data, "questions": [Question(**question) for question in data["questions"]]})


def read_notes(folder: Path) -> list[dict[str, Any]]:
    """Every note in ``folder`` as plain data (``read_note``)."""
    return [read_note(path) for path in note_paths(folder)]


def notes_dir(data_file: Path) -> Path:
    return data_file.parent / NOTES_DIR


def note_paths(folder: Path) -> list[Path]:
    """The note files in ``folder``, sorted by name; none when the folder does not exist."""
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def load_notes(folder: Path) -> list[Any]:
    """Every note in ``folder`` (``note_paths``), read."""
    return [load_note(path) for path in note_paths(folder)]


def render_note(title: str, body: str = "", topic: str | None = None, related: Iterable[str] = (),
                questions: Iterable[tuple[str, str]] = ()) -> str:
    """The Markdown text of a note: front matter, body, and a Q&A table when questions are given."""
    meta: dict[str, Any] = {"title": title}
    if topic:
        meta["topic"] = topic
    related = list(related)
    if related:
        meta["related"] = related
    front = "".join(yamlio.dump_value(key, value) for key, value in meta.items())
    parts = [f"---\n{front}---\n"]
    if body:
        parts.append("\n" + body.rstrip("\n") + "\n")
    rows = list(questions)
    if rows:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ").strip()

        table = "| Question | Answer |\n|---|---|\n" + "".join(f"| {cell(q)} | {cell(a)} |\n" for q, a in rows)
        parts.append("\n" + table)
    return "".join(parts)


def write_note(folder: Path, note_id: str, title: str, body: str = "", topic: str | None = None,
               related: Iterable[str] = (), questions: Iterable[tuple[str, str]] = (),
               overwrite: bool = False) -> Path:
    """Create ``folder/<note_id>.md`` atomically; refuses to replace an existing note unless ``overwrite``."""
    from tracker.errors import DuplicateError
    from tracker.store.atomic import atomic_write

    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", note_id):
        raise DataError(f"note id '{note_id}' must be lower-case letters, digits, dots and dashes")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{note_id}.md"
    if path.exists() and not overwrite:
        raise DuplicateError(f"the note {path.name} already exists", note_id)
    atomic_write(path, render_note(title, body, topic, related, questions).encode("utf-8"))
    return path


def add_note(project: Any, note_id: str, title: str, body: str = "", topic: str | None = None,
             related: Iterable[str] = ()) -> Path:
    """Create a note in the project's ``notes/`` and commit it, under the project lock like every other writer,
    so notes made at the same moment (or beside a ``tracker add``) each get their own commit."""
    with project.lock():
        path = write_note(project.notes_dir, note_id, title, body, topic, related)
        project.commit([path], f"notes: add {title}")
    return path
