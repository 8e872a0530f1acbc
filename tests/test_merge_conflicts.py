"""Conflict blocks: found for `list`/`show`, settled by `tracker resolve`; machine state merges without them."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import SAMPLE_YAML
from tracker.errors import TrackerError
from tracker.merge.conflicts import find_conflicts, settle
from tracker.merge.items import merge_fields
from tracker.merge.state import LINK_HISTORY_NAME, merge_link_histories
from tracker.merge.text import merge_texts


def conflicted() -> str:
    ours = SAMPLE_YAML.replace("title: micrograd", "title: Micrograd A")
    theirs = SAMPLE_YAML.replace("title: micrograd", "title: Micrograd B")
    result = merge_texts(SAMPLE_YAML, ours, theirs)
    assert len(result.conflicts) == 1
    return result.text


def test_conflicts_are_found_with_their_line_and_item():
    text = conflicted()
    [found] = find_conflicts(text)
    assert text.splitlines()[found.line - 1].startswith("# <<<<<<< ours")
    assert found.description.startswith("resources 'micrograd': title:")
    assert find_conflicts(SAMPLE_YAML) == []


@pytest.mark.parametrize(("take", "title"), [("ours", "Micrograd A"), ("theirs", "Micrograd B")])
def test_settling_keeps_one_side_and_the_rest_byte_for_byte(take, title):
    settled = settle(conflicted(), take)
    assert "# <<<<<<<" not in settled and "# =======" not in settled
    items = {item["id"]: item for item in yaml.safe_load(settled)["resources"]}
    assert items["micrograd"]["title"] == title and items["micrograd"]["my_rating"] == 5
    assert settled.replace(title, "micrograd") == SAMPLE_YAML


def test_an_unclosed_block_is_named():
    with pytest.raises(TrackerError, match=r"resources.yaml:3: a merge conflict block is not closed"):
        settle("resources: []\n\n# <<<<<<< ours: x\n", "ours")


def test_fetch_bookkeeping_written_on_both_sides_keeps_the_later_record():
    merged, conflicting = merge_fields(
        {"fetched": "2026-01-01 title:aa"}, {"fetched": "2026-02-01 title:bb"}, {"fetched": "2026-03-01 title:cc"})
    assert merged == {"fetched": "2026-03-01 title:cc"} and conflicting == []


def test_link_histories_merge_per_url_and_the_name_is_the_checkers():
    from tracker.web.links.linkhistory import HISTORY_NAME

    assert LINK_HISTORY_NAME == HISTORY_NAME

    def history(**links):
        return json.dumps({"version": 1, "links": links}, indent=1, sort_keys=True) + "\n"

    ok = {"verdict": "ok", "since": "2026-01-01T00:00:00Z"}
    base = history(a=ok, gone=ok)
    ours = history(a={**ok, "since": "2026-02-01T00:00:00Z", "verdict": "blocked"}, mine=ok)
    theirs = history(a={**ok, "since": "2026-03-01T00:00:00Z", "verdict": "dead"}, gone=ok, yours=ok)
    merged = json.loads(merge_link_histories(base, ours, theirs))
    assert merged["links"]["a"]["verdict"] == "dead"  # both checked it: the later check wins
    assert set(merged["links"]) == {"a", "mine", "yours"}  # 'gone' left the list on our side
    with pytest.raises(TrackerError, match=r"\(theirs\):1: not valid JSON"):
        merge_link_histories(base, ours, "{")
