"""One entry of a list (a bullet, a table row, a paragraph that starts with a link) -> title, links, comment.

The rules, the same for every layout:
- every web link of the entry is kept: the primary one becomes the item's URL, the others its ``links``;
- a link whose text is a name ("Attention Is All You Need") is the work; otherwise the best kind wins (the
  paper over the article over the code over the tweet; a badge only when nothing else is there);
- the title is that name, else the entry's name (a table's name cell, the bold text, the words before or
  after the links); never a generic link word;
- what is left of the text is the comment; badges, images, anchors and relative links are skipped with a reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from tracker.importers.link_words import is_generic_text, kind_rank, link_kind, link_label, url_kind
from tracker.importers.markdown_blocks import Link, find_links, plain_text
from tracker.urls import identity_key

_IMAGE_INSIDE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)")
_IMAGE_FILE = re.compile(r"\.(?:svg|png|jpe?g|gif|webp)(?:[?#].*)?$", re.IGNORECASE)
_BADGE_HOSTS = ("shields.io", "badgen.net", "badge.fury.io", "awesome.re", "forthebadge.com", "travis-ci.org",
                "codecov.io", "circleci.com", "licensebuttons.net", "star-history.com", "visitor-badge")
_BOLD = re.compile(r"(\*\*|__)(?P<text>.+?)\1")
_SEPARATORS = " \t:-–—,;|/·•→»>"
_ITALIC = re.compile(r"(?<![\w*])\*(?P<text>[^\s*][^*]*?)(?<!\s)\*(?![\w*])|(?<!\w)_(?P<u>[^\s_][^_]*?)(?<!\s)_(?!\w)")
_SYMBOLS = {"So", "Sk", "Cf", "Mn"}  # emoji, their modifiers and joiners
_NUMBERING = re.compile(r"^\s*(?:\d{1,4}[.)]|[#(]\d{1,4}\)?)\s+")


@dataclass(frozen=True)
class Candidate:
    """A web link of an entry, with what it is."""

    link: Link
    text: str
    url: str
    kind: str
    named: bool
    image: bool


@dataclass
class Entry:
    title: str
    url: str
    links: list[dict[str, str]] = field(default_factory=list)
    comment: str | None = None


def link_problem(link: Link) -> str | None:
    """Why ``link`` is no entry's link (an image, an anchor, a relative link), or None when it is a web link."""
    if link.image and not link.text.strip().startswith("!["):
        return "image"
    if link.url.startswith("#"):
        return "in-page anchor"
    if not re.match(r"^https?://[^/\s]", link.url, flags=re.IGNORECASE):
        return "relative link" if "://" not in link.url and not link.url.startswith("mailto:") else "not a web link"
    if link.image and _is_badge_target(link.url):
        return "badge"
    return None


def _is_badge_target(url: str) -> bool:
    lowered = url.casefold()
    return bool(_IMAGE_FILE.search(lowered.split("?", 1)[0])) or any(host in lowered for host in _BADGE_HOSTS)


def candidates(text: str) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """The web links of ``text`` (each address once) and the others as (what, why) pairs."""
    kept, skipped = _candidates(text)  # the readers ask about the same cell or bullet more than once
    return list(kept), list(skipped)


@lru_cache(maxsize=64)
def _candidates(text: str) -> tuple[tuple[Candidate, ...], tuple[tuple[str, str], ...]]:
    kept: list[Candidate] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for link in find_links(text):
        problem = link_problem(link)
        if problem:
            skipped.append((link.url or plain_text(link.text), problem))
            continue
        key = identity_key(link.url)
        if key in seen:
            continue
        seen.add(key)
        if link.image:
            alt = _IMAGE_INSIDE.search(link.text)
            label = alt.group("alt") if alt else ""
            kind = link_kind(label, link.url) if label else (url_kind(link.url) or "link")
            kept.append(Candidate(link, label, link.url, kind, False, True))
            continue
        named = not is_generic_text(link.text)
        kind = url_kind(link.url) or "link" if named else link_kind(link.text, link.url)
        kept.append(Candidate(link, plain_text(link.text), link.url, kind, named, False))
    return tuple(kept), tuple(skipped)


def pick_primary(found: list[Candidate], prefer_named: bool = True) -> Candidate | None:
    """The work's own link: the first named one (unless it is only a tweet), else the best kind."""
    if not found:
        return None
    plain = [c for c in found if not c.image] or found
    best = min(plain, key=lambda c: (kind_rank(c.kind), found.index(c)))
    named = [c for c in plain if c.named]
    if prefer_named and named and not (named[0].kind == "tweet" and kind_rank(best.kind) < kind_rank("tweet")):
        return named[0]
    return best


def extra_links(found: list[Candidate], primary: Candidate) -> list[dict[str, str]]:
    """The other links of the entry, labelled by what they are ("paper", "code", "tweet") or by their text."""
    return [{"label": candidate_label(c), "url": c.url} for c in found if c is not primary]


def candidate_label(candidate: Candidate) -> str:
    """A link's label; a badge's is what its address or alt text says it is ("colab", "code")."""
    if candidate.image:
        return candidate.kind if candidate.kind != "link" else "badge"
    return link_label(candidate.text, candidate.url)


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(" ")
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def clean_fragment(text: str) -> str:
    """Markdown left over once links are taken out, as plain words: no empty emphasis, brackets or separators."""
    text = re.sub(r"(\*\*|__|\*|_|~~)\s*\1", " ", text)
    text = _ITALIC.sub(lambda match: match.group("text") or match.group("u"), text)
    text = plain_text(text)
    text = re.sub(r"\(\s*[,;|/]*\s*\)|\[\s*[,;|/]*\s*\]", " ", text)
    text = re.sub(r"\s*([,;|/])(?:\s*[,;|/])+", r"\1", text)
    text = re.sub(r"\s+([.,;:!?])(?=\s|$)", r"\1", " ".join(text.split())).strip(_SEPARATORS + "*_")
    # Emoji, and a bracket whose other half went with a link ("Reflexion ([arxiv](..))"), at either end.
    while text and (unicodedata.category(text[0]) in _SYMBOLS or text[0] in ")]}"):
        text = text[1:].strip(_SEPARATORS)
    while text and (unicodedata.category(text[-1]) in _SYMBOLS or text[-1] in "([{"):
        text = text[:-1].strip(_SEPARATORS)
    return text


def name_of(text: str) -> tuple[str, tuple[int, int] | None]:
    """The name an entry's own text gives (its bold part, else its words before the links), and where it is."""
    bold = next((m for m in _BOLD.finditer(text) if not find_links(m.group("text"))), None)
    if bold and not is_generic_text(bold.group("text")):
        return clean_fragment(bold.group("text")), (bold.start(), bold.end())
    first = find_links(text)
    before_end = first[0].start if first else len(text)
    before = clean_fragment(_NUMBERING.sub("", text[:before_end]))
    if before and not is_generic_text(before) and len(before) <= 200:
        return before, (0, before_end)
    return "", None


def _after_links_name(text: str, found: list[Candidate]) -> str:
    """When all a bullet's links come first ("[Paper](..) [Code](..) Title: what it does"), the words after."""
    rest = clean_fragment(remove_spans(text, [(c.link.start, c.link.end) for c in found]))
    head = re.split(r"\s[-–—:]\s|:\s|\.\s", rest, maxsplit=1)[0]
    return head.strip() if head and not is_generic_text(head) and len(head) <= 200 else ""


def only_links(text: str) -> bool:
    """True when ``text`` is links and separators ("[BERT](..), [GPT-2](..) and [T5](..)", "[A](..) • [B](..)")."""
    leftover = clean_fragment(remove_spans(text, [(link.start, link.end) for link in find_links(text)]))
    return not re.sub(r"\b(?:and|or)\b|[^\w]", "", leftover)


def read_entry(text: str, name: str = "", prefer_named: bool = True) -> tuple[list[Entry], list[tuple[str, str]]]:
    """The item(s) ``text`` describes, and its links that are no item's (what, why).

    ``name`` is the entry's name when the layout gives one apart from the text (a table's name cell);
    ``prefer_named`` False lets the best kind win over a named link (a table's "Code: [repo](..)" column). A bullet
    that is only a run of named links ("[BERT](..), [GPT-2](..)") lists several works: one entry each.
    """
    found, skipped = candidates(text)
    if not found:
        return [], skipped
    named = [c for c in found if c.named]
    if not name and len(named) >= 2 and len(named) == len(found) and only_links(text[found[0].link.start:]):
        label = clean_fragment(text[: found[0].link.start]) or None  # "Fast.ai: [A](..), [B](..)"
        return [Entry(c.text, c.url, comment=label) for c in named], skipped
    primary = pick_primary(found, prefer_named)
    assert primary is not None
    spans = [(c.link.start, c.link.end) for c in found if c is primary or not c.named]
    title = ""
    if primary.named and (prefer_named or not name):
        title = primary.text
    if not title and name:
        title = name
    if not title:
        title, where = name_of(text)
        if where:
            spans.append(where)
    if not title:
        title = _after_links_name(text, found)
    comment = clean_fragment(remove_spans(text, spans))
    if title and comment.startswith(title):
        comment = comment[len(title):].strip(_SEPARATORS)
    return [Entry(title, primary.url, extra_links(found, primary), comment or None)], skipped
