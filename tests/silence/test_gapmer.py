"""Gapmer tiling: layout, composition by hand, self-pairing and off-targets vs naive oracles."""

from __future__ import annotations

import random

import pytest

from genetx.errors import BadInputError, InvalidSequenceError
from genetx.silence import seedmatch as sm
from genetx.silence.gapmer import GapmerLayout, design_gapmers
from tests.silence import naive_silence as naive

#: Inotersen (TEGSEDI), a 5-10-5 2'-MOE gapmer against TTR mRNA, 5'->3' (FDA label 2018).
INOTERSEN = "TCTTGGTTACATGAAATCCC"


def test_layout_parse() -> None:
    lay = GapmerLayout.parse("5-10-5")
    assert (lay.wing5, lay.gap, lay.wing3, lay.length, str(lay)) == (5, 10, 5, 20, "5-10-5")
    assert GapmerLayout.parse(" 3-10-3 ").length == 16
    for bad, match in (("5-3-5", "DNA gap of at least 5 nt"), ("abc", "wing-gap-wing"),
                       ("15-10-15", "12-30")):
        with pytest.raises(BadInputError, match=match):
            GapmerLayout.parse(bad)


def test_inotersen_site_by_hand() -> None:
    site = naive.revcomp(INOTERSEN)  # the TTR mRNA site the drug pairs with
    mrna = "ACGATCGATCAGCTA" + site + "ACGATCAGCATCGA"
    df = design_gapmers(mrna, name="toy").candidates
    row = df[df["target_site"] == site].iloc[0]
    assert row["gapmer"] == "tcttgGTTACATGAAatccc"
    assert row["start"] == 16
    assert row["end"] == 35
    # T C T T G G T T A C A T G A A A T C C C: G/C = C2 G5 G6 C10 G13 C18 C19 C20 = 8 of 20
    assert row["gc_percent"] == 40.0
    assert row["cpg_in_gap"] == 0
    assert row["longest_g_run"] == 2


def test_cpg_and_g_runs_by_hand() -> None:
    aso = "ACGTCGGGGACGTTACGATC"  # gap (positions 6-15) = GGGGACGTTA: one CpG; G run of 4
    mrna = "TTTTTTTTTT" + naive.revcomp(aso) + "AAAAAAAAAA"
    df = design_gapmers(mrna).candidates
    row = df[df["gapmer"].str.upper() == aso].iloc[0]
    assert row["cpg_in_gap"] == 1
    assert row["longest_g_run"] == 4
    assert row["passes_checks"] == 0


def test_self_pairing_equals_naive() -> None:
    rng = random.Random(4)
    mrna = "".join(rng.choice("ACGT") for _ in range(300))
    df = design_gapmers(mrna).candidates
    for _, row in df.iterrows():
        aso = row["gapmer"].upper()
        assert row["self_dimer"] == naive.longest_self_dimer(aso)
        assert row["hairpin_stem"] == naive.longest_hairpin_stem(aso)


def test_offtargets_equal_naive() -> None:
    rng = random.Random(5)
    mrna = "".join(rng.choice("ACGT") for _ in range(120))
    others = ["".join(rng.choice("ACGT") for _ in range(rng.randint(40, 200))) for _ in range(10)]
    for k in range(4):
        w = list(mrna[20 * k:20 * k + 20])
        for _ in range(k):
            w[rng.randrange(20)] = rng.choice("ACGT")
        others[k] = others[k][:10] + "".join(w) + others[k][10:]
    ts = sm.TranscriptSet.from_records([(f"T{i}", "OTHER", s, -1) for i, s in enumerate(others)]
                                       + [("TGT1", "TGT", mrna, -1)])
    df = design_gapmers(mrna, transcripts=ts, skip=ts.exclusion_mask(genes=["TGT"])).candidates
    for _, row in df.iterrows():
        _, tx = naive.near_counts(others, [row["target_site"]], 2)
        assert [row[f"offtarget_mm{k}"] for k in range(3)] == tx[0]
        if row["offtarget_mm0"]:
            assert row["passes_checks"] == 0
    assert df["offtarget_mm0"].sum() >= 1


def test_bad_input() -> None:
    with pytest.raises(InvalidSequenceError, match="is 12 nt long"):
        design_gapmers("ACGTACGTACGT", name="short")
    with pytest.raises(InvalidSequenceError, match="letter 'J'"):
        design_gapmers("ACGTJ" * 10)
