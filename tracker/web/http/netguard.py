"""Which addresses a request may reach: no loopback, private, link-local, unique-local, multicast or cloud
metadata address, unless the user named that host or allowed it.

Why it is checked where the socket is opened: a check on the URL's text misses ``http://167772161/`` (10.0.0.1
spelt as one number), ``::ffff:10.0.0.1`` and any name whose DNS answer points inside (``evil.example`` ->
169.254.169.254, or a name that changes its answer between a check and the connect). So the guarded network
backend resolves the name itself, keeps only the addresses the rule allows and connects to one of those: the
address checked is the address connected to.

Exceptions, both the user's choice:
- the host the user's own URL names may be private (an intranet item, a server on this machine); the caller marks
  such requests with the ``PRIVATE_OK`` extension and they go through a separate pool, so a connection opened
  for them is never reused by a request that was not allowed there;
- ``TRACKER_ALLOW_PRIVATE``: ``1`` allows every address, or a comma-separated list of host names, addresses and
  networks (``intranet.example,10.0.0.0/8``) that redirects may lead to as well.

Through an HTTP proxy the proxy resolves names, so there only literal addresses and ``localhost`` are checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

ALLOW_SETTING = "TRACKER_ALLOW_PRIVATE"
PRIVATE_OK = "tracker.private_ok"  # request extension: the user's own URL named this host
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


class AddressRefused(Exception):
    """A request that would reach an address the policy forbids; raised before any connection is attempted."""

    def __init__(self, host: str, address: str) -> None:
        self.host = host
        self.address = address
        shown = host if host == address else f"{host} ({address})"
        super().__init__(f"private address refused: {shown} (see {ALLOW_SETTING})")


def parse_address(text: str) -> IPAddress | None:
    """``text`` as an IP address, also in the spellings the C library accepts (``167772161``, ``0x0a.1``)."""
    text = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if text and all(_numeric_part(part) for part in text.split(".")):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except (OSError, ValueError):
            return None
    return None


def _numeric_part(part: str) -> bool:
    if part[:2].lower() == "0x":
        return len(part) > 2 and all(c in "0123456789abcdefABCDEF" for c in part[2:])
    return part.isdigit()


def _embedded_ipv4(addr: IPAddress) -> IPAddress:
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return addr.ipv4_mapped
        if addr in _NAT64:
            return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if addr.sixtofour is not None:
            return addr.sixtofour
    return addr


def is_public_address(address: str | IPAddress) -> bool:
    """True for an address on the public internet (not loopback, private, link-local, unique-local, shared,
    reserved or multicast; IPv4 inside IPv6 is judged as the IPv4 it carries)."""
    addr = parse_address(address) if isinstance(address, str) else address
    if addr is None:
        return False
    addr = _embedded_ipv4(addr)
    return addr.is_global and not addr.is_multicast


def is_local_host(host: str | None) -> bool:
    """A host written as a non-public address, or ``localhost``: whether it answers does not depend on the
    internet (a refused port there is refused, online or not)."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    literal = parse_address(host)
    return literal is not None and not is_public_address(literal)


def is_internet_address(address: str) -> bool:
    """Does an answer from ``address`` prove that this machine reaches the internet? (Tests replace this to
    let a loopback server stand in for the internet.)"""
    return is_public_address(address)


@dataclass(frozen=True)
class AddressRule:
    """What may be reached besides public addresses: everything, or these names and networks."""

    allow_all: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> AddressRule:
        value = (os.environ if environ is None else environ).get(ALLOW_SETTING, "").strip()
        if value.lower() in ("1", "yes", "true", "all", "*"):
            return cls(allow_all=True)
        hosts: set[str] = set()
        networks = []
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError:
                hosts.add(item.lower().rstrip("."))
        return cls(False, frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: str) -> bool:
        if self.allow_all or is_public_address(address):
            return True
        if host.lower().rstrip(".") in self.hosts:
            return True
        addr = parse_address(address)
        return addr is not None and any(_embedded_ipv4(addr) in net or addr in net for net in self.networks)

    def names_allowed_host(self, host: str) -> bool:
        return self.allow_all or host.lower().rstrip(".") in self.hosts


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of ``host``, looked up in a daemon thread: a lookup that hangs (no network) holds up
    neither the event loop nor the end of the program, so a time limit really ends the command."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[list[str]] = loop.create_future()

    def deliver(value: Any, failed: bool) -> None:
        if not future.done():
            future.set_exception(value) if failed else future.set_result(value)

    def work() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            value, failed = [str(info[4][0]) for info in infos], False
        except Exception as exc:  # noqa: BLE001 - handed to the waiting coroutine
            value, failed = exc, True
        try:
            loop.call_soon_threadsafe(deliver, value, failed)
        except RuntimeError:  # the loop is gone: nobody waits any more
            pass

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    return await future


# Looked up at call time, so tests can put a stub resolver or a connection recorder in their place.
resolver: Resolver = system_resolver


async def open_tcp(host: str, port: int, timeout: float | None, **options: Any) -> httpcore.AsyncNetworkStream:
    """Open the TCP connection to an address already checked (the one place that connects)."""
    return await httpcore.AnyIOBackend().connect_tcp(host, port, timeout=timeout, **options)


async def resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """``host``'s addresses (a literal address is its own), within ``timeout``; httpcore's errors on failure."""
    literal = parse_address(host)
    if literal is not None:
        return [str(literal)]
    try:
        async with asyncio.timeout(timeout):
            found = await resolver(host, port)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"DNS lookup of {host} took over {timeout:g} s") from exc
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"DNS lookup failed: {exc}") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    if not found:
        raise httpcore.ConnectError(f"DNS lookup failed: no address for {host}") from socket.gaierror(
            socket.EAI_NONAME, "no address"
        )
    return list(dict.fromkeys(found))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, drops the addresses ``rule`` forbids (all allowed with ``private_ok``), connects to the rest."""

    def __init__(self, rule: AddressRule, private_ok: bool = False) -> None:
        self.rule = rule
        self.private_ok = private_ok

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout)
        allowed = [a for a in addresses if self.private_ok or self.rule.allows(host, a)]
        if not allowed:
            raise AddressRefused(host, addresses[0])
        error: Exception | None = None
        for address in allowed:
            try:
                return await open_tcp(
                    address, port, timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:  # try the next address, as a resolver-aware client does
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def guarded_http_transport(
    rule: AddressRule, private_ok: bool, limits: httpx.Limits, proxy: str | None = None
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose direct connections go through ``GuardedBackend``."""
    transport = httpx.AsyncHTTPTransport(limits=limits, proxy=proxy)
    if proxy is None:
        # httpx builds its httpcore pool without a way to pass a network backend; the pool reads this attribute
        # whenever it opens a connection (test_fetch's resolver-stub tests prove it is used).
        transport._pool._network_backend = GuardedBackend(rule, private_ok)  # type: ignore[attr-defined]
    return transport


def literal_problem(url: httpx.URL, rule: AddressRule) -> AddressRefused | None:
    """For requests a proxy resolves: a literal private address or ``localhost`` in the URL itself."""
    host = url.host
    if host.lower().rstrip(".") in _LOCAL_NAMES or host.lower().endswith(".localhost"):
        return None if rule.names_allowed_host(host) else AddressRefused(host, "127.0.0.1")
    literal = parse_address(host)
    if literal is not None and not rule.allows(host, str(literal)):
        return AddressRefused(host, str(literal))
    return None


class GuardedTransport(httpx.AsyncBaseTransport):
    """Sends requests marked ``PRIVATE_OK`` through their own pool (private addresses allowed) and all others
    through a strict one, so no pooled connection crosses from one to the other."""

    def __init__(self, factory: Callable[[bool], httpx.AsyncBaseTransport], rule: AddressRule,
                 proxied: Callable[[httpx.URL], bool] = lambda url: False) -> None:
        self.factory = factory
        self.rule = rule
        self.proxied = proxied
        self.pools: dict[bool, httpx.AsyncBaseTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        private_ok = bool(request.extensions.get(PRIVATE_OK))
        if not private_ok and self.proxied(request.url):
            problem = literal_problem(request.url, self.rule)
            if problem is not None:
                raise problem
        pool = self.pools.get(private_ok)
        if pool is None:
            pool = self.pools[private_ok] = self.factory(private_ok)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        pools, self.pools = list(self.pools.values()), {}
        for pool in pools:
            await pool.aclose()


def same_host(url: str, other: str) -> bool:
    """Do two URLs name the same host (case and a trailing dot aside)? The user's URL names the hosts a
    request may reach at a private address."""
    from urllib.parse import urlsplit

    try:
        first, second = urlsplit(url).hostname, urlsplit(other).hostname
    except ValueError:
        return False
    return bool(first) and (first or "").rstrip(".") == (second or "").rstrip(".")


def connected_address(response: httpx.Response) -> str | None:
    """The address the response came from, when the transport tells (httpcore's ``network_stream``)."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        peer = stream.get_extra_info("server_addr")
    except Exception:  # noqa: BLE001 - only a hint
        return None
    return str(peer[0]) if isinstance(peer, tuple) and peer else None
