"""Notes: front matter, Q&A tables as questions, and writing a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import DataError, DuplicateError
from tracker.notes import load_note, load_notes, question_rows, write_note


def test_question_tables_become_rows() -> None:
    body = ("# Title\n\nSome text | not a table\n\n| Question | Answer |\n| :--- | ---: |\n"
            "| What is `a \\| b`? | Either. |\n| Empty answer? |  |\n\n| Term | Meaning |\n|---|---|\n| x | y |\n\n"
            "|question|answer|extra|\n|---|---|---|\n|Q2|A2|z|\n")
    assert question_rows(body) == [("What is `a | b`?", "Either."), ("Empty answer?", ""), ("Q2", "A2")]


def test_load_note_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "attention.md"
    path.write_text("---\ntitle: Attention\ntopic: 3.1.2\nrelated: attention-is-all-you-need\n---\n"
                    "| Question | Answer |\n|---|---|\n| Why? | Because. |\n")
    note = load_note(path)
    assert (note.id, note.title, note.topic, note.related) == ("attention", "Attention", "3.1.2",
                                                               ["attention-is-all-you-need"])
    assert [(q.question, q.answer, q.note, q.topic) for q in note.questions] == [
        ("Why?", "Because.", "attention", "3.1.2")]


def test_note_without_front_matter_takes_its_heading(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("# Plain heading\n\ntext\n")
    assert load_note(path).title == "Plain heading"
    assert load_notes(tmp_path / "missing") == []


def test_bad_front_matter_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: x\nrelated: *alias\n---\nbody\n")
    with pytest.raises(DataError, match=r"bad.md:3: YAML alias"):
        load_note(path)


def test_write_note_round_trips(tmp_path: Path) -> None:
    path = write_note(tmp_path / "notes", "kv-cache", "KV cache: why", body="Some words.", topic="3.1.9",
                      related=["a", "b"], questions=[("What | why?", "Speed\nand memory")])
    note = load_note(path)
    assert (note.title, note.topic, note.related) == ("KV cache: why", "3.1.9", ["a", "b"])
    assert [(q.question, q.answer) for q in note.questions] == [("What | why?", "Speed and memory")]
    with pytest.raises(DuplicateError):
        write_note(tmp_path / "notes", "kv-cache", "again")
    with pytest.raises(DataError):
        write_note(tmp_path / "notes", "../escape", "bad id")
