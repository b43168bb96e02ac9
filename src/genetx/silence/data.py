"""Readers of the cited data in ``genetx/data/silence`` and of the Pol III promoters.

The promoters are the ``pol3_promoter`` rows of ``genetx/data/elements/elements.tsv``.

Every number the silencing arm uses comes from these files; see their ``SOURCES.md``.
"""

from __future__ import annotations

import csv
import functools
import json
from importlib import resources
from typing import Any

from genetx.errors import BadInputError, MissingDataError

_DIR = ("data", "silence")


def _text(*parts: str) -> str:
    res = resources.files("genetx").joinpath(*parts)
    try:
        return res.read_text(encoding="utf-8")
    except FileNotFoundError:
        name = "/".join(parts)
        msg = "data file missing from the installation; reinstall genetx"
        raise MissingDataError(name, msg) from None


def _tsv(*parts: str) -> list[dict[str, str]]:
    lines = [ln for ln in _text(*parts).splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@functools.lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The rule definitions of ``rules.json`` (Reynolds, Ui-Tei, Amarzguioui, seed, gapmer ...)."""
    return json.loads(_text(*_DIR, "rules.json"))


@functools.lru_cache(maxsize=4)
def nn_table(name: str) -> list[dict[str, str]]:
    """Rows of a nearest-neighbour table: ``xia1998`` or ``freier1986``."""
    files = {"xia1998": "rna_nn_xia1998.tsv", "freier1986": "rna_nn_freier1986.tsv"}
    if name not in files:
        msg = f"must be one of {', '.join(files)}"
        raise BadInputError(name, msg)
    return _tsv(*_DIR, files[name])


@functools.lru_cache(maxsize=1)
def hairpin_loops() -> dict[int, float]:
    """Hairpin-loop initiation dG37 (kcal/mol) by loop length (Turner 2004)."""
    return {int(r["loop"]): float(r["dG37"]) for r in _tsv(*_DIR, "hairpin_loop_turner2004.tsv")}


@functools.lru_cache(maxsize=1)
def shrna_parts() -> dict[str, dict[str, str]]:
    """Loops, terminators and junctions of shRNA cassettes, by name."""
    return {r["name"]: r for r in _tsv(*_DIR, "shrna_parts.tsv")}


@functools.lru_cache(maxsize=1)
def pol3_promoters() -> dict[str, dict[str, str]]:
    """Pol III promoters (``category == pol3_promoter``) of ``data/elements/elements.tsv``."""
    rows = _tsv("data", "elements", "elements.tsv")
    return {r["name"]: r for r in rows if r.get("category") == "pol3_promoter"}


__all__ = ["hairpin_loops", "nn_table", "pol3_promoters", "rules", "shrna_parts"]
