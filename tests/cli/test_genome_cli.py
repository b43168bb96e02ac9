"""``genetx genome add|list|remove|seq``: output, exit codes and one-line errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from genetx.errors import ExitStatus
from genetx.genome.twobit import write_twobit
from tests.clirun import genetx

RECS = {"chr1": "ACGTACGTNNNNacgtacgtAC", "chrX:101-110": "GGGGGCCCCA"}
DMD = "genomes/human/GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721.fa.gz"


def one_error_line(r) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("genetx: "), lines[0]
    return lines[0]


@pytest.fixture
def twobit(tmp_path: Path) -> Path:
    p = tmp_path / "toy.2bit"
    write_twobit(p, RECS)
    return p


@pytest.mark.parametrize("sub", [[], ["add"], ["list"], ["remove"], ["seq"]])
def test_help(sub) -> None:
    r = genetx("genome", *sub, "--help")
    assert r.exit_code == 0
    assert "Usage: genetx genome" in r.stdout


def test_add_list_seq_remove(twobit) -> None:
    r = genetx("genome", "add", "toy", str(twobit))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == (f"registered toy: {twobit.resolve()} (2 records, 32 bp, 2bit)")
    r = genetx("genome", "list")
    assert r.exit_code == 0
    row = next(line for line in r.stdout.splitlines() if " toy " in line)
    assert "2bit" in row
    assert " 2 " in row
    assert " 32 " in row
    assert str(twobit.resolve()) in row
    r = genetx("genome", "seq", "toy", "chr1:1-12")
    assert r.exit_code == 0
    assert r.stdout == ">chr1:1-12\nACGTACGTNNNN\n"
    r = genetx("genome", "seq", "toy", "chr1:9-16", "-s", "-")
    assert r.exit_code == 0
    assert r.stdout == ">chr1:9-16(-)\nacgtNNNN\n"
    r = genetx("genome", "remove", "toy")
    assert r.exit_code == 0
    assert "removed toy" in r.stdout
    r = genetx("genome", "list")
    assert "no genomes registered" in r.stdout


def test_seq_strands_widths_and_whole_records(twobit) -> None:
    r = genetx("genome", "seq", str(twobit), "chr1:9-16", "--strand", "-")
    assert r.exit_code == 0, r.stderr
    # chr1[8:16] = NNNNacgt; its reverse complement is acgtNNNN
    assert r.stdout == ">chr1:9-16(-)\nacgtNNNN\n"
    r = genetx("genome", "seq", str(twobit), "chr1", "-w", "10")
    assert r.stdout == ">chr1:1-22\nACGTACGTNN\nNNacgtacgt\nAC\n"
    r = genetx("genome", "seq", str(twobit), "chrX:103", "-w", "0")
    assert r.stdout == ">chrX:103-103\nG\n"
    r = genetx("genome", "seq", str(twobit), "chrX", "-w", "0")  # the one placed record
    assert r.stdout == ">chrX:101-110\nGGGGGCCCCA\n"
    r = genetx("genome", "seq", str(twobit), "chrX:101-110:2-3")  # record coordinates
    assert r.stdout == ">chrX:101-110:2-3\nGG\n"


def test_seq_on_the_shared_dmd_locus(shared_data) -> None:
    path = shared_data / DMD
    with gzip.open(path, "rt") as fh:
        seq = "".join(line.strip() for line in fh if not line.startswith(">"))
    r = genetx("genome", "add", "dmd", str(path))
    assert r.exit_code == 0, r.stderr
    assert "2,227,389 bp" in r.stdout
    r = genetx("genome", "seq", "dmd", "chrX:31,117,221-31,117,243", "-w", "0")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f">chrX:31117221-31117243\n{seq[:23]}\n"


def test_crlf_fasta_is_accepted(tmp_path) -> None:
    p = tmp_path / "win.fa"
    p.write_bytes(b">a\r\nACGT\r\nAC\r\n")
    r = genetx("genome", "add", "win", str(p))
    assert r.exit_code == 0, r.stderr
    r = genetx("genome", "seq", "win", "a:1-6")
    assert r.stdout == ">a:1-6\nACGTAC\n"


BAD_FASTA = {
    "empty": (b"", "is empty"),
    "no_header": (b"ACGT\n", "line 1: sequence data before the first '>' header"),
    "duplicate": (b">a\nAC\n>a\nAC\n", "line 3: duplicate record name 'a'"),
    "ragged": (b">a\nACGT\nAC\nACGT\n", "line 3: record 'a': a line of 2 bases is followed"),
    "letters": (b">a\nACGT\nAJGT\n", "record 'a', position 6 (line 3): letter 'J'"),
    "truncated_record": (b">a\nACGT\n>b\n", "record 'b' has no sequence"),
}


@pytest.mark.parametrize("case", sorted(BAD_FASTA))
def test_add_bad_fasta_is_one_line(tmp_path, case) -> None:
    data, expect = BAD_FASTA[case]
    p = tmp_path / f"{case}.fa"
    p.write_bytes(data)
    r = genetx("genome", "add", "bad", str(p))
    assert r.exit_code == ExitStatus.BAD_INPUT
    line = one_error_line(r)
    assert line.startswith(f"genetx: error: {p}: ")
    assert expect in line
    assert genetx("genome", "list").stdout.startswith("no genomes registered")


def test_add_truncated_gzip(tmp_path) -> None:
    full = gzip.compress(b">a\n" + b"ACGT" * 5000 + b"\n")
    p = tmp_path / "t.fa.gz"
    p.write_bytes(full[:-30])
    r = genetx("genome", "add", "t", str(p))
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert "truncated gzip file" in one_error_line(r)


def test_add_truncated_2bit(tmp_path, twobit) -> None:
    p = tmp_path / "t.2bit"
    p.write_bytes(twobit.read_bytes()[:40])
    r = genetx("genome", "add", "t", str(p))
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert "truncated" in one_error_line(r)


@pytest.mark.parametrize(("args", "status", "expect"), [
    (["genome", "seq", "hg99", "chr1:1-2"], ExitStatus.MISSING_DATA,
     "hg99: not a registered genome"),
    (["genome", "remove", "hg99"], ExitStatus.MISSING_DATA, "genetx genome add NAME PATH"),
    (["genome", "add", "x", "/no/such/file.fa"], ExitStatus.BAD_INPUT, "file not found"),
    (["genome", "add", "x", "README.md"], ExitStatus.BAD_INPUT,
     "unsupported genome file extension"),
    (["genome", "add", "bad name", "x.fa"], ExitStatus.BAD_INPUT, "a genome name is"),
])
def test_usage_mistakes_are_one_line(args, status, expect) -> None:
    r = genetx(*args)
    assert r.exit_code == status
    assert expect in one_error_line(r)


@pytest.mark.parametrize(("region", "extra", "status", "expect"), [
    ("chr1:0-5", [], ExitStatus.BAD_INPUT, "START >= 1 and END >= START"),
    ("chr1:9-5", [], ExitStatus.BAD_INPUT, "START >= 1 and END >= START"),
    ("chr1:1-99", [], ExitStatus.BAD_INPUT, "runs past the end of the contig"),
    ("chr9:1-5", [], ExitStatus.MISSING_DATA, "chr9: contig not in genome"),
    ("chrX:1-5", [], ExitStatus.MISSING_DATA, "not inside the sequence available"),
    (":1-5", [], ExitStatus.BAD_INPUT, "region has no contig name"),
    ("chr1:1-5", ["--strand", "x"], ExitStatus.BAD_INPUT, "strand must be '+' or '-'"),
    ("chr1:1-5", ["--width", "-1"], ExitStatus.BAD_INPUT, "line width must be >= 0"),
])
def test_bad_regions_are_one_line(twobit, region, extra, status, expect) -> None:
    r = genetx("genome", "seq", str(twobit), region, *extra)
    assert r.exit_code == status
    assert expect in one_error_line(r)


def test_add_existing_name_needs_force(twobit, tmp_path) -> None:
    assert genetx("genome", "add", "toy", str(twobit)).exit_code == 0
    other = tmp_path / "o.fa"
    other.write_text(">z\nAC\n")
    r = genetx("genome", "add", "toy", str(other))
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert "already registered" in one_error_line(r)
    r = genetx("genome", "add", "--force", "toy", str(other))
    assert r.exit_code == 0
    assert genetx("genome", "seq", "toy", "z:1-2").stdout == ">z:1-2\nAC\n"
