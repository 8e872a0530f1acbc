"""Benchmark `tracker build` and search at scale, each against its floor, measured in one run.

1. Build: a 100,000-item resources.yaml (in a git repo whose history moves 1,000 items) built by
   ``build_database`` vs the floor: a PyYAML C-loader parse of the same file plus a plain sqlite-utils
   ``insert_all`` of the same resource rows and an FTS5 (porter) index on the same columns. Target: <= 1.5x.
2. Search: a word in about 20 of the 100,000 items, through Datasette's JSON API (in-process client):
   ``?_search=`` (FTS5) vs a full table scan with ``LIKE`` over the same columns. Target: < 0.1x.

Usage: python benchmarks/bench_publish.py [--items 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.publish.build import build_database  # noqa: E402
from tracker.publish.schema import TABLES_BY_NAME  # noqa: E402
from tracker.publish.serve import make_datasette  # noqa: E402
from tracker.publish.sources import Project  # noqa: E402

WORDS = (
    "attention transformer tensor gradient matrix vector softmax embedding token decoder encoder layer norm "
    "residual batch sample temperature probability entropy loss optimizer adam momentum kernel convolution "
    "recurrent sequence context window position rotary scaling inference training dataset benchmark model "
    "language paper lecture video course book tool study notes linear algebra eigenvalue projection basis"
).split()
RARE_WORD = "quokkaformer"
STATUSES = ["inbox", "next-up", "reading", "done", "dropped"]
CATEGORIES = ["Study", "Coding", "Math", "Paper", "Video", "Course", "Book", "Tool"]
TAGS = ["pytorch", "transformers", "math", "attention", "rl", "vision", "nlp", "course", "tooling", "paper"]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_items(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rare = set(rng.sample(range(count), 20))
    items = []
    for i in range(count):
        title = words(rng, 6).capitalize()
        if i in rare:
            title += f" {RARE_WORD}"
        items.append(
            {
                "id": f"item-{i:06d}",
                "url": f"https://site{i % 997}.example.org/posts/{i}",
                "title": title,
                "status": rng.choice(STATUSES),
                "category": rng.choice(CATEGORIES),
                "tags": rng.sample(TAGS, rng.randint(0, 3)),
                "topic": f"topic-{i % 50}",
                "comment": words(rng, 10),
                "added": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "site": f"site{i % 997}.example.org",
                "kind": rng.choice(["article", "paper", "video", "repo", "docs"]),
                "description": words(rng, 20),
            }
        )
    return items


def write_yaml(path: Path, items: list[dict]) -> None:
    data = {
        "resources": items,
        "topics": [{"id": f"topic-{t}", "title": f"Chapter {t}", "number": f"1.{t}"} for t in range(50)],
    }
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, width=1000), encoding="utf-8")


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.invalid"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def make_repo(root: Path, count: int) -> Project:
    items = make_items(count)
    resources = root / "resources.yaml"
    git(root, "init", "-q", "-b", "main")
    write_yaml(resources, items)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"import: {count} items")
    for item in items[: min(1000, count)]:
        item["status"] = "done"
    write_yaml(resources, items)
    git(root, "commit", "-q", "-am", "move: 1000 items -> done")
    return Project(resources)


def floor_build(resources: Path, db_path: Path) -> None:
    """The floor: parse with the C loader, insert the same rows with sqlite-utils, index them for FTS."""
    import sqlite_utils

    data = yaml.load(resources.read_bytes(), Loader=yaml.CSafeLoader)
    rows = []
    for item in data["resources"]:
        row = dict(item)
        row["tags"] = json.dumps(row.get("tags", []))
        rows.append(row)
    db = sqlite_utils.Database(db_path)
    db["resources"].insert_all(rows, pk="id", batch_size=1000)
    db["resources"].enable_fts(list(TABLES_BY_NAME["resources"].fts), fts_version="FTS5", tokenize="porter")
    db.conn.close()


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def search_times(db_path: Path, repeat: int) -> tuple[float, float, int, int]:
    ds, _ = make_datasette(db_path)
    ds._settings["sql_time_limit_ms"] = 60_000
    columns = TABLES_BY_NAME["resources"].fts
    like = " or ".join(f"{c} like '%{RARE_WORD}%'" for c in columns)
    fts_path = f"/tracker/resources.json?_search={RARE_WORD}&_shape=array&_size=100"
    like_path = f"/tracker/resources.json?_where={like}&_shape=array&_size=100"

    async def measure(path: str) -> tuple[float, int]:
        response = await ds.client.get(path)  # warm-up: connection, schema, page cache
        assert response.status_code == 200, response.text
        found = len(response.json())
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = await ds.client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        return statistics.median(times), found

    async def both():
        return await measure(fts_path), await measure(like_path)

    (fts, fts_found), (scan, scan_found) = asyncio.run(both())
    return fts, scan, fts_found, scan_found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        project = make_repo(root, args.items)
        size_mb = project.resources_file.stat().st_size / 1e6
        print(f"generated {args.items} items ({size_mb:.1f} MB, 2 commits) in {time.perf_counter() - started:.1f} s")
        floor = timed(floor_build, project.resources_file, root / "floor.db")
        build = timed(lambda: build_database(project, root / "tracker.db", force=True))
        noop = timed(lambda: build_database(project, root / "tracker.db"))
        fts, scan, fts_found, scan_found = search_times(root / "tracker.db", args.repeat)
    assert fts_found == scan_found == 20, (fts_found, scan_found)
    print()
    print(f"| {args.items:,} items | time | ratio | target |")
    print("|---|---|---|---|")
    print(f"| floor: CLoader parse + sqlite-utils insert_all + FTS5 | {floor:.2f} s | 1.00x | |")
    print(f"| `tracker build` (all tables, notes, git history, FTS x5) | {build:.2f} s | {build / floor:.2f}x | <= 1.5x |")
    print(f"| `tracker build`, sources unchanged (no-op) | {noop:.3f} s | {noop / floor:.3f}x | |")
    print(f"| LIKE full scan via Datasette JSON API (median of {args.repeat}) | {scan * 1000:.1f} ms | 1.00x | |")
    print(f"| FTS5 `_search` via Datasette JSON API (median of {args.repeat}) | {fts * 1000:.1f} ms | {fts / scan:.3f}x | < 0.1x |")


if __name__ == "__main__":
    main()
