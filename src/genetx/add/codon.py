"""Codon optimisation of a coding sequence with DNA Chisel.

This is the only GeneTx module that imports :mod:`dnachisel`. It builds one
``DnaOptimizationProblem`` for a CDS: the protein is kept exactly (``EnforceTranslation`` with
the start codon fixed to ATG), codon usage is optimised against the human table of
``python_codon_tables`` (``h_sapiens_9606``, from the Kazusa codon usage database, Nakamura,
Gojobori & Ikemura 2000 Nucleic Acids Res 28:292), and the requested constraints are enforced:

* no CpG dinucleotides (``cpg_free``; unmethylated CpG motifs activate TLR9),
* GC content within bounds over sliding windows,
* no homopolymer runs longer than ``max_homopolymer``,
* no internal polyadenylation signals (AATAAA, ATTAAA) on the coding strand,
* no consensus splice donors (GTRAGT) or acceptors ((Y)10NCAGG) on the coding strand,
* no recognition sites of chosen restriction enzymes (both strands),
* no repeated k-mers (``UniquifyAllKmers``, both strands).

The motifs and their references are data: ``genetx/data/elements/design_motifs.tsv``.

Codon method. ``use_best_codon`` (the default) maximises the codon adaptation index: each codon
becomes the most frequent human synonym that the constraints allow. It is the usual choice for
therapeutic transgenes, where expression level matters most, and it is fast. The alternative
``match_codon_usage`` makes the codon frequencies of the gene match the human table, which keeps
rarer codons in proportion (gentler on the tRNA pool) at the cost of a lower CAI and a slower,
global objective.

Every result is re-checked by :mod:`genetx.add.checks`, which shares no code with DNA Chisel:
the optimised CDS must translate to the input protein over its full length, and every requested
constraint must hold; otherwise :class:`~genetx.errors.InfeasibleDesignError` is raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from genetx.add import checks
from genetx.add.elements import read_tsv
from genetx.errors import BadInputError, InfeasibleDesignError
from genetx.progress import resolve

if TYPE_CHECKING:
    from genetx.progress import Progress

#: The codon usage table used for optimisation and CAI (python_codon_tables name).
SPECIES_TABLE = "h_sapiens_9606"

CodonMethod = Literal["use_best_codon", "match_codon_usage"]


@dataclass(frozen=True)
class CodonConstraints:
    """The constraints of a codon optimisation.

    Attributes
    ----------
    cpg_free
        Remove every CpG dinucleotide.
    gc_min, gc_max, gc_window
        GC fraction bounds in every window of ``gc_window`` bases (design defaults 0.30-0.70
        over 100 bp; they are not published constants).
    max_homopolymer
        Longest run of one base allowed (default 6: runs of 7 or more are removed).
    avoid_polya_signals
        Remove AATAAA/ATTAAA on the coding strand.
    avoid_splice_sites
        Remove consensus splice donors and acceptors on the coding strand.
    avoid_enzymes
        Restriction enzymes (Biopython names, e.g. ``BsaI``) whose sites must be absent.
    unique_kmer
        Length of the repeats to remove (k-mers that occur twice, either strand); None to
        allow repeats.
    method
        ``use_best_codon`` or ``match_codon_usage`` (see the module docstring).
    """

    cpg_free: bool = False
    gc_min: float = 0.30
    gc_max: float = 0.70
    gc_window: int = 100
    max_homopolymer: int = 6
    avoid_polya_signals: bool = True
    avoid_splice_sites: bool = True
    avoid_enzymes: tuple[str, ...] = ()
    unique_kmer: int | None = 20
    method: CodonMethod = "use_best_codon"

    def __post_init__(self) -> None:
        if not 0.0 <= self.gc_min < self.gc_max <= 1.0:
            what, msg = "gc bounds", f"need 0 <= min < max <= 1, got {self.gc_min}-{self.gc_max}"
            raise BadInputError(what, msg)
        if self.gc_window < 10:
            what, msg = "gc window", f"must be at least 10 bases, got {self.gc_window}"
            raise BadInputError(what, msg)
        if self.max_homopolymer < 3:
            what, msg = "max homopolymer", f"must be at least 3, got {self.max_homopolymer}"
            raise BadInputError(what, msg)
        if self.unique_kmer is not None and not 8 <= self.unique_kmer <= 31:
            what, msg = "unique k-mer length", f"must be 8-31 or none, got {self.unique_kmer}"
            raise BadInputError(what, msg)
        if self.method not in ("use_best_codon", "match_codon_usage"):
            what = "codon method"
            msg = f"{self.method!r} is not use_best_codon or match_codon_usage"
            raise BadInputError(what, msg)
        for enzyme in self.avoid_enzymes:
            try:
                checks.enzyme_site(enzyme)
            except KeyError:
                msg = ("is not a restriction enzyme known to Biopython "
                       "(names as in REBASE, e.g. BsaI)")
                raise BadInputError(enzyme, msg) from None


def _dnachisel() -> Any:
    """Import DNA Chisel, or say how to install it."""
    try:
        import dnachisel
    except ModuleNotFoundError:
        from genetx.errors import MissingDataError

        what = "dnachisel"
        msg = "is not installed; reinstall GeneTx with its dependencies: pip install genetx"
        raise MissingDataError(what, msg) from None
    return dnachisel


@dataclass(frozen=True)
class Motif:
    """A sequence motif to avoid, with its reference (``data/elements/design_motifs.tsv``)."""

    name: str
    pattern: str
    kind: str
    reference: str


@lru_cache(maxsize=1)
def design_motifs() -> tuple[Motif, ...]:
    """The polyA-signal and splice-site motifs, with their references."""
    return tuple(Motif(r["name"], r["pattern"], r["kind"], r["reference"])
                 for r in read_tsv("design_motifs.tsv"))


@lru_cache(maxsize=1)
def codon_table() -> dict[str, dict[str, float]]:
    """Human codon usage ``{aa: {codon: frequency}}`` from python_codon_tables."""
    import python_codon_tables

    table = python_codon_tables.get_codons_table(SPECIES_TABLE)
    return {aa: dict(codons) for aa, codons in table.items()}


@lru_cache(maxsize=1)
def codon_weights() -> dict[str, float]:
    """Relative adaptiveness of every codon in the human table (for CAI)."""
    return checks.codon_weights(codon_table())


@dataclass(frozen=True)
class ConstraintOutcome:
    """One constraint evaluated before and after optimisation.

    Attributes
    ----------
    name
        Short name (``cpg``, ``gc_window``, ``homopolymer``, ``polyA_signal_AATAAA`` ...).
    spec
        DNA Chisel's label of the specification.
    before_pass, after_pass
        DNA Chisel's verdict on the input and on the result.
    before_message, after_message
        DNA Chisel's messages.
    before_locations, after_locations
        Failing locations ``(start, end)``.
    independent_pass
        Verdict of GeneTx's own re-check of the result (:mod:`genetx.add.checks`).
    independent_detail
        What the re-check found.
    """

    name: str
    spec: str
    before_pass: bool
    before_message: str
    before_locations: tuple[tuple[int, int], ...]
    after_pass: bool
    after_message: str
    after_locations: tuple[tuple[int, int], ...]
    independent_pass: bool
    independent_detail: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {
            "name": self.name, "spec": self.spec,
            "before": {"pass": self.before_pass, "message": self.before_message,
                       "locations": [list(x) for x in self.before_locations[:50]],
                       "n_locations": len(self.before_locations)},
            "after": {"pass": self.after_pass, "message": self.after_message,
                      "locations": [list(x) for x in self.after_locations[:50]],
                      "n_locations": len(self.after_locations)},
            "independent_check": {"pass": self.independent_pass,
                                  "detail": self.independent_detail},
        }


@dataclass(frozen=True)
class OptimizedCDS:
    """Result of :func:`optimize_cds`.

    Attributes
    ----------
    name
        Name of the input.
    protein
        The protein (one-letter codes, no stop) that both sequences encode.
    original, sequence
        Input and optimised CDS (start codon to stop codon).
    before, after
        :class:`~genetx.add.checks.SequenceMetrics` of each.
    constraints
        Every constraint's evaluation before and after, with the independent re-check.
    objective_before, objective_after
        DNA Chisel's objective score (higher is better).
    settings
        The :class:`CodonConstraints` used.
    """

    name: str
    protein: str
    original: str
    sequence: str
    before: checks.SequenceMetrics
    after: checks.SequenceMetrics
    constraints: tuple[ConstraintOutcome, ...]
    objective_before: float
    objective_after: float
    settings: CodonConstraints = field(default_factory=CodonConstraints)

    @property
    def changed_codons(self) -> int:
        """Number of codons that differ from the input."""
        a, b = self.original, self.sequence
        return sum(a[i:i + 3] != b[i:i + 3] for i in range(0, len(a), 3))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view for the JSON summary."""
        return {
            "name": self.name, "protein_length": len(self.protein),
            "cds_length": len(self.sequence), "codon_table": SPECIES_TABLE,
            "method": self.settings.method, "changed_codons": self.changed_codons,
            "before": self.before.to_dict(), "after": self.after.to_dict(),
            "objective": {"before": round(self.objective_before, 4),
                          "after": round(self.objective_after, 4)},
            "constraints": [c.to_dict() for c in self.constraints],
        }


# --------------------------------------------------------------------------- inputs

_AA = frozenset("ACDEFGHIKLMNPQRSTVWY")


def check_protein(protein: str, name: str = "protein") -> str:
    """Validate a protein: 20 standard amino acids, starting with M, at most a final ``*``.

    Returns
    -------
    The protein without a final ``*``.

    Raises
    ------
    InvalidSequenceError
        Unknown letters, an internal stop, empty, or no leading methionine.

    Examples
    --------
    >>> check_protein("mkv*")
    'MKV'
    """
    from genetx.errors import InvalidSequenceError

    up = "".join(protein.split()).upper()
    body = up[:-1] if up.endswith("*") else up
    if not body:
        msg = "is empty"
        raise InvalidSequenceError(name, msg)
    for i, ch in enumerate(body):
        if ch == "*":
            msg = f"has a stop (*) at residue {i + 1} of {len(body)}, before the end"
            raise InvalidSequenceError(name, msg)
        if ch not in _AA:
            msg = (f"letter {ch!r} at residue {i + 1} is not one of the 20 standard amino "
                   "acids (ACDEFGHIKLMNPQRSTVWY)")
            raise InvalidSequenceError(name, msg)
    if body[0] != "M":
        msg = f"starts with {body[0]!r}, not with M (methionine)"
        raise InvalidSequenceError(name, msg)
    return body


def check_cds(cds: str, name: str = "CDS") -> tuple[str, str]:
    """Validate a coding sequence and return ``(cds_with_stop, protein)``.

    The CDS must hold only A/C/G/T, have a length that is a multiple of 3, start with ATG and
    have no in-frame stop codon before its end. A CDS without a final stop codon gets TGA
    appended (the protein is unchanged).

    Raises
    ------
    InvalidSequenceError
        With one line naming the input and the problem.

    Examples
    --------
    >>> check_cds("atgaaataa")
    ('ATGAAATAA', 'MK')
    """
    from genetx.core.seq import check_dna, translate
    from genetx.errors import InvalidSequenceError

    up = check_dna("".join(cds.split()), name)
    if len(up) % 3:
        msg = f"length {len(up)} nt is not a multiple of 3"
        raise InvalidSequenceError(name, msg)
    if not up.startswith("ATG"):
        msg = f"does not start with the ATG start codon (starts with {up[:3]})"
        raise InvalidSequenceError(name, msg)
    aa = translate(up)
    stop = aa.find("*")
    if stop != -1 and stop != len(aa) - 1:
        msg = (f"has an in-frame stop codon {up[3 * stop:3 * stop + 3]} at codon {stop + 1} "
               f"(nt {3 * stop + 1}) of {len(aa)}")
        raise InvalidSequenceError(name, msg)
    if stop == -1:
        up += "TGA"
        aa += "*"
    return up, aa[:-1]


def back_translate(protein: str) -> str:
    """A CDS for ``protein`` using the most frequent human codon of each amino acid (the
    starting point of optimisation for protein input), ending with the most frequent stop."""
    table = codon_table()
    best = {aa: max(sorted(codons), key=lambda c: codons[c]) for aa, codons in table.items()}
    return "".join(map(best.__getitem__, protein)) + best["*"]


# --------------------------------------------------------------------------- optimisation

def _specs(constraints: CodonConstraints, protein: str) -> list[tuple[str, Any, str]]:
    """``(name, dnachisel_spec, kind)`` for every requested constraint."""
    dc = _dnachisel()

    out: list[tuple[str, Any, str]] = [
        ("translation", dc.EnforceTranslation(translation=protein + "*", start_codon="ATG"),
         "translation"),
        ("gc_window", dc.EnforceGCContent(mini=constraints.gc_min, maxi=constraints.gc_max,
                                          window=constraints.gc_window), "gc"),
    ]
    n = constraints.max_homopolymer + 1
    out += [(f"homopolymer_{b}", dc.AvoidPattern(f"{n}x{b}"), "homopolymer") for b in "ACGT"]
    if constraints.cpg_free:
        out.append(("cpg", dc.AvoidPattern("CG"), "cpg"))
    for m in design_motifs():
        if (m.kind == "polyA" and constraints.avoid_polya_signals) or (
                m.kind.startswith("splice") and constraints.avoid_splice_sites):
            out.append((m.name, dc.AvoidPattern(m.pattern, strand=1), m.kind))
    out += [(f"site_{e}", dc.AvoidPattern(f"{e}_site"), "enzyme")
            for e in constraints.avoid_enzymes]
    if constraints.unique_kmer:
        out.append((f"unique_{constraints.unique_kmer}mers",
                    dc.UniquifyAllKmers(constraints.unique_kmer), "kmer"))
    return out


def _locs(evaluation: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(loc.start), int(loc.end)) for loc in (evaluation.locations or []))


def _independent(name: str, kind: str, seq: str, protein: str,
                 c: CodonConstraints) -> tuple[bool, str]:
    """GeneTx's own re-check of one constraint on ``seq`` (no DNA Chisel code)."""
    if kind == "translation":
        ok, why = checks.same_protein(seq, protein)
        return ok, why or f"translates to the {len(protein)}-aa protein over its full length"
    if kind == "gc":
        bad = checks.gc_window_violations(seq, c.gc_min, c.gc_max, c.gc_window)
        return not bad, (f"{len(bad)} window run(s) outside {c.gc_min:.2f}-{c.gc_max:.2f}: "
                         + ", ".join(f"{s}-{e} ({g:.2f})" for s, e, g in bad[:5])
                         if bad else f"every {c.gc_window}-bp window within bounds")
    if kind == "homopolymer":
        base = name[-1]
        runs = [r for r in checks.homopolymer_runs(seq, c.max_homopolymer + 1) if r[2] == base]
        return not runs, (f"{len(runs)} run(s) of {base}: "
                          + ", ".join(f"{s}-{e}" for s, e, _ in runs[:5])
                          if runs else f"no run of {c.max_homopolymer + 1}+ {base}")
    if kind == "cpg":
        pos = checks.cpg_positions(seq)
        return not len(pos), (f"{len(pos)} CpG at " + ", ".join(map(str, pos[:10].tolist()))
                              if len(pos) else "no CpG")
    if kind == "enzyme":
        enzyme = name.removeprefix("site_")
        hits = checks.restriction_sites(seq, [enzyme])[enzyme]
        return not hits, (f"{len(hits)} {enzyme} site(s) at "
                          + ", ".join(str(s) for s, _, _ in hits[:5])
                          if hits else f"no {enzyme} site on either strand")
    if kind == "kmer":
        reps = checks.repeated_kmers(seq, c.unique_kmer or 0)
        return not reps, (f"{len(reps)} repeated {c.unique_kmer}-mer(s), first at "
                          + ", ".join(str(p) for p in reps[0][1][:5])
                          if reps else f"no repeated {c.unique_kmer}-mer on either strand")
    motif = next(m for m in design_motifs() if m.name == name)
    hits = checks.find_motif(seq, motif.pattern)
    return not hits, (f"{len(hits)} {motif.pattern} at " + ", ".join(str(s) for s, _, _ in hits[:5])
                      if hits else f"no {motif.pattern} on the coding strand")


def _spec_key(spec: Any) -> tuple[str, str]:
    params = ("pattern", "k", "mini", "maxi", "window", "translation")
    return type(spec).__name__, "|".join(str(getattr(spec, p, "")) for p in params)


def _label_of(specs: list[tuple[str, Any, str]], spec: Any) -> str:
    """Our name of the (possibly localised copy of a) DNA Chisel specification."""
    key = _spec_key(spec)
    return next((s[0] for s in specs if s[1] is spec or _spec_key(s[1]) == key), str(spec))


def _conflict_reason(problem_factory: Any, specs: list[tuple[str, Any, str]],
                     failed: str, location: Any) -> str:
    """Name the constraints that cannot hold together with ``failed``."""
    dc = _dnachisel()

    where = (f" at nt {int(location.start) + 1}-{int(location.end)}"
             if location is not None else "")
    core = [s for s in specs if s[0] == "translation"]
    target = [s for s in specs if s[0] == failed]
    partners: list[str] = []
    try:
        problem_factory([x[1] for x in core + target]).resolve_constraints()
    except dc.NoSolutionError:
        partners = ["translation (the protein fixes the codon choices there)"]
    else:
        for s in specs:
            if s[0] in ("translation", failed):
                continue
            try:
                problem_factory([x[1] for x in core + target + [s]]).resolve_constraints()
            except dc.NoSolutionError:
                partners.append(s[0])
    with_what = " and ".join(partners) if partners else "the other constraints together"
    return f"constraint {failed}{where} cannot hold together with {with_what}"


def optimize_cds(cds: str | None = None, *, protein: str | None = None, name: str = "CDS",
                 constraints: CodonConstraints | None = None, seed: int = 123,
                 progress: Progress | None = None) -> OptimizedCDS:
    """Codon-optimise a CDS (or back-translate and optimise a protein).

    Parameters
    ----------
    cds
        Coding sequence from ATG to stop (a missing stop gets TGA). Give this or ``protein``.
    protein
        Protein in one-letter codes (a final ``*`` is allowed).
    name
        How messages name the input.
    constraints
        The :class:`CodonConstraints` (defaults: all on except CpG removal).
    seed
        Seed of DNA Chisel's random search, for reproducible results.
    progress
        Optional progress display.

    Returns
    -------
    The :class:`OptimizedCDS`.

    Raises
    ------
    InvalidSequenceError
        Bad CDS or protein.
    InfeasibleDesignError
        The constraints cannot all hold; the message names the constraints and the location.

    Examples
    --------
    >>> from genetx.core.seq import translate
    >>> res = optimize_cds("ATGCGTCGAAAATAA", constraints=CodonConstraints(cpg_free=True))
    >>> res.protein, translate(res.sequence), res.after.cpg
    ('MRRK', 'MRRK*', 0)
    """
    import numpy as np

    dc = _dnachisel()
    c = constraints or CodonConstraints()
    if (cds is None) == (protein is None):
        what, msg = "input", "give either a CDS or a protein"
        raise BadInputError(what, msg)
    if cds is not None:
        original, prot = check_cds(cds, name)
    else:
        prot = check_protein(protein or "", name)
        original = back_translate(prot)
    specs = _specs(c, prot)
    objective = dc.CodonOptimize(species=SPECIES_TABLE.split("_9606")[0], method=c.method)

    def factory(cons: list[Any], seq: str = original) -> Any:
        return dc.DnaOptimizationProblem(sequence=seq, constraints=cons,
                                         objectives=[objective], logger=None)

    rng_state = np.random.get_state()
    np.random.seed(seed)  # DNA Chisel draws from numpy's global generator
    try:
        return _solve(factory, specs, original, prot, name, c, progress)
    finally:
        np.random.set_state(rng_state)


def _solve(factory: Any, specs: list[tuple[str, Any, str]], original: str, prot: str,
           name: str, c: CodonConstraints, progress: Progress | None) -> OptimizedCDS:
    dc = _dnachisel()
    problem = factory([s[1] for s in specs])
    before = problem.constraints_evaluations().evaluations
    obj_before = float(problem.objectives_evaluations().scores_sum())
    with resolve(progress).task(f"Optimising {name} ({len(original)} nt)", total=2) as task:
        try:
            problem.resolve_constraints()
        except dc.NoSolutionError as err:
            label = _label_of(specs, err.constraint)
            msg = _conflict_reason(factory, specs, label, err.location)
            raise InfeasibleDesignError(name, msg) from None
        task.advance()
        problem.optimize()
        task.advance()
    after = problem.constraints_evaluations().evaluations
    obj_after = float(problem.objectives_evaluations().scores_sum())
    seq = problem.sequence
    outcomes = []
    for (label, _spec, kind), eb, ea in zip(specs, before, after, strict=True):
        ok, detail = _independent(label, kind, seq, prot, c)
        outcomes.append(ConstraintOutcome(
            name=label, spec=str(ea.specification), before_pass=bool(eb.passes),
            before_message=str(eb.message), before_locations=_locs(eb),
            after_pass=bool(ea.passes), after_message=str(ea.message),
            after_locations=_locs(ea), independent_pass=ok, independent_detail=detail))
    failing = [o for o in outcomes if not (o.after_pass and o.independent_pass)]
    if failing:
        f = failing[0]
        msg = (f"constraint {f.name} does not hold after optimisation "
               f"(DNA Chisel: {f.after_message}; re-check: {f.independent_detail})")
        raise InfeasibleDesignError(name, msg)
    w = codon_weights()
    return OptimizedCDS(name=name, protein=prot, original=original, sequence=seq,
                        before=checks.metrics(original, w), after=checks.metrics(seq, w),
                        constraints=tuple(outcomes), objective_before=obj_before,
                        objective_after=obj_after, settings=c)


def with_cpg_free(constraints: CodonConstraints | None, *, cpg_free: bool) -> CodonConstraints:
    """``constraints`` (or the defaults) with CpG removal switched on or off."""
    return replace(constraints or CodonConstraints(), cpg_free=cpg_free)


__all__ = [
    "SPECIES_TABLE", "CodonConstraints", "CodonMethod", "ConstraintOutcome", "Motif",
    "OptimizedCDS", "back_translate", "check_cds", "check_protein", "codon_table",
    "codon_weights", "design_motifs", "optimize_cds", "with_cpg_free",
]
