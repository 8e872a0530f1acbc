"""The reading room's writable side, for ``tracker serve`` only: triage and add forms, and their safety.

Registered as a Datasette plugin next to ``plugin`` (the read-only part that ``tracker publish`` ships). The
state of one server (project, whether writes are on, allowed hosts, the rebuilder) is a :class:`Room` kept on the
Datasette instance, so the hooks do nothing for a Datasette without one.

Safety, in the order a request meets it:

* the ``Host`` header must name an allowed host (loopback names plus what the user allowed), so a page on
  another site that re-points its own name at 127.0.0.1 (DNS rebinding) can neither read nor write;
* a form post must come from this site (``Sec-Fetch-Site``/``Origin``) and carry Datasette's CSRF token; the
  token is required even without a cookie (the CSRF middleware lets cookie-less posts through, which is right
  for sites whose writes need a login, and wrong here where none does);
* writes are off with ``--read-only`` (the routes answer 403 and the forms are not shown).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response

from tracker.errors import DuplicateError, TrackerError
from tracker.publish import DATABASE_NAME, actions
from tracker.publish.sources import Project

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
ROOM_PREFIX = "/-/room/"
STATUSES = ("inbox", "next-up", "reading", "done", "dropped")
CSRF_COOKIE = "ds_csrftoken"


@dataclass
class Room:
    """One running reading room: where its files are and what it may do."""

    project: Project
    writes: bool = True
    allowed_hosts: frozenset[str] = field(default_factory=lambda: frozenset(LOOPBACK_HOSTS))
    rebuild: Callable[[], object] = lambda: None
    problem: Callable[[], str | None] = lambda: None
    fetch: bool = True


def allowed_hosts(bind_host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Loopback names, the address the server is bound to (unless it is a wildcard), and ``extra``."""
    hosts = {*LOOPBACK_HOSTS, *(normalise_host(h) for h in extra if h.strip())}
    bound = normalise_host(bind_host)
    try:
        wildcard = ipaddress.ip_address(bound).is_unspecified
    except ValueError:
        wildcard = False
    if not wildcard:
        hosts.add(bound)
    return frozenset(hosts)


_HOST_HEADER = re.compile(r"^(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[^:\[\]/@\s]*))(?::(?P<port>[0-9]*))?$")


def normalise_host(name: str) -> str:
    """A configured host name or address as the allow-list keeps it: lower case, no brackets, no trailing dot."""
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    return name.rstrip(".")


def host_of_header(header: str) -> str | None:
    """The host a ``Host`` header names (``Example.org:8001`` -> ``example.org``, ``[::1]:8001`` -> ``::1``),
    or None when the header is not exactly a name or a bracketed address with an optional numeric port."""
    found = _HOST_HEADER.match(header.strip().lower())
    if found is None:
        return None
    return (found.group("v6") or found.group("name") or "").rstrip(".")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's ``Host`` header names an allowed host (a missing or malformed header is refused)."""
    host = host_of_header(header or "")
    return bool(host) and host in allowed


# ---------------------------------------------------------------------------------------------- ASGI guard


def _headers(scope) -> dict[bytes, bytes]:
    return {key.lower(): value for key, value in scope.get("headers") or []}


async def _refuse(send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": (text + "\n").encode("utf-8")})


def _form_post_refusal(scope, headers: dict[bytes, bytes]) -> str | None:
    """Why a post to the room is refused before the CSRF middleware sees it (None: let it through)."""
    if headers.get(b"sec-fetch-site", b"same-origin") not in (b"same-origin", b"none"):
        return "Forbidden: a form on another site cannot change your reading list"
    origin = headers.get(b"origin")
    if origin and origin != b"null":
        origin_host = origin.decode("latin-1").split("://", 1)[-1]
        # Same origin means the same host and port: a page served on another local port is another site.
        if origin_host.lower() != headers.get(b"host", b"").decode("latin-1").strip().lower():
            return "Forbidden: a form on another site cannot change your reading list"
    if CSRF_COOKIE.encode() not in headers.get(b"cookie", b""):
        return "Forbidden: the form's CSRF token is missing; reload the page and try again"
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def guarded(scope, receive, send):
            reading_room: Room | None = getattr(datasette, "tracker_room", None)
            if reading_room is None or scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = _headers(scope)
            host = headers.get(b"host", b"").decode("latin-1")
            if not host_allowed(host, reading_room.allowed_hosts):
                await _refuse(send, 400, f"Bad Request: the host name {host!r} is not one this reading room serves "
                                         "(add it with `tracker serve --allow-host NAME`)")
                return
            if scope["method"] not in ("GET", "HEAD") and scope["path"].startswith(ROOM_PREFIX):
                refusal = _form_post_refusal(scope, headers)
                if refusal:
                    await _refuse(send, 403, refusal)
                    return
            await app(scope, receive, send)

        return guarded

    return wrap


# ---------------------------------------------------------------------------------------------- templates


def bookmarklet(origin: str) -> str:
    """A ``javascript:`` link that opens this room's add form for the page being read (URL, title, selection).

    It only navigates: the form opens filled in, and nothing is added until the learner presses Add.
    """
    target = f"{origin}{ROOM_PREFIX}add"
    return (
        "javascript:(function(){var s=String(window.getSelection()||'');"
        f"location.href='{target}?url='+encodeURIComponent(location.href)"
        "+'&title='+encodeURIComponent(document.title)+'&text='+encodeURIComponent(s.slice(0,2000));})()"
    )


def _origin(request) -> str:
    return f"{request.scheme}://{request.host}"


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    reading_room: Room | None = getattr(datasette, "tracker_room", None)
    if reading_room is None:
        return {}

    async def room_vars():
        found = {
            "writes": reading_room.writes,
            "statuses": STATUSES,
            "problem": reading_room.problem(),
            "bookmarklet": bookmarklet(_origin(request)) if request is not None else None,
            "item": None,
        }
        if view_name == "row" and table == "resources" and request is not None and reading_room.writes:
            found["item"] = await _item(datasette, tilde_decode(request.url_vars.get("pks", "")))
        return {"room": found}

    return room_vars


async def _item(datasette, item_id: str) -> dict | None:
    import json

    db = datasette.get_database(DATABASE_NAME)
    row = (await db.execute("select id, status, tags, comment from resources where id = ?", [item_id])).first()
    if row is None:
        return None
    return {"id": row["id"], "status": row["status"], "tags": json.loads(row["tags"] or "[]"),
            "comment": row["comment"] or ""}


# ---------------------------------------------------------------------------------------------- routes


def _row_url(datasette, item_id: str) -> str:
    return datasette.urls.row(DATABASE_NAME, "resources", tilde_encode(item_id))


def _safe_next(datasette, value: str | None, item_id: str) -> str:
    """Where to go after an action: a path on this site the form named, else the item's page."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return _row_url(datasette, item_id)


def _room(datasette) -> Room:
    reading_room: Room | None = getattr(datasette, "tracker_room", None)
    if reading_room is None or not reading_room.writes:
        raise _ReadOnly()
    return reading_room


class _ReadOnly(Exception):
    pass


def _read_only_response() -> Response:
    return Response.text("Forbidden: this reading room is read-only (started with --read-only, or published)",
                         status=403)


async def _run(datasette, request, action: Callable[[Room, dict], actions.Outcome]) -> Response:
    """Parse the form, run the action off the event loop, rebuild, and show the item with a message."""
    try:
        reading_room = _room(datasette)
    except _ReadOnly:
        return _read_only_response()
    if request.method != "POST":
        return Response.text("Method Not Allowed: use the form on the item's page", status=405,
                             headers={"Allow": "POST"})
    form = await request.post_vars()
    item_id = (form.get("item") or "").strip()
    try:
        outcome = await asyncio.to_thread(action, reading_room, form)
    except TrackerError as exc:
        datasette.add_message(request, f"Not changed: {exc}", datasette.ERROR)
        return Response.redirect(_safe_next(datasette, form.get("next"), item_id))
    await asyncio.to_thread(reading_room.rebuild)
    datasette.add_message(request, outcome.message, datasette.INFO)
    return Response.redirect(_safe_next(datasette, form.get("next"), outcome.item_id))


def _move(reading_room: Room, form: dict) -> actions.Outcome:
    return actions.move_item(reading_room.project.resources_file, form.get("item", ""), form.get("to", ""))


def _tags(reading_room: Room, form: dict) -> actions.Outcome:
    add = (form.get("add") or "").split(",")
    remove = [form["remove"]] if form.get("remove") else []
    return actions.change_tags(reading_room.project.resources_file, form.get("item", ""), add, remove)


def _comment(reading_room: Room, form: dict) -> actions.Outcome:
    return actions.set_comment(reading_room.project.resources_file, form.get("item", ""), form.get("comment", ""))


async def move_view(datasette, request):
    return await _run(datasette, request, _move)


async def tags_view(datasette, request):
    return await _run(datasette, request, _tags)


async def comment_view(datasette, request):
    return await _run(datasette, request, _comment)


async def add_view(datasette, request):
    """GET: the add form, filled in from the query (what the bookmarklet sends). POST: add, open the item."""
    try:
        reading_room = _room(datasette)
    except _ReadOnly:
        return _read_only_response()
    if request.method == "GET":
        values = {name: request.args.get(name, "") for name in ("url", "title", "text")}
        return await _add_form(datasette, request, values)
    form = await request.post_vars()
    values = {name: form.get(name, "") for name in ("url", "title", "text")}
    try:
        outcome = await asyncio.to_thread(
            actions.add_page, reading_room.project.resources_file, values["url"], values["title"], values["text"],
            reading_room.fetch,
        )
    except DuplicateError as exc:
        if exc.existing_id:
            datasette.add_message(request, f"Already in the list: {exc}", datasette.WARNING)
            return Response.redirect(_row_url(datasette, exc.existing_id))
        return await _add_form(datasette, request, values, str(exc), 400)
    except TrackerError as exc:
        return await _add_form(datasette, request, values, str(exc), 400)
    await asyncio.to_thread(reading_room.rebuild)
    datasette.add_message(request, outcome.message, datasette.INFO)
    return Response.redirect(_row_url(datasette, outcome.item_id))


async def _add_form(datasette, request, values: dict, error: str | None = None, status: int = 200) -> Response:
    html = await datasette.render_template(
        "tracker_add.html", {"values": values, "error": error, "action": f"{ROOM_PREFIX}add"}, request=request,
        view_name="tracker_add",
    )
    return Response.html(html, status=status)


@hookimpl
def register_routes():
    return [
        (rf"^{ROOM_PREFIX}move$", move_view),
        (rf"^{ROOM_PREFIX}tags$", tags_view),
        (rf"^{ROOM_PREFIX}comment$", comment_view),
        (rf"^{ROOM_PREFIX}add$", add_view),
    ]
