"""``tracker build``, ``tracker serve`` and ``tracker publish``: the Datasette reading room."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tracker.publish.sources import Project

DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file (default: .tracker/tracker.db beside resources.yaml).",
)


def _project(ctx: click.Context) -> Project:
    from tracker.publish.sources import find_project

    return find_project(ctx.obj.file if ctx.obj else None)


@click.command("build")
@DB_OPTION
@click.option("--force", is_flag=True, help="Rebuild even when the sources are unchanged.")
@click.pass_context
def build_cmd(ctx: click.Context, db_path: Path | None, force: bool) -> None:
    """Build the SQLite database that Datasette serves.

    Reads resources.yaml, notes/, lab/ and the git history; does nothing when they are unchanged.

    \b
    Example:
      tracker build
      tracker build --db /tmp/reading.db
    """
    from tracker.publish.build import build_database

    project = _project(ctx)
    result = build_database(project, db_path, force=force)
    if not result.built:
        click.echo(f"{result.path}: up to date")
        return
    summary = ", ".join(f"{result.counts[t]} {t}" for t in _SUMMARY_TABLES)
    click.echo(f"{result.path}: built in {result.seconds:.2f} s ({summary})")


_SUMMARY_TABLES = ("resources", "notes", "questions", "advice", "glossary", "topics", "item_history")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@DB_OPTION
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, open_browser: bool, db_path: Path | None) -> None:
    """Browse everything in Datasette, rebuilt live as the files change.

    Builds the database if needed, then serves it read-only. Edits to resources.yaml or notes/ (by tracker,
    by hand, or by git pull) show on the next page load, within about two seconds.

    \b
    Example:
      tracker serve --open
      tracker serve --port 8080
    """
    from tracker.errors import TrackerError
    from tracker.publish.build import build_database
    from tracker.publish.serve import exposure_warning, serve

    project = _project(ctx)
    db_path = db_path or project.default_database
    try:
        build_database(project, db_path)
    except TrackerError as exc:
        if not db_path.is_file():
            raise
        # Serve the last good build; the watcher rebuilds once the file is fixed.
        click.secho(f"Warning: not rebuilt, serving the last good build: {exc}", fg="yellow", err=True)
    warning = exposure_warning(host)
    if warning:
        click.secho(warning, fg="yellow", err=True)
    serve(project, db_path, host, port, open_browser, click.echo)


@click.command("publish")
@click.option(
    "--dir",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write tracker.db, metadata.json and plugins/ into.",
)
@DB_OPTION
@click.pass_context
def publish_cmd(ctx: click.Context, out: Path, db_path: Path | None) -> None:
    """Write the database, metadata and plugin for hosting with `datasette publish`.

    \b
    Example:
      tracker publish --dir site
      datasette publish cloudrun site/tracker.db --metadata site/metadata.json \\
          --plugins-dir site/plugins --install bleach --service tracker
    """
    from tracker.publish.build import build_database
    from tracker.publish.package import publish_commands, write_publish_dir

    result = build_database(_project(ctx), db_path)
    for path in write_publish_dir(result.path, out):
        click.echo(f"wrote {path}")
    click.echo("Host it with one of:")
    for command in publish_commands(out):
        click.echo(f"  {command}")
