"""What the benchmarks share: a command timed in a child process, and data made in a fresh one.

Linux carries a process's peak RSS across fork and exec: a child started from a parent that once held
3 GB (say, after generating full-scale data in-process) reports at least 3 GB of peak RSS, whatever it
used itself. So the data a benchmark needs is made in a fresh interpreter (`in_fresh_process`), and a
measured command's figures come from wait4 on its own process (`run_measured`).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    seconds: float  # wall
    cpu: float  # user + system, the child and the children it waited for
    peak_mb: float  # the child's own peak RSS
    status: int


def run_measured(cmd: list[str], **popen_kwargs) -> Measured:
    """Run `cmd` to completion; CPU seconds say more than wall time when other work shares the cores."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, **popen_kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def in_fresh_process(func, *args) -> None:
    """Call func(*args) in a new interpreter (spawn), so its memory never becomes this process's peak.
    func must be importable (a module-level function); raises if it failed."""
    proc = multiprocessing.get_context("spawn").Process(target=func, args=args)
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise SystemExit(f"{func.__name__}{args}: failed in its own process (exit {proc.exitcode})")
