"""What the SQL features are checked against: the pandas features on the samples, compared column by column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from tests.rules.helpers import RULES, SAMPLES, load, workbook

import tierkit
from tierkit.features import apply_features

#: rule sets whose features the SQL refuses by name, and the kind it names (none since season_from_orders and
#: product_from_orders compile)
REFUSED: dict[str, str] = {}
#: the rule sets with a ``features:`` list, each with the samples it runs on
SAMPLE_RUNS = {
    "abc": ["distributor", "retail_members", "simple"],
    "rfm": ["distributor", "retail_members"],
    "value": ["distributor", "retail_members"],
    "lifecycle": ["distributor", "retail_members"],
    "attack_defense": ["distributor", "retail_members"],
    "behaviour": ["retail_members"],
    "demographic": ["retail_members"],
    "needs": ["distributor", "retail_members"],
}
OTHER = ["fit", "grouping_region", "profit", "route_to_market", "stages", "stages_expected", "stages_midsale",
         "stages_postsale", "stages_presale", "user_type", "grouping_industry", "grouping_competitor",
         "grouping_preference", "grouping_source", "grouping_season", "grouping_product"]
SAMPLE_CASES = [(name, sample) for name, samples in SAMPLE_RUNS.items() for sample in samples] + [
    (name, "distributor") for name in OTHER] + [("rfm", "customers_only"), ("stages_presale", "customers_only")]


def with_features() -> list[str]:
    """Every built-in rule set with a ``features:`` list."""
    return sorted(p.stem for p in RULES.glob("*.yaml") if load(p.stem).features)


def sample_tables(sample: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The customer table and the orders table (None: a flat customer list) of a sample."""
    if sample == "simple":
        return pd.read_csv(SAMPLES / "customers_simple.csv"), None
    if sample == "customers_only":
        return workbook("distributor")["Customers"], None
    sheets = workbook(sample)
    if sample == "distributor":
        return sheets["Customers"], sheets["Orders"]
    return sheets["Members"], sheets["Transactions"]


def pandas_features(rs: tierkit.RuleSet, customers: pd.DataFrame, orders: pd.DataFrame | None,
                    as_of: dt.date | None = None) -> pd.DataFrame:
    sheets = {"Orders": orders} if orders is not None else None  # the SQL is given the orders table by name
    out, _ = apply_features(customers, rs.features, sheets=sheets, fields=rs.fields, as_of=as_of, params=rs.params)
    return out


def changed_columns(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    return [c for c in after.columns if c not in before.columns or not after[c].equals(before[c])]


def assert_same(expected: pd.DataFrame, got: pd.DataFrame, columns: list[str], *, what: str = "",
                key: Callable[[pd.Series], pd.Series] | None = None) -> None:
    """Each of ``columns`` equal in both frames, row by row: numbers to 1e-9 (relative), counts and dates exactly,
    text exactly, blanks where blanks."""
    assert len(expected) == len(got), f"{what}: {len(expected)} rows by pandas, {len(got)} by SQL"
    for col in columns:
        assert col in got.columns, f"{what}: SQL has no column {col!r} (it has {list(got.columns)})"
        a, b = expected[col].reset_index(drop=True), got[col].reset_index(drop=True)
        blank_a, blank_b = a.isna().to_numpy(), b.isna().to_numpy()
        differ = np.flatnonzero(blank_a != blank_b)
        assert not len(differ), f"{what} {col}: blanks differ at rows {differ[:5]}"
        a, b = a[~blank_a], b[~blank_b]
        if pd.api.types.is_datetime64_any_dtype(a) or pd.api.types.is_datetime64_any_dtype(b):
            same = (pd.to_datetime(a).dt.normalize().to_numpy() == pd.to_datetime(b).dt.normalize().to_numpy())
        elif pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            x, y = a.astype("float64").to_numpy(), b.astype("float64").to_numpy()
            exact = pd.api.types.is_integer_dtype(a) or pd.api.types.is_integer_dtype(b)
            same = x == y if exact else np.isclose(x, y, rtol=1e-9, atol=1e-12)
        else:
            same = a.astype(str).to_numpy() == b.astype(str).to_numpy()
        bad = np.flatnonzero(~np.asarray(same))
        assert not len(bad), (f"{what} {col}: {len(bad)} rows differ, first: pandas {a.iloc[bad[0]]!r}, "
                              f"SQL {b.iloc[bad[0]]!r}")
