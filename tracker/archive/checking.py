"""``tracker check`` and the archive: a 200 whose page quietly died is ``changed``, never ``ok``; a dead or
changed link gets the Wayback Machine's closest copy.

Only pages with a snapshot are fetched again (in full, to compare their text): the link checker itself reads
a few KB of each page, which is enough for its verdicts but not for a comparison.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.archive.compare import Finding, judge
from tracker.archive.files import COPIES_FILE, read_page, snapshot_path
from tracker.archive.wayback import WaybackAnswers, find_copies

if TYPE_CHECKING:
    from tracker.web.http.fetch import FetchResult
    from tracker.web.links.linkcheck import LinkResult
    from tracker.web.links.linksource import LinkTarget

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
COMPARE_CONCURRENCY = 8


def _title_of(body: bytes) -> str:
    import html

    match = _TITLE.search(body[:200_000])
    return " ".join(html.unescape(match.group(1).decode("utf-8", "replace")).split()) if match else ""


def _live_view(result: FetchResult) -> tuple[str, str]:
    """(title, readable text) of a fetched page, the same way its snapshot was made."""
    from tracker.archive.capture import snapshot_of

    snapshot = snapshot_of(result, result.final_url)
    text = snapshot.text if snapshot is not None else ""
    return _title_of(result.body) if result.is_html else "", text


def _judge_all(saved_ids: dict[str, str], root: Path, timeout: float) -> dict[str, Finding | None]:
    """url -> what comparing the live page with its snapshot found (None: still the same page). Each page is
    judged as soon as it arrives and its body dropped, so 10,000 pages never sit in memory at once."""
    import dataclasses as dc

    from tracker.web.http.fetch import fetch_page_async
    from tracker.web.http.policy import DEFAULT_POLICY, build_async_transport

    policy = dc.replace(DEFAULT_POLICY, total_timeout=timeout * 2, connect_timeout=timeout, read_timeout=timeout,
                        global_concurrency=COMPARE_CONCURRENCY, whole_page=True)  # read as the snapshot was

    def judge_one(url: str, live: FetchResult) -> Finding | None:
        page = read_page(root, saved_ids[url])
        if page is None or not page.text or not live.ok:  # a failed second fetch keeps the checker's verdict
            return None
        title, text = _live_view(live)
        return judge(page.text, title, text)

    async def run() -> dict[str, Finding | None]:
        gate = asyncio.Semaphore(COMPARE_CONCURRENCY)
        found: dict[str, Finding | None] = {}
        transport = build_async_transport(policy)  # the address policy applies to these fetches too
        try:

            async def one(url: str) -> None:
                async with gate:
                    live = await fetch_page_async(url, transport, policy)
                found[url] = await asyncio.to_thread(judge_one, url, live)

            await asyncio.gather(*(one(u) for u in saved_ids))
        finally:
            await transport.aclose()
        return found

    return asyncio.run(run())


def review_ok_pages(results: list[LinkResult], targets: Iterable[LinkTarget], root: Path,
                    timeout: float = 10.0) -> list[LinkResult]:
    """``results`` with each ``ok`` page that has a snapshot compared against it: a soft 404, parked or login
    page, or a page whose text no longer resembles the snapshot, becomes ``changed`` (the detail says which)."""
    from tracker.web.links.linkcheck import Verdict

    ok_urls = {r.url for r in results if r.verdict == Verdict.OK}
    saved_ids: dict[str, str] = {}
    for target in targets:
        if target.id and target.url in ok_urls and target.url not in saved_ids:
            path = snapshot_path(root, target.id)
            if path is not None and path.is_file():
                saved_ids[target.url] = target.id
    if not saved_ids:
        return results
    findings = _judge_all(saved_ids, root, timeout)
    reviewed: list[LinkResult] = []
    for result in results:
        finding = findings.get(result.url)
        if finding is None:
            reviewed.append(result)
        else:
            reviewed.append(dataclasses.replace(result, verdict=Verdict("changed"), detail=finding.detail))
    return reviewed


def rescue_links(results: Iterable[LinkResult], root: Path | None, ids: dict[str, str],
                 timeout: float = 10.0) -> WaybackAnswers:
    """The closest Wayback copy of every dead or changed link; a changed page's copy is the one nearest the
    day its snapshot was saved (the page as it was)."""
    wanted = [r.url for r in results if r.verdict.value in ("dead", "changed") and not r.inconclusive]
    stamps: dict[str, str] = {}
    if root is not None:
        for url in wanted:
            page = read_page(root, ids[url], with_text=False) if ids.get(url) else None
            saved = (page.header.get("saved", "") if page else "").replace("-", "")
            if saved.isdigit():
                stamps[url] = saved
    answers = find_copies(wanted, stamps, timeout)
    if root is not None and (answers.copies or answers.missing):
        remember_copies(root, answers)
    return answers


def remember_copies(root: Path, answers: WaybackAnswers) -> None:
    """Keep the copies found (and forget the ones the API no longer has) for the reading room's Dead links."""
    import json
    import os

    path = root / ".tracker" / COPIES_FILE
    known = known_copies(root)
    known.update(answers.copies)
    for url in answers.missing:
        known.pop(url, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{COPIES_FILE}.{os.getpid()}")
    temp.write_text(json.dumps(known, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)


def known_copies(root: Path) -> dict[str, str]:
    """url -> archived copy, as the last check runs found them (empty when never looked up)."""
    import json

    try:
        data = json.loads((root / ".tracker" / COPIES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}
