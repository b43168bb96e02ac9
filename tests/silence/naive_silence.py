"""Brute-force oracles for the silencing kernels, written plainly and slowly on purpose.

They share no code with ``genetx.silence``: plain Python strings, loops and the published
parameter values typed in again here from the papers (Xia et al. 1998 Table 4; Turner 2004
hairpin initiation).
"""

from __future__ import annotations

COMP = {"A": "T", "C": "G", "G": "C", "T": "A"}


def revcomp(seq: str) -> str:
    """Reverse complement (DNA letters; U read as T; others become N)."""
    return "".join(COMP.get(c, "N") for c in reversed(seq.replace("U", "T")))


def near_matches(seqs: list[str], patterns: list[str], max_mm: int,
                 skip: set[int] = frozenset()) -> list[tuple[int, int, int, int]]:
    """Every (pattern, transcript, offset, mismatches) with at most ``max_mm`` substitutions."""
    out = []
    for j, p in enumerate(patterns):
        n = len(p)
        for t, s in enumerate(seqs):
            if t in skip:
                continue
            for i in range(len(s) - n + 1):
                w = s[i:i + n]
                if any(c not in "ACGT" for c in w):
                    continue
                mm = sum(1 for a, b in zip(p, w, strict=True) if a != b)
                if mm <= max_mm:
                    out.append((j, t, i, mm))
    return out


def near_counts(seqs: list[str], patterns: list[str], max_mm: int,
                skip: set[int] = frozenset()) -> tuple[list[list[int]], list[list[int]]]:
    """Sites and distinct transcripts per pattern and mismatch number."""
    sites = [[0] * (max_mm + 1) for _ in patterns]
    txs = [[set() for _ in range(max_mm + 1)] for _ in patterns]
    for j, t, _i, mm in near_matches(seqs, patterns, max_mm, skip):
        sites[j][mm] += 1
        txs[j][mm].add(t)
    return sites, [[len(x) for x in row] for row in txs]


def kmer_sites(seqs: list[str], kmer: str, utr3: list[int] | None = None,
               skip: set[int] = frozenset()) -> tuple[int, int, int, int]:
    """Sites, transcripts, 3' UTR sites and 3' UTR transcripts holding ``kmer``."""
    sites = txs = usites = utxs = 0
    k = len(kmer)
    for t, s in enumerate(seqs):
        if t in skip:
            continue
        u = -1 if utr3 is None else utr3[t]
        hits = [i for i in range(len(s) - k + 1) if s[i:i + k] == kmer]
        uhits = [i for i in hits if u >= 0 and i >= u]
        sites += len(hits)
        txs += bool(hits)
        usites += len(uhits)
        utxs += bool(uhits)
    return sites, txs, usites, utxs


# Xia et al. 1998 (Biochemistry 37:14719) Table 4: dH (kcal/mol), dS (eu), per top-strand step;
# each step also stands for its reverse complement.
XIA = {"AA": (-6.82, -19.0), "AU": (-9.38, -26.7), "UA": (-7.69, -20.5), "CU": (-10.48, -27.1),
       "CA": (-10.44, -26.9), "GU": (-11.40, -29.5), "GA": (-12.44, -32.5),
       "CG": (-10.64, -26.7), "GG": (-13.39, -32.7), "GC": (-14.88, -36.9)}
XIA_TERMINAL_AU = (3.72, 10.5)
# Turner 2004 hairpin initiation dG37 (kcal/mol) by loop size.
TURNER_LOOP = {3: 5.4, 4: 5.6, 5: 5.7, 6: 5.4, 7: 6.0, 8: 5.5, 9: 6.4, 10: 6.5, 11: 6.6,
               12: 6.7, 13: 6.8, 14: 6.9, 15: 6.9, 16: 7.0, 17: 7.1, 18: 7.1, 19: 7.2, 20: 7.2}
PAIRS = {("A", "U"), ("U", "A"), ("G", "C"), ("C", "G")}


def _rc_rna(s: str) -> str:
    c = {"A": "U", "U": "A", "G": "C", "C": "G"}
    return "".join(c[x] for x in reversed(s))


def stack(top: str) -> tuple[float, float]:
    """(dH, dS) of a Watson-Crick step written 5'->3' on the top strand."""
    return XIA[top] if top in XIA else XIA[_rc_rna(top)]


def hairpin_tm(seq: str, min_stem: int = 2) -> float | None:
    """Highest Tm of any contiguous Watson-Crick stem (>= min_stem pairs) closing a loop of 3-20."""
    s = seq.upper().replace("T", "U")
    best = None
    n = len(s)
    for i in range(n):
        for j in range(i + 4, n):
            loop = j - i - 1
            if loop > 20 or (s[i], s[j]) not in PAIRS:
                continue
            stem = [(i, j)]
            while True:
                a, b = stem[-1][0] - 1, stem[-1][1] + 1
                if a < 0 or b >= n or (s[a], s[b]) not in PAIRS:
                    break
                stem.append((a, b))
            for m in range(min_stem, len(stem) + 1):
                pairs = stem[:m]
                dh = 0.0
                ds = -1000.0 * TURNER_LOOP[loop] / 310.15
                for (a, _b), (c, _d) in zip(pairs[1:], pairs[:-1], strict=True):
                    h, e = stack(s[a] + s[c])
                    dh += h
                    ds += e
                outer = pairs[-1]
                if s[outer[0]] in "AU":
                    dh += XIA_TERMINAL_AU[0]
                    ds += XIA_TERMINAL_AU[1]
                tm = dh * 1000.0 / ds - 273.15
                if best is None or tm > best:
                    best = tm
    return best


def _pairs_dna(a: str, b: str) -> bool:
    return COMP.get(a) == b


def longest_self_dimer(seq: str) -> int:
    """Longest run of consecutive Watson-Crick pairs between two antiparallel copies."""
    n = len(seq)
    best = 0
    for i in range(n):  # base i of copy 1 pairs with base j of copy 2; runs go i-1, j+1 ...
        for j in range(n):
            k = 0
            while i - k >= 0 and j + k < n and _pairs_dna(seq[i - k], seq[j + k]):
                k += 1
            best = max(best, k)
    return best


def longest_hairpin_stem(seq: str, min_loop: int = 3) -> int:
    """Longest stem of consecutive pairs (i-k, j+k) closing a loop of at least ``min_loop``."""
    n = len(seq)
    best = 0
    for i in range(n):
        for j in range(i + min_loop + 1, n):
            k = 0
            while i - k >= 0 and j + k < n and _pairs_dna(seq[i - k], seq[j + k]):
                k += 1
            best = max(best, k)
    return best
