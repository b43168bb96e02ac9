"""Candidate guides in a region, on both strands, with cut sites, filters and on-target scores.

Enumeration is vectorised numpy over the 2-bit codes of the region (``A=0, C=1, G=2, T=3``,
4 for anything else); there is no per-base Python loop, so a 2-Mb locus takes about a second.

A *site* is a protospacer of the nuclease's spacer length next to one of its PAMs, on either
strand, with no base other than A, C, G, T in the protospacer. Each guide row holds:

``Chromosome, Start, End, Strand``
    0-based half-open span of protospacer + PAM on the plus strand, and the strand the
    protospacer reads 5'->3' on (the PAM strand).
``spacer``, ``pam``, ``target``
    The spacer (the guide RNA's targeting part, as DNA), the PAM, and both as they read on the
    PAM strand (``spacer + pam`` for Cas9, ``pam + spacer`` for Cas12a; CRISPOR's ``targetSeq``).
``cut``, ``cut_target``
    The cut on the PAM strand and on the target strand, as the plus-strand coordinate of the
    first base 3' (in plus orientation) of the break: the break lies between ``cut - 1`` and
    ``cut``. They are equal for blunt nucleases.
``pam_tier``
    The PAM pattern the site matched (SpRY: ``NRN`` preferred, ``NYN`` weaker).
``pam_id``
    CRISPOR's guide name: the 1-based position in the region of the leftmost plus-strand base
    of the PAM, then ``forw`` or ``rev`` (``41forw``).
``gc``, ``polyT``, ``max_homopolymer``, ``filters``
    Spacer GC fraction; whether the spacer holds ``TTTT`` (a Pol III terminator, Nielsen 2013);
    the longest single-base run; and the filters the guide fails (``polyT``, ``gc``,
    ``homopolymer``), empty when it passes. Bounds in ``data/nucleases/editing_rules.json``.
``rule_set_1``, ``crisprscan``
    Doench 2014 Rule Set 1 and Moreno-Mateos 2015 CRISPRscan (0-1; CRISPOR prints
    ``int(100 * value)``), for 20-nt spacers at NGG PAMs with enough flanking sequence, else NaN.
``activity_model``
    GeneTx's own activity model (:mod:`genetx.edit.scoring.model`, a predicted activity
    percentile 0-1) on the same 30-mer, present only when the trained model is shipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from genetx.core.encode import encode_dna as encode  # A0 C1 G2 T3, anything else 4
from genetx.core.seq import IUPAC_DNA
from genetx.edit.nucleases import Nuclease, get_nuclease, guide_filter_rules
from genetx.errors import BadInputError, InfeasibleDesignError, MissingDataError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.genome._base import Genome

#: Column order of a guide table.
GUIDE_COLUMNS = ("guide_id", "nuclease", "Chromosome", "Start", "End", "Strand", "spacer",
                 "pam", "target", "pam_tier", "cut", "cut_target", "pam_id", "gc", "polyT",
                 "max_homopolymer", "filters", "rule_set_1", "crisprscan")

_BITS = np.array([1, 2, 4, 8, 0], dtype=np.uint8)
_LETTERS = np.frombuffer(b"ACGTN", dtype=np.uint8)
_COMP = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
_CHUNK = 65536
#: Bases of context fetched around a region (Rule Set 1 needs 4 + 3, CRISPRscan 6 + 6).
CONTEXT = 60


def decode_rows(codes: np.ndarray) -> list[str]:
    """Strings of the rows of a ``(n, L)`` code matrix."""
    if codes.shape[0] == 0:
        return []
    letters = _LETTERS[codes]
    width = codes.shape[1]
    return np.ascontiguousarray(letters).view(f"S{width}").ravel().astype(str).tolist()


def revcomp_codes(codes: np.ndarray) -> np.ndarray:
    """Reverse complement of a code array (4 stays 4)."""
    return _COMP[codes[::-1]]


def _pam_mask(pam: str) -> np.ndarray:
    out = np.zeros(len(pam), dtype=np.uint8)
    for j, ch in enumerate(pam.upper()):
        for b in IUPAC_DNA[ch]:
            out[j] |= 1 << "ACGT".index(b)
    return out


def _site_starts(codes: np.ndarray, pam: str, pam_side: str, spacer_len: int) -> np.ndarray:
    """Start indices (in ``codes``) of sites ``spacer + pam`` (3') or ``pam + spacer`` (5')."""
    n = codes.shape[0]
    plen = len(pam)
    width = spacer_len + plen
    m = n - width + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64)
    pam_off = spacer_len if pam_side == "3prime" else 0
    sp_off = 0 if pam_side == "3prime" else plen
    bits = _BITS[codes]
    ok = np.ones(m, dtype=bool)
    for j, mask in enumerate(_pam_mask(pam)):
        ok &= (bits[pam_off + j:pam_off + j + m] & mask) != 0
    isn = np.concatenate(([0], np.cumsum(codes == 4, dtype=np.int64)))
    nbad = isn[sp_off + spacer_len:sp_off + spacer_len + m] - isn[sp_off:sp_off + m]
    ok &= nbad == 0
    return np.flatnonzero(ok).astype(np.int64)


def _gather(codes: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """Rows ``codes[s:s+width]``, out-of-range bases as 4."""
    n = codes.shape[0]
    out = np.empty((starts.shape[0], width), dtype=np.uint8)
    ar = np.arange(width)
    for a in range(0, starts.shape[0], _CHUNK):
        idx = starts[a:a + _CHUNK, None] + ar
        inside = (idx >= 0) & (idx < n)
        rows = codes[np.clip(idx, 0, max(n - 1, 0))]
        rows[~inside] = 4
        out[a:a + _CHUNK] = rows
    return out


def _max_run(rows: np.ndarray) -> np.ndarray:
    """Longest run of one base in each row."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    run = np.ones(rows.shape[0], dtype=np.int64)
    best = run.copy()
    for j in range(1, rows.shape[1]):
        same = rows[:, j] == rows[:, j - 1]
        run = np.where(same, run + 1, 1)
        np.maximum(best, run, out=best)
    return best


def activity_model_available() -> bool:
    """True when GeneTx's trained activity model is shipped (``genetx.edit.scoring.model``)."""
    try:
        from genetx.edit.scoring._data import DATA_DIR
        from genetx.edit.scoring.model import MODEL_NAME
    except ImportError:
        return False
    base = DATA_DIR / "ontarget" / MODEL_NAME
    return base.with_suffix(".npz").is_file() and base.with_suffix(".json").is_file()


def _ontarget(strand_codes: np.ndarray, starts: np.ndarray, pam_ngg: np.ndarray,
              spacer_len: int) -> dict[str, np.ndarray]:
    """On-target scores for sites at ``starts`` (protospacer starts) where they are defined.

    Rule Set 1 and CRISPRscan always; ``activity_model`` (GeneTx's trained model) when it is
    shipped.
    """
    from genetx.edit.scoring.ontarget import crisprscan_batch, rule_set_1_batch

    out = {"rule_set_1": np.full(starts.shape[0], np.nan),
           "crisprscan": np.full(starts.shape[0], np.nan)}
    model = activity_model_available()
    if model:
        out["activity_model"] = np.full(starts.shape[0], np.nan)
    if spacer_len != 20 or starts.shape[0] == 0:
        return out
    n = strand_codes.shape[0]
    ok1 = pam_ngg & (starts - 4 >= 0) & (starts + 26 <= n)
    ok2 = pam_ngg & (starts - 6 >= 0) & (starts + 29 <= n)
    if ok1.any():
        codes30 = _gather(strand_codes, starts[ok1] - 4, 30)
        out["rule_set_1"][ok1] = rule_set_1_batch(codes30)
        if model:
            from genetx.edit.scoring.model import activity_score_batch

            out["activity_model"][ok1] = activity_score_batch(codes30)
    if ok2.any():
        out["crisprscan"][ok2] = crisprscan_batch(_gather(strand_codes, starts[ok2] - 6, 35))
    return out


def scan_sequence(seq: str, nuclease: str | Nuclease = "SpCas9", *,
                  spacer_length: int | None = None, chrom: str = "seq", offset: int = 0,
                  region: tuple[int, int] | None = None,
                  id_origin: int | None = None) -> pd.DataFrame:
    """Every guide site of ``nuclease`` in ``seq`` (both strands) as a guide table.

    Parameters
    ----------
    seq
        The sequence, plus strand (any case; non-ACGT letters block sites).
    nuclease
        Nuclease name or object (see :mod:`genetx.edit.nucleases`).
    spacer_length
        Spacer length; default the nuclease's.
    chrom, offset
        Chromosome name and the plus-strand coordinate of ``seq[0]`` (coordinates in the table
        are ``offset``-based).
    region
        Keep only sites whose PAM-strand cut lies in ``[start, end]`` (chromosome
        coordinates); default: every site fully inside ``seq``.
    id_origin
        Chromosome coordinate that counts as position 1 in ``pam_id`` (default: ``region``
        start, else ``offset``).

    Returns
    -------
    DataFrame with :data:`GUIDE_COLUMNS`, sorted by cut position then strand.

    Examples
    --------
    >>> t = scan_sequence("AAAA" + "ACGTTGCAACGTTGCAACGT" + "TGG" + "AAAA")
    >>> t[["Start", "End", "Strand", "target", "cut"]].values.tolist()
    [[4, 27, '+', 'ACGTTGCAACGTTGCAACGTTGG', 21]]
    """
    import pandas as pd

    nuc = get_nuclease(nuclease)
    slen = int(spacer_length or nuc.spacer_length)
    lo, hi = nuc.spacer_lengths
    if not lo <= slen <= hi:
        msg = f"must be {lo}-{hi} nt for {nuc.name}" if lo != hi else (
            f"must be {lo} nt for {nuc.name}")
        msg_0 = f"spacer length {slen}"
        raise BadInputError(msg_0, msg)
    fwd = encode(seq)
    rev = revcomp_codes(fwd)
    n = fwd.shape[0]
    plen = nuc.pam_length
    width = slen + plen
    origin = id_origin if id_origin is not None else (region[0] if region else offset)
    frames = []
    for tier, pam in enumerate(nuc.pams):
        for strand, codes in (("+", fwd), ("-", rev)):
            k = _site_starts(codes, pam, nuc.pam_side, slen)
            if k.size == 0:
                continue
            sp_off = 0 if nuc.is_cas9 else plen
            pam_off = slen if nuc.is_cas9 else 0
            sp_start = k + sp_off
            # PAM-strand and target-strand breaks, in strand coordinates (boundary indices)
            if nuc.is_cas9:
                b_pam = k + slen - nuc.cut_pam_strand
                b_tgt = k + slen - nuc.cut_target_strand
            else:
                b_pam = k + plen + nuc.cut_pam_strand
                b_tgt = k + plen + nuc.cut_target_strand
            if strand == "+":
                start = k
                cut, cut_t = b_pam, b_tgt
                pam_left = k + pam_off
            else:
                start = n - k - width
                cut, cut_t = n - b_pam, n - b_tgt
                pam_left = n - (k + pam_off) - plen
            spacer_rows = _gather(codes, sp_start, slen)
            pam_rows = _gather(codes, k + pam_off, plen)
            ngg = (pam_rows[:, -2] == 2) & (pam_rows[:, -1] == 2) if (
                nuc.is_cas9 and plen == 3) else np.zeros(k.shape[0], dtype=bool)
            scores = _ontarget(codes, sp_start, ngg, slen)
            gc = ((spacer_rows == 1) | (spacer_rows == 2)).sum(axis=1) / slen
            tt = (spacer_rows == 3).astype(np.int64)
            c4 = np.concatenate([np.zeros((tt.shape[0], 1), dtype=np.int64),
                                 np.cumsum(tt, axis=1)], axis=1)
            polyt = ((c4[:, 4:] - c4[:, :-4]) == 4).any(axis=1) if slen >= 4 else np.zeros(
                k.shape[0], dtype=bool)
            frames.append(pd.DataFrame({
                "Start": start + offset, "End": start + offset + width, "Strand": strand,
                "spacer": decode_rows(spacer_rows), "pam": decode_rows(pam_rows),
                "pam_tier": pam, "_tier": tier, "cut": cut + offset,
                "cut_target": cut_t + offset, "_pam_left": pam_left + offset,
                "gc": gc, "polyT": polyt, "max_homopolymer": _max_run(spacer_rows),
                **scores,
            }))
    if frames:
        df = pd.concat(frames, ignore_index=True)
    else:
        df = pd.DataFrame({c: [] for c in GUIDE_COLUMNS})
        return df[list(GUIDE_COLUMNS)]
    if region is not None:
        df = df[(df["cut"] >= region[0]) & (df["cut"] <= region[1])]
    df = df.sort_values(["cut", "Strand", "Start"], kind="stable").reset_index(drop=True)
    df["nuclease"] = nuc.name
    df["Chromosome"] = chrom
    sp = df["spacer"].to_numpy(dtype=object)
    pm = df["pam"].to_numpy(dtype=object)
    df["target"] = (sp + pm) if nuc.is_cas9 else (pm + sp)
    pos1 = df["_pam_left"] - origin + 1
    df["pam_id"] = pos1.astype(str) + np.where(df["Strand"] == "+", "forw", "rev")
    df["filters"] = _filters(df)
    df["guide_id"] = [f"{nuc.name}-{i + 1}" for i in range(len(df))]
    cols = list(GUIDE_COLUMNS) + (["activity_model"] if "activity_model" in df else [])
    return df[cols]


_FILTER_NAMES = ("polyT", "gc", "homopolymer")
_FILTER_LABELS = np.array([",".join(n for b, n in enumerate(_FILTER_NAMES) if (k >> b) & 1)
                           for k in range(8)], dtype=object)


def _filters(df: pd.DataFrame) -> np.ndarray:
    rules = guide_filter_rules()
    gmin, gmax = rules["gc_range"]["value"]
    hmax = int(rules["homopolymer"]["value"])
    gc = df["gc"].to_numpy(dtype=float)
    code = (df["polyT"].to_numpy(dtype=bool).astype(np.int64)
            + 2 * ((gc < gmin) | (gc > gmax)).astype(np.int64)
            + 4 * (df["max_homopolymer"].to_numpy() >= hmax).astype(np.int64))
    return _FILTER_LABELS[code]


def available_span(genome: Genome, chrom: str, start: int, end: int) -> tuple[str, int, int]:
    """The stored span ``(record chromosome, lo, hi)`` of ``genome`` that holds ``[start, end)``.

    Raises
    ------
    MissingDataError
        When no record of the genome holds the whole range.
    """
    from genetx.genome._base import chrom_key

    recs = genome.records()
    if chrom in recs:
        seg_chrom = chrom
        for seg in genome.segments():
            if seg.record == chrom and seg.chrom != chrom:
                # a placed record addressed by its own name: its own coordinates
                return chrom, 0, seg.length
        if 0 <= start <= end <= recs[chrom]:
            return seg_chrom, 0, recs[chrom]
    key = chrom_key(chrom)
    for seg in genome.segments():
        if chrom_key(seg.chrom) == key and seg.offset <= start and end <= seg.end:
            return chrom, seg.offset, seg.end
    msg = (f"range {start + 1:,}-{end:,} is not held by genome {genome.name!r} "
           "(give a region inside its records)")
    raise MissingDataError(chrom, msg)


def find_guides(genome: Genome, chrom: str, start: int, end: int,
                nuclease: str | Nuclease = "SpCas9", *, spacer_length: int | None = None,
                context: int = CONTEXT) -> pd.DataFrame:
    """Guides of ``nuclease`` whose PAM-strand cut lies in ``[start, end]`` of ``chrom``.

    Sites may extend past the region; ``context`` bases on each side (as far as the genome
    holds sequence) are read so that flanking-sequence scores can be computed.

    Parameters
    ----------
    genome
        The genome holding the region.
    chrom, start, end
        Region, 0-based half-open plus-strand coordinates.
    nuclease
        Nuclease name or object.
    spacer_length
        Spacer length (default: the nuclease's).
    context
        Bases read beyond the region on each side.

    Returns
    -------
    The guide table (see the module docstring); ``pam_id`` counts from ``start``.

    Raises
    ------
    InfeasibleDesignError
        When the region has no site of the nuclease (the message names the PAMs).
    MissingDataError
        When the genome does not hold the region.
    """
    if end <= start:
        msg = "is empty (end must be after start)"
        msg_0 = f"{chrom}:{start + 1}-{end}"
        raise BadInputError(msg_0, msg)
    nuc = get_nuclease(nuclease)
    _, lo, hi = available_span(genome, chrom, start, end)
    a, b = max(lo, start - context), min(hi, end + context)
    seq = genome.fetch(chrom, a, b)
    table = scan_sequence(seq, nuc, spacer_length=spacer_length, chrom=chrom, offset=a,
                          region=(start, end))
    if table.empty:
        pams = " or ".join(nuc.pams)
        msg = (f"has no {nuc.name} site ({pams} PAM, {nuc.pam_side.replace('prime', chr(39))} "
               f"of a {spacer_length or nuc.spacer_length}-nt protospacer without N) with its "
               "cut inside the region; try another nuclease (SpRY accepts almost any PAM)")
        msg_0 = f"{chrom}:{start + 1:,}-{end:,}"
        raise InfeasibleDesignError(msg_0, msg)
    return table





def u6_oligos(spacer: str) -> tuple[str, str]:
    """Annealed-oligo pair for cloning a Cas9 spacer behind a U6 promoter (BbsI/BsmBI sites).

    Top ``CACC + G + spacer``, bottom ``AAAC + reverse complement + C``; the ``G`` (needed to
    start U6 transcription) is added only when the spacer does not start with G (Ran et al.
    2013, Nat Protoc 8:2281, doi:10.1038/nprot.2013.143).

    Examples
    --------
    >>> u6_oligos("ACGTTGCAACGTTGCAACGT")
    ('CACCGACGTTGCAACGTTGCAACGT', 'AAACACGTTGCAACGTTGCAACGTC')
    """
    from genetx.core.seq import reverse_complement

    g = "" if spacer.startswith("G") else "G"
    return "CACC" + g + spacer, "AAAC" + reverse_complement(g + spacer)


def search_scope(genome: Genome) -> tuple[frozenset[str], str]:
    """Records to leave out of genome-wide searches, and a sentence saying what was searched.

    For the embedded gene pack the mRNA records are left out (they copy exons of genomic
    records and would count every exonic guide twice), and the sentence says that the pack holds
    selected loci, not a whole genome.
    """
    recs = genome.records()
    total = sum(recs.values())
    if str(genome.source).startswith("embedded:"):
        from genetx.genome.genes import pack_manifest

        entries = pack_manifest()["files"]["genepack.2bit"]["records"]
        mrna = frozenset(r["name"] for r in entries if r.get("note") == "mRNA record")
        kept = total - sum(n for r, n in recs.items() if r in mrna)
        text = (f"the embedded gene pack loci only ({len(recs) - len(mrna)} genomic records, "
                f"{kept / 1e6:.1f} Mb: the GRCh38 DMD locus, two chr21 regions and RefSeqGene "
                "records; mRNA records left out), not a whole genome; register a whole "
                "genome and pass --genome for genome-wide counts")
        return mrna, text
    return frozenset(), (f"genome {genome.name!r} ({len(recs)} records, {total / 1e6:.1f} Mb, "
                         f"{genome.source})")


__all__ = ["CONTEXT", "GUIDE_COLUMNS", "activity_model_available", "available_span",
           "decode_rows", "encode", "find_guides", "revcomp_codes", "scan_sequence",
           "search_scope", "u6_oligos"]
