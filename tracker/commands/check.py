"""``tracker check``: find dead links in the reading list (or in any Markdown/HTML file)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.commands import completion, output
from tracker.commands.output import Col

if TYPE_CHECKING:
    from tracker.web.links.linkrun import CheckReport

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


class StatusName(click.ParamType):
    """A reading-list status, checked against ``tracker.store.document``'s copy of the values so that no pydantic
    import slows a ``--links-from`` run in CI."""

    name = "status"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from tracker.store.document import STATUS_VALUES

        if str(value).lower() in STATUS_VALUES:  # any case, like every --status
            return str(value).lower()
        self.fail(f"{value!r} is not one of {', '.join(STATUS_VALUES)}", param, ctx)


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
                "archived_url": report.archived.get(result.url),
            }
            for target, result in report.results
        ],
        "summary": dict(sorted(report.counts().items())),
        "changes": [
            {"url": c.url, "before": c.before, "after": c.after, "detail": c.detail} for c in report.changes
        ],
        "complete": report.complete,
        "reused": report.reused,
        "no_network": report.no_network,
        "wayback_note": report.wayback_note,
        "skipped_fixes": [{"id": f.item_id, "url": f.url, "other": f.other} for f in report.skipped_fixes],
    }


# Worst first: what a CI job fails on, then what may clear by itself, then what only needs a person.
_ATTENTION_ORDER = ["dead", "changed", "error", "timeout", "blocked", "redirected"]


def _ids(report: CheckReport) -> dict[str, str]:
    ids: dict[str, str] = {}
    for target, result in report.results:
        ids.setdefault(result.url, target.id or "")
    return ids


def _attention_rows(report: CheckReport, with_history: bool) -> tuple[list[str], list[list[str]]]:
    """Every link that is not ok now, worst first: a dead link found last week is listed on every run until
    it is fixed, not only in the run where its verdict changed."""
    ids = _ids(report)
    seen: set[str] = set()
    needing: list[tuple[int, int, list[str]]] = []
    for position, (_, result) in enumerate(report.results):
        verdict = result.verdict.value
        if verdict not in _ATTENTION_ORDER or result.url in seen:
            continue
        seen.add(result.url)
        if result.url in report.archived:
            result = dataclasses.replace(result, detail=f"{result.detail}; archived copy: {report.archived[result.url]}")
        if with_history:
            since = report.failing_since.get(result.url, "")
            row = [ids[result.url], result.url, verdict, since, result.detail]
        else:
            row = [result.url, verdict, result.detail]
        needing.append((_ATTENTION_ORDER.index(verdict), position, row))
    header = ["id", "url", "verdict", "failing since", "detail"] if with_history else ["url", "verdict", "detail"]
    return header, [row for _, _, row in sorted(needing)]


def _change_rows(report: CheckReport) -> tuple[list[str], list[list[str]]]:
    ids = _ids(report)
    # A new link that is fine is no news: it is counted in the summary line, not listed.
    rows = [
        [ids.get(c.url, ""), c.url, c.before or "new", c.after, c.detail]
        for c in report.changes
        if c.before is not None or c.after != "ok"
    ]
    return ["id", "url", "was", "now", "detail"], rows


def _summary_line(report: CheckReport) -> str:
    counts = report.counts()
    order = ["ok", "redirected", "changed", "blocked", "timeout", "error", "dead"]
    parts = [f"{counts[v]} {v}" for v in order if counts[v]]
    total = sum(counts.values())
    text = f"{total} link{'s' if total != 1 else ''}: " + (", ".join(parts) or "none checked")
    new_ok = sum(1 for c in report.changes if c.before is None and c.after == "ok")
    if new_ok:
        text += f" ({new_ok} checked for the first time)"
    if report.reused:
        text += f" ({report.reused} recent successes reused)"
    if not report.complete:
        text += " - interrupted, results so far saved"
    return text


NO_NETWORK_NOTE = (
    "No host answered in this run: this machine looks offline (or its DNS is broken). Links that could not "
    "be reached are reported as errors and nothing was recorded about them; run the check again online."
)


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def print_report(report: CheckReport, fmt: str, with_history: bool) -> None:
    """The links that need a look now (every one, worst first), then, with a history, what changed since
    the last run, then the counts."""
    sections = [("Links that need a look", *_attention_rows(report, with_history), "No link needs a look.")]
    if with_history:
        sections.append(
            ("What changed since the last run", *_change_rows(report), "No verdict changed since the last run.")
        )
    if fmt == "markdown":
        lines = [f"**{_summary_line(report)}**", ""]
        if report.no_network:
            lines += [f"> {NO_NETWORK_NOTE}", ""]
        if report.wayback_note:
            lines += [f"> note: {report.wayback_note}", ""]
        for title, header, rows, empty in sections:
            lines += [f"### {title} ({len(rows)})", ""]
            lines += _markdown_table(header, rows) if rows else [empty]
            lines.append("")
        click.echo("\n".join(lines).rstrip())
        return
    # A terminal gets tables; a pipe gets the links that need a look as tab-separated lines, and the person
    # the summary on stderr (--json holds everything).
    if not output.is_terminal():
        title, header, rows, empty = sections[0]
        output.print_table([Col(name) for name in header], rows)
        notes = ([NO_NETWORK_NOTE] if report.no_network else []) + ([f"note: {report.wayback_note}"]
                                                                      if report.wayback_note else [])
        for line in notes + [_summary_line(report)]:
            click.echo(line, err=True)
        return
    for title, header, rows, empty in sections:
        output.print_table([_CHECK_COLUMNS.get(name, Col(name)) for name in header], rows,
                           title=f"{title} ({len(rows)})", empty=empty)
    console = output.terminal_console()
    if report.no_network:
        console.print(NO_NETWORK_NOTE, markup=False)
    if report.wayback_note:
        console.print(f"note: {report.wayback_note}", markup=False)
    console.print(_summary_line(report), markup=False)


_CHECK_COLUMNS = {
    "id": Col("id", cap=32, clip=True),
    "url": Col("url", share=3, clip=True),
    "verdict": Col("verdict", cap=10),
    "was": Col("was", cap=10),
    "now": Col("now", cap=10),
    "failing since": Col("failing since", cap=13, min_terminal=90),
    "detail": Col("detail", share=2),
}


# ------------------------------------------------------------------------------------------------ command


@click.command("check")
@click.argument("refs", nargs=-1, shell_complete=completion.item_ids)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=StatusName(),
    help="Only items with this status (repeatable): inbox, next-up, reading, done, dropped.",
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
    "--head-first",
    is_flag=True,
    help="Ask with HEAD before GET to save bandwidth (a server whose HEAD says 200 for a gone page fools it).",
)
@click.option(
    "--dead-after",
    type=click.IntRange(1, 100),
    default=3,
    show_default=True,
    help="Runs in a row a transient failure (5xx, timeout) must fail before the link is called dead.",
)
@click.option(
    "--dead-after-days",
    type=click.FloatRange(0, 365),
    default=2.0,
    show_default=True,
    help="Days those failing runs must span before the link is called dead (runs a minute apart prove nothing).",
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
    head_first: bool,
    dead_after: int,
    dead_after_days: float,
) -> None:
    """Check the reading list's links: ok, redirected, dead, blocked, timeout or error.

    Exit status: 0 all good (ok, redirected, blocked), 3 dead links found, 1 errors or timeouts (or the
    command failed), 2 a usage error (a bad option), 130 interrupted (results so far are saved).

    \b
    Examples:
      tracker check                        # the whole list, then what changed since last run
      tracker check --status reading --json
      tracker check --links-from README.md # any Markdown or HTML file
      tracker check --fix-redirects        # update permanently moved URLs
    """
    from tracker.web.links.linkcheck import CheckOptions
    from tracker.web.links.linkrun import HistoryFiles, list_targets, record_run, run_check

    settings = ctx.obj
    fmt = "json" if as_json else fmt
    if links_from is not None and (refs or statuses or fix_redirects):
        raise click.UsageError("--links-from checks a file: it takes no REF, --status or --fix-redirects")
    try:
        patterns = [re.compile(p) for p in excludes]
    except re.error as exc:
        raise click.BadParameter(f"bad regular expression: {exc}", param_hint="--exclude") from exc

    store, files = None, None
    if links_from is not None:
        from tracker.web.links.linksource import targets_from_file

        targets = targets_from_file(links_from)
    else:
        from tracker.store import Store

        store = Store.open(getattr(settings, "file", None), commit=getattr(settings, "commit", True))
        targets = list_targets(store, refs, statuses)
        files = HistoryFiles.beside(store.path)
    targets = [t for t in targets if not any(p.search(t.url) for p in patterns)]

    options = CheckOptions(timeout=timeout, concurrency=concurrency, per_host=per_host, head_first=head_first)
    show_progress = fmt != "json" and sys.stderr.isatty()
    report = run_check(
        targets,
        options,
        files,
        max_age,
        dead_after,
        functools.partial(ProgressBar, show_progress),
        dead_after_days=dead_after_days,
    )
    if store is not None and files is not None:
        whole_list = not (refs or statuses or patterns)
        changed = record_run(store, files, report, whole_list, fix_redirects=fix_redirects)
        if changed:
            click.echo(f"Updated {len(changed)} moved URL(s) in {store.path.name}.", err=True)
        for skipped in report.skipped_fixes:
            click.echo(f"note: {skipped.note()}", err=True)

    if fmt == "json":
        click.echo(json.dumps(report_document(report), indent=1, ensure_ascii=False))
    else:
        print_report(report, fmt, with_history=files is not None)
    ctx.exit(report.exit_code())
