"""The store without the CLI: loading, validation errors with lines, surgical writes, the index, bulk APIs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_YAML, commit_count, git
from tracker import reading_list
from tracker.errors import DataError, DuplicateError, NotFoundError, TrackerError
from tracker.models import Advice, Term, Topic
from tracker.store import Store, find_data_file
from tracker.store.document import render_document

TODAY = dt.date(2026, 2, 1)


def store_for(path: Path, commit: bool = True) -> Store:
    return Store(path, commit=commit)


# ------------------------------------------------------------------------------------------------ finding


def test_finds_the_file_in_a_parent_directory(data_file: Path) -> None:
    deep = data_file.parent / "a" / "b"
    deep.mkdir(parents=True)
    assert find_data_file(start=deep) == data_file


def test_explicit_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(TrackerError, match="no such file"):
        find_data_file(tmp_path / "missing.yaml")


def test_no_file_anywhere_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(TrackerError, match="tracker init"):
        find_data_file(start=tmp_path)


# ------------------------------------------------------------------------------------------------ loading


def test_load_validates_and_keeps_unknown_keys(data_file: Path) -> None:
    doc = store_for(data_file).load()
    assert [r.id for r in doc.resources] == ["illustrated-transformer", "attention-is-all-you-need", "micrograd"]
    assert doc.resources[2].model_extra == {"my_rating": 5}
    assert doc.advice[0].source.name == "Karpathy"
    assert [t.id for t in doc.topics] == ["part-1", "1.1.1", "3.1.2"]


BAD_INPUTS = [
    # (what, replace this, with this, expected line, message part)
    ("unknown status", "status: next-up", "status: nxt-up", 13,
     "status 'nxt-up' is not one of inbox, next-up, reading, done, dropped"),
    ("non-http URL", "url: https://github.com/karpathy/micrograd", "url: ftp://github.com/karpathy/micrograd", 21,
     "only http and https URLs are allowed"),
    ("duplicate id", "- id: micrograd", "- id: illustrated-transformer", 20, "duplicate id 'illustrated-transformer'"),
    ("duplicate URL", "url: https://github.com/karpathy/micrograd", "url: https://arxiv.org/pdf/1706.03762v2", 21,
     "duplicate URL"),
    ("wrong type", "tags: [paper]", "tags: {paper: 1}", 15, "tags: input should be a valid list"),
    ("list as title", "title: micrograd", "title: [1, 2]", 22, "title: input should be a valid string"),
    ("missing title", "  title: micrograd\n", "", 20, "title is missing"),
    ("broken YAML", "  comment: The original transformer paper", "  comment: [unclosed", 18, "invalid YAML"),
    ("python tag", "my_rating: 5", "my_rating: !!python/object/apply:os.system ['echo hi']", 27, "tag"),
    ("any tag", "my_rating: 5", "my_rating: !!set {a, b}", 27, "YAML tag '!!set' is not allowed"),
    ("anchor", "category: Study\n", "category: &c Study\n", 7, "anchor '&c' is not allowed"),
    ("alias", "category: Coding", "category: *c", 24, "alias"),
]


@pytest.mark.parametrize(("what", "old", "new", "line", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_line_with_file_and_line(data_file: Path, what: str, old: str, new: str, line: int,
                                                  message: str) -> None:
    text = SAMPLE_YAML.replace(old, new, 1)
    assert text != SAMPLE_YAML
    data_file.write_text(text)
    with pytest.raises(DataError) as caught:
        store_for(data_file).load()
    error = caught.value
    assert "\n" not in str(error)
    assert str(error).startswith(f"{data_file}:{line}: "), str(error)
    assert message.lower() in str(error).lower()
    # The index path (used by every command) reports the same error and changes nothing.
    with pytest.raises(DataError) as again:
        store_for(data_file).index()
    assert str(again.value) == str(error)
    assert data_file.read_text() == text


def test_alias_bomb_fails_fast(data_file: Path) -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev = chr(ord("a") + n - 1)
        name = chr(ord("a") + n)
        rows.append(f"{name}: &{name} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    data_file.write_text("\n".join(rows) + "\nresources: *j\n")
    start = time.perf_counter()
    with pytest.raises(DataError, match=r":1: YAML anchor '&a' is not allowed"):
        store_for(data_file).index()
    assert time.perf_counter() - start < 2


def test_quoted_stars_and_ampersands_are_not_aliases(data_file: Path) -> None:
    data_file.write_text(SAMPLE_YAML.replace("title: micrograd", 'title: "*micro* & !grad &co"'))
    assert store_for(data_file).load().resources[2].title == "*micro* & !grad &co"


def test_not_a_mapping(data_file: Path) -> None:
    data_file.write_text("- just\n- a list\n")
    with pytest.raises(DataError, match=r"resources.yaml:1: the file must be a mapping"):
        store_for(data_file).load()


def test_not_utf8(data_file: Path) -> None:
    data_file.write_bytes(SAMPLE_YAML.encode() + b"\n# \xff\xfe\n")
    with pytest.raises(DataError, match="not valid UTF-8"):
        store_for(data_file).index()


# ------------------------------------------------------------------------------------------------ changing


def test_add_appends_one_block_and_commits(data_file: Path) -> None:
    store = store_for(data_file)
    before = data_file.read_text()
    resource = reading_list.add_resource(store, "https://example.org/post?utm_source=x", title="A Post",
                                         tags=["x"], today=TODAY)
    assert resource["id"] == "post"
    after = data_file.read_text()
    block = (f"- id: {resource['id']}\n  url: https://example.org/post?utm_source=x\n  title: A Post\n"
             "  status: inbox\n  tags: [x]\n  added: 2026-02-01\n")  # no status_changed repeating added
    assert after == before.replace("  my_rating: 5\n", "  my_rating: 5\n" + block)
    assert git(data_file.parent, "log", "-1", "--format=%s").strip() == "add: A Post (inbox)"
    assert git(data_file.parent, "show", "--name-only", "--format=", "HEAD").split() == ["resources.yaml"]


def test_duplicate_url_is_refused_with_the_existing_id(data_file: Path) -> None:
    store = store_for(data_file)
    before = data_file.read_text()
    with pytest.raises(DuplicateError, match="attention-is-all-you-need") as caught:
        reading_list.add_resource(store, "http://arxiv.org/pdf/1706.03762v5", today=TODAY)
    assert caught.value.existing_id == "attention-is-all-you-need"
    assert data_file.read_text() == before
    assert commit_count(data_file.parent) == 1


def test_ids_are_slugs_made_unique(data_file: Path) -> None:
    store = store_for(data_file, commit=False)
    first = reading_list.add_resource(store, "https://example.org/1", title="The Illustrated Transformer")
    second = reading_list.add_resource(store, "https://example.org/2", title="The Illustrated Transformer")
    untitled = reading_list.add_resource(store, "https://example.org/blog/deep-dive-into-rope.html")
    assert (first["id"], second["id"]) == ("illustrated-transformer-2", "illustrated-transformer-3")
    assert untitled["title"] == "Deep dive into rope (example.org)"
    assert untitled["id"] == "deep-dive-into-rope-example-org"


def test_bad_url_is_refused(data_file: Path) -> None:
    with pytest.raises(TrackerError, match="only http and https"):
        reading_list.add_resource(store_for(data_file), "javascript:alert(1)")


def test_move_changes_only_that_items_lines(data_file: Path) -> None:
    store = store_for(data_file)
    moves = reading_list.move_items(store, ["illustrated"], "next-up", today=TODAY)
    assert [(m.item_id, m.old, m.new) for m in moves] == [("illustrated-transformer", "inbox", "next-up")]
    diff = git(data_file.parent, "show", "--format=%s", "-U0", "HEAD")
    assert diff.splitlines()[0] == "move: illustrated-transformer inbox -> next-up"
    changed = [line for line in diff.splitlines() if line and line[0] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-  status: inbox", "+  status: next-up", "+  status_changed: 2026-02-01"]
    full = git(data_file.parent, "show", "--format=", "HEAD")
    assert sum(line.startswith("@@") for line in full.splitlines()) == 1  # one hunk


def test_hand_comments_survive_every_kind_of_change(data_file: Path) -> None:
    store = store_for(data_file, commit=False)
    reading_list.add_resource(store, "https://example.org/a", title="A")
    reading_list.move_items(store, ["micrograd"], "reading")
    reading_list.edit_item(store, "attention", {"comment": "Read twice"})
    reading_list.remove_items(store, ["illustrated-transformer"])
    reading_list.add_advice(store, "Math", "Do the exercises.", "Someone", "https://example.org/advice")
    reading_list.add_term(store, "RoPE", "Rotary position embedding.", [("Paper", "https://arxiv.org/abs/2104.09864")])
    text = data_file.read_text()
    assert text.startswith("# My reading list (a comment written by hand)\n")
    assert "# a comment between items\n" in text
    doc = store.load()
    assert [r.id for r in doc.resources] == ["attention-is-all-you-need", "micrograd", "a"]
    assert doc.resources[1].model_extra == {"my_rating": 5}
    assert doc.resources[0].comment == "Read twice"
    assert [t.term for t in doc.glossary] == ["KV cache", "RoPE"]
    assert doc.advice[1].source.url == "https://example.org/advice"


def test_edit_refuses_a_url_another_item_has(data_file: Path) -> None:
    with pytest.raises(DuplicateError, match="micrograd"):
        reading_list.edit_item(store_for(data_file), "attention", {"url": "https://github.com/karpathy/micrograd/"})


def test_edit_validates_the_new_value(data_file: Path) -> None:
    before = data_file.read_text()
    with pytest.raises(DataError, match="url: only http and https"):
        reading_list.edit_item(store_for(data_file), "attention", {"url": "file:///etc/passwd"})
    assert data_file.read_text() == before


def test_refs_by_prefix_and_url(data_file: Path) -> None:
    index = store_for(data_file).index()
    assert reading_list.resolve_ref(index, "micro") == "micrograd"
    assert reading_list.resolve_ref(index, "https://ARXIV.org/abs/1706.03762v3#x") == "attention-is-all-you-need"
    with pytest.raises(NotFoundError, match="no item"):
        reading_list.resolve_ref(index, "zzz")
    reading_list.add_resource(store_for(data_file, commit=False), "https://example.org/m", title="Micro")
    with pytest.raises(NotFoundError, match="several items: micro, micrograd"):
        reading_list.resolve_ref(store_for(data_file).index(), "micr")


def test_bulk_add_is_one_write_and_one_commit(data_file: Path) -> None:
    store = store_for(data_file)
    items = [{"url": f"https://example.org/page/{n}", "title": f"Page {n}", "tags": ["bulk"]} for n in range(300)]
    items.append({"url": "https://example.org/page/7/?utm_medium=mail", "title": "Same page"})
    items.append({"url": "https://jalammar.github.io/illustrated-transformer", "title": "Again"})
    items.append({"url": "mailto:x@example.org", "title": "Bad"})
    result = reading_list.add_resources(store, items, message="import: test", skip_invalid=True, today=TODAY)
    assert len(result.added) == 300
    assert [existing for _fields, existing in result.duplicates] == ["page-7", "illustrated-transformer"]
    assert len(result.skipped) == 1 and "only http and https" in result.skipped[0][1]
    assert commit_count(data_file.parent) == 2
    assert git(data_file.parent, "log", "-1", "--format=%s").strip() == "import: test"
    assert len(store.load().resources) == 303
    assert len(store.index().query_resources(tag="bulk")) == 300


def test_update_many_items_in_one_commit(data_file: Path) -> None:
    store = store_for(data_file)
    changed = reading_list.update_resources(
        store,
        {"micrograd": {"description": "A tiny autograd engine", "authors": ["Andrej Karpathy"]},
         "illustrated-transformer": {"site": "jalammar.github.io"},
         "attention-is-all-you-need": {}},
        "metadata: 2 items",
    )
    assert changed == ["micrograd", "illustrated-transformer"]
    assert commit_count(data_file.parent) == 2
    assert store.index().resource("micrograd")["authors"] == ["Andrej Karpathy"]
    assert store.index().search("autograd")[0][0] == "micrograd"


def test_nothing_changed_means_no_write_and_no_commit(data_file: Path) -> None:
    store = store_for(data_file)
    mtime = data_file.stat().st_mtime_ns
    assert reading_list.move_items(store, ["micrograd"], "done") == []
    assert data_file.stat().st_mtime_ns == mtime
    assert commit_count(data_file.parent) == 1


# ------------------------------------------------------------------------------------------------ the index


def test_index_follows_a_hand_edit_of_one_item(data_file: Path) -> None:
    store = store_for(data_file)
    assert [row[0] for row in store.index().query_resources(status="done")] == ["micrograd"]
    data_file.write_text(SAMPLE_YAML.replace("status: inbox", "status: done"))
    rows = store.index().query_resources(status="done")
    assert [row[0] for row in rows] == ["illustrated-transformer", "micrograd"]


def test_index_follows_added_removed_and_reordered_blocks(data_file: Path) -> None:
    store = store_for(data_file)
    store.index()
    blocks = SAMPLE_YAML.split("- id: ")
    # swap the first two items, drop the third's comment line, add a new item at the end of resources
    new_item = "- id: new-one\n  url: https://example.org/new\n  title: New one\n"
    text = (blocks[0] + "- id: " + blocks[2] + "- id: " + blocks[1]
            + "- id: " + blocks[3].replace("  my_rating: 5\n", "  my_rating: 5\n" + new_item) + "- id: "
            + "- id: ".join(blocks[4:]))
    data_file.write_text(text)
    ids = [row[0] for row in store.index().query_resources()]
    assert ids == ["attention-is-all-you-need", "illustrated-transformer", "micrograd", "new-one"]
    assert store.index().search("new")[0][0] == "new-one"


def test_index_catches_a_duplicate_made_by_hand(data_file: Path) -> None:
    store = store_for(data_file)
    store.index()
    data_file.write_text(SAMPLE_YAML.replace("https://github.com/karpathy/micrograd",
                                             "https://jalammar.github.io/illustrated-transformer"))
    with pytest.raises(DataError, match=r"resources.yaml:21: duplicate URL"):
        store.index()


def test_search_is_ranked_title_first(data_file: Path) -> None:
    store = store_for(data_file, commit=False)
    reading_list.add_resource(store, "https://example.org/x", title="Notes", comment="mentions attention once")
    ids = [row[0] for row in store.index().search("attention")]
    assert ids[0] == "attention-is-all-you-need"
    assert set(ids) == {"attention-is-all-you-need", "illustrated-transformer", "notes"}
    # title and tag beat a comment
    assert [row[0] for row in store.index().search("transformers")] == ["illustrated-transformer",
                                                                          "attention-is-all-you-need"]
    assert store.index().search("  ") == []
    assert store.index().search('"quoted" AND (weird') == []


def test_a_damaged_index_is_rebuilt(data_file: Path) -> None:
    store = store_for(data_file)
    store.index()
    store.index_path.write_bytes(b"this is not sqlite" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{store.index_path}{suffix}").unlink(missing_ok=True)
    assert len(store.index().query_resources()) == 3


def test_unusual_layout_is_read_and_rewritten_canonically_on_change(data_file: Path) -> None:
    data_file.write_text(
        "resources:\n  - {id: a, url: 'https://example.org/a', title: A}\n"
        "  - id: b\n    url: https://example.org/b\n    title: B\nadvice: []\nglossary: []\ntopics: []\n"
        "extra_key: {kept: true}\n"
    )
    store = store_for(data_file, commit=False)
    assert [row[0] for row in store.index().query_resources()] == ["a", "b"]
    reading_list.move_items(store, ["b"], "done", today=TODAY)
    text = data_file.read_text()
    assert text.startswith("resources:\n- id: a\n")
    assert "extra_key:\n  kept: true\n" in text
    assert store.load().resources[1].status == "done"


def test_render_is_deterministic_and_round_trips(data_file: Path) -> None:
    store = store_for(data_file)
    doc = store.load()
    once = render_document(doc)
    data_file.write_text(once)
    assert render_document(store.load()) == once


def test_spelled_out_field_order_and_statuses_match_the_models() -> None:
    from tracker.models import STATUS_VALUES, Resource
    from tracker.store import document

    assert document.RESOURCE_FIELDS == tuple(Resource.model_fields)
    assert document.STATUS_VALUES == STATUS_VALUES


def test_move_without_models_writes_what_the_model_path_writes(data_file: Path) -> None:
    store = store_for(data_file, commit=False)
    reading_list.move_items(store, ["micrograd"], "reading", today=TODAY)
    by_move = data_file.read_text()
    data_file.write_text(SAMPLE_YAML)
    reading_list.update_resources(store, {"micrograd": {"status": "reading", "status_changed": TODAY}}, "m")
    assert data_file.read_text() == by_move


@pytest.mark.parametrize("fields", [
    {"url": "https://example.org/a", "title": "A", "tags": ["x", "y"], "comment": "c", "category": "Paper",
     "topic": "3.1", "lab": "attention", "status": "next-up"},
    {"url": " https://example.org/b ", "tags": []},
    {"url": "https://example.org/c", "title": "yes", "comment": "2026-01-01"},
])
def test_typed_input_checked_without_models_equals_the_model_path(fields: dict) -> None:
    plain = reading_list.prepare_resource(dict(fields), set(), TODAY)
    through_model = reading_list._validated_resource(dict(plain))
    assert plain == through_model
    assert list(plain) == list(through_model)


def test_typed_input_errors() -> None:
    with pytest.raises(DataError, match="status 'later' is not one of"):
        reading_list.prepare_resource({"url": "https://example.org", "status": "later"}, set(), TODAY)
    with pytest.raises(DataError, match="id 'Bad Id' must be"):
        reading_list.prepare_resource({"url": "https://example.org", "id": "Bad Id"}, set(), TODAY)
    with pytest.raises(DataError, match="published"):
        reading_list.prepare_resource({"url": "https://example.org", "published": "not a date"}, set(), TODAY)


def test_one_commit_import_of_every_section_and_a_note(data_file: Path) -> None:
    from tracker.notes import write_note

    store = store_for(data_file)
    with store.edit("import: seed") as edit:
        result = reading_list.add_resources_in(edit, [{"url": "https://example.org/s", "title": "S"},
                                                      {"url": "https://arxiv.org/abs/1706.03762v1"}])
        edit.append("advice", [Advice(category="Math", text="Practice.", source={"name": "X"})])
        edit.append("glossary", [Term(term="Logit", definition="Pre-softmax score.")])
        edit.append("topics", [Topic(id="3.1.3", title="MHA", parent="part-1")])
        reading_list.update_resources_in(edit, {"micrograd": {"tags": ["autograd"]}})
        edit.extra_paths.append(write_note(data_file.parent / "notes", "seed", "Seed note"))
    assert [item["id"] for item in result.added] == ["s"]
    assert result.duplicates[0][1] == "attention-is-all-you-need"
    assert commit_count(data_file.parent) == 2
    assert sorted(git(data_file.parent, "show", "--name-only", "--format=", "HEAD").split()) == [
        "notes/seed.md", "resources.yaml"]
    doc = store.load()
    assert [t.id for t in doc.topics][-1] == "3.1.3" and doc.glossary[-1].term == "Logit"
    assert doc.resources[2].tags == ["autograd"]
    index = store.index()
    assert [e["term"] for e in index.entries("glossary")] == ["KV cache", "Logit"]
    with pytest.raises(TrackerError, match="only http and https"):
        with store.edit("bad") as edit:
            edit.append("advice", [Advice(category="Math", text="Fine.")])
            reading_list.add_resources_in(edit, [{"url": "ftp://example.org/x"}])
    assert commit_count(data_file.parent) == 2


def test_two_appends_to_an_empty_section_in_one_edit(tmp_path: Path) -> None:
    from tracker.project import init_project

    result = init_project(tmp_path / "p", commit=False)
    store = store_for(result.data_file, commit=False)
    with store.edit("two batches") as edit:
        reading_list.add_resources_in(edit, [{"url": "https://example.org/1"}])
        reading_list.add_resources_in(edit, [{"url": "https://example.org/2"}])
        edit.append("topics", [Topic(id="t1", title="T1")])
        edit.append("topics", [Topic(id="t2", title="T2")])
    text = result.data_file.read_text()
    assert text.count("resources:") == 1 and text.count("topics:") == 1
    doc = store.load()
    assert len(doc.resources) == 2 and [t.id for t in doc.topics] == ["t1", "t2"]
    assert [row[0] for row in store.index().query_resources()] == [r.id for r in doc.resources]


def test_canonical_rewrite_keeps_the_header_comment(data_file: Path) -> None:
    data_file.write_text(
        "# My reading list. Edit by hand or with tracker.\n# Second line of the note.\n\n"
        "resources:\n  - {id: a, url: 'https://example.org/a', title: A}\nadvice: []\nglossary: []\ntopics: []\n"
    )
    store = store_for(data_file, commit=False)
    reading_list.move_items(store, ["a"], "done", today=TODAY)
    text = data_file.read_text()
    assert text.startswith("# My reading list. Edit by hand or with tracker.\n# Second line of the note.\nresources:\n- id: a\n")
