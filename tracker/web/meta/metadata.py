"""HTML -> metadata: title, authors, published date, site, description, kind, canonical URL, image, language.

Each field is read from the sources pages use, in the order that proves most reliable: structured data
(JSON-LD, Open Graph, Twitter cards, Highwire ``citation_*``, Dublin Core, microdata), then plain ``<meta>``
tags, then the visible page (``<title>``, ``<h1>``, bylines, ``<time>``). Site helpers in ``tracker.web.meta.sites``
correct what generic rules get wrong on sites our users read (arXiv, YouTube, GitHub, ...). The title rules live in
``tracker.web.meta.titles``, the author rules in ``tracker.web.meta.authors``; this module reads the other fields and puts
the page's metadata together.

The page is parsed once with lxml; every rule reads from that one tree.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tracker.urls import site_host
from tracker.web.meta import sites
from tracker.web.meta.authors import (
    AUTHOR_LINK_XPATH,
    BYLINE_XPATH,
    IN_COMMENTS,
    clean_author,
    page_authors,
    split_authors,
)
from tracker.web.meta.dates import date_from_url, first_date_in_text, parse_date
from tracker.web.meta.jsonld import MEDIA_TYPES, is_article, ld_names, ld_url, node_types
from tracker.web.meta.page import Page, microdata_value, parse_html
from tracker.web.meta.pagemeta import FIELDS, PageMetadata
from tracker.web.meta.text import absolute_url, clean_text
from tracker.web.meta.titles import (
    cut_author_segment,
    page_title,
    site_from_logo,
    site_from_title,
    strip_site_suffix,
)

# Other modules and tests read these from here: the extractor's public face.
__all__ = ["FIELDS", "PageMetadata", "clean_author", "extract_metadata", "split_authors", "strip_site_suffix"]

_PUBLISHED_META = (
    "article:published_time", "article:published", "og:published_time", "og:article:published_time",
    "citation_publication_date", "citation_date", "citation_online_date", "dc.date.issued", "dcterms.issued",
    "dc.date.created", "dcterms.created", "dc.date", "dcterms.date", "datepublished", "date", "pubdate",
    "publishdate", "publish-date", "publish_date", "published_time", "published-date", "article.published",
    "article_date_original", "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime", "date.created",
    "original-publish-date", "publication_date", "pub_date", "datecreated", "created", "release_date",
    "video:release_date", "uploaddate", "displaydate", "dc.date.available",
)
# Modified dates: only when nothing says when the page was first published.
_MODIFIED_META = ("og:updated_time", "article:modified_time", "dcterms.modified", "last-modified")


def _published(page: Page) -> str | None:
    entity = page.entity or {}
    for key in ("datePublished", "uploadDate", "dateCreated"):
        found = parse_date(entity.get(key))
        if found:
            return found
    for node in page.jsonld:
        if (is_article(node_types(node)) or node_types(node) & MEDIA_TYPES):
            for key in ("datePublished", "uploadDate", "dateCreated"):
                found = parse_date(node.get(key))
                if found:
                    return found
    for key in _PUBLISHED_META:
        for value in page.meta.get(key, ()):
            found = parse_date(value)
            if found:
                return found
    for prop in ("datePublished", "uploadDate", "dateCreated"):
        for value in page.itemprop_values(prop):
            found = parse_date(value)
            if found:
                return found
    found = date_from_url(page.url)
    if found:
        return found
    found = _visible_date(page) or _embedded_json_date(page.text)
    if found:
        return found
    match = _DATE_IN_DESCRIPTION.search(page.first_meta("og:description", "description") or "")
    if match:
        return parse_date(match.group(1))
    found = _date_near_byline(page) or _date_near_top(page)
    if found:
        return found
    for key in _MODIFIED_META:
        for value in page.meta.get(key, ()):
            found = parse_date(value)
            if found:
                return found
    return None


_DATE_ELEMENTS_XPATH = (
    "//time | //*[contains(@class, 'date') or contains(@class, 'time') or contains(@class, 'publish')"
    " or contains(@class, 'posted') or contains(@id, 'date') or contains(@id, 'publish') or contains(@class, 'datum')"
    " or contains(@class, 'Datum') or contains(@class, 'fecha')"
    " or contains(@class, 'Date') or contains(@class, 'Time')]"
)
_NOT_PUBLISHED = re.compile(r"update|modif|edit|comment|expir|event|archive|calendar", re.I)


_EMBEDDED_DATE = re.compile(
    r'"(?:datePublished|uploadDate|publishDate|publishedAt|published_at|firstPublishedAt|createTime|'
    r'date_published|publicationDate|pubDate)"\s*:\s*"?([0-9][0-9T:.+\-Z ]{7,30})'
)
# A social post's summary quotes it: "534 likes - jane on May 8, 2021: \"text\"" (or ends at the date).
_DATE_IN_DESCRIPTION = re.compile(r"\bon ([A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})(?::|$)")


def _date_near_top(page: Page) -> str | None:
    """A date in the first lines of the article's visible text, where pages print when they were published."""
    containers = page.root.xpath("//article | //main | //*[@role='main']") or page.root.xpath("//body")
    if not containers:
        return None
    pieces: list[str] = []
    size = 0
    for piece in containers[0].xpath(".//text()[not(ancestor::script or ancestor::style or ancestor::nav)]"):
        pieces.append(piece)
        size += len(piece)
        if size > 1500:
            break
    text = " ".join(pieces)[:1500]
    for match in _PUBLISHED_LABEL.finditer(text):  # "Updated: 5 April · Published: 3 March": the labelled one
        found = first_date_in_text(match.group(1))
        if found:
            return found
    return first_date_in_text(_UPDATE_PHRASE.sub(" ", text))


_PUBLISHED_LABEL = re.compile(
    r"\b(?:published|posted|first published|veröffentlicht|erschienen|publié|publicado|pubblicato)"
    r"(?:\s+(?:on|am|le|el|il))?\s*:?\s*(.{6,40})",
    re.I,
)


def _date_near_byline(page: Page) -> str | None:
    """A date in the short block that holds the byline ("by Jane Doe on June 29, 2017"), where pages print when
    the piece was published even when nothing else marks it."""
    for el in page.root.xpath(BYLINE_XPATH)[:20] + page.root.xpath(AUTHOR_LINK_XPATH)[:5]:
        if el.tag in ("meta", "link", "body", "html", "script", "style") or el.xpath(IN_COMMENTS):
            continue
        block, text = el, clean_text(" ".join(el.itertext())) or ""
        for _ in range(2):
            parent = block.getparent()
            if parent is None or parent.tag in ("body", "html", "main", "article", "section"):
                break
            wider = clean_text(" ".join(parent.itertext())) or ""
            if len(wider) > 300:
                break
            block, text = parent, wider
        if len(text) <= 300:
            found = first_date_in_text(_UPDATE_PHRASE.sub(" ", text))
            if found:
                return found
    return None


def _embedded_json_date(text: str) -> str | None:
    """A publication date in the page's inline application state (single-page apps keep it there)."""
    match = _EMBEDDED_DATE.search(text)
    return parse_date(match.group(1).strip()) if match else None


_UPDATE_LABEL = re.compile(
    r"(?:last\s+)?(?:updated?|modified|edited|revised|reviewed)(?:\s+on)?\s*:?\s*$"
    r"|(?:aktualisiert|geändert|zuletzt\s+bearbeitet|mis\s+à\s+jour|actualizado)(?:\s+am)?\s*:?\s*$",
    re.I,
)


# "Last update: January 9, 2024" in running text: the date after such words is not the publication date.
_UPDATE_PHRASE = re.compile(
    r"\b(?:last\s+(?:updated?|modified|edited)|updated|modified|edited|revised|aktualisiert|geändert|update(?=\s*:))"
    r"(?:\s+(?:on|am))?\s*:?\s*.{0,30}",
    re.I,
)


def _labelled_as_update(el) -> bool:
    """``Last update: <span class="date">...</span>``: the words just before the element say it is not the
    publication date."""
    before = el.getprevious().tail if el.getprevious() is not None else None
    if before is None and el.getparent() is not None:
        before = el.getparent().text
    return bool(before and _UPDATE_LABEL.search(before[-40:]))


def _visible_date(page: Page) -> str | None:
    """The first date a reader sees near the top: ``<time>`` and elements classed as dates."""
    for el in page.root.xpath(_DATE_ELEMENTS_XPATH)[:40]:
        if el.tag in ("html", "body", "script", "style", "meta", "link", "article", "main", "section"):
            continue
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _NOT_PUBLISHED.search(marker) or el.xpath(IN_COMMENTS) or _labelled_as_update(el):
            continue
        for value in (el.get("datetime"), el.get("content"), el.get("title") if el.tag == "abbr" else None):
            found = parse_date(value)
            if found:
                return found
        text = el.text_content()
        if len(text) <= 100:
            found = parse_date(text)
            if found:
                return found
    return None


def _site(page: Page) -> str | None:
    name = _site_name(page)
    if name:
        # "X (formerly Twitter)", "Example (Blog)": the name is what precedes the aside.
        name = re.sub(r"\s+\([^)]{1,40}\)$", "", name) or name
    return name


_PUBLISHING_HOUSE = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|plc|corp|corporation|publications|publishing|media group|holdings|company|verlag)\b", re.I
)


def _site_name(page: Page) -> str | None:
    entity = page.entity or {}
    found = page.first_meta("citation_publisher", "dc.publisher")
    if found and len(found) <= 80:
        return found
    publisher = entity.get("publisher")
    if publisher:
        names = ld_names(publisher, page.jsonld)
        # A publishing house ("Example Publications Inc.") owns many sites: the one the page shares itself
        # under (og:site_name) is the one people know it by.
        shared_as = page.first_meta("og:site_name")
        if names and not (shared_as and _PUBLISHING_HOUSE.search(names[0])):
            return names[0]
    found = page.first_meta("og:site_name")
    if found:
        return found
    for node in page.jsonld:
        if "website" in node_types(node) and isinstance(node.get("name"), str):
            return clean_text(node["name"])
    found = page.first_meta(
        "application-name", "al:ios:app_name", "al:android:app_name", "al:iphone:app_name", "al:ipad:app_name",
        "twitter:app:name:iphone", "citation_journal_title", "citation_publisher", "dc.publisher",
        "citation_conference_title", "publisher",
    )
    if found and len(found) <= 80:
        return found
    for el in page.itemprops.get("publisher", []):
        inner = el.xpath(".//*[@itemprop='name']")
        value = microdata_value(inner[0]) if inner else None
        if value and len(value) <= 80:
            return value
    return None


def _description(page: Page) -> str | None:
    entity = page.entity or {}
    found = page.first_meta("og:description", "twitter:description", "description")
    if found:
        return found
    found = clean_text(entity.get("description"))
    if found:
        return found
    found = page.first_meta("citation_abstract", "dc.description", "dcterms.abstract", "dcterms.description",
                            "abstract", "sailthru.description")
    if found:
        return found
    # No stated summary: the first real paragraph of the article, as a reader would see it.
    for el in page.root.xpath("//article//p | //main//p | //*[@itemprop='articleBody']//p | //body//p")[:30]:
        # A <noscript> block is the notice a browser without scripts sees ("JavaScript is disabled..."), not the page.
        if el.xpath("ancestor::header or ancestor::nav or ancestor::footer or ancestor::aside or ancestor::noscript"):
            continue
        text = clean_text(el.text_content(), 500)
        if text and len(text) >= 80:
            return text
    return None


def _canonical(page: Page) -> str | None:
    """og:url (the page's permanent id when shared, by the Open Graph spec), then ``<link rel=canonical>``: where
    the two disagree (a syndicated story's canonical points at the wire service, a versioned paper, a short id),
    both reference extractors and the page's own sharing use og:url."""
    for value in page.meta.get("og:url", []) + page.links.get("canonical", []) + page.meta.get("twitter:url", []):
        found = absolute_url(value, page.url)
        if found:
            return found
    entity = page.entity or {}
    main = entity.get("mainEntityOfPage")
    found = absolute_url(ld_url(main, page.jsonld) if main else None, page.url) if main else None
    return found or (page.url or None)


def _image(page: Page) -> str | None:
    for key in ("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"):
        for value in page.meta.get(key, []):
            found = absolute_url(value, page.url)
            if found:
                return found
    entity = page.entity or {}
    if entity.get("image"):
        found = absolute_url(ld_url(entity["image"], page.jsonld), page.url)
        if found:
            return found
    for value in page.links.get("image_src", []):
        found = absolute_url(value, page.url)
        if found:
            return found
    for value in page.itemprop_values("image"):
        found = absolute_url(value, page.url)
        if found:
            return found
    for el in page.root.xpath("//video[@poster] | //article//img[@src] | //main//img[@src]")[:10]:
        src = el.get("poster") or el.get("src") or ""
        if _DECORATION.search(src) or (el.get("width") or "99").isdigit() and int(el.get("width") or 99) < 64:
            continue
        found = absolute_url(src, page.url)
        if found:
            return found
    return None


_DECORATION = re.compile(r"^data:|logo|icon|avatar|sprite|pixel|spacer|blank|badge|emoji|\.svg(\?|$)", re.I)


def _lang(page: Page) -> str | None:
    value = page.root.get("lang") or page.root.get("xml:lang") or page.root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not value:
        value = page.first_meta("content-language", "language", "og:locale", "dc.language", "citation_language")
    if not value:
        entity = page.entity or {}
        value = entity.get("inLanguage") if isinstance(entity.get("inLanguage"), str) else None
    if not value:
        return None
    value = value.strip().replace("_", "-").split(",")[0].strip()
    return value.lower() if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", value) else None


# Documentation generators name themselves (Sphinx pages carry Docutils' generator tag).
_DOCS_GENERATOR = re.compile(
    r"^(?:docutils|sphinx|mkdocs|docusaurus|vuepress|vitepress|gitbook|docsify|antora|jsdoc|typedoc|pdoc|doxygen)\b", re.I
)
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "twitch.tv", "ted.com")
_DOCS_HINT = re.compile(r"(^|\.)(docs|documentation|developer|developers|readthedocs)\.|readthedocs\.io$|\.readthedocs\.")


def _kind(page: Page, meta: PageMetadata) -> str:
    og_type = (page.first_meta("og:type") or "").lower()
    types = node_types(page.entity or {})
    host = site_host(page.url)
    path = urlsplit(page.url).path.lower()
    if og_type.startswith("video") or types & {"videoobject", "movie", "tvepisode"} or host.endswith(_VIDEO_HOSTS):
        return "video"
    if types & {"podcastepisode", "audioobject"} or og_type.startswith(("music", "audio")):
        return "audio"
    if page.meta.get("citation_title") or types & {"scholarlyarticle", "medicalscholarlyarticle"}:
        return "paper"
    if og_type == "book" or types & {"book"}:
        return "book"
    if types & {"course"}:
        return "course"
    if types & {"softwaresourcecode"}:
        return "repo"
    generator = page.first_meta("generator") or ""
    if (_DOCS_HINT.search(host) or path.startswith(("/docs/", "/doc/", "/documentation/")) or types & {"techarticle"}
            or _DOCS_GENERATOR.match(generator)):
        return "docs"
    if og_type == "article" or is_article(types) or (meta.published and meta.authors):
        return "article"
    return "page"


def extract_metadata(data: str | bytes, url: str = "", content_type: str | None = None) -> PageMetadata:
    """Everything the page at ``url`` says about itself; empty fields where it says nothing.

    ``data`` is the page as bytes (charset found from ``content_type``, the page, or detection) or text.
    """
    root, text = parse_html(data, content_type)
    meta = PageMetadata(url=url)
    if root is None:
        sites.apply_url_knowledge(meta)
        return meta
    page = Page(root, url, text)
    site = _site(page)
    meta.site = site
    meta.authors = page_authors(page, site)
    title = page_title(page, site or site_from_title(page))
    meta.title = cut_author_segment(title, meta.authors) if title else None
    meta.published = _published(page)
    meta.description = _description(page)
    meta.canonical_url = _canonical(page)
    meta.image = _image(page)
    meta.lang = _lang(page)
    if not meta.site:
        meta.site = site_from_title(page) or site_from_logo(page) or (site_host(url) or None)
    meta.kind = _kind(page, meta)
    sites.apply_site_rules(meta, page)
    return meta
