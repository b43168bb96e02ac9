"""Short-hairpin RNA (shRNA) cassettes built from a chosen siRNA, as annotated SeqRecords.

The hairpin follows the pSUPER design (Brummelkamp et al. 2002): the 19-nt sense (passenger)
strand, a 9-nt loop, the 19-nt antisense (guide) strand, then a run of T that ends Pol III
transcription. The cassette puts a sourced Pol III promoter in front:

* ``U6`` -- the 241-bp human U6 promoter of ``data/elements`` followed by the 8-bp junction that
  separates it from the transcribed +1 G in Addgene plasmids #100293, #109397 and #71814; the
  transcript must start with G, so a G is added before the sense strand when it does not start
  with one;
* ``H1`` -- the 215-bp human H1 promoter of ``data/elements``, followed directly by the
  hairpin. Where transcription starts relative to this element is not verified from a sourced
  plasmid; the record says so;
* ``None`` -- the hairpin and terminator only, for a vector that brings its own promoter.

No miR-30 / miR-E backbone is offered: no sourced sequence of one is in the project's data
(``shared/data/vector_elements`` has none), and none is written by hand.

A hairpin whose transcribed part holds a run of 4 or more T ends Pol III transcription early;
:func:`build_shrna` refuses it (:class:`~genetx.errors.InfeasibleDesignError`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from genetx.core.seq import reverse_complement
from genetx.errors import BadInputError, InfeasibleDesignError

if TYPE_CHECKING:
    from Bio.SeqRecord import SeqRecord

PROMOTERS = {"U6": "U6_promoter_human", "H1": "H1_promoter_human"}


def _part(name: str) -> dict[str, str]:
    from genetx.silence.data import shrna_parts

    return shrna_parts()[name]


def hairpin(sense19: str, *, loop: str | None = None) -> tuple[str, str, str]:
    """Sense stem, loop and antisense stem (DNA letters) of the hairpin of a 19-nt sense strand.

    Examples
    --------
    >>> hairpin("GGCCTCCTTTCCGTTTGAT")
    ('GGCCTCCTTTCCGTTTGAT', 'TTCAAGAGA', 'ATCAAACGGAAAGGAGGCC')
    """
    s = re.sub(r"\s+", "", sense19).upper().replace("U", "T")
    if len(s) != 19 or set(s) - set("ACGT"):
        msg = "give the 19-nt sense strand of the duplex in A, C, G, T/U"
        raise BadInputError(sense19, msg)
    lp = (loop or _part("pSUPER_loop")["sequence"]).upper().replace("U", "T")
    if not 3 <= len(lp) <= 30 or set(lp) - set("ACGT"):
        msg = "a loop is 3-30 nt of A, C, G, T/U"
        raise BadInputError(loop or "", msg)
    return s, lp, reverse_complement(s)


def build_shrna(sense19: str, *, name: str = "shRNA", promoter: str | None = "U6",
                loop: str | None = None, description: str = "") -> SeqRecord:
    """Annotated shRNA cassette (linear DNA) for the siRNA with 19-nt sense strand ``sense19``.

    Parameters
    ----------
    sense19
        The siRNA's 19-nt sense (passenger) strand, 5'->3'.
    name
        Record name (GenBank LOCUS name, at most 16 characters are kept).
    promoter
        ``"U6"``, ``"H1"`` or None (hairpin and terminator only).
    loop
        Loop sequence (default: the 9-nt pSUPER loop TTCAAGAGA).
    description
        Record description.

    Returns
    -------
    A Biopython ``SeqRecord`` with ``molecule_type`` DNA and features for the promoter, the
    junction, the hairpin's sense stem, loop and antisense (guide) stem, and the terminator.

    Raises
    ------
    BadInputError
        Unknown promoter or malformed sense strand or loop.
    InfeasibleDesignError
        The transcribed hairpin holds a run of 4 or more T (premature Pol III termination).
    """
    from Bio.Seq import Seq
    from Bio.SeqFeature import SeqFeature, SimpleLocation
    from Bio.SeqRecord import SeqRecord

    from genetx.silence.data import pol3_promoters

    sense, lp, anti = hairpin(sense19, loop=loop)
    stem = sense + lp + anti
    run = re.search(r"T{4,}", stem)
    if run:
        msg = (f"the hairpin holds {run.group()} at hairpin position {run.start() + 1}, which "
               "ends Pol III transcription early; choose another siRNA")
        raise InfeasibleDesignError(sense19, msg)
    term = _part("polIII_terminator")
    parts: list[tuple[str, str, str, dict[str, list[str]]]] = []
    if promoter is not None:
        key = PROMOTERS.get(promoter.upper())
        if key is None:
            msg = f"promoter must be one of {', '.join(PROMOTERS)} or None"
            raise BadInputError(promoter, msg)
        row = pol3_promoters()[key]
        parts.append((row["sequence"], "promoter", key, {
            "label": [key], "note": [f"{row['notes']} Source: {row['source_repo']} "
                                     f"{row['source_commit']} {row['source_path']} "
                                     f"{row['coordinates']}; {row['method']}"]}))
        if key == PROMOTERS["U6"]:
            j = _part("U6_start_junction")
            parts.append((j["sequence"], "misc_feature", "U6 start junction",
                          {"label": ["U6 start junction"], "note": [j["source"]]}))
            if not sense.startswith("G"):
                parts.append(("G", "misc_feature", "+1 G",
                              {"label": ["+1 G"],
                               "note": ["transcription start; U6 transcripts begin with G, "
                                        "added because the sense strand does not"]}))
        else:
            parts.append(("", "", "", {}))  # nothing between H1 and the hairpin
    parts += [
        (sense, "misc_feature", "sense stem", {"label": ["sense stem (passenger)"]}),
        (lp, "misc_feature", "loop", {"label": ["loop"], "note": [_part("pSUPER_loop")["source"]]
                                      if loop is None else ["user loop"]}),
        (anti, "misc_feature", "antisense stem",
         {"label": ["antisense stem (guide)"],
          "note": ["pairs with the target mRNA; its 5' end is the guide strand's 5' end"]}),
        (term["sequence"], "terminator", "Pol III terminator",
         {"label": ["Pol III terminator"], "note": [term["source"]]}),
    ]
    seq = ""
    features = []
    hp_start = 0
    for part_seq, kind, label, quals in parts:
        if not part_seq:
            continue
        start = len(seq)
        seq += part_seq
        if label == "sense stem":
            hp_start = start
        features.append(SeqFeature(SimpleLocation(start, len(seq), strand=1), type=kind,
                                   qualifiers=quals))
    hp_end = hp_start + len(stem)
    features.append(SeqFeature(SimpleLocation(hp_start, hp_end, strand=1), type="misc_RNA",
                               qualifiers={"label": ["shRNA hairpin"],
                                           "note": ["sense-loop-antisense (pSUPER layout, "
                                                    "Brummelkamp et al. 2002 Science 296:550)"]}))
    notes = []
    if promoter is not None and promoter.upper() == "H1":
        notes.append("The H1 element is the SnapGene-annotated 215-bp promoter; the position of "
                     "the transcription start relative to its 3' end is not verified from a "
                     "sourced plasmid.")
    if promoter is None:
        notes.append("Hairpin and terminator only: clone behind a Pol III promoter.")
    rec = SeqRecord(Seq(seq), id=name[:16], name=name[:16],
                    description=description or f"shRNA cassette for siRNA sense {sense}",
                    features=features)
    rec.annotations["molecule_type"] = "DNA"
    rec.annotations["topology"] = "linear"
    if notes:
        rec.annotations["comment"] = " ".join(notes)
    return rec


__all__ = ["PROMOTERS", "build_shrna", "hairpin"]
