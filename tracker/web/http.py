"""The one place that builds HTTP clients: timeouts, redirect limit, size caps, user agent.

Both the metadata fetcher and the link checker build their clients here so the policy is the same everywhere.
Only http and https are ever requested.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tracker import __version__

USER_AGENT = f"tracker/{__version__} (+https://github.com/tracker-project/tracker; reading-list metadata and link checker)"
ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class HttpPolicy:
    """Limits applied to every request; tests and commands may pass a tighter one."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_redirects: int = MAX_REDIRECTS
    max_html_bytes: int = 3 * 1024 * 1024
    max_decoded_bytes: int = 8 * 1024 * 1024
    global_concurrency: int = 64
    per_host_concurrency: int = 4
    retries: int = 2
    max_retry_after: float = 10.0
    user_agent: str = USER_AGENT
    whole_page: bool = False  # read the whole body (within the caps), not only what metadata needs: the archive

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout, pool=self.total_timeout)


DEFAULT_POLICY = HttpPolicy()


def request_headers(policy: HttpPolicy = DEFAULT_POLICY) -> dict[str, str]:
    """The headers every request carries (user agent, accept), for callers that build requests themselves."""
    return {
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "en;q=0.9,*;q=0.5",
    }


def _limits(policy: HttpPolicy) -> httpx.Limits:
    return httpx.Limits(
        max_connections=policy.global_concurrency, max_keepalive_connections=policy.global_concurrency
    )


def build_async_transport(policy: HttpPolicy = DEFAULT_POLICY) -> httpx.AsyncBaseTransport:
    """A bare async transport with the policy's connection limits, honouring HTTP(S)_PROXY and NO_PROXY.

    The link checker sends each hop through it directly: a client would try to parse every redirect target
    (and fail on ``mailto:`` and other non-http ones) before the checker sees the response.
    """
    import urllib.request

    limits = _limits(policy)
    direct = httpx.AsyncHTTPTransport(limits=limits)
    proxies = urllib.request.getproxies_environment()
    by_scheme: dict[str, httpx.AsyncBaseTransport] = {}
    for scheme in ALLOWED_SCHEMES:
        proxy = proxies.get(scheme) or proxies.get("all")
        if proxy and proxy.startswith(("http://", "https://")):
            by_scheme[scheme] = httpx.AsyncHTTPTransport(limits=limits, proxy=proxy)
    return _ProxyChoice(direct, by_scheme) if by_scheme else direct


class _ProxyChoice(httpx.AsyncBaseTransport):
    """Sends each request through its scheme's proxy, or directly for hosts NO_PROXY names."""

    def __init__(
        self, direct: httpx.AsyncBaseTransport, by_scheme: dict[str, httpx.AsyncBaseTransport]
    ) -> None:
        self.direct = direct
        self.by_scheme = by_scheme

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import urllib.request

        transport = self.by_scheme.get(request.url.scheme, self.direct)
        if transport is self.direct or urllib.request.proxy_bypass_environment(request.url.host):
            return await self.direct.handle_async_request(request)
        try:
            return await transport.handle_async_request(request)
        except httpx.ConnectError as exc:  # the proxy is unreachable: that says nothing about the page
            raise httpx.ProxyError(f"proxy unreachable: {exc}", request=request) from exc

    async def aclose(self) -> None:
        for transport in {self.direct, *self.by_scheme.values()}:
            await transport.aclose()


def build_async_client(policy: HttpPolicy = DEFAULT_POLICY) -> httpx.AsyncClient:
    """An async client for concurrent metadata fetches; redirects are followed by the caller, hop by hop.

    (The link checker sends through ``build_async_transport`` instead, see there.)
    """
    return httpx.AsyncClient(
        headers=request_headers(policy), timeout=policy.timeout(), limits=_limits(policy), follow_redirects=False
    )


def policy_from_env(base: HttpPolicy = DEFAULT_POLICY) -> HttpPolicy:
    """``base`` with ``TRACKER_TIMEOUT`` (seconds, total per request) applied: for slow networks or quick tests."""
    import dataclasses
    import os

    value = os.environ.get("TRACKER_TIMEOUT", "").strip()
    try:
        total = float(value) if value else None
    except ValueError:
        total = None
    if total is None or total <= 0:
        return base
    return dataclasses.replace(
        base,
        total_timeout=total,
        read_timeout=min(base.read_timeout, total),
        connect_timeout=min(base.connect_timeout, total),
    )
