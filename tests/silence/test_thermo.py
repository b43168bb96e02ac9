"""Nearest-neighbour thermodynamics against independent truth.

* siDirect 2.0 (Naito et al. 2009, BMC Bioinformatics 10:392, Figure 4A): 4,488 of the 16,384
  7-nt seed duplexes (27.4 %) have a Tm below 21.5 degrees C with Freier 1986 parameters.
* Biopython's ``Bio.SeqUtils.MeltingTemp`` (an independent implementation) with its Xia 1998
  table (``RNA_NN2``) gives the same duplex Tm.
* Hand calculations with the Xia 1998 Table 4 values.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from genetx.errors import InvalidSequenceError
from genetx.silence import thermo
from tests.silence import naive_silence as naive


def test_seed_tm_matches_sidirect_count() -> None:
    table = thermo.seed_tm_table()
    assert table.size == 4**7
    assert int((table < 21.5).sum()) == 4488


def test_seed_tm_is_strand_symmetric_and_string_api() -> None:
    rng = random.Random(3)
    seeds = ["".join(rng.choice("ACGT") for _ in range(7)) for _ in range(50)]
    a = thermo.seed_tm(seeds)
    b = thermo.seed_tm([naive.revcomp(s) for s in seeds])
    assert np.allclose(a, b)
    with pytest.raises(InvalidSequenceError, match="7 nt"):
        thermo.seed_tm(["ACGTACGT"])


def test_parameter_tables_match_biopython() -> None:
    from Bio.SeqUtils import MeltingTemp as mt

    for name, bio in (("xia1998", mt.RNA_NN2), ("freier1986", mt.RNA_NN1)):
        p = thermo.nn_params(name)
        for key, (dh, ds) in bio.items():
            if "/" not in key or key.startswith("init"):
                continue
            top = key.split("/")[0]
            i = "ACGT".index(top[0]) * 4 + "ACGT".index(top[1])
            assert p.dh[i] == pytest.approx(dh), (name, key)
            assert p.ds[i] == pytest.approx(ds), (name, key)
    xia = thermo.nn_params("xia1998")
    assert xia.init[:2] == pytest.approx(mt.RNA_NN2["init"])
    assert xia.terminal_au[:2] == pytest.approx(mt.RNA_NN2["init_A/T"])
    # the published dG37 column agrees with dH - T dS (transcription check)
    assert np.allclose(xia.dg37, xia.dh - thermo.T37 * xia.ds / 1000, atol=0.03)


def test_duplex_tm_matches_biopython_xia() -> None:
    from Bio.SeqUtils import MeltingTemp as mt

    rng = random.Random(11)
    for _ in range(30):
        s = "".join(rng.choice("ACGU") for _ in range(rng.randint(8, 25)))
        if s == naive.revcomp(s).replace("T", "U"):
            continue
        ours = thermo.duplex_tm(s, ct=1e-7)
        theirs = mt.Tm_NN(s, nn_table=mt.RNA_NN2, dnac1=50, dnac2=50, saltcorr=0)
        assert ours == pytest.approx(theirs, abs=1e-6), s


def test_end_stability_by_hand() -> None:
    # Elbashir 2001 GL2 siRNA sense CGUACGCGGAAUACUUCGA, Xia 1998 dG37 (kcal/mol):
    # 5' end CGUAC: CG -2.36, GU -2.24, UA -1.33, AC (=GU/CA) -2.24 -> -8.17 (C-G end, no penalty)
    # 3' end UUCGA: UU (=AA) -0.93, UC (=GA) -2.35, CG -2.36, GA -2.35, A-U end +0.45 -> -7.54
    codes = thermo.encode_many(["CGUACGCGGAAUACUUCGA"])
    left, right = thermo.end_dg37(codes, 4)
    assert left[0] == pytest.approx(-8.17)
    assert right[0] == pytest.approx(-7.54)


def test_duplex_dg_by_hand() -> None:
    # GG/CC -3.26 + GA/CU -2.35 + AC (=GU/CA) -2.24 + initiation 4.09 = -3.76
    assert thermo.duplex_thermo(["GGAC"])[0, 2] == pytest.approx(-3.76)


def test_hairpin_tm_by_hand_and_naive() -> None:
    # GGGG-AAAA-CCCC: 3 GG/CC stacks (dH -40.17, dS -98.1) + tetraloop 5.6 kcal/mol as entropy
    # (-18.056 eu): Tm = 40170 / 116.156 - 273.15 = 72.68 C
    codes = thermo.encode_many(["GGGGAAAACCCC"])
    assert thermo.hairpin_tm(codes)[0] == pytest.approx(72.68, abs=0.01)
    assert np.isnan(thermo.hairpin_tm(thermo.encode_many(["AAAAAAAAAAAA"]))[0])
    rng = random.Random(5)
    seqs = ["".join(rng.choice("ACGU") for _ in range(19)) for _ in range(200)]
    ours = thermo.hairpin_tm(thermo.encode_many(seqs))
    for s, v in zip(seqs, ours, strict=True):
        ref = naive.hairpin_tm(s)
        if ref is None:
            assert np.isnan(v), s
        else:
            assert v == pytest.approx(ref, abs=1e-9), s


def test_kmer_values_order() -> None:
    codes = thermo.encode_many(["".join(p) for p in itertools.product("ACGT", repeat=2)])
    assert thermo.kmer_values(codes).tolist() == list(range(16))


def test_bad_letters_rejected() -> None:
    with pytest.raises(InvalidSequenceError, match="letters other than"):
        thermo.duplex_thermo(["ACGNACG"])
