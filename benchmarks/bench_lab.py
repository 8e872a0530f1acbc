"""How long the whole lab suite takes on the CPU: processes forked from a torch-preloaded server (what
``tracker lab run --all`` does) vs one fresh ``python lab/x.py`` per experiment (the fallback where there is no fork
server), against the floor of running every experiment in one process that imported torch once (what the tests do).

    python benchmarks/bench_lab.py [--device cpu]

Prints the three wall times and their ratios, measured in one run.
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


def in_process_seconds(device: str) -> tuple[float, int]:
    """The floor: every experiment in this process, torch imported once (the import counted)."""
    began = time.perf_counter()
    from tracker.lab.experiment import run_file

    experiments = list(discover_experiments(Path(__file__).resolve().parents[1] / "lab").values())
    results = [run_file(info.path, device) for info in experiments]
    return time.perf_counter() - began, sum(result["status"] == "pass" for result in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    forked, passed_forked = suite_seconds(args.device, fork_server=True)
    fresh, passed_fresh = suite_seconds(args.device, fork_server=False)
    floor, passed_floor = in_process_seconds(args.device)
    print(f"one process (floor): {floor:6.1f} s ({passed_floor} passed)  1.0x")
    print(f"fork server:         {forked:6.1f} s ({passed_forked} passed)  {forked / floor:.1f}x")
    print(f"one python per file: {fresh:6.1f} s ({passed_fresh} passed)  {fresh / floor:.1f}x")
    print(f"ratio: the fork server is {fresh / forked:.1f}x faster than one python per file")


if __name__ == "__main__":
    main()
