"""The fast reader of tracker's own block layout gives exactly what the safe YAML parser and the models give.

Oracles: for any block (written by tracker, or lines a person might type), ``read_block`` answers None or the
very data ``load_block_data`` builds; ``canonical_resource`` answers None or exactly the models' dict; the
fast URL key equals ``identity_key``; and an index built the fast way has the same rows as one built the full
validating way. Blocks tracker writes itself must take the fast path (else it would not be fast).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracker.errors import DataError
from tracker.store.document import item_to_dict, load_block_data, validate_item
from tracker.store.fastbuild import ENTRY_FIELDS, canonical_entry, canonical_resource, simple_url_key
from tracker.store.fastread import NOT_SIMPLE_TEXT, read_block, read_simple_block
from tracker.store.yamlio import _plain_ok, dump_item
from tracker.urls import identity_key

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = ["https://example.org/a", "x-1", "done", "yes", "no", "on", "null", "~", "3.10", "1e3", "0x1F", "012", "1_000", "-1", "+5", "0", "true", "2025-01-31",
         "2024-13-45", "2025-1-1", "12:30", "attention", "a: b", "a #b", "a#b", "*x", "&x y", "!tag", "- x", "?q",
         "[a, b]", "{a: 1}", "'q'", '"q"', "é", "http://x.org/a", "a:b", "a ", " a", "a  b", "%x", "@x", "`x",
         "|", ">", "a,b", "", ":", "#", "x:"]
KEYS = ["id", "id", "url", "url", "title", "title", "status", "category", "tags", "topic", "lab", "comment", "added", "status_changed",
        "authors", "published", "description", "kind", "my_rating", "yes", "note", "text", "term", "links"]

plain_text = st.text(alphabet=string.ascii_letters + string.digits + " .,:-_/#'()&*!?é", min_size=1, max_size=30)
any_text = st.one_of(plain_text, st.sampled_from(WORDS),
                     st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=12))
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))


@st.composite
def resources(draw: st.DrawFn) -> dict:
    item: dict = {"id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)),
                  "url": "https://" + draw(st.sampled_from(["example.org", "www.a.io", "arxiv.org", "youtu.be"]))
                  + draw(st.sampled_from(["", "/", "/a/b", "/abs/2101.00001v2", "/x//y/", "/index.html", "/?q=1"])),
                  "title": draw(any_text)}
    for key, values in (("status", st.sampled_from(["inbox", "next-up", "reading", "done", "dropped"])),
                        ("category", any_text), ("tags", st.lists(any_text, max_size=4)), ("topic", any_text),
                        ("comment", any_text), ("added", dates), ("status_changed", dates),
                        ("description", any_text), ("my_rating", st.one_of(st.integers(0, 9), plain_text))):
        if draw(st.booleans()):
            item[key] = draw(values)
    return item


def _safe(section: str, block: str) -> object:
    try:
        return load_block_data(section, block, 1, "resources.yaml")
    except DataError:
        return DataError


def _check_block(section: str, block: str) -> dict | None:
    if NOT_SIMPLE_TEXT.search(block):
        return None
    fast = read_block(section, block)
    if fast is not None:
        safe = _safe(section, block)
        assert safe is not DataError, block
        assert safe == [fast], block
        assert [type(v) for v in safe[0].values()] == [type(v) for v in fast.values()], block
        assert list(safe[0]) == list(fast), block
    return fast


@SETTINGS
@given(resources())
def test_blocks_tracker_writes_read_the_same_and_fast(item: dict) -> None:
    try:
        block = dump_item(item)
    except DataError:
        return
    fast = _check_block("resources", block)
    written_plain = all(_plain_ok(v, flow=False) for v in item.values() if isinstance(v, str)) and all(
        _plain_ok(tag, flow=True) and tag.isalnum() for tag in item.get("tags", []))
    if written_plain and not NOT_SIMPLE_TEXT.search(block):
        assert fast is not None, block


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(KEYS), st.one_of(st.sampled_from(WORDS), plain_text),
                          st.sampled_from(["", " ", "  ", " # note", "\n  # c", "\n    nested: x"])),
                min_size=1, max_size=6),
       st.sampled_from(["resources", "advice", "glossary", "topics"]))
@example([("title", "[1, 2]", ""), ("tags", "[a, b]", "")], "resources")
@example([("id", "x", ""), ("title", "[yes]", ""), ("comment", "~", "")], "topics")
@example([("id", "x", ""), ("title", "t", ""), ("parent", "~", ""), ("number", "3.10", "")], "topics")
@example([("term", "x", ""), ("definition", "yes", ""), ("lab", "null", "")], "glossary")
@example([("id", "x", ""), ("url", "https://a.org/x", ""), ("title", "t", ""), ("tags", "a, b", "")], "resources")
@example([("id", "x", ""), ("url", "https://a.org/x", ""), ("title", "t", ""), ("added", "2024-13-45", "")],
         "resources")
def test_hand_typed_blocks_read_the_same_or_go_the_safe_way(lines: list, section: str) -> None:
    block = "".join(f"{'- ' if n == 0 else '  '}{key}: {value}{tail}\n" for n, (key, value, tail) in
                    enumerate(lines))
    fast = _check_block(section, block)
    simple = read_simple_block(section, block) if not NOT_SIMPLE_TEXT.search(block) else None
    if simple is not None:
        assert simple == fast
    if section != "resources" and simple is not None:
        entry = canonical_entry(section, dict(simple))
        try:
            model = validate_item(section, simple, "resources.yaml", lambda field: 1)
        except DataError:
            assert entry is None, block
        else:
            if entry is not None:
                assert entry == item_to_dict(model) and list(entry) == list(item_to_dict(model)), block
    if section == "resources" and simple is not None:
        url = simple.get("url")
        url_ok = isinstance(url, str) and simple_url_key(url) is not None
        typed = canonical_resource(dict(simple), typed=True, url_ok=url_ok)
        assert typed == canonical_resource(dict(simple)), block
        if typed is not None:
            model = validate_item("resources", simple, "resources.yaml", lambda field: 1)
            assert typed == item_to_dict(model) and list(typed) == list(item_to_dict(model)), block


@SETTINGS
@given(resources(), st.sampled_from([None, 3, "3", ["a", 1], "yes", dt.date(2020, 2, 2)]))
def test_canonical_resource_is_what_the_models_make(item: dict, odd: object) -> None:
    if odd is not None:
        item = {**item, "comment": odd}
    fast = canonical_resource(dict(item))
    try:
        model = validate_item("resources", item, "resources.yaml", lambda field: 1)
    except DataError:
        assert fast is None, item
        return
    if fast is not None:
        slow = item_to_dict(model)
        assert fast == slow and list(fast) == list(slow), item
        assert [str(v) for v in fast.values()] == [str(v) for v in slow.values()]


@SETTINGS
@given(st.one_of(st.from_regex(r"https?://(www\.)?[a-zA-Z0-9.-]{1,12}(:\d{1,4})?(/[A-Za-z0-9._~/%?#=&-]{0,16})?",
                               fullmatch=True),
                 st.sampled_from(["https://arxiv.org/abs/2101.00001v2", "https://youtu.be/x", "http://a.org//b//",
                                  "https://a.org/index.php", "https://www.youtube.com/watch?v=1"])))
def test_fast_url_key_is_the_identity_key(url: str) -> None:
    fast = simple_url_key(url)
    if fast is not None:
        assert fast == identity_key(url)


def _rows(db: Path) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    try:
        resources = conn.execute("SELECT pos, block_hash, id, url, url_key, title, status, category, tags, topic, "
                                 "lab, comment, added, status_changed, description, data FROM resources "
                                 "ORDER BY pos").fetchall()
        entries = conn.execute("SELECT section, pos, block_hash, data FROM entries ORDER BY section, pos").fetchall()
    finally:
        conn.close()
    return resources, entries


FILE = """# my list
resources:
- id: a
  url: https://example.org/a
  title: yes
  status: done
  tags: [x, "needs, quoting"]
  added: 2025-01-02
  status_changed: 2025-01-02
  my_rating: 5
- id: b
  url: https://arxiv.org/abs/2101.00001v2
  title: "Quoted: title"
  # a comment inside
  topic: 3.10
- id: c
  url: http://www.Example.org/c/?utm_source=x
  title: Plain
  tags: rlhf, dpo
  comment: ~

advice:
- category: Tip
  text: Read the paper.

glossary: []

topics:
- id: I.
  title: Part one
"""


@pytest.mark.parametrize("text", [FILE, FILE.replace("  # a comment inside\n", "")])
def test_index_built_fast_equals_index_built_by_the_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           text: str) -> None:
    from tracker.store import Store, fastbuild

    dbs = []
    for name, fast in (("fast", True), ("slow", False)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "resources.yaml").write_text(text, encoding="utf-8")
        if not fast:
            monkeypatch.setattr(fastbuild, "rebuild_canonical", lambda *args: False)
        Store(folder / "resources.yaml", commit=False).index().close()
        dbs.append(folder / ".tracker" / "index.db")
    assert _rows(dbs[0]) == _rows(dbs[1])
    conn = sqlite3.connect(dbs[0])
    assert conn.execute("SELECT value FROM meta WHERE key = 'fts'").fetchone() == ("0",)  # the fast path ran
    conn.close()


def test_a_file_the_models_refuse_is_reported_as_before(tmp_path: Path) -> None:
    from tracker.store import Store

    data = tmp_path / "resources.yaml"
    data.write_text(FILE.replace("status: done", "status: nxt-up").replace("id: c", "id: b"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        Store(data, commit=False).index()
    assert "nxt-up" in str(caught.value) and "duplicate id 'b'" in str(caught.value)


def test_entry_fields_are_the_models() -> None:
    from tracker import models

    for section, model in (("advice", models.Advice), ("glossary", models.Term), ("topics", models.Topic)):
        assert ENTRY_FIELDS[section] == tuple((name, info.is_required()) for name, info in model.model_fields.items())
