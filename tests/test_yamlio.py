"""The deterministic writer: whatever the data, the text loads back equal, and writing it again gives the
same bytes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import yamlio
from tracker.layout import scan

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
    text = yamlio.dump_section("resources", many)
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
