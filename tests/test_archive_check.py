"""`tracker check` with the archive: a page that turns into a 200 "Page not found" or into another text is
`changed` (never ok, never dead on first sight), and a dead link gets the (fake, local) Wayback Machine's copy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.archive_support import LOREM, PageServer, article, fetching, html, running_server
from tests.conftest import run_tracker


@pytest.fixture
def server() -> Iterator[PageServer]:
    with running_server() as srv:
        yield srv


NOT_FOUND = b"<html><head><title>Page not found</title></head><body><h1>Oops</h1><p>Sorry.</p></body></html>"


def wayback_reply(found: dict[str, str]):
    """The availability API's JSON shape, answering from ``found`` (url -> copy)."""
    def reply(path: str):
        from urllib.parse import parse_qs, urlsplit

        url = parse_qs(urlsplit(path).query).get("url", [""])[0]
        copy = found.get(url)
        snapshots = {"closest": {"available": True, "url": copy, "timestamp": "20240101000000",
                                 "status": "200"}} if copy else {}
        return 200, "application/json", json.dumps({"url": url, "archived_snapshots": snapshots}).encode()
    return reply


def check(project: Path, env: dict, ids: list[str]) -> dict:
    """Check only ``ids`` (the sample list's other items point at the internet, which tests never reach)."""
    done = run_tracker("check", *ids, "--json", "--timeout", "3", cwd=project, env=env)
    assert done.returncode in (0, 1, 3) and done.stdout, done.stderr  # 3: dead links found
    return {row["id"]: row for row in json.loads(done.stdout)["results"] if row["id"]}


def test_soft_404_and_rewritten_page_are_changed_and_dead_page_gets_wayback_copy(
        project: Path, server: PageServer, invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    server.pages["/soft"] = html(article("A post", [LOREM, "Positional encodings rotate queries.", LOREM]))
    server.pages["/moved"] = html(article("Another post", [LOREM, "Layer norm keeps activations tame.", LOREM]))
    server.pages["/gone"] = html(article("Gone soon", [LOREM]))
    server.pages["/same"] = html(article("Still here", [LOREM, "Nothing changes on this page at all."]))
    monkeypatch.setenv("TRACKER_NO_FETCH", "")
    ids = {name: invoke("add", server.url(f"/{name}")).output.strip() for name in ("soft", "moved", "gone", "same")}
    env = fetching()
    server.pages["/soft"] = html(NOT_FOUND)
    server.pages["/moved"] = html(article("Buy shoes", ["Our shoe shop has the best prices in town, every day."]))
    del server.pages["/gone"]
    copy = "http://127.0.0.1:9/web/20240101000000/" + server.url("/gone")
    server.pages["/wayback/available"] = wayback_reply({server.url("/gone"): copy})
    env = {**env, "TRACKER_WAYBACK_URL": server.url("/wayback/available")}
    rows = check(project, env, list(ids.values()))
    assert rows[ids["soft"]]["verdict"] == "changed" and "not found" in rows[ids["soft"]]["detail"]
    assert rows[ids["moved"]]["verdict"] == "changed" and "saved text" in rows[ids["moved"]]["detail"]
    assert rows[ids["same"]]["verdict"] == "ok"
    assert rows[ids["gone"]]["verdict"] == "dead"
    assert rows[ids["gone"]]["archived_url"] == copy
    assert rows[ids["soft"]]["archived_url"] is None  # the fake has no copy of it: none is claimed
