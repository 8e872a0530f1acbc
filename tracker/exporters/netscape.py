"""Netscape bookmark HTML: imports into any browser; tracker reads its own STATUS/CATEGORY/TOPIC/ID back."""

from __future__ import annotations

import datetime as dt
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


def bookmark_line(item: Resource) -> str:
    attributes = [("HREF", item.url), ("ADD_DATE", _timestamp(item.added))]
    attributes += [("TAGS", ",".join(item.tags) or None), ("STATUS", item.status.value)]
    attributes += [("CATEGORY", item.category), ("TOPIC", item.topic), ("ID", item.id)]
    rendered = " ".join(f'{name}="{escape(value)}"' for name, value in attributes if value)
    line = f"    <DT><A {rendered}>{escape(item.title, quote=False)}</A>\n"
    if item.comment:
        line += f"    <DD>{escape(' '.join(item.comment.split()), quote=False)}\n"
    return line


def render_netscape(document: Document) -> str:
    """All items in one flat folder: folders would come back as tags, so tags travel in TAGS instead."""
    return HEADER + "".join(bookmark_line(item) for item in document.resources) + "</DL><p>\n"
