#!/usr/bin/env python
"""Rebuild the embedded gene pack (``src/genetx/data/genepack``) from ``../shared/data``.

The pack is what a fresh install runs on: real GRCh38 sequence for the DMD locus and two chr21
regions, RefSeqGene and RefSeq mRNA records, and their gene models, each traced to the public
file it was taken from (``shared/data/SOURCES.md`` gives repository, commit and path).

Outputs (all deterministic: the same inputs give byte-identical files):

``genepack.2bit``
    Every sequence. Placed records are named ``CHROM:START-END`` (1-based inclusive, GRCh38);
    the others are named by accession.
``genes.gff3``
    Gene models on those records: DMD (26 mRNAs and one misc_RNA of the NCBI GRCh38 locus
    slice, mapped to chrX minus strand), the Ensembl genes overlapping the chr21 regions,
    RefSeqGene models (six NCBI GFF3 files, two GenBank records).
``mrna.gff3``
    mRNA-coordinate models of the RefSeq mRNA GenBank records (exon and CDS features).
``manifest.json``
    Every gene, its default transcript with the reason, every file and every record with its
    source.
``SOURCES.md``
    The same provenance, for people.

Usage::

    python scripts/build_genepack.py [--shared ../shared/data] [--out src/genetx/data/genepack]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "genetx" / "data" / "genepack"

# ---- inputs (paths relative to shared/data) ------------------------------------------------

DMD_GB = "genes/genbank/DMD_locus_GRCh38_chrX_31117221-33344609_rc.UD_139262478721.gb.gz"
DMD_FA = ("genomes/human/GRCh38_chrX_31117221-33344609.DMD_locus.mutalyzer_UD_139262478721"
          ".fa.gz")
DMD_PLACED = "chrX:31117221-33344609"
CHR21_FA = "genomes/human/GRCh38_chr21_ensembl_vep_testdb_regions.fa.gz"
CHR21_GFF = "annotation/Ensembl_GRCh38_chr21.ensembl_vep_test.gff3.gz"
CHR21_REGIONS = ("chr21:24985581-26000306", "chr21:43758155-43894067")
CHROM_SIZES = "annotation/hg38.chrom.sizes"
LRG_TABLE = "annotation/LRG_RefSeqGene.tsv.gz"
REFSEQGENE = ("NG_007107.2", "NG_008376.4", "NG_008835.1", "NG_009113.2", "NG_009497.1",
              "NG_012337.3")
REFSEQGENE_DIR = "genes/refseqgene_fasta_gff3"
#: RefSeqGene GenBank records and the gene taken from each (neighbour genes cut by the record
#: edges are left out).
NG_GENBANK = {"NG_009105.1": "OPN1LW", "NG_012772.1": "BRCA2"}
#: RefSeq mRNA GenBank records (mRNA-coordinate models); record name in the pack -> file.
MRNA_GENBANK = {
    "NM_000059.3": "genes/genbank/NM_000059.3.gb.gz",
    "NM_000088.3": "genes/genbank/NM_000088.3.gb.gz",
    "NM_000132.3": "genes/genbank/NM_000132.3.gb.gz",
    "NM_004006.2": "genes/genbank/NM_004006.2.gb.gz",
    "UD_143772172095": "genes/genbank/ADA_mRNA.UD_143772172095.gb.gz",
}
SPANS_FA = "genes/refseq_mrna_10genes_incl_CFTR_ADA.fa.gz"
SPAN_SUFFIX = "_genomic_span"

#: Basis recorded for genes without a cited default transcript.
NO_DEFAULT = "no cited default: Gene.canonical() decides"
#: Feature types of the RefSeqGene GFF3 files that are not gene models.
GFF_DROP = {"region", "cDNA_match", "match", "sequence_difference", "STS", "biological_region",
            "chromosome"}


# ---- provenance ----------------------------------------------------------------------------


@dataclass
class Source:
    """One shared-data file and where it came from (parsed from shared/data/SOURCES.md)."""

    path: str
    repo: str
    commit: str
    original_path: str
    licence: str
    description: str


def read_sources(shared: Path) -> dict[str, Source]:
    """Parse the repository table and the file tables of ``shared/data/SOURCES.md``."""
    text = (shared / "SOURCES.md").read_text(encoding="utf-8")
    repos: dict[str, tuple[str, str, str]] = {}
    files: dict[str, Source] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`[0-9a-f]{40}`", cells[2]):
            repos[cells[0]] = (cells[1], cells[2].strip("`"), cells[3])
        elif len(cells) >= 5 and cells[0].startswith("`") and cells[2] in repos:
            repo, commit, licence = repos[cells[2]]
            path = cells[0].strip("`")
            files[path] = Source(path, repo, commit, cells[3].strip("`"), licence, cells[4])
    return files


# ---- sequence input ------------------------------------------------------------------------


def read_fasta(path: Path) -> dict[str, str]:
    """Records of a (gzipped) FASTA file: first header word -> sequence, case kept."""
    out: dict[str, str] = {}
    name = None
    chunks: list[str] = []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            line = line.rstrip("\n\r")
            if line.startswith(">"):
                if name is not None:
                    out[name] = "".join(chunks)
                name, chunks = line[1:].split()[0], []
            elif line:
                chunks.append(line)
    if name is not None:
        out[name] = "".join(chunks)
    return out


def read_genbank(path: Path):
    """The single record of a gzipped GenBank file (Biopython)."""
    from Bio import SeqIO

    with gzip.open(path, "rt") as fh:
        return SeqIO.read(fh, "genbank")


def revcomp(seq: str) -> str:
    """Reverse complement keeping case."""
    return seq.translate(str.maketrans("ACGTNacgtn", "TGCANtgcan"))[::-1]


# ---- GenBank -> gene models -----------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Maps record coordinates (0-based half-open) to output coordinates."""

    seqid: str
    offset: int = 0
    reverse: bool = False

    def interval(self, start: int, end: int) -> tuple[int, int]:
        if self.reverse:
            return self.offset - end, self.offset - start
        return self.offset + start, self.offset + end

    def strand(self, strand: int) -> str:
        plus = strand != -1
        return "+" if plus != self.reverse else "-"


def _parts(feature) -> list[tuple[int, int]]:
    return [(int(p.start), int(p.end)) for p in feature.location.parts]


def _q(feature, key: str) -> str:
    return " ".join(feature.qualifiers.get(key, [""]))


def _variant(feature) -> str | None:
    """The variant/isoform name an NCBI mRNA or CDS feature carries (``Dp427m``, ``X2``)."""
    if feature.type != "CDS":
        m = re.search(r"transcript variant (\S+)", _q(feature, "product"))
        return m.group(1) if m else None
    m = re.search(r"encoded by transcript variant (\S+?)[;.]?$", _q(feature, "note"))
    if m:
        return m.group(1)
    product = _q(feature, "product")
    m = re.search(r"isoform (\S+)$", product) or re.search(r"(\S+) isoform$", product)
    return m.group(1) if m else None


def _compatible(rna: list[tuple[int, int]], cds: list[tuple[int, int]]) -> bool:
    """True when ``cds`` is exactly the part of the exons of ``rna`` inside the CDS span."""
    cs, ce = min(s for s, _ in cds), max(e for _, e in cds)
    clipped = [(max(s, cs), min(e, ce)) for s, e in rna if min(e, ce) > max(s, cs)]
    return sorted(clipped) == sorted(cds)


def pair_cds(rnas: list, cdss: list) -> dict[int, object]:
    """Pair each CDS with its mRNA: same exon chain inside the CDS, then variant name, then
    accession class (NP_ with NM_, XP_ with XM_). Returns ``{index in rnas: CDS feature}``."""
    taken: dict[int, object] = {}
    pending = []
    for cds in cdss:
        cands = [i for i, r in enumerate(rnas)
                 if r.type == "mRNA" and _compatible(_parts(r), _parts(cds))]
        by_name = [i for i in cands if _variant(rnas[i]) == _variant(cds)]
        if len(by_name) == 1:
            taken[by_name[0]] = cds
        else:
            pending.append((cds, cands))
    for cds, cands in pending:
        prot = _q(cds, "protein_id")[:2]
        free = [i for i in cands if i not in taken
                and _q(rnas[i], "transcript_id")[:2] == {"NP": "NM", "XP": "XM"}.get(prot)]
        if len(free) != 1:
            msg = f"cannot pair CDS {_q(cds, 'protein_id')} with one mRNA (candidates {free})"
            raise SystemExit(msg)
        taken[free[0]] = cds
    return taken


def genbank_gene(record, symbol: str, place: Placement, source: str):
    """The :class:`Gene` ``symbol`` of a GenBank record, with every mRNA/misc_RNA and its CDS."""
    from genetx.genome.models import Gene, Transcript

    gene_feats = [f for f in record.features if f.type == "gene" and _q(f, "gene") == symbol]
    if len(gene_feats) != 1:
        msg = f"{record.id}: expected one gene feature {symbol}, found {len(gene_feats)}"
        raise SystemExit(msg)
    gf = gene_feats[0]
    geneid = next((x for x in gf.qualifiers.get("db_xref", []) if x.startswith("GeneID:")), "")
    rnas = [f for f in record.features
            if f.type in ("mRNA", "misc_RNA", "ncRNA") and _q(f, "gene") == symbol]
    cdss = [f for f in record.features if f.type == "CDS" and _q(f, "gene") == symbol]
    paired = pair_cds(rnas, cdss)
    if len(paired) != len(cdss):
        msg = f"{record.id}: {len(cdss) - len(paired)} CDS features without an mRNA"
        raise SystemExit(msg)
    transcripts = []
    for i, rna in enumerate(rnas):
        parts = rna.location.parts
        exons = tuple(place.interval(int(p.start), int(p.end)) for p in parts)
        strands = {place.strand(p.strand) for p in parts}
        if len(strands) != 1:
            msg = f"{record.id}: transcript {_q(rna, 'transcript_id')} on both strands"
            raise SystemExit(msg)
        cds = None
        if i in paired:
            c = paired[i]
            s, e = int(c.location.start), int(c.location.end)
            cds = place.interval(s, e)
        transcripts.append(Transcript(
            id=_q(rna, "transcript_id"), gene=symbol, chrom=place.seqid, strand=strands.pop(),
            exons=exons, cds=cds, gene_id=geneid,
            biotype="protein_coding" if cds else ("misc_RNA" if rna.type == "misc_RNA"
                                                  else rna.type),
            source=source))
    gs, ge = place.interval(int(gf.location.start), int(gf.location.end))
    return Gene(symbol=symbol, chrom=place.seqid, start=gs, end=ge,
                strand=place.strand(gf.location.strand), transcripts=tuple(transcripts),
                gene_id=geneid, source=source)


def mrna_gene(record, name: str, source: str):
    """mRNA-coordinate model of an mRNA GenBank record: its exon features and its CDS."""
    from genetx.genome.models import Gene, Transcript

    symbols = {_q(f, "gene") for f in record.features if f.type in ("gene", "CDS")}
    symbols.discard("")
    if len(symbols) != 1:
        msg = f"{name}: expected one gene symbol, found {sorted(symbols)}"
        raise SystemExit(msg)
    symbol = symbols.pop()
    n = len(record.seq)
    exons = tuple(sorted((int(f.location.start), int(f.location.end))
                         for f in record.features if f.type == "exon"))
    annotated = bool(exons)
    if not annotated:
        exons = ((0, n),)
    cds_feats = [f for f in record.features if f.type == "CDS"]
    if len(cds_feats) != 1:
        msg = f"{name}: expected one CDS, found {len(cds_feats)}"
        raise SystemExit(msg)
    c = cds_feats[0]
    cds = (int(c.location.start), int(c.location.end))
    geneid = next((x for f in record.features if f.type == "gene"
                   for x in f.qualifiers.get("db_xref", []) if x.startswith("GeneID:")), "")
    t = Transcript(id=name, gene=symbol, chrom=name, strand="+", exons=exons, cds=cds,
                   gene_id=geneid, biotype="protein_coding", source=source)
    gene = Gene(symbol=symbol, chrom=name, start=0, end=n, strand="+", transcripts=(t,),
                gene_id=geneid, source=source)
    return gene, annotated, _q(c, "protein_id"), _q(c, "translation")


# ---- GFF3 pass-through -----------------------------------------------------------------------


def _gff_attrs(col9: str) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in col9.split(";") if "=" in kv)


def ensembl_chr21(path: Path, regions: list[tuple[int, int]]) -> tuple[list[str], list[dict]]:
    """Lines of the Ensembl chr21 GFF3 for genes overlapping ``regions`` (1-based inclusive),
    seqid renamed ``21`` -> ``chr21``; and a summary per gene."""
    rows = []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 9 and cols[2] not in GFF_DROP:
                rows.append(cols)
    genes = {}
    for cols in rows:
        a = _gff_attrs(cols[8])
        gid = a.get("ID", "")
        if gid.startswith("gene:"):
            s, e = int(cols[3]), int(cols[4])
            if any(s <= re_ and e >= rs for rs, re_ in regions):
                genes[gid] = (cols, a)
    transcripts = {}
    for cols in rows:
        a = _gff_attrs(cols[8])
        if a.get("Parent") in genes and a.get("ID", "").startswith("transcript:"):
            transcripts[a["ID"]] = a["Parent"]
    keep = []
    for cols in rows:
        a = _gff_attrs(cols[8])
        if a.get("ID") in genes or a.get("ID") in transcripts or a.get("Parent") in transcripts:
            keep.append("\t".join(["chr21", *cols[1:]]))
    summary = []
    for gid, (cols, a) in genes.items():
        s, e = int(cols[3]), int(cols[4])
        inside = any(rs <= s and e <= re_ for rs, re_ in regions)
        summary.append({"symbol": a.get("Name", gid), "gene_id": a.get("gene_id", ""),
                        "seqid": "chr21", "start": s, "end": e, "strand": cols[6],
                        "sequence": "complete" if inside else "partial",
                        "transcripts": sum(1 for p in transcripts.values() if p == gid)})
    return keep, summary


def refseqgene_gff(path: Path) -> tuple[list[str], list[str], list[dict]]:
    """Directives, model lines and a gene summary of one NCBI RefSeqGene GFF3 file."""
    directives, lines, genes = [], [], []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("##sequence-region"):
                directives.append(line)
                continue
            if line.startswith("#") or not line.strip():
                continue
            cols = line.split("\t")
            if cols[2] in GFF_DROP:
                continue
            lines.append(line)
            a = _gff_attrs(cols[8])
            if cols[2] in ("gene", "pseudogene"):
                genes.append({"symbol": a.get("Name", ""), "seqid": cols[0],
                              "start": int(cols[3]), "end": int(cols[4]), "strand": cols[6],
                              "partial": a.get("partial") == "true"})
    return directives, lines, genes


# ---- default transcripts -------------------------------------------------------------------


def lrg_reference_standards(path: Path) -> dict[str, list[str]]:
    """Gene symbol -> its "reference standard" RNA accessions in table order (LRG_RefSeqGene)."""
    out: dict[str, list[str]] = {}
    with gzip.open(path, "rt") as fh:
        header = fh.readline().lstrip("#").rstrip("\n").split("\t")
        col = {h: i for i, h in enumerate(header)}
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == len(header) and cells[col["Category"]] == "reference standard":
                out.setdefault(cells[col["Symbol"]], []).append(cells[col["RNA"]])
    return out


def choose_default(symbol: str, transcript_ids: list[str],
                   lrg: dict[str, list[str]]) -> tuple[str | None, str]:
    """Default transcript of a gene and why: the first LRG_RefSeqGene "reference standard"
    RNA in the model (same accession, version preferred); None when the table names none."""
    for acc in lrg.get(symbol, []):
        if acc in transcript_ids:
            return acc, f"reference standard RNA of {symbol} in NCBI LRG_RefSeqGene"
        base = acc.split(".")[0]
        same = [t for t in transcript_ids if t.split(".")[0] == base]
        if same:
            return same[0], (f"reference standard RNA of {symbol} in NCBI LRG_RefSeqGene is "
                             f"{acc}; the model has {same[0]}")
    return None, NO_DEFAULT


# ---- the build -------------------------------------------------------------------------------


@dataclass
class Pack:
    """Everything the build collects before writing."""

    records: dict[str, str] = field(default_factory=dict)
    record_info: list[dict] = field(default_factory=list)
    genes_lines: list[str] = field(default_factory=list)
    genes_directives: list[str] = field(default_factory=list)
    mrna_lines: list[str] = field(default_factory=list)
    mrna_directives: list[str] = field(default_factory=list)
    genes: dict[str, dict] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def add_record(self, name: str, seq: str, source: str, note: str, accession: str) -> None:
        if name in self.records:
            msg = f"duplicate record {name}"
            raise SystemExit(msg)
        self.records[name] = seq
        self.record_info.append({"name": name, "length": len(seq), "accession": accession,
                                 "source": source, "note": note})
        self.used.add(source)

    def add_gene(self, symbol: str, info: dict) -> None:
        if symbol in self.genes:
            msg = f"gene {symbol} twice in the pack"
            raise SystemExit(msg)
        self.genes[symbol] = info


def _placed(name: str) -> tuple[str, int, int]:
    chrom, rng = name.split(":")
    s, e = rng.split("-")
    return chrom, int(s), int(e)


def build(shared: Path) -> Pack:
    """Collect sequences, models and provenance from ``shared`` (shared/data)."""
    from genetx.genome.genes import gff3_lines

    pack = Pack()
    lrg = lrg_reference_standards(shared / LRG_TABLE)
    pack.used.add(LRG_TABLE)
    sizes = dict(line.split()[:2] for line in (shared / CHROM_SIZES).read_text().splitlines()
                 if line.strip())
    pack.used.add(CHROM_SIZES)

    # 1. DMD locus: sequence from the plus-strand FASTA, models from the complement() slice.
    fa = read_fasta(shared / DMD_FA)
    if list(fa) != [DMD_PLACED]:
        msg = f"{DMD_FA}: expected one record {DMD_PLACED}, found {list(fa)}"
        raise SystemExit(msg)
    rec = read_genbank(shared / DMD_GB)
    if revcomp(str(rec.seq)).upper() != fa[DMD_PLACED].upper():
        msg = "DMD locus: GenBank slice reverse-complemented differs from the FASTA"
        raise SystemExit(msg)
    pack.add_record(DMD_PLACED, fa[DMD_PLACED], DMD_FA,
                    "GRCh38 chrX:31,117,221-33,344,609, plus strand",
                    f"{rec.id} complement(31117221..33344609), reverse-complemented")
    chrom, _, end = _placed(DMD_PLACED)
    place = Placement(chrom, offset=end, reverse=True)  # record is complement(start..end)
    dmd = genbank_gene(rec, "DMD", place, DMD_GB)
    pack.used.add(DMD_GB)
    pack.genes_directives.append(f"##sequence-region {chrom} 1 {sizes[chrom]}")
    pack.genes_lines += list(gff3_lines([dmd], source="RefSeq", header=False))
    ids = [t.id for t in dmd.transcripts]
    default, why = choose_default("DMD", ids, lrg)
    pack.add_gene("DMD", {
        "file": "genes.gff3", "seqid": chrom, "start": dmd.start + 1, "end": dmd.end,
        "strand": dmd.strand, "gene_id": dmd.gene_id, "transcripts": len(ids),
        "default_transcript": default,
        "default_basis": why + " (LRG_199 t1, Dp427m: the isoform DMD exon numbering uses)",
        "sequence": "complete", "source": DMD_GB,
        "note": "GenBank slice complement(31117221..33344609) of NC_000023.11 mapped to chrX "
                "minus strand; mRNA/CDS pairs matched by exon chain and variant name"})

    # 2. chr21 regions and their Ensembl genes.
    fa = read_fasta(shared / CHR21_FA)
    if list(fa) != list(CHR21_REGIONS):
        msg = f"{CHR21_FA}: expected {CHR21_REGIONS}, found {list(fa)}"
        raise SystemExit(msg)
    for name in CHR21_REGIONS:
        pack.add_record(name, fa[name], CHR21_FA, "GRCh38 " + name + ", plus strand" + (
            "; 570 N placeholder bases (missing contig in the source)" if "N" in fa[name]
            else ""), "GRCh38 chr21 (Ensembl core test database contigs, assembled)")
    regions = [_placed(n)[1:] for n in CHR21_REGIONS]
    lines, summary = ensembl_chr21(shared / CHR21_GFF, regions)
    pack.used.add(CHR21_GFF)
    pack.genes_directives.append(f"##sequence-region chr21 1 {sizes['chr21']}")
    pack.genes_lines += lines
    for g in summary:
        symbol = g.pop("symbol")
        pack.add_gene(symbol, {"file": "genes.gff3", **g, "default_transcript": None,
                               "default_basis": NO_DEFAULT,
                               "source": CHR21_GFF,
                               "note": "Ensembl GFF3 lines, seqid 21 renamed chr21"})

    # 3. RefSeqGene records: NCBI FASTA + GFF3 pairs, and two GenBank records.
    ng_sections: dict[str, tuple[list[str], list[str]]] = {}
    for acc in REFSEQGENE:
        fa_path = f"{REFSEQGENE_DIR}/{acc}.fasta.gz"
        gff_path = f"{REFSEQGENE_DIR}/{acc}.gff3.gz"
        seqs = read_fasta(shared / fa_path)
        if list(seqs) != [acc]:
            msg = f"{fa_path}: expected one record {acc}, found {list(seqs)}"
            raise SystemExit(msg)
        pack.add_record(acc, seqs[acc], fa_path, "RefSeqGene genomic record", acc)
        directives, lines, genes = refseqgene_gff(shared / gff_path)
        pack.used.add(gff_path)
        ng_sections[acc] = (directives, lines)
        tx_ids = _transcript_ids(lines)
        for g in genes:
            symbol = g.pop("symbol")
            partial = g.pop("partial")
            ids = tx_ids.get(symbol, [])
            default, why = choose_default(symbol, ids, lrg)
            pack.add_gene(symbol, {
                "file": "genes.gff3", **g, "transcripts": len(ids), "default_transcript": default,
                "default_basis": why, "sequence": "partial" if partial else "complete",
                "source": gff_path, "note": "NCBI GFF3 lines (gene models only)"})
    for acc, symbol in NG_GENBANK.items():
        path = f"genes/genbank/{acc}.gb.gz"
        rec = read_genbank(shared / path)
        if rec.id != acc:
            msg = f"{path}: record is {rec.id}, expected {acc}"
            raise SystemExit(msg)
        pack.add_record(acc, str(rec.seq).upper(), path, "RefSeqGene genomic record", acc)
        gene = genbank_gene(rec, symbol, Placement(acc), path)
        ng_sections[acc] = ([f"##sequence-region {acc} 1 {len(rec.seq)}"],
                            list(gff3_lines([gene], source="RefSeq", header=False)))
        ids = [t.id for t in gene.transcripts]
        default, why = choose_default(symbol, ids, lrg)
        pack.add_gene(symbol, {
            "file": "genes.gff3", "seqid": acc, "start": gene.start + 1, "end": gene.end,
            "strand": gene.strand, "gene_id": gene.gene_id, "transcripts": len(ids),
            "default_transcript": default, "default_basis": why, "sequence": "complete",
            "source": path, "note": "GenBank gene/mRNA/CDS features in record coordinates"})
    for acc in sorted(ng_sections):
        directives, lines = ng_sections[acc]
        pack.genes_directives += directives
        pack.genes_lines += lines

    # 4. RefSeq mRNA GenBank records: mRNA-coordinate models.
    for name, path in MRNA_GENBANK.items():
        rec = read_genbank(shared / path)
        if name.startswith("NM_") and rec.id != name:
            msg = f"{path}: record is {rec.id}, expected {name}"
            raise SystemExit(msg)
        pack.add_record(name, str(rec.seq).upper(), path, "mRNA record",
                        rec.id if name.startswith("NM_") else
                        f"{name} (mutalyzer upload of an ADA mRNA; GenBank header {rec.id})")
        gene, annotated, protein_id, translation = mrna_gene(rec, name, path)
        pack.mrna_directives.append(f"##sequence-region {name} 1 {len(rec.seq)}")
        pack.mrna_lines += list(gff3_lines([gene], source="RefSeq" if name.startswith("NM_")
                                           else "GenBank", header=False))
        entry = {"file": "mrna.gff3", "seqid": name, "start": 1, "end": len(rec.seq),
                 "strand": "+", "gene_id": gene.gene_id,
                 "transcripts": 1, "default_transcript": name,
                 "default_basis": "the record is the transcript", "sequence": "complete",
                 "source": path, "exons_annotated": annotated, "protein_id": protein_id,
                 "protein_length": len(translation),
                 "note": "mRNA-coordinate model from the record's exon and CDS features"
                         if annotated else
                         "mRNA-coordinate model; the record has no exon features, so the "
                         "whole mRNA is one segment"}
        if gene.symbol in pack.genes:
            pack.genes[gene.symbol].setdefault("other_models", []).append(entry)
        else:
            pack.add_gene(gene.symbol, entry)

    # 5. Genomic transcript spans of pyhgvs (GRCh37, plus strand): sequence only.
    spans = read_fasta(shared / SPANS_FA)
    symbol_of = _lrg_symbols(shared / LRG_TABLE)
    for acc, seq in spans.items():
        name = acc + SPAN_SUFFIX
        symbol = symbol_of.get(acc, "")
        pack.add_record(name, seq, SPANS_FA,
                        f"GRCh37 genomic span (plus strand, introns included) of {acc}"
                        f"{' (' + symbol + ')' if symbol else ''}; no exon model in the source",
                        acc)
        entry = {"file": None, "seqid": name, "sequence_only": True, "source": SPANS_FA,
                 "note": f"genomic span of {acc} without an exon model: the source gives no "
                         "exon or CDS coordinates, and none are derived here"}
        if symbol and symbol not in pack.genes:
            pack.add_gene(symbol, entry)
        elif symbol:
            pack.genes[symbol].setdefault("other_models", []).append(entry)
    pack.used.add(SPANS_FA)
    return pack


def _transcript_ids(lines: list[str]) -> dict[str, list[str]]:
    """Gene symbol -> transcript ids. As in GFF3 readers, a feature that is the parent of an
    exon is a transcript, and the top of its parent chain is its gene."""
    feats: dict[str, tuple[str, dict[str, str]]] = {}
    exon_parents: list[str] = []
    for line in lines:
        cols = line.split("\t")
        a = _gff_attrs(cols[8])
        if "ID" in a and cols[2] != "CDS":
            feats[a["ID"]] = (cols[2], a)
        if cols[2] == "exon" and "Parent" in a:
            exon_parents += [p for p in a["Parent"].split(",") if p not in exon_parents]
    out: dict[str, list[str]] = {}
    for tid in exon_parents:
        if tid not in feats or feats[tid][0] in ("gene", "pseudogene"):
            continue
        top = tid
        while "Parent" in feats[top][1] and feats[top][1]["Parent"] in feats:
            top = feats[top][1]["Parent"]
        a = feats[tid][1]
        out.setdefault(feats[top][1].get("Name", top), []).append(
            a.get("transcript_id") or a.get("Name") or tid)
    return out


def _lrg_symbols(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with gzip.open(path, "rt") as fh:
        header = fh.readline().lstrip("#").rstrip("\n").split("\t")
        col = {h: i for i, h in enumerate(header)}
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == len(header):
                out.setdefault(cells[col["RNA"]], cells[col["Symbol"]])
    return out


# ---- writing -------------------------------------------------------------------------------


def _check_ids(lines: list[str], name: str) -> None:
    seen: dict[str, str] = {}
    for line in lines:
        cols = line.split("\t")
        fid = _gff_attrs(cols[8]).get("ID")
        if fid is None:
            continue
        key = fid if cols[2] == "CDS" else fid + "\t" + cols[2] + "\t" + cols[3]
        if cols[2] != "CDS" and fid in seen and seen[fid] != key:
            msg = f"{name}: ID {fid} used by two features"
            raise SystemExit(msg)
        seen[fid] = key


def write(pack: Pack, out: Path, sources: dict[str, Source]) -> list[Path]:
    """Write the pack files into ``out``; returns their paths."""
    from genetx.genome.twobit import write_twobit

    out.mkdir(parents=True, exist_ok=True)
    written = []
    twobit = out / "genepack.2bit"
    write_twobit(twobit, pack.records)
    written.append(twobit)
    for fname, directives, lines in (("genes.gff3", pack.genes_directives, pack.genes_lines),
                                     ("mrna.gff3", pack.mrna_directives, pack.mrna_lines)):
        _check_ids(lines, fname)
        path = out / fname
        path.write_text("\n".join(["##gff-version 3", *directives, *lines]) + "\n",
                        encoding="utf-8", newline="\n")
        written.append(path)
    for path in written:
        path.chmod(0o644)
    missing = sorted(pack.used - set(sources))
    if missing:
        msg = f"not described in shared/data/SOURCES.md: {missing}"
        raise SystemExit(msg)
    manifest = {
        "format": 1,
        "description": "GeneTx embedded gene pack: real GRCh38 loci and RefSeq records with "
                       "their gene models, rebuilt by scripts/build_genepack.py from the "
                       "public files listed under 'sources'.",
        "coordinates": "GFF3 1-based inclusive; placed records CHROM:START-END are GRCh38 "
                       "(1-based inclusive); other records use their own coordinates",
        "files": {
            "genepack.2bit": {"kind": "sequence", "records": pack.record_info},
            "genes.gff3": {"kind": "gene models (genomic)",
                           "sources": sorted({g["source"] for g in pack.genes.values()
                                              if g.get("file") == "genes.gff3"})},
            "mrna.gff3": {"kind": "gene models (mRNA coordinates)",
                          "sources": sorted(MRNA_GENBANK.values())},
        },
        "genes": {k: pack.genes[k] for k in sorted(pack.genes)},
        "sources": {p: {"repo": sources[p].repo, "commit": sources[p].commit,
                        "path": sources[p].original_path, "licence": sources[p].licence,
                        "description": sources[p].description}
                    for p in sorted(pack.used)},
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=1, sort_keys=False, ensure_ascii=False) + "\n",
                    encoding="utf-8", newline="\n")
    written.append(path)
    path = out / "SOURCES.md"
    path.write_text(sources_md(pack, sources), encoding="utf-8", newline="\n")
    written.append(path)
    return written


def sources_md(pack: Pack, sources: dict[str, Source]) -> str:
    """Human-readable provenance of the pack."""
    lines = [
        "# GeneTx gene pack: sources",
        "",
        "Built by `scripts/build_genepack.py` from `shared/data` (its `SOURCES.md` gives the "
        "snapshot of each public repository). Rebuilding gives byte-identical files; "
        "`tests/genome/test_genepack.py` checks that. Machine-readable provenance: "
        "`manifest.json`.",
        "",
        "## Files",
        "",
        "- `genepack.2bit`: every sequence (UCSC 2bit). Placed records are named "
        "`CHROM:START-END` (GRCh38, 1-based inclusive) and give real chromosome coordinates; "
        "the others are named by accession.",
        "- `genes.gff3`: genomic gene models (DMD on chrX, Ensembl genes of the chr21 regions, "
        "RefSeqGene models).",
        "- `mrna.gff3`: mRNA-coordinate models of the RefSeq mRNA GenBank records.",
        "- `manifest.json`: genes, default transcripts and the reason for each, records, "
        "sources.",
        "",
        "## Records",
        "",
        "| record | length | accession | from | note |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| `{r['name']}` | {r['length']:,} | {r['accession']} | `{r['source']}` | "
              f"{r['note']} |" for r in pack.record_info]
    lines += ["", "## Source files", "",
              "| shared/data file | repository | commit | path in repository | licence |",
              "|---|---|---|---|---|"]
    for p in sorted(pack.used):
        s = sources[p]
        lines.append(f"| `{p}` | {s.repo} | `{s.commit}` | `{s.original_path}` | "
                     f"{s.licence} |")
    lines += [
        "",
        "## Conversions and notes",
        "",
        "- DMD: the NCBI slice is `complement(31117221..33344609)` of NC_000023.11; its "
        "features are mapped to chrX minus strand (record position p, 1-based, is chrX "
        "33,344,610 - p). The build checks that the reverse complement of the slice equals the "
        "plus-strand FASTA. Each CDS is paired with the mRNA whose exon chain it follows, then "
        "by variant name (`transcript variant Dp427m` / `Dp427m isoform`), then by accession "
        "class (NP_ with NM_). Other genes of the slice (pseudogenes, microRNAs) are left out.",
        "- DMD default transcript NM_004006.2 (Dp427m): the RefSeqGene reference standard "
        "(NG_012232.1, LRG_199 t1) in NCBI's LRG_RefSeqGene table; DMD exon numbering follows "
        "this isoform.",
        "- chr21: the Ensembl GFF3 lines of every gene overlapping the two regions, with their "
        "transcripts, exons, CDS and UTRs, seqid `21` renamed `chr21`; genes that reach past a "
        "region are marked `sequence: partial` in the manifest.",
        "- RefSeqGene GFF3: NCBI lines kept as they are, minus `region`, `cDNA_match`, "
        "`sequence_difference` and `STS` features.",
        "- RefSeqGene GenBank (NG_009105.1 OPN1LW, NG_012772.1 BRCA2): the named gene and its "
        "mRNA/CDS features only.",
        "- mRNA records: exon features and the CDS feature in mRNA coordinates. The ADA record "
        "(mutalyzer upload UD_143772172095) has no exon features, so its model is the whole "
        "mRNA as one segment (manifest: `exons_annotated: false`).",
        "- `refseq_mrna_10genes_incl_CFTR_ADA.fa.gz` is described in shared/data as RefSeq "
        "mRNAs, but its records are GRCh37 genomic spans of those transcripts (plus strand, "
        "introns and soft-masked repeats included: the CFTR record is 188,702 bp; the ADA "
        "mRNA record's exons occur in the reverse complement of the ADA record). They are "
        "kept as sequence-only records named `ACCESSION_genomic_span`; no exon model or CDS is "
        "derived for them. Gene symbols come from the LRG_RefSeqGene table.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="the shared/data folder (default: ../shared/data)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="output folder (default: src/genetx/data/genepack)")
    args = ap.parse_args(argv)
    sources = read_sources(args.shared)
    pack = build(args.shared)
    for path in write(pack, args.out, sources):
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
