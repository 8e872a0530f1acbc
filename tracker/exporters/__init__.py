"""Exporters: each renders resources (and, for Markdown, advice and glossary) as text in one format.

Formats are imported lazily so ``tracker export`` loads only the renderer it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.lazy import load_function

if TYPE_CHECKING:  # kept out of the import path: the command module reads FORMATS for --format's choices
    from tracker.models import Document, Status

# format -> "module:function" taking (document, statuses) and returning the file's text.
WRITERS: dict[str, str] = {
    "markdown": "tracker.exporters.markdown:render_markdown",
    "netscape": "tracker.exporters.netscape:render_netscape",
    "json": "tracker.exporters.tabular:render_json",
    "csv": "tracker.exporters.tabular:render_csv",
    "bibtex": "tracker.exporters.bibtex:render_bibtex",
}
FORMATS: tuple[str, ...] = tuple(WRITERS)

# The item fields each format writes and ``tracker import`` reads back; None: every field (and extra keys).
HELD_FIELDS: dict[str, frozenset[str] | None] = {
    "json": None,
    "csv": None,
    "netscape": None,  # the bookmark's own attributes, the rest in its TRACKER attribute
    "markdown": frozenset({"url", "title", "status", "comment", "links"}),
    "bibtex": frozenset({"url", "title", "authors", "published", "comment", "links"}),  # export only
}


def unheld_fields(document: Document, fmt: str) -> dict[str, int]:
    """For each field that ``fmt`` cannot hold and some items have: how many items lose it."""
    held = HELD_FIELDS[fmt]
    lost: dict[str, int] = {}
    if held is None:
        return lost
    for item in document.resources:
        for name, value in item.model_dump(exclude_none=True).items():
            if name not in held and value not in ([], "", {}):
                lost[name] = lost.get(name, 0) + 1
        if fmt == "markdown" and item.comment and item.comment != " ".join(item.comment.split()):
            lost["comment line breaks"] = lost.get("comment line breaks", 0) + 1
    return lost


def export_document(document: Document, fmt: str, statuses: tuple[Status, ...] = ()) -> str:
    """The text of ``document`` in ``fmt``; only items with one of ``statuses`` when any are given."""
    return load_function(WRITERS[fmt])(only_statuses(document, statuses))


def only_statuses(document: Document, statuses: tuple[Status, ...]) -> Document:
    """``document`` with only the items whose status is one of ``statuses`` (all of them when none given)."""
    if not statuses:
        return document
    return document.model_copy(update={"resources": [item for item in document.resources if item.status in statuses]})
