"""A small closed-loop HTTP load generator: N client processes, keep-alive, latencies per request.

Run by scripts/bench.py (BENCH_LOADGEN=python) in a process of its own, the spec on stdin
(thousands of submit paths outgrow a command line):
`echo '{"host": ..., "port": ..., "method": "GET", "paths": [...]}' | python scripts/loadgen.py`
prints one JSON line: {"requests", "errors", "seconds", "rps", "p50_ms", "p95_ms", "cache_hits"}.
Each client cycles through its share of `paths` (for `submit`, one fresh draft per request).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import sys
import time
from typing import Any


def _client(spec: dict[str, Any], paths: list[str], deadline: float, out: Any) -> None:
    """One client: one keep-alive connection, requests back to back until the deadline."""
    conn = http.client.HTTPConnection(spec["host"], spec["port"], timeout=30)
    headers = dict(spec.get("headers") or {})
    body = spec.get("body")
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers["Content-Type"] = "application/json"
    latencies: list[float] = []
    errors = hits = 0
    index = 0
    once = spec.get("once", False)
    while time.monotonic() < deadline and paths:
        if once and index >= len(paths):
            break
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            conn.request(spec["method"], path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status < 400
            hits += response.getheader("X-Page-Cache") == "hit"
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(spec["host"], spec["port"], timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
        if not ok:
            errors += 1
    conn.close()
    out.put((latencies, errors, hits))


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Drive the server with `clients` processes for `seconds`; summarise the latencies."""
    clients = int(spec.get("clients", 8))
    paths = list(spec["paths"])
    # `once`: every path is requested exactly once (each submit takes its own draft).
    shares = [paths[i::clients] for i in range(clients)] if spec.get("once") else [paths] * clients
    queue: Any = multiprocessing.Queue()
    started = time.monotonic()
    deadline = started + float(spec.get("seconds", 10))
    workers = [
        multiprocessing.Process(target=_client, args=(spec, share, deadline, queue))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    latencies = sorted(x for lat, _e, _h in results for x in lat)
    errors = sum(e for _lat, e, _h in results)
    hits = sum(h for _lat, _e, h in results)

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2)

    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        # The share of answers the page cache served (X-Page-Cache: hit).
        "cache_hits": round(hits / len(latencies), 3) if latencies else 0.0,
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.stdin.read()))))  # noqa: T201 - the result, for bench.py
