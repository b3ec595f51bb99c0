"""A small closed-loop HTTP load generator (threads + keep-alive http.client), for machines
without wrk. Each connection sends its next request as soon as the previous answer is read.

    from benchmarks.loadgen import run
    run("127.0.0.1", 8000, lambda i: ("GET", "/healthz", None, {}), connections=8, seconds=10)
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

Request = tuple[str, str, bytes | None, dict[str, str]]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(host: str, port: int, make: Callable[[int], Request], *, connections: int = 8, seconds: float = 10.0,
        requests: int | None = None, ok: tuple[int, ...] = (200, 201, 302, 303)) -> dict[str, Any]:
    """Rate, p50/p95/p99 in ms, and the status counts; `make(i)` builds the i-th request."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(10**12))
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter)
            if requests is not None and i >= requests:
                break
            method, path, body, headers = make(i)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status = 0
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    good = sum(v for k, v in statuses.items() if k in ok)
    return {
        "requests": len(latencies), "ok": good, "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rate_per_s": round(good / wall, 1) if wall else 0.0,
        "p50_ms": round(1000 * _percentile(latencies, 0.50), 1), "p95_ms": round(1000 * _percentile(latencies, 0.95), 1),
        "p99_ms": round(1000 * _percentile(latencies, 0.99), 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else 0.0,
    }
