"""Memory management for bulk jobs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Run a bulk job without Python's cycle collector, whose records are trees freed by
    reference counting.

    Building a million records, the collector would rescan every object alive (and the ones
    made so far) again and again: it halved the speed of simulation, and of bulk scoring's
    explanations. What lives before the job is frozen first, so forked workers also keep
    sharing its pages.
    """
    if not gc.isenabled():  # paused already (an enclosing job): nothing to collect or freeze
        yield
        return
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()
