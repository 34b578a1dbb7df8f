"""Run a command and report its wall time and the peak memory of its whole process tree."""

from __future__ import annotations

import contextlib
import subprocess
import time
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Run:
    """What one measured command did."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    stdout: str
    stderr: str


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``command``, sampling the summed RSS of it and its children every 100 ms."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    watched = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):  # the command may end between two samples
            peak = max(peak, _tree_rss(watched))
        time.sleep(0.1)
    stdout, stderr = child.communicate()
    return Run(time.perf_counter() - start, peak, child.returncode, stdout, stderr)
