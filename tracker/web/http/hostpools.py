"""One small connection pool per host:port for the link checker.

Why: httpcore's connection pool scans every connection it holds for every request it assigns, so one pool
shared by all hosts (64 connections and more) cost more CPU than everything else in a run (on a loaded machine
the checker fell behind its own schedule). A pool per host holds only ``per_host`` connections, and the gate in
front of each host already enforces the limits. Idle pools beyond ``keep`` are closed, least recently used
first, so a list with thousands of hosts never holds thousands of open sockets.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx


class _Pool:
    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport
        self.active = 0  # responses handed out and not yet closed


class _TrackedStream(httpx.AsyncByteStream):
    """The response body, telling its pool when it is closed (the connection is free again)."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: _Pool) -> None:
        self.stream = stream
        self.pool = pool
        self.open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.stream:
            yield chunk

    async def aclose(self) -> None:
        if self.open:
            self.open = False
            self.pool.active -= 1
        await self.stream.aclose()


class HostPools(httpx.AsyncBaseTransport):
    """Routes each request to its host's own transport, made by ``factory`` when first needed."""

    def __init__(self, factory: Callable[[], httpx.AsyncBaseTransport], keep: int = 64) -> None:
        self.factory = factory
        self.keep = keep
        self.pools: OrderedDict[tuple[str, str, int | None], _Pool] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.scheme, request.url.host, request.url.port)
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = _Pool(self.factory())
            await self._close_idle()
        self.pools.move_to_end(key)
        pool.active += 1
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.active -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _TrackedStream(response.stream, pool)
        return response

    async def _close_idle(self) -> None:
        if len(self.pools) <= self.keep:
            return
        for key in [k for k, pool in self.pools.items() if pool.active == 0][: len(self.pools) - self.keep]:
            await self.pools.pop(key).transport.aclose()

    async def aclose(self) -> None:
        pools, self.pools = list(self.pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()
