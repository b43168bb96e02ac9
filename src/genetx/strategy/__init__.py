"""Strategy triage and the design orchestrator.

* :mod:`genetx.strategy.knowledge` -- cited mechanism / tissue facts per gene;
* :mod:`genetx.strategy.triage` -- rank the modalities that fit a gene and variant, with reasons
  and catalog precedent (pure);
* :mod:`genetx.strategy.design` -- run every fitting designer and collect the top designs (the
  only module that calls several capabilities);
* :mod:`genetx.strategy.evidence` -- statements and their sources.

Submodules are imported on first use.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "DesignRequest": "genetx.strategy.design",
    "DesignRun": "genetx.strategy.design",
    "run_design": "genetx.strategy.design",
    "Triage": "genetx.strategy.triage",
    "TriageInput": "genetx.strategy.triage",
    "triage": "genetx.strategy.triage",
    "Statement": "genetx.strategy.evidence",
}


def __getattr__(name: str) -> Any:
    """Import the public names lazily from their submodules."""
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'genetx.strategy' has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = sorted(_EXPORTS)
