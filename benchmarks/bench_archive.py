"""Benchmark: what the archive costs, as ratios measured in one run.

1. ``tracker add URL`` (fetching a realistic 1,500-word article from a 127.0.0.1 server) with the page's text
   saved vs with saving off (``TRACKER_ARCHIVE=off``): the extraction and the extra file in the commit.
2. ``tracker search WORD`` over 10,000 items that all have saved text (10,000 files in archive/) vs the same
   list without an archive (the search before this feature), for a word only the page text holds; plus the
   first search after a fresh clone (the page-text index is built then) and ``tracker list`` with and without.
3. Extraction: trafilatura vs the plain lxml reading (time per page, boilerplate words kept).

Run from the repository root:  python benchmarks/bench_archive.py [--items 10000] [--repeat 7]
Prints a markdown table of median CPU times (user + system, the command and its children) and ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[0].parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from bench_core import WORDS, generate, git  # noqa: E402 - benchmarks/ is put on the path above


def timed(cmd: list[str], cwd: Path, env: dict) -> float:
    """CPU seconds (user + system) the command and its children used: on a shared, loaded machine this is
    far steadier than wall time, and the archive's costs (extraction, indexing, file reads) are CPU costs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{proc.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

NAV = " ".join(f"<a href='/s{n}'>Section navword{n}</a>" for n in range(40))


def article_html(seed: int, words: int = 1500) -> bytes:
    """A blog post wrapped in site chrome; odd seeds use semantic tags, even ones the "div soup" many sites
    serve (no <article>, chrome in classed divs), where telling text from boilerplate is harder."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(words // 60):
        paragraphs.append("<p>" + " ".join(rng.choice(WORDS) for _ in range(60)) + ".</p>")
    if seed % 2 == 0:
        links = "".join(f"<li><a href='/p{n}'>Related post relatedword{n}</a></li>" for n in range(15))
        return (f"<html><head><title>Post {seed}</title></head><body><div id='top'><ul class='links'>"
                f"{links}</ul></div><div class='wrap'><div class='post'><h2>Post {seed}</h2>{''.join(paragraphs)}"
                f"</div><div class='widget-area'><h3>Popular</h3><ul>{links}</ul></div></div>"
                "<div class='bottom'>Copyright footerword. Imprint. Privacy.</div></body></html>").encode()
    return (f"<!doctype html><html><head><title>Post {seed}</title><meta name='description' content='A post'>"
            "<script>var tracking = 1;</script><style>body{font:1em serif}</style></head><body>"
            f"<header><nav>{NAV}</nav></header><div class='cookie-consent'>We use cookies cookieword. Accept?</div>"
            f"<main><article><h1>Post {seed}</h1>{''.join(paragraphs)}</article></main>"
            "<aside class='sidebar'>Related: sidebarword " + NAV + "</aside>"
            "<footer>Copyright footerword. Imprint. Privacy.</footer></body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        body = article_html(hash(self.path) % 1000)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_add(workdir: Path, repeat: int, env: dict, rows: list[list[str]]) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    folder = workdir / "add"
    folder.mkdir()
    git(folder, "init", "-q")
    generate(1000, folder / "resources.yaml")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "start")
    tracker = [sys.executable, "-m", "tracker"]
    times: dict[str, list[float]] = {"on": [], "off": []}
    for n in range(repeat):
        for mode in ("off", "on"):  # interleaved: machine load hits both alike
            run_env = {**env, "TRACKER_ARCHIVE": mode}
            times[mode].append(timed([*tracker, "add", f"http://127.0.0.1:{port}/post/{mode}/{n}"], folder, run_env))
    server.shutdown()
    saved = len(list((folder / "archive").glob("*.md")))
    off, on = median(times["off"]), median(times["on"])
    rows.append(["add (fetch 1,500-word page), text saved", f"{on * 1000:.0f} ms", f"{on / off:.2f}x of saving off",
                 f"{saved} snapshots written"])
    rows.append(["add, saving off (TRACKER_ARCHIVE=off)", f"{off * 1000:.0f} ms", "1.00x", ""])


def write_snapshots(folder: Path, ids: list[str], words: int = 400) -> None:
    rng = random.Random(7)
    archive = folder / "archive"
    archive.mkdir()
    for n, item_id in enumerate(ids):
        text = " ".join(rng.choice(WORDS) for _ in range(words))
        if n == len(ids) // 2:
            text += " zeugmatic"  # a word only one page holds
        (archive / f"{item_id}.md").write_text(
            f"---\nurl: https://example.org/{n}\nsaved: 2026-01-01\nkind: article\nwords: {words}\n---\n\n{text}\n")


def item_ids(data: Path) -> list[str]:
    return [line[6:].strip() for line in data.read_text().splitlines() if line.startswith("- id: ")]


def bench_search(workdir: Path, count: int, repeat: int, env: dict, rows: list[list[str]]) -> None:
    plain = workdir / "plain"
    plain.mkdir()
    git(plain, "init", "-q")
    generate(count, plain / "resources.yaml")
    (plain / ".gitignore").write_text(".tracker/\n")
    git(plain, "add", ".")
    git(plain, "commit", "-q", "-m", "start")
    archived = workdir / "archived"
    shutil.copytree(plain, archived)
    write_snapshots(archived, item_ids(archived / "resources.yaml"))
    git(archived, "add", ".")
    git(archived, "commit", "-q", "-m", "snapshots")
    tracker = [sys.executable, "-m", "tracker"]
    firsts = {}
    for name, source in (("plain", plain), ("archived", archived)):
        clone = workdir / f"clone-{name}"
        subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
        # The first command in a fresh clone builds the list index (and, with an archive, the page-text index).
        firsts[name] = timed([*tracker, "search", "zeugmatic", "--json"], clone, env)
    timed([*tracker, "search", "zeugmatic"], plain, env)
    timed([*tracker, "search", "zeugmatic"], archived, env)
    cases = {
        "search, word only in page text": ("zeugmatic", None),
        "search, word in titles (20+ hits)": ("attention", None),
    }
    for label, (word, _) in cases.items():
        with_text = [timed([*tracker, "search", word, "--json"], archived, env) for _ in range(repeat)]
        without = [timed([*tracker, "search", word, "--json"], plain, env) for _ in range(repeat)]
        rows.append([f"{label}, {count:,} items with text", f"{median(with_text) * 1000:.0f} ms",
                     f"{median(with_text) / median(without):.2f}x of search without archive",
                     f"without: {median(without) * 1000:.0f} ms"])
    rows.append([f"first search in a fresh clone ({count:,} snapshot files indexed)",
                 f"{firsts['archived'] * 1000:.0f} ms", f"{firsts['archived'] / firsts['plain']:.2f}x of a fresh clone "
                 "without archive", f"without: {firsts['plain'] * 1000:.0f} ms"])
    listed = [timed([*tracker, "list", "--json"], archived, env) for _ in range(repeat)]
    listed_plain = [timed([*tracker, "list", "--json"], plain, env) for _ in range(repeat)]
    rows.append([f"list --json, {count:,} items with read_minutes", f"{median(listed) * 1000:.0f} ms",
                 f"{median(listed) / median(listed_plain):.2f}x of list without archive",
                 f"without: {median(listed_plain) * 1000:.0f} ms"])


def bench_extract(rows: list[list[str]], pages: int = 40) -> None:
    from tracker.archive.extract import html_text, plain_text

    bodies = [article_html(n) for n in range(pages)]
    html_text(bodies[0])  # import and warm up
    for name, extract in (("trafilatura", lambda b: html_text(b)[0]), ("plain lxml", plain_text)):
        start = time.perf_counter()
        texts = [extract(b) for b in bodies]
        per_page = (time.perf_counter() - start) / pages
        junk = sum(t.count(word) for t in texts
                   for word in ("navword", "cookieword", "sidebarword", "footerword", "relatedword"))
        body_words = sum(sum(1 for w in t.split() if w.strip(".") in WORDS) for t in texts) / pages
        rows.append([f"extract with {name}", f"{per_page * 1000:.1f} ms/page", "",
                     f"article words kept: {body_words:.0f} of 1500; boilerplate words kept: {junk / pages:.1f}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@x.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@x.invalid", "TRACKER_NO_FETCH": "",
           "TRACKER_WAYBACK_URL": "off", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        workdir = Path(tmp)
        bench_extract(rows)
        bench_add(workdir, args.repeat, env, rows)
        bench_search(workdir, args.items, args.repeat, env, rows)
    print("| case | median CPU time | ratio | note |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
