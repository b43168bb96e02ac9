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
