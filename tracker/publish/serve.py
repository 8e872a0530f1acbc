"""Run Datasette in-process on the tracker database, rebuilt live while it runs."""

from __future__ import annotations

import ipaddress
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from tracker.publish import DATABASE_NAME, plugin
from tracker.publish.live import LiveDatabase, Rebuilder, watch_interval
from tracker.publish.metadata import datasette_metadata
from tracker.publish.package import HOSTED_SETTINGS
from tracker.publish.sources import Project

SETTINGS = {
    **HOSTED_SETTINGS,
    # Live reload: a page must never be served from a cache once the database was swapped.
    "default_cache_ttl": 0,
}


def make_datasette(db_path: Path, metadata: dict | None = None) -> tuple[Datasette, LiveDatabase]:
    """A Datasette serving ``db_path`` (read-only) as the ``tracker`` database, with the tracker plugin."""
    if not pm.is_registered(plugin):
        pm.register(plugin, name="tracker-publish")
    ds = Datasette(metadata=metadata or datasette_metadata(), settings=SETTINGS)
    # With no files Datasette adds an in-memory "_memory" database; the reading room has just one database.
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    live = LiveDatabase(ds, db_path)
    ds.add_database(live, name=DATABASE_NAME)
    return ds, live


def exposure_warning(host: str) -> str | None:
    """A warning when ``host`` makes the server reachable from other machines."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"Warning: binding to {host} makes your reading list and notes readable by anyone who can reach this "
        "machine on the network (the site is read-only, but not private). Use --host 127.0.0.1 to keep it local."
    )


def serve(project: Project, db_path: Path, host: str, port: int, open_browser: bool,
          echo: Callable[[str], object]) -> None:
    """Serve until interrupted; the database is rebuilt and swapped whenever the sources change."""
    import uvicorn

    _quiet_not_found_tracebacks()
    ds, live = make_datasette(db_path)
    rebuilder = Rebuilder(project, db_path, live, interval=watch_interval())
    rebuilder.start()
    url = f"http://{host}:{port}/{DATABASE_NAME}"
    echo(f"Serving {url}  (read-only; rebuilt live when {project.resources_file.name} or notes/ change; Ctrl-C stops)")
    if open_browser:
        threading.Thread(target=_open_when_up, args=(host, port, url), daemon=True).start()
    try:
        uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
    finally:
        rebuilder.stop()


def _quiet_not_found_tracebacks() -> None:
    """Keep the terminal readable: Datasette 0.65 prints a screen-long rich traceback (with locals) for every
    404 when rich is installed, as tracker's is. Without rich it prints tracebacks for real errors (500) only."""
    import datasette.handle_exception

    datasette.handle_exception.rich = None


def _open_when_up(host: str, port: int, url: str) -> None:
    import socket

    for _ in range(100):
        try:
            with socket.create_connection((host, port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    webbrowser.open(url)
