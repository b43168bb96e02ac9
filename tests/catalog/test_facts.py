"""Spot checks of catalog facts against the shared reference text (facts-catalog.md).

The reference tables are parsed here, independently of catalog.json: numbers, dates and
serotypes the catalog cites to a facts-catalog source (``S..``) must appear in that product's
row, and cells the reference marks unverified ([U]) must be absent from the catalog unless a
source read in the verification pass (``V-..``) backs them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from genetx.catalog import load_catalog

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _tables(md: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Section heading ('1.1', '1.2', ...) -> (header cells, rows of cells)."""
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    section = None
    for line in md.splitlines():
        m = re.match(r"^### (\d+\.\d+) ", line)
        if m:
            section = m.group(1)
            continue
        if section is None or not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if section not in out:
            out[section] = (cells, [])
        else:
            out[section][1].append(cells)
    return out


@pytest.fixture(scope="module")
def tables(shared_root: Path):
    path = shared_root / "reference" / "facts-catalog.md"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return _tables(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def _row(tables, product) -> tuple[list[str], list[str]]:
    names = (product.brand, *product.aliases)
    for section in ("1.1", "1.2", "1.3"):
        header, rows = tables[section]
        for cells in rows:
            if any(n in cells[0] for n in names):
                return header, cells
    raise AssertionError(f"{product.brand} not in facts-catalog.md section 1.1-1.3")


def _numbers(text: str) -> set[float]:
    return {float(x) for x in re.findall(r"\d+(?:\.\d+)?e\d+", text)}


def _cites_facts_catalog(sources) -> bool:
    return any(not s.startswith("V-") for s in sources)


def test_every_reference_product_is_in_the_catalog(tables, cat) -> None:
    names = {n.casefold() for p in cat.products for n in (p.brand, *p.aliases)}
    seen = 0
    for section in ("1.1", "1.2", "1.3"):
        for cells in tables[section][1]:
            brands = re.findall(r"[A-Z][a-z]+", cells[0].split("(")[0])
            brands += re.findall(r"/ (?:EU: |)([A-Z][a-z]+)", cells[0])
            assert any(b.casefold() in names for b in brands), cells[0]
            seen += 1
    assert seen == len(cat.products)


def test_car_t_list_matches_reference(tables, cat) -> None:
    rows = tables["1.4"][1]
    approvals = next(c for c in rows if c[0] == "US CAR-T approvals")[1]
    for p in cat.car_t:
        assert p.brand in approvals
        year = p.approvals[0].date[:4]
        assert re.search(rf"{p.brand} [^,]*{year}", approvals), p.brand
    assert "Aucatzyl Nov 8 2024" in approvals
    assert next(p for p in cat.car_t if p.id == "aucatzyl").approvals[0].date == "2024-11-08"


def test_doses_match_reference_numbers(tables, cat) -> None:
    checked = 0
    for p in cat.products:
        dose = p.dose.value
        if dose is None or dose.amount is None or not _cites_facts_catalog(p.dose.sources):
            continue
        _, cells = _row(tables, p)
        assert dose.amount in _numbers(" ".join(cells)), (p.brand, dose.amount)
        checked += 1
    assert checked >= 6  # Luxturna, Zolgensma, Hemgenix, Roctavian, Elevidys, Lyfgenia, Casgevy


def test_serotypes_match_reference(tables, cat) -> None:
    for p in cat.products:
        if p.vector.value != "AAV":
            continue
        _, cells = _row(tables, p)
        assert p.serotype.value in " ".join(cells), p.brand


def test_approval_dates_match_reference(tables, cat) -> None:
    checked = 0
    for p in cat.products:
        _, cells = _row(tables, p)
        text = " ".join(cells)
        for ap in p.approvals:
            if not _cites_facts_catalog(ap.sources):
                continue
            parts = ap.date.split("-")
            assert parts[0] in text, (p.brand, ap)
            if len(parts) >= 2:
                month = MONTHS[int(parts[1]) - 1]
                assert month in text, (p.brand, ap)
            if len(parts) == 3 and p.id != "glybera":  # row gives 'Oct/Nov 2012'; day from S49
                day = f"{month} {int(parts[2])} {parts[0]}"
                assert day in text, (p.brand, ap, day)
                checked += 1
    assert checked >= 15


def test_boxed_warnings_match_reference(tables, cat) -> None:
    for p in cat.products:
        header, cells = _row(tables, p)
        col = next((i for i, h in enumerate(header) if h.startswith("Boxed")), None)
        if col is None:
            continue
        cell = cells[col]
        bw = p.boxed_warning.value
        if cell.startswith("**Boxed"):
            assert bw is not None, p.brand
            assert bw.present, p.brand
        elif cell.startswith("No boxed warning [U]"):
            assert bw is None or not _cites_facts_catalog(p.boxed_warning.sources), p.brand
        elif cell.startswith("No boxed warning"):
            assert bw is not None, p.brand
            assert not bw.present, p.brand


_FIELD_FOR_COLUMN = {
    "Route & dose": "dose", "Dose": "dose",
    "Immunomodulation / conditioning": "immunomodulation", "Conditioning": "conditioning",
    "US list price": "prices", "Price": "prices",
}


def test_unverified_cells_are_not_encoded_from_the_reference(tables, cat) -> None:
    """A cell marked [U] (and nowhere [V]) is absent, or backed by a verification source."""
    checked = 0
    for p in cat.products:
        header, cells = _row(tables, p)
        for i, h in enumerate(header):
            field = _FIELD_FOR_COLUMN.get(h)
            if field is None or "[U]" not in cells[i] or "[V" in cells[i]:
                continue
            value = getattr(p, field)
            facts = value if isinstance(value, tuple) else (value,)
            for fact in facts:
                if fact.value is not None:
                    assert all(s.startswith("V-") for s in fact.sources), (p.brand, field)
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize(("pid", "text"), [
    ("elevidys", "exon 8 and/or 9"),
    ("skysona", "10/67"),
    ("beqvez", "Discontinued globally Feb 2025"),
    ("casgevy", "BCL11A erythroid-specific enhancer"),
    ("roctavian", "without AAV5 antibodies"),
])
def test_key_safety_facts_are_in_reference_row(tables, cat, pid, text) -> None:
    p = cat.get(pid)
    _, cells = _row(tables, p)
    assert text in " ".join(cells)


def test_key_safety_facts_are_encoded(cat) -> None:
    elevidys = cat.get("elevidys")
    assert any("exon 8" in c.value for c in elevidys.contraindications)
    assert "restricted (FDA)" in elevidys.flags
    assert any("10/67" in f.value for f in cat.get("skysona").serious_adverse_events)
    assert [e.date for e in cat.get("beqvez").status_history if e.kind == "discontinued"] == [
        "2025-02"]
    assert "erythroid-specific enhancer" in cat.get("casgevy").transgene.value
    assert "+58" not in cat.get("casgevy").transgene.value  # [U] in the reference
    assert any("AAV5" in e.value for e in cat.get("roctavian").eligibility)
