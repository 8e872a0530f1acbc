"""``fastrow.fast_row`` (an item's index row from one regex match) against the models: same row, or None.

The oracle is the full validating path: ``parse_block`` (safe YAML parser + pydantic), ``item_to_dict``,
``identity_key`` and ``resource_row``. Blocks come from the writer (generated items) and from hand typing
(generated lines, odd values included); the commonest blocks must take the fast path.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks.bench_scale import generate_list
from tracker.errors import DataError
from tracker.store.document import item_to_dict, parse_block
from tracker.store.fastread import NOT_SIMPLE_TEXT
from tracker.store.fastrow import fast_row
from tracker.store.index import resource_row
from tracker.store.layout import scan
from tracker.store.yamlio import dump_item
from tracker.urls import identity_key

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALUES = ["x", "Plain title", "yes", "null", "~", "NULL", "3.10", "2025-01-31", "2025-02-30", "12:30", "a: b",
          "a #b", '"quoted: text"', '""', '"a\\"b"', '"tab\\t"', 'say "hi"', "back\\slash", "[a, b]", "[]",
          "[yes, x]", "[a b, c-d]", "[1, 2]", "é ü", "*x", "&x", "!t", "- x", "x:", "https://example.org/a"]
KEYS = ["id", "url", "title", "status", "category", "tags", "topic", "lab", "comment", "added", "status_changed",
        "authors", "published", "site", "description", "kind", "canonical_url", "image", "links", "my_rating"]
URLS = ["https://example.org/a", "https://www.example.org/a//b/", "http://x.io/index.html", "https://arxiv.org/abs/1",
        "https://Example.org/a", "https://example.org/a?q=1", "https://youtu.be/x", "https://a.io:8080/x"]


def _model_row(block: str) -> tuple | None:
    try:
        item = item_to_dict(parse_block("resources", block, 1, "resources.yaml"))
    except DataError:
        return None
    return resource_row(item, identity_key(item["url"]), 7, "digest")


def _check(block: str) -> tuple | None:
    if NOT_SIMPLE_TEXT.search(block):
        return None
    row = fast_row(block, 7, "digest")
    if row is not None:
        assert row == _model_row(block), block
    return row


@st.composite
def items(draw: st.DrawFn) -> dict:
    item: dict = {"id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)),
                  "url": draw(st.sampled_from(URLS)), "title": draw(st.sampled_from(VALUES))}
    for key, values in (("status", st.sampled_from(["inbox", "next-up", "reading", "done", "dropped"])),
                        ("category", st.sampled_from(VALUES)),
                        ("tags", st.lists(st.sampled_from(["rlhf", "yes", "a b", "1", "x-y", "é"]), max_size=3)),
                        ("topic", st.sampled_from(["3.10", "1.1", "x"])), ("comment", st.text(max_size=12)),
                        ("added", st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1))),
                        ("status_changed", st.sampled_from([dt.date(2025, 1, 2), dt.date(2025, 3, 4)])),
                        ("description", st.sampled_from(VALUES))):
        if draw(st.booleans()):
            item[key] = draw(values)
    return item


@SETTINGS
@given(items())
@example({"id": "a", "url": "https://example.org/a", "title": "T", "added": dt.date(2025, 1, 2),
          "status_changed": dt.date(2025, 1, 2)})
def test_rows_of_written_blocks_are_the_models_rows(item: dict) -> None:
    try:
        block = dump_item(item)
    except DataError:
        return
    _check(block)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(KEYS), st.one_of(st.sampled_from(VALUES), st.sampled_from(URLS)),
                          st.sampled_from(["", "", " # note", "\n  # c", "\n    nested: x"])),
                min_size=0, max_size=6),
       st.sampled_from(URLS))
@example([("tags", "[]", ""), ("status_changed", "2025-02-30", "")], "https://example.org/a")
@example([("category", '""', ""), ("lab", "~", "")], "https://example.org/a")
def test_rows_of_hand_typed_blocks_are_the_models_rows_or_none(lines: list, url: str) -> None:
    lines = [("id", "x-1", ""), ("url", url, ""), ("title", "T", ""), *lines]
    block = "".join(f"{'- ' if n == 0 else '  '}{key}: {value}{tail}\n" for n, (key, value, tail) in
                    enumerate(lines))
    _check(block)


def test_the_blocks_of_a_generated_list_all_take_the_fast_path(tmp_path) -> None:
    path = tmp_path / "resources.yaml"
    generate_list(300, path)
    text = path.read_text(encoding="utf-8")
    blocks = scan(text).blocks["resources"]
    assert all(_check(text[block.start:block.end]) is not None for block in blocks)


def test_the_plain_characters_are_the_ones_named_in_the_comment() -> None:
    import re

    from tracker.store.fastrow import CHARS

    spelled, meant = re.compile(f"[{CHARS}]"), re.compile(r'[^\s\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029"\\:]')
    for code in [*range(0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        assert bool(spelled.match(chr(code))) == bool(meant.match(chr(code))), hex(code)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028ab-#:", max_size=40))
def test_column0_starts_are_the_line_scan_regex_matches(text: str) -> None:
    from tracker.store.layout import _COLUMN0, column0_starts

    assert column0_starts(text) == [match.start() for match in _COLUMN0.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=0x7F), max_size=20) | st.text(max_size=20))
def test_odd_characters_are_found_the_fast_way_as_the_slow_way(text: str) -> None:
    from tracker.store.fastbuild import _has_odd_characters

    assert _has_odd_characters(text) == (NOT_SIMPLE_TEXT.search(text) is not None)
