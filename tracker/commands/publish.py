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
@click.option("--read-only", is_flag=True, envvar="TRACKER_READ_ONLY",
              help="No triage or add forms: the site only shows. Env: TRACKER_READ_ONLY=1.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (repeat); localhost, 127.0.0.1 and [::1] always work.")
@DB_OPTION
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, open_browser: bool, read_only: bool,
              allow_hosts: tuple[str, ...], db_path: Path | None) -> None:
    """The reading room: browse, search, triage and add in the browser, rebuilt live as the files change.

    Triage (move, tags, comment) and add from the browser go through the same store as the CLI: one git
    commit each, with the same message. Edits to resources.yaml or notes/ (by tracker, by hand, or by git pull)
    show on the next page load; a file that cannot be read is named in a banner on every page until fixed.

    \b
    Example:
      tracker serve --open
      tracker serve --port 8080 --read-only
    """
    from tracker.publish.build import build_database
    from tracker.publish.problems import describe_build_error
    from tracker.publish.serve import exposure_warning, serve

    project = _project(ctx)
    db_path = db_path or project.default_database
    try:
        build_database(project, db_path)
    except Exception as exc:  # noqa: BLE001 - any unreadable edit: serve the last good build, or say why not
        from tracker.errors import TrackerError

        problem = describe_build_error(exc, project.resources_file)
        if not db_path.is_file():
            raise TrackerError(problem) from None
        click.secho(f"Warning: not rebuilt, serving the last good build: {problem}", fg="yellow", err=True)
    warning = exposure_warning(host, writes=not read_only)
    if warning:
        click.secho(warning, fg="yellow", err=True)
    serve(project, db_path, host, port, open_browser, click.echo, writes=not read_only, allowed_hosts=allow_hosts)


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

    project = _project(ctx)
    result = build_database(project, db_path)
    for path in write_publish_dir(result.path, out, project.notes_dir):
        click.echo(f"wrote {path}")
    click.echo("Host it with one of:")
    for command in publish_commands(out):
        click.echo(f"  {command}")
