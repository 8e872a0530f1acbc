"""The one place that builds HTTP clients: timeouts, redirect limit, size caps, user agent.

Both the metadata fetcher and the link checker build their transports here so the policy is the same
everywhere: only http and https, and no private address unless the user named it (``tracker.web.http.netguard``).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tracker import __version__
from tracker.web.http.netguard import AddressRule, GuardedTransport, guarded_http_transport

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


def build_async_transport(policy: HttpPolicy = DEFAULT_POLICY, rule: AddressRule | None = None) -> httpx.AsyncBaseTransport:
    """A bare async transport under the address policy (``tracker.web.http.netguard``) with the policy's connection
    limits, honouring HTTP(S)_PROXY and NO_PROXY.

    Callers send each hop through it directly and follow redirects themselves: an httpx client would parse every
    redirect target (and raise on ``javascript:``, ``mailto:`` and other non-http ones) before they see it.
    Requests carrying the ``PRIVATE_OK`` extension may reach private addresses (the user named that host).
    """
    import urllib.request

    rule = rule if rule is not None else AddressRule.from_env()
    limits = _limits(policy)
    proxies = urllib.request.getproxies_environment()
    proxy_for = {
        scheme: proxy
        for scheme in ALLOWED_SCHEMES
        if (proxy := proxies.get(scheme) or proxies.get("all")) and proxy.startswith(("http://", "https://"))
    }

    def factory(private_ok: bool) -> httpx.AsyncBaseTransport:
        direct = guarded_http_transport(rule, private_ok, limits)
        if not proxy_for:
            return direct
        by_scheme = {
            scheme: guarded_http_transport(rule, private_ok, limits, proxy) for scheme, proxy in proxy_for.items()
        }
        return _ProxyChoice(direct, by_scheme)

    def proxied(url: httpx.URL) -> bool:
        return url.scheme in proxy_for and not urllib.request.proxy_bypass_environment(url.host)

    return GuardedTransport(factory, rule, proxied)


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


def hop_problem(url: str) -> str | None:
    """Why ``url`` (the first request or a redirect target) may not be requested, or None.

    Only http and https with a host and a real port: ``javascript:`` and ``data:`` targets, a port ``:0``
    (which httpx would quietly turn into 80) and anything httpx cannot parse are clean refusals, not exceptions.
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            return f"only http and https, not {scheme + ':' if scheme else 'a URL without a scheme'}"
        if not parts.hostname:
            return "URL without a host"
        port = parts.port
        if port is not None and not 0 < port < 65536:
            return f"bad port {port}"
        parsed = httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        return f"malformed URL ({exc})"
    if parsed.port == 0:
        return "bad port 0"
    return None
