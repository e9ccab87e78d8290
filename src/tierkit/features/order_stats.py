"""Per-customer figures from an orders sheet that ``from_orders`` does not give: the volume bought
(sum of a quantity column), orders in the last 12 months, and purchase timing (which share of a
customer's orders fall in a promotion or at the end of a month, the 购买时机 of the texts).

``order_stats`` reads the orders sheet named like ``from_orders`` does and joins its figures onto
the customer table by customer id (:func:`tierkit.values.id_key`); customers with no orders get
0 orders and a blank volume and timing.

* ``volume``: sum of ``quantity`` (needs a quantity column: 数量, 销售量, Quantity).
* ``orders_12m``: order lines dated in the 365 days ending on the as-of day.
* ``timed_orders``: order lines with a date (up to the as-of day).
* ``deal_share``: the share of those orders flagged in the ``promo`` column (是, yes, Y, 1, 促销, x)
  or dated in the last ``end_days`` days of a calendar month (month and quarter ends, when deals
  and rebates close).  A customer who waits for deals has a high share; one who orders when the
  need arises has about ``end_days``/30 plus the promotion rate.

``multiply`` (``multiply: [margin_rate, turnover]``) and ``choose`` (a column picked by a
parameter's value, for a ``measure`` param) are here as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tierkit.errors import DataError, did_you_mean, msg
from tierkit.features.columns import find_column, norm
from tierkit.features.from_orders import _sheet, _table_parts
from tierkit.features.kinds import Arithmetic
from tierkit.features.specs import (
    ARG,
    ColumnFeature,
    Fail,
    FeatureContext,
    FeatureSpec,
    Names,
    names,
    option,
    shown,
    text,
    texts,
    whole,
)
from tierkit.i18n import join, mark, tr, trc
from tierkit.values import coerce_column, id_keys

__all__ = ["STAT_COLUMNS", "Choose", "Multiply", "OrderStats", "chosen_by_params"]

#: the columns ``order_stats`` adds
STAT_COLUMNS = ("volume", "orders_12m", "timed_orders", "deal_share")
#: how the summary sheet names them (a rule file's label for a field of the same name comes first)
STAT_LABELS = {"volume": mark("order statistic", "volume"), "orders_12m": mark("order statistic", "orders_12m"),
               "timed_orders": mark("order statistic", "timed_orders"),
               "deal_share": mark("order statistic", "deal_share")}
PROMO_WORDS = ("是", "yes", "y", "1", "true", "促销", "x", "✓", "promo", "promotion")
_YEAR = pd.Timedelta(days=365)


@dataclass(frozen=True, kw_only=True)
class OrderStats(FeatureSpec):
    """Volume, orders in the last 12 months and purchase timing per customer, from an orders sheet."""

    kind: ClassVar[str] = "order_stats"
    title: ClassVar[str] = mark("feature kind", "order_stats")
    customer: Names = field(metadata=ARG)
    sheet: Names = field(default="Orders", metadata=option(names))
    date: Names = field(default=("下单日期", "Date"), metadata=option(names))
    quantity: Names | None = field(default=None, metadata=option(names))
    promo: Names | None = field(default=None, metadata=option(names))
    promo_words: tuple[str, ...] = field(default=PROMO_WORDS, metadata=option(texts))
    end_days: int = field(default=5, metadata=option(whole))
    join_on: Names | None = field(default=None, metadata=option(names))
    prefix: str = field(default="", metadata=option(text))

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        try:
            return {"customer": names(value)}
        except ValueError:
            raise fail(msg(" (order_stats) takes the orders' customer column (a name or candidates)")) from None

    def outputs(self) -> list[str]:
        return [self.prefix + c for c in STAT_COLUMNS]

    def compute(self, frame: pd.DataFrame, ctx: FeatureContext) -> tuple[pd.DataFrame, dict[str, Any]] | None:
        table = _sheet(ctx.sheets, self.sheet)
        if table is None:
            if self.optional:
                return None
            raise DataError(msg("no orders sheet '{shown}' for order_stats", shown=shown(self.sheet)),
                            hint=msg("open the workbook that holds it, or name it with sheet:"))
        orders, cell_ref, where = _table_parts(table, ctx.where)
        cols = {key: None if getattr(self, key) is None else find_column(orders, getattr(self, key))
                for key in ("customer", "date", "quantity", "promo")}
        for key in ("customer", "date"):
            if cols[key] is None:
                wanted = getattr(self, key)
                first = wanted if isinstance(wanted, str) else wanted[0]
                raise DataError(
                    msg(
                        "order_stats: no column {join} for '{key}' in the orders sheet",
                        join=" / ".join(shown(wanted)),
                        key=key,
                    ),
                    hint=did_you_mean(str(first), [str(c) for c in orders.columns]),
                )
        join_on = self.join_on if self.join_on is not None else self.customer
        on = ctx.column(frame, join_on)
        if on is None:
            raise DataError(
                msg("order_stats: the customer table has no column {shown!r} to join on", shown=shown(join_on))
            )
        stats = self.stats(orders, cols, ctx, cell_ref, where)
        keys = id_keys(frame[on]).to_numpy()
        for name in STAT_COLUMNS:
            values = stats[name].reindex(keys)
            values.index = frame.index
            if name in ("orders_12m", "timed_orders"):
                values = values.fillna(0).astype("Int64")
            frame[self.prefix + name] = values
        if cols["quantity"] is None:
            frame[self.prefix + "volume"] = np.nan
        used = {k: v for k, v in cols.items() if v is not None}
        meta = {"kind": self.kind, "output": list(self.outputs()), "inputs": [str(v) for v in used.values()],
                "end_days": self.end_days, "customers": int(stats["timed_orders"].gt(0).sum())}
        return frame, meta

    def stats(self, orders: pd.DataFrame, cols: Mapping[str, str | None], ctx: FeatureContext,
              cell_ref: Any, where: Any) -> pd.DataFrame:
        from tierkit.features.orders import order_keys

        keys = order_keys(orders[str(cols["customer"])])
        keep = keys.notna().to_numpy()
        lines = orders[keep]
        positions = np.flatnonzero(keep)

        def read(col: str, kind: str) -> pd.Series:
            refs = None if cell_ref is None else (lambda i: cell_ref(int(positions[i]), col))
            return coerce_column(lines[col], kind, column=str(col), cell_ref=refs, where=where)

        work = pd.DataFrame({"key": keys[keep].to_numpy()}, index=lines.index)
        work["date"] = read(str(cols["date"]), "datetime").dt.normalize().to_numpy()
        stamp = pd.Timestamp(ctx.as_of).normalize() if ctx.as_of is not None else work["date"].max()
        if not pd.isna(stamp):
            work = work[work["date"].isna() | (work["date"] <= stamp)]
        quantity = cols["quantity"]
        work["qty"] = read(str(quantity), "float").reindex(work.index).to_numpy() if quantity else np.nan
        promo = cols["promo"]
        words = {norm(w) for w in self.promo_words}
        if promo:
            flagged = lines[str(promo)].reindex(work.index).map(
                lambda v: v is not None and v is not pd.NA and v == v and norm(v) in words)
        else:
            flagged = pd.Series(False, index=work.index)
        dates = work["date"]
        month_end = (dates.dt.days_in_month - dates.dt.day) < self.end_days
        dated = dates.notna()
        work["deal"] = (flagged.astype(bool) | month_end.fillna(False).astype(bool)) & dated
        work["dated"] = dated
        work["recent"] = dated & (dates > stamp - _YEAR) if not pd.isna(stamp) else False
        grouped = work.groupby("key", sort=False)
        out = pd.DataFrame({
            "volume": grouped["qty"].sum(min_count=1) if quantity else grouped["qty"].first(),
            "orders_12m": grouped["recent"].sum(),
            "timed_orders": grouped["dated"].sum(),
        })
        deals = grouped["deal"].sum()
        out["deal_share"] = deals / out["timed_orders"].where(out["timed_orders"] > 0)
        return out

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        outputs = meta.get("output") or []
        names = [trc(lang, "order statistic", STAT_LABELS[o]) if o in STAT_LABELS else o  # i18n: marked
                 for o in ([outputs] if isinstance(outputs, str) else outputs)]
        return tr(lang, "{output}: from the orders sheet ({inputs}); deal timing = promotion or the last {days} days "
                        "of a month; {n} customers with dated orders",
                  output=join(lang, names), inputs=join(lang, meta.get("inputs", [])), days=meta.get("end_days"),
                  n=meta.get("customers"))


@dataclass(frozen=True, kw_only=True)
class Multiply(Arithmetic):
    """The product of two or more columns (交叉比率 = margin rate × turnover)."""

    kind: ClassVar[str] = "multiply"
    title: ClassVar[str] = mark("feature kind", "multiply")
    count: ClassVar[int | None] = None

    def combine(self, values: list[pd.Series], raw: list[pd.Series]) -> pd.Series:
        result = values[0]
        for v in values[1:]:
            result = result * v
        return result


@dataclass(frozen=True, kw_only=True)
class Choose(ColumnFeature):
    """A copy of the column a parameter picks: ``choose: {1: revenue, 2: volume}`` with ``param: measure``."""

    kind: ClassVar[str] = "choose"
    title: ClassVar[str] = mark("feature kind", "choose")
    needs_inputs: ClassVar[bool] = False  # only the chosen column must be there
    options: tuple[tuple[int, str], ...] = field(metadata=ARG)
    param: str = field(default="measure", metadata=option(text))

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        if not isinstance(value, Mapping) or not value:
            raise fail(msg(" (choose) takes a mapping of whole numbers to columns, like {1: revenue, 2: volume}"))
        out = []
        for k, v in value.items():
            if isinstance(k, bool) or not str(k).strip().isdigit() or not isinstance(v, str):
                raise fail(msg(" (choose): '{k}: {v}' must be a whole number and a column", k=k, v=v))
            out.append((int(str(k)), v))
        return {"options": tuple(out)}

    @classmethod
    def default_output(cls, value: Any, fail: Fail) -> str:
        raise fail(msg(" (choose) needs 'as'"))

    def inputs(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.options)

    def chosen(self, ctx: FeatureContext) -> str:
        value = ctx.params.get(self.param)
        picked = dict(self.options).get(int(value)) if value is not None and float(value).is_integer() else None
        if picked is None:
            choices = ", ".join(f"{k} = {v}" for k, v in self.options)
            raise DataError(
                msg(
                    "parameter '{param}' is {value}; it must be one of: {choices}",
                    param=self.param,
                    value=value,
                    choices=choices,
                ),
                hint=msg("--param {param}={options}", param=self.param, options=self.options[0][0]),
            )
        return picked

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        name = self.chosen(ctx)
        column = cols.get(name)
        if (column is None or column not in frame.columns) and self.output in frame.columns:
            column = self.output  # a table that already has the measure (the add-in's =ABC_CLASS range) keeps it
            name = self.output
        if column is None or column not in frame.columns:
            label = name
            raise DataError(
                msg(
                    "{param} = {get:g} ranks by {label} ('{name}'), which this table does not have",
                    param=self.param,
                    get=ctx.params.get(self.param),
                    label=label,
                    name=name,
                ),
                hint=msg(
                    "add a '{label}' column (or the orders sheet's columns it is computed from), or choose another "
                    "--param {param}",
                    label=label,
                    param=self.param,
                ),
            )
        meta.update(chosen=name, inputs=[str(column)], param=self.param,
                    value=int(ctx.params.get(self.param, 0)))
        return pd.to_numeric(frame[column], errors="coerce")

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        kind = trc(lang, "feature kind", cls.title)  # i18n: marked
        return tr(lang, "{output}: {kind} {inputs} ({param} = {value})", output=meta.get("output"), kind=kind,
                  inputs=", ".join(meta.get("inputs", [])), param=meta.get("param"), value=meta.get("value"))


def chosen_by_params(specs: Iterable[FeatureSpec], params: Mapping[str, float], name: str) -> str:
    """The column ``params`` make a ``choose`` spec pick for its output ``name`` (abc's ``contribution`` is
    ``revenue`` with ``measure`` 1), or ``name`` itself when no spec chooses it or the value picks nothing."""
    for spec in specs:
        if isinstance(spec, Choose) and spec.output == name:
            value = params.get(spec.param)
            if value is not None and float(value).is_integer():
                return dict(spec.options).get(int(value), name)
    return name
