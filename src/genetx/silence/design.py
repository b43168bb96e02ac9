"""Silencing designs for a gene: siRNAs, allele-specific siRNAs, shRNA cassettes and gapmers.

:func:`silence_gene` resolves the gene (:func:`genetx.genome.genes.load_gene`), takes the
spliced mRNA of its transcript, and runs the designers of this package against a transcript set
(the embedded gene pack's transcripts by default, or a user's transcriptome FASTA), leaving the
gene's own transcripts out of the off-target counts. With a variant it adds allele-specific
siRNAs. The shRNA cassettes are built from the first-ranked siRNA whose hairpin can be
transcribed by Pol III (and the first-ranked allele-specific one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from Bio.SeqRecord import SeqRecord

    from genetx.genome._base import Genome
    from genetx.progress import Progress
    from genetx.silence.allele import AlleleDesign
    from genetx.silence.gapmer import GapmerDesign
    from genetx.silence.seedmatch import TranscriptSet
    from genetx.silence.sirna import SirnaDesign


@dataclass(frozen=True)
class SilencingResult:
    """Everything :func:`silence_gene` designed for one gene.

    Attributes
    ----------
    gene, transcript
        Gene symbol and the transcript whose mRNA was designed on.
    transcript_basis
        Why that transcript was chosen.
    mrna_length
        Length of the spliced mRNA.
    sirna, gapmers
        The siRNA and gapmer designs.
    allele
        Allele-specific siRNAs, when a variant was given.
    shrna
        ``(siRNA id, record)`` pairs: shRNA cassettes as annotated SeqRecords.
    notes
        Facts worth showing (gene model notes, transcript-set remarks).
    """

    gene: str
    transcript: str
    transcript_basis: str
    mrna_length: int
    sirna: SirnaDesign
    gapmers: GapmerDesign
    allele: AlleleDesign | None
    shrna: tuple[tuple[str, SeqRecord], ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        """Plain types for JSON: summaries, the ``top`` rows of each table, rule citations."""
        import json

        from genetx.silence.data import rules

        def rows(df: Any) -> list[dict[str, Any]]:
            return json.loads(df.head(top).to_json(orient="records")) if len(df) else []

        cfg = rules()
        out: dict[str, Any] = {
            "gene": self.gene, "transcript": self.transcript,
            "transcript_basis": self.transcript_basis, "mrna_length": self.mrna_length,
            "sirna": {"summary": self.sirna.summary(), "top": rows(self.sirna.candidates)},
            "gapmers": {"summary": self.gapmers.summary(), "top": rows(self.gapmers.candidates)},
            "allele_specific": None,
            "shrna": [{"sirna": sid, "name": rec.name, "length": len(rec.seq),
                       "sequence": str(rec.seq),
                       "features": [{"type": f.type, "label": f.qualifiers.get("label", [""])[0],
                                     "start": int(f.location.start) + 1,
                                     "end": int(f.location.end)} for f in rec.features]}
                      for sid, rec in self.shrna],
            "rules": {k: {"name": cfg[k].get("name", k), "citation": cfg[k]["citation"]}
                      for k in ("reynolds", "uitei", "amarzguioui", "asymmetry", "seed",
                                "seed_duplex", "near_match", "allele_specific", "gapmer")},
            "notes": list(self.notes),
        }
        if self.allele is not None:
            out["allele_specific"] = {"summary": self.allele.summary(),
                                      "top": rows(self.allele.candidates)}
        return out


def _transcript_set(transcriptome: str | Path | TranscriptSet | None,
                    progress: Progress | None) -> TranscriptSet:
    from genetx.silence.seedmatch import TranscriptSet, pack_transcript_set, read_transcriptome

    if transcriptome is None:
        return pack_transcript_set()
    if isinstance(transcriptome, TranscriptSet):
        return transcriptome
    return read_transcriptome(transcriptome, progress=progress)


def _shrna_for(df: Any, promoter: str | None, prefix: str) -> tuple[str, SeqRecord] | None:
    from genetx.errors import InfeasibleDesignError
    from genetx.silence.shrna import build_shrna

    if df is None or not len(df):
        return None
    ok = df[df["shrna_pol3_terminator"] == 0]
    for _, row in ok.head(50).iterrows():
        sense19 = str(row["target_23"])[2:21]
        try:
            rec = build_shrna(sense19, name=f"{prefix}_{row['id']}"[:16], promoter=promoter,
                              description=f"shRNA cassette for siRNA {row['id']} "
                                          f"(target {row['target_23']})")
        except InfeasibleDesignError:
            continue
        return str(row["id"]), rec
    return None


def _chosen_shrna(ids: Sequence[str], sirna: SirnaDesign, allele: AlleleDesign | None,
                  promoter: str | None) -> list[tuple[str, SeqRecord]]:
    from genetx.errors import BadInputError, InfeasibleDesignError
    from genetx.silence.shrna import build_shrna

    tables = [sirna.candidates] + ([allele.candidates] if allele is not None else [])
    out = []
    for wanted in ids:
        rows = [df[df["id"] == wanted] for df in tables if len(df)]
        rows = [r for r in rows if len(r)]
        if not rows:
            msg = (f"is not a candidate of {sirna.name} (siRNA ids are si<position>, "
                   "allele-specific ones as<position>, the mRNA position of the duplex's first "
                   "base)")
            raise BadInputError(wanted, msg)
        row = rows[0].iloc[0]
        try:
            rec = build_shrna(str(row["target_23"])[2:21], name=f"shRNA_{wanted}"[:16],
                              promoter=promoter,
                              description=f"shRNA cassette for siRNA {wanted} "
                                          f"(target {row['target_23']})")
        except InfeasibleDesignError as exc:
            raise InfeasibleDesignError(wanted, exc.reason) from None
        out.append((wanted, rec))
    return out


def silence_gene(gene: str, *, variant: str | None = None, transcript: str | None = None,
                 annotation: str | Path | None = None, genome: str | Path | Genome | None = None,
                 transcriptome: str | Path | TranscriptSet | None = None,
                 max_mismatches: int | None = None,
                 gc_bounds: tuple[float, float] | None = None,
                 gapmer_layout: str = "5-10-5", promoter: str | None = "U6",
                 shrna_from: Sequence[str] = (),
                 progress: Progress | None = None) -> SilencingResult:
    """Design siRNAs, gapmers, shRNA cassettes (and allele-specific siRNAs) for a gene.

    Parameters
    ----------
    gene
        Gene symbol or transcript accession (see :func:`genetx.genome.genes.load_gene`).
    variant
        A substitution to target allele-specifically (``c.`` HGVS, ``g.`` or VCF style).
    transcript, annotation, genome
        As for :func:`~genetx.genome.genes.load_gene`.
    transcriptome
        Transcriptome FASTA (or a :class:`~genetx.silence.seedmatch.TranscriptSet`) for the
        off-target search; default: the embedded gene pack's transcripts.
    max_mismatches
        Largest mismatch count of near-complete off-target matches (0-3, default 2).
    gc_bounds
        siRNA GC percent bounds (default 30-60).
    gapmer_layout
        Gapmer wing-gap-wing lengths.
    promoter
        shRNA promoter: ``U6``, ``H1`` or None.
    shrna_from
        Candidate ids (``si1234``, ``as699``) to build shRNA cassettes from; default: the
        first-ranked siRNA (and allele-specific siRNA) whose hairpin Pol III can transcribe.
    progress
        Progress display.

    Returns
    -------
    The :class:`SilencingResult`.

    Raises
    ------
    UnknownGeneError, MissingDataError, InvalidVariantError, InvalidSequenceError,
    MalformedFileError
        From gene resolution, variant parsing and the designers, each naming its input.
    """
    from genetx.errors import MissingDataError
    from genetx.genome.genes import load_gene
    from genetx.silence.allele import allele_specific_sirnas, mutant_mrna
    from genetx.silence.gapmer import GapmerLayout, design_gapmers
    from genetx.silence.sirna import design_sirnas

    layout = GapmerLayout.parse(gapmer_layout)  # bad input before any file is read
    hit = load_gene(gene, annotation=annotation, genome=genome, transcript=transcript)
    tx = hit.transcript
    v = None
    if variant is not None:
        from genetx.genome.variants import parse_notation, parse_variant

        n = parse_notation(variant)
        chosen = None if (n.system == "c" and n.accession) else tx.id
        v = parse_variant(variant, hit.gene, hit.genome, transcript=chosen)
        tx = next(t for t in hit.gene.transcripts if t.id == v.transcript)
    try:
        mrna = tx.spliced_sequence(hit.genome)
    except MissingDataError as exc:
        msg = f"the genome lacks part of the mRNA of {tx.id} ({exc.reason})"
        raise MissingDataError(gene, msg) from None
    tset = _transcript_set(transcriptome, progress)
    skip = tset.exclusion_mask(genes=[hit.gene.symbol],
                               transcript_ids=[t.id for t in hit.gene.transcripts])
    cds = tx.cds_tx_range
    sirna = design_sirnas(mrna, name=tx.id, transcripts=tset, skip=skip, cds=cds,
                          max_mismatches=max_mismatches, gc_bounds=gc_bounds,
                          progress=progress)
    gap = design_gapmers(mrna, name=tx.id, layout=layout, transcripts=tset, skip=skip, cds=cds,
                         max_mismatches=max_mismatches, progress=progress)
    allele = None
    if v is not None:
        change = mutant_mrna(v, tx, hit.genome)
        allele = allele_specific_sirnas(change, name=tx.id, variant=variant, transcripts=tset,
                                        skip=skip, cds=cds, max_mismatches=max_mismatches,
                                        gc_bounds=gc_bounds, progress=progress)
    shrna = []
    if shrna_from:
        shrna = _chosen_shrna(shrna_from, sirna, allele, promoter)
    else:
        first = _shrna_for(sirna.candidates, promoter, "shRNA")
        if first is not None:
            shrna.append(first)
        if allele is not None:
            extra = _shrna_for(allele.candidates, promoter, "shRNA")
            if extra is not None:
                shrna.append(extra)
    notes = list(hit.notes) + list(sirna.notes)
    if int(skip.sum()) == 0:
        notes.append(f"no transcript of {hit.gene.symbol} was found in the transcript set; "
                     "off-target counts include none of the target's own transcripts")
    return SilencingResult(hit.gene.symbol, tx.id, hit.transcript_basis if v is None or
                           tx.id == hit.transcript.id else "the variant's transcript",
                           len(mrna), sirna, gap, allele, tuple(shrna), tuple(notes))


__all__ = ["SilencingResult", "silence_gene"]
