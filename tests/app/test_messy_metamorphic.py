"""A messy copy of a clean workbook gives every customer the same tier as the clean one (issue 11).

Metamorphic: tiers are compared customer by customer between ``tierkit apply`` on a clean workbook and
on a messy copy (title line, subtotals and a total, text amounts and dates, mixed id types, blank rows, a
repeated header, note rows, hidden and reordered columns), for abc, rfm and value, with and without an
orders sheet.  No total or subtotal row ever gets a tier.
"""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierkit import app

from .messy import AS_OF, clean_data, write_clean, write_messy

TOTAL_WORDS = ("小计", "合计")
NOTE_WORDS = ("制表人", "备注")


def tiers_by_customer(path: Path, rules: str, dst: Path) -> dict[str, str]:
    table = app.open_table(path, sheet="Customers")
    app.apply_rulesets(table, [rules], dst, as_of=AS_OF, source=app.table_source(table), force=True)
    wb = openpyxl.load_workbook(dst, read_only=True)
    try:
        rows = [list(r) for r in wb["Customers"].iter_rows(values_only=True)]
    finally:
        wb.close()
    h = next(i for i, r in enumerate(rows) if "客户编号" in r)
    header = rows[h]
    id_col, tier_col = header.index("客户编号"), header.index("Tier ID")
    out: dict[str, str] = {}
    for r in rows[h + 1:]:
        label = " ".join(str(v) for v in r if v is not None)
        cid = r[id_col]
        if any(w in label for w in TOTAL_WORDS + NOTE_WORDS):
            assert not r[tier_col], f"a total or note line got a tier: {r}"
            continue
        if cid is None or str(cid).strip() in ("", "客户编号"):
            continue
        key = str(int(cid)) if isinstance(cid, float | int) else str(cid).strip()
        out[key] = str(r[tier_col] or "")
    return out


@pytest.mark.parametrize("with_orders", [True, False])
@pytest.mark.parametrize("rules", ["abc", "rfm", "value"])
def test_a_messy_copy_gets_the_same_tiers(tmp_path: Path, rules: str, with_orders: bool) -> None:
    rng = random.Random(11)
    data = clean_data(rng, n=40, with_orders=with_orders)
    clean = tiers_by_customer(write_clean(tmp_path / "clean.xlsx", data), rules, tmp_path / "clean.out.xlsx")
    messy = tiers_by_customer(write_messy(tmp_path / "messy.xlsx", data, rng), rules, tmp_path / "messy.out.xlsx")
    assert len(clean) == 40 and messy == clean


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), with_orders=st.booleans(), rules=st.sampled_from(["abc", "rfm", "value"]))
def test_any_mess_gives_the_same_tiers(tmp_path_factory: pytest.TempPathFactory, seed: int, with_orders: bool,
                                       rules: str) -> None:
    tmp = tmp_path_factory.mktemp("mess")
    rng = random.Random(seed)
    data = clean_data(rng, n=rng.randint(8, 30), with_orders=with_orders)
    clean = tiers_by_customer(write_clean(tmp / "clean.xlsx", data), rules, tmp / "clean.out.xlsx")
    messy = tiers_by_customer(write_messy(tmp / "messy.xlsx", data, rng), rules, tmp / "messy.out.xlsx")
    assert messy == clean
