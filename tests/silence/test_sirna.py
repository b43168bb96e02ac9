"""siRNA rule scores on published siRNAs (hand-checked), window geometry, off-target columns.

Published examples:

* GL2 luciferase siRNA of Elbashir et al. 2001 (Nature 411:494), sense CGUACGCGGAAUACUUCGA;
* patisiran (ONPATTRO, ALN-TTR02; WHO INN list 71), sense GUAACCAAGAGUAUUCCAU, antisense
  AUGGAAUACUCUUGGUUAC, an approved siRNA that silences TTR.

Every expected value below was counted by hand from the rule definitions (positions 1-19 on
the sense strand); the comments show the counting.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from genetx.errors import InvalidSequenceError
from genetx.silence import seedmatch as sm
from genetx.silence.sirna import design_sirnas, explain
from tests.silence import naive_silence as naive

GL2 = "CGUACGCGGAAUACUUCGA"
PATISIRAN = "GUAACCAAGAGUAUUCCAU"


def test_gl2_by_hand() -> None:
    d = explain(GL2)
    # C G U A C G C G G A A U A C U U C G A  (positions 1-19)
    assert d["gc_count"] == 10  # C1 G2 C5 G6 C7 G8 G9 C14 C17 G18
    assert d["reynolds_gc"] == 1  # 10 of 19 is within 7-10
    assert d["reynolds_au_15_19"] == 3  # U15 U16 C17 G18 A19
    assert d["reynolds_a19"] == 1
    assert d["reynolds_a3"] == 0  # U3
    assert d["reynolds_u10"] == 0  # A10
    assert d["reynolds_gc19"] == 0
    assert d["reynolds_g13"] == 0  # A13
    hp = max(naive.hairpin_tm(GL2), naive.hairpin_tm(naive.revcomp(GL2)))
    assert d["reynolds_hairpin_tm"] == pytest.approx(hp, abs=0.05)
    assert d["reynolds_no_hairpin"] == int(hp < 20)
    assert d["reynolds"] == 1 + 3 + d["reynolds_no_hairpin"] + 1
    # Ui-Tei: A19 yes, C1 yes, A/U in 13-19 = A U U A = 4 (< 5), longest G/C run C5-G9 = 5
    assert (d["uitei_w19"], d["uitei_s1"], d["uitei_au_guide_1_7"], d["uitei_gc_stretch"]) == (
        1, 1, 4, 5)
    assert d["uitei"] == 0
    assert d["uitei_criteria_met"] == 3
    # Amarzguioui: A/U at 17-19 (C G A) = 1 minus at 1-3 (C G U) = 1 -> 0; S1 +1; W19 +1
    assert d["amarzguioui_asymmetry"] == 0
    assert d["amarzguioui"] == 2


def test_patisiran_by_hand() -> None:
    d = explain(PATISIRAN)
    # G U A A C C A A G A G U A U U C C A U  (positions 1-19)
    assert d["gc_count"] == 7  # G1 C5 C6 G9 G11 C16 C17
    assert d["reynolds_gc"] == 1
    assert d["reynolds_au_15_19"] == 3  # U15 C16 C17 A18 U19
    assert (d["reynolds_a19"], d["reynolds_a3"], d["reynolds_u10"]) == (0, 1, 0)
    assert (d["reynolds_gc19"], d["reynolds_g13"]) == (0, 0)
    hp = max(naive.hairpin_tm(PATISIRAN), naive.hairpin_tm(naive.revcomp(PATISIRAN)))
    assert d["reynolds_no_hairpin"] == int(hp < 20)
    assert d["reynolds"] == 1 + 3 + 1 + d["reynolds_no_hairpin"]
    # Ui-Tei: U19, G1, A/U in 13-19 = A U U A U = 5, longest G/C run 2 (C5C6, C16C17): class I
    assert (d["uitei_w19"], d["uitei_s1"], d["uitei_au_guide_1_7"], d["uitei_gc_stretch"]) == (
        1, 1, 5, 2)
    assert d["uitei"] == 1
    # Amarzguioui: A/U at 17-19 (C A U) = 2 minus at 1-3 (G U A) = 2 -> 0; S1 +1; A6 no (C6);
    # W19 +1; U1 no; G19 no
    assert d["amarzguioui_asymmetry"] == 0
    assert (d["amarzguioui_s1"], d["amarzguioui_a6"], d["amarzguioui_w19"]) == (1, 0, 1)
    assert d["amarzguioui"] == 2


def test_penalties_by_hand() -> None:
    # U1 (Amarzguioui -1), G13 (Reynolds -1), G19 (Reynolds -1, Amarzguioui -1, Ui-Tei fails)
    s = "UACAAAAUCAAAGACAAAG"  # U1 A2 C3 A4 A5 A6 A7 U8 C9 A10 A11 A12 G13 A14 C15 A16 A17 A18 G19
    d = explain(s)
    assert d["amarzguioui_u1"] == -1
    assert d["amarzguioui_g19"] == -1
    assert d["reynolds_g13"] == -1
    assert d["reynolds_gc19"] == -1
    assert d["uitei_w19"] == 0
    assert d["uitei_s1"] == 0
    # A6 +1 (A at 6); asymmetry: A/U at 17-19 (A A G) = 2, at 1-3 (U A C) = 2 -> 0
    assert d["amarzguioui"] == 0 + 0 - 1 + 1 + 0 - 1


def test_explain_rejects_bad_input() -> None:
    with pytest.raises(InvalidSequenceError, match="19-nt"):
        explain("ACGUACGUACGUACGUACGUA")
    with pytest.raises(InvalidSequenceError, match="letter 'X' at position 3"):
        explain("ACXUACGUACGUACGUACG")


def _mrna(seed: int, n: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGT") for _ in range(n))


def test_window_geometry() -> None:
    m = _mrna(1, 80)
    d = design_sirnas(m, name="toy", cds=(10, 50))
    df = d.candidates.sort_values("start")
    assert len(df) == 80 - 23 + 1
    row = df.iloc[5]
    t = m[5:28]
    assert row["target_23"] == t
    assert row["start"] == 6
    assert row["end"] == 28
    assert row["sense_21"] == t[2:23].replace("T", "U")
    assert row["antisense_21"] == naive.revcomp(t[0:21]).replace("T", "U")
    assert row["region"] == "cds/utr"
    assert df.iloc[20]["region"] == "cds"
    assert df.iloc[-1]["region"] == "utr3"
    assert set(df["rank"]) == set(range(1, len(df) + 1))


def test_rank_order_puts_filter_passes_first() -> None:
    d = design_sirnas(_mrna(2, 400))
    df = d.candidates
    assert df["rank"].tolist() == list(range(1, len(df) + 1))
    passes = df["passes_filters"].to_numpy()
    assert (np.diff(passes) <= 0).all()
    first = df[df["passes_filters"] == 1]
    assert (np.diff(first["rule_sets_passed"].to_numpy()) <= 0).all()


def test_composition_flags() -> None:
    m = "ACGATCAGGCATTGCA" + "TGTGT" + "AGCATCAGCTAGCATCGATCGA" + "TTTTTTT" + "ACGATGCAGCGA"
    df = design_sirnas(m).candidates
    # passenger = T[3..23] holds UGUGU, or guide = revcomp(T[1..21]) does (T holds ACACA)
    hit = (df["target_23"].str[2:23].str.contains("TGTGT")
           | df["target_23"].str[0:21].str.contains("ACACA"))
    assert hit.sum() > 0
    assert (df["immune_motifs"].str.contains("UGUGU") == hit).all()
    polyt = df[df["target_23"].str.contains("TTTTTTT")]
    assert (polyt["longest_homopolymer"] == 7).all()
    assert (polyt["passes_filters"] == 0).all()
    # hairpin = sense19 + TTCAAGAGA + antisense19: a T run in the sense strand, an A run in it
    # (T run in the antisense stem), or a sense strand ending in TT (TT + TTCAAG...) all stop
    # Pol III early
    s19 = df["target_23"].str[2:21]
    expect = (s19.str.contains("TTTT") | s19.str.contains("AAAA") | s19.str.endswith("TT"))
    assert (df["shrna_pol3_terminator"] == expect.astype(int)).all()
    assert s19.str.endswith("TT").any()


def test_offtarget_columns_equal_naive() -> None:
    rng = random.Random(9)
    mrna = _mrna(3, 150)
    seqs = [_mrna(100 + i, rng.randint(50, 300)) for i in range(15)]
    # plant guide-side near matches of some windows into other transcripts
    for k in range(6):
        w = list(mrna[10 * k + 1:10 * k + 20])
        for _ in range(k % 3):
            w[rng.randrange(19)] = rng.choice("ACGT")
        s = seqs[k]
        seqs[k] = s[:20] + "".join(w) + s[20:]
    seqs.append(mrna)  # the target itself, masked out
    ts = sm.TranscriptSet.from_records([(f"T{i}", "TGT" if i == len(seqs) - 1 else "OTHER", s, -1)
                                        for i, s in enumerate(seqs)])
    skip = ts.exclusion_mask(genes=["TGT"])
    df = design_sirnas(mrna, transcripts=ts, skip=skip, max_mismatches=2).candidates
    others = seqs[:-1]
    for _, row in df.iterrows():
        guide = row["antisense_21"].replace("U", "T")
        passenger = row["sense_21"].replace("U", "T")
        g_pat = naive.revcomp(guide[1:20])  # transcript side of guide positions 2-20
        p_pat = naive.revcomp(passenger[1:20])
        _, g_tx = naive.near_counts(others, [g_pat], 2)
        _, p_tx = naive.near_counts(others, [p_pat], 2)
        assert [row[f"offtarget_guide_mm{k}"] for k in range(3)] == g_tx[0]
        assert [row[f"offtarget_passenger_mm{k}"] for k in range(3)] == p_tx[0]
        g_seed = naive.revcomp(guide[1:8])
        assert (row["seed_sites_guide"], row["seed_transcripts_guide"]) == \
            naive.kmer_sites(others, g_seed)[:2]
        p_seed = naive.revcomp(passenger[1:8])
        assert row["seed_transcripts_passenger"] == naive.kmer_sites(others, p_seed)[1]
    assert df[[f"offtarget_guide_mm{k}" for k in range(3)]].to_numpy().sum() >= 6


def test_bad_mrna() -> None:
    with pytest.raises(InvalidSequenceError, match=r"toy: letter 'Z' at position 4"):
        design_sirnas("ACGZ" + "A" * 30, name="toy")
    with pytest.raises(InvalidSequenceError, match="is 15 nt long"):
        design_sirnas("ACGUACGUACGUACG", name="short")
    with pytest.raises(InvalidSequenceError, match="no 23-nt window"):
        design_sirnas("ACGTACGTACGN" * 3, name="gappy")
    with pytest.raises(InvalidSequenceError, match="GC bounds"):
        design_sirnas(_mrna(4, 40), gc_bounds=(70, 20))
