"""Seawall: joint container-cargo targeting between border agencies."""

import os

# Polars' allocator (jemalloc) gives freed pages back to the kernel within moments, and a bulk
# job's next chunk then faults the same amount in again: keeping them for 5 s took 10-20% of
# bulk scoring's system time off (docs/performance.md). Set before Polars loads, which
# reads it once; an operator's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:5000,muzzy_decay_ms:5000")

__version__ = "0.1.0"
