"""Reader and writer of the UCSC 2bit format (memory-mapped, random access, case and N kept).

Layout of a 2bit file, as documented by UCSC (https://genome.ucsc.edu/FAQ/FAQformat.html#format7
and the ``twoBit`` library of the Kent source tree, which defines version 1):

* header: four 32-bit words: signature ``0x1A412743``, version (0; 1 = 64-bit offsets),
  sequence count, reserved. The byte order of the whole file is the one in which the signature
  reads correctly, so files written on either kind of machine can be read;
* index, one entry per sequence: name length (1 byte), name, offset of the record (32 bits,
  64 bits in version 1);
* record: ``dnaSize``, ``nBlockCount``, ``nBlockStarts[]``, ``nBlockSizes[]``,
  ``maskBlockCount``, ``maskBlockStarts[]``, ``maskBlockSizes[]``, reserved (all 32-bit), then the
  bases packed four to a byte, first base in the two most significant bits, ``T=0 C=1 A=2 G=3``.

N blocks say where the stored bases are really ``N``; mask blocks say where they are soft-masked
(lower case). Both are applied on every fetch, so sequences come back exactly as the FASTA they
were made from (``n`` where a masked region holds N, as UCSC's own tools write it).
"""

from __future__ import annotations

import bisect
import mmap
import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from genetx.errors import BadInputError, InvalidSequenceError, MalformedFileError
from genetx.genome._base import Genome
from genetx.genome._files import atomic_output, cached_sha256

if TYPE_CHECKING:
    from collections.abc import Mapping

    from genetx.progress import Progress

SIGNATURE = 0x1A412743
_MAX_SEQ = 2**32 - 1  # dnaSize and block fields are 32-bit in both versions
_ENCODE_CHUNK = 1 << 24  # bases encoded per step by the writer (a multiple of 4)

# decoding: byte -> four ASCII letters
_LETTERS = np.frombuffer(b"TCAG", dtype=np.uint8)
_DECODE = np.empty((256, 4), dtype=np.uint8)
for _b in range(256):
    _DECODE[_b] = _LETTERS[[(_b >> 6) & 3, (_b >> 4) & 3, (_b >> 2) & 3, _b & 3]]

# encoding: ASCII -> 0..3 for T C A G (either case), 4 for N, 5 for other IUPAC codes, 255 invalid
_ENCODE = np.full(256, 255, dtype=np.uint8)
for _i, _ch in enumerate("TCAG"):
    _ENCODE[ord(_ch)] = _ENCODE[ord(_ch.lower())] = _i
_ENCODE[ord("N")] = _ENCODE[ord("n")] = 4
for _ch in "RYSWKMBDHV":
    _ENCODE[ord(_ch)] = _ENCODE[ord(_ch.lower())] = 5

_DECODE_BYTES = [bytes(row) for row in _DECODE]
#: Runs per step of the coarse index of a block table.
_STRIDE = 64
#: Fetches spanning at most this many packed bytes decode through ``_DECODE_BYTES``.
_SHORT_BYTES = 16
#: Above this many overlapping blocks a fetch applies them with numpy instead of slice by slice.
_FEW_BLOCKS = 16


class _Blocks:
    """Sorted, disjoint ``[start, end)`` runs with a fast scalar lookup.

    A whole-genome mask table holds millions of runs; bisecting it directly costs a cache miss
    per probe. A coarse copy of every ``_STRIDE``-th end (small enough to stay in cache) narrows
    the search to one stretch of ``_STRIDE`` runs first.
    """

    __slots__ = ("coarse", "ends", "ev", "n", "starts", "sv")

    def __init__(self, starts: np.ndarray, ends: np.ndarray) -> None:
        # 2bit positions are 32-bit, so uint32 halves the memory of big mask tables
        self.starts = np.ascontiguousarray(starts, dtype=np.uint32)
        self.ends = np.ascontiguousarray(ends, dtype=np.uint32)
        self.sv = memoryview(self.starts)
        self.ev = memoryview(self.ends)
        self.n = int(self.starts.size)
        self.coarse = memoryview(np.ascontiguousarray(self.ends[::_STRIDE]))

    def overlapping(self, start: int, end: int) -> tuple[int, int]:
        """Index range ``[i0, i1)`` of the runs that overlap ``[start, end)``."""
        n = self.n
        if n == 0:
            return 0, 0
        j = bisect.bisect_right(self.coarse, start)
        lo = (j - 1) * _STRIDE + 1 if j else 0
        i0 = bisect.bisect_right(self.ev, start, lo, min(n, j * _STRIDE + 1))
        sv = self.sv
        if i0 == n or sv[i0] >= end:
            return i0, i0
        if i0 + 1 == n or sv[i0 + 1] >= end:  # the usual case for a short fetch
            return i0, i0 + 1
        return i0, bisect.bisect_left(sv, end, i0 + 1)


@dataclass(frozen=True)
class _Record:
    """Where one record's bases lie in the file, with its N and mask blocks."""

    dna: int
    size: int
    n: _Blocks
    mask: _Blocks


def _merge_blocks(starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, disjoint ``[start, end)`` runs covering the given blocks (empty blocks dropped)."""
    starts = starts.astype(np.int64)
    ends = starts + sizes.astype(np.int64)
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if starts.size < 2:
        return starts, ends
    if not (np.all(starts[1:] >= ends[:-1])):
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        reach = np.maximum.accumulate(ends)
        new = np.empty(starts.size, dtype=bool)
        new[0] = True
        new[1:] = starts[1:] > reach[:-1]
        group = np.cumsum(new) - 1
        ends = np.zeros(int(group[-1]) + 1, dtype=np.int64)
        np.maximum.at(ends, group, reach)
        starts = starts[new]
    # touching runs are one run
    join = starts[1:] == ends[:-1]
    if join.any():
        first = np.concatenate(([True], ~join))
        last = np.concatenate((~join, [True]))
        starts, ends = starts[first], ends[last]
    return starts, ends


class TwoBitGenome(Genome):
    """A genome stored in a UCSC 2bit file, with random access on both strands.

    Opening memory-maps the file and reads only the header and index; each record's N and mask
    tables are read from the map the first time the record is fetched. Bases are read with
    ``pread``, so memory use does not grow with the part of the genome visited. Both byte
    orders and both versions (32- and 64-bit offsets) are read.

    Parameters
    ----------
    path
        The ``.2bit`` file.
    name
        Name used in messages (default: the file name without ``.2bit``).

    Examples
    --------
    >>> g = TwoBitGenome("sacCer3.2bit")                          # doctest: +SKIP
    >>> g.fetch("chrM", 0, 10), g.fetch("chrM", 0, 10, "-")       # doctest: +SKIP
    ('TTCATAATTA', 'TAATTATGAA')
    """

    def __init__(self, path: str | Path, *, name: str | None = None) -> None:
        self.path = Path(path)
        self.source = str(self.path)
        self.name = name or (self.path.name[:-5] if self.path.name.endswith(".2bit")
                             else self.path.stem)
        label = str(self.path)
        self._fd: int | None = None
        self._mm: mmap.mmap | None = None
        self._cache: dict[str, _Record] = {}
        try:
            self._fd = os.open(self.path, os.O_RDONLY)
            st = os.fstat(self._fd)
            size = st.st_size
            if not stat.S_ISREG(st.st_mode):
                self.close()
                msg = "is a folder, not a 2bit file" if stat.S_ISDIR(st.st_mode) else \
                    "is not a regular file"
                raise BadInputError(label, msg)
            if size == 0:
                self.close()
                msg = "is empty (not a 2bit file)"
                raise MalformedFileError(label, msg)
            self._mm = mmap.mmap(self._fd, 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            msg = "file not found"
            raise BadInputError(label, msg) from None
        except IsADirectoryError:
            msg = "is a folder, not a 2bit file"
            raise BadInputError(label, msg) from None
        self._size = size
        try:
            self._read_index()
        except BaseException:
            self.close()
            raise

    # -- parsing -------------------------------------------------------------------------
    def _bad(self, reason: str) -> MalformedFileError:
        return MalformedFileError(str(self.path), reason)

    def _unpack(self, fmt: str, offset: int) -> tuple[int, ...]:
        n = struct.calcsize(self._bo + fmt)
        if offset + n > self._size:
            msg = f"truncated 2bit file: needs {offset + n:,} bytes, has {self._size:,}"
            raise self._bad(msg)
        return struct.unpack_from(self._bo + fmt, self._mm, offset)  # type: ignore[arg-type]

    def _read_index(self) -> None:
        if self._size < 16:
            msg = f"truncated 2bit file: {self._size} bytes, shorter than the 16-byte header"
            raise self._bad(msg)
        mm = self._mm
        assert mm is not None
        if struct.unpack_from("<I", mm, 0)[0] == SIGNATURE:
            self._bo = "<"
        elif struct.unpack_from(">I", mm, 0)[0] == SIGNATURE:
            self._bo = ">"
        else:
            msg = "not a 2bit file (the first 4 bytes are not the 2bit signature 0x1A412743)"
            raise self._bad(msg)
        version, count, _reserved = self._unpack("III", 4)
        if version not in (0, 1):
            msg = f"unsupported 2bit version {version} (this reader knows versions 0 and 1)"
            raise self._bad(msg)
        self.version = version
        off_fmt = "I" if version == 0 else "Q"
        off_len = 4 if version == 0 else 8
        pos = 16
        names: list[str] = []
        offsets: list[int] = []
        for i in range(count):
            (nlen,) = self._unpack("B", pos)
            if pos + 1 + nlen + off_len > self._size:
                msg = (f"truncated 2bit file: the index ends inside entry {i + 1} of {count:,}")
                raise self._bad(msg)
            raw = bytes(mm[pos + 1: pos + 1 + nlen])
            try:
                rec_name = raw.decode("ascii")
            except UnicodeDecodeError:
                msg = f"index entry {i + 1} has a name that is not ASCII: {raw!r}"
                raise self._bad(msg) from None
            if not rec_name:
                msg = f"index entry {i + 1} has an empty name"
                raise self._bad(msg)
            (off,) = struct.unpack_from(self._bo + off_fmt, mm, pos + 1 + nlen)
            names.append(rec_name)
            offsets.append(off)
            pos += 1 + nlen + off_len
        if len(set(names)) != len(names):
            seen: set[str] = set()
            dup = next(n for n in names if n in seen or seen.add(n))  # type: ignore[func-returns-value]
            msg = f"duplicate record name {dup!r} in the index"
            raise self._bad(msg)
        offs = np.asarray(offsets, dtype=np.int64)
        if offs.size and (offs.min() < pos or offs.max() + 8 > self._size):
            bad = names[int(np.argmax((offs < pos) | (offs + 8 > self._size)))]
            msg = (f"record {bad!r} starts outside the file (offset past the end: the file is "
                   "truncated or corrupt)")
            raise self._bad(msg)
        if offs.size:
            u8 = np.frombuffer(mm, dtype=np.uint8)
            b = u8[offs[:, None] + np.arange(4)].astype(np.uint32)
            del u8
            if self._bo == "<":
                sizes = b[:, 0] | b[:, 1] << 8 | b[:, 2] << 16 | b[:, 3] << 24
            else:
                sizes = b[:, 3] | b[:, 2] << 8 | b[:, 1] << 16 | b[:, 0] << 24
        else:
            sizes = np.zeros(0, dtype=np.uint32)
        self._offsets = dict(zip(names, offsets, strict=True))
        self._records = dict(zip(names, (int(s) for s in sizes), strict=True))

    def _record(self, record: str) -> _Record:
        rec = self._cache.get(record)
        if rec is not None:
            return rec
        if self._mm is None:
            msg = "the 2bit file is closed"
            raise BadInputError(str(self.path), msg)
        pos = self._offsets[record]
        size, n_count = self._unpack("II", pos)
        pos += 8
        n_starts, n_sizes = self._blocks(record, n_count, pos, "N")
        pos += 8 * n_count
        (m_count,) = self._unpack("I", pos)
        pos += 4
        m_starts, m_sizes = self._blocks(record, m_count, pos, "mask")
        pos += 8 * m_count + 4  # blocks, reserved word
        packed = (size + 3) // 4
        if pos + packed > self._size:
            msg = (f"truncated 2bit file: record {record!r} needs bytes up to {pos + packed:,}, "
                   f"the file has {self._size:,}")
            raise self._bad(msg)
        for kind, st, sz in (("N", n_starts, n_sizes), ("mask", m_starts, m_sizes)):
            if st.size and int((st.astype(np.int64) + sz).max()) > size:
                msg = f"record {record!r} has a {kind} block past its end ({size:,} bp)"
                raise self._bad(msg)
        ns, ne = _merge_blocks(n_starts, n_sizes)
        ms, me = _merge_blocks(m_starts, m_sizes)
        rec = _Record(pos, size, _Blocks(ns, ne), _Blocks(ms, me))
        self._cache[record] = rec
        return rec

    def _blocks(self, record: str, count: int, pos: int,
                kind: str) -> tuple[np.ndarray, np.ndarray]:
        if pos + 8 * count > self._size:
            msg = f"truncated 2bit file: the {kind} blocks of record {record!r} run past the end"
            raise self._bad(msg)
        dt = np.dtype(self._bo + "u4")
        starts = np.frombuffer(self._mm, dtype=dt, count=count, offset=pos)  # type: ignore[arg-type]
        sizes = np.frombuffer(self._mm, dtype=dt, count=count, offset=pos + 4 * count)  # type: ignore[arg-type]
        return starts.astype(np.int64), sizes.astype(np.int64)

    def __reduce__(self) -> tuple:
        """Pickle as the path: the copy maps the file again (for worker processes)."""
        return (_reopen_twobit, (str(self.path), self.name))

    # -- Genome contract -------------------------------------------------------------------
    def records(self) -> dict[str, int]:
        """Record names mapped to their lengths, in file order (do not modify the dict)."""
        return self._records

    def _read(self, record: str, start: int, end: int) -> str:
        if end <= start:
            return ""
        rec = self._cache.get(record) or self._record(record)
        b0 = start >> 2
        b1 = (end + 3) >> 2
        # bases are read with pread, not through the map: the process then does not keep
        # every page it ever touched resident (random k-mers touch the whole file)
        raw = os.pread(self._fd, b1 - b0, rec.dna + b0)  # type: ignore[arg-type]
        if b1 - b0 <= _SHORT_BYTES:
            # short fetch (the 23-mer case): a table lookup per packed byte (at most 16 of
            # them) costs less than numpy's per-call overhead
            letters = b"".join([_DECODE_BYTES[b] for b in raw])
        else:
            letters = _DECODE[np.frombuffer(raw, dtype=np.uint8)].tobytes()
        cut = start - (b0 << 2)
        letters = letters[cut: cut + end - start]
        n0, n1 = rec.n.overlapping(start, end)
        m0, m1 = rec.mask.overlapping(start, end)
        if n1 == n0 and m1 == m0:
            return letters.decode("ascii")
        buf = bytearray(letters)
        if n1 > n0:
            _apply(buf, start, end, rec.n, n0, n1, upper=True)
        if m1 > m0:
            _apply(buf, start, end, rec.mask, m0, m1, upper=False)
        return buf.decode("ascii")

    def close(self) -> None:
        """Release the memory map and the file handle."""
        self._cache.clear()
        mm, self._mm = getattr(self, "_mm", None), None
        if mm is not None:
            try:
                mm.close()
            except BufferError:  # a numpy view is still alive somewhere; the GC unmaps it
                pass
        fd, self._fd = getattr(self, "_fd", None), None
        if fd is not None:
            os.close(fd)

    # -- extras ---------------------------------------------------------------------------
    def validate(self) -> None:
        """Read every record's header and block tables; raise when any lies outside the file."""
        for rec in self._records:
            self._record(rec)

    def blocks(self, record: str) -> dict[str, list[tuple[int, int]]]:
        """N and soft-mask runs of a stored record, as 0-based half-open ``(start, end)`` pairs."""
        if record not in self._records:
            msg = f"record not in genome {self.name!r}"
            raise BadInputError(record, msg)
        rec = self._record(record)
        return {
            "N": list(zip(rec.n.starts.tolist(), rec.n.ends.tolist(), strict=True)),
            "mask": list(zip(rec.mask.starts.tolist(), rec.mask.ends.tolist(), strict=True)),
        }

    def fingerprint(self, progress: Progress | None = None) -> str:
        """SHA-256 of the 2bit file's bytes (``sha256:<hex>``).

        It covers every stored base, N block, mask block and name. It is computed once per
        version of the file (path, size and mtime) and then read from the cache.
        """
        return cached_sha256(self.path, progress)


def _reopen_twobit(path: str, name: str) -> TwoBitGenome:
    return TwoBitGenome(path, name=name)


def _apply(buf: bytearray, start: int, end: int, blocks: _Blocks, i0: int, i1: int, *,
           upper: bool) -> None:
    """Write N (``upper``) or lower-case the parts of ``buf`` (= bases ``[start, end)``) covered
    by runs ``i0..i1-1``: slice by slice for a few runs, with numpy for many."""
    if i1 - i0 <= _FEW_BLOCKS:
        for j in range(i0, i1):
            a = max(blocks.sv[j], start) - start
            b = min(blocks.ev[j], end) - start
            buf[a:b] = b"N" * (b - a) if upper else buf[a:b].lower()
        return
    arr = np.frombuffer(buf, dtype=np.uint8)
    delta = np.zeros(end - start + 1, dtype=np.int32)
    starts = blocks.starts[i0:i1].astype(np.int64)
    ends = blocks.ends[i0:i1].astype(np.int64)
    np.add.at(delta, np.clip(starts - start, 0, None), 1)
    np.add.at(delta, np.minimum(ends, end) - start, -1)
    inside = np.cumsum(delta[:-1]) > 0
    if upper:
        arr[inside] = ord("N")
    else:
        arr[inside] |= 0x20  # ASCII letters: set the lower-case bit


# -- writer -------------------------------------------------------------------------------


class _NeedsVersion1(Exception):
    """Raised inside the writer when a version-0 file would need offsets beyond 32 bits."""


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the runs of True in a boolean array."""
    if not mask.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    d = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(d == 1).astype(np.int64), np.flatnonzero(d == -1).astype(np.int64)


def _join_runs(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.concatenate([p[0] for p in parts])
    ends = np.concatenate([p[1] for p in parts])
    return _merge_blocks(starts, ends - starts)


def _encode(name: str, seq: str, ambiguous: str) -> tuple[int, tuple, tuple, list[bytes]]:
    """Pack one sequence: its length, N runs, mask runs and packed byte pieces."""
    n = len(seq)
    if n > _MAX_SEQ:
        msg = f"is {n:,} bp; the 2bit format stores at most {_MAX_SEQ:,} bp per record"
        raise InvalidSequenceError(name, msg)
    n_parts: list[tuple[np.ndarray, np.ndarray]] = []
    m_parts: list[tuple[np.ndarray, np.ndarray]] = []
    packed: list[bytes] = []
    for off in range(0, n, _ENCODE_CHUNK):
        piece = seq[off: off + _ENCODE_CHUNK]
        try:
            raw = piece.encode("ascii")
        except UnicodeEncodeError as exc:
            msg = (f"letter {piece[exc.start]!r} at position {off + exc.start + 1:,} is not an "
                   "IUPAC nucleotide code")
            raise InvalidSequenceError(name, msg) from None
        arr = np.frombuffer(raw, dtype=np.uint8)
        code = _ENCODE[arr]
        limit = 5 if ambiguous == "N" else 4
        bad = np.flatnonzero(code > limit)
        if bad.size:
            i = int(bad[0])
            kind = ("an IUPAC nucleotide code" if code[i] == 255 else
                    "storable in 2bit (only A, C, G, T and N; pass ambiguous='N' to store other "
                    "IUPAC codes as N)")
            msg = f"letter {chr(arr[i])!r} at position {off + i + 1:,} is not {kind}"
            raise InvalidSequenceError(name, msg)
        is_n = code >= 4
        ns, ne = _runs(is_n)
        ms, me = _runs(arr >= 97)  # lower case (every letter that passed the table)
        if ns.size:
            n_parts.append((ns + off, ne + off))
        if ms.size:
            m_parts.append((ms + off, me + off))
        two = np.where(is_n, 0, code).astype(np.uint8)
        pad = (-two.size) % 4
        if pad:
            two = np.concatenate((two, np.zeros(pad, dtype=np.uint8)))
        q = two.reshape(-1, 4)
        packed.append(((q[:, 0] << 6) | (q[:, 1] << 4) | (q[:, 2] << 2) | q[:, 3])
                      .astype(np.uint8).tobytes())
    return n, _join_runs(n_parts), _join_runs(m_parts), packed


def write_twobit(path: str | Path, records: Mapping[str, str], *,
                 version: Literal[0, 1] | None = None,
                 byteorder: Literal["<", ">"] = "<",
                 ambiguous: Literal["error", "N"] = "error") -> Path:
    """Write sequences to a UCSC 2bit file, keeping N runs and soft-masked lower case.

    Records are read from ``records`` one at a time and packed in pieces, so a mapping that
    loads sequences lazily (for example from a :class:`~genetx.genome.Genome`) keeps memory
    bounded by one record. The file is written to a temporary sibling and renamed at the end.

    Parameters
    ----------
    path
        Output file (conventionally ``.2bit``).
    records
        Record names (1-255 ASCII characters) mapped to sequences (A, C, G, T, N in either case).
    version
        0 (32-bit offsets, what most tools read) or 1 (64-bit offsets, for files over 4 GiB).
        ``None`` writes version 0 and switches to 1 only when the file needs it.
    byteorder
        ``"<"`` little-endian (what UCSC tools write on common machines) or ``">"`` big-endian.
    ambiguous
        What to do with IUPAC codes other than N (R, Y, ...), which 2bit cannot store:
        ``"error"`` raises :class:`~genetx.errors.InvalidSequenceError`, ``"N"`` stores them as N.

    Returns
    -------
    The path written.
    """
    out = Path(path)
    names = list(records)
    seen: set[str] = set()
    for rec_name in names:
        try:
            nb = len(rec_name.encode("ascii"))
        except UnicodeEncodeError:
            msg = "record names in a 2bit file must be ASCII"
            raise BadInputError(rec_name, msg) from None
        if not 1 <= nb <= 255 or any(c.isspace() for c in rec_name):
            msg = "record names in a 2bit file must be 1-255 characters without spaces"
            raise BadInputError(rec_name, msg)
        if rec_name in seen:
            msg = "duplicate record name"
            raise BadInputError(rec_name, msg)
        seen.add(rec_name)
    opt_ambiguous, opt_byteorder, opt_version = "ambiguous", "byteorder", "version"
    if ambiguous not in ("error", "N"):
        msg = f"ambiguous must be 'error' or 'N', got {ambiguous!r}"
        raise BadInputError(opt_ambiguous, msg)
    if byteorder not in ("<", ">"):
        msg = f"byteorder must be '<' or '>', got {byteorder!r}"
        raise BadInputError(opt_byteorder, msg)
    if version not in (None, 0, 1):
        msg = f"version must be 0 or 1, got {version!r}"
        raise BadInputError(opt_version, msg)
    try:
        _write(out, names, records, 0 if version is None else version, byteorder, ambiguous,
               auto=version is None)
    except _NeedsVersion1:
        _write(out, names, records, 1, byteorder, ambiguous, auto=False)
    return out


def _write(out: Path, names: list[str], records: Mapping[str, str], version: int, bo: str,
           ambiguous: str, *, auto: bool) -> None:
    off_fmt = bo + ("I" if version == 0 else "Q")
    limit = 2**32 - 1 if version == 0 else 2**64 - 1
    with atomic_output(out, "wb") as fh:
        fh.write(struct.pack(bo + "IIII", SIGNATURE, version, len(names), 0))
        index_at = fh.tell()
        for rec_name in names:
            fh.write(struct.pack("B", len(rec_name)) + rec_name.encode("ascii")
                     + struct.pack(off_fmt, 0))
        offsets: list[int] = []
        u4 = np.dtype(bo + "u4")
        for rec_name in names:
            pos = fh.tell()
            if pos > limit:
                if auto:
                    raise _NeedsVersion1
                msg = "the file exceeds 4 GiB; write it with version=1"
                raise BadInputError(str(out), msg)
            offsets.append(pos)
            size, (ns, ne), (ms, me), packed = _encode(rec_name, records[rec_name], ambiguous)
            fh.write(struct.pack(bo + "II", size, ns.size))
            fh.write(ns.astype(u4).tobytes())
            fh.write((ne - ns).astype(u4).tobytes())
            fh.write(struct.pack(bo + "I", ms.size))
            fh.write(ms.astype(u4).tobytes())
            fh.write((me - ms).astype(u4).tobytes())
            fh.write(struct.pack(bo + "I", 0))
            for piece in packed:
                fh.write(piece)
        fh.seek(index_at)
        for rec_name, pos in zip(names, offsets, strict=True):
            fh.write(struct.pack("B", len(rec_name)) + rec_name.encode("ascii")
                     + struct.pack(off_fmt, pos))


__all__ = ["SIGNATURE", "TwoBitGenome", "write_twobit"]
