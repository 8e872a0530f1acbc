"""The title rules: the shared title as written, or the ``<title>`` with the site's name taken off.

A segment names the site when it matches the site name (og:site_name, publisher), the host, a name the page gives
its site elsewhere (header home link, logo, copyright line, app names), a platform credit ("powered by"), a
documentation suffix or a CJK site/channel name; separators include full-width and CJK ones.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tracker.urls import site_host
from tracker.web.meta.jsonld import node_types
from tracker.web.meta.page import Page
from tracker.web.meta.text import clean_text

_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af"
# Between words: " | ", " - ", " :: " ...; full-width and CJK bars with or without spaces; and between two CJK
# characters a bare hyphen or underscore ("标题-新华网", "标题_科技频道_环球网"), which CJK titles use with no spaces.
TITLE_SEPARATORS = re.compile(
    rf"\s+(?:\||-|–|—|::|·|•|»|«|/|:|¦|~)\s+|\s*[｜丨︱]\s*|(?<=[{_CJK}])\s*[-_－—]\s*(?=[{_CJK}])"
)
# A CJK site or channel name: a few Han characters ending in "net", "site", "paper", "news", "channel"...
_CJK_SITE = re.compile(r"[\u3400-\u9fff]{1,12}(?:网|網|站|报|報|新闻|新聞|频道|頻道|在线|在線|官网|官網)")
_POWERED_BY = re.compile(r"\bpowered by\b", re.I)


def squash(text: str) -> str:
    """Letters and digits only, case-folded: in every script ("新华网" stays itself, it is not emptied)."""
    return re.sub(r"[\W_]+", "", text.casefold())


def site_like(
    segment: str, site: str | None, host: str, loose: bool = True, partial: bool = True,
    known: frozenset[str] = frozenset(),
) -> bool:
    """Does ``segment`` name the site? ``loose``: judge by the host name too; ``partial``: prefixes count
    ("NDR" for "NDR.de", "Mac Rumors Forums" for macrumors.com); ``known``: names the page gives itself
    elsewhere (squashed: see ``site_names_on_page``)."""
    squashed = squash(segment)
    if not squashed or squashed in known:
        return True
    if site and (squashed == squash(site) or (partial and len(squashed) >= 3 and squash(site).startswith(squashed))):
        return True
    if _POWERED_BY.search(segment):  # "Fandom powered by Wikia": a platform's credit line
        return True
    if not loose:
        return False
    if _DOCS_SEGMENT.search(segment) or _CJK_SITE.fullmatch(segment.strip()):
        return True
    words = [squash(word) for word in segment.split()]
    if len(words) >= 2 and set(words) <= set(host.split(".")[:-1]):
        return True  # "UOL Entretenimento" on entretenimento.uol.com.br, "Yahoo Finance" on finance.yahoo.com
    labels = [label for label in host.split(".") if len(label) > 3 and label not in ("blog", "news", "docs")]
    # Partial: the segment starts with a host label ("Mac Rumors Forums" on macrumors.com), or a long label
    # starts with the segment ("Blister" on blisterreview.com).
    return squashed == squash(host) or any(
        squashed == label
        or (partial and (squashed.startswith(label) or (len(squashed) >= 5 and label.startswith(squashed))))
        for label in labels
    )


def _has_host_word(segment: str, host: str) -> bool:
    """A short trailing segment with the host's own name as one of its words: "ガジェット通信 GetNews" on
    getnews.jp, "Ski Reviews by Blister" on blister.example."""
    words = segment.split()
    labels = {label for label in host.split(".")[:-1] if len(label) >= 4 and label not in ("blog", "news", "docs", "www")}
    return len(words) <= 4 and any(squash(word) in labels for word in words[1:] + words[:1])


_BY_SEGMENT = re.compile(r"^by\s+", re.I)
# "Headline - 27/05/2019 - Site": a news site's <title> may carry the day; a date alone is no part of a headline.
_DATE_SEGMENT = re.compile(
    r"\s*(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2})(?:\s+\d{1,2}[:h]\d{2})?\s*"
)
# "Quickstart — httpx 0.27 documentation", "Install - MyLib Docs": documentation sites name themselves last.
_DOCS_SEGMENT = re.compile(r"\b(?:documentation|docs|manual|handbook|user guide|api reference)$", re.I)


def strip_site_suffix(
    title: str, site: str | None, host: str, loose: bool = True, known: frozenset[str] = frozenset(),
    colon_ok: bool = True,
) -> str:
    """``"Post title | Site Name"`` -> ``"Post title"``: drop leading/trailing segments that name the site.

    ``loose`` also drops segments that look like the host name (for ``<title>``, which nearly always carries
    the site); structured titles (``og:title``) lose only a segment naming the site exactly, or a "by Author".
    """
    on_site = re.match(r"^(.{8,}?)\s+on\s+(.{2,40})$", title)
    if on_site and site and squash(on_site.group(2)) == squash(site):
        title = on_site.group(1)
    # "Blog Name: Post" (Blogger and some newspapers): a bare colon after the site's exact name.
    colon = re.match(r"^([^:]{2,60}):\s+(.{8,})$", title)
    if loose and colon_ok and colon and site_like(colon.group(1), site, host, loose, partial=False, known=known):
        title = colon.group(2)
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = TITLE_SEPARATORS.findall(title)
    site_cut = False
    while len(parts) > 1 and (site_like(parts[-1], site, host, loose, known=known) or _BY_SEGMENT.match(parts[-1])
                              or (loose and (_DATE_SEGMENT.fullmatch(parts[-1]) or _has_host_word(parts[-1], host)))):
        parts.pop()
        seps.pop()
        site_cut = True
    # "Headline | News | Site": once the site's segment is off, a one- or two-word section before it goes too.
    while loose and site_cut and len(parts) > 1 and len(parts[-1].split()) <= 2 and len(parts[0]) >= 3 * len(parts[-1]):
        parts.pop()
        seps.pop()
    # A leading segment must name the site exactly: "Python tips - 10 tricks" on python.org keeps its start.
    while len(parts) > 1 and site_like(parts[0], site, host, loose, partial=False, known=known):
        parts.pop(0)
        seps.pop(0)
    rebuilt = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        rebuilt += sep + part
    return rebuilt.strip() or title


def title_tag(page: Page) -> str | None:
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
    copyright line. A title segment equal to one of them names the site, whatever the host is called.
    Computed once per page, on first use (most pages never need it)."""
    found = page.memo.get("site_names")
    if not isinstance(found, frozenset):
        found = page.memo["site_names"] = _site_names(page)
    return found


def _site_names(page: Page) -> frozenset[str]:
    names = [page.first_meta("og:site_name"), page.first_meta("application-name"),
             page.first_meta("apple-mobile-web-app-title"), (page.first_meta("twitter:site") or "").lstrip("@")]
    for node in page.jsonld:
        if node_types(node) & {"website", "organization", "newsmediaorganization"} and isinstance(node.get("name"), str):
            names.append(node["name"])
    for link in page.root.xpath(_HOME_LINKS_XPATH)[:40]:
        if links_home(link.get("href")):
            names.append(clean_text(link.text_content(), 80))
            names += [img.get("alt") for img in link.iter("img")]
    for footer in page.root.xpath("//footer")[:2]:
        for match in _COPYRIGHT.finditer(" ".join(footer.itertext())[:3000]):
            names.append(_COMPANY_TAIL.sub("", match.group(1)))
    return frozenset(squashed for name in names if name and 2 <= len(squashed := squash(name)) <= 60)


_LOGO_WORDS = re.compile(r"\s*(?:[-|–]\s*)?\b(?:logo|home\s*page|homepage|home|startseite|accueil|inicio)\b\s*$", re.I)


def site_from_logo(page: Page) -> str | None:
    """The name on the page's home link (a logo's ``alt``, or its text): "Los Angeles Rams logo" -> "Los Angeles
    Rams". What a reader sees as the site's name when no tag states it; then the copyright holder."""
    logo_links = "//*[contains(@class, 'logo') or contains(@id, 'logo')]//a[@href] | " + _HOME_LINKS_XPATH
    for link in page.root.xpath(logo_links)[:40]:
        if not links_home(link.get("href")):
            continue
        for text in [img.get("alt") for img in link.iter("img")] + [link.text_content()]:
            name = _LOGO_WORDS.sub("", clean_text(text, 80) or "").strip()
            if 2 <= len(name) <= 60 and not name.isdigit():
                return name
    for footer in page.root.xpath("//footer")[:2]:
        for match in _COPYRIGHT.finditer(" ".join(footer.itertext())[:3000]):
            name = _COMPANY_TAIL.sub("", match.group(1)).strip()
            if 2 <= len(name) <= 60 and not re.search(r"\d", name):
                return name
    return None


_SITE_HEADING = re.compile(r"site|logo|brand|blog-?title|blog-?name|masthead", re.I)


def _names_the_blog(h1) -> bool:
    """An ``<h1>`` that holds the site's name: classed so, linking home, or in the page header outside the article."""
    marker = f"{h1.get('class') or ''} {h1.get('id') or ''}"
    if _SITE_HEADING.search(marker):
        return True
    if any(links_home(a.get("href")) for a in h1.iter("a")):
        return True
    return bool(h1.xpath("ancestor::header[not(ancestor::article)] and not(ancestor::article)"))


def links_home(href: str | None) -> bool:
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
        if not headline or len(headline) < 4 or len(headline) >= len(tag_title) or site_like(
            headline, site, host, partial=False
        ) or _names_the_blog(h1):
            continue
        if tag_title.startswith(headline) and TITLE_SEPARATORS.match(tag_title[len(headline):]):
            return headline
    return None


_QUOTES = set("\"“”„«»'‘’「『")
_JUST_A_URL = re.compile(r"\s*(?:https?://|www\.)\S+\s*", re.I)
_TITLED_HEADING = re.compile(r"title|headline|heading", re.I)
# What ends a site's name before the headline: a spaced separator, a bar, or a bare colon ("Blog Name: Post").
_LEADING_SITE_END = re.compile(r"(?:\s(?:\||-|–|—|::|·|•|»|/|~)|:|[｜丨︱])\s*$")


def _headline_ending_title(page: Page, tag_title: str, site: str | None, host: str, known: frozenset[str]) -> str | None:
    """``<title>Blog Name | Post</title>`` (or ``Blog Name: Post``, as Blogger writes it) where the page's own
    heading is ``Post``: the leading part is the site's name. It must be shorter than the headline (a headline
    ends with a short subject often enough: "Long thoughts - a toy project" keeps its start), and a bare colon
    counts only when the part before it names the site (else "Review: Product" would lose "Review")."""
    headings = []
    for el in page.root.xpath("//h1 | //h2 | //h3")[:40]:
        if el.tag == "h1" or _TITLED_HEADING.search(el.get("class") or ""):
            text = clean_text(el.text_content(), 300)
            if text and len(text) >= 4:
                headings.append((text, el))
    for heading, el in headings[:10]:
        lead = tag_title[: -len(heading)] if tag_title.endswith(heading) else ""
        match = _LEADING_SITE_END.search(lead)
        name = lead[: match.start()].strip() if match else ""
        if not name or len(name) >= len(heading) or _names_the_blog(el):
            continue
        if match.group(0).strip() == ":" and not (
            site_like(name, site, host, known=known) or squash(name) in _blog_names(page)
        ):
            continue
        return heading
    return None


def _blog_names(page: Page) -> set[str]:
    """Squashed texts of the headings that name the blog (classed so, linking home, in the page header)."""
    return {squash(clean_text(h.text_content(), 200) or "") for h in list(page.root.iter("h1", "h2"))[:10]
            if _names_the_blog(h)}


def _strip_leading_site(title: str, site: str | None) -> str:
    """``"GitHub - owner/repo: About"`` -> ``"owner/repo: About"``: a shared title that starts with exactly the
    site's name and a separator. (On the corpus only one family has it; kept because a title never starts with
    the site's name by meaning, and the cost elsewhere is nil.)"""
    parts = TITLE_SEPARATORS.split(title, maxsplit=1)
    if len(parts) == 2 and site and squash(parts[0]) == squash(site) and len(parts[1]) > 10:
        return parts[1]
    return title


def _scholarly_title(shared: str, cited: str | None) -> str:
    """A paper's shared title with the journal's name around it (``"Frontiers | Title"``, ``"Title - Nature"``):
    the Highwire ``citation_title`` is the paper's own title, so it wins when the shared one is it plus segments.
    Other pages' shared titles keep their site segment (that is how the link is shown when shared)."""
    if not cited or cited == shared or len(cited) < 10 or cited not in shared:
        return shared
    before, _, after = shared.partition(cited)
    ends_in_separator = any(match.end() == len(before) for match in TITLE_SEPARATORS.finditer(before))
    joined = (not before or ends_in_separator) and (not after or TITLE_SEPARATORS.match(after))
    return cited if joined else shared


def cut_author_segment(title: str, authors: list[str]) -> str:
    """``"Post | by Jane Doe | Publication"`` -> ``"Post"`` (Medium and Substack titles name the author)."""
    if not authors:
        return title
    parts = TITLE_SEPARATORS.split(title)
    seps = TITLE_SEPARATORS.findall(title)
    names = {a.casefold() for a in authors}
    for index, part in enumerate(parts[1:], start=1):
        if _BY_SEGMENT.match(part) and _BY_SEGMENT.sub("", part).strip().casefold() in names:
            rebuilt = parts[0]
            for sep, kept in zip(seps[: index - 1], parts[1:index], strict=False):
                rebuilt += sep + kept
            return rebuilt.strip()
    return title


def title_from_tag(page: Page, tag_title: str, site: str | None, host: str) -> str:
    """The headline in a ``<title>``: the page's heading where the title starts or ends with it, else the title
    without the segments that name the site. On a home page a leading "Site Name: tagline" is the title itself."""
    known = site_names_on_page(page)
    home = urlsplit(page.url).path in ("", "/")
    return (_headline_in_title(page, tag_title, site, host)
            or _headline_ending_title(page, tag_title, site, host, known)
            or strip_site_suffix(tag_title, site, host, known=known, colon_ok=not home))


def page_title(page: Page, site: str | None) -> str | None:
    """Social and structured titles as written; the ``<title>`` with the site's name dropped."""
    host = site_host(page.url)
    entity = page.entity or {}
    headline = entity.get("headline") if isinstance(entity.get("headline"), (str, list)) else None
    candidates = [
        page.first_meta("og:title"),
        page.first_meta("twitter:title"),
        clean_text(headline),
        page.first_meta("citation_title", "dc.title", "dcterms.title", "parsely-title", "sailthru.title"),
        *page.itemprop_values("headline"),
    ]
    # A link marked as the headline gives its address as the microdata value: an address is no title.
    candidates = [c for c in candidates if not (c and _JUST_A_URL.fullmatch(c))]
    tag_title = title_tag(page)
    for candidate in candidates:
        if candidate:
            # A broken attribute quote cuts a title short (content="Star of the hit "): the <title> then has the
            # whole of it. Only where a quote follows the cut: "Design ... by Studio" is a <title> that says more.
            cut = candidate.rstrip(' "“')
            if tag_title and len(tag_title) > len(candidate) and tag_title.startswith(cut):
                rest = tag_title[len(cut):]
                if rest.lstrip()[:1] in _QUOTES:
                    return strip_site_suffix(tag_title, site, host, known=site_names_on_page(page))
            # Shared titles (og:title...) are kept as the site wrote them, suffix and all: that is the title
            # people see when the link is shared.
            return _strip_leading_site(_scholarly_title(candidate, page.first_meta("citation_title")), site)
    if tag_title:
        return title_from_tag(page, tag_title, site, host)
    for h1 in page.root.iter("h1"):
        text = clean_text(h1.text_content(), 500)
        if text:
            return text
    return None


def site_from_title(page: Page) -> str | None:
    """The ``Site`` in ``<title>Post | Site</title>`` when the segment looks like the host."""
    title_el = page.root.find(".//title")
    if title_el is None:
        return None
    text = clean_text(title_el.text_content()) or ""
    parts = TITLE_SEPARATORS.split(text)
    if len(parts) < 2:
        return None
    host = site_host(page.url)
    # A trailing segment may name the site in part ("Mac Rumors Forums"); a leading one must name it whole.
    for segment, partial in ((parts[-1], True), (parts[0], False)):
        if site_like(segment, None, host, partial=partial) and squash(segment):
            return segment.strip()
    return None
