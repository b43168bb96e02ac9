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

from genetx._lazy import lazy_exports

_EXPORTS = {
    "DesignRequest": "genetx.strategy.design",
    "DesignRun": "genetx.strategy.design",
    "run_design": "genetx.strategy.design",
    "Triage": "genetx.strategy.triage",
    "TriageInput": "genetx.strategy.triage",
    "triage": "genetx.strategy.triage",
    "Statement": "genetx.strategy.evidence",
}

__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
