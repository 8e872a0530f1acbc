"""Run Datasette in-process on the tracker database, rebuilt live while it runs."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from tracker.errors import TrackerError
from tracker.publish import DATABASE_NAME, plugin, room
from tracker.publish.live import LiveDatabase, Rebuilder, watch_interval
from tracker.publish.metadata import datasette_metadata
from tracker.publish.package import HOSTED_SETTINGS, TEMPLATE_DIR
from tracker.publish.plugin import NOTES_FILES_PREFIX
from tracker.publish.sources import Project

SETTINGS = {
    **HOSTED_SETTINGS,
    # Live reload: a page must never be served from a cache once the database was swapped.
    "default_cache_ttl": 0,
}


def make_datasette(db_path: Path, metadata: dict | None = None, reading_room: room.Room | None = None,
                   ) -> tuple[Datasette, LiveDatabase]:
    """A Datasette serving ``db_path`` (read-only) as the ``tracker`` database, with the tracker plugins.

    ``reading_room`` (what ``tracker serve`` passes) adds the learner's forms, the Host allow-list and the
    stale-build banner; without it the site is the read-only one ``tracker publish`` ships.
    """
    for module, name in ((plugin, "tracker-publish"), (room, "tracker-room")):
        if not pm.is_registered(module):
            pm.register(module, name=name)
    notes_dir = reading_room.project.notes_dir if reading_room is not None else None
    mounts = [(NOTES_FILES_PREFIX.strip("/"), str(notes_dir))] if notes_dir and notes_dir.is_dir() else []
    ds = Datasette(metadata=metadata or datasette_metadata(), settings=SETTINGS,
                   template_dir=str(TEMPLATE_DIR), static_mounts=mounts)
    ds.tracker_room = reading_room
    # With no files Datasette adds an in-memory "_memory" database; the reading room has just one database.
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    live = LiveDatabase(ds, db_path)
    ds.add_database(live, name=DATABASE_NAME)
    return ds, live


def exposure_warning(host: str, writes: bool = False) -> str | None:
    """A warning when ``host`` makes the server reachable from other machines."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    can = "read and change (triage, add)" if writes else "read"
    return (
        f"Warning: binding to {host} lets anyone who can reach this machine on the network {can} your reading "
        "list and notes, through the host names you allowed (--allow-host). Use --host 127.0.0.1 to keep it "
        "local, or --read-only."
    )


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind the port before saying "Serving": a busy port is one clear error, not a uvicorn traceback."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise TrackerError(f"cannot listen on {host}: {exc.strerror or exc}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise TrackerError(f"port {port} on {host} is already in use (another `tracker serve`?): "
                               f"choose another with --port, e.g. --port {port + 1}") from None
        raise TrackerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(project: Project, db_path: Path, host: str, port: int, open_browser: bool,
          echo: Callable[[str], object], *, writes: bool = True, allowed_hosts: tuple[str, ...] = ()) -> None:
    """Serve until interrupted; the database is rebuilt and swapped whenever the sources change."""
    import uvicorn

    sock = listening_socket(host, port)
    _quiet_not_found_tracebacks()
    rebuilder_box: list[Rebuilder] = []
    reading_room = room.Room(project, writes=writes, allowed_hosts=room.allowed_hosts(host, allowed_hosts),
                             fetch=not os.environ.get("TRACKER_NO_FETCH"),
                             rebuild=lambda: rebuilder_box[0].rebuild(),
                             problem=lambda: rebuilder_box[0].last_error)
    ds, live = make_datasette(db_path, reading_room=reading_room)
    rebuilder = Rebuilder(project, db_path, live, interval=watch_interval())
    rebuilder_box.append(rebuilder)
    rebuilder.rebuild()
    rebuilder.start()
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/{DATABASE_NAME}"
    mode = "read-only" if not writes else "triage and add go to resources.yaml and git"
    echo(f"Serving {url}  ({mode}; rebuilt live when {project.resources_file.name} or notes/ change; "
         "Ctrl-C stops)")
    if open_browser:
        threading.Thread(target=_open_when_up, args=(host, port, url), daemon=True).start()
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        rebuilder.stop()
        sock.close()


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
