"""Look up a URL's metadata: what the URL alone tells, then the page itself, fetched under the HTTP policy.

Used by ``tracker add`` (one URL), ``tracker fetch`` (many, concurrently, polite per host) and ``tracker meta``.
A failed fetch never raises: the caller gets what is known plus the reason.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import httpx

from tracker.web.http.fetch import FetchResult, fetch_page_async
from tracker.web.http.hostgate import host_key
from tracker.web.http.policy import DEFAULT_POLICY, HttpPolicy, build_async_transport
from tracker.web.meta.authors import clean_author
from tracker.web.meta.metadata import extract_metadata
from tracker.web.meta.pagemeta import PageMetadata
from tracker.web.meta.sites import apply_url_knowledge, fetch_url_for, metadata_from_url
from tracker.web.meta.text import clean_text


@dataclass
class Lookup:
    """The metadata found for ``url`` and, when the fetch failed, why (``error``)."""

    url: str
    metadata: PageMetadata
    error: str | None = None
    status: int | None = None
    final_url: str | None = None
    failure: str | None = None  # the kind of failure (``FetchResult.failure``): dns, private-address, ...
    page: FetchResult | None = None  # the fetched page itself, for the archive (tracker.archive.capture)


_PDF_LITERAL = re.compile(rb"/(Title|Author)\s*\(((?:[^()\\]|\\.|\([^()]*\)){0,600})\)", re.S)
_PDF_HEX = re.compile(rb"/(Title|Author)\s*<([0-9A-Fa-f\s]{2,1200})>")
_XMP_TITLE = re.compile(rb"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", re.S)
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_string(raw: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(raw):
        ch = raw[i : i + 1]
        if ch == b"\\" and i + 1 < len(raw):
            nxt = raw[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += _PDF_ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += ch
        i += 1
    data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    return data.decode("latin-1")


def pdf_metadata(body: bytes, url: str) -> PageMetadata:
    """Title and author from a PDF's Info dictionary or XMP packet when they sit in the bytes we read."""
    meta = PageMetadata(url=url, kind="pdf")
    found: dict[str, str] = {}
    for match in _PDF_LITERAL.finditer(body):
        found.setdefault(match.group(1).decode(), _pdf_string(match.group(2)))
    for match in _PDF_HEX.finditer(body):
        hexdigits = re.sub(rb"\s", b"", match.group(2))
        try:
            raw = bytes.fromhex(hexdigits.decode())
        except ValueError:
            continue
        text = raw[2:].decode("utf-16-be", "replace") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
        found.setdefault(match.group(1).decode(), text)
    if "Title" not in found:
        xmp = _XMP_TITLE.search(body)
        if xmp:
            found["Title"] = xmp.group(1).decode("utf-8", "replace")
    title = clean_text(found.get("Title"), 300)
    if title and not re.fullmatch(r"(?i)(untitled|microsoft word - .*|.*\.(docx?|tex|dvi))", title):
        meta.title = title
    author = clean_author(found.get("Author", "")) if found.get("Author") else None
    if author:
        meta.authors = [author]
    return meta


def _filename_title(result: FetchResult) -> str | None:
    disposition = result.headers.get("content-disposition", "")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.I)
    if not match:
        return None
    name = unquote(match.group(1)).rsplit(".", 1)[0]
    return clean_text(re.sub(r"[-_]+", " ", name))


def metadata_from_response(url: str, result: FetchResult) -> PageMetadata:
    """Metadata from whatever came back: HTML is parsed, a PDF sniffed, anything else described by headers."""
    final = result.final_url or url
    if result.body and result.is_html:
        meta = extract_metadata(result.body, final, result.content_type)
    elif result.is_pdf:
        meta = pdf_metadata(result.body, final)
        meta.title = meta.title or _filename_title(result)
    else:
        media = (result.content_type or "").split(";")[0].strip().lower()
        kind = media.split("/")[0] if media.startswith(("image/", "video/", "audio/")) else "file"
        meta = PageMetadata(url=final, kind=kind if media else None, title=_filename_title(result))
    meta.url = url
    meta.canonical_url = meta.canonical_url or (final if final != url else None)
    apply_url_knowledge(meta)
    return meta


async def lookup_async(
    url: str, transport: httpx.AsyncBaseTransport, policy: HttpPolicy = DEFAULT_POLICY
) -> Lookup:
    """Metadata for ``url``; on a failed fetch, what the URL alone tells and the reason."""
    result = await fetch_page_async(fetch_url_for(url), transport, policy)
    return lookup_from_result(url, result)


def lookup_from_result(url: str, result: FetchResult) -> Lookup:
    """The Lookup for a finished fetch (CPU only: parsing and extraction)."""
    if not result.ok:
        return Lookup(url, metadata_from_url(url), result.error or f"HTTP {result.status}", result.status,
                      result.final_url, result.failure)
    try:
        meta = metadata_from_response(url, result)
    except Exception as exc:  # noqa: BLE001 - an odd page must never fail an add; report it instead
        return Lookup(url, metadata_from_url(url), f"could not read the page: {exc}", result.status,
                      result.final_url)
    return Lookup(url, meta, None, result.status, result.final_url, page=result)


def lookup(url: str, policy: HttpPolicy = DEFAULT_POLICY) -> Lookup:
    """One URL, synchronously (``tracker add``, ``tracker meta URL``)."""

    async def run() -> Lookup:
        transport = build_async_transport(policy)
        try:
            return await lookup_async(url, transport, policy)
        finally:
            await transport.aclose()

    return asyncio.run(run())


async def _lookup_many(urls: Sequence[str], policy: HttpPolicy, on_done: Callable[[Lookup], None] | None) -> list[Lookup]:
    overall = asyncio.Semaphore(policy.global_concurrency)
    per_host: dict[tuple[str, int], asyncio.Semaphore] = {}
    results: list[Lookup | None] = [None] * len(urls)

    transport = build_async_transport(policy)
    try:

        async def one(index: int, url: str) -> None:
            target = fetch_url_for(url)
            host = host_key(target)  # the link checker's notion of a host: name and port
            gate = per_host.setdefault(host, asyncio.Semaphore(policy.per_host_concurrency))
            async with gate, overall:
                fetched = await fetch_page_async(target, transport, policy)
            # Parse outside the host's slot and off the event loop, so the next requests go out meanwhile.
            found = await asyncio.to_thread(lookup_from_result, url, fetched)
            results[index] = found
            if on_done is not None:
                on_done(found)

        await asyncio.gather(*(one(i, u) for i, u in enumerate(urls)))
    finally:
        await transport.aclose()
    return [r for r in results if r is not None]


def lookup_many(
    urls: Sequence[str], policy: HttpPolicy = DEFAULT_POLICY, on_done: Callable[[Lookup], None] | None = None
) -> list[Lookup]:
    """Many URLs concurrently: at most ``global_concurrency`` at once and ``per_host_concurrency`` per host.

    Results come back in the order of ``urls``; ``on_done`` is called as each finishes (progress bars).
    """
    return asyncio.run(_lookup_many(urls, policy, on_done))
