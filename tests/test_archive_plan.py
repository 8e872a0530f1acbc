"""Reading time (words, a video's stated length, blank for a course) and `tracker next` planning a session."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.archive_support import PageServer, html, running_server
from tests.conftest import git, run_tracker
from tracker.archive.readtime import WORDS_PER_MINUTE, minutes_for_words, parse_duration, read_minutes


@pytest.fixture
def server() -> Iterator[PageServer]:
    with running_server() as srv:
        yield srv


def words_page(title: str, count: int, extra_head: str = "") -> bytes:
    words = " ".join(f"word{n}" for n in range(count - 2))  # + the two words of the <h1>
    return (f"<html><head><title>{title}</title>{extra_head}</head><body><article><h1>Known length</h1>"
            f"<p>{words}</p></article></body></html>").encode()


def test_minutes_from_words_duration_and_category() -> None:
    assert minutes_for_words(WORDS_PER_MINUTE * 3) == 3
    assert minutes_for_words(WORDS_PER_MINUTE * 3 + 1) == 4
    assert minutes_for_words(0) is None
    assert parse_duration("PT1H2M3S") == 3723 and parse_duration("PT12M") == 720 and parse_duration("95") == 95
    assert parse_duration("soon") is None
    assert read_minutes(10_000, None, "Book") is None and read_minutes(10_000, None, "course") is None
    assert read_minutes(10, 1500, "Video") == 25


def test_show_and_list_give_reading_time_video_length_and_blank_for_a_course(
        project: Path, server: PageServer, invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    server.pages["/essay"] = html(words_page("An essay", WORDS_PER_MINUTE * 4))
    server.pages["/watch"] = html(words_page("A talk", 40, '<meta itemprop="duration" content="PT17M30S">'))
    server.pages["/course"] = html(words_page("A course", 900))
    monkeypatch.setenv("TRACKER_NO_FETCH", "")
    essay = invoke("add", server.url("/essay")).output.strip()
    talk = invoke("add", server.url("/watch"), "--category", "Video").output.strip()
    course = invoke("add", server.url("/course"), "--category", "Course").output.strip()
    shown = json.loads(run_tracker("show", essay, "--json", cwd=project).stdout)
    assert shown["read_minutes"] == 4
    assert json.loads(invoke("show", talk, "--json").output)["read_minutes"] == 18  # 17.5 min, rounded
    assert "read_minutes" not in json.loads(invoke("show", course, "--json").output)
    listed = {row["id"]: row.get("read_minutes") for row in json.loads(invoke("list", "--json").output)}
    assert listed[essay] == 4 and listed[talk] == 18 and listed[course] is None


PLAN_YAML = """\
resources:
- id: long-inbox
  url: https://example.org/1
  title: Long inbox read
  status: inbox
  topic: t1
- id: late-topic
  url: https://example.org/2
  title: Late in the plan
  status: next-up
  topic: t3
- id: early-topic
  url: https://example.org/3
  title: Early in the plan
  status: next-up
  topic: t1
- id: no-text
  url: https://example.org/4
  title: Never fetched
  status: next-up
  topic: t1
- id: small-inbox
  url: https://example.org/5
  title: Short inbox read
  status: inbox
  topic: t2
- id: finished
  url: https://example.org/6
  title: Done already
  status: done
  topic: t1

topics:
- id: t1
  title: First
- id: t2
  title: Second
- id: t3
  title: Third
"""


def snapshot(folder: Path, item_id: str, words: int) -> None:
    (folder / "archive").mkdir(exist_ok=True)
    body = " ".join(["token"] * words)
    (folder / "archive" / f"{item_id}.md").write_text(f"---\nurl: x\nwords: {words}\n---\n\n{body}\n")


def test_next_fills_the_budget_in_study_plan_order(project: Path) -> None:
    (project / "resources.yaml").write_text(PLAN_YAML)
    for item_id, minutes in (("long-inbox", 30), ("late-topic", 10), ("early-topic", 20), ("small-inbox", 5),
                             ("finished", 5)):
        snapshot(project, item_id, minutes * WORDS_PER_MINUTE)
    git(project, "add", ".")
    git(project, "commit", "-qm", "plan")
    plan = json.loads(run_tracker("next", "--minutes", "45", "--json", cwd=project).stdout)
    # next-up in plan order (t1 before t3), then the inbox: 30 min does not fit after 30 used, 5 does.
    assert [row["id"] for row in plan["planned"]] == ["early-topic", "late-topic", "small-inbox"]
    assert plan["total_minutes"] == 35 and plan["budget_minutes"] == 45
    assert [row["id"] for row in plan["no_estimate"]] == ["no-text"]
    bigger = json.loads(run_tracker("next", "--minutes", "65", "--json", cwd=project).stdout)
    assert [row["id"] for row in bigger["planned"]] == ["early-topic", "late-topic", "long-inbox", "small-inbox"]


@settings(max_examples=80, deadline=None)
@given(specs=st.lists(st.tuples(st.sampled_from(["next-up", "inbox", "done"]), st.sampled_from(["t1", "t2", "t3", None]),
                                st.one_of(st.none(), st.integers(1, 60))), max_size=12),
       budget=st.integers(1, 120))
def test_plan_never_exceeds_the_budget_and_keeps_plan_order(specs: list, budget: int) -> None:
    from tracker.archive.planner import Candidate, plan_order, plan_session

    candidates = [Candidate(f"i{n}", "", status, topic, minutes, "") for n, (status, topic, minutes) in enumerate(specs)]
    plan = plan_session(candidates, ["t1", "t2", "t3"], budget)
    assert plan.total <= budget
    order = [c for c in plan_order(candidates, ["t1", "t2", "t3"]) if c.status != "done"]
    assert plan.planned == [c for c in order if c in plan.planned]  # in plan order
    used = 0
    for c in order:  # greedy: an estimated item is left out only when it did not fit at its turn
        if c in plan.planned:
            used += c.minutes
        elif c.minutes is not None:
            assert used + c.minutes > budget


def test_light_commands_stay_light_with_an_archive(project: Path) -> None:
    from tests.conftest import modules_after

    (project / "resources.yaml").write_text(PLAN_YAML)
    snapshot(project, "early-topic", 500)
    for args in (["list"], ["search", "token"], ["show", "early-topic"], ["next", "--minutes", "30"], ["read", "early-topic"]):
        loaded = {name.split(".")[0] for name in modules_after(args, project)}
        assert not loaded & {"torch", "datasette", "bs4", "httpx", "lxml", "sqlite_utils", "trafilatura", "pypdf"}, args
