"""The server's CPU per API request: `scoring api --workers 1` started on a warehouse, one client asking in turn,
the process's CPU time (user + system, every thread: DuckDB's and LightGBM's too) read before and after.

    python benchmarks/request_cpu.py --warehouse warehouse/bench/build_full [--requests 300] [--port 7899]

Unlike latency under concurrent clients (benchmarks/serve.py), no client competes with the server for the cores.
It still moves by about a millisecond from one run to the next on this machine: to compare two versions, run it
from each version's tree on the same warehouse, alternated, at least twice.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil

PATHS = {
    "healthz": "/healthz",
    "score": "/api/v1/clients/{id}/score",
    "explanation": "/api/v1/clients/{id}/explanation",
    "neighbors": "/api/v1/clients/{id}/neighbors",
}
WARM_UP = 30  # requests per endpoint before measuring (the first ones load caches)


def sample_ids(warehouse: Path, n: int, seed: int = 42) -> list[int]:
    with duckdb.connect(str(warehouse / "model.duckdb"), read_only=True) as con:
        rows = con.execute(f"select sk_id_curr from client_rows using sample {int(n)} rows (reservoir, {int(seed)})").fetchall()
    return [r[0] for r in rows]


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"scoring api exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"scoring api: no answer on port {port} after {timeout:.0f} s")


def cpu_seconds(pid: int) -> float:
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="a warehouse with a trained model")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint")
    parser.add_argument("--port", type=int, default=7899)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds to wait after start (the warm-up thread)")
    args = parser.parse_args()

    ids = sample_ids(args.warehouse, args.requests)
    env = dict(os.environ, DO_NOT_TRACK="1", GRADIO_ANALYTICS_ENABLED="False")
    command = [
        sys.executable,
        "-m",
        "scoring",
        "--warehouse",
        str(args.warehouse),
        "api",
        "--port",
        str(args.port),
        "--workers",
        "1",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        wait_until_up(args.port, server)
        time.sleep(args.settle)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        one, five, _ = os.getloadavg()
        print(f"{args.warehouse}: {len(ids)} clients, one client in turn [load {one:.1f} / {five:.1f} on {os.cpu_count()} cores]")
        for name, path in PATHS.items():
            for cid in ids[:WARM_UP]:
                conn.request("GET", path.format(id=cid))
                conn.getresponse().read()
            cpu, wall = cpu_seconds(server.pid), time.perf_counter()
            for cid in ids:
                conn.request("GET", path.format(id=cid))
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    sys.exit(f"{path.format(id=cid)}: status {response.status}")
            cpu, wall = cpu_seconds(server.pid) - cpu, time.perf_counter() - wall
            print(f"{name:12s} server CPU {cpu / len(ids) * 1000:5.2f} ms per request, wall {wall / len(ids) * 1000:5.2f} ms")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


if __name__ == "__main__":
    main()
