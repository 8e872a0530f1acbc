"""Netscape bookmark HTML: imports into any browser; tracker reads its own STATUS/CATEGORY/TOPIC/ID/TRACKER back."""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from tracker.models import Document, Resource

HEADER = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
"""


def _timestamp(day: dt.date | None) -> str | None:
    if day is None:
        return None
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))


# What the bookmark's own attributes carry; everything else an item holds travels in one TRACKER attribute (JSON)
# that browsers ignore and tracker reads back.
CARRIED = frozenset({"id", "url", "title", "status", "category", "tags", "topic", "comment", "added"})


def _rest_of(item: Resource) -> str | None:
    from tracker.exporters.tabular import resource_record

    record = resource_record(item)
    rest = {key: value for key, value in record.items() if key not in CARRIED}
    if any("," in tag or tag != tag.strip() for tag in item.tags):
        rest["tags"] = list(item.tags)  # TAGS is comma-separated: a tag with a comma goes here whole
    if item.comment and item.comment != " ".join(item.comment.split()):
        rest["comment"] = item.comment  # <DD> holds one line
    if item.title != " ".join(item.title.split()):
        rest["title"] = item.title
    return json.dumps(rest, ensure_ascii=False, separators=(",", ":")) if rest else None


def bookmark_line(item: Resource) -> str:
    attributes = [("HREF", item.url), ("ADD_DATE", _timestamp(item.added))]
    attributes += [("TAGS", ",".join(item.tags) or None), ("STATUS", item.status.value)]
    attributes += [("CATEGORY", item.category), ("TOPIC", item.topic), ("ID", item.id), ("TRACKER", _rest_of(item))]
    rendered = " ".join(f'{name}="{escape(value)}"' for name, value in attributes if value)
    line = f"    <DT><A {rendered}>{escape(item.title, quote=False)}</A>\n"
    if item.comment:
        line += f"    <DD>{escape(' '.join(item.comment.split()), quote=False)}\n"
    return line


def render_netscape(document: Document) -> str:
    """All items in one flat folder: folders would come back as tags, so tags travel in TAGS instead."""
    return HEADER + "".join(bookmark_line(item) for item in document.resources) + "</DL><p>\n"
