"""``genetx offtargets``: formats, streaming output, and one clear line per bad input."""

from __future__ import annotations

import numpy as np
import pytest

from tests.clirun import genetx
from tests.naive import naive_offtargets

GUIDE = "GACGCATAAAGATGAGACGC"


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(11)
    seq = "".join(rng.choice(list("ACGT"), 4000))
    seq = seq[:500] + GUIDE + "AGG" + seq[523:1500] + "CCT" + GUIDE[::-1].translate(
        str.maketrans("ACGT", "TGCA")) + seq[1523:]
    fa = tmp_path / "toy.fa"
    fa.write_text(f">chr1\n{seq}\n")
    guides = tmp_path / "guides.txt"
    guides.write_text(f"site1\t{GUIDE}\n{seq[2000:2020]}\n")
    return fa, guides, seq


def test_tsv_output_matches_naive(files, tmp_path):
    fa, guides, seq = files
    out = tmp_path / "hits.tsv"
    r = genetx("offtargets", "--genome", str(fa), "--guides", str(guides), "--pam", "NRG",
               "--max-mismatches", "4", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    lines = out.read_text().splitlines()
    assert lines[0].split("\t")[:7] == ["Chromosome", "Start", "End", "Strand", "guide_id",
                                        "guide", "site"]
    got = {tuple(line.split("\t")[i] for i in (0, 1, 3, 4, 7)) for line in lines[1:]}
    expected = naive_offtargets({"chr1": seq}, {"site1": GUIDE, "g2": seq[2000:2020]}, "NRG", 4)
    assert got == {(e["Chromosome"], str(e["Start"]), e["Strand"], e["guide_id"],
                    str(e["mismatches"])) for e in expected}
    assert {("chr1", "500", "+", "site1", "0"), ("chr1", "1500", "-", "site1", "0")} <= got


def test_bed_and_casoffinder_formats(files, tmp_path):
    fa, guides, _ = files
    bed = tmp_path / "hits.bed"
    assert genetx("offtargets", "-g", str(fa), "--guides", str(guides), "-m", "0", "-o",
                  str(bed), "--format", "bed").exit_code == 0
    assert "chr1\t500\t523\tsite1\t0\t+" in bed.read_text().splitlines()
    co = tmp_path / "hits.co"
    assert genetx("offtargets", "-g", str(fa), "--guides", str(guides), "-m", "0", "-o",
                  str(co), "--format", "casoffinder").exit_code == 0
    assert f"{GUIDE}NNN\tchr1\t500\t{GUIDE}AGG\t+\t0\tsite1" in co.read_text().splitlines()
    cob = tmp_path / "bulge.co"
    r = genetx("offtargets", "-g", str(fa), "--guides", str(guides), "-m", "1", "-o",
               str(cob), "--format", "casoffinder", "--dna-bulge", "1", "--rna-bulge", "1")
    assert r.exit_code == 0, r.stderr
    text = cob.read_text().splitlines()
    assert text[0].startswith("#Id\tBulge Type\tcrRNA\tDNA")
    assert f"site1\tX\t{GUIDE}NNN\t{GUIDE}AGG\tchr1\t500\t+\t0\t0" in text


def test_score_column(files, tmp_path):
    fa, guides, _ = files
    out = tmp_path / "s.tsv"
    r = genetx("offtargets", "-g", str(fa), "--guides", str(guides), "-m", "1", "-o", str(out),
               "--score")
    assert r.exit_code == 0, r.stderr
    lines = [x.split("\t") for x in out.read_text().splitlines()]
    head = lines[0]
    assert head[-2:] == ["cfd", "mit"]
    perfect = [x for x in lines[1:] if x[4] == "site1" and x[7] == "0"]
    assert perfect
    assert all(float(x[-2]) == 1.0 and float(x[-1]) == 100.0 for x in perfect)


@pytest.mark.parametrize(("args", "needle"), [
    (["--pam", "NXG"], "PAM 'NXG': PAM must be 1-8 IUPAC"),
    (["--max-mismatches", "9"], "`max_mismatches=9`: must be an integer from 0 to 6"),
    (["--dna-bulge", "3"], "`dna_bulge=3`: must be an integer from 0 to 2"),
    (["--format", "xml"], "format 'xml': must be one of tsv, bed, casoffinder"),
    (["--pam-side", "left"], "pam_side 'left'"),
    (["--threads", "0"], "`threads=0`: must be a positive integer"),
])
def test_bad_options(files, tmp_path, args, needle):
    fa, guides, _ = files
    r = genetx("offtargets", "-g", str(fa), "--guides", str(guides), "-o",
               str(tmp_path / "o.tsv"), *args)
    assert r.exit_code == 3
    assert r.stderr.strip().splitlines() == [f"genetx: error: {needle}"] or (
        len(r.stderr.strip().splitlines()) == 1 and needle in r.stderr)


def test_threads_option_gives_the_same_sites(files, tmp_path):
    fa, guides, _ = files
    outs = []
    for n in ("1", "2"):
        out = tmp_path / f"hits{n}.tsv"
        r = genetx("offtargets", "-g", str(fa), "--guides", str(guides), "--pam", "NRG",
                   "-m", "4", "--threads", n, "-o", str(out))
        assert r.exit_code == 0, r.stderr
        outs.append(out.read_text())
    assert outs[0] == outs[1]
    assert len(outs[0].splitlines()) > 2


def test_bad_guide_file(files, tmp_path):
    fa, _, _ = files
    bad = tmp_path / "bad.txt"
    bad.write_text("x\tACGTNACGTACGTACGTACG\n")
    r = genetx("offtargets", "-g", str(fa), "--guides", str(bad), "-o", str(tmp_path / "o"))
    assert r.exit_code == 3
    assert len(r.stderr.strip().splitlines()) == 1
    assert "line 1: guide 'x': letter 'N' at position 5" in r.stderr
    short = tmp_path / "short.txt"
    short.write_text("ACGTACGT\n")
    r = genetx("offtargets", "-g", str(fa), "--guides", str(short), "-o", str(tmp_path / "o"))
    assert r.exit_code == 3
    assert "8 nt long" in r.stderr
    r = genetx("offtargets", "-g", str(fa), "--guides", str(tmp_path / "none.txt"), "-o",
               str(tmp_path / "o"))
    assert r.exit_code == 3
    assert "file not found" in r.stderr


def test_genome_without_pam_sites(tmp_path):
    fa = tmp_path / "cac.fa"
    fa.write_text(">a\n" + "CA" * 100 + "\n")
    g = tmp_path / "g.txt"
    g.write_text(GUIDE + "\n")
    r = genetx("offtargets", "-g", str(fa), "--guides", str(g), "-o", str(tmp_path / "o"))
    assert r.exit_code == 3
    assert "has no NGG PAM sites" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_index_of_another_genome(files, tmp_path):
    fa, guides, _ = files
    other = tmp_path / "other.fa"
    other.write_text(">chr1\n" + "ACGTTGCAAGG" * 50 + "\n")
    idx = tmp_path / "idx"
    r = genetx("offtargets", "-g", str(other), "--guides", str(guides), "-o",
               str(tmp_path / "o"), "--index", str(idx))
    assert r.exit_code == 0, r.stderr
    r = genetx("offtargets", "-g", str(fa), "--guides", str(guides), "-o",
               str(tmp_path / "o"), "--index", str(idx))
    assert r.exit_code == 3
    assert "index was built from another genome" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
