"""Progress on stderr: a counter with rows/s for long steps, one summary line at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Progress:
    """Counts rows for one step and prints `step: N rows (R rows/s)` at most every half second."""

    def __init__(self, step: str, total: int | None = None, stream=None) -> None:
        self.step = step
        self.total = total
        self.rows = 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self._last_print = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def advance(self, rows: int, note: str = "") -> None:
        self.rows += rows
        now = time.perf_counter()
        if now - self._last_print >= 0.5:
            self._last_print = now
            self._print(note, final=False)

    def _print(self, note: str, final: bool) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        of_total = f"/{self.total:,}" if self.total else ""
        line = f"{self.step}: {self.rows:,}{of_total} rows ({self.rows / elapsed:,.0f} rows/s) {note}".rstrip()
        if self._tty and not final:
            self.stream.write("\r" + line[:120] + "\x1b[K")
        elif final:
            self.stream.write(("\r\x1b[K" if self._tty else "") + line + "\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, summary: str = "") -> float:
        elapsed = time.perf_counter() - self.started
        self._print(f"in {elapsed:.1f} s{'; ' + summary if summary else ''}", final=True)
        return elapsed


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def step(name: str) -> Iterator[None]:
    """Time a step that has no row count; print one line when it ends."""
    started = time.perf_counter()
    log(f"{name} ...")
    yield
    log(f"{name}: done in {time.perf_counter() - started:.1f} s")
