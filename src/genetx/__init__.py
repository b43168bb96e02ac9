"""GeneTx: in-silico design of gene therapies.

Importing :mod:`genetx` is cheap: it loads neither numba, matplotlib, dnachisel, dask nor
fastapi. Capability packages (``genetx.genome``, ``genetx.edit`` ...) are imported on demand.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
