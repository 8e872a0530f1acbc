"""Flashcards from the user's side: `tracker review` and `tracker cards` as real processes in real git repos."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zipfile
from pathlib import Path

import fsrs
import pytest

from tests.cards_support import cards_json, log_lines, shipped_project
from tests.conftest import commit_count, git, modules_after, run_tracker
from tracker.cards.reviewlog import parse_time

TENSOR = "q-d4b073b9"  # "What is a tensor?" in notes/1-1-pytorch-tensors.md


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return shipped_project(tmp_path / "study")


def test_list_json_filters_by_topic_and_due(shipped: Path) -> None:
    cards = cards_json(shipped)
    assert len(cards) >= 40
    assert set(cards[0]) >= {"id", "question", "answer", "due", "topic", "source"}
    assert cards[0] == {**cards[0], "id": TENSOR, "question": "What is a tensor?", "due": None, "topic": "1.1",
                        "source": "notes/1-1-pytorch-tensors.md"}
    linear = cards_json(shipped, "--topic", "3.1")
    assert len(linear) == 13 and {c["topic"] for c in linear} == {"3.1.1"}
    assert cards_json(shipped, "--due") == []  # new cards are not due: `review` introduces them


def test_a_graded_review_moves_the_due_date_as_fsrs_says_and_commits(shipped: Path) -> None:
    before = commit_count(shipped)
    proc = run_tracker("review", "--card", TENSOR, "--grade", "good", cwd=shipped)
    assert proc.returncode == 0, proc.stderr
    assert f"{TENSOR} good: next in 10 min" in proc.stdout
    [line] = log_lines(shipped)
    assert (line["card"], line["grade"], line["question"]) == (TENSOR, "good", "What is a tensor?")
    at = parse_time(line["at"])
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    expected, _ = scheduler.review_card(fsrs.Card(due=at), fsrs.Rating.Good, at)
    [card] = [c for c in cards_json(shipped) if c["id"] == TENSOR]
    assert parse_time(card["due"]) == expected.due and card["state"] == "learning"
    assert commit_count(shipped) == before + 1
    assert git(shipped, "log", "-1", "--format=%s") == "review: 1 card, 1 recalled\n"
    assert set(git(shipped, "show", "--name-only", "--format=", "HEAD").split()) == {
        ".tracker-reviews.jsonl", ".gitattributes"}
    assert ".tracker-reviews.jsonl merge=union" in (shipped / ".gitattributes").read_text()
    assert git(shipped, "status", "--porcelain") == ""


def test_a_longer_history_gives_fsrs_dates_and_survives_a_clone(shipped: Path, tmp_path: Path) -> None:
    """A log written over weeks (by hand here, as another machine would) replays to the library's dates."""
    start = dt.datetime(2026, 10, 1, 7, 30, tzinfo=dt.UTC)
    steps = [(0, "good"), (0.01, "good"), (3, "again"), (3.01, "good"), (9, "easy"), (40, "hard")]
    lines = [json.dumps({"at": (start + dt.timedelta(days=d)).isoformat().replace("+00:00", "Z"), "card": TENSOR,
                         "grade": g, "question": "What is a tensor?", "source": "notes/1-1-pytorch-tensors.md"})
             for d, g in steps]
    (shipped / ".tracker-reviews.jsonl").write_text("\n".join(reversed(lines)) + "\n")  # line order is irrelevant
    git(shipped, "add", ".tracker-reviews.jsonl")
    git(shipped, "commit", "-q", "-m", "reviews from another machine")
    scheduler, card = fsrs.Scheduler(enable_fuzzing=False), fsrs.Card(due=start)
    for days, grade in steps:
        card, _ = scheduler.review_card(card, fsrs.Rating[grade.capitalize()], start + dt.timedelta(days=days))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(shipped), str(clone))
    for folder in (shipped, clone):
        [mine] = [c for c in cards_json(folder) if c["id"] == TENSOR]
        assert parse_time(mine["due"]) == card.due and mine["reviews"] == 6
    due_now = [c["id"] for c in cards_json(clone, "--due")]
    assert due_now == ([TENSOR] if card.due <= dt.datetime.now(dt.UTC) else [])


def test_two_clones_reviewing_the_same_day_merge_without_conflict(shipped: Path, tmp_path: Path) -> None:
    hub = tmp_path / "hub.git"
    git(tmp_path, "clone", "-q", "--bare", str(shipped), str(hub))
    laptop, phone = tmp_path / "laptop", tmp_path / "phone"
    for folder in (laptop, phone):
        git(tmp_path, "clone", "-q", str(hub), str(folder))
    assert run_tracker("review", "--card", TENSOR, "--grade", "good", cwd=laptop).returncode == 0
    assert run_tracker("review", "--card", "q-b1859d28", "--card", TENSOR, "--grade", "easy", cwd=phone).returncode == 0
    git(laptop, "push", "-q", "origin", "HEAD")
    git(phone, "pull", "-q", "--no-rebase", "--no-edit", "origin", "HEAD")
    assert git(phone, "status", "--porcelain") == ""
    reviews = log_lines(phone)
    assert sorted((r["card"], r["grade"]) for r in reviews) == sorted(
        [(TENSOR, "good"), ("q-b1859d28", "easy"), (TENSOR, "easy")])
    states = {c["id"]: c for c in cards_json(phone)}
    assert states[TENSOR]["reviews"] == 2 and states["q-b1859d28"]["reviews"] == 1
    git(phone, "push", "-q", "origin", "HEAD")
    git(laptop, "pull", "-q", "--no-rebase", "origin", "HEAD")
    assert {c["id"]: c["due"] for c in cards_json(laptop)} == {c["id"]: c["due"] for c in cards_json(phone)}


def test_scripted_session_then_summary_and_one_commit(shipped: Path) -> None:
    """Without a terminal the session reads one key per line: enter reveals, 3 grades good, q stops."""
    before = commit_count(shipped)
    proc = run_tracker("review", "--topic", "3.1", "--new", "2", cwd=shipped, input="\n3\n\n1\n\nq\n")
    assert proc.returncode == 0, proc.stderr
    assert "Do the linear combinations of the columns fill n-dimensional space?" in proc.stdout
    assert "Reviewed 2 cards (2 reviews), recalled 1 (50%)" in proc.stdout
    assert [(r["card"][:2], r["grade"]) for r in log_lines(shipped)] == [("q-", "good"), ("q-", "again")]
    assert commit_count(shipped) == before + 1
    again = run_tracker("review", "--topic", "3.1", "--new", "2", "--json", cwd=shipped, input="")
    assert json.loads(again.stdout)["reviewed"] == 0  # today's two new cards are used up; nothing due yet


def test_mistakes_get_one_line_errors(shipped: Path) -> None:
    proc = run_tracker("review", "--card", "q-nope", "--grade", "good", cwd=shipped)
    assert proc.returncode == 1 and proc.stderr.strip() == "Error: no card 'q-nope' (see `tracker cards list`)"
    proc = run_tracker("review", "--card", TENSOR, cwd=shipped)
    assert proc.returncode == 2 and "--card and --grade go together" in proc.stderr
    (shipped / ".tracker-reviews.jsonl").write_text('{"card": "q-1", "grade": "meh"}\nnot json\n')
    proc = run_tracker("cards", "list", "--json", cwd=shipped)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert ".tracker-reviews.jsonl:1: grade 'meh' is not one of again, hard, good, easy, skipped" in proc.stderr
    assert ".tracker-reviews.jsonl:2: not JSON" in proc.stderr


def test_removed_row_and_dead_link_pause_cards(shipped: Path) -> None:
    assert run_tracker("review", "--card", TENSOR, "--grade", "good", cwd=shipped).returncode == 0
    note = shipped / "notes" / "1-1-pytorch-tensors.md"
    note.write_text("".join(line for line in note.read_text().splitlines(keepends=True)
                            if not line.startswith("| What is a tensor?")))
    history = {"version": 1, "links": {url: {"verdict": "dead", "since": "2026-11-30T00:00:00Z"} for url in (
        "https://www.youtube.com/watch?v=4Ehb_is-MFU", "https://pytorch.org/docs/stable/notes/broadcasting.html")}}
    (shipped / ".tracker-links.json").write_text(json.dumps(history))
    paused = {c["id"]: c["suspended"] for c in cards_json(shipped) if c["suspended"]}
    assert paused[TENSOR] == "its row in notes/1-1-pytorch-tensors.md was removed"
    assert paused["q-b1859d28"] == "the link of 4-3-vectors-matrices-and-broadcasting (and 1 more) is dead since 2026-11-30"
    assert len(paused) == 7 and len(cards_json(shipped, "--suspended")) == 7
    proc = run_tracker("review", "--card", "q-b1859d28", "--grade", "good", cwd=shipped)
    assert proc.returncode == 0  # a paused card can still be graded on purpose


def test_anki_package_holds_every_card_in_decks_per_part(shipped: Path) -> None:
    proc = run_tracker("cards", "export", "--format", "anki", "-o", "deck.apkg", cwd=shipped)
    assert proc.returncode == 0, proc.stderr
    cards = cards_json(shipped)
    with zipfile.ZipFile(shipped / "deck.apkg") as package:
        assert "collection.anki2" in package.namelist()
        (shipped / "collection.anki2").write_bytes(package.read("collection.anki2"))
    conn = sqlite3.connect(shipped / "collection.anki2")
    notes = conn.execute("select flds, tags from notes").fetchall()
    assert {flds.split("\x1f")[3] for flds, _tags in notes} == {c["id"] for c in cards}
    assert conn.execute("select count(*) from cards").fetchone()[0] == len(cards)
    decks = {d["name"] for d in json.loads(conn.execute("select decks from col").fetchone()[0]).values()}
    # one deck per part of the study plan; glossary terms follow their lab experiment's chapter
    assert {"tracker::I. Getting Good with PyTorch", "tracker::II. Learning about to LLMs",
            "tracker::III. Mathematical Foundations"} <= decks
    parts = {card["topic"].split(".")[0] for card in cards if card["topic"]}
    assert len(decks - {"Default"}) == len(parts) + any(not card["topic"] for card in cards)
    tags = {flds.split("\x1f")[3]: tags.split() for flds, tags in notes}
    assert sorted(tags["q-93204c0a"]) == ["notes", "topic_3.1", "topic_3.1.1", "topic_III"]
    html = {flds.split("\x1f")[3]: flds.split("\x1f")[1] for flds, _tags in notes}
    assert html["q-fea31f3b"].startswith("<b>Rule 1</b>: Each tensor")
    conn.close()


def test_csv_export(shipped: Path) -> None:
    import csv

    proc = run_tracker("cards", "export", "--format", "csv", cwd=shipped)
    rows = list(csv.DictReader(proc.stdout.splitlines()))
    assert len(rows) == len(cards_json(shipped)) and rows[0]["id"] == TENSOR
    assert rows[0]["deck"] == "tracker::I. Getting Good with PyTorch" and rows[0]["tags"] == "topic_I topic_1.1 notes"


def test_card_commands_stay_light(shipped: Path) -> None:
    loaded = modules_after(["cards", "list", "--json"], shipped)
    assert not loaded & {"httpx", "torch", "datasette", "genanki", "bs4"}
    assert "genanki" not in modules_after(["review", "--help"], shipped)
    assert "fsrs" not in modules_after(["--help"], shipped)


def test_no_commit_writes_the_log_only(shipped: Path) -> None:
    before = commit_count(shipped)
    proc = run_tracker("--no-commit", "review", "--card", TENSOR, "--grade", "hard", cwd=shipped)
    assert proc.returncode == 0, proc.stderr
    assert commit_count(shipped) == before and [r["grade"] for r in log_lines(shipped)] == ["hard"]
