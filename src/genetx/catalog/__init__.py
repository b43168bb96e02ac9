"""Catalog of approved gene therapies, as cited data shipped in the package.

Every fact keeps its sources (``genetx/data/catalog/catalog.json``, described in
``SOURCES.md`` beside it). CAR-T products are listed separately (:attr:`Catalog.car_t`).

Examples
--------
>>> from genetx.catalog import filter_products, load_catalog
>>> cat = load_catalog()
>>> [p.brand for p in filter_products(cat.products, gene="F9")]
['Hemgenix', 'Beqvez']
"""

from __future__ import annotations

from genetx.catalog.models import (
    MODALITIES,
    ROUTES,
    TISSUES,
    VECTORS,
    Approval,
    BoxedWarning,
    CarTProduct,
    Dose,
    Fact,
    Price,
    Product,
    Source,
    StatusEvent,
)
from genetx.catalog.query import boxed_warnings, filter_products, parse_choice, parse_gene
from genetx.catalog.store import (
    Catalog,
    catalog_from_dict,
    catalog_to_dict,
    load_catalog,
    product_from_dict,
    product_to_dict,
    validate,
)

__all__ = [
    "MODALITIES",
    "ROUTES",
    "TISSUES",
    "VECTORS",
    "Approval",
    "BoxedWarning",
    "CarTProduct",
    "Catalog",
    "Dose",
    "Fact",
    "Price",
    "Product",
    "Source",
    "StatusEvent",
    "boxed_warnings",
    "catalog_from_dict",
    "catalog_to_dict",
    "filter_products",
    "load_catalog",
    "parse_choice",
    "parse_gene",
    "product_from_dict",
    "product_to_dict",
    "validate",
]
