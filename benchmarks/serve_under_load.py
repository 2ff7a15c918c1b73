"""A legitimate request's latency while password guessers hammer `POST /login`, and while the warehouse is
refreshed under the server (issue 18).

    .venv/bin/python benchmarks/serve_under_load.py --warehouse W [--guessers 6] [--seconds 15] [--root DIR] [--no-refresh]

Starts the real server (`scoring serve`, loopback only) on a built and trained warehouse with a fresh users
file, signs one user in, then for each scenario runs `--guessers` threads posting wrong passwords for
`--seconds` while one client asks for a client's score in a loop, and prints the guesses' statuses and the
legitimate requests' failures and p50/p95/max:

- baseline: no guessers;
- one address: the guessers all come from 127.0.0.1 with one user name (throttling answers most with 429);
- spread: each guess names another user and claims another address through X-Forwarded-For, with 127.0.0.1
  configured as a trusted proxy, so that throttling never applies and every guess costs a full scrypt: what
  is measured is then only that hashing stays off the event loop;
- refresh: no guessers; `scoring build` then `scoring train` run on the served warehouse (W is rebuilt and
  retrained in place: give it a benchmark warehouse) while the client keeps asking; every request must
  succeed, before, during and after each publication.

--root runs another checkout's server (e.g. /work/main, to compare with the code before the change); the
machine's load (`uptime`) is printed before and after. Bounded: the number of threads and the duration.
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def start_server(root: Path, warehouse: Path, users: Path, logs: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "SCORING_WAREHOUSE": str(warehouse),
        "SCORING_USERS": str(users),
        "SCORING_TRUSTED_PROXIES": "127.0.0.1",  # lets the spread scenario claim addresses
        "SCORING_ACCESS_LOG": str(logs / "access.log"),
        "SCORING_SECURITY_LOG": str(logs / "security.log"),
    }
    cmd = [sys.executable, "-m", "scoring.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(logs / "server.log", "w") as out:  # the child keeps its own descriptor
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: see {logs / 'server.log'}")
        try:
            httpx.get(url + "/healthz", timeout=2)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start within 180 s")


def guess(url: str, stop: threading.Event, spread: bool, worker: int, statuses: list[int], lock: threading.Lock) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        for i in itertools.count():
            if stop.is_set():
                return
            name, headers = "alice", {}
            if spread:
                name = f"user{worker}-{i}"
                headers = {"x-forwarded-for": f"10.{worker}.{i // 250 % 250}.{i % 250 + 1}"}
            try:
                status = http.post("/login", data={"username": name, "password": f"guess {i}"}, headers=headers).status_code
            except httpx.HTTPError:
                status = 0
            with lock:
                statuses.append(status)


def ask_while(http: httpx.Client, client_id: int, busy) -> tuple[list[float], int]:
    """A legitimate client asking for a score at a person's pace while busy() is true: request seconds of
    the answered requests, and the number that failed."""
    times, failed = [], 0
    while busy():
        t0 = time.perf_counter()
        try:
            ok = http.get(f"/api/v1/clients/{client_id}/score").status_code == 200
        except httpx.HTTPError:
            ok = False
        if ok:
            times.append(time.perf_counter() - t0)
        else:
            failed += 1
        time.sleep(0.02)  # a person's pace, not a flood of our own
    return times, failed


def scenario(url: str, cookie: dict, client_id: int, guessers: int, seconds: float, spread: bool) -> dict:
    stop, lock = threading.Event(), threading.Lock()
    statuses: list[int] = []
    threads = [threading.Thread(target=guess, args=(url, stop, spread, w, statuses, lock)) for w in range(guessers)]
    for t in threads:
        t.start()
    with httpx.Client(base_url=url, cookies=cookie, timeout=60) as http:
        http.get("/healthz")
        end = time.monotonic() + seconds
        times, failed = ask_while(http, client_id, lambda: time.monotonic() < end)
    stop.set()
    for t in threads:
        t.join()
    return {"times": times, "failed": failed, "guesses": statuses}


def refresh(url: str, cookie: dict, client_id: int, root: Path, warehouse: Path) -> dict:
    """The legitimate client's loop while `scoring build` and `scoring train` publish new files under the server."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    steps = [[sys.executable, "-m", "scoring.cli", "--warehouse", str(warehouse), step] for step in ("build", "train")]
    times, failed, codes = [], 0, []
    with httpx.Client(base_url=url, cookies=cookie, timeout=60) as http:
        for cmd in steps:
            proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t, f = ask_while(http, client_id, lambda: proc.poll() is None)  # noqa: B023 (called before proc changes)
            times, failed = times + t, failed + f
            codes.append(proc.returncode)
    return {"times": times, "failed": failed, "exit_codes": codes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="a built and trained warehouse")
    parser.add_argument("--guessers", type=int, default=6, choices=range(1, 33), metavar="N")
    parser.add_argument("--seconds", type=float, default=15.0, help="per scenario, at most 120")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose server is measured")
    parser.add_argument("--no-refresh", action="store_true", help="skip the refresh scenario (which rebuilds W)")
    args = parser.parse_args()
    seconds = min(args.seconds, 120.0)
    print(f"before: {uptime()}")
    with tempfile.TemporaryDirectory(prefix="login-load-") as tmp:
        tmp = Path(tmp)
        users = tmp / "users.json"
        env = {**os.environ, "PYTHONPATH": str(args.root), "SCORING_USERS": str(users)}
        subprocess.run(
            [sys.executable, "-m", "scoring.cli", "users", "add", "alice", "--password-stdin"],
            cwd=args.root,
            env=env,
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
        )
        proc, url = start_server(args.root.resolve(), args.warehouse.resolve(), users, tmp)
        try:
            signed_in = httpx.post(f"{url}/login", data={"username": "alice", "password": PASSWORD, "next": "/"}, timeout=60)
            cookie = dict(signed_in.cookies)
            if not cookie:
                raise SystemExit(f"could not sign in: {signed_in.status_code}")
            with httpx.Client(base_url=url, cookies=cookie, timeout=60) as http:
                client_id = http.get("/api/v1/clients", params={"limit": 1}).json()["items"][0]["sk_id_curr"]
            for name, guessers, spread in (
                ("baseline", 0, False),
                ("one address", args.guessers, False),
                ("spread", args.guessers, True),
            ):
                result = scenario(url, cookie, client_id, guessers, seconds, spread)
                t = [x * 1000 for x in result["times"]]
                counts = {s: result["guesses"].count(s) for s in sorted(set(result["guesses"]))}
                print(
                    f"{name}: {guessers} guessers x {seconds:.0f} s: {len(result['guesses'])} guesses {counts}; "
                    f"legitimate: {len(t)} ok, {result['failed']} failed, "
                    f"p50 {statistics.median(t):.1f} ms, p95 {percentile(t, 0.95):.1f} ms, max {max(t):.1f} ms"
                )
            if not args.no_refresh:
                result = refresh(url, cookie, client_id, args.root.resolve(), args.warehouse.resolve())
                t = [x * 1000 for x in result["times"]]
                print(
                    f"refresh: scoring build and train exited {result['exit_codes']}; legitimate: {len(t)} ok, "
                    f"{result['failed']} failed, p50 {statistics.median(t):.1f} ms, p95 {percentile(t, 0.95):.1f} ms, "
                    f"max {max(t):.1f} ms"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=15)
        security = tmp / "security.log"
        if security.exists():
            print(f"security log: {sum(1 for _ in security.open())} lines")
    print(f"after: {uptime()}")


if __name__ == "__main__":
    main()
