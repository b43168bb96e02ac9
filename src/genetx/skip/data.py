"""Cited facts for exon skipping, read from ``genetx/data/skip``.

``skip_facts.json`` holds the approved exon-skipping drugs (FDA approval dates, published base
sequences), the share of DMD patients each skip applies to, cited multi-exon skips and cautions
about exons or protein regions whose loss is known to be harmful; every entry names its sources
(the ``sources`` table of the same file). ``<GENE>_<transcript>_regions.tsv`` holds protein
regions in c. coordinates copied from a RefSeq record. ``SOURCES.md`` in the same folder says
where each file comes from. Facts apply only to the transcript whose exon numbering they use
(``numbering`` in the JSON): for DMD that is NM_004006 (Dp427m).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from genetx.errors import MalformedFileError
from genetx.genome.models import split_version

DATA_DIR = ("data", "skip")
FACTS_FILE = "skip_facts.json"


@dataclass(frozen=True)
class Region:
    """A protein region of a transcript in c. coordinates (first and last coding base)."""

    name: str
    c_start: int
    c_end: int


@dataclass(frozen=True)
class Caution:
    """A cited warning attached to a skip that removes an exon or part of a region."""

    text: str
    sources: tuple[str, ...]


def _path(name: str) -> Any:
    return resources.files("genetx").joinpath(*DATA_DIR, name)


@lru_cache(maxsize=1)
def skip_facts() -> dict[str, Any]:
    """The parsed ``skip_facts.json`` (cached).

    Raises
    ------
    MalformedFileError
        When the file is not valid JSON or a fact cites a source the file does not define.
    """
    res = _path(FACTS_FILE)
    try:
        doc = json.loads(res.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"cannot read the exon-skipping facts ({exc})"
        raise MalformedFileError(str(res), msg) from None
    problems = validate(doc)
    if problems:
        msg = "; ".join(problems[:3])
        raise MalformedFileError(str(res), msg)
    return doc


def _cited(node: Any) -> list[list[str]]:
    out: list[list[str]] = []
    if isinstance(node, dict):
        if "sources" in node and isinstance(node["sources"], list):
            out.append(node["sources"])
        for v in node.values():
            out.extend(_cited(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_cited(v))
    return out


def validate(doc: dict[str, Any]) -> list[str]:
    """Reasons ``doc`` breaks the rules of the facts file (empty when it is fine).

    Every section entry must cite at least one source, and every cited source must be defined.
    """
    problems: list[str] = []
    known = set(doc.get("sources", {}))
    for section in ("approved_drugs", "applicability", "multi_exon_skips", "cautions"):
        for i, entry in enumerate(doc.get(section, [])):
            lists = _cited(entry)
            if not lists or not any(lists):
                problems.append(f"{section}[{i}] cites no source")
            for ids in lists:
                problems += [f"{section}[{i}] cites unknown source {s!r}" for s in ids
                             if s not in known]
    return problems


def source_text(source_id: str) -> str:
    """Citation of a source id (the id itself when unknown)."""
    src = skip_facts()["sources"].get(source_id)
    return src["citation"] if src else source_id


def numbering_applies(gene: str, transcript: str) -> bool:
    """True when the cited exon numbers of ``gene`` are those of ``transcript``.

    Genes without a ``numbering`` entry have no cited facts, so nothing applies.
    """
    entry = skip_facts().get("numbering", {}).get(gene)
    if entry is None:
        return False
    return split_version(transcript)[0] == entry["transcript"]


def approved_drugs(gene: str) -> list[dict[str, Any]]:
    """Approved exon-skipping drugs of ``gene`` (as stored, with their sources)."""
    return [d for d in skip_facts()["approved_drugs"] if d["gene"] == gene]


def applicability(gene: str, exons: tuple[int, ...]) -> dict[str, Any] | None:
    """The cited share of patients a skip of exactly ``exons`` applies to, or None."""
    for a in skip_facts()["applicability"]:
        if a["gene"] == gene and tuple(a["skip_exons"]) == tuple(exons):
            return a
    return None


def multi_exon_skips(gene: str) -> list[dict[str, Any]]:
    """Cited multi-exon skips of ``gene`` (``exons`` is the inclusive range)."""
    return [m for m in skip_facts()["multi_exon_skips"] if m["gene"] == gene]


def cautions(gene: str) -> list[dict[str, Any]]:
    """Cited cautions of ``gene`` (kind ``exon`` or ``region``)."""
    return [c for c in skip_facts()["cautions"] if c["gene"] == gene]


@lru_cache(maxsize=8)
def regions(gene: str, transcript: str) -> tuple[Region, ...]:
    """Protein regions of ``transcript`` (exact accession with version), empty when none ship.

    Raises
    ------
    MalformedFileError
        When the regions file exists but a line does not have five tab-separated fields.
    """
    res = _path(f"{gene}_{transcript}_regions.tsv")
    if not res.is_file():
        return ()
    out: list[Region] = []
    header_seen = False
    for n, line in enumerate(res.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            header_seen = True
            continue
        if len(fields) != 5 or not fields[1].isdigit() or not fields[2].isdigit():
            msg = "expected region, c_start, c_end, mrna_start, mrna_end"
            raise MalformedFileError(str(res), msg, line=n)
        out.append(Region(fields[0], int(fields[1]), int(fields[2])))
    return tuple(out)


__all__ = ["Caution", "Region", "applicability", "approved_drugs", "cautions",
           "multi_exon_skips", "numbering_applies", "regions", "skip_facts", "source_text",
           "validate"]
