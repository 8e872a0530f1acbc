"""``tracker meta`` (what the extractor finds for a URL or a saved page) and ``tracker fetch`` (refresh items)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.commands import completion
from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.store import Store


def _print_metadata(data: dict[str, object], as_json: bool, error: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from tracker.commands import output

    if not output.is_terminal():  # piped: "field<TAB>value" lines, the note on stderr
        for key, value in data.items():
            if key != "error" and value not in (None, "", []):
                click.echo(output.tsv_line([key, ", ".join(value) if isinstance(value, list) else str(value)]))
        if error:
            click.echo(f"note: {error}", err=True)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in data.items():
        if key == "error" or value in (None, "", []):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        # Page text is data, never markup: escape it so "[b]" or "<script>" in a title prints as written.
        table.add_row(key, escape(shown))
    console = Console()
    console.print(table)
    if error:
        console.print(f"[yellow]note:[/yellow] {escape(error)}")


def _extract_file(path: Path, url: str) -> dict[str, object]:
    from tracker.web.meta.metadata import extract_metadata

    return extract_metadata(path.read_bytes(), url).to_dict()


def _run_batch(manifest: Path) -> None:
    """JSONL in ({"id", "html", "url"}), JSONL out ({"id", <fields>}): one process for many pages."""
    from tracker.web.meta.metadata import extract_metadata

    out = sys.stdout
    with manifest.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
                data = extract_metadata(Path(case["html"]).read_bytes(), case.get("url") or "").to_dict()
            except (OSError, ValueError, KeyError) as exc:
                data = {"_error": f"{manifest}:{number}: {exc}"}
                case = case if isinstance(case, dict) else {}
            data["id"] = case.get("id") if isinstance(case, dict) else None
            out.write(json.dumps(data, ensure_ascii=False) + "\n")


@click.command("meta")
@click.argument("target", required=False)
@click.option("--url", "page_url", help="The address of a saved page (makes its relative links absolute).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--batch",
    "manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON-lines file of {"id", "html", "url"}: print one JSON line per page.',
)
def meta_cmd(target: str | None, page_url: str | None, as_json: bool, manifest: Path | None) -> None:
    """Show the metadata found for a URL or a saved HTML file.

    \b
    Examples:
      tracker meta https://arxiv.org/abs/1706.03762
      tracker meta saved.html --url https://example.com/post --json
      tracker meta --batch pages.jsonl
    """
    if manifest is not None:
        if target:
            raise click.UsageError("give either TARGET or --batch, not both")
        _run_batch(manifest)
        return
    if not target:
        raise click.UsageError("give a URL or an HTML file (or --batch MANIFEST)")
    if target.startswith(("http://", "https://")) and not Path(target).exists():
        from tracker.urls import validate_url
        from tracker.web.http.policy import policy_from_env
        from tracker.web.meta.lookup import lookup

        found = lookup(validate_url(target), policy_from_env())
        data = found.metadata.to_dict()
        data["error"] = found.error
        _print_metadata(data, as_json, found.error)
        return
    path = Path(target)
    if not path.is_file():
        raise TrackerError(f"{target}: no such file (and not an http(s) URL)")
    _print_metadata(_extract_file(path, page_url or ""), as_json)


# ---------------------------------------------------------------------------------------------- add + fetch


def metadata_for_add(store: Store, url: str, given: dict[str, object]) -> dict[str, object]:
    """Fetched fields for ``tracker add`` (see ``tracker.web.fetchrun.metadata_for_add``); prints why a fetch
    failed."""
    from tracker.web import fetchrun

    found = fetchrun.metadata_for_add(store, url, given)
    if found.note:
        click.echo(f"note: {found.note}", err=True)
    return found.fields


@click.command("fetch")
@click.argument("refs", nargs=-1, shell_complete=completion.item_ids)
@click.option("--all", "all_items", is_flag=True, help="Refresh every item.")
@click.option("--missing", is_flag=True, help="Only items never fetched (or whose last fetch failed).")
@click.option("--overwrite", is_flag=True, help="Replace values a person edited, too.")
@click.option("--concurrency", type=click.IntRange(1, 256), default=None,
              help="Requests at once, all hosts together (default 64).")
@click.option("--per-host", type=click.IntRange(1, 64), default=None, help="Requests at once per host (default 4).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome per item as JSON.")
@click.pass_context
def fetch_cmd(ctx: click.Context, refs: tuple[str, ...], all_items: bool, missing: bool, overwrite: bool,
              concurrency: int | None, per_host: int | None, as_json: bool) -> None:
    """Refresh the fetched metadata (title, authors, date, site, ...) of items, in one commit.

    REF is an id, a unique id prefix, or a URL. Fields a person edited are kept unless --overwrite.

    \b
    Examples:
      tracker fetch attention-is-all-you-need
      tracker fetch --missing
      tracker fetch --all --overwrite
    """
    import dataclasses

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tracker.store import Store
    from tracker.web.fetchrun import fetch_records, record_fetch, run_fetch, select_items
    from tracker.web.http.policy import policy_from_env

    if not refs and not all_items and not missing:
        raise click.UsageError("name items to fetch, or use --all or --missing")
    if refs and all_items:
        raise click.UsageError("give REFs or --all, not both")
    store = Store.open(ctx.obj.file, commit=ctx.obj.commit)
    records = fetch_records(store)
    items = select_items(store.index(), refs, all_items, missing, records)
    console = Console(stderr=True)
    if not items:
        console.print("Nothing to fetch.")
        if as_json:
            _print_fetch_report([], [], [], {}, as_json)
        return
    base = policy_from_env()
    policy = dataclasses.replace(
        base,
        global_concurrency=concurrency or base.global_concurrency,
        per_host_concurrency=per_host or base.per_host_concurrency,
    )
    progress = Progress(TextColumn("fetching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True, disable=not console.is_terminal)
    from tracker.archive.capture import PageCollector, reading_policy  # archive hook: save each page's text

    pages = PageCollector.for_items(store.path.parent, items)
    policy = reading_policy(store.path.parent, policy)

    def done(result) -> None:
        progress.advance(task)
        pages.take(result.url, result.page)
        result.page = None  # the body is not needed past here: 10,000 pages must not stay in memory

    with progress:
        task = progress.add_task("fetch", total=len(items))
        report = run_fetch(items, policy, records, overwrite, on_done=done)
    record_fetch(store, report, extra_paths=pages.written, also=pages.message_suffix())  # archive: same commit
    if not store.committed:
        pages.commit(store)  # archive hook: only page text changed
    _print_fetch_report(items, report.updated, report.failed, report.kept, as_json)
    for notice in store.notices:
        click.echo(notice, err=True)


def _print_fetch_report(items: list[dict], updated: list[str], failed: list[tuple[str, str]],
                        kept: dict[str, list[str]], as_json: bool) -> None:
    """Counts and what happened to each item: a table and notes in a terminal, one tab-separated line per
    item (id, outcome, kept fields, error) when piped with the counts on stderr, or one JSON document."""
    from tracker.commands import output

    errors = dict(failed)
    changed = set(updated)
    outcomes = []  # id, outcome, the fields kept as a person edited them, the error
    for item in items:
        item_id = str(item["id"])
        outcome = ("failed" if item_id in errors else "updated" if item_id in changed
                   else "kept" if item_id in kept else "unchanged")
        outcomes.append([item_id, outcome, ", ".join(kept.get(item_id, [])), errors.get(item_id, "")])
    counts = {"fetched": len(items), "updated": len(updated), "unchanged": len(items) - len(updated) - len(failed),
              "kept edits": len(kept), "failed": len(failed)}
    if as_json:
        output.print_json({"counts": {k.replace(" ", "_"): v for k, v in counts.items()},
                           "items": [{"id": i, "outcome": o, "kept": kept.get(i, []), "error": e or None}
                                     for i, o, _k, e in outcomes]})
        return
    if not output.is_terminal():
        output.print_table([], outcomes)
        click.echo(", ".join(f"{value} {name}" for name, value in counts.items()), err=True)
        return
    output.print_table([output.Col(name, justify="right", optional=False) for name in counts],
                       [[str(value) for value in counts.values()]], title="tracker fetch")
    notes = [f"failed {item_id}: {reason}" for item_id, reason in failed[:20]]
    if len(failed) > 20:
        notes.append(f"... and {len(failed) - 20} more failures")
    notes += [f"kept {item_id}: {', '.join(names)} (edited; --overwrite replaces)"
              for item_id, names in list(kept.items())[:20]]
    for line in notes:
        click.echo(line)
