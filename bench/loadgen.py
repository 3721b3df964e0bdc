"""A small closed-loop HTTP load generator: N concurrent keep-alive clients, fixed time.

Written with asyncio streams so it needs nothing beyond the standard library and leaves
most of the machine's two cores to the server under test. Loopback addresses only.
"""

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    label: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed_s: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server keeps the connection."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length = 0
    chunked = False
    keep_alive = True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and "close" in value.lower():
            keep_alive = False
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep_alive


async def _client(host, port, request: bytes, deadline: float, result: Result) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        try:
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            status, keep_alive = await _read_response(reader)
            elapsed = (time.perf_counter() - started) * 1000
            if status >= 400:
                result.errors += 1
            else:
                result.latencies_ms.append(elapsed)
            if not keep_alive:
                # gunicorn's sync workers close after each response: reconnect (the
                # connect time is part of the next request's latency, as for a browser).
                writer.close()
                reader = writer = None
        except (ConnectionError, asyncio.IncompleteReadError, OSError, ValueError):
            result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _run(label, host, port, path, cookie, concurrency, seconds) -> Result:
    if not host.startswith("127.") and host not in ("localhost", "::1"):
        raise ValueError("The load generator only targets this machine's loopback address.")
    headers = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "User-Agent: t2a-bench",
        "Accept: text/html",
        "Connection: keep-alive",
    ]
    if cookie:
        headers.append(f"Cookie: {cookie}")
    request = ("\r\n".join(headers) + "\r\n\r\n").encode()
    result = Result(label)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *[_client(host, port, request, deadline, result) for _ in range(concurrency)]
    )
    result.elapsed_s = time.monotonic() - started
    return result


def run(label, host, port, path, *, cookie="", concurrency=16, seconds=10.0) -> Result:
    return asyncio.run(_run(label, host, port, path, cookie, concurrency, seconds))
