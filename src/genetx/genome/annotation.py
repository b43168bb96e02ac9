"""Read gene annotations (GTF, GFF3, GenBank) into :class:`~genetx.genome.models.Gene` models.

Every reader returns an :class:`Annotation`: gene and transcript look-up by symbol or id, and
pyranges-compatible tables (``Chromosome, Start, End, Strand``, 0-based half-open) of
transcripts, exons and CDS parts.

Supported inputs (plain or gzip/bgzip-compressed, LF or CRLF line endings):

* **GTF** (GENCODE, Ensembl, UCSC): ``gene``/``transcript``/``exon``/``CDS``/``stop_codon``
  lines grouped by ``transcript_id``. The GTF CDS excludes the stop codon; the model's CDS span
  includes it (``stop_codon`` lines are merged in).
* **GFF3** (Ensembl ``ID=transcript:...;Parent=gene:...`` and NCBI RefSeq ``ID=rna-...;
  gene=...;transcript_id=...``): the feature hierarchy decides what is a gene and what is a
  transcript (a feature carrying exons is a transcript; the top of its ``Parent`` chain is its
  gene), so the many Ensembl and RefSeq feature types need no list. A ``##FASTA`` section is
  kept as sequence.
* **GenBank**: RNA features (``mRNA``, ``ncRNA``, ``misc_RNA`` ...) with their ``join``
  locations give the exons; each ``CDS`` is matched to the RNA features whose intron chain it
  fits (a CDS open at an end, ``<``/``>``, only an RNA open at the same base; then by the
  "transcript variant" named in the products when several fit). An mRNA record (``NM_...``) is
  itself the transcript, with exons from its ``exon`` features. A record that is a slice of a
  chromosome is placed with ``placement`` (see :class:`Placement`). Transcripts the record cannot
  model (locations in other records, several CDSs that fit) are listed in
  :attr:`Annotation.skipped` with the reason.

:func:`read_annotation` picks the reader from the file name or its first data line.

Bad input raises :class:`~genetx.errors.MalformedFileError` naming the file and line, and an
unknown gene or transcript raises :class:`~genetx.errors.UnknownGeneError` with close matches.
"""

from __future__ import annotations

import difflib
import gzip
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

from genetx.core.seq import reverse_complement
from genetx.errors import BadInputError, MalformedFileError, UnknownGeneError
from genetx.genome.models import Gene, Transcript, normalize_tag, split_version

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import pandas as pd

    from genetx.genome._base import InMemoryGenome


class Placement(NamedTuple):
    """Where a GenBank record lies on a chromosome.

    Attributes
    ----------
    chrom
        Chromosome name (``chrX``).
    offset
        0-based chromosome position of the leftmost base of the record's span: the record covers
        ``[offset, offset + length)`` of ``chrom``.
    reverse
        True when the record is the reverse complement of the chromosome (NCBI ``REGION:
        complement(a..b)`` slices), so record base 1 is chromosome base ``offset + length``.
    """

    chrom: str
    offset: int
    reverse: bool = False


# ---------------------------------------------------------------------------- the result


class Annotation:
    """Genes and transcripts read from one annotation file.

    Parameters
    ----------
    genes
        The gene models, in file order.
    source
        The file (shown in messages).
    format
        ``gtf``, ``gff3`` or ``genbank``.
    sequences
        Stored sequences by record name (GenBank ORIGIN, GFF3 ``##FASTA``); a placed GenBank
        record is stored under ``CHROM:START-END`` on the plus strand.
    skipped
        Transcripts present in the file that cannot be modelled from it, by id, with the reason
        (a GenBank location that refers to another record, or several CDS features that fit one
        mRNA); :meth:`transcript` names the reason when asked for one.

    Examples
    --------
    >>> ann = read_gtf(path)                                    # doctest: +SKIP
    >>> ann.gene("DMD").canonical().exon_count                  # doctest: +SKIP
    79
    """

    def __init__(self, genes: Sequence[Gene], *, source: str, format: str,
                 sequences: dict[str, str] | None = None,
                 skipped: dict[str, str] | None = None) -> None:
        self._genes = list(genes)
        self.source = source
        self.format = format
        self.sequences = dict(sequences or {})
        self.skipped = dict(skipped or {})
        by_symbol: dict[str, list[Gene]] = defaultdict(list)
        for g in self._genes:
            by_symbol[g.symbol].append(g)
        self._by_symbol = dict(by_symbol)
        self._by_tx: dict[str, Transcript] = {}
        for g in self._genes:
            for t in g.transcripts:
                self._by_tx.setdefault(t.id, t)

    def __repr__(self) -> str:
        return (f"Annotation({self.source!r}, format={self.format!r}, genes={len(self._genes)}, "
                f"transcripts={len(self._by_tx)})")

    def __len__(self) -> int:
        return len(self._genes)

    def __iter__(self) -> Iterator[Gene]:
        return iter(self._genes)

    # ----------------------------------------------------------------- look-up
    def genes(self) -> list[str]:
        """Gene symbols in file order, each once."""
        return list(self._by_symbol)

    def transcripts(self) -> list[Transcript]:
        """Every transcript, gene by gene in file order."""
        return [t for g in self._genes for t in g.transcripts]

    def gene(self, name: str) -> Gene:
        """The gene with symbol or gene id ``name`` (case-insensitive; id version optional).

        Raises
        ------
        UnknownGeneError
            When no gene matches; the message lists close matches.
        BadInputError
            When the symbol names several genes (their ids are listed; pass one of them).
        """
        key = name.strip()
        hits = self._by_symbol.get(key)
        if not hits:
            low = key.lower()
            hits = [g for g in self._genes if g.symbol.lower() == low]
        if not hits:
            base = split_version(key)[0].lower()
            hits = [g for g in self._genes
                    if g.gene_id and (g.gene_id.lower() == key.lower()
                                      or split_version(g.gene_id)[0].lower() == base)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            ids = ", ".join(f"{g.gene_id or '?'} ({g.chrom}:{g.start + 1}-{g.end})"
                            for g in hits[:6])
            msg = f"names {len(hits)} genes in {self.source}: {ids}; give the gene id"
            raise BadInputError(key, msg)
        close = _close(key, self.genes())
        hint = f" (close matches: {', '.join(close)})" if close else ""
        msg = f"gene not in {self.source}{hint}"
        raise UnknownGeneError(key, msg)

    def transcript(self, id: str) -> Transcript:
        """The transcript ``id`` (version optional: the highest version is taken).

        Raises
        ------
        UnknownGeneError
            When no transcript matches; the message lists close matches.
        """
        key = id.strip()
        if key in self._by_tx:
            return self._by_tx[key]
        base, version = split_version(key)
        if version is None:
            hits = [t for t in self._by_tx.values() if split_version(t.id)[0] == base]
            if hits:
                return max(hits, key=lambda t: split_version(t.id)[1] or 0)
        for name, why in self.skipped.items():
            if name == key or split_version(name)[0] == base:
                msg = f"is in {self.source} but could not be modelled ({why})"
                raise UnknownGeneError(name, msg)
        close = _close(key, list(self._by_tx))
        hint = f" (close matches: {', '.join(close)})" if close else ""
        msg = f"transcript not in {self.source}{hint}"
        raise UnknownGeneError(key, msg)

    def genome(self) -> InMemoryGenome:
        """The stored sequences as a genome (placed GenBank records keep their placement).

        Raises
        ------
        BadInputError
            When the file held no sequence.
        """
        from genetx.genome._base import InMemoryGenome

        if not self.sequences:
            msg = "holds no sequence (GTF, or GFF3 without ##FASTA)"
            raise BadInputError(self.source, msg)
        return InMemoryGenome(self.sequences, name=Path(self.source).name)

    # ------------------------------------------------------------------ tables
    def genes_df(self) -> pd.DataFrame:
        """One row per gene: location, ``gene_name``, ``gene_id``, ``transcript_count``,
        ``canonical`` (id of the canonical transcript, empty when the gene has none)."""
        import pandas as pd

        rows = [{"Chromosome": g.chrom, "Start": g.start, "End": g.end, "Strand": g.strand,
                 "gene_name": g.symbol, "gene_id": g.gene_id,
                 "transcript_count": len(g.transcripts),
                 "canonical": g.canonical().id if g.transcripts else ""} for g in self._genes]
        return pd.DataFrame(rows, columns=_GENE_COLS)

    def transcripts_df(self) -> pd.DataFrame:
        """One row per transcript.

        Columns: ``Chromosome, Start, End, Strand`` (transcript span), ``transcript_id``,
        ``gene_name``, ``gene_id``, ``biotype``, ``exon_count``, ``length`` (spliced),
        ``cds_genome_start``/``cds_genome_end`` (0-based half-open CDS span, stop codon
        included; NA when non-coding), ``cds_length``, ``protein_length``, ``tags``
        (comma-separated, sorted) and ``canonical`` (True for the gene's canonical transcript).
        """
        import pandas as pd

        rows = []
        for g in self._genes:
            canon = g.canonical().id if g.transcripts else None
            for t in g.transcripts:
                rows.append({
                    "Chromosome": t.chrom, "Start": t.start, "End": t.end, "Strand": t.strand,
                    "transcript_id": t.id, "gene_name": t.gene, "gene_id": t.gene_id,
                    "biotype": t.biotype, "exon_count": t.exon_count, "length": t.length,
                    "cds_genome_start": t.cds[0] if t.cds else None,
                    "cds_genome_end": t.cds[1] if t.cds else None,
                    "cds_length": t.cds_length, "protein_length": t.protein_length,
                    "tags": ",".join(sorted(t.tags)), "canonical": t.id == canon,
                })
        df = pd.DataFrame(rows, columns=_TX_COLS)
        for col in ("cds_genome_start", "cds_genome_end"):
            df[col] = df[col].astype("Int64")
        return df

    def exons_df(self) -> pd.DataFrame:
        """One row per exon of each transcript (see :meth:`Transcript.exon_table`), plus
        ``gene_id``."""
        import pandas as pd

        rows = []
        for g in self._genes:
            for t in g.transcripts:
                for r in t.exon_rows():
                    r["gene_id"] = t.gene_id
                    rows.append(r)
        df = pd.DataFrame(rows, columns=_EXON_COLS)
        for col in ("cds_start", "cds_end", "cds_phase"):
            df[col] = df[col].astype("Int64")
        return df

    def cds_df(self) -> pd.DataFrame:
        """One row per CDS part (stop codon included), in transcript order.

        Columns: location, ``transcript_id``, ``gene_name``, ``exon_number``, ``cds_start`` /
        ``cds_end`` (c. numbers of the part's first and last base) and ``phase`` (GTF/GFF3
        column-8 convention: bases to skip before the first complete codon).
        """
        import pandas as pd

        rows = []
        for g in self._genes:
            for t in g.transcripts:
                if not t.is_coding:
                    continue
                for r in t.exon_rows():
                    if r["cds_start"] is None:
                        continue
                    s, e = r["Start"], r["End"]
                    cs, ce = t.cds  # type: ignore[misc]
                    rows.append({
                        "Chromosome": t.chrom, "Start": max(s, cs), "End": min(e, ce),
                        "Strand": t.strand, "transcript_id": t.id, "gene_name": t.gene,
                        "exon_number": r["exon_number"], "cds_start": r["cds_start"],
                        "cds_end": r["cds_end"], "phase": r["cds_phase"],
                    })
        return pd.DataFrame(rows, columns=_CDS_COLS)


_GENE_COLS = ["Chromosome", "Start", "End", "Strand", "gene_name", "gene_id",
              "transcript_count", "canonical"]
_TX_COLS = ["Chromosome", "Start", "End", "Strand", "transcript_id", "gene_name", "gene_id",
            "biotype", "exon_count", "length", "cds_genome_start", "cds_genome_end",
            "cds_length", "protein_length", "tags", "canonical"]
_EXON_COLS = ["Chromosome", "Start", "End", "Strand", "transcript_id", "gene_name", "gene_id",
              "exon_number", "length", "tx_start", "tx_end", "cds_start", "cds_end", "phase",
              "end_phase", "cds_phase", "kind"]
_CDS_COLS = ["Chromosome", "Start", "End", "Strand", "transcript_id", "gene_name",
             "exon_number", "cds_start", "cds_end", "phase"]


def _close(key: str, names: list[str]) -> list[str]:
    low = {n.lower(): n for n in names}
    hits = difflib.get_close_matches(key.lower(), list(low), n=5, cutoff=0.75)
    return [low[h] for h in hits]


# ---------------------------------------------------------------------------- file access


def _lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, line)`` without line ending; gzip is detected by its magic bytes."""
    p = Path(path)
    if not p.is_file():
        msg = "no such file"
        raise BadInputError(str(path), msg)
    with p.open("rb") as fh:
        magic = fh.read(2)
    n = 0
    try:
        if magic == b"\x1f\x8b":
            handle = gzip.open(p, "rt", encoding="utf-8", newline="")
        else:
            handle = p.open(encoding="utf-8", newline="")
        with handle:
            for n, line in enumerate(handle, 1):
                yield n, line.rstrip("\r\n")
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        msg = f"truncated or corrupt gzip data ({exc})"
        raise MalformedFileError(str(path), msg, line=n + 1) from None
    except UnicodeDecodeError:
        msg = "is not UTF-8 text (binary or wrong file type?)"
        raise MalformedFileError(str(path), msg, line=n + 1) from None
    if n == 0:
        msg = "is empty"
        raise MalformedFileError(str(path), msg)


def _coords(path: str, n: int, start: str, end: str) -> tuple[int, int]:
    """1-based inclusive GTF/GFF3 coordinates -> 0-based half-open, validated."""
    try:
        s, e = int(start), int(end)
    except ValueError:
        msg = f"start/end {start!r}/{end!r} are not integers"
        raise MalformedFileError(path, msg, line=n) from None
    if s < 1 or e < s:
        msg = f"bad coordinates {s}-{e} (1-based, start >= 1, start <= end)"
        raise MalformedFileError(path, msg, line=n)
    return s - 1, e


def _columns(path: str, n: int, line: str) -> list[str]:
    cols = line.split("\t")
    if len(cols) != 9:
        msg = f"expected 9 tab-separated columns, found {len(cols)}"
        raise MalformedFileError(path, msg, line=n)
    return cols


@dataclass
class _TxAcc:
    """Features collected for one transcript while reading."""

    line: int
    chrom: str = ""
    strand: str = ""
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds: list[tuple[int, int]] = field(default_factory=list)
    stops: list[tuple[int, int]] = field(default_factory=list)
    first_cds_phase: dict[tuple[int, int], int] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)
    gene_id: str = ""
    gene_name: str = ""
    biotype: str = ""
    id: str = ""


def _check_same(path: str, n: int, acc: _TxAcc, chrom: str, strand: str, what: str) -> None:
    if not acc.chrom:
        acc.chrom, acc.strand = chrom, strand
        return
    if chrom != acc.chrom:
        msg = f"{what} is on {chrom} but its transcript {acc.id} is on {acc.chrom}"
        raise MalformedFileError(path, msg, line=n)
    if strand in "+-" and acc.strand in "+-" and strand != acc.strand:
        msg = f"{what} is on strand {strand} but its transcript {acc.id} is on {acc.strand}"
        raise MalformedFileError(path, msg, line=n)
    if acc.strand not in "+-":
        acc.strand = strand


def _build_transcript(path: str, acc: _TxAcc, source: str) -> Transcript:
    """Turn collected features into a Transcript; bad structure -> MalformedFileError."""
    if acc.strand not in ("+", "-"):
        msg = f"transcript {acc.id} has no strand ({acc.strand or 'none'!r})"
        raise MalformedFileError(path, msg, line=acc.line)
    exons = acc.exons or _merge(acc.cds + acc.stops)
    if not exons:
        msg = f"transcript {acc.id} has no exon or CDS features"
        raise MalformedFileError(path, msg, line=acc.line)
    exons = _dedupe(exons, path, acc)
    cds = None
    tags = set(acc.tags)
    coding = acc.cds + acc.stops
    if coding:
        cds = (min(s for s, _ in coding), max(e for _, e in coding))
        if acc.first_cds_phase and acc.cds:
            first = max(acc.cds) if acc.strand == "-" else min(acc.cds)
            if acc.first_cds_phase.get(first, 0) != 0:
                tags.add("cds_start_NF")
    try:
        return Transcript(id=acc.id, gene=acc.gene_name or acc.gene_id or acc.id,
                          chrom=acc.chrom, strand=acc.strand,  # type: ignore[arg-type]
                          exons=tuple(exons), cds=cds, gene_id=acc.gene_id,
                          biotype=acc.biotype, tags=frozenset(tags), source=source)
    except BadInputError as exc:
        raise MalformedFileError(path, exc.reason if exc.input == acc.id else str(exc),
                                 line=acc.line) from None


def _merge(parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(parts):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _dedupe(exons: list[tuple[int, int]], path: str, acc: _TxAcc) -> list[tuple[int, int]]:
    uniq = sorted(set(exons))
    for (s1, e1), (s2, e2) in pairwise(uniq):
        if s2 < e1:
            msg = (f"transcript {acc.id} has overlapping exons {s1 + 1}-{e1} and "
                   f"{s2 + 1}-{e2} (1-based)")
            raise MalformedFileError(path, msg, line=acc.line)
    return uniq


def _genes_from(txs: list[tuple[str, Transcript]], gene_info: dict[str, dict[str, Any]],
                order: list[str], source: str) -> list[Gene]:
    """Group ``(gene key, transcript)`` pairs into genes; ``gene_info[key]`` may hold the gene
    line's span, strand, symbol and id."""
    grouped: dict[str, list[Transcript]] = defaultdict(list)
    for key, t in txs:
        grouped[key].append(t)
    keys = list(dict.fromkeys([*order, *grouped]))
    genes = []
    for key in keys:
        members = grouped.get(key, [])
        info = gene_info.get(key, {})
        if not members and not info:
            continue
        chrom = info.get("chrom") or members[0].chrom
        strand = info.get("strand") if info.get("strand") in ("+", "-") else (
            members[0].strand if members else "+")
        start = info.get("start", min((t.start for t in members), default=0))
        end = info.get("end", max((t.end for t in members), default=0))
        if members:
            start = min(start, *(t.start for t in members))
            end = max(end, *(t.end for t in members))
        symbol = info.get("symbol") or (members[0].gene if members else key)
        genes.append(Gene(symbol=symbol, chrom=chrom, start=start, end=end, strand=strand,
                          transcripts=tuple(members), gene_id=info.get("gene_id", key),
                          source=source))
    return genes


# ---------------------------------------------------------------------------------- GTF

_GTF_ATTR = re.compile(r'\s*([^\s";]+)\s+(?:"((?:[^"\\]|\\.)*)"|([^\s";]+))\s*(?:;|$)')
_GTF_KEEP = {"gene", "transcript", "exon", "CDS", "stop_codon"}


def _gtf_attrs(path: str, n: int, text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _GTF_ATTR.match(text, pos)
        if not m or m.end() == pos:
            msg = f"cannot parse GTF attributes near {text[pos:pos + 40]!r}"
            raise MalformedFileError(path, msg, line=n)
        out[m[1]].append(m[2] if m[2] is not None else m[3])
        pos = m.end()
    return out


def _with_version(ident: str, version: str | None) -> str:
    if version and split_version(ident)[1] is None and version.isdigit():
        return f"{ident}.{version}"
    return ident


def read_gtf(path: str | Path) -> Annotation:
    """Read a GTF file (GENCODE, Ensembl, UCSC; plain or gzip).

    Transcripts are grouped by ``transcript_id`` (with ``transcript_version`` appended when the
    id has none); gene symbols come from ``gene_name`` (else ``gene_id``); ``tag`` values become
    transcript tags (``MANE_Select``, ``Ensembl_canonical``, ``basic`` ...). The CDS span joins
    the ``CDS`` and ``stop_codon`` lines, so it includes the stop codon.

    Raises
    ------
    MalformedFileError
        Wrong column count, bad coordinates or attributes, exon lines without
        ``transcript_id``, inconsistent strands, truncated gzip data (with the line number).
    """
    src = str(path)
    txs: dict[str, _TxAcc] = {}
    gene_info: dict[str, dict[str, Any]] = {}
    gene_order: list[str] = []
    for n, line in _lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        cols = _columns(src, n, line)
        ftype = cols[2]
        if ftype not in _GTF_KEEP:
            continue
        s, e = _coords(src, n, cols[3], cols[4])
        strand = cols[6]
        if strand not in ("+", "-", ".", "?"):
            msg = f"strand {strand!r} is not one of + - ."
            raise MalformedFileError(src, msg, line=n)
        a = _gtf_attrs(src, n, cols[8])
        gid = _with_version(a["gene_id"][0], (a.get("gene_version") or [None])[0]) \
            if a.get("gene_id") else ""
        gname = (a.get("gene_name") or a.get("gene") or [""])[0]
        if ftype == "gene":
            key = gid or gname
            if not key:
                msg = "gene line without gene_id"
                raise MalformedFileError(src, msg, line=n)
            if key not in gene_info:
                gene_order.append(key)
            gene_info[key] = {"chrom": cols[0], "start": s, "end": e, "strand": strand,
                              "symbol": gname or gid, "gene_id": gid}
            continue
        if not a.get("transcript_id"):
            msg = f"{ftype} line without transcript_id"
            raise MalformedFileError(src, msg, line=n)
        tid = _with_version(a["transcript_id"][0], (a.get("transcript_version") or [None])[0])
        acc = txs.get(tid)
        if acc is None:
            acc = txs[tid] = _TxAcc(line=n, id=tid)
        _check_same(src, n, acc, cols[0], strand, ftype)
        acc.gene_id = acc.gene_id or gid
        acc.gene_name = acc.gene_name or gname
        acc.biotype = acc.biotype or (a.get("transcript_biotype") or a.get("transcript_type")
                                      or [""])[0]
        acc.tags.update(normalize_tag(t) for t in a.get("tag", []))
        if ftype == "exon":
            acc.exons.append((s, e))
        elif ftype == "CDS":
            acc.cds.append((s, e))
            if cols[7] in ("0", "1", "2"):
                acc.first_cds_phase[(s, e)] = int(cols[7])
        elif ftype == "stop_codon":
            acc.stops.append((s, e))
    if not txs:
        msg = "no transcript, exon or CDS lines found (is this a GTF file?)"
        raise MalformedFileError(src, msg)
    models = [(acc.gene_id or acc.gene_name, _build_transcript(src, acc, src))
              for acc in txs.values()]
    return Annotation(_genes_from(models, gene_info, gene_order, src), source=src,
                      format="gtf")


# --------------------------------------------------------------------------------- GFF3

_GFF_EXON = {"exon", "pseudogenic_exon"}
_GFF_CDS = {"CDS"}
_GFF_STOP = {"stop_codon"}
#: Feature types that are never genes, transcripts, exons or CDS parts (their attributes are not
#: parsed): UTRs are derived from exons and CDS, the rest are alignments and regions.
_GFF_SKIP = {"five_prime_UTR", "three_prime_UTR", "biological_region", "chromosome", "region",
             "cDNA_match", "match", "match_part", "sequence_difference", "repeat_region",
             "sequence_feature", "enhancer", "promoter"}
_ID_PREFIXES = ("transcript:", "gene:", "rna-", "gene-", "id-", "cds-", "exon-")


def _gff_attrs(path: str, n: int, text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    text = text.strip()
    if text in ("", "."):
        return out
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not eq or not key:
            msg = f"attribute {item[:40]!r} is not key=value"
            raise MalformedFileError(path, msg, line=n)
        if "%" in item:
            out[unquote(key)] = [unquote(v) for v in value.split(",")]
        else:
            out[key] = value.split(",")
    return out


def _strip_prefix(ident: str) -> str:
    for p in _ID_PREFIXES:
        if ident.startswith(p):
            return ident[len(p):]
    return ident


@dataclass
class _GffFeature:
    line: int
    seqid: str
    type: str
    start: int
    end: int
    strand: str
    attrs: dict[str, list[str]]

    @property
    def parents(self) -> list[str]:
        return self.attrs.get("Parent", [])

    def first(self, *keys: str) -> str:
        for k in keys:
            v = self.attrs.get(k)
            if v and v[0]:
                return v[0]
        return ""


def read_gff3(path: str | Path) -> Annotation:
    """Read a GFF3 file (Ensembl, NCBI RefSeq, GENCODE; plain or gzip).

    A feature with ``exon`` children is a transcript, except a gene whose transcripts also
    carry exons (NCBI RefSeqGene files annotate gene-level exons too; those are skipped); the
    top of a transcript's ``Parent`` chain is its gene. Transcript ids come from
    ``transcript_id`` (plus ``version`` when the id has none), else the ``ID`` without its
    ``transcript:``/``rna-`` prefix; gene symbols from the gene's ``Name``, ``gene`` or
    ``gene_name``. ``tag`` values become transcript tags (``MANE Select`` is stored as
    ``MANE_Select``). The CDS span joins ``CDS`` and ``stop_codon`` features. A first CDS part
    with a non-zero phase tags the transcript ``cds_start_NF``.

    Raises
    ------
    MalformedFileError
        Wrong column count, bad coordinates, strand or phase, malformed attributes, a
        ``Parent`` that is never defined, truncated gzip data (with the line number).
    """
    src = str(path)
    feats: list[_GffFeature] = []
    by_id: dict[str, _GffFeature] = {}
    sequences: dict[str, list[str]] = {}
    in_fasta = False
    current: list[str] | None = None
    for n, line in _lines(path):
        if in_fasta:
            if line.startswith(">"):
                name = line[1:].split()[0] if line[1:].split() else ""
                if not name:
                    msg = "FASTA header without a name"
                    raise MalformedFileError(src, msg, line=n)
                current = sequences.setdefault(name, [])
            elif line.strip():
                if current is None:
                    msg = "sequence line before the first FASTA header"
                    raise MalformedFileError(src, msg, line=n)
                current.append(line.strip())
            continue
        if line.startswith("##FASTA"):
            in_fasta = True
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cols = _columns(src, n, line)
        s, e = _coords(src, n, cols[3], cols[4])
        if cols[6] not in ("+", "-", ".", "?"):
            msg = f"strand {cols[6]!r} is not one of + - . ?"
            raise MalformedFileError(src, msg, line=n)
        if cols[2] in _GFF_CDS and cols[7] not in ("0", "1", "2"):
            msg = f"CDS phase {cols[7]!r} is not 0, 1 or 2"
            raise MalformedFileError(src, msg, line=n)
        if cols[2] in _GFF_SKIP:
            continue
        f = _GffFeature(n, cols[0], cols[2], s, e, cols[6], _gff_attrs(src, n, cols[8]))
        if f.type in _GFF_CDS:
            f.attrs["_phase"] = [cols[7]]
        feats.append(f)
        fid = f.first("ID")
        if fid and fid not in by_id:
            by_id[fid] = f

    # which features carry exons / CDS parts
    exon_kids: dict[str, list[_GffFeature]] = defaultdict(list)
    cds_kids: dict[str, list[_GffFeature]] = defaultdict(list)
    child_parents: dict[str, set[str]] = defaultdict(set)
    for f in feats:
        for p in f.parents:
            if p not in by_id:
                msg = f"Parent {p!r} of this {f.type} is not defined in the file"
                raise MalformedFileError(src, msg, line=f.line)
            child_parents[p].add(f.first("ID"))
            if f.type in _GFF_EXON:
                exon_kids[p].append(f)
            elif f.type in _GFF_CDS or f.type in _GFF_STOP:
                cds_kids[p].append(f)
    carriers = set(exon_kids) | set(cds_kids)
    # a top-level carrier whose children are carriers too is a gene whose direct exons are
    # gene-level annotation (NCBI RefSeqGene); nested carriers (a mature miRNA under its
    # primary transcript) are all transcripts
    tx_ids = [i for i in dict.fromkeys(f.first("ID") for f in feats if f.first("ID"))
              if i in carriers and (by_id[i].parents or not any(
                  c in carriers for c in child_parents.get(i, ())))]

    def top(fid: str) -> str:
        seen = {fid}
        while True:
            parents = by_id[fid].parents
            if not parents:
                return fid
            fid = parents[0]
            if fid in seen:
                msg = f"Parent chain of {fid!r} is circular"
                raise MalformedFileError(src, msg, line=by_id[fid].line)
            seen.add(fid)

    models: list[tuple[str, Transcript]] = []
    gene_info: dict[str, dict[str, Any]] = {}
    gene_order: list[str] = []
    for f in feats:  # gene lines in file order (so genes without transcripts are kept too)
        fid = f.first("ID")
        if fid and not f.parents and by_id.get(fid) is f and (
                f.type in ("gene", "pseudogene", "ncRNA_gene") or f.type.endswith("_gene")
                or fid in child_parents):
            gene_order.append(fid)
    for tid in tx_ids:
        tf = by_id[tid]
        gid = top(tid)
        gf = by_id[gid]
        symbol = gf.first("Name", "gene", "gene_name") or tf.first("gene", "gene_name")
        gene_key = gf.first("gene_id") or _dbxref(gf, "GeneID") or _strip_prefix(gid)
        gene_key = _with_version(gene_key, gf.first("version")) if gf.first("gene_id") \
            else gene_key
        if gid not in gene_info:
            gene_info[gid] = {"chrom": gf.seqid, "start": gf.start, "end": gf.end,
                              "strand": gf.strand, "symbol": symbol or gene_key,
                              "gene_id": gene_key}
            if gid not in gene_order:
                gene_order.append(gid)
        raw = tf.first("transcript_id")
        ident = _with_version(raw, tf.first("version")) if raw else _strip_prefix(tid)
        acc = _TxAcc(line=tf.line, chrom=tf.seqid, strand=tf.strand, id=ident,
                     gene_id=gene_key, gene_name=symbol or gene_key,
                     biotype=tf.first("biotype", "transcript_biotype", "transcript_type")
                     or tf.type)
        acc.tags.update(normalize_tag(t) for t in tf.attrs.get("tag", []) if t)
        for x in exon_kids.get(tid, []):
            _check_same(src, x.line, acc, x.seqid, x.strand, x.type)
            acc.exons.append((x.start, x.end))
        for x in cds_kids.get(tid, []):
            _check_same(src, x.line, acc, x.seqid, x.strand, x.type)
            if x.type in _GFF_CDS:
                acc.cds.append((x.start, x.end))
                acc.first_cds_phase[(x.start, x.end)] = int(x.attrs["_phase"][0])
            else:
                acc.stops.append((x.start, x.end))
        models.append((gid, _build_transcript(src, acc, src)))
    if not models and not gene_order:
        msg = "no gene, transcript or exon features found (is this a GFF3 file?)"
        raise MalformedFileError(src, msg)
    # genes are keyed by their feature ID; fill in genes without transcripts
    for gid in gene_order:
        if gid not in gene_info:
            gf = by_id[gid]
            gene_key = gf.first("gene_id") or _dbxref(gf, "GeneID") or _strip_prefix(gid)
            if gf.first("gene_id"):
                gene_key = _with_version(gene_key, gf.first("version"))
            gene_info[gid] = {"chrom": gf.seqid, "start": gf.start, "end": gf.end,
                              "strand": gf.strand,
                              "symbol": gf.first("Name", "gene", "gene_name") or gene_key,
                              "gene_id": gene_key}
    genes = _genes_from(models, gene_info, gene_order, src)
    seqs = {k: "".join(v) for k, v in sequences.items()}
    return Annotation(genes, source=src, format="gff3", sequences=seqs)


def _dbxref(f: _GffFeature, db: str) -> str:
    for x in f.attrs.get("Dbxref", []):
        key, _, val = x.partition(":")
        if key == db:
            return val
    return ""


# ------------------------------------------------------------------------------ GenBank

_RNA_KEYS = ("mRNA", "ncRNA", "misc_RNA", "precursor_RNA", "rRNA", "tRNA", "tmRNA",
             "prim_transcript", "lncRNA", "snRNA", "snoRNA")


@dataclass
class _GbFeature:
    key: str
    line: int
    location: str = ""
    quals: dict[str, list[str]] = field(default_factory=dict)

    def q(self, name: str) -> str:
        v = self.quals.get(name)
        return v[0] if v else ""


@dataclass
class _GbRecord:
    line: int
    name: str
    length: int
    molecule: str
    version: str = ""
    accession: str = ""
    region: str = ""
    features: list[_GbFeature] = field(default_factory=list)
    seq: list[str] = field(default_factory=list)


class _UnsupportedLocation(ValueError):
    """A valid INSDC location GeneTx cannot model (other records, trans-splicing, sites)."""


class _Loc(NamedTuple):
    parts: list[tuple[int, int, int]]  # (start0, end, strand) in biological order
    partial5: bool
    partial3: bool


def _parse_location(text: str) -> _Loc:
    """Parse an INSDC location (join/order/complement, <, >) into parts; ValueError if bad."""
    s = re.sub(r"\s+", "", text)
    pos = 0
    flags = {"lt": False, "gt": False}

    def number() -> int:
        nonlocal pos
        m = re.compile(r"\d+").match(s, pos)
        if not m:
            msg = f"expected a number at {s[pos:pos + 20]!r}"
            raise ValueError(msg)
        pos = m.end()
        return int(m.group())

    def node() -> list[tuple[int, int, int]]:
        nonlocal pos
        for word in ("complement(", "join(", "order("):
            if s.startswith(word, pos):
                pos += len(word)
                items = [node()]
                while word != "complement(" and pos < len(s) and s[pos] == ",":
                    pos += 1
                    items.append(node())
                if pos >= len(s) or s[pos] != ")":
                    msg = "unbalanced parentheses"
                    raise ValueError(msg)
                pos += 1
                flat = [p for it in items for p in it]
                if word == "complement(":
                    return [(a, b, -st) for a, b, st in reversed(flat)]
                return flat
        if re.compile(r"[A-Za-z_][\w.]*:").match(s, pos):
            msg = "it refers to another record"
            raise _UnsupportedLocation(msg)
        if pos < len(s) and s[pos] == "<":
            flags["lt"] = True
            pos += 1
        a = number()
        if s.startswith("..", pos):
            pos += 2
            if pos < len(s) and s[pos] in "<>":
                flags["gt" if s[pos] == ">" else "lt"] = True
                pos += 1
            b = number()
        elif pos < len(s) and s[pos] in "^.":
            msg = "between-base and uncertain single-base sites are not supported"
            raise _UnsupportedLocation(msg)
        else:
            b = a
        if pos < len(s) and s[pos] == ">":  # single-base partial like 100>
            flags["gt"] = True
            pos += 1
        if a < 1 or b < a:
            msg = f"bad range {a}..{b}"
            raise ValueError(msg)
        return [(a - 1, b, 1)]

    parts = node()
    if pos != len(s):
        msg = f"unexpected text {s[pos:pos + 20]!r}"
        raise ValueError(msg)
    strand = parts[0][2]
    if any(p[2] != strand for p in parts):
        msg = "mixed-strand (trans-spliced) locations are not supported"
        raise _UnsupportedLocation(msg)
    p5, p3 = (flags["lt"], flags["gt"]) if strand == 1 else (flags["gt"], flags["lt"])
    return _Loc(parts, p5, p3)


def _parse_genbank(path: str | Path) -> list[_GbRecord]:
    src = str(path)
    records: list[_GbRecord] = []
    rec: _GbRecord | None = None
    state = ""
    feat: _GbFeature | None = None
    qual: list[str] | None = None  # [name, raw value]
    last = 0

    def close_qual() -> None:
        nonlocal qual
        if feat is not None and qual is not None:
            name, raw = qual
            val = raw
            if val.startswith('"'):
                val = val[1:-1] if len(val) > 1 and val.endswith('"') else val[1:]
                val = val.replace('""', '"')
            feat.quals.setdefault(name, []).append(val)
        qual = None

    for n, line in _lines(path):
        last = n
        if rec is None:
            if not line.strip():
                continue
            if not line.startswith("LOCUS"):
                msg = "expected a LOCUS line (is this a GenBank file?)"
                raise MalformedFileError(src, msg, line=n)
            m = re.search(r"\s(\d+)\s+(bp|aa)\b\s*(\S*)", line)
            parts = line.split()
            if not m or len(parts) < 2:
                msg = "LOCUS line without a name and length in bp"
                raise MalformedFileError(src, msg, line=n)
            rec = _GbRecord(line=n, name=parts[1], length=int(m[1]), molecule=m[3])
            state, feat, qual = "header", None, None
            continue
        if line.startswith("//"):
            close_qual()
            seq = "".join(rec.seq)
            if seq and len(seq) != rec.length:
                msg = (f"record {rec.name} has {len(seq):,} bases but its LOCUS line says "
                       f"{rec.length:,}")
                raise MalformedFileError(src, msg, line=n)
            records.append(rec)
            rec, state = None, ""
            continue
        if state == "origin":
            chunk = re.sub(r"[\s\d]", "", line)
            if chunk and not chunk.isalpha():
                msg = "sequence line holds characters other than letters"
                raise MalformedFileError(src, msg, line=n)
            rec.seq.append(chunk)
            continue
        if state == "features" and line.startswith(" "):
            if len(line) > 5 and line[:5] == "     " and line[5] != " ":
                close_qual()
                bits = line[5:].split(None, 1)
                feat = _GbFeature(key=bits[0], line=n,
                                  location=bits[1].strip() if len(bits) > 1 else "")
                rec.features.append(feat)
                continue
            if line.startswith(" " * 21) and feat is not None:
                text = line[21:].rstrip()
                open_quote = qual is not None and qual[1].startswith('"') and (
                    qual[1].count('"') % 2 == 1)
                if text.startswith("/") and not open_quote:
                    close_qual()
                    name, eq, val = text[1:].partition("=")
                    qual = [name, val if eq else ""]
                elif qual is not None:
                    sep = "" if qual[0] == "translation" else " "
                    qual[1] = f"{qual[1]}{sep}{text}" if qual[1] else text
                else:
                    feat.location += text.strip()
                continue
            if not line.strip():
                continue
            msg = "feature table line is not indented as GenBank requires (5 or 21 spaces)"
            raise MalformedFileError(src, msg, line=n)
        # header keywords (also after the feature table: BASE COUNT, CONTIG, ORIGIN)
        close_qual()
        if line.startswith("FEATURES"):
            state = "features"
        elif line.startswith("ORIGIN"):
            state = "origin"
        elif line.startswith("VERSION"):
            bits = line.split()
            rec.version = bits[1] if len(bits) > 1 else ""
            state = "header"
        elif line.startswith("ACCESSION"):
            bits = line.split()
            rec.accession = bits[1] if len(bits) > 1 else ""
            m = re.search(r"REGION:\s*(\S+)", line)
            rec.region = m[1] if m else ""
            state = "header"
        elif line[:1] not in (" ", ""):
            state = "header"
    if rec is not None:
        msg = f"record {rec.name} ends without '//' (truncated file?)"
        raise MalformedFileError(src, msg, line=last)
    if not records:
        msg = "no GenBank record found"
        raise MalformedFileError(src, msg)
    return records


def _auto_placement(src: str, rec: _GbRecord) -> Placement:
    m = re.fullmatch(r"(complement\()?(\d+)\.\.(\d+)\)?", rec.region)
    if not m:
        msg = (f"record {rec.name} has no 'ACCESSION ... REGION: a..b' line, so it cannot be "
               "placed automatically; pass placement=(chrom, offset, reverse)")
        raise BadInputError(src, msg)
    chrom = ""
    for f in rec.features:
        if f.key == "source" and f.q("chromosome"):
            c = f.q("chromosome")
            chrom = c if c.lower().startswith("chr") else f"chr{c}"
            break
    chrom = chrom or rec.version or rec.accession
    start, end = int(m[2]), int(m[3])
    if end - start + 1 != rec.length:
        msg = f"REGION {rec.region} is {end - start + 1:,} bp but the record is {rec.length:,}"
        raise MalformedFileError(src, msg, line=rec.line)
    return Placement(chrom, start - 1, bool(m[1]))


def _cds_fits(cds: list[tuple[int, int]], exons: list[tuple[int, int]]) -> bool:
    """True when the CDS parts (ascending) lie in the exons (ascending) with the same introns."""
    if not cds:
        return False
    idx = []
    for s, e in cds:
        hit = [k for k, (xs, xe) in enumerate(exons) if xs <= s and e <= xe]
        if not hit:
            return False
        idx.append(hit[0])
    for i in range(len(cds) - 1):
        k = idx[i]
        if idx[i + 1] != k + 1 or cds[i][1] != exons[k][1] or cds[i + 1][0] != exons[k + 1][0]:
            return False
    return True


def _partial_ends_fit(cds: _Loc, cds_parts: list[tuple[int, int]], rna: _Loc,
                      exons: list[tuple[int, int]]) -> bool:
    """A CDS open at an end (``<``/``>``) fits only an RNA that is open at the same base."""
    lo_open, hi_open = (cds.partial5, cds.partial3) if cds.parts[0][2] == 1 else (
        cds.partial3, cds.partial5)
    rna_lo, rna_hi = (rna.partial5, rna.partial3) if rna.parts[0][2] == 1 else (
        rna.partial3, rna.partial5)
    if lo_open and not (rna_lo and cds_parts[0][0] == exons[0][0]):
        return False
    return not (hi_open and not (rna_hi and cds_parts[-1][1] == exons[-1][1]))


def _variant_token(product: str) -> str:
    m = re.search(r"transcript variant (\S+)", product)
    return m[1].rstrip(",;") if m else ""


def _cds_names_variant(cds: _GbFeature, token: str) -> bool:
    if not token:
        return False
    if re.search(rf"transcript variant {re.escape(token)}\b", cds.q("note")):
        return True
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", cds.q("product")) is not None


def read_genbank(path: str | Path, *, placement: Placement | tuple[str, int, bool] | str | None
                 = None) -> Annotation:
    """Read a GenBank file (plain or gzip) into gene models.

    Parameters
    ----------
    path
        The GenBank file (one or more records).
    placement
        Where the record lies on a chromosome: a :class:`Placement` or ``(chrom, offset,
        reverse)`` tuple, or ``"auto"`` to read it from an NCBI ``ACCESSION ... REGION:
        complement(a..b)`` line and the source feature's ``/chromosome``. With None the record
        itself is the contig (coordinates are record coordinates, chromosome = accession).

    Returns
    -------
    The annotation; :meth:`Annotation.genome` holds the record sequence (placed records under
    ``CHROM:START-END``, plus strand).

    Raises
    ------
    MalformedFileError
        Truncated records, bad locations or sequence lines (with the line number).
    """
    src = str(path)
    records = _parse_genbank(path)
    if placement is not None and len(records) > 1:
        msg = f"placement applies to a single record, but the file has {len(records)}"
        raise BadInputError(src, msg)
    genes: list[Gene] = []
    sequences: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for rec in records:
        if placement == "auto":
            place: Placement | None = _auto_placement(src, rec)
        elif placement is None:
            place = None
        elif isinstance(placement, str):
            msg = f"placement must be None, 'auto' or (chrom, offset, reverse), got {placement!r}"
            raise BadInputError(src, msg)
        else:
            place = _check_placement(src, placement)
        genes.extend(_genbank_genes(src, rec, place, skipped))
        seq = "".join(rec.seq)
        if seq:
            if place is None:
                sequences[rec.version or rec.accession or rec.name] = seq
            else:
                name = f"{place.chrom}:{place.offset + 1}-{place.offset + len(seq)}"
                sequences[name] = reverse_complement(seq) if place.reverse else seq
    return Annotation(genes, source=src, format="genbank", sequences=sequences,
                      skipped=skipped)


def _check_placement(src: str, placement: Any) -> Placement:
    try:
        place = Placement(*placement)
    except TypeError:
        place = None
    if place is None or not isinstance(place.chrom, str) or not place.chrom or \
            not isinstance(place.offset, int) or place.offset < 0:
        msg = (f"placement must be (chrom, offset >= 0, reverse) or 'auto', got {placement!r}")
        raise BadInputError(src, msg)
    return Placement(place.chrom, place.offset, bool(place.reverse))


def _genbank_genes(src: str, rec: _GbRecord, place: Placement | None,
                   skipped: dict[str, str]) -> list[Gene]:
    contig = rec.version or rec.accession or rec.name
    length = rec.length

    def loc(f: _GbFeature) -> _Loc:
        try:
            parsed = _parse_location(f.location)
        except _UnsupportedLocation:
            raise
        except ValueError as exc:
            msg = f"bad {f.key} location {f.location[:60]!r}: {exc}"
            raise MalformedFileError(src, msg, line=f.line) from None
        if any(e > length for _, e, _ in parsed.parts):
            msg = f"{f.key} location {f.location[:60]!r} runs past the record end ({length:,})"
            raise MalformedFileError(src, msg, line=f.line)
        return parsed

    def to_genome(iv: tuple[int, int]) -> tuple[int, int]:
        if place is None:
            return iv
        if place.reverse:
            return place.offset + length - iv[1], place.offset + length - iv[0]
        return place.offset + iv[0], place.offset + iv[1]

    chrom = contig if place is None else place.chrom

    def strand_of(st: int) -> str:
        if place is not None and place.reverse:
            st = -st
        return "+" if st == 1 else "-"

    gene_feats = [f for f in rec.features if f.key == "gene"]
    rna_feats = [f for f in rec.features if f.key in _RNA_KEYS]
    cds_feats = [f for f in rec.features if f.key == "CDS"]
    exon_feats = [f for f in rec.features if f.key == "exon"]
    mol = rec.molecule.upper()
    for f in rec.features:
        if f.key == "source" and f.q("mol_type"):
            mol = f.q("mol_type").upper()
            break
    is_rna_record = "RNA" in mol and not rna_feats

    # (id, gene, line, exons asc (record), strand, cds span (record) | None, tags, biotype)
    found: list[tuple[str, str, int, list[tuple[int, int]], int, tuple[int, int] | None,
                      set[str], str]] = []
    cds_locs: list[tuple[_GbFeature, _Loc]] = []
    for f in cds_feats:
        try:
            cds_locs.append((f, loc(f)))
        except _UnsupportedLocation as exc:
            skipped[f.q("protein_id") or f"CDS at line {f.line}"] = f"line {f.line}: {exc}"

    def cds_tags(f: _GbFeature, lc: _Loc) -> set[str]:
        tags = set()
        if lc.partial5 or f.q("codon_start") not in ("", "1"):
            tags.add("cds_start_NF")
        if lc.partial3:
            tags.add("cds_end_NF")
        return tags

    if is_rna_record:
        gene_name = next((g.q("gene") for g in gene_feats if g.q("gene")), "") or next(
            (c.q("gene") for c in cds_feats if c.q("gene")), "")
        if exon_feats:
            exons = sorted((p[0], p[1]) for f in exon_feats for p in loc(f).parts)
        else:
            exons = [(0, length)]
        cds_span, tags = None, set()
        if cds_locs:
            f, lc = cds_locs[0]
            cds_span = (min(p[0] for p in lc.parts), max(p[1] for p in lc.parts))
            tags = cds_tags(f, lc)
        found.append((contig, gene_name or contig, rec.line, exons, 1, cds_span, tags, "mRNA"))
    else:
        used: set[int] = set()
        per_gene_count: dict[str, int] = defaultdict(int)
        for f in rna_feats:
            gene_name = f.q("gene") or f.q("locus_tag") or contig
            ident = f.q("transcript_id") or f.q("standard_name")
            if not ident:
                per_gene_count[gene_name] += 1
                ident = f"{gene_name}-{f.key}{per_gene_count[gene_name]}"
            try:
                lc = loc(f)
            except _UnsupportedLocation as exc:
                skipped[ident] = f"line {f.line}: its {f.key} location is not modelled ({exc})"
                continue
            exons = sorted((p[0], p[1]) for p in lc.parts)
            strand = lc.parts[0][2]
            token = _variant_token(f.q("product"))
            cands = []
            for k, (_cf, clc) in enumerate(cds_locs if f.key == "mRNA" else []):
                parts = sorted((p[0], p[1]) for p in clc.parts)
                if clc.parts[0][2] == strand and _cds_fits(parts, exons) and \
                        _partial_ends_fit(clc, parts, lc, exons):
                    cands.append(k)
            if len(cands) > 1:
                named = [k for k in cands if _cds_names_variant(cds_locs[k][0], token)]
                if named:
                    cands = named
            cds_span, tags = None, set()
            if lc.partial5 or lc.partial3:
                tags.add("partial")
            if cands:
                spans = {(min(p[0] for p in cds_locs[k][1].parts),
                          max(p[1] for p in cds_locs[k][1].parts)) for k in cands}
                if len(spans) > 1:
                    skipped[ident] = (f"line {f.line}: {len(cands)} CDS features with "
                                      "different spans fit its exons and none is named by its "
                                      "'transcript variant'")
                    continue
                k = cands[0]
                used.update(cands)
                cds_span = spans.pop()
                tags |= cds_tags(*cds_locs[k])
            found.append((ident, gene_name, f.line, exons, strand, cds_span, tags, f.key))
        for k, (cf, clc) in enumerate(cds_locs):
            if k in used or rna_feats:
                continue  # CDS features stand alone only in records without RNA features
            gene_name = cf.q("gene") or cf.q("locus_tag") or cf.q("label") or contig
            ident = cf.q("protein_id") or cf.q("locus_tag") or cf.q("label") or (
                f"{gene_name}-CDS{k + 1}")
            parts = sorted((p[0], p[1]) for p in clc.parts)
            span = (parts[0][0], parts[-1][1])
            found.append((ident, gene_name, cf.line, _merge(parts), clc.parts[0][2], span,
                          cds_tags(cf, clc), "CDS"))

    gene_info: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for g in gene_feats:
        name = g.q("gene") or g.q("locus_tag")
        if not name:
            continue
        try:
            lc = loc(g)
        except _UnsupportedLocation:
            continue  # the span then comes from the gene's transcripts
        s, e = to_genome((min(p[0] for p in lc.parts), max(p[1] for p in lc.parts)))
        geneid = next((x.split(":", 1)[1] for x in g.quals.get("db_xref", [])
                       if x.startswith("GeneID:")), "")
        if name in gene_info:  # several gene features with one name (mutalyzer slices)
            info = gene_info[name]
            info["start"], info["end"] = min(info["start"], s), max(info["end"], e)
            continue
        order.append(name)
        gene_info[name] = {"chrom": chrom, "start": s, "end": e,
                           "strand": strand_of(lc.parts[0][2]), "symbol": name,
                           "gene_id": geneid or name}

    txs: list[tuple[str, Transcript]] = []
    seen: set[str] = set()
    for ident, gene_name, line, exons, strand, cds_span, tags, biotype in found:
        if ident in seen:
            continue
        seen.add(ident)
        try:
            tx = Transcript(
                id=ident, gene=gene_name, chrom=chrom, strand=strand_of(strand),  # type: ignore[arg-type]
                exons=tuple(to_genome(x) for x in exons),
                cds=to_genome(cds_span) if cds_span else None,
                gene_id=gene_info.get(gene_name, {}).get("gene_id", ""), biotype=biotype,
                tags=frozenset(tags), source=src)
        except BadInputError as exc:
            raise MalformedFileError(src, str(exc), line=line) from None
        txs.append((gene_name, tx))
    return _genes_from(txs, gene_info, order, src)


# ---------------------------------------------------------------------------- dispatch


def read_annotation(path: str | Path, *, placement: Placement | tuple[str, int, bool] | str |
                    None = None) -> Annotation:
    """Read a GTF, GFF3 or GenBank file, choosing the reader by name or content.

    The suffix decides (``.gtf``, ``.gff``/``.gff3``, ``.gb``/``.gbk``/``.genbank``, each
    optionally ``.gz``); otherwise the first data line does (``LOCUS``, ``##gff-version 3``,
    GTF ``key "value";`` or GFF3 ``key=value`` attributes).

    Raises
    ------
    MalformedFileError
        When the format cannot be recognised, or the file is malformed.
    """
    src = str(path)
    name = Path(path).name.lower().removesuffix(".gz").removesuffix(".bgz")
    if name.endswith((".gb", ".gbk", ".genbank", ".gbff")):
        return read_genbank(path, placement=placement)
    if placement is not None:
        msg = "placement applies to GenBank files only"
        raise BadInputError(src, msg)
    if name.endswith(".gtf"):
        return read_gtf(path)
    if name.endswith((".gff", ".gff3")):
        return read_gff3(path)
    for n, line in _lines(path):
        if line.startswith("LOCUS"):
            return read_genbank(path)
        if line.startswith("##gff-version 3"):
            return read_gff3(path)
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) == 9:
            return read_gtf(path) if re.search(r'\w+ "', cols[8]) else read_gff3(path)
        msg = "cannot tell the format (not GenBank, GFF3 or GTF)"
        raise MalformedFileError(src, msg, line=n)
    msg = "holds no data lines"
    raise MalformedFileError(src, msg)


__all__ = ["Annotation", "Placement", "read_annotation", "read_genbank", "read_gff3",
           "read_gtf"]
