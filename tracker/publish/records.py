"""The lab's and the link checker's records, in the file formats the build reads.

Contract for the other features (the build only reads these; an absent file means an empty table):

* Lab experiments: every ``lab/*.py`` that declares, at module level, ``EXPERIMENT = {"id": ..., "title": ...,
  "topic": ..., "claims": [...]}`` (a literal dict) or the constants ``ID``, ``TITLE``, ``TOPIC``, ``CLAIM``.
  They are read with ``ast``, never imported, so building never imports torch.
* Lab runs: JSON lines, one run per line, in ``.tracker/lab-runs.jsonl`` (derived, local) and in any
  ``lab/runs/*.jsonl`` (kept in git). Keys: ``experiment``, ``started`` (ISO time), ``device``, ``passed``,
  ``checks`` (a list of ``{"name", "passed", "value", "error", "tolerance"}``), ``duration_s``, ``dtype``, ``seed``,
  ``torch_version``. :func:`append_lab_run` writes one.
* Link checks: ``.tracker-links.json`` beside resources.yaml (git-tracked), ``{"links": {URL: {"id", "verdict",
  "status_code", "final_url", "detail", "checked_at", "first_failed", "last_ok", "consecutive_failures"}}}``.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

from tracker.errors import DataError

LAB_RUNS_LOCAL = Path(".tracker") / "lab-runs.jsonl"
LAB_RUNS_SHARED_DIR = Path("lab") / "runs"
LINK_HISTORY_FILE = ".tracker-links.json"

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


def append_lab_run(root: Path, record: dict) -> Path:
    """Append one run record (the keys listed in the module docstring) to ``.tracker/lab-runs.jsonl``."""
    path = root / LAB_RUNS_LOCAL
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True, default=str) + "\n")
    return path


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
    errors = [c.get("error") for c in checks if isinstance(c.get("error"), int | float)]
    passed = record.get("passed")
    if passed is None and checks:
        passed = all(bool(c.get("passed")) for c in checks)
    return {
        "experiment": record.get("experiment") or record.get("id"),
        "started": record.get("started"),
        "device": record.get("device"),
        "passed": None if passed is None else int(bool(passed)),
        "checks_passed": sum(1 for c in checks if c.get("passed")),
        "checks_failed": sum(1 for c in checks if not c.get("passed")),
        "max_error": max(errors) if errors else None,
        "duration_s": record.get("duration_s"),
        "dtype": record.get("dtype"),
        "seed": record.get("seed"),
        "torch_version": record.get("torch_version"),
        "result": json.dumps(record, sort_keys=True, default=str),
    }


def link_check_rows(root: Path) -> list[dict]:
    """One row per checked URL from ``.tracker-links.json``."""
    path = root / LINK_HISTORY_FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", path, exc.lineno) from exc
    links = data.get("links", data) if isinstance(data, dict) else {}
    rows = []
    for url, entry in sorted(links.items()):
        if not isinstance(entry, dict):
            continue
        rows.append(
            {
                "url": url,
                "resource": entry.get("id"),
                "verdict": entry.get("verdict"),
                "status_code": entry.get("status_code"),
                "final_url": entry.get("final_url"),
                "detail": entry.get("detail"),
                "checked_at": entry.get("checked_at"),
                "first_failed": entry.get("first_failed"),
                "last_ok": entry.get("last_ok"),
                "consecutive_failures": entry.get("consecutive_failures"),
            }
        )
    return rows
