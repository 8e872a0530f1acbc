"""The lab's and the link checker's records, in the file formats the build reads.

Contract for the other features (the build only reads these; an absent file means an empty table):

* Lab experiments: every ``lab/*.py`` that declares, at module level, ``EXPERIMENT = {"id": ..., "title": ...,
  "topic": ..., "claims": [...]}`` (a literal dict) or the constants ``ID``, ``TITLE``, ``TOPIC``, ``CLAIM``.
  They are read with ``ast``, never imported, so building never imports torch.
* Lab runs: JSON lines, one run per line, in ``.tracker/lab-runs.jsonl`` (what ``tracker lab run`` records) and in
  any ``lab/runs/*.jsonl`` (runs someone chose to keep in git). Keys: ``experiment``, ``started`` (ISO time),
  ``status`` (pass, fail, error, timeout), ``passed`` / ``failed`` (numbers of checks), ``max_error``, ``device``,
  ``dtype``, ``seed``, ``torch``, ``duration_s``, ``checks`` (a list of ``{"name", "passed", ...}``).
* Link checks: ``.tracker-links.json`` beside resources.yaml (git-tracked, written by ``tracker check``),
  ``{"version": 1, "links": {URL: {"verdict", "since", "status_code", "final_url", "first_failed", "last_ok",
  "failed_runs", "detail"?, "id"?}}}``, and the time of each URL's last check from the git-ignored
  ``.tracker/linkcheck-cache.json`` (``{"checked": {URL: time}}``). A URL maps to its item by ``identity_key``.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

from tracker.errors import DataError, TrackerError

LAB_RUNS_LOCAL = Path(".tracker") / "lab-runs.jsonl"
LAB_RUNS_SHARED_DIR = Path("lab") / "runs"
LINK_HISTORY_FILE = ".tracker-links.json"
LINK_CACHE_FILE = Path(".tracker") / "linkcheck-cache.json"

_EXPERIMENT_KEYS = ("id", "title", "topic", "claim", "claims")


def lab_experiment_rows(lab_dir: Path) -> list[dict]:
    """One row per experiment declared in ``lab/*.py``."""
    if not lab_dir.is_dir():
        return []
    rows = []
    for path in sorted(lab_dir.glob("*.py")):
        declared = _declared_experiment(path)
        if not declared.get("id"):
            continue
        claims = declared.get("claims") or declared.get("claim") or []
        if isinstance(claims, str):
            claims = [claims]
        rows.append(
            {
                "id": str(declared["id"]),
                "title": str(declared.get("title") or declared["id"]),
                "topic": declared.get("topic"),
                "claims": "\n".join(str(c) for c in claims) or None,
                "path": path.relative_to(lab_dir.parent).as_posix(),
            }
        )
    return rows


def _declared_experiment(path: Path) -> dict:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        raise DataError(f"cannot parse experiment: {exc.msg}", path, exc.lineno) from exc
    found: dict = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            continue
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            continue
        if target.id == "EXPERIMENT" and isinstance(value, dict):
            found.update({k: v for k, v in value.items() if k in _EXPERIMENT_KEYS})
        elif target.id.lower() in _EXPERIMENT_KEYS and target.id.isupper():
            found.setdefault(target.id.lower(), value)
    return found


def lab_run_rows(root: Path) -> list[dict]:
    """One row per recorded lab run, oldest first."""
    files = [root / LAB_RUNS_LOCAL, *sorted((root / LAB_RUNS_SHARED_DIR).glob("*.jsonl"))]
    rows = [_lab_run_row(record) for path in files if path.is_file() for record in _json_lines(path)]
    rows.sort(key=lambda row: (row["started"] or "", row["experiment"] or ""))
    return rows


def _json_lines(path: Path) -> Iterator[dict]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg}", path, number) from exc
        if isinstance(record, dict):
            yield record


def _lab_run_row(record: dict) -> dict:
    checks = [c for c in record.get("checks") or [] if isinstance(c, dict)]
    status = record.get("status")
    passed_count, failed_count = record.get("passed"), record.get("failed")
    if isinstance(passed_count, bool) or not isinstance(passed_count, int):
        # Older or hand-written records: "passed" is a flag and the checks tell the counts.
        status = status or (None if passed_count is None else ("pass" if passed_count else "fail"))
        passed_count = sum(1 for c in checks if c.get("passed"))
        failed_count = sum(1 for c in checks if not c.get("passed"))
    if status is None and checks:
        status = "pass" if failed_count == 0 else "fail"
    max_error = record.get("max_error")
    if max_error is None:
        errors = [c.get("error") for c in checks if isinstance(c.get("error"), int | float)]
        max_error = max(errors) if errors else None
    return {
        "experiment": record.get("experiment") or record.get("id"),
        "item": record.get("item"),
        "started": record.get("started"),
        "status": status,
        "device": record.get("device"),
        "checks_passed": passed_count,
        "checks_failed": failed_count,
        "max_error": max_error,
        "duration_s": record.get("duration_s"),
        "dtype": record.get("dtype"),
        "seed": record.get("seed"),
        "torch_version": record.get("torch") or record.get("torch_version"),
        "result": json.dumps(record, sort_keys=True, default=str),
    }


def link_check_rows(root: Path, resource_ids: dict[str, str]) -> list[dict]:
    """One row per checked URL from ``.tracker-links.json``; ``resource_ids`` maps identity keys to item ids."""
    from tracker.urls import identity_key

    history = _json_file(root / LINK_HISTORY_FILE)
    links = history.get("links", {}) if isinstance(history, dict) else {}
    checked = _json_file(root / LINK_CACHE_FILE).get("checked", {})
    rows = []
    for url, entry in sorted(links.items()):
        if not isinstance(entry, dict):
            continue
        try:
            item = entry.get("id") or resource_ids.get(identity_key(url))
        except TrackerError:
            item = None
        rows.append(
            {
                "url": url,
                "resource": item,
                "verdict": entry.get("verdict"),
                "since": entry.get("since"),
                "status_code": entry.get("status_code"),
                "final_url": entry.get("final_url"),
                "detail": entry.get("detail") or _verdict_detail(entry),
                "first_failed": entry.get("first_failed"),
                "last_ok": entry.get("last_ok"),
                "failed_runs": entry.get("failed_runs", entry.get("consecutive_failures", 0)),
                "checked_at": entry.get("checked_at") or checked.get(url),
            }
        )
    return rows


def _verdict_detail(entry: dict) -> str | None:
    """The history file keeps facts, not sentences; say in words what they mean for the dead-links page."""
    parts = []
    if entry.get("status_code"):
        parts.append(f"HTTP {entry['status_code']}")
    if entry.get("final_url"):
        parts.append(f"moved to {entry['final_url']}")
    failed = entry.get("failed_runs", entry.get("consecutive_failures", 0))
    if failed:
        parts.append(f"failed {failed} checks in a row")
    return "; ".join(parts) or None


def _json_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", path, exc.lineno) from exc
    return data if isinstance(data, dict) else {}
