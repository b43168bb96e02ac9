"""``genetx skip``: strategies as JSON and text, output files, bad input (exit code + one line).

Truth for the strategies: del 45-50 is restored by skipping exon 51 (facts-catalog.md 3.3;
eteplirsen's indication), and eteplirsen's published sequence (Drugs.com monograph) is among the
exon-51 ASO candidates.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from genetx.errors import ExitStatus
from tests.clirun import genetx

ETEPLIRSEN = "CTCCAACATCAAGGAAGATGGCATTTCTAG"


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_skip_json_and_files(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    r = genetx("skip", "DMD", "--variant", "del ex45-50", "--json", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["transcript"] == "NM_004006.2"
    assert data["status"] == "restorable"
    first = data["strategies"][0]
    assert first["skip"] == [51]
    assert first["exons_lost"] == list(range(45, 52))
    assert first["approved_drugs"] == ["eteplirsen"]
    assert first["protein_length"] == 3685 - 1104 // 3
    assert any(s["cited"] == ["BEROUD2007"] for s in data["strategies"])
    assert data["aso_designs"][0]["exon"] == 51
    assert json.loads((out / "strategies.json").read_text()) == data
    with (out / "aso_candidates.tsv").open() as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows[0].keys() >= {"Chromosome", "Start", "End", "Strand", "aso", "gc",
                              "self_dimer", "hairpin", "offtarget_total"}
    assert any(row["aso"] == ETEPLIRSEN for row in rows)
    assert {row["exon"] for row in rows} == {"51"}


def test_skip_text() -> None:
    r = genetx("skip", "DMD", "-v", "del ex52", "--no-aso")
    assert r.exit_code == 0, r.stderr
    assert "eteplirsen (Exondys 51), skips exon 51, FDA 2016-09-19" in r.stdout
    assert "golodirsen (Vyondys 53)" in r.stdout
    lines = [x.split() for x in r.stdout.splitlines()]
    table = [x for x in lines if x and x[0].isdigit()]
    assert table[0][1] == "53"
    assert table[1][1] == "51"


def test_skip_duplication_and_requested() -> None:
    r = genetx("skip", "DMD", "-v", "dup ex2", "--no-aso", "--skip", "2")
    assert r.exit_code == 0, r.stderr
    assert "2 (1 copy)" in r.stdout
    assert "both copies 1: skipping both copies of exon 2 is out of frame" in r.stdout
    assert "requested   skip 2: out of frame" in r.stdout


def test_skip_nonsense_json() -> None:
    r = genetx("skip", "DMD", "-v", "c.7657C>T", "--json", "--aso-exons", "52",
               "--aso-lengths", "25", "--max-mismatches", "1")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["lesion"]["kind"] == "nonsense"
    assert data["patient"]["protein_length"] == 2552
    assert data["variant_exon_in_frame"] is False
    assert [52, 53] in [s["skip"] for s in data["strategies"]]
    assert data["aso_designs"][0]["lengths"] == [25]


def test_skip_in_frame_deletion() -> None:
    r = genetx("skip", "DMD", "-v", "del ex45-47", "--no-aso")
    assert r.exit_code == 0, r.stderr
    assert "status      in frame" in r.stdout


@pytest.mark.parametrize(("args", "code", "words"), [
    (("-v", "del ex80"), ExitStatus.BAD_INPUT, "there is no exon 80"),
    (("-v", "del ex50-45"), ExitStatus.BAD_INPUT, "reversed"),
    (("-v", "del ex45-50", "--skip", "51,51-52"), ExitStatus.BAD_INPUT, "overlap"),
    (("-v", "del ex45-50", "--skip", "53-51"), ExitStatus.BAD_INPUT, "reversed"),
    (("-v", "del ex45-50", "--skip", "50"), ExitStatus.BAD_INPUT, "already missing"),
    (("-v", "del ex45-50", "--skip", "79"), ExitStatus.BAD_INPUT, "last exon"),
    (("-v", "del ex45-50", "--aso-exons", "0"), ExitStatus.BAD_INPUT, "no exon 0"),
    (("-v", "c.6614+1G>A"), ExitStatus.BAD_INPUT, "lies in intron 45"),
    (("-v", "del ex1-3"), ExitStatus.INFEASIBLE, "start codon"),
    (("-v", "c.7658G>C"), ExitStatus.INFEASIBLE, "missense_variant"),
    (("-v", "del ex45-50", "--aso-lengths", "30-25"), ExitStatus.BAD_INPUT, "reversed"),
    (("-v", "nonsense"), ExitStatus.BAD_INPUT, "is not a variant"),
])
def test_skip_bad_input(args: tuple[str, ...], code: ExitStatus, words: str) -> None:
    r = genetx("skip", "DMD", *args, "--no-aso")
    assert r.exit_code == code, (r.stdout, r.stderr)
    line = _one_line(r.stderr)
    assert line.startswith("genetx: error:")
    assert words in line


def test_skip_utr_variant() -> None:
    # c.-20: the base on the transcript strand is C (GRCh38; checked by genetx variant)
    r = genetx("skip", "DMD", "-v", "c.-20C>T", "--no-aso")
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert "5' UTR" in _one_line(r.stderr)


def test_skip_unknown_gene() -> None:
    r = genetx("skip", "NOSUCHGENE", "-v", "del ex2")
    assert r.exit_code == ExitStatus.UNKNOWN_GENE
    assert "NOSUCHGENE" in _one_line(r.stderr)


# ------------------------------------------------------------------ CRISPR exon deletion

LOCUS_FA = "genomes/human/GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721.fa.gz"
LOCUS_START = 31117220  # 0-based plus-strand position of the FASTA's first base


def _revcomp(seq: str) -> str:
    return seq[::-1].translate(str.maketrans("ACGT", "TGCA"))


def test_skip_deletion_pairs_json_and_tsv(tmp_path: Path, shared_data: Path) -> None:
    import gzip

    with gzip.open(shared_data / LOCUS_FA, "rt") as fh:
        locus = "".join(x.strip() for x in fh if not x.startswith(">")).upper()
    out = tmp_path / "plan"
    r = genetx("skip", "DMD", "-v", "del ex45-50", "--no-aso", "--pairs", "3", "--json",
               "-o", str(out))
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    n_pairs = 0
    for s in data["strategies"]:
        d = s["deletion"]
        assert d["status"] == "designed", d
        assert d["exons"] == list(range(min(s["skip"]), max(s["skip"]) + 1))
        assert d["frame"]["in_frame"] is True
        assert [w["intron"] for w in d["windows"]] == [d["exons"][0] - 1, d["exons"][-1]]
        assert 1 <= len(d["pairs"]) <= 3
        n_pairs += len(d["pairs"])
        for p in d["pairs"]:
            lo, hi = p["deletion_start"], p["deletion_end"]
            assert p["deletion_size"] == hi - lo
            cuts = sorted((p["guide_5prime"]["cut"], p["guide_3prime"]["cut"]))
            assert cuts == [lo, hi]
            for g in (p["guide_5prime"], p["guide_3prime"]):
                site = locus[g["start"] - LOCUS_START:g["end"] - LOCUS_START]
                if g["strand"] == "-":
                    site = _revcomp(site)
                assert site == g["spacer"] + g["pam"]
            plus = locus[lo - LOCUS_START - 20:lo - LOCUS_START] + \
                locus[hi - LOCUS_START:hi - LOCUS_START + 20]
            assert p["junction_plus"] == plus
            assert p["junction_transcript"] == _revcomp(plus)  # DMD is on the minus strand
    first = data["strategies"][0]["deletion"]
    assert first["exons"] == [51]
    assert first["pairs"][0]["guide_5prime"]["intron"] == 50
    assert any("intron 50 holds a breakpoint" in n for n in first["notes"])
    assert json.loads((out / "strategies.json").read_text()) == data
    with (out / "deletion_pairs.tsv").open() as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == n_pairs
    assert rows[0]["strategy"] == "1"
    assert rows[0]["skip"] == "51"
    assert rows[0]["pair_id"] == first["pairs"][0]["pair_id"]
    assert rows[0]["junction_transcript"] == first["pairs"][0]["junction_transcript"]


def test_skip_deletion_text_and_off_switch(tmp_path: Path) -> None:
    r = genetx("skip", "DMD", "-v", "del ex52", "--no-aso", "--pairs", "2")
    assert r.exit_code == 0, r.stderr
    assert "CRISPR exon deletion: SpCas9 guide pairs" in r.stdout
    assert "deletion 1: exon(s) 53 between intron 52 and intron 53: in frame" in r.stdout
    assert "DEL-ex53-1" in r.stdout
    out = tmp_path / "o"
    r = genetx("skip", "DMD", "-v", "del ex52", "--no-aso", "--no-deletion", "--json",
               "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert all(s["deletion"] is None for s in json.loads(r.stdout)["strategies"])
    assert not (out / "deletion_pairs.tsv").exists()


@pytest.mark.parametrize(("nuclease", "words"), [
    ("AsCas12a", "cuts with staggered ends"),
    ("Cas42", "is not a known nuclease"),
])
def test_skip_deletion_bad_nuclease(nuclease: str, words: str) -> None:
    r = genetx("skip", "DMD", "-v", "del ex45-50", "--no-aso", "--nuclease", nuclease)
    assert r.exit_code == ExitStatus.BAD_INPUT, (r.stdout, r.stderr)
    line = _one_line(r.stderr)
    assert line.startswith("genetx: error: nuclease")
    assert words in line


# A hand-built minus-strand gene (all A/T but for planted SpCas9 sites). Exons (1-based):
# 6001-6200, 4701-4800, 3300-3400, 1901-2000, 501-700; coding parts 100, 100, 101, 100 and
# 100 nt. "del ex2" loses 100 nt (out of frame); skipping exon 3 as well loses 201 (in frame).
TOY_GFF3 = """##gff-version 3
chrT\ttest\tgene\t501\t6200\t.\t-\t.\tID=gene:TOYM;Name=TOYM;biotype=protein_coding
chrT\ttest\tmRNA\t501\t6200\t.\t-\t.\tID=transcript:TM.1;Parent=gene:TOYM;Name=TM.1;transcript_id=TM.1
chrT\ttest\texon\t6001\t6200\t.\t-\t.\tParent=transcript:TM.1
chrT\ttest\texon\t4701\t4800\t.\t-\t.\tParent=transcript:TM.1
chrT\ttest\texon\t3300\t3400\t.\t-\t.\tParent=transcript:TM.1
chrT\ttest\texon\t1901\t2000\t.\t-\t.\tParent=transcript:TM.1
chrT\ttest\texon\t501\t700\t.\t-\t.\tParent=transcript:TM.1
chrT\ttest\tCDS\t6001\t6100\t.\t-\t0\tParent=transcript:TM.1
chrT\ttest\tCDS\t4701\t4800\t.\t-\t2\tParent=transcript:TM.1
chrT\ttest\tCDS\t3300\t3400\t.\t-\t1\tParent=transcript:TM.1
chrT\ttest\tCDS\t1901\t2000\t.\t-\t2\tParent=transcript:TM.1
chrT\ttest\tCDS\t601\t700\t.\t-\t1\tParent=transcript:TM.1
"""
SP_A = "ACGTTGCAACGTTGCAACGT"
SP_B = "TACGATCAGTACTGACTAGT"


def _toy_files(tmp_path: Path, *, both: bool) -> tuple[str, list[str]]:
    import random

    rng = random.Random(3)
    seq = [rng.choice("AT") for _ in range(7000)]
    seq[3783:3806] = SP_A + "TGG"  # intron 2, plus strand: cut 3800, 400 nt from exon 3
    if both:  # intron 3, minus strand: cut 2694 + 6 = 2700, 599 nt from exon 3
        seq[2694:2717] = _revcomp(SP_B + "AGG")
    text = "".join(seq)
    (tmp_path / "toy.fa").write_text(">chrT\n" + text + "\n")
    (tmp_path / "toy.gff3").write_text(TOY_GFF3)
    return text, ["TOYM", "--annotation", str(tmp_path / "toy.gff3"), "--genome",
                  str(tmp_path / "toy.fa"), "-v", "del ex2", "--no-aso", "--json"]


def test_skip_deletion_on_a_minus_strand_toy_gene(tmp_path: Path) -> None:
    seq, args = _toy_files(tmp_path, both=True)
    r = genetx("skip", *args)
    assert r.exit_code == 0, r.stderr
    (s,) = json.loads(r.stdout)["strategies"]
    assert s["skip"] == [3]
    d = s["deletion"]
    assert d["exons"] == [3]
    assert d["frame"]["in_frame"] is True
    (p,) = d["pairs"]
    a, b = p["guide_5prime"], p["guide_3prime"]
    assert (a["intron"], a["spacer"], a["strand"], a["cut"], a["distance_to_exon"]) == (
        2, SP_A, "+", 3800, 400)
    assert (b["intron"], b["spacer"], b["strand"], b["cut"], b["distance_to_exon"]) == (
        3, SP_B, "-", 2700, 599)
    assert (p["deletion_start"], p["deletion_end"], p["deletion_size"]) == (2700, 3800, 1100)
    assert p["junction_plus"] == seq[2680:2700] + seq[3800:3820]
    assert p["junction_transcript"] == _revcomp(seq[2680:2700] + seq[3800:3820])


def test_skip_deletion_infeasible_strategy_is_a_reason(tmp_path: Path) -> None:
    _seq, args = _toy_files(tmp_path, both=False)
    r = genetx("skip", *args)
    assert r.exit_code == 0, r.stderr
    (s,) = json.loads(r.stdout)["strategies"]
    assert s["deletion"]["status"] == "infeasible"
    assert s["deletion"]["reason"].startswith(
        "intron 3 of TM.1 (chrT:2,300-3,249): has no SpCas9 site (NGG PAM)")


def test_skip_text_columns_gc_and_rule_set_1(tmp_path: Path) -> None:
    """GC is printed as a percentage with one decimal on every row (recomputed here from the
    printed ASO), and a pair shows the Rule Set 1 score of each guide, not their sum."""
    out = tmp_path / "o"
    r = genetx("skip", "DMD", "-v", "del ex52", "--pairs", "2", "--top", "8", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    head = next(i for i, x in enumerate(lines) if x.startswith("id ") and "GC %" in x)
    aso_rows = [x.split() for x in lines[head + 1:head + 9]]
    assert len(aso_rows) == 8
    for row in aso_rows:
        aso, gc = row[1], row[3]
        assert gc == f"{100 * sum(c in 'GC' for c in aso) / len(aso):.1f}", row
    pair_head = next(x for x in lines if x.strip().startswith("pair ") and "RS1" in x)
    assert "RS1 5' 3'" in pair_head
    with (out / "deletion_pairs.tsv").open() as fh:
        tsv = {row["pair_id"]: row for row in csv.DictReader(fh, delimiter="\t")}
    pair_rows = [x.split() for x in lines if x.strip().startswith("DEL-ex53-")]
    assert pair_rows
    for row in pair_rows:
        rs5, rs3 = row[12], row[13]
        want = tsv[row[0]]
        assert rs5 == f"{float(want['g5_rule_set_1']):.2f}"
        assert rs3 == f"{float(want['g3_rule_set_1']):.2f}"
        assert 0 <= float(rs5) <= 1
        assert 0 <= float(rs3) <= 1
