"""``genetx cassette``: files written, report lines, exit codes and one-line errors."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from genetx.errors import ExitStatus
from tests.clirun import genetx


@pytest.fixture(scope="module")
def ada(shared_data) -> tuple[str, str]:
    from Bio import SeqIO

    with gzip.open(shared_data / "genes/genbank/ADA_mRNA.UD_143772172095.gb.gz", "rt") as fh:
        rec = SeqIO.read(fh, "genbank")
    f = next(f for f in rec.features if f.type == "CDS")
    return str(f.extract(rec.seq)), f.qualifiers["translation"][0]


def test_gene_cpg_free_writes_all_outputs(tmp_path, ada) -> None:
    from Bio import SeqIO

    from genetx.core.seq import translate

    r = genetx("cassette", "ADA", "--tissue", "liver", "--cpg-free", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    for suffix in (".gb", ".fasta", ".json", ".png"):
        assert (tmp_path / f"ADA{suffix}").is_file()
    doc = json.loads((tmp_path / "ADA.json").read_text())
    assert doc["optimization"]["after"]["cpg"] == 0
    assert doc["fit"]["fits"] is True
    assert any(c["name"] == "cpg" and c["independent_check"]["pass"]
               for c in doc["optimization"]["constraints"])
    rec = SeqIO.read(tmp_path / "ADA.gb", "genbank")
    cds = next(f for f in rec.features if f.type == "CDS")
    assert translate(str(cds.extract(rec.seq))) == ada[1] + "*"
    assert "rule PackagingLimit[ssAAV]: pass" in r.stdout
    assert "CpG" in r.stdout
    assert "CAI" in r.stdout


def test_cds_file_lentiviral(tmp_path, ada) -> None:
    (tmp_path / "ada.fa").write_text(f">ada\n{ada[0]}\n")
    r = genetx("cassette", "--cds", str(tmp_path / "ada.fa"), "--vector", "LV",
               "--unique-kmer", "0", "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    assert "cassette ada (LV," in r.stdout
    assert "HIV1_3LTR_deltaU3_SIN" in r.stdout


def test_protein_that_does_not_fit_gets_numbers_and_proposals(tmp_path) -> None:
    rng = random.Random(7)
    protein = "M" + "".join(rng.choice("ACDEFGHIKLMNPQRSTVWY") for _ in range(899))
    (tmp_path / "p.fa").write_text(f">big\n{protein}\n")
    r = genetx("cassette", "--protein", str(tmp_path / "p.fa"), "--vector", "scAAV",
               "--promoter", "EFS", "--unique-kmer", "0", "-o", str(tmp_path / "o"))
    assert r.exit_code == 0, r.stderr
    assert "fit: the 2,703-nt CDS does not fit" in r.stdout
    assert "over the scAAV limit of 2,350" in r.stdout
    assert "proposal [feasible] dual_aav_split_intein" in r.stdout
    assert "lentiviral_ex_vivo" in r.stdout


def test_list_elements() -> None:
    r = genetx("cassette", "--list-elements")
    assert r.exit_code == 0
    assert "HLP_hybrid_liver_promoter" in r.stdout
    assert "not available: CK8" in r.stdout


def _one_line(r) -> str:
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.mark.parametrize(("args", "files", "code", "needle"), [
    ([], {}, ExitStatus.BAD_INPUT, "give exactly one of GENE, --cds FILE or --protein FILE"),
    (["ADA", "--cds", "{tmp}/x.fa"], {"x.fa": "ATGTAA"}, ExitStatus.BAD_INPUT, "exactly one"),
    (["--cds", "{tmp}/x.fa"], {"x.fa": ">x\nATGAAAT\n"}, ExitStatus.BAD_INPUT,
     "not a multiple of 3"),
    (["--cds", "{tmp}/x.fa"], {"x.fa": ">x\nGTGAAATAA\n"}, ExitStatus.BAD_INPUT,
     "does not start with the ATG"),
    (["--protein", "{tmp}/p.fa"], {"p.fa": ">p\nMKL*KKK\n"}, ExitStatus.BAD_INPUT,
     "stop (*) at residue 4"),
    (["--protein", "{tmp}/p.fa"], {"p.fa": ">p\nMKLZK\n"}, ExitStatus.BAD_INPUT,
     "letter 'Z' at residue 4"),
    (["ADA", "--promoter", "CK8"], {}, ExitStatus.BAD_INPUT, "CK8"),
    (["ADA", "--polya", "nonsense_pA"], {}, ExitStatus.BAD_INPUT, "not a polya element"),
    (["ADA", "--vector", "AAV9"], {}, ExitStatus.BAD_INPUT, "unknown vector"),
    (["ADA", "--tissue", "kidney"], {}, ExitStatus.BAD_INPUT, "unknown tissue"),
    (["ADA", "--avoid-enzyme", "Foo1"], {}, ExitStatus.BAD_INPUT, "restriction enzyme"),
    (["NOTAGENE1"], {}, ExitStatus.UNKNOWN_GENE, "NOTAGENE1"),
    (["--cds", "{tmp}/k.fa", "--gc-min", "0.6", "--gc-max", "0.9", "--gc-window", "30"],
     {"k.fa": "ATG" + "AAA" * 40 + "TAA"}, ExitStatus.INFEASIBLE,
     "constraint gc_window at nt"),
])
def test_bad_input_one_line(tmp_path, args, files, code, needle) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = genetx("cassette", *argv, "-o", str(tmp_path / "out"))
    assert r.exit_code == code, (r.exit_code, r.stderr)
    line = _one_line(r)
    assert line.startswith("genetx: error: ")
    assert needle in line
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(("data", "needle"), [
    (b"\x1f\x8bnot gzip", "corrupt gzip data"),             # bad header
    (gzip.compress(b">x\nATGAAATAA\n")[:-12], "corrupt gzip data"),  # truncated stream
])
def test_corrupt_gzip_cds_one_line(tmp_path, data, needle) -> None:
    # a truncated gzip raises EOFError, which Click would report as "interrupted" (exit 130)
    (tmp_path / "x.fa.gz").write_bytes(data)
    r = genetx("cassette", "--cds", str(tmp_path / "x.fa.gz"), "-o", str(tmp_path / "out"))
    assert r.exit_code == ExitStatus.BAD_INPUT, (r.exit_code, r.stderr)
    line = _one_line(r)
    assert line.startswith(f"genetx: error: {tmp_path / 'x.fa.gz'}: ")
    assert needle in line


def test_cds_path_is_a_directory(tmp_path) -> None:
    r = genetx("cassette", "--cds", str(tmp_path), "-o", str(tmp_path / "out"))
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert _one_line(r) == f"genetx: error: {tmp_path}: is a directory, not a file"


def test_missing_output_folder() -> None:
    r = genetx("cassette", "ADA")
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert "-o OUT" in _one_line(r)


def test_annotate_a_real_plasmid(tmp_path, shared_data) -> None:
    from Bio import SeqIO

    src = shared_data / "aav_plasmids/laava/pAV_CMV_GFP.ssAAV.gb"
    r = genetx("cassette", "--annotate", str(src), "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    assert "EGFP_CDS\t1191-1911\t+" in r.stdout
    assert "rule PackagingLimit[ssAAV]: pass - ITR-to-ITR 2,433 nt" in r.stdout
    rec = SeqIO.read(tmp_path / "pAV_CMV_GFP.annotated.gb", "genbank")
    assert {f.qualifiers["label"][0] for f in rec.features} >= {"EGFP_CDS", "SV40_polyA"}
    doc = json.loads((tmp_path / "pAV_CMV_GFP.annotated.json").read_text())
    assert doc["length"] == 5030
    assert (tmp_path / "pAV_CMV_GFP.annotated.png").is_file()
