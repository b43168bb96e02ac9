"""Benchmark: open a multi-gigabase FASTA and fetch 100,000 random 23-mers from both strands.

A synthetic genome (24 chromosomes, 60-column lines, soft-masked runs, N gaps) is generated once
and cached under ``./bench_cache/``; a 2bit copy is written from it once with
:func:`genetx.genome.twobit.write_twobit`. Each measured step runs in a fresh child process, so
its peak RSS is its own. Measured in the same run:

* indexing (validation + ``.fai``): GeneTx's vectorised pass vs pyfaidx's own indexer;
* 100,000 random 23-mers (half on the minus strand): raw pyfaidx (``Fasta[rec][s:e]`` plus
  reverse complement, the baseline), :class:`FastaGenome` and :class:`TwoBitGenome`. The three
  must return identical sequences.

Usage::

    python benchmarks/bench_genome.py --quick          # 50 Mb genome, about half a minute
    python benchmarks/bench_genome.py                  # 3.1 Gb genome (first run: minutes)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "bench_cache"
N_CHROMS = 24
WIDTH = 60


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB.

    ``VmHWM`` from ``/proc`` where available: unlike ``ru_maxrss`` it starts afresh at
    ``exec``, so a worker does not inherit the peak of the parent that generated the genome.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- synthetic genome ------------------------------------------------------------------------


def chrom_sizes(total: int) -> list[int]:
    """24 chromosome lengths falling from about 2x to 0.3x the mean, summing to ``total``."""
    weights = [2.0 - 1.7 * i / (N_CHROMS - 1) for i in range(N_CHROMS)]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def generate(path: Path, total: int, seed: int) -> None:
    """Write the synthetic FASTA (soft-masked runs, a 10-kb telomere gap and a 100-kb gap)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    upper = np.frombuffer(b"ACGT", dtype=np.uint8)
    piece = WIDTH * (1 << 20)  # bases generated per step, a whole number of lines
    tmp = path.with_name(path.name + ".tmp")
    t0 = time.perf_counter()
    with tmp.open("wb") as fh:
        for c, size in enumerate(chrom_sizes(total), start=1):
            fh.write(f">chr{c} synthetic\n".encode())
            gap = (size // 2, size // 2 + 100_000)
            for off in range(0, size, piece):
                n = min(piece, size - off)
                bases = upper[rng.integers(0, 4, n, dtype=np.uint8)]
                # soft-masked runs: alternate unmasked/masked stretches of random length
                runs = rng.geometric(1 / 300, size=n // 150 + 2)
                flags = np.resize(np.array([False, True]), runs.size)
                mask = np.repeat(flags, runs)[:n]
                if mask.size < n:
                    mask = np.concatenate((mask, np.zeros(n - mask.size, dtype=bool)))
                bases[mask] |= 0x20
                pos = np.arange(off, off + n)
                bases[(pos < 10_000) | ((pos >= gap[0]) & (pos < gap[1]))] = ord("N")
                full = n // WIDTH
                lines = np.empty((full, WIDTH + 1), dtype=np.uint8)
                lines[:, :WIDTH] = bases[: full * WIDTH].reshape(full, WIDTH)
                lines[:, WIDTH] = 10
                fh.write(lines.tobytes())
                if n % WIDTH:
                    fh.write(bases[full * WIDTH:].tobytes() + b"\n")
            print(f"  generated chr{c} ({size:,} bp)", file=sys.stderr, flush=True)
    tmp.replace(path)
    print(f"generated {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


class _LazyRecords:
    """Mapping over a genome's records that reads one whole record at a time."""

    def __init__(self, genome) -> None:
        self.g = genome

    def __iter__(self):
        return iter(self.g.records())

    def __len__(self) -> int:
        return len(self.g.records())

    def __getitem__(self, key: str) -> str:
        return self.g.fetch(key, 0, self.g.records()[key])

    def keys(self):
        return self.g.records().keys()


# -- workers (each runs in its own process) ---------------------------------------------------


def _queries(records: dict[str, int], n: int, seed: int) -> list[tuple[str, int, str]]:
    import random

    rng = random.Random(seed)
    names = list(records)
    weights = [records[r] for r in names]
    picks = rng.choices(names, weights=weights, k=n)
    return [(r, rng.randrange(records[r] - 23), "-" if i % 2 else "+")
            for i, r in enumerate(picks)]


def worker(args: argparse.Namespace) -> dict:
    out: dict = {}
    if args.worker == "index-genetx":
        from genetx.genome.fasta import prepare_fasta

        t = time.perf_counter()
        m = prepare_fasta(args.fasta)
        out["seconds"] = time.perf_counter() - t
        out["total_bp"] = m["total_bp"]
    elif args.worker == "index-pyfaidx":
        import pyfaidx

        with tempfile.TemporaryDirectory(dir=CACHE) as d:
            fai = Path(d) / "pyfaidx.fai"
            t = time.perf_counter()
            pyfaidx.Faidx(args.fasta, indexname=str(fai)).close()
            out["seconds"] = time.perf_counter() - t
    elif args.worker == "twobit":
        from genetx.genome.fasta import FastaGenome
        from genetx.genome.twobit import write_twobit

        t = time.perf_counter()
        with FastaGenome(args.fasta) as g:
            write_twobit(args.twobit, _LazyRecords(g))
        out["seconds"] = time.perf_counter() - t
    else:
        out.update(fetch_worker(args))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def fetch_worker(args: argparse.Namespace) -> dict:
    import hashlib

    from genetx.core.seq import reverse_complement

    t_open = time.perf_counter()
    if args.worker == "fetch-pyfaidx":
        import pyfaidx

        from genetx.genome.fasta import prepare_fasta

        m = prepare_fasta(args.fasta)  # reuse the index; pyfaidx reads it
        fa = pyfaidx.Fasta(m["data"], indexname=m["fai"], as_raw=True,
                           sequence_always_upper=False, build_index=False, rebuild=False)
        records = {k: len(v) for k, v in fa.items()}

        def fetch(rec: str, s: int, e: int, strand: str) -> str:
            seq = fa[rec][s:e]
            return reverse_complement(seq) if strand == "-" else seq
    else:
        if args.worker == "fetch-fasta":
            from genetx.genome.fasta import FastaGenome

            g = FastaGenome(args.fasta)
        else:
            from genetx.genome.twobit import TwoBitGenome

            g = TwoBitGenome(args.twobit)
        records = g.records()
        fetch = g.fetch  # type: ignore[assignment]
    for rec in records:  # first touch of every record (2bit: reads its N and mask tables)
        fetch(rec, 0, 1, "+")
    open_s = time.perf_counter() - t_open
    queries = _queries(records, args.n, args.seed)
    times = []
    digest = ""
    for _ in range(args.repeats):
        h = hashlib.sha256()
        t = time.perf_counter()
        for rec, s, strand in queries:
            h.update(fetch(rec, s, s + 23, strand).encode())
        times.append(time.perf_counter() - t)
        digest = h.hexdigest()
    return {"open_s": open_s, "times": times, "median_s": statistics.median(times),
            "digest": digest}


def run_worker(kind: str, args: argparse.Namespace, env: dict[str, str]) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--fasta", str(args.fasta),
           "--twobit", str(args.twobit), "--n", str(args.n), "--seed", str(args.seed),
           "--repeats", str(args.repeats)]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        sys.exit(f"worker {kind} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="50-Mb genome (smoke test)")
    ap.add_argument("--size-mb", type=float, default=None, help="genome size (default 3100)")
    ap.add_argument("--n", type=int, default=100_000, help="23-mers to fetch")
    ap.add_argument("--repeats", type=int, default=3, help="timed repeats (median reported)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-pyfaidx-index", action="store_true",
                    help="do not time pyfaidx's own indexer (slow on big genomes)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--fasta", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--twobit", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return

    size_mb = args.size_mb or (50 if args.quick else 3100)
    total = int(size_mb * 1_000_000)
    CACHE.mkdir(exist_ok=True)
    args.fasta = CACHE / f"synthetic_{size_mb:g}Mb_seed{args.seed}.fa"
    args.twobit = args.fasta.with_suffix(".2bit")
    if not args.fasta.exists():
        generate(args.fasta, total, args.seed)
    env = dict(os.environ)
    gb = args.fasta.stat().st_size / 1e9
    print(f"genome: {args.fasta.name}, {total:,} bp in {N_CHROMS} chromosomes ({gb:.2f} GB)")
    ix_runs, px_runs = [], []
    for _ in range(args.repeats):  # indexing from scratch: fresh cache, no .fai
        with tempfile.TemporaryDirectory(prefix="genetx_cache_", dir=CACHE) as fresh:
            env["GENETX_CACHE_DIR"] = fresh
            Path(f"{args.fasta}.fai").unlink(missing_ok=True)
            ix_runs.append(run_worker("index-genetx", args, env))
        if not args.skip_pyfaidx_index:
            px_runs.append(run_worker("index-pyfaidx", args, env))
    ix = statistics.median(r["seconds"] for r in ix_runs)
    print(f"index + validate, genetx  : {ix:8.2f} s  ({gb / ix:.2f} GB/s)  "
          f"peak RSS {max(r['peak_rss_mb'] for r in ix_runs):7.1f} MiB")
    if px_runs:
        px = statistics.median(r["seconds"] for r in px_runs)
        print(f"index, pyfaidx (baseline) : {px:8.2f} s  ({gb / px:.2f} GB/s)  "
              f"peak RSS {max(r['peak_rss_mb'] for r in px_runs):7.1f} MiB  "
              f"-> genetx {px / ix:.2f}x baseline")
    fresh_cache = tempfile.mkdtemp(prefix="genetx_cache_", dir=CACHE)
    env["GENETX_CACHE_DIR"] = fresh_cache
    try:
        measure_fetches(args, env)
    finally:
        shutil.rmtree(fresh_cache, ignore_errors=True)


def warm(path: Path) -> None:
    """Read a file once so that every reader starts with its file in the page cache."""
    with path.open("rb") as fh:
        while fh.read(1 << 24):
            pass


def measure_fetches(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Write the 2bit copy once, then time the three readers in turns."""
    run_worker("index-genetx", args, env)  # index for this cache (fast when .fai exists)
    if not args.twobit.exists():
        tb = run_worker("twobit", args, env)
        print(f"2bit written once in {tb['seconds']:.1f} s (peak RSS {tb['peak_rss_mb']:.0f} MiB)")

    print(f"\n{args.n:,} random 23-mers (half minus strand), median of {args.repeats} rounds "
          "(the readers take turns, each in a fresh process, its file read once beforehand "
          "so that it starts in the page cache):")
    kinds = {"fetch-pyfaidx": "pyfaidx raw (baseline)", "fetch-fasta": "genetx FastaGenome",
             "fetch-twobit": "genetx TwoBitGenome"}
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    one = argparse.Namespace(**{**vars(args), "repeats": 1})
    for _ in range(args.repeats):
        for kind in kinds:
            warm(args.twobit if kind == "fetch-twobit" else args.fasta)
            runs[kind].append(run_worker(kind, one, env))
    rows = {}
    for kind, label in kinds.items():
        rs = runs[kind]
        rows[kind] = r = {
            "median_s": statistics.median(x["median_s"] for x in rs),
            "open_s": statistics.median(x["open_s"] for x in rs),
            "peak_rss_mb": max(x["peak_rss_mb"] for x in rs),
            "digest": rs[0]["digest"] if len({x["digest"] for x in rs}) == 1 else "differs",
        }
        base = rows["fetch-pyfaidx"]["median_s"]
        print(f"  {label:24s}: {r['median_s']:7.3f} s  ({1e6 * r['median_s'] / args.n:6.2f} "
              f"us/fetch, {base / r['median_s']:5.2f}x baseline)  open+touch {r['open_s']:.3f} s  "
              f"peak RSS {r['peak_rss_mb']:7.1f} MiB")
    digests = {r["digest"] for r in rows.values()}
    print("sequences identical across the three readers:", len(digests) == 1)
    if len(digests) != 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
