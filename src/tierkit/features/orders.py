"""Per-customer features from an orders table (RFM inputs, tenure, growth, share).

:func:`customer_features` turns order lines into one row per customer; :func:`join_customers`
attaches them to a customer table.  Definitions (all pinned by tests):

* ``as_of`` defaults to the latest order date.  Orders dated after ``as_of`` are ignored (the
  features describe the customer *as of* that day); orders with a blank date still count in
  ``frequency``/``monetary`` but not in the date features.  Rows with a blank customer (or a total
  word such as 合计 in the customer cell: a total line) are dropped.
* Customer ids are compared by :func:`tierkit.values.id_key` (``10377``, ``"10377"``, ``"１０３７７"``
  are one customer); the output shows each customer's id as its first order line showed it.
* Amounts, margins and dates are read by :func:`tierkit.values.coerce_column`, as the customer sheet
  is (``¥1,234.50``, ``1.2万``, text dates, Excel serials); a cell that cannot be read raises
  :class:`~tierkit.errors.DataError` naming it (``Orders!C17``).
* ``recency_days``: whole days from the last purchase to ``as_of`` (0 = bought that day).
* ``frequency``: number of orders (distinct ``order`` ids when an order column is given,
  otherwise rows).  ``monetary``: sum of ``amount``.  ``avg_order_value`` = monetary / frequency.
* ``first_purchase``/``last_purchase``: dates; ``tenure_days``: days from the first purchase
  to ``as_of``.
* ``distinct_products`` (with ``product``), ``gross_profit`` and ``margin_rate`` =
  gross_profit / monetary (with ``margin``), ``main_channel`` (most orders; ties: first in
  alphabetical order) and ``channels`` (with ``channel``).
* ``revenue_12m``: amount in the 365 days ending on ``as_of``; ``revenue_prev_12m``: the 365
  days before that; ``growth`` = revenue_12m / revenue_prev_12m - 1, blank when the earlier
  window is 0 or negative.
* ``active_months_12m``: calendar months in which the customer ordered during those 365 days
  (0-13; measures continuous vs intermittent buying).
* ``revenue_share``: monetary / total monetary of all customers with a positive total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from tierkit.errors import Where
from tierkit.features.scores import share_of_total
from tierkit.values import coerce_column, id_keys, is_total_word

__all__ = ["COUNT_COLUMNS", "FEATURE_COLUMNS", "customer_features", "join_customers", "order_keys"]

#: Every column :func:`customer_features` can produce, in output order (the key comes first).
FEATURE_COLUMNS = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "first_purchase",
    "last_purchase",
    "tenure_days",
    "distinct_products",
    "gross_profit",
    "margin_rate",
    "main_channel",
    "channels",
    "revenue_12m",
    "revenue_prev_12m",
    "active_months_12m",
    "growth",
    "revenue_share",
)

_YEAR = pd.Timedelta(days=365)


#: features that are counts: 0 (not blank) for a customer with no orders
COUNT_COLUMNS = ("frequency", "distinct_products", "channels", "active_months_12m")


def order_keys(series: pd.Series) -> pd.Series:
    """The customer key of each order line (:func:`~tierkit.values.id_key`); None for a blank customer and
    for a total line (合计, Total, ... in the customer cell)."""
    keys = id_keys(series)
    # each distinct key tested once (an orders sheet repeats its customers: 40k lines, 2k keys)
    totals = [key for key in pd.unique(keys[keys.notna()]) if is_total_word(key)]
    return keys.mask(keys.isin(totals), None) if totals else keys


def customer_features(
    orders: pd.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    margin: str | None = None,
    product: str | None = None,
    channel: str | None = None,
    order: str | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    cell_ref: Callable[[int, str], str] | None = None,
    where: Where | None = None,
) -> pd.DataFrame:
    """One row per customer (column ``customer``, in first-seen order) with the features above.

    ``cell_ref(i, column)`` names the cell of row ``i`` (0-based position) for errors; ``where`` the file
    and sheet.  ``attrs``: ``as_of`` (a date or None) and ``order_lines`` (the lines that count).
    """
    for col in (customer, date, amount, margin, product, channel, order):
        if col is not None and col not in orders.columns:
            raise KeyError(col)

    line_keys = order_keys(orders[customer])
    positions = np.flatnonzero(line_keys.notna().to_numpy())
    # only the lines that count are read: a total line's figures are never looked at
    lines = orders.iloc[positions]
    work = pd.DataFrame({"_key": line_keys.iloc[positions].to_numpy()}, index=lines.index)

    def read(col: str, kind: str) -> pd.Series:
        refs = None if cell_ref is None else (lambda i: cell_ref(int(positions[i]), col))
        return coerce_column(lines[col], kind, column=str(col), cell_ref=refs, where=where)

    work["_date"] = read(date, "datetime").dt.normalize().to_numpy()
    work["_amount"] = read(amount, "float").fillna(0.0).to_numpy()
    if margin is not None:
        work["_margin"] = read(margin, "float").fillna(0.0).to_numpy()
    if product is not None:
        work["_product"] = read(product, "string").to_numpy()
    if channel is not None:
        work["_channel"] = read(channel, "string").to_numpy()
    if order is not None:
        work["_order"] = id_keys(lines[order]).to_numpy()

    shown = lines[customer].groupby(work["_key"].to_numpy(), sort=False).first()  # each id as first shown
    stamp = pd.Timestamp(as_of).normalize() if as_of is not None else work["_date"].max()
    if stamp is not None and not pd.isna(stamp):
        work = work[work["_date"].isna() | (work["_date"] <= stamp)]

    keys = pd.unique(work["_key"])
    grouped = work.groupby("_key", sort=False)
    out = pd.DataFrame(index=pd.Index(keys, name="_key"))
    last = grouped["_date"].max().reindex(keys)
    first = grouped["_date"].min().reindex(keys)
    if order is not None:
        freq = grouped["_order"].nunique().reindex(keys)
    else:
        freq = grouped.size().reindex(keys)
    monetary = grouped["_amount"].sum().reindex(keys)
    if stamp is None or pd.isna(stamp):
        out["recency_days"] = pd.array([pd.NA] * len(keys), dtype="Int64")
        out["tenure_days"] = pd.array([pd.NA] * len(keys), dtype="Int64")
    else:
        out["recency_days"] = _days(stamp - last)
        out["tenure_days"] = _days(stamp - first)
    out["frequency"] = freq.astype("Int64")
    out["monetary"] = monetary.astype("float64")
    out["avg_order_value"] = (monetary / freq.where(freq > 0)).astype("float64")
    out["first_purchase"] = first
    out["last_purchase"] = last
    if product is not None:
        out["distinct_products"] = grouped["_product"].nunique().reindex(keys).astype("Int64")
    if margin is not None:
        profit = grouped["_margin"].sum().reindex(keys).astype("float64")
        out["gross_profit"] = profit
        out["margin_rate"] = profit / monetary.where(monetary > 0)
    if channel is not None:
        counts = work.groupby(["_key", "_channel"], sort=True).size().reset_index(name="n")
        counts = counts.sort_values(["_key", "n", "_channel"], ascending=[True, False, True], kind="stable")
        main = counts.drop_duplicates("_key").set_index("_key")["_channel"]
        out["main_channel"] = main.reindex(keys).astype("object")
        out["channels"] = grouped["_channel"].nunique().reindex(keys).astype("Int64")
    if stamp is not None and not pd.isna(stamp):
        recent = work[(work["_date"] > stamp - _YEAR) & (work["_date"] <= stamp)]
        prior = work[(work["_date"] > stamp - 2 * _YEAR) & (work["_date"] <= stamp - _YEAR)]
        r12 = recent.groupby("_key", sort=False)["_amount"].sum().reindex(keys).fillna(0.0)
        p12 = prior.groupby("_key", sort=False)["_amount"].sum().reindex(keys).fillna(0.0)
        months = recent["_date"].dt.year * 12 + recent["_date"].dt.month
        active = months.groupby(recent["_key"], sort=False).nunique().reindex(keys).fillna(0)
        out["active_months_12m"] = active.astype("Int64")
        out["revenue_12m"] = r12.astype("float64")
        out["revenue_prev_12m"] = p12.astype("float64")
        out["growth"] = (r12 / p12.where(p12 > 0) - 1.0).astype("float64")
    out["revenue_share"] = share_of_total(out["monetary"])
    out.index = pd.Index(shown.reindex(keys).to_numpy(dtype=object), name=customer)
    out = out.reset_index()
    out.attrs["as_of"] = None if stamp is None or pd.isna(stamp) else stamp.date()
    out.attrs["order_lines"] = len(work)
    return out


def _days(delta: pd.Series) -> pd.Series:
    days = delta.dt.days
    return days.astype("Int64")


def join_customers(
    customers: pd.DataFrame,
    features: pd.DataFrame,
    *,
    on: str,
    features_on: str | None = None,
) -> pd.DataFrame:
    """Left-join per-customer ``features`` onto ``customers`` (rows and order of ``customers`` kept).

    Ids are compared by :func:`tierkit.values.id_key`, so ``1001`` in one sheet meets
    ``"1001"`` or ``"１００１"`` in the other; ``customers`` keeps its cells as they are.  Customers with no
    orders keep blank features except ``frequency``, ``distinct_products``, ``channels`` and
    ``active_months_12m``, which are 0.
    A feature column that already exists in ``customers`` is replaced.
    """
    right_key = features_on or on
    if on not in customers.columns:
        raise KeyError(on)
    feats = features.copy()
    feats["_join"] = id_keys(feats[right_key])
    feats = feats.drop(columns=[right_key]).drop_duplicates("_join")
    left = customers.copy()
    left_key = id_keys(left[on])
    feature_cols = [c for c in feats.columns if c != "_join"]
    left = left.drop(columns=[c for c in feature_cols if c in left.columns])
    right = feats.set_index("_join")
    joined = right.reindex(left_key.to_numpy())
    joined.index = left.index
    for col in feature_cols:
        values = joined[col]
        if col in COUNT_COLUMNS:
            values = values.fillna(0).astype("Int64")
        left[col] = values
    left.attrs.update(features.attrs)
    return left
