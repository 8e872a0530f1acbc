"""The closest Wayback Machine copy of a URL, through the availability API.

The API base comes from ``TRACKER_WAYBACK_URL`` (default the public one; ``off`` turns lookups off), so tests
point it at a fake on 127.0.0.1 with the same JSON shape. A lookup that cannot reach the API says so and
claims nothing: "no copy" is only ever said when the API answered that.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

DEFAULT_API = "https://archive.org/wayback/available"
ENV_API = "TRACKER_WAYBACK_URL"
MAX_LOOKUPS = 100  # per run: a list with thousands of dead links asks again on the next run
CONCURRENCY = 4


@dataclass
class WaybackAnswers:
    """``copies``: url -> archived copy; ``missing``: urls the API has no copy of; ``note``: why some were not
    asked or not answered (None when every lookup got an answer)."""

    copies: dict[str, str] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    note: str | None = None


def api_base() -> str | None:
    """The availability API to ask, or None when lookups are off."""
    value = os.environ.get(ENV_API)
    if value is None:
        return DEFAULT_API
    value = value.strip()
    return None if value.lower() in ("", "off", "0", "no", "false") else value


def closest_copy(answer: object) -> str | None:
    """The copy's URL in an availability API answer, or None (no copy, or not that JSON shape)."""
    if not isinstance(answer, dict):
        return None
    closest = (answer.get("archived_snapshots") or {}).get("closest") if isinstance(
        answer.get("archived_snapshots"), dict) else None
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    url = closest.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    return url


MAX_ANSWER_BYTES = 256 * 1024


async def _ask(transport, headers: dict[str, str], timeout: float, base: str, url: str,
               timestamp: str | None) -> tuple[str, str | None, str | None]:
    """(url, copy, error) for one lookup: one GET (no redirects) through the project's transport, so the
    address policy holds; the API host is the user's choice (``TRACKER_WAYBACK_URL``), like a list's own URL."""
    import httpx

    from tracker.web.http.netguard import PRIVATE_OK

    params = {"url": url, **({"timestamp": timestamp} if timestamp else {})}
    address = f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"
    extensions = {"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout},
                  PRIVATE_OK: True}
    try:
        async with asyncio.timeout(2 * timeout):
            response = await transport.handle_async_request(
                httpx.Request("GET", address, headers=headers, extensions=extensions))
            try:
                body = b""
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        return url, None, "the answer was too large"
            finally:
                await response.aclose()
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        return url, None, f"{type(exc).__name__}: {exc}"[:160]
    except Exception as exc:  # noqa: BLE001 - e.g. the address policy refusing: a lookup that failed, said so
        return url, None, f"{type(exc).__name__}: {exc}"[:160]
    if response.status_code != 200:
        return url, None, f"HTTP {response.status_code}"
    try:
        return url, closest_copy(json.loads(body)), None
    except ValueError:
        return url, None, "the answer was not JSON"


def find_copies(urls: Sequence[str], timestamps: dict[str, str] | None = None, timeout: float = 10.0) -> WaybackAnswers:
    """Ask the availability API about each URL (at most ``MAX_LOOKUPS``, ``CONCURRENCY`` at once)."""
    answers = WaybackAnswers()
    base = api_base()
    urls = list(dict.fromkeys(urls))
    if not urls:
        return answers
    if base is None:
        answers.note = f"Wayback lookups are off ({ENV_API}=off)"
        return answers
    asked = urls[:MAX_LOOKUPS]

    async def run() -> list[tuple[str, str | None, str | None]]:
        from tracker.web.http.policy import build_async_transport, request_headers

        gate = asyncio.Semaphore(CONCURRENCY)
        transport = build_async_transport()
        headers = {**request_headers(), "Accept": "application/json"}
        try:

            async def one(url: str) -> tuple[str, str | None, str | None]:
                async with gate:
                    return await _ask(transport, headers, timeout, base, url, (timestamps or {}).get(url))

            return await asyncio.gather(*(one(u) for u in asked))
        finally:
            await transport.aclose()

    failures: list[str] = []
    for url, copy, error in asyncio.run(run()):
        if error:
            failures.append(error)
        elif copy:
            answers.copies[url] = copy
        else:
            answers.missing.add(url)
    notes = []
    if failures:
        notes.append(f"the Wayback Machine could not be reached for {len(failures)} link(s) ({failures[0]}): "
                     "no claim is made about their archived copies")
    if len(urls) > len(asked):
        notes.append(f"{len(urls) - len(asked)} more link(s) not looked up in this run (at most {MAX_LOOKUPS})")
    answers.note = "; ".join(notes) or None
    return answers
