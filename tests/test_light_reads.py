"""Read commands off the warm path stay light: a no-op ``build`` decides before importing the publishing stack,
and ``lab list`` reads its links from the index instead of parsing the whole file."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import modules_after, run_tracker

HEAVY = {"pydantic", "bleach", "datasette", "yaml", "asyncio"}


def test_a_no_op_build_imports_neither_pydantic_nor_bleach_nor_datasette_nor_asyncio(project: Path) -> None:
    first = run_tracker("build", cwd=project)
    assert first.returncode == 0, first.stderr
    loaded = modules_after(["build"], project)
    assert not HEAVY & loaded, sorted(HEAVY & loaded)


def test_the_build_knows_the_picture_suffixes_the_notes_renderer_shows() -> None:
    from tracker.publish.build import NOTE_PICTURE_SUFFIXES
    from tracker.publish.markdown import IMAGE_SUFFIXES

    assert NOTE_PICTURE_SUFFIXES == IMAGE_SUFFIXES


def test_lab_list_reads_the_index_not_the_yaml(project: Path) -> None:
    assert run_tracker("list", cwd=project).returncode == 0  # the index exists, as after any first command
    loaded = modules_after(["lab", "list"], project)
    assert not {"pydantic", "yaml"} & loaded, sorted({"pydantic", "yaml"} & loaded)


HAND_WRITTEN = """resources:
- id: a
  url: https://example.org/a
  title: yes
  status: done
  tags: rlhf, dpo
  added: 2025-01-02
  my_rating: 5
  links:
  - label: code
    url: https://github.com/x/a
- id: b
  url: https://arxiv.org/abs/2101.00001v2
  title: "Quoted: title"
  # a comment inside
  topic: 3.10
  comment: ""
  published: 2020-02-02
- id: c
  url: http://www.Example.org/c/?utm_source=x
  title: Plain
  status: reading
  my_notes: {a: 1, b: [x]}
"""


def test_json_export_from_the_index_is_the_export_from_the_models(tmp_path: Path) -> None:
    from tracker.exporters.indexjson import render_json_from_index
    from tracker.exporters.tabular import render_json
    from tracker.models import Status
    from tracker.store import Store

    shipped = Path(__file__).resolve().parents[1] / "resources.yaml"
    for number, text in enumerate([HAND_WRITTEN, shipped.read_text(encoding="utf-8")]):
        data = tmp_path / f"{number}" / "resources.yaml"
        data.parent.mkdir()
        data.write_text(text, encoding="utf-8")
        store = Store(data, commit=False)
        document = store.load()
        assert render_json_from_index(store.index()) == render_json(document)
        done = document.model_copy(update={"resources": [r for r in document.resources if r.status == Status.DONE]})
        assert render_json_from_index(store.index(), ["done"]) == render_json(done)


def test_an_unknown_lab_is_reported_with_the_line_of_its_entry_however_written(tmp_path: Path) -> None:
    import pytest

    from tracker.errors import DataError
    from tracker.lab.links import load_links, resolve_target

    data = tmp_path / "resources.yaml"
    data.write_text("resources:\n- id: a\n  url: https://example.org/a\n  title: A\n  lab: nope\n\nadvice: []\n\n"
                    "glossary:\n- term: plain\n  definition: d\n  lab: nope\n- definition: d\n  term: \"x: y\"\n"
                    "  lab: nope\n\ntopics: []\n", encoding="utf-8")
    links = load_links(data)
    for target, line in (("a", 2), ("plain", 10), ("x: y", 13)):
        with pytest.raises(DataError) as caught:
            resolve_target(target, {}, links)
        assert caught.value.line == line, (target, str(caught.value))


_TEXT = st.text(max_size=12)
_VALUES = st.recursive(st.one_of(_TEXT, st.integers(), st.booleans(), st.none()),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                       max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(_TEXT, _VALUES, max_size=6), max_size=4))
def test_the_fast_indented_json_is_the_standard_librarys(records: list) -> None:
    """The JSON export's own indenting writer answers what ``json.dumps(indent=2)`` would, for any records."""
    from tracker.exporters.indexjson import indented_json

    assert indented_json(records) == json.dumps(records, indent=2, ensure_ascii=False)
