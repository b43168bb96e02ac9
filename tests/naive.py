"""Brute-force oracles, written plainly and slowly on purpose (stumpy's ``naive.py`` idea).

``naive_offtargets`` scans every position of every record on both strands with Python string
operations and applies the alignment rules of ``docs/offtarget.md`` directly: no index, no
packing, no bit tricks. It shares no code with the engine.
"""

from __future__ import annotations

IUPAC = {
    "A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT",
    "K": "GT", "M": "AC", "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT",
}
COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}
TYPE_ORDER = {"none": 0, "DNA": 1, "RNA": 2}


def revcomp(seq: str) -> str:
    """Reverse complement; letters other than ACGT become N."""
    return "".join(COMPLEMENT.get(c, "N") for c in reversed(seq))


def pam_matches(text: str, pam: str) -> bool:
    """True when every letter of ``text`` is A/C/G/T and allowed by the IUPAC ``pam``."""
    if len(text) != len(pam):
        return False
    return all(c in "ACGT" and c in IUPAC[p] for c, p in zip(text, pam, strict=True))


def alignments(guide: str, max_mm: int, dna_bulge: int, rna_bulge: int):
    """Yield (kind, size, pos, spacer_length, scorer) for every allowed alignment.

    ``scorer(spacer)`` returns (mismatches, annotated spacer) for a spacer of that length,
    written 5'->3' in guide orientation.
    """
    n = len(guide)

    def plain(sp):
        mm = sum(1 for a, b in zip(guide, sp, strict=True) if a != b)
        return mm, "".join(b if a == b else b.lower() for a, b in zip(guide, sp, strict=True))

    yield "none", 0, 0, n, plain
    for s in range(1, dna_bulge + 1):
        for i in range(1, n):  # extra genomic bases between guide bases i and i+1
            def dna(sp, i=i, s=s):
                left, extra, right = sp[:i], sp[i:i + s], sp[i + s:]
                text, mm = "", 0
                for a, b in zip(guide[:i], left, strict=True):
                    mm += a != b
                    text += b if a == b else b.lower()
                text += extra.lower()
                for a, b in zip(guide[i:], right, strict=True):
                    mm += a != b
                    text += b if a == b else b.lower()
                return mm, text
            yield "DNA", s, i, n + s, dna
    for s in range(1, rna_bulge + 1):
        for i in range(2, n - s + 1):  # guide bases i..i+s-1 (1-based) unpaired
            def rna(sp, i=i, s=s):
                kept = guide[:i - 1] + guide[i - 1 + s:]
                mm = 0
                text = ""
                for a, b in zip(kept, sp, strict=True):
                    mm += a != b
                    text += b if a == b else b.lower()
                return mm, text[:i - 1] + "-" * s + text[i - 1:]
            yield "RNA", s, i, n - s, rna


def naive_offtargets(records: dict[str, str], guides: dict[str, str], pam: str,
                     max_mm: int, *, pam_side: str = "3prime", dna_bulge: int = 0,
                     rna_bulge: int = 0,
                     placement: dict[str, tuple[str, int]] | None = None) -> list[dict]:
    """Every site, one row per (guide, strand, PAM position), best alignment only."""
    pam = pam.upper()
    p = len(pam)
    rows = []
    for rec, raw in records.items():
        chrom, offset = (placement or {}).get(rec, (rec, 0))
        fwd = raw.upper()
        n = len(fwd)
        for strand in "+-":
            text = fwd if strand == "+" else revcomp(fwd)
            for j in range(n - p + 1):
                if not pam_matches(text[j:j + p], pam):
                    continue
                for gid, guide in guides.items():
                    best = None
                    for kind, size, pos, ls, scorer in alignments(guide, max_mm, dna_bulge,
                                                                  rna_bulge):
                        if pam_side == "3prime":
                            lo, hi = j - ls, j
                        else:
                            lo, hi = j + p, j + p + ls
                        if lo < 0 or hi > n:
                            continue
                        spacer = text[lo:hi]
                        if any(c not in "ACGT" for c in spacer):
                            continue
                        mm, ann = scorer(spacer)
                        if mm > max_mm:
                            continue
                        key = (mm + size, size, TYPE_ORDER[kind], pos)
                        if best is None or key < best[0]:
                            site = ann + text[j:j + p] if pam_side == "3prime" else (
                                text[j:j + p] + ann)
                            s_lo = min(lo, j)
                            s_hi = max(hi, j + p)
                            best = (key, kind, size, pos, mm, site, s_lo, s_hi)
                    if best is None:
                        continue
                    _, kind, size, pos, mm, site, s_lo, s_hi = best
                    if strand == "+":
                        start, end = s_lo, s_hi
                    else:
                        start, end = n - s_hi, n - s_lo
                    rows.append({"Chromosome": chrom, "Start": start + offset,
                                 "End": end + offset, "Strand": strand, "guide_id": gid,
                                 "guide": guide, "site": site, "mismatches": mm,
                                 "bulge_type": kind, "bulge_size": size,
                                 "bulge_position": pos})
    return rows
