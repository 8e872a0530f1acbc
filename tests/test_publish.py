"""tracker build / serve / publish: real git repos, real SQLite files, Datasette's own test client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.publish_support import (
    REPO_ROOT,
    SCRIPT_TITLE,
    commit_all,
    free_port,
    git,
    make_project,
    set_title,
    start_serve,
    wait_for_http,
)
from tracker.cli import cli
from tracker.errors import DataError
from tracker.publish.build import build_database
from tracker.publish.live import Rebuilder
from tracker.publish.metadata import CANNED_QUERIES, datasette_metadata
from tracker.publish.serve import exposure_warning, make_datasette
from tracker.publish.sources import Project

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return Project(make_project(tmp_path_factory.mktemp("built") / "repo"))


@pytest.fixture(scope="module")
def built(project: Project) -> Path:
    return build_database(project).path


@pytest.fixture
def fresh_project(tmp_path: Path) -> Project:
    return Project(make_project(tmp_path / "repo"))


class Client:
    """Datasette's test client on one event loop for the whole module."""

    def __init__(self, db_path: Path) -> None:
        self.ds, self.live = make_datasette(db_path)
        self.loop = asyncio.new_event_loop()

    def get(self, path: str):
        return self.loop.run_until_complete(self.ds.client.get(path))

    def rows(self, path: str) -> list[dict]:
        sep = "&" if "?" in path else "?"
        response = self.get(f"{path}{sep}_shape=array")
        assert response.status_code == 200, response.text
        return response.json()

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="module")
def client(built: Path):
    c = Client(built)
    yield c
    c.close()


def test_build_writes_every_table_with_keys_labels_and_fts(built: Path) -> None:
    conn = sqlite3.connect(built)
    counts = {
        t: conn.execute(f"select count(*) from [{t}]").fetchone()[0]
        for t in ("resources", "tags", "resources_tags", "advice", "glossary", "topics", "notes", "questions",
                  "lab_experiments", "lab_runs", "link_checks", "item_history", "notes_resources", "build_info")
    }
    assert counts == {
        "resources": 5, "tags": 4, "resources_tags": 6, "advice": 2, "glossary": 1, "topics": 3, "notes": 2,
        "questions": 2, "lab_experiments": 1, "lab_runs": 1, "link_checks": 2, "item_history": 7,
        "notes_resources": 2, "build_info": 1,
    }
    fks = {(r[3], r[2], r[4]) for r in conn.execute("select * from pragma_foreign_key_list('resources')")}
    assert fks == {("topic", "topics", "id"), ("lab", "lab_experiments", "id")}
    # The two tables that point at each other: one key is added once both exist.
    fks = {(r[3], r[2], r[4]) for r in conn.execute("select * from pragma_foreign_key_list('lab_experiments')")}
    assert fks == {("topic", "topics", "id")}
    for table in ("resources", "notes", "questions", "advice", "glossary"):
        sql = conn.execute("select sql from sqlite_master where name = ?", [f"{table}_fts"]).fetchone()[0]
        assert "fts5" in sql.lower() and "porter" in sql
    # Porter stemming: "transformers" finds "Transformer".
    hits = conn.execute(
        "select id from resources where rowid in (select rowid from resources_fts where resources_fts match ?)",
        ["transformers"],
    ).fetchall()
    assert ("illustrated-transformer",) in hits
    commit, source_hash = conn.execute("select [commit], source_hash from build_info").fetchone()
    assert commit == git(built.parent.parent, "rev-parse", "HEAD").strip()
    assert len(source_hash) == 64
    run = conn.execute("select experiment, status, checks_passed, max_error, torch_version from lab_runs").fetchone()
    assert run == ("attention", "pass", 2, 2e-7, "2.13.0")
    dead = conn.execute("select resource, verdict, checked_at from link_checks where verdict = 'dead'").fetchall()
    assert dead == [("old-inbox-item", "dead", "2024-02-19T08:00:00Z")]


def test_item_history_has_each_status_change_with_its_commit(built: Path, project: Project) -> None:
    conn = sqlite3.connect(built)
    rows = conn.execute(
        "select date, from_status, to_status, [commit], message from item_history "
        "where resource = 'illustrated-transformer' order by id"
    ).fetchall()
    commits = git(project.root, "log", "--reverse", "--format=%H").split()
    assert rows == [
        ("2024-02-01T12:00:00+00:00", None, "inbox", commits[0], "import: 4 items"),
        ("2024-02-10T12:00:00+00:00", "inbox", "reading", commits[1], "move: illustrated-transformer inbox -> reading"),
        ("2024-02-20T12:00:00+00:00", "reading", "done", commits[2], "move: illustrated-transformer reading -> done"),
    ]
    # An item without a status date in the YAML gets the date of its last change from git.
    changed = conn.execute("select status_changed from resources where id = 'illustrated-transformer'").fetchone()
    assert changed == ("2024-02-20",)


def test_unchanged_sources_are_a_no_op_and_changes_rebuild(fresh_project: Project) -> None:
    first = build_database(fresh_project)
    assert first.built
    inode = first.path.stat().st_ino
    again = build_database(fresh_project)
    assert not again.built and first.path.stat().st_ino == inode
    (fresh_project.notes_dir / "new.md").write_text("# A new note\n\nText.\n", encoding="utf-8")
    third = build_database(fresh_project)
    assert third.built and third.counts["notes"] == 3
    # A commit alone (no file change) changes the history, so it rebuilds too.
    commit_all(fresh_project.root, "notes: add a note", "2024-03-01")
    assert build_database(fresh_project).built


def test_broken_yaml_is_one_clear_error_and_the_old_database_stays(fresh_project: Project) -> None:
    good = build_database(fresh_project).path
    before = good.read_bytes()
    text = fresh_project.resources_file.read_text(encoding="utf-8")
    fresh_project.resources_file.write_text(text.replace("status: done", "status: [done"), encoding="utf-8")
    with pytest.raises(DataError, match=r"resources\.yaml:\d+: invalid YAML"):
        build_database(fresh_project)
    assert good.read_bytes() == before
    assert not [p.name for p in good.parent.iterdir() if "building" in p.name]  # no temp file left
    result = CliRunner().invoke(cli, ["--file", str(fresh_project.resources_file), "build"])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "resources.yaml:" in result.output


def test_an_unknown_status_names_the_field(fresh_project: Project) -> None:
    text = fresh_project.resources_file.read_text(encoding="utf-8")
    fresh_project.resources_file.write_text(text.replace("status: done", "status: finished"), encoding="utf-8")
    with pytest.raises(DataError, match=r"resources\.yaml:\d+: status 'finished' is not one of"):
        build_database(fresh_project)


def test_notes_are_rendered_to_sanitised_html(built: Path) -> None:
    conn = sqlite3.connect(built)
    html = conn.execute("select body_html from notes where id = 'attention'").fetchone()[0]
    assert "<strong>softmax</strong>" in html and "<table>" in html
    assert "<script" not in html and "&lt;script&gt;alert('note')" in html
    assert "href" not in html and not re.search(r"<img[^>]*onerror", html)


def test_the_sanitiser_removes_scripts_handlers_and_unsafe_links() -> None:
    from tracker.publish.plugin import sanitize_html

    dirty = (
        '<p onclick="x()">hi<script>alert(1)</script><a href="javascript:alert(2)">a</a>'
        '<img src="https://e.org/i.png" onerror="alert(3)"><iframe src="https://e.org"></iframe>'
        '<a href="https://e.org/ok">ok</a></p>'
    )
    clean = sanitize_html(dirty)
    assert "<script" not in clean and "onclick" not in clean and "onerror" not in clean
    assert "javascript:" not in clean and "<iframe" not in clean
    assert '<a href="https://e.org/ok">ok</a>' in clean and '<img src="https://e.org/i.png">' in clean


def test_datasette_serves_rows_labels_and_facets(client: Client) -> None:
    rows = client.rows("/tracker/resources.json")
    assert {r["id"] for r in rows} >= {"attention-is-all-you-need", "illustrated-transformer"}
    assert any(r["title"] == SCRIPT_TITLE for r in rows)  # the data is kept as written; pages escape it
    labelled = client.rows("/tracker/resources.json?_labels=on&id=illustrated-transformer")
    assert labelled[0]["topic"] == {"value": "3-1", "label": "Attention and Transformers"}
    data = client.get("/tracker/resources.json?_shape=objects").json()
    assert set(data["facet_results"]) == {"status", "category", "tags", "topic", "site", "kind"}
    statuses = {f["value"]: f["count"] for f in data["facet_results"]["status"]["results"]}
    assert statuses == {"inbox": 2, "next-up": 1, "reading": 1, "done": 1}
    # Sorted by date added, newest first.
    assert [r["added"] for r in data["rows"]] == sorted((r["added"] for r in data["rows"]), reverse=True)
    searched = client.rows("/tracker/resources.json?_search=pictures")
    assert [r["id"] for r in searched] == ["illustrated-transformer"]


EXPECTED_IDS = {
    "inbox": ["attention-is-all-you-need", "old-inbox-item"],
    "next_up": ["broadcasting-semantics"],
    "reading_now": ["karpathy-zero-to-hero"],
    "done_recently": ["illustrated-transformer"],
    "stale_inbox": ["attention-is-all-you-need", "old-inbox-item"],
    "dead_links": ["old-inbox-item"],
    "plan_session": [],  # no saved page text in this project: nothing has a reading time (see test_archive_room)
    # By the item's lab field, or as the experiment of the item's chapter (illustrated-transformer, 3-1).
    "items_with_lab": ["attention-is-all-you-need", "illustrated-transformer", "broadcasting-semantics"],
}


@pytest.mark.parametrize("name", sorted(CANNED_QUERIES))
def test_every_canned_query_runs(client: Client, name: str) -> None:
    rows = client.rows(f"/tracker/{name}.json?q=attention")
    if name in EXPECTED_IDS:
        assert [r["id"] for r in rows] == EXPECTED_IDS[name]
    elif name == "progress_by_topic":
        by_topic = {r["topic"]: (r["items"], r["done"], r["percent_done"]) for r in rows}
        assert by_topic["Attention and Transformers"] == (2, 1, 50.0)
        # A part counts everything in the chapters under it.
        assert by_topic["Getting Good with PyTorch"] == (4, 1, 25.0)
        assert by_topic["Tensors and broadcasting"] == (2, 0, 0.0)
        assert {r["topic"]: r["experiments"] for r in rows}["Attention and Transformers"] == "attention"
    else:
        kinds = {(r["kind"], r["item"]) for r in rows}
        assert {("resource", "attention-is-all-you-need"), ("note", "attention")} <= kinds
        assert all("\x02" in r["snippet"] for r in rows)
        # Stemming: "masking" finds the flashcard about "the mask"; terms and advice are searched too.
        # Hits are grouped by kind, items and notes first (bm25 ranks of different tables do not compare).
        assert [(r["kind"], r["item"]) for r in client.rows("/tracker/search.json?q=masking")] == [("note", "attention"), ("question", 2)]
        assert [r["kind"] for r in client.rows("/tracker/search.json?q=logits")] == ["term"]
        assert [r["kind"] for r in client.rows("/tracker/search.json?q=pen")] == ["advice"]


def test_items_with_lab_show_the_last_run(client: Client) -> None:
    row = client.rows("/tracker/items_with_lab.json")[0]
    assert (row["experiment_title"], row["result"], row["device"]) == ("Scaled dot-product attention", "pass", "cpu")


@pytest.mark.parametrize(("query", "found"), [
    ("", set()), ('"unbalanced', set()), ("AND OR NOT", set()),
    # FTS syntax in the text is taken as plain words: "attention*(" finds what "attention" finds.
    ("attention*(", {("resource", "attention-is-all-you-need"), ("resource", "illustrated-transformer"), ("note", "attention")}),
])
def test_search_accepts_any_text(client: Client, query: str, found: set) -> None:
    response = client.get("/tracker/search.json?_shape=array&q=" + httpx.QueryParams({"q": query})["q"])
    assert response.status_code == 200
    assert {(row["kind"], row["item"]) for row in response.json()} == found


PAGES = [
    "/",
    "/tracker",
    "/tracker/resources",
    "/tracker/resources/attention-is-all-you-need",
    "/tracker/inbox",
    "/tracker/search?q=attention",
    "/tracker/items_with_lab",
    "/tracker/notes",
    "/tracker/notes/attention",
    "/tracker/questions",
    "/tracker/advice",
    "/tracker/item_history",
    "/tracker/resources_tags",
    "/tracker/topics",
    "/tracker/glossary",
    "/tracker/lab_experiments",
    "/tracker/lab_experiments/attention",
    "/tracker/lab_runs",
    "/tracker/link_checks",
    "/tracker/build_info",
    "/tracker/dead_links",
    "/tracker/progress_by_topic",
]


@pytest.mark.parametrize("path", PAGES)
def test_html_in_data_shows_as_text_on_every_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert "<script>alert(" not in html
    assert not re.search(r"href=[\"']?\s*javascript:", html, re.I)
    assert not re.search(r"<img[^>]*onerror", html, re.I)
    assert "<b>model</b>" not in html
    if path in ("/tracker/resources", "/tracker/resources/attention-is-all-you-need", "/tracker/inbox"):
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
        assert "&lt;script&gt;alert(&#39;comment&#39;)&lt;/script&gt;" in html


def test_pages_render_links_markdown_and_highlights(client: Client) -> None:
    table = client.get("/tracker/resources").text
    assert '<a href="https://jalammar.github.io/illustrated-transformer/" rel="noopener noreferrer">' in table
    note = client.get("/tracker/notes/attention").text
    assert "<strong>softmax</strong>" in note and "<td>Hides future tokens from each position</td>" in note
    search = client.get("/tracker/search?q=pictures").text
    assert "self-<mark>attention</mark>" not in search and "<mark>Pictures</mark>" in search
    assert '<a href="/tracker/resources/illustrated-transformer">illustrated-transformer</a>' in search
    glossary = client.get("/tracker/glossary").text
    assert '<a href="https://example.org/sampling" rel="noopener noreferrer">Sampling explained</a>' in glossary


def test_home_page_offers_search_and_the_daily_pages(client: Client) -> None:
    home = client.get("/").text
    assert '<form class="tracker-search" action="tracker/search" method="get">' in home
    for name in ("inbox", "next_up", "reading_now", "progress_by_topic", "items_with_lab", "dead_links"):
        assert f'href="tracker/{name}"' in home
        assert client.get(f"/tracker/{name}").status_code == 200


def test_lists_of_ids_and_tags_show_as_links(client: Client) -> None:
    table = client.get("/tracker/resources").text
    tag = '<a href="/tracker/resources?_facet_array=tags&amp;tags__arraycontains=transformers">transformers</a>'
    assert tag in table and "[&#34;transformers&#34;" not in table and '["transformers"' not in table
    assert '<td class="col-tags type-str">[]</td>' not in client.get("/tracker/resources?id=old-inbox-item").text
    note = client.get("/tracker/notes/attention").text
    assert '<a href="/tracker/resources/illustrated-transformer">illustrated-transformer</a>' in note
    # In the item queries the id opens the item's page in the reading room.
    inbox = client.get("/tracker/inbox").text
    assert '<a href="/tracker/resources/old-inbox-item">old-inbox-item</a>' in inbox


def test_tags_and_ids_from_the_data_are_escaped_in_links(client: Client) -> None:
    from tracker.publish import plugin

    tags = str(plugin._tag_links(client.ds, "tracker", json.dumps(["<script>alert(1)</script>"])))
    assert "<script>" not in tags and "&lt;script&gt;alert(1)&lt;/script&gt;" in tags
    assert "tags__arraycontains=%3Cscript%3Ealert%281%29%3C/script%3E" in tags
    ids = str(plugin._row_links(client.ds, "tracker", "resources", json.dumps(['"><img src=x onerror=alert(1)>'])))
    assert "<img" not in ids


def test_site_and_kind_facets_work_before_a_fetch(client: Client) -> None:
    # old-inbox-item was never fetched: the host names its site; an arXiv link would be a paper from its URL.
    (row,) = client.rows("/tracker/resources.json?id=old-inbox-item")
    assert (row["site"], row["kind"]) == ("example.org", None)
    (fetched,) = client.rows("/tracker/resources.json?id=broadcasting-semantics")
    assert (fetched["site"], fetched["kind"]) == ("pytorch.org", "docs")  # fetched values win


def test_dead_links_say_what_went_wrong(client: Client) -> None:
    (row,) = client.rows("/tracker/dead_links.json")
    assert row["why"].startswith("HTTP 404 Not Found")


def test_sql_cannot_write(client: Client) -> None:
    for sql in ("delete from resources", "update resources set title = 'x'", "drop table resources",
                "insert into tags (name) values ('x')"):
        response = client.get("/tracker.json?" + str(httpx.QueryParams({"sql": sql})))
        assert response.status_code == 400, sql
    assert len(client.rows("/tracker/resources.json")) == 5
    assert not any(q.get("write") for q in CANNED_QUERIES.values())


def test_metadata_describes_every_table_and_column(built: Path) -> None:
    tables = datasette_metadata()["databases"]["tracker"]["tables"]
    conn = sqlite3.connect(built)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    for name in names:
        if "_fts" in name:
            continue
        columns = [r[1] for r in conn.execute(f"select * from pragma_table_info('{name}')")]
        assert tables[name]["description"]
        assert set(tables[name]["columns"]) == set(columns), name
        assert all(tables[name]["columns"].values())


def test_live_reload_swaps_the_database_under_open_connections(fresh_project: Project) -> None:
    db_path = build_database(fresh_project).path
    c = Client(db_path)
    rebuilder = Rebuilder(fresh_project, db_path, c.live, interval=0.1)
    rebuilder.start()
    try:
        # Open a connection on every executor thread to the current file first.
        for _ in range(6):
            assert c.rows("/tracker/resources.json?id=broadcasting-semantics")[0]["title"] == "Broadcasting semantics"
        set_title(fresh_project.resources_file, "broadcasting-semantics", "Broadcasting, live")
        started = time.monotonic()
        while c.rows("/tracker/resources.json?id=broadcasting-semantics")[0]["title"] != "Broadcasting, live":
            assert time.monotonic() - started < 2.0, "the change did not show within 2 s"
            time.sleep(0.05)
        # Every thread now reads the new file.
        for _ in range(6):
            assert c.rows("/tracker/resources.json?id=broadcasting-semantics")[0]["title"] == "Broadcasting, live"
        # A note edited by hand shows too.
        (fresh_project.notes_dir / "tensors.md").write_text("---\ntitle: Tensors, revised\n---\nText\n", "utf-8")
        started = time.monotonic()
        while "Tensors, revised" not in [r["title"] for r in c.rows("/tracker/notes.json")]:
            assert time.monotonic() - started < 2.0
            time.sleep(0.05)
    finally:
        rebuilder.stop()
        c.close()


def test_no_half_built_database_is_ever_served(fresh_project: Project) -> None:
    db_path = build_database(fresh_project).path
    c = Client(db_path)
    stop = threading.Event()
    sizes: set[int] = set()
    errors: list[str] = []
    answered = 0

    def rebuild_repeatedly() -> None:
        for n in range(6):
            set_title(fresh_project.resources_file, "broadcasting-semantics", f"Broadcasting {n}")
            build_database(fresh_project)
            c.live.reopen()
        stop.set()

    worker = threading.Thread(target=rebuild_repeatedly)
    worker.start()
    try:
        while not stop.is_set():
            response = c.get("/tracker.json?sql=select+count(*)+as+n,+(select+count(*)+from+build_info)+as+b"
                             "+from+resources&_shape=array")
            if response.status_code != 200:
                errors.append(response.text)
            else:
                row = response.json()[0]
                sizes.add(row["n"] * 10 + row["b"])
            answered += 1
        assert c.rows("/tracker/resources.json?id=broadcasting-semantics")[0]["title"] == "Broadcasting 5"
    finally:
        worker.join()
        c.close()
    assert not errors
    assert answered >= 6 and sizes == {51}  # always 5 resources and the build-info row: never a partial file


def test_exposure_warning_only_off_loopback() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("::1") is None
    assert exposure_warning("localhost") is None
    assert "anyone who can reach this machine" in exposure_warning("0.0.0.0")
    assert "change" in exposure_warning("0.0.0.0", writes=True)
    assert "192.168.1.5" in exposure_warning("192.168.1.5")


def test_build_and_publish_commands(fresh_project: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--file", str(fresh_project.resources_file)]
    first = runner.invoke(cli, [*args, "build"])
    assert first.exit_code == 0 and "built in" in first.output and "5 resources" in first.output
    second = runner.invoke(cli, [*args, "build"])
    assert second.exit_code == 0 and "up to date" in second.output
    custom = tmp_path / "elsewhere.db"
    assert runner.invoke(cli, [*args, "build", "--db", str(custom)]).exit_code == 0 and custom.is_file()
    out = tmp_path / "site"
    published = runner.invoke(cli, [*args, "publish", "--dir", str(out)])
    assert published.exit_code == 0, published.output
    assert "datasette publish cloudrun" in published.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert [f for f in files if not f.startswith("templates/")] == [
        "inspect-data.json", "metadata.json", "plugins/tracker_datasette.py", "settings.json", "tracker.db",
    ]
    assert {"templates/query-tracker.html", "templates/base.html"} <= set(files)
    assert "--template-dir" in published.output
    assert "inbox" in json.loads((out / "metadata.json").read_text())["databases"]["tracker"]["queries"]


@contextlib.contextmanager
def plain_datasettes(*commands: tuple[str, ...], cwd: Path) -> Iterator[list[httpx.Client]]:
    """``datasette serve ARGS`` (no tracker on the path) for each ARGS, each its own process on a free port, all
    starting at once; a client for each."""
    processes, clients = [], []
    try:
        for args in commands:
            port = free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "datasette", "serve", *args, "--port", str(port)], cwd=cwd,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            clients.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30))
        for client in clients:
            wait_for_http(f"{client.base_url}/-/versions.json")
        yield clients
    finally:
        for client in clients:
            client.close()
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_published_folder_runs_in_plain_datasette(fresh_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "site"
    CliRunner().invoke(cli, ["--file", str(fresh_project.resources_file), "publish", "--dir", str(out)])
    shutil.rmtree(fresh_project.root)  # the folder must stand on its own
    # The command a host runs (datasette publish / package pass these same flags to `datasette serve`).
    from tracker.publish.package import publish_commands

    package = shlex.split(publish_commands(out)[-1])
    extra = shlex.split(package[package.index("--extra-options") + 1])
    host_args = ("-i", str(out / "tracker.db"), "--metadata", str(out / "metadata.json"),
                 "--plugins-dir", str(out / "plugins"), *extra)
    # Both servers start at once; each page below is one real GET, as `datasette serve --get` would make.
    with plain_datasettes((str(out),), host_args, cwd=tmp_path) as (site, host):

        def get(client: httpx.Client, path: str) -> str:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.text[:500])
            return response.text

        rows = json.loads(get(site, "/tracker/search.json?_shape=array&q=pictures"))
        assert [r["item"] for r in rows] == ["illustrated-transformer"]
        inbox = get(site, "/tracker/inbox")  # learner-first wording, and no forms: a published site cannot write
        assert "2 items" in inbox and "Custom SQL query" not in inbox and "/-/room/" not in inbox
        assert "<mark>Pictures</mark>" in get(site, "/tracker/search?q=pictures")
        assert json.loads(get(site, "/-/settings.json"))["truncate_cells_html"] == 280
        # Opened immutable (inspect-data.json), and no SQL but select, as in `tracker serve`.
        assert json.loads(get(site, "/-/databases.json"))[0]["is_mutable"] is False
        assert site.get("/tracker.json?sql=delete+from+resources").status_code != 200
        assert [r["id"] for r in json.loads(get(host, "/tracker/inbox.json?_shape=array"))] == [
            "attention-is-all-you-need", "old-inbox-item",
        ]
        assert json.loads(get(host, "/-/settings.json"))["default_facet_size"] == 10


def test_real_tracker_serve_over_http_with_live_reload(fresh_project: Project) -> None:
    port = free_port()
    process = start_serve(fresh_project.resources_file, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/tracker")
        home = httpx.get(f"{base}/").text
        assert "tracker: an LLM reading room" in home
        inbox = httpx.get(f"{base}/tracker/inbox").text
        assert "&lt;script&gt;alert(" in inbox and "<script>alert(" not in inbox
        # A hand edit and a commit, as after `git pull`, show within about two seconds.
        set_title(fresh_project.resources_file, "karpathy-zero-to-hero", "Zero to Hero, edited by hand")
        commit_all(fresh_project.root, "edit: karpathy-zero-to-hero title", "2024-03-02")
        url = f"{base}/tracker/resources.json?_shape=array&id=karpathy-zero-to-hero"
        started = time.monotonic()
        while httpx.get(url).json()[0]["title"] != "Zero to Hero, edited by hand":
            assert time.monotonic() - started < 3.0
            time.sleep(0.1)
        # A change by the CLI (its own write and commit) shows the same way.
        subprocess.run(
            [sys.executable, "-m", "tracker", "--file", str(fresh_project.resources_file), "move",
             "broadcasting-semantics", "--to", "reading"],
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, check=True, capture_output=True, timeout=60,
        )
        moved = f"{base}/tracker/reading_now.json?_shape=array"
        started = time.monotonic()
        while "broadcasting-semantics" not in [r["id"] for r in httpx.get(moved).json()]:
            assert time.monotonic() - started < 3.0
            time.sleep(0.1)
        history = httpx.get(f"{base}/tracker/item_history.json?_shape=array&resource=karpathy-zero-to-hero").json()
        assert history[0]["message"] == "import: 4 items"
        # A half-typed edit: the last good build stays on screen; the fix shows as soon as it is saved.
        good = fresh_project.resources_file.read_text(encoding="utf-8")
        fresh_project.resources_file.write_text(good.replace("title: Zero to Hero", "title: [Zero"), "utf-8")
        time.sleep(1.0)
        assert httpx.get(url).json()[0]["title"] == "Zero to Hero, edited by hand"
        banner = httpx.get(f"{base}/tracker/inbox").text
        assert "Not up to date" in banner and "resources.yaml:" in banner
        fresh_project.resources_file.write_text(good.replace("edited by hand", "fixed"), "utf-8")
        started = time.monotonic()
        while httpx.get(url).json()[0]["title"] != "Zero to Hero, fixed":
            assert time.monotonic() - started < 3.0
            time.sleep(0.1)
        assert "Not up to date" not in httpx.get(f"{base}/tracker/inbox").text
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"Serving http://127.0.0.1:{port}/tracker" in output
    assert "not rebuilt, still serving the last good build: " in output and "resources.yaml:" in output
    assert "Warning: binding" not in output


def test_serve_keeps_the_terminal_free_of_tracebacks_for_missing_pages(fresh_project: Project) -> None:
    port = free_port()
    process = start_serve(fresh_project.resources_file, port)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/tracker")
        assert httpx.get(f"http://127.0.0.1:{port}/no-such-page").status_code == 404
        assert httpx.get(f"http://127.0.0.1:{port}/tracker/no_such_table").status_code == 404
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "Traceback" not in output and "locals" not in output


def test_serve_help_and_commands_are_registered() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--help"], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, check=True,
    )
    for name in ("build", "serve", "publish"):
        assert re.search(rf"^\s+{name}\s", result.stdout, re.M)
    assert "--port" in CliRunner().invoke(cli, ["serve", "--help"]).output


def test_build_outside_git_has_no_history_but_everything_else(tmp_path: Path) -> None:
    from tests.publish_support import base_resources, write_resources

    root = tmp_path / "plain"
    root.mkdir()
    write_resources(root, base_resources())
    result = build_database(Project(root / "resources.yaml"))
    conn = sqlite3.connect(result.path)
    assert result.counts["resources"] == 4 and result.counts["item_history"] == 0
    assert conn.execute("select [commit] from build_info").fetchone() == (None,)


def test_concurrent_builds_take_turns_and_build_once(fresh_project: Project) -> None:
    results = []
    threads = [threading.Thread(target=lambda: results.append(build_database(fresh_project))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.built for r in results) == [False, False, True]
    assert sqlite3.connect(results[0].path).execute("select count(*) from resources").fetchone() == (5,)


def test_the_build_reads_the_link_files_the_checker_writes() -> None:
    from tracker.publish import records
    from tracker.web.links.linkhistory import CACHE_NAME, HISTORY_NAME

    assert (records.LINK_HISTORY_FILE, records.LINK_CACHE_FILE.as_posix()) == (HISTORY_NAME, CACHE_NAME)
