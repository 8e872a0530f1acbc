"""Datasette plugin for the tracker database: safe HTML for notes, clickable titles, search highlights.

Self-contained on purpose (imports only Datasette, markupsafe and bleach): ``tracker publish`` copies this file
into a ``plugins/`` folder that ``datasette publish --plugins-dir`` ships to a host without the tracker package.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import bleach
from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

DATABASE = "tracker"
# The search query's "kind" column names the table its "item" column is a primary key of.
SEARCH_KIND_TABLES = {
    "resource": "resources", "note": "notes", "question": "questions", "advice": "advice", "term": "glossary",
    "page text": "snapshots",  # the archive: a hit in saved page text opens the item's saved text
}
HTML_COLUMNS = {"body_html"}
# snippet() in the search query wraps matches in these control characters; they are replaced by <mark>
# only after the text is escaped, so a match can never smuggle markup in.
MATCH_START, MATCH_END = "\x02", "\x03"

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
        "tr", "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title"],
    "th": ["align"],
    "td": ["align"],
    "code": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
STYLESHEET_PATH = "/-/tracker.css"
# The notes' own pictures (notes/images/x.png), served by `tracker serve` and shipped by `tracker publish`.
NOTES_FILES_PREFIX = "/notes-files/"
# Column descriptions in three compact columns instead of a screen-long list above every table.
STYLESHEET = """
dl.column-descriptions { column-count: 3; column-gap: 2em; font-size: 0.85em; }
dl.column-descriptions dt { break-after: avoid; }
dl.column-descriptions dd { break-before: avoid; margin: 0 0 0.4em 0.8em; }
td mark { background: #fde68a; padding: 0 0.1em; }
td.col-body_html { min-width: 30em; }
/* Long addresses wrap anywhere in a narrow column instead of pushing the rest of the table off screen. */
td.col-url, td.col-canonical_url, td.col-image, td.col-final_url, td.col-source_url {
  min-width: 14em; max-width: 18em; overflow-wrap: anywhere; font-size: 0.85em;
}
td.col-description, td.col-comment { min-width: 14em; }
form.tracker-search input[type=search] { width: 24em; max-width: 90%; font-size: 1em; padding: 0.3em; }
/* Row pages: one field per line (name above value) instead of one screen-wide row; set up by ROW_SCRIPT. */
/* Child selectors only: a table inside a note (a Question/Answer table) keeps its own header and layout. */
table.tracker-vertical > thead { display: none; }
table.tracker-vertical, table.tracker-vertical > tbody, table.tracker-vertical > tbody > tr,
table.tracker-vertical > tbody > tr > td { display: block; }
table.tracker-vertical > tbody > tr > td { border: none; border-bottom: 1px solid #eee; padding: 0.3em 0 0.6em 0; }
table.tracker-vertical > tbody > tr > td::before {
  content: attr(data-column); display: block; margin-left: 0; font-size: 0.8em; font-weight: bold; color: #555;
}
table.tracker-vertical > tbody > tr > td.tracker-empty { display: none; }
table.tracker-vertical td.col-body_html { min-width: 0; max-width: 60em; }
td.col-body_html table { border-collapse: collapse; margin: 0.5em 0; }
td.col-body_html th, td.col-body_html td { border: 1px solid #ddd; padding: 0.3em 0.6em; vertical-align: top; }
td.col-body_html th { background: #f4f4f4; }
td.col-body_html img { max-width: 100%; }
/* A note's page shows it rendered; its Markdown source is one click away (json), not a second copy below. */
body.row.table-notes table.tracker-vertical > tbody > tr > td.col-body { display: none; }
/* Table pages: the rows come first; column descriptions fold away, facets take one compact band. */
details.tracker-columns { margin: 0.3em 0; font-size: 0.9em; }
.facet-results { gap: 0.5em; }
.facet-results .facet-info { width: 12.5em; margin-bottom: 0.4em; }
.facet-results .facet-info ul { max-height: 6.6em; overflow-y: auto; margin: 0.2em 0; }
.facet-results .facet-info p { margin: 0.2em 0; }
/* The reading room: notices, triage forms. */
.tracker-problem { background: #fde2e2; border: 2px solid #c0392b; padding: 0.6em 1em; margin: 0.5em 0; }
.tracker-triage { display: flex; flex-wrap: wrap; gap: 0.6em 2em; align-items: flex-start;
  background: #f6f8fa; border: 1px solid #ddd; padding: 0.6em 0.8em; margin: 0.6em 0; }
.tracker-triage form, .tracker-tags { margin: 0; display: inline-flex; gap: 0.4em; align-items: center; flex-wrap: wrap; }
/* Datasette gives every form label 15% of the width; these labels take what their words need. */
.tracker-triage label, .tracker-add-form label, form.tracker-search label { width: auto; white-space: nowrap; }
.tracker-triage .tracker-comment { flex-basis: 100%; display: flex; flex-direction: column; align-items: stretch; }
.tracker-triage .tracker-comment label { white-space: normal; }
.tracker-triage .tracker-comment textarea { width: 100%; max-width: 60em; box-sizing: border-box; }
.tracker-triage .tracker-comment button { align-self: flex-start; }
/* Suggestions for building facets are a database tool's; the facets themselves stay. */
body.table p.suggested-facets { display: none; }
.tracker-tag { background: #e8eef8; border-radius: 3px; padding: 0 0.3em; }
.tracker-tag button { border: none; background: none; cursor: pointer; padding: 0 0.2em; }
td.col-tracker-move form { display: flex; gap: 0.25em; flex-wrap: wrap; align-content: flex-start; min-width: 9.5em; margin: 0; }
td.col-tracker-move { white-space: normal; }
td.col-tracker-move button { font-size: 0.8em; margin: 0; }
.tracker-add-form input[type=url], .tracker-add-form input[type=text], .tracker-add-form textarea { width: 40em;
  max-width: 95%; font-size: 1em; }
a.tracker-bookmarklet { border: 1px solid #888; border-radius: 4px; padding: 0.1em 0.5em; background: #fff8dc; }
"""
# Row pages get the vertical layout above (labels copied from the header cells); a canned query's tab is named
# after its title rather than its SQL. Without JavaScript the pages keep Datasette's own layout.
PAGE_SCRIPT = """
document.querySelectorAll("body.row table.rows-and-columns").forEach(function (table) {
  var names = Array.from(table.querySelectorAll(":scope > thead > tr > th")).map(function (th) {
    return th.dataset.column || th.textContent.trim();
  });
  table.querySelectorAll(":scope > tbody > tr").forEach(function (tr) {
    Array.from(tr.children).forEach(function (td, i) {
      td.dataset.column = names[i] || "";
      var empty = !td.querySelector("img") && td.textContent.replace(/\\u00a0/g, " ").trim() === "";
      if (empty) { td.classList.add("tracker-empty"); }
    });
  });
  table.classList.add("tracker-vertical");
});
document.querySelectorAll("body.table dl.column-descriptions").forEach(function (list) {
  var details = document.createElement("details");
  details.className = "tracker-columns";
  var summary = document.createElement("summary");
  summary.textContent = "What the columns mean";
  details.appendChild(summary);
  list.parentNode.insertBefore(details, list);
  details.appendChild(list);
});
if (/(^| )query-/.test(document.body.className)) {
  var heading = document.querySelector("h1");
  if (heading) { document.title = heading.textContent.trim() + " \\u00b7 tracker"; }
}
"""
_FTS_TOKEN = re.compile(r'[^\s"]+')


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "src":
        # Absolute images, or the notes' own pictures; any other path would point into Datasette's URL space.
        return value.startswith(("http://", "https://")) or (
            value.startswith(NOTES_FILES_PREFIX) and ".." not in value and "\\" not in value)
    if name == "href":
        return value.startswith(("http://", "https://", "mailto:", "#"))
    return True


def sanitize_html(html: str) -> str:
    """Keep formatting tags, drop scripts, event handlers, styles and links that are not http(s)."""
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def fts_query(text: str | None) -> str:
    """A user's words as an FTS5 query that cannot be a syntax error: each word quoted, all required."""
    # An empty phrase matches nothing, where an empty query would be a syntax error.
    return " ".join(f'"{token}"' for token in _FTS_TOKEN.findall(text or "")) or '""'



def _is_web_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _link(url: str, text: str) -> Markup:
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, text)


def _highlight(value: str) -> Markup:
    text = str(escape(value))
    return Markup(text.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))


def _json_list(value: str) -> list | None:
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, list) else None


def _tag_links(datasette, database: str, value: str) -> Markup | None:
    """``["a", "b"]`` as links to the items carrying each tag (an empty list shows as nothing)."""
    tags = _json_list(value)
    if tags is None:
        return None
    url = datasette.urls.table(database, "resources")
    links = [
        Markup('<a href="{}?_facet_array=tags&amp;tags__arraycontains={}">{}</a>').format(url, quote(str(t)), t)
        for t in tags
    ]
    # An empty Markup would read as "no opinion" to Datasette, which would then print the raw "[]".
    return Markup(", ").join(links) or Markup("&nbsp;")


def _row_links(datasette, database: str, table: str, value: str) -> Markup | None:
    """A JSON list of ids as links to those rows of ``table``."""
    ids = _json_list(value)
    if ids is None:
        return None
    links = [
        Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, table, tilde_encode(str(i))), i)
        for i in ids
    ]
    return Markup(", ").join(links) or Markup("&nbsp;")


def _links_list(value: str) -> Markup | None:
    links = _json_list(value)
    if links is None:
        return None
    items = [
        Markup("<li>{}</li>").format(_link(link["url"], link.get("title") or link["url"]))
        for link in links
        if isinstance(link, dict) and _is_web_url(link.get("url"))
    ]
    return Markup("<ul>{}</ul>").format(Markup("").join(items)) if items else None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DATABASE or value is None:
        return None
    if column in HTML_COLUMNS and isinstance(value, str):
        return Markup(sanitize_html(value))
    if column == "snippet" and isinstance(value, str):
        return _highlight(value)
    if column == "item" and table is None and row is not None and "kind" in row.keys():
        kind_table = SEARCH_KIND_TABLES.get(row["kind"])
        if kind_table:
            url = f"{datasette.urls.table(database, kind_table)}/{tilde_encode(str(value))}"
            return Markup('<a href="{}">{}</a>').format(url, value)
    if column == "links" and table in ("glossary", None) and isinstance(value, str):
        return _links_list(value)
    if column == "tags" and table in ("resources", None) and isinstance(value, str):
        return _tag_links(datasette, database, value)
    if column == "related" and table in ("notes", None) and isinstance(value, str):
        return _row_links(datasette, database, "resources", value)
    if column == "id" and table is None and row is not None and {"title", "url"} <= set(row.keys()):
        # The item queries (inbox, next up, ...): the id opens the item's own page in the reading room.
        url = datasette.urls.row(database, "resources", tilde_encode(str(value)))
        return Markup('<a href="{}">{}</a>').format(url, value)
    if column == "title" and isinstance(value, str) and row is not None:
        keys = row.keys() if hasattr(row, "keys") else []
        url = row["url"] if "url" in keys else None
        if _is_web_url(url):
            return _link(url, value)
    if table is not None and isinstance(value, str | int):
        return _foreign_key_label(datasette, database, table, column, value)
    return None


async def _foreign_key_label(datasette, database, table, column, value):
    """On a row page Datasette shows a foreign key as a bare id; show the other row's label, as tables do."""
    db = datasette.get_database(database)
    foreign_keys = {fk["column"]: fk for fk in await db.foreign_keys_for_table(table)}
    fk = foreign_keys.get(column)
    if fk is None:
        return None
    other = fk["other_table"]
    label_column = await db.label_column_for_table(other)
    if not label_column:
        return None
    found = (
        await db.execute(f"select [{label_column}] from [{other}] where [{fk['other_column']}] = ?", [value])
    ).first()
    if found is None or found[0] is None:
        return None
    href = datasette.urls.row(database, other, tilde_encode(str(value)))
    return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, found[0], value)


async def _stylesheet():
    return Response(STYLESHEET, content_type="text/css; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/-/tracker\.css$", _stylesheet)]


@hookimpl
def extra_css_urls(template, database, table, columns, view_name, request, datasette):
    return [STYLESHEET_PATH]


@hookimpl
def extra_body_script(template, database, table, columns, view_name, request, datasette):
    return PAGE_SCRIPT


# Datasette's pages carry inline scripts and style attributes, so those stay allowed; everything else comes from
# this site, except images in notes (absolute http(s) addresses only, as the sanitiser allows).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https: http:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
# A file from notes/ opened on its own (an SVG can hold scripts) runs nothing and reaches nothing.
NOTES_FILE_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"),
    *SECURITY_HEADERS[1:],
]
# The only paths that take a POST: Datasette's own /-/ pages (messages, logout) and the reading room's forms.
POST_PREFIX = "/-/"


async def _method_not_allowed(send) -> None:
    await send({"type": "http.response.start", "status": 405, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD"), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": b"Method Not Allowed: these pages can only be read\n"})


@hookimpl
def asgi_wrapper(datasette):
    """Security headers on every answer; a POST to a page (a canned query, a table) is a clean 405, not a 500."""

    def wrap(app):
        async def secured(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not scope["path"].startswith(POST_PREFIX):
                await _method_not_allowed(send)
                return

            own = NOTES_FILE_HEADERS if scope["path"].startswith(NOTES_FILES_PREFIX) else SECURITY_HEADERS

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    names = {key.lower() for key, _ in message.get("headers", [])}
                    extra = [(key, value) for key, value in own if key not in names]
                    message = dict(message, headers=[*message.get("headers", []), *extra])
                await send(message)

            await app(scope, receive, send_with_headers)

        return secured

    return wrap


@hookimpl
def prepare_connection(conn, database, datasette):
    conn.create_function("tracker_fts_query", 1, fts_query, deterministic=True)
