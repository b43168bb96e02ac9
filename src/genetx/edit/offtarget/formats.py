"""Writers for hit tables: TSV, BED and Cas-OFFinder's text formats, streamed batch by batch.

Writers take *columns* (a mapping of column name to a sequence, as
:func:`genetx.edit.offtarget.hits_to_columns` builds), so that writing a large result needs
neither pandas nor the whole table in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TextIO

from genetx.errors import BadInputError

OutputFormat = Literal["tsv", "bed", "casoffinder"]
FORMATS: tuple[str, ...] = ("tsv", "bed", "casoffinder")
_CO3_HEADER = ("#Id\tBulge Type\tcrRNA\tDNA\tChromosome\tLocation\tDirection\tMismatches\t"
               "Bulge Size\n")


def check_format(fmt: str) -> OutputFormat:
    """Validate an output format name."""
    if fmt not in FORMATS:
        msg = f"must be one of {', '.join(FORMATS)}"
        msg_0 = f"format {fmt!r}"
        raise BadInputError(msg_0, msg)
    return fmt  # type: ignore[return-value]


def _crrna(guide: str, pam_len: int, side: str, btype: str, bsize: int, bpos: int) -> str:
    g = guide
    if btype == "DNA":
        g = guide[:bpos] + "-" * bsize + guide[bpos:]
    pam = "N" * pam_len
    return g + pam if side == "3prime" else pam + g


class HitWriter:
    """Write hit batches to a text stream in one format.

    Parameters
    ----------
    stream
        Open text stream.
    fmt
        ``tsv`` (all columns, with a header), ``bed`` (BED6: name = guide id, score =
        mismatches) or ``casoffinder`` (Cas-OFFinder 2.4.1 rows without bulges; with bulges the
        Cas-OFFinder 3 layout with its header and ``X`` for bulge-free rows).
    pam_len, side
        PAM length and side (for the Cas-OFFinder ``crRNA`` column).
    bulges
        Whether the search allowed bulges (chooses the Cas-OFFinder layout).
    """

    def __init__(self, stream: TextIO, fmt: OutputFormat, *, pam_len: int = 3,
                 side: str = "3prime", bulges: bool = False) -> None:
        self.stream = stream
        self.fmt = check_format(fmt)
        self.pam_len = pam_len
        self.side = side
        self.bulges = bulges
        self.columns: list[str] | None = None
        self.rows = 0

    def write(self, cols: Mapping[str, Sequence]) -> None:
        """Write one batch of columns."""
        names = list(cols)
        n = len(cols["Start"])
        out = self.stream
        if self.fmt == "tsv":
            if self.columns is None:
                self.columns = names
                out.write("\t".join(names) + "\n")
            data = [_str_column(cols[c]) for c in self.columns]
            lines = ["\t".join(row) for row in zip(*data, strict=True)]
        elif self.fmt == "bed":
            lines = [f"{c}\t{s}\t{e}\t{g}\t{m}\t{st}" for c, s, e, g, m, st in zip(
                cols["Chromosome"], cols["Start"], cols["End"], cols["guide_id"],
                cols["mismatches"], cols["Strand"], strict=True)]
        elif not self.bulges:
            lines = [f"{_crrna(g, self.pam_len, self.side, 'none', 0, 0)}\t{c}\t{s}\t{site}\t"
                     f"{st}\t{m}\t{gid}" for g, c, s, site, st, m, gid in zip(
                         cols["guide"], cols["Chromosome"], cols["Start"], cols["site"],
                         cols["Strand"], cols["mismatches"], cols["guide_id"], strict=True)]
        else:
            if self.rows == 0 and self.columns is None:
                self.columns = names
                out.write(_CO3_HEADER)
            lines = []
            for i in range(n):
                bt = str(cols["bulge_type"][i])
                cr = _crrna(cols["guide"][i], self.pam_len, self.side, bt,
                            int(cols["bulge_size"][i]), int(cols["bulge_position"][i]))
                lines.append(f"{cols['guide_id'][i]}\t{'X' if bt == 'none' else bt}\t{cr}\t"
                             f"{cols['site'][i]}\t{cols['Chromosome'][i]}\t{cols['Start'][i]}\t"
                             f"{cols['Strand'][i]}\t{cols['mismatches'][i]}\t"
                             f"{cols['bulge_size'][i]}")
        if lines:
            out.write("\n".join(lines) + "\n")
        self.rows += n


def _str_column(values: Sequence) -> list[str]:
    if any(isinstance(v, float) for v in values):
        return [_fmt(v) for v in values]
    return list(map(str, values))


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return "" if v != v else f"{v:.6g}"  # NaN -> empty
    return str(v)


__all__ = ["FORMATS", "HitWriter", "OutputFormat", "check_format"]
