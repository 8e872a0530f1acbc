"""How long to wait before trying a request again: exponential backoff with jitter, and Retry-After.

Kept apart from the link checker so every caller that retries (metadata fetches too) waits the same way.
"""

from __future__ import annotations

import datetime as dt
import random
from email.utils import parsedate_to_datetime


def backoff_delay(
    attempt: int, base: float = 0.25, cap: float = 8.0, rng: random.Random | None = None
) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...): ``base * 2**(attempt-1)``, capped,
    with "equal jitter" (half fixed, half random) so many clients that failed together do not retry together."""
    step = min(cap, base * (2 ** max(0, attempt - 1)))
    return step / 2 + (rng or random).uniform(0, step / 2)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None when absent/garbled."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())
