"""Has a page quietly died? A 200 that is now a "not found", parked-domain or login page (a soft 404), or
whose text no longer resembles the saved snapshot. Pure functions of text, so they are cheap to test."""

from __future__ import annotations

import re
from dataclasses import dataclass

SIMILAR_ENOUGH = 0.35  # share of the saved text's word triples still on the live page; below: "changed"
SHORT_PAGE_WORDS = 150  # error, parking and login pages are short; a long article about 404s is not one
_SOFT_404 = re.compile(
    r"\b(?:page|file|article|post|document|resource)s? (?:was |is )?(?:not found|could not be found|"
    r"cannot be found|can['’]t be found|does ?n[o']t exist|no longer exists?|(?:is )?no longer available|"
    r"has been (?:removed|deleted))|\b404\b|\bnot found\b|nothing (?:was )?found here|"
    r"this (?:content|video|repository) is(?: no longer)? (?:unavailable|not available)", re.I)
_PARKED = re.compile(
    r"\b(?:this domain|domain name) (?:is|may be) for sale|\bbuy this domain\b|\bdomain (?:is )?parked\b|"
    r"\bparked (?:free|domain)\b|\bthis domain has expired\b|\bhosting provider\b.{0,40}\bcoming soon\b", re.I)
_LOGIN = re.compile(
    r"\b(?:sign|log) ?in to (?:continue|view|read|access)|\bplease (?:sign|log) ?in\b|"
    r"\bsubscribe to (?:continue|keep) reading\b|\bcreate an account to (?:continue|read)\b", re.I)
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Finding:
    """Why a 200 is not ``ok``: ``kind`` is soft-404, parked, login or changed."""

    kind: str
    detail: str


def soft_404(title: str, text: str) -> Finding | None:
    """A "not found", parked or login page served with status 200 (judged on its title and, for a short
    page, its text: a long article that mentions a 404 is still an article)."""
    words = len(_WORDS.findall(text))
    probe = title if words > SHORT_PAGE_WORDS else f"{title}\n{text[:2000]}"
    for kind, pattern, what in (("parked", _PARKED, "a parked or for-sale domain"),
                                ("login", _LOGIN, "a login or paywall page"),
                                ("soft-404", _SOFT_404, "a 'not found' page")):
        match = pattern.search(probe)
        if match:
            return Finding(kind, f"{kind}: HTTP 200, but the page is now {what} ({' '.join(match.group(0).split())!r})")
    return None


def _triples(text: str) -> set[tuple[str, str, str]]:
    words = [w.lower() for w in _WORDS.findall(text)]
    return {tuple(words[i:i + 3]) for i in range(max(0, len(words) - 2))}  # type: ignore[misc]


def similarity(saved: str, live: str) -> float:
    """Share of the saved text's word triples found on the live page (1.0: all still there). Additions to
    the live page (comments, a new sidebar) do not lower it; rewrites and replacements do."""
    before = _triples(saved)
    if not before:
        return 1.0
    return len(before & _triples(live)) / len(before)


def judge(saved_text: str, live_title: str, live_text: str) -> Finding | None:
    """None when the live page still is the saved page; else why not."""
    finding = soft_404(live_title, live_text)
    if finding is not None:
        return finding
    if saved_text.strip() and live_text.strip():
        score = similarity(saved_text, live_text)
        if score < SIMILAR_ENOUGH:
            return Finding("changed", f"changed: HTTP 200, but only {score:.0%} of the saved text is still on the page")
    elif saved_text.strip() and not live_text.strip():
        return Finding("changed", "changed: HTTP 200, but the page has no readable text any more")
    return None
