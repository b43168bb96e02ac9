"""Shared inputs for the gene-addition tests: real CDSs read with Biopython from the shared
GenBank records (independently of GeneTx's gene pack)."""

from __future__ import annotations

import gzip

import pytest


def _genbank_cds(path) -> tuple[str, str]:
    from Bio import SeqIO

    with gzip.open(path, "rt") as fh:
        rec = SeqIO.read(fh, "genbank")
    feat = next(f for f in rec.features if f.type == "CDS")
    return str(feat.extract(rec.seq)).upper(), feat.qualifiers["translation"][0]


@pytest.fixture(scope="session")
def ada_cds(shared_data) -> tuple[str, str]:
    """ADA CDS and its /translation (Mutalyzer UD record of the ADA mRNA)."""
    return _genbank_cds(shared_data / "genes/genbank/ADA_mRNA.UD_143772172095.gb.gz")


@pytest.fixture(scope="session")
def f8_cds(shared_data) -> tuple[str, str]:
    """F8 CDS and /translation of NM_000132.3."""
    return _genbank_cds(shared_data / "genes/genbank/NM_000132.3.gb.gz")


@pytest.fixture(scope="session")
def dmd_cds(shared_data) -> tuple[str, str]:
    """DMD CDS and /translation of NM_004006.2."""
    return _genbank_cds(shared_data / "genes/genbank/NM_004006.2.gb.gz")
