"""The deterministic writer: whatever the data, the text loads back equal, and writing it again gives the
same bytes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.store import yamlio
from tracker.store.document import render_file
from tracker.store.layout import scan

# Any text that can be stored in a UTF-8 file (no lone surrogates).
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), texts,
                    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
                    st.floats(allow_nan=False, allow_infinity=True))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                      max_leaves=12)
items = st.dictionaries(texts, values, min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(items)
def test_item_round_trips_and_is_deterministic(item: dict) -> None:
    text = yamlio.dump_item(item)
    loaded = yamlio.safe_load(text, "t.yaml")
    assert loaded == [item]
    assert yamlio.dump_item(loaded[0]) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(items, min_size=1, max_size=5))
def test_each_item_is_one_block_the_line_scan_finds(many: list[dict]) -> None:
    text = render_file({"resources": [yamlio.dump_item(item) for item in many]}, {})
    layout = scan(text)
    assert layout.simple
    blocks = layout.blocks["resources"]
    assert len(blocks) == len(many)
    for block, item in zip(blocks, many, strict=True):
        assert yamlio.safe_load(text[block.start:block.end], "t.yaml") == [item]


def test_strings_that_look_like_other_types_are_quoted() -> None:
    for text in ("yes", "No", "null", "~", "3.1", "2026-01-01", "0x1f", "- a", "a: b", "#x", "*x", "&x",
                 "!x", "a #b", "", " lead", "trail ", "line\nbreak", "tab\there", "[x]", "{x}", "%x", "@x"):
        dumped = yamlio.scalar(text)
        assert dumped.startswith('"'), text
        assert yamlio.safe_load(f"k: {dumped}\n", "t.yaml") == {"k": text}


def test_plain_text_stays_plain() -> None:
    assert yamlio.scalar("The Illustrated Transformer") == "The Illustrated Transformer"
    assert yamlio.scalar("https://example.org/a?b=c#d") == "https://example.org/a?b=c#d"
    assert yamlio.scalar("Q&A, R&D") == "Q&A, R&D"
    assert yamlio.scalar("Q&A, R&D", flow=True) == '"Q&A, R&D"'


def test_flow_list_items_with_question_marks_or_colons_load_back_with_every_loader() -> None:
    import yaml

    tags = ["why?", "0:?", "a?b", "?x", "a:b", "q&a", "c++"]
    text = yamlio.dump_value("tags", tags)
    assert text.startswith("tags: [")
    assert yamlio.safe_load(text, "t.yaml") == {"tags": tags}
    assert yaml.load(text, Loader=yaml.SafeLoader) == {"tags": tags}  # the pure-Python scanner is stricter


words = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
resources = st.lists(
    st.fixed_dictionaries(
        {"title": words, "status": st.sampled_from(["inbox", "next-up", "reading", "done", "dropped"]),
         "tags": st.lists(words, max_size=3), "comment": st.none() | words,
         "added": st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1))},
        optional={"my_note": words, "rating": st.integers(0, 5)}),
    max_size=6)


@settings(max_examples=60, deadline=None)
@given(resources)
def test_document_round_trip_and_surgical_edit_match_a_full_rewrite(items: list[dict]) -> None:
    from tracker.models import Document
    from tracker.store.document import read_document, render_document

    doc = Document.model_validate({"resources": [
        {"id": f"item-{n}", "url": f"https://example.org/{n}", **item} for n, item in enumerate(items)]})
    text = render_document(doc)
    loaded, _keys, fast = read_document(text, "r.yaml")
    assert fast
    assert render_document(loaded) == text
    assert loaded.model_dump() == doc.model_dump()
    if not items:
        return
    import tempfile
    from pathlib import Path

    from tracker import reading_list
    from tracker.store import Store

    day = dt.date(2031, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resources.yaml"
        path.write_text(text)
        store = Store(path, commit=False)
        reading_list.move_items(store, ["item-0"], "dropped" if items[0]["status"] != "dropped" else "inbox",
                                today=day)
        reading_list.update_resources(store, {f"item-{len(items) - 1}": {"comment": "changed"}}, "edit")
        surgical = path.read_text()
    first = doc.resources[0]
    first.status = "dropped" if items[0]["status"] != "dropped" else "inbox"
    first.status_changed = day
    doc.resources[-1].comment = "changed"
    assert surgical == render_document(doc)
