"""``genetx catalog``: query the cited catalog of approved gene therapies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from genetx.catalog import CarTProduct, Catalog, Fact, Product

_COLUMNS = ("brand", "genes", "modality", "vector", "serotype", "route", "first approval",
            "boxed", "status")


def _cell(fact: Fact[Any]) -> str:
    if fact.value is None:
        return "?" if fact.unverified else "-"
    if isinstance(fact.value, tuple):
        return ",".join(fact.value) or "-"
    return str(fact.value)


def _boxed_cell(fact: Fact[Any]) -> str:
    if fact.value is None:
        return "?" if fact.unverified else "n/a"
    return "yes" if fact.value.present else "no"


def _row(p: Product) -> tuple[str, ...]:
    first = p.first_approval
    approval = f"{first.agency} {first.date}" if first else "-"
    brand = p.brand + (f" ({'/'.join(p.aliases)})" if p.aliases else "")
    return (brand, _cell(p.genes), _cell(p.modality), _cell(p.vector), _cell(p.serotype),
            _cell(p.route), approval, _boxed_cell(p.boxed_warning),
            "; ".join(p.flags) or "approved")


def _car_t_row(p: CarTProduct) -> tuple[str, ...]:
    first = min(p.approvals, key=lambda a: a.date)
    return (p.brand, _cell(p.target_antigen), f"{first.agency} {first.date}",
            _boxed_cell(p.boxed_warning))


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *rows]]
    return "\n".join(lines)


def _sources_json(cat: Catalog, items: list[Product] | list[CarTProduct]) -> list[dict[str, Any]]:
    ids = sorted({s for p in items for s in p.source_ids()})
    return [cat.sources[i].to_dict() for i in ids]


def register(app: typer.Typer) -> None:
    """Add the ``catalog`` command to ``app``."""

    @app.command("catalog")
    def catalog(
        gene: Annotated[str | None, typer.Option(
            "--gene", help="HGNC symbol of the delivered, replaced or edited gene (any case).",
        )] = None,
        modality: Annotated[str | None, typer.Option(
            "--modality", help="gene_addition, ex_vivo_gene_addition, genome_editing, oncolytic, "
                               "vectored_immunotherapy or encapsulated_cell.")] = None,
        vector: Annotated[str | None, typer.Option(
            "--vector", help="AAV, LV, gammaretrovirus, HSV-1, adenovirus or none.")] = None,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print JSON with every field and its sources.")] = False,
        car_t: Annotated[bool, typer.Option(
            "--car-t", help="List the CAR-T products (kept apart from the gene therapies).",
        )] = False,
    ) -> None:
        """List approved gene therapies (FDA/EC/MHRA) from the cited catalog.

        The table marks unverified facts with '?'; --json gives every fact with its source ids
        and the sources table they point to.
        """
        from genetx.catalog import filter_products, load_catalog, product_to_dict
        from genetx.catalog.store import car_t_section_to_dict
        from genetx.errors import BadInputError

        cat = load_catalog()
        if car_t:
            if gene or modality or vector:
                option = "--car-t"
                msg = "cannot be combined with --gene, --modality or --vector"
                raise BadInputError(option, msg)
            if as_json:
                typer.echo(json.dumps(car_t_section_to_dict(cat), indent=1, ensure_ascii=False))
                return
            typer.echo("CAR-T products (kept apart from the gene-therapy catalog)")
            typer.echo(_table(("brand", "target", "first approval", "boxed"),
                              [_car_t_row(p) for p in cat.car_t]))
            return

        products = list(filter_products(cat.products, gene=gene, modality=modality,
                                        vector=vector))
        if as_json:
            doc = {"filters": {"gene": gene, "modality": modality, "vector": vector},
                   "products": [product_to_dict(p) for p in products],
                   "sources": _sources_json(cat, products)}
            typer.echo(json.dumps(doc, indent=1, ensure_ascii=False))
            return
        if not products:
            typer.echo("no approved gene therapy matches these filters", err=True)
            return
        typer.echo(_table(_COLUMNS, [_row(p) for p in products]))
