"""The item-by-item 3-way merge on data (the git-level tests with two clones are in test_transfer_sync.py)."""

from __future__ import annotations

from tracker.merge import Conflict, merge_fields, merge_section


def item(item_id: str, **fields) -> dict:
    return {"id": item_id, "url": f"https://example.org/{item_id}", "title": item_id.title(), "status": "inbox",
            "tags": [], **fields}


def test_adds_on_both_sides_keep_their_places():
    base = [item("a"), item("b")]
    ours = [item("a"), item("ours-new"), item("b")]
    theirs = [item("a"), item("b"), item("theirs-new")]
    merged = merge_section("resources", base, ours, theirs)
    assert [entry["id"] for entry in merged.entries] == ["a", "ours-new", "b", "theirs-new"]
    assert merged.conflicts == []


def test_move_on_one_side_and_tag_edit_on_the_other():
    base = [item("a", status_changed="2024-01-01")]
    ours = [item("a", status="done", status_changed="2024-02-01")]
    theirs = [item("a", status_changed="2024-01-01", tags=["math"])]
    merged = merge_section("resources", base, ours, theirs)
    assert merged.entries == [item("a", status="done", status_changed="2024-02-01", tags=["math"])]


def test_remove_on_one_side_untouched_on_the_other_and_remove_versus_edit():
    base = [item("a"), item("b")]
    ours = [item("b", comment="edited here")]
    theirs = [item("a")]
    merged = merge_section("resources", base, ours, theirs)
    assert len(merged.entries) == 1
    conflict = merged.entries[0]
    assert isinstance(conflict, Conflict) and conflict.key == "b"
    assert conflict.reason == "removed there but edited on the other side"


def test_same_field_changed_two_ways_is_a_conflict_naming_the_field():
    base = [item("a"), item("b")]
    ours = [item("a", status="done"), item("b", title="Ours")]
    theirs = [item("a", status="dropped"), item("b")]
    merged = merge_section("resources", base, ours, theirs)
    conflict = merged.entries[0]
    assert isinstance(conflict, Conflict)
    assert conflict.reason == 'status: "inbox" -> "done" here, "dropped" there'
    assert merged.entries[1]["title"] == "Ours"


def test_tag_lists_merge_as_sets_and_removed_fields_stay_removed():
    merged, conflicting = merge_fields(
        {"tags": ["a", "b"], "comment": "x"}, {"tags": ["a", "b", "c"]}, {"tags": ["b", "d"], "comment": "x"}
    )
    assert merged == {"tags": ["b", "c", "d"]} and conflicting == []


def test_advice_and_glossary_have_their_own_keys():
    base = [{"category": "Study", "text": "Old"}]
    ours = [{"category": "Study", "text": "Old"}, {"category": "Study", "text": "Mine"}]
    theirs = [{"category": "Study", "text": "Edited"}]
    merged = merge_section("advice", base, ours, theirs)
    assert [entry["text"] for entry in merged.entries] == ["Edited", "Mine"]  # the edit stays where "Old" was
    terms = merge_section("glossary", [], [{"term": "Top K", "definition": "x"}], [{"term": "top k", "definition": "x"}])
    assert sorted(entry["term"] for entry in terms.entries) == ["Top K", "top k"]  # nothing either side wrote is lost


def test_a_rename_on_one_side_meets_an_edit_on_the_other():
    base = [item("a", title="Old")]
    ours = [item("renamed", title="Old") | {"url": "https://example.org/a"}]
    theirs = [item("a", title="New")]
    merged = merge_section("resources", base, ours, theirs)
    assert merged.entries == [item("renamed", title="New") | {"url": "https://example.org/a"}]
    terms = merge_section("glossary", [{"term": "KV cache", "definition": "old"}],
                          [{"term": "KV Cache", "definition": "old"}], [{"term": "KV cache", "definition": "new"}])
    assert terms.entries == [{"term": "KV Cache", "definition": "new"}]


BASE_TEXT = """\
# my list (hand-written header)
resources:
- id: a
  url: https://example.org/a
  title: A
  status: inbox
# a note about b, written by hand
- id: b
  url: https://example.org/b
  title: B
  status: inbox

advice: []

glossary: []

topics: []
"""


def test_file_merge_keeps_hand_comments_and_changes_only_merged_items():
    from tracker.merge import merge_texts

    ours = BASE_TEXT.replace("  title: A\n", "  title: A (renamed here)\n")
    theirs = BASE_TEXT.replace("- id: b\n  url: https://example.org/b\n  title: B\n  status: inbox\n",
                               "- id: b\n  url: https://example.org/b\n  title: B\n  status: done\n"
                               "- id: c\n  url: https://example.org/c\n  title: C\n  status: inbox\n")
    result = merge_texts(BASE_TEXT, ours, theirs)
    assert result.conflicts == []
    assert result.text == ours.replace(
        "  title: B\n  status: inbox\n",
        "  title: B\n  status: done\n- id: c\n  url: https://example.org/c\n  title: C\n  status: inbox\n",
    )


def test_file_merge_conflict_is_marked_around_that_item_only():
    import yaml

    from tracker.merge import merge_texts

    ours = BASE_TEXT.replace("  title: B\n", "  title: B here\n")
    theirs = BASE_TEXT.replace("  title: B\n", "  title: B there\n")
    result = merge_texts(BASE_TEXT, ours, theirs)
    assert [c.key for c in result.conflicts] == ["b"]
    assert yaml.safe_load(result.text)["resources"][1]["title"] == "B here"
    start = result.text.index("# <<<<<<< ours")
    assert result.text[:start] == BASE_TEXT[: BASE_TEXT.index("- id: b")]
    assert "# =======\n# - id: b\n#   url: https://example.org/b\n#   title: B there\n" in result.text
