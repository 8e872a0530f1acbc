"""The archive from the user's side: `tracker add` saves a page's readable text in archive/<id>.md, search finds
words of it (in a fresh clone too), show/list know the reading time, and opt-outs are honoured."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.archive_support import LOREM, PageServer, article, fetching, html, running_server
from tests.conftest import git, run_tracker


@pytest.fixture
def server() -> Iterator[PageServer]:
    with running_server() as srv:
        yield srv


def test_add_saves_text_and_search_finds_body_word_also_in_fresh_clone(project: Path, server: PageServer,
                                                                          tmp_path: Path) -> None:
    server.pages["/post"] = html(article("Kv caching notes", [LOREM, "The zanzibarite trick saves memory.", LOREM]))
    added = run_tracker("add", server.url("/post"), cwd=project, env=fetching())
    assert added.returncode == 0, added.stderr
    item_id = added.stdout.strip()
    saved = (project / "archive" / f"{item_id}.md").read_text()
    assert "zanzibarite" in saved and saved.startswith("---\nurl: ")
    assert "navigationword" not in saved and "footerword" not in saved and "cookiebannerword" not in saved
    assert git(project, "status", "--porcelain") == ""  # the snapshot is committed, with the item: one commit
    assert {f"archive/{item_id}.md", "resources.yaml"} <= set(git(project, "show", "--name-only", "--format=",
                                                                  "HEAD").split())

    found = run_tracker("search", "zanzibarite", "--json", cwd=project)
    hits = json.loads(found.stdout)["results"]
    assert [hit["id"] for hit in hits] == [item_id]
    assert hits[0]["snippet"].startswith("in page text: ") and "**zanzibarite**" in hits[0]["snippet"]

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True)
    again = json.loads(run_tracker("search", "zanzibarite", "--json", cwd=clone).stdout)["results"]
    assert [hit["id"] for hit in again] == [item_id]


def test_page_text_hits_rank_below_title_matches(project: Path, server: PageServer, invoke,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    server.pages["/a"] = html(article("Something else entirely", ["The word quokka appears in this body.", LOREM]))
    server.pages["/b"] = html(article("Quokka field guide", [LOREM, LOREM]))
    monkeypatch.setenv("TRACKER_NO_FETCH", "")
    first = invoke("add", server.url("/a")).output.strip()
    second = invoke("add", server.url("/b")).output.strip()
    hits = json.loads(invoke("search", "quokka", "--json").output)["results"]
    assert [hit["id"] for hit in hits] == [second, first]
    assert hits[0]["score"] > hits[1]["score"]
    # Field matches come first and page-text hits only fill the rest: with room for one, the title wins.
    only = json.loads(invoke("search", "quokka", "--json", "--limit", "1").output)["results"]
    assert [hit["id"] for hit in only] == [second]
