"""Render experiment results (the JSON records) as readable rich tables; imports no torch."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

STATUS_STYLE = {"pass": "green", "fail": "bold red", "error": "bold red", "timeout": "bold yellow"}
CLAIM_STYLE = {"passed": "green", "failed": "bold red", "not checked": "yellow"}


def claim_counts(result: dict[str, Any]) -> str:
    """``3/4 claims`` (passed of declared), with how many were not checked."""
    claims = [c for c in result.get("claims") or [] if isinstance(c, dict)]
    passed = sum(c.get("status") == "passed" for c in claims)
    unchecked = sum(c.get("status") == "not checked" for c in claims)
    return f"{passed}/{len(claims)}" + (f" ({unchecked} unchecked)" if unchecked else "")


def format_value(value: Any) -> str:
    """A short readable form of a measured value: 3 significant digits, long lists cut."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list):
        shown = ", ".join(format_value(v) for v in value[:6])
        return f"[{shown}{', ...' if len(value) > 6 else ''}]"
    return str(value)


def result_table(result: dict[str, Any]) -> Table:
    """One experiment's claims, each with its status and under it the checks that test it."""
    status = result.get("status", "error")
    title = (
        f"{escape(result.get('experiment', '?'))}: {escape(result.get('title', ''))} "
        f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"
    )
    caption = (
        f"topic {result.get('topic', '?')} · {result.get('device', '?')} ({escape(str(result.get('device_name', '')))}) "
        f"· default {result.get('dtype', '')} · seed {result.get('seed', '')} · torch {result.get('torch', '?')} "
        f"· {result.get('duration_s', 0):.2f} s"
    )
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    table.add_column("claim / check")
    table.add_column("measured", justify="right")
    table.add_column("tolerance / expected", justify="right")
    table.add_column("ok", justify="center")
    checks = list(result.get("checks") or [])
    for claim in result.get("claims") or []:
        if not isinstance(claim, dict):  # a record written before claims had a status
            continue
        status = claim.get("status", "")
        why = f"\n[dim]{escape(claim['why'])}[/]" if claim.get("why") else ""
        table.add_row(f"[bold]{escape(str(claim.get('text', '')))}[/]{why}", "", "",
                      f"[{CLAIM_STYLE.get(status, 'white')}]{status}[/]", end_section=False)
        for check in [c for c in checks if c.get("claim") == claim.get("key")]:
            _add_check_row(table, check, indent="  ")
            checks.remove(check)
    for check in checks:  # checks of a record without claims
        _add_check_row(table, check)
    return table


def _add_check_row(table: Table, check: dict[str, Any], indent: str = "") -> None:
    bound = check.get("tolerance") if check.get("tolerance") is not None else check.get("expected")
    prefix = "<= " if check.get("kind") == "error" else ""
    name = indent + escape(check["name"]) + (f"\n{indent}[dim]{escape(check['note'])}[/]" if check.get("note") else "")
    table.add_row(
        name,
        escape(format_value(check.get("measured"))),
        escape(prefix + format_value(bound)) if bound is not None else "",
        "[green]pass[/]" if check["passed"] else "[bold red]FAIL[/]",
    )


def print_result(result: dict[str, Any], console: Console | None = None) -> None:
    """Print one experiment's table, its notes, timings, pictures and any error."""
    console = console or Console()
    console.print(result_table(result))
    notes = result.get("notes") or {}
    if notes:
        console.print("[bold]notes[/]: " + escape("; ".join(f"{k} = {format_value(v)}" for k, v in notes.items())))
    timings = result.get("timings") or {}
    if timings:
        console.print("[bold]timings[/]: " + escape("; ".join(f"{k} {v * 1000:.2f} ms" for k, v in timings.items())))
    for path in result.get("artifacts") or []:
        console.print(f"[bold]picture[/]: {escape(path)}")
    if result.get("error"):
        console.print(f"[bold red]error[/]: {escape(result['error'].rstrip())}")
    console.print()


def summary_table(results: list[dict[str, Any]]) -> Table:
    """One row per experiment of a ``--all`` run."""
    wall = sum(result.get("wall_s") or 0 for result in results)
    passed = sum(result.get("status") == "pass" for result in results)
    devices = sorted({str(result.get("device", "")) for result in results})
    table = Table(title=f"lab run: {passed}/{len(results)} passed on {', '.join(devices)}", title_justify="left",
                  caption=f"claims: passed / declared; seconds: inside each experiment; {wall:.1f} s in all, "
                          "with starting the processes", caption_justify="left")
    for column in ("experiment", "topic", "status", "claims", "checks", "max error", "seconds"):
        table.add_column(column, justify="right" if column in {"checks", "max error", "seconds"} else "left",
                         no_wrap=column in {"experiment", "status"})
    for result in results:
        status = result.get("status", "error")
        table.add_row(
            escape(result.get("experiment", "?")),
            escape(str(result.get("topic", ""))),
            f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]",
            claim_counts(result),
            f"{result.get('passed', 0)}/{result.get('passed', 0) + result.get('failed', 0)}",
            format_value(result.get("max_error")),
            f"{result.get('duration_s', 0):.2f}",
        )
    return table
