"""The build streams resources from the index (issue 18): the database must be the one the validating path
(every item a pydantic model) builds, table by table, row by row, FTS included."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.publish_support import REPO_ROOT, make_project
from tracker.errors import DataError
from tracker.publish.build import build_database
from tracker.publish.sources import Project

pytestmark = pytest.mark.timeout(120)

HAND_EDITED = """\
# my reading list, edited by hand
resources:
- id: flash-attn   # the paper
  url: https://arxiv.org/abs/2205.14135
  title: "FlashAttention: fast and exact"
  status: done
  tags: gpu, attention, gpu
  added: 2024-01-05
  status_changed: 2024-01-05
  my_rating: 5
  links:
  - label: code
    url: https://github.com/Dao-AILab/flash-attention
- id: yt-video
  url: https://www.youtube.com/watch?v=abc123def45
  title: Übersicht — ünïcode «quotes»
  status: next-up
  tags: [attention, 'quoted tag', "x", attention]
  status_changed:
  added: 2024-02-01
  authors: [A. Person, B]
  site: Somewhere
- id: gh
  url: https://github.com/karpathy/nanoGPT
  title: 'nanoGPT'
  status: done
  category: Coding
  comment: |
    multi
    line
  status_changed: 2024-03-01
  added: 2024-02-01

# a section comment
- id: pdf-x
  url: https://www.Example.com/papers/paper.pdf?utm_source=x
  title: A pdf
  status: inbox
  published: 2023-05-01
  kind: pdf
  tags: []
  extra_thing: {a: 1}
- id: plain-1
  url: https://example.org/a/b/
  title: "1"
  status: inbox
  category: Study
  tags: [x, gpu]
  added: 2024-02-01
  status_changed: 2024-02-01
advice:
- category: Study
  text: Read the paper twice.
  source:
    name: Someone
    url: https://example.org/someone
- category: Coding
  text: Write the code.
glossary:
- term: Attention
  definition: Weighted mixing.
  links:
  - title: Paper
    url: https://arxiv.org/abs/1706.03762
- term: attention
  definition: Again, to get a second slug.
topics:
- id: "1"
  title: Basics
- id: "1.1"
  title: Tensors
  parent: "1"
"""

FLOW_STYLE = """\
resources: [{id: a, url: "https://example.org/a", title: A, status: done, added: 2024-01-01,
  status_changed: 2024-01-01, tags: [p, q]}, {id: b, url: "https://example.org/b", title: B, tags: [q]}]
"""


def table_rows(db_path: Path) -> dict[str, object]:
    """Every table's rows in storage order (FTS shadow tables included) and every schema entry; the build's
    time left out."""
    conn = sqlite3.connect(db_path)
    out: dict[str, object] = {}
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"):
        out[f"schema {name}"] = sql
        if not (sql or "").startswith("CREATE"):
            continue
        if " INDEX " in sql[:20]:
            continue
        try:
            rows = conn.execute(f"SELECT * FROM [{name}] ORDER BY rowid").fetchall()
        except sqlite3.OperationalError:  # a WITHOUT ROWID table
            rows = sorted(conn.execute(f"SELECT * FROM [{name}]").fetchall(), key=repr)
        if name == "build_info":
            columns = [d[1] for d in conn.execute("PRAGMA table_info(build_info)")]
            rows = [tuple(v for c, v in zip(columns, row, strict=True) if c != "built_at") for row in rows]
        out[name] = rows
    conn.close()
    return out


def both_ways(project: Project, tmp: Path) -> tuple[dict, dict]:
    reference = build_database(project, tmp / "reference.db", force=True, via_index=False)
    streamed = build_database(project, tmp / "streamed.db", force=True)
    assert reference.counts == streamed.counts
    return table_rows(reference.path), table_rows(streamed.path)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("streamed") / "repo").parent


@pytest.fixture
def project(base: Path, tmp_path: Path) -> Project:
    root = tmp_path / "repo"
    shutil.copytree(base, root, symlinks=True)
    return Project(root / "resources.yaml")


def assert_same(reference: dict, streamed: dict) -> None:
    assert reference.keys() == streamed.keys()
    for name in reference:
        assert streamed[name] == reference[name], name


def test_the_projects_list_builds_the_same_both_ways(project: Project, tmp_path: Path) -> None:
    reference, streamed = both_ways(project, tmp_path)
    assert len(reference["resources"]) == 5 and reference["link_checks"]
    assert_same(reference, streamed)


def test_the_shipped_resources_yaml_builds_the_same_both_ways(project: Project, tmp_path: Path) -> None:
    shutil.copy(REPO_ROOT / "resources.yaml", project.resources_file)
    reference, streamed = both_ways(project, tmp_path)
    assert len(reference["resources"]) > 10 and reference["resources_tags"]
    assert_same(reference, streamed)


@pytest.mark.parametrize("text", [HAND_EDITED, FLOW_STYLE], ids=["hand-edited", "flow-style"])
def test_a_hand_edited_list_builds_the_same_both_ways(project: Project, tmp_path: Path, text: str) -> None:
    project.resources_file.write_text(text, encoding="utf-8")
    reference, streamed = both_ways(project, tmp_path)
    assert reference["resources_tags"]
    assert_same(reference, streamed)


def test_saved_pages_build_the_same_both_ways(project: Project, tmp_path: Path) -> None:
    project.resources_file.write_text(HAND_EDITED, encoding="utf-8")
    archive = project.root / "archive"
    archive.mkdir()
    (archive / "flash-attn.md").write_text("---\nurl: https://arxiv.org/abs/2205.14135\nsaved: 2024-01-06\n"
                                           "words: 3\n---\n\nFast exact attention.\n", encoding="utf-8")
    (archive / "not-an-item.md").write_text("Nobody's page.\n", encoding="utf-8")
    reference, streamed = both_ways(project, tmp_path)
    assert [row[0] for row in streamed["snapshots"]] == ["flash-attn"]
    assert_same(reference, streamed)


def test_a_status_change_equal_to_added_is_published_as_written(project: Project, tmp_path: Path) -> None:
    project.resources_file.write_text(HAND_EDITED, encoding="utf-8")
    _reference, streamed = both_ways(project, tmp_path)
    by_id = {row[0]: row for row in streamed["resources"]}
    assert by_id["flash-attn"][10] == "2024-01-05"  # the index's data leaves it out: it repeats added
    assert by_id["gh"][10] == "2024-03-01"


def test_errors_are_the_validating_paths(project: Project, tmp_path: Path) -> None:
    text = HAND_EDITED.replace("- id: gh\n", "- id: flash-attn\n").replace("status: inbox\n  published",
                                                                         "status: bogus\n  published")
    project.resources_file.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as reference:
        build_database(project, tmp_path / "a.db", force=True, via_index=False)
    with pytest.raises(DataError) as streamed:
        build_database(project, tmp_path / "b.db", force=True)
    assert str(streamed.value) == str(reference.value)
    assert not (tmp_path / "b.db").exists()


WORD = st.sampled_from(["gpu", "attention", "ünï", "x y", "GPU", "a,b", "'q'", "#c", "-", "null"])
DATE = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2025, 1, 1))
ITEM = st.fixed_dictionaries(
    {"title": st.text(min_size=1, max_size=12).filter(str.strip), "tags": st.lists(WORD, max_size=4)},
    optional={"status": st.sampled_from(["inbox", "next-up", "done", "dropped"]), "added": DATE,
              "status_changed": DATE, "comment": st.text(max_size=20), "authors": st.lists(WORD, max_size=2),
              "site": WORD, "kind": WORD, "note_to_self": st.integers()},
)


class NoAliases(yaml.SafeDumper):
    """Writes a repeated date twice, as a person would (tracker refuses YAML anchors)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(ITEM, min_size=1, max_size=6), same_day=st.booleans())
def test_any_list_builds_the_same_both_ways(project: Project, tmp_path_factory, items: list[dict],
                                            same_day: bool) -> None:
    resources = []
    for n, item in enumerate(items):
        if same_day and "added" in item:
            item["status_changed"] = item["added"]
        resources.append({"id": f"item-{n}", "url": f"https://example.org/{n}", **item})
    text = yaml.dump({"resources": resources}, Dumper=NoAliases, allow_unicode=True, sort_keys=False)
    project.resources_file.write_text(text, encoding="utf-8")
    reference, streamed = both_ways(project, tmp_path_factory.mktemp("any"))
    assert len(streamed["resources"]) == len(items)
    assert_same(reference, streamed)
