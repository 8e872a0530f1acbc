"""The archive from the user's side: `tracker add` saves a page's readable text in archive/<id>.md, search finds
words of it (in a fresh clone too), show/list know the reading time, and opt-outs are honoured."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import git, run_tracker

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


@pytest.fixture
def server() -> Iterator[PageServer]:
    srv = PageServer()
    srv.thread.start()
    yield srv
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


def test_add_saves_text_and_search_finds_body_word_also_in_fresh_clone(project: Path, server: PageServer,
                                                                          tmp_path: Path) -> None:
    server.pages["/post"] = html(article("Kv caching notes", [LOREM, "The zanzibarite trick saves memory.", LOREM]))
    added = run_tracker("add", server.url("/post"), cwd=project, env=fetching())
    assert added.returncode == 0, added.stderr
    item_id = added.stdout.strip()
    saved = (project / "archive" / f"{item_id}.md").read_text()
    assert "zanzibarite" in saved and saved.startswith("---\nurl: ")
    assert "navigationword" not in saved and "footerword" not in saved and "cookiebannerword" not in saved
    assert git(project, "status", "--porcelain") == ""  # the snapshot is committed

    found = run_tracker("search", "zanzibarite", "--json", cwd=project)
    hits = json.loads(found.stdout)
    assert [hit["id"] for hit in hits] == [item_id]
    assert hits[0]["snippet"].startswith("in page text: ") and "**zanzibarite**" in hits[0]["snippet"]

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True)
    again = json.loads(run_tracker("search", "zanzibarite", "--json", cwd=clone).stdout)
    assert [hit["id"] for hit in again] == [item_id]


def test_page_text_hits_rank_below_title_matches(project: Path, server: PageServer) -> None:
    server.pages["/a"] = html(article("Something else entirely", ["The word quokka appears in this body.", LOREM]))
    server.pages["/b"] = html(article("Quokka field guide", [LOREM, LOREM]))
    first = run_tracker("add", server.url("/a"), cwd=project, env=fetching()).stdout.strip()
    second = run_tracker("add", server.url("/b"), cwd=project, env=fetching()).stdout.strip()
    hits = json.loads(run_tracker("search", "quokka", "--json", cwd=project).stdout)
    assert [hit["id"] for hit in hits] == [second, first]
    assert hits[0]["score"] > hits[1]["score"]
