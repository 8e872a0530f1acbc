"""Flashcards, core: which cards exist, their ids, the review log, FSRS replay and pauses (no CLI)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import fsrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cards_support import shipped_project
from tracker.cards.collection import assemble, load_collection
from tracker.cards.deck import build_cards, mask_term, normalise
from tracker.cards.pause import LINK_HISTORY_FILE
from tracker.cards.reviewlog import GRADES, LOG_NAME, Review, append_reviews, read_log
from tracker.cards.schedule import replay
from tracker.models import Note, Question

T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def note(note_id: str, rows: list[tuple[str, str]], topic: str | None = "3.1.1", related: tuple = ()) -> Note:
    return Note(id=note_id, path=f"notes/{note_id}.md", title=note_id, topic=topic, related=list(related),
                questions=[Question(question=q, answer=a, note=note_id, topic=topic) for q, a in rows])


def write_log(folder: Path, reviews: list[Review]) -> None:
    append_reviews(folder / LOG_NAME, reviews)


def test_the_shipped_notes_and_glossary_make_over_40_cards(tmp_path: Path) -> None:
    folder = shipped_project(tmp_path / "study")
    collection = load_collection(folder / "resources.yaml")
    cards = collection.cards
    assert len(cards) >= 40
    assert len({c.id for c in cards}) == len(cards)
    kinds = {kind: sum(1 for c in cards if c.kind == kind) for kind in ("question", "term", "reverse", "alias")}
    assert kinds["question"] == 20 and kinds["term"] == 9 and kinds["reverse"] == 9 and kinds["alias"] == 4
    tensor = next(c for c in cards if c.question == "What is a tensor?")
    assert (tensor.topic, tensor.source, tensor.items) == (
        "1.1", "notes/1-1-pytorch-tensors.md", ("4-3-vectors-matrices-and-broadcasting",
                                               "broadcasting-semantics-in-pytorch"))
    temperature = next(c for c in cards if c.kind == "reverse" and c.answer == "Temperature")
    assert "temperature" not in temperature.question.lower()  # the reverse card does not give the answer away
    assert temperature.topic == "II"  # from its lab experiment's topic
    assert collection.plan.part("3.1.1") == "III"
    assert {v.card.id for v in collection.views("3.1")} == {c.id for c in cards if c.topic == "3.1.1"}


def test_ids_survive_case_punctuation_answer_and_note_changes() -> None:
    before = build_cards([note("a", [("What is a *tensor*?", "An array.")])], [])
    after = build_cards([note("renamed", [("what is a tensor", "A multi-dimensional array.")], topic="1.1")], [])
    assert before[0].id == after[0].id
    reworded = build_cards([note("a", [("What exactly is a tensor?", "An array.")])], [])
    assert reworded[0].id != before[0].id
    twice = build_cards([note("a", [("Why?", "1")]), note("b", [("why", "2")])], [])
    assert [c.id for c in twice] == [twice[0].id, twice[0].id + "-2"]


def test_a_reworded_question_keeps_its_history_and_a_removed_row_pauses(tmp_path: Path) -> None:
    data_file = tmp_path / "resources.yaml"
    old = build_cards([note("a", [("What is the definition of a singular matrix?", "No inverse."),
                                  ("What is a pivot?", "The first non-zero entry.")])], [])
    write_log(tmp_path, [Review(T0, c.id, "good", c.question, c.source) for c in old])
    notes = [note("a", [("What is the definition of a singular matrix", "No inverse."),  # typo fix: same id
                        ("What is the definition of singular matrices?", "x")])]  # not the pivot: a new card
    collection = assemble(data_file, notes, [], [], {})
    assert collection.cards[0].id == old[0].id and collection.states[old[0].id].reviews == 1
    assert collection.cards[1].id not in collection.states  # too different from the pivot question to inherit
    removed = {v.card.id: v for v in collection.views() if v.paused}
    assert removed[old[1].id].paused == "its row in notes/a.md was removed"
    assert removed[old[1].id].card.question == "What is a pivot?"
    renamed = [note("a", [("What is the definition of a singular matrix?", "No inverse."),
                          ("What is a pivot, exactly?", "The first non-zero entry.")])]
    collection = assemble(data_file, renamed, [], [], {})
    assert collection.states[collection.cards[1].id].reviews == 1  # history carried over to the rewording
    assert not [v for v in collection.views() if v.paused]


def test_a_card_pauses_when_every_source_link_is_dead(tmp_path: Path) -> None:
    from tracker.web.links.linkhistory import HISTORY_NAME

    assert LINK_HISTORY_FILE == HISTORY_NAME
    history = {"version": 1, "links": {
        "https://a.example/": {"verdict": "dead", "since": "2026-11-20T10:00:00Z", "status_code": 404},
        "https://b.example/": {"verdict": "ok", "since": "2026-11-20T10:00:00Z"},
        "https://gloss.example/": {"verdict": "dead", "since": "2026-11-21T10:00:00Z"},
    }}
    (tmp_path / LINK_HISTORY_FILE).write_text(json.dumps(history))
    notes = [note("dead", [("Q1?", "A")], related=("item-a",)), note("half", [("Q2?", "A")], related=("item-a", "item-b"))]
    glossary = [{"term": "Perplexity", "definition": "exp of the mean negative log-likelihood per token",
                 "links": [{"title": "x", "url": "https://gloss.example/"}]}]
    collection = assemble(tmp_path / "resources.yaml", notes, glossary, [],
                          {"item-a": "https://A.example/?utm_source=feed", "item-b": "https://b.example/"})  # spelled otherwise
    paused = {v.card.question: v.paused for v in collection.views()}
    assert paused["Q1?"] == "the link of item-a is dead since 2026-11-20"
    assert paused["Q2?"] is None  # one live source is enough
    assert paused["Perplexity"] == "the link of https://gloss.example/ is dead since 2026-11-21"
    assert [c.question for c in collection.queue(T0 + dt.timedelta(days=1))] == ["Q2?"]


def test_replay_gives_the_dates_fsrs_gives(tmp_path: Path) -> None:
    grades = ["good", "good", "again", "hard", "easy", "good"]
    times = [T0 + dt.timedelta(days=d, minutes=m) for d, m in [(0, 0), (0, 11), (1, 0), (1, 2), (4, 0), (20, 0)]]
    states = replay([Review(t, "q-1", g) for t, g in zip(times, grades, strict=True)])
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=times[0])
    for when, grade in zip(times, grades, strict=True):
        card, _ = scheduler.review_card(card, fsrs.Rating(GRADES.index(grade) + 1), when)
    assert states["q-1"].due == card.due
    assert states["q-1"].fsrs_card.stability == card.stability and states["q-1"].lapses == 1


def test_new_cards_per_day_topic_and_limit(tmp_path: Path) -> None:
    notes = [note("a", [(f"Q{i}?", "A") for i in range(5)], topic="1.1"), note("b", [("Other?", "A")], topic="3.1.1")]
    topics = [{"id": "I"}, {"id": "1.1", "parent": "I"}, {"id": "III"}, {"id": "3.1", "parent": "III"},
              {"id": "3.1.1", "parent": "3.1"}]
    collection = assemble(tmp_path / "resources.yaml", notes, [], topics, {})
    now = dt.datetime.now(dt.UTC)
    assert [c.question for c in collection.queue(now, new_per_day=2)] == ["Q0?", "Q1?"]
    collection.record(collection.cards[0], "easy", now)
    assert [c.question for c in collection.queue(now, new_per_day=2)] == ["Q1?"]  # one new card started today
    assert [c.question for c in collection.queue(now, topic="III")] == ["Other?"]
    assert len(collection.queue(now, limit=3)) == 3


def test_masking_takes_every_name_of_the_term() -> None:
    assert mask_term("the nucleus sampling of top p and Top-P", "Top P (Nucleus Sampling)") == "the ___ of ___ and Top-P"
    assert mask_term("keys and a K", "K (Key)") == "___ and a ___"


# ------------------------------------------------------------------------------------------ property tests

review_st = st.builds(
    Review,
    at=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1),
                    timezones=st.just(dt.UTC)).map(lambda d: d.replace(microsecond=0)),
    card=st.sampled_from(["q-1", "q-2", "t-3", "r-3"]),
    grade=st.sampled_from(GRADES),
    question=st.text(max_size=30),
    source=st.text(max_size=10),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reviews=st.lists(review_st, max_size=12), junk=st.lists(st.text(max_size=40), max_size=5),
       split=st.integers(min_value=0, max_value=12))
def test_any_log_loads_without_losing_a_review(tmp_path: Path, reviews: list[Review], junk: list[str],
                                               split: int) -> None:
    """Hand-edited junk lines are skipped and named; every real review survives, in any line order."""
    lines = [r.to_line().rstrip("\n") for r in reviews]
    junk = [j.replace("\n", " ").replace("\r", " ") for j in junk]
    mixed = lines[:split] + junk + lines[split:]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(mixed) + "\n", encoding="utf-8")
    read, problems = read_log(path)
    assert set(read) == set(reviews)
    assert len(problems) <= len(junk)
    # a union merge may put the other side's lines first: the schedule does not change
    path.write_text("\n".join(lines[split:] + lines[:split]) + "\n", encoding="utf-8")
    again, _ = read_log(path)
    assert {k: v.due for k, v in replay(again).items()} == {k: v.due for k, v in replay(read).items()}


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.text(max_size=40), st.text(max_size=20)), max_size=10),
       terms=st.lists(st.fixed_dictionaries({"term": st.text(max_size=20), "definition": st.text(max_size=60)}),
                      max_size=5))
def test_any_notes_and_glossary_give_unique_ids(rows: list[tuple[str, str]], terms: list[dict]) -> None:
    cards = build_cards([note("n", rows)], terms)
    assert len({c.id for c in cards}) == len(cards)
    assert sum(1 for c in cards if c.kind == "question") == sum(1 for q, _a in rows if q.strip())
    for card in cards:
        assert card.id[:2] in ("q-", "t-", "r-", "a-")
        assert normalise(card.question) == normalise(normalise(card.question))


def test_a_reworded_card_keeps_its_history_after_its_first_review(tmp_path: Path) -> None:
    data_file = tmp_path / "resources.yaml"
    old = build_cards([note("a", [("What is a pivot?", "x")])], [])
    write_log(tmp_path, [Review(T0, old[0].id, "good", old[0].question, old[0].source)])
    reworded = [note("a", [("What is a pivot, exactly?", "x")])]
    collection = assemble(data_file, reworded, [], [], {})
    card = collection.cards[0]
    collection.record(card, "good", T0 + dt.timedelta(minutes=20))
    [line] = [json.loads(x) for x in (tmp_path / LOG_NAME).read_text().splitlines() if "renamed_from" in x]
    assert line["renamed_from"] == old[0].id
    again = assemble(data_file, reworded, [], [], {})
    assert again.states[card.id].reviews == 2 and not again.removed
    assert again.states[card.id].due == collection.states[card.id].due


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.tuples(st.lists(review_st, max_size=4), st.booleans()), max_size=6),
       junk=st.booleans())
def test_the_replay_cache_gives_what_a_full_replay_gives(tmp_path: Path, batches: list, junk: bool) -> None:
    """Oracle: after any mix of appends and merges (lines put in the middle), the cached states are the
    states of a replay from scratch, and the skipped lines are the same."""
    from tracker.cards.history import load_states

    log, cache = tmp_path / "log.jsonl", tmp_path / "cache.json"
    log.unlink(missing_ok=True)
    cache.unlink(missing_ok=True)
    for reviews, merge in batches:
        lines = log.read_text().splitlines(keepends=True) if log.exists() else []
        new = [r.to_line() for r in reviews] + (["not json\n"] if junk else [])
        if merge:
            lines[len(lines) // 2:len(lines) // 2] = new
        else:
            lines += new
        log.write_text("".join(lines))
        cached, cached_problems = load_states(log, cache)
        fresh, fresh_problems = load_states(log, None)
        assert {k: s.to_json() for k, s in cached.items()} == {k: s.to_json() for k, s in fresh.items()}
        assert [(p.line, p.message) for p in cached_problems] == [(p.line, p.message) for p in fresh_problems]
    cache.write_text("{broken")
    assert load_states(log, cache)[0].keys() == load_states(log, None)[0].keys()


def test_appending_later_reviews_replays_only_the_new_lines(tmp_path: Path) -> None:
    from tracker.cards import history

    log, cache = tmp_path / "log.jsonl", tmp_path / "cache.json"
    append_reviews(log, [Review(T0 + dt.timedelta(days=d), "q-1", "good") for d in range(3)])
    history.load_states(log, cache)
    append_reviews(log, [Review(T0 + dt.timedelta(days=9), "q-1", "hard"), Review(T0, "q-2", "easy")])
    assert history._resume(json.loads(cache.read_text()), log.read_bytes(), log) is None  # q-2 is in the past
    history.load_states(log, cache)
    append_reviews(log, [Review(T0 + dt.timedelta(days=20), "q-2", "good")])
    resumed = history._resume(json.loads(cache.read_text()), log.read_bytes(), log)
    assert resumed is not None and [r.card for r in resumed[2]] == ["q-2"]
    assert resumed[0]["q-2"].due == replay(read_log(log)[0])["q-2"].due


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.text(min_size=1, max_size=30), st.text(max_size=30)), min_size=1, max_size=6))
def test_exports_keep_any_text_and_never_emit_raw_html(rows: list[tuple[str, str]]) -> None:
    import csv
    import io

    from tracker.cards.collection import CardView, StudyPlan
    from tracker.cards.export import field_html, render_csv

    cards = [c for c in build_cards([note("n", rows)], []) if c.question.strip()]
    text = render_csv([CardView(c, None) for c in cards], StudyPlan())
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["question"], r["answer"]) for r in read] == [(c.question, c.answer) for c in cards]
    for card in cards:
        markup = field_html(card.question + card.answer)
        for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>", "<br>"):
            markup = markup.replace(tag, "")
        assert "<" not in markup and ">" not in markup
