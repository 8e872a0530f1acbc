"""A page's readable text: the article body without navigation, footers and cookie banners.

HTML goes through trafilatura (a maintained main-content extractor, measured against a plain lxml reading
in benchmarks/bench_archive.py: it drops boilerplate the plain reading keeps, at a few ms a page); when it
finds nothing (a tiny page, an app shell) the plain reading of ``<article>``/``<main>``/``<body>`` is kept
instead, so a page with any text never ends up with none. PDFs: their text through pypdf when it is installed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from tracker.archive.readtime import count_words, parse_duration

MAX_TEXT_CHARS = 200_000  # about 30,000 words: a long paper; more is cut at a paragraph and marked truncated
_DURATION_PATTERNS = (
    re.compile(rb'itemprop=["\']duration["\'][^>]*content=["\']([^"\']+)', re.I),
    re.compile(rb'content=["\']([^"\']+)["\'][^>]*itemprop=["\']duration["\']', re.I),
    re.compile(rb'property=["\'](?:og:)?video:duration["\'][^>]*content=["\'](\d+)', re.I),
    re.compile(rb'"duration"\s*:\s*"(P[^"]{1,30})"'),
    re.compile(rb'"lengthSeconds"\s*:\s*"(\d+)"'),
)
_BOILERPLATE = re.compile(r"cookie|consent|banner|newsletter|subscribe|sidebar|menu|navbar|footer|share", re.I)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "template")
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "dd", "dt", "figcaption")


@dataclass
class Snapshot:
    """What is worth keeping of one fetched page."""

    text: str
    kind: str = "article"  # article | pdf | video
    duration_s: int | None = None
    extractor: str = "trafilatura"
    truncated: bool = False

    @property
    def words(self) -> int:
        return count_words(self.text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # never kept: they can drive a terminal


def printable(text: str) -> str:
    """``text`` without control characters (escape sequences a page could send to the reader's terminal)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def bounded(text: str, limit: int = MAX_TEXT_CHARS) -> tuple[str, bool]:
    """``text`` cut to ``limit`` characters at the last paragraph break before it; whether it was cut."""
    text = printable(text).strip()
    if len(text) <= limit:
        return text, False
    cut = text.rfind("\n\n", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(), True


def video_duration(body: bytes) -> int | None:
    """Seconds, from the page's duration metadata (YouTube's ``itemprop=duration``, Open Graph, JSON-LD)."""
    head = body[:600_000]
    for pattern in _DURATION_PATTERNS:
        match = pattern.search(head)
        if match:
            seconds = parse_duration(match.group(1).decode("ascii", "replace"))
            if seconds:
                return seconds
    return None


def plain_text(body: bytes | str) -> str:
    """The fallback reading: block texts of ``<article>``, ``<main>`` or ``<body>``, chrome removed."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return ""
    for el in list(root.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if el.tag not in ("body", "main", "article") and _BOILERPLATE.search(marks):
            el.drop_tree()
    scope = root
    for tag in ("body", "main", "article"):  # the narrowest one the page has
        found = next(iter(root.iter(tag)), None)
        if found is not None:
            scope = found
    blocks = [" ".join(el.text_content().split()) for el in scope.iter(*_BLOCK_TAGS)]
    text = "\n\n".join(b for b in blocks if b)
    return text or " ".join(scope.text_content().split())


def html_text(body: bytes) -> tuple[str, str]:
    """``(markdown, extractor)`` for an HTML page."""
    text = ""
    try:
        import trafilatura

        text = trafilatura.extract(body, output_format="markdown", include_comments=False,
                                   include_tables=True, include_links=False, include_images=False) or ""
    except Exception:  # noqa: BLE001 - an odd page must never fail an add; fall back to the plain reading
        text = ""
    if text.strip():
        return text, "trafilatura"
    return plain_text(body), "plain"


def pdf_text(body: bytes) -> str:
    """The text of a PDF's pages (empty without pypdf, or for a truncated or scanned PDF)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return ""
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            page_text = page.extract_text() or ""
            parts.append(page_text.strip())
            size += len(page_text)
            if size > MAX_TEXT_CHARS:
                break
        return "\n\n".join(p for p in parts if p)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on damaged files; no text is the answer
        return ""


def extract_snapshot(body: bytes, content_type: str | None = None, url: str = "") -> Snapshot | None:
    """The snapshot of a fetched page, or None when there is nothing readable (an image, an empty page)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/pdf" or body.startswith(b"%PDF-"):
        text, cut = bounded(pdf_text(body))
        return Snapshot(text, kind="pdf", extractor="pypdf", truncated=cut) if text else None
    if media and media not in ("text/html", "application/xhtml+xml") and not media.startswith("text/"):
        return None
    if media.startswith("text/") and media != "text/html":
        text, cut = bounded(body.decode("utf-8", "replace"))
        return Snapshot(text, extractor="plain", truncated=cut) if text else None
    duration = video_duration(body)
    text, extractor = html_text(body)
    text, cut = bounded(text)
    if not text and not duration:
        return None
    return Snapshot(text, kind="video" if duration else "article", duration_s=duration, extractor=extractor,
                    truncated=cut)
