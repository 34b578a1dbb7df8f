"""Progress bars for long work: shown on a terminal, silent in CI and in pipes; always on
stderr, so that a command's output (``--json``) stays whole when it goes to a file."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Advance(Protocol):
    """Moves a progress bar on by some units of work."""

    def __call__(self, units: int = 1) -> None: ...


def shown() -> bool:
    """Whether a progress bar should be drawn: stderr is a terminal and this is not CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Advance]:
    """A progress bar for ``total`` units (unknown when None); yields the function to advance it."""
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not shown(),
        transient=False,
    )
    with bar:
        task = bar.add_task(description, total=total)

        def advance(units: int = 1) -> None:
            bar.advance(task, units)

        yield advance
