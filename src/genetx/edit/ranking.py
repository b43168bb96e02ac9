"""Off-target profiles of candidate guides and their ranking.

This module is the one off-target summary path of GeneTx: ``genetx guides``
(:mod:`genetx.edit.design`), the exon-deletion pairs of ``genetx skip``
(:mod:`genetx.edit.exon_deletion`) and ``genetx design`` with its safety dossier
(:mod:`genetx.strategy.design`) all count off-targets here, with the conventions of
``docs/guides.md`` ("Off-target conventions").

:func:`search_offtargets` runs the genome-wide engine (:mod:`genetx.edit.offtarget`) on the
genome in use at every off-target PAM of the nuclease; :func:`offtarget_sites` turns its hits
into the site table (each hit classed ``on_target``, ``target_copy`` or ``off_target``, with
the exon/intron label and gene names from an annotation); :func:`offtarget_profile` aggregates
the off-target sites per guide; :func:`profile_offtargets` does all three and returns both
tables. The profile columns are:

``on_target``
    Whether the guide's own site was found (a perfect, bulge-free match at its position, or
    the site named in ``on_targets``); it is left out of every count below.
``offtargets``, ``mm0`` ... ``mm4``
    Off-targets in all, and by number of mismatches.
``mit_specificity``, ``cfd_specificity``
    Guide specificities of Hsu 2013 (MIT) and Doench 2016 (CFD) as CRISPOR computes them
    (0-100; SpCas9 only, NaN otherwise).
``exonic_offtargets``, ``exonic_genes``
    Off-targets with at most :data:`EXONIC_MAX_MISMATCHES` mismatches that lie in an exon of
    another gene of the annotation, and those genes.

CRISPOR's conventions are reproduced for SpCas9 (Haeussler et al. 2016): off-targets with NGG,
NAG and NGA PAMs up to 4 mismatches; an NAG/NGA site is kept only when its MIT hit score,
computed without the PAM factor, is above 1.0 (``ALTPAMMINSCORE``, bin/filterFaToBed); MIT
scores of kept NAG/NGA sites are then multiplied by 0.2. The embedded gene pack's mRNA records
are not searched (:func:`genetx.edit.guides.search_scope`: they copy exons of genomic records),
and hits on other records that hold the target gene's own sequence
(:func:`target_copy_records`) are classed ``target_copy`` and not counted.

:func:`rank_guides` orders a guide table: first by ``tier`` (1: passes the sequence filters
and has no off-target with 0-1 mismatches and no exonic off-target in another gene; 2:
passes the filters; 3: fails one), then by ``score``, the product of the activity, the
specificity and the mode's position factor (all documented in ``docs/guides.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from genetx.edit.nucleases import Nuclease, editing_rules, get_nuclease

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence
    from pathlib import Path

    import pandas as pd

    from genetx.genome._base import Genome
    from genetx.progress import Progress

#: CRISPOR's minimum MIT hit score for off-targets with an alternative PAM (crispor.py).
ALT_PAM_MIN_SCORE = 1.0
#: Highest mismatch count of an off-target counted in another gene's exon.
EXONIC_MAX_MISMATCHES = 3
#: Values of the site table's ``site_class`` column (:func:`offtarget_sites`).
SITE_CLASSES = ("on_target", "target_copy", "off_target")
#: Columns of :func:`offtarget_profile` (``mm0`` ... up to the search depth).
PROFILE_COLUMNS = ("guide_id", "on_target", "offtargets", "mm0", "mm1", "mm2", "mm3", "mm4",
                   "mit_specificity", "cfd_specificity", "exonic_offtargets", "exonic_genes")


def _check_side(nuc: Nuclease) -> str:
    return "3prime" if nuc.is_cas9 else "5prime"


_INDEXES: dict[tuple[str, str, str, str], Any] = {}


def _searchable(genome: Genome) -> Genome:
    """The genome to give the engine: the embedded pack is reopened from its file, so that
    its packed form and indexes are cached on disk like any file-backed genome's."""
    if str(genome.source).startswith("embedded:"):
        from importlib.resources import files

        from genetx.genome.genes import PACK_DIR, PACK_GENOME
        from genetx.genome.twobit import TwoBitGenome

        path = files("genetx").joinpath(*PACK_DIR, PACK_GENOME)
        return TwoBitGenome(str(path), name="genepack")
    return genome


def get_index(genome: Genome, pam: str, side: str, *, index_dir: Path | str | None = None,
              progress: Progress | None = None) -> Any:
    """The engine's index of ``genome`` for ``pam``, kept for the life of the process.

    Genomes held in memory (:class:`~genetx.genome.InMemoryGenome`) are indexed anew on each
    call: two of them can share a name, so their source does not identify the sequence.
    """
    from genetx.edit.offtarget import prepare_index
    from genetx.settings import settings

    key = (str(genome.source), str(settings.data_dir), pam, side)
    keep = index_dir is None and not str(genome.source).startswith("memory:")
    if keep and key in _INDEXES:
        return _INDEXES[key]
    idx = prepare_index(_searchable(genome), pam, pam_side=side,  # type: ignore[arg-type]
                        index_dir=index_dir, progress=progress)
    if keep:
        _INDEXES[key] = idx
    return idx


def search_offtargets(guides: pd.DataFrame, genome: Genome, nuclease: str | Nuclease, *,
                      max_mismatches: int = 4, index_dir: Path | str | None = None,
                      progress: Progress | None = None) -> pd.DataFrame:
    """Raw off-target hits of the guides on the genome, over all the nuclease's search PAMs.

    Hits in records that :func:`genetx.edit.guides.search_scope` leaves out (the pack's mRNA
    records) are dropped. For SpCas9 the CRISPOR alternative-PAM rule is applied and ``cfd``
    and ``mit`` columns are added.

    Parameters
    ----------
    guides
        Guide table with ``guide_id`` and ``spacer`` columns.
    genome
        Genome to search.
    nuclease
        The guides' nuclease.
    max_mismatches
        Largest mismatch count (0-6).
    index_dir
        Folder of a prebuilt index (else the cache).
    progress
        Progress display.

    Returns
    -------
    The engine's hit table (:data:`genetx.edit.offtarget.HIT_COLUMNS`) plus ``pam`` and, for
    SpCas9, ``cfd`` and ``mit``; a site reached by two search PAMs is listed once.
    """
    import pandas as pd

    from genetx.edit.guides import search_scope
    from genetx.edit.offtarget import HIT_COLUMNS, search

    nuc = get_nuclease(nuclease)
    skip, _ = search_scope(genome)
    want = dict(zip(guides["guide_id"].astype(str), guides["spacer"].astype(str),
                    strict=True))
    frames = []
    if want:
        for pam in nuc.offtarget_search_pams:
            idx = get_index(genome, pam, _check_side(nuc), index_dir=index_dir,
                            progress=progress)
            frames.append(search(idx, want, max_mismatches=max_mismatches,
                                 progress=progress))
    hits = (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=list(HIT_COLUMNS)))
    if len(frames) > 1 and len(hits):
        hits = hits.drop_duplicates(subset=["guide_id", "Chromosome", "Start", "End",
                                            "Strand"]).reset_index(drop=True)
    if skip and len(hits):
        hits = hits[~hits["Chromosome"].isin(skip)].reset_index(drop=True)
    plen = nuc.pam_length
    sites = hits["site"].astype(str).str.upper()
    hits["pam"] = sites.str[-plen:] if nuc.is_cas9 else sites.str[:plen]
    if nuc.has_cfd and len(hits):
        hits = _crispor_alt_pam_rule(hits)
    elif nuc.has_cfd:
        hits["cfd"] = np.zeros(0)
        hits["mit"] = np.zeros(0)
    return hits


def _crispor_alt_pam_rule(hits: pd.DataFrame) -> pd.DataFrame:
    from genetx.edit.offtarget.scores import add_scores
    from genetx.edit.scoring import mit_score_batch

    hits = add_scores(hits, "NGG", "3prime")
    alt = (hits["pam"].str[1:] != "GG").to_numpy()
    plain = (hits["bulge_type"] == "none").to_numpy()
    if alt.any():
        sub = hits.loc[alt & plain]
        if len(sub):
            guides, gi = np.unique(sub["guide"].to_numpy(dtype=str), return_inverse=True)
            raw = mit_score_batch(list(guides), [s[:20].upper() for s in sub["site"]],
                                  guide_index=gi)
            drop = sub.index[raw <= ALT_PAM_MIN_SCORE]
            hits = hits.drop(index=drop).reset_index(drop=True)
    return hits


def target_copy_records(genome: Genome, gene: str | None,
                        model_records: Collection[str] = ()) -> frozenset[str]:
    """Searched records that hold another copy of ``gene``'s own sequence.

    Only the embedded gene pack has such records: a gene can sit on a genomic record and on a
    second one (the GRCh37 genomic span of ADA beside its mRNA-record model). The pack's mRNA
    records are not listed, since :func:`search_offtargets` does not search them.

    Parameters
    ----------
    genome
        The genome searched.
    gene
        The target gene's symbol (None or empty: no record).
    model_records
        Records the guides were designed on (left out of the answer).

    Returns
    -------
    Record names (empty for any genome other than the embedded pack).
    """
    if not gene or not str(genome.source).startswith("embedded:"):
        return frozenset()
    from genetx.edit.guides import search_scope
    from genetx.genome._base import chrom_key
    from genetx.genome.genes import pack_manifest

    skip, _ = search_scope(genome)
    models = {chrom_key(str(r)) for r in model_records}
    out: set[str] = set()
    for sym, entry in pack_manifest()["genes"].items():
        if sym.upper() != gene.upper():
            continue
        for m in (entry, *entry.get("other_models", [])):
            seqid = m.get("seqid")
            if seqid and seqid not in skip and chrom_key(seqid) not in models:
                out.add(seqid)
    return frozenset(out)


def locate_on_targets(hits: pd.DataFrame,
                      sites: Mapping[str, Sequence[tuple[str, int, int]]]
                      ) -> dict[str, tuple[str, int, str]]:
    """The hit to treat as each guide's on-target, from the spans it was designed to cut.

    For every guide the bulge-free hit with the fewest mismatches that overlaps one of its
    spans (either strand) is its on-target, whatever its mismatches: a guide designed on a
    patient's allele differs from the reference at its own site.

    Parameters
    ----------
    hits
        Hits from :func:`search_offtargets`.
    sites
        ``guide_id -> ((chrom, start, end), ...)``, 0-based half-open spans.

    Returns
    -------
    ``guide_id -> (chromosome, start, strand)`` for :func:`offtarget_profile`'s
    ``on_targets`` (guides with no overlapping hit are absent).
    """
    from genetx.genome._base import chrom_key

    out: dict[str, tuple[str, int, str]] = {}
    if not len(hits):
        return out
    plain = hits[hits["bulge_type"] == "none"]
    by_guide = dict(tuple(plain.groupby("guide_id", sort=False)))
    for gid, spans in sites.items():
        grp = by_guide.get(gid)
        if grp is None:
            continue
        keys = grp["Chromosome"].map(chrom_key).to_numpy()
        near = np.zeros(len(grp), dtype=bool)
        for chrom, a, b in spans:
            near |= ((keys == chrom_key(str(chrom))) & (grp["Start"] < int(b)).to_numpy()
                     & (grp["End"] > int(a)).to_numpy())
        if near.any():
            best = grp[near].sort_values("mismatches", kind="stable").iloc[0]
            out[str(gid)] = (str(best["Chromosome"]), int(best["Start"]), str(best["Strand"]))
    return out


def offtarget_sites(guides: pd.DataFrame, hits: pd.DataFrame, *, annotation: Any = None,
                    on_targets: Mapping[str, tuple[str, int, str]] | None = None,
                    target_copies: Collection[str] = ()) -> pd.DataFrame:
    """The site table: every hit classed, and labelled exon/intron with gene names.

    Parameters
    ----------
    guides
        Guide table (``guide_id, Chromosome, Start, Strand``).
    hits
        Hits from :func:`search_offtargets`.
    annotation
        Gene annotation for :func:`genetx.edit.offtarget.annotate.annotate_sites` (None: no
        ``region``/``gene`` columns).
    on_targets
        ``guide_id -> (chromosome, start, strand)`` of the site to treat as the on-target,
        whatever its mismatches, instead of the perfect match at the guide's own position
        (CRISPOR sometimes picks another perfect match; a guide made on a patient allele
        differs from the reference at its own site; see :func:`locate_on_targets`).
    target_copies
        Records holding another copy of the target gene's own sequence
        (:func:`target_copy_records`).

    Returns
    -------
    A copy of ``hits`` with ``site_class`` (``on_target``, ``target_copy`` or ``off_target``)
    and, with an annotation, ``region`` and ``gene``.
    """
    from genetx.genome._base import chrom_key

    sites = hits.reset_index(drop=True)
    if annotation is not None:
        if len(sites):
            from genetx.edit.offtarget.annotate import annotate_sites

            sites = annotate_sites(sites, annotation)
        else:
            sites = sites.assign(region=[], gene=[])
    else:
        sites = sites.copy()
    n = len(sites)
    cls = np.full(n, "off_target", dtype=object)
    if n:
        explicit = dict(on_targets or {})
        want = {str(g.guide_id): explicit.get(str(g.guide_id),
                                              (str(g.Chromosome), int(g.Start), str(g.Strand)))
                for g in guides.itertuples(index=False)}
        gid = sites["guide_id"].astype(str)
        w_chrom = gid.map({k: chrom_key(v[0]) for k, v in want.items()})
        w_start = gid.map({k: v[1] for k, v in want.items()})
        w_strand = gid.map({k: v[2] for k, v in want.items()})
        is_explicit = gid.isin(list(explicit)).to_numpy()
        is_on = (((sites["mismatches"] == 0).to_numpy() | is_explicit)
                 & (sites["bulge_type"] == "none").to_numpy()
                 & (sites["Chromosome"].map(chrom_key) == w_chrom).to_numpy()
                 & (sites["Start"] == w_start).to_numpy()
                 & (sites["Strand"] == w_strand).to_numpy())
        cls[is_on] = "on_target"
        if target_copies:
            copies = {chrom_key(str(r)) for r in target_copies}
            on_copy = sites["Chromosome"].map(chrom_key).isin(copies).to_numpy()
            cls[on_copy & ~is_on] = "target_copy"
    sites["site_class"] = cls
    return sites


def _exonic_others(sub: pd.DataFrame, gene: str | None) -> tuple[int, list[str]]:
    """Off-targets within the exonic limit in another gene's exon, and those genes."""
    ex = sub[(sub["region"] == "exon") & (sub["mismatches"] <= EXONIC_MAX_MISMATCHES)]
    names: list[str] = []
    n = 0
    target = (gene or "").upper()
    for genes in ex["gene"].astype(str):
        others = [x for x in genes.split(",") if x and x.upper() != target]
        if others:
            n += 1
            names.extend(others)
    return n, list(dict.fromkeys(names))


def _aggregate(guides: pd.DataFrame, sites: pd.DataFrame, nuc: Nuclease, max_mismatches: int,
               gene: str | None, *, annotated: bool) -> pd.DataFrame:
    import pandas as pd

    from genetx.edit.scoring import cfd_specificity, mit_specificity

    by_guide = dict(tuple(sites.groupby("guide_id", sort=False))) if len(sites) else {}
    rows = []
    for gid in guides["guide_id"].astype(str):
        grp = by_guide.get(gid)
        row: dict[str, Any] = {"guide_id": gid}
        if grp is None or grp.empty:
            row.update({"on_target": False, "offtargets": 0,
                        **{f"mm{m}": 0 for m in range(max_mismatches + 1)},
                        "mit_specificity": 100.0 if nuc.has_cfd else math.nan,
                        "cfd_specificity": 100.0 if nuc.has_cfd else math.nan,
                        "exonic_offtargets": 0 if annotated else math.nan,
                        "exonic_genes": ""})
            rows.append(row)
            continue
        off = grp[grp["site_class"] == "off_target"]
        row["on_target"] = bool((grp["site_class"] == "on_target").any())
        row["offtargets"] = len(off)
        counts = np.bincount(off["mismatches"].to_numpy(dtype=np.int64),
                             minlength=max_mismatches + 1)
        for m in range(max_mismatches + 1):
            row[f"mm{m}"] = int(counts[m])
        if nuc.has_cfd and "mit" in off:
            row["mit_specificity"] = mit_specificity(off["mit"].dropna().to_numpy())
            row["cfd_specificity"] = cfd_specificity(off["cfd"].to_numpy(dtype=float))
        else:
            row["mit_specificity"] = row["cfd_specificity"] = math.nan
        if annotated and "region" in off:
            n, names = _exonic_others(off, gene)
            row["exonic_offtargets"] = n
            row["exonic_genes"] = ",".join(names)
        else:
            row["exonic_offtargets"] = math.nan
            row["exonic_genes"] = ""
        rows.append(row)
    return pd.DataFrame(rows, columns=list(PROFILE_COLUMNS[:3])
                        + [f"mm{m}" for m in range(max_mismatches + 1)]
                        + list(PROFILE_COLUMNS[8:]))


def offtarget_profile(guides: pd.DataFrame, hits: pd.DataFrame, nuclease: str | Nuclease, *,
                      max_mismatches: int = 4, annotation: Any = None,
                      gene: str | None = None,
                      on_targets: Mapping[str, tuple[str, int, str]] | None = None,
                      target_copies: Collection[str] = ()) -> pd.DataFrame:
    """Per-guide off-target aggregates (columns :data:`PROFILE_COLUMNS`).

    Parameters
    ----------
    guides
        Guide table (``guide_id, Chromosome, Start, Strand``).
    hits
        Hits from :func:`search_offtargets`.
    nuclease
        The guides' nuclease.
    max_mismatches
        Highest mismatch level reported.
    annotation
        Gene annotation for ``exonic_offtargets`` (None: not computed).
    gene
        The target gene, whose own exons do not count as other genes' exons.
    on_targets
        ``guide_id -> (chromosome, start, strand)`` of the site to treat as the on-target
        (see :func:`offtarget_sites`).
    target_copies
        Records holding another copy of the target gene's sequence: hits there are not
        counted (see :func:`offtarget_sites`).

    Returns
    -------
    One row per guide, in the order of ``guides``.
    """
    sites = offtarget_sites(guides, hits, annotation=annotation, on_targets=on_targets,
                            target_copies=target_copies)
    return _aggregate(guides, sites, get_nuclease(nuclease), max_mismatches, gene,
                      annotated=annotation is not None)


@dataclass(frozen=True)
class OffTargetProfile:
    """Off-targets of a set of guides: per-guide aggregates and the site table.

    Attributes
    ----------
    profile
        One row per guide (columns :data:`PROFILE_COLUMNS`), in the order of the guides.
    sites
        Every hit (:func:`offtarget_sites`: ``site_class`` and, with an annotation,
        ``region`` and ``gene``), for histograms and TSV export.
    scope
        What was searched, in one sentence (:func:`genetx.edit.guides.search_scope`).
    max_mismatches
        The search depth.
    """

    profile: pd.DataFrame
    sites: pd.DataFrame
    scope: str
    max_mismatches: int

    def off_target_sites(self) -> pd.DataFrame:
        """The rows of :attr:`sites` counted as off-targets."""
        return self.sites[self.sites["site_class"] == "off_target"].reset_index(drop=True)


def profile_offtargets(guides: pd.DataFrame, genome: Genome, nuclease: str | Nuclease, *,
                       max_mismatches: int = 4, annotation: Any = None,
                       gene: str | None = None,
                       on_targets: Mapping[str, tuple[str, int, str]] | None = None,
                       intended: Mapping[str, Sequence[tuple[str, int, int]]] | None = None,
                       target_copies: Collection[str] | None = None,
                       index_dir: Path | str | None = None,
                       progress: Progress | None = None) -> OffTargetProfile:
    """Search the guides, class every hit and aggregate per guide, in one call.

    Parameters
    ----------
    guides
        Guide table (``guide_id, spacer, Chromosome, Start, Strand``) of one nuclease.
    genome
        Genome to search.
    nuclease
        The guides' nuclease.
    max_mismatches
        Search depth (0-6; 4 as CRISPOR).
    annotation
        Gene annotation labelling exonic hits (None: not labelled).
    gene
        The target gene.
    on_targets
        Explicit on-target sites (see :func:`offtarget_sites`).
    intended
        ``guide_id -> spans`` the guide was designed to cut: its on-target is found there by
        :func:`locate_on_targets` (``on_targets`` wins for a guide named in both).
    target_copies
        Records holding another copy of the target gene's sequence; None: found by
        :func:`target_copy_records` from ``gene`` and the guides' records.
    index_dir
        Folder of a prebuilt index (else the cache).
    progress
        Progress display.

    Returns
    -------
    The :class:`OffTargetProfile`.
    """
    from genetx.edit.guides import search_scope

    hits = search_offtargets(guides, genome, nuclease, max_mismatches=max_mismatches,
                             index_dir=index_dir, progress=progress)
    on = dict(locate_on_targets(hits, intended)) if intended else {}
    on.update(on_targets or {})
    if target_copies is None:
        target_copies = target_copy_records(genome, gene,
                                            set(guides["Chromosome"].astype(str)))
    sites = offtarget_sites(guides, hits, annotation=annotation, on_targets=on or None,
                            target_copies=target_copies)
    profile = _aggregate(guides, sites, get_nuclease(nuclease), max_mismatches, gene,
                         annotated=annotation is not None)
    return OffTargetProfile(profile, sites, search_scope(genome)[1], max_mismatches)


def activity(table: pd.DataFrame) -> np.ndarray:
    """The on-target activity used for ranking (0-1, NaN when no model applies).

    GeneTx's trained model (``activity_model`` column) when present, else Rule Set 1.
    """
    for col in ("activity_model", "rule_set_1"):
        if col in table and table[col].notna().any():
            return table[col].to_numpy(dtype=float)
    return np.full(len(table), np.nan)


def _count_specificity(table: pd.DataFrame) -> np.ndarray:
    """Specificity for nucleases without CFD: 1 / (1 + weighted off-target counts)."""
    w = {0: 1.0, 1: 0.5, 2: 0.1, 3: 0.02, 4: 0.005}
    total = np.zeros(len(table))
    for m, weight in w.items():
        if f"mm{m}" in table:
            total += weight * table[f"mm{m}"].to_numpy(dtype=float)
    return 1.0 / (1.0 + total)


def rank_guides(table: pd.DataFrame, mode: str = "region", *,
                variant_position: int | None = None) -> pd.DataFrame:
    """Add ``activity``, ``specificity``, ``position_factor``, ``score``, ``tier`` and ``rank``.

    Parameters
    ----------
    table
        Guide table, with off-target profile columns when the search was run.
    mode
        ``knockout`` (position factor from the protein window, isoform fraction and out-of-frame
        score), ``correct`` (distance of the cut to the variant, Paquet 2016) or ``region``.
    variant_position
        Plus-strand position of the variant (``correct``).

    Returns
    -------
    The table sorted by ``tier`` then ``score`` (descending), with ``rank`` 1, 2, ...
    """
    out = table.copy()
    act = activity(out)
    out["activity"] = act
    spec = np.full(len(out), np.nan)
    if "mm0" in out:
        spec = _count_specificity(out)
    if "cfd_specificity" in out:
        cfd = out["cfd_specificity"].to_numpy(dtype=float) / 100.0
        spec = np.where(np.isnan(cfd), spec, cfd)
    out["specificity"] = spec
    pos = np.ones(len(out))
    if mode == "knockout" and "in_window" in out:
        pos *= np.where(out["in_window"].to_numpy(dtype=bool), 1.0, 0.7)
        pos *= 0.5 + 0.5 * out["isoform_fraction"].to_numpy(dtype=float)
        oof = out["out_of_frame"].to_numpy(dtype=float)
        pos *= np.where(np.isnan(oof), 1.0, 0.5 + oof / 200.0)
    elif mode == "correct" and variant_position is not None:
        half = float(editing_rules()["hdr"]["distance_halving"])
        d = np.abs(out["cut"].to_numpy(dtype=float) - (variant_position + 0.5)) - 0.5
        pos *= np.power(2.0, -np.maximum(d, 0) / half)
    out["position_factor"] = pos
    a = np.where(np.isnan(act), 0.5, act)
    s = np.where(np.isnan(spec), 1.0, spec)
    out["score"] = a * s * pos
    fails = out["filters"].astype(str).str.len().to_numpy() > 0
    tier = np.where(fails, 3, 1)
    if "mm0" in out:
        risky = (out["mm0"].to_numpy() + out["mm1"].to_numpy()) > 0
        if "exonic_offtargets" in out:
            ex = out["exonic_offtargets"].to_numpy(dtype=float)
            risky |= np.nan_to_num(ex) > 0
        if "on_target" in out:
            risky |= ~out["on_target"].to_numpy(dtype=bool)
        tier = np.where(~fails & risky, 2, tier)
    out["tier"] = tier
    out = out.sort_values(["tier", "score"], ascending=[True, False], kind="stable")
    out = out.reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


__all__ = ["ALT_PAM_MIN_SCORE", "EXONIC_MAX_MISMATCHES", "PROFILE_COLUMNS", "SITE_CLASSES",
           "OffTargetProfile", "activity", "get_index", "locate_on_targets", "offtarget_profile",
           "offtarget_sites", "profile_offtargets", "rank_guides", "search_offtargets",
           "target_copy_records"]
