"""Benchmark of the off-target search (issue 3): whole-process wall time, median of runs.

Sections
--------
yeast
    sacCer3, the 25 shared guides + 200 guides drawn (seeded) from NGG sites, pattern NRG,
    5 mismatches; then the bulge run (25 guides, 3 mismatches, 1 DNA + 1 RNA bulge). Each run
    is a fresh ``genetx offtargets`` process with the index built beforehand. The baseline,
    measured in the same run, is a naive vectorised numpy scan (every PAM site's spacer
    compared with every guide pattern), whose hit set is also checked against ours.
    Cas-OFFinder's times on this machine type (shared/peer/casoffinder/README.md: 18.1 s for 205
    guides at 5 mm, 54 s for the bulge run) are printed for reference, not re-measured.
threads
    the search call alone (in-process, index open, kernel loaded; median of runs): the numpy
    path (one thread, what small searches use) against the parallel kernel on 1 thread and on
    all threads (``settings.threads``), on the yeast 225-guide 5-mm run and (not with
    ``--quick``) 1,000 guides at 4 mismatches on the cached synthetic genome(s) of
    ``--thread-sizes`` (default 0.3 Gb); the three tables are checked to be identical.
human scale (skipped by ``--quick``)
    synthetic genomes with human base composition (A/T 29.5 %, C/G 20.5 %, i.i.d.), cached as
    FASTA under ``./bench_cache/``: build time (pack + NRG index, fresh process, fresh data
    folder) and peak memory, and 1,000 guides at 4 mismatches with NRG (a fresh
    ``genetx offtargets`` process), for 0.1, 0.3, 1.0 and 3.1 Gb (``--sizes`` to choose),
    then how both grow with the size and whether the 3.1-Gb targets of issue 3 are met. One
    run per size (a 3.1-Gb build is minutes); the load average is printed with each row
    because the machine is shared. Each size's pack and index are deleted once measured.

Usage: ``python benchmarks/bench_offtarget.py [--quick] [--runs 5] [--sizes 0.1,0.3]
[--thread-sizes 0.3] [--sections yeast,threads,human]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GENETX_SHARED", REPO.parent / "shared"))
YEAST = SHARED / "data" / "genomes" / "sacCer3" / "sacCer3.2bit"
GUIDES25 = SHARED / "peer" / "casoffinder" / "guides25.tsv"
CACHE = REPO / "bench_cache"
CASOFFINDER_S = {"yeast205_mm5": 18.1, "bulge25": 54.0}

_CHILD = """
import resource, sys, time
t = time.perf_counter()
from genetx.cli.app import main
code = main(sys.argv[1:])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"@@ {time.perf_counter() - t:.4f} {rss}", file=sys.stderr)
sys.exit(code)
"""


def run_process(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time of a whole ``genetx`` process (s) and its peak RSS (MB)."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", _CHILD, *args], env=env, capture_output=True,
                       text=True, check=False)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"genetx {' '.join(args)} failed:\n{p.stderr}")
    line = next(x for x in p.stderr.splitlines() if x.startswith("@@ "))
    return wall, int(line.split()[2]) / 1024


def run_python(code: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time (s), peak RSS (MB) and stdout of a Python snippet in a fresh process."""
    wrapped = (code + "\nimport resource, sys\n"
               "print('@@', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", wrapped], env=env, capture_output=True, text=True,
                       check=False)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"snippet failed:\n{p.stderr}")
    rss = int(next(x for x in p.stderr.splitlines() if x.startswith("@@ ")).split()[1])
    return wall, rss / 1024, p.stdout


# --------------------------------------------------------------------------- baseline
_COMP = np.array([3, 2, 1, 0, 4], dtype=np.uint8)


def baseline_scan(codes: np.ndarray, guides: list[str], pam: str, mm: int,
                  patterns: list[list[str]] | None = None) -> set[tuple[int, str, int]]:
    """Naive vectorised numpy scan: every NRG-type 3' PAM site on both strands, every pattern.

    Returns the set of (guide number, strand, PAM anchor) hits. ``patterns[i]`` are the
    alignment patterns of guide ``i`` ('.' = any base); default: the guide itself.
    """
    iupac = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "N": "ACGT"}
    allowed = [np.isin(np.arange(5), ["ACGT".index(b) for b in iupac[c]]) for c in pam]
    n = codes.shape[0]
    width = 32
    p = len(pam)
    hits = set()
    for strand in "+-":
        text = codes if strand == "+" else _COMP[codes[::-1]]
        ok = np.ones(n - p + 1, bool)
        for j, a in enumerate(allowed):
            ok &= a[text[j:n - p + 1 + j]]
        anchors = np.nonzero(ok)[0]
        anchors = anchors[anchors >= width]
        mat = text[anchors[:, None] + np.arange(-width, 0)[None, :]]  # spacer side
        for gi, guide in enumerate(guides):
            for pat in (patterns[gi] if patterns else [guide]):
                cols = mat[:, width - len(pat):]
                code = np.array(["ACGT.".index(c) for c in pat], np.uint8)
                care = code < 4
                valid = (cols < 4).all(axis=1)
                diff = ((cols != code[None, :]) & care[None, :]).sum(axis=1)
                for a in anchors[valid & (diff <= mm)].tolist():
                    hits.add((gi, strand, a if strand == "+" else n - a))
    return hits


def bulge_patterns(guide: str, dna: int, rna: int) -> list[str]:
    """Alignment patterns under the documented rules (written here independently)."""
    n = len(guide)
    out = [guide]
    out += [guide[:i] + "." * s + guide[i:] for s in range(1, dna + 1) for i in range(1, n)]
    out += [guide[:i - 1] + guide[i - 1 + s:] for s in range(1, rna + 1)
            for i in range(2, n - s + 1)]
    return out


# --------------------------------------------------------------------------- yeast
def yeast_guides(genome) -> dict[str, str]:
    guides = dict(line.split("\t")[:2] for line in GUIDES25.read_text().splitlines() if line)
    rng = random.Random(2026)
    recs = genome.records()
    names = list(recs)
    while len(guides) < 225:
        r = rng.choice(names)
        pos = rng.randrange(40, recs[r] - 40)
        s = genome.fetch(r, pos, pos + 23).upper()
        if s.endswith("GG") and set(s) <= set("ACGT"):
            guides[f"bench{len(guides) - 24:03d}"] = s[:20]
    return guides


def bench_yeast(runs: int, tmp: Path, env: dict[str, str], quick: bool) -> None:
    from genetx.edit.offtarget import prepare_index, search
    from genetx.genome.packed import pack_genome
    from genetx.genome.registry import open_genome

    genome = open_genome(YEAST)
    guides = yeast_guides(genome)
    gfile = tmp / "guides225.tsv"
    gfile.write_text("".join(f"{k}\t{v}\n" for k, v in guides.items()))
    g25 = tmp / "guides25.tsv"
    g25.write_text("".join(f"{k}\t{v}\n" for k, v in list(guides.items())[:25]))
    t = time.perf_counter()
    idx = prepare_index(genome, "NRG")
    print(f"index (pack + NRG sites, incl. JIT): {time.perf_counter() - t:.2f} s, "
          f"{idx.n_sites:,} sites, k={idx.k}")
    out = tmp / "out.tsv"
    cases = [("yeast205_mm5", gfile, ["--max-mismatches", "5"], 5, 0, 0),
             ("bulge25", g25, ["--max-mismatches", "3", "--dna-bulge", "1", "--rna-bulge", "1"],
              3, 1, 1)]
    packed = pack_genome(genome)
    codes = np.asarray(packed.codes)
    for name, gf, extra, mm, dna, rna in cases:
        args = ["offtargets", "--genome", str(YEAST), "--guides", str(gf), "--pam", "NRG",
                "-o", str(out), *extra]
        run_process(args, env)  # warm the OS page cache and the numba cache
        times, rss = zip(*(run_process(args, env) for _ in range(runs)), strict=True)
        ours = statistics.median(times)
        gl = [line.split("\t")[1] for line in gf.read_text().splitlines()]
        # --quick times the baseline on a subset of the guides and scales it linearly
        nb = len(gl) if not quick else (25 if not (dna or rna) else 3)
        t = time.perf_counter()
        pats = [bulge_patterns(g, dna, rna) for g in gl[:nb]] if dna or rna else None
        base_hits = baseline_scan(codes, gl[:nb], "NRG", mm, pats)
        base = (time.perf_counter() - t) * len(gl) / nb
        res = search(idx, dict(zip(map(str, range(nb)), gl[:nb], strict=True)),
                     max_mismatches=mm, dna_bulge=dna, rna_bulge=rna)
        ok = "n/a (bulges: baseline reports placements)"
        if not (dna or rna):
            mine = set()
            for r in res.itertuples():
                rec = packed.records.index(r.Chromosome)
                s0 = int(packed.starts[rec]) + r.Start
                anchor = s0 + 20 if r.Strand == "+" else s0 + 3
                mine.add((int(r.guide_id), r.Strand, anchor))
            ok = str(mine == base_hits)
        scaled = f" (scaled from {nb} guides)" if nb < len(gl) else ""
        n_sites = sum(1 for _ in out.open()) - 1
        print(f"{name}: {len(gl)} guides, {n_sites:,} sites | ours (whole process) median "
              f"{ours:.3f} s of {runs} (min {min(times):.3f}), peak {max(rss):.0f} MB | "
              f"numpy baseline {base:.2f} s{scaled} -> {base / ours:.1f}x | Cas-OFFinder "
              "reference "
              f"{CASOFFINDER_S[name]} s -> {CASOFFINDER_S[name] / ours:.1f}x | "
              f"baseline hit set equal: {ok}")


# --------------------------------------------------------------------------- threads
def _median_time(fn, runs: int) -> tuple[float, object]:
    out, times = None, []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _thread_row(name: str, idx, guides, mm: int, runs: int) -> None:
    from genetx.edit.offtarget import _search as eng
    from genetx.edit.offtarget import search
    from genetx.settings import settings

    n_all = settings.threads
    auto = search(idx, guides, max_mismatches=mm)  # warm: page cache, numba cache load
    q = eng.make_queries(list(guides.values())[:64], idx.side, 0, 0)
    expected = eng.estimate_candidates(idx, q, mm) * len(guides) / min(64, len(guides))
    path = "kernel" if expected >= eng.KERNEL_MIN_CANDIDATES else "numpy"
    t_np, df_np = _median_time(lambda: search(idx, guides, max_mismatches=mm, threads=1), runs)
    old = eng.KERNEL_MIN_CANDIDATES
    eng.KERNEL_MIN_CANDIDATES = 0
    try:
        search(idx, guides, max_mismatches=mm, threads=1)  # load the kernel
        t1, df1 = _median_time(lambda: search(idx, guides, max_mismatches=mm, threads=1), runs)
        tn, dfn = _median_time(lambda: search(idx, guides, max_mismatches=mm, threads=n_all),
                               runs)
    finally:
        eng.KERNEL_MIN_CANDIDATES = old
    same = df_np.equals(df1) and df1.equals(dfn) and dfn.equals(auto)
    peak = _peak_mb()
    print(f"threads {name}: {len(guides)} guides, {mm} mm, {len(auto):,} sites, ~{expected:,.0f} "
          f"candidates (auto path: {path}) | median of {runs}: numpy path (1 thread) "
          f"{t_np:.3f} s | kernel 1 thread {t1:.3f} s | kernel {n_all} threads {tn:.3f} s -> "
          f"{t1 / tn:.2f}x vs 1 thread, {t_np / tn:.2f}x vs numpy | process peak {peak:,.0f} MB"
          f" | tables identical: {same} | load {_load()}", flush=True)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_threads(runs: int, sizes: list[float]) -> None:
    """1 thread against all threads for the search step alone (see the module docstring)."""
    from genetx.edit.offtarget import prepare_index
    from genetx.genome.registry import open_genome

    genome = open_genome(YEAST)
    _thread_row("yeast", prepare_index(genome, "NRG"), yeast_guides(genome), 5, runs)
    for gb in sizes:
        fa = CACHE / f"synthetic_{gb:g}Gb.fa"
        if not fa.exists() and gb > 0.3:
            print(f"threads {gb:g} Gb: skipped ({fa.name} is not cached; only sizes up to "
                  "0.3 Gb are generated here)")
            continue
        g = open_genome(synthetic_fasta(gb))
        t = time.perf_counter()
        idx = prepare_index(g, "NRG")
        print(f"threads {gb:g} Gb: index {time.perf_counter() - t:.1f} s, {idx.n_sites:,} sites")
        rng = np.random.default_rng(7)
        recs = g.records()
        names = list(recs)
        guides: dict[str, str] = {}
        while len(guides) < 1000:
            r = names[rng.integers(len(names))]
            pos = int(rng.integers(40, recs[r] - 40))
            s = g.fetch(r, pos, pos + 23)
            if s[21:] == "GG" and "N" not in s:
                guides[f"s{len(guides)}"] = s[:20]
        _thread_row(f"synthetic {gb:g} Gb", idx, guides, 4, runs)


# --------------------------------------------------------------------------- human scale
def synthetic_fasta(gb: float) -> Path:
    """A cached synthetic genome of ``gb`` gigabases (chromosomes of up to 250 Mb)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"synthetic_{gb:g}Gb.fa"
    if path.exists():
        return path
    total = int(gb * 1e9)
    rng = np.random.default_rng(int(gb * 1000))
    letters = np.frombuffer(b"ACGT", np.uint8)
    probs = [0.295, 0.205, 0.205, 0.295]
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        done, i = 0, 1
        while done < total:
            n = min(250_000_000, total - done)
            fh.write(f">chr{i}\n".encode())
            for s in range(0, n, 60_000_000):
                m = min(60_000_000, n - s)
                seq = letters[rng.choice(4, m, p=probs).astype(np.uint8)]
                rows = m // 60
                body = np.full((rows, 61), ord("\n"), np.uint8)
                body[:, :60] = seq[:rows * 60].reshape(rows, 60)
                fh.write(body.tobytes())
                if m % 60:
                    fh.write(seq[rows * 60:].tobytes() + b"\n")
            done += n
            i += 1
    tmp.replace(path)
    return path


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def bench_human(sizes: list[float], env: dict[str, str], tmp: Path) -> None:
    """Index build and 1,000-guide search per genome size, each in a fresh process."""
    import shutil

    targets = "targets at 3.1 Gb: build <= 900 s and <= 8,192 MB; search < 120 s"
    print(f"human scale (one run per size; {targets}); load average 1/5/15 min shown")
    print("size | build (pack + NRG index) wall, peak RSS, sites | 1,000 guides 4 mm NRG "
          "wall, peak RSS, hits | load")
    rows = []
    for gb in sizes:
        t = time.perf_counter()
        fa = synthetic_fasta(gb)
        gen = time.perf_counter() - t
        data = tmp / f"data_{gb:g}"
        size_env = dict(env, GENETX_DATA_DIR=str(data))
        load_before = _load()
        build = ("import time\n"
                 "t0 = time.perf_counter()\n"
                 "from genetx.genome.registry import open_genome\n"
                 "from genetx.genome.packed import pack_genome\n"
                 "from genetx.edit.offtarget.index import open_index\n"
                 f"packed = pack_genome(open_genome({str(fa)!r}))\n"
                 "t1 = time.perf_counter()\n"
                 "idx = open_index(packed, 'NRG')\n"
                 "print(t1 - t0, time.perf_counter() - t1, idx.n_sites)\n")
        wall_b, rss_b, out = run_python(build, size_env)
        pack_s, index_s, sites = out.split()
        # 1,000 guides from the genome itself (so each has an on-target)
        pick = ("from genetx.genome.registry import open_genome\n"
                "import numpy as np\n"
                f"g = open_genome({str(fa)!r}); rng = np.random.default_rng(7); out = []\n"
                "recs = g.records(); names = list(recs)\n"
                "while len(out) < 1000:\n"
                "    r = names[rng.integers(len(names))]; p = int(rng.integers(40, recs[r]-40))\n"
                "    s = g.fetch(r, p, p + 23)\n"
                "    if s[21:] == 'GG' and 'N' not in s: out.append(s[:20])\n"
                "print('\\n'.join(out))\n")
        _, _, guides = run_python(pick, size_env)
        gfile = tmp / f"human_{gb:g}.txt"
        gfile.write_text(guides)
        args = ["offtargets", "--genome", str(fa), "--guides", str(gfile), "--pam", "NRG",
                "--max-mismatches", "4", "-o", str(tmp / "human.tsv")]
        wall_s, rss_s = run_process(args, size_env)
        n_hits = sum(1 for _ in (tmp / "human.tsv").open()) - 1
        rows.append((gb, wall_b, rss_b, wall_s, rss_s))
        print(f"{gb:g} Gb (FASTA ready in {gen:.0f} s) | build {wall_b:.1f} s (pack "
              f"{float(pack_s):.1f} s + index {float(index_s):.1f} s), {rss_b:,.0f} MB, "
              f"{int(sites):,} sites | search {wall_s:.1f} s, {rss_s:,.0f} MB, {n_hits:,} hits "
              f"| load {load_before} -> {_load()}", flush=True)
        shutil.rmtree(data, ignore_errors=True)  # the pack and index of this size
    if len(rows) > 1:
        g0, b0, m0, s0, r0 = rows[0]
        print(f"growth relative to {g0:g} Gb:")
        for gb, wb, mb, ws, ms in rows[1:]:
            print(f"  {gb:g} Gb (x{gb / g0:.1f} bases): build time x{wb / b0:.1f}, build peak "
                  f"x{mb / m0:.1f}; search time x{ws / s0:.1f}, search peak x{ms / r0:.1f}")
    last = rows[-1]
    if last[0] >= 3.1:
        ok = last[1] <= 900 and last[2] <= 8192 and last[3] < 120
        print(f"targets at {last[0]:g} Gb met: {ok} (build {last[1]:.0f} s, {last[2]:,.0f} MB; "
              f"search {last[3]:.0f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="yeast only, 3 runs")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="0.1,0.3,1.0,3.1")
    ap.add_argument("--thread-sizes", default="0.3",
                    help="cached synthetic genomes (Gb) for the threads section")
    ap.add_argument("--sections", default="yeast,threads,human")
    args = ap.parse_args()
    sections = set(args.sections.split(","))
    runs = 3 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env = dict(os.environ, GENETX_DATA_DIR=str(tmp / "data"))
        os.environ["GENETX_DATA_DIR"] = env["GENETX_DATA_DIR"]
        from genetx.settings import settings

        settings.reset()
        print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, load average "
              f"{_load()}")
        if "yeast" in sections:
            bench_yeast(runs, tmp, env, args.quick)
        if "threads" in sections:
            bench_threads(runs, [] if args.quick else [
                float(x) for x in args.thread_sizes.split(",") if x])
        if not args.quick and "human" in sections:
            bench_human([float(x) for x in args.sizes.split(",") if x], env, tmp)


if __name__ == "__main__":
    main()
