"""``genetx variant``: output on the gene pack and user files, and one line per bad input.

Truth: NM_004006.2:c.4375C>T is NC_000023.11:g.32389644G>A, p.(Arg1459*) (EBI ProtVar and
SpliceAI lookup API documentation); DMD deletion of exons 45-50 removes 871 coding nt (out of
frame), of exons 45-55 1,779 nt (in frame); exon 2 is 62 nt (NM_004006.2 exon features).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genetx.errors import ExitStatus
from tests.clirun import genetx

# the hand-worked plus-strand gene of tests/genome/test_variants.py (chrP, transcript TP.1)
PLUS = ("CCCCC" "GGCACC" "ATGAAACGA" "GTAAGCTCAG" "TGGGCCAAATTCCAG" "GTCAG" "TAA" "CCTTAG"
        "C")
GFF3 = """##gff-version 3
chrP\ttest\tgene\t6\t59\t.\t+\t.\tID=gene:GP;Name=GP;biotype=protein_coding
chrP\ttest\tmRNA\t6\t59\t.\t+\t.\tID=transcript:TP.1;Parent=gene:GP;Name=TP.1;transcript_id=TP.1
chrP\ttest\texon\t6\t20\t.\t+\t.\tParent=transcript:TP.1
chrP\ttest\texon\t31\t45\t.\t+\t.\tParent=transcript:TP.1
chrP\ttest\texon\t51\t59\t.\t+\t.\tParent=transcript:TP.1
chrP\ttest\tCDS\t12\t20\t.\t+\t0\tParent=transcript:TP.1
chrP\ttest\tCDS\t31\t45\t.\t+\t0\tParent=transcript:TP.1
chrP\ttest\tCDS\t51\t53\t.\t+\t0\tParent=transcript:TP.1
"""


@pytest.fixture
def user_files(tmp_path: Path) -> tuple[Path, Path]:
    fa = tmp_path / "syn.fa"
    fa.write_text(">chrP\n" + PLUS + "\n")
    gff = tmp_path / "syn.gff3"
    gff.write_text(GFF3)
    return gff, fa


def _json(*args: str) -> dict:
    r = genetx("variant", *args, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_dmd_nonsense_text_output() -> None:
    r = genetx("variant", "DMD", "c.4375C>T")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    out = r.stdout
    assert "NM_004006.2:c.4375C>T" in out
    assert "chrX 32389644 G A" in out          # VCF line
    assert "chrX:32,389,644 G>A" in out
    assert "p.(Arg1459Ter)" in out
    assert "stop_gained" in out


def test_dmd_json_and_equivalent_forms() -> None:
    d = _json("DMD", "c.4375C>T")
    v = d["variant"]
    assert (v["vcf"]["pos"], v["vcf"]["ref"], v["vcf"]["alt"]) == (32389644, "G", "A")
    assert (v["start"], v["end"], v["ref"], v["alt"]) == (32389643, 32389644, "G", "A")
    assert v["effect"]["exons"] == [32]
    for form in ("NM_004006.2:c.4375C>T", "X:32389644:G:A", "chrX:g.32389644G>A",
                 "NC_000023.11:g.32389644G>A"):
        same = _json("DMD", form)["variant"]
        assert same["vcf"] == v["vcf"], form
        assert same["effect"]["protein"] == "p.(Arg1459Ter)", form
    assert _json("DMD", "c.4375C>T", "--transcript", "NM_004006")["variant"]["transcript"] == \
        "NM_004006.2"


@pytest.mark.parametrize(("text", "frame", "change"), [
    ("del ex45-50", "frameshift", -871),
    ("del ex45-55", "in_frame", -1779),
    ("dup ex2", "frameshift", 62),
])
def test_dmd_exon_changes(text: str, frame: str, change: int) -> None:
    e = _json("DMD", text)["variant"]["effect"]
    assert (e["frame"], e["coding_change"]) == (frame, change)


def test_dmd_intronic_text() -> None:
    r = genetx("variant", "DMD", "c.6614+1G>A")
    assert r.exit_code == 0, r.stderr
    assert "splice_donor_variant" in r.stdout
    assert "splice site  yes" in r.stdout


def test_user_annotation_and_genome(user_files: tuple[Path, Path]) -> None:
    gff, fa = user_files
    v = _json("GP", "c.7C>T", "--annotation", str(gff), "--genome", str(fa))["variant"]
    # c.7 = 0-based 17 (hand-worked): CGA (Arg3) -> TGA
    assert (v["vcf"]["chrom"], v["vcf"]["pos"], v["vcf"]["ref"], v["vcf"]["alt"]) == (
        "chrP", 18, "C", "T")
    assert v["effect"]["protein"] == "p.(Arg3Ter)"
    v = _json("GP", "c.16_18del", "--annotation", str(gff), "--genome", str(fa))["variant"]
    assert (v["effect"]["frame"], v["vcf"]["ref"], v["vcf"]["alt"]) == ("in_frame", "CAAA", "C")
    r = genetx("variant", "GP", "c.13del", "--annotation", str(gff), "--genome", str(fa))
    assert r.exit_code == 0, r.stderr
    assert "frameshift (-1 coding nt)" in r.stdout


def _one_error_line(args: tuple[str, ...], status: ExitStatus,
                    fragments: tuple[str, ...]) -> None:
    r = genetx("variant", *args)
    assert r.exit_code == status, (r.exit_code, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("genetx: error: ")
    for f in fragments:
        assert f in lines[0]


@pytest.mark.parametrize(("args", "status", "fragments"), [
    (("DMD", "c.4375C>"), ExitStatus.BAD_INPUT, ("c.4375C>:", "one base to another")),
    (("DMD", "hello"), ExitStatus.BAD_INPUT, ("hello:", "expected HGVS c.")),
    (("DMD", "p.Arg1459Ter"), ExitStatus.BAD_INPUT, ("protein (p.)",)),
    (("DMD", "c.4375A>T"), ExitStatus.BAD_INPUT,
     ("c.4375A>T: reference is C at chrX:32,389,644 (minus strand), not A",)),
    (("DMD", "X:32389644:C:T"), ExitStatus.BAD_INPUT,
     ("X:32389644:C:T: reference is G at chrX:32,389,644, not C",)),
    (("DMD", "chrX:g.1000A>T"), ExitStatus.BAD_INPUT, ("lies outside DMD",)),
    (("DMD", "c.11059A>T"), ExitStatus.BAD_INPUT, ("past the stop codon",)),
    (("DMD", "c.6614+900000G>A"), ExitStatus.BAD_INPUT, ("runs past intron 45",)),
    (("DMD", "chr21:25585733:C:T"), ExitStatus.BAD_INPUT,
     ("is on chromosome chr21, but DMD is on chrX",)),
    (("DMD", "del ex80"), ExitStatus.BAD_INPUT, ("has exons 1-79; there is no exon 80",)),
    (("DMD", "del ex50-45"), ExitStatus.BAD_INPUT, ("reversed",)),
    (("DMD", "NM_000109.3:c.4375C>T", "--transcript", "NM_004006.2"), ExitStatus.BAD_INPUT,
     ("names transcript NM_000109.3, but --transcript asks for NM_004006.2",)),
    (("DMD", "c.4375C>T", "--transcript", "NM_999999.1"), ExitStatus.UNKNOWN_GENE,
     ("NM_999999.1",)),
    (("NOTAGENE1", "c.4375C>T"), ExitStatus.UNKNOWN_GENE, ("NOTAGENE1",)),
    # an empty --transcript is named in the message, not left blank
    (("DMD", "c.4375C>T", "--transcript", ""), ExitStatus.UNKNOWN_GENE,
     ("genetx: error: transcript '': is not a transcript of DMD",)),
    # a string that does not parse is reported before the gene is looked up
    (("NOTAGENE1", "c.4375"), ExitStatus.BAD_INPUT, ("c.4375:", "no change")),
])
def test_bad_input_one_line(args, status, fragments) -> None:
    _one_error_line(args, status, fragments)


def test_missing_annotation_file(tmp_path: Path) -> None:
    _one_error_line(("GP", "c.7C>T", "--annotation", str(tmp_path / "none.gff3")),
                    ExitStatus.BAD_INPUT, ("none.gff3",))


def test_user_files_bad_inputs(user_files: tuple[Path, Path]) -> None:
    gff, fa = user_files
    files = ("--annotation", str(gff), "--genome", str(fa))
    _one_error_line(("GP", "c.7G>T", *files), ExitStatus.BAD_INPUT,
                    ("c.7G>T: reference is C at chrP:18, not G",))
    _one_error_line(("GP", "del ex4", *files), ExitStatus.BAD_INPUT,
                    ("TP.1 has exons 1-3; there is no exon 4",))
    _one_error_line(("GP", "c.28A>T", *files), ExitStatus.BAD_INPUT, ("past the stop codon",))
