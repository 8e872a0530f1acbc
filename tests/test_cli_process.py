"""tracker as separate processes: concurrent writers take turns, a killed writer never tears the file,
and start-up stays light."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO_ROOT, commit_count, git, modules_after, run_tracker
from tracker.store import Store


def test_twenty_concurrent_adds_make_twenty_items_and_commits(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "tracker", "add", f"https://example.org/concurrent/{n}",
                          "--title", f"Concurrent {n}"], cwd=project, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for n in range(20)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 20, outputs
    assert sorted(out.strip() for out, _err in outputs) == sorted(f"concurrent-{n}" for n in range(20))
    doc = Store(project / "resources.yaml").load()
    assert len(doc.resources) == 23
    assert commit_count(project) == 21
    messages = git(project, "log", "--format=%s", "-n", "20").splitlines()
    assert sorted(messages) == sorted(f"add: Concurrent {n} (inbox)" for n in range(20))
    assert git(project, "status", "--porcelain") == ""
    listed = json.loads(run_tracker("list", "--json", cwd=project).stdout)
    assert len(listed) == 23


def _big_list(project: Path, count: int) -> None:
    lines = [(project / "resources.yaml").read_text().split("\nadvice:")[0]]
    for n in range(count):
        lines.append(f"- id: filler-{n}\n  url: https://example.org/filler/{n}\n  title: Filler {n}\n"
                     f"  status: inbox\n  tags: [filler]\n  added: 2026-01-01")
    rest = (project / "resources.yaml").read_text().split("\nadvice:")[1]
    (project / "resources.yaml").write_text("\n".join(lines) + "\n\nadvice:" + rest)
    git(project, "commit", "-qam", "filler")


def _resource_count(data: Path, validated: dict[bytes, int]) -> int:
    """Resources in the file by a full validating load; a content already loaded is not loaded again (a load reads
    nothing but the file, and at 3,000 items each costs most of a second)."""
    content = data.read_bytes()
    if content not in validated:
        validated[content] = len(Store(data).load().resources)
    return validated[content]


def test_a_killed_writer_leaves_the_old_file_or_the_new_one(project: Path) -> None:
    _big_list(project, 3000)
    data = project / "resources.yaml"
    run_tracker("list", "--limit", "1", cwd=project)  # build the index once
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    rng = random.Random(7)
    outcomes: set[str] = set()
    validated: dict[bytes, int] = {}
    today = dt.date.today().isoformat()
    for attempt in range(8):
        before = data.read_bytes()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "move", f"filler-{attempt}", "--to", "done"],
            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = data.read_bytes()
        if after == before:
            outcomes.add("old")
        else:
            outcomes.add("new")
            old_block = (f"- id: filler-{attempt}\n  url: https://example.org/filler/{attempt}\n"
                         f"  title: Filler {attempt}\n  status: inbox\n  tags: [filler]\n  added: 2026-01-01\n")
            new_block = old_block.replace("status: inbox", "status: done") + f"  status_changed: {today}\n"
            assert after == before.replace(old_block.encode(), new_block.encode())
        assert _resource_count(data, validated) == 3003  # always a valid file
    # Now kill each writer the moment its temp file appears, so the kill lands mid-write (before the rename).
    mid_write = 0
    for attempt in range(8, 12):
        before = data.read_bytes()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "move", f"filler-{attempt}", "--to", "done"],
            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        temp = project / f".resources.yaml.tmp-{proc.pid}"
        deadline = time.monotonic() + 30
        while not temp.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0)  # yield the core: on a 2-core machine a hard spin would slow the writer it waits for
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if temp.exists():  # killed between writing the temp file and renaming it over the data file
            mid_write += 1
            assert data.read_bytes() == before
            assert _resource_count(data, validated) == 3003
    assert mid_write >= 1, "no kill landed mid-write"
    # whatever happened, the next commands see a consistent state
    result = run_tracker("list", "--status", "done", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert {row["id"] for row in json.loads(result.stdout)} == {
        r.id for r in Store(data).load().resources if r.status == "done"}
    assert run_tracker("add", "https://example.org/after-kills", cwd=project).returncode == 0
    assert not list(project.glob(".resources.yaml.tmp-*"))
    print("kill outcomes:", outcomes)


HEAVY = {"pydantic", "yaml", "rich", "httpx", "bs4", "lxml", "torch", "datasette", "sqlite_utils", "sqlite3"}


def test_help_imports_nothing_heavy(project: Path) -> None:
    assert not (modules_after(["--help"], project) & HEAVY)


def test_read_commands_do_not_parse_yaml_or_load_models_when_the_index_is_fresh(project: Path) -> None:
    run_tracker("list", cwd=project)
    for args in (["list", "--status", "inbox"], ["search", "attention"], ["show", "micrograd", "--json"]):
        loaded = modules_after(args, project)
        assert not (loaded & {"pydantic", "yaml", "rich", "httpx", "torch"}), (args, loaded & HEAVY)


def test_move_and_add_need_no_models(project: Path) -> None:
    run_tracker("list", cwd=project)
    loaded = modules_after(["move", "micrograd", "--to", "reading"], project)
    assert "pydantic" not in loaded
    assert "micrograd done -> reading" in git(project, "log", "-1", "--format=%s")
    loaded = modules_after(["add", "https://example.org/typed", "--tag", "x", "--title", "Typed"], project)
    assert "pydantic" not in loaded
    assert git(project, "log", "-1", "--format=%s").strip() == "add: Typed (inbox)"


def test_readers_and_writers_at_once_leave_the_index_equal_to_the_file(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    commands = []
    for n in range(8):
        commands.append(["add", f"https://example.org/mixed/{n}"])
        commands.append(["list", "--json"])
        commands.append(["search", "mixed"])
    procs = [subprocess.Popen([sys.executable, "-m", "tracker", *args], cwd=project, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in commands]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs), results
    listed = json.loads(run_tracker("list", "--json", cwd=project).stdout)
    in_file = [r.id for r in Store(project / "resources.yaml").load().resources]
    assert [row["id"] for row in listed] == in_file and len(in_file) == 11
    assert commit_count(project) == 9
