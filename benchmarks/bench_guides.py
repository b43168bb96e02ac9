"""Benchmark of guide enumeration and on-target scoring (issue 4) on the whole DMD locus.

Target (issue 4): enumerating every SpCas9 guide of the 2.2-Mb DMD locus of the embedded gene
pack and scoring it (Rule Set 1, CRISPRscan, GC, Pol III TTTT, homopolymers) within 10 s.

Sections
--------
locus
    ``find_guides(genome, "chrX", DMD start, DMD end, "SpCas9")`` on the embedded pack (the
    sequence read from the 2bit included), median of ``--runs`` runs after one warm-up run that
    compiles nothing but loads the modules; peak traced memory (tracemalloc) of one run.
baseline
    A plain Python implementation measured in the same run on the first ``--baseline-kb`` kb
    of the locus: a regular-expression scan of both strands, then ``rule_set_1`` and
    ``crisprscan`` called guide by guide, GC and TTTT by string operations. The engine runs on
    the same slice, the guide sets are checked to be equal, and the per-slice ratio is printed.
other nucleases (skipped by ``--quick``)
    The whole locus with SpCas9-NG, SaCas9 and AsCas12a.

Usage: ``python benchmarks/bench_guides.py [--quick] [--runs 5] [--baseline-kb 200]``
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import tracemalloc


def engine(genome, chrom: str, start: int, end: int, nuclease: str = "SpCas9"):
    """The vectorised enumerator and scorers."""
    from genetx.edit.guides import find_guides

    return find_guides(genome, chrom, start, end, nuclease)


def naive(genome, chrom: str, start: int, end: int) -> set[tuple[int, str, str]]:
    """Per-guide pure-Python enumeration and scoring (the baseline)."""
    from genetx.core.seq import reverse_complement
    from genetx.edit.scoring import crisprscan, rule_set_1

    a, b = start - 60, end + 60
    seq = genome.fetch(chrom, a, b).upper()
    out = set()
    for strand, s in (("+", seq), ("-", reverse_complement(seq))):
        for m in re.finditer(r"(?=([ACGT]{21}GG))", s):
            i = m.start()
            spacer = s[i:i + 20]
            if strand == "+":
                cut = a + i + 17
            else:
                cut = b - (i + 17)
            if not start <= cut <= end:
                continue
            gc = (spacer.count("G") + spacer.count("C")) / 20
            polyt = "TTTT" in spacer
            rs1 = rule_set_1(s[i - 4:i + 26]) if i >= 4 and i + 26 <= len(s) else None
            cs = crisprscan(s[i - 6:i + 29]) if i >= 6 and i + 29 <= len(s) else None
            del gc, polyt, rs1, cs
            out.add((cut, strand, spacer))
    return out


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, small baseline slice")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline-kb", type=int, default=200)
    args = ap.parse_args()
    runs = 1 if args.quick else args.runs
    kb = 50 if args.quick else args.baseline_kb

    from genetx.genome.genes import load_gene

    h = load_gene("DMD")
    g, chrom, start, end = h.genome, h.gene.chrom, h.gene.start, h.gene.end
    print(f"DMD locus {chrom}:{start + 1:,}-{end:,} ({(end - start) / 1e6:.2f} Mb), "
          f"genome {g.name} ({g.source})")
    engine(g, chrom, start, start + 10_000)  # warm-up: imports, data tables

    t_full, table = timed(lambda: engine(g, chrom, start, end), runs)
    mem = peak_mb(lambda: engine(g, chrom, start, end))
    scored = int(table["rule_set_1"].notna().sum())
    verdict = "within" if t_full <= 10 else "OVER"
    print(f"locus     SpCas9: {len(table):,} guides ({scored:,} with Rule Set 1 and "
          f"CRISPRscan) in {t_full:.2f} s median of {runs} ({verdict} the 10-s target); "
          f"peak traced memory {mem:.0f} MB")

    s_end = start + kb * 1000
    t_naive, ref = timed(lambda: naive(g, chrom, start, s_end), 1)
    t_eng, sub = timed(lambda: engine(g, chrom, start, s_end), runs)
    got = {(int(r.cut), r.Strand, r.spacer) for r in sub.itertuples()}
    same = "same guides" if got == ref else f"DIFFERENT guide sets ({len(got)} vs {len(ref)})"
    print(f"baseline  first {kb} kb: naive per-guide Python {t_naive:.2f} s, engine "
          f"{t_eng:.3f} s, ratio {t_naive / max(t_eng, 1e-9):.0f}x ({len(ref):,} guides, "
          f"{same}); naive extrapolated to the locus: "
          f"{t_naive * (end - start) / (kb * 1000):.0f} s")

    if not args.quick:
        for n in ("SpCas9-NG", "SaCas9", "AsCas12a"):
            t, tab = timed(lambda n=n: engine(g, chrom, start, end, n), 1)
            print(f"locus     {n}: {len(tab):,} guides in {t:.2f} s")


if __name__ == "__main__":
    main()
