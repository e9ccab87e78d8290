"""A workbook's orders sheet, a batch at a time, into the DuckDB table ``_tk_orders`` (:mod:`tierkit.app.stream`).

The order features (``from_orders``, ``order_stats``, ``product_from_orders``, ``season_from_orders``) read it as
SQL (:mod:`tierkit.backends.sqlfeatures_orders`) as pandas reads the sheet (:mod:`tierkit.features.orders`): the
lines with a customer (not blank, not a total word) count, and on those the date columns are read as dates and
the amount, margin and quantity columns as numbers by :func:`tierkit.values.coerce_column`; every other column is
text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..ruleset.model import RuleSet

#: the feature kinds that read order lines
ORDER_KINDS = frozenset({"from_orders", "order_stats", "product_from_orders", "season_from_orders"})
#: an order column's role -> how it is read
ROLE_TYPES = {"date": "datetime", "amount": "float", "margin": "float", "quantity": "float"}
ORDERS = "_tk_orders"


def _parts(spec: Any) -> list[Any]:
    """The spec and the column settings it holds (``from_orders``' ``orders``)."""
    out = [spec]
    if dataclasses.is_dataclass(spec):
        out += [getattr(spec, f.name) for f in dataclasses.fields(spec)
                if dataclasses.is_dataclass(getattr(spec, f.name, None))]
    return out


def order_specs(rulesets: Sequence[RuleSet]) -> list[Any]:
    return [spec for rs in rulesets for spec in rs.features if spec.kind in ORDER_KINDS]


def orders_sheet(path: Path, rulesets: Sequence[RuleSet]) -> str | bool | None:
    """The workbook's sheet the order features read (its name), None when it has none of theirs, False when
    they name different sheets that are both there."""
    from ..io.read import list_sheets
    from ..names import normalise_header

    sheets = list_sheets(path)
    found: set[str] = set()
    for spec in order_specs(rulesets):
        for part in _parts(spec):
            wanted = getattr(part, "sheet", None)
            if wanted is None:
                continue
            names = {normalise_header(n) for n in ([wanted] if isinstance(wanted, str) else wanted)}
            found.update(s for s in sheets if normalise_header(s) in names)
    if len(found) > 1:
        return False
    return found.pop() if found else None


def _roles(columns: list[Any], rulesets: Sequence[RuleSet]) -> tuple[dict[str, str], list[str]]:
    """Header -> how it is read, for the order columns the specs name; and the customer columns."""
    from ..names import find_header

    kinds: dict[str, str] = {}
    customers: list[str] = []
    for spec in order_specs(rulesets):
        for part in _parts(spec):
            for role, kind in ROLE_TYPES.items():
                names = getattr(part, role, None)
                if isinstance(names, str | tuple | list):
                    header = find_header(columns, names)
                    if header is not None:
                        kinds.setdefault(str(header), kind)
            names = getattr(part, "customer", None)
            if isinstance(names, str | tuple | list):
                header = find_header(columns, names)
                if header is not None and str(header) not in customers:
                    customers.append(str(header))
    return kinds, customers


def load_orders(con: Any, path: Path, sheet: str, rulesets: Sequence[RuleSet], batch_rows: int) -> list[str]:
    """Load the sheet into ``_tk_orders``; its columns."""
    import pyarrow as pa

    from ..backends.arrow import column_array
    from ..features.orders import order_keys
    from ..io.batches import batches
    from .streamload import text_array

    columns: list[str] = []
    first = True
    kinds: dict[str, str] = {}
    customers: list[str] = []
    for batch in batches(path, batch_rows=batch_rows, sheet=sheet):
        frame = batch.table.frame
        if first:
            columns = [str(c) for c in frame.columns]
            kinds, customers = _roles(list(frame.columns), rulesets)
        counts = np.zeros(len(frame), dtype=bool)
        for header in customers:
            counts |= order_keys(frame[header]).notna().to_numpy()
        arrays = []
        for j, name in enumerate(columns):
            series = frame.iloc[:, j]
            kind = kinds.get(name)
            if kind is None:
                arrays.append(text_array(series))
                continue
            from ..values import coerce_column

            lines = series.astype(object).where(counts, None)
            arrays.append(column_array(coerce_column(lines, kind, column=name), kind))
        table = pa.Table.from_arrays(arrays, names=columns)
        con.register("_tk_batch", table)
        con.execute(f"CREATE TABLE {ORDERS} AS SELECT * FROM _tk_batch" if first else
                    f"INSERT INTO {ORDERS} SELECT * FROM _tk_batch")
        con.unregister("_tk_batch")
        first = False
    return columns
