"""How long the whole lab suite takes on the CPU: processes forked from a torch-preloaded server vs one fresh
``python lab/x.py`` per experiment (what the runner falls back to where there is no fork server).

    python benchmarks/bench_lab.py [--device cpu]

Prints both wall times and their ratio, measured in one run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.lab import runner  # noqa: E402
from tracker.lab.discovery import discover_experiments  # noqa: E402


def suite_seconds(device: str, fork_server: bool) -> tuple[float, int]:
    experiments = list(discover_experiments(Path(__file__).resolve().parents[1] / "lab").values())
    original = multiprocessing.get_all_start_methods
    if not fork_server:
        multiprocessing.get_all_start_methods = lambda: ["spawn"]  # type: ignore[assignment]
    try:
        began = time.perf_counter()
        results = runner.run_many(experiments, device=device)
        seconds = time.perf_counter() - began
    finally:
        multiprocessing.get_all_start_methods = original  # type: ignore[assignment]
    return seconds, sum(result["status"] == "pass" for result in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    forked, passed_forked = suite_seconds(args.device, fork_server=True)
    fresh, passed_fresh = suite_seconds(args.device, fork_server=False)
    print(f"fork server:         {forked:6.1f} s ({passed_forked} passed)")
    print(f"one python per file: {fresh:6.1f} s ({passed_fresh} passed)")
    print(f"ratio: the fork server is {fresh / forked:.1f}x faster")


if __name__ == "__main__":
    main()
