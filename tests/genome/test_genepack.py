"""The embedded gene pack and gene resolution (genetx.genome.genes).

Truth used here, none of it produced by GeneTx:

* NCBI records in shared/data: the NM_004006.2 GenBank record (exon features, /translation of
  NP_003997.1) and the other RefSeq mRNA records' /translation qualifiers; the DMD locus GenBank
  slice read by the independent GenBank reader of genetx.genome.annotation;
* the DMD exon table of shared/reference/facts-catalog.md (coding nt per exon, built from
  Ensembl REST for the same CDS, ENST00000357033);
* published UniProt protein lengths: dystrophin Dp427m P11532 3,685 aa; factor VIII P00451
  2,351 aa; collagen alpha-1(I) P02452 1,464 aa; BRCA2 P51587 3,418 aa; adenosine deaminase
  P00813 363 aa; cystatin B P04080 98 aa; MeCP2 isoform B (e2, NM_004992) P51608-1 486 aa.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import pytest

from genetx.core.seq import reverse_complement, translate
from genetx.errors import BadInputError, UnknownGeneError
from genetx.genome.genes import (
    gff3_lines,
    load_gene,
    pack_annotation,
    pack_genome,
    pack_manifest,
    pack_symbols,
)

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "src" / "genetx" / "data" / "genepack"
DMD_LOCUS = "genes/genbank/DMD_locus_GRCh38_chrX_31117221-33344609_rc.UD_139262478721.gb.gz"

#: UniProt canonical lengths (aa) of the proteins of the mRNA records in the pack.
UNIPROT_LENGTH = {"DMD": 3685, "F8": 2351, "COL1A1": 1464, "BRCA2": 3418, "ADA": 363}


def _translation(path: Path) -> str:
    from Bio import SeqIO

    with gzip.open(path, "rt") as fh:
        rec = SeqIO.read(fh, "genbank")
    (cds,) = [f for f in rec.features if f.type == "CDS"]
    return cds.qualifiers["translation"][0]


# ------------------------------------------------------------------------------ the files


def test_pack_files_are_small_and_cited() -> None:
    files = {p.name: p.stat().st_size for p in PACK.iterdir() if p.is_file()}
    assert set(files) == {"genepack.2bit", "genes.gff3", "mrna.gff3", "manifest.json",
                          "SOURCES.md"}
    assert sum(files.values()) < 3_000_000
    man = pack_manifest()
    for rec in man["files"]["genepack.2bit"]["records"]:
        assert rec["source"] in man["sources"], rec["name"]
    for path, src in man["sources"].items():
        assert re.fullmatch(r"[0-9a-f]{40}", src["commit"]), path
        assert src["repo"].count("/") == 1, path
        assert src["path"], path
    for sym, gene in man["genes"].items():
        assert gene["source"] in man["sources"], sym


def test_pack_genome_records_match_manifest() -> None:
    man = pack_manifest()
    recs = pack_genome().records()
    assert recs == {r["name"]: r["length"] for r in man["files"]["genepack.2bit"]["records"]}
    assert recs["chrX:31117221-33344609"] == 33344609 - 31117221 + 1
    assert recs["chr21:24985581-26000306"] == 26000306 - 24985581 + 1


def test_placed_records_answer_chromosome_coordinates() -> None:
    g = pack_genome()
    # the same bases by chromosome coordinates and by record coordinates
    assert g.fetch("chrX", 31117220, 31117260) == g.fetch("chrX:31117221-33344609", 0, 40)
    assert g.fetch("21", 43758154, 43758200) == g.fetch("chr21:43758155-43894067", 0, 46)


# ------------------------------------------------------------------------------------ DMD


def test_dmd_default_is_dp427m() -> None:
    hit = load_gene("DMD")
    t = hit.transcript
    assert hit.origin == "genepack"
    assert (t.id, t.exon_count, t.cds_length, t.protein_length) == ("NM_004006.2", 79, 11058,
                                                                    3685)
    assert (hit.gene.chrom, hit.gene.strand, t.strand) == ("chrX", "-", "-")
    assert hit.sequence_record == "chrX:31117221-33344609"
    assert hit.coverage == "complete"
    assert "LRG_199" in hit.transcript_basis
    assert pack_manifest()["genes"]["DMD"]["default_transcript"] == "NM_004006.2"


def test_dmd_protein_from_pack_genome() -> None:
    hit = load_gene("DMD")
    prot = hit.transcript.protein(hit.genome)
    assert len(prot) == UNIPROT_LENGTH["DMD"]
    assert prot.startswith("MLWWEEVEDCYERE")  # Dp427m muscle-specific N-terminus
    assert "*" not in prot
    assert translate(hit.transcript.cds_sequence(hit.genome)[-3:]) == "*"


def test_dmd_exon_coding_lengths_match_ensembl_table(shared_root: Path) -> None:
    """Coding nt per exon of the facts catalog (Ensembl ENST00000357033 = same CDS)."""
    text = (shared_root / "reference" / "facts-catalog.md").read_text(encoding="utf-8")
    block = text[text.index("### 3.2 Exon table"):text.index("### 3.3")]
    table: dict[int, int] = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for i in range(0, len(cells) - 4, 6):
            if cells[i].isdigit() and cells[i + 1].isdigit():
                table[int(cells[i])] = int(cells[i + 1])
    assert len(table) == 79
    rows = load_gene("DMD").transcript.exon_rows()
    ours = {r["exon_number"]: (r["cds_end"] - r["cds_start"] + 1) if r["cds_start"] else 0
            for r in rows}
    assert ours == table


def test_dmd_protein_matches_refseq_record(shared_data: Path) -> None:
    """Translation of the pack genome vs NP_003997.1 in the NM_004006.2 record.

    shared/data/SOURCES.md states the spliced genome and the NM record differ at 3 SNVs; every
    amino-acid difference must sit in a codon holding one of them.
    """
    from Bio import SeqIO

    hit = load_gene("DMD")
    t = hit.transcript
    with gzip.open(shared_data / "genes/genbank/NM_004006.2.gb.gz", "rt") as fh:
        rec = SeqIO.read(fh, "genbank")
    (cds,) = [f for f in rec.features if f.type == "CDS"]
    truth = cds.qualifiers["translation"][0]
    nm = str(rec.seq).upper()
    ours = t.spliced_sequence(hit.genome).upper()
    assert len(ours) == len(nm) == 13993
    snv = [i for i in range(len(nm)) if nm[i] != ours[i]]
    assert len(snv) == 3
    prot = t.protein(hit.genome)
    assert prot[0] == truth[0] == "M"
    assert len(prot) == len(truth) == 3685
    cds_start = int(cds.location.start)
    bad = {i for i in range(len(prot)) if prot[i] != truth[i]}
    allowed = {(i - cds_start) // 3 for i in snv}
    assert bad <= allowed


def test_dmd_exons_match_nm_record(shared_data: Path) -> None:
    from Bio import SeqIO

    with gzip.open(shared_data / "genes/genbank/NM_004006.2.gb.gz", "rt") as fh:
        rec = SeqIO.read(fh, "genbank")
    lengths = [len(f) for f in rec.features if f.type == "exon"]
    assert tuple(lengths) == load_gene("DMD").transcript.exon_lengths


def test_dmd_model_matches_independent_genbank_reader(shared_data: Path) -> None:
    """The build script's own GenBank extraction vs genetx.genome.annotation.read_genbank."""
    from genetx.genome.annotation import read_genbank

    ann = read_genbank(shared_data / DMD_LOCUS, placement=("chrX", 31117220, True))
    theirs = {t.id: (t.exons, t.cds, t.strand) for t in ann.gene("DMD").transcripts}
    ours = {t.id: (t.exons, t.cds, t.strand) for t in load_gene("DMD").gene.transcripts}
    assert ours == theirs
    assert len(ours) == 27  # 26 mRNA features and one misc_RNA


# --------------------------------------------------------------------------- other genes


@pytest.mark.parametrize("symbol", sorted(UNIPROT_LENGTH))
def test_mrna_records_translate_to_published_lengths(symbol: str) -> None:
    ann = pack_annotation("mrna")
    t = ann.gene(symbol).canonical()
    prot = t.protein(pack_genome())
    assert len(prot) == t.protein_length == UNIPROT_LENGTH[symbol]
    assert prot.startswith("M")
    assert "*" not in prot


@pytest.mark.parametrize("symbol", sorted(UNIPROT_LENGTH))
def test_mrna_records_translate_to_their_translation(symbol: str, shared_data: Path) -> None:
    t = pack_annotation("mrna").gene(symbol).canonical()
    src = pack_manifest()["genes"][symbol]
    path = src["source"] if src.get("file") == "mrna.gff3" else next(
        m["source"] for m in src["other_models"] if m.get("file") == "mrna.gff3")
    assert t.protein(pack_genome()) == _translation(shared_data / path)


def test_chr21_genes_resolve() -> None:
    hit = load_gene("CSTB")
    t = hit.transcript
    assert (hit.gene.chrom, hit.gene.strand) == ("chr21", "-")
    assert t.id == "ENST00000291568.5"
    assert t.exon_count == 3
    prot = t.protein(hit.genome)
    assert len(prot) == 98
    assert prot.startswith("M")
    assert "*" not in prot
    assert hit.coverage == "complete"
    app = load_gene("APP")
    assert app.coverage == "partial"
    assert any("partial" in n for n in app.notes)


def test_chr21_coding_transcripts_translate_cleanly() -> None:
    """Every complete Ensembl CDS inside the pack's chr21 sequence reads as one ORF."""
    genome = pack_genome()
    ann = pack_annotation("genes")
    checked = 0
    for gene in ann:
        if gene.chrom != "chr21":
            continue
        for t in gene.transcripts:
            if not t.is_coding or t.cds_length % 3:
                continue
            try:
                cds = t.cds_sequence(genome).upper()
            except Exception:  # CDS outside the pack's regions
                continue
            if "N" in cds or not cds.startswith("ATG"):
                continue
            prot = translate(cds)
            assert prot.endswith("*"), t.id
            assert "*" not in prot[:-1], t.id
            checked += 1
    assert checked >= 15


def test_refseqgene_default_transcript() -> None:
    hit = load_gene("MECP2")
    assert hit.transcript.id == "NM_004992.3"
    prot = hit.transcript.protein(hit.genome)
    assert len(prot) == 486
    assert prot.startswith("M")
    assert "*" not in prot


def test_transcript_accession_selects_transcript() -> None:
    hit = load_gene("NM_000109.3")
    assert hit.gene.symbol == "DMD"
    assert hit.transcript.id == "NM_000109.3"


def test_every_pack_gene_with_a_model_resolves() -> None:
    for sym, entry in pack_manifest()["genes"].items():
        if entry.get("sequence_only") or not entry.get("transcripts"):
            continue
        hit = load_gene(sym)
        assert hit.gene.symbol == sym
        if entry.get("default_transcript"):
            assert hit.transcript.id == entry["default_transcript"]


def test_genomic_span_records_are_genomic() -> None:
    """The pyhgvs 'mRNA' records are genomic spans: ADA's exons lie reverse-complemented in it."""
    g = pack_genome()
    ada_span = g.fetch("NM_000022.2_genomic_span", 0,
                       g.records()["NM_000022.2_genomic_span"]).upper()
    t = pack_annotation("mrna").gene("ADA").canonical()
    mrna = t.spliced_sequence(g).upper()
    # the span (plus strand) ends at the 5' end of the minus-strand mRNA
    assert reverse_complement(ada_span).startswith(mrna[:120])
    assert mrna[:120] not in ada_span
    assert g.records()["NM_000492.3_genomic_span"] == 188702  # CFTR gene span, not 6 kb mRNA


# ------------------------------------------------------------------------------ bad input


def test_unknown_symbol_lists_close_matches() -> None:
    with pytest.raises(UnknownGeneError) as exc:
        load_gene("DMDD")
    assert "DMD" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_unknown_transcript() -> None:
    with pytest.raises(UnknownGeneError, match=r"NM_999999\.1"):
        load_gene("DMD", transcript="NM_999999.1")


def test_sequence_only_gene_says_so() -> None:
    assert "CFTR" in pack_symbols()
    with pytest.raises(UnknownGeneError, match="only sequence"):
        load_gene("CFTR")


def test_empty_symbol_and_missing_annotation(tmp_path: Path) -> None:
    with pytest.raises(BadInputError):
        load_gene("  ")
    with pytest.raises(BadInputError, match="not found"):
        load_gene("DMD", annotation=tmp_path / "none.gff3")


# ------------------------------------------------------------------------------- user files


def test_user_annotation_and_genome(tmp_path: Path) -> None:
    """A user GFF3 + FASTA (written from the pack's CSTB) resolve like the pack."""
    pack = load_gene("CSTB")
    gff = tmp_path / "cstb.gff3"
    gff.write_text("\n".join(gff3_lines([pack.gene], source="test",
                                        sequence_regions={"chr21": 46709983})) + "\n")
    seq = pack.genome.fetch("chr21", 43770000, 43780000)
    fa = tmp_path / "cstb.fa"
    fa.write_text(">chr21:43770001-43780000\n" + "\n".join(
        seq[i:i + 60] for i in range(0, len(seq), 60)) + "\n")
    hit = load_gene("CSTB", annotation=gff, genome=fa)
    assert hit.origin == "files"
    assert hit.transcript.id == pack.transcript.id
    assert hit.transcript.protein(hit.genome) == pack.transcript.protein(pack.genome)


# ------------------------------------------------------------------------------- the build


def test_rebuild_is_byte_identical(shared_data: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_genepack
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert build_genepack.main(["--shared", str(shared_data), "--out", str(tmp_path)]) == 0
    for name in ("genepack.2bit", "genes.gff3", "mrna.gff3", "manifest.json", "SOURCES.md"):
        assert (tmp_path / name).read_bytes() == (PACK / name).read_bytes(), name
    json.loads((tmp_path / "manifest.json").read_text())
