"""``tracker check``: find dead links in the reading list (or in any Markdown/HTML file)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.models import STATUS_VALUES

if TYPE_CHECKING:
    from tracker.store import Store
    from tracker.web.linkcheck import CheckOptions, LinkResult
    from tracker.web.linkhistory import VerdictChange
    from tracker.web.linksource import LinkTarget

EXIT_OK, EXIT_ERRORS, EXIT_DEAD, EXIT_INTERRUPTED = 0, 1, 2, 130
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Duration(click.ParamType):
    """``90s``, ``30m``, ``12h``, ``7d``, ``2w`` or plain seconds."""

    name = "duration"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.timedelta:
        if isinstance(value, dt.timedelta):
            return value
        match = _DURATION.match(str(value))
        if not match:
            self.fail(f"{value!r} is not a duration like 90s, 30m, 12h, 7d or 2w", param, ctx)
        return dt.timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass
class CheckReport:
    """Everything a run produced, in the order the links were given."""

    results: list[tuple[LinkTarget, LinkResult]] = field(default_factory=list)
    changes: list[VerdictChange] = field(default_factory=list)
    complete: bool = True
    reused: int = 0
    committed: bool = False

    def counts(self) -> Counter[str]:
        return Counter(result.verdict.value for _, result in self.results)

    def exit_code(self) -> int:
        counts = self.counts()
        if not self.complete:
            return EXIT_INTERRUPTED
        if counts["dead"]:
            return EXIT_DEAD
        if counts["error"] or counts["timeout"]:
            return EXIT_ERRORS
        return EXIT_OK


# ------------------------------------------------------------------------------------------------ the list


def load_list_targets(store: Store, refs: tuple[str, ...], statuses: tuple[str, ...]) -> list[LinkTarget]:
    """The reading list's (url, id) pairs to check: all items, or those named, with the given statuses.

    The one place that reads resources.yaml for this command.
    """
    from tracker.reading_list import resolve_ref
    from tracker.web.linksource import LinkTarget

    items = store.load().resources
    if refs:
        index = store.index()
        wanted = {resolve_ref(index, ref) for ref in refs}
        items = [item for item in items if item.id in wanted]
    if statuses:
        items = [item for item in items if str(item.status) in statuses]
    return [LinkTarget(item.url, item.id) for item in items]


def commit_history(store: Store, history_path: Path, message: str) -> bool:
    """One commit of the history file, when commits are on and the list lives in a git repo."""
    from tracker import gitrepo

    if not gitrepo.commits_enabled(store.commit_enabled, store.path.parent):
        return False
    repo = gitrepo.find_repo(store.path.parent)
    return repo is not None and gitrepo.commit_paths(repo, [history_path], message)


# ------------------------------------------------------------------------------------------------ running


def run_check(
    targets: list[LinkTarget],
    options: CheckOptions,
    history_path: Path | None,
    cache_path: Path | None,
    max_age: dt.timedelta | None,
    dead_after: int,
    progress: bool,
) -> tuple[CheckReport, dict | None, dict | None]:
    """Check the targets' URLs once each and fold the results into the history (not yet saved)."""
    from tracker.web.linkcheck import LinkResult, Verdict, check_links
    from tracker.web.linkhistory import apply_results, load_checked_times, load_history, reusable, utc_now

    now = utc_now()
    history = load_history(history_path) if history_path else None
    checked = load_checked_times(cache_path) if cache_path else {}
    by_url: dict[str, LinkResult] = {}
    to_check: list[str] = []
    reused = 0
    for url in dict.fromkeys(t.url for t in targets):
        record = history.get(url) if history is not None else None
        if max_age is not None and reusable(record, checked.get(url), max_age, now):
            assert record is not None
            by_url[url] = LinkResult(
                url,
                Verdict(record.verdict),
                record.status_code,
                f"checked at {checked[url]} (reused)",
                record.final_url,
            )
            reused += 1
        else:
            to_check.append(url)

    fresh: dict[str, LinkResult] = {}
    with ProgressBar(progress, len(to_check)) as advance:

        def on_result(result: LinkResult) -> None:
            fresh[result.url] = result
            advance()

        complete = check_links(to_check, options, on_result)

    ordered_fresh = [fresh[url] for url in to_check if url in fresh]
    changes: list = []
    if history is not None:
        shown, changes = apply_results(history, ordered_fresh, now, checked, dead_after)
        ordered_fresh = shown
    for result in ordered_fresh:
        by_url[result.url] = result
        checked[result.url] = now
    report = CheckReport(complete=complete, reused=reused, changes=changes)
    report.results = [(t, by_url[t.url]) for t in targets if t.url in by_url]
    return report, history, checked


class ProgressBar:
    """A rich progress bar on stderr, or nothing (not a terminal, or --json)."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled and total > 0
        self.total = total
        self.progress: Any = None

    def __enter__(self) -> Callable[[], None]:
        if not self.enabled:
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("checking links"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.__enter__()
        task = self.progress.add_task("check", total=self.total)
        progress = self.progress
        return lambda: progress.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)


# ------------------------------------------------------------------------------------------------ output


def report_document(report: CheckReport) -> dict:
    """The stable ``--json`` document."""
    return {
        "results": [
            {
                "url": result.url,
                "id": target.id,
                "verdict": result.verdict.value,
                "status_code": result.status_code,
                "detail": result.detail,
                "final_url": result.final_url,
            }
            for target, result in report.results
        ],
        "summary": dict(sorted(report.counts().items())),
        "changes": [
            {"url": c.url, "before": c.before, "after": c.after, "detail": c.detail} for c in report.changes
        ],
        "complete": report.complete,
        "reused": report.reused,
    }


def _rows(report: CheckReport, with_history: bool) -> tuple[list[str], list[list[str]]]:
    ids = {}
    for target, result in report.results:
        ids.setdefault(result.url, target.id or "")
    if with_history:
        header = ["id", "url", "was", "now", "detail"]
        # A new link that is fine is no news: it is counted in the summary line, not listed.
        rows = [
            [ids.get(c.url, ""), c.url, c.before or "new", c.after, c.detail]
            for c in report.changes
            if c.before is not None or c.after != "ok"
        ]
    else:
        header = ["url", "verdict", "detail"]
        rows = [
            [result.url, result.verdict.value, result.detail]
            for _, result in report.results
            if result.verdict.value != "ok"
        ]
    return header, rows


def _summary_line(report: CheckReport) -> str:
    counts = report.counts()
    order = ["ok", "redirected", "blocked", "timeout", "error", "dead"]
    parts = [f"{counts[v]} {v}" for v in order if counts[v]]
    text = f"{sum(counts.values())} links: " + (", ".join(parts) or "none checked")
    new_ok = sum(1 for c in report.changes if c.before is None and c.after == "ok")
    if new_ok:
        text += f" ({new_ok} checked for the first time)"
    if report.reused:
        text += f" ({report.reused} recent successes reused)"
    if not report.complete:
        text += " - interrupted, results so far saved"
    return text


def print_report(report: CheckReport, fmt: str, with_history: bool) -> None:
    header, rows = _rows(report, with_history)
    if fmt == "markdown":
        lines = [f"**{_summary_line(report)}**", ""]
        if rows:
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
        click.echo("\n".join(lines))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if rows:
        title = "What changed since the last run" if with_history else "Links that need a look"
        table = Table(title=title, title_justify="left")
        for name in header:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    elif with_history:
        console.print(
            "No verdict changed since the last run." if not report.changes else "No problems found."
        )
    console.print(_summary_line(report))


# ------------------------------------------------------------------------------------------------ command


@click.command("check")
@click.argument("refs", nargs=-1)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUS_VALUES),
    help="Only items with this status (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document (same as --format json).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1024),
    default=64,
    show_default=True,
    help="Requests in flight at most.",
)
@click.option(
    "--per-host",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Requests in flight to one host:port at most.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=10.0,
    show_default=True,
    help="Seconds to wait for a connection, and then for each read.",
)
@click.option(
    "--max-age",
    type=Duration(),
    default=None,
    help="Reuse successes checked more recently than this (e.g. 12h); failures are always checked again.",
)
@click.option(
    "--exclude", "excludes", multiple=True, help="Skip URLs matching this regular expression (repeatable)."
)
@click.option(
    "--fix-redirects",
    is_flag=True,
    help="Replace permanently moved URLs in the list with their new address (one commit).",
)
@click.option(
    "--links-from",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check the links of this Markdown/HTML/text file instead of the list (no history kept).",
)
@click.option(
    "--dead-after",
    type=click.IntRange(1, 100),
    default=3,
    show_default=True,
    help="Runs in a row a transient failure (5xx, timeout) must fail before the link is called dead.",
)
@click.pass_context
def check_cmd(
    ctx: click.Context,
    refs: tuple[str, ...],
    statuses: tuple[str, ...],
    as_json: bool,
    fmt: str,
    concurrency: int,
    per_host: int,
    timeout: float,
    max_age: dt.timedelta | None,
    excludes: tuple[str, ...],
    fix_redirects: bool,
    links_from: Path | None,
    dead_after: int,
) -> None:
    """Check the reading list's links: ok, redirected, dead, blocked, timeout or error.

    Exit status: 0 all good (ok, redirected, blocked), 2 dead links found, 1 errors or timeouts (or the
    command failed), 130 interrupted (results so far are saved).

    \b
    Examples:
      tracker check                        # the whole list, then what changed since last run
      tracker check --status reading --json
      tracker check --links-from README.md # any Markdown or HTML file
      tracker check --fix-redirects        # update permanently moved URLs
    """
    from tracker.web.linkcheck import CheckOptions
    from tracker.web.linkhistory import CACHE_NAME, HISTORY_NAME, save_checked_times, save_history

    settings = ctx.obj
    fmt = "json" if as_json else fmt
    if links_from is not None and (refs or statuses or fix_redirects):
        raise click.UsageError("--links-from checks a file: it takes no REF, --status or --fix-redirects")
    try:
        patterns = [re.compile(p) for p in excludes]
    except re.error as exc:
        raise click.BadParameter(f"bad regular expression: {exc}", param_hint="--exclude") from exc

    store = None
    if links_from is not None:
        from tracker.web.linksource import targets_from_file

        targets = targets_from_file(links_from)
    else:
        from tracker.store import Store

        store = Store.open(getattr(settings, "file", None), commit=getattr(settings, "commit", True))
        targets = load_list_targets(store, refs, statuses)
    targets = [t for t in targets if not any(p.search(t.url) for p in patterns)]
    whole_list = store is not None and not refs and not statuses and not patterns

    root = store.path.parent if store is not None else None
    history_path = root / HISTORY_NAME if root is not None else None
    cache_path = root / CACHE_NAME if root is not None else None
    options = CheckOptions(timeout=timeout, concurrency=concurrency, per_host=per_host)
    progress = fmt != "json" and sys.stderr.isatty()
    report, history, checked = run_check(
        targets, options, history_path, cache_path, max_age, dead_after, progress
    )

    if store is not None and history is not None and history_path and cache_path:
        from tracker.web.linkhistory import describe_changes, load_history

        if whole_list and report.complete:
            listed = {t.url for t in targets}
            for url in [u for u in history if u not in listed]:
                del history[url]  # the item left the list
        with store.lock():  # another tracker process may be committing: take turns
            before = load_history(history_path)
            changed = save_history(history_path, history)
            save_checked_times(cache_path, checked or {})
            if changed:
                verdict_urls = {c.url for c in report.changes}
                again = sum(
                    1
                    for url, record in history.items()
                    if url not in verdict_urls and before.get(url) is not None and before[url] != record
                )
                message = describe_changes(report.changes, again)
                if not report.complete:
                    message = message.replace("check:", "check (interrupted):", 1)
                report.committed = commit_history(store, history_path, message)
        if fix_redirects and report.complete:
            _fix_redirects(report, store)

    if fmt == "json":
        click.echo(json.dumps(report_document(report), indent=1, ensure_ascii=False))
    else:
        print_report(report, fmt, with_history=history is not None)
    ctx.exit(report.exit_code())


def _fix_redirects(report: CheckReport, store: Store) -> None:
    from tracker.reading_list import update_resources

    moved = {
        target.id: result.final_url
        for target, result in report.results
        if result.verdict.value == "redirected" and result.final_url and target.id
    }
    if not moved:
        return
    lines = [f"check: update {len(moved)} moved URL{'s' if len(moved) != 1 else ''}", ""]
    lines += [f"- {item_id}: {url}" for item_id, url in sorted(moved.items())]
    changed = update_resources(
        store, {item_id: {"url": url} for item_id, url in moved.items()}, "\n".join(lines)
    )
    click.echo(
        f"Updated {len(changed)} moved URL{'s' if len(changed) != 1 else ''} in {store.path.name}.", err=True
    )
