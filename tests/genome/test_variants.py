"""Patient variants: parsing, genomic mapping and effect, against hand-worked and published truth.

Synthetic truth (hand-worked). ``chrP`` is 60 bp with a plus-strand transcript TP.1; every
coordinate below is 0-based::

    0     5      11        20         30              45    50  53     59
    CCCCC GGCACC ATGAAACGA GTAAGCTCAG TGGGCCAAATTCCAG GTCAG TAA CCTTAG C
          5'UTR  exon1 CDS intron 1   exon 2 (CDS)    in.2  CDS 3'UTR
          exon 1 = [5,20)             exon 2 = [30,45)      exon 3 = [50,59), CDS [11,53)

    c.-k = 11-k   c.N (1..9) = 10+N   c.9+k = 19+k   c.10-k = 30-k   c.N (10..24) = 20+N
    c.24+k = 44+k   c.25-k = 50-k   c.N (25..27) = 25+N   c.*k = 52+k
    codons: ATG AAA CGA TGG GCC AAA TTC CAG TAA = Met Lys Arg Trp Ala Lys Phe Gln Ter

``chrN`` is the reverse complement of chrP and TM.1 the mirrored transcript on the minus strand
(exons [40,55) [15,30) [1,10), CDS [7,49)): c. position x of TM.1 lies at 59 - (its chrP
position), and the plus-strand base there is the complement.

Published truth: NM_004006.2:c.4375C>T = NC_000023.11:g.32389644G>A, p.(Arg1459*) (EBI ProtVar
and the SpliceAI lookup API documentation; EJP RD variant model example); c.8713C>T
p.(Arg2905Ter) and c.7657C>T p.(Arg2553Ter) (ClinVar names, NM_004006.3 has the same CDS);
exon 52 = c.7543-7660 (NM_004006.2:c.7543_7660del, DMD-del52); Ensembl VEP test suite
(t/Parser_HGVS.t, t/OutputFactory_*.t): 21:25585733 C>T = ENST00000352957.8:c.991G>A
p.Ala331Thr and ENST00000307301.11:c.*18G>A (exon 11/11); JAM2:c.721 lies at 21:25706002
(ENST00000400532, ENST00000480456) and 21:25712347 (ENST00000312957). Exon lengths come from
the NM_004006.2 GenBank record itself.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from genetx.core.seq import reverse_complement
from genetx.errors import (
    InvalidVariantError,
    MissingDataError,
    ReferenceMismatchError,
    UnknownGeneError,
)
from genetx.genome import Gene, InMemoryGenome, Transcript
from genetx.genome.models import CPos
from genetx.genome.variants import (
    Variant,
    effect_on,
    parse_notation,
    parse_variant,
)

PLUS = ("CCCCC" "GGCACC" "ATGAAACGA" "GTAAGCTCAG" "TGGGCCAAATTCCAG" "GTCAG" "TAA" "CCTTAG"
        "C")
assert len(PLUS) == 60
GENOME = InMemoryGenome({"chrP": PLUS, "chrN": reverse_complement(PLUS)}, name="synthetic")
TP = Transcript("TP.1", "GP", "chrP", "+", ((5, 20), (30, 45), (50, 59)), cds=(11, 53))
TM = Transcript("TM.1", "GM", "chrN", "-", ((40, 55), (15, 30), (1, 10)), cds=(7, 49))
GP = Gene("GP", "chrP", 2, 59, "+", (TP,))


def _check(v: Variant, start, end, ref, alt, vcf, hgvs, exons, introns, regions, change, frame,
           protein, splice, consequence) -> None:
    assert (v.start, v.end, v.ref, v.alt) == (start, end, ref, alt)
    assert str(v.vcf) == vcf
    e = v.effect
    assert e is not None
    assert e.hgvs_c == hgvs
    assert (e.exons, e.introns, e.regions) == (exons, introns, regions)
    assert (e.coding_change, e.frame, e.protein) == (change, frame, protein)
    assert e.splice_site is splice
    assert e.consequence == consequence


# notation, start, end, ref, alt, VCF, HGVS (3' rule), exons, introns, regions, coding change,
# frame, protein, splice site, consequence -- all on TP.1 (plus strand)
PLUS_CASES = [
    # c.7 = 17, codon 3 CGA (Arg) -> TGA
    ("c.7C>T", 17, 18, "C", "T", "chrP:18:C:T", "c.7C>T", (1,), (), ("cds",), None, None,
     "p.(Arg3Ter)", False, "stop_gained"),
    # c.9+1 = 20 (G of GT), c.10-1 = 29 (G of AG), c.9+5 = 24 is not a splice-site base
    ("c.9+1G>A", 20, 21, "G", "A", "chrP:21:G:A", "c.9+1G>A", (), (1,), ("intron",), None,
     None, None, True, "splice_donor_variant"),
    ("c.10-1G>A", 29, 30, "G", "A", "chrP:30:G:A", "c.10-1G>A", (), (1,), ("intron",), None,
     None, None, True, "splice_acceptor_variant"),
    ("c.9+5G>T", 24, 25, "G", "T", "chrP:25:G:T", "c.9+5G>T", (), (1,), ("intron",), None,
     None, None, False, "intron_variant"),
    # c.11-13 = GGG at 31-33: one G lost is left-aligned to 31 (VCF anchor T at 30) and
    # described 3'-most, c.13del: a frameshift
    ("c.11delG", 31, 32, "G", "", "chrP:31:TG:T", "c.13del", (2,), (), ("cds",), -1,
     "frameshift", None, False, "frameshift_variant"),
    # c.16_18 = AAA at 36-38 (codon 6, Lys), flanked by C (35) and T (39): in-frame
    ("c.16_18del", 36, 39, "AAA", "", "chrP:36:CAAA:C", "c.16_18del", (2,), (), ("cds",), -3,
     "in_frame", None, False, "inframe_deletion"),
    # one more A in the AAA run: insertion before 36, described as c.18dup
    ("c.18dup", 36, 36, "", "A", "chrP:36:C:CA", "c.18dup", (2,), (), ("cds",), 1,
     "frameshift", None, False, "frameshift_variant"),
    # T between c.15 (35, C) and c.16 (36, A)
    ("c.15_16insT", 36, 36, "", "T", "chrP:36:C:CT", "c.15_16insT", (2,), (), ("cds",), 1,
     "frameshift", None, False, "frameshift_variant"),
    # c.4_5 = AA at 14-15
    ("c.4_5delinsTT", 14, 16, "AA", "TT", "chrP:15:AA:TT", "c.4_5delinsTT", (1,), (),
     ("cds",), None, None, None, False, "protein_altering_variant"),
    # stop codon TAA (50) -> CAA Gln; 3'UTR read on: CCT (Pro), TAG (stop) = 2nd codon
    ("c.25T>C", 50, 51, "T", "C", "chrP:51:T:C", "c.25T>C", (3,), (), ("cds",), None, None,
     "p.(Ter9GlnextTer2)", False, "stop_lost"),
    ("c.1A>G", 11, 12, "A", "G", "chrP:12:A:G", "c.1A>G", (1,), (), ("cds",), None, None,
     "p.(Met1?)", False, "start_lost"),
    # codon 5 GCC (Ala, c.13-15 = 33-35): GCT is Ala, GAC is Asp
    ("c.15C>T", 35, 36, "C", "T", "chrP:36:C:T", "c.15C>T", (2,), (), ("cds",), None, None,
     "p.(Ala5=)", False, "synonymous_variant"),
    ("c.14C>A", 34, 35, "C", "A", "chrP:35:C:A", "c.14C>A", (2,), (), ("cds",), None, None,
     "p.(Ala5Asp)", False, "missense_variant"),
    ("c.-3A>G", 8, 9, "A", "G", "chrP:9:A:G", "c.-3A>G", (1,), (), ("utr5",), None, None, None,
     False, "5_prime_UTR_variant"),
    ("c.*2C>T", 54, 55, "C", "T", "chrP:55:C:T", "c.*2C>T", (3,), (), ("utr3",), None, None,
     None, False, "3_prime_UTR_variant"),
    # AGT at 19-21 (c.9, c.9+1, c.9+2); by the HGVS 3' rule the same loss is GTA at 20-22
    # (c.9+1_9+3), which takes the donor GT: no exon base is lost
    ("c.9_9+2del", 19, 22, "AGT", "", "chrP:19:GAGT:G", "c.9+1_9+3del", (), (1,),
     ("intron",), None, None, None, True, "splice_donor_variant"),
    # between c.24+1 (45, G) and c.24+2 (46, T): splits the donor GT
    ("c.24+1_24+2insA", 46, 46, "", "A", "chrP:46:G:GA", "c.24+1_24+2insA", (), (2,),
     ("intron",), None, None, None, True, "splice_donor_variant"),
    # deletion c.8_10 = GA|..|T (18, 19, 30) is impossible as one range; c.9_10 spans intron 1
    ("c.8_9+1del", 18, 21, "GAG", "", "chrP:18:CGAG:C", "c.8_9+1del", (1,), (1,),
     ("cds", "intron"), None, None, None, True, "splice_donor_variant"),
]

# the same changes on TM.1 (minus strand): position 59 - p, complementary plus-strand bases
MINUS_CASES = [
    # 59-17 = 42, C>T on the transcript is G>A on the plus strand
    ("c.7C>T", 42, 43, "G", "A", "chrN:43:G:A", "c.7C>T", (1,), (), ("cds",), None, None,
     "p.(Arg3Ter)", False, "stop_gained"),
    ("c.9+1G>A", 39, 40, "C", "T", "chrN:40:C:T", "c.9+1G>A", (), (1,), ("intron",), None,
     None, None, True, "splice_donor_variant"),
    ("c.10-1G>A", 30, 31, "C", "T", "chrN:31:C:T", "c.10-1G>A", (), (1,), ("intron",), None,
     None, None, True, "splice_acceptor_variant"),
    # the GGG run (c.11-13) is CCC at 26-28; left-aligned (26) is also 3'-most on the minus
    # strand; VCF anchor at 25 is G (complement of chrP 34 C)
    ("c.11delG", 26, 27, "C", "", "chrN:26:GC:G", "c.13del", (2,), (), ("cds",), -1,
     "frameshift", None, False, "frameshift_variant"),
    # AAA (c.16-18) is TTT at 21-23, anchor A at 20
    ("c.16_18del", 21, 24, "TTT", "", "chrN:21:ATTT:A", "c.16_18del", (2,), (), ("cds",), -3,
     "in_frame", None, False, "inframe_deletion"),
    ("c.18dup", 21, 21, "", "T", "chrN:21:A:AT", "c.18dup", (2,), (), ("cds",), 1,
     "frameshift", None, False, "frameshift_variant"),
    # c.15 = 24, c.16 = 23: the T goes between 23 and 24, as A on the plus strand
    ("c.15_16insT", 24, 24, "", "A", "chrN:24:T:TA", "c.15_16insT", (2,), (), ("cds",), 1,
     "frameshift", None, False, "frameshift_variant"),
    ("c.25T>C", 9, 10, "A", "G", "chrN:10:A:G", "c.25T>C", (3,), (), ("cds",), None, None,
     "p.(Ter9GlnextTer2)", False, "stop_lost"),
    ("c.-3A>G", 51, 52, "T", "C", "chrN:52:T:C", "c.-3A>G", (1,), (), ("utr5",), None, None,
     None, False, "5_prime_UTR_variant"),
    # c.9..c.9+2 is ACT at 38-40; the T at 37 lets it slide left to TAC at 37-39, which is
    # c.9+1_9+3 on the transcript (3' rule)
    ("c.9_9+2del", 37, 40, "TAC", "", "chrN:37:TTAC:T", "c.9+1_9+3del", (), (1,),
     ("intron",), None, None, None, True, "splice_donor_variant"),
]


@pytest.mark.parametrize("case", PLUS_CASES, ids=[c[0] for c in PLUS_CASES])
def test_plus_strand_hand_worked(case) -> None:
    _check(parse_variant(case[0], TP, GENOME), *case[1:])


@pytest.mark.parametrize("case", MINUS_CASES, ids=[c[0] for c in MINUS_CASES])
def test_minus_strand_hand_worked(case) -> None:
    _check(parse_variant(case[0], TM, GENOME), *case[1:])


@pytest.mark.parametrize(("text", "hgvs"), [
    ("chrP:g.18C>T", "c.7C>T"),          # g. is 1-based: g.18 = 17
    ("g.18C>T", "c.7C>T"),               # chromosome taken from the transcript
    ("chrP:18:C:T", "c.7C>T"),
    ("chrP-18-C-T", "c.7C>T"),
    ("P:18:C:T", "c.7C>T"),              # chromosome names match with or without chr
    ("chrP:37:AA:A", "c.18del"),         # not left-aligned: one A of AAA (36-38)
    ("chrP:38:A:AA", "c.18dup"),         # an A after 37: the same as c.18dup
    ("chrP:g.37_39del", "c.16_18del"),   # g.37-39 = 0-based 36-38 = c.16-18 (AAA)
    ("chrP:g.36_37insT", "c.15_16insT"),
    ("NC_000001.11:g.5A>T", None),       # NC_000001 is chromosome 1, not chrP
])
def test_genomic_and_vcf_forms(text: str, hgvs: str | None) -> None:
    if hgvs is None:
        with pytest.raises(InvalidVariantError, match=r"is on chromosome 1, but TP\.1 is on chrP"):
            parse_variant(text, TP, GENOME)
        return
    v = parse_variant(text, TP, GENOME)
    assert v.effect.hgvs_c == hgvs


def test_vcf_insertion_that_copies_its_neighbour_is_a_duplication() -> None:
    v = parse_variant("chrP:38:A:AA", TP, GENOME)
    assert v.kind == "duplication"
    assert (v.start, v.end, v.ref, v.alt) == (36, 36, "", "A")
    assert parse_variant("chrP:36:C:CT", TP, GENOME).kind == "insertion"
    assert parse_variant("chrP:37:AA:A", TP, GENOME).kind == "deletion"
    assert parse_variant("chrP:15:AA:TT", TP, GENOME).kind == "delins"


def test_vcf_record_round_trips() -> None:
    for case in PLUS_CASES:
        v = parse_variant(case[0], TP, GENOME)
        back = parse_variant(str(v.vcf), TP, GENOME)
        assert (back.start, back.end, back.ref, back.alt) == (v.start, v.end, v.ref, v.alt)
        assert back.effect.hgvs_c == v.effect.hgvs_c


@pytest.mark.parametrize(("text", "change", "frame", "hgvs", "note"), [
    # exon 2 = 15 coding nt (c.10-24)
    ("del ex2", -15, "in_frame", "c.(9+1_10-1)_(24+1_25-1)del", "removes 15 coding nt"),
    ("exon 2 deletion", -15, "in_frame", "c.(9+1_10-1)_(24+1_25-1)del", None),
    ("ex2del", -15, "in_frame", "c.(9+1_10-1)_(24+1_25-1)del", None),
    ("dup ex2", 15, "in_frame", "c.(9+1_10-1)_(24+1_25-1)dup", None),
    ("del ex1", None, None, "c.(?_-6)_(9+1_10-1)del", "removes the start codon (exon 1)"),
    ("del ex2-3", None, None, "c.(9+1_10-1)_(*6_?)del", "removes the stop codon (exon 3)"),
    ("dup ex3", None, None, "c.(24+1_25-1)_(*6_?)dup", "includes the stop codon (exon 3)"),
])
def test_exon_level_plus(text, change, frame, hgvs, note) -> None:
    v = parse_variant(text, TP, GENOME)
    assert v.is_exon_level
    assert v.ref is None
    assert v.alt is None
    e = v.effect
    assert (e.coding_change, e.frame, e.hgvs_c) == (change, frame, hgvs)
    if note:
        assert any(n.startswith(note) for n in e.notes)


def test_exon_level_coordinates_both_strands() -> None:
    v = parse_variant("del ex2", TP, GENOME)
    assert (v.kind, v.start, v.end, v.exon_range) == ("exon_deletion", 30, 45, (2, 2))
    # symbolic VCF: anchor base 29 (1-based 30) is the G ending intron 1; END = 45 (1-based)
    assert (v.vcf.pos, v.vcf.ref, v.vcf.alt, v.vcf.end) == (30, "G", "<DEL>", 45)
    v = parse_variant("del ex2-3", TP, GENOME)
    assert (v.start, v.end, v.effect.exons, v.effect.introns) == (30, 59, (2, 3), (2,))
    m = parse_variant("dup ex2", TM, GENOME)
    # exon 2 of TM.1 is [15,30); anchor 14 is C (complement of chrP 45, G)
    assert (m.kind, m.start, m.end) == ("exon_duplication", 15, 30)
    assert (m.vcf.pos, m.vcf.ref, m.vcf.alt, m.vcf.end) == (15, "C", "<DUP>", 30)
    assert (m.effect.coding_change, m.effect.frame) == (15, "in_frame")


def test_exon_level_needs_no_genome() -> None:
    v = parse_variant("dup ex2", TP)
    assert v.vcf.ref == "N"
    assert v.effect.frame == "in_frame"


def test_gene_target_and_accessions() -> None:
    v = parse_variant("TP.1:c.7C>T", GP, GENOME)
    assert (v.transcript, v.accession) == ("TP.1", "TP.1")
    assert parse_variant("TP:c.7C>T", GP, GENOME).transcript == "TP.1"  # version optional
    assert parse_variant("TP.1(GP):c.7C>T", GP, GENOME).effect.protein == "p.(Arg3Ter)"
    assert parse_variant("c.7C>T", GP, GENOME, transcript="TP.1").start == 17
    # g. positions may lie in the gene but outside the transcript: upstream of TP.1
    v = parse_variant("chrP:g.4C>T", GP, GENOME)
    assert (v.effect.regions, v.effect.consequence) == (("upstream",),
                                                        "upstream_gene_variant")
    # 3 is two bases before c.-6 (5): written as an offset from the transcript's first base,
    # and that form reads back inside the gene
    assert v.effect.hgvs_c == "c.-6-2C>T"
    assert parse_variant("c.-6-2C>T", GP, GENOME).start == 3
    with pytest.raises(InvalidVariantError, match=r"lies outside TP\.1 \(chrP:6-59\)"):
        parse_variant("c.-6-2C>T", TP, GENOME)
    with pytest.raises(InvalidVariantError, match=r"lies outside GP \(chrP:3-59\)"):
        parse_variant("c.-6-4C>T", GP, GENOME)


def test_indel_at_an_exon_edge_is_read_inside_the_exon() -> None:
    # exon 2 ends CCAG (41-44) and intron 2 starts GTCAG (45-49)
    # one G of GG (44-45) lost: VCF anchor A at 43; HGVS 3' rule gives c.24+1del, but the same
    # result keeps GT at the junction (...CCA|GTCAG): an exonic frameshift, not a splice variant
    v = parse_variant("c.24del", TP, GENOME)
    assert (str(v.vcf), v.effect.hgvs_c) == ("chrP:44:AG:A", "c.24+1del")
    e = v.effect
    assert (e.exons, e.introns, e.frame, e.splice_site, e.consequence) == (
        (2,), (), "frameshift", False, "frameshift_variant")
    assert e.notes[0].startswith("the same change as c.24del, inside the exon")
    # CAG (42-44) copied: left-aligned before 42 (C at 41 differs from the last G); it slides
    # right to the junction (45), but one step back (44) is inside exon 2: in frame, +3
    v = parse_variant("c.22_24dup", TP, GENOME)
    assert (str(v.vcf), v.effect.hgvs_c) == ("chrP:42:C:CCAG", "c.22_24dup")
    assert (v.effect.regions, v.effect.frame, v.effect.coding_change, v.effect.splice_site) == (
        ("cds",), "in_frame", 3, False)
    # the minus-strand copy: same verdicts
    m = parse_variant("c.24del", TM, GENOME).effect
    assert (m.hgvs_c, m.frame, m.splice_site) == ("c.24+1del", "frameshift", False)


def test_sequence_deletion_of_a_whole_exon() -> None:
    # g.26_48 = 0-based 25-47: intron 1 from c.10-5 (25), all of exon 2 (30-44), intron 2 to
    # c.24+3 (47). The donor GT of intron 1 (20-21) and the acceptor AG of intron 2 (48-49)
    # stay, so exon 2 (15 coding nt) is lost whole: in frame
    e = parse_variant("chrP:g.26_48del", TP, GENOME).effect
    assert (e.hgvs_c, e.exons, e.introns) == ("c.10-5_24+3del", (2,), (1, 2))
    assert (e.consequence, e.frame, e.coding_change, e.splice_site) == (
        "exon_loss_variant", "in_frame", -15, False)
    # one base more on the left takes c.9+2 (21), the T of the donor: no frame verdict
    e = parse_variant("chrP:g.22_48del", TP, GENOME).effect
    assert (e.frame, e.splice_site) == (None, True)
    # one base more on the right takes c.25-2 (48), the A of the acceptor
    e = parse_variant("chrP:g.26_49del", TP, GENOME).effect
    assert (e.frame, e.splice_site, e.consequence) == (None, True, "splice_acceptor_variant")


def test_effect_on_another_transcript() -> None:
    # TP2 skips exon 2: the variant at 34 is intronic there
    tp2 = Transcript("TP2.1", "GP", "chrP", "+", ((5, 20), (50, 59)), cds=(11, 53))
    v = parse_variant("c.14C>A", TP, GENOME)
    e = effect_on(v, tp2, GENOME)
    assert (e.transcript, e.regions, e.introns, e.consequence) == (
        "TP2.1", ("intron",), (1,), "intron_variant")
    assert e.hgvs_c == "c.9+15C>A"  # 34 is the 15th intron base after c.9 (19), 16 before 50


def test_variant_is_immutable_and_serialisable() -> None:
    v = parse_variant("c.16_18del", TP, GENOME)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.start = 0  # type: ignore[misc]
    d = json.loads(json.dumps(v.to_dict()))
    assert d["vcf"] == {"chrom": "chrP", "pos": 36, "ref": "CAAA", "alt": "C", "end": None}
    assert d["effect"]["frame"] == "in_frame"
    assert v.length_change == -3
    assert v.location == "chrP:37-39"


# --------------------------------------------------------------------------------------------
# notation syntax


@pytest.mark.parametrize(("text", "system", "kind", "first", "last", "ref", "alt"), [
    ("c.31A>T", "c", "substitution", CPos(31), CPos(31), "A", "T"),
    ("NM_004006.2:c.6614+1G>A", "c", "substitution", CPos(6614, 1), CPos(6614, 1), "G", "A"),
    ("c.1890 + 1G>T", "c", "substitution", CPos(1890, 1), CPos(1890, 1), "G", "T"),
    ("c.-14g>a", "c", "substitution", CPos(-14), CPos(-14), "G", "A"),
    ("c.*18G>A", "c", "substitution", CPos(18, utr3=True), CPos(18, utr3=True), "G", "A"),
    ("c.6615-2A>G", "c", "substitution", CPos(6615, -2), CPos(6615, -2), "A", "G"),
    ("c.100_102del", "c", "deletion", CPos(100), CPos(102), "", ""),
    ("c.100_102delAGG", "c", "deletion", CPos(100), CPos(102), "AGG", ""),
    ("c.10dup", "c", "duplication", CPos(10), CPos(10), "", ""),
    ("c.76_77insT", "c", "insertion", CPos(76), CPos(77), "", "T"),
    ("c.5_6delinsTT", "c", "delins", CPos(5), CPos(6), "", "TT"),
    ("c.5_6delAGinsTT", "c", "delins", CPos(5), CPos(6), "AG", "TT"),
    ("chrX:g.32389644G>A", "g", "substitution", 32389644, 32389644, "G", "A"),
    ("21:25585733:C:T", "vcf", "substitution", 25585733, 25585733, "C", "T"),
    ("del ex45-50", "exon", "exon_deletion", 45, 50, "", ""),
    ("dup ex2", "exon", "exon_duplication", 2, 2, "", ""),
    ("Deletion of exons 45-55", "exon", "exon_deletion", 45, 55, "", ""),
    ("ex46_47del", "exon", "exon_deletion", 46, 47, "", ""),
])
def test_parse_notation(text, system, kind, first, last, ref, alt) -> None:
    n = parse_notation(text)
    assert (n.system, n.kind, n.first, n.last, n.ref, n.alt) == (system, kind, first, last, ref,
                                                                 alt)


def test_parse_notation_references() -> None:
    n = parse_notation("NM_004006.2(DMD):c.4375C>T")
    assert (n.accession, n.gene) == ("NM_004006.2", "DMD")
    assert parse_notation("NC_000023.11:g.32389644G>A").chrom == "X"
    assert parse_notation("NC_000001.11:g.5A>T").chrom == "1"
    assert parse_notation("NC_012920.1:g.5A>T").chrom == "MT"
    assert parse_notation("chrX-32389644-G-A").chrom == "chrX"


# each bad string gets one line naming it and what is wrong
@pytest.mark.parametrize(("text", "fragment"), [
    ("", "is empty"),
    ("hello", "expected HGVS c."),
    ("c.31", "no change"),
    ("c.31A>", "must be one base to another"),
    ("c.31A>TT", "must be one base to another"),
    ("c.31_32A>T", "a substitution (>) names one position"),
    ("c.31insT", "names the two bases it lies between"),
    ("c.31_33inv", "not supported"),
    ("c.31_32ins3", "gives a length instead of bases"),
    ("c.31del3", "gives a length instead of bases"),
    ("c.31=", "describes no change"),
    ("c.31A>N", "must be one base to another"),
    ("c.0A>T", "no position c.0"),
    ("c.*0A>T", "c.*N needs N >= 1"),
    ("c.9+0G>A", "zero intronic offset"),
    ("NP_003997.1:p.Arg1459Ter", "protein (p.) descriptions"),
    ("p.(Arg1459*)", "protein (p.) descriptions"),
    ("NM_004006.2:r.4375c>u", "HGVS r. descriptions are not supported"),
    ("NM_004006.2:g.100A>T", "is not a chromosome"),
    ("g.0A>T", "1-based"),
    ("del ex50-45", "reversed"),
    ("del ex0", "start at 1"),
    ("21:25585733:C:T,G", "several alleles"),
    ("21:25585733:C:<DEL>", "not a sequence"),
    ("21:25585733:C:N", "alleles must be A, C, G, T"),
    ("21:25585733:C:C", "no change"),
    ("21:0:C:T", "1-based"),
])
def test_bad_notation(text: str, fragment: str) -> None:
    with pytest.raises(InvalidVariantError) as info:
        parse_notation(text)
    msg = str(info.value)
    assert "\n" not in msg
    assert fragment in msg
    if text:
        assert msg.startswith(text.strip() + ":")


# variants that parse but do not fit the transcript, gene or genome
@pytest.mark.parametrize(("text", "target", "fragment"), [
    ("c.28A>T", TP, "past the stop codon of TP.1 (the CDS is c.1-c.27)"),
    ("c.-7A>T", TP, "lies upstream of TP.1, whose first base is c.-6"),
    ("c.*7A>T", TP, "lies downstream of TP.1, whose last base is c.*6"),
    ("c.9+11A>T", TP, "c.9+11 runs past intron 1, which is 10 bp long"),
    ("c.10-11A>T", TP, "c.10-11 runs past intron 1, which is 10 bp long"),
    ("c.24+6A>T", TM, "c.24+6 runs past intron 2, which is 5 bp long"),
    ("c.8+1A>T", TP, "c.8 is not one (exon 1 ends at c.9)"),
    ("c.11-1A>T", TP, "c.11 is not one (exon 2 starts at c.10)"),
    ("c.11-1A>T", TM, "c.11 is not one (exon 2 starts at c.10)"),
    ("c.18_16del", TP, "is reversed"),
    ("c.18_16del", TM, "is reversed"),
    ("c.16_16insT", TP, "names the same base twice"),
    ("c.15_17insT", TP, "c.15 and c.17 are not neighbours"),
    ("chrP:g.40_43insT", TP, "g.40 and g.43 are not neighbours"),
    ("chrP:g.45_42del", TP, "is reversed"),
    ("c.16_18delAA", TP, "states 2 reference bases (AA) but the range covers 3"),
    ("c.15C>C", TP, "substitutes a base by itself"),
    ("c.4_5delinsAA", TP, "by the same bases"),
    ("chrP:g.2C>T", TP, "lies outside TP.1 (chrP:6-59)"),
    ("chrP:g.1C>T", GP, "lies outside GP (chrP:3-59)"),
    ("chr2:10:A:T", TP, "is on chromosome chr2, but TP.1 is on chrP"),
    ("del ex4", TP, "TP.1 has exons 1-3; there is no exon 4"),
    ("dup ex2-7", TP, "there is no exon 7"),
    ("TX.9:c.7C>T", TP, "names transcript TX.9, but the variant is mapped on TP.1"),
    ("TP.1(OTHER):c.7C>T", GP, "names gene OTHER"),
])
def test_variant_outside_or_inconsistent(text, target, fragment) -> None:
    with pytest.raises(InvalidVariantError) as info:
        parse_variant(text, target, GENOME)
    assert not isinstance(info.value, ReferenceMismatchError)
    assert fragment in str(info.value)
    assert str(info.value).startswith(text + ":")


def test_non_coding_transcript_has_no_c_positions() -> None:
    nc = Transcript("NR_1.1", "GP", "chrP", "+", ((5, 20), (30, 45)))
    with pytest.raises(InvalidVariantError, match="non-coding"):
        parse_variant("c.5A>T", nc, GENOME)
    v = parse_variant("chrP:g.18C>T", nc, GENOME)  # genomic forms work, with n. numbering
    assert (v.effect.hgvs_c, v.effect.consequence) == (
        "n.13C>T", "non_coding_transcript_exon_variant")


@pytest.mark.parametrize(("text", "target", "message"), [
    # c.7 is C (chrP:18); the minus-strand copy names its transcript-strand base
    ("c.7G>T", TP, "c.7G>T: reference is C at chrP:18, not G"),
    ("c.7G>T", TM, "c.7G>T: reference is C at chrN:43 (minus strand), not G"),
    ("c.16_18delAAT", TP, "c.16_18delAAT: reference is AAA at chrP:37-39, not AAT"),
    ("c.9+1T>A", TP, "c.9+1T>A: reference is G at chrP:21, not T"),
    ("chrP:18:G:T", TP, "chrP:18:G:T: reference is C at chrP:18, not G"),
    ("chrP:g.18A>T", TP, "chrP:g.18A>T: reference is C at chrP:18, not A"),
])
def test_reference_mismatch_names_both_bases(text, target, message) -> None:
    with pytest.raises(ReferenceMismatchError) as info:
        parse_variant(text, target, GENOME)
    assert str(info.value) == message


def test_missing_genome_and_unknown_transcript() -> None:
    with pytest.raises(MissingDataError, match="a genome is needed"):
        parse_variant("c.7C>T", TP)
    with pytest.raises(UnknownGeneError, match="not a transcript of GP"):
        parse_variant("TP.2:c.7C>T", GP, GENOME)
    with pytest.raises(InvalidVariantError, match=r"--transcript asks for TP\.1"):
        parse_variant("TX.1:c.7C>T", GP, GENOME, transcript="TP.1")


# --------------------------------------------------------------------------------------------
# DMD (NM_004006.2, GRCh38, minus strand) from the shared NCBI records

LOCUS_END = 33344609  # the GenBank slice is complement(31117221..33344609) of NC_000023.11


@pytest.fixture(scope="module")
def dmd(shared_data: Path) -> tuple[Transcript, InMemoryGenome, list[int], str]:
    """NM_004006.2 placed on GRCh38 from the NCBI locus record, with the locus sequence.

    Record position p (0-based) is chrX 0-based LOCUS_END - 1 - p; an interval [s, e) of the
    record is [LOCUS_END - e, LOCUS_END - s) on the chromosome.
    """
    from Bio import SeqIO

    gb = shared_data / ("genes/genbank/"
                        "DMD_locus_GRCh38_chrX_31117221-33344609_rc.UD_139262478721.gb.gz")
    with gzip.open(gb, "rt") as fh:
        rec = SeqIO.read(fh, "genbank")
    mrna = next(f for f in rec.features if f.type == "mRNA"
                and f.qualifiers.get("transcript_id") == ["NM_004006.2"])
    cds = next(f for f in rec.features if f.type == "CDS"
               and f.qualifiers.get("protein_id") == ["NP_003997.1"])
    exons = tuple((LOCUS_END - int(p.end), LOCUS_END - int(p.start)) for p in mrna.location.parts)
    tx = Transcript("NM_004006.2", "DMD", "chrX", "-", exons,
                    cds=(LOCUS_END - int(cds.location.end), LOCUS_END - int(cds.location.start)))
    fa = shared_data / ("genomes/human/"
                        "GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721.fa.gz")
    with gzip.open(fa, "rt") as fh:
        header = fh.readline()[1:].split()[0]
        seq = "".join(line.strip() for line in fh)
    genome = InMemoryGenome({header: seq}, name="DMD locus")
    with gzip.open(shared_data / "genes/genbank/NM_004006.2.gb.gz", "rt") as fh:
        nm = SeqIO.read(fh, "genbank")
    nm_exon_lengths = [len(f) for f in nm.features if f.type == "exon"]
    translation = next(f for f in nm.features if f.type == "CDS").qualifiers["translation"][0]
    return tx, genome, nm_exon_lengths, translation


@pytest.mark.parametrize(("text", "vcf", "protein", "exon"), [
    # ProtVar / SpliceAI API docs: NM_004006.2:c.4375C>T = NC_000023.11:g.32389644G>A
    ("c.4375C>T", "chrX:32389644:G:A", "p.(Arg1459Ter)", 32),
    ("NM_004006.2:c.4375C>T", "chrX:32389644:G:A", "p.(Arg1459Ter)", 32),
    ("c.8713C>T", None, "p.(Arg2905Ter)", 59),
    ("c.7657C>T", None, "p.(Arg2553Ter)", 52),
])
def test_dmd_nonsense_variants(dmd, text, vcf, protein, exon) -> None:
    tx, genome, _lengths, translation = dmd
    v = parse_variant(text, tx, genome)
    if vcf:
        assert str(v.vcf) == vcf
    assert v.effect.protein == protein
    assert v.effect.consequence == "stop_gained"
    assert v.effect.exons == (exon,)
    codon = int(protein[6:-4])
    assert translation[codon - 1] == "R"  # NP_003997.1 has Arg there
    # the VCF form gives the same description back
    assert parse_variant(str(v.vcf), tx, genome).effect.protein == protein


def test_dmd_exon_52_bounds(dmd) -> None:
    tx, genome, lengths, _ = dmd
    # NM_004006.2:c.7543_7660del is the deletion of exon 52 (118 nt)
    e = parse_variant("del ex52", tx, genome).effect
    assert e.hgvs_c == "c.(7542+1_7543-1)_(7660+1_7661-1)del"
    assert e.coding_change == -lengths[51] == -118
    assert e.frame == "frameshift"


def test_dmd_intronic_donor(dmd) -> None:
    tx, genome, _, _ = dmd
    v = parse_variant("NM_004006.2:c.6614+1G>A", tx, genome)
    e = v.effect
    assert (e.introns, e.exons, e.splice_site, e.consequence) == (
        (45,), (), True, "splice_donor_variant")
    # intron 45 begins right after exon 45 (c.6439-6614); on the minus strand it lies below
    exon45 = tx.exons[44]
    assert v.start == exon45[0] - 1
    assert (v.ref, v.alt) == ("C", "T")  # G>A on the transcript strand
    assert parse_variant("c.6615-1G>A", tx, genome).effect.consequence == \
        "splice_acceptor_variant"


@pytest.mark.parametrize(("text", "exons"), [
    ("del ex45-50", range(45, 51)),
    ("del ex45-55", range(45, 56)),
    ("del ex52", range(52, 53)),
    ("del ex46-47", range(46, 48)),
    ("del ex3-7", range(3, 8)),
])
def test_dmd_exon_deletion_frame_from_genbank_lengths(dmd, text, exons) -> None:
    tx, genome, lengths, _ = dmd
    removed = sum(lengths[k - 1] for k in exons)  # these exons are wholly coding
    e = parse_variant(text, tx, genome).effect
    assert e.exons == tuple(exons)
    assert e.coding_change == -removed
    assert e.frame == ("in_frame" if removed % 3 == 0 else "frameshift")


def test_dmd_sequence_level_exon_deletion(dmd) -> None:
    tx, genome, lengths, _ = dmd
    # exons 45-50 with 100 intronic bases on each side, as a g. range (plus strand):
    # exon 50 is the leftmost on the minus strand, exon 45 the rightmost
    lo, hi = tx.exons[49][0] - 100, tx.exons[44][1] + 100
    e = parse_variant(f"chrX:g.{lo + 1}_{hi}del", tx, genome).effect
    assert e.hgvs_c == "c.6439-100_7309+100del"
    assert (e.consequence, e.exons) == ("exon_loss_variant", tuple(range(45, 51)))
    assert e.coding_change == -sum(lengths[44:50]) == -871
    assert e.frame == "frameshift"


def test_dmd_known_frames(dmd) -> None:
    tx, genome, _, _ = dmd
    # del 45-50 (871 nt) is out of frame, del 45-55 (1779 nt) in frame, dup 2 (62 nt) out
    assert parse_variant("del ex45-50", tx, genome).effect.frame == "frameshift"
    assert parse_variant("del ex45-55", tx, genome).effect.frame == "in_frame"
    dup = parse_variant("dup ex2", tx, genome).effect
    assert (dup.frame, dup.coding_change) == ("frameshift", 62)
    e = parse_variant("del ex1", tx, genome).effect
    assert e.frame is None
    assert any("start codon" in n for n in e.notes)


def test_dmd_exon_edges_match_the_mrna_record(dmd, shared_data: Path) -> None:
    """The first and last base of every exon, read from the NM_004006.2 record, is the base
    the mapping finds in the genome (all 158 edges)."""
    from Bio import SeqIO

    tx, genome, _, _ = dmd
    with gzip.open(shared_data / "genes/genbank/NM_004006.2.gb.gz", "rt") as fh:
        nm = SeqIO.read(fh, "genbank")
    seq = str(nm.seq).upper()
    c1 = int(next(f for f in nm.features if f.type == "CDS").location.start)
    cds_len = 11058
    checked = 0
    for f in (f for f in nm.features if f.type == "exon"):
        for i in (int(f.location.start), int(f.location.end) - 1):
            n = i - c1 + 1
            pos = f"c.{n}" if 1 <= n <= cds_len else (f"c.{i - c1}" if n < 1
                                                      else f"c.*{n - cds_len}")
            base = seq[i]
            alt = "A" if base != "A" else "C"
            parse_variant(f"{pos}{base}>{alt}", tx, genome)  # raises on a mismatch
            checked += 1
    assert checked == 158


def test_dmd_outside_and_mismatch(dmd) -> None:
    tx, genome, _, _ = dmd
    with pytest.raises(InvalidVariantError, match="has exons 1-79; there is no exon 80"):
        parse_variant("del ex80", tx, genome)
    with pytest.raises(InvalidVariantError, match=r"the CDS is c\.1-c\.11058"):
        parse_variant("c.11059A>T", tx, genome)
    with pytest.raises(ReferenceMismatchError,
                       match=r"reference is C at chrX:32,389,644 \(minus strand\), not A"):
        parse_variant("c.4375A>T", tx, genome)


# --------------------------------------------------------------------------------------------
# chr21 (GRCh38, Ensembl VEP test region) through the gene pack


def test_chr21_vcf_matches_vep() -> None:
    from genetx.genome.genes import load_gene

    hit = load_gene("MRPL39")
    v = parse_variant("21:25585733:C:T", hit.gene, hit.genome, transcript="ENST00000352957")
    e = v.effect
    assert (e.hgvs_c, e.protein, e.exons, e.consequence) == (
        "c.991G>A", "p.(Ala331Thr)", (10,), "missense_variant")
    v2 = parse_variant("21:25585733:C:T", hit.gene, hit.genome, transcript="ENST00000307301")
    assert (v2.effect.hgvs_c, v2.effect.exons, v2.effect.consequence) == (
        "c.*18G>A", (11,), "3_prime_UTR_variant")
    # and the transcript descriptions map back to the VCF position
    back = parse_variant("ENST00000352957.8:c.991G>A", hit.gene, hit.genome)
    assert str(back.vcf) == f"{v.chrom}:25585733:C:T"
    assert parse_variant("ENST00000307301.11:c.*18G>A", hit.gene, hit.genome).start == \
        25585732
    with pytest.raises(ReferenceMismatchError, match=r"reference is C at .*25,585,733, not G"):
        parse_variant("21:25585733:G:T", hit.gene, hit.genome)


@pytest.mark.parametrize(("tid", "pos1"), [
    ("ENST00000400532", 25706002), ("ENST00000480456", 25706002), ("ENST00000312957", 25712347),
])
def test_chr21_plus_strand_jam2(tid: str, pos1: int) -> None:
    from genetx.genome.genes import load_gene

    hit = load_gene("JAM2")
    t = hit.gene.transcript(tid)
    assert t.strand == "+"
    # VEP maps JAM2:c.721A>T to these positions; the base found there decides the stated REF
    base = hit.genome.fetch(t.chrom, pos1 - 1, pos1).upper()
    alt = "T" if base != "T" else "A"
    v = parse_variant(f"c.721{base}>{alt}", hit.gene, hit.genome, transcript=tid)
    assert v.start + 1 == pos1
    assert v.effect.hgvs_c == f"c.721{base}>{alt}"
