"""The gate in front of each host: how many requests may be in flight, when the next may start (pacing after
a 429), and whether the host is asked with HEAD or, because it refuses or misanswers HEAD, with GET.

A host is a name and a port: two ports on one machine are two servers with their own limits.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urlsplit

RATE_WINDOW = 1.0  # seconds over which a rate-limited host's admitted requests are counted
RATE_MARGIN = 0.95  # pace a little under the rate the host was seen to admit
CATCH_UP = 0.8 * (1 - RATE_MARGIN) * RATE_WINDOW  # seconds a late paced start may be made up by the next
HEAD_REFUSALS_BEFORE_GET = 2


class HostGate:
    """Per (host, port) state: in-flight count, queued jobs, pacing after 429s, HEAD or GET."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.inflight = 0
        self.ready: deque[Any] = deque()  # jobs waiting for this host
        self.next_start = 0.0
        self.interval = 0.0  # seconds between request starts; 0 = unpaced
        self.paced_since: float | None = None
        self.probe: float | None = None  # start time of the first 429'd request, to estimate the rate from
        self.admitted: deque[float] = deque()  # start times of recent requests that were not refused with 429
        self.refused_in_row = 0
        self.head_refusals = 0  # HEADs answered 405/501
        self.head_lies = False  # HEAD said gone while GET found the page

    @property
    def prefers_get(self) -> bool:
        """A host that refuses HEAD or answers it wrongly is asked with GET: a HEAD would be a wasted request."""
        return self.head_lies or self.head_refusals >= HEAD_REFUSALS_BEFORE_GET

    def can_start(self, now: float) -> bool:
        return self.inflight < self.limit and now >= self.next_start

    def started(self, now: float) -> None:
        self.inflight += 1
        if self.probe is not None:
            self._estimate_rate()
        if self.interval:
            # A start that came a little late (a busy event loop) is made up by the next one, within a slack
            # small enough that no counting window sees more than the host admits (it is a part of the
            # margin under the admitted rate); lateness beyond it is lost.
            self.next_start = max(self.next_start, now - CATCH_UP) + self.interval

    def admitted_at(self, start: float) -> None:
        self.refused_in_row = 0
        self.admitted.append(start)
        while self.admitted and self.admitted[0] < start - 2 * RATE_WINDOW:
            self.admitted.popleft()

    def rate_limited(self, start: float, now: float, retry_after: float | None) -> None:
        """A 429. The refused request itself waits for its Retry-After (the checker does that); the host is
        paused for one counting window, so that every request the host counted before refusing has left its
        window, and is then paced just under the rate it was seen to admit. Pausing the whole host for the
        full Retry-After would stall every other link of it although the host only asked for a slower pace.
        Once paced, a lone 429 (timing jitter) only slows the pace a little; 429s in a row mean the estimate
        is wrong (a longer window, a smaller quota), so the pace is cut and the host paused for Retry-After."""
        if self.paced_since is None:
            self.probe = start  # the rate is estimated when the pause ends and every answer is in
            self.paced_since = now
            self.refused_in_row = 0
            self.next_start = max(self.next_start, now + RATE_WINDOW)
        elif start >= self.paced_since:  # refused although paced (requests sent earlier do not count)
            self.refused_in_row += 1
            self.paced_since = now
            if self.refused_in_row > 1:
                self.interval *= 1.5
                pause = retry_after if retry_after is not None else max(self.interval, RATE_WINDOW)
                self.next_start = max(self.next_start, now + max(pause, RATE_WINDOW))
            else:
                self.interval *= 1.1

    def _estimate_rate(self) -> None:
        probe = self.probe
        assert probe is not None
        seen = sum(1 for t in self.admitted if probe - RATE_WINDOW < t <= probe + 0.02)
        self.interval = RATE_WINDOW / (seen * RATE_MARGIN) if seen else RATE_WINDOW
        self.probe = None


def host_key(url: str) -> tuple[str, int]:
    """Hosts are told apart by name and port: two ports on one machine are two servers."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:  # a malformed URL or port: the request itself will fail and say why
        return "", 0
    return (parts.hostname or "").lower(), port
