"""What a link is, from its text and address: a generic word ("Paper", "Tweet", "Code") or a name, and its kind.

Lists link one work several times ("[Paper](..), [Tweet](..), [Code](..)"). The words people write for those
links say what the link is, never what the work is called, so they must not become titles; their kind decides
which link is the work's own (the paper over the tweet, the article over the notebook) and labels the others.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from tracker.importers.markdown_blocks import plain_text
from tracker.urls import arxiv_id, names_pdf, site_host

# Words that name a kind of link, a site or an action, never a work. A link text made only of these (and the
# small words below) is generic.
GENERIC_WORDS = frozenset(
    """
    paper papers pdf arxiv abs abstract preprint openreview html tweet tweets thread twitter x post posts blog
    blogpost article articles link links url here this that code source repo repository github gitlab
    implementation official unofficial video videos talk lecture lectures youtube recording slides slide deck
    poster demo demos colab notebook notebooks kaggle website site web page homepage home project docs doc
    documentation dataset datasets data model models weights checkpoint checkpoints huggingface hugging face hf
    space spaces podcast audio episode transcript summary tldr tl;dr discussion reddit hn hacker news medium
    substack linkedin mastodon bluesky threads more read click download view watch listen open try run see go
    full text version v1 v2 v3 online live official api card leaderboard supplementary appendix bib bibtex
    citation cite press release announcement report technical tech results paperswithcode pwc twitter/x
    """.split()
)
_SMALL_WORDS = frozenset("a an the in on at of to for and or & + with via by our my its it me you".split())
_TOKEN = re.compile(r"[a-z0-9]+(?:[;/'][a-z0-9]+)*", re.IGNORECASE)
_HOST_LIKE = re.compile(
    r"^(?:(?:https?://|www\.)\S+|[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|ai|dev|co|edu|gov|me|app|xyz|info)(?:/\S*)?)$",
    re.IGNORECASE,
)

PAPER_HOSTS = frozenset(
    {
        "arxiv.org", "openreview.net", "aclanthology.org", "papers.nips.cc", "proceedings.neurips.cc",
        "proceedings.mlr.press", "dl.acm.org", "ieeexplore.ieee.org", "link.springer.com", "biorxiv.org",
        "semanticscholar.org", "www.semanticscholar.org", "jmlr.org", "openaccess.thecvf.com", "nature.com",
        "science.org", "ssrn.com", "papers.ssrn.com", "researchgate.net", "aclweb.org",
    }
)
_SOCIAL_HOSTS = ("twitter.com", "x.com", "nitter.net", "threads.net", "bsky.app", "mastodon.social", "linkedin.com")
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "bilibili.com", "loom.com")
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net")
_SLIDE_HOSTS = ("speakerdeck.com", "slideshare.net")

# What a word in a link's text says the link is.
_WORD_KINDS = {
    "paper": "paper", "papers": "paper", "preprint": "paper", "arxiv": "paper", "abs": "paper",
    "abstract": "paper", "openreview": "paper", "pdf": "pdf",
    "tweet": "tweet", "tweets": "tweet", "thread": "tweet", "twitter": "tweet", "x": "tweet",
    "code": "code", "repo": "code", "repository": "code", "github": "code", "gitlab": "code",
    "implementation": "code", "source": "code",
    "video": "video", "videos": "video", "talk": "video", "lecture": "video", "lectures": "video",
    "youtube": "video", "recording": "video", "podcast": "podcast", "episode": "podcast",
    "slides": "slides", "slide": "slides", "deck": "slides", "poster": "poster",
    "blog": "blog", "blogpost": "blog", "post": "blog", "article": "article", "articles": "article",
    "colab": "colab", "notebook": "notebook", "notebooks": "notebook", "kaggle": "notebook",
    "demo": "demo", "demos": "demo", "space": "demo", "spaces": "demo",
    "website": "website", "site": "website", "homepage": "website", "project": "website", "page": "website",
    "docs": "docs", "doc": "docs", "documentation": "docs",
    "dataset": "dataset", "datasets": "dataset", "data": "dataset",
    "model": "model", "models": "model", "weights": "model", "checkpoint": "model", "checkpoints": "model",
    "huggingface": "model", "hf": "model",
}

# Which link is the work itself when an entry has several: lower ranks first. A named link (its text is a title)
# comes before all of these; among generic links the paper wins over the blog, which wins over the code...
_KIND_RANK = {
    "paper": 0, "pdf": 1, "article": 2, "blog": 2, "website": 3, "docs": 3, "link": 3, "video": 4,
    "podcast": 4, "dataset": 5, "model": 5, "code": 6, "slides": 7, "poster": 7, "demo": 8, "notebook": 9,
    "colab": 9, "tweet": 10,
}

KINDS = frozenset(_KIND_RANK)


def words_of(text: str) -> list[str]:
    return [word.casefold() for word in _TOKEN.findall(plain_text(text))]


@lru_cache(maxsize=4096)
def is_generic_text(text: str, addresses: bool = True) -> bool:
    """True when ``text`` says what kind of link this is ("Paper", "[Code]", "🔗", "arxiv.org") and not a name.

    ``addresses`` False: a text that is an address ("fast.ai") counts as a name."""
    plain = plain_text(text).strip()
    if not plain or (addresses and _HOST_LIKE.match(plain)):
        return True
    words = words_of(plain)
    if not words:
        return True  # only symbols or emoji
    meaningful = [word for word in words if word not in _SMALL_WORDS]
    if not meaningful:
        return True
    return all(word in GENERIC_WORDS or word.isdigit() or len(word) == 1 for word in meaningful)


def _host_matches(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == name or host.endswith("." + name) for name in hosts)


def url_kind(url: str) -> str | None:
    """What a URL is by its address alone (an arXiv paper, a tweet, a GitHub repo...), or None."""
    host = site_host(url)
    path = urlsplit(url).path.lower()
    if arxiv_id(url) or host in PAPER_HOSTS or host.endswith(".arxiv.org"):
        return "paper"
    if _host_matches(host, _SOCIAL_HOSTS):
        return "tweet"
    if _host_matches(host, _VIDEO_HOSTS):
        return "video"
    if host == "colab.research.google.com":
        return "colab"
    if path.endswith(".ipynb") or (host == "kaggle.com" and "/code" in path):
        return "notebook"
    if host == "huggingface.co":
        return "demo" if path.startswith("/spaces/") else "dataset" if path.startswith("/datasets/") else "model"
    if _host_matches(host, _CODE_HOSTS):
        return "code"
    if _host_matches(host, _SLIDE_HOSTS) or "/presentation/" in path:
        return "slides"
    if names_pdf(url):
        return "pdf"
    return None


def link_kind(text: str, url: str) -> str:
    """The kind of a link: what its generic text says, else what its address says, else "link"."""
    if is_generic_text(text):
        for word in words_of(text):
            if word in _WORD_KINDS:
                kind = _WORD_KINDS[word]
                # "PDF" of an arXiv paper is still the paper; "Paper" pointing at a PDF is the paper.
                return "paper" if kind == "pdf" and url_kind(url) == "paper" else kind
    return url_kind(url) or "link"


def kind_rank(kind: str) -> int:
    return _KIND_RANK.get(kind, 3)


def link_label(text: str, url: str) -> str:
    """The label an extra link is kept under: the kind for a generic text ("paper", "code"), else its text."""
    plain = " ".join(plain_text(text).split())
    if not plain or is_generic_text(plain):
        kind = link_kind(text, url)
        if kind == "link" and plain and not _HOST_LIKE.match(plain):
            return plain.casefold()[:60]
        return kind
    return plain[:80]


def column_kind(header: str) -> str | None:
    """The kind a table column's header names ("Code", "Paper", "Video"), or None ("Links", "Resources")."""
    words = words_of(header)
    kinds = {_WORD_KINDS[word] for word in words if word in _WORD_KINDS}
    return kinds.pop() if len(kinds) == 1 and is_generic_text(header) else None
