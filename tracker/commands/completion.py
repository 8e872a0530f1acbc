"""Shell completion values (Click's own completion: ``_TRACKER_COMPLETE=bash_source tracker``, see docs/cli.md).

Item ids and topics come from the index (SQLite, no YAML parse when the file is unchanged), lab ids from the
declarations in lab/ (no torch). A completion never fails: whatever goes wrong, the shell gets no suggestions
rather than a traceback in the middle of a command line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]
MAX_SUGGESTIONS = 200  # a shell shows no more usefully; keeps a big list fast


def _data_file(ctx: click.Context) -> Path | None:
    """The resources.yaml the command would use: --file / TRACKER_FILE, else the nearest one above."""
    from tracker.store import find_data_file

    root = ctx.find_root()
    explicit = root.params.get("file") or getattr(root.obj, "file", None)
    return find_data_file(explicit)


def _index(ctx: click.Context) -> Any:
    from tracker.store import Store

    return Store(_data_file(ctx), commit=False).index()  # type: ignore[arg-type]


def _quiet(completer: Completer) -> Completer:
    def wrapped(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            return completer(ctx, param, incomplete)[:MAX_SUGGESTIONS]
        except Exception:  # noqa: BLE001 - a completion must never break the user's command line
            return []

    return wrapped


@_quiet
def item_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Item ids starting with what was typed, the title as help (shells that show it: zsh, fish)."""
    rows = _index(ctx).query_resources()
    return [CompletionItem(row[0], help=row[2]) for row in rows if row[0].startswith(incomplete)]


@_quiet
def topic_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Study-plan ids, and the numbers `tracker topics` shows where they differ (``I.`` for ``part-1``)."""
    found: dict[str, str] = {}
    for topic in _index(ctx).entries("topics"):
        title = str(topic.get("title", ""))
        for name in (topic.get("id"), topic.get("number")):
            if name is not None and str(name).casefold().startswith(incomplete.casefold()):
                found.setdefault(str(name), title)
    return [CompletionItem(name, help=title) for name, title in found.items()]


@_quiet
def lab_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Experiment ids in lab/ (next to resources.yaml, or --lab-dir / TRACKER_LAB_DIR)."""
    from tracker.lab.discovery import discover_experiments, find_lab_dir

    explicit = ctx.params.get("lab_dir")
    try:
        root: Path | None = _data_file(ctx).parent  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - the lab works without a reading list
        root = Path.cwd()
    experiments = discover_experiments(find_lab_dir(root, explicit))
    return [CompletionItem(info.id, help=info.title) for info in experiments.values()
            if info.id.startswith(incomplete)]


@_quiet
def lab_targets(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """What `tracker lab run` takes: an experiment id, or an item id linked to one."""
    return [*lab_ids(ctx, param, incomplete), *item_ids(ctx, param, incomplete)]
