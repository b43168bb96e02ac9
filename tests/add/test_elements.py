"""The element library against the shared public records it was copied from."""

from __future__ import annotations

import csv
import hashlib

import pytest

from genetx.add.elements import (
    CATEGORIES,
    NOT_AVAILABLE,
    TISSUES,
    UnknownElementError,
    load_elements,
)
from genetx.core.seq import reverse_complement


def _fasta(path) -> dict[str, str]:
    out: dict[str, str] = {}
    name = ""
    for line in path.read_text().splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0]
            out[name] = ""
        elif line.strip():
            out[name] += line.strip().upper()
    return out


def test_every_addgene_element_equals_the_shared_table(shared_data) -> None:
    lib = load_elements()
    text = (shared_data / "vector_elements/vector_elements.tsv").read_text()
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t"))
    assert len(rows) == 75
    for r in rows:
        el = lib.get(r["name"])
        assert el.sequence == r["seq"], r["name"]
        assert el.length == int(r["length"])
        assert hashlib.md5(el.sequence.encode()).hexdigest() == r["md5"]
        assert el.source.commit == r["commit"]
        assert el.source.path == r["path"]
        assert el.source.coordinates == r["loc"]


def test_fasta_copy_agrees(shared_data) -> None:
    fa = _fasta(shared_data / "vector_elements/vector_elements.fasta")
    lib = load_elements()
    for name, seq in fa.items():
        assert lib.get(name).sequence == seq


def test_laava_itrs_and_mutant_itr(shared_data) -> None:
    lib = load_elements()
    itrs = _fasta(shared_data / "aav_plasmids/laava/AAV2_ITR_flip_flop.fasta")
    for rid, seq in itrs.items():
        side, conf = rid.split("_")[1:]
        assert lib.get(f"AAV2_ITR_145_{side.lower()}_{conf.lower()}").sequence == seq
        assert len(seq) == 145
    # published facts: the Addgene 130-nt ITR is nt 1-130 of the right flop ITR, and the left
    # ITR of a configuration is the reverse complement of the right one
    assert lib.get("AAV2_ITR_130").sequence == itrs["SEQ_RIGHT_FLOP"][:130]
    assert reverse_complement(itrs["SEQ_LEFT_FLIP"]) == itrs["SEQ_RIGHT_FLIP"]
    plasmid = "".join(_fasta(shared_data / "aav_plasmids/laava/scAAV_CBA_eGFP.fasta").values())
    assert lib.get("AAV2_mITR_scAAV").sequence == reverse_complement(plasmid[4609:4714])


def test_categories_tissues_and_sources_are_complete() -> None:
    lib = load_elements()
    assert len(lib) == 80
    for el in lib:
        assert el.category in CATEGORIES
        assert set(el.sequence) <= set("ACGT")
        assert el.source.repo
        assert len(el.source.commit) == 40
        assert el.source.path
    for tissue in TISSUES:
        recs = lib.promoters_for(tissue)
        assert recs, tissue
        for r in recs:
            assert lib.get(r.promoter).category == "promoter"
    assert lib.get("MHCK7_promoter").tissue == "muscle"
    assert lib.get("TBG_promoter").tissue == "liver"
    assert lib.get("GRK1_rhodopsin_kinase_promoter").tissue == "retina_photoreceptor"
    assert "one lab" in lib.get("VMD2_BEST1_promoter").caveats
    assert "770 bp" in lib.get("MHCK7_promoter").caveats
    assert "not a tested cassette" in lib.get("miR142_3p_target_site_1x").caveats


def test_lookup_by_prefix_and_category() -> None:
    lib = load_elements()
    assert lib.get("HLP").name == "HLP_hybrid_liver_promoter"
    assert lib.get("cag", "promoter").name == "CAG_promoter"
    assert lib.get("SV40", "polya").name == "SV40_polyA"


@pytest.mark.parametrize(("name", "category", "needle"), [
    ("CK8_promoter", None, "no sourced sequence"),
    ("desmin", "promoter", "no sourced sequence"),
    ("RPE65_promoter", None, "no sourced sequence"),
    ("CMV", None, "ambiguous"),
    ("bGH_polyA", "promoter", "is a polya, not a promoter"),
    ("zzzz", None, "not an element"),
])
def test_unknown_elements_say_why(name, category, needle) -> None:
    with pytest.raises(UnknownElementError) as err:
        load_elements().get(name, category)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_not_available_elements_are_absent() -> None:
    lib = load_elements()
    assert set(NOT_AVAILABLE) >= {"CK8", "desmin", "RPE65"}
    for key in ("CK8", "desmin", "RPE65"):
        assert not any(key.lower() in n.lower() for n in lib.names)
