"""CRISPR nucleases, base editors and prime-editing rules, read from cited data files.

The facts live in ``genetx/data/nucleases``: ``nucleases.json`` (PAM, PAM side, spacer length,
cut offsets, off-target PAMs, PAM preferences, each with its papers) and ``editing_rules.json``
(base-editor windows, prime-editing rules, knock-out and guide-filter rules); ``SOURCES.md``
lists the papers. This module only looks them up.

Conventions
-----------
``pam_side`` is ``"3prime"`` when the PAM follows the protospacer on the PAM (non-target)
strand (Cas9) and ``"5prime"`` when it precedes it (Cas12a). ``cut_pam_strand`` and
``cut_target_strand`` count the protospacer bases between the PAM and the cut on each strand: a
Cas9 blunt cut 3 bp from the PAM is ``3`` and ``3``; AsCas12a cuts after the 18th base on the
PAM strand and the 23rd on the target strand (``18`` and ``23``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from genetx.errors import BadInputError, MissingDataError

if TYPE_CHECKING:
    import pandas as pd

_DATA = ("data", "nucleases")


def _load(name: str) -> dict[str, Any]:
    res = files("genetx").joinpath(*_DATA, name)
    try:
        return json.loads(res.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = "nuclease data file missing from the installation; reinstall genetx"
        raise MissingDataError(name, msg) from None


@functools.cache
def nuclease_data() -> dict[str, Any]:
    """The parsed ``nucleases.json`` (nucleases and references)."""
    return _load("nucleases.json")


@functools.cache
def editing_rules() -> dict[str, Any]:
    """The parsed ``editing_rules.json`` (base editors, prime editing, knock-out, filters)."""
    return _load("editing_rules.json")


def reference(key: str) -> str:
    """Full citation of a reference key used in the data files (``jinek2012`` ...)."""
    for table in (nuclease_data()["references"], editing_rules()["references"]):
        if key in table:
            return str(table[key])
    msg = "is not a reference key of the nuclease data files"
    raise BadInputError(key, msg)


@dataclass(frozen=True)
class Nuclease:
    """A CRISPR nuclease as GeneTx designs guides for it.

    Attributes
    ----------
    name
        Canonical name (``SpCas9``, ``SpCas9-NG``, ``SpRY``, ``SaCas9``, ``AsCas12a``,
        ``enAsCas12a``).
    pams
        Accepted PAMs (IUPAC), most preferred first; they never overlap.
    pam_side
        ``"3prime"`` (Cas9) or ``"5prime"`` (Cas12a).
    spacer_length
        Default spacer (protospacer) length in nt.
    cut_pam_strand, cut_target_strand
        Protospacer bases between the PAM and the cut on the PAM strand and on the target strand.
    offtarget_pams
        Further PAMs an off-target search considers (CRISPOR's table: NAG and NGA for NGG).
    offtarget_search_pams
        IUPAC patterns the off-target engine searches to cover ``pams`` and
        ``offtarget_pams`` (SpCas9: NRG and NGA).
    pam_preferences
        PAM pattern -> how well it is used (SpRY: NRN preferred over NYN).
    scores
        On-target and off-target scores that are defined for it.
    references
        Reference keys (see :func:`reference`).
    """

    name: str
    pams: tuple[str, ...]
    pam_side: str
    spacer_length: int
    cut_pam_strand: int
    cut_target_strand: int
    ends: str = "blunt"
    aliases: tuple[str, ...] = ()
    organism: str = ""
    spacer_lengths: tuple[int, int] = (20, 20)
    offtarget_pams: tuple[str, ...] = ()
    offtarget_search_pams: tuple[str, ...] = ()
    pam_preferences: dict[str, str] = field(default_factory=dict)
    scores: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    notes: str = ""

    @property
    def pam_length(self) -> int:
        """Length of the PAM (all patterns of a nuclease have the same length)."""
        return len(self.pams[0])

    @property
    def is_cas9(self) -> bool:
        """True for 3' PAM nucleases (the Cas9 family)."""
        return self.pam_side == "3prime"

    @property
    def blunt(self) -> bool:
        """True when both strands are cut at the same place."""
        return self.cut_pam_strand == self.cut_target_strand

    @property
    def has_cfd(self) -> bool:
        """True when CFD and MIT off-target scores apply (SpCas9 with NGG, 20-nt spacers)."""
        return "cfd" in self.scores

    def citations(self) -> list[str]:
        """Full citations of the papers the facts come from."""
        return [reference(k) for k in self.references]

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (for JSON)."""
        return {
            "name": self.name, "pams": list(self.pams), "pam_side": self.pam_side,
            "spacer_length": self.spacer_length, "cut_pam_strand": self.cut_pam_strand,
            "cut_target_strand": self.cut_target_strand, "ends": self.ends,
            "offtarget_pams": list(self.offtarget_pams),
            "pam_preferences": dict(self.pam_preferences), "references": self.citations(),
        }


@functools.cache
def _nucleases() -> dict[str, Nuclease]:
    out: dict[str, Nuclease] = {}
    for name, d in nuclease_data()["nucleases"].items():
        out[name] = Nuclease(
            name=name, pams=tuple(d["pams"]), pam_side=d["pam_side"],
            spacer_length=int(d["spacer_length"]), cut_pam_strand=int(d["cut_pam_strand"]),
            cut_target_strand=int(d["cut_target_strand"]), ends=d.get("ends", "blunt"),
            aliases=tuple(d.get("aliases", ())), organism=d.get("organism", ""),
            spacer_lengths=tuple(d.get("spacer_lengths", (d["spacer_length"],) * 2)),
            offtarget_pams=tuple(d.get("offtarget_pams", ())),
            offtarget_search_pams=tuple(d.get("offtarget_search_pams", d["pams"])),
            pam_preferences=dict(d.get("pam_preferences", {})),
            scores=tuple(d.get("scores", ())), references=tuple(d.get("references", ())),
            notes=d.get("notes", ""))
    return out


def nuclease_names() -> list[str]:
    """Canonical names of every nuclease in the data file."""
    return list(_nucleases())


def get_nuclease(name: str | Nuclease) -> Nuclease:
    """The nuclease called ``name`` (canonical name or alias, case-insensitive).

    Raises
    ------
    BadInputError
        Naming the known nucleases when ``name`` is not one of them.

    Examples
    --------
    >>> get_nuclease("cas9").pams, get_nuclease("Cpf1").pam_side
    (('NGG',), '5prime')
    """
    if isinstance(name, Nuclease):
        return name
    want = str(name).strip().lower()
    for n in _nucleases().values():
        if want == n.name.lower() or want in (a.lower() for a in n.aliases):
            return n
    msg = f"is not a known nuclease (choose one of {', '.join(nuclease_names())})"
    msg_0 = f"nuclease {name!r}"
    raise BadInputError(msg_0, msg)


@dataclass(frozen=True)
class BaseEditor:
    """A base editor: which base it converts and its editing window.

    Attributes
    ----------
    name
        ``ABE8e`` or ``BE4max``.
    kind
        ``adenine`` or ``cytosine``.
    source_base, product_base
        The base changed on the PAM strand and what it becomes (``A``->``G``, ``C``->``T``).
    window
        First and last protospacer position of the editing window (1 = PAM-distal end of a
        20-nt protospacer; the PAM is at 21-23).
    nucleases
        Nucleases the editor is used with.
    """

    name: str
    kind: str
    source_base: str
    product_base: str
    window: tuple[int, int]
    nucleases: tuple[str, ...]
    references: tuple[str, ...] = ()
    notes: str = ""

    def citations(self) -> list[str]:
        """Full citations."""
        return [reference(k) for k in self.references]


@functools.cache
def _editors() -> dict[str, BaseEditor]:
    out = {}
    for name, d in editing_rules()["base_editors"].items():
        src, dst = d["converts"].split(">")
        out[name] = BaseEditor(name=name, kind=d["kind"], source_base=src, product_base=dst,
                               window=(int(d["window"][0]), int(d["window"][1])),
                               nucleases=tuple(d["nucleases"]),
                               references=tuple(d.get("references", ())),
                               notes=d.get("notes", ""))
    return out


def base_editor_names() -> list[str]:
    """Names of the base editors in the data file."""
    return list(_editors())


def get_base_editor(name: str | BaseEditor) -> BaseEditor:
    """The base editor called ``name`` (case-insensitive).

    Raises
    ------
    BadInputError
        Naming the known editors when ``name`` is not one of them.
    """
    if isinstance(name, BaseEditor):
        return name
    for e in _editors().values():
        if e.name.lower() == str(name).strip().lower():
            return e
    msg = f"is not a known base editor (choose one of {', '.join(base_editor_names())})"
    msg_0 = f"base editor {name!r}"
    raise BadInputError(msg_0, msg)


def prime_editing_rules() -> dict[str, Any]:
    """The prime-editing rules of ``editing_rules.json`` (Anzalone et al. 2019)."""
    return dict(editing_rules()["prime_editing"])


def knockout_rules() -> dict[str, Any]:
    """The knock-out rules (Bae 2014 microhomology, Doench 2016 protein window)."""
    return dict(editing_rules()["knockout"])


def guide_filter_rules() -> dict[str, Any]:
    """The guide filters (Pol III TTTT, GC bounds, homopolymer length)."""
    return dict(editing_rules()["guide_filters"])


def nuclease_table() -> pd.DataFrame:
    """One row per nuclease: PAMs, side, spacer length, cut offsets, off-target PAMs."""
    import pandas as pd

    rows = []
    for n in _nucleases().values():
        rows.append({"nuclease": n.name, "pams": ",".join(n.pams), "pam_side": n.pam_side,
                     "spacer_length": n.spacer_length, "cut_pam_strand": n.cut_pam_strand,
                     "cut_target_strand": n.cut_target_strand, "ends": n.ends,
                     "offtarget_pams": ",".join(n.offtarget_pams),
                     "references": "; ".join(n.references)})
    return pd.DataFrame(rows)


__all__ = ["BaseEditor", "Nuclease", "base_editor_names", "editing_rules", "get_base_editor",
           "get_nuclease", "guide_filter_rules", "knockout_rules", "nuclease_data",
           "nuclease_names", "nuclease_table", "prime_editing_rules", "reference"]
