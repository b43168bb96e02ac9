"""Pure filters over loaded catalog products (no I/O).

Options take the controlled values of :mod:`genetx.catalog.models` in any letter case (plus a
few spelled-out aliases for vectors); anything else raises :class:`~genetx.errors.BadInputError`
naming the option and listing the allowed values.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from genetx.catalog.models import MODALITIES, ROUTES, TISSUES, VECTORS
from genetx.errors import BadInputError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from genetx.catalog.models import BoxedWarning, Product

_VECTOR_ALIASES = {
    "lentivirus": "LV", "lentiviral": "LV", "retrovirus": "gammaretrovirus",
    "gamma-retrovirus": "gammaretrovirus", "hsv1": "HSV-1", "hsv": "HSV-1",
    "adenoviral": "adenovirus",
}
_GENE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


def parse_choice(value: str, allowed: tuple[str, ...], option: str,
                 aliases: dict[str, str] | None = None) -> str:
    """Return the canonical spelling of ``value`` among ``allowed`` (case-insensitive).

    Parameters
    ----------
    value
        What the user gave.
    allowed
        The controlled vocabulary.
    option
        The option name used in the error (``--vector``).
    aliases
        Extra lower-case spellings mapped to canonical values.

    Returns
    -------
    str
        The canonical value.

    Raises
    ------
    BadInputError
        When ``value`` is not in the vocabulary; the message lists the allowed values.
    """
    key = value.strip().casefold()
    for item in allowed:
        if item.casefold() == key:
            return item
    if aliases and key in aliases:
        return aliases[key]
    msg = f"unknown value {value!r}; allowed: {', '.join(allowed)}"
    raise BadInputError(option, msg)


def parse_gene(symbol: str, option: str = "--gene") -> str:
    """Upper-case a gene symbol after checking it looks like one.

    ``option`` names the input in the error.

    Raises
    ------
    BadInputError
        When ``symbol`` is empty or holds characters other than letters, digits and ``-``.
    """
    text = symbol.strip()
    if not _GENE_RE.match(text):
        msg = f"{symbol!r} is not a gene symbol (letters, digits and '-')"
        raise BadInputError(option, msg)
    return text.upper()


def filter_products(products: Iterable[Product], *, gene: str | None = None,
                    modality: str | None = None, vector: str | None = None,
                    route: str | None = None, tissue: str | None = None) -> tuple[Product, ...]:
    """Keep the products that match every given criterion.

    Parameters
    ----------
    products
        Products to filter (usually ``load_catalog().products``).
    gene
        HGNC symbol (any case) among the product's delivered, replaced or edited genes.
    modality, vector, route, tissue
        Controlled values (:data:`~genetx.catalog.models.MODALITIES`, ``VECTORS``, ``ROUTES``,
        ``TISSUES``), any case. Products whose value for that field is unverified never match.

    Returns
    -------
    tuple of Product
        Matching products, in catalog order.

    Raises
    ------
    BadInputError
        For a malformed gene symbol or a value outside a vocabulary.
    """
    want_gene = parse_gene(gene) if gene is not None else None
    want = {
        "modality": parse_choice(modality, MODALITIES, "--modality") if modality else None,
        "vector": parse_choice(vector, VECTORS, "--vector", _VECTOR_ALIASES) if vector else None,
        "route": parse_choice(route, ROUTES, "--route") if route else None,
        "target_tissue": parse_choice(tissue, TISSUES, "--tissue") if tissue else None,
    }
    out = []
    for product in products:
        if want_gene is not None and want_gene not in {g.upper() for g in product.gene_symbols}:
            continue
        if any(v is not None and getattr(product, k).value != v for k, v in want.items()):
            continue
        out.append(product)
    return tuple(out)


def boxed_warnings(products: Iterable[Product]) -> tuple[tuple[Product, BoxedWarning], ...]:
    """Products whose US label carries a boxed warning, with the warning.

    Combine with :func:`filter_products` for class look-ups (``vector="AAV",
    route="intravenous"``). Products whose boxed-warning status is unverified are left out.
    """
    out = []
    for product in products:
        bw = product.boxed_warning.value
        if bw is not None and bw.present:
            out.append((product, bw))
    return tuple(out)


__all__ = ["boxed_warnings", "filter_products", "parse_choice", "parse_gene"]
