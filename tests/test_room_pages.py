"""Learner-first pages: plain words, the lab as the CLI sees it, notes' pictures, dead links that explain."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from tests.publish_support import make_project
from tracker.lab.discovery import discover_experiments, find_lab_dir
from tracker.publish import room
from tracker.publish.build import build_database
from tracker.publish.serve import make_datasette
from tracker.publish.sources import Project

pytestmark = pytest.mark.timeout(120)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NOTE_WITH_PICTURES = """---
title: Row and column pictures
topic: 1-1
---
![Row picture](images/row_picture.png "Row picture")

![Missing picture](images/not_drawn_yet.png)

![Escape](../resources.yaml)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(make_project(tmp_path_factory.mktemp("pages") / "repo"))
    (project.notes_dir / "images").mkdir()
    (project.notes_dir / "images" / "row_picture.png").write_bytes(PNG)
    (project.notes_dir / "pictures.md").write_text(NOTE_WITH_PICTURES, encoding="utf-8")
    shutil.rmtree(project.root / "lab")  # a study folder without lab/: the installed experiments count
    links = json.loads((project.root / ".tracker-links.json").read_text())
    links["links"]["https://no-such-host.example/paper"] = {"verdict": "dead", "since": "2024-03-01T08:00:00Z"}
    # A removed item's URL stays in the history: it is no business of the dead-links page any more.
    links["links"]["https://example.org/removed"] = {"verdict": "dead", "since": "2024-03-01T08:00:00Z",
                                                     "status_code": 410}
    (project.root / ".tracker-links.json").write_text(json.dumps(links))
    text = project.resources_file.read_text(encoding="utf-8")
    project.resources_file.write_text(text.replace("https://karpathy.ai/zero-to-hero.html",
                                                   "https://no-such-host.example/paper"), encoding="utf-8")
    db = build_database(project).path
    ds, _live = make_datasette(db, reading_room=room.Room(project))
    loop = asyncio.new_event_loop()
    yield project, ds, loop
    loop.close()


def get(site, path: str):
    _project, ds, loop = site
    return loop.run_until_complete(ds.client.get(path))


def rows(site, path: str) -> list[dict]:
    response = get(site, path + ("&" if "?" in path else "?") + "_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


def test_named_pages_speak_plain_words(site) -> None:
    for page in ("/tracker/inbox", "/tracker/next_up", "/tracker/progress_by_topic", "/tracker/search?q=attention"):
        text = get(site, page).text
        for jargon in ("Custom SQL query", "Run SQL", "Edit SQL", "Query parameters", "select "):
            assert jargon not in text, (page, jargon)
        assert "Show the SQL" in text
    assert "2 items" in get(site, "/tracker/inbox").text
    search = get(site, "/tracker/search?q=attention").text
    assert '<label for="qp1"><strong>Search for</strong></label>' in search
    # Those who ask get Datasette's own page, SQL included.
    assert "select" in get(site, "/tracker/inbox?_show_sql=1").text


def test_lab_experiments_are_the_ones_the_cli_lists(site) -> None:
    project, _ds, _loop = site
    expected = discover_experiments(find_lab_dir(project.root))
    published = rows(site, "/tracker/lab_experiments.json")
    assert len(expected) > 0 and {r["id"] for r in published} == set(expected)
    linked = rows(site, "/tracker/items_with_lab.json")
    assert linked and all(r["experiment_title"] for r in linked if r["experiment"] in expected)


def test_notes_pictures_are_served_and_missing_ones_say_so(site) -> None:
    (note,) = rows(site, "/tracker/notes.json?id=pictures")
    html = note["body_html"]
    assert '<img src="/notes-files/images/row_picture.png" alt="Row picture" title="Row picture">' in html
    assert "no file images/not_drawn_yet.png beside the note" in html
    assert "resources.yaml" not in html.split("Escape")[0] and "<img src=\"../" not in html
    picture = get(site, "/notes-files/images/row_picture.png")
    assert picture.status_code == 200 and picture.content == PNG
    assert picture.headers["content-type"] == "image/png"
    assert "sandbox" in picture.headers["content-security-policy"]
    for escape in ("/notes-files/../resources.yaml", "/notes-files/%2e%2e/resources.yaml",
                   "/notes-files/..%2fresources.yaml"):
        assert get(site, escape).status_code == 404, escape
    page = get(site, "/tracker/notes/pictures").text
    assert 'src="/notes-files/images/row_picture.png"' in page


def test_dead_links_explain_each_verdict_and_skip_removed_items(site) -> None:
    dead = {r["id"]: r for r in rows(site, "/tracker/dead_links.json")}
    assert set(dead) == {"old-inbox-item", "karpathy-zero-to-hero"}
    assert dead["old-inbox-item"]["why"].startswith("HTTP 404 Not Found")
    assert dead["karpathy-zero-to-hero"]["why"].startswith("no such host")
    assert dead["karpathy-zero-to-hero"]["status_code"] is None


def test_published_folder_ships_the_pictures(site, tmp_path: Path) -> None:
    from tracker.publish.package import _copy_note_pictures, publish_commands

    project, _ds, _loop = site
    (project.notes_dir / "images" / "outside.png").symlink_to(project.resources_file)
    try:
        written = _copy_note_pictures(project.notes_dir, tmp_path / "out" / "notes-files")
    finally:
        (project.notes_dir / "images" / "outside.png").unlink()
    assert written == [tmp_path / "out" / "notes-files" / "images" / "row_picture.png"]
    assert f"--static notes-files:{tmp_path / 'out' / 'notes-files'}" in publish_commands(tmp_path / "out")[1]


def test_lab_pictures_go_to_the_study_folder_the_notes_point_at(site, monkeypatch) -> None:
    from click.testing import CliRunner

    import tracker.lab.runner
    from tracker.cli import cli

    project, _ds, _loop = site
    seen = {}

    def fake_run_many(chosen, **options):
        seen.update(options)
        return [{"id": info.id, "experiment": info.id, "status": "pass", "checks": []} for info in chosen]

    monkeypatch.setattr(tracker.lab.runner, "run_many", fake_run_many)
    result = CliRunner().invoke(cli, ["--file", str(project.resources_file), "lab", "run", "row-column-picture",
                                      "--no-record", "--json"])
    assert result.exit_code == 0, result.output
    assert seen["output_dir"] == project.root / "notes" / "images"
