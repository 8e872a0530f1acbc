"""``tracker review`` and ``tracker cards``: flashcards from the notes and the glossary, scheduled with FSRS.

The commands parse options, call ``tracker.cards`` and print; fsrs and genanki are imported there, when used.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from tracker.cards.collection import CardView, Collection
    from tracker.cards.deck import Card

GRADE_CHOICES = ("again", "hard", "good", "easy")
GRADE_KEYS = {"1": "again", "2": "hard", "3": "good", "4": "easy", "a": "again", "h": "hard", "g": "good", "e": "easy"}


def _collection(ctx: click.Context) -> Collection:
    from tracker.cards.collection import load_collection
    from tracker.store import find_data_file

    collection = load_collection(find_data_file(ctx.find_root().obj.file))
    for problem in collection.problems:
        click.echo(f"Warning: {problem}", err=True)
    return collection


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def describe_due(due: dt.datetime | None, now: dt.datetime) -> str:
    """``new``, ``now``, ``in 10 min``, ``in 3 days (Dec 06)``: when a learner will see the card again."""
    if due is None:
        return "new"
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"in {round(seconds / 3600)} h"
    days = round(seconds / 86400)
    return f"in {days} day{'s' if days != 1 else ''} ({due.astimezone():%b %d})"


def _commit_session(ctx: click.Context, collection: Collection, graded: list[str]) -> bool:
    """One commit for the whole session: the log (and .gitattributes the first time)."""
    from tracker import gitrepo
    from tracker.cards.reviewlog import ensure_union_merge
    from tracker.store import Store

    if not graded:
        return False
    store = Store(collection.data_file, commit=ctx.find_root().obj.commit)
    paths = [collection.log_file]
    repo = gitrepo.find_repo(collection.data_file.parent)
    if repo is not None and gitrepo.commits_enabled(store.commit_enabled, store.path.parent):
        changed = ensure_union_merge(repo, collection.log_file)
        if changed is not None:
            paths.append(changed)
    recalled = sum(1 for g in graded if g != "again")
    committed = store.commit_files(paths, f"review: {_count(len(graded), 'card')}, {recalled} recalled")
    for notice in store.notices:
        click.echo(notice, err=True)
    return committed


# ------------------------------------------------------------------------------------------------ review


@click.command("review")
@click.option("--card", "card_refs", multiple=True, metavar="ID",
              help="Grade this card without asking (repeatable; with --grade). For scripts.")
@click.option("--grade", type=click.Choice(GRADE_CHOICES), help="The grade for --card.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many cards in the session.")
@click.option("--topic", help="Only cards of this study-plan chapter (and the chapters below it), e.g. 3.1.")
@click.option("--new", "new_per_day", type=click.IntRange(min=0), default=20, show_default=True,
              help="New cards to introduce per day.")
@click.option("--json", "as_json", is_flag=True, help="Print the graded cards (or the summary) as JSON.")
@click.pass_context
def review_cmd(ctx: click.Context, card_refs: tuple[str, ...], grade: str | None, limit: int | None,
               topic: str | None, new_per_day: int, as_json: bool) -> None:
    """Review the flashcards that are due: see the question, reveal the answer, grade your recall.

    Keys: space or enter shows the answer; 1 again, 2 hard, 3 good, 4 easy; q ends the session. The session is
    one git commit (the review log .tracker-reviews.jsonl); FSRS picks each card's next date.

    \b
    Examples:
      tracker review
      tracker review --topic 3.1 --limit 10 --new 5
      tracker review --card q-d4b073b9 --grade good
    """
    if card_refs or grade:
        if not (card_refs and grade):
            raise click.UsageError("--card and --grade go together")
        _grade_cards(ctx, card_refs, grade, as_json)
        return
    collection = _collection(ctx)
    now = _now()
    queue = collection.queue(now, topic=topic, new_per_day=new_per_day, limit=limit)
    graded = ReviewSession(collection, queue).run()
    _commit_session(ctx, collection, [g for _card, g in graded])
    _print_summary(collection, graded, _now(), topic, as_json)


def _grade_cards(ctx: click.Context, refs: tuple[str, ...], grade: str, as_json: bool) -> None:
    collection = _collection(ctx)
    cards = list({card.id: card for card in (collection.find(ref) for ref in refs)}.values())  # all checked first
    now = _now()
    results = []
    for card in cards:
        state = collection.record(card, grade, now)
        results.append((card, state))
    _commit_session(ctx, collection, [grade] * len(cards))
    if as_json:
        click.echo(json.dumps([_view_of(collection, card).as_json() for card, _state in results], indent=2))
        return
    for card, state in results:
        click.echo(f"{card.id} {grade}: next {describe_due(state.due, now)} ({state.state})")


def _view_of(collection: Collection, card: Card) -> CardView:
    from tracker.cards.collection import CardView

    return CardView(card, collection.states.get(card.id), collection.paused.get(card.id))


class ReviewSession:
    """The interactive loop: one card at a time, answer on a key, grade on a key. A card graded "again"
    comes back at the end of the session, as in Anki."""

    def __init__(self, collection: Collection, queue: list[Card]) -> None:
        from rich.console import Console

        self.collection = collection
        self.queue = deque(queue)
        self.console = Console(highlight=False)
        self.graded: list[tuple[Card, str]] = []

    def run(self) -> list[tuple[Card, str]]:
        if not self.queue:
            return self.graded
        try:
            while self.queue:
                card = self.queue.popleft()
                grade = self._ask(card)
                if grade is None:
                    break
                now = _now()
                state = self.collection.record(card, grade, now)
                self.graded.append((card, grade))
                self.console.print(f"[dim]recorded {grade}; next {describe_due(state.due, now)}[/dim]\n")
                if grade == "again":
                    self.queue.append(card)
        except (KeyboardInterrupt, EOFError):
            self.console.print()
        return self.graded

    def _ask(self, card: Card) -> str | None:
        from rich.panel import Panel
        from rich.text import Text

        left = len(self.queue) + 1
        where = f"{card.topic} · {card.source}" if card.topic else card.source
        self.console.rule(f"[bold]{card.id}[/bold] · {where} · {left} left", style="cyan")
        self.console.print(Panel(Text(card.question), title="Question", title_align="left"))
        self.console.print("[dim]space/enter: show answer · q: quit[/dim]")
        while True:
            key = _read_key()
            if key in ("q", "\x1b"):
                return None
            if key in (" ", "\r", "\n", ""):
                break
        self.console.print(Panel(Text(card.answer), title="Answer", title_align="left", border_style="green"))
        self.console.print("grade: [red]1 again[/red] · [yellow]2 hard[/yellow] · [green]3 good[/green] · "
                           "[blue]4 easy[/blue] · q: quit")
        while True:
            key = _read_key()
            if key in ("q", "\x1b"):
                return None
            if key in GRADE_KEYS:
                return GRADE_KEYS[key]


def _read_key() -> str:
    """One key press on a terminal; from a pipe (a script, a test) the first character of the next line."""
    if sys.stdin.isatty():
        key = click.getchar()
        if key == "\x03":
            raise KeyboardInterrupt
        if key == "\x04":
            raise EOFError
        return key.lower()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip()[:1].lower()


def _print_summary(collection: Collection, graded: list[tuple[Card, str]], now: dt.datetime,
                   topic: str | None, as_json: bool) -> None:
    from tracker.cards.schedule import recalled_share

    grades = [g for _card, g in graded]
    share = recalled_share(grades)
    active = [v for v in collection.views(topic, include_removed=False) if v.paused is None and v.state]
    due_now = sum(1 for v in active if v.is_due(now))
    upcoming = [v.due for v in active if v.due is not None and not v.is_due(now)]
    next_due = min(upcoming) if upcoming else None
    summary: dict[str, Any] = {
        "reviewed": len(grades), "cards": len({c.id for c, _g in graded}), "recalled": sum(g != "again" for g in grades),
        "retention": round(share, 3) if share is not None else None, "due_now": due_now,
        "next_due": next_due.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if next_due else None,
    }
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    if not grades:
        click.echo("Nothing to review." + (f" Next card {describe_due(next_due, now)}." if next_due else ""))
        return
    retention = f"{share:.0%}" if share is not None else "-"
    click.echo(f"Reviewed {_count(summary['cards'], 'card')} ({_count(len(grades), 'review')}), recalled "
               f"{summary['recalled']} ({retention}). Still due: {due_now}. Next: {describe_due(next_due, now)}.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# ------------------------------------------------------------------------------------------------ cards


@click.group("cards")
def cards_group() -> None:
    """Flashcards made from the notes' Q&A tables and the glossary (see docs/flashcards.md).

    \b
    Examples:
      tracker cards list --due
      tracker cards export --format anki -o flashcards.apkg
    """


@cards_group.command("list")
@click.option("--due", "only_due", is_flag=True, help="Only cards due now.")
@click.option("--topic", help="Only cards of this study-plan chapter (and below), e.g. 3.1.")
@click.option("--suspended", "only_paused", is_flag=True, help="Only paused cards, with the reason.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: id, question, answer, due, topic, source, ...")
@click.pass_context
def cards_list_cmd(ctx: click.Context, only_due: bool, topic: str | None, only_paused: bool, as_json: bool) -> None:
    """List flashcards with when each is due next (new: never reviewed).

    \b
    Examples:
      tracker cards list --topic 3.1
      tracker cards list --due --json
    """
    collection = _collection(ctx)
    now = _now()
    views = collection.views(topic)
    if only_due:
        views = [v for v in views if v.is_due(now)]
    if only_paused:
        views = [v for v in views if v.paused]
    if as_json:
        click.echo(json.dumps([v.as_json() for v in views], indent=2, ensure_ascii=False))
        return
    from tracker.commands.output import Col, print_table  # table in a terminal, tab-separated when piped

    rows = [[view.card.id, f"paused: {view.paused}" if view.paused else describe_due(view.due, now),
             view.card.topic or "", view.card.question] for view in views]
    print_table([Col("id", cap=32, clip=True), Col("due", cap=24), Col("topic", cap=10), Col("question", share=1)],
                rows, empty="No cards.")


@cards_group.command("export")
@click.option("--format", "fmt", type=click.Choice(("anki", "csv")), default="anki", show_default=True,
              help="anki: an .apkg package (one deck per study-plan part); csv: one row per card.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: flashcards.apkg for anki, standard output for csv).")
@click.option("--topic", help="Only cards of this study-plan chapter (and below).")
@click.pass_context
def cards_export_cmd(ctx: click.Context, fmt: str, output: Path | None, topic: str | None) -> None:
    """Export the flashcards for Anki (phone review) or as CSV.

    \b
    Examples:
      tracker cards export --format anki -o flashcards.apkg
      tracker cards export --format csv -o flashcards.csv
    """
    from tracker.cards import export

    collection = _collection(ctx)
    views = collection.views(topic, include_removed=False)
    if fmt == "csv":
        text = export.render_csv(views, collection.plan)
        if output is None or str(output) == "-":
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            click.echo(f"Wrote {len(views)} cards to {output}", err=True)
        return
    path = output or Path("flashcards.apkg")
    counts = export.write_anki(views, collection.plan, path)
    decks = ", ".join(f"{name} ({count})" for name, count in counts.items())
    click.echo(f"Wrote {len(views)} cards to {path}: {decks}")
