"""CFD, MIT and guide specificity against CRISPOR's own outputs, hand-checked cases and an oracle.

Truth used here:
* CRISPOR's hg19 sample output (16,852 off-targets of 53 guides with printed MIT and CFD scores)
  and its guide table (MIT specificity, off-target count): crisporWebsite ``sampleFiles/out``.
* CRISPOR's sacCer3 sample guide table, against off-targets found by a brute-force scan of the
  yeast genome written in this file.
* The doctest values of ``calcCfdScore`` in crispor.py, and MIT values worked out by hand from
  the Hsu et al. 2013 formula.
* The pure-Python single-site functions as the oracle of the numba kernels.
"""

from __future__ import annotations

import gzip
import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genetx.edit.scoring import (
    MIT_WEIGHTS,
    cfd_score,
    cfd_score_batch,
    cfd_specificity,
    count_mismatches,
    count_mismatches_batch,
    mismatch_level_counts,
    mit_score,
    mit_score_batch,
    mit_specificity,
)
from genetx.errors import GeneTxError

SAMPLES = "crispr_offtargets/crisporWebsite_samples"


def py2_str(x: float) -> str:
    """How CRISPOR (Python 2) printed a float: ``str()``, i.e. 12 significant digits."""
    s = f"{x:.12g}"
    return s if any(c in s for c in ".en") else s + ".0"


@pytest.fixture(scope="module")
def hg19_offs(shared_data: Path) -> pd.DataFrame:
    path = shared_data / SAMPLES / "hg19_ACTB_region.offtargets.expected.tsv.gz"
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def hg19_scores(hg19_offs: pd.DataFrame) -> dict[str, np.ndarray]:
    guides = hg19_offs["guideSeq"].str[:20].tolist()
    sites = hg19_offs["offtargetSeq"].tolist()
    return {
        "cfd": cfd_score_batch(guides, sites),
        "mit": mit_score_batch(guides, sites),
        "mm": count_mismatches_batch(guides, sites),
    }


# --------------------------------------------------------------------------- CRISPOR hg19


@pytest.mark.peer
def test_hg19_every_row_cfd_and_mit_as_printed(hg19_offs, hg19_scores) -> None:
    """All 16,852 rows: our CFD and MIT print exactly as CRISPOR printed them."""
    assert len(hg19_offs) == 16852
    cfd_txt = np.array([py2_str(x) for x in hg19_scores["cfd"]])
    mit_txt = np.array([py2_str(x) for x in hg19_scores["mit"]])
    bad_cfd = np.flatnonzero(cfd_txt != hg19_offs["cfdOfftargetScore"].to_numpy())
    bad_mit = np.flatnonzero(mit_txt != hg19_offs["mitOfftargetScore"].to_numpy())
    assert bad_cfd.size == 0, hg19_offs.iloc[bad_cfd[:5]]
    assert bad_mit.size == 0, hg19_offs.iloc[bad_mit[:5]]


@pytest.mark.peer
def test_hg19_single_site_oracle_equals_kernels(hg19_offs, hg19_scores) -> None:
    """The pure-Python functions give bit-identical values to the kernels on every row."""
    pairs = list(zip(hg19_offs["guideSeq"], hg19_offs["offtargetSeq"], strict=True))
    assert np.array_equal([cfd_score(g, s) for g, s in pairs], hg19_scores["cfd"])
    assert np.array_equal([mit_score(g, s) for g, s in pairs], hg19_scores["mit"])
    assert [count_mismatches(g, s) for g, s in pairs[:500]] == hg19_scores["mm"][:500].tolist()


@pytest.mark.peer
def test_hg19_mismatch_counts_and_positions(hg19_offs, hg19_scores) -> None:
    assert hg19_scores["mm"].tolist() == hg19_offs["mismatchCount"].astype(int).tolist()
    stars = hg19_offs["mismatchPos"].str.count(r"\*").to_numpy()
    assert np.array_equal(stars, hg19_scores["mm"])


@pytest.mark.peer
def test_hg19_crispor_special_cases(hg19_offs, hg19_scores) -> None:
    """The two CRISPOR rules the printed MIT values need (documented in offtarget.py)."""
    pam = hg19_offs["offtargetSeq"].str[21:23].to_numpy()
    alt = pam != "GG"
    assert set(pam[alt]) == {"AG", "GA"}
    assert alt.sum() == 1248
    # non-NGG PAM: one fifth of the score of the bare 20-nt protospacers
    guides = hg19_offs["guideSeq"].str[:20].to_numpy()
    bare = mit_score_batch(guides[alt].tolist(), hg19_offs["offtargetSeq"].str[:20][alt].tolist())
    assert np.array_equal(hg19_scores["mit"][alt], bare * 0.2)
    # integer (Python 2) mean distance: the exact mean misses most NGG rows at printed precision
    exact = mit_score_batch(guides.tolist(), hg19_offs["offtargetSeq"].tolist(),
                            mean_distance="exact")
    printed = hg19_offs["mitOfftargetScore"].to_numpy()
    differs = np.array([py2_str(x) for x in exact]) != printed
    assert int(differs[~alt].sum()) == 10448


@pytest.mark.peer
def test_hg19_guide_table_specificity_and_counts(shared_data, hg19_offs, hg19_scores) -> None:
    table = pd.read_csv(shared_data / SAMPLES / "hg19_ACTB_region.guides.expected.tsv", sep="\t")
    offs = hg19_offs.assign(mit=hg19_scores["mit"], mm=hg19_scores["mm"])
    groups = dict(tuple(offs.groupby("guideId")))
    checked = 0
    for row in table.itertuples():
        if row.guideId not in groups:
            # CRISPOR's repeat rule: too many hits, search aborted, score and count shown as 0
            assert row.mitSpecScore == 0
            assert row.offtargetCount == 0
            continue
        grp = groups[row.guideId]
        assert (grp["guideSeq"] == row.targetSeq).all()
        assert mit_specificity(grp["mit"].to_numpy()) == row.mitSpecScore, row.guideId
        levels = mismatch_level_counts(grp["mm"].to_numpy())
        assert levels.sum() == row.offtargetCount
        checked += 1
    assert checked == 53
    assert len(table) == 58


# --------------------------------------------------------------------------- CRISPOR sacCer3

_LUT = np.full(256, 4, dtype=np.uint8)
for _i, _c in enumerate(b"ACGT"):
    _LUT[_c] = _i
    _LUT[_c + 32] = _i
_COMP = np.array([3, 2, 1, 0, 4], dtype=np.uint8)


def _read_fasta_codes(path: Path) -> dict[str, np.ndarray]:
    with gzip.open(path, "rb") as fh:
        data = fh.read()
    out = {}
    for block in data.split(b">")[1:]:
        header, _, body = block.partition(b"\n")
        raw = np.frombuffer(body, dtype=np.uint8)
        out[header.split()[0].decode()] = _LUT[raw[raw != ord("\n")]]
    return out


def naive_scan(genome: dict[str, np.ndarray], guides: list[str],
               max_mm: int = 4) -> list[list[tuple[str, int, str, str, int]]]:
    """For each guide, every 23-nt site with an NGG, NAG or NGA PAM and <= ``max_mm`` mismatches.

    Returns per guide a list of (chrom, 0-based forward start, strand, site 5'->3', mismatches).
    """
    codes = [_LUT[np.frombuffer(g[:20].encode(), dtype=np.uint8)] for g in guides]
    hits: list[list[tuple[str, int, str, str, int]]] = [[] for _ in guides]
    for chrom, fwd in genome.items():
        for strand in "+-":
            x = fwd if strand == "+" else _COMP[fwd][::-1]
            n = x.size - 22
            p1, p2 = x[21:21 + n], x[22:22 + n]
            pam_ok = ((p1 == 0) | (p1 == 2)) & ((p2 == 0) | (p2 == 2)) & ((p1 == 2) | (p2 == 2))
            idx = np.flatnonzero(pam_ok)
            window = x[idx[:, None] + np.arange(20)]
            for k, g in enumerate(codes):
                mm = (window != g).sum(axis=1)
                for i, m in zip(idx[mm <= max_mm], mm[mm <= max_mm], strict=True):
                    site = "".join("ACGTN"[c] for c in x[i:i + 23])
                    start = int(i) if strand == "+" else int(fwd.size - i - 23)
                    hits[k].append((chrom, start, strand, site, int(m)))
    return hits


def _segment_label(segments: pd.DataFrame, chrom: str, start: int) -> set[str]:
    seg = segments[(segments[0] == chrom) & (segments[1] < start + 23) & (segments[2] > start)]
    labels = set()
    for name in seg[3]:
        kind, _, genes = name.partition(":")
        labels.add({"ig": "intergenic", "ex": "exon"}.get(kind, kind) + ":" +
                   genes.replace("|", "-"))
    return labels


@pytest.mark.peer
def test_saccer3_guide_table_specificity(shared_data) -> None:
    """CRISPOR's sacCer3 guide table: MIT specificity of all 7 guides from a brute-force scan.

    CRISPOR took as on-target the perfect match it reported in ``targetGenomeGeneLocus``; for
    137forw that is a 0-mismatch site with an AGA PAM on chrXV, so the NGG perfect match on chrI
    counts as an off-target (score 100). The older ``offtargetCount`` column of this file is
    not reproduced (it does not count every site this scan finds).
    """
    table = pd.read_csv(shared_data / SAMPLES / "sample.sacCer3.guides.expected.tsv", sep="\t")
    genome = _read_fasta_codes(shared_data / "genomes/sacCer3/sacCer3.fa.gz")
    segments = pd.read_csv(shared_data / "genomes/sacCer3/sacCer3.segments.bed.gz", sep="\t",
                           header=None)
    assert len(table) == 7
    all_hits = naive_scan(genome, table["targetSeq"].tolist())
    for row, hits in zip(table.itertuples(), all_hits, strict=True):
        on = [h for h in hits if h[4] == 0 and
              row.targetGenomeGeneLocus in _segment_label(segments, h[0], h[1])]
        assert len(on) == 1, (row.guideId, on)
        offs = [h for h in hits if h is not on[0]]
        scores = mit_score_batch(row.targetSeq[:20], [h[3] for h in offs])
        assert mit_specificity(scores) == row.mitSpecScore, row.guideId


# --------------------------------------------------------------------------- hand-checked


@pytest.mark.parametrize(("guide", "site", "expected"), [
    # the doctests of calcCfdScore in CRISPOR's crispor.py
    ("GGGGGGGGGGGGGGGGGGGGGGG", "GGGGGGGGGGGGGGGGGAAAGGG", 0.4635989007074176),
    ("GGGGGGGGGGGGGGGGGGGGGGG", "GGGGGGGGGGGGGGGGGGGGGGG", 1.0),
    ("GGGGGGGGGGGGGGGGGGGGGGG", "aaaaGaGaGGGGGGGGGGGGGGG", 0.5140384614450001),
    ("ATGGTCGGACTCCCTGCCAGAGG", "ATGGTGGGACTCCCTGCCAGAGG", 0.5),
    ("ATGGTCGGACTCCCTGCCAGAGG", "ATGATCCAAATCCCTGCCAGAGG", 0.53625000020625),
    ("ATGTGGAGATTGCCACCTACCGG", "ATCTGGAGATTGCCACCTACAGG", 0.384615385),
])
def test_cfd_crispor_doctests(guide: str, site: str, expected: float) -> None:
    assert cfd_score(guide, site) == expected
    assert cfd_score_batch(guide, [site])[0] == expected


G = "ACGTACGTACGTACGTACGT"


def _mutate(seq: str, positions: list[int]) -> str:
    swap = {"A": "C", "C": "G", "G": "T", "T": "A"}
    return "".join(swap[c] if i in positions else c for i, c in enumerate(seq))


@pytest.mark.parametrize(("positions", "pam", "expected"), [
    ([], "TGG", 100.0),
    ([19], "TGG", 100 * (1 - 0.583)),  # one PAM-proximal mismatch
    ([0], "AGG", 100.0),  # weight 0 at position 1, one mismatch: 1/1^2
    ([0, 19], "AGG", 100 * 0.417 * 1.0 / 4),  # mean distance 19 -> distance factor 1
    # three mismatches 1, 2, 20: mean distance 19 / 2 = 9.5, CRISPOR's integer mean 9
    ([0, 1, 19], "AGG", 100 * 0.417 / (4 * 10 / 19 + 1) / 9),
    ([19], "TAG", 100 * (1 - 0.583) * 0.2),  # NAG PAM
    ([19], "TGA", 100 * (1 - 0.583) * 0.2),  # NGA PAM
])
def test_mit_hand_computed(positions: list[int], pam: str, expected: float) -> None:
    site = _mutate(G, positions) + pam
    assert mit_score(G, site) == pytest.approx(expected, rel=1e-12)
    assert mit_score_batch(G, [site])[0] == pytest.approx(expected, rel=1e-12)


def test_mit_exact_mean_option() -> None:
    site = _mutate(G, [0, 1, 19])
    assert mit_score(G, site, mean_distance="exact") == pytest.approx(
        100 * 0.417 / (4 * 9.5 / 19 + 1) / 9, rel=1e-12)
    assert mit_score(G, site + "AGA", alt_pam_factor=1.0) == mit_score(G, site)


def test_mit_weights_cover_20_positions() -> None:
    assert len(MIT_WEIGHTS) == 20
    assert all(0 <= w < 1 for w in MIT_WEIGHTS)


def test_case_and_ambiguous_bases() -> None:
    site = _mutate(G, [5, 12]) + "AGG"
    assert cfd_score(G.lower(), site.lower()) == cfd_score(G, site)
    assert mit_score(G.lower(), site.lower()) == mit_score(G, site)
    n_site = "N" + site[1:]
    assert math.isnan(cfd_score(G, n_site))
    assert math.isnan(cfd_score(G, site[:21] + "NG"))
    # MIT: N counts as a mismatch (position 1, weight 0) -> a third mismatch
    assert count_mismatches(G, n_site) == 3
    assert mit_score(G, n_site) == mit_score(G, _mutate(G, [0, 5, 12]) + "AGG")
    assert math.isnan(cfd_score_batch(G, [n_site])[0])


def test_kernels_equal_oracle_on_random_sites() -> None:
    rng = random.Random(7)
    guides = ["".join(rng.choice("ACGT") for _ in range(20)) for _ in range(5)]
    sites, index = [], []
    for _ in range(600):
        k = rng.randrange(5)
        s = list(guides[k])
        for p in rng.sample(range(20), rng.randrange(0, 7)):
            s[p] = rng.choice("ACGTN" if rng.random() < 0.1 else "ACGT")
        sites.append("".join(s) + rng.choice("ACGTN") + rng.choice("AG") + rng.choice("AGC"))
        index.append(k)
    idx = np.array(index)
    cfd = cfd_score_batch(guides, sites, guide_index=idx)
    oracle = np.array([cfd_score(guides[k], s) for k, s in zip(index, sites, strict=True)])
    assert np.array_equal(np.isnan(cfd), np.isnan(oracle))
    assert np.array_equal(cfd[~np.isnan(cfd)], oracle[~np.isnan(oracle)])
    for mean in ("floor", "exact"):
        mit = mit_score_batch(guides, sites, guide_index=idx, mean_distance=mean)
        assert mit.tolist() == [mit_score(guides[k], s, mean_distance=mean)
                                for k, s in zip(index, sites, strict=True)]
    pairs = list(zip(index, sites, strict=True))
    bare = mit_score_batch(guides, [s[:20] for s in sites], guide_index=idx)
    assert bare.tolist() == [mit_score(guides[k], s[:20]) for k, s in pairs]
    mm = count_mismatches_batch(guides, sites, guide_index=idx)
    assert mm.tolist() == [count_mismatches(guides[k], s) for k, s in pairs]


def test_batch_accepts_codes_and_pairwise_guides() -> None:
    sites = [_mutate(G, [3]) + "TGG", _mutate(G, [3, 17]) + "CAG"]
    lut = {c: i for i, c in enumerate("ACGT")}
    codes = np.array([[lut[c] for c in s] for s in sites], dtype=np.uint8)
    gcodes = np.array([lut[c] for c in G], dtype=np.int64)
    assert np.array_equal(cfd_score_batch(gcodes, codes), cfd_score_batch(G, sites))
    assert np.array_equal(mit_score_batch(G + "AGG", codes), mit_score_batch(G, sites))
    pair = cfd_score_batch([G, _mutate(G, [3])], sites)  # one guide per site
    assert pair[0] == cfd_score(G, sites[0])
    assert pair[1] == cfd_score(_mutate(G, [3]), sites[1])
    assert cfd_score_batch(G, []).shape == (0,)


# --------------------------------------------------------------------------- per guide


def test_specificities() -> None:
    assert mit_specificity([]) == 100.0
    assert mit_specificity([100.0]) == 50.0
    assert mit_specificity([5.0, 0.26]) == 95.0  # 10000 / 105.26 = 95.002...
    assert mit_specificity(np.array([300.0]), rounded=False) == 25.0
    # rounding half up, as Python 2 round() did: 10000 / (100 + 60) = 62.5 -> 63
    assert mit_specificity([60.0]) == 63.0
    assert cfd_specificity([0.5, 0.25, np.nan]) == 99.0
    assert cfd_specificity([0.5, 0.25], scale=100, rounded=False) == pytest.approx(100 / 1.75)
    assert cfd_specificity([]) == 100.0


def test_mismatch_level_counts() -> None:
    assert mismatch_level_counts([4, 3, 4, 1]).tolist() == [0, 1, 0, 1, 2]
    assert mismatch_level_counts([], max_mismatches=2).tolist() == [0, 0, 0]
    assert mismatch_level_counts(np.array([0, 0, 5]), max_mismatches=5).tolist() == [2, 0, 0, 0,
                                                                                     0, 1]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("call", "names"), [
    (lambda: cfd_score(G, G), "site"),  # no PAM
    (lambda: cfd_score(G[:19], G + "AGG"), "guide"),
    (lambda: cfd_score(G[:19] + "N", G + "AGG"), "guide"),
    (lambda: cfd_score(G, G + "AGX"), "site"),
    (lambda: mit_score(G, G + "AG"), "site"),
    (lambda: mit_score(G, G, mean_distance="mean"), "mean_distance"),
    (lambda: mit_score(G, "é" * 20), "site"),
    (lambda: count_mismatches(G, 42), "site"),
    (lambda: cfd_score_batch(G, [G + "AGG", G]), "sites"),
    (lambda: cfd_score_batch(G, np.zeros((2, 20), dtype=np.uint8)), "sites"),
    (lambda: cfd_score_batch(G, np.full((2, 23), 7, dtype=np.uint8)), "sites"),
    (lambda: cfd_score_batch([G, G, G], [G + "AGG"] * 2), "guides"),
    (lambda: cfd_score_batch([], [G + "AGG"]), "guides"),
    (lambda: cfd_score_batch(G, [G + "AGG"], guide_index=[1]), "guide_index"),
    (lambda: mit_score_batch(G, [G], guide_index=[0, 0]), "guide_index"),
    (lambda: mit_specificity([1.0, -2.0]), "site_scores"),
    (lambda: mit_specificity([1.0, float("nan")]), "site_scores"),
    (lambda: mit_specificity(["x"]), "site_scores"),
    (lambda: cfd_specificity([0.1], scale=0), "scale"),
    (lambda: mismatch_level_counts([1, 5]), "mismatches"),
    (lambda: mismatch_level_counts([1.5]), "mismatches"),
    (lambda: mismatch_level_counts([1], max_mismatches=-1), "max_mismatches"),
])
def test_bad_input_raises_one_line(call, names: str) -> None:
    with pytest.raises(GeneTxError) as err:
        call()
    text = str(err.value)
    assert "\n" not in text
    assert names in text


def test_shipped_cfd_tables_are_the_shared_copies(shared_data) -> None:
    from genetx.edit.scoring._data import DATA_DIR

    for name in ("cfd_mismatch_scores.tsv", "cfd_pam_scores.tsv"):
        shipped = (DATA_DIR / "cfd" / name).read_bytes()
        assert shipped == (shared_data / "cfd" / name).read_bytes()
    assert "doi:10.1038/nbt.3437" in (DATA_DIR / "cfd" / "SOURCES.md").read_text()
