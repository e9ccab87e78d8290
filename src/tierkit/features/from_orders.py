"""The ``from_orders`` feature kind: one row of customer features per customer, from an orders table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import pandas as pd

from tierkit.errors import DataError, Where, did_you_mean, msg
from tierkit.features.columns import find_column, norm
from tierkit.features.orders import FEATURE_COLUMNS, customer_features, join_customers
from tierkit.features.reconcile import reconcile
from tierkit.features.specs import ARG, Fail, FeatureContext, FeatureSpec, Names, SheetSource, SheetTable, names, shown
from tierkit.i18n import mark, tr, trc

__all__ = ["FromOrders"]

ORDER_COLUMNS = ("customer", "date", "amount", "margin", "product", "channel", "order")
REQUIRED = ("customer", "date", "amount")
#: the columns of an orders table as the summary sheet names them
ROLE_WORDS = {"customer": mark("orders column", "customer"), "date": mark("orders column", "date"),
              "amount": mark("orders column", "amount"), "margin": mark("orders column", "margin"),
              "product": mark("orders column", "product"), "channel": mark("orders column", "channel"),
              "order": mark("orders column", "order")}


@dataclass(frozen=True)
class OrderColumns:
    """The columns of the orders table (each a name or candidates) and how to find and join it."""

    customer: Names
    date: Names
    amount: Names
    margin: Names | None = None
    product: Names | None = None
    channel: Names | None = None
    order: Names | None = None
    sheet: Names = "Orders"
    join_on: Names | None = None  # default: the customer candidates
    names: tuple[tuple[str, str], ...] = ()  # output renames

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, kw_only=True)
class FromOrders(FeatureSpec):
    """Customer features (recency, frequency, monetary, ...) from an orders table or sheet."""

    kind: ClassVar[str] = "from_orders"
    orders: OrderColumns = field(metadata=ARG)

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(msg(": from_orders takes a mapping of columns"))
        keys = OrderColumns.keys()
        for key in value:
            if key not in (*keys, "optional"):
                raise fail(msg(" (from_orders): unknown key '{key}'", key=key), hint=did_you_mean(str(key), keys))
        for key in REQUIRED:
            if key not in value:
                raise fail(msg(" (from_orders): '{key}' is required", key=key))
        conf: dict[str, Any] = {}
        for key in keys:
            if key not in value:
                continue
            raw = value[key]
            if key == "names":
                if not isinstance(raw, Mapping):
                    raise fail(msg(" (from_orders): 'names' must be a mapping like {monetary: revenue}"))
                conf[key] = tuple((str(k), str(v)) for k, v in raw.items())
                continue
            try:
                conf[key] = names(raw)
            except ValueError as err:
                raise fail(msg(" (from_orders): '{key}' must be {err}", key=key, err=err)) from None
        out: dict[str, Any] = {"orders": OrderColumns(**conf)}
        if value.get("optional"):
            out["optional"] = True
        return out

    def outputs(self) -> list[str]:
        renames = dict(self.orders.names)
        return [renames.get(c, c) for c in FEATURE_COLUMNS]

    def compute(self, frame: pd.DataFrame, ctx: FeatureContext) -> tuple[pd.DataFrame, dict[str, Any]] | None:
        conf = self.orders

        def cols(table: pd.DataFrame) -> dict[str, str | None]:
            return {k: None if getattr(conf, k) is None else find_column(table, getattr(conf, k))
                    for k in ORDER_COLUMNS}

        found = cols(frame)
        mode = mark("orders mode", "orders table")
        orders: pd.DataFrame = frame
        cell_ref, where = ctx.cell_ref, ctx.where
        if not (found["customer"] and found["date"] and found["amount"]):
            table = _sheet(ctx.sheets, conf.sheet)
            if table is None:
                if self.optional and ctx.features_from != "orders":
                    return None
                raise DataError(msg("no orders sheet '{shown}' for from_orders", shown=shown(conf.sheet)),
                                hint=msg("open the workbook that holds it, or name it with sheet:"))
            orders, cell_ref, where = _table_parts(table, ctx.where)
            found = cols(orders)
            mode = mark("orders mode", "joined")
        for key in REQUIRED:
            if found[key] is None:
                wanted = getattr(conf, key)
                cands = [wanted] if isinstance(wanted, str) else list(wanted)
                raise DataError(
                    msg(
                        "from_orders: no column {join} for '{key}' in the orders table",
                        join=" / ".join(map(str, cands)),
                        key=key,
                    ),
                    hint=did_you_mean(str(cands[0]), [str(c) for c in orders.columns]),
                )
        feats = customer_features(orders, as_of=ctx.as_of, cell_ref=cell_ref, where=where,
                                  **found)  # type: ignore[arg-type]
        key_col = str(found["customer"])
        feats = feats.rename(columns={k: v for k, v in conf.names if k != key_col})
        notes: list[tuple[str, dict[str, Any]]] = []
        kept: list[str] = []
        if mode == "joined":
            join_on = conf.join_on if conf.join_on is not None else conf.customer
            on = ctx.column(frame, join_on)
            if on is None:
                first = join_on if isinstance(join_on, str) else join_on[0]
                raise DataError(
                    msg("from_orders: the customer table has no column {shown!r} to join on", shown=shown(join_on)),
                    hint=did_you_mean(str(first), map(str, frame.columns)),
                )
            checked = reconcile(frame, feats, on=on, features_on=key_col, ctx=ctx)
            notes, kept = checked.notes, checked.kept
            out = join_customers(frame, checked.features, on=on, features_on=key_col)
        else:
            out = feats
        as_of = feats.attrs.get("as_of")
        if ctx.as_of is None and as_of is not None:
            ctx.as_of = as_of
        meta = {"kind": self.kind, "output": "customer features", "mode": mode,
                "columns": {k: v for k, v in found.items() if v}, "customers": len(feats), "as_of": as_of,
                "notes": notes, "kept": kept}
        return out, meta

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        cols = ", ".join(f"{_role(k, lang)}={v}" for k, v in meta.get("columns", {}).items())
        mode = trc(lang, "orders mode", str(meta.get("mode")))  # i18n: marked
        return tr(lang, "customer features from orders ({mode}; {columns}): {n} customers", mode=mode, columns=cols,
                  n=meta.get("customers"))


def _role(key: str, lang: str) -> str:
    return trc(lang, "orders column", ROLE_WORDS[key]) if key in ROLE_WORDS else key  # i18n: marked


def _sheet(sheets: SheetSource | None, name: Names) -> pd.DataFrame | SheetTable | None:
    if sheets is None:
        return None
    candidates: Sequence[str] = [name] if isinstance(name, str) else list(name)
    if callable(sheets):
        for cand in candidates:
            table = sheets(cand)
            if table is not None:
                return table
        return None
    for cand in candidates:
        if cand in sheets:
            return sheets[cand]
    lowered = {norm(k): v for k, v in sheets.items()}
    for cand in candidates:
        if norm(cand) in lowered:
            return lowered[norm(cand)]
    return None


def _table_parts(table: pd.DataFrame | SheetTable, base: Where | None
                 ) -> tuple[pd.DataFrame, Callable[[int, str], str] | None, Where | None]:
    """The rows of an orders sheet, the address of its cells (``Orders!C17``) and where it is."""
    if isinstance(table, pd.DataFrame):
        return table, None, None
    sheet = table.sheet
    prefix = f"{sheet}!" if sheet else ""
    file = base.file if base is not None else None
    return table.frame, (lambda i, col: f"{prefix}{table.cell_ref(i, col)}"), Where(file=file, sheet=sheet)
