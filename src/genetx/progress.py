"""Progress reporting protocol used by the library (it never imports Rich).

Long-running library functions accept ``progress: Progress | None``. They call
``with progress.task("Indexing", total=n) as t: t.advance(k)``. The CLI passes a Rich
implementation; everything else gets :data:`NULL_PROGRESS`, which does nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager


class ProgressTask(Protocol):
    """Handle of one running task."""

    def advance(self, amount: float = 1) -> None:
        """Record ``amount`` more units of work done."""


class Progress(Protocol):
    """Something that can display named tasks with a known or unknown total."""

    def task(
        self, description: str, total: float | None = None
    ) -> AbstractContextManager[ProgressTask]:
        """Open a task; the returned context manager yields its handle."""


class _NullTask:
    def advance(self, amount: float = 1) -> None:
        """Do nothing."""


class NullProgress:
    """A progress display that shows nothing (tests, libraries, non-TTY runs)."""

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[ProgressTask]:
        """Yield a task handle that ignores updates."""
        yield _NullTask()


NULL_PROGRESS = NullProgress()


def resolve(progress: Progress | None) -> Progress:
    """Return ``progress``, or :data:`NULL_PROGRESS` when it is ``None``."""
    return NULL_PROGRESS if progress is None else progress


__all__ = ["NULL_PROGRESS", "NullProgress", "Progress", "ProgressTask", "resolve"]
