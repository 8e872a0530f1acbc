"""Where the build reads the project from: resources.yaml and notes/ as models.

Kept apart from the build so that switching to the core store and notes reader is a change in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from tracker.errors import DataError
from tracker.models import Document, Note, Question

RESOURCES_FILE = "resources.yaml"


@dataclass(frozen=True)
class Project:
    """The files of one tracker project: resources.yaml and, beside it, notes/ and lab/."""

    resources_file: Path

    @property
    def root(self) -> Path:
        return self.resources_file.parent

    @property
    def notes_dir(self) -> Path:
        return self.root / "notes"

    @property
    def lab_dir(self) -> Path:
        return self.root / "lab"

    @property
    def default_database(self) -> Path:
        return self.root / ".tracker" / "tracker.db"


def find_project(file: Path | None = None, start: Path | None = None) -> Project:
    """The project of ``file``, or of the resources.yaml in ``start`` (default: cwd) or its parents."""
    if file is not None:
        if not file.is_file():
            raise DataError("no such file", file)
        return Project(file.resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / RESOURCES_FILE
        if candidate.is_file():
            return Project(candidate)
    raise DataError(f"no {RESOURCES_FILE} in {here} or its parents (run `tracker init` or pass --file)")


def load_document(path: Path) -> Document:
    """Parse and validate resources.yaml; a bad file is one ``DataError`` naming the file and line."""
    try:
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataError(f"invalid YAML: {exc.problem}", path, line) from exc
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", path) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataError("expected a mapping with resources, advice, glossary, topics", path, 1)
    from pydantic import ValidationError

    try:
        return Document.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DataError(f"{where}: {first['msg']}", path) from exc


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")


def load_notes(notes_dir: Path) -> list[Note]:
    """Every ``*.md`` under notes/, with front matter and the rows of its Question/Answer tables."""
    if not notes_dir.is_dir():
        return []
    return [read_note(path, notes_dir) for path in sorted(notes_dir.rglob("*.md"))]


def read_note(path: Path, notes_dir: Path) -> Note:
    text = path.read_text(encoding="utf-8")
    meta: dict = {}
    body = text
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            meta = yaml.load(match.group(1), Loader=yaml.CSafeLoader) or {}
        except yaml.YAMLError as exc:
            raise DataError(f"invalid front matter: {exc}", path, 1) from exc
        if not isinstance(meta, dict):
            raise DataError("front matter must be a mapping", path, 1)
        body = text[match.end() :]
    relative = path.relative_to(notes_dir).with_suffix("")
    note_id = str(meta.get("id") or relative.as_posix().replace("/", "-"))
    title = str(meta.get("title") or _first_heading(body) or relative.name)
    topic = meta.get("topic")
    related = meta.get("related") or []
    if isinstance(related, str):
        related = [related]
    note = Note(
        id=note_id,
        path=path.relative_to(notes_dir.parent).as_posix(),
        title=title,
        topic=str(topic) if topic is not None else None,
        related=[str(r) for r in related],
        body=body,
    )
    note.questions = [
        Question(question=q, answer=a, note=note.id, topic=note.topic) for q, a in _question_rows(body)
    ]
    return note


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip() or None
    return None


def _split_row(line: str) -> list[str] | None:
    match = _TABLE_ROW.match(line)
    if not match:
        return None
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", match.group(1))]


def _question_rows(body: str) -> list[tuple[str, str]]:
    """Rows of every table whose header is ``| Question | Answer |``."""
    rows: list[tuple[str, str]] = []
    in_table = False
    for line in body.splitlines():
        cells = _split_row(line)
        if cells is None:
            in_table = False
            continue
        lowered = [c.lower() for c in cells]
        if len(cells) >= 2 and lowered[0] == "question" and lowered[1] == "answer":
            in_table = True
            continue
        if not in_table or all(_SEPARATOR_CELL.match(c) for c in cells):
            continue
        if len(cells) >= 2 and cells[0]:
            rows.append((cells[0], cells[1]))
    return rows
