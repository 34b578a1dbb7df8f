"""Benchmark of ``seawall simulate``: filings per second and peak memory for N filings.

Runs the simulator in a child process writing to a temporary directory, sampling the summed
resident memory of the child and its worker processes (pages the forked workers share with
the parent count once per process, so the figure errs high), then prints the figures.
Target (issue): at least 20,000 filings/s and at most 1 GB peak memory for 1,000,000 filings.

    python bench/simulate.py [--filings 1000000] [--format jsonl] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from _measure import measure

CHILD = (
    "import resource, sys; from pathlib import Path; "
    "from seawall.simulator.config import SimulationConfig; "
    "from seawall.simulator.service import simulate; "
    "workers = int(sys.argv[3]) or None; "
    "simulate(SimulationConfig(filings=int(sys.argv[1]), seed=1), Path(sys.argv[2]), "
    "workers=workers); "
    "own = resource.getrusage(resource.RUSAGE_SELF); "
    "kids = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl")
    parser.add_argument(
        "--workers", type=int, default=0, help="worker processes (default 0: the simulator's)"
    )
    args = parser.parse_args()
    source = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / f"traffic.{args.format}"
        command = [sys.executable, "-c", CHILD, str(args.filings), str(out), str(args.workers)]
        run = measure(command, env=env)
        if run.returncode:
            sys.exit(f"the simulator failed:\n{run.stderr}")
        size = out.stat().st_size
    cpu = float(run.stdout.split()[-1])
    load = os.getloadavg()
    print(f"filings:        {args.filings:,} ({args.format}, {size / 1e6:,.0f} MB)")
    print(f"workers:        {args.workers or 'default'}")
    print(f"elapsed:        {run.seconds:,.1f} s (world building and writing included)")
    print(f"filings/s:      {args.filings / run.seconds:,.0f}   (target >= 20,000)")
    print(f"CPU time:       {cpu:,.1f} s ({args.filings / cpu:,.0f} filings per CPU second)")
    print(f"peak memory:    {run.peak_rss_bytes / 2**20:,.0f} MB   (target <= 1,024 MB)")
    print(f"load average:   {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (at the end)")


if __name__ == "__main__":
    main()
