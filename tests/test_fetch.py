"""The fetcher and lookup against a real HTTP server on 127.0.0.1, including hostile responses.

Every hostile case runs under a tight policy and must end fast, bounded in memory, with a useful reason.
"""

from __future__ import annotations

import asyncio
import json
import time
import tracemalloc

import pytest
from click.testing import CliRunner

from tests.metadata_support import (
    ScriptedServer,
    endless_html,
    gzip_bomb,
    page,
    raw,
    redirect,
    send,
    slow,
    stalled_body,
)
from tracker.cli import cli
from tracker.web.http.fetch import FetchResult, fetch_page_async
from tracker.web.http.policy import USER_AGENT, HttpPolicy, build_async_transport
from tracker.web.meta.lookup import lookup, lookup_many

TIGHT = HttpPolicy(connect_timeout=1.0, read_timeout=1.0, total_timeout=2.0, max_html_bytes=256 * 1024,
                   max_decoded_bytes=1024 * 1024, retries=0)


def fetch_page(url: str, policy: HttpPolicy) -> FetchResult:
    """One fetch, synchronously: the commands go through ``lookup``; these tests look at the raw fetch."""

    async def run() -> FetchResult:
        transport = build_async_transport(policy)
        try:
            return await fetch_page_async(url, transport, policy)
        finally:
            await transport.aclose()

    return asyncio.run(run())


def _routes() -> dict:
    chain = {f"/hop{i}": redirect(f"/hop{i + 1}") for i in range(12)}
    return {
        "/arxiv": page("arxiv_abs.html"),
        "/youtube": page("youtube_watch.html"),
        "/github": page("github_repo.html"),
        "/blog": page("blog_post.html"),
        "/paper.pdf": page("paper.pdf", "application/pdf"),
        "/image.png": raw(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"),
        "/moved": redirect("/blog", 301),
        "/loop-a": redirect("/loop-b"),
        "/loop-b": redirect("/loop-a"),
        "/to-ftp": redirect("ftp://127.0.0.1/file"),
        "/endless": endless_html,
        "/bomb": gzip_bomb(200),
        "/slow": slow(30),
        "/stalled": stalled_body,
        "/gone": lambda h, s: send(h, 410, b"gone"),
        "/wrong-charset": raw("<html><head><title>Café crème</title></head></html>".encode("cp1252"),
                              "text/html; charset=utf-8"),
        "/no-charset": raw("<html><head><title>Naïve Bayes</title></head></html>".encode("cp1252"), "text/html"),
        "/html-title": page("html_in_title.html"),
        "/long-body": raw(b'<html><head><meta property="og:title" content="Rich head"></head><body>'
                          + b"<p>filler</p>" * 200_000 + b"</body></html>"),
        "/bare-head": raw(b"<html><head><title>Bare</title></head><body>" + b"<p>filler</p>" * 200_000
                          + b'<p class="byline">By Late Author</p></body></html>'),
        **chain,
    }


@pytest.fixture(scope="module")
def server():
    with ScriptedServer(_routes(), lifetime=90) as running:
        yield running


def test_fetches_html_with_project_user_agent(server):
    result = fetch_page(server.url("/blog"), TIGHT)
    assert result.ok and result.status == 200
    assert b"Why Layer Norm Works" in result.body
    assert USER_AGENT in server.user_agents


@pytest.mark.parametrize(
    ("path", "title", "kind"),
    [("/arxiv", "Sparse Mixtures of Tiny Experts", "paper"), ("/youtube", "Backprop from scratch, live", "video"),
     ("/blog", "Why Layer Norm Works", "article"), ("/paper.pdf", "Scaling Laws for Tiny Models (draft)", "pdf")],
)
def test_lookup_extracts_metadata(server, path, title, kind):
    found = lookup(server.url(path), TIGHT)
    assert found.error is None
    assert (found.metadata.title, found.metadata.kind) == (title, kind)


def test_non_html_gets_metadata_from_headers_and_url(server):
    found = lookup(server.url("/image.png"), TIGHT)
    assert found.error is None
    assert found.metadata.kind == "image"
    assert found.metadata.title == "Image.png (127.0.0.1)"


def test_redirects_are_followed_and_final_url_kept(server):
    result = fetch_page(server.url("/moved"), TIGHT)
    assert result.ok and result.final_url == server.url("/blog")
    assert result.redirects == [server.url("/blog")]


def test_redirect_loop_is_detected(server):
    started = time.monotonic()
    result = fetch_page(server.url("/loop-a"), TIGHT)
    assert "redirect loop" in result.error
    assert time.monotonic() - started < 2


def test_more_than_ten_redirects_is_refused(server):
    result = fetch_page(server.url("/hop0"), TIGHT)
    assert result.error == "too many redirects (more than 10)"


def test_redirect_to_non_http_scheme_is_refused(server):
    result = fetch_page(server.url("/to-ftp"), TIGHT)
    assert "only http and https" in result.error


def test_endless_body_is_cut_at_the_html_cap(server):
    started = time.monotonic()
    result = fetch_page(server.url("/endless"), TIGHT)
    assert result.ok and result.truncated
    assert len(result.body) <= TIGHT.max_html_bytes
    assert time.monotonic() - started < 3
    assert lookup(server.url("/endless"), TIGHT).metadata.title == "Endless"


def test_reading_stops_after_head_and_first_screen_when_the_head_is_rich(server):
    result = fetch_page(server.url("/long-body"), HttpPolicy(retries=0))
    assert result.ok and result.truncated
    assert len(result.body) < 512 * 1024  # of a 2.6 MB page
    bare = fetch_page(server.url("/bare-head"), HttpPolicy(retries=0))
    assert bare.body.endswith(b"</html>") and not bare.truncated  # a bare head: the whole page (under the cap)


def test_gzip_bomb_is_decoded_only_up_to_the_cap(server):
    tracemalloc.start()
    try:
        result = fetch_page(server.url("/bomb"), TIGHT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.ok and result.truncated
    assert len(result.body) <= TIGHT.max_html_bytes
    assert peak < 16 * 1024 * 1024  # 200 MB inflated would be far above this


def test_slow_response_gives_up_at_the_timeout(server):
    started = time.monotonic()
    found = lookup(server.url("/slow"), TIGHT)
    elapsed = time.monotonic() - started
    assert elapsed < 5
    assert "timed out" in found.error or "gave up" in found.error
    assert found.metadata.title == "Slow (127.0.0.1)"  # still something to save


def test_stalled_body_hits_the_read_timeout(server):
    started = time.monotonic()
    result = fetch_page(server.url("/stalled"), TIGHT)
    assert time.monotonic() - started < 5
    assert "timed out" in result.error or "gave up" in result.error


def test_total_deadline_caps_a_trickling_response(server):
    policy = HttpPolicy(connect_timeout=1.0, read_timeout=5.0, total_timeout=1.0, retries=0)
    started = time.monotonic()
    result = fetch_page(server.url("/stalled"), policy)
    assert time.monotonic() - started < 3
    assert result.error == "gave up after 1 s (total time limit)"


def test_http_errors_and_dns_failures_are_reasons_not_exceptions(server):
    assert lookup(server.url("/gone"), TIGHT).error == "HTTP 410 Gone"
    missing = lookup("http://no-such-host.invalid/page", TIGHT)
    assert "host not found" in missing.error or "could not connect" in missing.error
    assert missing.metadata.title == "Page (no-such-host.invalid)"


@pytest.mark.parametrize(("path", "title"), [("/wrong-charset", "Café crème"), ("/no-charset", "Naïve Bayes")])
def test_wrong_or_missing_charset(server, path, title):
    assert lookup(server.url(path), TIGHT).metadata.title == title


def test_only_http_and_https_are_fetched():
    assert "only http and https" in fetch_page("file:///etc/passwd", TIGHT).error


def test_lookup_many_is_polite_per_host():
    with ScriptedServer({"*": page("blog_post.html")}, latency=0.05, lifetime=30) as busy:
        policy = HttpPolicy(per_host_concurrency=3, global_concurrency=20, retries=0)
        urls = [busy.url(f"/p{i}") for i in range(24)]
        done = []
        results = lookup_many(urls, policy, on_done=done.append)
    assert [r.url for r in results] == urls
    assert len(done) == 24 and all(r.error is None for r in results)
    assert busy.max_in_flight <= 3


def test_meta_command_on_a_live_url(server):
    result = CliRunner().invoke(cli, ["meta", server.url("/github"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "tinyorg/microgpt: A GPT in 300 lines of numpy, for learning."  # not github.com
    assert data["error"] is None


def test_a_host_that_does_not_exist_is_asked_once(monkeypatch):
    """DNS "no such host" is an answer, not a hiccup: no retry, no backoff (``tracker add`` stays quick)."""
    from tests.metadata_support import NetworkStub

    net = NetworkStub().install(monkeypatch)
    started = time.monotonic()
    found = lookup("https://no-such-host.example/post", HttpPolicy(retries=2))
    assert found.error == "host not found (DNS lookup failed)" and found.failure == "dns"
    assert net.lookups == ["no-such-host.example"] and time.monotonic() - started < 1.0


def test_a_hanging_dns_lookup_ends_at_the_time_limit(monkeypatch):
    """The lookup runs in a daemon thread: the time limit ends the command even while the C library waits."""
    import socket

    def hang(*args, **kwargs):
        time.sleep(4)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    started = time.monotonic()
    found = lookup("https://slow-dns.example/post", HttpPolicy(connect_timeout=0.5, total_timeout=1.0, retries=0))
    assert time.monotonic() - started < 2.0
    assert found.failure == "timeout" and found.error
