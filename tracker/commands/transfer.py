"""Commands that move the list in and out and between machines: import, export, sync, resolve, merge-driver."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tracker.exporters import FORMATS as EXPORT_FORMATS
from tracker.importers import FORMATS as IMPORT_FORMATS
from tracker.store.document import STATUS_VALUES  # spelled out there: no pydantic import for every transfer

SHOWN_LINES = 20


def _echo_outcomes(title: str, lines: list[str], verbose: bool) -> None:
    if not lines:
        return
    click.echo(f"{title}:")
    shown = lines if verbose else lines[:SHOWN_LINES]
    for line in shown:
        click.echo(f"  {line}")
    if len(lines) > len(shown):
        click.echo(f"  ... and {len(lines) - len(shown)} more (--verbose shows all, --json gives them all)")


def _added_line(outcome) -> str:
    """An added item as it is saved: id, title, URL, then each of its other links."""
    line = f"{outcome.item_id}  {outcome.title}  <{outcome.url}>  ({outcome.origin})"
    return line + "".join(f"\n      + {label}: {url}" for label, url in outcome.links)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS), help="The file's format (default: guessed).")
@click.option("--status", type=click.Choice(STATUS_VALUES, case_sensitive=False), help="Give every new item this status.")
@click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
@click.option("--verbose", "-v", is_flag=True,
              help="List every added item as it is saved (id, title, URL, links), not only merges and skips.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def import_cmd(settings, file: Path, fmt: str | None, status: str | None, dry_run: bool, verbose: bool,
               as_json: bool) -> None:
    """Import links from FILE: a README or awesome list, bookmarks, a Pocket or other CSV, JSON or JSON lines.

    A row or bullet that links one work several times ([Paper], [Code], [Tweet]) becomes one item: the best
    link is its URL, the others its links. Links already in the list (as an item's URL or one of its links,
    after URL normalisation) are reported as merged, not added twice; what is skipped is listed with why.
    Everything is written at once and committed in one commit. See docs/import.md.

    \b
    Examples:
      tracker import README.md
      tracker import bookmarks.html --status inbox --dry-run
      tracker import pocket.csv --format pocket
    """
    from tracker.importers.apply import import_into_store
    from tracker.store import Store

    store = Store.open(settings.file, commit=settings.commit)
    from tracker.models import Status

    report = import_into_store(store, file, fmt, Status(status) if status else None, dry_run)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    counts = report.counts()
    extras = [f"{counts[key]} {label}" for key, label in
              (("advice", "advice"), ("glossary", "terms"), ("topics", "topics"), ("notes", "notes")) if counts[key]]
    verb = "Would import" if dry_run else "Imported"
    click.echo(
        f"{verb} {file.name} ({report.fmt}): {counts['added']} added, {counts['merged']} merged as duplicate, "
        f"{counts['skipped']} skipped" + (f"; {', '.join(extras)}" if extras else "")
    )
    present = [f"{count} {label}" for key, label in (("advice", "advice"), ("glossary", "terms"), ("topics", "topics"),
               ("notes", "notes")) if (count := report.result.already_present.get(key, 0))]
    if present:
        click.echo(f"Already there, left as they are: {', '.join(present)}")
    outcomes = report.result.plan.outcomes
    if verbose:
        _echo_outcomes("Added", [_added_line(o) for o in outcomes if o.action == "added"], True)
    _echo_outcomes(
        "Merged as duplicate",
        [f"{o.origin}  {o.title or o.url} -> {o.item_id} ({o.reason})" for o in outcomes if o.action == "merged"],
        verbose,
    )
    _echo_outcomes("Skipped", [f"{s.origin}  {s.text}: {s.reason}" for s in report.skipped()], verbose)
    if report.notes_written:
        _echo_outcomes("Notes", [str(path) for path in report.notes_written], verbose)
    for notice in getattr(store, "notices", []):
        click.echo(notice, err=True)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="markdown", show_default=True)
@click.option("--status", "statuses", type=click.Choice(STATUS_VALUES, case_sensitive=False), multiple=True,
              help="Only items with this status (repeat for several).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--into", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Markdown only: replace the sections between tracker marker comments in this README.")
@click.pass_obj
def export_cmd(settings, fmt: str, statuses: tuple[str, ...], output: Path | None, into: Path | None) -> None:
    """Export the reading list (markdown also: advice and glossary) as markdown, netscape, json, csv or bibtex.

    With --into README.md, only the parts between <!-- tracker:reading-list:start --> and
    <!-- tracker:reading-list:end --> (likewise advice, glossary) are replaced; the rest stays as it is.

    \b
    Examples:
      tracker export --format bibtex --status done -o papers.bib
      tracker export --into README.md
      tracker export --format netscape -o bookmarks.html
    """
    from tracker.exporters import export_document, only_statuses
    from tracker.store import Store, atomic_write

    store = Store.open(settings.file, commit=settings.commit)
    if fmt == "json" and into is None:  # every field of every item: the index's rows, no parse, no models
        from tracker.exporters.indexjson import render_json_from_index

        _write_export(render_json_from_index(store.index(), [status.lower() for status in statuses]), output)
        return
    from tracker.models import Status

    document = store.load()
    wanted = tuple(Status(status) for status in statuses)
    if into is not None:
        if fmt != "markdown":
            raise click.UsageError("--into works with --format markdown only")
        from tracker.exporters.markdown import update_into

        before = into.read_text(encoding="utf-8")
        after = update_into(before, only_statuses(document, wanted), str(into))
        if after == before:
            click.echo(f"{into} is up to date")
            return
        atomic_write(into, after.encode("utf-8"))
        # The README lives next to the list: the regenerated part is one commit, like any other change.
        store.commit_files([into], f"export: regenerate the tracker sections of {into.name}")
        click.echo(f"Updated {into}")
        for notice in store.notices:
            click.echo(notice, err=True)
        return
    text = export_document(document, fmt, wanted)
    _say_what_is_left_out(only_statuses(document, wanted), fmt)
    _write_export(text, output)


def _write_export(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from tracker.store import atomic_write

    atomic_write(output, text.encode("utf-8"))
    click.echo(f"Wrote {output}", err=True)


def _say_what_is_left_out(document, fmt: str) -> None:
    """On stderr, so a redirected export stays clean: the fields (and, for BibTeX, the items) not written."""
    from tracker.exporters import unheld_fields

    lost = unheld_fields(document, fmt)
    if fmt == "bibtex":
        from tracker.exporters.bibtex import is_paper

        others = sum(not is_paper(item) for item in document.resources)
        if others:
            click.echo(f"Note: bibtex holds papers only: {others} of {len(document.resources)} items left out", err=True)
        lost.pop("id", None)
        lost.pop("status", None)
    if lost:
        fields = ", ".join(f"{name} ({count} items)" for name, count in sorted(lost.items()))
        click.echo(f"Note: {fmt} cannot hold: {fields}", err=True)


@click.command("sync")
@click.option("--remote", help="The remote to sync with (default: the branch's upstream, else origin).")
@click.option("--rebase", is_flag=True, help="Replay local commits on top of the remote's instead of merging.")
@click.pass_obj
def sync_cmd(settings, remote: str | None, rebase: bool) -> None:
    """Pull the list from the branch's upstream (merging resources.yaml item by item), then push to it.

    Nothing is pushed unless the list loads and holds no open merge conflict.

    \b
    Examples:
      tracker sync
      tracker sync --rebase
    """
    from tracker.sync import sync

    start = settings.file.absolute().parent if settings.file else Path.cwd()
    data_files = [settings.file.absolute()] if settings.file else []
    result = sync(start, remote, rebase=rebase, data_files=data_files)
    how = "rebased onto" if rebase else "pulled"
    pulled = f"{how} {result.upstream}" if result.pulled else f"nothing to pull from {result.upstream}"
    where = "" if result.configured else " (no upstream was set: used the remote's branch of the same name)"
    click.echo(f"Synced: {pulled}, pushed {result.branch} to {result.upstream}{where}.")
    for notice in result.notices:
        click.echo(notice, err=True)


@click.command("resolve")
@click.option("--ours", "take", flag_value="ours", help="Keep our version of every conflict (the live one).")
@click.option("--theirs", "take", flag_value="theirs", help="Take their version of every conflict.")
@click.pass_obj
def resolve_cmd(settings, take: str | None) -> None:
    """Settle the merge conflicts a sync or pull left in the list, and make the commit.

    Without --ours/--theirs, checks that you removed the conflict blocks by hand. Either way the file must load;
    then it is marked resolved and the merge commit (or the rebase's next step) is made.

    \b
    Examples:
      tracker resolve --ours
      tracker resolve          # after editing the marked lines yourself
    """
    from tracker.merge.resolve import resolve
    from tracker.store import find_data_file

    result = resolve(find_data_file(settings.file), take)
    settled = f"kept {result.settled} conflict(s) as {take}; " if take else ""
    done = {"merge": "committed the merge", "rebase": "continued the rebase",
            "commit": "committed it", "": "nothing to commit"}[result.finished]
    click.echo(f"Resolved {result.path.name}: {settled}{done}. Run 'tracker sync' to share it.")


@click.command("merge-driver", hidden=True)
@click.argument("base", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("path", default="resources.yaml")
def merge_driver_cmd(base: Path, ours: Path, theirs: Path, path: str) -> None:
    """git's merge driver for resources.yaml, the link history and notes (registered by `tracker init`):
    tracker merge-driver %O %A %B %P."""
    from tracker.merge import run_merge_driver

    sys.exit(run_merge_driver(base, ours, theirs, path))
