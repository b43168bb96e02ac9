"""Gapmer antisense oligonucleotides (RNase H) along an mRNA.

Every window of the mRNA (A/C/G/T only) of the design's length is a target site; the gapmer is
its reverse complement, written 5'->3' in DNA letters with the wings in lower case
(``tcttgGTTACATGAAatccc`` for a 5-10-5 design: five modified nucleotides, a ten-nucleotide DNA
gap that recruits RNase H1, five modified nucleotides). The design comes from ``rules.json``
(``gapmer``; 5-10-5 2'-MOE as in mipomersen, inotersen and tofersen), or is given by the user.

Columns: GC percent and whether it lies within the bounds, CpG count in the DNA gap (TLR9 motif
when unmethylated), the longest G run, self-complementarity (longest self-dimer stretch and
hairpin stem, Watson-Crick pairs), and, with a transcript set, the transcripts holding the
target site with 0, 1, ... ``max_mismatches`` mismatches (the target gene's own transcripts
left out by the caller's mask). The table is ordered (not scored): passes the checks, fewest
perfect then 1-mismatch off-targets, fewest CpG, least self-complementarity, position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.errors import BadInputError
from genetx.progress import resolve
from genetx.silence.sirna import _revcomp_codes, clean_rna, decode, region_of, windows

if TYPE_CHECKING:
    import pandas as pd

    from genetx.progress import Progress
    from genetx.silence.seedmatch import TranscriptSet

_DESIGN = re.compile(r"^(\d+)-(\d+)-(\d+)$")


@dataclass(frozen=True)
class GapmerLayout:
    """Wing and gap lengths of a gapmer (``5-10-5``)."""

    wing5: int
    gap: int
    wing3: int

    @property
    def length(self) -> int:
        """Total length."""
        return self.wing5 + self.gap + self.wing3

    def __str__(self) -> str:
        return f"{self.wing5}-{self.gap}-{self.wing3}"

    @classmethod
    def parse(cls, text: str) -> GapmerLayout:
        """Parse ``W-G-W`` (for example ``5-10-5`` or ``3-10-3``).

        Raises
        ------
        BadInputError
            When the text is not three numbers, the gap is shorter than 5 nt, or the total is
            outside 12-30 nt (GeneTx's accepted range, not a published limit).
        """
        m = _DESIGN.match(text.strip())
        if not m:
            msg = "give the gapmer design as wing-gap-wing, for example 5-10-5"
            raise BadInputError(text, msg)
        w5, g, w3 = (int(x) for x in m.groups())
        total = w5 + g + w3
        if g < 5 or not 12 <= total <= 30:
            msg = (f"GeneTx accepts gapmers with a DNA gap of at least 5 nt and 12-30 nt in all "
                   f"(this one: gap {g}, total {total})")
            raise BadInputError(text, msg)
        return cls(w5, g, w3)


@dataclass(frozen=True)
class GapmerDesign:
    """Gapmer candidates of one mRNA.

    Attributes
    ----------
    name, layout
        The mRNA and the gapmer layout.
    candidates
        One row per candidate, in rank order.
    offtarget_set
        Summary of the transcript set searched, or None.
    max_mismatches
        Largest mismatch count of the off-target columns.
    gc_bounds
        GC percent bounds.
    """

    name: str
    layout: GapmerLayout
    candidates: pd.DataFrame
    offtarget_set: dict[str, Any] | None
    max_mismatches: int
    gc_bounds: tuple[float, float]

    def summary(self) -> dict[str, Any]:
        """Counts for reports."""
        df = self.candidates
        return {"mrna": self.name, "layout": str(self.layout), "candidates": len(df),
                "passing_checks": int(df["passes_checks"].sum()) if len(df) else 0,
                "gc_bounds_percent": list(self.gc_bounds), "offtarget_set": self.offtarget_set,
                "max_mismatches": self.max_mismatches}


def design_gapmers(mrna: str, *, name: str = "mRNA", layout: str | GapmerLayout = "5-10-5",
                   transcripts: TranscriptSet | None = None, skip: np.ndarray | None = None,
                   cds: tuple[int, int] | None = None, max_mismatches: int | None = None,
                   gc_bounds: tuple[float, float] | None = None,
                   progress: Progress | None = None) -> GapmerDesign:
    """Tile gapmers over an mRNA and check length, GC, motifs, self-pairing and off-targets.

    Parameters
    ----------
    mrna
        The mRNA (5'->3', DNA or RNA letters).
    name
        Its name.
    layout
        Wing-gap-wing lengths (``5-10-5``).
    transcripts, skip
        Transcript set for the off-target search and the mask of the target's own transcripts.
    cds
        0-based CDS range on the mRNA for the ``region`` column.
    max_mismatches
        Largest mismatch count searched (default 2).
    gc_bounds
        GC percent bounds (default ``rules.json``: 40-60 %).
    progress
        Progress display.

    Returns
    -------
    The :class:`GapmerDesign`.
    """
    import pandas as pd

    from genetx.core.pairing import self_complementarity
    from genetx.silence.data import rules
    from genetx.silence.seedmatch import near_match_counts

    cfg = rules()["gapmer"]
    lay = layout if isinstance(layout, GapmerLayout) else GapmerLayout.parse(layout)
    seq = clean_rna(mrna, name, min_length=lay.length)
    mm = int(cfg["default_max_mismatches"] if max_mismatches is None else max_mismatches)
    lo, hi = gc_bounds if gc_bounds is not None else cfg["gc_bounds_percent"]
    starts, win = windows(seq, lay.length)
    with resolve(progress).task(f"Tiling gapmers on {name}", total=2) as task:
        aso = _revcomp_codes(win)
        gcm = (aso == 1) | (aso == 2)
        gc_pct = gcm.sum(axis=1) / lay.length * 100 if len(starts) else np.zeros(0)
        gap = aso[:, lay.wing5:lay.wing5 + lay.gap]
        cpg = ((gap[:, :-1] == 1) & (gap[:, 1:] == 2)).sum(axis=1)
        g_run = _longest_g_run(aso)
        dimer, stem = (self_complementarity(aso, 3)
                       if len(starts) else (np.zeros(0, int), np.zeros(0, int)))
        text = decode(aso)
        styled = [t[:lay.wing5].lower() + t[lay.wing5:lay.wing5 + lay.gap]
                  + t[lay.wing5 + lay.gap:].lower() for t in text]
        data: dict[str, Any] = {
            "id": [f"aso{int(s) + 1}" for s in starts], "start": starts + 1,
            "end": starts + lay.length, "region": region_of(starts, lay.length, cds),
            "target_site": decode(win), "gapmer": styled, "layout": str(lay),
            "gc_percent": np.round(gc_pct, 1),
            "gc_in_bounds": ((gc_pct >= lo) & (gc_pct <= hi)).astype(int),
            "cpg_in_gap": cpg, "longest_g_run": g_run,
            "self_dimer": dimer, "hairpin_stem": stem,
        }
        ok = data["gc_in_bounds"].astype(bool) & (g_run < cfg["g_run"])
        task.advance()
        summary = None
        if transcripts is not None:
            _, txs = near_match_counts(transcripts, decode(win), mm, skip)
            for k in range(mm + 1):
                data[f"offtarget_mm{k}"] = txs[:, k]
            ok &= txs[:, 0] == 0
            summary = transcripts.summary()
        data["passes_checks"] = ok.astype(int)
        task.advance()
    df = pd.DataFrame(data)
    if not df.empty:
        keys = [df["passes_checks"] * -1]
        if transcripts is not None:
            keys += [df["offtarget_mm0"]] + ([df["offtarget_mm1"]] if mm >= 1 else [])
        keys += [df["cpg_in_gap"], df["self_dimer"], df["hairpin_stem"], df["start"]]
        order = pd.concat(keys, axis=1, keys=range(len(keys))).sort_values(
            list(range(len(keys))), kind="stable").index
        df = df.loc[order].reset_index(drop=True)
        df.insert(0, "rank", np.arange(1, len(df) + 1))
    return GapmerDesign(name, lay, df, summary, mm, (float(lo), float(hi)))


def _longest_g_run(codes: np.ndarray) -> np.ndarray:
    n, m = codes.shape
    run = np.zeros(n, dtype=np.int64)
    best = np.zeros(n, dtype=np.int64)
    for j in range(m):
        run = np.where(codes[:, j] == 2, run + 1, 0)
        best = np.maximum(best, run)
    return best


__all__ = ["GapmerDesign", "GapmerLayout", "design_gapmers"]
