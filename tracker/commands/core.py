"""The core commands: init, add, list, show, move, edit, remove, search, log, advice, glossary, notes, topics.

Each command parses options, calls one function of the core (``tracker.reading_list``, ``tracker.store``,
``tracker.gitrepo``, ``tracker.notes``) and prints: a table in a terminal, plain tab-separated lines when piped,
or ``--json``. Heavy imports (rich, pydantic, yaml) happen only in the commands that need them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.commands import completion, output
from tracker.commands.output import Col, json_option

# tracker.store.document's copy of the statuses: no pydantic import for --help and read commands.
from tracker.store.document import STATUS_VALUES

if TYPE_CHECKING:
    from tracker.store import Store

# Any case on the command line ("Done"), stored as the canonical value ("done").
STATUS_CHOICE = click.Choice(STATUS_VALUES, case_sensitive=False)


def _store(ctx: click.Context) -> Store:
    from tracker.store import Store

    return Store.open(ctx.obj.file, commit=ctx.obj.commit)


def _check_lab(store: Store, lab: str | None) -> None:
    """Refuse a ``--lab`` that names no experiment in lab/ before anything is written ('' clears the field)."""
    if lab:
        from tracker.lab.discovery import require_linkable

        require_linkable(lab, store.path)


def _say_notices(store: Store) -> None:
    for notice in store.notices:
        click.echo(notice, err=True)


def _topic_id(store: Store, topic: str | None) -> str | None:
    """The id of the topic given as `tracker topics` shows it (``I.`` -> ``part-1``); other values as given."""
    if not topic:
        return topic
    from tracker.filters import find_topic_id

    return find_topic_id(store.index().entries("topics"), topic) or topic


def _warn_unknown(store: Store, topic: str | None = None, related: tuple[str, ...] = ()) -> None:
    """A topic id not in the study plan, or a related item id not in the list, is kept but pointed out
    (usually a typo)."""
    if not topic and not related:
        return
    index = store.index()
    if topic and topic not in {str(t.get("id")) for t in index.entries("topics")}:
        click.echo(f"note: topic '{topic}' is not in the study plan (see `tracker topics`)", err=True)
    for item_id in related:
        if not index.has_id(item_id):
            click.echo(f"note: '{item_id}' is not an item id in the list", err=True)


# Tables, tab-separated lines and JSON are printed the same way by every read command: see output.py.
_print_json = output.print_json
_print_table = output.print_table


def _is_terminal() -> bool:
    return output.is_terminal()


def _short_url(url: str) -> str:
    """A URL as a person reads it in a table: no scheme, no ``www.``."""
    rest = url.split("://", 1)[-1]
    return rest[4:] if rest.startswith("www.") else rest


def _resource_object(row: tuple) -> dict:
    item_id, url, title, status, category, tags, added, data = row[:8]
    obj = {"id": item_id, "url": url, "title": title, "status": status, "category": category,
           "tags": json.loads(tags), "added": added}
    for key, value in json.loads(data).items():
        obj.setdefault(key, value)
    return obj


def _resource_cells(row: tuple) -> list[str]:
    item_id, url, title, status, category, tags, added = row[:7]
    return [item_id, status, category or "", title, ", ".join(json.loads(tags)), url]


def _resource_table_cells(row: tuple) -> list[str]:
    cells = _resource_cells(row)
    return cells[:-1] + [_short_url(cells[-1])] if _is_terminal() else cells


RESOURCE_COLUMNS = [Col("id", cap=32, clip=True), Col("status", cap=7), Col("category", cap=12, min_terminal=70,
                    optional=True), Col("title", share=3), Col("tags", cap=16, min_terminal=80, optional=True),
                    Col("url", share=2, clip=True, min_terminal=120)]


# ---------------------------------------------------------------------------------------------- init


@click.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init_cmd(ctx: click.Context, directory: Path | None) -> None:
    """Create resources.yaml, notes/, a .gitignore and (if needed) a git repository, then commit them.

    \b
    Example:
      tracker init ~/llm-study && cd ~/llm-study
    """
    from tracker.project import init_project

    folder = (directory or Path.cwd()).absolute()
    data_file = ctx.obj.file.absolute() if ctx.obj.file and directory is None else None
    result = init_project(folder, data_file=data_file, commit=ctx.obj.commit)
    click.echo(f"Created {result.data_file}")
    for notice in result.notices:
        click.echo(notice, err=True)
    if _is_terminal():  # a first-time user's next steps; scripts get the one line above
        cd = f"cd {directory} && " if directory else ""
        click.echo(f"Next: {cd}tracker add URL, or tracker import README.md (a list of links)")


# ---------------------------------------------------------------------------------------------- add


@click.command("add")
@click.argument("url")
@click.option("--status", type=STATUS_CHOICE, default="inbox", show_default=True)
@click.option("--category", help="Study, Coding, Math, Paper, Video, Course, Book, Tool, ...")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--title", help="The title (default: from the page, or made from the URL).")
@click.option("--comment", help="Your own words about it.")
@click.option("--topic", help="A study-plan chapter id (see `tracker topics`).", shell_complete=completion.topic_ids)
@click.option("--lab", help="A lab experiment id.", shell_complete=completion.lab_ids)
@click.option("--no-fetch", is_flag=True, envvar="TRACKER_NO_FETCH",
              help="Do not fetch the page's metadata. Env: TRACKER_NO_FETCH=1.")
@click.pass_context
def add_cmd(ctx: click.Context, url: str, status: str, category: str | None, tags: tuple[str, ...],
            title: str | None, comment: str | None, topic: str | None, lab: str | None, no_fetch: bool) -> None:
    """Add URL to the reading list and print its new id. A URL already in the list is refused.

    \b
    Example:
      tracker add https://jalammar.github.io/illustrated-transformer/ --tag transformers --status next-up
    """
    from tracker.reading_list import add_resource
    from tracker.urls import refuse_credentials

    refuse_credentials(url)  # before any fetch: a password must not even travel to the page
    store = _store(ctx)
    _check_lab(store, lab)
    topic = _topic_id(store, topic)
    metadata = None
    if not no_fetch:
        from tracker.commands.metadata import metadata_for_add

        metadata = metadata_for_add(store, url, {"title": title})
    also_write = None
    if not no_fetch:  # archive hook: the page's saved text, committed with the new item
        from tracker.archive.capture import snapshot_writer

        also_write = snapshot_writer(store.path.parent)
    resource = add_resource(store, url, title=title, status=status, category=category, tags=tags,
                            comment=comment, topic=topic, lab=lab, metadata=metadata, also_write=also_write)
    click.echo(resource["id"])
    _say_notices(store)
    _warn_unknown(store, topic)


# ---------------------------------------------------------------------------------------------- list / show


def _note_open_conflicts(store: Store) -> None:
    """A sync that left merge conflicts leaves a file that loads; say where they are so they get settled."""
    from tracker.merge.conflicts import conflict_notice

    notice = conflict_notice(store.path)
    if notice:
        click.echo(notice, err=True)


@click.command("list")
@click.option("--status", "statuses", multiple=True, type=STATUS_CHOICE, help="Only items with this status (repeat).")
@click.option("--category", "categories", multiple=True, help="Only this category, any case (repeat).")
@click.option("--tag", "tags", multiple=True, help="Only items with this tag (repeat: any of them).")
@click.option("--topic", "topics", multiple=True, help="Only items of this study-plan chapter (repeat).",
              shell_complete=completion.topic_ids)
@click.option("--limit", type=click.IntRange(min=0), help="At most N items.")
@json_option
@click.pass_context
def list_cmd(ctx: click.Context, statuses: tuple[str, ...], categories: tuple[str, ...], tags: tuple[str, ...],
             topics: tuple[str, ...], limit: int | None, as_json: bool) -> None:
    """List reading-list items in file order, filtered. A repeated option matches any of its values;
    different options must all match.

    \b
    Example:
      tracker list --status next-up --tag transformers
      tracker list --status inbox --status next-up
      tracker list --json | jq '.[].url'
    """
    from tracker.filters import ItemFilter, select_items

    store = _store(ctx)
    index = store.index()
    _note_open_conflicts(store)
    found = select_items(index, ItemFilter(statuses, categories, tags, topics), limit)
    from tracker.archive.reading import with_minutes  # archive hook: reading time from saved page text

    minutes = with_minutes(store.path.parent, store.state_dir, found.rows)
    if as_json:
        _print_json([{**_resource_object(row), **({"read_minutes": minutes[row[0]]} if row[0] in minutes else {})}
                     for row in found.rows])
    else:
        _print_table(RESOURCE_COLUMNS, [_with_minutes(_resource_table_cells(row), minutes.get(row[0]))
                                        for row in found.rows], empty="No items.",
                     note=output.more_note(len(found.rows), found.total))


def _with_minutes(cells: list[str], minutes: int | None) -> list[str]:
    """The title cell followed by the reading time (archive), when there is one."""
    if minutes is not None and _is_terminal():  # piped rows keep their columns for scripts
        cells[3] = f"{cells[3]} · {minutes} min"
    return cells


@click.command("show")
@click.argument("ref", shell_complete=completion.item_ids)
@json_option
@click.pass_context
def show_cmd(ctx: click.Context, ref: str, as_json: bool) -> None:
    """Show one item. REF is an id, a unique id prefix, or a URL.

    \b
    Example:
      tracker show illustrated-transformer
      tracker show https://arxiv.org/pdf/1706.03762v7 --json
    """
    from tracker.reading_list import resolve_ref

    store = _store(ctx)
    index = store.index()
    _note_open_conflicts(store)
    item_id = resolve_ref(index, ref)
    item = index.resource(item_id) or {}
    from tracker.archive.reading import show_fields  # archive hook: read_minutes and the snapshot's file

    item = {**item, **show_fields(store.path.parent, item)}
    if as_json:
        _print_json(item)
        return
    width = max(len(key) for key in item)
    separator = None if _is_terminal() else "\t"  # piped: "key<TAB>value", one field a line
    for key, value in item.items():
        if key == "fetched":  # "DATE [failed] field:digest...": the digests are bookkeeping, not for reading
            value = " ".join(word for word in str(value).split() if ":" not in word)
        if key == "links":  # the work's other links, one per line under the key
            text = f"\n{' ' * (width + 2)}".join(f"{link.get('label')}: {link.get('url')}" for link in value)
        elif isinstance(value, dict):  # a key a person added by hand, holding a mapping
            text = "; ".join(f"{k}: {v}" for k, v in value.items())
        else:
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        click.echo(f"{key:<{width}}  {text}" if separator is None else output.tsv_line([key, text]))


# ---------------------------------------------------------------------------------------------- changes


@click.command("move")
@click.argument("refs", nargs=-1, required=True, shell_complete=completion.item_ids)
@click.option("--to", "status", required=True, type=STATUS_CHOICE, help="The new status (any case).")
@click.pass_context
def move_cmd(ctx: click.Context, refs: tuple[str, ...], status: str) -> None:
    """Move one or more items to another status (one commit).

    \b
    Example:
      tracker move illustrated-transformer --to reading
    """
    from tracker.reading_list import move_items

    store = _store(ctx)
    moves = move_items(store, refs, status)
    if not moves:
        click.echo(f"Nothing to do: already {status}.")
    for move in moves:
        click.echo(f"{move.item_id}: {move.old} -> {move.new}")
    _say_notices(store)


@click.command("edit")
@click.argument("ref", shell_complete=completion.item_ids)
@click.option("--title")
@click.option("--url", help="A new URL (refused if another item has it).")
@click.option("--status", type=STATUS_CHOICE, help="Same as `tracker move REF --to STATUS`.")
@click.option("--category")
@click.option("--tag", "tags", multiple=True, help="Replace the tags with these (repeat; --tag '' clears them).")
@click.option("--add-tag", "add_tags", multiple=True, help="Add a tag (repeat).")
@click.option("--remove-tag", "remove_tags", multiple=True, help="Remove a tag (repeat).")
@click.option("--comment")
@click.option("--topic", help="A study-plan chapter id (see `tracker topics`).", shell_complete=completion.topic_ids)
@click.option("--lab", help="A lab experiment id.", shell_complete=completion.lab_ids)
@click.option("--author", "authors", multiple=True, help="Replace the authors (repeat; --author '' clears them).")
@click.option("--published", callback=lambda _c, _p, v: _iso_date(v), help="The publication date, YYYY-MM-DD.")
@click.option("--site")
@click.option("--kind", help="article, paper, video, repo, docs, pdf, book, ...")
@click.option("--description")
@click.pass_context
def edit_cmd(ctx: click.Context, ref: str, title: str | None, url: str | None, status: str | None,
             category: str | None, tags: tuple[str, ...], add_tags: tuple[str, ...], remove_tags: tuple[str, ...],
             comment: str | None, topic: str | None, lab: str | None, authors: tuple[str, ...],
             published: str | None, site: str | None, kind: str | None, description: str | None) -> None:
    """Change fields of an item (one commit); an empty value ('') clears a field. What you set here is kept
    by later metadata fetches.

    \b
    Example:
      tracker edit illustrated-transformer --comment "Read with the annotated version" --add-tag attention
      tracker edit attention --category "" --remove-tag draft --published 2017-06-12
    """
    from tracker.reading_list import edit_item, resolve_ref

    for name, value in (("--title", title), ("--url", url)):
        if value is not None and not value.strip():
            raise click.UsageError(f"{name} cannot be empty: every item has one")
    if url is not None:
        from tracker.urls import refuse_credentials

        refuse_credentials(url)
    store = _store(ctx)
    _check_lab(store, lab)
    topic = _topic_id(store, topic)
    changes: dict[str, Any] = {}
    for name, value in (("title", title), ("url", url), ("status", status), ("category", category),
                        ("comment", comment), ("topic", topic), ("lab", lab), ("published", published),
                        ("site", site), ("kind", kind), ("description", description)):
        if value is not None:
            changes[name] = value or None
    if authors:
        changes["authors"] = [a for a in authors if a.strip()]
    if tags or add_tags or remove_tags:
        if tags:
            current = []
        else:
            index = store.index()
            current = list((index.resource(resolve_ref(index, ref)) or {}).get("tags", []))
        new_tags = list(dict.fromkeys(t for t in [*(tags or current), *add_tags] if t.strip()))
        dropped = set(remove_tags)
        changes["tags"] = [t for t in new_tags if t not in dropped]
    if not changes:
        raise click.UsageError("nothing to change: give at least one option (see --help)")
    item_id, changed = edit_item(store, ref, changes)
    click.echo(f"{item_id}: changed {', '.join(changed)}" if changed else f"{item_id}: nothing changed")
    _say_notices(store)
    _warn_unknown(store, topic)


def _iso_date(value: str | None) -> str | None:
    import datetime as dt

    if value:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    return value


@click.command("remove")
@click.argument("refs", nargs=-1, required=True, shell_complete=completion.item_ids)
@click.pass_context
def remove_cmd(ctx: click.Context, refs: tuple[str, ...]) -> None:
    """Remove one or more items from the list (one commit; git keeps their history).

    \b
    Example:
      tracker remove illustrated-transformer
      tracker remove old-post https://example.org/duplicate
    """
    from tracker.reading_list import remove_items

    store = _store(ctx)
    for removed in remove_items(store, refs):
        click.echo(f"Removed {removed.id}")
    _say_notices(store)


# ---------------------------------------------------------------------------------------------- search / log


@click.command("search")
@click.argument("query")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@click.pass_context
def search_cmd(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Ranked full-text search over titles, tags, comments and descriptions (best match first), with the
    passage that matched. Every word must match, as a word or the start of one. When more than --limit
    match, the table ends with "... and N more (--limit)"; --json gives {"query", "total", "results"}.

    \b
    Example:
      tracker search "attention transformer"
    """
    store = _store(ctx)
    index = store.index()
    matches = index.search(query, limit=-1)  # SQLite: no limit; the total is worth the few extra rows
    from tracker.archive.search import with_page_text  # archive hook: saved page text, ranked below fields

    matches, in_text = with_page_text(store.path.parent, store.state_dir, index, query, matches,
                                      limit - len(matches),  # page-text hits fill what field matches leave
                                      mark=("**", "**") if as_json or not _is_terminal() else ("\x02", "\x03"))
    rows, more = matches[:limit], output.more_note(min(limit, len(matches)), len(matches))
    if as_json:
        passages = {**index.snippets(query, [row[0] for row in rows]), **in_text}
        _print_json({"query": query, "total": len(matches), "results": [
            {**_resource_object(row), "score": round(-row[8], 3), "snippet": passages.get(row[0])} for row in rows]})
    elif not _is_terminal():
        _print_table(RESOURCE_COLUMNS, [_resource_cells(row) for row in rows], note=more)
    else:
        passages = {**index.snippets(query, [row[0] for row in rows], mark=("\x02", "\x03")), **in_text}
        _print_table(SEARCH_COLUMNS, [[*_resource_table_cells(row)[:4], passages.get(row[0], "")]
                                      for row in rows], empty=f"Nothing matches {query!r}.", marked=True, note=more)


SEARCH_COLUMNS = [Col("id", cap=32, clip=True), Col("status", cap=7),
                  Col("category", cap=12, min_terminal=90, optional=True), Col("title", share=3),
                  Col("matched in", share=2, min_terminal=70, optional=True)]


@click.command("log")
@click.argument("ref", required=False, shell_complete=completion.item_ids)
@click.option("--limit", type=click.IntRange(min=1), help="At most N entries.")
@json_option
@click.pass_context
def log_cmd(ctx: click.Context, ref: str | None, limit: int | None, as_json: bool) -> None:
    """The history of the list (its commits), or of one item (added, status changes, edits), from git.

    \b
    Example:
      tracker log
      tracker log illustrated-transformer --json
    """
    from tracker import gitrepo
    from tracker.reading_list import resolve_ref

    store = _store(ctx)
    repo = gitrepo.find_repo(store.path.parent)
    if repo is None:
        raise click.ClickException(f"{store.path.parent} is not in a git repository: there is no history")
    if ref is None:
        commits = gitrepo.file_commits(repo, store.path, limit=limit)
        if as_json:
            _print_json([c.__dict__ for c in commits])
        else:
            _print_table([Col("date", cap=10), Col("commit", cap=8), Col("message", share=1)],
                         [[c.date[:10], c.commit[:8], c.message] for c in commits], empty="No commits yet.")
        return
    try:
        item_id = resolve_ref(store.index(), ref)
    except Exception:
        item_id = ref  # a removed item: its id is still in the history
    events = list(gitrepo.item_events(repo, store.path, item_id))
    if not events:
        raise click.ClickException(f"no history for '{ref}'")
    if limit:
        events = events[-limit:]
    if as_json:
        _print_json([event.to_dict() for event in events])
        return
    rows = []
    for event in events:
        what = {"added": f"added ({event.new_status})", "removed": "removed",
                "status": f"{event.old_status} -> {event.new_status}", "edited": "edited"}[event.action]
        rows.append([event.date[:10], event.commit[:8], what, event.message])
    _print_table([Col("date", cap=10), Col("commit", cap=8), Col("change", cap=24), Col("message", share=1)], rows)


# ---------------------------------------------------------------------------------------------- advice


@click.group("advice")
def advice_group() -> None:
    """Advice quotes: add, list.

    \b
    Example:
      tracker advice add Learning "Implement it yourself before reading the code." --source Karpathy
    """


@advice_group.command("add")
@click.argument("category")
@click.argument("text")
@click.option("--source", "source_name", help="Who said it.")
@click.option("--source-url", help="Where it was said.")
@click.pass_context
def advice_add_cmd(ctx: click.Context, category: str, text: str, source_name: str | None,
                   source_url: str | None) -> None:
    """Add a piece of advice.

    \b
    Example:
      tracker advice add Study "Read the paper twice." --source "A. Person" --source-url https://example.org/x
    """
    from tracker.reading_list import add_advice

    store = _store(ctx.find_root())
    advice = add_advice(store, category, text, source_name, source_url)
    click.echo(f"Added advice ({advice.category})")
    _say_notices(store)


@advice_group.command("list")
@click.option("--category", "categories", multiple=True, help="Only this category, any case (repeat).")
@json_option
@click.pass_context
def advice_list_cmd(ctx: click.Context, categories: tuple[str, ...], as_json: bool) -> None:
    """List advice.

    \b
    Example:
      tracker advice list --category Study
    """
    entries = _store(ctx.find_root()).index().entries("advice")
    wanted = {c.casefold() for c in categories if c.strip()}
    if wanted:
        entries = [e for e in entries if str(e.get("category", "")).casefold() in wanted]
    if as_json:
        _print_json(entries)
        return
    link = _short_url if _is_terminal() else str
    rows = [[e.get("category", ""), e.get("text", ""), (e.get("source") or {}).get("name", ""),
             link((e.get("source") or {}).get("url", "") or "")] for e in entries]
    _print_table([Col("category", cap=12), Col("advice", share=3), Col("source", cap=18, optional=True),
                  Col("url", share=1, clip=True, min_terminal=100, optional=True)], rows, empty="No advice.")


# ---------------------------------------------------------------------------------------------- glossary


@click.group("glossary")
def glossary_group() -> None:
    """Glossary terms: add, list, edit.

    \b
    Example:
      tracker glossary add "KV cache" "Keys and values kept from earlier tokens so decoding is not quadratic."
    """


def _parse_link(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[tuple[str, str]]:
    links = []
    for value in values:
        title, sep, url = value.rpartition("=")
        if not sep:
            title, url = url, url
        if "://" not in url:
            raise click.BadParameter(f"expected TITLE=URL, got {value!r}")
        links.append((title or url, url))
    return links


@glossary_group.command("add")
@click.argument("term")
@click.argument("definition")
@click.option("--link", "links", multiple=True, callback=_parse_link, help="TITLE=URL (repeat).")
@click.option("--lab", help="A lab experiment id that shows it.", shell_complete=completion.lab_ids)
@click.pass_context
def glossary_add_cmd(ctx: click.Context, term: str, definition: str, links: list[tuple[str, str]],
                     lab: str | None) -> None:
    """Add a glossary term.

    \b
    Example:
      tracker glossary add RoPE "Rotary position embedding." --link "Paper=https://arxiv.org/abs/2104.09864"
    """
    from tracker.reading_list import add_term

    store = _store(ctx.find_root())
    _check_lab(store, lab)
    add_term(store, term, definition, links, lab)
    click.echo(f"Added {term}")
    _say_notices(store)


@glossary_group.command("edit")
@click.argument("term")
@click.option("--definition", help="A new definition.")
@click.option("--lab", help="A lab experiment id that shows it ('' removes the link).",
              shell_complete=completion.lab_ids)
@click.pass_context
def glossary_edit_cmd(ctx: click.Context, term: str, definition: str | None, lab: str | None) -> None:
    """Change a glossary term (found ignoring case) in one commit.

    \b
    Example:
      tracker glossary edit temperature --lab sampling
    """
    from tracker.reading_list import edit_term

    store = _store(ctx.find_root())
    _check_lab(store, lab)
    changes = {name: value or None for name, value in (("definition", definition), ("lab", lab)) if value is not None}
    if not changes:
        raise click.UsageError("nothing to change: give --definition or --lab")
    name, changed = edit_term(store, term, changes)
    click.echo(f"{name}: changed {', '.join(changed)}" if changed else f"{name}: nothing changed")
    _say_notices(store)


@glossary_group.command("list")
@json_option
@click.pass_context
def glossary_list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List glossary terms.

    \b
    Example:
      tracker glossary list --json
    """
    entries = _store(ctx.find_root()).index().entries("glossary")
    if as_json:
        _print_json(entries)
        return
    short = _short_url if _is_terminal() else str
    rows = [[e.get("term", ""), e.get("definition", ""), " ".join(short(link.get("url", "")) for link in e.get("links", []))]
            for e in entries]
    _print_table([Col("term", cap=24), Col("definition", share=3),
                  Col("links", share=1, clip=True, min_terminal=100, optional=True)], rows, empty="No terms.")


# ---------------------------------------------------------------------------------------------- notes / topics


@click.group("notes")
def notes_group() -> None:
    """Study notes in notes/ (Markdown with front matter; Q&A tables are questions).

    \b
    Example:
      tracker notes list
    """


@notes_group.command("list")
@json_option
@click.pass_context
def notes_list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List notes with their topic and number of questions.

    \b
    Example:
      tracker notes list --json
    """
    from tracker.notes import notes_dir, read_notes

    store = _store(ctx.find_root())
    notes = read_notes(notes_dir(store.path))  # plain data: no pydantic for a listing
    if as_json:
        _print_json([{key: value for key, value in note.items() if key != "body"} for note in notes])
        return
    rows = [[note["id"], note["topic"] or "", note["title"], str(len(note["questions"]))] for note in notes]
    _print_table([Col("id", cap=40, clip=True), Col("topic", cap=8, optional=True), Col("title", share=1),
                  Col("questions", cap=9)], rows, empty="No notes.")


@notes_group.command("new")
@click.argument("title")
@click.option("--id", "note_id", help="File name without .md (default: from the title).")
@click.option("--topic", help="A study-plan chapter id.", shell_complete=completion.topic_ids)
@click.option("--related", multiple=True, help="A related item id (repeat).", shell_complete=completion.item_ids)
@click.pass_context
def notes_new_cmd(ctx: click.Context, title: str, note_id: str | None, topic: str | None,
                  related: tuple[str, ...]) -> None:
    """Create a note file (front matter, a heading and an empty "| Question | Answer |" table whose rows
    `tracker notes list` counts as questions) and commit it.

    \b
    Example:
      tracker notes new "Attention, step by step" --topic 3.1.2 --related illustrated-transformer
    """
    from tracker.notes import add_note
    from tracker.reading_list import slugify

    title = " ".join(title.split())
    if not title:
        raise click.BadParameter("a note needs a title", param_hint="TITLE")
    store = _store(ctx.find_root())
    topic = _topic_id(store, topic)
    path = add_note(store.project, note_id or slugify(title) or "note", title, topic=topic, related=related,
                    body=f"# {title}\n\n| Question | Answer |\n|---|---|\n")
    click.echo(str(path))
    _warn_unknown(store, topic, related)


@click.group("topics", invoke_without_command=True)
@json_option
@click.pass_context
def topics_cmd(ctx: click.Context, as_json: bool) -> None:
    """The study plan with progress per chapter: done / total items linked to it (a part counts its
    chapters), and the notes and questions written for it; `topics edit` changes one.

    \b
    Example:
      tracker topics
      tracker topics --json | jq '.[] | select(.total > .done) | .number'
      tracker topics edit 3.1.17 --lab gram-schmidt
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.notes import notes_dir, read_notes
    from tracker.topics import topic_progress

    store = _store(ctx)
    index = store.index()
    rows = topic_progress(index.entries("topics"), index.topic_progress())
    notes_by_topic: dict[str, list[Any]] = {}
    for note in read_notes(notes_dir(store.path)):  # plain data: no pydantic for a listing
        notes_by_topic.setdefault(note["topic"], []).append(note)
    for row in rows:
        mine = notes_by_topic.get(row["id"], [])
        row["notes"] = len(mine)
        row["questions"] = sum(len(note["questions"]) for note in mine)
    if as_json:
        _print_json(rows)
        return
    if not _is_terminal():
        _print_table([], [[row["number"] or row["id"], row["title"], str(row["done"]), str(row["total"]),
                           str(row["notes"]), str(row["questions"])] for row in rows])
        return
    _print_table([Col("number", cap=14), Col("title", share=1), Col("done", cap=11),
                  Col("notes", cap=12, min_terminal=70)],
                 [[("  " * row["depth"]) + (row["number"] or row["id"]), row["title"], _progress(row),
                   _notes_cell(row)] for row in rows],
                 empty="No study plan yet: `tracker import` a README with one, or add topics to resources.yaml.")


def _progress(row: dict) -> str:
    """``3/5 ███░░`` for a chapter with items; blank for one without."""
    done, total = row["done"], row["total"]
    if not total:
        return ""
    filled = round(5 * done / total)
    return f"{done}/{total} " + "█" * filled + "░" * (5 - filled)


def _notes_cell(row: dict) -> str:
    if not row["notes"]:
        return ""
    questions = f", {row['questions']} Q" if row["questions"] else ""
    return f"{row['notes']} note{'s' if row['notes'] > 1 else ''}{questions}"


@topics_cmd.command("edit")
@click.argument("topic_id", metavar="ID", shell_complete=completion.topic_ids)
@click.option("--title", help="A new title.")
@click.option("--summary", help="A new summary ('' removes it).")
@click.option("--lab", help="The lab experiment id for this part or chapter ('' removes the link).",
              shell_complete=completion.lab_ids)
@click.pass_context
def topics_edit_cmd(ctx: click.Context, topic_id: str, title: str | None, summary: str | None,
                    lab: str | None) -> None:
    """Change a part or chapter of the study plan in one commit. ID is its id or its number as `tracker
    topics` shows it ("I." or "I", any case).

    \b
    Example:
      tracker topics edit 3.1.17 --lab gram-schmidt
    """
    from tracker.reading_list import edit_topic

    store = _store(ctx.find_root())
    _check_lab(store, lab)
    if title == "":
        raise click.BadParameter("a topic needs a title", param_hint="--title")
    changes = {name: value or None for name, value in (("title", title), ("summary", summary), ("lab", lab))
               if value is not None}
    if not changes:
        raise click.UsageError("nothing to change: give --title, --summary or --lab")
    from tracker.filters import find_topic_id

    name, changed = edit_topic(store, find_topic_id(store.index().entries("topics"), topic_id) or topic_id, changes)
    click.echo(f"{name}: changed {', '.join(changed)}" if changed else f"{name}: nothing changed")
    _say_notices(store)
