"""Benchmark of the silencing arm (issue 7): score every siRNA of a 10-kb mRNA with off-targets.

Job
    MECP2 NM_004992.3 from the embedded gene pack (10,241 nt, 10,219 siRNA candidates): every
    rule score and thermodynamic column, seed matches of guide and passenger (7-mer counts over
    the whole set, 3' UTRs included) and near-complete matches of guide and passenger positions
    2-20 with up to 2 mismatches (20,438 patterns), against N synthetic transcripts of
    human-like length (log-normal lengths, median 2,000 nt, sigma 0.75, clipped to 200-50,000;
    i.i.d. bases; a 3' UTR start on each), written once as a GENCODE-style FASTA under
    ``./bench_cache/``. N is 100,000 (``--quick``: 10,000).

Timed, in one process with 2 numba threads (``GENETX_THREADS=2``), after one warm-up call that
loads or compiles the kernels: reading the FASTA (:func:`read_transcriptome`) and scoring
(:func:`design_sirnas`); the median of ``--runs`` runs of each is printed, with peak RSS of the
process (which also holds the synthetic FASTA while reading it).

Baseline, measured in the same run: a naive vectorised numpy scan (each pattern compared with
every window of the transcripts, base by base) over the first ``--baseline-transcripts``
transcripts and ``--baseline-patterns`` patterns; its counts are checked against the engine's on
the same subset, and its throughput (pattern x base per second) is compared with the engine's
on the full job. The naive time for the full job is extrapolated from that throughput.

Usage: ``python benchmarks/bench_silence.py [--quick] [--runs 3] [--n 100000]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

os.environ.setdefault("GENETX_THREADS", "2")

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "bench_cache"


def peak_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_fasta(n: int, seed: int = 7) -> Path:
    """GENCODE-style FASTA of ``n`` random transcripts (cached)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"silence_synthetic_{n}_{seed}.fa"
    if path.is_file():
        return path
    rng = np.random.default_rng(seed)
    lengths = np.clip(rng.lognormal(np.log(2000), 0.75, n), 200, 50_000).astype(np.int64)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        for i, length in enumerate(lengths.tolist()):
            seq = letters[rng.integers(0, 4, length)].tobytes()
            cds_end = int(length * 0.6)
            head = (f">SYN{i:06d}.1|SYNG{i:06d}.1|-|-|SYN{i}-201|SYN{i}|{length}|"
                    f"protein_coding|CDS:1-{cds_end}|UTR3:{cds_end + 1}-{length}|\n")
            fh.write(head.encode())
            for j in range(0, length, 60):
                fh.write(seq[j:j + 60] + b"\n")
    tmp.rename(path)
    return path


def naive_counts(tset, patterns: list[str], max_mm: int, n_tx: int) -> np.ndarray:
    """Naive vectorised numpy scan: sites per pattern and mismatch count in the first n_tx."""
    out = np.zeros((len(patterns), max_mm + 1), dtype=np.int64)
    length = len(patterns[0])
    pats = np.array([[("ACGT").index(c) for c in p] for p in patterns], dtype=np.uint8)
    for t in range(n_tx):
        seq = tset.codes[tset.starts[t]:tset.ends[t]]
        if seq.size < length:
            continue
        win = np.lib.stride_tricks.sliding_window_view(seq, length)
        valid = (win < 4).all(axis=1)
        for j in range(len(patterns)):
            mm = (win != pats[j]).sum(axis=1)
            ok = valid & (mm <= max_mm)
            out[j] += np.bincount(mm[ok], minlength=max_mm + 1)[: max_mm + 1]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="10,000 transcripts, 1 run")
    ap.add_argument("--n", type=int, default=None, help="number of synthetic transcripts")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-transcripts", type=int, default=300)
    ap.add_argument("--baseline-patterns", type=int, default=40)
    args = ap.parse_args()
    n = args.n or (10_000 if args.quick else 100_000)
    runs = 1 if args.quick else args.runs

    from genetx.genome.genes import load_gene
    from genetx.silence.seedmatch import near_match_counts, read_transcriptome
    from genetx.silence.sirna import decode, design_sirnas, windows

    hit = load_gene("MECP2")
    tx = hit.transcript
    mrna = tx.spliced_sequence(hit.genome)
    t = time.perf_counter()
    fasta = synthetic_fasta(n)
    print(f"synthetic transcriptome: {n:,} transcripts, {fasta.stat().st_size / 1e6:,.0f} MB "
          f"FASTA ({time.perf_counter() - t:.1f} s to make or find)")
    print(f"mRNA: {tx.id} ({hit.gene.symbol}), {len(mrna):,} nt; threads: "
          f"{os.environ['GENETX_THREADS']}")

    # warm-up: load (or compile) the kernels on a small set
    t = time.perf_counter()
    small = read_transcriptome(synthetic_fasta(200, seed=1))
    design_sirnas(mrna[:500], transcripts=small)
    print(f"warm-up (kernel load/compile): {time.perf_counter() - t:.2f} s")

    read_times, score_times, score_cpu = [], [], []
    design = tset = None
    for _ in range(runs):
        t = time.perf_counter()
        tset = read_transcriptome(fasta)
        read_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        c = time.process_time()
        design = design_sirnas(mrna, name=tx.id, transcripts=tset, cds=tx.cds_tx_range)
        score_times.append(time.perf_counter() - t)
        score_cpu.append(time.process_time() - c)
    assert design is not None
    assert tset is not None
    n_cand = len(design.candidates)
    n_pat = 2 * n_cand
    read_med = statistics.median(read_times)
    score_med = statistics.median(score_times)
    print(f"\nset: {len(tset):,} transcripts, {tset.n_bases / 1e6:,.1f} Mb")
    print(f"read FASTA:   median {read_med:6.2f} s  (runs: "
          f"{', '.join(f'{x:.2f}' for x in read_times)})")
    print(f"score siRNAs: median {score_med:6.2f} s  (runs: "
          f"{', '.join(f'{x:.2f}' for x in score_times)}); {n_cand:,} candidates, "
          f"{n_pat:,} near-match patterns, max 2 mismatches; CPU time median "
          f"{statistics.median(score_cpu):.2f} s")
    print(f"load average while running: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"(other processes share the {os.cpu_count()} cores)")
    print(f"total:        median {read_med + score_med:6.2f} s   peak RSS {peak_mb():,.0f} MB")

    # baseline on a subset
    _starts, win = windows(mrna)
    pats = decode(win[:, 1:20])[: args.baseline_patterns]
    sub_n = min(args.baseline_transcripts, len(tset))
    sub_bases = int((tset.ends[:sub_n] - tset.starts[:sub_n]).sum())
    t = time.perf_counter()
    ref = naive_counts(tset, pats, 2, sub_n)
    t_naive = time.perf_counter() - t
    mask = np.ones(len(tset), dtype=bool)
    mask[:sub_n] = False
    sites, _ = near_match_counts(tset, pats, 2, mask)
    same = bool((sites == ref).all())
    naive_rate = len(pats) * sub_bases / t_naive
    engine_rate = n_pat * tset.n_bases / score_med
    print(f"\nbaseline: naive numpy scan, {len(pats)} patterns x {sub_n} transcripts "
          f"({sub_bases / 1e6:.2f} Mb): {t_naive:.2f} s; counts equal the engine's: {same}")
    print(f"throughput (pattern x base / s): naive {naive_rate:,.3g}, engine {engine_rate:,.3g} "
          f"(includes all scoring); ratio {engine_rate / naive_rate:,.0f}x")
    print(f"naive time for the full job, extrapolated: "
          f"{n_pat * tset.n_bases / naive_rate / 3600:,.1f} h")
    if not same:
        raise SystemExit("baseline and engine disagree")


if __name__ == "__main__":
    main()
