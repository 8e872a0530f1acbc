"""A scripted HTTP server on 127.0.0.1 for the metadata and fetch tests.

Routes map a path to a function that writes the response, so hostile behaviour (slow, endless, bombs,
redirect loops) is plain code. Every response is bounded: slow handlers wake up when the server stops,
endless bodies stop after a cap, and a watchdog stops the whole server after ``lifetime`` seconds.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"

Handler = Callable[[BaseHTTPRequestHandler, "ScriptedServer"], None]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (timeouts, caps) are the point of these tests


class ScriptedServer:
    """Start with ``with ScriptedServer(routes) as server``; ``server.url("/path")`` gives an address."""

    def __init__(self, routes: dict[str, Handler], latency: float = 0.0, lifetime: float = 120.0) -> None:
        self.routes = routes
        self.latency = latency
        self.lifetime = lifetime
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with outer.lock:
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                    outer.requests.append(self.path)
                    outer.user_agents.add(self.headers.get("User-Agent", ""))
                try:
                    if outer.latency:
                        time.sleep(outer.latency)
                    route = outer.routes.get(self.path.split("?")[0]) or outer.routes.get("*")
                    if route is None:
                        send(self, 404, b"<html><head><title>Not found</title></head></html>")
                    else:
                        route(self, outer)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with outer.lock:
                        outer.in_flight -= 1

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._watchdog = threading.Timer(lifetime, self.stop)
        self._watchdog.daemon = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        self._watchdog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if not self.stopping.is_set():
            self.stopping.set()
            self._watchdog.cancel()
            self.httpd.shutdown()
            self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(name: str, content_type: str = "text/html; charset=utf-8") -> Handler:
    body = (FIXTURES / name).read_bytes()
    return lambda h, s: send(h, 200, body, content_type)


def raw(body: bytes, content_type: str = "text/html", headers: dict[str, str] | None = None) -> Handler:
    return lambda h, s: send(h, 200, body, content_type, headers)


def redirect(location: str, status: int = 302) -> Handler:
    return lambda h, s: send(h, status, b"", headers={"Location": location})


def endless_html(h: BaseHTTPRequestHandler, server: ScriptedServer) -> None:
    """A page that never ends (no </head>, no Content-Length): stops after 64 MB or when the server stops."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(b"<html><head><title>Endless</title>")
    chunk = b"<!-- " + b"x" * 65536 + b" -->"
    for _ in range(1000):
        if server.stopping.is_set():
            return
        h.wfile.write(chunk)


def make_gzip_bomb(megabytes: int) -> bytes:
    """Compress ``megabytes`` MB of spaces a megabyte at a time (never holding the inflated text)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b"<html><head><title>Bomb</title><!-- ")]
    block = b" " * (1024 * 1024)
    parts.extend(packer.compress(block) for _ in range(megabytes))
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(megabytes: int = 200) -> Handler:
    """~1 KB per MB on the wire that inflates to ``megabytes`` MB of HTML (built once, before any request)."""
    body = make_gzip_bomb(megabytes)
    return lambda h, s: send(h, 200, body, "text/html", {"Content-Encoding": "gzip"})


def slow(seconds: float) -> Handler:
    """Answer only after ``seconds`` (waking early when the server stops)."""

    def handler(h: BaseHTTPRequestHandler, server: ScriptedServer) -> None:
        server.stopping.wait(seconds)
        if not server.stopping.is_set():
            send(h, 200, b"<html><head><title>Late</title></head></html>")

    return handler


def stalled_body(h: BaseHTTPRequestHandler, server: ScriptedServer) -> None:
    """Headers at once, then silence: exercises the read timeout."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(b"<html><head>")
    h.wfile.flush()
    server.stopping.wait(30)


class NetworkStub:
    """A DNS stub and a connection recorder in place of ``tracker.web.http.netguard``'s resolver and connector.

    Names resolve from ``names`` (anything else: "no such host"). Every connection attempt is recorded, and
    one to any address but 127.0.0.1 is failed on the spot: a guard that let one through fails its test
    without sending a packet anywhere.
    """

    def __init__(self, names: dict[str, list[str]] | None = None) -> None:
        self.names = names or {}
        self.lookups: list[str] = []
        self.attempts: list[str] = []

    def install(self, monkeypatch) -> NetworkStub:
        import socket

        import httpcore

        from tracker.web.http import netguard

        real_open = netguard.open_tcp

        async def resolver(host: str, port: int) -> list[str]:
            self.lookups.append(host)
            if host in self.names:
                return list(self.names[host])
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        async def open_tcp(host: str, port: int, timeout, **options):
            self.attempts.append(host)
            if host != "127.0.0.1":
                raise httpcore.ConnectError(f"test stub: no connection to {host} may leave this machine")
            return await real_open(host, port, timeout, **options)

        monkeypatch.setattr(netguard, "resolver", resolver)
        monkeypatch.setattr(netguard, "open_tcp", open_tcp)
        return self
