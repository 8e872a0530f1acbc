"""Read a Netscape bookmark file (the HTML that Firefox, Chrome, Safari, linkding and buku export).

Folders become tags (the innermost one also the category); the browsers' own root folders ("Bookmarks bar",
"Other Bookmarks"...) are containers, not topics, and are left out. ``ADD_DATE`` becomes ``added``, a ``TAGS``
attribute adds tags, a ``<DD>`` description becomes the comment, ``TOREAD="1"`` keeps the item in the inbox; tracker's own ``STATUS``/``CATEGORY``/``TOPIC``/``ID`` attributes are read back, and its ``TRACKER`` attribute
(JSON) gives the fields a bookmark has no attribute for.
"""

from __future__ import annotations

import html
import json
import re

from tracker.importers.content import ImportedContent, Skipped
from tracker.importers.delimited import links_from
from tracker.importers.plan import FoundItem, tag_of
from tracker.models import STATUS_VALUES, Status
from tracker.web.meta.dates import parse_day

ROOT_FOLDERS = {
    "bookmarks", "bookmarks menu", "bookmarks toolbar", "bookmarks bar", "other bookmarks", "mobile bookmarks",
    "favorites bar", "favourites bar", "other favorites", "menu", "toolbar", "unfiled", "favorites", "favourites",
    "reading list",  # Safari's reading list: things to read, which is what the inbox is
}
_ROOT_ATTRIBUTES = {"personal_toolbar_folder", "unfiled_bookmarks_folder"}

# One pass over the file finds every tag: comments, declarations (<!DOCTYPE>, <?...?>), end tags and start
# tags (attribute values may hold ">" inside quotes). Text between tags is the data.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<[!?][^>]*>"
    r"|<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"([^\s/>=][^\s/=>]*)(?:\s*=+\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']*))?")
_RAW_TEXT = {"script": re.compile(r"</script\s*>", re.IGNORECASE), "style": re.compile(r"</style\s*>", re.IGNORECASE)}
_WANTED_START = {"dt", "dl", "h3", "a", "dd"}
_WANTED_END = {"h3", "dl", "a"}


def _attributes(text: str) -> dict[str, str]:
    """A start tag's attributes, names lower-cased, values unquoted and unescaped (the last of a name wins)."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found[match.group(1).lower()] = html.unescape(value) if "&" in value else value
    return found


class _BookmarkParser:
    """Reads the tags that matter (folders, links, descriptions) in one regex pass over the file: the standard
    library's HTMLParser calls back into Python for every tag and attribute, a third of a 20k-row import."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.text = ""
        self.line = 1  # the line at ``self.line_pos``, advanced as tags are read
        self.line_pos = 0
        self.tag_pos = 0
        self.folder_tags: dict[str, str] = {}  # folder name -> its tag, made once per folder, not once per link
        self.content = ImportedContent()
        self.folders: list[str | None] = []  # None: a browser root folder (no tag)
        self.pending_folder: str | None = None
        self.folder_is_root = False
        self.in_folder_title = False
        self.folder_text: list[str] = []
        self.link: dict[str, str] | None = None
        self.link_text: list[str] = []
        self.last_item: FoundItem | None = None
        self.in_description = False
        self.description: list[str] = []

    def _finish_description(self) -> None:
        if self.in_description and self.last_item is not None:
            text = " ".join("".join(self.description).split())
            if text and not self.last_item.comment:  # tracker's TRACKER attribute gave the exact one
                self.last_item.comment = text
        self.in_description = False
        self.description = []

    def feed(self, text: str) -> None:
        self.text = text
        pos = 0
        raw_end = None
        for match in _TOKEN.finditer(text):
            start = match.start()
            if raw_end is not None:  # inside <script> or <style>: their text is not markup
                if start < raw_end:
                    continue
                raw_end = None
            if start > pos:
                self.handle_data(text[pos:start])
            pos = match.end()
            tag = match.group(2)
            if tag is None:
                continue
            tag = tag.lower()
            self.tag_pos = start
            if match.group(1):
                if tag in _WANTED_END:
                    self.handle_endtag(tag)
                continue
            if tag in _WANTED_START:
                rest = match.group(3)
                self.handle_starttag(tag, _attributes(rest) if rest and not rest.isspace() else {})
            if tag in _RAW_TEXT:
                closing = _RAW_TEXT[tag].search(text, pos)
                raw_end = closing.start() if closing else len(text)
                self.handle_data(text[pos:raw_end])
                pos = raw_end
        if pos < len(text):
            self.handle_data(text[pos:])

    def current_line(self) -> int:
        """The line the tag being handled starts on (counted on from the last one asked for)."""
        self.line += self.text.count("\n", self.line_pos, self.tag_pos)
        self.line_pos = self.tag_pos
        return self.line

    def handle_starttag(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in {"dt", "dl", "h3", "a"}:
            self._finish_description()
        if tag == "h3":
            self.in_folder_title = True
            self.folder_text = []
            self.folder_is_root = bool(_ROOT_ATTRIBUTES & set(attributes))
        elif tag == "dl":
            if self.pending_folder is not None or self.folder_is_root:
                self.folders.append(None if self.folder_is_root else self.pending_folder)
            else:
                self.folders.append(None)
            self.pending_folder = None
            self.folder_is_root = False
        elif tag == "a":
            self.link = attributes
            self.link_text = []
        elif tag == "dd":
            self.in_description = True
            self.description = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3" and self.in_folder_title:
            self.in_folder_title = False
            name = " ".join("".join(self.folder_text).split())
            if name.casefold() in ROOT_FOLDERS:
                self.folder_is_root = True
            self.pending_folder = name
        elif tag == "dl":
            self._finish_description()
            if self.folders:
                self.folders.pop()
        elif tag == "a" and self.link is not None:
            self._add_link(self.link, " ".join("".join(self.link_text).split()))
            self.link = None

    def handle_data(self, raw: str) -> None:
        if not (self.in_folder_title or self.link is not None or self.in_description):
            return
        data = html.unescape(raw) if "&" in raw else raw
        if self.in_folder_title:
            self.folder_text.append(data)
        elif self.link is not None:
            self.link_text.append(data)
        elif self.in_description:
            self.description.append(data)

    def _tag_of(self, folder: str) -> str:
        if folder not in self.folder_tags:
            self.folder_tags[folder] = tag_of(folder)
        return self.folder_tags[folder]

    def _add_link(self, attributes: dict[str, str], title: str) -> None:
        origin = f"{self.name}:{self.current_line()}"
        url = attributes.get("href", "").strip()
        if not url.lower().startswith(("http://", "https://")):
            reason = "a browser-internal or script bookmark" if url else "a bookmark without an address"
            self.content.skipped.append(Skipped(origin, title or url, reason))
            self.last_item = None
            return
        folders = [folder for folder in self.folders if folder]
        tags = [tag for folder in folders if (tag := self._tag_of(folder))]
        for tag in attributes.get("tags", "").split(","):
            tag = tag.strip()
            if tag and tag not in tags:
                tags.append(tag)
        status = None
        if attributes.get("status") in STATUS_VALUES:
            status = Status(attributes["status"])  # tracker's own export
        elif attributes.get("toread") == "1":
            status = Status.INBOX  # linkding and Pocket mark unread items this way
        rest = _tracker_fields(attributes.get("tracker"))
        item = FoundItem(
            url=url,
            title=str(rest.pop("title", title)),
            origin=origin,
            status=status,
            category=attributes.get("category") or (folders[-1] if folders else None),
            tags=[str(tag) for tag in rest.pop("tags")] if isinstance(rest.get("tags"), list) else tags,
            topic=attributes.get("topic") or None,
            added=parse_day(attributes.get("add_date") or None),
            preferred_id=attributes.get("id") or None,
            links=links_from(rest.pop("links", None)),
        )
        if isinstance(rest.get("comment"), str):
            item.comment = rest.pop("comment")
        item.extra = rest
        self.content.found.append(item)
        self.last_item = item


def _tracker_fields(value: str | None) -> dict:
    """The fields tracker's own export keeps in its TRACKER attribute (JSON); {} for any other file."""
    if not value:
        return {}
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def read_netscape(text: str, name: str) -> ImportedContent:
    """Parse a bookmark export; ``name`` labels lines in the report."""
    parser = _BookmarkParser(name)
    parser.feed(text)
    parser._finish_description()
    return parser.content
