"""Benchmark: CpG-free codon optimisation of a 4.4-kb CDS with all default constraints.

The CDS is FVIII-SQ (B-domain deleted, 4,374 nt) built from NM_000132.3 in the gene pack.
The baseline, measured in the same run, optimises the same CDS with codon usage only (no CpG
removal, no GC windows, motifs or repeat removal). Each configuration runs in its own forked
process; the script prints the median wall time, the peak resident memory of that process
(ru_maxrss) and the ratio to the baseline.

Usage: python benchmarks/bench_codon.py [--quick] [--repeats N]
Target (issue 5): under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import time


def _cds() -> str:
    from genetx.add.oversize import build_shortened
    from genetx.genome.genes import load_gene

    hit = load_gene("F8")
    cds = hit.transcript.cds_sequence(hit.genome)
    return build_shortened("F8-BDD-SQ", cds, transcript=hit.transcript.id).cds


def _run(cds: str, constraints) -> float:
    from genetx.add.codon import optimize_cds

    t0 = time.perf_counter()
    res = optimize_cds(cds, name="F8-BDD-SQ", constraints=constraints)
    dt = time.perf_counter() - t0
    assert len(res.sequence) == len(cds)
    return dt


def _measure(cds: str, constraints, repeats: int) -> tuple[list[float], float]:
    """Run in a child process: wall times and the child's peak RSS in MiB."""
    times = [_run(cds, constraints) for _ in range(repeats)]
    return times, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(cds: str, constraints, repeats: int) -> tuple[list[float], float]:
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        return pool.apply(_measure, (cds, constraints, repeats))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one repeat (CI smoke test)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    repeats = 1 if args.quick else args.repeats

    from genetx.add.codon import CodonConstraints, optimize_cds
    from genetx.core.seq import translate

    cds = _cds()
    full = CodonConstraints(cpg_free=True)
    base = CodonConstraints(gc_min=0.0, gc_max=1.0, max_homopolymer=60,
                            avoid_polya_signals=False, avoid_splice_sites=False,
                            unique_kmer=None)
    _run("ATGAAATGA", base)  # import DNA Chisel and load tables outside the timings
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_full, rss_full = _in_child(cds, full, repeats)
    t_base, rss_base = _in_child(cds, base, repeats)
    res = optimize_cds(cds, constraints=full)
    assert translate(res.sequence) == translate(cds)
    assert res.after.cpg == 0
    med_full, med_base = statistics.median(t_full), statistics.median(t_base)
    print(f"CDS: FVIII-SQ from NM_000132.3, {len(cds):,} nt; repeats: {repeats}")
    print(f"CpG-free, all default constraints: median {med_full:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in t_full)}), peak RSS {rss_full:.0f} MiB")
    print(f"baseline, codon usage only:        median {med_base:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in t_base)}), peak RSS {rss_base:.0f} MiB")
    print(f"(process RSS before the runs, imports included: {rss0:.0f} MiB)")
    print(f"ratio constrained / baseline: {med_full / med_base:.2f}x")
    print(f"result: CAI {res.before.cai:.3f} -> {res.after.cai:.3f}, CpG {res.before.cpg} -> "
          f"{res.after.cpg}, GC {res.before.gc:.3f} -> {res.after.gc:.3f}; target < 60 s: "
          f"{'met' if med_full < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
