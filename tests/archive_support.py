"""Helpers for the archive tests: a 127.0.0.1 server whose pages change between requests, and article pages."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = tuple[int, str, bytes]  # status, content type, body


class PageServer:
    """A 127.0.0.1 server whose pages a test can change between requests (``server.pages[path] = ...``)."""

    def __init__(self) -> None:
        self.pages: dict[str, Reply | Callable[[str], Reply]] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.requests.append(self.path)
                reply = outer.pages.get(self.path.split("?")[0])
                if callable(reply):
                    reply = reply(self.path)
                status, ctype, body = reply or (404, "text/html", b"<html><title>404</title></html>")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@contextlib.contextmanager
def running_server() -> Iterator[PageServer]:
    srv = PageServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def article(title: str, paragraphs: list[str], extra_head: str = "") -> bytes:
    """A page with navigation, a cookie banner and a footer around the article body."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title>{extra_head}</head><body>"
            "<nav><a href='/'>Home</a> <a href='/about'>About</a> navigationword</nav>"
            "<div class='cookie-banner'>We use cookies cookiebannerword. Accept?</div>"
            f"<article><h1>{title}</h1>{body}</article>"
            "<footer>Copyright footerword 2026</footer></body></html>").encode()


LOREM = ("Attention lets every token look at every other token and weigh what it finds there, so the model "
         "can carry information across long distances without a recurrent state.")


def html(body: bytes) -> Reply:
    return (200, "text/html; charset=utf-8", body)


def fetching(env_extra: dict | None = None) -> dict:
    return {"TRACKER_NO_FETCH": "", **(env_extra or {})}


def tiny_pdf(text: str, padding: int = 0) -> bytes:
    """A one-page PDF whose page shows ``text`` (built by hand: offsets in the xref table are exact), made
    ``padding`` bytes bigger by a comment line (a PDF larger than what a metadata fetch reads)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n" + (b"%" + b"x" * padding + b"\n" if padding else b""))
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
