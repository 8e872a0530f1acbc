"""The author rules: people from structured data, meta tags and bylines; organisations, the site itself, job
titles and role words are no authors (they are a last resort, or dropped)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from tracker.urls import site_host
from tracker.web.meta.jsonld import MEDIA_TYPES, is_article, ld_names, node_types, resolve_id
from tracker.web.meta.page import Page, microdata_value
from tracker.web.meta.text import clean_text
from tracker.web.meta.titles import site_like, site_names_on_page, squash, title_tag

# "de", "di", "door" only in lower case: "De Vries" and "Di Maio" are names.
_BY_PREFIX = re.compile(
    r"^(?:(?i:written\s+|posted\s+|published\s+)?(?:(?i:by|von|par|por)|di|door|de)\s*[:\-]?\s+|(?i:author|autor|auteur)(?:s|in|/in|\(s\)|es)?\s*:\s*)"
)
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober"
           r"|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero"
           r"|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)[a-zé]*\.?")
# "Jane Doe on May 1, 2024", "Jane Doe | Updated: 05/01/2024", "Jane Doe, 1. Mai 2024": the byline's date is no name.
_DATE_TAIL = re.compile(
    r"(?:\s*[,|·•–—-]\s*|\s+)(?:(?:on|am|le|el|published|posted|updated|veröffentlicht|aktualisiert|publié|mis à jour)"
    r"\b\s*:?\s*(?=.*\d).*|(?:\d{1,2}\.?\s+)?" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}.*|\d{1,2}\.?\s+"
    + _MONTHS + r"\s+\d{4}.*|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.*)$",
    re.I,
)
_NOT_A_NAME = re.compile(r"https?://|www\.|@.*\.|\d{3,}|\d:\d\d|[<>{}]|^(?:admin|staff|editor|author|anonymous|unknown)$", re.I)


_ROLE_NOUNS = (
    r"(?:writer|reporter|editor|correspondent|columnist|contributor|producer|journalist|analyst|photographer"
    r"|critic|blogger|intern|author|redakteur|redakteurin|rédacteur|rédactrice|redactor|redactora|journaliste"
    r"|periodista|giornalista|korrespondent|korrespondentin|correspondant|correspondante|reporterin|autorin"
    r"|corresponsal|corrispondente|enviado especial|inviato)s?"
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
    r"(?:\s+(?:at|for|of|in|en|a|à|bei|für|aus|de)\s+.*)?$",
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
    without_date = _DATE_TAIL.sub("", text)
    if len(without_date.split()) >= 2:  # a full name before the date ("Mic Updated May 25" stays no name)
        text = without_date
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
    if len(text.split()) > 7 or _reads_like_a_phrase(text):
        return None
    return text


_NAME_PARTICLES = {"de", "da", "di", "do", "dos", "das", "du", "del", "della", "der", "den", "van", "von", "la", "le",
                   "bin", "bint", "ibn", "al", "el", "y", "e", "ter", "zu", "af", "av"}


def _reads_like_a_phrase(text: str) -> bool:
    """"View my complete profile", "Or sign up using", a lone "By": words of a page's interface in a byline's
    place. A name has capitals on its words (particles aside); an all-lowercase handle ("danah boyd") is left."""
    words = text.split()
    if len(words) == 1:
        return text.casefold().strip(":") in {"by", "von", "par", "por", "contributor", "contributors"}
    lower = [w for w in words if w[0].islower() and w.casefold() not in _NAME_PARTICLES]
    return len(lower) >= 2 and len(lower) < len(words)


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


# "Max Mustermann, dpa", "Jane Doe / AFP": a news agency's short name after the reporter's.
_AGENCY_TAIL = re.compile(r"\s*[,|/·]\s*(?:[a-z]{2,4}|[A-Z]{2,5})\s*$")


def split_authors(text: str) -> list[str]:
    """``"A, B and C"`` -> ``["A", "B", "C"]``; a single ``"Last, First"`` stays one name."""
    without_agency = _AGENCY_TAIL.sub("", text)
    if without_agency != text and len(_BY_PREFIX.sub("", without_agency.strip()).split()) >= 2:
        text = without_agency
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


BYLINE_XPATH = (
    "//*[@rel='author' or contains(@class, 'author') or contains(@class, 'byline') or contains(@class, 'Author')"
    " or contains(@class, 'Byline') or contains(@id, 'author') or contains(@id, 'byline') or contains(@class, 'autor')"
    " or contains(@class, 'Autor') or contains(@class, 'auteur')"
    " or (contains(@class, 'vcard') and .//*[contains(@class, 'fn')])]"
)
# Readers' comments and page footers name other people and other dates.
IN_COMMENTS = (
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


def _looks_like_a_name(text: str) -> bool:
    """Two to four capitalised words, no digits: "Kelly Sheridan", "Mary-Jane O'Neil", "José da Silva"."""
    words = text.split()
    return 2 <= len(words) <= 4 and not re.search(r"\d", text) and words[0][0].isupper() and words[-1][0].isupper()


def _linked_people(block) -> list[str]:
    """The names a byline block links (to the authors' pages): the block's other words are a section, a role
    or a date ("<a>Kelly Sheridan</a> <span>News</span>" is Kelly Sheridan)."""
    texts = [clean_text(a.text_content(), 80) or "" for a in block.iter("a")][:6]
    people = [clean_author(text) for text in texts if _looks_like_a_name(text)]
    return _unique(people) if people and len(people) <= 4 else []


def _byline_names(page: Page) -> list[str]:
    for el in page.root.xpath(BYLINE_XPATH)[:60]:
        if el.tag in ("meta", "link", "body", "html", "script", "style", "img", "article", "section", "main"):
            continue
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if el.get("rel") != "author" and _BYLINE_SKIP.search(marker):
            continue
        if el.xpath(IN_COMMENTS):
            continue
        inner = el.xpath(
            ".//*[contains(@class, 'fn') or contains(@class, 'name') or contains(@class, 'Name') or @rel='author']"
        )
        text = " ".join((inner[0] if inner else el).itertext())
        if len(text) > 120:
            continue
        linked = [] if inner else _linked_people(el)
        names = linked or split_authors(text)
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
        if parent is None or parent.tag in ("script", "style", "title", "option", "button") or parent.xpath(IN_COMMENTS):
            continue
        text = clean_text(" ".join(parent.itertext()), 200) or ""
        match = _BY_LINE.match(text)
        if match and match.group(1)[0].isupper():
            names = split_authors(match.group(1))
            if names:
                return names
    return []


_HREF = "translate(@href, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
AUTHOR_LINK_XPATH = (
    f"//body//a[contains({_HREF}, '/author/') or contains({_HREF}, '/authors/') or contains({_HREF}, '/autor/')"
    f" or contains({_HREF}, '/autoren/') or contains({_HREF}, '/auteur/')]"
)


def _author_page_link(page: Page) -> list[str]:
    """The text of the first link to an author page (``/author/jane-doe/``), as blogs and news sites make them."""
    for link in page.root.xpath(AUTHOR_LINK_XPATH)[:5]:
        if link.xpath(IN_COMMENTS):
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
    labels = {squash(label) for label in host.split(".")[:-1] if len(label) >= 2} | {squash(host)}
    return all(
        squash(name) and (site_like(name, site, host, loose=False) or (" " not in name and squash(name) in labels))
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
    return frozenset(squash(name) for name in names if squash(name))


def _names_an_organisation(name: str, organisations: frozenset[str] = frozenset()) -> bool:
    return bool(_ORGANISATION.search(name)) or squash(name) in organisations


def _without_site_prefix(names: list[str], page: Page, site: str | None) -> list[str]:
    """``"TIME John Patrick Pullen"`` -> ``"John Patrick Pullen"``: a byline that begins with the site's name (its
    logo's text) before a full name."""
    out = []
    for name in names:
        words = name.split()
        for count in (1, 2, 3):
            if len(words) - count < 2:
                break
            prefix = squash(" ".join(words[:count]))
            if (site and prefix == squash(site)) or prefix in site_names_on_page(page):
                name = " ".join(words[count:])
                break
        out.append(name)
    return out


def _people_first(names: list[str], organisations: frozenset[str]) -> list[str]:
    """``["Jane Doe", "Associated Press"]`` -> ``["Jane Doe"]``: where a byline names people, the outlet, agency
    or company beside them (an organisation, or a one-word name after full names: "Jane Doe | Reuters") is not an
    author too."""
    if len(names) < 2:
        return names
    people = [name for name in names if not _names_an_organisation(name, organisations)]
    if any(len(name.split()) >= 2 for name in people):
        people = [name for name in people if len(name.split()) >= 2]
    return people or names


def page_authors(page: Page, site: str | None) -> list[str]:
    """Authors from the first source that names people; organisations (or the site itself) only as a last resort."""
    host = site_host(page.url)
    fallback: list[str] = []
    # The organisations the page's JSON-LD describes, and the names it gives itself (copyright holder, logo,
    # app names: "© 2024 Condé Nast" makes a meta author "Condé Nast" the owner, not the writer).
    organisations = _organisation_names(page) | site_names_on_page(page)
    for found, organisations_only in _author_sources(page):
        names = _people_first(_without_site_prefix(found, page, site), organisations)
        if not names:
            continue
        if (not organisations_only and not _names_the_site(names, site, host)
                and not all(_names_an_organisation(name, organisations) for name in names)):
            return names
        fallback = fallback or names
    if fallback:
        return fallback
    title = page.first_meta("og:title", "twitter:title") or title_tag(page)
    match = _SOCIAL_TITLE.match(title or "")
    if match:
        name = clean_author(match.group(1) or match.group(2))
        return [name] if name else []
    return []
