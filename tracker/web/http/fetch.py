"""Fetch one page under the HTTP policy: redirects checked hop by hop, time and size bounded, body decoded.

Why not let httpx follow redirects and decompress: we check every hop (scheme, port, address) and spot loops, and we
decompress ourselves with a cap on the output so a gzip bomb costs at most ``max_decoded_bytes`` of memory.
HTML reading stops once ``</head>`` and the start of the body are in when the head already carries metadata.
"""

from __future__ import annotations

import asyncio
import re
import socket
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from tracker.urls import names_pdf
from tracker.web.http.backoff import backoff_delay, parse_retry_after
from tracker.web.http.netguard import ALLOW_SETTING, PRIVATE_OK, AddressRefused, same_host
from tracker.web.http.policy import DEFAULT_POLICY, HttpPolicy, hop_problem, request_headers

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 500, 502, 503, 504})
HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_SNIFF_BYTES = 256 * 1024
BODY_AFTER_HEAD = 64 * 1024
_RICH_HEAD = re.compile(rb"og:title|application/ld\+json|citation_title|twitter:title", re.I)
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.I)


@dataclass
class FetchResult:
    """What came back: final URL after redirects, status, content type, the (bounded) body, or why not.

    New facts about a fetch go here as fields with defaults, so every caller keeps working.
    """

    url: str
    final_url: str
    status: int | None = None
    content_type: str | None = None
    body: bytes = b""
    error: str | None = None
    redirects: list[str] = field(default_factory=list)
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    failure: str | None = None  # what kind of failure ``error`` is: dns, private-address, bad-url, timeout, ...

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400

    @property
    def is_html(self) -> bool:
        media = (self.content_type or "").split(";")[0].strip().lower()
        return media in HTML_TYPES or (not media and self.body.lstrip()[:1] == b"<")

    @property
    def is_pdf(self) -> bool:
        media = (self.content_type or "").split(";")[0].strip().lower()
        return media == "application/pdf" or self.body.startswith(b"%PDF-")


class _CappedDecoder:
    """Decompress gzip/deflate incrementally, never producing more than ``limit`` bytes in total."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.produced = 0
        if encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = None  # zlib-wrapped or raw deflate: decided on the first bytes
        elif encoding in ("", "identity"):
            self._inflater = False
        else:
            raise ValueError(f"unsupported content encoding {encoding!r}")

    def feed(self, chunk: bytes) -> bytes:
        room = self.limit - self.produced
        if room <= 0:
            return b""
        if self._inflater is False:
            out = chunk[:room]
        else:
            if self._inflater is None:
                raw = chunk[:1] and (chunk[0] & 0x0F) != 8
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
            try:
                out = self._inflater.decompress(chunk, room)
            except zlib.error as exc:
                raise ValueError(f"corrupt {self.encoding} body: {exc}") from exc
        self.produced += len(out)
        return out

    @property
    def full(self) -> bool:
        return self.produced >= self.limit


def _body_limit(content_type: str, url: str, policy: HttpPolicy) -> int:
    media = content_type.split(";")[0].strip().lower()
    if media in HTML_TYPES or not media or media.startswith("text/"):
        return policy.max_html_bytes
    if media == "application/pdf" or names_pdf(url):
        return policy.max_decoded_bytes if policy.whole_page else PDF_SNIFF_BYTES
    return 0


def _retry_delay(response: httpx.Response, attempt: int, policy: HttpPolicy) -> float:
    """What the server asked for (Retry-After, capped), else the same backoff the link checker uses."""
    asked = parse_retry_after(response.headers.get("retry-after"))
    if asked is not None:
        return min(asked, policy.max_retry_after)
    return backoff_delay(attempt, base=0.5, cap=policy.max_retry_after)


async def _read_body(response: httpx.Response, result: FetchResult, policy: HttpPolicy) -> None:
    limit = _body_limit(result.content_type or "", result.final_url, policy)
    if limit == 0:
        return
    encoding = response.headers.get("content-encoding", "").strip().lower()
    try:
        decoder = _CappedDecoder(encoding, min(limit, policy.max_decoded_bytes))
    except ValueError as exc:
        result.error = str(exc)
        return
    chunks: list[bytes] = []
    raw_read = 0
    head_end: int | None = None
    rich_head = False
    size = 0
    async for raw in response.aiter_raw():
        raw_read += len(raw)
        try:
            piece = decoder.feed(raw)
        except ValueError as exc:
            result.error = str(exc)
            break
        chunks.append(piece)
        if head_end is None and limit == policy.max_html_bytes:
            window = b"".join(chunks[-2:]) if len(chunks) > 1 else piece
            found = _HEAD_END.search(window)
            if found:
                head_end = size + len(piece)
                rich_head = bool(_RICH_HEAD.search(b"".join(chunks)))
        size += len(piece)
        if decoder.full or raw_read > policy.max_decoded_bytes:
            result.truncated = True
            break
        if rich_head and head_end is not None and size >= head_end + BODY_AFTER_HEAD and not policy.whole_page:
            result.truncated = True
            break
    result.body = b"".join(chunks)


async def fetch_page_async(
    url: str, transport: httpx.AsyncBaseTransport, policy: HttpPolicy = DEFAULT_POLICY
) -> FetchResult:
    """GET ``url`` under ``policy``; never raises for network trouble: the reason is in ``result.error``.

    ``transport`` comes from ``tracker.web.http.policy.build_async_transport`` (the address policy lives there): the
    host ``url`` names may be private (the user chose it), a redirect elsewhere may not.
    """
    result = FetchResult(url=url, final_url=url)
    try:
        async with asyncio.timeout(policy.total_timeout):
            await _follow(url, transport, policy, result)
    except TimeoutError:
        result.error = f"gave up after {policy.total_timeout:g} s (total time limit)"
        result.failure = result.failure or "timeout"
    return result


def _refuse(result: FetchResult, failure: str, reason: str) -> None:
    result.error = reason
    result.failure = failure


async def _follow(url: str, transport: httpx.AsyncBaseTransport, policy: HttpPolicy, result: FetchResult) -> None:
    current = url
    seen = {url}
    attempt = 0
    headers = {**request_headers(policy), "Accept-Encoding": "gzip, deflate"}
    timeouts = policy.timeout().as_dict()
    while True:
        problem = hop_problem(current)
        if problem is not None:
            where = "redirect to" if result.redirects else "refused to fetch"
            _refuse(result, "bad-url", f"{where} {current[:120]!r} refused: {problem}")
            return
        extensions = {"timeout": timeouts, PRIVATE_OK: same_host(current, url)}
        try:
            request = httpx.Request("GET", current, headers=headers, extensions=extensions)
            response = await transport.handle_async_request(request)
        except AddressRefused as exc:
            what = "redirect to a private address refused" if result.redirects else "private address refused"
            _refuse(result, "private-address", f"{what}: {exc.host} ({exc.address}); see {ALLOW_SETTING}")
            return
        except httpx.TimeoutException as exc:
            _refuse(result, "timeout", f"timed out ({type(exc).__name__.replace('Timeout', ' timeout').lower()})")
            return
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if _dns_gone(exc):  # a name that does not exist will not exist in a second either
                _refuse(result, "dns", "host not found (DNS lookup failed)")
                return
            if attempt < policy.retries:
                attempt += 1
                await asyncio.sleep(backoff_delay(attempt, base=0.4, cap=policy.max_retry_after))
                continue
            _refuse(result, "connect", _connection_reason(exc))
            return
        except (httpx.HTTPError, ValueError) as exc:
            _refuse(result, "error", f"request failed: {exc}")
            return
        try:
            result.status = response.status_code
            result.final_url = current
            result.content_type = response.headers.get("content-type")
            result.headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status_code in REDIRECT_CODES and response.headers.get("location"):
                target = urljoin(current, response.headers["location"].strip())
                result.redirects.append(target)
                if target in seen:
                    _refuse(result, "redirect", f"redirect loop: {target} was already visited")
                    return
                if len(result.redirects) > policy.max_redirects:
                    _refuse(result, "redirect", f"too many redirects (more than {policy.max_redirects})")
                    return
                seen.add(target)
                current = target
                continue
            if response.status_code in RETRY_CODES and attempt < policy.retries:
                attempt += 1
                await asyncio.sleep(_retry_delay(response, attempt, policy))
                continue
            if response.status_code >= 400:
                _refuse(result, "http", f"HTTP {response.status_code} {_reason(response)}".strip())
                return
            await _read_body(response, result, policy)
            return
        except httpx.TimeoutException:
            _refuse(result, "timeout", "timed out while reading the body (read timeout)")
            return
        except httpx.HTTPError as exc:
            _refuse(result, "connect", f"connection broke while reading: {exc}")
            return
        finally:
            await response.aclose()


def _reason(response: httpx.Response) -> str:
    try:
        return response.reason_phrase
    except Exception:  # noqa: BLE001 - an odd status line is no reason to fail
        return ""


def _dns_gone(exc: BaseException) -> bool:
    """A DNS answer that the name does not exist (not a temporary failure to ask)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, socket.gaierror):
            return item.errno != socket.EAI_AGAIN
        todo += [item.__cause__, item.__context__]
    return False


def _connection_reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text.lower():
        return "host not found (DNS lookup failed)"
    if "Connection refused" in text:
        return "connection refused"
    return f"could not connect: {text}"

