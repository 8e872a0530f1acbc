"""Import speed: a 20,000-row Pocket CSV and Netscape bookmark file vs the store's bulk path for the same items.

Each side starts from a fresh `tracker init` project (a git repository) and ends with the items written and
committed once. The import side also reads and parses the file, dedupes, and plans ids; the floor is
``tracker.reading_list.add_resources`` given the already-parsed items. One run, ratios printed as a table.

    python benchmarks/bench_transfer.py [--items 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 1.5


def make_items(count: int) -> list[dict]:
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC).timestamp()
    return [
        {
            "url": f"https://example.org/articles/{n}/deep-learning-note-{n}",
            "title": f"Deep learning note number {n}",
            "tags": [f"topic-{n % 37}", f"source-{n % 11}"],
            "added": dt.datetime.fromtimestamp(start + n * 600, tz=dt.UTC).date(),
            "status": "inbox" if n % 3 else "done",
            "time_added": int(start + n * 600),
        }
        for n in range(count)
    ]


def write_pocket(items: list[dict], path: Path) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "url", "time_added", "cursor", "tags", "status"])
        for n, item in enumerate(items):
            status = "unread" if item["status"] == "inbox" else "archive"
            writer.writerow([item["title"], item["url"], item["time_added"], n, "|".join(item["tags"]), status])


def write_netscape(items: list[dict], path: Path) -> None:
    lines = ["<!DOCTYPE NETSCAPE-Bookmark-file-1>", "<TITLE>Bookmarks</TITLE>", "<H1>Bookmarks</H1>", "<DL><p>"]
    for item in items:
        lines.append(
            f'    <DT><A HREF="{item["url"]}" ADD_DATE="{item["time_added"]}" TAGS="{",".join(item["tags"])}">'
            f'{item["title"]}</A>'
        )
    lines.append("</DL><p>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fresh_project(root: Path, name: str) -> Path:
    from tracker.project import init_project

    folder = root / name
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    init_project(folder)
    return folder / "resources.yaml"


class Clock:
    """Wall time and CPU time (this process and the git processes it waited for): on a shared machine the CPU
    time is the steadier measure, so the verdict uses it; wall time is shown beside it."""

    def __enter__(self) -> Clock:
        self.wall = time.perf_counter()
        self.cpu = sum(os.times()[:4])
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = sum(os.times()[:4]) - self.cpu


def time_bulk(root: Path, name: str, items: list[dict]) -> Clock:
    from tracker.reading_list import add_resources
    from tracker.store import Store

    data_file = fresh_project(root, name)
    fields = [{key: item[key] for key in ("url", "title", "tags", "added", "status")} for item in items]
    with Clock() as clock:
        result = add_resources(Store(data_file), fields, message=f"add: {len(fields)} items")
    assert len(result.added) == len(items)
    return clock


def time_import(root: Path, name: str, source: Path, count: int) -> Clock:
    from tracker.importers.apply import import_into_store
    from tracker.store import Store

    data_file = fresh_project(root, name)
    with Clock() as clock:
        report = import_into_store(Store(data_file), source)
    assert report.counts()["added"] == count, report.counts()
    return clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("GIT_AUTHOR_NAME", "bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@tracker.invalid")
    os.environ.setdefault("GIT_COMMITTER_NAME", "bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@tracker.invalid")
    items = make_items(args.items)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pocket = root / "pocket.csv"
        netscape = root / "bookmarks.html"
        write_pocket(items, pocket)
        write_netscape(items, netscape)
        import tracker.importers.delimited  # noqa: F401 - module loading is not what is measured
        import tracker.importers.netscape  # noqa: F401

        floor = time_bulk(root, "bulk", items)
        rows = [
            ("Pocket CSV", time_import(root, "pocket", pocket, args.items)),
            ("Netscape HTML", time_import(root, "netscape", netscape, args.items)),
        ]
    print(f"{args.items} items; floor = the store's bulk add of the same items, parsed already\n")
    print("| import | items | ratio (CPU time) | ratio (wall time) | target |")
    print("|---|---:|---:|---:|---:|")
    failed = False
    for label, clock in rows:
        ratio = clock.cpu / floor.cpu
        failed |= ratio > TARGET
        print(f"| {label} | {args.items} | {ratio:.2f}x | {clock.wall / floor.wall:.2f}x | <= {TARGET}x |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
