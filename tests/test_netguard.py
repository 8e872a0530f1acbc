"""No request reaches a private, link-local or metadata address unless the user named that host.

A scripted server on 127.0.0.1 redirects to forbidden places; a DNS stub and a connection recorder stand in
for the network (``NetworkStub``), so each test proves that no connection to the forbidden address was even
attempted, through all four commands that fetch (add, meta, fetch, check).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.metadata_support import NetworkStub, ScriptedServer, page, redirect
from tracker.cli import cli
from tracker.web.http import netguard
from tracker.web.http.policy import HttpPolicy, hop_problem
from tracker.web.meta.lookup import lookup

TIGHT = HttpPolicy(connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, retries=0)

# Where a hostile page may send a fetcher, and the address each must not reach.
FORBIDDEN = {
    "private": ("http://10.0.0.1/admin", "10.0.0.1"),
    "metadata": ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    "link-local-v6": ("http://[fe80::1]/", "fe80::1"),
    "mapped-v4": ("http://[::ffff:10.0.0.1]/", "10.0.0.1"),
    "decimal": ("http://167772161/", "10.0.0.1"),
    "dns-trick": ("http://innocent.example/page", "10.0.0.1"),
}
NAMES = {"innocent.example": ["10.0.0.1"], "mixed.example": ["169.254.169.254", "127.0.0.1"]}


def _routes() -> dict:
    routes: dict = {"/page": page("blog_post.html")}
    for name, (target, _) in FORBIDDEN.items():
        routes[f"/to/{name}"] = redirect(target)
        routes[f"/two/{name}"] = redirect(f"/to/{name}", 301)  # a two-hop chain: same host, then away
    routes["/to/javascript"] = redirect("javascript:alert(1)")
    routes["/to/data"] = redirect("data:text/html,<title>x</title>")
    routes["/to/port0"] = redirect("http://127.0.0.1:0/page")
    return routes


@pytest.fixture(scope="module")
def server():
    with ScriptedServer(_routes(), lifetime=120) as running:
        yield running


@pytest.fixture
def net(monkeypatch) -> NetworkStub:
    monkeypatch.delenv(netguard.ALLOW_SETTING, raising=False)
    return NetworkStub(NAMES).install(monkeypatch)


def _never_reached(net: NetworkStub, address: str) -> None:
    assert all(a == "127.0.0.1" for a in net.attempts), net.attempts
    assert address not in net.attempts


@pytest.mark.parametrize("name", FORBIDDEN)
@pytest.mark.parametrize("hops", ["to", "two"])
def test_meta_refuses_a_redirect_to_a_private_address(server, net, name, hops):
    result = CliRunner().invoke(cli, ["meta", server.url(f"/{hops}/{name}"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["error"].startswith("redirect to a private address refused")
    assert data["title"] != "Why Layer Norm Works"  # nothing from the forbidden place
    _never_reached(net, FORBIDDEN[name][1])


@pytest.mark.parametrize("name", FORBIDDEN)
def test_check_refuses_a_redirect_to_a_private_address(server, net, name, tmp_path):
    links = tmp_path / "links.md"
    links.write_text(f"- [one]({server.url(f'/to/{name}')})\n- [two]({server.url(f'/two/{name}')})\n")
    result = CliRunner().invoke(cli, ["check", "--links-from", str(links), "--json", "--timeout", "2"])
    doc = json.loads(result.stdout)
    assert [r["verdict"] for r in doc["results"]] == ["error", "error"]
    assert all(r["detail"].startswith("redirect to a private address refused") for r in doc["results"])
    assert result.exit_code == 1  # an error, not a dead link and not a timeout
    _never_reached(net, FORBIDDEN[name][1])


def _item(project: Path, item_id: str) -> dict:
    data = yaml.safe_load((project / "resources.yaml").read_text())
    return next(entry for entry in data["resources"] if entry["id"] == item_id)


@pytest.mark.parametrize("name", FORBIDDEN)
def test_add_and_fetch_refuse_a_redirect_to_a_private_address(project, invoke, server, net, monkeypatch, name):
    monkeypatch.delenv("TRACKER_NO_FETCH", raising=False)
    result = CliRunner().invoke(cli, ["add", server.url(f"/two/{name}")])
    assert result.exit_code == 0, result.output
    assert "note: saved without page metadata: redirect to a private address refused" in result.stderr
    item_id = result.stdout.strip()
    assert "fetched" not in _item(project, item_id)
    records = [json.loads(line) for line in (project / ".tracker-fetched.jsonl").read_text().splitlines()]
    assert [r["failed"] for r in records if r["id"] == item_id] == [True]
    fetched = CliRunner().invoke(cli, ["fetch", item_id])
    assert fetched.exit_code == 0 and "redirect to a private address refused" in fetched.stdout
    _never_reached(net, FORBIDDEN[name][1])


def test_a_name_that_resolves_inside_and_outside_uses_only_the_allowed_address(server, net):
    """``mixed.example`` answers 169.254.169.254 and 127.0.0.1: a request the user made to that very host may go
    to both; a redirect there may go nowhere inside."""
    found = lookup(f"http://mixed.example:{server.port}/page", TIGHT)
    assert found.error is None and found.metadata.title == "Why Layer Norm Works"
    assert net.attempts == ["169.254.169.254", "127.0.0.1"] or net.attempts == ["127.0.0.1"]


def test_the_users_own_private_url_stays_allowed(server, net):
    found = lookup(server.url("/page"), TIGHT)  # 127.0.0.1: the user named it
    assert found.error is None and found.metadata.title == "Why Layer Norm Works"


def test_the_setting_allows_named_hosts_and_networks(server, net, monkeypatch):
    monkeypatch.setenv(netguard.ALLOW_SETTING, "10.0.0.0/8")
    found = lookup(server.url("/to/private"), TIGHT)
    assert net.attempts[-1] == "10.0.0.1"  # allowed now: the stub (not the guard) stops it here
    assert "private address" not in (found.error or "")
    monkeypatch.setenv(netguard.ALLOW_SETTING, "innocent.example")
    net.attempts.clear()
    lookup(server.url("/to/dns-trick"), TIGHT)
    assert net.attempts[-1] == "10.0.0.1"


@pytest.mark.parametrize(
    ("path", "words"),
    [("/to/javascript", "only http and https, not javascript:"), ("/to/data", "only http and https, not data:"),
     ("/to/port0", "bad port 0")],
)
def test_odd_redirect_targets_are_clean_refusals(server, net, path, words, tmp_path):
    result = CliRunner().invoke(cli, ["meta", server.url(path), "--json"])
    assert result.exit_code == 0, result.output
    assert words in json.loads(result.stdout)["error"]
    links = tmp_path / "links.md"
    links.write_text(f"<{server.url(path)}>\n")
    checked = CliRunner().invoke(cli, ["check", "--links-from", str(links), "--json"])
    (row,) = json.loads(checked.stdout)["results"]
    assert row["verdict"] == "error" and words in row["detail"]
    assert net.attempts.count("127.0.0.1") == 2  # the redirecting page itself, once per command; no port 80


@pytest.mark.parametrize(
    ("address", "public"),
    [("10.0.0.1", False), ("169.254.169.254", False), ("fe80::1", False), ("::ffff:10.0.0.1", False),
     ("fd00:ec2::254", False), ("100.100.100.200", False), ("127.1", False), ("0x7f.0.0.1", False),
     ("167772161", False), ("224.0.0.1", False), ("ff02::1", False), ("0.0.0.0", False), ("::", False),
     ("64:ff9b::a00:1", False), ("2002:a00:1::", False), ("93.184.216.34", True), ("2606:4700::1111", True),
     ("::ffff:93.184.216.34", True), ("example.com", False)],
)
def test_public_addresses(address, public):
    assert netguard.is_public_address(address) is public


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_hop_problem_never_raises(text):
    """Whatever a Location header says, judging it gives a reason or None, never an exception."""
    for candidate in (text, f"http://{text}", f"http://127.0.0.1:{text}/"):
        problem = hop_problem(candidate)
        assert problem is None or isinstance(problem, str)


@pytest.mark.parametrize(("path", "words"), [("/to/javascript", "not javascript:"), ("/to/data", "not data:"),
                                             ("/to/port0", "bad port 0")])
def test_add_saves_the_item_when_a_redirect_is_odd(project, server, net, monkeypatch, path, words):
    monkeypatch.delenv("TRACKER_NO_FETCH", raising=False)
    result = CliRunner().invoke(cli, ["add", server.url(path)])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "note: saved without page metadata" in result.stderr and words in result.stderr
    assert _item(project, result.stdout.strip())["url"] == server.url(path)
