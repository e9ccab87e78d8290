"""Feature kinds that read an orders sheet for *when* and *what* a customer buys (grouping, 客户分群).

* ``season_from_orders``: the company's peak (旺季) and off-season (淡季) months and each customer's peak
  month(s) and how much of its revenue falls in the company's 旺季 and 淡季 months;
* ``product_from_orders``: each customer's main product (or category) by revenue and its share.

Both find the orders the way ``from_orders`` does (the table itself when it has the customer, date and
amount columns, else the workbook's orders sheet), read every cell as the customer sheet is read
(``¥1,234``, text dates, ids as ``1001``/``"1001.0"``), skip total lines and orders after the as-of day,
and join one row per customer back onto the table (customers with no orders: blank, ``buying_months`` 0).
Everything is computed with vectorised pandas (one ``groupby`` per kind).  Definitions in
``rules/README.md`` ("season_from_orders", "product_from_orders").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tierkit.errors import DataError, did_you_mean, listing, msg
from tierkit.features.columns import find_column
from tierkit.features.from_orders import _sheet, _table_parts
from tierkit.features.orders import order_keys
from tierkit.features.specs import ARG, Fail, FeatureContext, FeatureSpec, Names, names, option, shown
from tierkit.i18n import mark, tr
from tierkit.values import coerce_column, id_keys

__all__ = ["MONTHS", "ProductFromOrders", "SeasonFromOrders", "company_seasons", "customer_seasons",
           "main_products"]

MONTHS = tuple(range(1, 13))
_KEYS = ("sheet", "customer", "date", "amount", "product", "join_on", "names")


@dataclass(frozen=True)
class OrderSheet:
    """Where the orders are and which of their columns to read (each a name or candidates)."""

    customer: Names
    amount: Names
    date: Names | None = None  # required by season_from_orders; product_from_orders uses it for the as-of day
    product: Names | None = None
    sheet: Names = "Orders"
    join_on: Names | None = None  # the customer table's id column (default: the customer candidates)
    names: tuple[tuple[str, str], ...] = ()  # output renames


def _months(value: Any) -> tuple[int, ...]:
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 12 for v in value)):
        raise ValueError(msg("a list of month numbers 1-12"))
    return tuple(sorted(set(value)))


def _ratio(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(msg("a number of at least 0"))
    return float(value)


@dataclass(frozen=True, kw_only=True)
class _OrderLinesFeature(FeatureSpec):
    """A kind that aggregates order lines per customer and joins the result onto the table."""

    required: ClassVar[tuple[str, ...]] = ("customer", "date", "amount")
    columns: ClassVar[tuple[str, ...]] = ()  # the outputs, before ``names``
    orders: OrderSheet = field(metadata=ARG)

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(
                msg(
                    ": {kind} takes a mapping of columns like {{sheet: Orders, customer: 客户编号, ...}}", kind=cls.kind
                )
            )
        for key in value:
            if key not in _KEYS:
                raise fail(
                    msg(" ({kind}): unknown key '{key}'", kind=cls.kind, key=key), hint=did_you_mean(str(key), _KEYS)
                )
        for key in cls.required:
            if key not in value:
                raise fail(msg(" ({kind}): '{key}' is required", kind=cls.kind, key=key))
        conf: dict[str, Any] = {}
        for key in _KEYS:
            if key not in value:
                continue
            if key == "names":
                if not isinstance(value[key], Mapping) or not set(map(str, value[key])) <= set(cls.columns):
                    raise fail(
                        msg(
                            " ({kind}): 'names' must map some of {columns} to new names",
                            kind=cls.kind,
                            columns=listing(cls.columns),
                        )
                    )
                conf[key] = tuple((str(k), str(v)) for k, v in value[key].items())
                continue
            try:
                conf[key] = names(value[key])
            except ValueError as err:
                raise fail(msg(" ({kind}): '{key}' must be {err}", kind=cls.kind, key=key, err=err)) from None
        return {"orders": OrderSheet(**conf)}

    def outputs(self) -> list[str]:
        renames = dict(self.orders.names)
        return [renames.get(c, c) for c in self.columns]

    def compute(self, frame: pd.DataFrame, ctx: FeatureContext) -> tuple[pd.DataFrame, dict[str, Any]] | None:
        conf = self.orders
        wanted = {k: getattr(conf, k) for k in ("customer", "date", "amount", "product")}

        def find(table: pd.DataFrame) -> dict[str, str | None]:
            return {k: None if v is None else find_column(table, v) for k, v in wanted.items()}

        found, orders, cell_ref, where = find(frame), frame, ctx.cell_ref, ctx.where
        if not all(found[k] for k in self.required):
            table = _sheet(ctx.sheets, conf.sheet)
            if table is None:
                if self.optional:
                    return None
                raise DataError(msg("no orders sheet '{shown}' for {kind}", shown=shown(conf.sheet), kind=self.kind),
                                hint=msg("open the workbook that holds it, or name it with sheet:"))
            orders, cell_ref, where = _table_parts(table, ctx.where)
            found = find(orders)
        for key in self.required:
            if found[key] is None:
                cands = [wanted[key]] if isinstance(wanted[key], str) else list(wanted[key])
                raise DataError(
                    msg(
                        "{kind}: no column {join} for '{key}' in the orders table",
                        kind=self.kind,
                        join=" / ".join(map(str, cands)),
                        key=key,
                    ),
                    hint=did_you_mean(str(cands[0]), [str(c) for c in orders.columns]),
                )
        keys = order_keys(orders[str(found["customer"])])
        positions = np.flatnonzero(keys.notna().to_numpy())
        lines = orders.iloc[positions]

        def read(role: str, ftype: str) -> pd.Series:
            col = str(found[role])
            refs = None if cell_ref is None else (lambda i: cell_ref(int(positions[i]), col))
            return coerce_column(lines[col], ftype, column=col, cell_ref=refs, where=where).reset_index(drop=True)

        work = pd.DataFrame({"key": keys.iloc[positions].to_numpy()})
        work["amount"] = read("amount", "float").fillna(0.0).to_numpy()
        if found["product"] is not None:
            work["product"] = read("product", "string").to_numpy()
        if found["date"] is not None:
            work["date"] = read("date", "datetime").dt.normalize().to_numpy()
            stamp = pd.Timestamp(ctx.as_of).normalize() if ctx.as_of is not None else work["date"].max()
            if not pd.isna(stamp):
                work = work[work["date"].isna() | (work["date"] <= stamp)]
        meta: dict[str, Any] = {"kind": self.kind, "output": ", ".join(self.outputs()),
                                "inputs": [c for c in found.values() if c]}
        per_customer = self.aggregate(work, meta)
        per_customer = per_customer.rename(columns=dict(conf.names))
        return self._join(frame, per_customer, ctx, found["customer"] if orders is frame else None), meta

    def aggregate(self, work: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
        """Order lines (``key``, ``amount``, ``date``/``product`` when read) -> one row per key (the index)."""
        raise NotImplementedError

    def _join(self, frame: pd.DataFrame, per_customer: pd.DataFrame, ctx: FeatureContext,
              own: str | None) -> pd.DataFrame:
        on = own
        if on is None:
            join_on = self.orders.join_on if self.orders.join_on is not None else self.orders.customer
            on = ctx.column(frame, join_on)
            if on is None:
                first = join_on if isinstance(join_on, str) else join_on[0]
                raise DataError(
                    msg(
                        "{kind}: the customer table has no column {shown!r} to join on",
                        kind=self.kind,
                        shown=shown(join_on),
                    ),
                    hint=did_you_mean(str(first), map(str, frame.columns)),
                )
        joined = per_customer.reindex(id_keys(frame[on]).to_numpy())
        joined.index = frame.index
        out = frame.copy()
        zero = self.zero_when_missing()
        for col in per_customer.columns:
            out[col] = joined[col].fillna(0) if col in zero else joined[col]
        return out

    def zero_when_missing(self) -> set[str]:
        return set()


@dataclass(frozen=True, kw_only=True)
class SeasonFromOrders(_OrderLinesFeature):
    """Peak (旺季) and off-season (淡季) months of the company, and each customer's buying season."""

    kind: ClassVar[str] = "season_from_orders"
    title: ClassVar[str] = mark("feature kind", "season_from_orders")
    columns: ClassVar[tuple[str, ...]] = ("peak_month", "peak_months", "peak_season_share", "off_season_share",
                                          "buying_months")
    peak_ratio: float = field(default=1.05, metadata=option(_ratio))
    off_ratio: float = field(default=0.8, metadata=option(_ratio))
    peak_months: tuple[int, ...] | None = field(default=None, metadata=option(_months))
    off_months: tuple[int, ...] | None = field(default=None, metadata=option(_months))

    def aggregate(self, work: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
        dated = work[work["date"].notna()]
        month = dated["date"].dt.month
        peak, off = company_seasons(dated["amount"].groupby(month).sum(), self.peak_ratio, self.off_ratio)
        peak = self.peak_months if self.peak_months is not None else peak
        off = self.off_months if self.off_months is not None else off
        meta.update(peak=list(peak), off=list(off), customers=int(dated["key"].nunique()),
                    given=self.peak_months is not None or self.off_months is not None)
        return customer_seasons(dated["key"], month, dated["amount"], peak=peak, off=off, ratio=self.peak_ratio)

    def zero_when_missing(self) -> set[str]:
        return {dict(self.orders.names).get("buying_months", "buying_months")}

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        words = {"peak": _month_list(meta.get("peak", [])), "off": _month_list(meta.get("off", [])),
                 "n": meta.get("customers")}
        if meta.get("given"):
            return tr(lang, "buying seasons from orders: peak season (given) months {peak}, off-season {off}; "
                            "{n} customers", **words)
        return tr(lang, "buying seasons from orders: peak season months {peak}, off-season {off} (all "
                        "customers' revenue by month against the median month); {n} customers", **words)


@dataclass(frozen=True, kw_only=True)
class ProductFromOrders(_OrderLinesFeature):
    """Each customer's main product (or category) by revenue, and that product's share of its revenue."""

    kind: ClassVar[str] = "product_from_orders"
    title: ClassVar[str] = mark("feature kind", "product_from_orders")
    required: ClassVar[tuple[str, ...]] = ("customer", "amount", "product")
    columns: ClassVar[tuple[str, ...]] = ("main_product", "main_product_share")

    def aggregate(self, work: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
        out = main_products(work["key"], work["product"], work["amount"])
        meta.update(customers=len(out), products=int(out["main_product"].nunique()))
        return out

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        return tr(lang, "main product by revenue from orders ({inputs}): {n} customers, {k} different main products",
                  inputs=", ".join(map(str, meta.get("inputs", []))), n=meta.get("customers"),
                  k=meta.get("products"))


def company_seasons(by_month: pd.Series, peak_ratio: float = 1.05, off_ratio: float = 0.8
                    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """旺季 and 淡季 months from revenue per calendar month (index 1-12; missing months count 0).

    A month is 旺季 when its revenue is at least ``peak_ratio`` x the median month, 淡季 when at most
    ``off_ratio`` x the median (negative months count 0).  The median, not the mean, so that a strong
    peak does not turn every ordinary month into 淡季.  No revenue at all: neither.
    """
    totals = by_month.reindex(MONTHS, fill_value=0.0).astype("float64").clip(lower=0.0)
    middle = float(totals.median())
    if totals.sum() <= 0:
        return (), ()
    peak = tuple(int(m) for m in totals.index[totals >= peak_ratio * middle])
    off = tuple(int(m) for m in totals.index[totals <= off_ratio * middle])
    return peak, off


def customer_seasons(keys: pd.Series, month: pd.Series, amount: pd.Series, *, peak: tuple[int, ...],
                     off: tuple[int, ...], ratio: float = 1.1) -> pd.DataFrame:
    """Per customer (index: key): ``peak_month`` (the calendar month with most revenue; ties: the
    earliest), ``peak_months`` (months with at least ``ratio`` x the customer's mean over the months it bought in,
    as text ``"3, 11"``), ``peak_season_share`` / ``off_season_share`` (share of the customer's revenue in the
    ``peak`` / ``off`` months) and ``buying_months`` (calendar months with an order line, 0-12).
    Month revenue below 0 (returns) counts 0; a customer whose revenue is 0 gets blanks but its
    ``buying_months``."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "month": month.to_numpy(), "amount": amount.to_numpy()})
    index = pd.Index(pd.unique(frame["key"]), name="key")
    table = frame.pivot_table(index="key", columns="month", values="amount", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=index, columns=list(MONTHS), fill_value=0.0).clip(lower=0.0)
    lines = frame.groupby("key", sort=False)["month"].nunique().reindex(index).fillna(0)
    total = table.sum(axis=1)
    has = (total > 0).to_numpy()
    values = table.to_numpy()
    top = np.argmax(values, axis=1) + 1  # argmax takes the first maximum: the earliest month
    out = pd.DataFrame(index=index)
    out["peak_month"] = pd.Series(np.where(has, top, 0), index=index).astype("Int64").mask(~has)
    bought = (values > 0).sum(axis=1)
    mean_bought = np.divide(total.to_numpy(), bought, out=np.zeros(len(bought)), where=bought > 0)
    strong = (values >= ratio * mean_bought[:, None]) & (values > 0)
    texts = [", ".join(str(m) for m in np.flatnonzero(row) + 1) for row in strong]
    out["peak_months"] = pd.Series(texts, index=index, dtype="object").where(has, None)
    safe = total.where(total > 0)
    out["peak_season_share"] = (table[list(peak)].sum(axis=1) / safe if peak else total * 0.0 / safe)
    out["off_season_share"] = (table[list(off)].sum(axis=1) / safe if off else total * 0.0 / safe)
    out["buying_months"] = lines.astype("Int64")
    return out


def main_products(keys: pd.Series, product: pd.Series, amount: pd.Series) -> pd.DataFrame:
    """Per customer (index: key): ``main_product`` (most revenue; ties: first in alphabetical order; lines
    with a blank product are left out) and ``main_product_share`` (its revenue / the customer's positive
    revenue over all products)."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "product": product.to_numpy(), "amount": amount.to_numpy()})
    index = pd.Index(pd.unique(frame["key"]), name="key")
    named = frame[frame["product"].notna() & (frame["product"].astype(str).str.strip() != "")]
    sums = named.groupby(["key", "product"], sort=False)["amount"].sum().reset_index()
    sums = sums[sums["amount"] > 0]
    sums = sums.sort_values(["key", "amount", "product"], ascending=[True, False, True], kind="stable")
    top = sums.drop_duplicates("key").set_index("key")
    positive = sums.groupby("key")["amount"].sum()
    out = pd.DataFrame(index=index)
    out["main_product"] = top["product"].reindex(index).astype("object")
    out["main_product_share"] = (top["amount"] / positive.reindex(top.index)).reindex(index).astype("float64")
    return out


def _month_list(months: Any) -> str:
    return ", ".join(str(m) for m in months) or "-"
