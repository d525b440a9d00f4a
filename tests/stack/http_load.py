"""A small HTTP/1.1 load generator on asyncio (no dependency): N readers,
each on its own keep-alive connection, request the paths a chooser gives
until a deadline or a request budget runs out.

Every answer is recorded: status, latency, and when it ended. A request that
gets no complete answer (refused, reset, timed out) counts as an error with
status 0; an answer of 500 or more counts as an error too.
"""

import asyncio
import contextlib
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field


class ConnectionLost(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes


@dataclass
class LoadResult:
    started: float
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # (when, path, status or error text)

    @property
    def requests(self):
        return sum(self.statuses.values())

    @property
    def errors(self):
        return len(self.failures)

    def percentile(self, fraction):
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def summary(self):
        return {
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(1000 * self.percentile(0.50)),
            "p95_ms": round(1000 * self.percentile(0.95)),
            "max_ms": round(1000 * max(self.latencies, default=0)),
            "mean_ms": round(1000 * statistics.fmean(self.latencies)) if self.latencies else 0,
            "statuses": dict(sorted(self.statuses.items())),
        }


async def _read_body(reader, headers):
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                return bytes(body)
            body += await reader.readexactly(size)
            await reader.readline()
    length = headers.get("content-length")
    return await reader.readexactly(int(length)) if length else b""


class Connection:
    """One keep-alive connection to ``host:port``, reopened when closed."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method, path, headers=None, body=b""):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionLost("closed before an answer")
        status = int(status_line.split()[1])
        answer_headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _sep, value = line.decode("latin-1").partition(":")
            answer_headers[name.strip().lower()] = value.strip()
        content = b"" if method == "HEAD" else await _read_body(self.reader, answer_headers)
        if answer_headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, answer_headers, content)


async def fetch(host, port, method, path, headers=None, body=b"", timeout=30):
    """One request on a fresh connection."""
    connection = Connection(host, port)
    try:
        return await asyncio.wait_for(connection.request(method, path, headers, body), timeout)
    finally:
        await connection.close()


def request(host, port, method, path, headers=None, body=b"", timeout=30):
    """``fetch`` for synchronous callers."""
    return asyncio.run(fetch(host, port, method, path, headers, body, timeout))


async def _reader(number, connection, choose, result, deadline, budget, timeout, is_error):
    n = 0
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        method, path, headers = choose(number, n)
        n += 1
        sent = time.monotonic()
        try:
            response = await asyncio.wait_for(connection.request(method, path, headers), timeout)
        except (TimeoutError, OSError, ConnectionLost, asyncio.IncompleteReadError) as e:
            await connection.close()
            result.statuses[0] += 1
            result.failures.append((sent - result.started, path, f"{type(e).__name__}: {e}"))
            await asyncio.sleep(0.05)
            continue
        result.latencies.append(time.monotonic() - sent)
        result.statuses[response.status] += 1
        if is_error(response):
            result.failures.append((sent - result.started, path, response.status))


async def _run(host, port, choose, readers, seconds, max_requests, timeout, is_error):
    result = LoadResult(started=time.monotonic())
    deadline = result.started + seconds
    budget = [max_requests]
    connections = [Connection(host, port) for _ in range(readers)]
    try:
        await asyncio.gather(
            *(
                _reader(n, connections[n], choose, result, deadline, budget, timeout, is_error)
                for n in range(readers)
            )
        )
    finally:
        await asyncio.gather(*(connection.close() for connection in connections))
    result.seconds = time.monotonic() - result.started
    return result


def server_error(response):
    return response.status >= 500


def run_load(
    host,
    port,
    choose,
    *,
    readers,
    seconds,
    max_requests,
    timeout=30,
    is_error=server_error,
    during=None,
):
    """Run the load; ``choose(reader, n)`` gives the n-th ``(method, path,
    headers)`` of a reader. ``during`` (a coroutine function), if given, runs
    alongside (e.g. to kill a server half-way) and its value is returned too."""

    async def main():
        load = _run(host, port, choose, readers, seconds, max_requests, timeout, is_error)
        if during is None:
            return await load, None
        return tuple(await asyncio.gather(load, during()))

    return asyncio.run(main())
