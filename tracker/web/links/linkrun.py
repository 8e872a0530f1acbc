"""One ``tracker check`` run: pick the URLs to ask, check them, fold the results into the history, and
record the run (history file, cache, one commit). The command only parses options and renders the report."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.web.links.linkcheck import (
    FAILING_VERDICTS,
    CheckOptions,
    LinkResult,
    Verdict,
    as_inconclusive,
    check_links,
    no_host_answered,
)
from tracker.web.links.linkhistory import (
    CACHE_NAME,
    DEAD_AFTER_DAYS,
    DEAD_AFTER_RUNS,
    HISTORY_NAME,
    LinkRecord,
    VerdictChange,
    apply_results,
    describe_changes,
    load_checked_times,
    load_history,
    reusable,
    save_checked_times,
    save_history,
    utc_now,
)
from tracker.web.links.linksource import LinkTarget

if TYPE_CHECKING:
    from tracker.store import Store
    from tracker.store.index import Index

# 2 is Click's usage error, so dead links get their own code (docs/cli.md, exit codes).
EXIT_OK, EXIT_ERRORS, EXIT_DEAD, EXIT_INTERRUPTED = 0, 1, 3, 130

# Given the number of URLs to check, a context manager yielding the function to call after each result.
ProgressFactory = Callable[[int], AbstractContextManager[Callable[[], None]]]


@contextlib.contextmanager
def no_progress(total: int) -> Iterator[Callable[[], None]]:
    yield lambda: None


@dataclass(frozen=True)
class SkippedFix:
    """A moved item ``--fix-redirects`` did not update: its new URL is already ``other``'s."""

    item_id: str
    url: str
    other: str

    def note(self) -> str:
        return f"not updated {self.item_id}: it moved to {self.url}, already in the list as '{self.other}'"


@dataclass
class CheckReport:
    """Everything a run produced, in the order the links were given."""

    results: list[tuple[LinkTarget, LinkResult]] = field(default_factory=list)
    changes: list[VerdictChange] = field(default_factory=list)
    complete: bool = True
    reused: int = 0
    committed: bool = False
    no_network: bool = False  # no host answered: failures to reach hosts were not counted or recorded
    skipped_fixes: list[SkippedFix] = field(default_factory=list)  # --fix-redirects left these alone
    failing_since: dict[str, str] = field(default_factory=dict)  # url -> start of its failure streak
    archived: dict[str, str] = field(default_factory=dict)  # url -> closest Wayback copy (dead/changed links)
    wayback_note: str | None = None  # why some archived copies were not looked up or not found

    def counts(self) -> Counter[str]:
        return Counter(result.verdict.value for _, result in self.results)

    def exit_code(self) -> int:
        """What a CI job acts on: 3 dead links, 1 errors/timeouts, 130 interrupted, else 0."""
        counts = self.counts()
        if not self.complete:
            return EXIT_INTERRUPTED
        if counts["dead"]:
            return EXIT_DEAD
        if counts["error"] or counts["timeout"]:
            return EXIT_ERRORS
        return EXIT_OK


@dataclass
class HistoryFiles:
    """The tracked history and the untracked cache of one list, loaded before a run."""

    history_path: Path
    cache_path: Path
    history: dict[str, LinkRecord]
    checked: dict[str, str]

    @classmethod
    def beside(cls, list_path: Path) -> HistoryFiles:
        root = list_path.parent
        history_path, cache_path = root / HISTORY_NAME, root / CACHE_NAME
        return cls(history_path, cache_path, load_history(history_path), load_checked_times(cache_path))


def list_targets(store: Store, refs: tuple[str, ...], statuses: tuple[str, ...]) -> list[LinkTarget]:
    """The reading list's (url, id) pairs to check, in file order: all items, or those named, with the given
    statuses. Read from the index (validated like a full load, without parsing the whole file again)."""
    from tracker.reading_list import resolve_ref

    index = store.index()
    wanted = {resolve_ref(index, ref) for ref in refs} if refs else None
    return [
        LinkTarget(url, item_id)
        for item_id, url, _title, status, *_rest in index.query_resources()
        if (wanted is None or item_id in wanted) and (not statuses or status in statuses)
    ]


def run_check(
    targets: list[LinkTarget],
    options: CheckOptions,
    files: HistoryFiles | None = None,
    max_age: dt.timedelta | None = None,
    dead_after: int = DEAD_AFTER_RUNS,
    progress: ProgressFactory = no_progress,
    dead_after_days: float = DEAD_AFTER_DAYS,
) -> CheckReport:
    """Check each distinct URL once (reusing recent successes under ``max_age``) and fold the results into
    ``files.history`` in memory; ``record_run`` saves them."""
    now = utc_now()
    history = files.history if files is not None else {}
    checked = files.checked if files is not None else {}
    by_url: dict[str, LinkResult] = {}
    to_check: list[str] = []
    reused = 0
    for url in dict.fromkeys(t.url for t in targets):
        record = history.get(url)
        if max_age is not None and record is not None and reusable(record, checked.get(url), max_age, now):
            note = f"checked at {checked[url]} (reused)"
            by_url[url] = LinkResult(url, Verdict(record.verdict), record.status_code, note, record.final_url)
            reused += 1
        else:
            to_check.append(url)

    fresh: dict[str, LinkResult] = {}
    with progress(len(to_check)) as advance:

        def on_result(result: LinkResult) -> None:
            fresh[result.url] = result
            advance()

        complete = check_links(to_check, options, on_result)

    results = [fresh[url] for url in to_check if url in fresh]
    no_network = no_host_answered(results)
    if no_network:
        results = as_inconclusive(results)
    if files is not None and not no_network:  # archive hook: an ok page that quietly died becomes "changed"
        from tracker.archive.checking import review_ok_pages

        results = review_ok_pages(results, targets, files.history_path.parent, options.timeout)
    changes: list[VerdictChange] = []
    if files is not None:
        results, changes = apply_results(history, results, now, checked, dead_after, dead_after_days)
    for result in results:
        by_url[result.url] = result
        if not result.inconclusive:
            checked[result.url] = now
    report = CheckReport(changes=changes, complete=complete, reused=reused, no_network=no_network)
    for url, result in by_url.items():
        record = history.get(url)
        if result.verdict in FAILING_VERDICTS and record is not None and record.verdict in FAILING_VERDICTS:
            report.failing_since[url] = record.first_failed or record.since
    report.results = [(t, by_url[t.url]) for t in targets if t.url in by_url]
    if not no_network:  # archive hook: the Wayback Machine's copy of each dead or changed link
        from tracker.archive.checking import rescue_links

        ids = {t.url: t.id for t in targets if t.id}
        found = rescue_links(by_url.values(), files.history_path.parent if files else None, ids, options.timeout)
        report.archived, report.wayback_note = found.copies, found.note
    return report


def record_run(
    store: Store, files: HistoryFiles, report: CheckReport, whole_list: bool, fix_redirects: bool = False
) -> list[str]:
    """Save the history (and the cache) and commit it once, only when the tracked bytes changed; with
    ``fix_redirects``, point every permanently moved item at its new URL in that same commit. Returns the ids
    of the items whose URL was updated.

    Links that left the list are forgotten when the whole list was checked to the end.
    """
    history = files.history
    if whole_list and report.complete:
        listed = {target.url for target, _ in report.results}
        for url in [u for u in history if u not in listed]:
            del history[url]
    moved = _moved_urls(report) if fix_redirects and report.complete else {}
    if moved:
        from tracker.reading_list import update_resources_in

        with store.edit() as edit:  # holds the store's lock, like the plain path below
            moved = _without_duplicates(moved, edit.index, report)
            history_message = _save(files, report)
            updated = update_resources_in(edit, {item_id: {"url": url} for item_id, url in moved.items()})
            if updated:
                edit.message = _fix_message({item_id: moved[item_id] for item_id in updated}, history_message)
                if history_message is not None:
                    edit.extra_paths.append(files.history_path)
        if updated:
            report.committed = store.committed
            return updated
        if history_message is not None:
            with store.lock():
                report.committed = _commit(store, files.history_path, history_message)
        return []
    with store.lock():  # other tracker processes commit too: take turns
        history_message = _save(files, report)
        if history_message is not None:
            report.committed = _commit(store, files.history_path, history_message)
    return []


def _save(files: HistoryFiles, report: CheckReport) -> str | None:
    """Write the history and the cache; the commit message when the history's bytes changed, else None."""
    history = files.history
    before = load_history(files.history_path)
    changed = save_history(files.history_path, history)
    save_checked_times(files.cache_path, files.checked)
    if not changed:
        return None
    new_verdicts = {c.url for c in report.changes}
    same_verdict = [
        record
        for url, record in history.items()
        if url not in new_verdicts and before.get(url) not in (None, record)
    ]
    still_failing = sum(1 for record in same_verdict if record.verdict in FAILING_VERDICTS)
    forgotten = sum(1 for url in before if url not in history)
    message = describe_changes(report.changes, still_failing, len(same_verdict) - still_failing, forgotten)
    if not report.complete:
        message = message.replace("check:", "check (interrupted):", 1)
    return message


def _commit(store: Store, path: Path, message: str) -> bool:
    return store.commit_files([path], message)


def _moved_urls(report: CheckReport) -> dict[str, str]:
    """Item id -> the URL its permanent redirects lead to."""
    return {
        target.id: result.final_url
        for target, result in report.results
        if result.verdict == Verdict.REDIRECTED and result.final_url and target.id
    }


def _without_duplicates(moved: dict[str, str], index: Index, report: CheckReport) -> dict[str, str]:
    """The moves that make no item a duplicate: a new URL that is another item's already (or that two items
    move to) is skipped with a note in ``report``, and the other fixes go ahead."""
    from tracker.urls import identity_key

    kept: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for item_id, url in moved.items():
        key = identity_key(url)
        other = index.id_for_url_key(key) or claimed.get(key)
        if other and other != item_id:
            report.skipped_fixes.append(SkippedFix(item_id, url, other))
            continue
        claimed[key] = item_id
        kept[item_id] = url
    return kept


def _fix_message(moved: dict[str, str], history_message: str | None) -> str:
    lines = [f"check: update {len(moved)} moved URL{'s' if len(moved) != 1 else ''}", ""]
    lines += [f"- {item_id}: {url}" for item_id, url in sorted(moved.items())]
    if history_message is not None:
        lines += ["", "Link history: " + history_message.removeprefix("check: ")]
    return "\n".join(lines)
