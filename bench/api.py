"""Benchmark: single-filing POSTs to a running node at a fixed rate.

    python bench/api.py [--rate 100] [--seconds 60] [--back-to-back]

Starts ``seawall serve`` on SQLite in a temporary directory, then sends one POST every 1/rate
seconds, open loop: each latency is measured from the moment the request was due, so a slow
answer that delays the next ones counts against them too. Prints p50, p99, max and errors.
With ``--back-to-back`` the same POSTs go one after another, each when the last is answered:
the server's time per POST without the pauses between requests, in which a slow machine lets
the server's threads and the client fall asleep and then pays to wake them.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from ingest import filing_records


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def seawall(*args: str, env: dict[str, str]) -> str:
    command = [str(Path(sys.executable).with_name("seawall")), *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--back-to-back", action="store_true", help="no pauses (see above)")
    args = parser.parse_args()
    total = int(args.rate * args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = os.environ | {"SEAWALL_DATA_DIR": tmp, "SEAWALL_PORT": str(port), "CI": "1"}
        seawall("db", "upgrade", env=env)
        seawall(
            "users", "create", "bench-filer", "--role", "filer", "--filer-id", "FWD001", env=env
        )
        key = seawall("keys", "create", "bench-filer", env=env).strip()
        bodies = []
        for record in filing_records(total):
            record.pop("received_at")
            bodies.append(record)
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("seawall")), "serve"], env=env
        )
        try:
            url = f"http://127.0.0.1:{port}"
            # TCP_NODELAY, as HTTP clients and proxies in production set it: without it the
            # body waits for the ACK of the headers, which Linux delays by up to 40 ms.
            transport = httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            )
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=url, headers=headers, transport=transport) as client:
                for _ in range(100):
                    try:
                        client.get("/healthz")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                latencies, errors = [], 0
                start = time.perf_counter()
                for n, body in enumerate(bodies):
                    due = time.perf_counter() if args.back_to_back else start + n / args.rate
                    pause = due - time.perf_counter()
                    if pause > 0:
                        time.sleep(pause)
                    response = client.post("/api/v1/filings", json=body)
                    latencies.append(time.perf_counter() - due)
                    errors += response.status_code != 201
        finally:
            server.terminate()
            server.wait(timeout=10)
    ms = sorted(latency * 1000 for latency in latencies)
    p99 = ms[int(len(ms) * 0.99) - 1]
    pace = "back to back" if args.back_to_back else f"at {args.rate:g}/s for {args.seconds:g} s"
    print(
        f"{total:,} POST /api/v1/filings {pace}: "
        f"p50 {statistics.median(ms):.2f} ms, p99 {p99:.2f} ms, max {ms[-1]:.2f} ms, "
        f"errors {errors}"
    )


if __name__ == "__main__":
    main()
