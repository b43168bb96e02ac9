"""Loader, schema validation and JSON round trip of the shipped catalog."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from importlib import resources

import pytest

from genetx.catalog import catalog_from_dict, catalog_to_dict, load_catalog, validate
from genetx.catalog.store import (
    car_t_from_dict,
    car_t_to_dict,
    data_path,
    product_from_dict,
    product_to_dict,
)
from genetx.errors import BadInputError, MalformedFileError


@pytest.fixture(scope="module")
def raw() -> dict:
    text = resources.files("genetx").joinpath("data", "catalog", "catalog.json").read_text("utf-8")
    return json.loads(text)


def _facts(obj):
    """Yield every fact-shaped dict (has `value` and `sources`) in a JSON product."""
    if isinstance(obj, dict):
        if "value" in obj and "sources" in obj:
            yield obj
        for v in obj.values():
            yield from _facts(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _facts(v)


def test_shipped_catalog_is_valid(raw: dict) -> None:
    assert validate(raw) == []


def test_every_present_fact_cites_an_existing_source(raw: dict) -> None:
    ids = {s["id"] for s in raw["sources"]}
    products = raw["products"] + raw["car_t"]["products"]
    n_present = 0
    for prod in products:
        for fact in _facts(prod):
            if fact["value"] is None:
                assert fact["sources"] == []
                assert fact.get("unverified") or fact.get("note", "").startswith("not applicable")
                continue
            n_present += 1
            assert fact["sources"], (prod["id"], fact)
            assert set(fact["sources"]) <= ids, (prod["id"], fact["sources"])
        for ap in prod["approvals"]:
            assert ap["sources"]
            assert set(ap["sources"]) <= ids
        for ev in prod.get("status_history", []):
            assert ev["sources"]
            assert set(ev["sources"]) <= ids
    assert n_present > 300  # the catalog is not empty shells


def test_every_catalog_entry_has_a_source() -> None:
    cat = load_catalog()
    for product in (*cat.products, *cat.car_t):
        assert product.source_ids(), product.id
        assert all(s in cat.sources for s in product.source_ids())
        assert all(a.sources for a in product.approvals)


def test_sources_have_citations_and_verified_ones_have_urls() -> None:
    cat = load_catalog()
    for src in cat.sources.values():
        assert src.citation.strip()
        if src.id.startswith("V-"):
            assert src.url, src.id
            assert src.url.startswith("http"), src.id
            assert src.note, src.id


def test_counts_and_car_t_kept_apart() -> None:
    cat = load_catalog()
    assert len(cat.products) == 23
    assert len(cat.car_t) == 7
    gene_ids = {p.id for p in cat.products}
    assert not gene_ids & {p.id for p in cat.car_t}
    assert all(p.section == "car_t" for p in cat.car_t)
    assert {p.brand for p in cat.car_t} >= {"Kymriah", "Abecma", "Aucatzyl"}


def test_shipped_data_lives_in_the_package() -> None:
    path = data_path()
    assert path.is_file()
    assert path.parent.parent.parent.name == "genetx"
    assert (path.parent / "SOURCES.md").is_file()


def test_json_round_trip() -> None:
    cat = load_catalog()
    doc = catalog_to_dict(cat)
    again = catalog_from_dict(json.loads(json.dumps(doc)))
    assert again == cat
    for product in cat.products:
        assert product_from_dict(json.loads(json.dumps(product_to_dict(product)))) == product
    for product in cat.car_t:
        assert car_t_from_dict(car_t_to_dict(product)) == product


def test_get_by_brand_alias_and_generic() -> None:
    cat = load_catalog()
    assert cat.get("upstaza").id == "kebilidi"
    assert cat.get("Libmeldy").brand == "Lenmeldy"
    assert cat.get("onasemnogene abeparvovec-xioi").id == "zolgensma"
    with pytest.raises(BadInputError, match="no approved gene therapy"):
        cat.get("NotADrug")


def test_load_from_path_matches_shipped(tmp_path, raw: dict) -> None:
    p = tmp_path / "c.json"
    p.write_text(json.dumps(raw), encoding="utf-8")
    assert load_catalog(p) == load_catalog()


# ---------------------------------------------------------------- validation catches errors


def _first(raw: dict, pid: str) -> dict:
    return next(p for p in raw["products"] if p["id"] == pid)


def test_missing_source_id_is_reported(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    bad["sources"] = [s for s in bad["sources"] if s["id"] != "S03"]
    problems = validate(bad)
    assert any("(zolgensma)" in p and "'S03' is not in the sources table" in p for p in problems)


def test_present_fact_without_source_is_reported(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    _first(bad, "hemgenix")["dose"]["sources"] = []
    assert any("hemgenix" in p and "dose" in p and "at least one source" in p
               for p in validate(bad))


def test_absent_fact_must_say_why(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    _first(bad, "luxturna")["serotype"] = {"value": None, "sources": []}
    assert any("luxturna" in p and "serotype" in p and "unverified" in p for p in validate(bad))


def test_absent_fact_cannot_cite(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    _first(bad, "waskyra")["dose"]["sources"] = ["S55"]
    assert any("waskyra" in p and "must not cite" in p for p in validate(bad))


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("vector", "AAV2", "is not one of"),
    ("modality", "gene therapy", "is not one of"),
    ("route", "IV", "is not one of"),
])
def test_vocabulary_is_enforced(raw: dict, field: str, value: str, needle: str) -> None:
    bad = copy.deepcopy(raw)
    _first(bad, "zolgensma")[field]["value"] = value
    assert any(field in p and needle in p for p in validate(bad))


def test_bad_date_and_duplicate_id(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    _first(bad, "zolgensma")["approvals"][0]["date"] = "24 May 2019"
    bad["products"].append(copy.deepcopy(_first(bad, "luxturna")))
    problems = validate(bad)
    assert any("YYYY" in p for p in problems)
    assert any("duplicate id" in p for p in problems)


def test_dose_shape_is_checked(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    _first(bad, "zolgensma")["dose"]["value"]["unit"] = None
    assert any("amount` and `unit`" in p for p in validate(bad))


def test_broken_file_raises_one_line_error(tmp_path, raw: dict) -> None:
    bad = copy.deepcopy(raw)
    bad["sources"] = [s for s in bad["sources"] if s["id"] != "S60"]
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(MalformedFileError) as info:
        load_catalog(p)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(str(p))
    assert "S60" in msg


def test_non_json_file_reports_line(tmp_path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"schema_version": 1,\n  oops}\n', encoding="utf-8")
    with pytest.raises(MalformedFileError, match="line 2"):
        load_catalog(p)


def test_missing_file_is_bad_input(tmp_path) -> None:
    with pytest.raises(MalformedFileError, match="cannot read"):
        load_catalog(tmp_path / "nope.json")


def test_import_is_light() -> None:
    code = ("import sys, genetx.catalog as c; c.load_catalog(); "
            "print(sorted(m for m in ('pandas', 'numpy', 'numba', 'Bio', 'typer', 'rich') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
