"""A live `scoring serve` (or `scoring api`) in a subprocess on a free localhost port, for the API, dashboard and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scoring_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "scoring.cli", *args]


def run_scoring(*args: str, env: dict | None = None, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        scoring_cmd(*args), cwd=REPO, env={**os.environ, **(env or {})}, input=input, capture_output=True, text=True, timeout=1800
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"scoring {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_server(
    warehouse: Path, log: Path, users_file: Path | None = None, timeout: float = 120.0, command: tuple[str, ...] = ("serve",)
) -> LiveServer:
    """`scoring serve` (or `command`, e.g. ("api", "--workers", "2")) on a free port, once it answers."""
    port = free_port()
    env = {**os.environ, "SCORING_WAREHOUSE": str(warehouse)}
    env.pop("SCORING_USERS", None)
    if users_file is not None:
        env["SCORING_USERS"] = str(users_file)
    fh = open(log, "w")
    process = subprocess.Popen(
        scoring_cmd(*command, "--host", "127.0.0.1", "--port", str(port)), cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            # Any HTTP answer (200, or 401 when authentication is on) means it is listening.
            httpx.get(url + "/healthz", timeout=2)
            return LiveServer(url, process, log)
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError(f"server did not start within {timeout}s:\n{log.read_text()[-4000:]}")
