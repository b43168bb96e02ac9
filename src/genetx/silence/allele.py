"""Allele-specific siRNAs: silence the mutant (or the disease-linked SNP) allele, spare the other.

For a substitution in the mature mRNA (a dominant point mutation, or the allele of a
heterozygous SNP that lies on the disease chromosome), every 23-nt window of the *mutant* mRNA
whose 19-bp duplex covers the changed base(s) is a candidate: its guide pairs perfectly with the
mutant mRNA and mismatches the normal one. Each candidate gets the rule scores and off-target
counts of :mod:`genetx.silence.sirna` (ids ``as<position>``, the mRNA position of the duplex's
first base) and the allele columns:

* ``variant_guide_position``: guide position(s) of the changed base(s) (1 = guide 5' end);
* ``mismatch_vs_normal``: guide base : normal-mRNA base at that position (RNA letters);
* ``position_class``: ``3' of seed`` (guide 9-19) or ``seed/5' end`` (guide 1-8); Schwarz et al.
  2006 found mismatches 3' of the seed more selective than seed mismatches;
* ``tolerated_pair``: 1 for G:U wobbles and A:C mismatches, which discriminate poorly
  (Schwarz 2006; Du et al. 2005);
* ``best_tested_position``: 1 at guide positions 12 and 16, the only positions whose siRNAs did
  not cleave the normal SOD1 target in Schwarz 2006 (a tie-breaker from one series).

Candidates are ordered: non-tolerated mismatch first, then position class, then best tested
position, then the order of :func:`genetx.silence.sirna.rank_candidates`. Rules and citations
are in ``rules.json`` (``allele_specific``).

Only substitutions (SNVs and same-length multi-base changes) in exons are handled; indels,
exon-level changes and variants outside the mRNA raise
:class:`~genetx.errors.InvalidVariantError` with one line saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.core.seq import reverse_complement
from genetx.errors import InvalidVariantError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript
    from genetx.genome.variants import Variant
    from genetx.progress import Progress
    from genetx.silence.seedmatch import TranscriptSet

_COMP = {"A": "U", "C": "G", "G": "C", "T": "A", "U": "A"}


@dataclass(frozen=True)
class MutantMrna:
    """The normal and mutant mRNA of a substitution.

    Attributes
    ----------
    normal, mutant
        Spliced mRNA sequences (DNA letters), same length.
    indices
        0-based mRNA positions of the changed bases.
    ref, alt
        Normal and mutant bases on the mRNA strand, in mRNA order.
    hgvs
        Description of the change on the transcript (``c.``), when known.
    """

    normal: str
    mutant: str
    indices: tuple[int, ...]
    ref: str
    alt: str
    hgvs: str = ""


def mutant_mrna(variant: Variant, transcript: Transcript, genome: Genome) -> MutantMrna:
    """Apply a substitution to the spliced transcript.

    Raises
    ------
    InvalidVariantError
        Exon-level change, indel, or a change outside the transcript's exons.
    """
    where = variant.notation
    if variant.is_exon_level or variant.ref is None or variant.alt is None:
        msg = ("is an exon-level change; allele-specific siRNAs need a substitution in the mRNA "
               "(a point mutation or a heterozygous SNP)")
        raise InvalidVariantError(where, msg)
    if len(variant.ref) != len(variant.alt) or not variant.ref:
        article = "an" if variant.kind[0] in "aeiou" else "a"
        msg = (f"is {article} {variant.kind}; allele-specific siRNA design handles substitutions "
               "only (SNVs and same-length multi-base changes)")
        raise InvalidVariantError(where, msg)
    idx = []
    for pos in range(variant.start, variant.end):
        if transcript.exon_at(pos) is None:
            regions = (", ".join(variant.effect.regions) if variant.effect is not None
                       else "intron or flank")
            msg = (f"lies outside the mRNA of {transcript.id} ({regions}); siRNAs act on the "
                   "mature mRNA")
            raise InvalidVariantError(where, msg)
        idx.append(transcript.genome_to_tx(pos))
    normal = transcript.spliced_sequence(genome).upper()
    ref, alt = variant.ref.upper(), variant.alt.upper()
    if transcript.strand == "-":
        ref, alt = reverse_complement(ref), reverse_complement(alt)
        idx = idx[::-1]
    got = "".join(normal[i] for i in idx)
    if got != ref:
        msg = f"reference {ref} does not match the mRNA of {transcript.id} ({got})"
        raise InvalidVariantError(where, msg)
    mut = list(normal)
    for i, b in zip(idx, alt, strict=True):
        mut[i] = b
    hgvs = variant.effect.hgvs_c if variant.effect is not None else ""
    return MutantMrna(normal, "".join(mut), tuple(idx), ref, alt, hgvs)


@dataclass(frozen=True)
class AlleleDesign:
    """Allele-specific siRNA candidates.

    Attributes
    ----------
    variant
        The variant as given.
    transcript
        Transcript id.
    change
        The :class:`MutantMrna`.
    candidates
        Candidate table in rank order.
    """

    variant: str
    transcript: str
    change: MutantMrna
    candidates: pd.DataFrame

    def summary(self) -> dict[str, Any]:
        """Facts for reports."""
        df = self.candidates
        return {"variant": self.variant, "transcript": self.transcript,
                "hgvs": self.change.hgvs, "mrna_positions": [i + 1 for i in self.change.indices],
                "normal": self.change.ref, "mutant": self.change.alt, "candidates": len(df),
                "three_prime_of_seed": int((df["position_class"] == "3' of seed").sum())
                if len(df) else 0}


def allele_specific_sirnas(change: MutantMrna, *, name: str = "mRNA", variant: str = "",
                           transcripts: TranscriptSet | None = None,
                           skip: np.ndarray | None = None, cds: tuple[int, int] | None = None,
                           max_mismatches: int | None = None,
                           gc_bounds: tuple[float, float] | None = None,
                           progress: Progress | None = None) -> AlleleDesign:
    """siRNAs perfectly matched to the mutant mRNA with the change inside the 19-bp duplex.

    Returns
    -------
    The :class:`AlleleDesign` (empty table when no all-A/C/G/T window covers the change).
    """
    import pandas as pd

    from genetx.silence.data import rules
    from genetx.silence.sirna import rank_candidates, score_windows, windows

    cfg = rules()["allele_specific"]
    starts, win = windows(change.mutant)
    idx = np.asarray(change.indices, dtype=np.int64)
    lo_i, hi_i = int(idx.min()), int(idx.max())
    # duplex = window offsets 2..20: every changed base inside it
    keep = (starts + 2 <= lo_i) & (hi_i <= starts + 20)
    starts, win = starts[keep], win[keep]
    if starts.size == 0:
        empty = pd.DataFrame()
        return AlleleDesign(variant, name, change, empty)
    df, info = score_windows(starts, win, name=name, transcripts=transcripts, skip=skip,
                             cds=cds, max_mismatches=max_mismatches, gc_bounds=gc_bounds,
                             progress=progress)
    central_lo, central_hi = cfg["central_positions"]
    tolerated = set(cfg["tolerated_pairs"])
    best = set(cfg["best_tested_positions"])
    pos_col, pair_col, cls_col, tol_col, best_col = [], [], [], [], []
    for s in starts.tolist():
        gpos = sorted(21 - (i - s) for i in change.indices)  # guide k pairs window offset 21-k
        pairs = []
        for i in change.indices:
            k = 21 - (i - s)
            g = _COMP[change.mutant[i]]
            n = change.normal[i].replace("T", "U")
            pairs.append((k, f"{g}:{n}"))
        pairs.sort()
        pos_col.append(",".join(str(k) for k in gpos))
        pair_col.append(",".join(p for _, p in pairs))
        central = all(central_lo <= k <= central_hi for k in gpos)
        cls_col.append("3' of seed" if central else "seed/5' end")
        tol_col.append(int(all(p in tolerated for _, p in pairs)))
        best_col.append(int(any(k in best for k in gpos)))
    df["id"] = [f"as{int(s) + 3}" for s in starts]  # allele-specific: mutant-mRNA duplexes
    df.insert(4, "variant_guide_position", pos_col)
    df.insert(5, "mismatch_vs_normal", pair_col)
    df.insert(6, "position_class", cls_col)
    df.insert(7, "tolerated_pair", tol_col)
    df.insert(8, "best_tested_position", best_col)
    ranked = rank_candidates(df, info["max_mismatches"], transcripts is not None)
    keys = pd.DataFrame({"t": ranked["tolerated_pair"],
                         "c": (ranked["position_class"] != "3' of seed").astype(int),
                         "b": -ranked["best_tested_position"], "r": ranked["rank"]})
    order = keys.sort_values(["t", "c", "b", "r"], kind="stable").index
    out = ranked.loc[order].reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return AlleleDesign(variant, name, change, out)


__all__ = ["AlleleDesign", "MutantMrna", "allele_specific_sirnas", "mutant_mrna"]
