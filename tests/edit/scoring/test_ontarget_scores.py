"""Rule Set 1 and CRISPRscan against CRISPOR's computed scores, and against a naive oracle.

Truth: the 37 ``crisporPaper_effData/*.scores.tab.gz`` files (Haeussler et al. 2016) hold, for
34,810 guides, a 100-bp context (``longSeq100Bp``: 50 bp 5' of the PAM, PAM at 51-53) and the
scores CRISPOR computed: ``doench`` = int(100 * Rule Set 1) and ``crisprScan`` =
int(100 * CRISPRscan). A naive per-feature loop over the shipped weight files is the oracle of the
vectorised code.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genetx.edit.scoring import crisprscan, crisprscan_batch, rule_set_1, rule_set_1_batch
from genetx.edit.scoring._data import DATA_DIR
from genetx.errors import GeneTxError

EFF = "crispr_efficiency/crisporPaper_effData"


@pytest.fixture(scope="module")
def eff(shared_data: Path) -> pd.DataFrame:
    files = sorted((shared_data / EFF).glob("*.scores.tab.gz"))
    assert len(files) == 37
    cols = ["dataset", "guide", "longSeq100Bp", "doench", "crisprScan"]
    frames = [pd.read_csv(f, sep="\t", usecols=cols, dtype=str) for f in files]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.peer
def test_every_effdata_guide_matches_crispor(eff: pd.DataFrame) -> None:
    """All 34,810 guides: int(100 * score) equals CRISPOR's printed value, for both models."""
    assert len(eff) == 34810
    ctx = eff["longSeq100Bp"]
    assert (ctx.str.len() == 100).all()
    rs1 = rule_set_1_batch(ctx.str[26:56].tolist())
    cs = crisprscan_batch(ctx.str[24:59].tolist())
    ours_rs1 = np.trunc(100 * rs1).astype(int)
    ours_cs = np.trunc(100 * cs).astype(int)  # Python int(): toward zero, also for negatives
    want_rs1 = eff["doench"].astype(int).to_numpy()
    want_cs = eff["crisprScan"].astype(int).to_numpy()
    bad_rs1 = np.flatnonzero(ours_rs1 != want_rs1)
    bad_cs = np.flatnonzero(ours_cs != want_cs)
    assert bad_rs1.size == 0, eff.iloc[bad_rs1[:5]]
    assert bad_cs.size == 0, eff.iloc[bad_cs[:5]]
    assert (cs < 0).any()  # the truncation of negative scores is exercised


def test_crispor_doctest_values() -> None:
    """calcCrisprScanScores doctests in CRISPOR's crisporEffScores.py; N matches no feature."""
    assert crisprscan("TCCTCTGGTGGCGCTGCTGGATGGACGGGACTGTA") == pytest.approx(
        0.7738634886289999, rel=1e-12)
    assert int(100 * crisprscan("TCCTCTNGTGGCGCTGCTGGATGGACGGGACTGTA")) == 77


def _naive(name: str, seq: str) -> float:
    """Score ``seq`` by reading the weight file and testing each feature in turn."""
    terms: dict[str, float] = {}
    total = 0.0
    with (DATA_DIR / "ontarget" / name).open() as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for row in rows:
            if row["term"] != "feature":
                terms[row["term"]] = float(row["weight"])
                continue
            pos = int(row["position"]) - 1
            if seq[pos:pos + len(row["sequence"])] == row["sequence"]:
                total += float(row["weight"])
    total += terms["intercept"]
    if "gc_low" in terms:
        gc = seq[4:24].count("G") + seq[4:24].count("C")
        total += abs(10 - gc) * (terms["gc_low"] if gc <= 10 else terms["gc_high"])
        return 1.0 / (1.0 + math.exp(-total))
    return total


def test_vectorised_equals_naive_oracle() -> None:
    rng = random.Random(11)
    seqs30, seqs35 = [], []
    for _ in range(300):
        s30 = [rng.choice("ACGT") for _ in range(30)]
        s30[25:27] = "GG"
        s35 = [rng.choice("ACGTN" if rng.random() < 0.05 else "ACGT") for _ in range(35)]
        s35[27:29] = "GG"
        seqs30.append("".join(s30))
        seqs35.append("".join(s35))
    assert rule_set_1_batch(seqs30) == pytest.approx(
        [_naive("doench2014_rule_set_1.tsv", s) for s in seqs30], rel=1e-12)
    assert crisprscan_batch(seqs35) == pytest.approx(
        [_naive("moreno_mateos2015_crisprscan.tsv", s) for s in seqs35], rel=1e-12, abs=1e-12)
    assert rule_set_1(seqs30[0]) == rule_set_1_batch(seqs30)[0]
    assert crisprscan(seqs35[0].lower()) == crisprscan_batch(seqs35)[0]


def test_batch_accepts_codes() -> None:
    seq = "ATTGAAGAGAGACAGTACATGCCCTGGGAG"
    codes = np.array(["ACGT".index(c) for c in seq], dtype=np.uint8)[None, :]
    assert rule_set_1_batch(codes)[0] == rule_set_1(seq)
    assert int(100 * rule_set_1(seq)) == 10  # CD13-1 of doench2014-Hs in CRISPOR's table
    assert rule_set_1_batch([]).shape == (0,)


def test_weight_files_have_their_sources() -> None:
    for name, n_features in [("doench2014_rule_set_1.tsv", 70),
                             ("moreno_mateos2015_crisprscan.tsv", 91)]:
        text = (DATA_DIR / "ontarget" / name).read_text()
        assert "doi:10.1038/" in text
        assert sum(line.startswith("feature\t") for line in text.splitlines()) == n_features
    assert (DATA_DIR / "ontarget" / "SOURCES.md").is_file()


@pytest.mark.parametrize(("call", "name"), [
    (lambda: rule_set_1("ACGT"), "seq30"),
    (lambda: rule_set_1("ATTGAAGAGAGACAGTACATGCCCTAGGAG"), "seq30"),  # NAG: outside the model
    (lambda: rule_set_1("ATTGAAGAGAGACAGTACATGCCCTGGGA?"), "seq30"),
    (lambda: crisprscan("TCCTCTGGTGGCGCTGCTGGATGGACGG"), "seq35"),
    (lambda: crisprscan(None), "seq35"),
    (lambda: crisprscan_batch(["TCCTCTGGTGGCGCTGCTGGATGGACGGGACTGTA", "A" * 35]), "item 1"),
    (lambda: rule_set_1_batch(np.zeros((2, 29), dtype=np.uint8)), "seqs"),
    (lambda: rule_set_1_batch(np.full((1, 30), 9, dtype=np.uint8)), "seqs"),
])
def test_bad_input_raises_one_line(call, name: str) -> None:
    with pytest.raises(GeneTxError) as err:
        call()
    text = str(err.value)
    assert "\n" not in text
    assert name in text
