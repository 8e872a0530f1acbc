"""``tracker add`` fetching metadata and ``tracker fetch``, end to end: real git repo, real local HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import commit_count, git
from tests.metadata_support import ScriptedServer, page, raw, send, slow
from tracker.cli import cli


@pytest.fixture
def server():
    routes = {
        "/blog": page("blog_post.html"),
        "/arxiv": page("arxiv_abs.html"),
        "/plain": page("plain_page.html"),
        "/slow": slow(30),
        "/odd": raw(b'<html><head><meta property="og:title" content="[draft] &quot;Attention&quot;: a #1 idea &lt;b&gt;now&lt;/b&gt;">'
                    b'<meta name="description" content="- starts like a list: and has a colon"></head></html>'),
        "/gone": lambda h, s: send(h, 404, b"<html><head><title>404</title></head></html>"),
        "/short-link": lambda h, s: send(h, 301, b"", headers={"Location": "/blog"}),
    }
    with ScriptedServer(routes, lifetime=60) as running:
        yield running


@pytest.fixture
def fetching(monkeypatch):
    """Let `tracker add` fetch (the suite turns it off), with a short timeout."""
    monkeypatch.delenv("TRACKER_NO_FETCH", raising=False)
    monkeypatch.setenv("TRACKER_TIMEOUT", "1")


def item(project: Path, item_id: str) -> dict:
    data = yaml.safe_load((project / "resources.yaml").read_text())
    return next(entry for entry in data["resources"] if entry["id"] == item_id)


def fetch_record(project: Path, item_id: str) -> dict:
    """The item's line in the fetch log beside resources.yaml (tracker's bookkeeping, not the user's file)."""
    lines = (project / ".tracker-fetched.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if json.loads(line)["id"] == item_id][-1]


def test_add_fills_metadata_from_the_page(project, invoke, server, fetching):
    result = invoke("add", server.url("/blog"), "--tag", "norms")
    assert result.exit_code == 0, result.output
    new_id = result.output.strip()
    entry = item(project, new_id)
    assert entry["title"] == "Why Layer Norm Works"
    assert entry["authors"] == ["Jane Q. Writer"]
    assert str(entry["published"]) == "2024-02-10"
    assert (entry["site"], entry["kind"]) == ("Gradient Garden", "article")
    assert "fetched" not in entry and "title" in fetch_record(project, new_id)["digests"]
    assert commit_count(project) == 2


def test_command_line_values_win_over_the_page(project, invoke, server, fetching):
    result = invoke("add", server.url("/arxiv"), "--title", "MoE paper (my title)")
    assert result.exit_code == 0, result.output
    entry = item(project, result.output.strip())
    assert entry["title"] == "MoE paper (my title)"
    assert entry["authors"] == ["Ada Lovelace", "Alan M. Turing", "Grace Hopper"]
    assert "title" not in fetch_record(project, entry["id"])["digests"]  # the user's: a refresh keeps it


def test_add_never_fails_on_a_slow_or_missing_page(project, invoke, server, fetching):
    slow_add = invoke("add", server.url("/slow"))
    assert slow_add.exit_code == 0, slow_add.output
    assert "saved without page metadata" in slow_add.stderr
    assert item(project, slow_add.stdout.strip())["title"] == "Slow (127.0.0.1)"
    gone = invoke("add", server.url("/gone"))
    assert gone.exit_code == 0 and "HTTP 404" in gone.stderr
    assert fetch_record(project, gone.stdout.strip())["failed"]


def test_yaml_and_html_hostile_values_round_trip(project, invoke, server, fetching):
    result = invoke("add", server.url("/odd"))
    assert result.exit_code == 0, result.output
    entry = item(project, result.stdout.strip())
    assert entry["title"] == '[draft] "Attention": a #1 idea now'
    assert entry["description"] == "- starts like a list: and has a colon"
    shown = invoke("show", result.stdout.strip())
    assert '[draft] "Attention": a #1 idea now' in shown.output


def test_no_fetch_makes_no_request(project, invoke, server, fetching):
    assert invoke("add", server.url("/blog"), "--no-fetch").exit_code == 0
    assert server.requests == []


def test_duplicate_is_refused_before_fetching(project, invoke, server, fetching):
    assert invoke("add", server.url("/blog")).exit_code == 0
    again = invoke("add", server.url("/blog") + "?utm_source=x")
    assert again.exit_code == 1 and "already in the list" in again.output
    assert server.requests == ["/blog"]


def _local_list(project: Path, server: ScriptedServer) -> None:
    (project / "resources.yaml").write_text(
        "resources:\n"
        f"- id: blog\n  url: {server.url('/blog')}\n  title: Blog (127.0.0.1)\n  added: 2026-01-01\n"
        f"- id: mine\n  url: {server.url('/plain')}\n  title: My name for it\n  added: 2026-01-02\n"
        f"- id: paper\n  url: {server.url('/arxiv')}\n  title: Arxiv (127.0.0.1)\n  added: 2026-01-03\n"
        f"- id: broken\n  url: {server.url('/gone')}\n  title: Gone (127.0.0.1)\n  added: 2026-01-04\n"
    )
    git(project, "commit", "-qam", "local list")


def test_fetch_all_refreshes_in_one_commit_and_keeps_edits(project, invoke, server):
    _local_list(project, server)
    before = commit_count(project)
    result = invoke("fetch", "--all")
    assert result.exit_code == 0, result.output
    assert commit_count(project) == before + 1
    assert git(project, "log", "-1", "--format=%s").startswith("fetch: metadata for 3 items")
    assert item(project, "blog")["title"] == "Why Layer Norm Works"
    assert item(project, "paper")["authors"][0] == "Ada Lovelace"
    mine = item(project, "mine")
    assert mine["title"] == "My name for it" and mine["authors"] == ["Sam Example"]
    assert "broken" in result.output and "HTTP 404" in result.output
    assert "mine\tupdated\ttitle\t\n" in result.stdout  # piped: id, outcome, kept edits, error

    # Nothing new on the pages: no change, no commit.
    assert invoke("fetch", "--all").exit_code == 0
    assert commit_count(project) == before + 1

    # A person edits a fetched field: kept, unless --overwrite.
    text = (project / "resources.yaml").read_text().replace("Why Layer Norm Works", "Layer norm, my notes")
    (project / "resources.yaml").write_text(text)
    git(project, "commit", "-qam", "hand edit")
    assert invoke("fetch", "blog").exit_code == 0
    assert item(project, "blog")["title"] == "Layer norm, my notes"
    # The commit says what it did: no new metadata, the hand edit noted as the person's own.
    assert git(project, "log", "-1", "--format=%s").strip() == "fetch: hand edits noted in 1 item"
    assert invoke("fetch", "blog", "--overwrite").exit_code == 0
    assert item(project, "blog")["title"] == "Why Layer Norm Works"


def test_fetch_missing_only_fetches_items_never_fetched(project, invoke, server):
    _local_list(project, server)
    assert invoke("fetch", "blog").exit_code == 0
    server.requests.clear()
    assert invoke("fetch", "--missing").exit_code == 0
    assert sorted(server.requests) == ["/arxiv", "/gone", "/plain"]
    server.requests.clear()
    assert invoke("fetch", "--missing").exit_code == 0
    assert server.requests == ["/gone"]  # the only one still failing


def test_fetch_needs_a_selection(project, invoke):
    result = invoke("fetch")
    assert result.exit_code == 2 and "--all or --missing" in result.output
    assert invoke("fetch", "no-such-item").exit_code == 1


def test_fetch_json_free_table_output_names_counts(project, invoke, server):
    _local_list(project, server)
    result = invoke("fetch", "paper")
    assert result.exit_code == 0
    assert "updated" in result.output and "failed" in result.output
    listed = json.loads(invoke("list", "--json").output)
    assert any(row["id"] == "paper" for row in listed)


def test_a_url_that_redirects_to_an_item_is_a_duplicate(project, invoke, server, fetching):
    first = invoke("add", server.url("/blog"))
    assert first.exit_code == 0, first.output
    head = git(project, "rev-parse", "HEAD")
    again = CliRunner().invoke(cli, ["add", server.url("/short-link")])
    assert again.exit_code == 1
    assert f"redirects to {server.url('/blog')}, already in the list as '{first.output.strip()}'" in again.output
    assert git(project, "rev-parse", "HEAD") == head


def test_a_page_whose_canonical_url_is_an_item_is_a_duplicate(project, invoke, server, fetching, monkeypatch):
    monkeypatch.setenv("TRACKER_NO_FETCH", "1")
    kept = invoke("add", server.url("/posts/why-layer-norm-works/"), "--title", "Layer norm")
    monkeypatch.delenv("TRACKER_NO_FETCH")
    again = CliRunner().invoke(cli, ["add", server.url("/blog")])
    assert again.exit_code == 1 and f"already in the list as '{kept.output.strip()}'" in again.output
    assert "names as its canonical URL" in again.output


def test_adding_a_host_that_does_not_exist_costs_no_http_stack(project, monkeypatch):
    """DNS says "no such host" before httpx is even imported: `add` stays about as quick as `add --no-fetch`."""
    from tests.conftest import modules_after

    monkeypatch.delenv("TRACKER_NO_FETCH", raising=False)
    loaded = modules_after(["add", "https://no-such-host.invalid/post"], project)
    assert "httpx" not in loaded and "httpcore" not in loaded
    entry = item(project, "post-no-such-host-invalid")
    assert "fetched" not in entry
    assert fetch_record(project, "post-no-such-host-invalid")["failed"]  # `tracker fetch --missing` tries again
