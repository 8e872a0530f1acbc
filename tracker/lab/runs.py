"""The record of lab runs: one JSON line per experiment run, in ``.tracker/lab-runs.jsonl``.

Why git-ignored (under ``.tracker/``) and not tracked: a run is derived data that ``tracker lab run --all``
reproduces in under a minute; its timings and errors belong to one machine and device, so committing them would
turn every run into a commit and make two machines' histories conflict. The publish step reads this file to show
item -> experiment -> last run (status, max error, device) in Datasette.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker.errors import DataError
from tracker.project import STATE_DIR

RUNS_FILE = Path(STATE_DIR) / "lab-runs.jsonl"

# The fields a run record keeps; ``claims`` is each claim's key, text and status (passed, failed, not checked).
RECORD_FIELDS = (
    "experiment", "item", "status", "claims", "passed", "failed", "max_error", "device", "device_name", "dtype", "seed",
    "torch", "cuda", "python", "float32_matmul_precision", "started", "duration_s", "wall_s", "checks", "notes", "timings",
    "artifacts", "error",
)


def runs_path(root: Path) -> Path:
    """Where the runs of the project at ``root`` are recorded."""
    return root / RUNS_FILE


def record_run(path: Path, result: dict[str, Any], item: str | None = None) -> dict[str, Any]:
    """Append one run to ``path`` (one ``write`` of one line, so concurrent runs never interleave)."""
    record = {key: result.get(key) for key in RECORD_FIELDS}
    record["item"] = item
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True)
        # Like the store's own state folder: derived files never belong in git, whatever .gitignore says.
        (path.parent / ".gitignore").write_text("*\n")
    line = json.dumps(record, separators=(",", ":"), sort_keys=False) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return record


def read_runs(path: Path) -> list[dict[str, Any]]:
    """Every recorded run, oldest first; a damaged line is a DataError naming its line."""
    if not path.exists():
        return []
    runs = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                runs.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError(f"not a JSON run record: {exc.msg}", path, number) from exc
    return runs


def latest_runs(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The last run of each experiment on each device, keyed by ``(experiment, device)``."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for run in read_runs(path):
        latest[(run.get("experiment") or "", run.get("device") or "")] = run
    return latest
