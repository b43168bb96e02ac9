"""siRNA candidates along an mRNA, scored with published rule sets, with off-target counts.

Every 23-nt window ``T`` of the mRNA (A/C/G/T only) is a candidate (Elbashir et al. 2001;
siDirect), named ``si<position>`` after the 1-based mRNA position of its duplex's first base.
The 19-bp duplex is ``T[3..21]`` (1-based); the guide (antisense) strand is the reverse
complement of ``T[1..21]`` and the passenger (sense) strand ``T[3..23]``, both 21 nt with
2-nt 3' overhangs. Positions in rules are 1-based on the 19-nt sense strand: sense 19 pairs
with guide 1, the guide's 5' end.

Scores (definitions, thresholds and citations in ``genetx/data/silence/rules.json``), each with
its components as separate columns:

* ``reynolds``: Reynolds et al. 2004, eight criteria, functional at >= 6;
* ``uitei``: Ui-Tei et al. 2004, four criteria that must all hold (class I);
* ``amarzguioui``: Amarzguioui & Prydz 2004, functional at >= 3;
* ``end_asymmetry_ddg``: dG37 of the guide's 5' end minus that of the passenger's 5' end
  (Xia 1998 stacks; positive favours the guide), after Schwarz 2003 / Khvorova 2003;
* ``seed_tm_guide`` / ``seed_tm_passenger``: seed-duplex Tm (Ui-Tei 2008, as siDirect 2.0;
  below 21.5 degrees C is kept by siDirect);
* composition flags: GC bounds, longest G/C stretch, homopolymer runs, immunostimulatory
  motifs, and ``shrna_pol3_terminator`` (1 when the pSUPER hairpin built from the siRNA would
  hold a run of 4 or more T, which ends its Pol III transcription early).

With a :class:`~genetx.silence.seedmatch.TranscriptSet`, each candidate also gets seed-match
counts (transcripts holding a 7-mer complementary to guide or passenger positions 2-8, whole
transcript and 3' UTR) and near-complete matches (transcripts with a window within 0, 1, ...
``max_mismatches`` mismatches of guide or passenger positions 2-20), the target gene's own
transcripts excluded by the caller's mask.

The table is ordered, not scored: no composite number is invented. The order is: passes the
composition filters, number of rule sets passed, seed Tm below the siDirect limit, fewest
near-complete off-targets (0 then 1 mismatch, both strands), fewest guide seed-match
transcripts, Reynolds score, end asymmetry, position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.errors import InvalidSequenceError
from genetx.progress import resolve
from genetx.silence.thermo import (
    encode,
    end_dg37,
    hairpin_tm,
    kmer_values,
    seed_tm_table,
)

if TYPE_CHECKING:
    import pandas as pd

    from genetx.progress import Progress
    from genetx.silence.seedmatch import TranscriptSet

TARGET_LEN = 23
DUPLEX_LEN = 19
_A, _C, _G, _U = 0, 1, 2, 3
_COMP = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
_IUPAC = re.compile(r"[^ACGTURYSWKMBDHVN]")


def clean_rna(seq: str, name: str = "mRNA", *, min_length: int = TARGET_LEN) -> str:
    """Upper-case DNA letters (U read as T) of a nucleotide sequence, validated.

    IUPAC codes are allowed (windows holding them are not designed on); anything else raises.

    Raises
    ------
    InvalidSequenceError
        Naming ``name``, the letter and its position; or when the sequence is shorter than
        ``min_length`` (an siRNA target window is 23 nt: a 19-bp duplex and two 2-nt overhangs).
    """
    up = re.sub(r"\s+", "", seq).upper()
    bad = _IUPAC.search(up)
    if bad:
        msg = (f"letter {bad.group()!r} at position {bad.start() + 1} is not a nucleotide code "
               "(A, C, G, T/U or IUPAC)")
        raise InvalidSequenceError(name, msg)
    if len(up) < min_length:
        why = (" (an siRNA target window is a 19-bp duplex with 2-nt overhangs)"
               if min_length == TARGET_LEN else "")
        msg = f"is {len(up)} nt long; a design needs at least {min_length} nt{why}"
        raise InvalidSequenceError(name, msg)
    return up.replace("U", "T")


def _revcomp_codes(c: np.ndarray) -> np.ndarray:
    return _COMP[c][..., ::-1]


def decode(codes: np.ndarray, rna: bool = False) -> list[str]:
    """Strings of a code matrix (U for 3 when ``rna``)."""
    alphabet = np.frombuffer(b"ACGUN" if rna else b"ACGTN", dtype=np.uint8)
    if codes.size == 0:
        return ["" for _ in range(codes.shape[0])]
    mat = alphabet[codes]
    return [row.tobytes().decode() for row in mat]


def _longest_run(mask: np.ndarray) -> np.ndarray:
    """Longest run of True along axis 1 (vectorised)."""
    n, m = mask.shape
    run = np.zeros(n, dtype=np.int64)
    best = np.zeros(n, dtype=np.int64)
    for j in range(m):  # m <= 23 columns: a loop over positions, not over candidates
        run = np.where(mask[:, j], run + 1, 0)
        best = np.maximum(best, run)
    return best


def _longest_homopolymer(codes: np.ndarray) -> np.ndarray:
    n, m = codes.shape
    run = np.ones(n, dtype=np.int64)
    best = np.ones(n, dtype=np.int64)
    for j in range(1, m):
        run = np.where(codes[:, j] == codes[:, j - 1], run + 1, 1)
        best = np.maximum(best, run)
    return best


def _has_motif(codes: np.ndarray, motif: str) -> np.ndarray:
    pat = encode(motif)
    k = pat.size
    n, m = codes.shape
    hit = np.zeros(n, dtype=bool)
    for j in range(m - k + 1):
        hit |= (codes[:, j:j + k] == pat).all(axis=1)
    return hit


def rule_scores(sense19: np.ndarray) -> dict[str, np.ndarray]:
    """Reynolds, Ui-Tei and Amarzguioui scores with their components, and duplex thermodynamics.

    Parameters
    ----------
    sense19
        Code matrix ``(n, 19)`` of 19-nt sense strands (A/C/G/U only).

    Returns
    -------
    Columns as arrays, named after the rule and component (``reynolds``, ``reynolds_gc``,
    ``uitei``, ``uitei_au_guide_1_7``, ``amarzguioui_asymmetry``, ``end_asymmetry_ddg`` ...).
    """
    from genetx.silence.data import rules

    if sense19.ndim != 2 or sense19.shape[1] != DUPLEX_LEN:
        where, msg = "siRNA", "rule scores need 19-nt duplex (sense) sequences"
        raise InvalidSequenceError(where, msg)
    if sense19.size and int(sense19.max()) > 3:
        where, msg = "siRNA", "holds letters other than A, C, G, U/T"
        raise InvalidSequenceError(where, msg)
    cfg = rules()
    s = sense19
    n = s.shape[0]
    au = (s == _A) | (s == _U)
    gcm = (s == _C) | (s == _G)

    def at(pos: int) -> np.ndarray:
        return s[:, pos - 1]

    out: dict[str, np.ndarray] = {}
    # --- Reynolds 2004
    rey = {c["id"]: c for c in cfg["reynolds"]["criteria"]}
    gc_count = gcm.sum(axis=1)
    out["gc_count"] = gc_count
    r1 = ((gc_count >= rey["I"]["gc_count_min"]) & (gc_count <= rey["I"]["gc_count_max"]))
    r2 = au[:, [p - 1 for p in rey["II"]["positions"]]].sum(axis=1)
    anti = _revcomp_codes(s)
    hp = np.fmax(hairpin_tm(s), hairpin_tm(anti))
    r3 = ~(hp >= rey["III"]["max_tm"])  # NaN (no hairpin) passes
    r4 = at(19) == _A
    r5 = at(3) == _A
    r6 = at(10) == _U
    r7 = np.isin(at(19), (_G, _C))
    r8 = at(13) == _G
    out["reynolds"] = (r1.astype(int) + r2 + r3.astype(int) + r4 + r5 + r6 - r7 - r8)
    out["reynolds_gc"] = r1.astype(int)
    out["reynolds_au_15_19"] = r2
    out["reynolds_no_hairpin"] = r3.astype(int)
    out["reynolds_hairpin_tm"] = np.round(hp, 1)
    out["reynolds_a19"] = r4.astype(int)
    out["reynolds_a3"] = r5.astype(int)
    out["reynolds_u10"] = r6.astype(int)
    out["reynolds_gc19"] = -r7.astype(int)
    out["reynolds_g13"] = -r8.astype(int)
    # --- Ui-Tei 2004
    ui = {c["id"]: c for c in cfg["uitei"]["criteria"]}
    u1 = np.isin(at(19), (_A, _U))
    u2 = np.isin(at(1), (_G, _C))
    u3n = au[:, [p - 1 for p in ui["iii"]["positions"]]].sum(axis=1)
    run = _longest_run(gcm)
    u3 = u3n >= ui["iii"]["min_au"]
    u4 = run <= ui["iv"]["max_gc_run"]
    out["uitei"] = (u1 & u2 & u3 & u4).astype(int)
    out["uitei_criteria_met"] = u1.astype(int) + u2 + u3 + u4
    out["uitei_w19"] = u1.astype(int)
    out["uitei_s1"] = u2.astype(int)
    out["uitei_au_guide_1_7"] = u3n
    out["uitei_gc_stretch"] = run
    # --- Amarzguioui & Prydz 2004
    asym = au[:, 16:19].sum(axis=1) - au[:, 0:3].sum(axis=1)
    a_s1 = np.isin(at(1), (_G, _C)).astype(int)
    a_u1 = (at(1) == _U).astype(int)
    a_a6 = (at(6) == _A).astype(int)
    a_w19 = np.isin(at(19), (_A, _U)).astype(int)
    a_g19 = (at(19) == _G).astype(int)
    out["amarzguioui"] = asym + a_s1 - a_u1 + a_a6 + a_w19 - a_g19
    out["amarzguioui_asymmetry"] = asym
    out["amarzguioui_s1"] = a_s1
    out["amarzguioui_u1"] = -a_u1
    out["amarzguioui_a6"] = a_a6
    out["amarzguioui_w19"] = a_w19
    out["amarzguioui_g19"] = -a_g19
    # --- thermodynamic asymmetry (Xia 1998)
    stacks = int(cfg["asymmetry"]["end_stacks"])
    left, right = end_dg37(s, stacks)  # passenger 5' end, guide 5' end
    out["dg_passenger_5p_end"] = np.round(left, 2)
    out["dg_guide_5p_end"] = np.round(right, 2)
    out["end_asymmetry_ddg"] = np.round(right - left, 2)
    from genetx.silence.thermo import duplex_thermo

    out["duplex_dg37"] = np.round(duplex_thermo(s)[:, 2], 2) if n else np.zeros(0)
    out["rule_sets_passed"] = ((out["reynolds"] >= cfg["reynolds"]["threshold"]).astype(int)
                               + out["uitei"]
                               + (out["amarzguioui"] >= cfg["amarzguioui"]["threshold"]))
    return out


def explain(sense19: str) -> dict[str, Any]:
    """Rule scores and components of one siRNA given by its 19-nt sense (passenger) strand.

    Examples
    --------
    >>> d = explain("CGUACGCGGAAUACUUCGA")  # Elbashir 2001 GL2 luciferase siRNA
    >>> d["reynolds"], d["uitei"], d["amarzguioui"]
    (6, 0, 2)
    """
    s = clean_rna(sense19, "siRNA", min_length=DUPLEX_LEN)
    if len(s) != DUPLEX_LEN:
        msg = f"is {len(s)} nt; give the 19-nt duplex region of the sense strand"
        raise InvalidSequenceError(sense19, msg)
    codes = encode(s).reshape(1, DUPLEX_LEN)
    sc = rule_scores(codes)
    out: dict[str, Any] = {k: (v[0].item() if hasattr(v[0], "item") else v[0])
                           for k, v in sc.items()}
    seed_site = codes[0, 11:18]  # sense 12-18 pair with guide 2-8
    out["seed_tm_guide"] = round(float(seed_tm_table()[kmer_values(seed_site[None, :])[0]]), 2)
    return out


@dataclass(frozen=True)
class SirnaDesign:
    """siRNA candidates of one mRNA.

    Attributes
    ----------
    name
        The mRNA's name (transcript id).
    length
        mRNA length.
    candidates
        One row per candidate in rank order (see the module docstring for the columns).
    offtarget_set
        Summary of the transcript set searched, or None when none was given.
    excluded
        Transcripts of the set left out of off-target counts (the target's own).
    max_mismatches
        Largest mismatch count of the near-complete match columns.
    gc_bounds
        GC percent bounds of the composition filter.
    """

    name: str
    length: int
    candidates: pd.DataFrame
    offtarget_set: dict[str, Any] | None
    excluded: int
    max_mismatches: int
    gc_bounds: tuple[float, float]
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """The candidate table."""
        return self.candidates

    def summary(self) -> dict[str, Any]:
        """Counts for reports."""
        from genetx.silence.data import rules

        cfg = rules()
        df = self.candidates
        rey, amz = cfg["reynolds"]["threshold"], cfg["amarzguioui"]["threshold"]
        out: dict[str, Any] = {
            "mrna": self.name, "length": self.length, "candidates": len(df),
            "passing_composition": int(df["passes_filters"].sum()) if len(df) else 0,
            "reynolds_functional": int((df["reynolds"] >= rey).sum()) if len(df) else 0,
            "uitei_class_I": int(df["uitei"].sum()) if len(df) else 0,
            "amarzguioui_functional": int((df["amarzguioui"] >= amz).sum()) if len(df) else 0,
            "seed_tm_below_limit": int((df["seed_tm_guide"] < _seed_limit()).sum())
            if len(df) else 0,
            "gc_bounds_percent": list(self.gc_bounds),
            "offtarget_set": self.offtarget_set, "excluded_transcripts": self.excluded,
            "max_mismatches": self.max_mismatches,
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def _seed_limit() -> float:
    from genetx.silence.data import rules

    return float(rules()["seed_duplex"]["max_tm"])


def windows(mrna: str, length: int = TARGET_LEN) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets (0-based) and code matrix of every all-A/C/G/T window of ``length``."""
    codes = encode(mrna)
    if codes.size < length:
        return np.zeros(0, dtype=np.int64), np.zeros((0, length), dtype=np.uint8)
    view = np.lib.stride_tricks.sliding_window_view(codes, length)
    ok = (view <= 3).all(axis=1)
    starts = np.flatnonzero(ok).astype(np.int64)
    return starts, np.ascontiguousarray(view[starts])


def region_of(starts: np.ndarray, length: int, cds: tuple[int, int] | None) -> np.ndarray:
    """``utr5`` / ``cds`` / ``utr3`` / ``cds/utr`` of each window (``""`` without a CDS)."""
    if cds is None:
        return np.full(starts.size, "", dtype=object)
    a, b = cds
    ends = starts + length
    out = np.full(starts.size, "cds/utr", dtype=object)
    out[ends <= a] = "utr5"
    out[starts >= b] = "utr3"
    out[(starts >= a) & (ends <= b)] = "cds"
    return out


def design_sirnas(mrna: str, *, name: str = "mRNA", transcripts: TranscriptSet | None = None,
                  skip: np.ndarray | None = None, cds: tuple[int, int] | None = None,
                  max_mismatches: int | None = None,
                  gc_bounds: tuple[float, float] | None = None,
                  progress: Progress | None = None) -> SirnaDesign:
    """Score every siRNA candidate of an mRNA and count its off-targets.

    Parameters
    ----------
    mrna
        The mRNA (DNA or RNA letters, 5'->3'); at least 23 nt.
    name
        How tables and messages name it.
    transcripts
        Transcript set for seed and near-complete matches (None: no off-target columns).
    skip
        Boolean mask over ``transcripts``: the target's own transcripts, left out of counts.
    cds
        0-based half-open CDS range on the mRNA, for the ``region`` column.
    max_mismatches
        Largest mismatch count of the near-complete search (default from ``rules.json``, 2).
    gc_bounds
        GC percent bounds of the composition filter (default ``rules.json``: 30-60 %).
    progress
        Progress display.

    Returns
    -------
    The :class:`SirnaDesign`.

    Raises
    ------
    InvalidSequenceError
        Non-nucleotide letters, or an mRNA shorter than 23 nt.
    """
    seq = clean_rna(mrna, name)
    starts, win = windows(seq)
    if starts.size == 0:
        msg = "has no 23-nt window of A/C/G/T only (too short, or interrupted by N/IUPAC codes)"
        raise InvalidSequenceError(name, msg)
    df, info = score_windows(starts, win, name=name, transcripts=transcripts, skip=skip,
                             cds=cds, max_mismatches=max_mismatches, gc_bounds=gc_bounds,
                             progress=progress)
    df = _rank(df, info["max_mismatches"], transcripts is not None)
    return SirnaDesign(name, len(seq), df, info["offtarget_set"], info["excluded"],
                       info["max_mismatches"], info["gc_bounds"], tuple(info["notes"]))


def score_windows(starts: np.ndarray, win: np.ndarray, *, name: str = "mRNA",
                  transcripts: TranscriptSet | None = None, skip: np.ndarray | None = None,
                  cds: tuple[int, int] | None = None, max_mismatches: int | None = None,
                  gc_bounds: tuple[float, float] | None = None,
                  progress: Progress | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Score 23-nt target windows (code matrix, A/C/G/T only) given with their 0-based starts.

    Returns the unordered candidate table and a dict with ``max_mismatches``, ``gc_bounds``,
    ``offtarget_set``, ``excluded`` and ``notes``. See :func:`design_sirnas`.
    """
    import pandas as pd

    from genetx.silence.data import rules
    from genetx.silence.seedmatch import kmer_counts, near_match_counts

    cfg = rules()
    mm = int(cfg["near_match"]["default_max_mismatches"] if max_mismatches is None
             else max_mismatches)
    lo, hi = gc_bounds if gc_bounds is not None else cfg["composition"]["gc_bounds_percent"]
    if not 0 <= lo <= hi <= 100:
        msg = "GC bounds must satisfy 0 <= low <= high <= 100"
        where = f"gc_bounds={lo}-{hi}"
        raise InvalidSequenceError(where, msg)
    if win.ndim != 2 or win.shape[1] != TARGET_LEN:
        msg = "target windows are 23 nt"
        raise InvalidSequenceError(name, msg)
    notes: list[str] = []
    task_total = 4 if transcripts is not None else 2
    with resolve(progress).task(f"Scoring siRNAs of {name}", total=task_total) as task:
        sense19 = win[:, 2:21]
        sc = rule_scores(sense19)
        task.advance()
        guide21 = _revcomp_codes(win[:, 0:21])
        pass21 = win[:, 2:23]
        g_site = win[:, 13:20]  # transcript 7-mer paired by guide positions 2-8
        p_site = _revcomp_codes(win[:, 3:10])  # paired by passenger positions 2-8
        tm_table = seed_tm_table()
        g_k = kmer_values(g_site)
        p_k = kmer_values(p_site)
        comp = cfg["composition"]
        gc_pct = sc["gc_count"] / DUPLEX_LEN * 100
        homo = _longest_homopolymer(win)
        immune = np.full(starts.size, "", dtype=object)
        for m in comp["immune_motifs"]:
            hit = _has_motif(guide21, m["motif"]) | _has_motif(pass21, m["motif"])
            immune[hit] = np.where(immune[hit] == "", m["motif"],
                                   immune[hit].astype(str) + "," + m["motif"])
        # a run of 4+ T anywhere in the pSUPER hairpin (sense + loop + antisense) would end its
        # Pol III transcription early (the loop junction included)
        from genetx.silence.data import shrna_parts

        loop = encode(shrna_parts()["pSUPER_loop"]["sequence"])
        hp = np.concatenate([sense19, np.broadcast_to(loop, (sense19.shape[0], loop.size)),
                             _revcomp_codes(sense19)], axis=1)
        t_run = _has_motif(hp, "UUUU")
        data: dict[str, Any] = {
            "id": [f"si{int(s) + 3}" for s in starts],
            "start": starts + 1, "end": starts + TARGET_LEN,
            "region": region_of(starts, TARGET_LEN, cds),
            "target_23": decode(win), "sense_21": decode(pass21, rna=True),
            "antisense_21": decode(guide21, rna=True),
            "gc_percent": np.round(gc_pct, 1),
        }
        data.update(sc)
        data["seed_tm_guide"] = np.round(tm_table[g_k], 2)
        data["seed_tm_passenger"] = np.round(tm_table[p_k], 2)
        data["gc_in_bounds"] = ((gc_pct >= lo) & (gc_pct <= hi)).astype(int)
        data["longest_homopolymer"] = homo
        data["shrna_pol3_terminator"] = t_run.astype(int)
        data["immune_motifs"] = immune
        max_gc_run = next(c["max_gc_run"] for c in cfg["uitei"]["criteria"] if c["id"] == "iv")
        data["passes_filters"] = (data["gc_in_bounds"].astype(bool)
                                  & (sc["uitei_gc_stretch"] <= max_gc_run)
                                  & (homo <= comp["max_homopolymer"])
                                  & (immune == "")).astype(int)
        task.advance()
        summary = None
        excluded = 0
        if transcripts is not None:
            excluded = int(np.asarray(skip).sum()) if skip is not None else 0
            kc = kmer_counts(transcripts, 7, skip)
            data["seed_transcripts_guide"] = kc.transcripts[g_k]
            data["seed_sites_guide"] = kc.sites[g_k]
            data["seed_transcripts_guide_utr3"] = kc.transcripts_utr3[g_k]
            data["seed_transcripts_passenger"] = kc.transcripts[p_k]
            data["seed_sites_passenger"] = kc.sites[p_k]
            data["seed_transcripts_passenger_utr3"] = kc.transcripts_utr3[p_k]
            task.advance()
            g_pat = decode(win[:, 1:20])  # transcript side of guide positions 2-20
            p_pat = decode(_revcomp_codes(win[:, 3:22]))  # of passenger positions 2-20
            _, txs = near_match_counts(transcripts, g_pat + p_pat, mm, skip)
            n = starts.size
            for k in range(mm + 1):
                data[f"offtarget_guide_mm{k}"] = txs[:n, k]
            for k in range(mm + 1):
                data[f"offtarget_passenger_mm{k}"] = txs[n:, k]
            summary = transcripts.summary()
            if summary["with_utr3"] == 0:
                notes.append("the transcript set has no 3' UTR annotation: the *_utr3 seed "
                             "columns are 0")
            task.advance()
    info = {"max_mismatches": mm, "gc_bounds": (float(lo), float(hi)),
            "offtarget_set": summary, "excluded": excluded, "notes": notes}
    return pd.DataFrame(data), info


def rank_candidates(df: pd.DataFrame, mm: int, with_offtargets: bool) -> pd.DataFrame:
    """Order candidates as the module docstring says and number them (``rank``)."""
    return _rank(df, mm, with_offtargets)


def _rank(df: pd.DataFrame, mm: int, with_offtargets: bool) -> pd.DataFrame:
    import pandas as pd

    if df.empty:
        df = df.copy()
        df.insert(0, "rank", np.zeros(0, dtype=np.int64))
        return df
    limit = _seed_limit()
    keys = pd.DataFrame({
        "a": -df["passes_filters"], "b": -df["rule_sets_passed"],
        "c": (df["seed_tm_guide"] >= limit).astype(int),
    })
    cols = ["a", "b", "c"]
    if with_offtargets:
        keys["d"] = df["offtarget_guide_mm0"] + df["offtarget_passenger_mm0"]
        cols.append("d")
        if mm >= 1:
            keys["e"] = df["offtarget_guide_mm1"] + df["offtarget_passenger_mm1"]
            cols.append("e")
        keys["f"] = df["seed_transcripts_guide"]
        cols.append("f")
    keys["g"] = -df["reynolds"]
    keys["h"] = -df["end_asymmetry_ddg"]
    keys["i"] = df["start"]
    cols += ["g", "h", "i"]
    order = keys.sort_values(cols, kind="stable").index
    out = df.loc[order].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


__all__ = ["DUPLEX_LEN", "TARGET_LEN", "SirnaDesign", "clean_rna", "decode", "design_sirnas",
           "explain", "rank_candidates", "region_of", "rule_scores", "score_windows", "windows"]
