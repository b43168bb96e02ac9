"""Cassette rules as specification objects.

Each rule follows DNA Chisel's specification contract without depending on it:
``rule.evaluate(record)`` returns a :class:`RuleEvaluation` with a ``score`` (>= 0 passes),
the ``locations`` it is about and a one-line ``message``. The same evaluations feed the JSON
summary and the command line.

Rules
-----
:class:`PackagingLimit`
    ITR-to-ITR length of a single-stranded or self-complementary AAV genome, or LTR-to-LTR
    length of a lentiviral vector, against the published bands in
    ``data/elements/packaging_limits.tsv``.
:class:`ITRIntegrity`
    Both ITRs present, and identical to a library ITR (or, for scAAV, one mutant ITR).
:class:`CpGDensity`
    CpG count, density and observed/expected ratio, with an optional maximum.
:class:`CrypticPolyA`
    AATAAA/ATTAAA on the sense strand inside the transcription unit, outside polyA signals
    and LTRs (an internal signal truncates the mRNA, or the lentiviral genome).

Rules accept an annotated :class:`~Bio.SeqRecord.SeqRecord` (a GeneTx cassette or any
GenBank record) or a plain sequence; when ITRs are not annotated they are located with the
element library (:func:`genetx.add.locate.locate_elements`).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from genetx.add import checks
from genetx.add.elements import load_elements, read_tsv
from genetx.core.seq import reverse_complement
from genetx.errors import BadInputError

if TYPE_CHECKING:
    from Bio.SeqRecord import SeqRecord

    from genetx.add.locate import ElementHit

Vector = Literal["ssAAV", "scAAV", "LV"]
VECTORS: tuple[str, ...] = ("ssAAV", "scAAV", "LV")


def check_vector(vector: str) -> str:
    """The canonical spelling of a vector type (case-insensitive), or BadInputError."""
    for v in VECTORS:
        if v.lower() == str(vector).lower():
            return v
    msg = f"unknown vector (one of {', '.join(VECTORS)})"
    raise BadInputError(str(vector), msg)


@dataclass(frozen=True)
class RuleEvaluation:
    """Outcome of one rule (DNA Chisel's ``SpecEvaluation`` shape).

    Attributes
    ----------
    rule
        Rule label (``PackagingLimit[ssAAV]``).
    score
        >= 0 when the rule passes; the magnitude is rule-specific (bases of margin for the
        packaging limit, minus the number of offending sites for motif rules).
    locations
        ``(start, end)`` spans the rule is about (0-based, half-open).
    message
        One line for humans.
    verdict
        Short class of the outcome (``fine``, ``reduced_yield``, ``intact``, ``altered`` ...).
    value
        The measured quantity (length in bases, CpG count ...), when there is one.
    reference
        Where the thresholds come from.
    details
        Extra structured facts for the JSON report.
    """

    rule: str
    score: float
    locations: tuple[tuple[int, int], ...]
    message: str
    verdict: str
    value: float | None = None
    reference: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        """True when ``score >= 0``."""
        return self.score >= 0

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {"rule": self.rule, "passes": self.passes, "score": self.score,
                "verdict": self.verdict, "value": self.value, "message": self.message,
                "locations": [list(x) for x in self.locations], "reference": self.reference,
                "details": self.details}


class Rule(ABC):
    """A cassette rule: ``evaluate(record) -> RuleEvaluation``."""

    @property
    @abstractmethod
    def label(self) -> str:
        """Name shown in reports."""

    @abstractmethod
    def evaluate(self, record: SeqRecord | str) -> RuleEvaluation:
        """Evaluate the rule on a record (or a plain sequence)."""


# --------------------------------------------------------------------------- helpers

def _as_record(record: SeqRecord | str) -> SeqRecord:
    from Bio.Seq import Seq
    from Bio.SeqRecord import SeqRecord

    if isinstance(record, SeqRecord):
        return record
    return SeqRecord(Seq(str(record).upper()), id="sequence",
                     annotations={"molecule_type": "DNA"})


_ITR_LABEL = re.compile(r"(?:^|[^a-z])(?:wt|m)?itr(?:[^a-z]|$)")


def _labels(feature: Any) -> str:
    q = feature.qualifiers
    return " ".join(str(v) for key in ("label", "standard_name", "genetx_element")
                    for v in q.get(key, [])).lower()


def _is_itr(feature: Any) -> bool:
    """A feature labelled as an ITR (``ITR``, ``wtITR``, ``mITR``, ``ITR-L``, ``AAV2 ITR``)."""
    return feature.type in ("repeat_region", "misc_feature", "rep_origin") and bool(
        _ITR_LABEL.search(_labels(feature)))


def _is_ltr(feature: Any) -> bool:
    return feature.type == "LTR" or bool(re.search(r"(?:^|[^a-z])ltr(?:[^a-z]|$)",
                                                     _labels(feature)))


def _spans(features: list[Any]) -> list[tuple[int, int]]:
    return sorted((int(f.location.start), int(f.location.end)) for f in features)


def _circular(record: SeqRecord) -> bool:
    return str(record.annotations.get("topology", "linear")).lower() == "circular"


@lru_cache(maxsize=1)
def _limits() -> dict[str, list[tuple[str, float | None, str, str, str]]]:
    out: dict[str, list[tuple[str, float | None, str, str, str]]] = {}
    for r in read_tsv("packaging_limits.tsv"):
        mx = float(r["max_length"]) if r["max_length"] else None
        out.setdefault(r["vector"], []).append(
            (r["band"], mx, r["measure"], r["meaning"], r["reference"]))
    return out


def packaging_bands(vector: str) -> list[tuple[str, float | None, str, str, str]]:
    """``(band, max_length, measure, meaning, reference)`` for a vector, smallest first."""
    return _limits()[check_vector(vector)]


def fine_limit(vector: str) -> int:
    """Largest length in the ``fine`` band of ``vector``."""
    return int(packaging_bands(vector)[0][1] or 0)


def classify_length(length: int, vector: str) -> tuple[str, str, str]:
    """``(band, meaning, reference)`` of a packaged length for ``vector``."""
    for band, mx, _measure, meaning, ref in packaging_bands(vector):
        if mx is None or length <= mx:
            return band, meaning, ref
    msg = "the last band has no maximum"  # pragma: no cover
    raise AssertionError(msg)  # pragma: no cover


def locate_itrs(record: SeqRecord | str) -> list[ElementHit]:
    """ITR hits of the library in a sequence, merged per end.

    Every library ITR alignment (identity >= 0.85, coverage >= 0.7) is collected without
    overlap resolution; overlapping alignments are merged so each ITR region gets its widest
    extent, and the best-matching element names the region.
    """
    from genetx.add.locate import ElementHit, locate_elements

    rec = _as_record(record)
    itrs = load_elements().by_category("itr")
    hits = locate_elements(str(rec.seq), itrs, circular=_circular(rec), min_identity=0.85,
                           min_coverage=0.7, resolve_overlaps=False)
    merged: list[list[ElementHit]] = []
    for h in sorted(hits, key=lambda h: h.start):
        if merged and h.start < max(x.end for x in merged[-1]):
            merged[-1].append(h)
        else:
            merged.append([h])
    out = []
    for group in merged:
        best = max(group, key=lambda h: (round(h.quality, 6), h.length, h.strand))
        out.append(ElementHit(best.element, best.category, min(h.start for h in group),
                              max(h.end for h in group), best.strand, best.identity,
                              best.coverage, best.element_start, best.element_end, best.score))
    return out


def _payload_span(ends: list[tuple[int, int]], record: SeqRecord) -> tuple[int, int, int]:
    """``(start, end, length)`` of the region from the first to the last terminal element.

    On a circular record with two terminal elements the arc that holds the coding sequence
    (or, without a CDS feature, the shorter arc) is the payload.
    """
    n = len(record.seq)
    first, last = ends[0], ends[-1]
    direct = (first[0], last[1], last[1] - first[0])
    if not _circular(record) or len(ends) != 2:
        return direct
    wrap = (last[0], first[1] + n, n - last[0] + first[1])
    cds = [f for f in record.features if f.type == "CDS"]
    if cds:
        mid = int(cds[0].location.start)
        return direct if first[0] <= mid < last[1] else wrap
    return direct if direct[2] <= wrap[2] else wrap


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class PackagingLimit(Rule):
    """Packaged length of an AAV (ITR-to-ITR) or lentiviral (LTR-to-LTR) genome.

    ``score`` is the margin to the end of the ``fine`` band (negative when over it); the
    verdict is the band (``fine``, ``reduced_yield``, ``truncated``, ``not_packaged_intact``
    for AAV; ``fine``, ``reduced_titer``, ``beyond_measured`` for LV).

    Parameters
    ----------
    vector
        ``ssAAV``, ``scAAV`` or ``LV``.
    use_annotation
        Measure between the record's annotated ITR (or LTR) features when there are at least
        two; otherwise (or when False) locate ITRs with the element library.

    Examples
    --------
    >>> PackagingLimit("ssAAV").label
    'PackagingLimit[ssAAV]'
    """

    vector: str = "ssAAV"
    use_annotation: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "vector", check_vector(self.vector))

    @property
    def label(self) -> str:
        """Rule label."""
        return f"PackagingLimit[{self.vector}]"

    def ends(self, record: SeqRecord) -> tuple[list[tuple[int, int]], str]:
        """Terminal element spans and where they came from (``annotation`` or ``library``)."""
        if self.vector == "LV":
            feats = [f for f in record.features if _is_ltr(f)]
            return _spans(feats), "annotation"
        if self.use_annotation:
            feats = [f for f in record.features if _is_itr(f)]
            if len(feats) >= 2:
                return _spans(feats), "annotation"
        return [(h.start, h.end) for h in locate_itrs(record)], "library"

    def evaluate(self, record: SeqRecord | str) -> RuleEvaluation:
        """Measure the packaged length and classify it."""
        rec = _as_record(record)
        ends, basis = self.ends(rec)
        what = "LTRs" if self.vector == "LV" else "ITRs"
        if len(ends) < 2:
            msg = (f"found {len(ends)} of the 2 {what}; the packaged length cannot be measured")
            return RuleEvaluation(self.label, -1.0, tuple(ends), msg, "unmeasurable",
                                  details={"basis": basis})
        start, end, length = _payload_span(ends, rec)
        band, meaning, ref = classify_length(length, self.vector)
        limit = fine_limit(self.vector)
        measure = "LTR-to-LTR" if self.vector == "LV" else "ITR-to-ITR"
        msg = (f"{measure} {length:,} nt ({self.vector} fine up to {limit:,} nt): "
               f"{band.replace('_', ' ')} - {meaning}")
        return RuleEvaluation(self.label, float(limit - length), ((start, end),), msg, band,
                              value=float(length), reference=ref,
                              details={"basis": basis, "start": start, "end": end,
                                       "fine_limit": limit,
                                       "terminal_elements": [list(e) for e in ends]})


@dataclass(frozen=True)
class ITRIntegrity(Rule):
    """Both AAV ITRs present and identical to a library ITR.

    Each ITR region located with the library is ``intact`` when some library ITR aligns to it
    at 100 % identity over its whole length, ``altered`` otherwise. An scAAV genome needs one
    mutant ITR (``AAV2_mITR_scAAV``) and one wild-type ITR. Score: 0 when both ends are as
    expected, -1 per altered end, -10 per missing end or wrong ITR type.
    """

    vector: str = "ssAAV"

    def __post_init__(self) -> None:
        v = check_vector(self.vector)
        if v == "LV":
            msg = "ITR integrity applies to AAV vectors (ssAAV, scAAV)"
            raise BadInputError(v, msg)
        object.__setattr__(self, "vector", v)

    @property
    def label(self) -> str:
        """Rule label."""
        return f"ITRIntegrity[{self.vector}]"

    def evaluate(self, record: SeqRecord | str) -> RuleEvaluation:
        """Locate both ITRs and compare them with the library."""
        rec = _as_record(record)
        regions = locate_itrs(rec)
        score = 0.0
        parts = []
        ends = []
        for h in regions:
            intact = h.identity >= 1.0 - 1e-9 and h.coverage >= 1.0 - 1e-9
            mutant = h.element == "AAV2_mITR_scAAV"
            state = "intact" if intact else "altered"
            if not intact:
                score -= 1
            parts.append(f"{h.start}-{h.end} {state} ({h.element}, "
                         f"{100 * h.identity:.1f}% identity over {100 * h.coverage:.0f}%)")
            ends.append({"start": h.start, "end": h.end, "element": h.element,
                         "state": state, "mutant": mutant,
                         "identity": round(h.identity, 4), "coverage": round(h.coverage, 4)})
        if len(regions) < 2:
            score -= 10 * (2 - len(regions))
        n_mut = sum(e["mutant"] for e in ends)
        if self.vector == "scAAV" and n_mut != 1:
            score -= 10
            parts.append(f"expected one mutant ITR for scAAV, found {n_mut}")
        if self.vector == "ssAAV" and n_mut:
            score -= 10
            parts.append("a mutant (scAAV) ITR in a single-stranded design")
        verdict = ("missing" if len(regions) < 2 else
                   "intact" if score == 0 else "altered")
        msg = f"{len(regions)} ITR region(s): " + ("; ".join(parts) if parts else "none found")
        return RuleEvaluation(self.label, score, tuple((e["start"], e["end"]) for e in ends),
                              msg, verdict, value=float(len(regions)),
                              reference="library ITRs: data/elements/elements.tsv",
                              details={"itrs": ends})


def _region(record: SeqRecord, kind: str) -> tuple[int, int]:
    n = len(record.seq)
    if kind == "cds":
        cds = [f for f in record.features if f.type == "CDS"]
        if cds:
            return int(min(f.location.start for f in cds)), int(max(f.location.end for f in cds))
    return 0, n


def transcription_unit(record: SeqRecord) -> tuple[int, int, int]:
    """``(start, end, strand)`` from the end of the promoter to the next polyA signal or LTR
    downstream of it. With a CDS feature, the promoter is the nearest one upstream of the CDS
    on its strand; without, the first promoter. The whole record on the plus strand when there
    is no promoter."""
    n = len(record.seq)
    prom = [f for f in record.features if f.type == "promoter"]
    stops = [f for f in record.features if f.type == "polyA_signal" or _is_ltr(f)]
    cds = next((f for f in record.features if f.type == "CDS"), None)
    if cds is not None:
        cstrand = -1 if cds.location.strand == -1 else 1
        if cstrand == 1:
            up = [f for f in prom if f.location.strand != -1
                  and int(f.location.end) <= int(cds.location.start)]
            prom = sorted(up, key=lambda f: -int(f.location.end)) or prom
        else:
            up = [f for f in prom if f.location.strand == -1
                  and int(f.location.start) >= int(cds.location.end)]
            prom = sorted(up, key=lambda f: int(f.location.start)) or prom
    if not prom:
        return 0, n, 1
    p = prom[0]
    strand = -1 if p.location.strand == -1 else 1
    if strand == 1:
        start = int(p.location.end)
        later = [int(f.location.start) for f in stops if int(f.location.start) >= start]
        return start, (min(later) if later else n), 1
    end = int(p.location.start)
    earlier = [int(f.location.end) for f in stops if int(f.location.end) <= end]
    return (max(earlier) if earlier else 0), end, -1


@dataclass(frozen=True)
class CpGDensity(Rule):
    """CpG dinucleotides in the coding sequence (``region="cds"``) or the whole record.

    Unmethylated CpG motifs in AAV genomes are sensed by TLR9 (Faust et al. 2013 J Clin Invest
    123:2994); there is no published safe threshold, so the rule reports the count, the
    density and the observed/expected ratio, and fails only above ``max_count`` when given.
    """

    max_count: int | None = None
    region: Literal["cds", "all"] = "cds"

    @property
    def label(self) -> str:
        """Rule label."""
        lim = "" if self.max_count is None else f", max {self.max_count}"
        return f"CpGDensity[{self.region}{lim}]"

    def evaluate(self, record: SeqRecord | str) -> RuleEvaluation:
        """Count CpG in the region."""
        rec = _as_record(record)
        start, end = _region(rec, self.region)
        seq = str(rec.seq[start:end]).upper()
        pos = checks.cpg_positions(seq) + start
        n = len(pos)
        per_kb = 1000.0 * n / len(seq) if seq else 0.0
        oe = checks.cpg_observed_expected(seq)
        score = 0.0 if self.max_count is None else float(self.max_count - n)
        verdict = "report" if self.max_count is None else ("pass" if score >= 0 else "fail")
        msg = (f"{n} CpG in {len(seq):,} nt of {self.region} ({per_kb:.1f} per kb, "
               f"observed/expected {oe:.2f})")
        if self.max_count is not None:
            msg += f"; allowed {self.max_count}"
        return RuleEvaluation(self.label, score, tuple((int(p), int(p) + 2) for p in pos[:200]),
                              msg, verdict, value=float(n),
                              reference="Faust et al. 2013 J Clin Invest 123:2994",
                              details={"region": [start, end], "per_kb": round(per_kb, 3),
                                       "observed_expected": round(oe, 4)})


@dataclass(frozen=True)
class CrypticPolyA(Rule):
    """Polyadenylation hexamers (AATAAA, ATTAAA) on the sense strand of the transcription
    unit: from the end of the promoter to the polyA signal (AAV) or 3' LTR (LV), leaving out
    annotated polyA signals and LTRs. Score: minus the number of hexamers."""

    @property
    def label(self) -> str:
        """Rule label."""
        return "CrypticPolyA"

    def evaluate(self, record: SeqRecord | str) -> RuleEvaluation:
        """Scan the transcription unit."""
        from genetx.add.codon import design_motifs

        rec = _as_record(record)
        start, end, strand = transcription_unit(rec)
        allowed = [(int(f.location.start), int(f.location.end)) for f in rec.features
                   if f.type == "polyA_signal" or _is_ltr(f)]
        seq = str(rec.seq[start:end]).upper()
        if strand == -1:
            seq = reverse_complement(seq)
        hits = []
        refs = []
        for m in design_motifs():
            if m.kind != "polyA":
                continue
            refs.append(m.reference)
            for s, e, _ in checks.find_motif(seq, m.pattern):
                s0, e0 = (s + start, e + start) if strand == 1 else (end - e, end - s)
                if not any(a <= s0 and e0 <= b for a, b in allowed):
                    hits.append((s0, e0, m.pattern))
        hits.sort()
        where = f"{start}-{end} ({'+' if strand == 1 else '-'} strand)"
        msg = (f"{len(hits)} polyA hexamer(s) inside the transcription unit {where}"
               + (": " + ", ".join(f"{p} at {s}" for s, _, p in hits[:10]) if hits else ""))
        return RuleEvaluation(self.label, -float(len(hits)), tuple((s, e) for s, e, _ in hits),
                              msg, "clean" if not hits else "found", value=float(len(hits)),
                              reference="; ".join(refs),
                              details={"region": [start, end], "strand": strand})


def default_rules(vector: str, *, cpg_max: int | None = None) -> list[Rule]:
    """The rules GeneTx evaluates on every cassette of ``vector``."""
    v = check_vector(vector)
    rules: list[Rule] = [PackagingLimit(v)]
    if v != "LV":
        rules.append(ITRIntegrity(v))
    rules += [CpGDensity(cpg_max, "cds"), CrypticPolyA()]
    return rules


def evaluate_rules(record: SeqRecord | str, rules: list[Rule]) -> list[RuleEvaluation]:
    """Evaluate every rule on ``record``."""
    return [r.evaluate(record) for r in rules]


__all__ = [
    "VECTORS", "CpGDensity", "CrypticPolyA", "ITRIntegrity", "PackagingLimit", "Rule",
    "RuleEvaluation", "Vector", "check_vector", "classify_length", "default_rules",
    "evaluate_rules", "fine_limit", "locate_itrs", "packaging_bands", "transcription_unit",
]
