"""A scripted HTTP server on 127.0.0.1 with one path per kind of link, for the link-checker tests.

Bounded: it binds 127.0.0.1 only, every handler sleeps at most a few seconds, and a timer shuts it down after
``lifetime`` seconds even if a test forgets to.

``tests/conftest.py`` loads this module as a plugin: the ``link_server`` fixture is there for every test file that
needs it, and no proxy from the environment stands between any test and 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Gauge:
    """Requests in flight over several servers together (to see a global limit)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def add(self, delta: int) -> None:
        with self.lock:
            self.now += delta
            self.peak = max(self.peak, self.now)


class LinkServer:
    """Start with ``LinkServer().start()``; ``url(path)`` gives an address; ``stop()`` ends it."""

    def __init__(
        self, lifetime: float = 90.0, rl_rate: int = 5, gauge: Gauge | None = None, rl_date: bool = False
    ) -> None:
        self.gauge = gauge or Gauge()
        self.rl_date = rl_date  # Retry-After as an HTTP date instead of seconds
        self.lifetime = lifetime
        self.rl_rate = rl_rate
        self.lock = threading.Lock()
        self.hits: dict[str, int] = defaultdict(int)  # "METHOD /path" -> count
        self.inflight = 0
        self.max_inflight = 0
        self.statuses: list[int] = []
        self.rl_window: list[float] = []
        self.broken_paths: set[str] = set()  # paths that answer 500 until removed (a flaky host in tests)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    def start(self) -> LinkServer:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(n for key, n in self.hits.items() if key.split(" ", 1)[1] == path)

    # ----------------------------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_HEAD(self) -> None:  # noqa: N802
                self._serve()

            def do_GET(self) -> None:  # noqa: N802
                self._serve()

            def _serve(self) -> None:
                path = self.path.split("?", 1)[0]
                with server.lock:
                    first = (
                        server.hits[f"{self.command} {path}"] == 0
                        and server.hits[f"{'GET' if self.command == 'HEAD' else 'HEAD'} {path}"] == 0
                    )
                    server.hits[f"{self.command} {path}"] += 1
                    server.inflight += 1
                    server.max_inflight = max(server.max_inflight, server.inflight)
                server.gauge.add(1)
                self.counted = True
                try:
                    server._route(self, path, first)
                finally:
                    self._done()

            def _done(self) -> None:
                # A request stops counting as in flight when its answer starts: the client may reuse the
                # connection as soon as it has the answer, before this thread gets to run again.
                with server.lock:
                    if not self.counted:
                        return
                    server.inflight -= 1
                    self.counted = False
                server.gauge.add(-1)

            def reply(
                self, status: int, headers: dict[str, str] | None = None, body: bytes = b"page\n"
            ) -> None:
                with server.lock:
                    server.statuses.append(status)
                self._done()
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        return Handler

    def _route(self, h, path: str, first: bool) -> None:  # noqa: C901 - one branch per kind of link
        kind = path.strip("/").split("/")[0]
        if path in self.broken_paths:
            h.reply(500)
        elif kind == "ok":
            h.reply(200)
        elif kind == "slowish":  # 50 ms, to see concurrency
            time.sleep(0.05)
            h.reply(200)
        elif kind == "delay":  # 200 after 1.5 s
            time.sleep(1.5)
            h.reply(200)
        elif kind == "perm":
            h.reply(301, {"Location": "/ok/moved"})
        elif kind == "perm308":
            h.reply(308, {"Location": self_url(h, "/ok/moved308")})
        elif kind == "temp":
            h.reply(302, {"Location": "/ok/temp-target"})
        elif kind == "chain":  # 301 -> 302 -> ok: the URL to keep is where the permanent part ends
            h.reply(301, {"Location": "/chain2/x"})
        elif kind == "chain2":
            h.reply(302, {"Location": "/ok/after-chain"})
        elif kind == "gone404":
            h.reply(404)
        elif kind == "gone410":
            h.reply(410)
        elif kind == "err500":
            h.reply(500)
        elif kind == "flaky503":
            h.reply(503 if first else 200)
        elif kind == "nohead":
            h.reply(405 if h.command == "HEAD" else 200, {"Allow": "GET"})
        elif kind == "headlies":
            h.reply(404 if h.command == "HEAD" else 200)
        elif kind == "headok404":  # the other lie: HEAD says 200 for a page that is gone
            h.reply(200 if h.command == "HEAD" else 404)
        elif kind == "twice503":  # 503, 503, then fine
            h.reply(503 if self.count(path) <= 2 else 200)
        elif kind == "drop":  # the first connection is dropped without an answer, then fine
            if self.count(path) > 1:
                h.reply(200)
                return
            h._done()
            h.close_connection = True
        elif kind == "dropalways":
            h._done()
            h.close_connection = True
        elif kind == "retry429":  # once 429 with Retry-After, then fine
            h.reply(429 if first else 200, {"Retry-After": "1"})
        elif kind == "always429":
            h.reply(429, {"Retry-After": "0"})
        elif kind == "long429":
            h.reply(429, {"Retry-After": "3600"})
        elif kind == "rl":  # admits rl_rate requests per second, like an API with a quota
            now = time.monotonic()
            with self.lock:
                self.rl_window = [t for t in self.rl_window if now - t < 1.0]
                admitted = len(self.rl_window) < self.rl_rate
                if admitted:
                    self.rl_window.append(now)
            retry_after = formatdate(time.time() + 1, usegmt=True) if self.rl_date else "1"
            h.reply(200 if admitted else 429, {"Retry-After": retry_after})
        elif kind == "bot999":
            h.reply(999)
        elif kind == "challenge":
            h.reply(403, {"cf-mitigated": "challenge"}, b"<title>Just a moment...</title>")
        elif kind == "forbidden":
            h.reply(403)
        elif kind == "loop":
            h.reply(301, {"Location": path})
        elif kind == "loopa":
            h.reply(302, {"Location": "/loopb/x"})
        elif kind == "loopb":
            h.reply(302, {"Location": "/loopa/x"})
        elif kind == "mailto":
            h.reply(302, {"Location": "mailto:someone@example.invalid"})
        elif kind == "endless":  # HEAD refused, GET streams for ever: the checker must not read it all
            if h.command == "HEAD":
                h.reply(405)
                return
            h.send_response(200)
            h.send_header("Content-Type", "application/octet-stream")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"x" * 8192
            deadline = time.monotonic() + 5
            try:
                while time.monotonic() < deadline:
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass
            h.close_connection = True
        elif kind == "hang":  # accepts, reads the request, never answers (for at most 3 s)
            time.sleep(3)
            h.close_connection = True
        else:
            h.reply(404)


def self_url(handler: BaseHTTPRequestHandler, path: str) -> str:
    host, port = handler.server.server_address[:2]
    return f"http://{host}:{port}{path}"


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def without_proxies(env: dict[str, str]) -> dict[str, str]:
    """The tests talk to 127.0.0.1 only: a proxy from the environment must not stand in between."""
    return {key: value for key, value in env.items() if key not in PROXY_VARIABLES}


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def link_server() -> Iterator[LinkServer]:
    """One scripted server shared by a whole test module."""
    srv = LinkServer(lifetime=120).start()
    yield srv
    srv.stop()


@pytest.fixture
def loopback_is_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the test server on 127.0.0.1 stand in for the internet as the witness that the network works
    (normally an answer from this machine proves nothing: see ``tracker.web.http.netguard.is_internet_address``)."""
    from tracker.web.http import netguard

    monkeypatch.setattr(netguard, "is_internet_address", lambda address: True)
