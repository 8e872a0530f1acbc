"""`tracker check` end to end: a real git repo in a temp dir, a real server on 127.0.0.1, the real CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import git
from tests.linkcheck_support import LinkServer, closed_port, without_proxies
from tests.metadata_support import NetworkStub
from tracker.cli import cli
from tracker.web.links.linkhistory import HISTORY_NAME

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _tables_as_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table tests read what a person sees; piped output (tab-separated) is tested in test_cli_behaviour."""
    import tracker.commands.output as output

    monkeypatch.setattr(output, "is_terminal", lambda: True)


def make_repo(tmp_path: Path, urls: dict[str, str]) -> Path:
    repo = tmp_path / "list"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "Test")
    lines = ["resources:"]
    for item_id, url in urls.items():
        lines += [f"- id: {item_id}", f"  url: {url}", f"  title: {item_id.title()}", "  status: inbox"]
    (repo / "resources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (repo / ".gitignore").write_text(".tracker/\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "list")
    return repo


def check(repo: Path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(
        cli, ["--file", str(repo / "resources.yaml"), "check", "--json", "--timeout", "2", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def commits(repo: Path) -> list[str]:
    return [m.strip() for m in git(repo, "log", "--format=%B%x00").split("\x00") if m.strip()]


def verdicts(doc: dict) -> dict[str, str]:
    return {r["id"]: r["verdict"] for r in doc["results"]}


def test_verdicts_exit_codes_json_and_one_commit(tmp_path, link_server):
    repo = make_repo(
        tmp_path,
        {"fine": link_server.url("/ok/a"), "moved": link_server.url("/perm/a"), "gone": link_server.url("/gone404/a")},
    )
    code, doc = check(repo)
    assert code == 3  # a dead link
    assert verdicts(doc) == {"fine": "ok", "moved": "redirected", "gone": "dead"}
    moved = next(r for r in doc["results"] if r["id"] == "moved")
    assert set(moved) == {"url", "id", "verdict", "status_code", "detail", "final_url", "archived_url"}
    assert moved["final_url"] == link_server.url("/ok/moved")
    log = commits(repo)
    assert len(log) == 2 and log[0].startswith("check: 3 link verdicts changed")
    assert git(repo, "status", "--porcelain") == ""  # history committed, cache ignored
    history = json.loads((repo / HISTORY_NAME).read_text())["links"]
    assert history[link_server.url("/gone404/a")]["verdict"] == "dead"
    assert history[link_server.url("/perm/a")]["final_url"] == link_server.url("/ok/moved")

    code, _ = check(repo, "fine", "moved")  # refs: only these items, both fine
    assert code == 0


def test_a_run_that_changes_no_verdict_changes_no_file(tmp_path, link_server):
    repo = make_repo(tmp_path, {"fine": link_server.url("/ok/b"), "gone": link_server.url("/gone410/b")})
    check(repo)
    before = (repo / HISTORY_NAME).read_bytes()
    head = git(repo, "rev-parse", "HEAD")
    time.sleep(1.1)  # a later second: timestamps must not leak into the tracked file
    code, doc = check(repo)
    assert code == 3 and doc["changes"] == []
    assert (repo / HISTORY_NAME).read_bytes() == before
    assert git(repo, "rev-parse", "HEAD") == head

    # --max-age reuses the recent success and re-checks the failure
    ok_hits, gone_hits = link_server.count("/ok/b"), link_server.count("/gone410/b")
    code, doc = check(repo, "--max-age", "1h")
    assert code == 3 and doc["reused"] == 1
    assert link_server.count("/ok/b") == ok_hits and link_server.count("/gone410/b") > gone_hits


def test_a_transient_failure_is_dead_only_after_three_runs_and_recovers(tmp_path, link_server):
    """The count of runs (the span in days is turned off here: see the test after this one)."""
    path = "/ok/flapping"
    link_server.broken_paths.add(path)
    repo = make_repo(tmp_path, {"flapping": link_server.url(path)})
    try:
        seen = []
        for _ in range(3):
            code, doc = check(repo, "--dead-after-days", "0")
            seen.append((code, verdicts(doc)["flapping"]))
        assert seen == [(1, "error"), (1, "error"), (3, "dead")]
        assert "3 runs in a row" in doc["results"][0]["detail"]
        log = commits(repo)
        assert log[0].startswith("check: 1 link verdict changed (1 now dead)")
        assert log[1].startswith("check: 1 link failing again")
        record = json.loads((repo / HISTORY_NAME).read_text())["links"][link_server.url(path)]
        assert record["failed_runs"] == 3 and record["first_failed"] and record["status_code"] == 500

        head = git(repo, "rev-parse", "HEAD")
        code, _ = check(repo, "--dead-after-days", "0")  # still failing: still dead, nothing new to record
        assert code == 3 and git(repo, "rev-parse", "HEAD") == head
    finally:
        link_server.broken_paths.discard(path)
    code, doc = check(repo)
    assert code == 0 and verdicts(doc) == {"flapping": "ok"}
    record = json.loads((repo / HISTORY_NAME).read_text())["links"][link_server.url(path)]
    assert record["verdict"] == "ok" and "failed_runs" not in record and "first_failed" not in record


def test_fix_redirects_updates_the_list_in_one_commit(tmp_path, link_server):
    repo = make_repo(tmp_path, {"moved": link_server.url("/perm/c"), "fine": link_server.url("/ok/c")})
    before = len(commits(repo))
    code, doc = check(repo, "--fix-redirects")
    assert code == 0 and verdicts(doc)["moved"] == "redirected"
    text = (repo / "resources.yaml").read_text()
    assert link_server.url("/ok/moved") in text and link_server.url("/perm/c") not in text
    assert link_server.url("/ok/c") in text
    # one commit holds both the new URL and the history of the run
    assert len(commits(repo)) == before + 1
    assert commits(repo)[0].startswith("check: update 1 moved URL")
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == [HISTORY_NAME, "resources.yaml"]
    assert git(repo, "status", "--porcelain") == ""
    code, doc = check(repo, "--fix-redirects")  # the new URL is fine: nothing left to fix
    assert code == 0 and verdicts(doc) == {"moved": "ok", "fine": "ok"}


def test_links_from_a_markdown_file_and_other_errors(tmp_path, link_server):
    readme = tmp_path / "README.md"
    readme.write_text(f"See [a]({link_server.url('/ok/d')}) and <{link_server.url('/err500/d')}>.\n")
    result = CliRunner().invoke(cli, ["check", "--links-from", str(readme), "--json", "--timeout", "2"])
    doc = json.loads(result.stdout)
    assert [(r["id"], r["verdict"]) for r in doc["results"]] == [(None, "ok"), (None, "error")]
    assert result.exit_code == 1  # an error, nothing proven dead
    assert not (tmp_path / HISTORY_NAME).exists()

    result = CliRunner().invoke(cli, ["check", "--links-from", str(readme), "--format", "markdown"])
    assert "| url | verdict | detail |" in result.output and "error" in result.output

    missing = CliRunner().invoke(cli, ["--file", str(tmp_path / "nope.yaml"), "check"])
    assert missing.exit_code == 1 and "Error:" in missing.output
    # usage errors are 2, as for every command: dead links found is 3
    bad = CliRunner().invoke(cli, ["check", "--links-from", str(readme), "--exclude", "("])
    assert bad.exit_code == 2 and "--exclude" in bad.output
    assert CliRunner().invoke(cli, ["check", "--timeout", "soon"]).exit_code == 2

    excluded = CliRunner().invoke(
        cli, ["check", "--links-from", str(readme), "--json", "--exclude", "/err500/", "--exclude", "^ftp:"]
    )
    assert excluded.exit_code == 0
    assert [r["url"] for r in json.loads(excluded.stdout)["results"]] == [link_server.url("/ok/d")]


def test_ctrl_c_saves_the_results_so_far(tmp_path, link_server):
    urls = {f"quick{i}": link_server.url(f"/ok/quick{i}") for i in range(4)}
    urls |= {f"slow{i}": link_server.url(f"/delay/{i}") for i in range(12)}
    repo = make_repo(tmp_path, urls)
    env = {**without_proxies(dict(os.environ)), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "check", "--per-host", "2", "--json"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 15
    while link_server.count("/delay/0") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err
    doc = json.loads(out)
    assert doc["complete"] is False
    history = json.loads((repo / HISTORY_NAME).read_text())["links"]  # valid JSON
    assert {link_server.url(f"/ok/quick{i}") for i in range(4)} <= set(history)
    assert len(history) < len(urls)
    assert commits(repo)[0].startswith("check (interrupted):")


def test_removed_items_are_forgotten_and_the_table_says_what_changed(tmp_path, link_server):
    repo = make_repo(tmp_path, {"keep": link_server.url("/ok/e"), "drop": link_server.url("/gone404/e")})
    check(repo)
    removed = CliRunner().invoke(cli, ["--file", str(repo / "resources.yaml"), "remove", "drop"])
    assert removed.exit_code == 0, removed.output
    code, doc = check(repo)
    assert code == 0 and verdicts(doc) == {"keep": "ok"}
    assert commits(repo)[0].startswith("check: forget 1 link no longer in the list")
    assert list(json.loads((repo / HISTORY_NAME).read_text())["links"]) == [link_server.url("/ok/e")]

    link_server.broken_paths.add("/ok/e")
    try:
        table = CliRunner().invoke(cli, ["--file", str(repo / "resources.yaml"), "check", "--timeout", "2"])
    finally:
        link_server.broken_paths.discard("/ok/e")
    assert table.exit_code == 1
    assert "What changed since the last run" in table.stdout
    assert "keep" in table.stdout and "error" in table.stdout and "1 link: 1 error" in table.stdout


def test_status_picks_the_items_to_check_in_file_order(tmp_path, link_server):
    repo = make_repo(tmp_path, {"gone": link_server.url("/gone404/s"), "fine": link_server.url("/ok/s")})
    moved = CliRunner().invoke(cli, ["--file", str(repo / "resources.yaml"), "move", "fine", "--to", "done"])
    assert moved.exit_code == 0, moved.output
    code, doc = check(repo, "--status", "done")
    assert code == 0 and verdicts(doc) == {"fine": "ok"}
    code, doc = check(repo, "--status", "inbox", "--status", "done")
    assert code == 3 and [r["id"] for r in doc["results"]] == ["gone", "fine"]


def test_the_table_prints_urls_as_written_not_as_rich_markup(tmp_path, link_server):
    repo = make_repo(tmp_path, {"odd": link_server.url("/gone404/[b]x")})
    table = CliRunner().invoke(cli, ["--file", str(repo / "resources.yaml"), "check", "--timeout", "2"])
    assert table.exit_code == 3, table.output
    assert "/gone404/[b]x" in table.stdout


def test_the_history_survives_a_fresh_clone(tmp_path, link_server):
    repo = make_repo(tmp_path, {"failing": link_server.url("/err500/clone"), "fine": link_server.url("/ok/clone")})
    code, doc = check(repo)
    detail = {r["id"]: r["detail"] for r in doc["results"]}
    assert code == 1 and "failing run 1 of 3" in detail["failing"]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    git(clone, "config", "user.email", "ci@example.invalid")
    git(clone, "config", "user.name", "CI")
    code, doc = check(clone)  # a CI job on a fresh checkout goes on counting where the laptop stopped
    detail = {r["id"]: r["detail"] for r in doc["results"]}
    assert code == 1 and "failing run 2 of 3" in detail["failing"]
    assert doc["changes"] == [] and commits(clone)[0].startswith("check: 1 link failing again")


def test_an_offline_run_cries_no_wolf(tmp_path, loopback_is_internet, monkeypatch):
    """No host answers at all (the machine is offline, DNS broken): nothing is called dead or recorded."""
    net = NetworkStub({"fine.example": ["127.0.0.1"]}).install(monkeypatch)
    own = LinkServer(lifetime=60).start()
    try:
        repo = make_repo(
            tmp_path,
            {
                "fine": f"http://fine.example:{own.port}/ok/offline",
                "also-fine": f"http://fine.example:{own.port}/ok/offline-2",
                "nohost": "http://no-such-host.invalid/page",
            },
        )
        code, doc = check(repo)  # online: the server answers, so the .invalid host is really gone
        assert code == 3 and verdicts(doc) == {"fine": "ok", "also-fine": "ok", "nohost": "dead"}
        assert doc["no_network"] is False
        # --max-age re-checks only the failure: no host answers it, yet the known dead link stays dead
        code, doc = check(repo, "--max-age", "1h")
        assert code == 3 and doc["reused"] == 2 and verdicts(doc)["nohost"] == "dead"
        net.names.clear()  # like a laptop that lost the network: no name resolves, no host answers
        history_before = (repo / HISTORY_NAME).read_bytes()
        head = git(repo, "rev-parse", "HEAD")
        code, doc = check(repo)
        assert doc["no_network"] is True and doc["changes"] == []
        # the ok links are not called dead: errors that say why; the link known dead stays dead, nothing new
        assert verdicts(doc) == {"fine": "error", "also-fine": "error", "nohost": "dead"} and code == 3
        details = {r["id"]: r["detail"] for r in doc["results"]}
        assert details["fine"] == "no network: no host answered in this run (DNS: no such host)"
        assert details["nohost"].startswith("dead since 20") and "last known verdict; no network" in details["nohost"]
        assert (repo / HISTORY_NAME).read_bytes() == history_before  # still ok, ok, dead: nothing learnt
        assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""

        table = CliRunner().invoke(cli, ["--file", str(repo / "resources.yaml"), "check", "--timeout", "2"])
        assert table.exit_code == 3 and "No host answered in this run" in table.stdout
        assert git(repo, "rev-parse", "HEAD") == head
    finally:
        own.stop()


def test_a_list_of_unreachable_hosts_only_is_not_committed_as_dead(tmp_path):
    repo = make_repo(
        tmp_path,
        {
            "nxdomain": "http://no-such-host.invalid/a",
            "nxdomain2": "https://another-gone-host.invalid/b",
        },
    )
    head = git(repo, "rev-parse", "HEAD")
    for _ in range(3):  # however often it runs offline, nothing counts toward dead
        code, doc = check(repo)
        assert code == 1 and set(verdicts(doc).values()) == {"error"}
        assert all(r["detail"].startswith("no network") for r in doc["results"])
    assert git(repo, "rev-parse", "HEAD") == head and not (repo / HISTORY_NAME).exists()


def test_the_ci_summary_names_every_dead_link_not_only_the_changes(tmp_path, link_server):
    repo = make_repo(
        tmp_path,
        {"fine": link_server.url("/ok/ci"), "gone": link_server.url("/gone404/ci"), "moved": link_server.url("/perm/ci")},
    )
    check(repo)  # last week's run: the dead link was news then
    args = ["--file", str(repo / "resources.yaml"), "check", "--timeout", "2"]
    md = CliRunner().invoke(cli, [*args, "--format", "markdown"])
    assert md.exit_code == 3
    need, changed = md.stdout.split("### What changed since the last run")
    assert "### Links that need a look (2)" in need
    rows = [line for line in need.splitlines() if line.startswith("| ")]
    assert rows[0] == "| id | url | verdict | failing since | detail |"
    assert rows[1].startswith(f"| gone | {link_server.url('/gone404/ci')} | dead | 20")  # worst first, with since
    assert rows[2].startswith(f"| moved | {link_server.url('/perm/ci')} | redirected |")
    assert "(0)" in changed and "No verdict changed since the last run." in changed

    table = CliRunner().invoke(cli, args)
    assert table.exit_code == 3
    assert "Links that need a look (2)" in table.stdout and "gone" in table.stdout and "dead" in table.stdout
    assert "No verdict changed since the last run." in table.stdout


def test_a_failing_link_is_dead_only_when_failures_span_days(tmp_path, link_server):
    """Runs a minute apart prove nothing: the failures must span --dead-after-days (2) as well (the rule itself,
    run by run, is tested without a server in test_linkcheck.py)."""
    repo = make_repo(tmp_path, {"failing": link_server.url("/hang/days")})  # a timeout: transient
    code, doc = check(repo, "--dead-after", "1", "--timeout", "0.3")
    assert code == 1 and verdicts(doc) == {"failing": "timeout"}
    assert "called dead once the failures span 2 days" in doc["results"][0]["detail"]
    # Time passes: the streak began long ago (as a hand edit of the tracked file can say, too).
    path = repo / HISTORY_NAME
    history = json.loads(path.read_text())
    history["links"][link_server.url("/hang/days")]["first_failed"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(history))
    code, doc = check(repo, "--dead-after", "1", "--timeout", "0.3")
    assert code == 3 and verdicts(doc) == {"failing": "dead"}
    assert "since 2020-01-01" in doc["results"][0]["detail"]


def test_the_history_keeps_why_a_link_failed(tmp_path, link_server, loopback_is_internet):
    """The dead-links page shows the checker's reason: DNS failures have no status code, so the words matter."""
    repo = make_repo(tmp_path, {"nohost": "http://no-such-host.invalid/x", "fine": link_server.url("/ok/why")})
    code, _ = check(repo)
    assert code == 3
    links = json.loads((repo / HISTORY_NAME).read_text())["links"]
    assert links["http://no-such-host.invalid/x"]["detail"] == "DNS: no such host"
    assert "detail" not in links[link_server.url("/ok/why")]


def test_a_server_on_this_machine_answering_is_no_proof_of_the_internet(tmp_path, link_server):
    """Offline with a loopback item in the list: the unreachable links are not called dead."""
    repo = make_repo(tmp_path, {"local": link_server.url("/ok/lan"), "paper": "https://no-such-host.invalid/abs/1"})
    head = git(repo, "rev-parse", "HEAD")
    code, doc = check(repo)
    assert doc["no_network"] is True and verdicts(doc) == {"local": "ok", "paper": "error"}
    assert code == 1 and doc["results"][1]["detail"].startswith("no network")
    links = json.loads((repo / HISTORY_NAME).read_text())["links"]
    assert set(links) == {link_server.url("/ok/lan")}  # nothing learnt about the paper
    assert git(repo, "rev-parse", "HEAD") != head


def test_fix_redirects_skips_a_move_onto_another_item_and_fixes_the_rest(tmp_path, link_server):
    repo = make_repo(
        tmp_path,
        {
            "old": link_server.url("/perm/e"),  # moved to /ok/moved, which is already "there"
            "there": link_server.url("/ok/moved"),
            "chained": link_server.url("/chain/e"),  # moved (301) to /chain2/x: nobody's yet
        },
    )
    result = CliRunner().invoke(
        cli, ["--file", str(repo / "resources.yaml"), "check", "--json", "--timeout", "2", "--fix-redirects"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["skipped_fixes"] == [{"id": "old", "url": link_server.url("/ok/moved"), "other": "there"}]
    assert "note: not updated old: it moved to" in result.stderr and "already in the list as 'there'" in result.stderr
    text = (repo / "resources.yaml").read_text()
    assert link_server.url("/perm/e") in text and link_server.url("/chain2/x") in text
    assert commits(repo)[0].startswith("check: update 1 moved URL")


def test_a_port_refused_on_this_machine_is_dead_without_a_witness(tmp_path):
    """Refused on 127.0.0.1 is refused whether or not the internet is up (the shared benchmark's closed port)."""
    repo = make_repo(tmp_path, {"closed": f"http://127.0.0.1:{closed_port()}/c", "gone": "http://gone.invalid/x"})
    code, doc = check(repo)
    assert doc["no_network"] is True and verdicts(doc) == {"closed": "dead", "gone": "error"} and code == 3
