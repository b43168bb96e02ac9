"""GeneTx activity model: shipped weights, numpy inference, features, errors.

Truths used here:

* LightGBM's own predictions, stored by ``scripts/train_activity.py`` in
  ``genetx_activity_v1.json`` for six guides: the numpy tree walk must reproduce them.
* A naive oracle that reads each feature's definition from its name in
  :data:`FEATURE_NAMES` (``pos7_AC`` = "A at 7 and C at 8") and a recursive tree walk.
* The measured activities of a small public dataset (Xu et al. 2015 AAVS1, in the shared data).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genetx.edit.scoring._data import DATA_DIR
from genetx.edit.scoring.model import (
    FEATURE_NAMES,
    MODEL_NAME,
    activity_features,
    activity_model,
    activity_score,
    activity_score_batch,
)
from genetx.errors import InvalidSequenceError

EFF = "crispr_efficiency/crisporPaper_effData"
META = json.loads((DATA_DIR / "ontarget" / f"{MODEL_NAME}.json").read_text())


def _random_30mers(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = "".join(rng.choice("ACGT") for _ in range(30))
        out.append(s[:25] + "GG" + s[27:])
    return out


def _naive_feature(name: str, seq: str) -> float:
    proto = seq[4:24]
    gc = proto.count("G") + proto.count("C")
    m = re.fullmatch(r"pos(\d+)_([ACGT]+)", name)
    if m:
        p = int(m.group(1)) - 1
        return float(seq[p:p + len(m.group(2))] == m.group(2))
    m = re.fullmatch(r"count_([ACGT]+)", name)
    if m:
        k = m.group(1)
        return float(sum(proto[i:i + len(k)] == k for i in range(21 - len(k))))
    runs = [len(r.group(0)) for r in re.finditer(r"A+|C+|G+|T+", proto)]
    simple = {
        "gc_1_20": gc,
        "gc_1_10": sum(b in "GC" for b in proto[:10]),
        "gc_11_20": sum(b in "GC" for b in proto[10:]),
        "gc_15_20": sum(b in "GC" for b in proto[14:]),
        "gc_below_10": max(0, 10 - gc),
        "gc_above_10": max(0, gc - 10),
        "max_homopolymer": max(runs, default=0),
        "tttt": "TTTT" in proto,
    }
    return float(simple[name])


def _naive_score(seq: str) -> float:
    model = activity_model()
    x = [_naive_feature(name, seq.upper()) for name in FEATURE_NAMES]

    def walk(t: int, node: int) -> float:
        f = int(model.feature[t, node])
        if f < 0:
            return float(model.value[t, node])
        nxt = model.left[t, node] if x[f] <= model.threshold[t, node] else model.right[t, node]
        return walk(t, int(nxt))

    raw = sum(walk(t, 0) for t in range(model.feature.shape[0]))
    return min(1.0, max(0.0, raw))


def test_shipped_model_reproduces_lightgbm_predictions() -> None:
    """The numpy inference gives LightGBM's stored predictions for the reference guides."""
    refs = META["reference_predictions"]
    assert len(refs) >= 5
    got = activity_score_batch([r["seq30"] for r in refs])
    want = np.array([r["score"] for r in refs])
    np.testing.assert_allclose(got, np.clip(want, 0, 1), rtol=0, atol=1e-12)
    for r in refs[:2]:
        assert activity_score(r["seq30"]) == pytest.approx(r["score"], abs=1e-12)


def test_features_match_naive_definitions() -> None:
    seqs = [*_random_30mers(40, seed=3), "AAAATTTTTTTTTTTTTTTTTTTTAGGAAA"]
    x = activity_features(seqs)
    assert x.shape == (len(seqs), len(FEATURE_NAMES))
    naive = np.array([[_naive_feature(n, s) for n in FEATURE_NAMES] for s in seqs])
    np.testing.assert_array_equal(x, naive)


def test_batch_matches_naive_tree_walk() -> None:
    seqs = _random_30mers(12, seed=11)
    got = activity_score_batch(seqs)
    want = [_naive_score(s) for s in seqs]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_inputs_35mer_lowercase_codes_and_determinism() -> None:
    seqs = _random_30mers(25, seed=5)
    base = activity_score_batch(seqs)
    assert ((base >= 0) & (base <= 1)).all()
    assert np.unique(base).size > 20  # the score varies with the sequence
    # the 35-mer (6 + 20 + NGG + 6) is scored on its central 30-mer
    rng = random.Random(9)
    long = ["".join(rng.choice("ACGT") for _ in range(2)) + s
            + "".join(rng.choice("ACGT") for _ in range(3)) for s in seqs]
    np.testing.assert_array_equal(activity_score_batch(long), base)
    np.testing.assert_array_equal(activity_score_batch([s.lower() for s in seqs]), base)
    codes = np.array([["ACGT".index(b) for b in s] for s in seqs], dtype=np.uint8)
    np.testing.assert_array_equal(activity_score_batch(codes), base)
    np.testing.assert_array_equal(activity_score_batch(seqs), base)  # same again
    assert activity_score(seqs[0]) == base[0]
    assert activity_score_batch([]).shape == (0,)


def test_n_bases_match_no_feature() -> None:
    seq = "ATTGAAGAGAGACAGTACATGCCCTGGGAG"
    with_n = "N" + seq[1:]
    assert 0.0 <= activity_score(with_n) <= 1.0
    assert activity_features(with_n)[0, :4].sum() == 0  # pos1_A..pos1_T all off
    assert activity_score(with_n) == pytest.approx(_naive_score(with_n), abs=1e-12)


@pytest.mark.parametrize(("seq", "fragment"), [
    ("ACGT", "has 4 nt, expected 30 or 35"),
    ("ATTGAAGAGAGACAGTACATGCCCTGGXAG", "letter 'X' at position 28"),
    ("ATTGAAGAGAGACAGTACATGCCCTGCGAG", "positions 26-27 must be the GG of an NGG PAM"),
    ("GGATTGAAGAGAGACAGTACATGCCCTGCGAGAAA", "positions 28-29 must be the GG"),
])
def test_bad_single_input(seq: str, fragment: str) -> None:
    with pytest.raises(InvalidSequenceError) as err:
        activity_score(seq)
    text = str(err.value)
    assert fragment in text
    assert "\n" not in text
    assert text.startswith("seq")


def test_bad_batch_inputs() -> None:
    good = "ATTGAAGAGAGACAGTACATGCCCTGGGAG"
    with pytest.raises(InvalidSequenceError, match=r"item 1 .* has 29 nt, expected 30"):
        activity_score_batch([good, good[:-1]])
    with pytest.raises(InvalidSequenceError, match=r"item 0 .* has 31 nt, expected 30 or 35"):
        activity_score_batch([good + "A"])
    with pytest.raises(InvalidSequenceError, match=r"\(item 1\): positions 26-27"):
        activity_score_batch([good, good[:26] + "A" + good[27:]])
    with pytest.raises(InvalidSequenceError, match=r"shape \(2, 31\)"):
        activity_score_batch(np.zeros((2, 31), dtype=np.uint8))
    with pytest.raises(InvalidSequenceError, match="outside 0-4"):
        activity_score_batch(np.full((1, 30), 7, dtype=np.uint8))


def test_model_files_are_small_and_consistent() -> None:
    base = DATA_DIR / "ontarget" / MODEL_NAME
    assert base.with_suffix(".npz").stat().st_size < 200_000
    model = activity_model()
    assert tuple(META["features"]) == FEATURE_NAMES
    assert model.feature.shape == (META["n_trees"], model.value.shape[1])
    assert not model.value.flags.writeable


@pytest.fixture(scope="module")
def xu_aavs1(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / EFF / "xu2015AAVS1.scores.tab.gz", sep="\t")


def test_positive_correlation_on_small_dataset(xu_aavs1: pd.DataFrame) -> None:
    """Xu 2015 AAVS1 (20 guides, T7E1 activity). The shipped model saw these guides in
    training, so this is a sanity check, not a held-out figure (docs/activity_model.md)."""
    score = activity_score_batch(xu_aavs1["longSeq100Bp"].str[26:56].tolist())
    rho = np.corrcoef(xu_aavs1["modFreq"].rank(), pd.Series(score).rank())[0, 1]
    assert rho > 0.3


@pytest.mark.slow
def test_training_script_reproduces_one_fold(shared_data: Path) -> None:
    """Retrain one leave-one-study-out fold and get the Spearman stored in the metadata."""
    pytest.importorskip("lightgbm")
    pytest.importorskip("scipy")
    scripts = Path(__file__).resolve().parents[3] / "scripts"
    sys.path.insert(0, str(scripts))
    try:
        import train_activity
    finally:
        sys.path.remove(str(scripts))
    data = train_activity.load(shared_data / EFF)
    features = activity_features(data["seq30"].tolist())
    res = train_activity.leave_one_study_out(data, features, 1, log=lambda *_: None,
                                             studies=["xu2015Valid"])
    stored = {r["dataset"]: r for r in META["evaluation"]["table"]}
    assert len(res) == 3
    for r in res.itertuples():
        assert r.genetx == pytest.approx(stored[r.dataset]["genetx"], abs=1e-6)
        assert r.azimuth == pytest.approx(stored[r.dataset]["azimuth"], abs=1e-6)
