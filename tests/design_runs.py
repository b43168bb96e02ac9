"""Shared design runs for the strategy, safety and report tests, computed once per session.

The fixtures are made visible to every test folder by ``tests/conftest.py``; being session-scoped
and defined once, each run is computed at most once however many folders use it.
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


def design_run(tmp_path_factory: pytest.TempPathFactory, gene: str,
               variant: str | None = None) -> object:
    """``run_design`` under isolated settings."""
    from genetx.strategy.design import DesignRequest, run_design

    with isolated(tmp_path_factory):
        return run_design(DesignRequest(gene, variant=variant))


@pytest.fixture(scope="session")
def dmd_del_run(tmp_path_factory: pytest.TempPathFactory) -> object:
    """DMD del ex45-50 on the embedded gene pack: the README example."""
    return design_run(tmp_path_factory, "DMD", "del ex45-50")


@pytest.fixture(scope="session")
def dmd_snv_run(tmp_path_factory: pytest.TempPathFactory) -> object:
    """DMD c.7657C>T (a transition causing p.Arg2553Ter)."""
    return design_run(tmp_path_factory, "DMD", "c.7657C>T")


@pytest.fixture(scope="session")
def ada_run(tmp_path_factory: pytest.TempPathFactory) -> object:
    """ADA without a variant: hematopoietic loss of function."""
    return design_run(tmp_path_factory, "ADA")


@pytest.fixture(scope="session")
def cstb_run(tmp_path_factory: pytest.TempPathFactory) -> object:
    """CSTB without a variant: a small loss-of-function CDS."""
    return design_run(tmp_path_factory, "CSTB")


@pytest.fixture(scope="session")
def unknown_run(tmp_path_factory: pytest.TempPathFactory) -> object:
    """A symbol with no model anywhere."""
    return design_run(tmp_path_factory, "NOSUCHGENE1")
