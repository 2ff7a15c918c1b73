"""Latency of a running server: API p50/p95 under concurrent clients, and the dashboard's redraw time.

    scoring serve &                      # on the warehouse to measure
    python benchmarks/serve.py --url http://127.0.0.1:7860 [--clients 8] [--requests 400] [--switches 20]
    (add --user NAME --password PW when SCORING_USERS is set)

Prints one line per figure. Targets at full scale: p95 score <= 50 ms, explanation <= 50 ms,
neighbours <= 100 ms with 8 concurrent clients; a client switch redraws every panel in <= 1.5 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time

import httpx
from gradio_client import Client

ENDPOINTS = {
    "score": "/api/v1/clients/{id}/score",
    "explanation": "/api/v1/clients/{id}/explanation",
    "neighbors": "/api/v1/clients/{id}/neighbors",
}


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def sample_ids(http: httpx.Client, n: int, seed: int) -> list[int]:
    """Random ids spread over the id range, found through the search endpoint."""
    rng = random.Random(seed)
    ids: list[int] = []
    total = http.get("/api/v1/clients", params={"limit": 1}).json()["total"]
    while len(ids) < n:
        page = http.get("/api/v1/clients", params={"limit": 100, "offset": rng.randrange(max(total - 100, 1))}).json()
        ids += [hit["sk_id_curr"] for hit in page["items"]]
    rng.shuffle(ids)
    return ids[:n]


def api_latency(url: str, auth, name: str, ids: list[int], clients: int) -> list[float]:
    """`clients` threads, each with its own connection, share the bounded list of requests."""
    path = ENDPOINTS[name]
    todo = list(ids)
    lock = threading.Lock()
    times: list[float] = []
    errors: list[int] = []

    def worker() -> None:
        with httpx.Client(base_url=url, auth=auth, timeout=60) as http:
            http.get("/healthz")  # open the connection first
            while True:
                with lock:
                    if not todo:
                        return
                    cid = todo.pop()
                t0 = time.perf_counter()
                r = http.get(path.format(id=cid))
                dt = time.perf_counter() - t0
                with lock:
                    (times if r.status_code == 200 else errors).append(dt if r.status_code == 200 else r.status_code)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"{name}: {len(errors)} failed requests (statuses {sorted(set(errors))})")
    return times


def dashboard_switch(url: str, auth, ids: list[int]) -> list[float]:
    """Time of the dashboard's `show_client` event: decision, gauge, profile, explanation, what-if
    fields and the comparison charts (both ticked), end to end through Gradio's queue."""
    headers = {}
    if auth:
        import base64

        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    dash = Client(url + "/", verbose=False, download_files=False, headers=headers)
    # Draw what a manager sees by default: box plots and the scatter of the model's top features.
    top = [row["feature"] for row in httpx.get(url + "/api/v1/model/importance", headers=headers).json()[:3]]
    times = []
    for cid in ids:
        t0 = time.perf_counter()
        # inputs: client, population, box-plot features, box plots?, scatter?, x, y, gender, age band, income type, contract
        dash.predict(cid, "all", top, True, True, top[0], top[1], None, None, None, None, api_name="/show_client")
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    parser.add_argument("--switches", type=int, default=20, help="client switches in the dashboard")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    auth = (args.user, args.password) if args.user else None

    with httpx.Client(base_url=args.url, auth=auth, timeout=60) as http:
        health = http.get("/healthz").json()
        n_clients = http.get("/api/v1/clients", params={"limit": 1}).json()["total"]
        ids = sample_ids(http, args.requests, args.seed)
    print(f"server {args.url}: {n_clients:,} clients, model {health['model'].get('run_id')}")
    for name in ENDPOINTS:
        times = api_latency(args.url, auth, name, ids, args.clients)
        ms = [t * 1000 for t in times]
        print(
            f"api {name:<12} {len(ms)} requests, {args.clients} concurrent clients: "
            f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms"
        )
    times = dashboard_switch(args.url, auth, ids[: args.switches])
    print(
        f"dashboard client switch (every panel, both comparison charts), {len(times)} switches: "
        f"p50 {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s, max {max(times):.2f} s"
    )


if __name__ == "__main__":
    main()
