"""Rich implementation of :class:`genetx.progress.Progress` for the command line."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

from genetx.progress import NULL_PROGRESS, Progress, ProgressTask

if TYPE_CHECKING:
    from collections.abc import Iterator


class _RichTask:
    def __init__(self, bar: object, task_id: object) -> None:
        self._bar = bar
        self._id = task_id

    def advance(self, amount: float = 1) -> None:
        self._bar.advance(self._id, amount)  # type: ignore[attr-defined]


class RichProgress:
    """Progress bars on stderr (time elapsed, remaining, throughput)."""

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[ProgressTask]:
        """Show a bar for the duration of the block."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            tid = bar.add_task(description, total=total)
            yield _RichTask(bar, tid)


def cli_progress() -> Progress:
    """A Rich display when stderr is a terminal, otherwise the null display."""
    return RichProgress() if sys.stderr.isatty() else NULL_PROGRESS
