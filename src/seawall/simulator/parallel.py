"""Building vessel calls in worker processes and handing the chunks back in file order.

A job is a run of consecutive calls of the schedule, about ``CHUNK`` filings: the worker builds
its filings (every call from its own child seed, see simulation.py), examines them when the
period has exams (from the job's own child of the exam seed), and encodes them in the output
format. The parent writes the chunks in job order. Nothing a job produces depends on which
process built it or when, so the bytes are the same for any number of workers; at most
``WINDOW_PER_WORKER`` chunks per worker are in flight, so memory stays flat.

Workers are forked where the platform can (they inherit the world, built once, frozen out of
the garbage collector's sight); elsewhere they are spawned and build the world from the config.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType
from typing import Any

from seawall.simulator.config import SimulationConfig
from seawall.simulator.dice import Dice
from seawall.simulator.exams import agency_names, examine
from seawall.simulator.simulation import EXAMS, Period, World, child
from seawall.simulator.traffic import Call
from seawall.simulator.writers import CHUNK, Encoded, encode

WINDOW_PER_WORKER = 2
MAX_DEFAULT_WORKERS = 4  # each worker holds a chunk of records: about 150 MB at most


def default_workers() -> int:
    """The processors this process may run on, up to ``MAX_DEFAULT_WORKERS``."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_DEFAULT_WORKERS))


@dataclass(frozen=True)
class Job:
    """Consecutive calls of a period, to build, examine (with ``exams``) and encode."""

    index: int  # place among the period's jobs: names the exam dice
    period: Period
    calls: list[Call]
    suffix: str
    exams: bool


@dataclass
class Done:
    """A job's chunk, ready to append, and its exam outcomes."""

    chunk: Encoded
    exams: list[dict[str, Any]]


def jobs(world: World, period: Period, suffix: str, exams: bool = False) -> list[Job]:
    """The period's calls in runs of about ``CHUNK`` filings."""
    size = CHUNK  # read here, not bound at import: the tests make it small
    out: list[Job] = []
    run: list[Call] = []
    filings = 0
    for call in world.traffic(period).calls():
        if not call.filings:
            continue
        run.append(call)
        filings += call.filings
        if filings >= size:
            out.append(Job(len(out), period, run, suffix, exams))
            run, filings = [], 0
    if run:
        out.append(Job(len(out), period, run, suffix, exams))
    return out


def perform(world: World, job: Job) -> Done:
    """Build, examine and encode one job's filings."""
    traffic = world.traffic(job.period)
    shipments = [shipment for call in job.calls for shipment in traffic.call(call)]
    rows: list[dict[str, Any]] = []
    if job.exams:
        listed = agency_names(world.entities)
        dice = Dice.of(child(world.seed(EXAMS), 1, job.index))
        for shipment in shipments:
            rows.extend(examine(shipment, listed, dice))
    return Done(encode(shipments, job.suffix), rows)


_world: World | None = None  # a worker's world: inherited when forked, else built on start


def _start(config: SimulationConfig) -> None:
    global _world
    if _world is None or _world.config != config:
        _world = World(config)
    gc.collect()
    gc.freeze()
    gc.disable()  # records are trees without cycles, freed by reference counting


def _perform(job: Job) -> Done:
    assert _world is not None
    return perform(_world, job)


class Workers:
    """Runs jobs in ``count`` worker processes (in this process when ``count`` is 1)."""

    def __init__(self, world: World, count: int) -> None:
        global _world
        self.world = world
        self.count = count
        self._pool: Pool | None = None
        if count > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            _world = world  # what forked workers inherit
            try:
                self._pool = context.Pool(count, initializer=_start, initargs=(world.config,))
            finally:
                _world = None

    def results(self, jobs: list[Job]) -> Iterator[Done]:
        """The jobs' results in job order, whatever order the workers finish them in."""
        if self._pool is None:
            for job in jobs:
                yield perform(self.world, job)
            return
        pending: deque[AsyncResult[Done]] = deque()
        waiting = iter(jobs)
        for job in waiting:
            pending.append(self._pool.apply_async(_perform, (job,)))
            if len(pending) >= WINDOW_PER_WORKER * self.count:
                break
        while pending:
            done = pending.popleft().get()
            following = next(waiting, None)
            if following is not None:  # keep the workers busy while the parent writes
                pending.append(self._pool.apply_async(_perform, (following,)))
            yield done

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is None:
            return
        if kind is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
