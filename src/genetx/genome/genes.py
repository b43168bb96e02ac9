"""Resolve a gene symbol to its model, its chosen transcript and the genome that holds it.

Three places hold gene models, searched in this order:

1. the *gene pack* shipped inside the package (``genetx/data/genepack``): the DMD locus and two
   chr21 regions of GRCh38 with their models, RefSeqGene records and RefSeq mRNA records, each
   cited in the pack's ``manifest.json`` and ``SOURCES.md``;
2. the on-disk cache of genes fetched with ``genetx gene fetch`` (``settings.genes_dir``);
3. nothing else: an unknown symbol raises :class:`~genetx.errors.UnknownGeneError` naming close
   matches.

With ``annotation=`` (a GFF3, GTF or GenBank file) and ``genome=`` (a path or registered name),
:func:`load_gene` reads the user's files instead of the pack.

This module also writes gene models as GFF3 (:func:`gff3_lines`), the format of the pack and of
the fetch cache.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.errors import BadInputError, MissingDataError, UnknownGeneError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from genetx.genome._base import Genome
    from genetx.genome.annotation import Annotation
    from genetx.genome.models import Gene, Transcript

#: Folder of the gene pack inside the package.
PACK_DIR = ("data", "genepack")
#: Files of the gene pack.
PACK_GENOME = "genepack.2bit"
PACK_ANNOTATIONS = ("genes.gff3", "mrna.gff3")
PACK_MANIFEST = "manifest.json"

#: Files of one fetched gene inside ``settings.genes_dir / NAME``.
CACHE_MODEL = "model.gff3"
CACHE_SEQUENCE = "sequence.2bit"
CACHE_META = "meta.json"

_GFF3_ESCAPE = {"%": "%25", ";": "%3B", "=": "%3D", "&": "%26", ",": "%2C", "\t": "%09",
                "\n": "%0A", "\r": "%0D"}


# --------------------------------------------------------------------------------------------
# GFF3 writing


def _esc(value: str) -> str:
    return "".join(_GFF3_ESCAPE.get(c, c) for c in str(value))


def _attrs(pairs: Iterable[tuple[str, str]]) -> str:
    return ";".join(f"{k}={_esc(v)}" for k, v in pairs if v not in ("", None))


def _cds_segments(t: Transcript) -> list[tuple[int, int, int]]:
    """CDS pieces ``(start, end, phase)`` in transcript order (GFF3 phase: bases to skip)."""
    if t.cds is None:
        return []
    cs, ce = t.cds
    out: list[tuple[int, int, int]] = []
    done = 0
    for s, e in t.exons:
        a, b = max(s, cs), min(e, ce)
        if a >= b:
            continue
        out.append((a, b, (3 - done % 3) % 3))
        done += b - a
    return out


def gff3_lines(genes: Iterable[Gene], *, source: str = ".",
               sequence_regions: dict[str, int] | None = None,
               header: bool = True) -> Iterator[str]:
    """Lines of a GFF3 file (without newlines) describing ``genes``.

    Genes become ``gene`` features, coding transcripts ``mRNA`` (others ``transcript``), with
    their ``exon`` features (``rank`` = exon number) and ``CDS`` pieces with GFF3 phases. IDs
    follow the Ensembl convention (``gene:...``, ``transcript:...``), which every GFF3 reader
    of GeneTx understands.

    Parameters
    ----------
    genes
        The gene models (0-based half-open coordinates).
    source
        Column 2 of every line (``RefSeq``, ``Ensembl`` ...).
    sequence_regions
        ``{seqid: length}`` written as ``##sequence-region`` directives.
    header
        Write the ``##gff-version 3`` line and the directives.

    Returns
    -------
    An iterator over the lines.
    """
    if header:
        yield "##gff-version 3"
        for seqid, length in (sequence_regions or {}).items():
            yield f"##sequence-region {seqid} 1 {length}"
    for g in genes:
        gid = f"gene:{g.gene_id or g.symbol}"
        yield "\t".join([g.chrom, source, "gene", str(g.start + 1), str(g.end), ".", g.strand,
                         ".", _attrs([("ID", gid), ("Name", g.symbol), ("gene_id", g.gene_id),
                                      ("biotype", _gene_biotype(g))])])
        for t in g.transcripts:
            tid = f"transcript:{t.id}"
            lo = min(s for s, _ in t.exons)
            hi = max(e for _, e in t.exons)
            kind = "mRNA" if t.cds is not None else "transcript"
            yield "\t".join([t.chrom, source, kind, str(lo + 1), str(hi), ".", t.strand, ".",
                             _attrs([("ID", tid), ("Parent", gid), ("Name", t.id),
                                     ("transcript_id", t.id), ("biotype", t.biotype),
                                     ("tag", ",".join(sorted(t.tags)))])])
            for rank, (s, e) in enumerate(t.exons, start=1):
                yield "\t".join([t.chrom, source, "exon", str(s + 1), str(e), ".", t.strand,
                                 ".", _attrs([("Parent", tid), ("rank", str(rank))])])
            for s, e, phase in _cds_segments(t):
                yield "\t".join([t.chrom, source, "CDS", str(s + 1), str(e), ".", t.strand,
                                 str(phase), _attrs([("ID", f"CDS:{t.id}"), ("Parent", tid)])])


def _gene_biotype(g: Gene) -> str:
    kinds = {t.biotype for t in g.transcripts if t.biotype}
    if any(t.cds is not None for t in g.transcripts):
        return "protein_coding"
    return kinds.pop() if len(kinds) == 1 else ""


# --------------------------------------------------------------------------------------------
# the gene pack


def _pack_path(name: str) -> Path:
    """Real file path of a pack file (the package is installed as plain files)."""
    from importlib.resources import files

    res = files("genetx").joinpath(*PACK_DIR, name)
    path = Path(str(res))
    if not path.is_file():
        msg = (f"gene pack file missing from the installation ({path}); reinstall genetx, or "
               "rebuild it with scripts/build_genepack.py")
        raise MissingDataError(name, msg)
    return path


@functools.lru_cache(maxsize=1)
def pack_manifest() -> dict[str, Any]:
    """The gene pack's ``manifest.json``: genes, default transcripts, records and sources."""
    with _pack_path(PACK_MANIFEST).open(encoding="utf-8") as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=1)
def pack_genome() -> Genome:
    """The gene pack's sequences (``genepack.2bit``) as a :class:`~genetx.genome.Genome`.

    Placed records (``chrX:31117221-33344609`` ...) answer real GRCh38 chromosome coordinates;
    the others are addressed by accession.
    """
    from genetx.genome.twobit import TwoBitGenome

    g = TwoBitGenome(_pack_path(PACK_GENOME), name="genepack")
    g.source = f"embedded:genetx/{'/'.join(PACK_DIR)}/{PACK_GENOME}"
    return g


@functools.lru_cache(maxsize=4)
def pack_annotation(kind: str = "all") -> Annotation:
    """Gene models of the gene pack.

    Parameters
    ----------
    kind
        ``"genes"`` (genomic models, ``genes.gff3``), ``"mrna"`` (mRNA-coordinate models of the
        RefSeq mRNA records, ``mrna.gff3``) or ``"all"``: every genomic model, plus the mRNA
        models of genes that have no genomic one (one model per symbol).

    Returns
    -------
    The :class:`~genetx.genome.annotation.Annotation`.
    """
    from genetx.genome.annotation import Annotation, read_gff3

    if kind == "genes":
        return read_gff3(_pack_path(PACK_ANNOTATIONS[0]))
    if kind == "mrna":
        return read_gff3(_pack_path(PACK_ANNOTATIONS[1]))
    if kind != "all":
        msg = "must be 'all', 'genes' or 'mrna'"
        where = f"kind={kind!r}"
        raise BadInputError(where, msg)
    genomic = pack_annotation("genes")
    have = set(genomic.genes())
    extra = [g for g in pack_annotation("mrna") if g.symbol not in have]
    return Annotation([*genomic, *extra], source="the gene pack", format="gff3")


def pack_symbols() -> list[str]:
    """Symbols of every gene the pack lists (with a model or sequence only), sorted."""
    return sorted(pack_manifest()["genes"])


# --------------------------------------------------------------------------------------------
# the fetch cache


def cached_genes() -> dict[str, dict[str, Any]]:
    """Genes fetched earlier: cache folder name -> its ``meta.json`` (empty when none)."""
    from genetx.settings import settings

    root = settings.genes_dir
    out: dict[str, dict[str, Any]] = {}
    if not root.is_dir():
        return out
    for meta in sorted(root.glob(f"*/{CACHE_META}")):
        folder = meta.parent
        if folder.name.startswith("."):
            continue
        if not ((folder / CACHE_MODEL).is_file() and (folder / CACHE_SEQUENCE).is_file()):
            continue
        try:
            out[folder.name] = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
    return out


def _find_cached(query: str) -> Path | None:
    from genetx.settings import settings

    cached = cached_genes()
    low = query.lower()
    for key, meta in cached.items():
        if key.lower() == low or str(meta.get("symbol", "")).lower() == low:
            return settings.genes_dir / key
    return None


# --------------------------------------------------------------------------------------------
# resolution


@dataclass(frozen=True)
class LoadedGene:
    """A resolved gene: its model, the chosen transcript and the genome holding its sequence.

    Attributes
    ----------
    gene
        The gene model.
    transcript
        The chosen transcript (``--transcript``, else the pack's cited default, else
        :meth:`Gene.canonical`).
    genome
        The genome to fetch sequence from.
    origin
        ``"genepack"``, ``"cache"`` or ``"files"``.
    annotation_source
        Where the model was read (file path, or the pack's source file in shared/data).
    transcript_basis
        Why this transcript was chosen.
    coverage
        ``"complete"`` when the genome holds the whole gene span, ``"partial"``, or ``"none"``.
    sequence_record
        Name of the genome record that holds (most of) the gene, or ``""``.
    notes
        Extra facts worth showing (sequence-only pack records, RefSeq/genome differences ...).
    """

    gene: Gene
    transcript: Transcript
    genome: Genome
    origin: str
    annotation_source: str
    transcript_basis: str
    coverage: str
    sequence_record: str
    notes: tuple[str, ...] = ()


def _coverage(genome: Genome, chrom: str, start: int, end: int) -> tuple[str, str]:
    """How much of ``[start, end)`` on ``chrom`` the genome holds, and the record that does."""
    from genetx.genome._base import chrom_key

    key = chrom_key(chrom)
    best, best_len = "", 0
    for seg in genome.segments():
        if seg.record == chrom:
            # a record addressed by its own name holds its whole length
            lo, hi = 0, seg.length
        elif chrom_key(seg.chrom) == key:
            lo, hi = seg.offset, seg.end
        else:
            continue
        overlap = min(hi, end) - max(lo, start)
        if overlap > best_len:
            best, best_len = seg.record, overlap
    if best_len >= end - start:
        return "complete", best
    return ("partial" if best_len > 0 else "none"), best


def _open_genome(ref: str | Path | Genome) -> Genome:
    from genetx.genome._base import Genome

    if isinstance(ref, Genome):
        return ref
    from genetx.genome.registry import open_genome

    return open_genome(ref)


def _close_matches(query: str, names: Iterable[str]) -> list[str]:
    low = {n.lower(): n for n in names}
    return [low[h] for h in difflib.get_close_matches(query.lower(), list(low), n=5, cutoff=0.6)]


_HOWTO = ("give a model with --annotation FILE --genome NAME, or fetch it with "
          "'genetx gene fetch {q}'")


def _unknown(query: str) -> UnknownGeneError:
    names = set(pack_symbols()) | {str(m.get("symbol", k)) for k, m in cached_genes().items()}
    close = _close_matches(query, names)
    hint = f"close matches: {', '.join(close)}; " if close else ""
    msg = f"not in the gene pack or the fetch cache ({hint}{_HOWTO.format(q=query)})"
    return UnknownGeneError(query, msg)


def load_gene(symbol: str, *, annotation: str | Path | None = None,
              genome: str | Path | Genome | None = None,
              transcript: str | None = None) -> LoadedGene:
    """Resolve a gene symbol (or transcript accession) to its model, transcript and genome.

    Parameters
    ----------
    symbol
        Gene symbol (``DMD``, case-insensitive), gene id, or a transcript accession
        (``NM_004006.2``), which selects that transcript.
    annotation
        A GFF3, GTF or GenBank file to read the model from instead of the pack and cache.
    genome
        A FASTA/2bit path, a registered genome name or a :class:`~genetx.genome.Genome`; by
        default the sequence stored with the model (GenBank record, pack, cache), else the
        pack's GRCh38 records.
    transcript
        Transcript id to use (version optional) instead of the default.

    Returns
    -------
    The :class:`LoadedGene`.

    Raises
    ------
    UnknownGeneError
        Unknown symbol (with close matches), or a transcript that is not in the model.
    MissingDataError
        A genome name that is not registered; pack files missing.
    BadInputError
        An annotation file that does not exist; an ambiguous symbol.

    Examples
    --------
    >>> hit = load_gene("DMD")                                   # doctest: +SKIP
    >>> hit.transcript.id, hit.transcript.exon_count, hit.transcript.protein_length
    ('NM_004006.2', 79, 3685)
    """
    query = (symbol or "").strip()
    if not query:
        where, msg = "gene", "give a gene symbol (for example DMD)"
        raise BadInputError(where, msg)
    notes: list[str] = []
    basis = ""
    if annotation is not None:
        from genetx.genome.annotation import read_annotation

        path = Path(annotation)
        if not path.is_file():
            msg = "annotation file not found"
            raise BadInputError(str(annotation), msg)
        ann = read_annotation(path)
        gene, chosen = _gene_or_transcript(ann, query)
        origin, source = "files", str(path)
        if genome is None:
            gen = ann.genome() if ann.sequences else pack_genome()
        else:
            gen = _open_genome(genome)
    else:
        entry = pack_manifest()["genes"].get(query) or next(
            (v for k, v in pack_manifest()["genes"].items() if k.lower() == query.lower()),
            None)
        if entry is not None and entry.get("sequence_only"):
            cached = _find_cached(query)
            if cached is None:
                msg = (f"the gene pack holds only sequence for it ({entry['note']}); "
                       + _HOWTO.format(q=query))
                raise UnknownGeneError(query, msg)
        ann = pack_annotation("all")
        try:
            gene, chosen = _gene_or_transcript(ann, query)
        except UnknownGeneError:
            cached = _find_cached(query)
            if cached is None:
                raise _unknown(query) from None
            from genetx.genome.annotation import read_gff3
            from genetx.genome.twobit import TwoBitGenome

            ann = read_gff3(cached / CACHE_MODEL)
            gene, chosen = _gene_or_transcript(ann, query, cached_symbol=_cached_symbol(cached))
            origin, source = "cache", str(cached)
            gen = (TwoBitGenome(cached / CACHE_SEQUENCE, name=cached.name) if genome is None
                   else _open_genome(genome))
        else:
            origin, source = "genepack", _pack_source(gene.symbol)
            gen = pack_genome() if genome is None else _open_genome(genome)
            default = pack_manifest()["genes"].get(gene.symbol, {})
            if chosen is None and transcript is None and default.get("default_transcript"):
                chosen = gene.transcript(default["default_transcript"])
                basis = default.get("default_basis", "")
            if default.get("file") == "mrna.gff3":
                notes.append(f"mRNA-coordinate model: positions are in the mRNA record "
                             f"{gene.chrom}, not in a chromosome")
            if default.get("exons_annotated") is False:
                notes.append("the source record has no exon features: the model is the whole "
                             "mRNA as one segment")
    if transcript is not None:
        chosen = gene.transcript(transcript)
        basis = "chosen with --transcript"
    elif chosen is not None and not basis:
        basis = "named in the query"
    if chosen is None:
        chosen = gene.canonical()
        basis = "canonical: " + _canonical_reason(gene, chosen)
    coverage, record = _coverage(gen, chosen.chrom, gene.start, gene.end)
    if coverage != "complete":
        notes.append(f"the genome {gen.name!r} holds {coverage} sequence of the gene span")
    return LoadedGene(gene=gene, transcript=chosen, genome=gen, origin=origin,
                      annotation_source=source, transcript_basis=basis, coverage=coverage,
                      sequence_record=record, notes=tuple(notes))


def _cached_symbol(folder: Path) -> str:
    try:
        return str(json.loads((folder / CACHE_META).read_text(encoding="utf-8"))["symbol"])
    except (OSError, KeyError, json.JSONDecodeError):
        return folder.name


def _gene_or_transcript(ann: Annotation, query: str, *,
                        cached_symbol: str | None = None) -> tuple[Gene, Transcript | None]:
    """The gene named by ``query`` (symbol or gene id), or the gene of transcript ``query``."""
    try:
        return ann.gene(cached_symbol or query), None
    except UnknownGeneError as exc:
        if not re.match(r"^[A-Za-z]{2,}_?\d", query):
            raise
        try:
            tx = ann.transcript(query)
        except UnknownGeneError:
            raise exc from None
    return ann.gene(tx.gene), tx


def _pack_source(symbol: str) -> str:
    entry = pack_manifest()["genes"].get(symbol, {})
    return f"gene pack ({entry.get('source', '?')})"


def _canonical_reason(gene: Gene, tx: Transcript) -> str:
    from genetx.genome.models import CANONICAL_TAGS

    tag = next((t for t in CANONICAL_TAGS if t in tx.tags), None)
    if tag:
        return f"tagged {tag}"
    if len(gene.transcripts) == 1:
        return "the only transcript"
    return "longest CDS, then longest transcript (no canonical tag in the model)"


__all__ = ["CACHE_META", "CACHE_MODEL", "CACHE_SEQUENCE", "LoadedGene", "cached_genes",
           "gff3_lines", "load_gene", "pack_annotation", "pack_genome", "pack_manifest",
           "pack_symbols"]
