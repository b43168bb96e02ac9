"""A genome packed into one byte per base, memory-mapped, for the search engines.

Every record of a :class:`~genetx.genome.Genome` is encoded as codes ``A=0, C=1, G=2, T=3`` and
``4`` for anything else (``N`` and other IUPAC letters). Soft-masked (lower-case) bases get the
code of their upper case. The records are concatenated into one array with a single ``4``
between records and at both ends, so that a window that crosses a record end always contains
an ``N`` code and no engine needs to know where records end.

On disk a packed genome is a folder with ``codes.npy`` (opened memory-mapped) and ``meta.json``
(record names, lengths, offsets, chromosome placement and a BLAKE2b digest of the codes). It is
written into a temporary folder that is renamed into place only when complete, so a crash never
leaves a half-written packed genome that is used. The folder name is derived from the source
file's path, size and modification time, so a changed source file gets a fresh pack; on load a
few windows are re-read from the source and compared, and a disagreement rebuilds the pack.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from genetx.errors import BadInputError
from genetx.progress import resolve
from genetx.settings import settings

if TYPE_CHECKING:
    from genetx.genome._base import Genome
    from genetx.progress import Progress

#: Code of a base that is not A, C, G or T (and of the separators between records).
CODE_N = 4
#: Letters of the codes 0-4.
CODE_LETTERS = np.frombuffer(b"ACGTN", dtype=np.uint8)
FORMAT_VERSION = 1
_CHUNK = 4_000_000
_SPOT_CHECKS = 8
_SPOT_LEN = 64
#: Packs up to this many bases are verified in full (digest) each time they are opened.
FULL_CHECK_BASES = 100_000_000


def _make_lut() -> np.ndarray:
    lut = np.full(256, CODE_N, dtype=np.uint8)
    for code, letter in enumerate("ACGT"):
        lut[ord(letter)] = code
        lut[ord(letter.lower())] = code
    return lut


#: Byte -> code lookup table (case-insensitive).
ENCODE_LUT = _make_lut()


def encode(seq: str) -> np.ndarray:
    """Codes (uint8, 0-4) of a sequence; lower case is treated as upper case.

    Examples
    --------
    >>> encode("ACgtN").tolist()
    [0, 1, 2, 3, 4]
    """
    return ENCODE_LUT[np.frombuffer(seq.encode("ascii", "replace"), dtype=np.uint8)]


def decode(codes: np.ndarray) -> str:
    """Upper-case letters of codes 0-4 (``N`` for 4)."""
    return CODE_LETTERS[np.asarray(codes, dtype=np.intp)].tobytes().decode("ascii")


@dataclass
class PackedGenome:
    """One byte per base, all records concatenated (see the module docstring).

    Attributes
    ----------
    codes
        uint8 array (memory-mapped when loaded from disk).
    records
        Stored record names, in genome order.
    starts
        int64 offset of each record's first base in ``codes`` (length ``len(records)``).
    lengths
        int64 record lengths.
    chroms
        Chromosome each record lies on (``chrX`` for a record ``chrX:31117221-33344609``).
    chrom_offsets
        int64 chromosome coordinate of each record's first base.
    digest
        BLAKE2b digest of the record names, lengths and codes: the identity of the sequence.
    name
        Genome name.
    path
        Folder the pack lives in, or None when held in memory only.
    """

    codes: np.ndarray
    records: tuple[str, ...]
    starts: np.ndarray
    lengths: np.ndarray
    chroms: tuple[str, ...]
    chrom_offsets: np.ndarray
    digest: str
    name: str = ""
    path: Path | None = None

    @property
    def size(self) -> int:
        """Total number of bases in the records (separators not counted)."""
        return int(self.lengths.sum())

    def record_index(self, positions: np.ndarray) -> np.ndarray:
        """Index of the record holding each global position of ``codes``."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def to_chrom(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Record index and chromosome coordinate of global positions (record bases only)."""
        rec = self.record_index(positions)
        return rec, positions - self.starts[rec] + self.chrom_offsets[rec]

    def fetch(self, record: int, start: int, end: int) -> str:
        """Upper-case bases ``[start, end)`` of record number ``record`` (record coordinates)."""
        base = int(self.starts[record])
        return decode(self.codes[base + start: base + end])


def release(arr: np.ndarray, lo: int, hi: int, *, flush: bool = True) -> None:
    """Drop the resident pages of ``arr[lo:hi]`` when it is file-mapped.

    Keeps the resident memory of a pack or index build bounded (a no-op for in-memory
    arrays). With ``flush`` a writable map's pages are first written to disk (``msync``);
    without it dirty pages stay in the page cache and the kernel writes them back when it
    likes (the data is never lost: the map is shared).
    """
    base = arr
    while base is not None and not isinstance(base, np.memmap):
        base = getattr(base, "base", None)
    mm = getattr(base, "_mmap", None)
    if mm is None or hi <= lo:
        return
    item = arr.itemsize
    skip = int(getattr(base, "offset", 0)) % mmap.ALLOCATIONGRANULARITY
    page = mmap.PAGESIZE
    a = ((skip + lo * item) // page) * page
    length = skip + hi * item - a
    try:
        if flush and isinstance(base, np.memmap) and base.mode in ("w+", "r+"):
            mm.flush(a, min(length, len(mm) - a))
        mm.madvise(mmap.MADV_DONTNEED, a, min(length, len(mm) - a))
    except (OSError, ValueError, AttributeError):
        pass


def _digest_update(h: hashlib._Hash, names: list[str], lengths: list[int]) -> None:
    h.update(json.dumps([names, lengths]).encode())


def _layout(genome: Genome) -> tuple[list[str], list[int], list[str], list[int], np.ndarray]:
    segs = genome.segments()
    if not segs:
        msg = "the genome has no sequences"
        raise BadInputError(genome.name or genome.source, msg)
    names = [s.record for s in segs]
    lengths = [int(s.length) for s in segs]
    chroms = [s.chrom for s in segs]
    offsets = [int(s.offset) for s in segs]
    starts = np.zeros(len(segs), dtype=np.int64)
    pos = 1
    for i, n in enumerate(lengths):
        starts[i] = pos
        pos += n + 1
    return names, lengths, chroms, offsets, starts


def _fill_codes(genome: Genome, codes: np.ndarray, names: list[str], lengths: list[int],
                starts: np.ndarray, progress: Progress | None) -> str:
    h = hashlib.blake2b(digest_size=16)
    _digest_update(h, names, lengths)
    codes[0] = CODE_N
    with resolve(progress).task(f"Packing {genome.name or 'genome'}",
                                total=float(sum(lengths))) as task:
        for i, (rec, n) in enumerate(zip(names, lengths, strict=True)):
            base = int(starts[i])
            for s in range(0, n, _CHUNK):
                e = min(n, s + _CHUNK)
                chunk = encode(genome._read(rec, s, e))  # record coordinates
                if len(chunk) != e - s:
                    msg = f"record {rec!r} returned {len(chunk)} bases for {s}-{e}"
                    raise BadInputError(genome.name or genome.source, msg)
                codes[base + s: base + e] = chunk
                h.update(chunk.tobytes())
                release(codes, base + s, base + e, flush=False)
                task.advance(e - s)
            codes[base + n] = CODE_N
    return h.hexdigest()


def pack_in_memory(genome: Genome, progress: Progress | None = None) -> PackedGenome:
    """Pack ``genome`` into memory without touching the disk.

    Parameters
    ----------
    genome
        Any :class:`~genetx.genome.Genome`.
    progress
        Progress display.

    Returns
    -------
    The packed genome (``path`` is None).
    """
    names, lengths, chroms, offsets, starts = _layout(genome)
    codes = np.empty(int(starts[-1]) + lengths[-1] + 1, dtype=np.uint8)
    digest = _fill_codes(genome, codes, names, lengths, starts, progress)
    return PackedGenome(codes, tuple(names), starts, np.asarray(lengths, dtype=np.int64),
                        tuple(chroms), np.asarray(offsets, dtype=np.int64), digest,
                        genome.name)


def _source_key(genome: Genome) -> str | None:
    """Identity of a file-backed genome's source (path, size, mtime), or None."""
    src = genome.source
    if not src or src.startswith(("memory:", "embedded:")):
        return None
    try:
        st = Path(src).stat()
    except OSError:
        return None
    text = f"{Path(src).resolve()}|{st.st_size}|{st.st_mtime_ns}"
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "genome"


def default_pack_dir(genome: Genome) -> Path | None:
    """Folder for the pack of a file-backed genome under ``settings.genomes_dir``, else None."""
    key = _source_key(genome)
    if key is None:
        return None
    stem = genome.name or Path(genome.source).name
    return settings.genomes_dir / _safe(stem) / f"packed-{key}"


def load_packed(directory: Path | str) -> PackedGenome:
    """Open a packed genome folder (``codes.npy`` memory-mapped).

    Raises
    ------
    BadInputError
        When the folder is not a complete packed genome of this format version.
    """
    d = Path(directory)
    try:
        meta = json.loads((d / "meta.json").read_text())
    except (OSError, ValueError) as exc:
        msg = f"not a packed genome folder ({exc.__class__.__name__})"
        raise BadInputError(str(d), msg) from None
    if meta.get("format") != FORMAT_VERSION:
        msg = f"packed genome format {meta.get('format')} is not {FORMAT_VERSION}"
        raise BadInputError(str(d), msg)
    codes = np.load(d / "codes.npy", mmap_mode="r").view(np.ndarray)
    if codes.shape[0] != meta["total"]:
        msg = "codes.npy does not have the length its meta.json states"
        raise BadInputError(str(d), msg)
    return PackedGenome(codes, tuple(meta["records"]), np.asarray(meta["starts"], np.int64),
                        np.asarray(meta["lengths"], np.int64), tuple(meta["chroms"]),
                        np.asarray(meta["chrom_offsets"], np.int64), meta["digest"],
                        meta.get("name", ""), d)


def codes_digest(packed: PackedGenome) -> str:
    """Recompute the digest of a pack from its codes (what ``meta.json`` must state)."""
    h = hashlib.blake2b(digest_size=16)
    _digest_update(h, list(packed.records), packed.lengths.tolist())
    for start, n in zip(packed.starts.tolist(), packed.lengths.tolist(), strict=True):
        for s in range(0, n, _CHUNK):
            h.update(packed.codes[start + s: start + min(n, s + _CHUNK)].tobytes())
    return h.hexdigest()


def _spot_check(packed: PackedGenome, genome: Genome) -> bool:
    """Check a pack against its source: the record layout, the digest of the whole pack when
    it is small (up to :data:`FULL_CHECK_BASES`), and a few windows re-read from the source."""
    recs = genome.records()
    lengths = [recs[r] for r in packed.records] if tuple(recs) == packed.records else None
    if lengths != packed.lengths.tolist():
        return False
    if packed.size <= FULL_CHECK_BASES and codes_digest(packed) != packed.digest:
        return False
    rng = np.random.default_rng(int(packed.digest[:8], 16))
    for _ in range(_SPOT_CHECKS):
        i = int(rng.integers(len(packed.records)))
        n = int(packed.lengths[i])
        s = int(rng.integers(max(1, n - _SPOT_LEN + 1)))
        e = min(n, s + _SPOT_LEN)
        if not np.array_equal(encode(genome._read(packed.records[i], s, e)),
                              packed.codes[packed.starts[i] + s: packed.starts[i] + e]):
            return False
    return True


def _write_atomic_dir(target: Path, write: object) -> None:
    """Create ``target`` by filling a temporary sibling folder and renaming it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        write(tmp)  # type: ignore[operator]
        if target.exists():
            shutil.rmtree(target)
        tmp.replace(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def pack_genome(genome: Genome, directory: Path | str | None = None, *,
                rebuild: bool = False, progress: Progress | None = None) -> PackedGenome:
    """The packed form of ``genome``, built once and memory-mapped from disk afterwards.

    Parameters
    ----------
    genome
        Any genome. File-backed genomes are cached under ``settings.genomes_dir``; others
        (in-memory genomes) are packed in memory unless ``directory`` is given.
    directory
        Folder to keep the pack in (default: derived from the source file).
    rebuild
        Rebuild even when a valid pack exists.
    progress
        Progress display for the build.

    Returns
    -------
    The packed genome.
    """
    d = Path(directory) if directory is not None else default_pack_dir(genome)
    if d is None:
        return pack_in_memory(genome, progress)
    if not rebuild and (d / "meta.json").is_file():
        try:
            packed = load_packed(d)
        except BadInputError:
            packed = None
        if packed is not None and _spot_check(packed, genome):
            return packed
    names, lengths, chroms, offsets, starts = _layout(genome)
    total = int(starts[-1]) + lengths[-1] + 1

    def write(tmp: Path) -> None:
        codes = np.lib.format.open_memmap(tmp / "codes.npy", mode="w+", dtype=np.uint8,
                                          shape=(total,))
        digest = _fill_codes(genome, codes, names, lengths, starts, progress)
        codes.flush()
        del codes
        meta = {"format": FORMAT_VERSION, "name": genome.name, "source": genome.source,
                "records": names, "lengths": lengths, "chroms": chroms,
                "chrom_offsets": offsets, "starts": starts.tolist(), "total": total,
                "digest": digest}
        (tmp / "meta.json").write_text(json.dumps(meta))

    _write_atomic_dir(d, write)
    return load_packed(d)


__all__ = ["CODE_N", "ENCODE_LUT", "PackedGenome", "codes_digest", "decode", "default_pack_dir",
           "encode", "load_packed", "pack_genome", "pack_in_memory", "release"]
