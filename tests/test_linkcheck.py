"""The link checker against a real scripted server on 127.0.0.1: verdicts, retries, pacing, limits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.linkcheck_support import Gauge, LinkServer, closed_port
from tracker.web.http.backoff import backoff_delay, parse_retry_after
from tracker.web.links.linkcheck import CheckOptions, LinkResult, Verdict, check_links, host_key
from tracker.web.links.linksource import urls_in_text

FAST = CheckOptions(timeout=1.5, backoff_base=0.02, per_host=4, rate_limit_retries=2)


@pytest.fixture(scope="module")
def limited():
    """A second host for the 429 kinds: a host that rate-limits is paced, which would slow the others."""
    srv = LinkServer(lifetime=120).start()
    yield srv
    srv.stop()


def run(urls: list[str], options: CheckOptions = FAST) -> dict[str, LinkResult]:
    results: dict[str, LinkResult] = {}
    assert check_links(urls, options, lambda r: results.__setitem__(r.url, r), handle_sigint=False)
    assert set(results) == set(urls)
    return results


def test_every_kind_of_link_gets_its_verdict(link_server, limited):
    expected = {
        "/ok/1": Verdict.OK,
        "/perm/1": Verdict.REDIRECTED,
        "/perm308/1": Verdict.REDIRECTED,
        "/temp/1": Verdict.OK,
        "/chain/1": Verdict.REDIRECTED,
        "/gone404/1": Verdict.DEAD,
        "/gone410/1": Verdict.DEAD,
        "/err500/1": Verdict.ERROR,
        "/flaky503/1": Verdict.OK,
        "/nohead/1": Verdict.OK,
        "/retry429/1": Verdict.OK,
        "/always429/1": Verdict.BLOCKED,
        "/long429/1": Verdict.BLOCKED,
        "/bot999/1": Verdict.BLOCKED,
        "/challenge/1": Verdict.BLOCKED,
        "/forbidden/1": Verdict.BLOCKED,
        "/loop/1": Verdict.ERROR,
        "/loopa/1": Verdict.ERROR,
        "/mailto/1": Verdict.ERROR,
        "/endless/1": Verdict.OK,
        "/hang/1": Verdict.TIMEOUT,
    }

    def on(path: str) -> LinkServer:
        return limited if "429" in path else link_server

    urls = [on(path).url(path) for path in expected]
    refused = f"http://127.0.0.1:{closed_port()}/page"
    nxdomain = "http://no-such-host.invalid/page"
    results = run([*urls, refused, nxdomain])
    got = {path: results[on(path).url(path)].verdict for path in expected}
    assert got == expected
    assert results[refused].verdict == Verdict.DEAD and "refused" in results[refused].detail
    assert results[nxdomain].verdict == Verdict.DEAD and "DNS" in results[nxdomain].detail

    assert results[link_server.url("/perm/1")].final_url == link_server.url("/ok/moved")
    assert results[link_server.url("/perm308/1")].final_url == link_server.url("/ok/moved308")
    # 301 then 302: the address to store is where the permanent part ends, not the temporary target
    assert results[link_server.url("/chain/1")].final_url == link_server.url("/chain2/x")
    assert results[link_server.url("/temp/1")].final_url is None
    assert results[link_server.url("/err500/1")].transient and results[link_server.url("/err500/1")].status_code == 500
    assert results[link_server.url("/hang/1")].transient
    assert not results[link_server.url("/gone404/1")].transient
    assert "loop" in results[link_server.url("/loopa/1")].detail
    assert "only http and https" in results[link_server.url("/mailto/1")].detail
    assert "3600" in results[limited.url("/long429/1")].detail
    # retries are bounded: 1 + `retries` GETs for a persistent 500
    assert link_server.count("/err500/1") == 1 + FAST.retries
    # the flaky page was asked twice, the 429 page waited and asked again
    assert link_server.count("/flaky503/1") == 2 and limited.count("/retry429/1") == 2


def test_get_by_default_so_a_head_that_lies_cannot_hide_a_dead_page():
    srv = LinkServer(lifetime=60).start()
    try:
        kinds = {"headok404": Verdict.DEAD, "headlies": Verdict.OK, "nohead": Verdict.OK, "ok": Verdict.OK}
        results = run([srv.url(f"/{kind}/g") for kind in kinds], CheckOptions(timeout=5))
        assert {u.split("/")[3]: r.verdict for u, r in results.items()} == kinds
        assert not any(n for key, n in srv.hits.items() if key.startswith("HEAD"))  # GET only, no HEAD
        assert sum(srv.hits.values()) == len(kinds)
    finally:
        srv.stop()


def test_head_first_confirms_every_gone_page_with_get():
    srv = LinkServer(lifetime=60).start()
    try:
        # Real 404s first, one at a time: they must not teach the checker to believe this host's HEAD 404s.
        gone = [srv.url(f"/gone404/h{i}") for i in range(5)]
        lying = [srv.url(f"/headlies/h{i}") for i in range(3)]
        results = run([*gone, *lying], CheckOptions(timeout=5, per_host=1, head_first=True))
        assert {u: r.verdict for u, r in results.items()} == {
            **{u: Verdict.DEAD for u in gone},
            **{u: Verdict.OK for u in lying},
        }
        assert all(srv.hits[f"GET /gone404/h{i}"] == 1 for i in range(5))  # every "dead" was confirmed by GET
    finally:
        srv.stop()


def test_head_first_switches_a_host_that_refuses_head_to_get():
    srv = LinkServer(lifetime=60).start()
    try:
        urls = [srv.url("/nohead/a"), srv.url("/nohead/b"), srv.url("/ok/after1"), srv.url("/ok/after2")]
        results = run(urls, CheckOptions(timeout=5, per_host=1, head_first=True))
        assert {r.verdict for r in results.values()} == {Verdict.OK}
        assert srv.hits["HEAD /ok/after1"] == 0 and srv.hits["GET /ok/after1"] == 1
        assert srv.hits["HEAD /nohead/b"] == 1  # two refusals are needed before the switch
    finally:
        srv.stop()


def test_failures_that_clear_within_the_retries_are_ok(link_server):
    urls = {kind: link_server.url(f"/{kind}/t") for kind in ("twice503", "drop", "dropalways")}
    results = run(list(urls.values()))
    assert results[urls["twice503"]].verdict == Verdict.OK and link_server.count("/twice503/t") == 3
    assert results[urls["drop"]].verdict == Verdict.OK and link_server.count("/drop/t") == 2
    # a host that always drops the connection is failing, not dead: history decides after several runs
    dropped = results[urls["dropalways"]]
    assert dropped.verdict == Verdict.ERROR and dropped.transient
    assert link_server.count("/dropalways/t") == 1 + FAST.retries


def test_per_host_limit_holds_and_hosts_are_keyed_by_port():
    first, other = LinkServer(lifetime=60).start(), LinkServer(lifetime=60).start()
    try:
        urls = [s.url(f"/slowish/{i}") for i in range(24) for s in (first, other)]
        results = run(urls, CheckOptions(timeout=5, per_host=3, concurrency=64))
        assert {r.verdict for r in results.values()} == {Verdict.OK}
        assert first.max_inflight <= 3 and other.max_inflight <= 3
        assert first.max_inflight == 3 and other.max_inflight == 3  # the limit is used, not just respected
    finally:
        first.stop()
        other.stop()
    assert host_key("http://a.example:8080/x") != host_key("http://a.example:8081/x")
    assert host_key("https://A.example/x") == host_key("https://a.example:443/y")


@pytest.mark.parametrize("rl_date", [False, True], ids=["retry-after-seconds", "retry-after-date"])
def test_rate_limited_host_is_paced_not_hammered(rl_date):
    srv = LinkServer(lifetime=60, rl_rate=5, rl_date=rl_date).start()
    try:
        urls = [srv.url(f"/rl/{i}") for i in range(16)]
        results = run(urls, CheckOptions(timeout=5, per_host=4, backoff_base=0.02))
        assert {r.verdict for r in results.values()} == {Verdict.OK}
        refusals = srv.statuses.count(429)
        # one burst is refused before the host's pace is learnt; after that nearly nothing
        assert refusals <= 8, srv.statuses  # without pacing: 18 here
        assert len(srv.statuses) <= len(urls) + refusals
    finally:
        srv.stop()


def test_a_429_pauses_the_host_for_one_window_then_paces_it():
    from tracker.web.http.hostgate import RATE_MARGIN, RATE_WINDOW, HostGate

    gate = HostGate(limit=4)
    for start in (0.0, 0.1, 0.2, 0.3, 0.4):  # five admitted in the window before the refusal
        gate.started(start)
        gate.inflight -= 1
        gate.admitted_at(start)
    gate.rate_limited(start=0.5, now=0.55, retry_after=5.0)
    # the host waits one counting window, not the refused request's 5 s: other links need not stall
    assert gate.next_start == pytest.approx(0.55 + RATE_WINDOW)
    assert not gate.can_start(1.5) and gate.can_start(1.56)
    gate.started(1.56)
    assert gate.interval == pytest.approx(RATE_WINDOW / (5 * RATE_MARGIN))  # just under 5 per second
    gate.rate_limited(start=1.56, now=1.6, retry_after=5.0)  # a lone refusal while paced: a little slower
    assert gate.interval == pytest.approx(1.1 * RATE_WINDOW / (5 * RATE_MARGIN))
    gate.rate_limited(start=1.7, now=1.75, retry_after=5.0)  # refused again: the Retry-After pause
    assert gate.next_start >= 1.75 + 5.0


def test_global_limit_holds_over_many_hosts():
    gauge = Gauge()
    servers = [LinkServer(lifetime=60, gauge=gauge).start() for _ in range(4)]
    try:
        urls = [s.url(f"/slowish/{i}") for i in range(15) for s in servers]
        results = run(urls, CheckOptions(timeout=5, per_host=4, concurrency=6))
        assert {r.verdict for r in results.values()} == {Verdict.OK}
        assert gauge.peak == 6  # the global limit is reached and never passed
        assert all(s.max_inflight <= 4 for s in servers)
    finally:
        for s in servers:
            s.stop()


def test_retry_after_and_backoff_rules():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait
    delays = [backoff_delay(n, base=1.0, cap=4.0) for n in (1, 2, 3, 4, 5)]
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0 and all(2.0 <= d <= 4.0 for d in delays[2:])


def test_urls_are_found_in_markdown_and_html():
    text = (
        "- [a](https://a.example/x) and <https://b.example/y>.\n"
        '<a href="https://c.example/z?q=1&amp;r=2">c</a> https://en.wikipedia.org/wiki/Foo_(bar) '
        "[again](https://a.example/x)"
    )
    assert urls_in_text(text) == [
        "https://a.example/x",
        "https://b.example/y",
        "https://c.example/z?q=1&r=2",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
    ]


def test_history_rules_without_a_server():
    from tracker.web.links.linkhistory import apply_results, dump_history, reusable

    url = "https://example.invalid/page"
    history: dict = {}
    flaky = LinkResult(url, Verdict.ERROR, 503, "HTTP 503 on 3 attempts", transient=True)
    shown, changes = apply_results(history, [flaky], "2026-01-01T00:00:00Z")
    assert shown[0].verdict == Verdict.ERROR and "failing run 1 of 3" in shown[0].detail
    assert [(c.before, c.after) for c in changes] == [(None, "error")]
    first = dump_history(history)
    shown, changes = apply_results(history, [flaky], "2026-01-02T00:00:00Z", dead_after=2, dead_after_days=1)
    assert shown[0].verdict == Verdict.DEAD and [(c.before, c.after) for c in changes] == [("error", "dead")]
    assert history[url].first_failed == "2026-01-01T00:00:00Z"  # the streak's start is kept
    assert dump_history(history) != first
    settled = dump_history(history)
    apply_results(history, [flaky], "2026-01-03T00:00:00Z", dead_after=2, dead_after_days=1)
    assert dump_history(history) == settled  # dead and still failing: nothing new to write

    fine = LinkResult(url, Verdict.OK, 200, "HTTP 200")
    apply_results(history, [fine], "2026-01-04T00:00:00Z")
    assert history[url].failed_runs == 0 and history[url].since == "2026-01-04T00:00:00Z"
    later = dump_history(history)
    apply_results(history, [fine], "2026-01-05T00:00:00Z")
    assert dump_history(history) == later  # an unchanged verdict writes the same bytes
    assert dump_history(history).endswith("\n") and '"version": 1' in later

    import datetime as dt

    day = dt.timedelta(days=1)
    assert reusable(history[url], "2026-01-05T00:00:00Z", day, "2026-01-05T12:00:00Z")
    assert not reusable(history[url], "2026-01-03T00:00:00Z", day, "2026-01-05T12:00:00Z")
    apply_results(history, [flaky], "2026-01-06T00:00:00Z")
    assert not reusable(history[url], "2026-01-06T00:00:00Z", day, "2026-01-06T00:00:01Z")  # failures never


def test_tls_failures_and_malformed_urls_are_errors(link_server):
    tls = f"https://127.0.0.1:{link_server.port}/ok/tls"  # a plain-HTTP link_server cannot do a TLS handshake
    results = run([tls, "http://127.0.0.1:99999/x", "http://[::1/x"])
    assert results[tls].verdict == Verdict.ERROR and results[tls].detail.startswith("TLS")
    assert results["http://127.0.0.1:99999/x"].verdict == Verdict.ERROR
    assert results["http://[::1/x"].verdict == Verdict.ERROR


def test_an_unreachable_proxy_is_an_error_not_a_dead_link(link_server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    page = link_server.url("/ok/via-proxy")
    result = run([page])[page]
    assert result.verdict == Verdict.ERROR and result.detail.startswith("proxy") and result.transient
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert run([page])[page].verdict == Verdict.OK


def test_a_run_is_offline_only_when_no_host_on_the_internet_answered(link_server, monkeypatch):
    from tests.metadata_support import NetworkStub
    from tracker.web.http import netguard
    from tracker.web.links.linkcheck import as_inconclusive, no_host_answered

    NetworkStub({"refusing.example": ["127.0.0.1"], "site.example": ["127.0.0.1"]}).install(monkeypatch)
    refused = f"http://refusing.example:{closed_port()}/page"  # a host on "the internet" that refuses
    nxdomain = "http://no-such-host.example/page"
    on_this_machine = f"http://127.0.0.1:{closed_port()}/page"
    gone = f"http://site.example:{link_server.port}/gone404/witness"
    alone = run([refused, nxdomain, on_this_machine])
    assert no_host_answered(alone.values())  # nothing on the internet answered
    shown = {r.url: r for r in as_inconclusive(list(alone.values()))}
    assert shown[nxdomain].verdict == Verdict.ERROR and shown[nxdomain].inconclusive
    assert shown[refused].detail.startswith("no network: no host answered in this run (connection refused")
    # A port refused on this machine is refused, online or not: that needs no witness.
    assert shown[on_this_machine].verdict == Verdict.DEAD and not shown[on_this_machine].inconclusive
    local_only = run([refused, nxdomain, gone])  # a server on this machine answering proves no network
    assert no_host_answered(local_only.values()) and not local_only[gone].answered
    monkeypatch.setattr(netguard, "is_internet_address", lambda address: True)  # now it stands for the internet
    with_witness = run([refused, nxdomain, gone])  # a 404 is an answer: the network works
    assert not no_host_answered(with_witness.values())
    assert with_witness[nxdomain].verdict == Verdict.DEAD and with_witness[gone].answered
    assert with_witness[refused].verdict == Verdict.DEAD


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(["verdict", "since", "status_code", "detail", "failed_runs", "new_field"]),
                       st.none() | st.integers() | st.text(max_size=10), max_size=6))
def test_a_hand_edited_or_newer_history_loads_or_says_why(tmp_path_factory, fields):
    """Whatever another machine or a person wrote into a link's entry: it loads, or one DataError names the file."""
    import json

    from tracker.errors import DataError
    from tracker.web.links.linkhistory import load_history

    path = tmp_path_factory.mktemp("h") / ".tracker-links.json"
    path.write_text(json.dumps({"version": 1, "links": {"https://a.example/": fields}}))
    try:
        history = load_history(path)
    except DataError as exc:
        assert str(path) in str(exc) or exc.args
        return
    assert set(history) == {"https://a.example/"}


def test_transient_failures_minutes_apart_are_not_dead_days_apart_they_are():
    from tracker.web.links.linkhistory import apply_results

    url = "https://example.invalid/flaky"
    failing = LinkResult(url, Verdict.ERROR, 500, "HTTP 500 on 4 attempts", transient=True)
    history: dict = {}
    for minute in ("00", "01", "02", "03"):
        shown, _ = apply_results(history, [failing], f"2026-01-01T00:{minute}:00Z")
        assert shown[0].verdict == Verdict.ERROR
    assert "called dead once the failures span 2 days" in shown[0].detail
    shown, changes = apply_results(history, [failing], "2026-01-03T00:00:00Z")
    assert shown[0].verdict == Verdict.DEAD and [(c.before, c.after) for c in changes] == [("error", "dead")]
    assert history[url].detail == "HTTP 500 on 4 attempts" and history[url].first_failed == "2026-01-01T00:00:00Z"
