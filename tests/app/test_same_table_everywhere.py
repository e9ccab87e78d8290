"""The same messy table reads identically in the CLI and the add-in: every customer gets the same tier, and
total/subtotal/note rows get none in either."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pytest
from tests.addin.helpers import book_json, run_script

from tierkit import app

from .messy import AS_OF, clean_data, write_messy

EPOCH = dt.datetime(1899, 12, 30)


def _cell(v: object) -> object:
    """A cell as Office.js sends it: dates as serial numbers, blanks as ""."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return (v - EPOCH).days
    return v


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cli_and_addin_tier_a_messy_sheet_alike(tmp_path: Path, seed: int) -> None:
    src = write_messy(tmp_path / "m.xlsx", clean_data(random.Random(seed), n=15, with_orders=False),
                      random.Random(seed + 100))
    wb = openpyxl.load_workbook(src)
    rows = [[_cell(v) for v in r] for r in wb["Customers"].iter_rows(values_only=True)]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]

    table = app.open_table(src, sheet="Customers")
    app.apply_rulesets(table, ["abc"], tmp_path / "o.xlsx", as_of=AS_OF, source=app.table_source(table))
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["Customers"]
    header_row = next(r for r in range(1, 10) if "客户编号" in [c.value for c in ws[r]])
    heads = [c.value for c in ws[header_row]]
    cli = [ws.cell(row=r, column=heads.index("Tier ID") + 1).value or ""
           for r in range(header_row + 1, ws.max_row + 1)]

    out, _ = run_script("apply_rules", book_json({"Customers": rows}), "abc", "en")
    block = next(a for a in out["actions"] if a["func"] == "setValues" and a.get("sheet_position") == 0)
    assert block["start_row"] + 1 == header_row
    addin = [r[1] for r in block["values"][1:]]
    assert addin == cli[:len(addin)] and not any(cli[len(addin):])
