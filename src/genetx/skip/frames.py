"""Reading-frame arithmetic over a transcript's exons: deletions, duplications, skips.

Everything here is pure: a :class:`FrameModel` holds, per exon, its length and how many of its
bases are coding, plus where the start and stop codons lie. It is built from any
:class:`~genetx.genome.models.Transcript` (:meth:`FrameModel.from_transcript`) or from bare
exon lengths (:meth:`FrameModel.from_lengths`), so the arithmetic can be checked by hand.

The frame rule
--------------
A patient's (or a treated) transcript is an ordered list of exon numbers: the reference is
``1..n``, a deletion leaves some out, a duplication repeats a block, a skip removes exons.
Translation starts at ``c.1`` in the first copy of the start-codon exon and is followed base by
base. A coding exon is read *in frame* when the number of bases read before its first coding
base is congruent (mod 3) to the number of coding bases that precede it in the reference, i.e.
its Ensembl phase. The transcript keeps the reading frame when every coding exon up to the
stop-codon exon is read in frame. For a block of consecutive exons this is the familiar rule
"the removed (or inserted) coding length is a multiple of 3"; checked junction by junction it
also handles several separate blocks (each must be a multiple of 3 on its own, or the exons
between them are read out of frame) and duplications (a second copy of an exon is read in full,
its UTR bases included).

Rules that need no sequence: the exon with the start codon and the exon with the stop codon
cannot be removed (no frame verdict without them), and a skip never removes the first or the
last exon of the transcript. Whether the new exon-exon junction creates a stop codon depends on
the bases; :func:`translate_order` answers that on the actual sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from genetx.errors import BadInputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from genetx.genome._base import Genome
    from genetx.genome.models import Transcript


@dataclass(frozen=True)
class ExonFrame:
    """One exon as the frame arithmetic sees it.

    Attributes
    ----------
    number
        Exon number (1 = 5'-most).
    length
        Exon length in nucleotides.
    coding
        Coding bases in the exon (stop codon included), 0 for UTR-only exons.
    coding_before
        Coding bases in all exons before it.
    utr5
        5' UTR bases of the exon that precede its first coding base (non-zero only in the
        start-codon exon).
    """

    number: int
    length: int
    coding: int
    coding_before: int
    utr5: int = 0

    @property
    def phase_in(self) -> int | None:
        """Frame at the exon's first coding base (coding bases before it, mod 3); None if UTR."""
        return self.coding_before % 3 if self.coding else None

    @property
    def phase_out(self) -> int | None:
        """Frame after the exon's last coding base, mod 3; None for UTR-only exons."""
        return (self.coding_before + self.coding) % 3 if self.coding else None

    @property
    def cds_start(self) -> int | None:
        """HGVS c. number of the exon's first coding base."""
        return self.coding_before + 1 if self.coding else None

    @property
    def cds_end(self) -> int | None:
        """HGVS c. number of the exon's last coding base."""
        return self.coding_before + self.coding if self.coding else None

    @property
    def kind(self) -> str:
        """``coding`` (all bases coding), ``partial`` (coding and UTR) or ``utr``."""
        if not self.coding:
            return "utr"
        return "coding" if self.coding == self.length else "partial"


@dataclass(frozen=True)
class FrameModel:
    """Exon lengths and coding content of one transcript.

    Attributes
    ----------
    transcript
        Transcript id (``NM_004006.2``), or a label.
    gene
        Gene symbol.
    exons
        One :class:`ExonFrame` per exon, exon 1 first.
    start_exon
        Number of the exon holding ``c.1``.
    stop_exon
        Number of the exon holding the last base of the stop codon.

    Examples
    --------
    >>> m = FrameModel.from_lengths([10, 9, 7, 13], utr5=4, utr3=5)
    >>> [e.coding for e in m.exons], m.cds_length, m.protein_length
    ([6, 9, 7, 8], 30, 9)
    """

    transcript: str
    gene: str
    exons: tuple[ExonFrame, ...]
    start_exon: int
    stop_exon: int

    # ---------------------------------------------------------------- builders
    @classmethod
    def from_lengths(cls, lengths: Sequence[int], *, utr5: int = 0, utr3: int = 0,
                     transcript: str = "model", gene: str = "") -> FrameModel:
        """Build a model from exon lengths and the number of 5' and 3' UTR bases.

        Parameters
        ----------
        lengths
            Exon lengths, exon 1 first.
        utr5, utr3
            Bases before ``c.1`` and after the stop codon in the spliced transcript (a GenBank
            mRNA record with CDS ``245..11302`` of 13,993 nt has ``utr5=244, utr3=2691``).
        transcript, gene
            Labels used in messages.

        Raises
        ------
        BadInputError
            When a length is not positive or the UTRs leave no coding base.
        """
        lens = [int(x) for x in lengths]
        if not lens or any(x <= 0 for x in lens):
            msg = "exon lengths must be positive integers (at least one exon)"
            raise BadInputError(transcript, msg)
        total = sum(lens)
        if utr5 < 0 or utr3 < 0 or utr5 + utr3 >= total:
            msg = f"UTRs of {utr5} + {utr3} nt leave no coding base in {total} nt of exons"
            raise BadInputError(transcript, msg)
        cds_lo, cds_hi = utr5, total - utr3  # transcript coordinates [lo, hi)
        exons = []
        pos = 0
        done = 0
        start_exon = stop_exon = 0
        for k, n in enumerate(lens, start=1):
            a, b = max(pos, cds_lo), min(pos + n, cds_hi)
            coding = max(0, b - a)
            utr = a - pos if coding and pos < cds_lo else 0
            if pos <= cds_lo < pos + n:
                start_exon = k
            if pos < cds_hi <= pos + n:
                stop_exon = k
            exons.append(ExonFrame(k, n, coding, done, utr))
            done += coding
            pos += n
        return cls(transcript, gene, tuple(exons), start_exon, stop_exon)

    @classmethod
    def from_transcript(cls, tx: Transcript) -> FrameModel:
        """Build the model of a coding :class:`~genetx.genome.models.Transcript`.

        Raises
        ------
        BadInputError
            When the transcript is non-coding.
        """
        r = tx.cds_tx_range
        if r is None:
            msg = "is non-coding: exon skipping restores a reading frame, and it has none"
            raise BadInputError(tx.id, msg)
        return cls.from_lengths(tx.exon_lengths, utr5=r[0], utr3=tx.length - r[1],
                                transcript=tx.id, gene=tx.gene)

    # ------------------------------------------------------------------- facts
    @property
    def n_exons(self) -> int:
        """Number of exons."""
        return len(self.exons)

    @property
    def cds_length(self) -> int:
        """Coding length in nucleotides, stop codon included."""
        return sum(e.coding for e in self.exons)

    @property
    def protein_length(self) -> int:
        """Amino acids of the reference protein (stop codon excluded)."""
        return self.cds_length // 3 - 1

    def exon(self, number: int) -> ExonFrame:
        """The exon numbered ``number`` (1-based).

        Raises
        ------
        BadInputError
            When the transcript has no such exon.
        """
        if not 1 <= number <= self.n_exons:
            where = f"exon {number}"
            msg = f"{self.transcript} has exons 1-{self.n_exons}"
            raise BadInputError(where, msg)
        return self.exons[number - 1]

    def coding_of(self, exons: Iterable[int]) -> int:
        """Total coding bases of the given exons (each counted once per mention)."""
        return sum(self.exon(k).coding for k in exons)

    def skip_block_reason(self, number: int) -> str | None:
        """Why exon ``number`` may not be skipped, or None when it may.

        The first and last exons are never skipped (transcription start and polyadenylation),
        nor the exons holding the start or stop codon, nor UTR-only exons (no frame effect).
        """
        e = self.exon(number)
        if number == 1:
            return "exon 1 is the first exon and is never skipped"
        if number == self.n_exons:
            return f"exon {number} is the last exon and is never skipped"
        if number == self.start_exon:
            return f"exon {number} holds the start codon"
        if number == self.stop_exon:
            return f"exon {number} holds the stop codon"
        if not e.coding:
            return f"exon {number} is untranslated (no effect on the frame)"
        return None

    def skippable(self, number: int) -> bool:
        """True when exon ``number`` may be removed by a skip."""
        return self.skip_block_reason(number) is None


@dataclass(frozen=True)
class FrameCheck:
    """The reading frame of one exon order.

    Attributes
    ----------
    order
        The exons of the transcript, 5' to 3' (numbers may repeat for duplications).
    in_frame
        True when every coding exon up to the stop-codon exon is read in its own frame; False
        for a frameshift; None when translation cannot start or end as in the reference (the
        start- or stop-codon exon is missing).
    reason
        One line explaining the verdict.
    shift_at
        The first junction read out of frame, as ``(exon before, exon after)``; None when in
        frame.
    coding_length
        Bases read from ``c.1`` to the end of the reference stop codon along this order (None
        without a verdict). For a frameshift this is the distance to where the old stop codon
        lies, not where translation really ends.
    protein_length
        Amino acids when in frame (``coding_length / 3 - 1``); a stop codon created at a new
        junction can shorten it, which only :func:`translate_order` sees.
    """

    order: tuple[int, ...]
    in_frame: bool | None
    reason: str
    shift_at: tuple[int, int] | None = None
    coding_length: int | None = None
    protein_length: int | None = None

    def removed_coding(self, model: FrameModel) -> int | None:
        """Coding bases lost relative to the reference (negative when bases were added)."""
        if self.coding_length is None:
            return None
        return model.cds_length - self.coding_length


def check_order(model: FrameModel, order: Sequence[int],
                length_changes: Mapping[int, int] | None = None) -> FrameCheck:
    """Follow translation along an exon order and say whether it stays in frame.

    Parameters
    ----------
    model
        The transcript's frame model.
    order
        Exon numbers of the (patient or treated) transcript, 5' to 3'.
    length_changes
        Net change in length of an exon's coding part (``{52: -1}`` for a 1-nt deletion in
        exon 52), applied to every copy of that exon.

    Returns
    -------
    The :class:`FrameCheck`.

    Raises
    ------
    BadInputError
        When ``order`` names an exon the transcript does not have.

    Examples
    --------
    >>> m = FrameModel.from_lengths([10, 9, 7, 13], utr5=4, utr3=5)
    >>> check_order(m, [1, 3, 4]).in_frame, check_order(m, [1, 2, 4]).shift_at
    (True, (2, 4))
    """
    changes = dict(length_changes or {})
    for k in (*order, *changes):
        model.exon(k)
    started = False
    read = 0
    shift: tuple[int, int] | None = None
    prev: int | None = None
    for k in order:
        e = model.exons[k - 1]
        extra = changes.get(k, 0)
        if not started:
            if k == model.start_exon:
                started = True
            elif e.coding:
                return FrameCheck(tuple(order), None,
                                  f"exon {model.start_exon} (start codon) is missing before "
                                  f"coding exon {k}: translation cannot start as in the "
                                  "reference")
            else:
                prev = k
                continue
            if k == model.stop_exon:
                read = e.coding + extra
                break
            read = e.length - e.utr5 + extra
            prev = k
            continue
        if e.coding and shift is None:
            at_first_coding = read + e.utr5
            if at_first_coding % 3 != e.coding_before % 3:
                shift = (prev if prev is not None else k, k)
        if k == model.stop_exon:
            # bases up to the end of the stop codon: the 5' UTR part (if any) plus the coding
            read += e.utr5 + e.coding + extra
            prev = k
            break
        read += e.length + extra
        prev = k
    else:
        if not started:
            return FrameCheck(tuple(order), None,
                              f"exon {model.start_exon} (start codon) is missing: no "
                              "translation start")
        return FrameCheck(tuple(order), None,
                          f"exon {model.stop_exon} (stop codon) is missing: translation does "
                          "not end as in the reference")
    if shift is not None:
        return FrameCheck(tuple(order), in_frame=False,
                          reason=f"out of frame from the exon {shift[0]}-{shift[1]} junction",
                          shift_at=shift, coding_length=read)
    if read % 3:
        # a length change inside the stop-codon exon (or the start exon) shifts the stop codon
        return FrameCheck(tuple(order), in_frame=False,
                          reason="the coding length is not a multiple of 3",
                          shift_at=(model.stop_exon, model.stop_exon), coding_length=read)
    return FrameCheck(tuple(order), in_frame=True, reason="in frame", coding_length=read,
                      protein_length=read // 3 - 1)


def reference_order(model: FrameModel) -> tuple[int, ...]:
    """Exons ``1..n``."""
    return tuple(range(1, model.n_exons + 1))


def _check_range(model: FrameModel, first: int, last: int, what: str) -> None:
    where = f"{what} ex{first}" + (f"-{last}" if last != first else "")
    if first > last:
        msg = f"exon range {first}-{last} is reversed; write the lower number first"
        raise BadInputError(where, msg)
    if first < 1 or last > model.n_exons:
        bad = first if first < 1 else last
        msg = f"{model.transcript} has exons 1-{model.n_exons}; there is no exon {bad}"
        raise BadInputError(where, msg)


def deletion_order(model: FrameModel, first: int, last: int) -> tuple[int, ...]:
    """Exon order after deleting exons ``first..last`` (inclusive)."""
    _check_range(model, first, last, "del")
    return tuple(k for k in reference_order(model) if not first <= k <= last)


def duplication_order(model: FrameModel, first: int, last: int) -> tuple[int, ...]:
    """Exon order after a tandem duplication of exons ``first..last`` (second copy follows)."""
    _check_range(model, first, last, "dup")
    ref = reference_order(model)
    return ref[:last] + tuple(range(first, last + 1)) + ref[last:]


def removal_order(order: Sequence[int], removed: Iterable[int]) -> tuple[int, ...]:
    """``order`` without every copy of the exons in ``removed``."""
    gone = set(removed)
    return tuple(k for k in order if k not in gone)


def deletion_frame(model: FrameModel, first: int, last: int) -> FrameCheck:
    """Frame after deleting exons ``first..last``.

    Examples
    --------
    >>> m = FrameModel.from_lengths([10, 9, 7, 13], utr5=4, utr3=5)
    >>> deletion_frame(m, 2, 2).in_frame, deletion_frame(m, 3, 3).in_frame
    (True, False)
    """
    return check_order(model, deletion_order(model, first, last))


def duplication_frame(model: FrameModel, first: int, last: int) -> FrameCheck:
    """Frame after a tandem duplication of exons ``first..last``."""
    return check_order(model, duplication_order(model, first, last))


def removal_frame(model: FrameModel, exons: Iterable[int]) -> FrameCheck:
    """Frame of the reference transcript without ``exons`` (any set, contiguous or not)."""
    ex = sorted(set(exons))
    for k in ex:
        model.exon(k)
    return check_order(model, removal_order(reference_order(model), ex))


def exon_removal_in_frame(model: FrameModel, number: int) -> bool | None:
    """Whether removing exon ``number`` alone keeps the frame (None for start/stop exons).

    This answers "does a nonsense or frameshift variant lie in an exon whose removal is in
    frame": skipping that exon removes the variant with it.
    """
    return removal_frame(model, [number]).in_frame


def parse_exon_set(text: str, model: FrameModel, name: str = "exons") -> tuple[int, ...]:
    """Read exon numbers such as ``51``, ``45-55`` or ``43,45-47`` (ascending, no overlap).

    ``name`` says how error messages name the input (``--skip``).

    Raises
    ------
    BadInputError
        For text that is not a list of numbers and ranges, reversed or overlapping ranges,
        repeated exons, and exons the transcript does not have.

    Examples
    --------
    >>> m = FrameModel.from_lengths([10, 9, 7, 12, 6], utr5=4, utr3=5)
    >>> parse_exon_set("2, 3-4", m)
    (2, 3, 4)
    """
    raw = (text or "").strip()
    if not raw:
        msg = "give exon numbers (51, 45-55 or 43,45-47)"
        where = f"{name} ''"
        raise BadInputError(where, msg)
    where = f"{name} {raw}"
    seen: list[int] = []
    spans: list[tuple[int, int]] = []
    for part in raw.split(","):
        m = re.fullmatch(r"\s*(?:ex(?:on)?s?\s*)?(\d+)\s*(?:[-_\u2013]\s*(\d+))?\s*", part,
                         flags=re.IGNORECASE)
        if not m:
            msg = f"{part.strip()!r} is not an exon number or range (51, 45-55)"
            raise BadInputError(where, msg)
        a = int(m[1])
        b = int(m[2]) if m[2] else a
        if b < a:
            msg = f"exon range {a}-{b} is reversed; write the lower number first ({b}-{a})"
            raise BadInputError(where, msg)
        if a < 1 or b > model.n_exons:
            bad = a if a < 1 else b
            msg = f"{model.transcript} has exons 1-{model.n_exons}; there is no exon {bad}"
            raise BadInputError(where, msg)
        for s, e in spans:
            if a <= e and s <= b:
                msg = f"exon ranges {s}-{e} and {a}-{b} overlap"
                raise BadInputError(where, msg)
        spans.append((a, b))
        seen.extend(range(a, b + 1))
    return tuple(sorted(seen))


# --------------------------------------------------------------------------------------------
# sequence level


@dataclass(frozen=True)
class ProteinOutcome:
    """Translation of one exon order on the actual sequence.

    Attributes
    ----------
    protein_length
        Amino acids before the first stop codon, None when no stop codon is met before the
        transcript ends.
    expected_length
        The length the frame arithmetic expects (None when out of frame or without verdict).
    premature_stop
        True when translation ends before the expected stop (for instance a stop codon formed
        at a new exon-exon junction); None when nothing was expected.
    stop_exon
        Exon (number) holding the last base of the stop codon met (a stop codon formed at a
        junction belongs to the downstream exon), None without one.
    """

    protein_length: int | None
    expected_length: int | None
    premature_stop: bool | None
    stop_exon: int | None


def exon_sequences(tx: Transcript, genome: Genome) -> tuple[str, ...]:
    """Each exon's sequence on the transcript strand, upper case, exon 1 first."""
    return tuple(genome.fetch(tx.chrom, s, e, tx.strand).upper() for s, e in tx.exons)


def translate_order(model: FrameModel, exon_seqs: Sequence[str], order: Sequence[int],
                    edits: Mapping[int, str] | None = None) -> ProteinOutcome:
    """Translate the transcript made of ``order`` from ``c.1`` to its first stop codon.

    Parameters
    ----------
    model
        The frame model (it locates ``c.1`` in the first copy of the start-codon exon).
    exon_seqs
        Exon sequences of the reference, exon 1 first (:func:`exon_sequences`).
    order
        Exon numbers of the transcript to translate.
    edits
        Replacement sequences for exons carrying a patient change (``{52: "...T..."}``).

    Returns
    -------
    The :class:`ProteinOutcome`.
    """
    from genetx.core.seq import CODON_TABLE, translate

    if len(exon_seqs) != model.n_exons:
        msg = f"{len(exon_seqs)} exon sequences given for {model.n_exons} exons"
        raise BadInputError(model.transcript, msg)
    seqs = dict(enumerate(exon_seqs, start=1))
    seqs.update(edits or {})
    expected = check_order(model, order,
                           {k: len(v) - model.exon(k).length for k, v in (edits or {}).items()})
    parts: list[str] = []
    owners: list[tuple[int, int]] = []  # (end offset in mRNA, exon number)
    start = None
    pos = 0
    for k in order:
        s = seqs[k]
        if start is None and k == model.start_exon:
            start = pos + model.exon(k).utr5
        parts.append(s)
        pos += len(s)
        owners.append((pos, k))
    if start is None:
        return ProteinOutcome(None, None, None, None)
    cds = "".join(parts)[start:]
    aa = translate(cds, to_stop=True)
    i = 3 * len(aa)
    stop_found = CODON_TABLE.get(cds[i:i + 3]) == "*"
    want = expected.protein_length if expected.in_frame else None
    if not stop_found:
        return ProteinOutcome(None, want, None, None)
    stop_pos = start + i + 2  # last base of the stop codon
    stop_exon = next(k for end, k in owners if stop_pos < end)
    premature = None if want is None else len(aa) < want
    return ProteinOutcome(len(aa), want, premature, stop_exon)


__all__ = [
    "ExonFrame", "FrameCheck", "FrameModel", "ProteinOutcome", "check_order",
    "deletion_frame", "deletion_order", "duplication_frame", "duplication_order",
    "exon_removal_in_frame", "exon_sequences", "parse_exon_set", "reference_order",
    "removal_frame", "removal_order", "translate_order",
]
