"""Site helpers: what generic rules get wrong on sites our users read, and what a URL alone tells.

arXiv: abs/pdf/versioned URLs are one paper; every author from ``citation_author`` as "First Last"; the v1
date; the abstract as description. YouTube: the channel is the author, the upload date is the date. GitHub:
``owner/repo`` as title, the About text as description, the owner as author. Medium and Substack: the
publication is the site.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tracker.urls import arxiv_id, names_pdf, readable_title_from_url, site_host, youtube_video_id
from tracker.web.meta.authors import clean_author
from tracker.web.meta.dates import parse_date
from tracker.web.meta.pagemeta import PageMetadata
from tracker.web.meta.text import clean_text

if TYPE_CHECKING:
    from tracker.web.meta.page import Page

_GITHUB_RESERVED = {
    "about", "orgs", "topics", "features", "pricing", "marketplace", "explore", "settings", "login", "join",
    "sponsors", "collections", "trending", "enterprise", "search", "notifications", "site", "security",
}
_ARXIV_V1 = re.compile(r"\[v1\]\s*(?:</strong>)?\s*([A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4})")


def github_repo(url: str) -> tuple[str, str] | None:
    """``(owner, repo)`` for a github.com repository URL (any page inside it), else None."""
    parts = urlsplit(url)
    if site_host(url) != "github.com":
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0].lower() in _GITHUB_RESERVED:
        return None
    return segments[0], segments[1].removesuffix(".git")


def fetch_url_for(url: str) -> str:
    """The URL worth fetching for ``url``: an arXiv PDF's abstract page carries the metadata."""
    paper = arxiv_id(url)
    if paper and "/abs/" not in urlsplit(url).path:
        return f"https://arxiv.org/abs/{paper}"
    return url


def metadata_from_url(url: str) -> PageMetadata:
    """What the URL alone tells, without fetching: kind, site and canonical form of known sites."""
    meta = PageMetadata(url=url)
    apply_url_knowledge(meta)
    return meta


def apply_url_knowledge(meta: PageMetadata) -> None:
    """Fill the fields a known URL shape settles (only where still empty)."""
    url = meta.url
    paper = arxiv_id(url)
    if paper:
        meta.kind = meta.kind or "paper"
        meta.site = meta.site or "arXiv"
        meta.canonical_url = meta.canonical_url or f"https://arxiv.org/abs/{paper}"
        meta.title = meta.title or f"arXiv:{paper}"
        return
    video = youtube_video_id(url)
    if video:
        meta.kind = meta.kind or "video"
        meta.site = meta.site or "YouTube"
        meta.canonical_url = meta.canonical_url or f"https://www.youtube.com/watch?v={video}"
        meta.image = meta.image or f"https://i.ytimg.com/vi/{video}/hqdefault.jpg"
        return
    repo = github_repo(url)
    if repo:
        meta.kind = meta.kind or "repo"
        meta.site = meta.site or "GitHub"
        meta.title = meta.title or f"{repo[0]}/{repo[1]}"
        meta.authors = meta.authors or [repo[0]]
        return
    if names_pdf(url):
        meta.kind = meta.kind or "pdf"
    if not meta.title and url:
        meta.title = readable_title_from_url(url)


def apply_site_rules(meta: PageMetadata, page: Page) -> None:
    """Correct generic results on sites whose pages mislead the generic rules."""
    host = site_host(meta.url)
    if arxiv_id(meta.url) or page.meta.get("citation_arxiv_id"):
        _arxiv(meta, page)
    elif host.endswith("youtube.com") or host == "youtu.be":
        _youtube(meta, page)
    elif github_repo(meta.url):
        _github(meta, page)
    elif host == "medium.com" or host.endswith(".medium.com") or page.meta.get("al:android:package") == [
        "com.medium.reader"
    ]:
        meta.kind = "article" if meta.kind == "page" else meta.kind
    apply_url_knowledge(meta)


def _arxiv(meta: PageMetadata, page: Page) -> None:
    authors = [clean_author(a) for a in page.all_meta("citation_author")]
    if any(authors):
        meta.authors = [a for a in authors if a]
    # The submission history names v1; citation_date is the first version's date too.
    text = page.root.xpath("string(//div[contains(@class, 'submission-history')])") or ""
    match = _ARXIV_V1.search(text)
    found = parse_date(match.group(1)) if match else None
    meta.published = found or parse_date(page.first_meta("citation_date")) or meta.published
    abstract = page.first_meta("citation_abstract")
    if abstract:
        meta.description = abstract
    title = page.first_meta("citation_title")
    if title:
        meta.title = title
    meta.kind = "paper"
    meta.site = meta.site or "arXiv"


def _youtube(meta: PageMetadata, page: Page) -> None:
    channel = None
    for el in page.itemprops.get("author", []):
        names = el.xpath(".//*[@itemprop='name']")
        if names:
            channel = clean_text(names[0].get("content") or names[0].text_content())
            break
    html_text = page.text if not channel or not meta.published else None
    if not channel and html_text:
        match = re.search(r'"ownerChannelName":"((?:[^"\\]|\\.)*)"', html_text) or re.search(
            r'"author":"((?:[^"\\]|\\.)*)"', html_text
        )
        channel = clean_text(match.group(1)) if match else None
    if channel:
        meta.authors = [channel]
    upload = next(page.itemprop_values("uploadDate"), None) or next(page.itemprop_values("datePublished"), None)
    if not upload and html_text:
        match = re.search(r'"(?:uploadDate|publishDate)":"([^"]+)"', html_text)
        upload = match.group(1) if match else None
    if upload:
        meta.published = parse_date(upload) or meta.published
    if "/channel/" in meta.url or "/@" in meta.url or "/user/" in meta.url or "/c/" in meta.url:
        meta.kind = "channel"
        if not meta.authors and meta.title:
            meta.authors = [meta.title]
    else:
        meta.kind = "video"
    meta.site = "YouTube"


def _github(meta: PageMetadata, page: Page) -> None:
    owner, repo = github_repo(meta.url) or ("", "")
    og_title = page.first_meta("og:title") or ""
    # og:title is "GitHub - owner/repo: About text"; the page may have been renamed since the link was made.
    match = re.match(r"^(?:GitHub - )?([\w.-]+)/([\w.-]+)(?::\s*(.*))?$", og_title, re.S)
    if match:
        owner, repo = match.group(1), match.group(2)
        if match.group(3):
            meta.description = clean_text(match.group(3))
    meta.title = f"{owner}/{repo}"
    meta.authors = [owner]
    meta.site = "GitHub"
    meta.kind = "repo"
