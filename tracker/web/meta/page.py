"""One parse per page: the lxml tree and the indexes every metadata rule reads (meta tags, links, JSON-LD,
microdata)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

from tracker.web.meta.jsonld import jsonld_nodes, main_entity
from tracker.web.meta.text import clean_text

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# lxml parser objects must not be shared between threads (tracker fetch parses in worker threads).
_PARSERS = threading.local()


def _complete_utf8(data: bytes) -> bytes:
    """``data`` without a multi-byte character cut in half at the end (byte caps cut anywhere)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start]
    return data


def parse_html(data: str | bytes, content_type: str | None = None):
    """``(document, source)``: an lxml tree (None for an empty page) and the page as text or UTF-8 bytes.

    UTF-8 bytes (most pages) go to lxml as they are, which is faster than decoding them first; any other
    charset is decoded here (header, ``<meta charset>`` or detection, see ``tracker.web.http.charset``).
    """
    import lxml.html
    from lxml import etree

    from tracker.web.http.charset import detect_charset

    source: str | bytes = data
    if isinstance(data, bytes):
        codec = detect_charset(data, content_type)
        if codec in ("utf-8", "utf-8-sig"):
            source = _complete_utf8(data.removeprefix(b"\xef\xbb\xbf"))
        else:
            source = data.decode(codec, errors="replace")
    if isinstance(source, str):
        # lxml refuses a str that still carries an XML encoding declaration.
        source = _XML_DECLARATION.sub("", source, count=1)
    if not source.strip():
        return None, source
    try:
        if isinstance(source, bytes):
            parser = getattr(_PARSERS, "utf8", None)
            if parser is None:
                parser = _PARSERS.utf8 = lxml.html.HTMLParser(encoding="utf-8")
            return lxml.html.document_fromstring(source, parser=parser), source
        return lxml.html.document_fromstring(source), source
    except (etree.ParserError, ValueError):
        return None, source


class Page:
    """One parsed page and the indexes every rule reads: meta tags, JSON-LD nodes, microdata."""

    def __init__(self, root, url: str, source: str | bytes = "") -> None:
        self.root = root
        self._source = source
        self.url = url
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.itemprops: dict[str, list] = {}
        self.jsonld: list[dict] = []
        self.memo: dict[str, object] = {}  # what a rule derived from the page once, for the other rules
        self._index()
        self.entity = main_entity(self.jsonld)

    def _index(self) -> None:
        ld_texts = []
        # ``value=`` is no attribute of <meta>: pages rewritten to use it (saved by some tools) mean it; where
        # most tags other than Open Graph use ``content=``, it is template cruft (a theme designer's name in "author").
        by_value: list[tuple[str, str]] = []
        with_content = 0
        for el in self.root.iter("meta", "link", "script"):
            tag = el.tag
            if tag == "meta":
                key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
                content = el.get("content")
                if key and content is None and el.get("value") is not None:
                    by_value.append((key, el.get("value")))
                elif key and content is not None:
                    with_content += not key.lower().startswith(("og:", "article:"))
                    for part in key.split():
                        self.meta.setdefault(part.strip().lower(), []).append(content)
            elif tag == "link":
                rel = el.get("rel")
                href = el.get("href")
                if rel and href:
                    for part in rel.lower().split():
                        self.links.setdefault(part, []).append(href)
            elif (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                ld_texts.append(el.text)
        if with_content <= len(by_value):
            for key, value in by_value:
                for part in key.split():
                    self.meta.setdefault(part.strip().lower(), []).append(value)
        for el in self.root.xpath("//*[@itemprop]"):
            for prop in el.get("itemprop").split():
                self.itemprops.setdefault(prop, []).append(el)
        for text in ld_texts:
            self.jsonld.extend(jsonld_nodes(text))

    @property
    def text(self) -> str:
        """The page source as text, for the few rules that read inline scripts (decoded on first use)."""
        if isinstance(self._source, bytes):
            self._source = self._source.decode("utf-8", errors="replace")
        return self._source

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, ()):
                text = clean_text(value)
                if text:
                    return text
        return None

    def all_meta(self, name: str) -> list[str]:
        return [t for t in (clean_text(v, 300) for v in self.meta.get(name, ())) if t]

    def itemprop_values(self, prop: str) -> Iterator[str]:
        for el in self.itemprops.get(prop, ()):
            value = microdata_value(el)
            if value:
                yield value


def microdata_value(el) -> str | None:
    for attr in ("content", "datetime", "href", "src", "title" if el.tag == "abbr" else "content"):
        value = el.get(attr)
        if value:
            return clean_text(value)
    return clean_text(el.text_content(), 500)
