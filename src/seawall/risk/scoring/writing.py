"""Where bulk scoring writes its chunks: a process of its own, or a thread for small jobs."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from seawall.core.database import Database
from seawall.risk.scoring import store

# The writing process's SQLite page cache. A chunk's transaction dirties some 150 MiB of
# pages; in SQLite's default 2 MiB cache they were spilled to the log mid-transaction, the
# indexes' pages again and again, and read back.
WRITER_PAGE_CACHE_MIB = 256

Submit = Callable[[pl.DataFrame], Future[int]]  # hands a chunk's rows to the writer


@contextmanager
def writer(database: Database, *, chunks: int) -> Iterator[Submit]:
    """Where bulk scoring's chunks are written while the next is scored.

    A job of more than one chunk writes from a process of its own: from a thread, writing
    (binding every value, in Python) took the interpreter lock from scoring, and the two
    barely overlapped on a million filings. The process is started afresh (``spawn``) rather
    than forked from a parent that runs Polars' threads, and opens the database itself.
    Each chunk reaches it as an Arrow IPC file in a temporary folder: pickled through the
    pool's pipe, a chunk cost both processes a copy and a conversion of every buffer, which
    the IPC file's writer and reader mostly skip.
    A smaller job writes from a thread, without a process's start-up, and so does a job on an
    in-memory database, which no other process can open.

    The process imports this module and what writing needs, not the scorer's (LightGBM,
    scikit-learn, the watchlists): its start-up overlaps with the first chunk's scoring, on
    a machine whose two cores are both busy then.
    """
    url = database.engine.url
    if chunks <= 1 or url.database in (None, "", ":memory:"):
        with ThreadPoolExecutor(max_workers=1) as thread:
            yield lambda frame: thread.submit(_write, database, frame)
        return
    context = multiprocessing.get_context("spawn")
    opened = (url.render_as_string(hide_password=False),)
    with (
        tempfile.TemporaryDirectory(prefix="seawall-score-") as folder,
        ProcessPoolExecutor(1, context, initializer=_open, initargs=opened) as process,
    ):
        process.submit(_started)  # start it now: its start-up overlaps with the first chunk
        numbers = itertools.count()

        def submit(frame: pl.DataFrame) -> Future[int]:
            path = Path(folder) / f"chunk-{next(numbers)}.arrow"
            frame.write_ipc(path)
            return process.submit(_write_file, path)

        yield submit


def _write(database: Database, frame: pl.DataFrame) -> int:
    with database.transaction() as session:
        store.save_rows(session, frame)
    return frame.height


_OPENED: list[Database] = []  # in a writing process: the database it opened


def _open(url: str) -> None:
    # The process only writes chunks: rows of tuples, freed by reference counting. The cycle
    # collector rescanning them took as much of its time as SQLite's page reads.
    gc.freeze()
    gc.disable()
    _OPENED.append(Database.from_url(url, page_cache_mib=WRITER_PAGE_CACHE_MIB))


def _write_file(path: Path) -> int:
    """Write the chunk in this IPC file (in the writing process), then remove the file."""
    frame = pl.read_ipc(path)
    path.unlink()
    return _write(_OPENED[0], frame)


def _started() -> None:
    """Nothing: submitted first, it makes the pool start its process (and open the database)."""
