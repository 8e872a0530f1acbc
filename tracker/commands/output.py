"""How every read command prints: a table fitted to the terminal, tab-separated lines when piped, JSON on request.

One place decides the mode so that ``list``, ``search``, ``lab list``, ``check`` and ``fetch`` behave alike:

- a terminal gets a rich table, one line per row (cells are cut with an ellipsis, never wrapped), with
  columns that are empty in every row left out, then the least needed columns dropped while it is narrow;
- a pipe gets one tab-separated line per row, every column in a fixed order, no header, no colour;
- ``--json`` gets one JSON document.

Notes for the person (``... and 2 more (--limit)``) go under the table in a terminal and to stderr when piped,
so a pipe carries only data. rich is imported only when a table is drawn.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

import click

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def is_terminal() -> bool:
    """True when stdout is a terminal (tables); False when piped or redirected (tab-separated lines)."""
    return sys.stdout.isatty()


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@dataclass(frozen=True)
class Col:
    """How a column of a terminal table behaves when the terminal is narrow."""

    name: str
    cap: int | None = None  # never wider than this
    share: int = 0  # > 0: takes this share of the room the capped columns leave (titles, text)
    clip: bool = False  # an id or URL: at most a quarter of the terminal
    min_terminal: int = 0  # shown only in a terminal at least this wide
    optional: bool = True  # left out of the table when every row is empty there
    justify: str = "left"


MIN_TEXT_WIDTH = 20  # a title narrower than this says little: drop a column first


def column_widths(columns: list[Col], rows: list[list[str]], width: int) -> dict[int, int]:
    """Column index -> width for the columns that fit ``width``, in their order.

    Columns empty in every row are left out first, then those the terminal is narrower than ``min_terminal``
    for. When the text columns (titles) would still get fewer than ``MIN_TEXT_WIDTH`` cells, the column with
    the largest ``min_terminal`` goes next (tags before the category); only when nothing is left to drop are
    ids and URLs cut to a quarter of the terminal."""
    from rich.cells import cell_len  # terminal cells: a CJK character or an emoji takes two

    shown = [i for i, col in enumerate(columns) if width >= col.min_terminal
             and not (col.optional and not any(row[i] for row in rows))]
    natural = {i: max([cell_len(columns[i].name), *(cell_len(_one_line(row[i])) for row in rows)])
               for i, _col in enumerate(columns)}
    while True:
        widths, starved = _fit(columns, natural, shown, width, cut_ids=False)
        droppable = [i for i in shown if columns[i].min_terminal]
        if not starved or not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].min_terminal, i)))
    if starved:
        widths, _starved = _fit(columns, natural, shown, width, cut_ids=True)
    return widths


def _fit(columns: list[Col], natural: dict[int, int], shown: list[int], width: int,
         cut_ids: bool) -> tuple[dict[int, int], bool]:
    """Widths for ``shown``: capped columns first, the rest share the room; and whether a text column got
    fewer cells than it needs and ``MIN_TEXT_WIDTH``."""
    caps = {i: min(columns[i].cap or natural[i], max(12, width // 4) if cut_ids and columns[i].clip
                   else natural[i]) for i in shown}
    widths = {i: min(natural[i], caps[i]) for i in shown if not columns[i].share}
    sharing = [i for i in shown if columns[i].share]
    room = width - 3 * len(shown) - sum(widths.values())
    starved = False
    while sharing:
        total_share = sum(columns[i].share for i in sharing)
        fits = [i for i in sharing if natural[i] <= room * columns[i].share // total_share]
        if not fits:  # everyone wants more than its share: split the room
            for i in sharing:
                widths[i] = max(8, room * columns[i].share // total_share)
                starved = starved or widths[i] < min(natural[i], MIN_TEXT_WIDTH)
            break
        for i in fits:  # give these what they need, share what is left among the others
            widths[i] = natural[i]
            room -= natural[i]
            sharing.remove(i)
    return {i: widths[i] for i in shown}, starved


# A tab, and everything str.splitlines() breaks a line at: inside a cell each becomes a space.
_CELL_BREAKS = re.compile("[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def tsv_line(cells: list[str]) -> str:
    """One row for a pipe: tabs and line breaks inside a cell become spaces, so one row stays one line."""
    sub = _CELL_BREAKS.sub
    return "\t".join([sub(" ", cell if isinstance(cell, str) else str(cell)) for cell in cells])


def more_note(shown: int, total: int) -> str | None:
    """``... and 2 more (--limit)`` when a limit hid some results, else None."""
    return f"... and {total - shown} more (--limit)" if total > shown else None


def print_table(columns: list[Col], rows: list[list[str]], *, title: str | None = None,
                empty: str = "Nothing to show.", marked: bool = False, note: str | None = None) -> None:
    """A rich table fitted to the terminal, or tab-separated lines (one per row, no header) when piped.

    ``marked``: text between \\x02 and \\x03 is highlighted (search matches). ``note``: a line for the person
    (under the table, or on stderr when piped)."""
    if not is_terminal():
        lines = [tsv_line(row) for row in rows]
        if marked:
            lines = [line.replace("\x02", "").replace("\x03", "") for line in lines]
        sys.stdout.write("".join(line + "\n" for line in lines))
        if note:
            click.echo(note, err=True)
        return
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    console = terminal_console()
    if not rows:
        console.print(f"[dim]{escape(empty)}[/dim]")
        return
    widths = column_widths(columns, rows, console.width)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  header_style="bold", caption=escape(note) if note else None, caption_justify="left")
    for i, width in widths.items():
        col = columns[i]
        table.add_column(col.name, width=width, no_wrap=True, overflow="ellipsis", justify=col.justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*(_highlighted(row[i]) if marked else escape(_one_line(row[i])) for i in widths))
    console.print(table)


def terminal_console(stderr: bool = False) -> Any:
    """A rich Console as wide as the terminal; when a test stands in for one, COLUMNS or a wide default."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, width=None if stream.isatty() or "COLUMNS" in os.environ else 160,
                   highlight=False)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _highlighted(text: str) -> Any:
    from rich.text import Text

    out = Text(no_wrap=True, overflow="ellipsis")
    for n, part in enumerate(_one_line(text).replace("\x03", "\x02").split("\x02")):
        out.append(part, style="bold yellow" if n % 2 else None)
    return out
