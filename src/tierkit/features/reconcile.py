"""An orders sheet against the customer sheet it is joined to.

When ``from_orders`` joins per-customer figures onto a customer sheet, :func:`reconcile` decides which
figures the join brings (``features_from``) and says, as binding notes:

* which of the sheet's own columns the orders' figures replace (or, with ``features_from="sheet"``,
  which the sheet keeps);
* for each of those numeric columns, how many customers disagree by more than rounding, and the worst
  example.  Two values agree when they differ by at most :data:`ABS_TOLERANCE` or by at most
  :data:`REL_TOLERANCE` of the larger one (a sheet that rounds to whole yuan, or shows ``12.3万``);
  counts (orders, products, months, days) must be equal;
* the orders whose customer is not in the customer sheet, and the customers with no orders;
* customer ids that occur more than once in the customer sheet once compared as ids
  (:func:`tierkit.values.id_key`: ``10377`` and ``"10377"`` are one id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tierkit.errors import DataError
from tierkit.features.orders import COUNT_COLUMNS
from tierkit.features.specs import FeatureContext
from tierkit.i18n import mark
from tierkit.values import coerce_column, duplicate_ids, id_keys, parse_text

__all__ = ["ABS_TOLERANCE", "REL_TOLERANCE", "Reconciliation", "reconcile"]

ABS_TOLERANCE = 0.5
REL_TOLERANCE = 0.005
#: features counted in whole units: the sheet and the orders must agree exactly
WHOLE = frozenset({*COUNT_COLUMNS, "recency_days", "tenure_days"})
EXAMPLES = 3

REPLACES = mark("binding note", "{measure} from the orders sheet ({n} orders) replaces column {column}")
KEEPS = mark("binding note", "{measure} from column {column} of the customer sheet; the orders sheet is not used "
                             "for it")
DIFFER = mark("binding note", "{measure}: {n} customers differ by more than rounding between column {column} and "
                              "the orders sheet; largest: customer {customer}, {sheet} in the sheet, {orders} from "
                              "the orders")
UNMATCHED = mark("binding note", "orders whose customer is not in the customer sheet: {n} (e.g. {examples})")
NO_ORDERS = mark("binding note", "customers with no orders in the orders sheet: {n} (e.g. {examples})")
DUPLICATES = mark("binding note", "customer ids that occur more than once in column {column}: {n} (e.g. "
                                  "{examples})")

Notes = list[tuple[str, dict[str, Any]]]


@dataclass
class Reconciliation:
    """What to join, what the sheet keeps, and what to tell the user."""

    features: pd.DataFrame  # the per-customer features to join (kept columns left out)
    kept: list[str] = field(default_factory=list)  # outputs the sheet keeps (features_from="sheet")
    replaced: dict[str, str] = field(default_factory=dict)  # output -> the sheet's header it replaces
    notes: Notes = field(default_factory=list)


def reconcile(customers: pd.DataFrame, feats: pd.DataFrame, *, on: str, features_on: str,
              ctx: FeatureContext) -> Reconciliation:
    """Compare ``feats`` (one row per customer of the orders sheet, key ``features_on``) with ``customers``
    (the customer sheet, key ``on``); see the module docs."""
    out = Reconciliation(features=feats)
    cust_keys = id_keys(customers[on])
    feat_keys = id_keys(feats[features_on])
    n_orders = _orders(feats, np.ones(len(feats), dtype=bool))
    drop: list[str] = []
    for col in (c for c in feats.columns if c != features_on):
        existing = ctx.column(customers, col)
        if existing is None:
            continue
        header = ctx.header(str(existing))
        measure = _label(ctx, col)
        if ctx.features_from == "sheet":
            out.kept.append(col)
            drop.append(col)
            out.notes.append((KEEPS, {"measure": measure, "column": header}))
        else:
            out.replaced[col] = header
            out.notes.append((REPLACES, {"measure": measure, "n": f"{n_orders:,}", "column": header}))
        differ = _disagreement(customers, str(existing), cust_keys, feats, col, feat_keys, on)
        if differ is not None:
            out.notes.append((DIFFER, {"measure": measure, "column": header, **differ}))
    out.features = feats.drop(columns=drop)
    known = set(cust_keys.dropna())
    stray = ~feat_keys.isin(known).to_numpy() & feat_keys.notna().to_numpy()
    if stray.any():
        out.notes.append((UNMATCHED, {"n": f"{_orders(feats, stray):,}",
                                      "examples": _examples(feats[features_on][stray])}))
    ordered = set(feat_keys.dropna())
    lonely = cust_keys.notna() & ~cust_keys.isin(ordered)
    if lonely.any():
        firsts = ~cust_keys[lonely].duplicated()
        out.notes.append((NO_ORDERS, {"n": f"{int(firsts.sum()):,}",
                                      "examples": _examples(customers[on][lonely][firsts.to_numpy()])}))
    dups = duplicate_ids(customers[on])
    if dups:
        shown = []
        for positions in list(dups.values())[:EXAMPLES]:
            cells = [ctx.cell(p, on) for p in positions]
            where = ", ".join(c for c in cells if c) if all(cells) else f"×{len(positions)}"
            shown.append(f"{_shown(customers[on].iloc[positions[0]])} ({where})")
        out.notes.append((DUPLICATES, {"column": ctx.header(on), "n": f"{len(dups):,}",
                                       "examples": "; ".join(shown)}))
    return out


def _label(ctx: FeatureContext, name: str) -> Any:
    """A field's label (a Text, shown in the note's language) or the name itself."""
    spec = ctx.fields.get(name)
    label = getattr(spec, "label", None)
    return label if label is not None else name


def _orders(feats: pd.DataFrame, mask: np.ndarray) -> int:
    if "frequency" not in feats.columns:
        return int(mask.sum())
    return int(pd.to_numeric(feats["frequency"][mask], errors="coerce").fillna(0).sum())


def _shown(value: object) -> str:
    text = parse_text(value)
    return "" if text is None else text


def _examples(values: pd.Series) -> str:
    return ", ".join(_shown(v) for v in values.head(EXAMPLES))


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _disagreement(customers: pd.DataFrame, column: str, cust_keys: pd.Series, feats: pd.DataFrame, col: str,
                  feat_keys: pd.Series, on: str) -> dict[str, Any] | None:
    """How many customers' sheet value differs from the orders' value by more than rounding, and the worst."""
    theirs = feats[col]
    if not (pd.api.types.is_numeric_dtype(theirs.dtype) and not pd.api.types.is_bool_dtype(theirs.dtype)):
        return None
    try:
        sheet = coerce_column(customers[column], "float", column=column).to_numpy(dtype="float64")
    except (DataError, KeyError, TypeError):
        return None  # a column that is not numbers: nothing to compare (the binding reports bad cells)
    by_key = pd.Series(pd.to_numeric(theirs, errors="coerce").to_numpy(dtype="float64"),
                       index=feat_keys.to_numpy())
    by_key = by_key[by_key.index.notna() & ~by_key.index.duplicated()]
    orders = by_key.reindex(cust_keys.to_numpy()).to_numpy(dtype="float64")
    both = ~np.isnan(sheet) & ~np.isnan(orders)
    diff = np.where(both, np.abs(sheet - orders), 0.0)
    if col in WHOLE:
        bad = diff >= 0.5
    else:
        bad = diff > np.maximum(ABS_TOLERANCE, REL_TOLERANCE * np.maximum(np.abs(sheet), np.abs(orders)))
    bad &= both
    if not bad.any():
        return None
    worst = int(np.argmax(np.where(bad, diff, -1.0)))
    customers_bad = cust_keys[bad].dropna().nunique()
    return {"n": f"{customers_bad:,}", "customer": _shown(customers[on].iloc[worst]),
            "sheet": _number(sheet[worst]), "orders": _number(orders[worst])}
