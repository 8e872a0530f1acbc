"""The lab's and the link checker's records, in the file formats the build reads.

Contract for the other features (the build only reads these; an absent file means an empty table):

* Lab experiments: the ones ``tracker.lab.discovery`` finds (``EXPERIMENT = {...}`` declarations in
  ``lab/*.py``, read with ``ast``, never imported, so building never imports torch).
* Lab runs: JSON lines, one run per line, in ``.tracker/lab-runs.jsonl`` (what ``tracker lab run`` records) and in
  any ``lab/runs/*.jsonl`` (runs someone chose to keep in git). Keys: ``experiment``, ``started`` (ISO time),
  ``status`` (pass, fail, error, timeout), ``passed`` / ``failed`` (numbers of checks), ``max_error``, ``device``,
  ``dtype``, ``seed``, ``torch``, ``duration_s``, ``checks`` (a list of ``{"name", "passed", ...}``), ``claims``
  (a list of ``{"key", "text", "status", "why"?, "checks"}``: status passed, failed or not checked; checks the
  names of the checks that tested the claim). Each claim becomes a row of ``lab_claims``.
* Link checks: ``.tracker-links.json`` beside resources.yaml (git-tracked, written by ``tracker check``),
  ``{"version": 1, "links": {URL: {"verdict", "since", "status_code", "final_url", "first_failed", "last_ok",
  "failed_runs", "detail"?, "id"?}}}``, and the time of each URL's last check from the git-ignored
  ``.tracker/linkcheck-cache.json`` (``{"checked": {URL: time}}``). A URL maps to its item by ``identity_key``.
"""

from __future__ import annotations

import json
from pathlib import Path

from tracker.errors import DataError, NotFoundError, TrackerError
from tracker.lab.discovery import discover_experiments, find_lab_dir
from tracker.lab.runs import RUNS_FILE, read_runs

LAB_RUNS_SHARED_DIR = Path("lab") / "runs"
# tracker.web.links.linkhistory's HISTORY_NAME and CACHE_NAME (a test checks), spelled out so a build imports no httpx.
LINK_HISTORY_FILE = ".tracker-links.json"
LINK_CACHE_FILE = Path(".tracker") / "linkcheck-cache.json"


def lab_experiment_rows(root: Path) -> list[dict]:
    """One row per experiment ``tracker lab list`` finds for the project at ``root`` (its ``lab/``, else
    TRACKER_LAB_DIR, else the experiments installed with tracker)."""
    lab_dir = lab_dir_for(root)
    if lab_dir is None:
        return []
    last_claims = {row["experiment"]: row["claims_summary"] for row in lab_run_rows(root)}  # oldest first
    rows = []
    for info in discover_experiments(lab_dir).values():
        path = info.path.relative_to(root) if info.path.is_relative_to(root) else info.path
        rows.append({"id": info.id, "title": info.title, "topic": info.topic, "claims": "\n".join(info.claims),
                     "last_claims": last_claims.get(info.id), "path": path.as_posix()})
    return rows


def lab_dir_for(root: Path) -> Path | None:
    """The lab directory the CLI uses for ``root``; None when there is none at all."""
    try:
        return find_lab_dir(root)
    except NotFoundError:
        return None


def lab_run_rows(root: Path) -> list[dict]:
    """One row per recorded lab run, oldest first, numbered from 1 (the ``run`` of its ``lab_claims`` rows)."""
    return [row for row, _ in _lab_runs(root)]


def lab_claim_rows(root: Path) -> list[dict]:
    """One row per claim of each recorded run: what the run says of each sentence its experiment declares."""
    rows = []
    for run, record in _lab_runs(root):
        for claim in _claims(record):
            checks = claim.get("checks")
            names = [str(name) for name in checks] if isinstance(checks, list) else []
            rows.append({
                "run": run["id"], "experiment": run["experiment"], "started": run["started"], "device": run["device"],
                "key": _text(claim.get("key")), "text": _text(claim.get("text")), "status": _text(claim.get("status")),
                "why": _text(claim.get("why")), "checks": len(names), "check_names": "\n".join(names) or None,
            })
    return rows


def claims_summary(claims: list[dict]) -> str | None:
    """``4 passed, 1 not checked``: how many claims of a run ended in each status (failed first)."""
    counts: dict[str, int] = {}
    for claim in claims:
        status = _text(claim.get("status")) or "unknown"
        counts[status] = counts.get(status, 0) + 1
    order = ["failed", "passed", "not checked"]
    ranked = sorted(counts, key=lambda status: (order.index(status) if status in order else len(order), status))
    return ", ".join(f"{counts[status]} {status}" for status in ranked) or None


def _claims(record: dict) -> list[dict]:
    claims = record.get("claims")
    return [c for c in claims if isinstance(c, dict)] if isinstance(claims, list) else []


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _lab_runs(root: Path) -> list[tuple[dict, dict]]:
    """(row, record) of each recorded run, oldest first, rows numbered from 1."""
    files = [root / RUNS_FILE, *sorted((root / LAB_RUNS_SHARED_DIR).glob("*.jsonl"))]
    runs = [(_lab_run_row(record), record) for path in files if path.is_file() for record in read_runs(path)
            if isinstance(record, dict)]
    runs.sort(key=lambda pair: (pair[0]["started"] or "", pair[0]["experiment"] or ""))
    for number, (row, _) in enumerate(runs, start=1):
        row["id"] = number
    return runs


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
        "claims_summary": claims_summary(_claims(record)),
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


HTTP_REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    408: "Request Timeout", 410: "Gone", 429: "Too Many Requests", 451: "Unavailable For Legal Reasons",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}
_VERDICT_WORDS = {
    404: "the page is not at this address any more",
    410: "the site says the page was removed for good",
}


def _verdict_detail(entry: dict) -> str | None:
    """The history file keeps facts, not sentences; say in words what they mean for the dead-links page.

    A dead verdict with no status code and no run of transient failures is one the checker gives at once for
    a host name that does not resolve (DNS "no such host"): the only permanent failure without an answer.
    """
    code, verdict = entry.get("status_code"), entry.get("verdict")
    failed = entry.get("failed_runs", entry.get("consecutive_failures", 0)) or 0
    parts = []
    if code:
        reason = HTTP_REASONS.get(code, "")
        parts.append(" ".join(filter(None, (f"HTTP {code}", reason))))
        if code in _VERDICT_WORDS:
            parts[-1] += f": {_VERDICT_WORDS[code]}"
    if entry.get("final_url"):
        parts.append(f"moved to {entry['final_url']}")
    if failed:
        since = f" since {entry['first_failed'][:10]}" if entry.get("first_failed") else ""
        parts.append(f"failed {failed} checks in a row{since}")
    if not parts and verdict == "dead":
        parts.append("no such host: the site's name does not resolve (DNS), so the page cannot be reached")
    if not parts and verdict in ("timeout", "error"):
        parts.append("no answer in time" if verdict == "timeout" else "the connection failed (network or TLS)")
    return "; ".join(parts) or None


def _json_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", path, exc.lineno) from exc
    return data if isinstance(data, dict) else {}
