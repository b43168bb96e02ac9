"""Global settings: the one place that decides where GeneTx keeps data and how it computes.

Environment variables are read here and nowhere else:

``GENETX_DATA_DIR``
    Registered genomes, indexes and fetched genes (default: the platform's user data folder).
``GENETX_CACHE_DIR``
    Decompressed genomes and other rebuildable caches (default: the platform's user cache folder).
``GENETX_THREADS``
    Worker threads for kernels (default: all cores).
``GENETX_OFFLINE``
    When set to ``1``, never touch the network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

_APP = "genetx"


def _default_data_dir() -> Path:
    env = os.environ.get("GENETX_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(_APP))


def _default_cache_dir() -> Path:
    env = os.environ.get("GENETX_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(_APP))


def _default_threads() -> int:
    env = os.environ.get("GENETX_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def _default_offline() -> bool:
    return os.environ.get("GENETX_OFFLINE", "") in {"1", "true", "yes"}


@dataclass
class Settings:
    """Tunables with defaults; :meth:`reset` restores them (re-reading the environment)."""

    data_dir: Path = field(default_factory=_default_data_dir)
    cache_dir: Path = field(default_factory=_default_cache_dir)
    threads: int = field(default_factory=_default_threads)
    offline: bool = field(default_factory=_default_offline)
    numba_cache: bool = True

    @property
    def genomes_dir(self) -> Path:
        """Folder holding the genome registry and per-genome indexes."""
        return self.data_dir / "genomes"

    @property
    def genes_dir(self) -> Path:
        """Folder holding gene models fetched from Ensembl or NCBI."""
        return self.data_dir / "genes"

    def reset(self) -> None:
        """Restore every setting to its default."""
        fresh = Settings()
        for f in fields(self):
            setattr(self, f.name, getattr(fresh, f.name))


settings = Settings()

__all__ = ["Settings", "settings"]
