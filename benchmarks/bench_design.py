"""Benchmark: ``genetx design DMD --variant "del ex45-50"`` end to end on the embedded gene pack.

The README's main command must finish in under a minute. This script times, in the same run:

* **baseline** -- what the exon-skipping command alone computes: resolve the gene, map the
  variant, plan the skips and design the ASOs of the best skip (``genetx skip``'s work);
* **design** -- the whole ``genetx design`` job: triage, every fitting designer (ASOs, guide
  pairs with a genome off-target search, the oversize cassette), the dossiers and the report
  folder with its figures.

Each repetition runs in a fresh child process with its own empty cache folder, so the
off-target index is built every time (the cold start a new user sees) and the peak RSS is the
job's own. The ratio is design / baseline: the price of the triage, the extra designers, the
safety dossier and the report on top of the exon-skipping design.

Usage::

    python benchmarks/bench_design.py --quick     # one repetition of each
    python benchmarks/bench_design.py             # three repetitions, median reported
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GENE, VARIANT = "DMD", "del ex45-50"
LIMIT_S = 60.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (``VmHWM``, else ``ru_maxrss``)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _baseline(out: Path) -> dict[str, float]:
    from genetx.genome.genes import load_gene
    from genetx.genome.variants import parse_variant
    from genetx.skip.aso import design_asos
    from genetx.skip.strategies import plan_skips

    t0 = time.perf_counter()
    hit = load_gene(GENE)
    v = parse_variant(VARIANT, hit.gene, hit.genome, transcript=hit.transcript.id)
    plan = plan_skips(v, hit.transcript, hit.genome)
    n = 0
    for exon in plan.strategies[0].skip:
        n += len(design_asos(hit.transcript, hit.genome, exon).candidates)
    return {"seconds": time.perf_counter() - t0, "items": n}


def _design(out: Path) -> dict[str, float]:
    from genetx.report.export import write_report
    from genetx.safety.dossier import build_dossiers
    from genetx.strategy.design import DesignRequest, run_design

    t0 = time.perf_counter()
    run = run_design(DesignRequest(GENE, variant=VARIANT))
    files = write_report(run, build_dossiers(run), out / "report")
    return {"seconds": time.perf_counter() - t0, "items": len(files)}


def _child(kind: str, out: str) -> None:
    """Run one measurement in this (child) process and print it as JSON."""
    res = (_baseline if kind == "baseline" else _design)(Path(out))
    res["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(res))


def _measure(kind: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="genetx-bench-") as tmp:
        env = dict(os.environ, GENETX_DATA_DIR=f"{tmp}/data", GENETX_CACHE_DIR=f"{tmp}/cache",
                   GENETX_OFFLINE="1", MPLBACKEND="Agg")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", kind, tmp], env=env,
                              capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_with_startup"] = wall
    return res


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print median time, peak memory and the design/baseline ratio."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="one repetition of each")
    p.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    p.add_argument("--child", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    n = 1 if args.quick else max(1, args.repeat)
    rows = {}
    for kind in ("baseline", "design"):
        runs = [_measure(kind) for _ in range(n)]
        rows[kind] = {
            "median_s": statistics.median(r["seconds"] for r in runs),
            "median_wall_s": statistics.median(r["wall_with_startup"] for r in runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "items": runs[0]["items"],
        }
    print(f"genetx design {GENE} --variant {VARIANT!r} (embedded gene pack, cold cache, "
          f"{n} repetition(s))")
    print(f"{'step':<10} {'median s':>9} {'with startup s':>15} {'peak RSS MiB':>13}  what")
    what = {"baseline": "gene + variant + skip plan + ASO design (genetx skip's work)",
            "design": "triage, all designers, off-targets, dossiers, report folder"}
    for kind, r in rows.items():
        print(f"{kind:<10} {r['median_s']:>9.2f} {r['median_wall_s']:>15.2f} "
              f"{r['peak_rss_mb']:>13.0f}  {what[kind]}")
    ratio = rows["design"]["median_s"] / rows["baseline"]["median_s"]
    print(f"ratio design/baseline: {ratio:.2f}x")
    ok = rows["design"]["median_wall_s"] < LIMIT_S
    print(f"budget: {rows['design']['median_wall_s']:.1f} s of {LIMIT_S:.0f} s "
          f"({'within' if ok else 'OVER'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
