"""The transgene a cassette is designed for: a gene symbol, a CDS, an mRNA record or a protein.

Readers name the file and the record in every error. A CDS file may be FASTA, a bare sequence
or a GenBank record (an mRNA with one CDS feature, whose ``/translation`` must agree with the
sequence); a protein file may be FASTA or a bare sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.add.codon import check_cds, check_protein
from genetx.errors import BadInputError, MalformedFileError

if TYPE_CHECKING:
    from Bio.SeqRecord import SeqRecord


@dataclass(frozen=True)
class CodingInput:
    """A validated transgene.

    Attributes
    ----------
    name
        Name used for files and features.
    kind
        ``gene``, ``cds``, ``mrna`` or ``protein``.
    protein
        The protein (no stop).
    cds
        The CDS with its stop codon (None for protein input).
    source
        File path or gene-pack source it was read from.
    gene, transcript
        Gene symbol and transcript accession, when known.
    """

    name: str
    kind: str
    protein: str
    cds: str | None
    source: str
    gene: str | None = None
    transcript: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"name": self.name, "kind": self.kind, "source": self.source,
                "gene": self.gene, "transcript": self.transcript,
                "protein_length": len(self.protein),
                "cds_length": len(self.cds) if self.cds else None}


def _read_text(path: str | Path) -> str:
    p = Path(path)
    if not p.is_file():
        msg = "is a directory, not a file" if p.is_dir() else "file not found"
        raise BadInputError(str(path), msg)
    data = p.read_bytes()
    if data[:2] == b"\x1f\x8b":
        import gzip
        import zlib

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:  # EOFError: truncated gzip stream
            msg = f"truncated or corrupt gzip data ({exc})"
            raise MalformedFileError(str(path), msg) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        msg = "is not a text file (FASTA, GenBank or a bare sequence expected)"
        raise MalformedFileError(str(path), msg) from None


def _fasta_or_bare(text: str, path: str) -> tuple[str, str]:
    """``(name, sequence)`` of a one-record FASTA or a bare sequence."""
    stem = Path(path).name.split(".")[0] or "transgene"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        msg = "is empty"
        raise MalformedFileError(path, msg)
    if lines[0].startswith(">"):
        heads = [i for i, ln in enumerate(lines) if ln.startswith(">")]
        if len(heads) > 1:
            msg = f"holds {len(heads)} FASTA records; give a file with one"
            raise MalformedFileError(path, msg)
        name = lines[0][1:].split()[0] if lines[0][1:].split() else stem
        return name, "".join(lines[1:])
    return stem, "".join("".join(ln.split()) for ln in lines)


def _safe_name(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    return keep.strip("._") or "transgene"


def _one_genbank_record(text: str, src: str) -> SeqRecord:
    """The single GenBank record of ``text``; an error naming ``src`` when not exactly one."""
    import io

    from Bio import SeqIO

    try:
        records = list(SeqIO.parse(io.StringIO(text), "genbank"))
    except ValueError as err:
        msg = f"GenBank record does not parse: {' '.join(str(err).split())}"
        raise MalformedFileError(src, msg) from None
    if len(records) != 1:
        msg = f"holds {len(records)} GenBank records; give a file with one"
        raise MalformedFileError(src, msg)
    return records[0]


def from_genbank_record(record: SeqRecord, source: str) -> CodingInput:
    """The CDS of an mRNA record: it must have exactly one CDS feature; a ``/translation``
    qualifier, when present, must equal the translation of the extracted CDS."""
    cds_feats = [f for f in record.features if f.type == "CDS"]
    if len(cds_feats) != 1:
        names = ", ".join(f.qualifiers.get("gene", f.qualifiers.get("label", ["?"]))[0]
                          for f in cds_feats)
        msg = (f"record {record.id} has {len(cds_feats)} CDS features"
               + (f" ({names})" if names else "") + "; exactly one is needed")
        raise BadInputError(source, msg)
    f = cds_feats[0]
    seq = str(f.extract(record.seq)).upper()
    cds, protein = check_cds(seq, f"{source} ({record.id} CDS)")
    stated = f.qualifiers.get("translation", [None])[0]
    if stated is not None and stated.rstrip("*") != protein:
        msg = (f"record {record.id}: the CDS translates to {len(protein)} aa that differ from "
               f"its /translation ({len(stated)} aa)")
        raise BadInputError(source, msg)
    gene = f.qualifiers.get("gene", [None])[0]
    name = _safe_name(gene or record.name or record.id)
    return CodingInput(name, "mrna", protein, cds, source, gene, record.id)


def read_cds_file(path: str | Path) -> CodingInput:
    """Read a CDS from FASTA, a bare sequence or a GenBank mRNA record."""
    text = _read_text(path)
    src = str(path)
    if text.lstrip().startswith("LOCUS"):
        return from_genbank_record(_one_genbank_record(text, src), src)
    name, seq = _fasta_or_bare(text, src)
    cds, protein = check_cds(seq, src)
    return CodingInput(_safe_name(name), "cds", protein, cds, src)


def read_protein_file(path: str | Path) -> CodingInput:
    """Read a protein from FASTA or a bare sequence."""
    text = _read_text(path)
    src = str(path)
    name, seq = _fasta_or_bare(text, src)
    protein = check_protein(seq, src)
    return CodingInput(_safe_name(name), "protein", protein, None, src)


def read_record_file(path: str | Path) -> SeqRecord:
    """Read one plasmid or cassette record from GenBank (``LOCUS`` first) or FASTA.

    GenBank topology is kept; a FASTA record is taken as circular (a plasmid).
    """
    from Bio.Seq import Seq
    from Bio.SeqRecord import SeqRecord

    text = _read_text(path)
    src = str(path)
    if text.lstrip().startswith("LOCUS"):
        return _one_genbank_record(text, src)
    from genetx.core.seq import check_dna

    name, seq = _fasta_or_bare(text, src)
    up = check_dna(seq, src, iupac=True)
    return SeqRecord(Seq(up), id=_safe_name(name)[:16], name=_safe_name(name)[:16],
                     annotations={"molecule_type": "DNA", "topology": "circular"})


def from_gene(symbol: str, *, transcript: str | None = None) -> CodingInput:
    """The CDS of a gene's default transcript in the gene pack (or fetch cache)."""
    from genetx.genome.genes import load_gene

    hit = load_gene(symbol, transcript=transcript)
    tx = hit.transcript
    if not tx.is_coding:
        msg = f"transcript {tx.id} is not protein-coding"
        raise BadInputError(symbol, msg)
    seq = tx.cds_sequence(hit.genome)
    cds, protein = check_cds(seq, f"{hit.gene.symbol} {tx.id} CDS")
    return CodingInput(_safe_name(hit.gene.symbol), "gene", protein, cds,
                       hit.annotation_source, hit.gene.symbol, tx.id)


__all__ = [
    "CodingInput",
    "from_genbank_record",
    "from_gene",
    "read_cds_file",
    "read_protein_file",
    "read_record_file",
]
