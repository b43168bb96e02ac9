"""Fetch gene models and sequence from Ensembl REST or NCBI E-utilities into the gene cache.

``fetch_gene("HBB")`` asks Ensembl REST for the gene (``/lookup/symbol`` with its transcripts,
exons and translations) and for the genomic sequence around it (``/sequence/region``);
``fetch_gene("NM_004006.2")`` asks NCBI E-utilities (``efetch``, database ``nuccore``) for the
RefSeq GenBank record. Either way the result is written under ``settings.genes_dir / KEY``:

``model.gff3``
    The gene model (GeneTx GFF3, see :func:`genetx.genome.genes.gff3_lines`).
``sequence.2bit``
    The sequence. An Ensembl gene gets one placed record ``chrN:START-END`` (GRCh38, 1-based
    inclusive), so positions stay real chromosome coordinates; a RefSeq record is stored under
    its accession, in its own coordinates.
``record.gb`` (NCBI only)
    The GenBank record as received.
``meta.json``
    What was asked, from where (URLs), when, and what came back.

:func:`genetx.genome.genes.load_gene` finds cached genes by symbol or key afterwards.

The network is used only here. With ``settings.offline`` (``GENETX_OFFLINE=1``), or when a
service cannot be reached, :class:`~genetx.errors.MissingDataError` says in one line how to
supply the files instead. ``requests`` (the ``genetx[fetch]`` extra) is imported only when a
request is made. Every request goes through :func:`http_get`, which tests replace with recorded
responses.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.errors import BadInputError, MalformedFileError, MissingDataError, UnknownGeneError
from genetx.progress import resolve
from genetx.settings import settings

if TYPE_CHECKING:
    from genetx.genome.models import Gene, Transcript
    from genetx.progress import Progress

#: Ensembl REST server (https://rest.ensembl.org, documentation of ``lookup/symbol`` and
#: ``sequence/region`` under /documentation/info/).
ENSEMBL_REST = "https://rest.ensembl.org"
#: NCBI E-utilities (https://www.ncbi.nlm.nih.gov/books/NBK25499/, ``efetch``).
EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
#: Seconds to wait for a service.
TIMEOUT_S = 60
#: Bases fetched on each side of an Ensembl gene (promoter, flanking guides).
DEFAULT_FLANK = 5000
#: Largest region Ensembl ``sequence/region`` returns (its documented limit is 10 Mb).
MAX_REGION = 10_000_000

_ACCESSION = re.compile(r"^(?P<prefix>N[MRG]|X[MR])_\d+(?:\.\d+)?$")
_ENSEMBL_ID = re.compile(r"^ENS[A-Z]*G\d{11}(?:\.\d+)?$")
_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,39}$")

HOWTO = ("supply the files instead: genetx gene SYMBOL --annotation FILE --genome NAME "
         "(a GFF3, GTF or GenBank model and a FASTA/2bit genome)")


@dataclass(frozen=True)
class FetchResult:
    """A gene written into the cache.

    Attributes
    ----------
    key
        Name of the cache folder (symbol for Ensembl, accession for NCBI).
    folder
        The cache folder.
    gene
        The model that was written.
    service
        ``"Ensembl REST"`` or ``"NCBI E-utilities"``.
    record
        The sequence record name in ``sequence.2bit``.
    """

    key: str
    folder: Path
    gene: Gene
    service: str
    record: str

    @property
    def annotation_path(self) -> Path:
        """The cached ``model.gff3``."""
        from genetx.genome.genes import CACHE_MODEL

        return self.folder / CACHE_MODEL

    @property
    def genome_path(self) -> Path:
        """The cached ``sequence.2bit``."""
        from genetx.genome.genes import CACHE_SEQUENCE

        return self.folder / CACHE_SEQUENCE


# --------------------------------------------------------------------------------------------
# HTTP


def http_get(url: str, params: dict[str, str] | None = None, *,
             accept: str = "application/json") -> tuple[int, str]:
    """GET ``url`` and return ``(status, body text)``; the only function that uses the network.

    Raises
    ------
    MissingDataError
        When offline, when ``requests`` is not installed, or when the server cannot be reached.
    """
    host = url.split("/")[2] if "//" in url else url
    if settings.offline:
        msg = f"GeneTx is offline (GENETX_OFFLINE=1), so it cannot reach {host}; {HOWTO}"
        raise MissingDataError(host, msg)
    try:
        import requests
    except ImportError:
        msg = f"fetching genes needs the 'requests' package (pip install 'genetx[fetch]'); {HOWTO}"
        raise MissingDataError(host, msg) from None
    from genetx import __version__

    try:
        resp = requests.get(url, params=params, timeout=TIMEOUT_S,
                            headers={"Accept": accept, "User-Agent": f"genetx/{__version__}"})
    except requests.RequestException as exc:
        msg = f"cannot reach the service ({type(exc).__name__}); {HOWTO}"
        raise MissingDataError(host, msg) from None
    return resp.status_code, resp.text


def _service_error(host: str, status: int, body: str) -> MissingDataError:
    snippet = " ".join(body.split())[:120]
    msg = f"the service answered HTTP {status} ({snippet or 'no message'}); {HOWTO}"
    return MissingDataError(host, msg)


# --------------------------------------------------------------------------------------------
# Ensembl


def _ucsc_chrom(name: str) -> str:
    """``X`` -> ``chrX``, ``MT`` -> ``chrM``; other region names (scaffolds) stay as they are."""
    if name == "MT":
        return "chrM"
    if name.isdigit() or name in ("X", "Y"):
        return f"chr{name}"
    return name


def ensembl_transcript(tx: dict[str, Any], symbol: str, chrom: str, gene_id: str) -> Transcript:
    """A :class:`Transcript` from one ``Transcript`` object of an Ensembl lookup (expand=1).

    The Ensembl translation span (``Translation.start``/``end``, 1-based) normally includes the
    stop codon; when the spliced span is exactly ``3 * length`` the stop codon is added, so the
    CDS always ends with it (the GeneTx convention).
    """
    from genetx.genome.models import Transcript

    strand = "+" if int(tx["strand"]) == 1 else "-"
    exons = sorted((int(x["start"]) - 1, int(x["end"])) for x in tx.get("Exon", []))
    if strand == "-":
        exons.reverse()
    tid = str(tx["id"]) + (f".{tx['version']}" if tx.get("version") else "")
    cds = None
    tr = tx.get("Translation")
    if tr:
        cs, ce = int(tr["start"]) - 1, int(tr["end"])
        span = sum(max(0, min(e, ce) - max(s, cs)) for s, e in exons)
        length = int(tr.get("length") or 0)
        if length and span == 3 * length:
            # span without the stop codon: extend it by three transcript bases
            bare = Transcript(id=str(tx["id"]), gene=symbol, chrom=chrom, strand=strand,
                              exons=tuple(exons))
            last = bare.genome_to_tx(ce - 1 if strand == "+" else cs)
            if last + 3 < bare.length:
                stop = bare.tx_to_genome(last + 3)
                cs, ce = (cs, stop + 1) if strand == "+" else (stop, ce)
        cds = (cs, ce)
    tags = {"Ensembl_canonical"} if tx.get("is_canonical") else set()
    return Transcript(id=tid, gene=symbol, chrom=chrom, strand=strand, exons=tuple(exons),
                      cds=cds, gene_id=gene_id, biotype=str(tx.get("biotype", "")),
                      tags=frozenset(tags), source="Ensembl REST")


def ensembl_gene(data: dict[str, Any]) -> Gene:
    """A :class:`Gene` from an Ensembl ``lookup`` answer with ``expand=1``."""
    from genetx.genome.models import Gene

    try:
        chrom = _ucsc_chrom(str(data["seq_region_name"]))
        symbol = str(data.get("display_name") or data["id"])
        gene_id = str(data["id"]) + (f".{data['version']}" if data.get("version") else "")
        transcripts = tuple(ensembl_transcript(t, symbol, chrom, gene_id)
                            for t in data.get("Transcript", []))
        return Gene(symbol=symbol, chrom=chrom, start=int(data["start"]) - 1,
                    end=int(data["end"]), strand="+" if int(data["strand"]) == 1 else "-",
                    transcripts=transcripts, gene_id=gene_id,
                    source=f"Ensembl REST ({data.get('assembly_name', '')})".replace(" ()", ""))
    except (KeyError, TypeError, ValueError) as exc:
        msg = f"unexpected Ensembl lookup answer (missing or bad field {exc})"
        where = "rest.ensembl.org"
        raise MalformedFileError(where, msg) from None


def _fetch_ensembl(query: str, species: str, flank: int,
                   progress: Progress | None) -> tuple[Gene, str, str, list[str], dict]:
    host = "rest.ensembl.org"
    if _ENSEMBL_ID.match(query):
        url = f"{ENSEMBL_REST}/lookup/id/{query.split('.')[0]}"
    else:
        url = f"{ENSEMBL_REST}/lookup/symbol/{species}/{query}"
    with resolve(progress).task(f"Ensembl lookup {query}", total=2) as task:
        status, body = http_get(url, {"expand": "1", "content-type": "application/json"})
        if status in (400, 404):
            msg = f"not found in Ensembl ({species}): check the symbol, or use a RefSeq accession"
            raise UnknownGeneError(query, msg)
        if status != 200:
            raise _service_error(host, status, body)
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            msg = "Ensembl lookup answer is not JSON"
            raise MalformedFileError(host, msg) from None
        gene = ensembl_gene(data)
        task.advance()
        region_name = str(data["seq_region_name"])
        start = max(1, gene.start + 1 - flank)
        end = gene.end + flank
        if end - start + 1 > MAX_REGION:
            msg = (f"the gene with flanks spans {end - start + 1:,} bp, more than Ensembl's "
                   f"{MAX_REGION:,}-bp sequence limit; {HOWTO}")
            raise BadInputError(query, msg)
        seq_url = f"{ENSEMBL_REST}/sequence/region/{species}/{region_name}:{start}..{end}:1"
        status, body = http_get(seq_url, {"content-type": "application/json"})
        if status != 200:
            raise _service_error(host, status, body)
        try:
            seq = str(json.loads(body)["seq"])
        except (json.JSONDecodeError, KeyError, TypeError):
            msg = "Ensembl sequence answer has no 'seq' field"
            raise MalformedFileError(host, msg) from None
        if len(seq) != end - start + 1:
            # the region ran past the chromosome end: Ensembl clips it
            end = start + len(seq) - 1
            if end < gene.end:
                msg = (f"Ensembl returned {len(seq):,} bases for {region_name}:{start}-"
                       f"{gene.end + flank}, fewer than the gene needs")
                raise MalformedFileError(host, msg)
        task.advance()
    record = f"{gene.chrom}:{start}-{end}"
    return gene, record, seq, [url, seq_url], {"assembly": data.get("assembly_name", "")}


# --------------------------------------------------------------------------------------------
# NCBI


def _fetch_ncbi(accession: str, progress: Progress | None) -> tuple[str, str]:
    """The GenBank text of ``accession`` and the URL it came from."""
    host = "eutils.ncbi.nlm.nih.gov"
    url = f"{EUTILS}/efetch.fcgi"
    params = {"db": "nuccore", "id": accession, "rettype": "gbwithparts", "retmode": "text",
              "tool": "genetx"}
    with resolve(progress).task(f"NCBI efetch {accession}", total=1) as task:
        status, body = http_get(url, params, accept="text/plain")
        task.advance()
    if status == 400 or (status == 200 and not body.lstrip().startswith("LOCUS")):
        msg = "not found in NCBI nuccore (check the accession and its version)"
        raise UnknownGeneError(accession, msg)
    if status != 200:
        raise _service_error(host, status, body)
    return body, f"{url}?db=nuccore&id={accession}&rettype=gbwithparts&retmode=text"


def genbank_models(path: Path, accession: str) -> tuple[Gene, str, str]:
    """The main gene of a RefSeq GenBank record, its record name and sequence.

    mRNA records (NM_, NR_, XM_, XR_) give an mRNA-coordinate model: the record's exon features
    (or the whole record when it has none) and its CDS. RefSeqGene records (NG_) give the gene
    named in the record's definition line with its mRNAs and their CDSs, as read by
    :func:`genetx.genome.annotation.read_genbank`.
    """
    from genetx.genome.annotation import read_genbank

    ann = read_genbank(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    m = re.search(r"^DEFINITION\s+(.*?)\n(?=\S)", text, flags=re.MULTILINE | re.DOTALL)
    definition = " ".join(m.group(1).split()) if m else ""
    symbols = ann.genes()
    named = re.findall(r"\(([A-Za-z0-9-]+)\)", definition)
    symbol = next((s for s in named if s in symbols), None)
    if symbol is None:
        coding = [s for s in symbols if any(t.cds for t in ann.gene(s).transcripts)]
        if len(coding) != 1:
            msg = f"cannot tell which gene the record is about (genes: {', '.join(symbols)})"
            raise MalformedFileError(accession, msg)
        symbol = coding[0]
    gene = ann.gene(symbol)
    from Bio import SeqIO

    with path.open(encoding="utf-8") as fh:
        rec = SeqIO.read(fh, "genbank")
    return gene, rec.id, str(rec.seq).upper()


# --------------------------------------------------------------------------------------------
# public entry point


def _cache_key(text: str) -> str:
    key = text.strip()
    if not key or "/" in key or key.startswith("."):
        msg = "is not a gene symbol or accession"
        raise BadInputError(text, msg)
    return key


def fetch_gene(query: str, *, species: str = "homo_sapiens", flank: int = DEFAULT_FLANK,
               progress: Progress | None = None) -> FetchResult:
    """Fetch a gene model and its sequence into the gene cache.

    Parameters
    ----------
    query
        A gene symbol or Ensembl gene id (asked of Ensembl REST), or a RefSeq accession
        ``NM_``/``NR_``/``NG_``/``XM_``/``XR_`` (asked of NCBI E-utilities).
    species
        Ensembl species name.
    flank
        Bases kept on each side of an Ensembl gene.
    progress
        Progress display.

    Returns
    -------
    The :class:`FetchResult` describing what was written.

    Raises
    ------
    MissingDataError
        Offline, ``requests`` missing, service unreachable or failing.
    UnknownGeneError
        The service does not know the symbol or accession.
    """
    from genetx.genome.genes import CACHE_META, CACHE_MODEL, CACHE_SEQUENCE, gff3_lines
    from genetx.genome.twobit import write_twobit

    key = _cache_key(query)
    if flank < 0:
        msg = f"flank must be >= 0, got {flank}"
        where = "--flank"
        raise BadInputError(where, msg)
    m = _ACCESSION.match(key)
    if not m and not _SYMBOL.match(key):
        msg = "is not a gene symbol, Ensembl gene id or RefSeq accession (NM_, NR_, NG_)"
        raise BadInputError(key, msg)
    folder = settings.genes_dir / key
    tmp = settings.genes_dir / f".{key}.partial"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        if m:
            text, url = _fetch_ncbi(key, progress)
            gb = tmp / "record.gb"
            gb.write_text(text, encoding="utf-8")
            gene, record, seq = genbank_models(gb, key)
            service, urls, extra = "NCBI E-utilities", [url], {}
        else:
            gene, record, seq, urls, extra = _fetch_ensembl(key, species, flank, progress)
            service = "Ensembl REST"
        (tmp / CACHE_MODEL).write_text(
            "\n".join(gff3_lines([gene], source=service.split()[0],
                                 sequence_regions={gene.chrom: _chrom_len(record, seq)}))
            + "\n", encoding="utf-8")
        write_twobit(tmp / CACHE_SEQUENCE, {record: seq}, ambiguous="N")
        meta = {"query": query, "key": key, "symbol": gene.symbol, "gene_id": gene.gene_id,
                "service": service, "urls": urls, "record": record,
                "retrieved": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                "transcripts": len(gene.transcripts), **extra}
        (tmp / CACHE_META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        tmp.replace(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return FetchResult(key=key, folder=folder, gene=gene, service=service, record=record)


def _chrom_len(record: str, seq: str) -> int:
    """Length for the ``##sequence-region`` directive: the placed end, or the record length."""
    m = re.match(r"^[^:]+:(\d+)-(\d+)$", record)
    return int(m.group(2)) if m else len(seq)


__all__ = ["DEFAULT_FLANK", "ENSEMBL_REST", "EUTILS", "FetchResult", "ensembl_gene",
           "ensembl_transcript", "fetch_gene", "genbank_models", "http_get"]
