"""``tracker next`` (plan a study session by reading time), ``tracker read`` (an item's saved text, offline) and
``tracker archive`` (what is saved; saving on or off). The work is in ``tracker.archive``; this only parses
and prints."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tracker.store import Store


def _store(ctx: click.Context) -> Store:
    from tracker.store import Store

    return Store.open(ctx.obj.file, commit=ctx.obj.commit)


@click.command("next")
@click.option("--minutes", type=click.IntRange(min=1), default=45, show_default=True, help="The time you have.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def next_cmd(ctx: click.Context, minutes: int, as_json: bool) -> None:
    """What to read or watch next within MINUTES: next-up first, then the inbox, in study-plan order.

    Reading times come from the saved page text (`tracker fetch` saves it); items without one are listed
    apart and never counted.

    \b
    Examples:
      tracker next --minutes 45
      tracker next --minutes 90 --json | jq -r '.planned[].url'
    """
    from tracker.archive.planner import Candidate, plan_session
    from tracker.archive.reading import with_minutes

    store = _store(ctx)
    index = store.index()
    rows = [row for status in ("next-up", "inbox") for row in index.query_resources(status=status)]
    found = with_minutes(store.path.parent, store.state_dir, rows)
    candidates = [Candidate(row[0], row[2], row[3], json.loads(row[7]).get("topic"), found.get(row[0]), row[1])
                  for row in rows]
    topics = [str(topic.get("id")) for topic in index.entries("topics")]
    plan = plan_session(candidates, topics, minutes)
    if as_json:
        click.echo(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not plan.planned:
        console.print(f"Nothing with a known reading time fits in {minutes} minutes.")
    else:
        table = Table(title=f"Next {minutes} minutes: {plan.total} planned", title_justify="left")
        for name in ("min", "id", "status", "topic", "title"):
            table.add_column(name, overflow="fold", justify="right" if name == "min" else "left")
        for c in plan.planned:
            table.add_row(str(c.minutes), escape(c.item_id), c.status, escape(c.topic or ""), escape(c.title))
        console.print(table)
    if plan.unestimated:
        names = ", ".join(escape(c.item_id) for c in plan.unestimated)
        console.print(f"[dim]No time estimate (not counted): {names}[/dim]")


@click.command("read")
@click.argument("ref")
@click.pass_context
def read_cmd(ctx: click.Context, ref: str) -> None:
    """Print an item's saved page text (offline), with its live address and saved date.

    \b
    Example:
      tracker read illustrated-transformer | less
    """
    from tracker.archive.extract import printable
    from tracker.archive.files import read_page
    from tracker.archive.readtime import read_minutes
    from tracker.errors import TrackerError
    from tracker.reading_list import resolve_ref

    store = _store(ctx)
    index = store.index()
    item_id = resolve_ref(index, ref)
    item = index.resource(item_id) or {}
    page = read_page(store.path.parent, item_id)
    if page is None:
        raise TrackerError(f"{item_id}: no saved text (run `tracker fetch {item_id}` while the page is online)")
    minutes = read_minutes(page.words, page.duration_s, item.get("category"))
    click.echo(f"# {item.get('title', item_id)}")
    click.echo(f"{item.get('url', '')}  (saved {page.header.get('saved', '?')}"
               + (f", {minutes} min" if minutes else "") + ")\n")
    click.echo(printable(page.text or ""))  # a hand-edited file may hold anything


@click.command("archive")
@click.argument("switch", required=False, type=click.Choice(["on", "off"]))
@click.option("--prune", is_flag=True, help="Delete the saved text of items no longer in the list (one commit).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def archive_cmd(ctx: click.Context, switch: str | None, prune: bool, as_json: bool) -> None:
    """How many items have saved page text; `archive off` stops saving for this list (archive/.off, committed),
    `archive on` starts again. One item: write `archive: false` in its block. One process: TRACKER_ARCHIVE=off.

    \b
    Examples:
      tracker archive
      tracker archive off
      tracker archive --prune
    """
    from tracker.archive.files import OFF_MARKER, archive_dir, saving_enabled
    from tracker.archive.textindex import PageIndex

    store = _store(ctx)
    root = store.path.parent
    marker = archive_dir(root) / OFF_MARKER
    if switch == "off" and not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("Page text is not saved for this list while this file exists (`tracker archive on`).\n")
        store.commit_files([marker], "archive: stop saving page text")
    elif switch == "on" and marker.exists():
        marker.unlink()
        store.commit_files([marker], "archive: save page text again")
    with PageIndex(root, store.state_dir) as pages:
        pages.sync(full=True)  # also sees snapshot files edited in place by hand
        facts = pages.facts()
    ids = {row[0] for row in store.index().query_resources()}
    saved = [item_id for item_id in facts if item_id in ids]
    orphans = sorted(set(facts) - ids)
    if prune and orphans:
        from tracker.archive.files import snapshot_path

        gone = [path for path in (snapshot_path(root, item_id) for item_id in orphans) if path is not None]
        for path in gone:
            path.unlink(missing_ok=True)
        store.commit_files(gone, f"archive: drop the saved text of {len(gone)} removed item(s)")
        click.echo(f"Deleted {len(gone)} snapshot(s) of items no longer in the list.", err=True)
        orphans = []
    status = {"saving": saving_enabled(root), "items": len(ids), "saved": len(saved),
              "words": sum(facts[i].words or 0 for i in saved), "orphans": orphans}
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    click.echo(f"{status['saved']} of {status['items']} items have saved page text ({status['words']} words); "
               f"saving is {'on' if status['saving'] else 'off'}.")
    if status["orphans"]:
        click.echo(f"{len(status['orphans'])} snapshot(s) of items no longer in the list: "
                   + ", ".join(status["orphans"][:10]) + " (`tracker archive --prune` deletes them)")
