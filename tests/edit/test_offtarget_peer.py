"""The engine on real genomes: Cas-OFFinder 2.4.1 / 3.0 outputs on yeast, and the naive scanner
on a slice of human chromosome 21."""

from __future__ import annotations

import gzip
from collections import defaultdict

import pytest

from genetx.edit.offtarget import search
from genetx.edit.offtarget.index import build_index_in_memory
from genetx.genome import InMemoryGenome
from genetx.genome.packed import pack_in_memory
from tests.naive import naive_offtargets

pytestmark = [pytest.mark.peer, pytest.mark.shared_data]


@pytest.fixture(scope="module")
def yeast(shared_root):
    from genetx.genome.registry import open_genome

    g = open_genome(shared_root / "data" / "genomes" / "sacCer3" / "sacCer3.2bit")
    packed = pack_in_memory(g)
    return g, build_index_in_memory(packed, "NRG")


@pytest.fixture(scope="module")
def guides25(shared_root):
    lines = (shared_root / "peer" / "casoffinder" / "guides25.tsv").read_text().splitlines()
    return dict(line.split("\t")[:2] for line in lines if line.strip())


@pytest.mark.parametrize(("mm", "n_sites"), [(3, 64), (4, 119), (5, 579)])
def test_equals_casoffinder_241(yeast, guides25, shared_root, mm, n_sites):
    path = shared_root / "peer" / "casoffinder" / f"out_mm{mm}.txt.gz"
    expected = set()
    with gzip.open(path, "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            expected.add((f[6], f[1], int(f[2]), f[4], int(f[5])))
    got = search(yeast[1], guides25, max_mismatches=mm)
    rows = set(zip(got.guide_id, got.Chromosome, got.Start, got.Strand, got.mismatches,
                   strict=True))
    assert len(got) == len(rows) == n_sites
    assert rows == expected
    # the site strings agree too (Cas-OFFinder writes mismatches in lower case as well)
    with gzip.open(path, "rt") as fh:
        co_sites = {(f[6], f[1], int(f[2]), f[4]): f[3]
                    for f in (line.rstrip("\n").split("\t") for line in fh)}
    for r in got.itertuples():
        assert co_sites[(r.guide_id, r.Chromosome, r.Start, r.Strand)] == r.site


def _co3_sites(path) -> dict[tuple, list[tuple]]:
    """Cas-OFFinder 3.0 rows grouped by site: (guide, contig, strand, PAM anchor).

    Its ``Location`` is the site's leftmost forward base (its minus-strand DNA strings are
    shifted, but the locations are right); the PAM anchor is the forward boundary between
    PAM and spacer.
    """
    sites = defaultdict(list)
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            gid, typ, cr, dna, chrom, loc, strand, mm, size = line.rstrip("\n").split("\t")
            size_i = int(size)
            n = 23 + (size_i if typ == "DNA" else -size_i if typ == "RNA" else 0)
            anchor = int(loc) + n - 3 if strand == "+" else int(loc) + 3
            sites[(gid, chrom, strand, anchor)].append((typ, cr, dna, int(mm)))
    return sites


def _terminal_mismatches(genome, guide: str, chrom: str, strand: str, anchor: int) -> dict:
    """Mismatches of the two terminal placements Cas-OFFinder 3.0 also allows, computed
    directly from the genome: a DNA bulge between spacer and PAM, and an RNA bulge on guide
    base 1."""
    def spacer(n: int) -> str:
        if strand == "+":
            return genome.fetch(chrom, anchor - n, anchor).upper()
        return genome.fetch(chrom, anchor, anchor + n, "-").upper()

    dna_end = spacer(21)[:20]  # one extra genomic base next to the PAM
    rna_first = spacer(19)     # guide base 1 unpaired
    return {"DNA_before_PAM": sum(a != b for a, b in zip(guide, dna_end, strict=True)),
            "RNA_base1": sum(a != b for a, b in zip(guide[1:], rna_first, strict=True))}


def test_bulges_versus_casoffinder_30(yeast, guides25, shared_root):
    genome, idx = yeast
    co = _co3_sites(shared_root / "peer" / "casoffinder" / "bulge" / "out_mm3.txt.gz")
    got = search(idx, guides25, max_mismatches=3, dna_bulge=1, rna_bulge=1)
    ours = {}
    for r in got.itertuples():
        anchor = r.End - 3 if r.Strand == "+" else r.Start + 3
        ours[(r.guide_id, r.Chromosome, r.Strand, anchor)] = r
    assert len(ours) == len(got)  # one row per site
    # every site we report, Cas-OFFinder 3.0 reports too
    assert set(ours) - set(co) == set()
    only_co = set(co) - set(ours)
    # each site only Cas-OFFinder reports is explained by a terminal gap, which our definition
    # does not count as a bulge (docs/offtarget.md): every one of its rows is such a placement,
    # and recomputing that placement from the genome gives the mismatches it printed.
    assert len(only_co) == 5
    for key in only_co:
        gid, chrom, strand, anchor = key
        mm = _terminal_mismatches(genome, guides25[gid], chrom, strand, anchor)
        for typ, cr, dna, n_mm in co[key]:
            if typ == "DNA":
                assert cr.index("-") == 20, (key, cr)
                assert mm["DNA_before_PAM"] == n_mm <= 3
            else:
                assert typ == "RNA", key
                assert dna.startswith("-"), (key, dna)
                assert mm["RNA_base1"] == n_mm <= 3
    # shared sites: our single alignment has as few edits as their best interior row
    for key in set(co) & set(ours):
        interior = [m + (0 if t == "X" else 1) for t, cr, dna, m in co[key]
                    if not (t == "DNA" and cr.index("-") == 20)
                    and not (t == "RNA" and dna.startswith("-"))]
        r = ours[key]
        assert interior, key
        assert r.mismatches + r.bulge_size == min(interior), key


def test_human_slice_equals_naive(shared_data):
    import gzip as gz

    path = (shared_data / "genomes" / "human"
            / "GRCh38_chr21_ensembl_vep_testdb_regions.fa.gz")
    with gz.open(path, "rt") as fh:
        lines = []
        for line in fh:
            if line.startswith(">") and lines:
                break
            if not line.startswith(">"):
                lines.append(line.strip())
    seq = "".join(lines)[200_000:230_000]
    records = {"chr21:25185581-25215580": seq}
    placement = {"chr21:25185581-25215580": ("chr21", 25_185_580)}
    guides = {"a": seq[1000:1020], "b": seq[15000:1500 * 10 + 20], "c": seq[29000:29020]}
    got = search(InMemoryGenome(records), guides, "NRG", max_mismatches=4)
    expected = naive_offtargets(records, guides, "NRG", 4, placement=placement)
    cols = ["Chromosome", "Start", "End", "Strand", "guide_id", "site", "mismatches"]
    assert {tuple(r) for r in got[cols].itertuples(index=False)} == {
        tuple(r[c] for c in cols) for r in expected}
    small = {k: v[:10_000] for k, v in records.items()}
    got_b = search(InMemoryGenome(small), guides, "NGG", max_mismatches=2, dna_bulge=1,
                   rna_bulge=2)
    exp_b = naive_offtargets(small, guides, "NGG", 2, dna_bulge=1, rna_bulge=2,
                             placement=placement)
    cols += ["bulge_type", "bulge_size", "bulge_position"]
    assert {tuple(r) for r in got_b[cols].itertuples(index=False)} == {
        tuple(r[c] for c in cols) for r in exp_b}


@pytest.mark.parametrize(("mm", "dna", "rna"), [(5, 0, 0), (3, 1, 1)])
def test_threads_identical_on_yeast(yeast, guides25, mm, dna, rna):
    """Cas-OFFinder's 25 guides on yeast: numpy path, kernel on 1 and on 2 threads."""
    import pandas as pd

    from genetx.edit.offtarget import _search as eng

    kw = {"max_mismatches": mm, "dna_bulge": dna, "rna_bulge": rna}
    ref = search(yeast[1], guides25, threads=1, **kw)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(eng, "KERNEL_MIN_CANDIDATES", 0)
        mp.setattr(eng, "_KERNEL_BATCH", 100_000)
        for threads in (1, 2):
            pd.testing.assert_frame_equal(search(yeast[1], guides25, threads=threads, **kw), ref)
    if not (dna or rna):
        assert len(ref) == 579  # Cas-OFFinder 2.4.1's count (test_equals_casoffinder_241)
