"""``tracker meta`` (what the extractor finds for a URL or a saved page) and ``tracker fetch`` (refresh items)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.index import Index
    from tracker.store import Store


def _print_metadata(data: dict[str, object], as_json: bool, error: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
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
    from tracker.web.metadata import extract_metadata

    return extract_metadata(path.read_bytes(), url).to_dict()


def _run_batch(manifest: Path) -> None:
    """JSONL in ({"id", "html", "url"}), JSONL out ({"id", <fields>}): one process for many pages."""
    from tracker.web.metadata import extract_metadata

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
        from tracker.web.http import policy_from_env
        from tracker.web.lookup import lookup

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
    """Fetched fields for ``tracker add``: what the page says, minus what the user gave on the command line.

    Never raises for network trouble: on failure it returns what the URL alone tells (marked in the
    ``fetched:`` record so ``tracker fetch --missing`` tries again) and prints the reason.
    """
    from tracker.errors import DuplicateError
    from tracker.urls import identity_key, validate_url
    from tracker.web.http import policy_from_env
    from tracker.web.lookup import lookup
    from tracker.web.refresh import plan_refresh

    url = validate_url(url)
    existing = store.index().id_for_url_key(identity_key(url))
    if existing:  # refuse before spending seconds on a fetch
        raise DuplicateError(f"{url} is already in the list as '{existing}'", existing)
    from tracker.archive.capture import hold_for_add, reading_policy  # archive hook: the whole page, kept

    found = lookup(url, reading_policy(store.path.parent, policy_from_env()))
    if found.error:
        click.echo(f"note: saved without page metadata: {found.error}", err=True)
    hold_for_add(store.path.parent, url, found.page)
    current = {"url": url, **{k: v for k, v in given.items() if v not in (None, "", [], ())}}
    plan = plan_refresh(current, found.metadata, failed=found.error is not None)
    return {**plan.changes, "fetched": plan.record}


def _select_items(index: Index, refs: tuple[str, ...], all_items: bool, missing: bool) -> list[dict]:
    from tracker.reading_list import resolve_ref
    from tracker.web.refresh import needs_fetch

    if refs:
        items = [index.resource(resolve_ref(index, ref)) for ref in refs]
    else:
        items = [json.loads(row[7]) for row in index.query_resources()]
    if missing:
        items = [item for item in items if needs_fetch(item)]
    return [item for item in items if item]


def _unchanged_record(old: object, new: str) -> bool:
    from tracker.web.refresh import parse_record

    before, after = parse_record(old), parse_record(new)
    return before.when is not None and before.digests == after.digests and before.failed == after.failed


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _fetch_message(updated: int, recorded_only: int) -> str:
    """The commit message: items whose metadata changed, and items where only the fetch record changed
    (a field a person edited is now marked as theirs, or a failed fetch now worked)."""
    parts = [f"metadata for {_plural(updated, 'item')}"] if updated else []
    if recorded_only:
        parts.append(f"hand edits noted in {_plural(recorded_only, 'item')}")
    return "fetch: " + ", ".join(parts)


@click.command("fetch")
@click.argument("refs", nargs=-1)
@click.option("--all", "all_items", is_flag=True, help="Refresh every item.")
@click.option("--missing", is_flag=True, help="Only items never fetched (or whose last fetch failed).")
@click.option("--overwrite", is_flag=True, help="Replace values a person edited, too.")
@click.option("--concurrency", type=click.IntRange(1, 256), default=None,
              help="Requests at once, all hosts together (default 64).")
@click.option("--per-host", type=click.IntRange(1, 64), default=None, help="Requests at once per host (default 4).")
@click.pass_context
def fetch_cmd(ctx: click.Context, refs: tuple[str, ...], all_items: bool, missing: bool, overwrite: bool,
              concurrency: int | None, per_host: int | None) -> None:
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
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from tracker.store import Store
    from tracker.web.http import policy_from_env
    from tracker.web.lookup import lookup_many
    from tracker.web.refresh import plan_refresh

    if not refs and not all_items and not missing:
        raise click.UsageError("name items to fetch, or use --all or --missing")
    if refs and all_items:
        raise click.UsageError("give REFs or --all, not both")
    store = Store.open(ctx.obj.file, commit=ctx.obj.commit)
    items = _select_items(store.index(), refs, all_items, missing)
    console = Console(stderr=True)
    if not items:
        console.print("Nothing to fetch.")
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
        found = lookup_many([str(item["url"]) for item in items], policy, on_done=done)
    changes: dict[str, dict] = {}
    failed: list[tuple[str, str]] = []
    kept: dict[str, list[str]] = {}
    for item, result in zip(items, found, strict=True):
        if result.error:
            failed.append((str(item["id"]), result.error))
            continue
        plan = plan_refresh(item, result.metadata, overwrite=overwrite)
        if plan.kept:
            kept[str(item["id"])] = plan.kept
        if plan.changes or not _unchanged_record(item.get("fetched"), plan.record):
            changes[str(item["id"])] = {**plan.changes, "fetched": plan.record}
    updated = [item_id for item_id, fields in changes.items() if set(fields) - {"fetched"}]
    if changes:
        from tracker.reading_list import update_resources

        # archive hook: the saved page text goes in the same commit
        update_resources(store, changes, _fetch_message(len(updated), len(changes) - len(updated))
                         + pages.message_suffix(), extra_paths=pages.written)
    if not store.committed:
        pages.commit(store)  # archive hook: only page text changed (or no metadata did)
    table = Table(title="tracker fetch", show_header=True)
    for column in ("fetched", "updated", "unchanged", "kept edits", "failed"):
        table.add_column(column, justify="right")
    table.add_row(str(len(items)), str(len(updated)), str(len(items) - len(updated) - len(failed)),
                  str(len(kept)), str(len(failed)))
    out = Console()
    out.print(table)
    for item_id, reason in failed[:20]:
        out.print(f"[red]failed[/red] {escape(item_id)}: {escape(reason)}")
    if len(failed) > 20:
        out.print(f"... and {len(failed) - 20} more failures")
    for item_id, names in list(kept.items())[:20]:
        out.print(f"[yellow]kept[/yellow] {escape(item_id)}: {', '.join(names)} (edited; --overwrite replaces)")
    for notice in store.notices:
        click.echo(notice, err=True)
