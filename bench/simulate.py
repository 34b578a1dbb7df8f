"""Benchmark of ``seawall simulate``: filings per second and peak memory for N filings.

Runs the simulator in a child process (so the peak resident memory measured is the
simulator's alone) writing to a temporary directory, then prints the figures.
Target (issue): at least 20,000 filings/s and at most 1 GB peak memory for 1,000,000 filings.

    PYTHONPATH=src python bench/simulate.py [--filings 1000000] [--format jsonl]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = (
    "import sys; from pathlib import Path; "
    "from seawall.simulator.config import SimulationConfig; "
    "from seawall.simulator.service import simulate; "
    "simulate(SimulationConfig(filings=int(sys.argv[1]), seed=1), Path(sys.argv[2]))"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl")
    args = parser.parse_args()
    source = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / f"traffic.{args.format}"
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", CHILD, str(args.filings), str(out)], env=env, check=True
        )
        elapsed = time.perf_counter() - began
        size = out.stat().st_size
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = usage.ru_maxrss  # KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    print(f"filings:        {args.filings:,} ({args.format}, {size / 1e6:,.0f} MB)")
    print(f"elapsed:        {elapsed:,.1f} s (world building and writing included)")
    print(f"filings/s:      {args.filings / elapsed:,.0f}   (target >= 20,000)")
    print(f"CPU time:       {cpu:,.1f} s ({args.filings / cpu:,.0f} filings per CPU second)")
    print(f"peak memory:    {peak_kib / 1024:,.0f} MB   (target <= 1,024 MB)")


if __name__ == "__main__":
    main()
