"""Run experiments found in lab/, each in its own process with a timeout, and collect their results.

The CLI process never imports torch: each experiment file runs as ``__main__`` with ``--json`` (as a user would
run it) in a process of its own, and its one JSON document on stdout is the result.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tracker.errors import TrackerError
from tracker.lab.discovery import ExperimentInfo

DEFAULT_TIMEOUT_S = 120.0
TORCH_MISSING = "torch is not installed: the lab needs it (pip install -e '.[lab]' in the tracker repository)"
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
        "experiment": info.id, "title": info.title, "topic": info.topic,
        "claims": [{"key": key, "text": text, "status": "not checked", "checks": [], "why": f"the run ended: {status}"}
                   for key, text in info.claim_texts().items()],
        "status": status, "passed": 0, "failed": 0, "max_error": None, "device": device or "auto",
        "duration_s": round(seconds, 4), "wall_s": round(seconds, 4), "checks": [], "notes": {}, "timings": {}, "artifacts": [], "error": error,
    }


def _experiment_args(device: str | None, seed: int, output_dir: Path | None) -> list[str]:
    args = ["--json", "--seed", str(seed)]
    if device:
        args += ["--device", device]
    if output_dir is not None:
        args += ["--output-dir", str(output_dir)]
    return args


@functools.cache
def _forkserver() -> Any:
    """A fork server that imports torch once; each experiment is a fresh process forked from it.

    Importing torch takes about a second, far longer than most experiments, so the whole suite would mostly
    measure imports. The fork server is its own process: the CLI process itself still never imports torch.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["torch", "tracker.lab.experiment"])
    return context


def _exec_experiment(path: str, argv: list[str], out_path: str, err_path: str, threads: int | None) -> None:
    """In the forked child: become a process group, send output to files, and run the file as ``__main__``."""
    import runpy

    os.setsid()  # so a timeout can kill the experiment and anything it started
    for fd, name in ((1, out_path), (2, err_path)):
        target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    if threads:
        import torch

        torch.set_num_threads(threads)
    folder = str(Path(path).parent)
    os.chdir(folder)
    sys.argv = [path, *argv]
    sys.path.insert(0, folder)
    runpy.run_path(path, run_name="__main__")


def _launch_forked(info: ExperimentInfo, args: list[str], timeout: float, jobs: int) -> tuple[int | None, str, str]:
    """(exit status or None on timeout, stdout, stderr) of the experiment run in a process forked from the server."""
    threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else None
    with tempfile.TemporaryDirectory(prefix="tracker-lab-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        process = _forkserver().Process(target=_exec_experiment, args=(str(info.path), args, str(out), str(err), threads))
        process.start()
        try:
            process.join(timeout)
        finally:  # on a timeout, and on Ctrl-C too: the experiment runs in its own session and would live on
            code = process.exitcode
            if process.is_alive():
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    process.kill()
                process.join()
                code = None

        def read(path: Path) -> str:
            return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

        return code, read(out), read(err)


def _launch_subprocess(info: ExperimentInfo, args: list[str], timeout: float, jobs: int) -> tuple[int | None, str, str]:
    """The same, as ``python lab/x.py ARGS`` (where there is no fork server, e.g. on Windows)."""
    # A new session makes the experiment the leader of its own process group, so a timeout kills all of it.
    process = subprocess.Popen(
        [sys.executable, str(info.path), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_child_env(jobs), cwd=info.path.parent, start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, "", ""
    return process.returncode, stdout, stderr


def run_one(
    info: ExperimentInfo,
    device: str | None = None,
    seed: int = 0,
    timeout: float = DEFAULT_TIMEOUT_S,
    output_dir: Path | None = None,
    jobs: int = 1,
) -> dict[str, Any]:
    """Run one experiment in its own process; a crash or a timeout becomes a result with status error/timeout.

    Raises LabError when the experiment process says the device does not exist or torch is missing: those are
    about this machine, not about the experiment, and every other experiment would fail the same way.
    """
    args = _experiment_args(device, seed, output_dir)
    began = time.perf_counter()
    try:
        if "forkserver" not in multiprocessing.get_all_start_methods():
            raise OSError("no fork server on this platform")
        code, stdout, stderr = _launch_forked(info, args, timeout, jobs)
    except OSError:  # no fork server here (Windows, or a sandbox without Unix sockets): a fresh Python per file
        code, stdout, stderr = _launch_subprocess(info, args, timeout, jobs)
    seconds = time.perf_counter() - began
    if code is None:
        return _failure(info, "timeout", f"timed out after {timeout:g} s", seconds, device)
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError:
        if "No module named 'torch'" in stderr:
            raise LabError(TORCH_MISSING) from None
        tail = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {code}"
        return _failure(info, "error", f"the experiment produced no result: {tail}", seconds, device)
    if code == EXIT_USAGE or result.get("status") == "usage":
        raise LabError(result.get("error") or f"{info.id}: bad arguments")
    result["wall_s"] = round(seconds, 4)  # including starting the process
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
