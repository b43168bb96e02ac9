"""Write the synthesised service answers in this folder from ../shared/data (run once by hand).

See README.md here: the Ensembl answers are built in the documented format of Ensembl REST from
the Ensembl GFF3 and GRCh38 sequence in shared/data; the NCBI answers are real NCBI GenBank
records copied from shared/data.

Usage: python tests/genome/recorded/make_recorded.py [SHARED_DATA]
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "data"
GFF = SHARED / "annotation" / "Ensembl_GRCh38_chr21.ensembl_vep_test.gff3.gz"
FASTA = SHARED / "genomes" / "human" / "GRCh38_chr21_ensembl_vep_testdb_regions.fa.gz"
GENE = "ENSG00000160213"  # CSTB, chr21 minus strand, 2 transcripts
FLANK = 5000  # genetx.genome.fetch.DEFAULT_FLANK


def attrs(col9: str) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in col9.split(";") if "=" in kv)


def lookup() -> dict:
    rows = []
    with gzip.open(GFF, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            rows.append((cols, attrs(cols[8])))
    gene = next((c, a) for c, a in rows if a.get("ID") == f"gene:{GENE}")
    txs = [(c, a) for c, a in rows if a.get("Parent") == f"gene:{GENE}"]
    out = {
        "id": GENE, "version": int(gene[1]["version"]), "display_name": gene[1]["Name"],
        "object_type": "Gene", "species": "homo_sapiens", "assembly_name": "GRCh38",
        "db_type": "core", "biotype": gene[1]["biotype"], "source": gene[0][1],
        "logic_name": gene[1].get("logic_name", ""), "seq_region_name": "21",
        "start": int(gene[0][3]), "end": int(gene[0][4]),
        "strand": 1 if gene[0][6] == "+" else -1,
        "description": gene[1].get("description", "").replace("%3B", ";"),
        "Transcript": [],
    }
    for c, a in txs:
        tid = a["ID"].split(":", 1)[1]
        exons = sorted(((ec, ea) for ec, ea in rows
                        if ea.get("Parent") == a["ID"] and ec[2] == "exon"),
                       key=lambda x: int(x[1]["rank"]))
        cds = [ec for ec, ea in rows if ea.get("Parent") == a["ID"] and ec[2] == "CDS"]
        tx = {
            "id": tid, "version": int(a["version"]), "display_name": a["Name"],
            "object_type": "Transcript", "species": "homo_sapiens", "assembly_name": "GRCh38",
            "db_type": "core", "biotype": a["biotype"], "source": c[1], "Parent": GENE,
            "seq_region_name": "21", "start": int(c[3]), "end": int(c[4]),
            "strand": 1 if c[6] == "+" else -1,
            "is_canonical": 1 if tid == "ENST00000291568" else 0,
            "Exon": [{"id": ea["exon_id"], "version": int(ea["version"]),
                      "object_type": "Exon", "species": "homo_sapiens",
                      "assembly_name": "GRCh38", "db_type": "core", "seq_region_name": "21",
                      "start": int(ec[3]), "end": int(ec[4]),
                      "strand": 1 if ec[6] == "+" else -1} for ec, ea in exons],
        }
        if cds:
            pid = attrs(cds[0][8])["protein_id"]
            span = sum(int(x[4]) - int(x[3]) + 1 for x in cds)
            tx["Translation"] = {"id": pid, "version": 1, "object_type": "Translation",
                                 "species": "homo_sapiens", "db_type": "core", "Parent": tid,
                                 "start": min(int(x[3]) for x in cds),
                                 "end": max(int(x[4]) for x in cds),
                                 "length": span // 3 - 1}
        out["Transcript"].append(tx)
    return out


def sequence(start: int, end: int) -> dict:
    name, seq = None, []
    with gzip.open(FASTA, "rt") as fh:
        for line in fh:
            if line.startswith(">"):
                if name == "chr21:43758155-43894067":
                    break
                name = line[1:].split()[0]
                seq = []
            else:
                seq.append(line.strip())
    rec_start = 43758155
    whole = "".join(seq)
    return {"id": f"chromosome:GRCh38:21:{start}:{end}:1", "molecule": "dna",
            "query": f"21:{start}..{end}:1",
            "seq": whole[start - rec_start: end - rec_start + 1].upper()}


def main() -> None:
    data = lookup()
    (HERE / "ensembl_lookup_CSTB.json").write_text(json.dumps(data, indent=1) + "\n")
    seq = sequence(data["start"] - FLANK, data["end"] + FLANK)
    (HERE / "ensembl_sequence_CSTB.json").write_text(json.dumps(seq) + "\n")
    for acc in ("NM_000088.3", "NG_009105.1"):
        shutil.copyfile(SHARED / "genes" / "genbank" / f"{acc}.gb.gz",
                        HERE / f"ncbi_efetch_{acc}.gb.gz")


if __name__ == "__main__":
    main()
