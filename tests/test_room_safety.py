"""The reading room's safety: CSRF, the Host allow-list, security headers, clean refusals, a watcher that
outlives any edit, and one clear line for a busy port."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.publish_support import (
    REPO_ROOT,
    commit_count,
    free_port,
    make_project,
    start_serve,
    wait_for_http,
)
from tracker.publish import room
from tracker.publish.build import build_database
from tracker.publish.live import Rebuilder
from tracker.publish.serve import make_datasette
from tracker.publish.sources import Project

pytestmark = pytest.mark.timeout(120)
ITEM_PAGE = "/tracker/resources/attention-is-all-you-need"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    resources_file = make_project(tmp_path_factory.mktemp("safety") / "repo")
    port = free_port()
    process = start_serve(resources_file, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/tracker")
        yield base, resources_file.parent, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.communicate(timeout=10)


def _form_token(client: httpx.Client) -> str:
    import re

    return re.search(r'name="csrftoken" value="([^"]+)"', client.get(ITEM_PAGE).text).group(1)


def test_a_post_without_the_csrf_token_is_refused(served) -> None:
    base, root, _process = served
    before = commit_count(root)
    form = {"item": "attention-is-all-you-need", "to": "done"}
    # No cookie and no token: what a form on another site sends when the browser withholds the cookie.
    bare = httpx.post(f"{base}/-/room/move", data=form)
    assert bare.status_code == 403 and "CSRF" in bare.text
    with httpx.Client(base_url=base) as client:
        token = _form_token(client)  # sets the cookie
        assert client.post("/-/room/move", data=form).status_code == 403  # cookie, no token
        assert client.post("/-/room/move", data={**form, "csrftoken": token + "x"}).status_code == 403
        # A page on another site cannot post even with a valid pair (Origin / Sec-Fetch-Site say where it is).
        for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            refused = client.post("/-/room/move", data={**form, "csrftoken": token}, headers=headers)
            assert refused.status_code == 403, headers
    assert commit_count(root) == before


def test_a_foreign_host_header_can_neither_read_nor_write(served) -> None:
    base, root, _process = served
    before = commit_count(root)
    for host in ("evil.example", "evil.example:8001", "127.0.0.1.evil.example", "localhost.evil.example", ""):
        page = httpx.get(f"{base}/tracker/notes", headers={"Host": host})
        assert page.status_code == 400, host
        assert "Queries meet keys" not in page.text
    with httpx.Client(base_url=base) as client:
        token = _form_token(client)
        refused = client.post("/-/room/move", headers={"Host": "evil.example"},
                              data={"item": "attention-is-all-you-need", "to": "done", "csrftoken": token})
    assert refused.status_code == 400 and commit_count(root) == before
    port = base.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST"):
        assert httpx.get(f"{base}/", headers={"Host": host}).status_code == 200, host


def test_every_answer_carries_the_security_headers(served) -> None:
    base, _root, _process = served
    for path in ("/", ITEM_PAGE, "/tracker/inbox", "/-/room/add", "/no-such-page", "/-/tracker.css"):
        headers = httpx.get(f"{base}{path}").headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_a_post_to_a_page_is_405_not_a_traceback(served) -> None:
    base, _root, process = served
    for path in ("/tracker/search", "/tracker/inbox", "/tracker/resources", "/tracker"):
        response = httpx.post(f"{base}{path}", data={"q": "x"})
        assert response.status_code == 405, path
        assert response.headers["allow"] == "GET, HEAD"
    assert httpx.get(f"{base}/-/room/move").status_code == 405  # the forms' targets take POST only


def test_a_busy_port_is_one_error_line(tmp_path: Path) -> None:
    resources_file = make_project(tmp_path / "repo")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "--file", str(resources_file), "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is already in use (another `tracker serve`?): choose another with "
        f"--port, e.g. --port {port + 1}"
    ]


# ---------------------------------------------------------------------------------------------- in-process


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return Project(make_project(tmp_path_factory.mktemp("inproc") / "repo"))


def _get(ds, path: str, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def test_serve_offers_read_only_and_allow_host() -> None:
    from click.testing import CliRunner

    from tracker.cli import cli

    shown = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--read-only" in shown and "--allow-host NAME" in shown


def test_read_only_shows_no_forms_and_refuses_writes(project: Project) -> None:
    db = build_database(project).path
    ds, _live = make_datasette(db, reading_room=room.Room(project, writes=False))
    page = _get(ds, ITEM_PAGE)
    assert page.status_code == 200 and "/-/room/" not in page.text and "tracker-triage" not in page.text
    assert "/-/room/" not in _get(ds, "/tracker/inbox").text and "/-/room/" not in _get(ds, "/").text
    assert _get(ds, "/-/room/add").status_code == 403
    before = commit_count(project.root)
    posted = asyncio.run(ds.client.post("/-/room/move", data={"item": "attention-is-all-you-need", "to": "done"},
                                        cookies={"ds_csrftoken": "x"}))
    assert posted.status_code == 403 and commit_count(project.root) == before


def test_allow_host_adds_names_and_the_bound_address(project: Project) -> None:
    hosts = room.allowed_hosts("192.168.1.5", ("Study.Local",))
    assert {"localhost", "127.0.0.1", "::1", "192.168.1.5", "study.local"} <= hosts
    assert "0.0.0.0" not in room.allowed_hosts("0.0.0.0") and "::" not in room.allowed_hosts("::")
    ds, _live = make_datasette(build_database(project).path, reading_room=room.Room(project, allowed_hosts=hosts))
    assert _get(ds, "/", headers={"Host": "study.local:8001"}).status_code == 200
    assert _get(ds, "/", headers={"Host": "other.local"}).status_code == 400


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["localhost", "127.0.0.1", "[::1]"]), st.text(min_size=1, max_size=20),
       st.sampled_from(["prefix", "suffix"]))
def test_a_loopback_name_with_anything_added_is_refused(name: str, extra: str, where: str) -> None:
    allowed = room.allowed_hosts("127.0.0.1")
    header = extra + name if where == "prefix" else name + extra
    stripped = extra.strip().rstrip(".")
    harmless = where == "suffix" and (stripped == "" or (stripped.startswith(":") and ":" not in stripped[1:]))
    if not harmless and not (where == "prefix" and extra.strip() == ""):
        assert not room.host_allowed(header, allowed), header


GOOD_EDITS = ["", "# a comment\n"]
BAD_EDITS = [
    "resources: [\n",
    "\x00",
    "- id: part-1\n",
    "added: 2024-13-45\n",
    "resources:\n- id: x\n  url: https://example.org\n  status: someday\n",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.sampled_from(BAD_EDITS + GOOD_EDITS), st.text(max_size=60),
                 st.binary(max_size=40).map(lambda b: b.decode("latin-1"))))
def test_live_reload_survives_any_edit_and_names_the_problem(project: Project, tail: str) -> None:
    """Oracle: rebuilding never raises; it either succeeds or leaves a one-line `file...: what` message and the
    last good build still served; restoring the file clears the message."""
    db = project.root / ".tracker" / "fuzz.db"
    build_database(project, db)
    ds, live = make_datasette(db)
    rebuilder = Rebuilder(project, db, live)
    good = project.resources_file.read_bytes()
    try:
        project.resources_file.write_bytes(good + tail.encode("utf-8", "surrogatepass"))
        if rebuilder.rebuild():
            assert rebuilder.last_error is None
        else:
            message = rebuilder.last_error
            assert message and "\n" not in message.strip() and "Traceback" not in message
            assert message.startswith(str(project.resources_file)), message
            rows = asyncio.run(ds.client.get("/tracker/resources.json?_shape=array")).json()
            assert len(rows) == 5  # the last good build
    finally:
        project.resources_file.write_bytes(good)
    assert rebuilder.rebuild() and rebuilder.last_error is None


def test_the_banner_names_the_problem_on_every_page(project: Project) -> None:
    db = build_database(project).path
    problem = f"{project.resources_file}:79: two entries in topics have the same id"
    ds, _live = make_datasette(db, reading_room=room.Room(project, problem=lambda: problem))
    for path in ("/", "/tracker", "/tracker/resources", ITEM_PAGE, "/tracker/inbox", "/tracker/notes/attention",
                 "/-/room/add"):
        page = _get(ds, path)
        assert "Not up to date" in page.text and "resources.yaml:79: two entries in topics" in page.text, path
