"""order_stats (volume, orders in 12 months, deal timing), multiply and choose."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from tierkit.cli import main
from tierkit.errors import DataError
from tierkit.features import apply_features

ORDERS = pd.DataFrame({
    "客户编号": ["A", "A", "A", "A", "B", "B", "B", "合计", "A"],
    "下单日期": [dt.date(2024, 1, 31), dt.date(2024, 3, 10), dt.date(2024, 6, 27), dt.date(2023, 5, 2),
             dt.date(2024, 2, 10), dt.date(2024, 4, 11), None, dt.date(2024, 5, 5), dt.date(2025, 1, 30)],
    "数量": [2, 3, 5, 1, 10, 10, 10, 999, 7],
    "促销": ["是", None, None, "是", None, "yes", None, None, None],
})
SPEC = {"order_stats": ["客户编号"], "sheet": "Orders", "date": "下单日期", "quantity": "数量", "promo": "促销"}


def stats(customers: list[str], spec: dict | None = None, as_of: dt.date = dt.date(2024, 12, 31)) -> pd.DataFrame:
    frame = pd.DataFrame({"客户编号": customers})
    out, _ = apply_features(frame, [spec or SPEC], as_of=as_of, sheets={"Orders": ORDERS})
    return out.set_index("客户编号")


def test_volume_recent_orders_and_deal_share() -> None:
    out = stats(["A", "B", "C"])
    # A: 4 orders up to the as-of day (the 2025 one is later); Jan 31 is a month end (last 5 days), Mar 10 is
    # not, Jun 27 is (30 - 27 = 3 < 5), May 2 2023 is a promotion: 3 of 4 on deals
    assert out.loc["A", "volume"] == 11
    assert out.loc["A", "timed_orders"] == 4 and out.loc["A", "orders_12m"] == 3
    assert out.loc["A", "deal_share"] == pytest.approx(0.75)
    # B: one line without a date counts in the volume, not in the timing
    assert out.loc["B", "volume"] == 30 and out.loc["B", "timed_orders"] == 2
    assert out.loc["B", "deal_share"] == pytest.approx(0.5)
    # C never ordered: 0 orders, blank volume and share
    assert out.loc["C", "timed_orders"] == 0 and out.loc["C", "orders_12m"] == 0
    assert pd.isna(out.loc["C", "volume"]) and pd.isna(out.loc["C", "deal_share"])


def test_end_days_and_no_promo_column() -> None:
    spec = {k: v for k, v in SPEC.items() if k != "promo"} | {"end_days": 1}
    out = stats(["A"], spec)
    assert out.loc["A", "deal_share"] == pytest.approx(0.25)  # only Jan 31 is the last day of its month


def test_missing_orders_sheet() -> None:
    frame = pd.DataFrame({"客户编号": ["A"]})
    out, meta = apply_features(frame, [SPEC | {"optional": True}], sheets={})
    assert "deal_share" not in out.columns and meta["skipped"]
    with pytest.raises(DataError, match="no orders sheet"):
        apply_features(frame, [SPEC], sheets={})


def test_choose_picks_the_column_its_param_names() -> None:
    frame = pd.DataFrame({"revenue": [1.0, 2.0], "volume": [5.0, 3.0], "margin_rate": [0.5, 0.25]})
    specs = [{"multiply": ["volume", "margin_rate"], "as": "both"},
             {"choose": {1: "revenue", 2: "volume", 3: "both", 4: "missing"}, "param": "measure", "as": "picked"}]
    for value, expected in ((1, [1.0, 2.0]), (2, [5.0, 3.0]), (3, [2.5, 0.75])):
        out, meta = apply_features(frame, specs, params={"measure": value})
        assert out["picked"].tolist() == expected
        assert meta["features"][-1]["chosen"] == {1: "revenue", 2: "volume", 3: "both"}[value]
    with pytest.raises(DataError, match="measure = 4 ranks by missing"):
        apply_features(frame, specs, params={"measure": 4})
    with pytest.raises(DataError, match="must be one of: 1 = revenue"):
        apply_features(frame, specs, params={"measure": 7})


@pytest.mark.parametrize(("measure", "label"), [(1, "Revenue"), (2, "Volume"), (6, "Contribution ratio")])
def test_abc_names_the_measure_it_ranked_by(measure: int, label: str, tmp_path) -> None:
    from tests.rules.helpers import SAMPLES

    out = tmp_path / "abc.csv"
    result = CliRunner().invoke(main, ["apply", str(SAMPLES / "distributor.xlsx"), "--sheet", "Customers", "-r", "abc",
                                       "--param", f"measure={measure}", "-o", str(out), "--as-of", "2024-12-31"])
    assert result.exit_code == 0, result.output
    assert f"of {label}" in result.output
