"""FASTA genomes (plain, gzip, bgzip) of any size with random access through a ``.fai`` index.

Opening a FASTA file for the first time *prepares* it, once per version of the file (its path,
size and modification time):

1. one streaming pass reads the file (decompressing gzip and bgzip on the fly), checks it and
   writes the index. The check is vectorised (numpy and byte-string operations on 16-MiB
   blocks), so the whole human genome is validated in seconds, not re-scanned on every open;
2. plain FASTA and bgzip files are then read in place through pyfaidx, with the ``.fai`` (and,
   for bgzip, ``.gzi``) index next to the file when its folder is writable, otherwise in
   ``settings.cache_dir``;
3. plain gzip (which cannot be read at random) and files with Windows (CRLF) line endings are
   written once, decompressed and with LF line endings, into ``settings.cache_dir``, and that
   copy is read instead. Copies and indexes are written through temporary files and renamed.

A small manifest in the cache records the outcome, so later opens cost one ``stat`` and reading
the index. The checks, each reported as one line naming the file and, where it applies, the
line, record and 1-based position:

* empty file, or no ``>`` header; sequence data before the first header; a header without a
  name; duplicate record names; a record without sequence (a common sign of truncation);
* lines of different lengths inside a record (other than a shorter last line), which make
  random access impossible;
* letters that are not IUPAC nucleotide codes (``ACGTRYSWKMBDHVN``, either case);
* truncated or corrupt gzip or bgzip data (including a bgzip file without its end-of-file block).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from genetx.core.seq import IUPAC_DNA
from genetx.errors import (
    BadInputError,
    GeneTxError,
    InvalidSequenceError,
    MalformedFileError,
)
from genetx.genome._base import Genome
from genetx.genome._files import (
    atomic_output,
    atomic_write_text,
    cache_subdir,
    dir_writable,
    file_key,
)
from genetx.progress import resolve

if TYPE_CHECKING:
    from collections.abc import Iterator

    from genetx.progress import Progress, ProgressTask

#: Bytes read (or decompressed) per step of the indexing pass: small enough to stay in cache.
READ_CHUNK = 4 * 1024 * 1024
#: Version of the manifest layout; a change makes every file be prepared again.
_MANIFEST_VERSION = 1
_GZIP_MAGIC = b"\x1f\x8b"
#: The empty block that ends every BGZF file (SAM/BAM specification, section 4.1.2).
_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")

_IUPAC_LETTERS = "".join(IUPAC_DNA)
#: Bytes allowed on sequence lines (after CRLF normalisation): IUPAC codes in either case.
_ALLOWED = (_IUPAC_LETTERS + _IUPAC_LETTERS.lower()).encode("ascii")
_ALLOWED_NL = _ALLOWED + b"\n"
_BAD = np.ones(256, dtype=bool)
_BAD[np.frombuffer(_ALLOWED_NL, dtype=np.uint8)] = False


def _suffixes(path: Path) -> str:
    return path.name.lower()


def fasta_stem(path: Path) -> str:
    """File name without ``.gz``/``.bgz`` and without the FASTA extension."""
    name = path.name
    for ext in (".gz", ".bgz"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    for ext in (".fasta", ".fa", ".fna", ".fas", ".fsa"):
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return Path(name).stem or name


def sniff_compression(path: Path) -> str:
    """``"none"``, ``"gzip"`` or ``"bgzf"``, from the first bytes of the file.

    Raises
    ------
    MalformedFileError
        When the file is empty.
    """
    with path.open("rb") as fh:
        head = fh.read(18)
    if not head:
        msg = "is empty"
        raise MalformedFileError(str(path), msg)
    if head[:2] != _GZIP_MAGIC:
        return "none"
    # BGZF: a gzip member with the FEXTRA flag and a 'BC' extra subfield holding the block size
    if len(head) >= 16 and head[3] & 4:
        xlen = struct.unpack_from("<H", head, 10)[0]
        if xlen >= 6 and head[12:14] == b"BC":
            return "bgzf"
    return "gzip"


class _NeedsNormalising(Exception):
    """A carriage return was seen while indexing in place: a LF copy is needed."""


# -- streaming readers ----------------------------------------------------------------------


def _plain_chunks(path: Path, hasher: Any, task: ProgressTask) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(READ_CHUNK):
            hasher.update(chunk)
            task.advance(len(chunk))
            yield chunk


def _gzip_chunks(path: Path, hasher: Any, task: ProgressTask) -> Iterator[bytes]:
    """Decompress every gzip member of ``path``; raise on truncated or corrupt data."""
    label = str(path)
    d = zlib.decompressobj(31)
    in_member = False
    with path.open("rb") as fh:
        while raw := fh.read(max(1, READ_CHUNK // 4)):
            hasher.update(raw)
            task.advance(len(raw))
            data = raw
            while True:
                if not in_member:
                    data = data.lstrip(b"\0")  # padding after the last member
                    if not data:
                        break
                    in_member = True
                try:  # bounded output: long N runs compress a thousandfold
                    out = d.decompress(data, READ_CHUNK)
                except zlib.error as exc:
                    msg = f"corrupt gzip data ({exc})"
                    raise MalformedFileError(label, msg) from None
                if out:
                    yield out
                if d.eof:
                    data = d.unused_data
                    d = zlib.decompressobj(31)
                    in_member = False
                    continue
                data = d.unconsumed_tail
                if not data and len(out) < READ_CHUNK:
                    break
    if in_member:
        msg = "truncated gzip file (the compressed stream ends before its end marker)"
        raise MalformedFileError(label, msg)


def _bgzf_chunks(path: Path, hasher: Any, task: ProgressTask,
                 gzi: list[tuple[int, int]]) -> Iterator[bytes]:
    """Decompress a BGZF file block by block, recording ``(compressed, uncompressed)`` offsets
    of each block after the first (the layout of an htslib ``.gzi`` index)."""
    label = str(path)
    coff = uoff = 0
    last_empty = False
    pending = b""
    out: list[bytes] = []
    out_len = 0
    with path.open("rb") as fh:
        eof = False
        while not eof:
            raw = fh.read(max(1, READ_CHUNK // 4))
            if raw:
                hasher.update(raw)
                task.advance(len(raw))
            else:
                eof = True
            buf = pending + raw if pending else raw
            pos = 0
            while True:
                if len(buf) - pos < 18:
                    break
                if buf[pos: pos + 2] != _GZIP_MAGIC or not buf[pos + 3] & 4:
                    msg = f"corrupt bgzip data (no BGZF block header at byte {coff:,})"
                    raise MalformedFileError(label, msg)
                xlen = struct.unpack_from("<H", buf, pos + 10)[0]
                if len(buf) - pos < 12 + xlen:
                    break
                bsize = None
                x = pos + 12
                while x + 4 <= pos + 12 + xlen:
                    slen = struct.unpack_from("<H", buf, x + 2)[0]
                    if buf[x: x + 2] == b"BC" and slen == 2:
                        bsize = struct.unpack_from("<H", buf, x + 4)[0] + 1
                    x += 4 + slen
                if bsize is None:
                    msg = f"not a bgzip file (block at byte {coff:,} has no BGZF size field)"
                    raise MalformedFileError(label, msg)
                if len(buf) - pos < bsize:
                    break
                block = buf[pos: pos + bsize]
                crc, isize = struct.unpack_from("<II", block, bsize - 8)
                try:
                    data = zlib.decompress(block[12 + xlen: bsize - 8], -15)
                except zlib.error as exc:
                    msg = f"corrupt bgzip block at byte {coff:,} ({exc})"
                    raise MalformedFileError(label, msg) from None
                if len(data) != isize or zlib.crc32(data) != crc:
                    msg = f"corrupt bgzip block at byte {coff:,} (size or CRC mismatch)"
                    raise MalformedFileError(label, msg)
                if coff:
                    gzi.append((coff, uoff))
                coff += bsize
                uoff += isize
                last_empty = isize == 0
                pos += bsize
                if data:
                    out.append(data)
                    out_len += len(data)
                    if out_len >= READ_CHUNK:
                        yield b"".join(out)
                        out, out_len = [], 0
            pending = buf[pos:]
            if eof and pending:
                msg = f"truncated bgzip file (the last block, at byte {coff:,}, is incomplete)"
                raise MalformedFileError(label, msg)
    if out:
        yield b"".join(out)
    if not last_empty:
        msg = "truncated bgzip file (the end-of-file block is missing)"
        raise MalformedFileError(label, msg)
    if gzi and gzi[-1][1] == uoff:  # the end-of-file block is not indexed (htslib convention)
        gzi.pop()


# -- the validating indexer -------------------------------------------------------------------


@dataclass
class _Entry:
    name: str
    offset: int
    header_line: int
    length: int = 0
    linebases: int = 0


@dataclass
class _Scanner:
    """Validate a FASTA stream and build its ``.fai`` entries, one newline-aligned block at a time.

    Parameters
    ----------
    label
        The file as named in error messages.
    sink
        When given, the stream is normalised (CRLF to LF) and written there, and offsets refer
        to that copy. Without it a carriage return raises :class:`_NeedsNormalising`.
    """

    label: str
    sink: IO[bytes] | None = None
    pos: int = 0
    lines: int = 0
    carry: bytearray = field(default_factory=bytearray)
    entries: list[_Entry] = field(default_factory=list)
    first_line: dict[str, int] = field(default_factory=dict)
    cur_L: int = -1  # line width of the current record (-1: not seen yet)
    cur_prev: int = -1  # length of the previous line when it was a sequence line, else -1
    cur_len: int = 0  # bases of the current record so far

    def feed(self, data: bytes) -> None:
        """Take the next piece of the stream (any size, any alignment)."""
        k = data.rfind(b"\n")
        if k < 0:
            self.carry += data
            return
        view = memoryview(data)
        block = b"".join((self.carry, view[: k + 1])) if self.carry else bytes(view[: k + 1])
        self.carry = bytearray(view[k + 1:])
        self._block(block)

    def finish(self) -> list[_Entry]:
        """Close the stream and return the index entries (raises on a bad last record)."""
        if self.carry:
            tail = bytes(self.carry)
            self.carry = bytearray()
            if self.sink is not None and tail.endswith(b"\r"):
                tail = tail[:-1]
            if tail:
                self._block(tail + b"\n", written=len(tail))
        if not self.entries:
            msg = "no FASTA header (no line starts with '>')"
            raise MalformedFileError(self.label, msg)
        self._close(self.entries[-1], self.cur_len, self.cur_L)
        return self.entries

    def _close(self, entry: _Entry, length: int, width: int) -> None:
        if length == 0:
            msg = f"record {entry.name!r} has no sequence (is the file truncated?)"
            raise MalformedFileError(self.label, msg, line=entry.header_line)
        entry.length = length
        entry.linebases = width

    def _block(self, block: bytes, written: int | None = None) -> None:
        if b"\r" in block:
            if self.sink is None:
                raise _NeedsNormalising
            block = block.replace(b"\r\n", b"\n")
        if self.sink is not None:
            self.sink.write(block if written is None else block[:written])
        buf = np.frombuffer(block, dtype=np.uint8)
        nl = np.flatnonzero(buf == 10)
        n = nl.size
        starts = np.empty(n, dtype=np.int64)
        starts[0] = 0
        starts[1:] = nl[:-1] + 1
        lens = nl - starts
        nonempty = lens > 0
        is_hdr = np.zeros(n, dtype=bool)
        is_hdr[nonempty] = buf[starts[nonempty]] == ord(">")
        hdr = np.flatnonzero(is_hdr)
        rec_local = np.cumsum(is_hdr)
        have_cur = bool(self.entries)
        in_rec = np.ones(n, dtype=bool) if have_cur else rec_local > 0
        seq = in_rec & ~is_hdr
        errors: list[tuple[int, int, GeneTxError]] = []
        line0 = self.lines + 1  # global number of line 0 of this block

        # records and their line widths
        widths = np.full(hdr.size + 1, -1, dtype=np.int64)
        widths[0] = self.cur_L
        if widths[0] < 0 and have_cur and n and not is_hdr[0]:
            widths[0] = lens[0]
        nxt = hdr + 1
        ok = nxt < n
        ok[ok] = ~is_hdr[nxt[ok]]
        widths[1:][ok] = lens[nxt[ok]]
        seq_lens = np.where(seq, lens, 0)
        totals = np.bincount(rec_local, weights=seq_lens, minlength=hdr.size + 1).astype(np.int64)

        names = [self.entries[-1].name if have_cur else ""]
        for k, h in enumerate(hdr.tolist(), start=1):
            line_no = line0 + h
            text = block[starts[h] + 1: nl[h]].decode("utf-8", errors="replace")
            parts = text.split(None, 1)
            name = parts[0] if parts else ""
            names.append(name)
            if not name:
                errors.append((line_no, 0, MalformedFileError(
                    self.label, "header without a record name", line=line_no)))
                break
            if name in self.first_line:
                msg = (f"duplicate record name {name!r} (first used at line "
                       f"{self.first_line[name]:,})")
                errors.append((line_no, 0, MalformedFileError(self.label, msg, line=line_no)))
                break
            self.first_line[name] = line_no
            if self.entries:
                prev = self.entries[-1]
                if k == 1:
                    length, width = self.cur_len + int(totals[0]), int(widths[0])
                else:
                    length, width = int(totals[k - 1]), int(widths[k - 1])
                try:
                    self._close(prev, length, width)
                except MalformedFileError as exc:
                    errors.append((prev.header_line, 0, exc))
                    break
            self.entries.append(_Entry(name, self.pos + int(nl[h]) + 1, line_no))

        # data before the first header
        if not have_cur:
            pre = np.flatnonzero(nonempty & ~in_rec)
            if pre.size:
                ln = line0 + int(pre[0])
                errors.append((ln, 0, MalformedFileError(
                    self.label, "sequence data before the first '>' header", line=ln)))

        # line lengths: every line but the last of a record holds the record's width
        width_line = widths[rec_local]
        prev_len = np.empty(n, dtype=np.int64)
        if n:
            prev_len[0] = self.cur_prev if have_cur else -1
            prev_len[1:] = np.where(is_hdr[:-1], -1, lens[:-1])
        longer = seq & (lens > width_line)
        after_short = seq & (prev_len >= 0) & (prev_len < width_line) & nonempty
        bad = np.flatnonzero(longer | after_short)
        if bad.size:
            i = int(bad[0])
            k = int(rec_local[i])
            name = names[k] if k < len(names) else "?"
            width = int(width_line[i])
            if longer[i]:
                ln = line0 + i
                what = (f"a line of {int(lens[i]):,} bases is longer than the record's first "
                        f"line ({width:,})")
            else:
                ln = line0 + i - 1
                what = (f"a line of {int(prev_len[i]):,} bases is followed by more sequence; only "
                        f"the last line may be shorter than the record's {width:,}-base lines")
            msg = (f"record {name!r}: {what}; random access needs one line width per record, so "
                   "re-wrap the record")
            errors.append((ln, 1, MalformedFileError(self.label, msg, line=ln)))

        # letters: cheap byte-string test first, numpy search only when something is wrong
        leftover = len(block.translate(None, _ALLOWED_NL))
        in_headers = sum(len(block[starts[h]: nl[h]].translate(None, _ALLOWED))
                         for h in hdr.tolist())
        if leftover != in_headers:
            pos = np.flatnonzero(_BAD[buf])
            line_of = np.searchsorted(nl, pos)
            keep = seq[line_of]
            if keep.any():
                p = int(pos[keep][0])
                i = int(line_of[keep][0])
                k = int(rec_local[i])
                csum = np.cumsum(seq_lens)
                before = int(csum[i] - seq_lens[i])
                base = int(csum[hdr[k - 1]]) if k >= 1 else -self.cur_len
                position = before - base + (p - int(starts[i])) + 1
                ch = chr(block[p])
                ln = line0 + i
                msg = (f"record {names[k] if k < len(names) else '?'!r}, position {position:,} "
                       f"(line {ln:,}): letter {ch!r} is not an IUPAC nucleotide code")
                errors.append((ln, 2, InvalidSequenceError(self.label, msg)))

        if errors:
            raise min(errors, key=lambda e: (e[0], e[1]))[2]

        # carry the last record's state into the next block
        if hdr.size:
            self.cur_L = int(widths[-1])
            self.cur_len = int(totals[-1])
        else:
            self.cur_L = int(widths[0])
            self.cur_len += int(totals[0])
        self.cur_prev = int(lens[-1]) if n and seq[-1] else -1
        self.pos += len(block) if written is None else written
        self.lines += n


# -- preparation (once per file version) --------------------------------------------------------


def _load_manifest(mpath: Path) -> dict[str, Any] | None:
    try:
        m = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if m.get("manifest_version") != _MANIFEST_VERSION:
        return None
    for key in ("data", "fai", "gzi"):
        if m.get(key) and not Path(m[key]).is_file():
            return None
    return m


def _write_fai(target: Path, entries: list[_Entry]) -> None:
    with atomic_output(target, "w") as fh:
        for e in entries:
            fh.write(f"{e.name}\t{e.length}\t{e.offset}\t{e.linebases}\t{e.linebases + 1}\n")


def _write_gzi(target: Path, gzi: list[tuple[int, int]]) -> None:
    with atomic_output(target, "wb") as fh:
        fh.write(struct.pack("<Q", len(gzi)))
        fh.write(np.asarray(gzi, dtype="<u8").reshape(-1, 2).tobytes())


def _not_older(index: Path, data: Path) -> None:
    """Give ``index`` an mtime no older than ``data`` (pyfaidx compares them)."""
    d = data.stat().st_mtime_ns
    if index.stat().st_mtime_ns < d:
        os.utime(index, ns=(d, d))


def _scan(path: Path, comp: str, progress: Progress | None, sink: IO[bytes] | None,
          gzi: list[tuple[int, int]]) -> tuple[list[_Entry], str]:
    hasher = hashlib.sha256()
    scanner = _Scanner(str(path), sink=sink)
    verb = "Decompressing and indexing" if sink is not None and comp != "none" else "Indexing"
    with resolve(progress).task(f"{verb} {path.name}", total=path.stat().st_size) as task:
        if comp == "none":
            chunks = _plain_chunks(path, hasher, task)
        elif comp == "gzip":
            chunks = _gzip_chunks(path, hasher, task)
        else:
            chunks = _bgzf_chunks(path, hasher, task, gzi)
        for chunk in chunks:
            scanner.feed(chunk)
        entries = scanner.finish()
    return entries, f"sha256:{hasher.hexdigest()}"


def prepare_fasta(path: str | Path, progress: Progress | None = None) -> dict[str, Any]:
    """Validate and index a FASTA file once per version; return its manifest.

    Parameters
    ----------
    path
        Plain, gzip or bgzip FASTA.
    progress
        Progress display for the one full pass (skipped when the file is already prepared).

    Returns
    -------
    ``data`` (the file pyfaidx reads), ``fai``, ``gzi`` (or ``None``), ``compression``,
    ``normalised`` (a cached LF copy is read), ``records``, ``total_bp`` and ``fingerprint``.

    Raises
    ------
    MalformedFileError, InvalidSequenceError
        One line naming the file and what is wrong with it.
    """
    src = Path(path)
    label = str(src)
    if not src.exists():
        msg = "file not found"
        raise BadInputError(label, msg)
    if src.is_dir():
        msg = "is a folder, not a FASTA file"
        raise BadInputError(label, msg)
    key = file_key(src)
    mdir = cache_subdir("fasta")
    mpath = mdir / f"{key}.json"
    cached = _load_manifest(mpath)
    if cached is not None:
        return cached
    comp = sniff_compression(src)
    lower = _suffixes(src)
    in_place_ok = (comp == "bgzf") == lower.endswith((".gz", ".bgz"))  # what pyfaidx assumes
    copy = mdir / f"{key}.fa"
    gzi: list[tuple[int, int]] = []
    entries: list[_Entry] | None = None
    if comp != "gzip" and in_place_ok:
        try:
            entries, digest = _scan(src, comp, progress, None, gzi)
            data, normalised = src, False
        except _NeedsNormalising:
            gzi.clear()
    if entries is None:
        with atomic_output(copy, "wb") as sink:
            entries, digest = _scan(src, comp, progress, sink, [])
        data, normalised, gzi = copy, True, []
    beside = not normalised and dir_writable(src.parent)
    fai = Path(f"{data}.fai") if beside or normalised else mdir / f"{key}.fai"
    gzi_path = None
    if comp == "bgzf" and not normalised:
        gzi_path = Path(f"{data}.gzi") if beside else mdir / f"{key}.gzi"
        _write_gzi(gzi_path, gzi)
        _not_older(gzi_path, data)
    _write_fai(fai, entries)
    _not_older(fai, data)
    manifest = {
        "manifest_version": _MANIFEST_VERSION,
        "source": str(src.resolve()),
        "data": str(data.resolve()),
        "fai": str(fai.resolve()),
        "gzi": str(gzi_path.resolve()) if gzi_path else None,
        "compression": comp,
        "normalised": normalised,
        "records": len(entries),
        "total_bp": sum(e.length for e in entries),
        "fingerprint": digest,
    }
    _drop_stale(mdir, manifest["source"], keep=key)
    atomic_write_text(mpath, json.dumps(manifest, indent=1) + "\n")
    return manifest


def _drop_stale(mdir: Path, source: str, keep: str) -> None:
    """Remove cached copies and indexes made for earlier versions of the same file."""
    for old in mdir.glob("*.json"):
        if old.stem == keep:
            continue
        m = _load_manifest(old)
        if m is None or m.get("source") != source:
            continue
        for key in ("data", "fai", "gzi"):
            p = m.get(key)
            if p and Path(p).parent == mdir:
                with contextlib.suppress(OSError):
                    Path(p).unlink()
        with contextlib.suppress(OSError):
            old.unlink()


class FastaGenome(Genome):
    """A FASTA genome (plain, gzip or bgzip) read at random through pyfaidx.

    The first open of each version of a file validates and indexes it (see the module
    docstring); later opens read the index only. Sequences come back as stored: soft-masked
    lower case and ``N`` runs stay visible.

    Parameters
    ----------
    path
        The FASTA file.
    name
        Name used in messages (default: the file name without extensions).
    progress
        Progress display for the first-open pass.

    Examples
    --------
    >>> g = FastaGenome("sacCer3.fa.gz")                # doctest: +SKIP
    >>> g.fetch("chrM", 0, 10)                          # doctest: +SKIP
    'TTCATAATTA'
    """

    def __init__(self, path: str | Path, *, name: str | None = None,
                 progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.source = str(self.path)
        self.name = name or fasta_stem(self.path)
        self.manifest = prepare_fasta(self.path, progress)
        import pyfaidx

        try:
            self._fa: Any = pyfaidx.Faidx(
                self.manifest["data"], indexname=self.manifest["fai"],
                gzi_indexname=self.manifest["gzi"], as_raw=True, strict_bounds=True,
                build_index=False, rebuild=False, sequence_always_upper=False)
        except (pyfaidx.FastaIndexingError, ValueError, OSError) as exc:
            msg = f"cannot open its index ({' '.join(str(exc).split())})"
            raise MalformedFileError(str(self.path), msg) from None
        self._records = {k: int(v.rlen) for k, v in self._fa.index.items()}

    def __reduce__(self) -> tuple:
        """Pickle as the path (workers reopen the file; the index is already built)."""
        return (_reopen_fasta, (str(self.path), self.name))

    def records(self) -> dict[str, int]:
        """Record names mapped to their lengths, in file order (do not modify the dict)."""
        return self._records

    def _read(self, record: str, start: int, end: int) -> str:
        if end <= start:
            return ""
        return self._fa.from_file(record, start + 1, end)

    def close(self) -> None:
        """Close the file handle."""
        fa = getattr(self, "_fa", None)
        if fa is not None:
            fa.close()

    def fingerprint(self, progress: Progress | None = None) -> str:
        """SHA-256 of the FASTA file's bytes as stored (compressed bytes for ``.gz``).

        It is computed during the one indexing pass and kept in the manifest, so it costs
        nothing afterwards. The same sequence stored differently (other line width, other
        compression) has another fingerprint.
        """
        return str(self.manifest["fingerprint"])


def _reopen_fasta(path: str, name: str) -> FastaGenome:
    return FastaGenome(path, name=name)


__all__ = ["FastaGenome", "fasta_stem", "prepare_fasta", "sniff_compression"]
