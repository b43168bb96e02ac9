"""Shared fixtures: an isolated data folder for every test, and the shared public data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.design_runs import (  # noqa: F401  (session fixtures shared by strategy/safety/report)
    ada_run,
    cstb_run,
    dmd_del_run,
    dmd_snv_run,
    unknown_run,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GENETX_SHARED", REPO.parent / "shared")).resolve()
SHARED_DATA = SHARED / "data"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point the data and cache folders at a fresh temporary folder and forbid the network."""
    from genetx.settings import settings

    base = tmp_path_factory.mktemp("genetx")
    monkeypatch.setenv("GENETX_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("GENETX_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("GENETX_OFFLINE", "1")
    settings.reset()
    yield
    monkeypatch.undo()
    settings.reset()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout (or ``$GENETX_SHARED/data``); skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_root() -> Path:
    """``../shared`` (peer outputs, reference facts); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared folder not found at {SHARED}")
    return SHARED
