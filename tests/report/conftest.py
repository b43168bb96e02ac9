"""Fixtures: shared design runs (see :mod:`tests.strategy.runs`)."""

from __future__ import annotations

import pytest

from tests.strategy.runs import design_run


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
