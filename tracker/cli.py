"""The ``tracker`` command group.

Sub-commands live in ``tracker/commands/`` and are imported only when invoked, so ``tracker --help`` stays
as light as ``import click``. To add a command, add one line to ``COMMANDS``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import click

from tracker import __version__

# name -> "module:attribute" (module relative to tracker.commands), with the one-line help shown in --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("core:init_cmd", "Create resources.yaml, notes/ and a git repo."),
    "add": ("core:add_cmd", "Add a URL to the reading list."),
    "list": ("core:list_cmd", "List reading-list items, filtered."),
    "show": ("core:show_cmd", "Show one item."),
    "move": ("core:move_cmd", "Move items to another status."),
    "edit": ("core:edit_cmd", "Change fields of an item."),
    "remove": ("core:remove_cmd", "Remove items (all or none, one commit)."),
    "search": ("core:search_cmd", "Ranked full-text search over the list."),
    "log": ("core:log_cmd", "History of the list or of one item, from git."),
    "check": ("check:check_cmd", "Check links: ok, redirected, dead, blocked, timeout, error."),
    "advice": ("core:advice_group", "Advice quotes: add, list."),
    "glossary": ("core:glossary_group", "Glossary terms: add, list, edit."),
    "notes": ("core:notes_group", "Study notes in notes/."),
    "topics": ("core:topics_cmd", "The study plan with progress per chapter; edit a chapter."),
    "import": ("transfer:import_cmd", "Import links: README/awesome list, bookmarks, Pocket, CSV, JSON."),
    "export": ("transfer:export_cmd", "Export as markdown, bookmarks, JSON, CSV or BibTeX."),
    "sync": ("transfer:sync_cmd", "Pull (merging item by item), then push."),
    "resolve": ("transfer:resolve_cmd", "Settle merge conflicts in the list and make the commit."),
    "merge-driver": ("transfer:merge_driver_cmd", ""),  # hidden: git runs it, see tracker/merge/driver.py
    "build": ("publish:build_cmd", "Build the SQLite database that Datasette serves."),
    "serve": ("publish:serve_cmd", "Browse everything in Datasette, rebuilt live as files change."),
    "publish": ("publish:publish_cmd", "Write the database and metadata for `datasette publish`."),
    "lab": ("lab:lab_group", "PyTorch experiments linked to items: list, run."),
    "fetch": ("metadata:fetch_cmd", "Refresh fetched metadata of items (concurrently, one commit)."),
    "meta": ("metadata:meta_cmd", "Show the metadata found for a URL or a saved HTML file."),
    "next": ("archive:next_cmd", "Plan a study session: what to read next within --minutes."),
    "read": ("archive:read_cmd", "Print an item's saved page text (offline reading)."),
    "archive": ("archive:archive_cmd", "Saved page text: how much, and saving on or off."),
    "review": ("cards:review_cmd", "Review due flashcards (FSRS); one commit per session."),
    "cards": ("cards:cards_group", "Flashcards from notes and glossary: list, export to Anki or CSV."),
}


@dataclass
class Settings:
    """Global options every command can read from ``ctx.obj``."""

    file: Path | None
    commit: bool


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (_target, help_text) in COMMANDS.items() if help_text)  # "" = hidden

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target[0].split(":")
        module = importlib.import_module(f"tracker.commands.{module_name}")
        return getattr(module, attr)

    def invoke(self, ctx: click.Context) -> object:
        # Expected failures from the core become one "Error: ..." line and exit status 1, for every command.
        from tracker.errors import TrackerError

        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:  # a file that cannot be read or written: say which and why, no traceback
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help text comes from COMMANDS so listing commands imports nothing.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--file",
    "file",
    envvar="TRACKER_FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The resources.yaml to use (default: found in this directory or a parent). Env: TRACKER_FILE.",
)
@click.option(
    "--no-commit",
    is_flag=True,
    envvar="TRACKER_NO_COMMIT",
    help="Write files but make no git commit. Env: TRACKER_NO_COMMIT=1.",
)
@click.version_option(version=__version__, prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, file: Path | None, no_commit: bool) -> None:
    """Keep an LLM reading list, advice, glossary and study notes in git.

    \b
    Example:
      tracker add https://arxiv.org/abs/1706.03762 --tag transformers
      tracker list --status inbox
    """
    ctx.obj = Settings(file=file, commit=not no_commit)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tracker")
