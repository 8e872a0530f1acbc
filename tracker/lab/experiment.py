"""The small API every experiment in lab/ uses: declare claims, check each one numerically, report.

An experiment file declares ``EXPERIMENT = {"id": ..., "title": ..., "topic": ..., "claims": {key: sentence}}``
(a plain literal, so discovery can read it without importing torch), defines ``run(exp: Experiment)`` and ends
with ``if __name__ == "__main__": raise SystemExit(main(EXPERIMENT, run))``. ``exp.claim(key)`` says which claim
the checks that follow test; each ``exp.check/close/equal`` records the measured value, the tolerance and
pass/fail. A claim that cannot be checked here says why with ``exp.not_checked(key, why)``; a claim that no check
names makes the run an error, so a declared sentence is never reported as if it had been shown.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import inspect
import json
import math
import platform
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from tracker.lab import device as devices
from tracker.lab.discovery import claim_texts

# Exit statuses of an experiment process (the runner relies on them).
EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class Check:
    """One numerical claim: what was measured, what it was held to, and whether it held."""

    name: str
    passed: bool
    measured: Any = None
    tolerance: Any = None
    expected: Any = None
    kind: str = "claim"  # "error" when measured is an error that must stay under tolerance
    note: str | None = None
    claim: str | None = None  # the key of the claim this check tests


class ClaimError(Exception):
    """An experiment names a claim it did not declare, or records a check before naming any claim."""


@dataclass
class Experiment:
    """Records checks, notes and timings while an experiment runs."""

    id: str
    title: str
    topic: str
    claims: dict[str, str]  # key -> sentence
    device: torch.device
    seed: int
    output_dir: Path
    checks: list[Check] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    artifacts: list[str] = field(default_factory=list)
    current_claim: str | None = None
    unchecked: dict[str, str] = field(default_factory=dict)  # key -> why it cannot be checked here

    def claim(self, key: str) -> None:
        """The checks recorded from here on test the declared claim ``key``."""
        self._known(key)
        self.current_claim = key

    def not_checked(self, key: str, why: str) -> None:
        """Say that claim ``key`` cannot be checked in this run, and why (e.g. "needs CUDA")."""
        self._known(key)
        self.unchecked[key] = why

    def _known(self, key: str) -> str:
        if key not in self.claims:
            raise ClaimError(f"claim {key!r} is not declared (claims: {', '.join(self.claims)})")
        return key

    def _claim_of(self, name: str, claim: str | None) -> str:
        if claim is not None:
            return self._known(claim)
        if self.current_claim is None:
            raise ClaimError(f"check {name!r} names no claim: call exp.claim(key) before it")
        return self.current_claim

    @property
    def float64_device(self) -> torch.device:
        """The device for float64 reference work (the CPU on MPS, which has no float64)."""
        where, why = devices.float64_device(self.device)
        if why:
            self.notes["float64_fallback"] = why
        return where

    def check(
        self,
        name: str,
        passed: bool,
        measured: Any = None,
        *,
        tolerance: Any = None,
        expected: Any = None,
        note: str | None = None,
        claim: str | None = None,
    ) -> bool:
        """Record a check that holds or not; ``measured`` is the number (or value) that decided it."""
        self.checks.append(Check(name, bool(passed), _plain(measured), _plain(tolerance), _plain(expected),
                                 note=note, claim=self._claim_of(name, claim)))
        return bool(passed)

    def close(
        self, name: str, error: Any, tolerance: float, *, note: str | None = None, claim: str | None = None
    ) -> bool:
        """Record an error (e.g. max |a - b|) that must be at most ``tolerance``; NaN never passes."""
        value = float(error.detach()) if isinstance(error, torch.Tensor) else float(error)
        passed = math.isfinite(value) and value <= tolerance
        self.checks.append(Check(name, passed, _plain(value), tolerance, 0.0, kind="error", note=note,
                                 claim=self._claim_of(name, claim)))
        return passed

    def equal(
        self, name: str, measured: Any, expected: Any, *, note: str | None = None, claim: str | None = None
    ) -> bool:
        """Record an exact check: ``measured == expected``."""
        return self.check(name, measured == expected, measured, expected=expected, note=note, claim=claim)

    def note(self, key: str, value: Any) -> None:
        """Keep a number worth showing that is not itself a claim."""
        self.notes[key] = _plain(value)

    @contextlib.contextmanager
    def timed(self, name: str, device: torch.device | None = None) -> Iterator[dict[str, float]]:
        """Time a block, waiting for the device's queued work at both ends (GPU kernels run asynchronously)."""
        with devices.device_timer(device or self.device) as result:
            yield result
        self.timings[name] = result["seconds"]

    def artifact_path(self, filename: str) -> Path:
        """A path under the output directory for a file this run writes (e.g. a PNG); it is reported."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / filename
        self.artifacts.append(str(path))
        return path


def _plain(value: Any) -> Any:
    """Make tensors, NumPy scalars and non-finite floats JSON-safe (standard JSON has no NaN/inf)."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().tolist()
    elif hasattr(value, "item") and hasattr(value, "dtype"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def claim_report(exp: Experiment) -> list[dict[str, Any]]:
    """Each declared claim with its status: ``passed`` (every check naming it held), ``failed`` (one did not) or
    ``not checked`` (with why), and the names of its checks."""
    report = []
    for key, text in exp.claims.items():
        checks = [c for c in exp.checks if c.claim == key]
        entry: dict[str, Any] = {"key": key, "text": text, "checks": [c.name for c in checks]}
        if any(not c.passed for c in checks):
            entry["status"] = "failed"
        elif checks:
            entry["status"] = "passed"
        else:
            entry["status"] = "not checked"
            entry["why"] = exp.unchecked.get(key) or "no check names this claim"
        report.append(entry)
    return report


def run_experiment(
    declaration: dict[str, Any],
    run: Callable[[Experiment], None],
    device: torch.device,
    seed: int = 0,
    output_dir: Path | None = None,
) -> dict[str, Any]:
    """Run one experiment on ``device`` and return its result record (a JSON-ready dict)."""
    devices.seed_everything(seed)
    precision = devices.pin_float32_precision()
    exp = Experiment(
        id=declaration["id"],
        title=declaration["title"],
        topic=declaration["topic"],
        claims=claim_texts(declaration.get("claims", [])),
        device=device,
        seed=seed,
        output_dir=output_dir or Path(inspect.getfile(run)).resolve().parent / "outputs",
    )
    started = dt.datetime.now(dt.UTC)
    threads = torch.get_num_threads()  # an experiment may change it; the next run in this process must not care
    began = time.perf_counter()
    error = None
    try:
        run(exp)
    except Exception:  # an experiment that crashes is reported as an error, never silently passed
        error = traceback.format_exc()
    finally:
        torch.set_num_threads(threads)
    duration = time.perf_counter() - began
    failed = [c for c in exp.checks if not c.passed]
    errors = [float(c.measured) for c in exp.checks if c.kind == "error" and isinstance(c.measured, float)]
    claims = claim_report(exp)
    unnamed = [c["key"] for c in claims if c["status"] == "not checked" and c["key"] not in exp.unchecked]
    if not error and not exp.checks:
        error = "the experiment recorded no checks"
    elif not error and unnamed:  # a declared sentence that nothing tested must not ride on the others' pass
        error = "no check names claim " + ", ".join(repr(key) for key in unnamed)
    status = "error" if error else ("fail" if failed else "pass")
    return {
        "experiment": exp.id,
        "title": exp.title,
        "topic": exp.topic,
        "claims": claims,
        "status": status,
        "passed": sum(c.passed for c in exp.checks),
        "failed": len(failed),
        "max_error": max(errors) if errors else None,
        "device": str(device),
        "device_name": devices.device_name(device),
        "dtype": str(torch.get_default_dtype()).removeprefix("torch."),
        "seed": seed,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "python": platform.python_version(),
        **precision,
        "started": started.isoformat(timespec="seconds"),
        "duration_s": round(duration, 4),
        "checks": [asdict(c) for c in exp.checks],
        "notes": exp.notes,
        "timings": {k: round(v, 6) for k, v in exp.timings.items()},
        "artifacts": exp.artifacts,
        "error": error,
    }


def main(
    declaration: dict[str, Any], run: Callable[[Experiment], None], argv: list[str] | None = None
) -> int:
    """Command line of one experiment file: ``--device auto|cpu|cuda|mps``, ``--seed N``, ``--json``."""
    parser = argparse.ArgumentParser(description=f"{declaration['id']}: {declaration['title']}")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda, cuda:N or mps; env TRACKER_DEVICE")
    parser.add_argument("--seed", type=int, default=0, help="seed for every RNG (default 0)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--output-dir", type=Path, default=None, help="where pictures go (default lab/outputs)")
    args = parser.parse_args(argv)
    try:
        device = devices.resolve_device(args.device)
    except devices.DeviceError as exc:
        if args.json:
            print(json.dumps({"experiment": declaration["id"], "status": "usage", "error": str(exc)}))
        else:
            print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # Pictures go next to the experiment file (lab/outputs/, git-ignored) unless told otherwise.
    output_dir = args.output_dir or Path(inspect.getfile(run)).resolve().parent / "outputs"
    # Anything the experiment prints goes to stderr, so --json output stays one clean document.
    with contextlib.redirect_stdout(sys.stderr):
        result = run_experiment(declaration, run, device, args.seed, output_dir)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        from tracker.lab.report import print_result

        print_result(result)
    return EXIT_PASSED if result["status"] == "pass" else EXIT_FAILED


def load_experiment(path: Path) -> tuple[dict[str, Any], Callable[[Experiment], None]]:
    """Import an experiment file (its folder first on ``sys.path``, as when run as a script) without running it:
    its ``EXPERIMENT`` declaration and its ``run`` function."""
    import importlib.util

    path = Path(path).resolve()
    spec = importlib.util.spec_from_file_location(f"tracker_lab_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module.EXPERIMENT, module.run


def run_file(path: Path, device: str = "cpu", seed: int = 0, output_dir: Path | None = None) -> dict[str, Any]:
    """Run the experiment in ``path`` in this process (one torch import shared by many runs, e.g. in tests)."""
    declaration, run = load_experiment(path)
    with contextlib.redirect_stdout(sys.stderr):
        return run_experiment(declaration, run, devices.resolve_device(device), seed, output_dir)
