"""The only module that imports numba: the project-wide ``njit`` decorator and thread control.

Kernels elsewhere use ``from genetx._numba import njit`` so that compile flags and on-disk
caching are decided once. Importing this module imports numba, so only kernel modules
(``_kernels.py``) import it, and only when a kernel is first needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numba

from genetx.settings import settings

F = TypeVar("F", bound=Callable[..., Any])


def njit(*args: Any, **kwargs: Any) -> Any:
    """``numba.njit`` with GeneTx defaults (``cache`` from settings, ``nogil=True``).

    Parameters
    ----------
    *args, **kwargs
        Passed to :func:`numba.njit`; explicit keywords override the defaults.

    Returns
    -------
    The compiled dispatcher, or a decorator when called with keywords only.
    """
    kwargs.setdefault("cache", settings.numba_cache)
    kwargs.setdefault("nogil", True)
    return numba.njit(*args, **kwargs)


prange = numba.prange


@contextmanager
def thread_limit(n: int | None = None) -> Iterator[int]:
    """Limit numba's parallel threads inside the block (default: ``settings.threads``)."""
    want = max(1, min(n or settings.threads, numba.config.NUMBA_NUM_THREADS))
    old = numba.get_num_threads()
    numba.set_num_threads(want)
    try:
        yield want
    finally:
        numba.set_num_threads(old)


__all__ = ["njit", "prange", "thread_limit"]
