"""What each link did on earlier runs, so a flaky link is not called dead and a run that changes nothing
changes no file.

Two files, on purpose:
- ``.tracker-links.json`` (next to resources.yaml, tracked in git, survives a fresh clone): per URL the verdict,
  status code, where a permanent redirect leads, since when the verdict holds, when the current failure streak
  began, when the link was last ok before it, and how many runs in a row it failed on a transient error.
  Every field only changes when something about the link changed, so an unchanged run writes identical bytes.
- ``.tracker/linkcheck-cache.json`` (git-ignored): when each URL was last checked. It changes on every run,
  which is why it is kept out of git; ``--max-age`` reads it to reuse recent successes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from tracker.errors import DataError
from tracker.web.links.linkcheck import FAILING_VERDICTS, LinkResult, Verdict

HISTORY_NAME = ".tracker-links.json"
CACHE_NAME = ".tracker/linkcheck-cache.json"
DEAD_AFTER_RUNS = 3
DEAD_AFTER_DAYS = 2.0  # ... and the failures must span this long: three runs a minute apart prove nothing
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LinkRecord:
    """A URL's standing as of its last check (only slowly changing facts: see the module docstring)."""

    verdict: str
    since: str  # first run that gave this verdict (UTC, ISO 8601)
    status_code: int | None = None
    final_url: str | None = None
    first_failed: str | None = None  # start of the current failure streak
    last_ok: str | None = None  # last time seen ok before the current failure streak, when known
    failed_runs: int = 0  # consecutive runs with a transient failure, counted up to the dead threshold
    detail: str | None = None  # why it is not ok, in the checker's words ("DNS: no such host", "HTTP 503 ...")

    def to_json(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if value not in (None, 0)}


@dataclass(frozen=True)
class VerdictChange:
    """One link whose verdict is not what it was on the last run (``before`` is None for a new link)."""

    url: str
    before: str | None
    after: str
    detail: str


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# ------------------------------------------------------------------------------------------------ files


def _atomic_write(path: Path, text: str) -> None:
    from tracker.store.atomic import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"))


def load_history(path: Path) -> dict[str, LinkRecord]:
    """Read the tracked history; a missing file is an empty history, a broken one an error naming the file."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        links = data["links"]
        known = set(LinkRecord.__dataclass_fields__)
        # Fields a newer tracker added are skipped, so an older checkout still reads the file.
        return {url: LinkRecord(**{k: v for k, v in fields.items() if k in known}) for url, fields in links.items()}
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", path, exc.lineno) from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"not a link history ({exc})", path) from exc


def dump_history(history: dict[str, LinkRecord]) -> str:
    """Deterministic bytes: sorted URLs and keys, one field per line, so git diffs read well."""
    links = {url: history[url].to_json() for url in sorted(history)}
    return json.dumps({"version": FORMAT_VERSION, "links": links}, indent=1, sort_keys=True) + "\n"


def save_history(path: Path, history: dict[str, LinkRecord]) -> bool:
    """Write the history when its bytes change; return whether the file changed. An empty history is not
    written where there was none (a run that recorded nothing creates no file and no commit)."""
    if not history and not path.exists():
        return False
    text = dump_history(history)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    _atomic_write(path, text)
    return True


def load_checked_times(path: Path) -> dict[str, str]:
    """The untracked cache of last-checked times; unreadable means empty (it is only an optimisation)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(url): str(when) for url, when in data.get("checked", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def save_checked_times(path: Path, checked: dict[str, str]) -> None:
    _atomic_write(path, json.dumps({"checked": dict(sorted(checked.items()))}, indent=0) + "\n")


# ------------------------------------------------------------------------------------------------ rules


def apply_results(
    history: dict[str, LinkRecord],
    results: list[LinkResult],
    now: str,
    checked: dict[str, str] | None = None,
    dead_after: int = DEAD_AFTER_RUNS,
    dead_after_days: float = DEAD_AFTER_DAYS,
) -> tuple[list[LinkResult], list[VerdictChange]]:
    """Fold one run's results into ``history`` (in place).

    Returns the results as the user should see them (a transient failure becomes ``dead`` once it failed on
    ``dead_after`` runs in a row spread over at least ``dead_after_days`` days) and the verdict changes since the
    last run. Inconclusive results (a run in which no host answered) leave the history as it was.
    """
    checked = checked or {}
    final: list[LinkResult] = []
    changes: list[VerdictChange] = []
    for result in results:
        if result.inconclusive:  # a run that reached no host learnt nothing about the link
            final.append(_last_known(history.get(result.url), result))
            continue
        prev = history.get(result.url)
        record, shown = _fold(prev, result, now, checked.get(result.url), dead_after, dead_after_days)
        history[result.url] = record
        final.append(shown)
        if prev is None or prev.verdict != record.verdict:
            changes.append(
                VerdictChange(result.url, prev.verdict if prev else None, record.verdict, shown.detail)
            )
    return final, changes


def _days_between(start: str, end: str) -> float:
    try:
        return (parse_time(end) - parse_time(start)).total_seconds() / 86400
    except ValueError:  # a hand-edited time that does not parse: count the streak as new
        return 0.0


def _fold(
    prev: LinkRecord | None,
    result: LinkResult,
    now: str,
    last_checked: str | None,
    dead_after: int,
    dead_after_days: float = DEAD_AFTER_DAYS,
) -> tuple[LinkRecord, LinkResult]:
    verdict = result.verdict
    detail = result.detail
    was_failing = prev is not None and prev.verdict in FAILING_VERDICTS
    if verdict not in FAILING_VERDICTS:
        since = prev.since if prev is not None and prev.verdict == verdict else now
        kept = _stable_detail(result) if verdict == Verdict.BLOCKED else None
        record = LinkRecord(verdict.value, since, result.status_code, result.final_url, detail=kept)
        return record, result
    if was_failing:
        assert prev is not None
        first_failed, last_ok, runs = prev.first_failed or prev.since, prev.last_ok, prev.failed_runs
    else:
        first_failed, runs = now, 0
        last_ok = None
        if prev is not None and prev.verdict in (Verdict.OK, Verdict.REDIRECTED):
            # The cache knows the last successful check; after a fresh clone only the start of the ok spell.
            last_ok = last_checked or prev.since
    if result.transient:
        runs = min(runs + 1, dead_after)
        spread = _days_between(first_failed, now)
        if runs >= dead_after and spread >= dead_after_days:
            verdict = Verdict.DEAD
            detail = f"{detail}; failing on {runs} runs in a row since {first_failed}"
        elif runs < dead_after:
            detail = f"{detail} (failing run {runs} of {dead_after} before it is called dead)"
        else:
            detail = (f"{detail} (failing since {first_failed}; called dead once the failures span "
                      f"{dead_after_days:g} days)")
    since = prev.since if prev is not None and prev.verdict == verdict else now
    record = LinkRecord(
        verdict.value, since, result.status_code, None, first_failed, last_ok, runs, _stable_detail(result)
    )
    shown = LinkResult(
        result.url, verdict, result.status_code, detail, result.final_url, result.transient, result.requests
    )
    return record, shown


def _stable_detail(result: LinkResult) -> str | None:
    """The checker's reason, as recorded: it names the failure, never the run (so a repeat writes the same bytes)."""
    return result.detail[:200] or None


def _last_known(prev: LinkRecord | None, result: LinkResult) -> LinkResult:
    """An inconclusive result as shown: a link already known dead stays dead (an offline run or one that only
    re-checked failures, under ``--max-age``, must not hide it); any other is the run's ``error``."""
    if prev is None or prev.verdict != Verdict.DEAD:
        return result
    detail = f"dead since {prev.since} (last known verdict; {result.detail})"
    return replace(result, verdict=Verdict.DEAD, status_code=prev.status_code, detail=detail)


def reusable(record: LinkRecord | None, last_checked: str | None, max_age: dt.timedelta, now: str) -> bool:
    """A recent success may be reused; a failure never is (it must be seen again to count)."""
    if record is None or last_checked is None or record.verdict not in (Verdict.OK, Verdict.REDIRECTED):
        return False
    try:
        age = parse_time(now) - parse_time(last_checked)
    except ValueError:
        return False
    return dt.timedelta(0) <= age <= max_age


def describe_changes(
    changes: list[VerdictChange],
    still_failing: int = 0,
    updated: int = 0,
    forgotten: int = 0,
    limit: int = 20,
) -> str:
    """A commit message: a subject line with counts, then one line per verdict change.

    ``still_failing`` counts links failing again without a new verdict (their run count grew); ``updated``
    counts other records that changed without a new verdict (a new status code or redirect target);
    ``forgotten`` counts links dropped because they left the list.
    """

    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count != 1 else ''}"

    counts: dict[str, int] = {}
    for change in changes:
        counts[change.after] = counts.get(change.after, 0) + 1
    if changes:
        parts = ", ".join(f"{count} now {verdict}" for verdict, count in sorted(counts.items()))
        subject = f"check: {plural(len(changes), 'link verdict')} changed ({parts})"
    elif still_failing:
        subject = f"check: {plural(still_failing, 'link')} failing again"
    elif updated:
        subject = f"check: {plural(updated, 'link record')} updated"
    else:
        subject = f"check: forget {plural(forgotten, 'link')} no longer in the list"
    lines = [subject, ""]
    for change in changes[:limit]:
        lines.append(f"- {change.url}: {change.before or 'new'} -> {change.after} ({change.detail})")
    if len(changes) > limit:
        lines.append(f"- ... and {len(changes) - limit} more")
    if changes and still_failing:
        lines.append(f"- {plural(still_failing, 'more link')} failing again")
    if updated and (changes or still_failing):
        lines.append(f"- {plural(updated, 'link record')} updated with the same verdict")
    if forgotten and (changes or still_failing or updated):
        lines.append(f"- {plural(forgotten, 'link')} no longer in the list forgotten")
    return "\n".join(lines).rstrip() + "\n"
