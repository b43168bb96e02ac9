"""Reading the transgene: gene pack, CDS FASTA/bare/GenBank, protein; errors name the file."""

from __future__ import annotations

import gzip

import pytest

from genetx.add.inputs import from_gene, read_cds_file, read_protein_file
from genetx.errors import BadInputError, InvalidSequenceError, MalformedFileError, UnknownGeneError


def test_gene_pack_cds_equals_the_refseq_record(f8_cds) -> None:
    cds, protein = f8_cds
    got = from_gene("F8")
    assert got.transcript == "NM_000132.3"
    assert got.cds == cds
    assert got.protein == protein
    with pytest.raises(UnknownGeneError):
        from_gene("NOTAGENE1")


def test_fasta_bare_and_genbank(tmp_path, shared_data, ada_cds) -> None:
    cds, protein = ada_cds
    (tmp_path / "a.fa").write_text(f">myADA some text\n{cds[:60]}\n{cds[60:]}\n")
    got = read_cds_file(tmp_path / "a.fa")
    assert (got.name, got.kind, got.cds, got.protein) == ("myADA", "cds", cds, protein)
    (tmp_path / "b.txt").write_text(cds.lower())
    assert read_cds_file(tmp_path / "b.txt").protein == protein
    gb = tmp_path / "ada.gb"
    with gzip.open(shared_data / "genes/genbank/ADA_mRNA.UD_143772172095.gb.gz", "rt") as fh:
        gb.write_text(fh.read())
    rec = read_cds_file(gb)
    assert rec.kind == "mrna"
    assert rec.cds == cds
    assert rec.protein == protein
    (tmp_path / "p.fa").write_text(f">prot\n{protein}*\n")
    assert read_protein_file(tmp_path / "p.fa").protein == protein


def test_file_errors(tmp_path) -> None:
    with pytest.raises(BadInputError) as err:
        read_cds_file(tmp_path / "missing.fa")
    assert "file not found" in str(err.value)
    (tmp_path / "two.fa").write_text(">a\nATGTAA\n>b\nATGTAA\n")
    with pytest.raises(MalformedFileError) as err:
        read_cds_file(tmp_path / "two.fa")
    assert "2 FASTA records" in str(err.value)
    (tmp_path / "bad.fa").write_text(">x\nATGAAAT\n")
    with pytest.raises(InvalidSequenceError) as err:
        read_cds_file(tmp_path / "bad.fa")
    assert str(err.value).startswith(str(tmp_path / "bad.fa"))
    (tmp_path / "stop.fa").write_text(">x\nMKL*KK\n")
    with pytest.raises(InvalidSequenceError):
        read_protein_file(tmp_path / "stop.fa")
    (tmp_path / "empty.fa").write_text("\n")
    with pytest.raises(MalformedFileError):
        read_protein_file(tmp_path / "empty.fa")


def test_genbank_translation_must_agree(tmp_path, shared_data) -> None:
    with gzip.open(shared_data / "genes/genbank/ADA_mRNA.UD_143772172095.gb.gz", "rt") as fh:
        text = fh.read()
    i = text.index('/translation="') + len('/translation="')
    assert text[i] == "M"
    (tmp_path / "x.gb").write_text(text[:i] + "W" + text[i + 1:])  # first residue M -> W
    with pytest.raises(BadInputError) as err:
        read_cds_file(tmp_path / "x.gb")
    assert "differ from its /translation" in str(err.value)
