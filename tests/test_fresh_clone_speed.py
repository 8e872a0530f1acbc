"""The first command in a fresh clone (no index yet) must not cost a full YAML parse of the file.

A ratio, not a time: building the index of a 3,000-item file against PyYAML's C loader parsing the same file,
both measured here in CPU time (so a busy machine slows both alike), best of three. The full validating path
this replaced measured 1.2-1.7x; the fast path measures 0.24-0.31x at this size on a busy shared machine (fixed
costs weigh more at 3k items than at 100k), so 0.5x catches any fall back to parsing the world.

The other tests here keep that first build safe: its journal, a repeat in the list, a process killed half-way.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from benchmarks.bench_scale import generate_list
from tests.conftest import REPO_ROOT, run_tracker
from tracker.errors import DataError
from tracker.store import Store
from tracker.store.index import Index

ITEMS = 3000
MAX_RATIO = 0.5


def _cpu(action) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def test_first_index_build_costs_a_fraction_of_a_c_parse(tmp_path: Path) -> None:
    data = tmp_path / "resources.yaml"
    generate_list(ITEMS, data)
    text = data.read_text(encoding="utf-8")

    def build() -> None:
        shutil.rmtree(tmp_path / ".tracker", ignore_errors=True)
        index = Store(data, commit=False).index()
        assert index.resource_count() == ITEMS
        index.close()

    build()  # imports, byte code: what a second fresh clone on the same machine would not pay again
    ours = min(_cpu(build) for _ in range(3))
    parse = min(_cpu(lambda: yaml.load(text, Loader=yaml.CSafeLoader)) for _ in range(3))
    assert ours <= MAX_RATIO * parse, f"index build {ours:.3f}s vs C parse {parse:.3f}s ({ours / parse:.2f}x)"


def test_the_first_build_leaves_the_index_in_wal_mode_with_no_journal(tmp_path: Path) -> None:
    """The first build writes through a rollback journal (one write per page, not two); later commands read
    beside a writer, so the index must be back in WAL mode, with no journal file left over."""
    data = tmp_path / "resources.yaml"
    generate_list(50, data)
    index = Store(data, commit=False).index()
    assert index.resource_count() == 50
    index.close()
    conn = sqlite3.connect(tmp_path / ".tracker" / "index.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert not (tmp_path / ".tracker" / "index.db-journal").exists()


def test_an_index_someone_else_holds_open_is_built_in_wal_mode(tmp_path: Path) -> None:
    """When another connection has the new index open, the journal cannot be switched: the build goes on in
    WAL mode instead of failing."""
    data = tmp_path / "resources.yaml"
    generate_list(50, data)
    Store(data, commit=False).index().close()
    for name in ("index.db", "index.db-wal", "index.db-shm", "index.db-journal"):
        (tmp_path / ".tracker" / name).unlink(missing_ok=True)
    other = Index(tmp_path / ".tracker" / "index.db")  # a reader that opened the new file first
    other.conn.execute("SELECT count(*) FROM resources").fetchone()
    index = Store(data, commit=False).index()
    assert index.resource_count() == 50
    assert other.resource_count() == 50
    index.close()
    other.close()


def test_a_repeat_in_a_canonical_list_is_reported_with_its_line(tmp_path: Path) -> None:
    """The fast first build leaves repeated ids to the unique index and repeated URLs to a set; either way the
    full path reports the repeat with its line, as for any hand-written file."""
    data = tmp_path / "resources.yaml"
    generate_list(600, data)
    text = data.read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (.+)$", text, re.M)
    urls = re.findall(r"^  url: (.+)$", text, re.M)
    for old, new, message in ((f"- id: {ids[500]}\n", f"- id: {ids[0]}\n", f"duplicate id '{ids[0]}'"),
                              (f"  url: {urls[500]}\n", f"  url: {urls[0]}\n", "duplicate URL")):
        data.write_text(text.replace(old, new, 1), encoding="utf-8")
        shutil.rmtree(tmp_path / ".tracker", ignore_errors=True)
        line = text[:text.index(old)].count("\n") + 1
        with pytest.raises(DataError, match=rf"resources.yaml:{line}: {message}"):
            Store(data, commit=False).index()


def test_a_first_build_killed_half_way_is_rolled_back_by_the_next_command(tmp_path: Path) -> None:
    """A process killed during the first build leaves a hot rollback journal (or nothing, or a finished index):
    the next command rolls it back, builds the index and reads every item, in WAL mode as always."""
    data = tmp_path / "resources.yaml"
    generate_list(20000, data)
    command = [sys.executable, "-m", "tracker", "list", "--limit", "1"]
    for delay in (0.4, 0.8):
        shutil.rmtree(tmp_path / ".tracker", ignore_errors=True)
        proc = subprocess.Popen(command, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        after = run_tracker("list", "--limit", "1", cwd=tmp_path, timeout=120)
        assert after.returncode == 0, after.stderr
        assert "19999 more" in after.stdout + after.stderr
        conn = sqlite3.connect(tmp_path / ".tracker" / "index.db")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM resources").fetchone()[0] == 20000
        conn.close()
        assert not (tmp_path / ".tracker" / "index.db-journal").exists()
