"""Run experiments found in lab/, each in its own Python process with a timeout, and collect their results.

The CLI process never imports torch: the experiment file runs as a script (exactly as a user would run it) with
``--json``, and its one JSON document on stdout is the result.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tracker.errors import TrackerError
from tracker.lab.discovery import ExperimentInfo

DEFAULT_TIMEOUT_S = 120.0
TORCH_MISSING = "torch is not installed: the lab needs it (pip install 'tracker[lab]')"
EXIT_USAGE = 2  # tracker.lab.experiment.EXIT_USAGE, repeated here so this module stays free of torch


class LabError(TrackerError):
    """The lab cannot run at all here (no torch, a device that does not exist)."""


def require_torch() -> None:
    """Fail early, with the install command, when this interpreter has no torch (checked without importing it)."""
    if importlib.util.find_spec("torch") is None:
        raise LabError(TORCH_MISSING)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def _child_env(jobs: int = 1) -> dict[str, str]:
    """The experiment process finds this same ``tracker`` package first, wherever the user's lab/ lives.

    With several experiments at once, each gets its share of the cores: BLAS thread pools that together ask
    for more threads than there are cores spin against each other and time nothing useful.
    """
    env = dict(os.environ)
    if jobs > 1:
        share = str(max(1, (os.cpu_count() or 1) // jobs))
        for name in THREAD_VARIABLES:
            env.setdefault(name, share)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _failure(info: ExperimentInfo, status: str, error: str, seconds: float, device: str | None) -> dict[str, Any]:
    return {
        "experiment": info.id, "title": info.title, "topic": info.topic, "claims": list(info.claims),
        "status": status, "passed": 0, "failed": 0, "max_error": None, "device": device or "auto",
        "duration_s": round(seconds, 4), "wall_s": round(seconds, 4), "checks": [], "notes": {}, "timings": {}, "artifacts": [], "error": error,
    }


def run_one(
    info: ExperimentInfo,
    device: str | None = None,
    seed: int = 0,
    timeout: float = DEFAULT_TIMEOUT_S,
    output_dir: Path | None = None,
    jobs: int = 1,
) -> dict[str, Any]:
    """Run one experiment in a subprocess; a crash or a timeout becomes a result with status error/timeout.

    Raises LabError when the experiment process says the device does not exist or torch is missing: those are
    about this machine, not about the experiment, and every other experiment would fail the same way.
    """
    command = [sys.executable, str(info.path), "--json", "--seed", str(seed)]
    if device:
        command += ["--device", device]
    if output_dir is not None:
        command += ["--output-dir", str(output_dir)]
    began = time.perf_counter()
    # A new session makes the experiment the leader of its own process group, so a timeout kills all of it.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_child_env(jobs),
        cwd=info.path.parent, start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return _failure(info, "timeout", f"timed out after {timeout:g} s", time.perf_counter() - began, device)
    seconds = time.perf_counter() - began
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError:
        if "No module named 'torch'" in stderr:
            raise LabError(TORCH_MISSING) from None
        tail = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {process.returncode}"
        return _failure(info, "error", f"the experiment produced no result: {tail}", seconds, device)
    if process.returncode == EXIT_USAGE or result.get("status") == "usage":
        raise LabError(result.get("error") or f"{info.id}: bad arguments")
    result["wall_s"] = round(seconds, 4)  # including interpreter start and the torch import
    return result


def run_many(
    experiments: list[ExperimentInfo],
    device: str | None = None,
    seed: int = 0,
    timeout: float = DEFAULT_TIMEOUT_S,
    jobs: int = 1,
    output_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """Run experiments (``jobs`` at a time), results in the order given."""
    require_torch()
    if jobs <= 1 or len(experiments) <= 1:
        return [run_one(info, device, seed, timeout, output_dir) for info in experiments]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_one, info, device, seed, timeout, output_dir, jobs) for info in experiments]
        return [future.result() for future in futures]
