"""A person's wait and the API's latency on a running server, with the machine's load printed beside each figure.

    scoring serve &                      # on the warehouse to measure
    python benchmarks/serve.py --url http://127.0.0.1:7860 [--clients 8] [--requests 400] [--switches 20] [--loads 5]
    (add --user NAME --password PW when SCORING_USERS is set)
    scoring api --workers 2 &            # the API alone in worker processes (port 7861)
    python benchmarks/serve.py --url http://127.0.0.1:7860 --api-url http://127.0.0.1:7861

Figures (issue 17's bars, at full scale, 356 k applications): the page complete (decision, gauge and
explanation drawn) within 1.5 s of load; a client switch in the browser within 1 s at p95; under 8
concurrent API clients the explanation and the 20 neighbours within 50 ms at p95. The browser figures use
Debian's Chromium through Playwright. Never asserted in tests: the load of a shared machine moves them.
Beside them, two floors measured in the same run: /healthz under the same clients (the HTTP stack on this
machine) and the smallest Gradio page with a load event (Gradio's front-end starting in Chromium).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import random
import statistics
import threading
import time
from urllib.parse import urlsplit

import httpx

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# The page is complete when the decision is written and the gauge and the explanation are drawn (inline
# SVG / HTML from the server, dashboard/html_charts.py; a placeholder is marked "pending").
COMPLETE = "#decision-text h2, #gauge figure.gauge-chart svg, #why-plot figure.html-chart:not(.pending)"

ENDPOINTS = {
    "healthz": "/healthz",  # the floor: the same server and clients on an answer that reads almost nothing
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
    """`clients` threads, each with its own keep-alive connection, share the bounded list of requests.
    The standard library's http.client: the load generator shares the server's cores, and httpx spent
    2.3-3.2 ms of CPU per request there (http.client 0.5-0.7 ms), CPU a real client on its own machine takes from no one."""
    path = ENDPOINTS[name]
    parts = urlsplit(url)
    headers = {"Authorization": "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()} if auth else {}
    todo = list(ids)
    lock = threading.Lock()
    times: list[float] = []
    errors: list[int] = []

    def get(conn: http.client.HTTPConnection, target: str) -> int:
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            get(conn, "/healthz")  # open the connection first
            while True:
                with lock:
                    if not todo:
                        return
                    cid = todo.pop()
                t0 = time.perf_counter()
                status = get(conn, path.format(id=cid))
                dt = time.perf_counter() - t0
                with lock:
                    (times if status == 200 else errors).append(dt if status == 200 else status)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"{name}: {len(errors)} failed requests (statuses {sorted(set(errors))})")
    return times


def load() -> str:
    """The machine's load beside a figure: a shared machine's other work moves every timing."""
    one, five, _ = os.getloadavg()
    return f"[load {one:.1f} / {five:.1f} on {os.cpu_count()} cores]"


def browser_figures(url: str, auth, loads: int, ids: list[int]) -> tuple[list[float], list[float]]:
    """Seconds from navigation to the page complete (`loads` fresh pages), then per client switch
    (type the id, Enter) until the decision names the client and no panel is pending."""
    from playwright.sync_api import sync_playwright

    credentials = {"username": auth[0], "password": auth[1]} if auth else None
    complete, switches = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720}, http_credentials=credentials)
        for _ in range(loads):
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(url + "/", wait_until="commit")
            for selector in COMPLETE.split(", "):
                page.wait_for_selector(selector, timeout=120_000)
            complete.append(time.perf_counter() - t0)
            page.close()
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_selector("#decision-text h2", timeout=120_000)
        search = page.get_by_label("Application id (or its first digits)")
        for cid in ids:
            t0 = time.perf_counter()
            search.fill(str(cid))
            search.press("Enter")
            page.locator("#decision-text h2", has_text=f"application {cid} ").wait_for(timeout=120_000)
            # ...and no panel still pending (Gradio's progress marks gone): gauge and explanation redrawn.
            page.wait_for_function("() => !document.querySelector('.progress-text, .eta-bar')", timeout=120_000)
            switches.append(time.perf_counter() - t0)
        browser.close()
    return complete, switches


def gradio_floor(loads: int) -> list[float]:
    """Seconds to the page complete of the smallest Gradio page that answers with a load event (a heading
    written by the server), served by the same Gradio on this machine in the same run: the part of a page
    load that is Gradio's own front-end starting in Chromium, which no dashboard on Gradio can go under."""
    import gradio as gr
    from playwright.sync_api import sync_playwright

    with gr.Blocks(analytics_enabled=False) as demo:
        answer = gr.Markdown(elem_id="answer")
        demo.load(lambda: "## answered", None, answer)
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True)
    times = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            for _ in range(loads):
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(url, wait_until="commit")
                page.wait_for_selector("#answer h2", timeout=120_000)
                times.append(time.perf_counter() - t0)
                page.close()
            browser.close()
    finally:
        demo.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--api-url", help="where the API figures are measured (default: --url); e.g. `scoring api`")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    parser.add_argument("--switches", type=int, default=20, help="client switches in the dashboard")
    parser.add_argument("--loads", type=int, default=5, help="fresh page loads in the browser")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    auth = (args.user, args.password) if args.user else None

    api_url = args.api_url or args.url
    with httpx.Client(base_url=api_url, auth=auth, timeout=60) as http:
        health = http.get("/healthz").json()
        n_clients = http.get("/api/v1/clients", params={"limit": 1}).json()["total"]
        ids = sample_ids(http, args.requests, args.seed)
    print(f"server {args.url}, API at {api_url}: {n_clients:,} clients, model {health['model'].get('run_id')} {load()}")
    for name in ENDPOINTS:
        times = api_latency(api_url, auth, name, ids, args.clients)
        ms = [t * 1000 for t in times]
        print(
            f"api {name:<12} {len(ms)} requests, {args.clients} concurrent clients: "
            f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms {load()}"
        )
    complete, switches = browser_figures(args.url, auth, args.loads, ids[: args.switches])
    print(
        f"page complete after load, {len(complete)} loads: p50 {statistics.median(complete):.2f} s, "
        f"max {max(complete):.2f} s {load()}"
    )
    print(
        f"client switch in the browser, {len(switches)} switches: p50 {statistics.median(switches):.2f} s, "
        f"p95 {percentile(switches, 0.95):.2f} s, max {max(switches):.2f} s {load()}"
    )
    floor = gradio_floor(args.loads)
    print(
        f"page floor: the smallest Gradio page with a load event, {len(floor)} loads: p50 {statistics.median(floor):.2f} s, "
        f"max {max(floor):.2f} s {load()}"
    )


if __name__ == "__main__":
    main()
