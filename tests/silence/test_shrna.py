"""shRNA cassettes: layout by hand, sourced parts checked in shared/data, GenBank round trip."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import pytest
from Bio import SeqIO

from genetx.errors import BadInputError, InfeasibleDesignError
from genetx.silence.data import pol3_promoters, shrna_parts
from genetx.silence.shrna import build_shrna, hairpin
from tests.silence import naive_silence as naive

GL2_DNA = "CGTACGCGGAATACTTCGA"  # Elbashir 2001 GL2 siRNA sense strand


def _features(rec) -> dict[str, tuple[int, int, str]]:
    out = {}
    for f in rec.features:
        label = f.qualifiers.get("label", [""])[0]
        out[label] = (int(f.location.start), int(f.location.end), str(f.extract(rec.seq)))
    return out


def test_u6_cassette_layout() -> None:
    rec = build_shrna(GL2_DNA, name="gl2")
    u6 = pol3_promoters()["U6_promoter_human"]["sequence"]
    loop = "TTCAAGAGA"  # pSUPER, Brummelkamp 2002
    anti = naive.revcomp(GL2_DNA)
    # sense starts with C, so a G is added at +1 after the 8-bp junction
    assert str(rec.seq) == u6 + "GAAACACC" + "G" + GL2_DNA + loop + anti + "TTTTT"
    f = _features(rec)
    assert f["U6_promoter_human"][:2] == (0, 241)
    assert f["+1 G"][2] == "G"
    assert f["sense stem (passenger)"][2] == GL2_DNA
    assert f["loop"][2] == loop
    assert f["antisense stem (guide)"][2] == anti
    assert f["Pol III terminator"][2] == "TTTTT"
    assert f["shRNA hairpin"][2] == GL2_DNA + loop + anti
    assert rec.annotations["molecule_type"] == "DNA"


def test_g_not_added_when_sense_starts_with_g() -> None:
    rec = build_shrna("GTAACCAAGAGTATTCCAT")  # patisiran sense strand
    assert "+1 G" not in _features(rec)
    assert "GAAACACCGTAACCAAGAG" in str(rec.seq)


def test_h1_and_insert_only() -> None:
    rec = build_shrna(GL2_DNA, promoter="H1")
    h1 = pol3_promoters()["H1_promoter_human"]["sequence"]
    assert str(rec.seq).startswith(h1 + GL2_DNA)
    assert "not verified" in rec.annotations["comment"]
    ins = build_shrna(GL2_DNA, promoter=None)
    s, lp, a = hairpin(GL2_DNA)
    assert str(ins.seq) == s + lp + a + "TTTTT"


def test_genbank_round_trip() -> None:
    rec = build_shrna(GL2_DNA, name="gl2")
    buf = io.StringIO()
    SeqIO.write(rec, buf, "genbank")
    back = SeqIO.read(io.StringIO(buf.getvalue()), "genbank")
    assert str(back.seq) == str(rec.seq)
    assert [f.type for f in back.features] == [f.type for f in rec.features]


def test_bad_input() -> None:
    with pytest.raises(InfeasibleDesignError, match="TTTT at hairpin position"):
        build_shrna("ACGTTTTACGATCGATCGA")
    with pytest.raises(BadInputError, match="19-nt sense strand"):
        build_shrna("ACGT")
    with pytest.raises(BadInputError, match="promoter must be one of U6, H1"):
        build_shrna(GL2_DNA, promoter="7SK")
    with pytest.raises(BadInputError, match="loop is 3-30 nt"):
        build_shrna(GL2_DNA, loop="AX")


def test_parts_match_shared_sources(shared_data: Path) -> None:
    """Promoters equal shared/data/vector_elements; the U6 junction is read from the SBOL files."""
    with (shared_data / "vector_elements" / "vector_elements.tsv").open() as fh:
        shared = {r["name"]: r["seq"] for r in csv.DictReader(fh, delimiter="\t")}
    for name, row in pol3_promoters().items():
        assert row["sequence"] == shared[name]
    u6 = shared["U6_promoter_human"]
    junction = shrna_parts()["U6_start_junction"]["sequence"]
    sbol = shared_data / "vector_elements" / "originals" / "addgene_annotation_sbol"
    for plasmid in ("100293", "109397", "71814"):
        text = gzip.decompress((sbol / f"{plasmid}_addgene_out.xml.gz").read_bytes()).decode()
        seq = re.search(r"<sbol:elements>([acgtnACGTN]+)</sbol:elements>", text).group(1).upper()
        i = seq.index(u6) + len(u6)
        assert seq[i:i + len(junction) + 1] == junction + "G", plasmid
