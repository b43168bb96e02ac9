"""Pure filters over catalog products."""

from __future__ import annotations

import copy

import pytest

from genetx.catalog import (
    MODALITIES,
    VECTORS,
    boxed_warnings,
    filter_products,
    load_catalog,
    parse_choice,
    product_from_dict,
    product_to_dict,
)
from genetx.errors import BadInputError


@pytest.fixture(scope="module")
def products():
    return load_catalog().products


def _brands(ps) -> list[str]:
    return [p.brand for p in ps]


def test_no_filter_returns_all(products) -> None:
    assert filter_products(products) == products


def test_gene_filter_is_case_insensitive(products) -> None:
    assert _brands(filter_products(products, gene="f9")) == ["Hemgenix", "Beqvez"]
    assert _brands(filter_products(products, gene="HBB")) == ["Zynteglo", "Lyfgenia"]
    assert _brands(filter_products(products, gene="COL7A1")) == ["Zevaskyn", "Vyjuvek"]
    assert filter_products(products, gene="NOTAGENE1") == ()


def test_modality_filter(products) -> None:
    assert _brands(filter_products(products, modality="genome_editing")) == ["Casgevy"]
    assert _brands(filter_products(products, modality="ONCOLYTIC")) == ["Imlygic"]
    ex_vivo = filter_products(products, modality="ex_vivo_gene_addition")
    assert {p.vector.value for p in ex_vivo} == {"LV", "gammaretrovirus"}


def test_vector_filter_and_aliases(products) -> None:
    aav = filter_products(products, vector="aav")
    assert len(aav) == 9
    assert all(p.serotype.value.upper().startswith("AAV") for p in aav)
    assert filter_products(products, vector="lentiviral") == filter_products(products, vector="LV")
    assert _brands(filter_products(products, vector="gammaretrovirus")) == ["Strimvelis",
                                                                            "Zevaskyn"]
    assert _brands(filter_products(products, vector="none")) == ["Casgevy"]


def test_unverified_field_never_matches(products) -> None:
    encelto = next(p for p in products if p.id == "encelto")
    assert encelto.vector.value is None
    for v in VECTORS:
        assert encelto not in filter_products(products, vector=v)


def test_route_and_tissue_filters(products) -> None:
    assert _brands(filter_products(products, tissue="liver")) == ["Hemgenix", "Roctavian",
                                                                  "Beqvez"]
    iv_aav = filter_products(products, vector="AAV", route="intravenous")
    assert _brands(iv_aav) == ["Zolgensma", "Hemgenix", "Roctavian", "Beqvez", "Elevidys"]
    assert _brands(filter_products(products, gene="SMN1", route="intrathecal")) == ["Itvisma"]


def test_boxed_warnings_by_class(products) -> None:
    iv_aav = filter_products(products, vector="AAV", route="intravenous")
    assert [p.brand for p, _ in boxed_warnings(iv_aav)] == ["Zolgensma", "Elevidys"]
    lv = filter_products(products, vector="LV")
    hits = boxed_warnings(lv)
    assert [p.brand for p, _ in hits] == ["Skysona", "Lyfgenia"]
    assert all("malignancy" in bw.text.lower() for _, bw in hits)


@pytest.mark.parametrize(("kwargs", "option"), [
    ({"modality": "gene-therapy"}, "--modality"),
    ({"vector": "AAV9"}, "--vector"),
    ({"route": "IV"}, "--route"),
    ({"tissue": "brain"}, "--tissue"),
    ({"gene": "F 9"}, "--gene"),
    ({"gene": ""}, "--gene"),
])
def test_bad_values_raise_bad_input(products, kwargs, option) -> None:
    with pytest.raises(BadInputError) as info:
        filter_products(products, **kwargs)
    assert info.value.input == option
    assert "\n" not in str(info.value)


def test_error_lists_allowed_values() -> None:
    with pytest.raises(BadInputError) as info:
        parse_choice("viral", MODALITIES, "--modality")
    for m in MODALITIES:
        assert m in str(info.value)


def test_filters_work_on_hand_built_products(products) -> None:
    """A product built from scratch (not from the shipped file) is filtered on its own fields."""
    raw = copy.deepcopy(product_to_dict(products[0]))
    raw.update(id="synthetic", brand="Synthetic")
    raw["genes"]["value"] = ["ABC1"]
    raw["vector"]["value"] = "adenovirus"
    synthetic = product_from_dict(raw)
    pool = (*products, synthetic)
    assert filter_products(pool, gene="abc1") == (synthetic,)
    assert synthetic in filter_products(pool, vector="adenovirus")
    assert synthetic not in filter_products(pool, vector="AAV")
