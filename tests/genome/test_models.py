"""Transcript, CPos and Gene: structure, phases and HGVS mapping on hand-worked transcripts.

Two synthetic transcripts on a made-up chromosome ``chrT`` (0-based, half-open coordinates):

Plus strand ``P``: exons [10,20) [31,47) [60,70), CDS [14,65)::

    exon 1  g.10-19  (10 bp)  5'UTR g.10-13 = c.-4..c.-1, CDS g.14-19 = c.1..c.6
    intron 1 g.20-30 (11 bp, odd): g.20 = c.6+1 ... g.25 = c.6+6 (middle: + form),
                                   g.26 = c.7-5 ... g.30 = c.7-1
    exon 2  g.31-46  (16 bp)  c.7..c.22
    intron 2 g.47-59 (13 bp, odd): g.47 = c.22+1, g.53 = c.22+7 (middle), g.54 = c.23-6,
                                   g.59 = c.23-1
    exon 3  g.60-69  (10 bp)  CDS g.60-64 = c.23..c.27 (stop codon c.25-27), 3'UTR g.65-69 =
                              c.*1..c.*5
    flanks: g.9 = c.-4-1 (upstream of exon 1), g.70 = c.*5+1, g.75 = c.*5+6

Minus strand ``M``: exons [60,70) [31,47) [10,20) (transcript order), CDS [15,66)::

    exon 1  g.69-60  5'UTR g.69-66 = c.-4..c.-1, CDS g.65-60 = c.1..c.6
    intron 1 g.59-47 (13 bp): g.59 = c.6+1, g.53 = c.6+7 (middle), g.52 = c.7-6, g.47 = c.7-1
    exon 2  g.46-31  c.7..c.22
    intron 2 g.30-20 (11 bp): g.30 = c.22+1, g.25 = c.22+6 (middle), g.24 = c.23-5, g.20 = c.23-1
    exon 3  g.19-10  CDS g.19-15 = c.23..c.27, 3'UTR g.14-10 = c.*1..c.*5
    flanks: g.70 = c.-4-1, g.72 = c.-4-3, g.9 = c.*5+1

Both carry the same mRNA: 5'UTR CCAC, CDS ATGAAA|CCCGGGTTTCATTGGC|ACTAA (27 nt,
``M K P G F H W H *``), 3'UTR TTTTT. Exon phases (Ensembl convention): exon 1 (-1, 0),
exon 2 (0, 1) since 6 coding bases precede it and 22 end it, exon 3 (1, -1); GTF CDS phases
0, 0, (3 - 22 % 3) % 3 = 2.
"""

from __future__ import annotations

import pytest

from genetx.core.seq import reverse_complement
from genetx.errors import BadInputError, GeneTxError, UnknownGeneError
from genetx.genome import InMemoryGenome
from genetx.genome.models import CPos, Gene, Transcript

UTR5, CDS1, CDS2, CDS3, UTR3 = "CCAC", "ATGAAA", "CCCGGGTTTCATTGGC", "ACTAA", "TTTTT"


def plus_tx(**kw) -> Transcript:
    return Transcript("P.1", "GP", "chrT", "+", ((10, 20), (31, 47), (60, 70)), cds=(14, 65),
                      **kw)


def minus_tx(**kw) -> Transcript:
    return Transcript("M.1", "GM", "chrT", "-", ((60, 70), (31, 47), (10, 20)), cds=(15, 66),
                      **kw)


def _put(buf: list[str], start: int, seq: str) -> None:
    buf[start:start + len(seq)] = list(seq)


def plus_genome() -> InMemoryGenome:
    buf = list("g" * 80)
    _put(buf, 10, UTR5 + CDS1)
    _put(buf, 20, "GTAAGTCCCAG")  # intron 1
    _put(buf, 31, CDS2)
    _put(buf, 60, CDS3 + UTR3)
    return InMemoryGenome({"chrT": "".join(buf)})


def minus_genome() -> InMemoryGenome:
    buf = list("g" * 80)
    _put(buf, 60, reverse_complement(UTR5 + CDS1))  # g.60-69, read 69 -> 60
    _put(buf, 31, reverse_complement(CDS2))
    _put(buf, 10, reverse_complement(CDS3 + UTR3))
    return InMemoryGenome({"chrT": "".join(buf)})


PLUS_C = {9: "-4-1", 10: "-4", 13: "-1", 14: "1", 19: "6", 20: "6+1", 25: "6+6", 26: "7-5",
          30: "7-1", 31: "7", 46: "22", 47: "22+1", 53: "22+7", 54: "23-6", 59: "23-1",
          60: "23", 64: "27", 65: "*1", 69: "*5", 70: "*5+1", 75: "*5+6"}
MINUS_C = {72: "-4-3", 70: "-4-1", 69: "-4", 66: "-1", 65: "1", 60: "6", 59: "6+1", 53: "6+7",
           52: "7-6", 47: "7-1", 46: "7", 31: "22", 30: "22+1", 25: "22+6", 24: "23-5",
           20: "23-1", 19: "23", 15: "27", 14: "*1", 10: "*5", 9: "*5+1"}


# ------------------------------------------------------------------------------- structure


@pytest.mark.parametrize("make", [plus_tx, minus_tx])
def test_basic_facts(make) -> None:
    tx = make()
    assert tx.exon_count == 3
    assert tx.exon_lengths == (10, 16, 10)
    assert tx.length == 36
    assert tx.cds_length == 27
    assert tx.protein_length == 8
    assert tx.is_coding
    assert (tx.start, tx.end) == (10, 70)


def test_utrs_introns_parts_plus() -> None:
    tx = plus_tx()
    assert tx.five_prime_utr == ((10, 14),)
    assert tx.three_prime_utr == ((65, 70),)
    assert tx.introns == ((20, 31), (47, 60))
    assert tx.cds_parts == ((14, 20), (31, 47), (60, 65))


def test_utrs_introns_parts_minus() -> None:
    tx = minus_tx()
    assert tx.five_prime_utr == ((66, 70),)
    assert tx.three_prime_utr == ((10, 15),)
    assert tx.introns == ((47, 60), (20, 31))
    assert tx.cds_parts == ((60, 66), (31, 47), (15, 20))


def test_minus_exons_given_ascending_are_put_in_transcript_order() -> None:
    tx = Transcript("M", "G", "chrT", "-", ((10, 20), (31, 47), (60, 70)), cds=(15, 66))
    assert tx.exons == ((60, 70), (31, 47), (10, 20))
    assert tx.genome_to_c(65) == CPos(1)


@pytest.mark.parametrize("make", [plus_tx, minus_tx])
def test_exon_table_phases(make) -> None:
    df = make().exon_table()
    assert list(df.columns[:4]) == ["Chromosome", "Start", "End", "Strand"]
    assert df["exon_number"].tolist() == [1, 2, 3]
    assert df["length"].tolist() == [10, 16, 10]
    assert df["cds_start"].tolist() == [1, 7, 23]
    assert df["cds_end"].tolist() == [6, 22, 27]
    assert df["phase"].tolist() == [-1, 0, 1]
    assert df["end_phase"].tolist() == [0, 1, -1]
    assert df["cds_phase"].tolist() == [0, 0, 2]
    assert df["kind"].tolist() == ["partial", "coding", "partial"]
    assert df["tx_start"].tolist() == [1, 11, 27]
    assert df["tx_end"].tolist() == [10, 26, 36]


def test_exon_table_utr_only_exon_and_noncoding() -> None:
    tx = Transcript("T", "G", "c", "+", ((0, 10), (20, 40), (50, 60)), cds=(25, 34))
    df = tx.exon_table()
    assert df["kind"].tolist() == ["utr", "partial", "utr"]
    assert df["phase"].tolist() == [-1, -1, -1]
    assert df["cds_start"].isna().tolist() == [True, False, True]
    nc = Transcript("N", "G", "c", "-", ((0, 10), (20, 40)))
    assert nc.exon_table()["kind"].tolist() == ["noncoding", "noncoding"]
    assert nc.cds_length == 0
    assert nc.protein_length == 0
    assert not nc.is_coding


def test_exon_at_and_intron_at() -> None:
    tx = minus_tx()
    assert tx.exon_at(65) == 1
    assert tx.exon_at(31) == 2
    assert tx.exon_at(10) == 3
    assert tx.exon_at(50) is None
    assert tx.intron_at(50) == 1
    assert tx.intron_at(20) == 2
    assert tx.intron_at(15) is None
    assert tx.intron_at(75) is None


# -------------------------------------------------------------------------------- mapping


@pytest.mark.parametrize(("make", "table"), [(plus_tx, PLUS_C), (minus_tx, MINUS_C)])
def test_genome_to_c_hand_worked(make, table) -> None:
    tx = make()
    got = {pos: str(tx.genome_to_c(pos)) for pos in table}
    assert got == table


@pytest.mark.parametrize(("make", "table"), [(plus_tx, PLUS_C), (minus_tx, MINUS_C)])
def test_c_to_genome_hand_worked(make, table) -> None:
    tx = make()
    for pos, c in table.items():
        assert tx.c_to_genome(c) == pos
        assert tx.c_to_genome("c." + c) == pos
        assert tx.c_to_genome(CPos.parse(c)) == pos


@pytest.mark.parametrize("make", [plus_tx, minus_tx])
def test_round_trip_every_position(make) -> None:
    tx = make()
    for pos in range(0, 80):
        c = tx.genome_to_c(pos)
        assert tx.c_to_genome(c) == pos, (pos, str(c))
        n = tx.genome_to_n(pos)
        assert tx.n_to_genome(n) == pos
    for i in range(tx.length):
        assert tx.genome_to_tx(tx.tx_to_genome(i)) == i


def test_tx_coordinates() -> None:
    p, m = plus_tx(), minus_tx()
    assert p.genome_to_tx(10) == 0
    assert p.genome_to_tx(31) == 10
    assert p.tx_to_genome(26) == 60
    assert m.genome_to_tx(69) == 0
    assert m.genome_to_tx(46) == 10
    assert m.tx_to_genome(35) == 10
    assert p.cds_tx_range == (4, 31)
    assert m.cds_tx_range == (4, 31)
    assert str(p.genome_to_n(31)) == "11"
    assert str(m.genome_to_n(59)) == "10+1"


def test_c_to_p() -> None:
    tx = minus_tx()
    assert tx.c_to_p(1) == (1, 1)
    assert tx.c_to_p("c.7") == (3, 1)
    assert tx.c_to_p(CPos(22)) == (8, 1)
    assert tx.c_to_p(27) == (9, 3)
    # codon 3 (c.7-9) lies on exon 2, read on the minus strand from g.46 down
    assert tx.codon_to_genome(3) == (46, 45, 44)
    # codon 2 (c.4-6) is g.62, 61, 60; codon 8 (c.22-24) spans the exon 2/3 junction
    assert tx.codon_to_genome(2) == (62, 61, 60)
    assert tx.codon_to_genome(8) == (31, 19, 18)


@pytest.mark.parametrize(("make", "genome"), [(plus_tx, plus_genome), (minus_tx, minus_genome)])
def test_sequences(make, genome) -> None:
    tx, g = make(), genome()
    assert tx.spliced_sequence(g) == UTR5 + CDS1 + CDS2 + CDS3 + UTR3
    assert tx.cds_sequence(g) == CDS1 + CDS2 + CDS3
    assert tx.protein(g) == "MKPGFHWH"
    assert len(tx.protein(g)) == tx.protein_length


# ---------------------------------------------------------------------------------- CPos


def test_cpos_parse_and_str() -> None:
    assert CPos.parse("c.6614+1") == CPos(6614, 1)
    assert CPos.parse("-14-2") == CPos(-14, -2)
    assert CPos.parse("c.*12") == CPos(12, 0, utr3=True)
    assert CPos.parse("n.57") == CPos(57)
    for text in ("6614+1", "-14-2", "*12", "*5+6", "1"):
        assert str(CPos.parse(text)) == text


@pytest.mark.parametrize("bad", ["c.0", "c.x", "c.12+", "", "c.*-3", "c.1_2"])
def test_cpos_bad(bad: str) -> None:
    with pytest.raises(BadInputError):
        CPos.parse(bad)


# --------------------------------------------------------------------------- bad requests


@pytest.mark.parametrize(("call", "arg"), [
    ("c_to_genome", "c.28"),       # past the stop codon: HGVS writes that base c.*1
    ("c_to_genome", "c.*6"),       # past the last exon
    ("c_to_genome", "c.-5"),       # before the first exon
    ("c_to_genome", "c.5+1"),      # c.5 is not the last base of an exon
    ("c_to_genome", "c.7+1"),      # c.7 is the first base of exon 2: + offset invalid
    ("c_to_genome", "c.6+12"),     # intron 1 has 11 bases
    ("c_to_genome", "c.23-14"),    # intron 2 has 13 bases
    ("c_to_p", "c.-1"),
    ("c_to_p", "c.*1"),
    ("c_to_p", "c.6+1"),
    ("c_to_p", "c.28"),
    ("codon_to_genome", 10),
    ("genome_to_tx", 25),          # intronic
    ("tx_to_genome", 36),
])
def test_bad_positions_raise_one_line(call: str, arg) -> None:
    tx = plus_tx()
    with pytest.raises(BadInputError) as exc:
        getattr(tx, call)(arg)
    assert "\n" not in str(exc.value)


def test_c_numbers_on_noncoding_transcript_raise() -> None:
    nc = Transcript("NR_1.1", "G", "c", "+", ((0, 10), (20, 30)))
    with pytest.raises(BadInputError, match="non-coding"):
        nc.genome_to_c(5)
    assert str(nc.genome_to_n(12)) == "10+3"


@pytest.mark.parametrize(("exons", "cds", "match"), [
    (((0, 10), (5, 20)), None, "overlap"),
    (((0, 10), (10, 10)), None, "empty"),
    ((), None, "no exons"),
    (((0, 10), (20, 30)), (5, 15), "not in an exon"),
    (((0, 10), (20, 30)), (12, 25), "not in an exon"),
    (((0, 10),), (6, 6), "empty"),
])
def test_invalid_transcripts(exons, cds, match) -> None:
    with pytest.raises(BadInputError, match=match):
        Transcript("T", "G", "c", "+", exons, cds=cds)


def test_invalid_strand() -> None:
    with pytest.raises(BadInputError, match="strand"):
        Transcript("T", "G", "c", ".", ((0, 10),))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------- Gene


def _gene(*txs: Transcript) -> Gene:
    return Gene("G", "c", 0, 1000, "+", txs, gene_id="GID", source="test")


def _tx(ident: str, cds_end: int, length_end: int = 900, tags=()) -> Transcript:
    return Transcript(ident, "G", "c", "+", ((0, 100), (200, length_end)), cds=(50, cds_end),
                      tags=frozenset(tags))


def test_canonical_prefers_tags_then_cds_then_length() -> None:
    a = _tx("ENST1.1", 800)  # longest CDS
    b = _tx("ENST2.1", 300, tags={"Ensembl_canonical"})
    c = _tx("ENST3.1", 250, tags={"MANE_Select", "basic"})
    d = _tx("ENST4.1", 400, tags={"RefSeq_Select"})
    assert _gene(a, b, c, d).canonical() is c
    assert _gene(a, b, d).canonical() is b
    assert _gene(a, d).canonical() is d
    e = _tx("ENST5.1", 800, length_end=950)  # same CDS as a, longer transcript
    assert _gene(a, e).canonical() is e
    f = _tx("ENST0.1", 800)  # identical to a: smallest id wins, in any order
    assert _gene(a, f).canonical() is f
    assert _gene(f, a).canonical() is f
    xm = _tx("XM_9.1", 890)  # predicted model ranks after curated ones
    nm = _tx("NM_9.1", 500)
    assert _gene(xm, nm).canonical() is nm


def test_gene_transcript_lookup() -> None:
    a, b = _tx("NM_004006.2", 800), _tx("NM_000109.3", 700)
    g = _gene(a, b)
    assert g.transcript("NM_004006") is a
    assert g.transcript("NM_004006.2") is a
    assert g.transcript() is g.canonical()
    with pytest.raises(UnknownGeneError) as exc:
        g.transcript("NM_004006.1")
    msg = str(exc.value)
    assert "NM_004006.2" in msg
    assert "NM_000109.3" in msg
    assert "\n" not in msg
    assert isinstance(exc.value, GeneTxError)


def test_gene_without_transcripts() -> None:
    with pytest.raises(UnknownGeneError, match="no transcripts"):
        _gene().canonical()
