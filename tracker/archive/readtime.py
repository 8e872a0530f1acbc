"""Reading time from a word count, and a video's length from the page's own duration metadata."""

from __future__ import annotations

import math
import re

WORDS_PER_MINUTE = 230  # a common estimate for adults reading non-fiction on a screen
NO_ESTIMATE_CATEGORIES = frozenset({"course", "book"})  # their length is not one page: leave blank, never guess
_ISO_DURATION = re.compile(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", re.I)
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of letters/digits, with inner apostrophes and hyphens kept."""
    return sum(1 for _ in _WORD.finditer(text))


def minutes_for_words(words: int) -> int | None:
    """Whole minutes, rounded up (a 1-word page still costs a minute); None for an empty text."""
    if words <= 0:
        return None
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def parse_duration(value: str | None) -> int | None:
    """Seconds in an ISO 8601 duration (``PT1H2M3S``, YouTube's ``itemprop=duration``) or plain seconds."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    match = _ISO_DURATION.fullmatch(value)
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return int(days * 86400 + hours * 3600 + minutes * 60 + seconds)


def read_minutes(words: int | None, duration_s: int | None, category: str | None) -> int | None:
    """The item's time cost: a video's stated length, else the text's reading time; blank for a course/book."""
    if category and category.strip().lower() in NO_ESTIMATE_CATEGORIES:
        return None
    if duration_s:
        return max(1, round(duration_s / 60))
    return minutes_for_words(words or 0)
