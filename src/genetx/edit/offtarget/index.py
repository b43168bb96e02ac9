"""The persistent PAM-site index of a genome (one per genome, PAM and PAM side).

The index lists every PAM occurrence on both strands whose spacer side has at least
:data:`MIN_CLEAR` bases before the first ``N`` or record end. For each site it stores:

``words`` (uint64)
    the 32 spacer-side bases, 2 bits each, base ``d`` (1 = next to the PAM) in bits
    ``2(d-1)..2(d-1)+1``, on the site's strand;
``anchors`` (uint32 or int64)
    the forward-strand boundary between PAM and spacer in the packed genome's coordinates;
``flags`` (uint8)
    clear length (bits 0-5) and strand (bit 7, set for minus).

Sites are sorted by their *seed A* key (bases ``1..k``) with bucket offsets ``off_a``, and a
permutation ``perm_b`` with offsets ``off_b`` orders them by the *seed B* key (bases
``k+1..2k``); within a key, sites are in genome order (anchor, then plus before minus) in both
orders. The search uses the two orders as an exact pigeonhole filter (see
:mod:`genetx.edit.offtarget`).

The build (:func:`_build_arrays`) walks the genome twice and sorts by partitions that fit in
memory, so its resident memory stays bounded (about ``GROUP_SITES`` sites' worth, a few GB)
whatever the genome size when the arrays are files; see ``docs/offtarget.md``.

On disk the index is a folder ``index-<PAM>-<side>`` inside the packed genome's folder, holding
one ``.npy`` per array (opened memory-mapped) and ``meta.json`` with the format version, the
digest of the packed genome it was built from and each array's dtype and length. It is written
to a temporary folder and renamed into place, so a crash never leaves a half index that is
used; an index whose format, digest or arrays disagree is rebuilt when it lives in the cache,
and refused when the caller named its folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from genetx.core.seq import IUPAC_DNA
from genetx.errors import BadInputError
from genetx.genome.packed import PackedGenome, _write_atomic_dir, release
from genetx.progress import resolve

if TYPE_CHECKING:
    from genetx.progress import Progress

PamSide = Literal["3prime", "5prime"]
#: On-disk format. 2: built by the partitioned builder; ``meta.json`` lists each array's
#: dtype and length, checked on load. (1: first release.)
INDEX_VERSION = 2
#: Shortest spacer stretch a site needs (16-nt guide with a 2-nt RNA bulge).
MIN_CLEAR = 14
#: Largest seed length (4**10 buckets).
MAX_K = 10
#: Bases walked per kernel call; the genome's pages are let go after each call.
SEGMENT_BASES = 128_000_000
#: Sites sorted per group (bounds the resident part of the arrays).
GROUP_SITES = 100_000_000
#: Seed keys are grouped into at most ``2**SUB_BITS`` sub-partitions for the first scatter.
SUB_BITS = 10


def pam_masks(pam: str) -> np.ndarray:
    """uint8 masks of allowed codes (bit ``c`` for code ``c``) per PAM position."""
    out = np.zeros(len(pam), dtype=np.uint8)
    for j, ch in enumerate(pam.upper()):
        for b in IUPAC_DNA[ch]:
            out[j] |= 1 << "ACGT".index(b)
    return out


def _revcomp_masks(masks: np.ndarray) -> np.ndarray:
    out = np.zeros_like(masks)
    for j, m in enumerate(masks[::-1]):
        for c in range(4):
            if (int(m) >> c) & 1:
                out[j] |= 1 << (3 - c)
    return out


def _pam_table(masks: np.ndarray) -> np.ndarray:
    """uint32 ``(5,)``: bit ``j`` of entry ``code`` set when PAM position ``j`` allows it."""
    tab = np.zeros(5, dtype=np.uint32)
    for j, m in enumerate(masks.tolist()):
        for c in range(4):
            if (m >> c) & 1:
                tab[c] |= 1 << j
    return tab


def check_pam(pam: str) -> str:
    """Upper-case PAM, or raise when it is empty, too long or not IUPAC."""
    up = pam.strip().upper()
    if not up or len(up) > 8 or any(c not in IUPAC_DNA for c in up):
        msg = "PAM must be 1-8 IUPAC nucleotide codes (e.g. NGG, NRG, NNGRRT, TTTV)"
        msg_0 = f"PAM {pam!r}"
        raise BadInputError(msg_0, msg)
    if all(c == "N" for c in up):
        msg = "PAM must constrain at least one base (all-N PAMs match everywhere)"
        msg_0 = f"PAM {pam!r}"
        raise BadInputError(msg_0, msg)
    return up


def check_side(side: str) -> PamSide:
    """Validate the PAM side (``3prime`` for Cas9, ``5prime`` for Cas12a)."""
    if side not in ("3prime", "5prime"):
        msg = "PAM side must be '3prime' (Cas9) or '5prime' (Cas12a)"
        msg_0 = f"pam_side {side!r}"
        raise BadInputError(msg_0, msg)
    return side  # type: ignore[return-value]


def choose_k(genome_size: int) -> int:
    """Seed length: about one site per bucket, between 4 and :data:`MAX_K` bases."""
    sites = max(1, genome_size // 4)
    k = 4
    while k < MAX_K and 4 ** (k + 1) <= sites:
        k += 1
    return k


@dataclass
class OffTargetIndex:
    """PAM sites of one genome, sorted for the seed filter (see the module docstring)."""

    packed: PackedGenome
    pam: str
    side: PamSide
    k: int
    words: np.ndarray
    anchors: np.ndarray
    flags: np.ndarray
    off_a: np.ndarray
    perm_b: np.ndarray
    off_b: np.ndarray
    genome_digest: str
    path: Path | None = None

    @property
    def n_sites(self) -> int:
        """Number of PAM sites (both strands)."""
        return int(self.words.shape[0])

    @property
    def left_plus(self) -> bool:
        """True when plus-strand sites have their spacer left of the PAM (3' PAM)."""
        return self.side == "3prime"


_ARRAYS = ("words", "anchors", "flags", "off_a", "perm_b", "off_b")


def _chunk_bounds(lo: int, hi: int, parts: int) -> np.ndarray:
    parts = max(1, min(parts, (hi - lo) // 100_000 + 1))
    return np.linspace(lo, hi, parts + 1).astype(np.int64)


def _ranges(starts: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Split groups ``0 .. len(starts) - 2`` (group ``g`` = ``starts[g] .. starts[g + 1]``)
    into consecutive runs of at most ``limit`` items (at least one group per run)."""
    out = []
    g, last = 0, starts.shape[0] - 1
    while g < last:
        h = int(np.searchsorted(starts, starts[g] + limit, side="right")) - 1
        h = min(last, max(h, g + 1))
        out.append((g, h))
        g = h
    return out


def _build_arrays(packed: PackedGenome, pam: str, side: PamSide, k: int,
                  alloc: object, progress: Progress | None, *,
                  segment_bases: int | None = None,
                  group_sites: int | None = None) -> dict[str, np.ndarray]:
    """Build the index arrays (see the module docstring) with bounded resident memory.

    1. One walk over the genome counts the sites per (chunk, sub-partition of key A) and per
       sub-partition of key B (small tables: no random access to memory).
    2. A second walk writes each site at its sub-partition's next slot (chunk by chunk, in
       genome order: a few thousand sequential write streams instead of random writes).
    3. Groups of sub-partitions, at most ``group_sites`` sites each, are sorted in memory by
       key A (which gives ``off_a``); the group's site numbers are then scattered the same
       way into ``perm_b`` by sub-partition of key B.
    4. Groups of key-B sub-partitions of ``perm_b`` are sorted in memory by key B
       (``off_b``).

    All sorts are stable, so sites of one key are in genome order (anchor, plus before minus)
    in both orders. ``alloc(name, dtype, n)`` gives the output arrays (memory-mapped files
    for a saved index); their pages, and the genome's, are let go after each step.
    """
    from genetx._numba import thread_limit
    from genetx.edit.offtarget import _kernels as kern

    seg = segment_bases or SEGMENT_BASES
    per_group = group_sites or GROUP_SITES
    codes = packed.codes
    n = codes.shape[0]
    masks = pam_masks(pam)
    masks_minus = _revcomp_masks(masks)
    left_plus = side == "3prime"
    nkeys = 1 << (2 * k)
    shift = max(0, 2 * k - SUB_BITS)
    nsub = nkeys >> shift
    walk_args = (_pam_table(masks), _pam_table(masks_minus), len(pam), left_plus, MIN_CLEAR,
                 k, shift)

    def fresh(name: str, dtype: type, size: int) -> np.ndarray:
        return alloc(name, dtype, size)  # type: ignore[operator, no-any-return]

    with thread_limit() as threads:
        segments = []
        c0 = 0
        for s in range(0, n, seg):
            b = _chunk_bounds(s, min(n, s + seg), 4 * threads)
            segments.append((c0, b))
            c0 += b.shape[0] - 1
        sub_a = np.zeros((c0, nsub), dtype=np.int64)
        sub_b = np.zeros((c0, nsub), dtype=np.int64)
        with resolve(progress).task(f"Counting {pam} sites",
                                    total=float(len(segments))) as task:
            for c, b in segments:
                m = b.shape[0] - 1
                kern.count_sites(codes, b, *walk_args, sub_a[c:c + m], sub_b[c:c + m])
                release(codes, int(b[0]), int(b[-1]), flush=False)
                task.advance(1)
        # first slot of each sub-partition of key A / key B (len nsub + 1)
        first_a = np.zeros(nsub + 1, dtype=np.int64)
        np.cumsum(sub_a.sum(axis=0), out=first_a[1:])
        first_b = np.zeros(nsub + 1, dtype=np.int64)
        np.cumsum(sub_b.sum(axis=0), out=first_b[1:])
        del sub_b
        total = int(first_a[-1])
        # cursor[c, sp]: slot of chunk c's next site in sub-partition sp
        cursor = np.cumsum(sub_a, axis=0) - sub_a + first_a[None, :-1]
        del sub_a
        off_a = np.empty(nkeys + 1, dtype=np.int64)
        off_b = np.empty(nkeys + 1, dtype=np.int64)
        off_a[-1] = off_b[-1] = total
        words = fresh("words", np.uint64, total)
        anchors = fresh("anchors", np.uint32 if n < 2**32 else np.int64, total)
        flags = fresh("flags", np.uint8, total)
        perm_b = fresh("perm_b", np.uint32 if total < 2**32 else np.int64, total)
        low_b = fresh("scratch_low_b", np.uint16, total)
        groups_a = _ranges(first_a, per_group)
        groups_b = _ranges(first_b, per_group)
        cur_b = first_b[:-1].copy()
        with resolve(progress).task(f"Indexing {pam} sites", total=float(
                len(segments) + len(groups_a) + len(groups_b))) as task:
            for c, b in segments:
                m = b.shape[0] - 1
                kern.scatter_sites(codes, b, *walk_args, 0, nsub, cursor[c:c + m], words,
                                   anchors, flags)
                release(codes, int(b[0]), int(b[-1]), flush=False)
                for arr in (words, anchors, flags):
                    release(arr, 0, total, flush=False)
                task.advance(1)
            for sp_lo, sp_hi in groups_a:
                a0, a1 = int(first_a[sp_lo]), int(first_a[sp_hi])
                kern.sort_subpartitions(words, anchors, flags, first_a, off_a, shift, sp_lo,
                                        sp_hi)
                parts = _chunk_bounds(a0, a1, 4 * threads)
                per_part = kern.count_key_b(words, parts, k, shift, nsub)
                cursor_b = np.cumsum(per_part, axis=0) - per_part + cur_b[None, :]
                kern.scatter_key_b(words, parts, k, shift, cursor_b, perm_b, low_b)
                cur_b += per_part.sum(axis=0)
                for arr in (words, anchors, flags):
                    release(arr, a0, a1, flush=False)
                for arr in (perm_b, low_b):
                    release(arr, 0, total, flush=False)
                task.advance(1)
            for sp_lo, sp_hi in groups_b:
                kern.sort_key_b(perm_b, low_b, first_b, off_b, shift, sp_lo, sp_hi)
                release(perm_b, int(first_b[sp_lo]), int(first_b[sp_hi]), flush=False)
                release(low_b, int(first_b[sp_lo]), int(first_b[sp_hi]), flush=False)
                task.advance(1)
    del low_b
    return {"words": words, "anchors": anchors, "flags": flags, "off_a": off_a,
            "perm_b": perm_b, "off_b": off_b}


def build_index_in_memory(packed: PackedGenome, pam: str, side: PamSide = "3prime",
                          k: int | None = None,
                          progress: Progress | None = None) -> OffTargetIndex:
    """Build the index of ``packed`` in memory (no files).

    Parameters
    ----------
    packed
        The packed genome.
    pam
        IUPAC PAM.
    side
        ``3prime`` (Cas9) or ``5prime`` (Cas12a).
    k
        Seed length (default from the genome size).
    progress
        Progress display.

    Returns
    -------
    The index.
    """
    pam = check_pam(pam)
    side = check_side(side)
    k = k or choose_k(packed.size)

    def alloc(_name: str, dtype: type, n: int) -> np.ndarray:
        return np.empty(n, dtype=dtype)

    arr = _build_arrays(packed, pam, side, k, alloc, progress)
    return OffTargetIndex(packed, pam, side, k, genome_digest=packed.digest, **arr)


def index_dir(packed: PackedGenome, pam: str, side: PamSide) -> Path | None:
    """Default folder of an index inside the packed genome's folder (None for in-memory)."""
    if packed.path is None:
        return None
    return packed.path / f"index-{pam}-{side}"


def load_index(directory: Path | str, packed: PackedGenome) -> OffTargetIndex:
    """Open an index folder memory-mapped and check that it belongs to ``packed``.

    Raises
    ------
    BadInputError
        When the folder is not a complete index, or was built from another genome.
    """
    d = Path(directory)
    try:
        meta = json.loads((d / "meta.json").read_text())
    except (OSError, ValueError):
        msg = "not an off-target index folder (meta.json missing or unreadable)"
        raise BadInputError(str(d), msg) from None
    if meta.get("format") != INDEX_VERSION:
        msg = f"index format {meta.get('format')} is not {INDEX_VERSION}; rebuild it"
        raise BadInputError(str(d), msg)
    if meta.get("genome_digest") != packed.digest:
        msg = (f"index was built from another genome ({meta.get('genome_name')!r}, digest "
               f"{str(meta.get('genome_digest'))[:12]}), not {packed.name!r} "
               f"(digest {packed.digest[:12]})")
        raise BadInputError(str(d), msg)
    arrays = {}
    for name in _ARRAYS:
        try:
            # a plain ndarray view of the map: indexing a np.memmap costs a Python call
            arrays[name] = np.load(d / f"{name}.npy", mmap_mode="r").view(np.ndarray)
        except (OSError, ValueError):
            msg = f"index array {name}.npy is missing or damaged; rebuild the index"
            raise BadInputError(str(d), msg) from None
    stated = meta.get("arrays", {})
    for name, arr in arrays.items():
        if stated.get(name) != [arr.dtype.str, int(arr.shape[0])]:
            msg = (f"index array {name}.npy does not have the dtype and length meta.json "
                   "states; rebuild the index")
            raise BadInputError(str(d), msg)
    if arrays["words"].shape[0] != meta["n_sites"]:
        msg = "index arrays do not have the length meta.json states; rebuild the index"
        raise BadInputError(str(d), msg)
    return OffTargetIndex(packed, meta["pam"], meta["side"], int(meta["k"]),
                          genome_digest=meta["genome_digest"], path=d, **arrays)


def build_index(packed: PackedGenome, pam: str, side: PamSide = "3prime",
                directory: Path | str | None = None, *, k: int | None = None,
                progress: Progress | None = None) -> OffTargetIndex:
    """Build the index and write it atomically to ``directory`` (memory-mapped afterwards).

    Parameters
    ----------
    packed
        The packed genome.
    pam
        IUPAC PAM.
    side
        ``3prime`` or ``5prime``.
    directory
        Target folder (default: inside the packed genome's folder; in memory when the packed
        genome has no folder).
    k
        Seed length (default from the genome size).
    progress
        Progress display.

    Returns
    -------
    The index.
    """
    pam = check_pam(pam)
    side = check_side(side)
    d = Path(directory) if directory is not None else index_dir(packed, pam, side)
    if d is None:
        return build_index_in_memory(packed, pam, side, k, progress)
    k = k or choose_k(packed.size)

    def write(tmp: Path) -> None:
        def alloc(name: str, dtype: type, n: int) -> np.ndarray:
            return np.lib.format.open_memmap(tmp / f"{name}.npy", mode="w+", dtype=dtype,
                                             shape=(n,))

        arr = _build_arrays(packed, pam, side, k, alloc, progress)
        (tmp / "scratch_low_b.npy").unlink(missing_ok=True)
        for name in ("off_a", "off_b"):
            np.save(tmp / f"{name}.npy", arr[name])
        for name in ("words", "anchors", "flags", "perm_b"):
            arr[name].flush()
        n_sites = int(arr["words"].shape[0])
        shapes = {name: [a.dtype.str, int(a.shape[0])] for name, a in arr.items()}
        del arr
        meta = {"format": INDEX_VERSION, "pam": pam, "side": side, "k": k,
                "n_sites": n_sites, "genome_digest": packed.digest,
                "genome_name": packed.name, "arrays": shapes}
        (tmp / "meta.json").write_text(json.dumps(meta))

    _write_atomic_dir(d, write)
    return load_index(d, packed)


def open_index(packed: PackedGenome, pam: str, side: PamSide = "3prime",
               directory: Path | str | None = None, *, rebuild: bool = False,
               progress: Progress | None = None) -> OffTargetIndex:
    """The index of ``packed`` for ``pam``: loaded when valid, else built (and saved).

    Parameters
    ----------
    packed
        The packed genome.
    pam
        IUPAC PAM.
    side
        ``3prime`` or ``5prime``.
    directory
        An index folder named by the caller: it must exist and belong to this genome (an
        index of another genome is refused). Default: the cache folder, where a stale or
        damaged index is rebuilt.
    rebuild
        Build anew even when a valid index exists.
    progress
        Progress display for a build.

    Returns
    -------
    The index.
    """
    pam = check_pam(pam)
    side = check_side(side)
    if directory is not None:
        d = Path(directory)
        if (d / "meta.json").is_file() and not rebuild:
            idx = load_index(d, packed)
            if idx.pam != pam or idx.side != side:
                msg = f"index is for PAM {idx.pam} ({idx.side}), not {pam} ({side})"
                raise BadInputError(str(d), msg)
            return idx
        return build_index(packed, pam, side, d, progress=progress)
    d = index_dir(packed, pam, side)
    if d is None:
        return build_index_in_memory(packed, pam, side, progress=progress)
    if not rebuild and (d / "meta.json").is_file():
        try:
            return load_index(d, packed)
        except BadInputError:
            pass  # stale or damaged cache: rebuild below
    return build_index(packed, pam, side, d, progress=progress)


__all__ = ["MIN_CLEAR", "OffTargetIndex", "PamSide", "build_index", "build_index_in_memory",
           "check_pam", "check_side", "choose_k", "index_dir", "load_index", "open_index",
           "pam_masks"]
