"""Concurrent dead-link checking with one verdict per URL.

Why it is built this way:
- A single dispatcher decides what starts when; every attempt (first try, redirect hop, retry) is a short task
  that goes through the same per-host gate (in-flight limit, pacing), so no host ever sees more than
  ``per_host`` requests at once and a rate-limited host is paced instead of hammered. Hosts take turns for the
  global slots (round robin), so no host waits behind the others. At most ``concurrency`` tasks exist at any
  time, each holding at most one response, so memory stays flat for any number of links.
- GET by default, as a browser asks: a HEAD answer is often wrong (405, or 200 for a page that GET finds gone),
  and a GET costs the same round trip; the body is streamed and read only up to ``body_cap``. With
  ``head_first`` (to save bandwidth) HEAD is tried first and GET is used where HEAD is refused (405/501/4xx),
  to confirm every HEAD "404/410" before calling a link dead, and for every retry after a 5xx. A host that
  refused HEAD twice, or said "gone" to a HEAD for a page GET found, is then asked with GET.
- Redirects are followed by hand: each hop is checked (scheme, loops, limit) and goes through its host's gate.
- Transient failures (5xx, resets, dropped connections, connect timeouts, 429) are retried with backoff and
  jitter (Retry-After honoured within a cap). A read timeout is not retried in the same run, since that would
  cost another full timeout: like everything still failing at the end of a run it is reported as transient
  (``timeout`` or ``error``). Calling such a link ``dead`` needs failures on several separate runs: that is the
  history's job (``tracker.web.links.linkhistory``), not this module's.
- A DNS failure or a refused connection is ``dead`` at once only in a run where some host on the internet
  answered: when none did, this machine is offline (or its DNS is broken) and those failures say nothing about
  the links (``no_host_answered``, ``as_inconclusive``). A server on this machine or the LAN answering proves
  nothing about the internet, so only answers from public addresses count.
- No request reaches a private or metadata address unless the user's URL named that host
  (``tracker.web.http.netguard``); a redirect there ends as an ``error`` that says so, before any connection.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

import httpx

from tracker.web.http import netguard
from tracker.web.http.backoff import backoff_delay, parse_retry_after
from tracker.web.http.hostgate import HostGate, host_key
from tracker.web.http.hostpools import HostPools
from tracker.web.http.netguard import ALLOW_SETTING, PRIVATE_OK, AddressRefused
from tracker.web.http.policy import (
    DEFAULT_POLICY,
    HttpPolicy,
    build_async_transport,
    hop_problem,
    request_headers,
)


class Verdict(StrEnum):
    """What a user should do about a link."""

    OK = "ok"
    REDIRECTED = "redirected"  # permanently moved: update the URL
    DEAD = "dead"  # gone: 404, 410, DNS name gone, connection refused
    BLOCKED = "blocked"  # a bot wall, login or rate limit: a person should look, it is not dead
    TIMEOUT = "timeout"
    ERROR = "error"  # TLS, redirect loops, other failures
    CHANGED = "changed"  # a 200 that is now a soft 404 / parked / login page, or unlike its snapshot (tracker.archive)


FAILING_VERDICTS = frozenset({Verdict.DEAD, Verdict.TIMEOUT, Verdict.ERROR})
PERMANENT_REDIRECTS = frozenset({301, 308})


@dataclass(frozen=True)
class LinkResult:
    """The outcome of checking one URL in one run."""

    url: str
    verdict: Verdict
    status_code: int | None
    detail: str
    final_url: str | None = None  # where a permanent redirect leads
    transient: bool = False  # a failure that may clear (5xx, timeout, reset): history decides if it is dead
    requests: int = 0
    answered: bool = False  # an HTTP answer from a public address came back (on any hop, of any status)
    unreachable: bool = False  # failed without reaching a server: DNS, refused, connect timeout or reset
    inconclusive: bool = False  # judged in a run where no host answered: says nothing about the link
    local: bool = False  # the failing host is this machine or a private address: no witness needed


@dataclass(frozen=True)
class CheckOptions:
    """Limits of one check run; the defaults are polite to every host."""

    timeout: float = 10.0  # seconds per request (connect, and then each read)
    concurrency: int = DEFAULT_POLICY.global_concurrency
    per_host: int = DEFAULT_POLICY.per_host_concurrency
    retries: int = 3  # extra attempts after a 5xx, a reset or a dropped connection (503, 503, 503, 200 is ok)
    timeout_retries: int = 1  # extra attempts after a connect timeout (lost packets, a busy listener)
    rate_limit_retries: int = 4  # extra attempts after a 429 before calling the link blocked
    max_retry_after: float = DEFAULT_POLICY.max_retry_after
    max_redirects: int = DEFAULT_POLICY.max_redirects
    backoff_base: float = 0.25
    body_cap: int = 16 * 1024  # bytes of a GET body read at most (enough to spot a challenge page)
    lookahead: int = 5000  # links queued ahead of the workers at most
    head_first: bool = False  # HEAD before GET: saves bandwidth, but believes a HEAD 200

    def http_policy(self) -> HttpPolicy:
        return replace(
            DEFAULT_POLICY,
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
            total_timeout=self.timeout,
            global_concurrency=self.concurrency,
            per_host_concurrency=self.per_host,
            max_redirects=self.max_redirects,
            retries=self.retries,
            max_retry_after=self.max_retry_after,
        )


# ------------------------------------------------------------------------------------------------ jobs


@dataclass
class _Job:
    """One URL on its way to a verdict; it may need several attempts."""

    url: str  # the link as given
    current: str  # the hop being requested
    method: str = "GET"
    hops: list[tuple[int, str]] = field(default_factory=list)
    failures: int = 0  # 5xx and resets at this URL
    timeouts: int = 0
    limited: int = 0  # 429s
    refused: int = 0
    requests: int = 0
    confirming: bool = False  # a GET sent because HEAD said the page is gone
    last_status: int | None = None
    answered: bool = False


@dataclass
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    from_internet: bool = True  # came from a public address (unknown counts as public)


class _Failure(Exception):
    """A request that produced no HTTP answer, classified."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # timeout | refused | dns-gone | tls | transient | error
        self.detail = detail


def _classify_error(exc: BaseException, timeout: float) -> _Failure:
    if isinstance(exc, AddressRefused):
        return _Failure("private", f"private address refused: {exc.host} ({exc.address}); see {ALLOW_SETTING}")
    if isinstance(exc, httpx.ProxyError):
        return _Failure("transient", f"proxy: {exc}"[:200])
    if isinstance(exc, httpx.ConnectTimeout):
        return _Failure("connect-timeout", f"could not connect within {timeout:g} s")
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return _Failure("timeout", f"no answer within {timeout:g} s")
    chain: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(chain) < 20:  # causes, contexts and exception-group members, breadth first
        item = todo.pop(0)
        chain.append(item)
        todo += [e for e in (item.__cause__, item.__context__) if e is not None]
        if isinstance(item, BaseExceptionGroup):
            todo += list(item.exceptions)
    for item in chain:
        if isinstance(item, socket.gaierror):
            if item.errno in (socket.EAI_AGAIN,):
                return _Failure("transient", "DNS lookup failed temporarily")
            return _Failure("dns-gone", "DNS: no such host")
        if isinstance(item, ConnectionRefusedError):
            return _Failure("refused", "connection refused")
        if isinstance(item, ssl.SSLError | ssl.CertificateError):
            return _Failure("tls", f"TLS: {item}"[:200])
        if isinstance(item, OverflowError):
            return _Failure("error", f"bad URL: {item}"[:200])
    text = str(exc)
    lowered = text.lower()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or "no address" in lowered
    ):
        return _Failure("dns-gone", "DNS: no such host")
    if "connection refused" in lowered or "errno 111" in lowered:
        return _Failure("refused", "connection refused")
    if "ssl" in lowered or "certificate" in lowered:
        return _Failure("tls", f"TLS: {text}"[:200])
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return _Failure("error", f"bad URL: {text}"[:200])
    if isinstance(exc, httpx.TransportError):
        name = type(exc).__name__
        return _Failure("transient", f"connection failed ({name}{': ' + text if text else ''})"[:200])
    return _Failure("error", f"{type(exc).__name__}: {text}"[:200])


def _host_of(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _is_challenge(answer: _Answer) -> bool:
    """Bot walls that answer 403/429/503 with a JavaScript or captcha challenge instead of the page."""
    if answer.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if answer.status in (403, 429, 503) and answer.body:
        sample = answer.body[:4096].lower()
        markers = (b"challenge-platform", b"cf-chl", b"just a moment...", b"captcha", b"are you a robot")
        return any(marker in sample for marker in markers)
    return False


# ------------------------------------------------------------------------------------------------ checker


class LinkChecker:
    """Checks URLs concurrently and reports each verdict through ``on_result`` as soon as it is known."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        options: CheckOptions,
        on_result: Callable[[LinkResult], None],
        stop: asyncio.Event | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.transport = transport
        self.options = options
        policy = options.http_policy()
        self.headers = request_headers(policy)
        self.timeouts = policy.timeout().as_dict()
        self.on_result = on_result
        self.stop = stop or asyncio.Event()
        self.rng = rng or random.Random()
        self.hosts: dict[tuple[str, int], HostGate] = {}
        self.ready_hosts: dict[tuple[str, int], None] = {}  # insertion-ordered set
        self.delayed: list[tuple[float, int, _Job]] = []
        self.seq = itertools.count()
        self.tasks: set[asyncio.Task[None]] = set()
        self.queued = 0
        self.wake = asyncio.Event()

    # -- scheduling --------------------------------------------------------------------------------

    def _host(self, url: str) -> tuple[tuple[str, int], HostGate]:
        key = host_key(url)
        host = self.hosts.get(key)
        if host is None:
            host = self.hosts[key] = HostGate(self.options.per_host)
        return key, host

    def _enqueue(self, job: _Job, front: bool = False) -> None:
        key, host = self._host(job.current)
        if front:
            host.ready.appendleft(job)
        else:
            host.ready.append(job)
        self.ready_hosts[key] = None
        self.queued += 1
        self.wake.set()

    def _later(self, job: _Job, delay: float) -> None:
        heapq.heappush(self.delayed, (time.monotonic() + delay, next(self.seq), job))
        self.wake.set()

    def _start(self, job: _Job, host: HostGate, now: float) -> None:
        if job.method == "HEAD" and host.prefers_get:
            job.method = "GET"
        host.started(now)
        task = asyncio.create_task(self._attempt(job, host))
        self.tasks.add(task)
        task.add_done_callback(self._finished_task)

    def _finished_task(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self.wake.set()

    async def _dispatch(self, urls: Iterable[str]) -> bool:
        pending = iter(urls)
        exhausted = False
        limit = self.options.concurrency
        while not self.stop.is_set():
            self.wake.clear()
            now = time.monotonic()
            while self.delayed and self.delayed[0][0] <= now:
                _, _, job = heapq.heappop(self.delayed)
                self._enqueue(job, front=True)
            next_wake: float | None = self.delayed[0][0] - now if self.delayed else None
            started = True
            while started and len(self.tasks) < limit:
                # One start per host per pass, and a host that got one goes to the back: hosts take turns
                # for the global slots, so a host late in the list is not starved by the early ones.
                started = False
                for key in list(self.ready_hosts):
                    if len(self.tasks) >= limit:
                        break
                    host = self.hosts[key]
                    if host.ready and host.can_start(now):
                        self.queued -= 1
                        self._start(host.ready.popleft(), host, now)
                        started = True
                        del self.ready_hosts[key]
                        if host.ready:
                            self.ready_hosts[key] = None
                    elif not host.ready:
                        del self.ready_hosts[key]
            for key in self.ready_hosts:
                host = self.hosts[key]
                if host.inflight < host.limit and host.next_start > now:
                    wait = host.next_start - now
                    next_wake = wait if next_wake is None else min(next_wake, wait)
            while not exhausted and len(self.tasks) < limit and self.queued < self.options.lookahead:
                url = next(pending, None)
                if url is None:
                    exhausted = True
                    break
                job = _Job(url=url, current=url, method="HEAD" if self.options.head_first else "GET")
                key, host = self._host(url)
                if not host.ready and host.can_start(now):
                    self._start(job, host, now)
                else:
                    self._enqueue(job)
            if exhausted and not self.tasks and not self.queued and not self.delayed:
                return True
            try:
                async with asyncio.timeout(next_wake):
                    await self.wake.wait()
            except TimeoutError:
                pass
        return False

    async def run(self, urls: Iterable[str]) -> bool:
        """Check every URL; return False when stopped early (``stop`` was set): in-flight requests are dropped."""

        async def relay_stop() -> None:
            await self.stop.wait()
            self.wake.set()

        watcher = asyncio.create_task(relay_stop())
        try:
            return await self._dispatch(urls)
        finally:
            watcher.cancel()
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(watcher, *self.tasks, return_exceptions=True)

    # -- one attempt -------------------------------------------------------------------------------

    async def _request(self, job: _Job) -> _Answer:
        # The host the user's own URL names may be private (their choice); a redirect elsewhere may not.
        extensions = {"timeout": self.timeouts, PRIVATE_OK: netguard.same_host(job.current, job.url)}
        request = httpx.Request(job.method, job.current, headers=self.headers, extensions=extensions)
        response = await self.transport.handle_async_request(request)
        address = netguard.connected_address(response)
        from_internet = address is None or netguard.is_internet_address(address)
        try:
            body = b""
            if job.method == "GET":
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_raw():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size >= self.options.body_cap:
                        break
                body = b"".join(chunks)
            return _Answer(response.status_code, response.headers, body, from_internet)
        finally:
            await response.aclose()

    async def _attempt(self, job: _Job, host: HostGate) -> None:
        start = time.monotonic()
        job.requests += 1
        try:
            # httpx bounds the connect and each read; this bounds the whole attempt (a trickling body).
            async with asyncio.timeout(2 * self.options.timeout):
                answer = await self._request(job)
        except asyncio.CancelledError:
            host.inflight -= 1  # the run was stopped: free the slot
            raise
        except Exception as exc:  # noqa: BLE001 - every failure of one URL becomes its verdict
            # A request given up on frees its slot at once: its connection is closed, so for HTTP it is over.
            # Keeping the slot longer "in case the server still works on it" made every slow page cost its
            # host twice the timeout and let a host with several slow pages become the whole run's tail.
            host.inflight -= 1
            self._after_failure(job, _classify_error(exc, self.options.timeout))
            return
        host.inflight -= 1
        # Only an answer from the internet shows the network is up: a server on this machine or the LAN
        # answers just as well offline.
        job.answered = job.answered or answer.from_internet
        if answer.status != 429:
            host.admitted_at(start)
        try:
            self._after_answer(job, host, answer, start)
        except Exception as exc:  # noqa: BLE001 - one odd answer must not stop the run
            self._finish(job, Verdict.ERROR, answer.status, f"{type(exc).__name__}: {exc}"[:200])

    # -- deciding ----------------------------------------------------------------------------------

    def _finish(
        self,
        job: _Job,
        verdict: Verdict,
        status: int | None,
        detail: str,
        transient: bool = False,
        unreachable: bool = False,
    ) -> None:
        final_url = None
        if job.hops and job.hops[0][0] in PERMANENT_REDIRECTS and verdict in (Verdict.OK, Verdict.REDIRECTED):
            # The URL to store is where the leading run of permanent redirects ends; a temporary hop after
            # it is the site's business, not a reason to change the link.
            for hop_status, target in job.hops:
                if hop_status not in PERMANENT_REDIRECTS:
                    break
                final_url = target
            verdict = Verdict.REDIRECTED
            detail = f"moved permanently to {final_url}"
        self.on_result(
            LinkResult(
                job.url,
                verdict,
                status,
                detail,
                final_url=final_url,
                transient=transient,
                requests=job.requests,
                answered=job.answered,
                unreachable=unreachable,
                local=unreachable and netguard.is_local_host(_host_of(job.current)),
            )
        )

    def _retry(self, job: _Job, delay: float) -> None:
        self._later(job, delay)

    def _after_failure(self, job: _Job, failure: _Failure) -> None:
        opts = self.options
        if failure.kind == "timeout":
            # The server took the request and sat on it for a whole timeout: asking again now would most
            # likely cost another one. Slow pages are retried on the next run instead (see linkhistory).
            self._finish(job, Verdict.TIMEOUT, None, failure.detail, transient=True)
        elif failure.kind == "connect-timeout":
            if job.timeouts < opts.timeout_retries:
                job.timeouts += 1
                self._retry(job, backoff_delay(job.timeouts, opts.backoff_base, rng=self.rng))
                return
            self._finish(job, Verdict.TIMEOUT, None, failure.detail, transient=True, unreachable=True)
        elif failure.kind == "refused":
            # Refusals cost nothing to retry once; a server restarting should not be called dead.
            if job.refused < 1:
                job.refused += 1
                self._retry(job, backoff_delay(1, opts.backoff_base, rng=self.rng))
                return
            self._finish(job, Verdict.DEAD, None, failure.detail, unreachable=True)
        elif failure.kind == "private":
            detail = f"redirect to a {failure.detail}" if job.hops else failure.detail
            self._finish(job, Verdict.ERROR, job.last_status, detail)
        elif failure.kind == "dns-gone":
            self._finish(job, Verdict.DEAD, None, failure.detail, unreachable=True)
        elif failure.kind == "transient":
            if job.failures < opts.retries:
                job.failures += 1
                self._retry(job, backoff_delay(job.failures, opts.backoff_base, rng=self.rng))
                return
            self._finish(job, Verdict.ERROR, None, failure.detail, transient=True, unreachable=True)
        else:
            self._finish(job, Verdict.ERROR, None, failure.detail)

    def _after_answer(self, job: _Job, host: HostGate, answer: _Answer, start: float) -> None:
        opts = self.options
        status = answer.status
        job.last_status = status
        head = job.method == "HEAD"
        if 300 <= status < 400 and status != 304:
            self._follow(job, answer)
            return
        if 200 <= status < 300 or status == 304:
            if job.confirming:
                host.head_lies = True  # HEAD said gone, GET found the page
            self._finish(job, Verdict.OK, status, f"HTTP {status}")
            return
        if status in (404, 410):
            if head:  # "dead" is a strong word: only a GET may say it
                self._switch_to_get(job, confirming=True)
                return
            self._finish(job, Verdict.DEAD, status, f"HTTP {status}")
            return
        if status == 999 or _is_challenge(answer):
            self._finish(job, Verdict.BLOCKED, status, f"HTTP {status}: bot wall or challenge page")
            return
        if status == 429:
            self._rate_limited(job, host, answer, start)
            return
        if head and (status in (405, 501) or 400 <= status < 500):
            if status in (405, 501):
                host.head_refusals += 1
            self._switch_to_get(job)  # HEAD refused or suspicious: ask the way a browser does
            return
        if status in (401, 403, 407, 451):
            self._finish(job, Verdict.BLOCKED, status, f"HTTP {status}: login, bot wall or legal block")
            return
        if status >= 500:
            if job.failures < opts.retries:
                job.failures += 1
                job.method = "GET"  # a broken HEAD handler is a common cause of 5xx
                delay = backoff_delay(job.failures, opts.backoff_base, rng=self.rng)
                retry_after = parse_retry_after(answer.headers.get("retry-after"))
                if retry_after is not None and retry_after <= opts.max_retry_after:
                    delay = max(delay, retry_after)
                self._retry(job, delay)
                return
            self._finish(
                job, Verdict.ERROR, status, f"HTTP {status} on {job.failures + 1} attempts", transient=True
            )
            return
        self._finish(job, Verdict.ERROR, status, f"HTTP {status}")

    def _switch_to_get(self, job: _Job, confirming: bool = False) -> None:
        job.method = "GET"
        job.confirming = confirming
        self._enqueue(job, front=True)

    def _rate_limited(self, job: _Job, host: HostGate, answer: _Answer, start: float) -> None:
        opts = self.options
        retry_after = parse_retry_after(answer.headers.get("retry-after"))
        if retry_after is not None and retry_after > opts.max_retry_after:
            self._finish(
                job,
                Verdict.BLOCKED,
                429,
                f"rate limited: Retry-After {retry_after:g} s is over the {opts.max_retry_after:g} s cap",
            )
            return
        host.rate_limited(start, time.monotonic(), retry_after)
        if job.limited >= opts.rate_limit_retries:
            self._finish(job, Verdict.BLOCKED, 429, f"rate limited (HTTP 429) on all {job.limited + 1} tries")
            return
        job.limited += 1
        wait = retry_after if retry_after is not None else backoff_delay(job.limited, 1.0, rng=self.rng)
        self._retry(job, wait)

    def _follow(self, job: _Job, answer: _Answer) -> None:
        status = answer.status
        location = answer.headers.get("location")
        if not location:
            self._finish(job, Verdict.ERROR, status, f"HTTP {status} without a Location")
            return
        target = urljoin(job.current, location.strip())
        problem = hop_problem(target)
        if problem is not None:
            self._finish(job, Verdict.ERROR, status, f"redirect to {target[:120]} refused: {problem}")
            return
        target = target.split("#", 1)[0]
        visited = {job.url.split("#", 1)[0], *(hop for _, hop in job.hops)}
        if target in visited:
            self._finish(job, Verdict.ERROR, status, f"redirect loop at {target[:120]}")
            return
        if len(job.hops) >= self.options.max_redirects:
            self._finish(job, Verdict.ERROR, status, f"more than {self.options.max_redirects} redirects")
            return
        job.hops.append((status, target))
        job.current = target
        job.failures = job.timeouts = job.limited = job.refused = 0
        job.confirming = False
        self._enqueue(job, front=True)


# ------------------------------------------------------------------------------------------------ entry


async def check_links_async(
    urls: Iterable[str],
    options: CheckOptions,
    on_result: Callable[[LinkResult], None],
    stop: asyncio.Event | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> bool:
    """Check ``urls`` (each once); True when every URL got a verdict, False when ``stop`` ended it early."""
    own_transport = transport is None
    if transport is None:
        per_host = replace(options.http_policy(), global_concurrency=options.per_host)
        transport = HostPools(lambda: build_async_transport(per_host), keep=max(64, options.concurrency))
    http = transport
    try:
        return await LinkChecker(http, options, on_result, stop).run(urls)
    finally:
        if own_transport:
            await http.aclose()


def check_links(
    urls: Iterable[str],
    options: CheckOptions,
    on_result: Callable[[LinkResult], None],
    handle_sigint: bool = True,
) -> bool:
    """Synchronous entry point; with ``handle_sigint`` a Ctrl-C stops the run cleanly (returns False)."""
    import signal

    async def main() -> bool:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # asyncio installs signal handlers only on Unix event loops, and only from the main thread; elsewhere a
        # Ctrl-C interrupts the run as usual (the CLI still saves what it has).
        installed = (
            handle_sigint and sys.platform != "win32" and threading.current_thread() is threading.main_thread()
        )
        if installed:
            loop.add_signal_handler(signal.SIGINT, stop.set)
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        try:
            return await check_links_async(urls, options, on_result, stop)
        finally:
            if installed:
                loop.remove_signal_handler(signal.SIGINT)
                loop.remove_signal_handler(signal.SIGTERM)

    return asyncio.run(main())


NO_NETWORK = "no network: no host answered in this run"


def no_host_answered(results: Iterable[LinkResult]) -> bool:
    """True when the run reached nothing: links failed to resolve or connect and no host sent any HTTP answer.

    A DNS failure or a refused connection proves a link dead only if this machine can reach the network at
    all; on a laptop that is offline, or with DNS broken, every link fails that way. The run itself is the
    witness: one HTTP answer of any status (a 404 will do) from a host on the internet shows the network works,
    so the other hosts' failures are theirs. A server on this machine or the LAN answering is no witness; a link
    to such an address that refuses is judged on its own (refused there is refused, online or not).
    """
    answered = failed_unreached = False
    for result in results:
        answered = answered or result.answered
        failed_unreached = failed_unreached or (result.unreachable and not result.local)
    return failed_unreached and not answered


def as_inconclusive(results: list[LinkResult]) -> list[LinkResult]:
    """The results of a run where no host answered: every failure to reach a host on the internet becomes an
    ``error`` that says so and is marked inconclusive, so the history neither counts it nor records it."""
    return [
        replace(
            result,
            verdict=Verdict.ERROR,
            status_code=None,
            detail=f"{NO_NETWORK} ({result.detail})",
            transient=False,
            inconclusive=True,
        )
        if result.unreachable and not result.local
        else result
        for result in results
    ]
