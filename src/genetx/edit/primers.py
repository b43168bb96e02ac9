"""Validation primers: a Primer3 amplicon around each cut site (for amplicon sequencing).

Primer3 (Untergasser et al. 2012, Nucleic Acids Res 40:e115) is run through primer3-py with its
thermodynamic defaults, a product size of 150-300 bp and the primers kept at least 40 bp from
the cut on both sides (``data/nucleases/editing_rules.json``, ``primers``; these two are GeneTx
defaults). On genomes of up to :data:`SPECIFICITY_LIMIT` bases every primer's 3'-terminal 18
nt are also counted on both strands of the whole genome (``left_hits``, ``right_hits``; 1 means
unique), so repeated primers show up; the embedded gene pack's mRNA records are left out, as in
the off-target search.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from genetx.core.seq import reverse_complement
from genetx.edit.nucleases import editing_rules
from genetx.errors import BadInputError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.genome._base import Genome

#: Genomes up to this size get an exact-match count of each primer's 3' end.
SPECIFICITY_LIMIT = 50_000_000
#: Bases read on each side of the cut as Primer3's template.
TEMPLATE_FLANK = 400
_TAIL = 18
PRIMER_COLUMNS = ("guide_id", "cut", "left_primer", "right_primer", "left_tm", "right_tm",
                  "left_gc", "right_gc", "product_size", "amplicon_start", "amplicon_end",
                  "left_hits", "right_hits", "amplicon", "note")


@functools.lru_cache(maxsize=2)
def _genome_text(key: str, genome: Genome) -> str | None:
    from genetx.edit.guides import search_scope

    skip, _ = search_scope(genome)
    recs = {r: n for r, n in genome.records().items() if r not in skip}
    if sum(recs.values()) > SPECIFICITY_LIMIT:
        return None
    return "|".join(genome._read(r, 0, n).upper() for r, n in recs.items())


def _count(text: str, primer: str) -> int:
    tail = primer[-_TAIL:].upper()
    n = 0
    for probe in {tail, reverse_complement(tail)}:
        i = text.find(probe)
        while i >= 0:
            n += 1
            i = text.find(probe, i + 1)
    return n


def design_primers(genome: Genome, chrom: str, cuts: list[tuple[str, int]], *,
                   product_size: tuple[int, int] | None = None,
                   min_distance: int | None = None) -> pd.DataFrame:
    """One Primer3 primer pair around each cut.

    Parameters
    ----------
    genome
        Genome holding the locus.
    chrom
        Chromosome of the cuts.
    cuts
        ``(guide_id, cut position)`` pairs (0-based plus-strand break positions).
    product_size
        Amplicon size range (default 150-300 bp).
    min_distance
        Bases kept free of primers on each side of the cut (default 40).

    Returns
    -------
    DataFrame with :data:`PRIMER_COLUMNS`, one row per cut; when Primer3 finds no pair the
    primer columns are empty and ``note`` gives Primer3's explanation.
    """
    import pandas as pd
    import primer3

    from genetx.edit.guides import available_span

    rules = editing_rules()["primers"]
    lo_size, hi_size = product_size or tuple(rules["product_size"]["value"])
    gap = int(min_distance if min_distance is not None else rules["min_distance_from_cut"]["value"])
    if lo_size < 2 * gap + 40 or hi_size < lo_size:
        msg = f"must allow at least {2 * gap + 40} bp around the cut and be ordered"
        msg_0 = f"product size {lo_size}-{hi_size}"
        raise BadInputError(msg_0, msg)
    text = _genome_text(f"{genome.source}:{genome.name}", genome)
    rows: list[dict[str, Any]] = []
    for gid, cut in cuts:
        _, a0, b0 = available_span(genome, chrom, cut, cut)
        a, b = max(a0, cut - TEMPLATE_FLANK), min(b0, cut + TEMPLATE_FLANK)
        template = genome.fetch(chrom, a, b).upper()
        row: dict[str, Any] = {"guide_id": gid, "cut": cut}
        res = primer3.bindings.design_primers(
            {"SEQUENCE_ID": str(gid), "SEQUENCE_TEMPLATE": template,
             "SEQUENCE_TARGET": [max(0, cut - a - gap), 2 * gap]},
            {"PRIMER_PRODUCT_SIZE_RANGE": [[int(lo_size), int(hi_size)]],
             "PRIMER_NUM_RETURN": 1})
        if not res.get("PRIMER_PAIR_NUM_RETURNED"):
            row["note"] = "Primer3 found no pair: " + "; ".join(
                f"{k.split('_')[1].lower()}: {v}" for k, v in res.items()
                if k.endswith("_EXPLAIN"))
            rows.append(row)
            continue
        left, right = res["PRIMER_LEFT"][0], res["PRIMER_RIGHT"][0]
        ls = left["COORDS"][0]
        rs = right["COORDS"][0]  # Primer3: the right primer's 5'-most base (its rightmost)
        amp_start, amp_end = a + ls, a + rs + 1
        row.update({
            "left_primer": left["SEQUENCE"], "right_primer": right["SEQUENCE"],
            "left_tm": round(left["TM"], 2), "right_tm": round(right["TM"], 2),
            "left_gc": left["GC_PERCENT"], "right_gc": right["GC_PERCENT"],
            "product_size": res["PRIMER_PAIR"][0]["PRODUCT_SIZE"],
            "amplicon_start": amp_start, "amplicon_end": amp_end,
            "left_hits": _count(text, left["SEQUENCE"]) if text is not None else math.nan,
            "right_hits": _count(text, right["SEQUENCE"]) if text is not None else math.nan,
            "amplicon": template[ls:rs + 1], "note": "",
        })
        rows.append(row)
    return pd.DataFrame(rows, columns=list(PRIMER_COLUMNS))


__all__ = ["PRIMER_COLUMNS", "SPECIFICITY_LIMIT", "design_primers"]
