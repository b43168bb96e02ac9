"""Shared design runs for the strategy, safety and report tests, computed once per session.

Each test folder's ``conftest.py`` exposes them as fixtures; the runs are memoised here so that
folders share them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest


@contextlib.contextmanager
def isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Isolated data/cache folders and no network, for fixtures wider than one test."""
    from genetx.settings import settings

    base = tmp_path_factory.mktemp("genetx-module")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GENETX_DATA_DIR", str(base / "data"))
        mp.setenv("GENETX_CACHE_DIR", str(base / "cache"))
        mp.setenv("GENETX_OFFLINE", "1")
        settings.reset()
        try:
            yield
        finally:
            mp.undo()
            settings.reset()


_RUNS: dict[tuple[str, str | None], object] = {}


def design_run(tmp_path_factory: pytest.TempPathFactory, gene: str,
               variant: str | None = None) -> object:
    """``run_design`` under isolated settings, memoised per (gene, variant)."""
    from genetx.strategy.design import DesignRequest, run_design

    key = (gene, variant)
    if key not in _RUNS:
        with isolated(tmp_path_factory):
            _RUNS[key] = run_design(DesignRequest(gene, variant=variant))
    return _RUNS[key]
