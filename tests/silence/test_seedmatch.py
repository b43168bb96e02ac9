"""Seed and near-complete matching against a naive scanner; transcript sets and FASTA reading."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import numpy as np
import pytest

from genetx.errors import InvalidSequenceError, MalformedFileError
from genetx.silence import seedmatch as sm
from tests.silence import naive_silence as naive


def _random_set(seed: int, n: int = 40) -> tuple[list[str], list[int], sm.TranscriptSet]:
    rng = random.Random(seed)
    seqs, utr3 = [], []
    for _ in range(n):
        length = rng.randint(15, 400)
        s = "".join(rng.choice("ACGT") for _ in range(length))
        if rng.random() < 0.2:  # an IUPAC letter now and then: never matches
            i = rng.randrange(length)
            s = s[:i] + "N" + s[i + 1:]
        seqs.append(s)
        utr3.append(rng.randrange(length) if rng.random() < 0.6 else -1)
    recs = [(f"T{i}", f"G{i % 7}", s, u) for i, (s, u) in enumerate(zip(seqs, utr3, strict=True))]
    return seqs, utr3, sm.TranscriptSet.from_records(recs, source="test")


def _planted_patterns(seqs: list[str], rng: random.Random, length: int, n: int) -> list[str]:
    pats = []
    while len(pats) < n:
        s = rng.choice(seqs)
        if len(s) < length:
            continue
        i = rng.randrange(len(s) - length + 1)
        w = list(s[i:i + length].replace("N", "A"))
        for _ in range(rng.randint(0, 4)):
            w[rng.randrange(length)] = rng.choice("ACGT")
        pats.append("".join(w))
    pats.append("".join(rng.choice("ACGT") for _ in range(length)))  # probably no match
    return pats


@pytest.mark.parametrize(("length", "max_mm"), [(19, 0), (19, 1), (19, 2), (19, 3), (20, 2),
                                                 (16, 2), (23, 1)])
def test_near_match_counts_equal_naive(length: int, max_mm: int) -> None:
    seqs, _, ts = _random_set(length * 10 + max_mm)
    rng = random.Random(length + max_mm)
    pats = _planted_patterns(seqs, rng, length, 25)
    skip = {3, 5}
    mask = np.zeros(len(seqs), dtype=bool)
    mask[list(skip)] = True
    sites, txs = sm.near_match_counts(ts, pats, max_mm, mask)
    ref_sites, ref_txs = naive.near_counts(seqs, pats, max_mm, skip)
    assert sites.tolist() == ref_sites
    assert txs.tolist() == ref_txs
    assert sites.sum() > 0


def test_near_match_hits_equal_naive() -> None:
    seqs, _, ts = _random_set(7)
    pats = _planted_patterns(seqs, random.Random(8), 19, 20)
    hits = sm.near_match_hits(ts, pats, 2)
    got = sorted(zip(hits["pattern"], hits["transcript_id"], hits["position"],
                     hits["mismatches"], strict=True))
    ref = sorted((j, f"T{t}", i, mm) for j, t, i, mm in naive.near_matches(seqs, pats, 2))
    assert got == ref
    for site, pos, tid in zip(hits["site"], hits["position"], hits["transcript_id"], strict=True):
        assert seqs[int(tid[1:])][pos:pos + 19] == site


def test_kmer_counts_equal_naive() -> None:
    seqs, utr3, ts = _random_set(21)
    skip = {0, 9}
    mask = np.zeros(len(seqs), dtype=bool)
    mask[list(skip)] = True
    rng = random.Random(2)
    kmers = [s[i:i + 7] for s in rng.sample(seqs, 10) for i in (0, 5) if len(s) >= 12]
    kmers = [k for k in kmers if "N" not in k] + ["ACGTACG"]
    got = sm.seed_match_counts(ts, kmers, mask)
    for j, k in enumerate(kmers):
        ref = naive.kmer_sites(seqs, k, utr3, skip)
        assert (got["sites"][j], got["transcripts"][j], got["sites_utr3"][j],
                got["transcripts_utr3"][j]) == ref, k


def test_exclusion_mask() -> None:
    ts = sm.TranscriptSet.from_records([("NM_1.2", "ABC", "ACGT" * 10, -1),
                                        ("NM_2.1", "XYZ", "ACGT" * 10, -1),
                                        ("NM_3.1", "abc", "ACGT" * 10, -1)])
    assert ts.exclusion_mask(genes=["ABC"]).tolist() == [True, False, True]
    assert ts.exclusion_mask(transcript_ids=["NM_2"]).tolist() == [False, True, False]
    assert ts.sequence(1) == "ACGT" * 10


def test_bad_patterns() -> None:
    ts = sm.TranscriptSet.from_records([("a", "", "ACGT" * 10, -1)])
    with pytest.raises(InvalidSequenceError, match="same length"):
        sm.near_match_counts(ts, ["ACGTACGTACGTACGTACG", "ACGTACGTACGTACGTAC"], 1)
    with pytest.raises(InvalidSequenceError, match="only A, C, G"):
        sm.near_match_counts(ts, ["ACGTACGTNCGTACGTACG"], 1)
    with pytest.raises(InvalidSequenceError, match="0-3"):
        sm.near_match_counts(ts, ["ACGTACGTACGTACGTACG"], 4)


def test_pack_transcript_set() -> None:
    ts = sm.pack_transcript_set()
    assert len(ts) > 100
    i = ts.ids.index("NM_004992.3")
    assert ts.genes[i] == "MECP2"
    assert ts.ends[i] - ts.starts[i] == 10241
    # the MECP2 CDS (c.1-c.1461, stop included) ends at mRNA position 226 + 1461
    assert ts.utr3[i] == 226 + 1461


def _write(path: Path, text: str, gz: bool = False) -> Path:
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def test_read_transcriptome_headers(tmp_path: Path) -> None:
    text = (">ENST00000001.1|ENSG00000001.1|-|-|ABC-201|ABC|30|protein_coding|UTR5:1-5|"
            "CDS:6-20|UTR3:21-30|\nACGTACGTACGTACGTACGT\nACGTACGTAC\n"
            ">ENST00000002.3 cdna chromosome:GRCh38:1:1:10:1 gene:ENSG2 gene_symbol:XYZ "
            "description:x\nacguacguacguacguacgu\n"
            ">NM_000014.6 Homo sapiens alpha-2-macroglobulin (A2M), transcript variant 1, mRNA\n"
            "ACGTNNACGTRYACGTACGTACGT\r\n"
            ">plain\nACGTACGTACGTACGTACGTAAA\n")
    for gz in (False, True):
        ts = sm.read_transcriptome(_write(tmp_path / f"t{gz}.fa{'.gz' if gz else ''}", text, gz))
        assert ts.ids == ("ENST00000001.1", "ENST00000002.3", "NM_000014.6", "plain")
        assert ts.genes == ("ABC", "XYZ", "A2M", "")
        assert ts.utr3.tolist() == [20, -1, -1, -1]
        assert ts.sequence(1) == "ACGTACGTACGTACGTACGT"
        assert ts.sequence(2) == "ACGTNNACGTNNACGTACGTACGT"


@pytest.mark.parametrize(("text", "match"), [
    (">a\nACGTXACGT\n", r"line 1: record 'a': letter 'X' at position 5 is not a nucleotide"),
    (">a\nACGT\n>b\n>c\nACGT\n", r"line 3: record 'b' has no sequence"),
    ("ACGT\n>a\nACGT\n", r"line 1: does not start with a FASTA header"),
    (">a\nACGT\n>b\nAC1GT\n", r"line 3: record 'b': letter '1'"),
    ("", "is empty"),
])
def test_read_transcriptome_bad(tmp_path: Path, text: str, match: str) -> None:
    path = _write(tmp_path / "bad.fa", text)
    with pytest.raises(MalformedFileError, match=match) as exc:
        sm.read_transcriptome(path)
    assert str(path) in str(exc.value)
    assert "\n" not in str(exc.value)


def test_read_transcriptome_missing(tmp_path: Path) -> None:
    with pytest.raises(MalformedFileError, match="not found"):
        sm.read_transcriptome(tmp_path / "nope.fa")
