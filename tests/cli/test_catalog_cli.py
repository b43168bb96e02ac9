"""``genetx catalog``: table, JSON with sources, filters, exit codes and one-line errors."""

from __future__ import annotations

import json

import pytest

from genetx.catalog import load_catalog, product_from_dict
from genetx.errors import ExitStatus
from tests.clirun import genetx


def _brands_in_table(stdout: str) -> list[str]:
    return [line.split("  ")[0].split(" (")[0] for line in stdout.splitlines()[1:]]


def test_table_lists_every_gene_therapy_but_no_car_t() -> None:
    r = genetx("catalog")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    header = r.stdout.splitlines()[0]
    for col in ("brand", "genes", "modality", "vector", "serotype", "route", "boxed", "status"):
        assert col in header
    brands = _brands_in_table(r.stdout)
    assert brands == [p.brand for p in load_catalog().products]
    assert "Kymriah" not in r.stdout


def test_table_shows_status_and_unverified_marks() -> None:
    r = genetx("catalog")
    rows = {line.split("  ")[0].split(" (")[0]: line for line in r.stdout.splitlines()[1:]}
    assert "discontinued" in rows["Beqvez"]
    assert "withdrawn (EC)" in rows["Glybera"]
    assert "restricted (FDA)" in rows["Elevidys"]
    assert " ? " in rows["Hemgenix"]  # boxed-warning status unverified


def test_gene_filter() -> None:
    r = genetx("catalog", "--gene", "f9")
    assert r.exit_code == 0
    assert _brands_in_table(r.stdout) == ["Hemgenix", "Beqvez"]


def test_modality_and_vector_filters() -> None:
    r = genetx("catalog", "--modality", "genome_editing")
    assert _brands_in_table(r.stdout) == ["Casgevy"]
    r = genetx("catalog", "--vector", "HSV-1")
    assert _brands_in_table(r.stdout) == ["Imlygic", "Vyjuvek"]
    r = genetx("catalog", "--vector", "AAV", "--gene", "SMN1")
    assert _brands_in_table(r.stdout) == ["Zolgensma", "Itvisma"]


def test_no_match_is_not_an_error() -> None:
    r = genetx("catalog", "--gene", "XYZ1")
    assert r.exit_code == 0
    assert r.stdout == ""
    assert "no approved gene therapy matches" in r.stderr


@pytest.mark.parametrize(("args", "needle", "allowed"), [
    (("--modality", "viral"), "--modality", "gene_addition"),
    (("--vector", "AAV9"), "--vector", "gammaretrovirus"),
    (("--gene", "F 9"), "--gene", "letters, digits"),
    (("--car-t", "--gene", "F9"), "--car-t", "cannot be combined"),
])
def test_bad_input_is_one_line_exit_3(args, needle, allowed) -> None:
    r = genetx("catalog", *args)
    assert r.exit_code == ExitStatus.BAD_INPUT
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"genetx: error: {needle}:")
    assert allowed in lines[0]


def test_json_has_every_field_with_sources_and_round_trips() -> None:
    r = genetx("catalog", "--vector", "AAV", "--json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["filters"] == {"gene": None, "modality": None, "vector": "AAV"}
    cat = load_catalog()
    by_id = {p.id: p for p in cat.products}
    source_ids = {s["id"] for s in doc["sources"]}
    assert len(doc["products"]) == 9
    for raw in doc["products"]:
        product = product_from_dict(raw)
        assert product == by_id[product.id]
        assert set(product.source_ids()) <= source_ids
        assert raw["dose"].keys() >= {"value", "sources"}
    # the sources table holds exactly what the products cite, with citations
    cited = {s for raw in doc["products"] for s in product_from_dict(raw).source_ids()}
    assert source_ids == cited
    assert all(s["citation"] for s in doc["sources"])


def test_json_empty_result() -> None:
    r = genetx("catalog", "--gene", "XYZ1", "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["products"] == []


def test_car_t_section_is_separate_and_flagged() -> None:
    r = genetx("catalog", "--car-t")
    assert r.exit_code == 0
    assert "CAR-T" in r.stdout.splitlines()[0]
    assert "Kymriah" in r.stdout
    assert "Luxturna" not in r.stdout
    r = genetx("catalog", "--car-t", "--json")
    doc = json.loads(r.stdout)
    assert doc["section"] == "car_t"
    assert all(p["section"] == "car_t" for p in doc["products"])
    ids = {s["id"] for s in doc["sources"]}
    assert {"S58", "S59"} <= ids
    assert any(e["kind"] == "boxed_warning_added" for e in doc["class_events"])
