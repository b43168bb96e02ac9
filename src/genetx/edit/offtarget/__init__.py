"""Genome-wide off-target search: every site of a guide within mismatches and bulges, exactly.

Definitions (also in ``docs/offtarget.md``)
-------------------------------------------
A *site* is a PAM occurrence on one strand together with the spacer bases next to it. For a 3'
PAM (``NGG``, ``NRG``, ``NNGRRT``) the protospacer lies 5' of the PAM on the same strand; for a
5' PAM (``TTTV``) it lies 3' of it. Genome bases match case-insensitively (soft-masked lower case
is its upper case); a site never contains an ``N`` (or any non-ACGT letter) and never crosses a
record end; PAM letters follow IUPAC, a PAM ``N`` matching A, C, G or T only.

Mismatch-only alignment: the guide (length ``L``) is compared base by base with the ``L``
spacer bases next to the PAM; the site matches when at most ``max_mismatches`` differ.

Bulges. An alignment may contain at most one bulge, a run of ``s`` consecutive gap positions:

* DNA bulge of size ``s`` (``1 <= s <= dna_bulge``): ``s`` extra genomic bases sit between guide
  bases ``i`` and ``i + 1`` with ``1 <= i <= L - 1``; the site spacer has ``L + s`` bases.
* RNA bulge of size ``s`` (``1 <= s <= rna_bulge``): guide bases ``i .. i + s - 1`` have no
  genomic partner, with ``2 <= i`` and ``i + s - 1 <= L - 1``; the site spacer has ``L - s``
  bases.

Bulges are interior: a gap at either end of the spacer (before the first guide base, after the
last one, i.e. next to the PAM) is not a bulge. Mismatches are counted over the paired bases
and must be at most ``max_mismatches``. A site (guide, strand, PAM position) that has several
qualifying alignments is reported once, with the alignment of fewest edits (mismatches plus
bulge size), then fewest bulge bases, then no bulge before DNA before RNA, then the bulge
nearest the guide's 5' end.

Coordinates are 0-based half-open on the chromosome (placed records such as
``chrX:31117221-33344609`` report ``chrX`` positions), ``Start``/``End`` spanning spacer and PAM.
The ``site`` string is the protospacer with its PAM on the site's strand (5' to 3'), mismatched
and DNA-bulge bases in lower case and ``-`` where an RNA bulge leaves a guide base unpaired.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genetx.errors import BadInputError, InvalidSequenceError

if TYPE_CHECKING:
    import pandas as pd

    from genetx.edit.offtarget._search import HitArrays
    from genetx.edit.offtarget.index import OffTargetIndex, PamSide
    from genetx.genome._base import Genome
    from genetx.progress import Progress

#: Guide (spacer) lengths accepted.
GUIDE_LENGTHS = (16, 30)
#: Largest mismatch count accepted.
MAX_MISMATCHES = 6
#: Largest bulge size accepted (each type).
MAX_BULGE = 2
#: Columns of the hit table, in order (scores and annotation are appended when asked for).
HIT_COLUMNS = ("Chromosome", "Start", "End", "Strand", "guide_id", "guide", "site",
               "mismatches", "bulge_type", "bulge_size", "bulge_position")
_GUIDE_BATCH = 64


@dataclass(frozen=True)
class Guides:
    """Validated guides: ids and upper-case spacer sequences."""

    ids: tuple[str, ...]
    seqs: tuple[str, ...]


def check_guides(guides: Sequence[str] | Mapping[str, str]) -> Guides:
    """Validate guides (16-30 nt of A/C/G/T, any case) and give them ids.

    Parameters
    ----------
    guides
        Sequences (ids ``g1, g2, ...``) or a mapping of id to sequence.

    Returns
    -------
    The validated guides.
    """
    items = list(guides.items()) if isinstance(guides, Mapping) else [
        (f"g{i + 1}", s) for i, s in enumerate(guides)]
    if isinstance(guides, str):
        items = [("g1", guides)]
    if not items:
        msg = "no guides given"
        msg_0 = "guides"
        raise BadInputError(msg_0, msg)
    ids, seqs = [], []
    lo, hi = GUIDE_LENGTHS
    for gid, seq in items:
        up = str(seq).strip().upper()
        bad = next((i for i, c in enumerate(up) if c not in "ACGT"), None)
        if bad is not None:
            msg = f"letter {up[bad]!r} at position {bad + 1} is not one of A, C, G, T"
            msg_0 = f"guide {gid!r}"
            raise InvalidSequenceError(msg_0, msg)
        if not lo <= len(up) <= hi:
            msg = f"is {len(up)} nt long; guides must be {lo}-{hi} nt (spacer without PAM)"
            msg_0 = f"guide {gid!r}"
            raise InvalidSequenceError(msg_0, msg)
        ids.append(str(gid))
        seqs.append(up)
    return Guides(tuple(ids), tuple(seqs))


def check_limits(max_mismatches: int, dna_bulge: int, rna_bulge: int) -> None:
    """Raise when a limit is out of range (mismatches 0-6, bulges 0-2)."""
    for name, value, top in (("max_mismatches", max_mismatches, MAX_MISMATCHES),
                             ("dna_bulge", dna_bulge, MAX_BULGE),
                             ("rna_bulge", rna_bulge, MAX_BULGE)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
            msg = f"must be an integer from 0 to {top}"
            msg_0 = f"`{name}={value!r}`"
            raise BadInputError(msg_0, msg)


def check_threads(threads: int | None) -> int | None:
    """Raise unless ``threads`` is ``None`` (use ``settings.threads``) or a positive integer."""
    if threads is None:
        return None
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        msg = "must be a positive integer (or None for settings.threads)"
        msg_0 = f"`threads={threads!r}`"
        raise BadInputError(msg_0, msg)
    return threads


def as_genome(genome: Genome | str | Path) -> Genome:
    """A :class:`~genetx.genome.Genome` from a genome object, a path or a registered name."""
    from genetx.genome._base import Genome

    if isinstance(genome, Genome):
        return genome
    try:
        from genetx.genome.registry import open_genome  # type: ignore[import-not-found]
    except ImportError:
        msg = "genome files cannot be opened yet (genetx.genome.registry is missing)"
        raise BadInputError(str(genome), msg) from None
    return open_genome(genome)


def prepare_index(genome: Genome | str | Path, pam: str = "NGG", *,
                  pam_side: PamSide = "3prime", index_dir: Path | str | None = None,
                  rebuild: bool = False, progress: Progress | None = None) -> OffTargetIndex:
    """Pack the genome and open (or build once) its PAM-site index.

    Parameters
    ----------
    genome
        Genome object, FASTA/2bit path or registered name.
    pam
        IUPAC PAM, e.g. ``NGG``, ``NRG``, ``NNGRRT``, ``TTTV``.
    pam_side
        ``3prime`` (Cas9: protospacer 5' of the PAM) or ``5prime`` (Cas12a).
    index_dir
        Folder of an index made earlier (checked against the genome); default: the cache.
    rebuild
        Build the pack and the index anew.
    progress
        Progress display.

    Returns
    -------
    The index, memory-mapped when stored on disk.
    """
    from genetx.edit.offtarget.index import check_pam, check_side, open_index
    from genetx.genome.packed import pack_genome

    pam = check_pam(pam)
    side = check_side(pam_side)
    g = as_genome(genome)
    packed = pack_genome(g, rebuild=rebuild, progress=progress)
    idx = open_index(packed, pam, side, index_dir, rebuild=rebuild, progress=progress)
    if idx.n_sites == 0:
        msg = f"has no {pam} PAM sites with room for a spacer on either strand"
        msg_0 = f"genome {g.name or g.source!r}"
        raise BadInputError(msg_0, msg)
    return idx


def iter_search(index: OffTargetIndex, guides: Sequence[str] | Mapping[str, str], *,
                max_mismatches: int = 4, dna_bulge: int = 0, rna_bulge: int = 0,
                guide_batch: int = _GUIDE_BATCH, threads: int | None = None,
                progress: Progress | None = None) -> Iterator[tuple[Guides, HitArrays]]:
    """Search guides in batches, yielding each batch's hits (for streaming to disk).

    Parameters
    ----------
    index
        Index from :func:`prepare_index`.
    guides
        Sequences or a mapping id -> sequence.
    max_mismatches, dna_bulge, rna_bulge
        Limits (0-6, 0-2, 0-2).
    guide_batch
        Guides searched together; the memory held at once is that of one batch's hits.
    threads
        Threads verifying candidate sites (default ``settings.threads``, i.e. all cores);
        the hits and their order do not depend on it. Searches expected to verify fewer
        than ``_search.KERNEL_MIN_CANDIDATES`` candidates run on one thread in numpy, which
        is faster than loading the parallel kernel for them.
    progress
        Progress display (one step per guide).

    Yields
    ------
    The batch's guides and its hits (guide numbers index into the batch).
    """
    from genetx.edit.offtarget import _search as eng
    from genetx.progress import resolve

    check_limits(max_mismatches, dna_bulge, rna_bulge)
    threads = check_threads(threads)
    g = check_guides(guides)
    kernel = None
    with resolve(progress).task("Searching guides", total=len(g.seqs)) as task:
        for s in range(0, len(g.seqs), guide_batch):
            batch = Guides(g.ids[s:s + guide_batch], g.seqs[s:s + guide_batch])
            q = eng.make_queries(list(batch.seqs), index.side, dna_bulge, rna_bulge)
            if kernel is None:  # one choice for the whole search, from the first batch
                expected = eng.estimate_candidates(index, q, max_mismatches)
                kernel = expected * len(g.seqs) / len(batch.seqs) >= eng.KERNEL_MIN_CANDIDATES
            qid, site, mm = eng.search_queries(index, q, max_mismatches, threads=threads,
                                               kernel=kernel)
            if dna_bulge or rna_bulge:
                qid, site, mm = eng.best_per_site(q, qid, site, mm)
            yield batch, eng.render(index, q, qid, site, mm)
            task.advance(len(batch.seqs))


def hits_to_columns(batch: Guides, hits: HitArrays) -> dict[str, list]:
    """The hit table of one batch as plain columns (lists), named as :data:`HIT_COLUMNS`."""
    import numpy as np

    from genetx.edit.offtarget._search import BULGE_NAMES

    g = hits.guide.tolist()
    return {
        "Chromosome": list(hits.chrom),
        "Start": hits.start.tolist(),
        "End": hits.end.tolist(),
        "Strand": hits.strand.tolist(),
        "guide_id": [batch.ids[i] for i in g],
        "guide": [batch.seqs[i] for i in g],
        "site": list(hits.site),
        "mismatches": hits.mismatches.tolist(),
        "bulge_type": [BULGE_NAMES[t] for t in hits.bulge_type.astype(np.int64).tolist()],
        "bulge_size": hits.bulge_size.tolist(),
        "bulge_position": hits.bulge_pos.tolist(),
    }


def hits_to_frame(batch: Guides, hits: HitArrays) -> pd.DataFrame:
    """The hit table (columns :data:`HIT_COLUMNS`) of one batch."""
    import pandas as pd

    cols = hits_to_columns(batch, hits)
    frame = pd.DataFrame(cols, columns=list(HIT_COLUMNS))
    for c in ("Start", "End", "mismatches", "bulge_size", "bulge_position"):
        frame[c] = frame[c].astype("int64")
    return frame


def search(genome: Genome | str | Path | OffTargetIndex,
           guides: Sequence[str] | Mapping[str, str], pam: str = "NGG", *,
           pam_side: PamSide = "3prime", max_mismatches: int = 4, dna_bulge: int = 0,
           rna_bulge: int = 0, score: bool = False, annotation: Any = None,
           index_dir: Path | str | None = None, threads: int | None = None,
           progress: Progress | None = None) -> pd.DataFrame:
    """Every site of each guide in the genome within the mismatch and bulge limits.

    Parameters
    ----------
    genome
        Genome object, FASTA/2bit path, registered name, or an index from
        :func:`prepare_index` (then ``pam`` and ``pam_side`` are the index's).
    guides
        Spacers (16-30 nt, A/C/G/T) as a list (ids ``g1, g2, ...``) or a mapping id -> sequence.
    pam
        IUPAC PAM (``NGG``, ``NRG``, ``NNGRRT``, ``TTTV``...).
    pam_side
        ``3prime`` (Cas9) or ``5prime`` (Cas12a).
    max_mismatches
        0-6 mismatches in the spacer.
    dna_bulge, rna_bulge
        Largest DNA / RNA bulge (0-2); see the module docstring for the alignment rules.
    score
        Add per-site ``cfd`` and ``mit`` columns (3' NGG-type PAMs, 20-nt guides).
    annotation
        Gene annotation for :func:`genetx.edit.offtarget.annotate.annotate_sites`.
    index_dir
        Folder of a prebuilt index (checked against the genome).
    threads
        Threads for the search (default ``settings.threads``, i.e. all cores); the table,
        row order included, does not depend on it.
    progress
        Progress display.

    Returns
    -------
    DataFrame with columns :data:`HIT_COLUMNS`, sorted by guide, chromosome, start, strand.

    Examples
    --------
    >>> from genetx.genome import InMemoryGenome
    >>> g = InMemoryGenome({"chr1": "TTTT" + "ACGTACGTACGTACGTACGT" + "AGG" + "TTTT"})
    >>> hits = search(g, ["ACGTACGTACGTACGTACGT"], "NGG", max_mismatches=0)
    >>> hits[["Chromosome", "Start", "End", "Strand", "site"]].values.tolist()
    [['chr1', 4, 27, '+', 'ACGTACGTACGTACGTACGTAGG']]
    """
    import pandas as pd

    from genetx.edit.offtarget.index import OffTargetIndex

    threads = check_threads(threads)
    idx = genome if isinstance(genome, OffTargetIndex) else prepare_index(
        genome, pam, pam_side=pam_side, index_dir=index_dir, progress=progress)
    frames = [hits_to_frame(b, h) for b, h in iter_search(
        idx, guides, max_mismatches=max_mismatches, dna_bulge=dna_bulge,
        rna_bulge=rna_bulge, threads=threads, progress=progress)]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if score:
        from genetx.edit.offtarget.scores import add_scores

        out = add_scores(out, idx.pam, idx.side)
    if annotation is not None:
        from genetx.edit.offtarget.annotate import annotate_sites

        out = annotate_sites(out, annotation)
    return out


def read_guide_file(path: Path | str) -> dict[str, str]:
    """Guides from a text file: one per line, either ``SEQUENCE`` or ``ID<TAB>SEQUENCE``.

    Blank lines and lines starting with ``#`` are skipped; columns after the second are
    ignored. Guides without an id are named ``g<line number>``.

    Raises
    ------
    BadInputError
        A missing file, an empty one, a repeated id or a malformed guide (named by line).
    """
    from genetx.errors import MalformedFileError

    p = Path(path)
    try:
        text = p.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        msg = "cannot be read as a text file" if isinstance(exc, UnicodeDecodeError) else (
            "file not found" if isinstance(exc, FileNotFoundError) else str(exc.strerror))
        raise BadInputError(str(p), msg) from None
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        parts = s.split("\t") if "\t" in s else s.split()
        gid, seq = (parts[0], parts[1]) if len(parts) >= 2 else (f"g{n}", parts[0])
        if gid in out:
            msg = f"guide id {gid!r} is used twice"
            raise MalformedFileError(str(p), msg, line=n)
        try:
            check_guides({gid: seq})
        except InvalidSequenceError as exc:
            raise MalformedFileError(str(p), str(exc), line=n) from None
        out[gid] = seq.upper()
    if not out:
        msg = "holds no guides"
        raise BadInputError(str(p), msg)
    return out


def search_to_file(index: OffTargetIndex, guides: Sequence[str] | Mapping[str, str],
                   path: Path | str, fmt: str = "tsv", *, max_mismatches: int = 4,
                   dna_bulge: int = 0, rna_bulge: int = 0, score: bool = False,
                   annotation: Any = None, threads: int | None = None,
                   progress: Progress | None = None) -> int:
    """Search and stream the hits to ``path`` batch by batch; return the number written.

    Only one batch of guides' hits is held in memory at a time, so results of any size fit.
    The file is written under a temporary name and renamed when complete.

    Parameters
    ----------
    index
        Index from :func:`prepare_index`.
    guides
        Spacers or a mapping id -> spacer.
    path
        Output file.
    fmt
        ``tsv``, ``bed`` or ``casoffinder`` (see :class:`~.formats.HitWriter`).
    max_mismatches, dna_bulge, rna_bulge
        Search limits.
    score
        Add ``cfd`` and ``mit`` columns (TSV).
    annotation
        Gene annotation (object or path) for ``region`` and ``gene`` columns (TSV).
    threads
        Threads for the search (default ``settings.threads``); the output does not depend
        on it.
    progress
        Progress display.

    Returns
    -------
    Number of hits written.
    """
    import os

    from genetx.edit.offtarget.formats import HitWriter, check_format

    fmt = check_format(fmt)
    check_limits(max_mismatches, dna_bulge, rna_bulge)
    threads = check_threads(threads)
    out = Path(path)
    if annotation is not None and not hasattr(annotation, "exons_df"):
        from genetx.genome.annotation import read_annotation

        annotation = read_annotation(annotation)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("w") as fh:
            writer = HitWriter(fh, fmt, pam_len=len(index.pam), side=index.side,
                               bulges=bool(dna_bulge or rna_bulge))
            for batch, hits in iter_search(index, guides, max_mismatches=max_mismatches,
                                           dna_bulge=dna_bulge, rna_bulge=rna_bulge,
                                           threads=threads, progress=progress):
                cols = hits_to_columns(batch, hits)
                if score or annotation is not None:
                    frame = hits_to_frame(batch, hits)
                    if score:
                        from genetx.edit.offtarget.scores import add_scores

                        frame = add_scores(frame, index.pam, index.side)
                    if annotation is not None:
                        from genetx.edit.offtarget.annotate import annotate_sites

                        frame = annotate_sites(frame, annotation)
                    cols = frame.to_dict("list")
                writer.write(cols)
        tmp.replace(out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return writer.rows


__all__ = ["GUIDE_LENGTHS", "HIT_COLUMNS", "MAX_BULGE", "MAX_MISMATCHES", "Guides",
           "check_guides", "check_limits", "check_threads", "hits_to_columns", "hits_to_frame",
           "iter_search", "prepare_index", "read_guide_file", "search", "search_dask",
           "search_to_file"]


def search_dask(client: Any, genome: Genome | str | Path,
                guides: Sequence[str] | Mapping[str, str], pam: str = "NGG", **kwargs: Any
                ) -> pd.DataFrame:
    """Run :func:`search` sharded over a Dask cluster (see :mod:`.dask`)."""
    from genetx.edit.offtarget.dask import search_dask as _run

    return _run(client, genome, guides, pam, **kwargs)
