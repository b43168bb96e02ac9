"""Fixtures for the exon-skipping tests: the NM_004006.2 GenBank record read independently.

The record (NCBI RefSeq, DMD Dp427m mRNA, shared/data/genes/genbank/NM_004006.2.gb.gz) is parsed
here with plain regular expressions, not with GeneTx's readers, so that exon lengths, the CDS and
the sequence are independent truth for the frame arithmetic and the ASO checks.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class GenBankMrna:
    """What the tests need from an mRNA GenBank record (1-based inclusive coordinates)."""

    exons: tuple[tuple[int, int], ...]
    cds: tuple[int, int]
    sequence: str
    regions: tuple[tuple[str, int, int], ...]

    @property
    def exon_lengths(self) -> tuple[int, ...]:
        return tuple(e - s + 1 for s, e in self.exons)

    def exon_seq(self, number: int) -> str:
        s, e = self.exons[number - 1]
        return self.sequence[s - 1:e]


def read_genbank_mrna(path: Path) -> GenBankMrna:
    text = gzip.open(path, "rt").read()
    features = text[text.index("\nFEATURES"):text.index("\nORIGIN")]
    exons = tuple((int(a), int(b)) for a, b in
                  re.findall(r"^     exon\s+(\d+)\.\.(\d+)", features, re.M))
    cds = re.search(r"^     CDS\s+(\d+)\.\.(\d+)", features, re.M)
    assert cds is not None
    regions = []
    for m in re.finditer(r"^     misc_feature\s+(\d+)\.\.(\d+)\n((?:                     .*\n)+)",
                         features + "\n", re.M):
        note = re.search(r'/note="([^"]*)"', " ".join(x.strip() for x in m[3].splitlines()))
        if note:
            regions.append((note[1], int(m[1]), int(m[2])))
    origin = text[text.index("\nORIGIN"):]
    seq = re.sub(r"[^acgtnACGTN]", "", origin.replace("ORIGIN", "")).upper()
    return GenBankMrna(exons, (int(cds[1]), int(cds[2])), seq, tuple(regions))


@pytest.fixture(scope="session")
def nm004006(shared_data: Path) -> GenBankMrna:
    """NM_004006.2 as parsed from its GenBank record."""
    rec = read_genbank_mrna(shared_data / "genes" / "genbank" / "NM_004006.2.gb.gz")
    assert len(rec.exons) == 79
    assert len(rec.sequence) == 13993
    return rec


@pytest.fixture(scope="session")
def dmd():
    """The gene pack's DMD (NM_004006.2 on GRCh38) as GeneTx loads it."""
    from genetx.genome.genes import load_gene

    return load_gene("DMD")
