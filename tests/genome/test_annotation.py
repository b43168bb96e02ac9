"""Annotation readers (GTF, GFF3, GenBank) against independent truth.

Truth used here, none of it produced by GeneTx:

* the DMD locus GenBank slice (NCBI, GRCh38 chrX complement(31117221..33344609)) read with
  Biopython, and the separate NM_004006.2 mRNA record (its exon features and sequence);
* facts about DMD Dp427m (NM_004006.2): 79 exons, CDS 11,058 nt, 3,685 aa, minus strand;
  exon 44 ends at c.6438 and exon 45 at c.6614 (the NM record's exon features say so too);
* the Ensembl chr21 GFF3 counted here with plain gzip + split, and its own ``ensembl_phase`` /
  ``ensembl_end_phase`` exon attributes and CDS column-8 phases;
* the GT/AG splice-site consensus, and translation of CDSs from the chr21 and MECP2 sequences;
* hand-written GTF/GFF3 snippets whose answers are worked out in comments.
"""

from __future__ import annotations

import gzip
import random
from collections import Counter
from pathlib import Path

import pytest

from genetx.core.seq import reverse_complement, translate
from genetx.errors import BadInputError, MalformedFileError, UnknownGeneError
from genetx.genome import InMemoryGenome
from genetx.genome.annotation import (
    Placement,
    read_annotation,
    read_genbank,
    read_gff3,
    read_gtf,
)
from genetx.genome.models import CPos

DMD_LOCUS = "genes/genbank/DMD_locus_GRCh38_chrX_31117221-33344609_rc.UD_139262478721.gb.gz"
NM_DMD = "genes/genbank/NM_004006.2.gb.gz"
CHR21_GFF = "annotation/Ensembl_GRCh38_chr21.ensembl_vep_test.gff3.gz"
CHR21_FA = "genomes/human/GRCh38_chr21_ensembl_vep_testdb_regions.fa.gz"
MECP2_GFF = "genes/refseqgene_fasta_gff3/NG_007107.2.gff3.gz"
MECP2_FA = "genes/refseqgene_fasta_gff3/NG_007107.2.fasta.gz"


def _bio_record(path: Path):
    from Bio import SeqIO

    with gzip.open(path, "rt") as fh:
        return SeqIO.read(fh, "genbank")


def _read_fasta_gz(path: Path) -> dict[str, str]:
    seqs: dict[str, list[str]] = {}
    name = ""
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith(">"):
                name = line[1:].split()[0]
                seqs[name] = []
            else:
                seqs[name].append(line.strip())
    return {k: "".join(v) for k, v in seqs.items()}


@pytest.fixture(scope="module")
def dmd(shared_data: Path):
    # NCBI slice: record base 1 = chrX 33,344,609; record is complement(31117221..33344609)
    return read_genbank(shared_data / DMD_LOCUS, placement=("chrX", 31117220, True))


@pytest.fixture(scope="module")
def dmd_bio(shared_data: Path):
    return _bio_record(shared_data / DMD_LOCUS)


@pytest.fixture(scope="module")
def nm_bio(shared_data: Path):
    return _bio_record(shared_data / NM_DMD)


@pytest.fixture(scope="module")
def chr21(shared_data: Path):
    return read_gff3(shared_data / CHR21_GFF)


# ------------------------------------------------------------------------------ DMD (GenBank)


def test_dmd_dp427m_structure(dmd) -> None:
    tx = dmd.transcript("NM_004006.2")
    assert tx.chrom == "chrX"
    assert tx.strand == "-"
    assert tx.exon_count == 79
    assert tx.cds_length == 11_058
    assert tx.protein_length == 3_685
    assert dmd.gene("DMD").transcript("NM_004006") is tx


def test_dmd_auto_placement_equals_explicit(shared_data: Path, dmd) -> None:
    auto = read_genbank(shared_data / DMD_LOCUS, placement="auto")
    a, b = auto.transcript("NM_004006.2"), dmd.transcript("NM_004006.2")
    assert (a.chrom, a.exons, a.cds) == (b.chrom, b.exons, b.cds)
    assert list(auto.sequences) == ["chrX:31117221-33344609"]


def test_dmd_exon_lengths_equal_genbank_parts(dmd, dmd_bio, nm_bio) -> None:
    tx = dmd.transcript("NM_004006.2")
    feat = next(f for f in dmd_bio.features
                if f.type == "mRNA" and f.qualifiers.get("transcript_id") == ["NM_004006.2"])
    # DMD lies on the plus strand of the record, so the parts are already 5' -> 3'
    assert [len(p) for p in feat.location.parts] == list(tx.exon_lengths)
    nm_exons = [f for f in nm_bio.features if f.type == "exon"]
    assert [len(f.location) for f in nm_exons] == list(tx.exon_lengths)
    assert sum(tx.exon_lengths) == len(nm_bio.seq) == 13_993


def test_dmd_unplaced_record_coordinates_match_biopython(shared_data: Path, dmd_bio) -> None:
    ann = read_genbank(shared_data / DMD_LOCUS)
    for feat in dmd_bio.features:
        if feat.type != "mRNA":
            continue
        tx = ann.transcript(feat.qualifiers["transcript_id"][0])
        assert tx.chrom == "NC_000023.11"
        assert tx.strand == "+"
        assert list(tx.exons) == [(int(p.start), int(p.end)) for p in feat.location.parts]


def test_dmd_spliced_sequence_against_nm_record(dmd, nm_bio) -> None:
    tx = dmd.transcript("NM_004006.2")
    mrna = tx.spliced_sequence(dmd.genome()).upper()
    ref = str(nm_bio.seq).upper()
    assert len(mrna) == len(ref)
    # SOURCES.md / the record's note: "The RefSeq transcript has 3 substitutions compared to
    # this genomic sequence"
    assert sum(a != b for a, b in zip(mrna, ref, strict=True)) == 3


def test_dmd_protein_from_record_sequence(shared_data: Path, dmd, dmd_bio) -> None:
    # genome built here from the record's own sequence (reverse complement onto chrX)
    genome = InMemoryGenome({"chrX:31117221-33344609": reverse_complement(str(dmd_bio.seq))})
    tx = dmd.transcript("NM_004006.2")
    cds = tx.cds_sequence(genome).upper()
    aa = translate(cds)
    assert cds.startswith("ATG")
    assert aa.startswith("M")
    assert aa.endswith("*")
    assert "*" not in aa[:-1]
    prot = tx.protein(genome)
    assert len(prot) == 3_685
    cds_feat = next(f for f in dmd_bio.features if f.type == "CDS"
                    and f.qualifiers.get("protein_id") == ["NP_003997.1"])
    ref = cds_feat.qualifiers["translation"][0]
    assert len(ref) == len(prot)
    assert sum(a != b for a, b in zip(prot, ref, strict=True)) <= 3  # the 3 RefSeq SNVs


def test_dmd_cds_matching_gives_record_protein_lengths(dmd, dmd_bio) -> None:
    """Every CDS is matched to an mRNA: our protein lengths equal the /translation lengths."""
    ours = sorted(t.protein_length for t in dmd.transcripts() if t.is_coding)
    theirs = sorted(len(f.qualifiers["translation"][0]) for f in dmd_bio.features
                    if f.type == "CDS")
    assert ours == theirs


def test_dmd_canonical_is_reference_transcript(dmd) -> None:
    # no MANE tag in this 2014 record: curated NM_ before XM_, then the longest CDS
    assert dmd.gene("DMD").canonical().id == "NM_004006.2"


def test_dmd_hgvs_examples(dmd, nm_bio) -> None:
    tx = dmd.transcript("NM_004006.2")
    genome = dmd.genome()
    # c.1 is the first base of the CDS, the highest coordinate on the minus strand
    assert tx.c_to_genome("c.1") == tx.cds[1] - 1
    assert genome.fetch("chrX", tx.cds[1] - 3, tx.cds[1], "-").upper() == "ATG"
    # exon 44 ends at c.6438 and exon 45 at c.6614: NM record exon ends minus the 244-nt 5'UTR
    cds_start = next(int(f.location.start) for f in nm_bio.features if f.type == "CDS")
    assert cds_start == 244
    nm_exons = [f for f in nm_bio.features if f.type == "exon"]
    assert int(nm_exons[43].location.end) - cds_start == 6438
    assert int(nm_exons[44].location.end) - cds_start == 6614
    table = tx.exon_table()
    ex44 = table[table["exon_number"] == 44].iloc[0]
    assert ex44["cds_end"] == 6438
    assert ex44["length"] == 148
    assert ex44["phase"] == 2
    assert ex44["end_phase"] == 0
    ex45 = table[table["exon_number"] == 45].iloc[0]
    assert ex45["cds_start"] == 6439
    assert ex45["cds_end"] == 6614
    assert ex45["length"] == 176
    # last base of exon 44 is its lowest coordinate; c.6438+1 is the base below it
    last44 = tx.c_to_genome("c.6438")
    assert last44 == ex44["Start"]
    assert tx.c_to_genome("c.6438+1") == last44 - 1
    assert tx.genome_to_c(last44 - 1) == CPos(6438, 1)
    assert tx.genome_to_c(ex45["End"]) == CPos(6439, -1)
    # the intron starts with GT and ends with AG (donor / acceptor consensus)
    assert genome.fetch("chrX", last44 - 2, last44, "-").upper() == "GT"
    assert genome.fetch("chrX", ex45["End"], ex45["End"] + 2, "-").upper() == "AG"
    # the mRNA base at c.6438 (mRNA position 6438 + 244) is the genome base there
    assert genome.fetch("chrX", last44, last44 + 1, "-").upper() == \
        str(nm_bio.seq[6438 + 244 - 1]).upper()
    assert tx.c_to_p("c.6438") == (2146, 3)


def test_dmd_all_introns_have_splice_consensus(dmd) -> None:
    tx = dmd.transcript("NM_004006.2")
    genome = dmd.genome()
    sites = Counter()
    for s, e in tx.introns:
        intron = genome.fetch("chrX", s, e, "-").upper()
        sites[(intron[:2], intron[-2:])] += 1
    assert sum(sites.values()) == 78
    assert sites[("GT", "AG")] >= 77  # GC-AG donors are the only accepted exception
    assert set(sites) <= {("GT", "AG"), ("GC", "AG")}


def test_dmd_round_trip_genome_c_genome(dmd) -> None:
    tx = dmd.transcript("NM_004006.2")
    rng = random.Random(7)
    positions = [rng.randrange(tx.start - 3000, tx.end + 3000) for _ in range(3000)]
    positions += [p for s, e in tx.exons[:10] for p in (s - 1, s, e - 1, e)]
    for pos in positions:
        c = tx.genome_to_c(pos)
        assert tx.c_to_genome(c) == pos
        assert tx.c_to_genome(str(c)) == pos


def test_nm_record_is_its_own_transcript(shared_data: Path, nm_bio) -> None:
    ann = read_genbank(shared_data / NM_DMD)
    tx = ann.transcript("NM_004006.2")
    assert tx.chrom == "NM_004006.2"
    assert tx.strand == "+"
    assert tx.exon_count == 79
    assert tx.cds == (244, 11302)
    assert tx.cds_length == 11_058
    assert tx.protein(ann.genome()) == next(
        f.qualifiers["translation"][0] for f in nm_bio.features if f.type == "CDS")


# ------------------------------------------------------------------------- chr21 (GFF3)


def _count_chr21(path: Path):
    genes = transcripts = exon_lines = exon_pairs = cds_pairs = 0
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            attrs = dict(kv.split("=", 1) for kv in cols[8].split(";") if "=" in kv)
            ident = attrs.get("ID", "")
            genes += ident.startswith("gene:")
            transcripts += ident.startswith("transcript:")
            if cols[2] == "exon":
                exon_lines += 1
                exon_pairs += len(attrs["Parent"].split(","))
            if cols[2] == "CDS":
                cds_pairs += len(attrs["Parent"].split(","))
    return genes, transcripts, exon_lines, exon_pairs, cds_pairs


def test_chr21_counts_equal_the_file(shared_data: Path, chr21) -> None:
    genes, transcripts, exon_lines, exon_pairs, cds_pairs = _count_chr21(shared_data / CHR21_GFF)
    assert exon_lines == 13_966  # as SOURCES.md states
    assert len(chr21) == genes
    assert len(chr21.transcripts()) == transcripts
    assert len(chr21.genes_df()) == genes
    assert len(chr21.transcripts_df()) == transcripts
    exons = chr21.exons_df()
    assert len(exons) == exon_pairs  # one row per (transcript, exon)
    assert len(exons[["Chromosome", "Start", "End", "Strand"]].drop_duplicates()) <= exon_lines
    assert len(chr21.cds_df()) == cds_pairs  # Ensembl GFF3 CDS lines include the stop codon


def test_chr21_tables_are_pyranges_compatible(chr21) -> None:
    for df in (chr21.transcripts_df(), chr21.exons_df(), chr21.cds_df(), chr21.genes_df()):
        assert list(df.columns[:4]) == ["Chromosome", "Start", "End", "Strand"]
        assert (df["Start"] < df["End"]).all()
        assert set(df["Strand"]) <= {"+", "-"}
        assert set(df["Chromosome"]) == {"21"}


def _file_phases(path: Path):
    exon_ph: dict[tuple[str, int, int], tuple[int, int]] = {}
    cds_ph: dict[tuple[str, int, int], int] = {}
    with gzip.open(path, "rt") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 9 or cols[2] not in ("exon", "CDS"):
                continue
            attrs = dict(kv.split("=", 1) for kv in cols[8].split(";") if "=" in kv)
            for parent in attrs["Parent"].split(","):
                key = (parent.split(":", 1)[1], int(cols[3]) - 1, int(cols[4]))
                if cols[2] == "exon":
                    exon_ph[key] = (int(attrs["ensembl_phase"]), int(attrs["ensembl_end_phase"]))
                else:
                    cds_ph[key] = int(cols[7])
    return exon_ph, cds_ph


def test_chr21_phases_equal_ensembl_attributes(shared_data: Path, chr21) -> None:
    exon_ph, cds_ph = _file_phases(shared_data / CHR21_GFF)
    compared = 0
    mismatches = []
    for tx in chr21.transcripts():
        if "cds_start_NF" in tx.tags:  # 5'-incomplete CDS: frame not modelled
            continue
        base = tx.id.rsplit(".", 1)[0]
        for row in tx.exon_rows():
            key = (base, row["Start"], row["End"])
            compared += 1
            if exon_ph[key] != (row["phase"], row["end_phase"]):
                mismatches.append((tx, row))
            if row["cds_phase"] is not None:
                cs, ce = tx.cds
                ckey = (base, max(row["Start"], cs), min(row["End"], ce))
                assert cds_ph[ckey] == row["cds_phase"], (tx.id, row["exon_number"])
    assert compared > 13_000
    # Ensembl's own phases are irregular only at the exon holding the translation start or
    # end (e.g. -1 for a first coding exon that starts with the ATG after UTR-only exons)
    assert len(mismatches) <= 5
    for tx, row in mismatches:
        cs, ce = tx.cds
        assert row["Start"] <= cs < row["End"] or row["Start"] < ce <= row["End"]


def test_chr21_cds_translate(shared_data: Path, chr21) -> None:
    genome = InMemoryGenome(_read_fasta_gz(shared_data / CHR21_FA))
    lo, hi = 24_985_580, 26_000_306  # record 1: chr21:24,985,581-26,000,306
    checked = with_stop = 0
    for tx in chr21.transcripts():
        if not tx.is_coding or not (lo <= tx.start and tx.end <= hi):
            continue
        if "cds_start_NF" in tx.tags:
            continue
        aa = translate(tx.cds_sequence(genome))
        checked += 1
        assert aa.startswith("M"), tx.id
        assert "*" not in aa[:-1], tx.id
        with_stop += aa.endswith("*")
    assert checked >= 15
    assert with_stop >= checked - 2  # a CDS without the stop would fail all of them


def test_chr21_gene_lookup(chr21) -> None:
    app = chr21.gene("APP")
    assert app.strand == "-"
    assert app.gene_id.startswith("ENSG00000142192")
    assert chr21.gene("app") is app
    assert chr21.gene("ENSG00000142192") is app
    # APP770 (UniProt P05067, 770 aa) is the longest isoform; no canonical tag in this file
    assert app.canonical().protein_length == 770
    tx = app.canonical()
    assert chr21.transcript(tx.id.split(".")[0]) is tx
    assert tx.id.startswith("ENST")
    assert "." in tx.id


def test_chr21_unknown_and_ambiguous(chr21) -> None:
    with pytest.raises(UnknownGeneError) as exc:
        chr21.gene("APPP")
    assert "close matches" in str(exc.value)
    assert "APP" in str(exc.value)
    assert "\n" not in str(exc.value)
    with pytest.raises(UnknownGeneError):
        chr21.transcript("ENST99999999999")
    # some small-RNA symbols name several genes in Ensembl: asked to choose by id
    dup = next(s for s, n in Counter(g.symbol for g in chr21).items() if n > 1)
    with pytest.raises(BadInputError, match="give the gene id"):
        chr21.gene(dup)


# ------------------------------------------------------------------- RefSeq GFF3 (MECP2)


def test_refseq_gff3_mecp2(shared_data: Path) -> None:
    ann = read_gff3(shared_data / MECP2_GFF)
    gene = ann.gene("MECP2")
    # gene-level exon features (Parent=gene-MECP2) are not a transcript
    assert sorted(gene.transcript_ids()) == ["NM_001110792.1", "NM_004992.3"]
    e2, e1 = ann.transcript("NM_004992.3"), ann.transcript("NM_001110792.1")
    assert e2.exon_count == 4
    assert e1.exon_count == 3
    genome = InMemoryGenome(_read_fasta_gz(shared_data / MECP2_FA))
    # MeCP2 e2 isoform is 486 aa (UniProt P51608), e1 is 498 aa
    assert len(e2.protein(genome)) == e2.protein_length == 486
    assert len(e1.protein(genome)) == e1.protein_length == 498
    for tx in (e1, e2):
        aa = translate(tx.cds_sequence(genome))
        assert aa.startswith("M")
        assert aa.endswith("*")
        assert "*" not in aa[:-1]
    assert "MIR718" in ann.genes()


REFSEQ_GFF = """\
##gff-version 3
##sequence-region NC_0001.1 1 1000
NC_0001.1\tBestRefSeq\tgene\t101\t900\t.\t-\t.\tID=gene-ABC;Name=ABC;gene=ABC;Dbxref=GeneID:42
NC_0001.1\tBestRefSeq\tmRNA\t101\t900\t.\t-\t.\tID=rna-NM_1.2;Parent=gene-ABC;gene=ABC;\
transcript_id=NM_1.2;tag=MANE Select
NC_0001.1\tBestRefSeq\texon\t801\t900\t.\t-\t.\tID=exon-NM_1.2-1;Parent=rna-NM_1.2
NC_0001.1\tBestRefSeq\texon\t101\t200\t.\t-\t.\tID=exon-NM_1.2-2;Parent=rna-NM_1.2
NC_0001.1\tBestRefSeq\tCDS\t801\t850\t.\t-\t0\tID=cds-NP_1.1;Parent=rna-NM_1.2
NC_0001.1\tBestRefSeq\tCDS\t151\t200\t.\t-\t1\tID=cds-NP_1.1;Parent=rna-NM_1.2
NC_0001.1\tGnomon\tmRNA\t101\t900\t.\t-\t.\tID=rna-XM_9.1;Parent=gene-ABC;gene=ABC;transcript_id=XM_9.1
NC_0001.1\tGnomon\texon\t801\t900\t.\t-\t.\tID=exon-XM_9.1-1;Parent=rna-XM_9.1
NC_0001.1\tGnomon\texon\t401\t500\t.\t-\t.\tID=exon-XM_9.1-2;Parent=rna-XM_9.1
NC_0001.1\tGnomon\texon\t101\t200\t.\t-\t.\tID=exon-XM_9.1-3;Parent=rna-XM_9.1
NC_0001.1\tGnomon\tCDS\t401\t850\t.\t-\t0\tID=cds-XP_9.1;Parent=rna-XM_9.1
"""


def test_refseq_style_gff3_mane_tag(tmp_path: Path) -> None:
    path = tmp_path / "refseq.gff3"
    path.write_text(REFSEQ_GFF)
    ann = read_gff3(path)
    gene = ann.gene("ABC")
    assert gene.gene_id == "42"
    # MANE Select wins over the XM_ model with the longer CDS
    assert gene.canonical().id == "NM_1.2"
    tx = gene.canonical()
    assert "MANE_Select" in tx.tags
    # minus strand, CDS g.151-200 + g.801-850 (1-based) = 100 nt; exon 1 is the 801-900 one
    assert tx.exons == ((800, 900), (100, 200))
    assert tx.cds == (150, 850)
    assert tx.cds_length == 100
    # GFF3 column-8 phases: exon 2's CDS part follows 50 coding bases -> phase (3 - 2) % 3 = 1
    assert ann.cds_df()["phase"].tolist()[:2] == [0, 1]


# ---------------------------------------------------------------------------------- GTF

# Gene XYZ on the minus strand; 1-based coordinates as in the file. Worked answers:
#   ENST01.3: exons 1001-1100, 501-600; CDS lines 1001-1051 (51 nt) + 553-600 (48 nt), the stop
#     codon 550-552 on its own line (GTF CDS lines exclude it) -> CDS span 550..1051, 0-based
#     (549, 1051), 51 + 48 + 3 = 102 nt = 34 codons, 33 aa.
#   ENST02.1: exons 1001-1100, 501-560; CDS 1001-1030 (30) + 552-560 (9) + stop 549-551 (3)
#     -> 0-based (548, 1030), 42 nt, 13 aa. It carries MANE_Select, so it is canonical although
#     its CDS is shorter.
GTF = (
    '#!genome-build GRCh38\n'
    'chrZ\tHAVANA\tgene\t501\t1100\t.\t-\t.\tgene_id "ENSG01.5"; gene_name "XYZ"; '
    'gene_type "protein_coding";\n'
    'chrZ\tHAVANA\ttranscript\t501\t1100\t.\t-\t.\tgene_id "ENSG01.5"; transcript_id "ENST01.3";'
    ' gene_name "XYZ"; transcript_type "protein_coding"; tag "basic"; tag "CCDS";\n'
    'chrZ\tHAVANA\texon\t1001\t1100\t.\t-\t.\tgene_id "ENSG01.5"; transcript_id "ENST01.3";\n'
    'chrZ\tHAVANA\tCDS\t1001\t1051\t.\t-\t0\tgene_id "ENSG01.5"; transcript_id "ENST01.3";\n'
    'chrZ\tHAVANA\texon\t501\t600\t.\t-\t.\tgene_id "ENSG01.5"; transcript_id "ENST01.3";\n'
    'chrZ\tHAVANA\tCDS\t553\t600\t.\t-\t0\tgene_id "ENSG01.5"; transcript_id "ENST01.3";\n'
    'chrZ\tHAVANA\tstop_codon\t550\t552\t.\t-\t0\tgene_id "ENSG01.5"; transcript_id "ENST01.3";\n'
    'chrZ\tHAVANA\ttranscript\t501\t1100\t.\t-\t.\tgene_id "ENSG01.5"; transcript_id "ENST02.1";'
    ' gene_name "XYZ"; transcript_type "protein_coding"; tag "basic"; tag "MANE_Select"; '
    'tag "Ensembl_canonical";\n'
    'chrZ\tHAVANA\texon\t1001\t1100\t.\t-\t.\tgene_id "ENSG01.5"; transcript_id "ENST02.1";\n'
    'chrZ\tHAVANA\texon\t501\t560\t.\t-\t.\tgene_id "ENSG01.5"; transcript_id "ENST02.1";\n'
    'chrZ\tHAVANA\tCDS\t1001\t1030\t.\t-\t0\tgene_id "ENSG01.5"; transcript_id "ENST02.1";\n'
    'chrZ\tHAVANA\tCDS\t552\t560\t.\t-\t0\tgene_id "ENSG01.5"; transcript_id "ENST02.1";\n'
    'chrZ\tHAVANA\tstop_codon\t549\t551\t.\t-\t0\tgene_id "ENSG01.5"; transcript_id "ENST02.1";\n'
)


def test_gtf_gencode_style(tmp_path: Path) -> None:
    path = tmp_path / "x.gtf"
    path.write_text(GTF)
    ann = read_gtf(path)
    assert ann.genes() == ["XYZ"]
    gene = ann.gene("XYZ")
    assert gene.gene_id == "ENSG01.5"
    assert (gene.start, gene.end, gene.strand) == (500, 1100, "-")
    t1, t2 = ann.transcript("ENST01.3"), ann.transcript("ENST02")
    assert t1.cds == (549, 1051)
    assert t1.cds_length == 102
    assert t1.protein_length == 33
    assert t2.cds == (548, 1030)
    assert t2.cds_length == 42
    assert t2.protein_length == 13
    assert t2.exons == ((1000, 1100), (500, 560))
    assert gene.canonical() is t2
    assert {"basic", "MANE_Select", "Ensembl_canonical"} <= t2.tags
    assert read_annotation(path).transcript("ENST02.1").cds == t2.cds


def test_gtf_without_gene_and_transcript_lines(tmp_path: Path) -> None:
    # UCSC-style GTF: only exon/CDS/stop_codon lines; gene symbol falls back to gene_id
    text = "".join(
        line for line in GTF.splitlines(keepends=True)
        if "\tgene\t" not in line and "\ttranscript\t" not in line)
    path = tmp_path / "ucsc.gtf"
    path.write_text(text.replace(' gene_name "XYZ";', ""))
    ann = read_gtf(path)
    assert ann.genes() == ["ENSG01.5"]
    assert len(ann.transcripts()) == 2


def test_crlf_line_endings_read_the_same(tmp_path: Path) -> None:
    lf, crlf = tmp_path / "lf.gtf", tmp_path / "crlf.gtf"
    lf.write_text(GTF)
    crlf.write_bytes(GTF.replace("\n", "\r\n").encode())
    a, b = read_gtf(lf), read_gtf(crlf)
    assert [(t.id, t.exons, t.cds, t.tags) for t in a.transcripts()] == \
        [(t.id, t.exons, t.cds, t.tags) for t in b.transcripts()]
    gff_crlf = tmp_path / "crlf.gff3"
    gff_crlf.write_bytes(REFSEQ_GFF.replace("\n", "\r\n").encode())
    assert read_gff3(gff_crlf).transcript("NM_1.2").cds == (150, 850)


def test_gzip_and_plain_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "x.gtf.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(GTF)
    assert read_gtf(path).transcript("ENST01.3").cds == (549, 1051)
    assert read_annotation(path).format == "gtf"


# ----------------------------------------------------------------------------- bad input


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_truncated_gzip(tmp_path: Path, shared_data: Path) -> None:
    data = (shared_data / CHR21_GFF).read_bytes()
    path = tmp_path / "cut.gff3.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(MalformedFileError) as exc:
        read_gff3(path)
    msg = _one_line(exc)
    assert "truncated or corrupt gzip" in msg
    assert str(path) in msg
    assert "line " in msg
    assert exc.value.line is not None
    assert exc.value.line > 1000


@pytest.mark.parametrize(("line", "expect"), [
    ("chrZ\tX\texon\t1\t100\t.\t+\t.", "expected 9 tab-separated columns, found 8"),
    ('chrZ\tX\texon\tabc\t100\t.\t+\t.\ttranscript_id "T1";', "not integers"),
    ('chrZ\tX\texon\t200\t100\t.\t+\t.\ttranscript_id "T1";', "bad coordinates 200-100"),
    ('chrZ\tX\texon\t0\t100\t.\t+\t.\ttranscript_id "T1";', "bad coordinates 0-100"),
    ('chrZ\tX\texon\t1\t100\t.\t*\t.\ttranscript_id "T1";', "strand"),
    ('chrZ\tX\texon\t1\t100\t.\t+\t.\tgene_id "G1";', "without transcript_id"),
    ('chrZ\tX\texon\t1\t100\t.\t+\t.\ttranscript_id "T1" junk junk', "GTF attributes"),
])
def test_malformed_gtf_lines(tmp_path: Path, line: str, expect: str) -> None:
    path = tmp_path / "bad.gtf"
    path.write_text(GTF.splitlines()[2] + "\n" + GTF.splitlines()[3] + "\n" + line + "\n")
    with pytest.raises(MalformedFileError) as exc:
        read_gtf(path)
    msg = _one_line(exc)
    assert expect in msg
    assert "line 3" in msg


def test_gtf_overlapping_exons_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "ov.gtf"
    path.write_text(GTF + 'chrZ\tX\texon\t520\t700\t.\t-\t.\ttranscript_id "ENST02.1";\n')
    with pytest.raises(MalformedFileError, match="overlapping exons") as exc:
        read_gtf(path)
    assert exc.value.line == 9  # the first line of ENST02.1


def test_gff3_undefined_parent_and_bad_phase(tmp_path: Path) -> None:
    path = tmp_path / "p.gff3"
    path.write_text(REFSEQ_GFF.replace("Parent=rna-XM_9.1", "Parent=rna-XM_8.1", 1))
    with pytest.raises(MalformedFileError, match="not defined") as exc:
        read_gff3(path)
    assert exc.value.line == 10
    path.write_text(REFSEQ_GFF.replace("\t-\t1\tID=cds-NP_1.1", "\t-\t.\tID=cds-NP_1.1"))
    with pytest.raises(MalformedFileError, match="CDS phase") as exc:
        read_gff3(path)
    assert exc.value.line == 8


def test_empty_missing_and_wrong_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.gtf"
    empty.write_text("")
    with pytest.raises(MalformedFileError, match="is empty"):
        read_gtf(empty)
    only_comments = tmp_path / "c.gff3"
    only_comments.write_text("##gff-version 3\n")
    with pytest.raises(MalformedFileError, match="no gene"):
        read_gff3(only_comments)
    with pytest.raises(BadInputError, match="no such file"):
        read_gtf(tmp_path / "missing.gtf")
    binary = tmp_path / "b.gb"
    binary.write_bytes(b"\x00\xff\xfe\x80" * 50)
    with pytest.raises(MalformedFileError):
        read_genbank(binary)


GENBANK = """\
LOCUS       TEST1                     60 bp    DNA     linear   SYN 01-JAN-2000
DEFINITION  test.
ACCESSION   TEST1
VERSION     TEST1.1
FEATURES             Location/Qualifiers
     source          1..60
                     /mol_type="genomic DNA"
     gene            complement(5..55)
                     /gene="TG"
     mRNA            complement(join(5..20,31..55))
                     /gene="TG"
                     /product="test, transcript variant 1"
                     /transcript_id="NM_T.1"
     CDS             complement(join(11..20,31..50))
                     /gene="TG"
                     /product="test isoform 1"
                     /protein_id="NP_T.1"
ORIGIN
        1 acgtacgtac gtacgtacgt acgtacgtac gtacgtacgt acgtacgtac gtacgtacgt
//
"""
# Record coordinates (0-based): mRNA exons [4,20) [30,55) on the minus strand of the record;
# CDS [10,50). Placed on chrQ at offset 1000 with reverse=True (record base i -> chromosome
# 1000 + 60 - 1 - i): exon [30,55) -> [1005,1030), exon [4,20) -> [1040,1056), CDS -> [1010,1050),
# and the transcript is on the plus strand of chrQ with exon 1 = [1005,1030).


def test_genbank_synthetic_placement(tmp_path: Path) -> None:
    path = tmp_path / "t.gb"
    path.write_text(GENBANK)
    plain = read_genbank(path).transcript("NM_T.1")
    assert plain.strand == "-"
    assert plain.exons == ((30, 55), (4, 20))
    assert plain.cds == (10, 50)
    placed = read_genbank(path, placement=Placement("chrQ", 1000, reverse=True)).transcript("NM_T")
    assert placed.chrom == "chrQ"
    assert placed.strand == "+"
    assert placed.exons == ((1005, 1030), (1040, 1056))
    assert placed.cds == (1010, 1050)
    fwd = read_genbank(path, placement=("chrQ", 1000, False)).transcript("NM_T.1")
    assert fwd.strand == "-"
    assert fwd.exons == ((1030, 1055), (1004, 1020))
    # the same bases either way
    a = read_genbank(path)
    b = read_genbank(path, placement=("chrQ", 1000, True))
    assert plain.spliced_sequence(a.genome()) == placed.spliced_sequence(b.genome())
    with pytest.raises(BadInputError, match="REGION"):
        read_genbank(path, placement="auto")


@pytest.mark.parametrize(("edit", "expect", "line"), [
    (lambda t: t.replace("//\n", ""), "ends without '//'", 19),
    (lambda t: t.replace("join(11..20,31..50)", "join(11..20,x31..50)"), "bad CDS location", 14),
    (lambda t: t.replace("join(5..20,31..55)", "join(5..20,31..75)"), "runs past", 10),
    (lambda t: t.replace("gtacgtacgt\n//", "gtacgt\n//"), "has 56 bases", 20),
    (lambda t: t.replace("LOCUS", "LOCAS"), "expected a LOCUS line", 1),
    (lambda t: t.replace("complement(join(11..20", "complement(join(21..20"), "bad range", 14),
])
def test_malformed_genbank(tmp_path: Path, edit, expect: str, line: int) -> None:
    path = tmp_path / "bad.gb"
    path.write_text(edit(GENBANK))
    with pytest.raises(MalformedFileError) as exc:
        read_genbank(path)
    msg = _one_line(exc)
    assert expect in msg
    assert exc.value.line == line


def test_genbank_crlf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.gb"
    path.write_bytes(GENBANK.replace("\n", "\r\n").encode())
    assert read_genbank(path).transcript("NM_T.1").cds == (10, 50)


def test_unknown_gene_in_genbank(dmd) -> None:
    with pytest.raises(UnknownGeneError) as exc:
        dmd.gene("DMDD")
    msg = _one_line(exc)
    assert "DMDD" in msg
    assert "close matches: DMD" in msg
    with pytest.raises(UnknownGeneError) as exc:
        dmd.gene("DMD").transcript("NM_004006.9")
    assert "NM_004006.2" in _one_line(exc)


def test_genbank_cds_matching_respects_partial_ends(shared_data: Path) -> None:
    """UGT1A slice: nine 5'-partial CDSs (<6862..) fit inside NM_000463.2's exons too; only the
    complete CDS (116..12387, NP_000454.1) starts where that mRNA does."""
    path = shared_data / "genes/genbank/UGT1A_locus_GRCh37_chr2.UD_150167851083.gb.gz"
    ann = read_genbank(path, placement="auto")
    tx = ann.transcript("NM_000463.2")
    ref = next(f for f in _bio_record(path).features if f.type == "CDS"
               and f.qualifiers.get("protein_id") == ["NP_000454.1"])
    assert tx.chrom == "chr2"
    assert tx.protein(ann.genome()) == ref.qualifiers["translation"][0]
    assert tx.protein_length == 533
    partial = ann.transcript("NM_019076.4")
    assert "cds_start_NF" in partial.tags


def test_genbank_features_in_other_records_are_listed(shared_data: Path) -> None:
    # clone AL449423.14: the MTAP mRNA continues in clone AL354709.15
    ann = read_genbank(shared_data / "genes/genbank/AL449423.14.gb.gz")
    assert "MTAP-mRNA1" in ann.skipped
    with pytest.raises(UnknownGeneError, match="could not be modelled") as exc:
        ann.transcript("MTAP-mRNA1")
    assert "another record" in _one_line(exc)
    assert ann.gene("CDKN2A").transcripts  # the rest of the record is still read


@pytest.mark.parametrize("placement", [("chrX",), ("chrX", -5, True), ("", 0, False), "bogus",
                                       ("chrX", "10", True)])
def test_bad_placement(tmp_path: Path, placement) -> None:
    path = tmp_path / "t.gb"
    path.write_text(GENBANK)
    with pytest.raises(BadInputError, match="placement") as exc:
        read_genbank(path, placement=placement)
    _one_line(exc)


def test_read_annotation_sniffs_content(tmp_path: Path) -> None:
    for name, text, fmt in (("a.txt", GTF, "gtf"), ("b.txt", REFSEQ_GFF, "gff3"),
                            ("c.txt", GENBANK, "genbank")):
        path = tmp_path / name
        path.write_text(text)
        assert read_annotation(path).format == fmt
    odd = tmp_path / "d.txt"
    odd.write_text("hello world\n")
    with pytest.raises(MalformedFileError, match="cannot tell the format") as exc:
        read_annotation(odd)
    assert exc.value.line == 1
