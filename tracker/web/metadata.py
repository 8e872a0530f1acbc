"""HTML -> metadata: title, authors, published date, site, description, kind, canonical URL, image, language.

Each field is read from the sources pages use, in the order that proves most reliable: structured data
(JSON-LD, Open Graph, Twitter cards, Highwire ``citation_*``, Dublin Core, microdata), then plain ``<meta>``
tags, then the visible page (``<title>``, ``<h1>``, bylines, ``<time>``). Site helpers in ``tracker.web.sites``
correct what generic rules get wrong on sites our users read (arXiv, YouTube, GitHub, ...).

The page is parsed once with lxml; every rule reads from that one tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from tracker.urls import site_host
from tracker.web.dates import date_from_url, first_date_in_text, parse_date
from tracker.web.jsonld import (
    MEDIA_TYPES,
    is_article,
    ld_names,
    ld_url,
    node_types,
    resolve_id,
)
from tracker.web.page import Page, microdata_value, parse_html
from tracker.web.text import absolute_url, clean_text

FIELDS = ("title", "authors", "published", "site", "description", "kind", "canonical_url", "image", "lang")


@dataclass
class PageMetadata:
    """What a page says about itself; None / [] where it says nothing usable."""

    url: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    site: str | None = None
    description: str | None = None
    kind: str | None = None
    canonical_url: str | None = None
    image: str | None = None
    lang: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def fill_from(self, other: PageMetadata) -> None:
        """Take ``other``'s values for the fields this one lacks."""
        for name in FIELDS:
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))


# ----------------------------------------------------------------------------------------------- the rules
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af"
# Between words: " | ", " - ", " :: " ...; full-width and CJK bars with or without spaces; and between two CJK
# characters a bare hyphen or underscore ("标题-新华网", "标题_科技频道_环球网"), which CJK titles use with no spaces.
_TITLE_SEPARATORS = re.compile(
    rf"\s+(?:\||-|–|—|::|·|•|»|«|/|:|¦|~)\s+|\s*[｜丨︱]\s*|(?<=[{_CJK}])\s*[-_－—]\s*(?=[{_CJK}])"
)
# A CJK site or channel name: a few Han characters ending in "net", "site", "paper", "news", "channel"...
_CJK_SITE = re.compile(r"[\u3400-\u9fff]{1,12}(?:网|網|站|报|報|新闻|新聞|频道|頻道|在线|在線|官网|官網)")
_POWERED_BY = re.compile(r"\bpowered by\b", re.I)


def _squash(text: str) -> str:
    """Letters and digits only, case-folded: in every script ("新华网" stays itself, it is not emptied)."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _site_like(
    segment: str, site: str | None, host: str, loose: bool = True, partial: bool = True,
    known: frozenset[str] = frozenset(),
) -> bool:
    """Does ``segment`` name the site? ``loose``: judge by the host name too; ``partial``: prefixes count
    ("NDR" for "NDR.de", "Mac Rumors Forums" for macrumors.com); ``known``: names the page gives itself
    elsewhere (squashed: see ``site_names_on_page``)."""
    squashed = _squash(segment)
    if not squashed or squashed in known:
        return True
    if site and (squashed == _squash(site) or (partial and len(squashed) >= 3 and _squash(site).startswith(squashed))):
        return True
    if _POWERED_BY.search(segment):  # "Fandom powered by Wikia": a platform's credit line
        return True
    if not loose:
        return False
    if _DOCS_SEGMENT.search(segment) or _CJK_SITE.fullmatch(segment.strip()):
        return True
    labels = [label for label in host.split(".") if len(label) > 3 and label not in ("blog", "news", "docs")]
    return squashed == _squash(host) or any(
        squashed == label or (partial and squashed.startswith(label)) for label in labels
    )


_BY_SEGMENT = re.compile(r"^by\s+", re.I)
# "Quickstart — httpx 0.27 documentation", "Install - MyLib Docs": documentation sites name themselves last.
_DOCS_SEGMENT = re.compile(r"\b(?:documentation|docs|manual|handbook|user guide|api reference)$", re.I)


def strip_site_suffix(
    title: str, site: str | None, host: str, loose: bool = True, known: frozenset[str] = frozenset()
) -> str:
    """``"Post title | Site Name"`` -> ``"Post title"``: drop leading/trailing segments that name the site.

    ``loose`` also drops segments that look like the host name (for ``<title>``, which nearly always carries
    the site); structured titles (``og:title``) lose only a segment naming the site exactly, or a "by Author".
    """
    on_site = re.match(r"^(.{8,}?)\s+on\s+(.{2,40})$", title)
    if on_site and site and _squash(on_site.group(2)) == _squash(site):
        title = on_site.group(1)
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)
    while len(parts) > 1 and (_site_like(parts[-1], site, host, loose, known=known) or _BY_SEGMENT.match(parts[-1])):
        parts.pop()
        seps.pop()
    # A leading segment must name the site exactly: "Python tips - 10 tricks" on python.org keeps its start.
    while len(parts) > 1 and _site_like(parts[0], site, host, loose, partial=False, known=known):
        parts.pop(0)
        seps.pop(0)
    rebuilt = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        rebuilt += sep + part
    return rebuilt.strip() or title


def _title_tag(page: Page) -> str | None:
    title_el = page.root.find(".//title")
    if title_el is None:
        title_el = next(page.root.iter("title"), None)
    return clean_text(title_el.text_content()) if title_el is not None else None


_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*([^.|,©\n]{2,40})", re.I)
_COMPANY_TAIL = re.compile(r"\s*,?\s*\b(?:inc|ltd|llc|gmbh|ag|plc|corp|all rights reserved)\b.*$", re.I)
_HOME_LINKS_XPATH = (
    "//header//a[@href] | //nav//a[@href] | //a[@href][contains(@class, 'logo') or contains(@class, 'brand')"
    " or contains(@class, 'site-title') or contains(@class, 'navbar-brand')]"
)


def site_names_on_page(page: Page) -> frozenset[str]:
    """The names a page gives its site besides the title (squashed, see ``_squash``): Open Graph and app names,
    JSON-LD WebSite/Organization names, the text or logo ``alt`` of header links to the home page, and the
    copyright line. A title segment equal to one of them names the site, whatever the host is called."""
    names = [page.first_meta("og:site_name"), page.first_meta("application-name"),
             page.first_meta("apple-mobile-web-app-title"), (page.first_meta("twitter:site") or "").lstrip("@")]
    for node in page.jsonld:
        if node_types(node) & {"website", "organization", "newsmediaorganization"} and isinstance(node.get("name"), str):
            names.append(node["name"])
    for link in page.root.xpath(_HOME_LINKS_XPATH)[:40]:
        if _links_home(link.get("href")):
            names.append(clean_text(link.text_content(), 80))
            names += [img.get("alt") for img in link.iter("img")]
    for footer in page.root.xpath("//footer")[:2]:
        for match in _COPYRIGHT.finditer(" ".join(footer.itertext())[:3000]):
            names.append(_COMPANY_TAIL.sub("", match.group(1)))
    return frozenset(squashed for name in names if name and 2 <= len(squashed := _squash(name)) <= 60)


_SITE_HEADING = re.compile(r"site|logo|brand|blog-?title|blog-?name|masthead", re.I)


def _names_the_blog(h1) -> bool:
    """An ``<h1>`` that holds the site's name: classed so, linking home, or in the page header outside the article."""
    marker = f"{h1.get('class') or ''} {h1.get('id') or ''}"
    if _SITE_HEADING.search(marker):
        return True
    if any(_links_home(a.get("href")) for a in h1.iter("a")):
        return True
    return bool(h1.xpath("ancestor::header[not(ancestor::article)] and not(ancestor::article)"))


def _links_home(href: str | None) -> bool:
    parts = urlsplit((href or "").strip())
    if not href or parts.query or parts.fragment:
        return False
    return parts.path in ("/", "./", ".", "/index.html", "index.html") or (bool(parts.netloc) and parts.path in ("", "/"))


def _headline_in_title(page: Page, tag_title: str, site: str | None, host: str) -> str | None:
    """``<title>Headline | Any Blog Name</title>`` with ``<h1>Headline</h1>``: the page's own headline, whatever
    the trailing segments say (a blog's name need not look like its domain). A title that ends with the
    headline ("Blog name - Headline") is left to the site-name rules: there the blog's name is often meant."""
    for h1 in list(page.root.iter("h1"))[:3]:
        headline = clean_text(h1.text_content(), 500)
        # Many themes put the blog's name in an <h1> too ("Blog | Post"): that is no headline.
        if not headline or len(headline) < 4 or len(headline) >= len(tag_title) or _site_like(
            headline, site, host, partial=False
        ) or _names_the_blog(h1):
            continue
        if tag_title.startswith(headline) and _TITLE_SEPARATORS.match(tag_title[len(headline):]):
            return headline
    return None


def _strip_leading_site(title: str, site: str | None) -> str:
    """``"Frontiers | Using Bayes..."`` -> ``"Using Bayes..."``: a headline never starts with the site's name."""
    parts = _TITLE_SEPARATORS.split(title, maxsplit=1)
    if len(parts) == 2 and site and _squash(parts[0]) == _squash(site) and len(parts[1]) > 10:
        return parts[1]
    return title


def cut_author_segment(title: str, authors: list[str]) -> str:
    """``"Post | by Jane Doe | Publication"`` -> ``"Post"`` (Medium and Substack titles name the author)."""
    if not authors:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    seps = _TITLE_SEPARATORS.findall(title)
    names = {a.casefold() for a in authors}
    for index, part in enumerate(parts[1:], start=1):
        if _BY_SEGMENT.match(part) and _BY_SEGMENT.sub("", part).strip().casefold() in names:
            rebuilt = parts[0]
            for sep, kept in zip(seps[: index - 1], parts[1:index], strict=False):
                rebuilt += sep + kept
            return rebuilt.strip()
    return title


def _title(page: Page, site: str | None) -> str | None:
    """Social and structured titles as written; the ``<title>`` with the site's name dropped."""
    host = site_host(page.url)
    entity = page.entity or {}
    headline = entity.get("headline") if isinstance(entity.get("headline"), (str, list)) else None
    candidates = [
        page.first_meta("og:title"),
        page.first_meta("twitter:title"),
        clean_text(headline),
        page.first_meta("citation_title", "dc.title", "dcterms.title", "parsely-title", "sailthru.title"),
        next(page.itemprop_values("headline"), None),
    ]
    tag_title = _title_tag(page)
    for candidate in candidates:
        if candidate:
            # A broken attribute quote cuts a title short; the <title> then has the whole of it.
            cut = candidate.rstrip(' "“')
            if tag_title and len(tag_title) > len(candidate) and tag_title.startswith(cut):
                rest = tag_title[len(cut):]
                if not _TITLE_SEPARATORS.match(rest) and not rest.lstrip().startswith(("|", "-", "–", "—", "·", "•")):
                    return strip_site_suffix(tag_title, site, host)
            # Shared titles (og:title...) are kept as the site wrote them, suffix and all: that is the title
            # people see when the link is shared.
            return _strip_leading_site(candidate, site)
    if tag_title:
        known = site_names_on_page(page)
        return _headline_in_title(page, tag_title, site, host) or strip_site_suffix(tag_title, site, host, known=known)
    for h1 in page.root.iter("h1"):
        text = clean_text(h1.text_content(), 500)
        if text:
            return text
    return None


# "de", "di", "door" only in lower case: "De Vries" and "Di Maio" are names.
_BY_PREFIX = re.compile(
    r"^(?:(?i:written\s+|posted\s+|published\s+)?(?:(?i:by|von|par|por)|di|door|de)\s*[:\-]?\s+|(?i:author|autor|auteur)(?:s|in|/in|\(s\)|es)?\s*:\s*)"
)
_NOT_A_NAME = re.compile(r"https?://|www\.|@.*\.|\d{3,}|\d:\d\d|[<>{}]|^(?:admin|staff|editor|author|anonymous|unknown)$", re.I)


_ROLE_NOUNS = (
    r"(?:writer|reporter|editor|correspondent|columnist|contributor|producer|journalist|analyst|photographer"
    r"|critic|blogger|intern|author|redakteur|redakteurin|rédacteur|rédactrice|redactor|redactora|journaliste"
    r"|periodista|giornalista|korrespondent|korrespondentin|correspondant|correspondante|reporterin|autorin)s?"
)
_ROLE_ADJECTIVES = (
    r"(?:senior|staff|contributing|associate|managing|executive|chief|deputy|special|guest|freelance|political"
    r"|science|technology|tech|business|investigative|national|foreign|sports|features?|news|digital|assistant"
    r"|global|health|data|video|audio|copy|lead|principal)"
)
# "Howard Blume Staff Writer", "Jane Doe, Senior Editor at Example": the job, not the name.
# After a comma or bar any job counts; after a plain space only a qualified one ("Jane Q. Writer" is a name).
_ROLE_TAIL = re.compile(
    rf"(?:\s*[,|·–—]\s*(?:{_ROLE_ADJECTIVES}\s+)*|\s+(?:{_ROLE_ADJECTIVES}\s+)+){_ROLE_NOUNS}"
    r"(?:\s+(?:at|for|of)\s+.*)?$",
    re.I,
)
# A part of a byline that is a job title: it and what follows it (the employer) are no names.
_ROLE_PART = re.compile(
    rf"^(?:(?:{_ROLE_ADJECTIVES}|senior|vice|executive|general)\s+)*(?:{_ROLE_NOUNS}|president|ceo|cto|cfo|coo"
    r"|founder|co-founder|cofounder|director|manager|vp|svp|evp|chair(?:man|woman|person)?|professor|engineer"
    r"|scientist|researcher|head(?:\s+of\s+.*)?|chief\s+.*\s+officer|partner|fellow)\b.*$",
    re.I,
)


# "김민준 기자", "山田記者": the reporter's title after the name, with or without a space.
_CJK_ROLE = re.compile(r"\s*(?:기자|특파원|記者|记者|特派員|特派员|編集部|编辑)$")


def _is_role(text: str) -> bool:
    return bool(_ROLE_PART.match(text.strip()))


def clean_author(value: str) -> str | None:
    text = clean_text(value, 300)
    if not text:
        return None
    text = _BY_PREFIX.sub("", text).strip(" ,;|·-–—:")
    text = _CJK_ROLE.sub("", text) or text
    without_role = _ROLE_TAIL.sub("", text)
    if without_role != text and len(without_role.split()) >= 2:  # "Ed Editor" keeps its surname
        text = without_role.strip(" ,;|·-–—:")
    if _is_role(text) and len(text.split()) <= 4 and not _ROLE_TAIL.sub("", text).strip():
        return None  # only a job title ("Staff Writer")
    text = re.sub(r"\s*\([^)]{0,30}\)$", "", text)
    if "," in text and text.count(",") == 1:
        last, first = (p.strip() for p in text.split(",", 1))
        # "Last, First" (Highwire and library style): flip it.
        if last and first and len(last.split()) <= 3 and len(first.split()) <= 3 and not first.lower().startswith(
            ("and ", "inc", "ltd", "llc", "jr", "sr")
        ):
            text = f"{first} {last}"
    if not text or len(text) > 80 or _NOT_A_NAME.search(text) or text.startswith("@"):
        return None
    if len(text.split()) > 7:
        return None
    return text


def _unique(names: Iterable[str | None]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


_SPLIT_AUTHORS = re.compile(r"\s*(?:;|\||&|\band\b|\bund\b|\bet\b|\by\b)\s*|\s*,\s*(?=\S+\s+\S)")


def _two_full_names(text: str) -> bool:
    """``"Mei Chen, Oskar Lind"``: both sides of the one comma have two words or more, so not "Last, First"."""
    if re.search(r"\d", text):
        return False
    left, right = (side.split() for side in _BY_PREFIX.sub("", text.strip()).split(",", 1))
    return 2 <= len(left) <= 4 and 2 <= len(right) <= 4


def split_authors(text: str) -> list[str]:
    """``"A, B and C"`` -> ``["A", "B", "C"]``; a single ``"Last, First"`` stays one name."""
    if text.count(",") == 1 and not re.search(r"\band\b|&|;", text) and not _two_full_names(text):
        one = clean_author(text)
        return [one] if one else []
    names: list[str | None] = []
    for part in _SPLIT_AUTHORS.split(text):
        if not part or not part.strip():
            continue
        if names and _is_role(part):  # "Brian Stevens, Vice President, Example Cloud": the rest is his job
            break
        names.append(clean_author(part))
    return _unique(names)


_BYLINE_XPATH = (
    "//*[@rel='author' or contains(@class, 'author') or contains(@class, 'byline') or contains(@class, 'Author')"
    " or contains(@class, 'Byline') or contains(@id, 'author') or contains(@id, 'byline') or contains(@class, 'autor')"
    " or contains(@class, 'Autor') or contains(@class, 'auteur')"
    " or (contains(@class, 'vcard') and .//*[contains(@class, 'fn')])]"
)
# Readers' comments and page footers name other people and other dates.
_IN_COMMENTS = (
    "ancestor::footer or ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' comment ')"
    " or contains(@class, 'comment-body') or contains(@class, 'comment-content') or contains(@class, 'commentlist')"
    " or contains(@class, 'comment-list') or contains(@class, 'comments-area') or @id='comments'"
    " or contains(@class, 'comment-form')]"
)
_BYLINE_SKIP = re.compile(r"bio|avatar|image|img|photo|pic|desc|about|social|follow|more|list|comment|date|time", re.I)
_SOCIAL_TITLE = re.compile(
    r"^(.{2,60}?)\s+(?:\(@[\w.]{1,40}\)\s*)?(?:on|•|·|\|)\s+(?:X|Twitter|Instagram|TikTok|Threads|Bluesky|Mastodon|Facebook)\b"
    r"|^(.{2,60}?)\s+\(@[\w.]{1,40}\)"
)


def _names_from_ld(value, nodes: list[dict]) -> tuple[list[str], bool]:
    """Names of a JSON-LD author value, and whether they are all organisations (a weaker signal)."""
    items = value if isinstance(value, list) else [value]
    resolved = [resolve_id(nodes, item) for item in items]
    orgs = all(isinstance(item, dict) and node_types(item) & {"organization", "newsmediaorganization"}
               for item in resolved)
    return _unique(clean_author(n) for n in ld_names(value, nodes)), orgs


def _byline_names(page: Page) -> list[str]:
    for el in page.root.xpath(_BYLINE_XPATH)[:60]:
        if el.tag in ("meta", "link", "body", "html", "script", "style", "img", "article", "section", "main"):
            continue
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if el.get("rel") != "author" and _BYLINE_SKIP.search(marker):
            continue
        if el.xpath(_IN_COMMENTS):
            continue
        inner = el.xpath(
            ".//*[contains(@class, 'fn') or contains(@class, 'name') or contains(@class, 'Name') or @rel='author']"
        )
        text = " ".join((inner[0] if inner else el).itertext())
        if len(text) > 120:
            continue
        names = split_authors(text)
        if names and len(names) <= 4:
            return names
    return []


_BY_WORDS = ("By", "by", "BY", "Von", "von", "Par", "par", "Por", "por", "Written", "By:", "Von:", "Author:", "Autor:",
             "Autorin:", "Autor/in:", "Auteur:", "Author", "Autor")
# Text nodes whose first word is "By" (alone, with the name in a following link, or followed by the name):
# one normalize-space per node keeps this cheap on large pages.
_BY_LINE_XPATH = (
    "//body//text()[contains('|{}|', concat('|', substring-before(concat(normalize-space(.), ' '), ' '), '|'))]"
).format("|".join(_BY_WORDS))
_BY_LINE = re.compile(
    r"^(?:(?:written\s+)?(?:by|von|par|por)|author|autor(?:in|/in)?|auteur)\s*:?\s+(\w[\w.'’-]*(?:\s+\w[\w.'’-]*){1,3})\s*$",
    re.I,
)


def _by_line_text(page: Page) -> list[str]:
    """A short unclassed "By Jane Doe" / "Von Max Muster" line (the name may sit in a link after "By")."""
    for node in page.root.xpath(_BY_LINE_XPATH)[:30]:
        parent = node.getparent()
        if parent is None or parent.tag in ("script", "style", "title", "option", "button") or parent.xpath(_IN_COMMENTS):
            continue
        text = clean_text(" ".join(parent.itertext()), 200) or ""
        match = _BY_LINE.match(text)
        if match and match.group(1)[0].isupper():
            names = split_authors(match.group(1))
            if names:
                return names
    return []


_HREF = "translate(@href, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_AUTHOR_LINK_XPATH = (
    f"//body//a[contains({_HREF}, '/author/') or contains({_HREF}, '/authors/') or contains({_HREF}, '/autor/')"
    f" or contains({_HREF}, '/autoren/') or contains({_HREF}, '/auteur/')]"
)


def _author_page_link(page: Page) -> list[str]:
    """The text of the first link to an author page (``/author/jane-doe/``), as blogs and news sites make them."""
    for link in page.root.xpath(_AUTHOR_LINK_XPATH)[:5]:
        if link.xpath(_IN_COMMENTS):
            continue
        names = split_authors(" ".join(link.itertext()))
        words = names[0].split() if len(names) == 1 else []
        if len(words) >= 2 and words[0][0].isupper() and words[-1][0].isupper():
            return names
    return []


_AUTHOR_LABEL = re.compile(r"^(?:written by|author|authors|by|autor|autorin|von|auteur|par)$", re.I)


def _labelled_author(page: Page) -> list[str]:
    """Slack-style unfurl labels (``twitter:label1`` "Written by", ``twitter:data1`` the name), as Ghost,
    Yoast and Medium emit them."""
    for number in range(1, 5):
        label = page.first_meta(f"twitter:label{number}") or ""
        if _AUTHOR_LABEL.match(label.strip(" :")):
            return split_authors(page.first_meta(f"twitter:data{number}") or "")
    return []


def _names_the_site(names: list[str], site: str | None, host: str) -> bool:
    """Every name is the site's: its name, or its domain as one word ("NDR" on ndr.de; "Simon Sarris" on
    simonsarris.example is a person with a personal domain)."""
    labels = {_squash(label) for label in host.split(".")[:-1] if len(label) >= 2} | {_squash(host)}
    return all(
        _squash(name) and (_site_like(name, site, host, loose=False) or (" " not in name and _squash(name) in labels))
        for name in names
    )


_PHOTO_TYPES = {"imageobject", "mediaobject", "photograph"}


def _author_sources(page: Page) -> Iterator[tuple[list[str], bool]]:
    """Candidate author lists in priority order, each with whether it names organisations only."""
    entity = page.entity or {}
    # A photo's author is its photographer ("Photograph by ..."), not the page's author.
    if entity.get("author") and not node_types(entity) & _PHOTO_TYPES:
        yield _names_from_ld(entity["author"], page.jsonld)
    cited = page.all_meta("citation_author") or page.all_meta("dc.creator") or page.all_meta("dcterms.creator")
    if cited:
        yield _unique(clean_author(n) for n in cited), False
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "byl", "dc.contributor",
                "twitter:creator:name", "book:author"):
        for value in page.all_meta(key):
            yield split_authors(value), False
    yield _labelled_author(page), False
    for node in page.jsonld:
        types = node_types(node)
        if node is entity or not node.get("author") or types & _PHOTO_TYPES:
            continue
        if is_article(types) or types & MEDIA_TYPES:
            yield _names_from_ld(node["author"], page.jsonld)
    for el in page.itemprops.get("author", []) + page.itemprops.get("creator", []):
        if el.get("itemscope") is not None:
            inner = el.xpath(".//*[@itemprop='name']")
            value = microdata_value(inner[0]) if inner else None
        else:
            value = microdata_value(el)
        if value:
            yield split_authors(value), False
    yield _byline_names(page), False
    yield _by_line_text(page), False
    yield _author_page_link(page), False


# Companies and newsrooms that pages put where a person's name belongs ("Example Zeitung GmbH", "Metro TV News",
# "The Editors"): a last resort, like the site.
_ORGANISATION = re.compile(
    r"\b(?:gmbh|ag|inc|ltd|llc|plc|corp|corporation|verlag|verlagsgruppe|zeitung|publishing|media|news|magazine"
    r"|press|network|newsroom|team|editors|editorial|desk|studios?|agency|wire|publications?|group|channel"
    r"|radio|tv|television|broadcasting|company|foundation|institute|university|redaktion|rédaction)\b\.?$",
    re.I,
)
_ORGANISATION_TYPES = {"organization", "newsmediaorganization", "corporation", "organisation", "educationalorganization",
                       "governmentorganization", "ngo", "onlinebusiness", "localbusiness"}


def _organisation_names(page: Page) -> frozenset[str]:
    """Squashed names of the organisations the page's JSON-LD describes (its publisher, its owner...)."""
    names: list[str] = []
    for node in page.jsonld:
        if node_types(node) & _ORGANISATION_TYPES:
            names += ld_names(node, page.jsonld)
        for key in ("publisher", "sourceOrganization", "copyrightHolder"):
            value = node.get(key)
            if value:
                names += ld_names(value, page.jsonld)
    return frozenset(_squash(name) for name in names if _squash(name))


def _names_an_organisation(name: str, organisations: frozenset[str] = frozenset()) -> bool:
    return bool(_ORGANISATION.search(name)) or _squash(name) in organisations


def _without_site_prefix(names: list[str], site_names: frozenset[str]) -> list[str]:
    """``"TIME John Patrick Pullen"`` -> ``"John Patrick Pullen"``: a byline that begins with the site's name (its
    logo's text) before a full name."""
    out = []
    for name in names:
        words = name.split()
        for count in (1, 2, 3):
            if len(words) - count >= 2 and _squash(" ".join(words[:count])) in site_names:
                name = " ".join(words[count:])
                break
        out.append(name)
    return out


def _authors(page: Page, site: str | None) -> list[str]:
    """Authors from the first source that names people; organisations (or the site itself) only as a last resort."""
    host = site_host(page.url)
    fallback: list[str] = []
    organisations = _organisation_names(page)
    site_names = site_names_on_page(page) | ({_squash(site)} if site else set())
    for found, organisations_only in _author_sources(page):
        names = _without_site_prefix(found, site_names)
        if not names:
            continue
        if (not organisations_only and not _names_the_site(names, site, host)
                and not all(_names_an_organisation(name, organisations) for name in names)):
            return names
        fallback = fallback or names
    if fallback:
        return fallback
    title = page.first_meta("og:title", "twitter:title") or _title_tag(page)
    match = _SOCIAL_TITLE.match(title or "")
    if match:
        name = clean_author(match.group(1) or match.group(2))
        return [name] if name else []
    return []


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
    return first_date_in_text(_UPDATE_PHRASE.sub(" ", " ".join(pieces)[:1500]))


def _date_near_byline(page: Page) -> str | None:
    """A date in the short block that holds the byline ("by Jane Doe on June 29, 2017"), where pages print when
    the piece was published even when nothing else marks it."""
    for el in page.root.xpath(_BYLINE_XPATH)[:20] + page.root.xpath(_AUTHOR_LINK_XPATH)[:5]:
        if el.tag in ("meta", "link", "body", "html", "script", "style") or el.xpath(_IN_COMMENTS):
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
        if _NOT_PUBLISHED.search(marker) or el.xpath(_IN_COMMENTS) or _labelled_as_update(el):
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


def _site_from_title(page: Page) -> str | None:
    """The ``Site`` in ``<title>Post | Site</title>`` when the segment looks like the host."""
    title_el = page.root.find(".//title")
    if title_el is None:
        return None
    text = clean_text(title_el.text_content()) or ""
    parts = _TITLE_SEPARATORS.split(text)
    if len(parts) < 2:
        return None
    host = site_host(page.url)
    # A trailing segment may name the site in part ("Mac Rumors Forums"); a leading one must name it whole.
    for segment, partial in ((parts[-1], True), (parts[0], False)):
        if _site_like(segment, None, host, partial=partial) and _squash(segment):
            return segment.strip()
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
        if el.xpath("ancestor::header or ancestor::nav or ancestor::footer or ancestor::aside"):
            continue
        text = clean_text(el.text_content(), 500)
        if text and len(text) >= 80:
            return text
    return None


def _canonical(page: Page) -> str | None:
    for value in page.links.get("canonical", []):
        found = absolute_url(value, page.url)
        if found:
            return found
    for value in page.meta.get("og:url", []) + page.meta.get("twitter:url", []):
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
    from tracker.web import sites

    root, text = parse_html(data, content_type)
    meta = PageMetadata(url=url)
    if root is None:
        sites.apply_url_knowledge(meta)
        return meta
    page = Page(root, url, text)
    site = _site(page)
    meta.site = site
    meta.authors = _authors(page, site)
    title = _title(page, site or _site_from_title(page))
    meta.title = cut_author_segment(title, meta.authors) if title else None
    meta.published = _published(page)
    meta.description = _description(page)
    meta.canonical_url = _canonical(page)
    meta.image = _image(page)
    meta.lang = _lang(page)
    if not meta.site:
        meta.site = _site_from_title(page) or (site_host(url) or None)
    meta.kind = _kind(page, meta)
    sites.apply_site_rules(meta, page)
    return meta
