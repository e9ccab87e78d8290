"""Run a rule file's ``features:`` list on a table (schema in ``rules/FEATURES.md``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tierkit.errors import DataError, RuleFileError, Where, did_you_mean
from tierkit.features import scores
from tierkit.features.orders import customer_features, join_customers
from tierkit.names import find_column

__all__ = ["KINDS", "SheetSource", "apply_features", "feature_outputs", "find_column"]

SheetSource = Mapping[str, pd.DataFrame] | Callable[[str], "pd.DataFrame | None"]

#: spec kind -> the options it accepts besides its own key, ``as`` and ``optional``
KINDS: dict[str, frozenset[str]] = {
    "from_orders": frozenset(),
    "pareto_share": frozenset({"by"}),
    "share": frozenset({"by"}),
    "quantile_score": frozenset({"bins", "reverse", "edges", "by", "skip_zero"}),
    "percent_rank": frozenset({"by", "reverse"}),
    "days_since": frozenset(),
    "sum": frozenset(),
    "difference": frozenset(),
    "ratio": frozenset(),
    "flags": frozenset({"levels", "separator"}),
}
_ORDER_COLUMNS = ("customer", "date", "amount", "margin", "product", "channel", "order")
_ORDER_KEYS = frozenset({*_ORDER_COLUMNS, "sheet", "join_on", "names"})
_DEFAULT_LEVELS = ("high", "高", "yes", "y", "是", "true", "1", "x", "✓")


def _norm(name: object) -> str:
    return "".join(str(name).split()).replace("_", "").casefold()


def _split(spec: Any, index: int, source: str | None) -> tuple[str, Any, dict[str, Any]]:
    where = Where(file=source)
    if not isinstance(spec, Mapping):
        raise RuleFileError(
            f"features[{index}] must be a mapping like {{pareto_share: revenue, as: x}}", where=where
        )
    kinds = [k for k in spec if k in KINDS]
    if len(kinds) != 1:
        unknown = [k for k in spec if k not in ("as", "optional") and not any(k in o for o in KINDS.values())]
        hint = did_you_mean(str(unknown[0]), KINDS) if unknown else None
        raise RuleFileError(
            f"features[{index}] needs exactly one of {', '.join(KINDS)}; "
            f"got {', '.join(map(str, spec)) or 'nothing'}",
            where=where,
            hint=hint,
        )
    kind = kinds[0]
    options = {k: v for k, v in spec.items() if k != kind}
    allowed = KINDS[kind] | {"as", "optional"}
    for key in options:
        if key not in allowed:
            raise RuleFileError(
                f"features[{index}] ({kind}): unknown option '{key}'",
                where=where,
                hint=did_you_mean(str(key), allowed) or f"allowed: {', '.join(sorted(allowed))}",
            )
    if kind == "from_orders":
        if not isinstance(spec[kind], Mapping):
            raise RuleFileError(f"features[{index}]: from_orders takes a mapping of columns", where=where)
        for key in spec[kind]:
            if key not in _ORDER_KEYS | {"optional"}:
                raise RuleFileError(
                    f"features[{index}] (from_orders): unknown key '{key}'",
                    where=where,
                    hint=did_you_mean(str(key), _ORDER_KEYS),
                )
        for key in ("customer", "date", "amount"):
            if key not in spec[kind]:
                raise RuleFileError(f"features[{index}] (from_orders): '{key}' is required", where=where)
    elif kind in ("sum", "difference", "ratio"):
        args = spec[kind]
        need = 2 if kind != "sum" else None
        if not isinstance(args, list) or (need and len(args) != need) or len(args) < 2:
            raise RuleFileError(
                f"features[{index}] ({kind}) takes a list of {need or 'two or more'} columns", where=where
            )
    elif kind == "flags":
        if not isinstance(spec[kind], Mapping):
            raise RuleFileError(f"features[{index}] (flags) takes a mapping column -> reason", where=where)
    elif not isinstance(spec[kind], str):
        raise RuleFileError(f"features[{index}] ({kind}) takes one column name", where=where)
    if kind not in ("from_orders", "flags") and "as" not in options:
        options["as"] = f"{spec[kind] if isinstance(spec[kind], str) else '_'.join(spec[kind])}_{kind}"
    if kind == "flags" and "as" not in options:
        raise RuleFileError(f"features[{index}] (flags) needs 'as'", where=where)
    return kind, spec[kind], options


def feature_outputs(specs: Sequence[Any] | None) -> list[str]:
    """The columns a ``features:`` list can add (for load-time checks of the expressions)."""
    from tierkit.features.orders import FEATURE_COLUMNS

    out: list[str] = []
    for i, spec in enumerate(specs or []):
        kind, arg, options = _split(spec, i, None)
        if kind == "from_orders":
            names = arg.get("names") or {}
            out.extend(names.get(c, c) for c in FEATURE_COLUMNS)
        else:
            out.append(str(options["as"]))
    return out


def _sheet(sheets: SheetSource | None, name: str | Sequence[str]) -> pd.DataFrame | None:
    if sheets is None:
        return None
    candidates = [name] if isinstance(name, str) else list(name)
    if callable(sheets):
        for cand in candidates:
            frame = sheets(cand)
            if frame is not None:
                return frame
        return None
    for cand in candidates:
        if cand in sheets:
            return sheets[cand]
    lowered = {_norm(k): v for k, v in sheets.items()}
    for cand in candidates:
        if _norm(cand) in lowered:
            return lowered[_norm(cand)]
    return None


def _from_orders(
    frame: pd.DataFrame, conf: Mapping[str, Any], optional: bool, ctx: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    def cols(table: pd.DataFrame) -> dict[str, str | None]:
        return {k: find_column(table, conf[k]) if k in conf else None for k in _ORDER_COLUMNS}

    found = cols(frame)
    mode = "orders table"
    orders: pd.DataFrame | None = frame
    if not (found["customer"] and found["date"] and found["amount"]):
        orders = _sheet(ctx["sheets"], conf.get("sheet", "Orders"))
        if orders is None:
            if optional or conf.get("optional"):
                return None
            raise DataError(
                f"no orders sheet '{conf.get('sheet', 'Orders')}' for from_orders",
                hint="open the workbook that holds it, or name it with sheet:",
            )
        found = cols(orders)
        mode = "joined"
    assert orders is not None
    for key in ("customer", "date", "amount"):
        if found[key] is None:
            cands = conf[key] if isinstance(conf[key], list) else [conf[key]]
            raise DataError(
                f"from_orders: no column {' / '.join(map(str, cands))} for '{key}' in the orders table",
                hint=did_you_mean(str(cands[0]), [str(c) for c in orders.columns]),
            )
    feats = customer_features(orders, as_of=ctx["as_of"], **{k: v for k, v in found.items()})  # type: ignore[arg-type]
    key_col = str(found["customer"])
    names = conf.get("names") or {}
    feats = feats.rename(columns={k: v for k, v in names.items() if k != key_col})
    if mode == "joined":
        join_on = conf.get("join_on", conf["customer"])
        on = find_column(frame, join_on, ctx["fields"])
        if on is None:
            first = join_on if isinstance(join_on, str) else join_on[0]
            raise DataError(
                f"from_orders: the customer table has no column {join_on!r} to join on",
                hint=did_you_mean(str(first), map(str, frame.columns)),
            )
        out = join_customers(frame, feats, on=on, features_on=key_col)
    else:
        out = feats
    as_of = feats.attrs.get("as_of")
    if ctx["as_of"] is None and as_of is not None:
        ctx["as_of"] = as_of
    meta = {
        "mode": mode,
        "columns": {k: v for k, v in found.items() if v},
        "customers": len(feats),
        "as_of": as_of,
    }
    return out, meta


def _grouped(
    frame: pd.DataFrame, by: str | None, func: Callable[[pd.Series], pd.Series], col: str
) -> pd.Series:
    if by is None:
        return func(frame[col])
    parts = [func(group[col]) for _, group in frame.groupby(by, sort=False, dropna=False)]
    return pd.concat(parts).reindex(frame.index) if parts else func(frame[col])


def _one(
    kind: str, arg: Any, options: dict[str, Any], frame: pd.DataFrame, ctx: dict[str, Any]
) -> dict[str, Any] | None:
    fields = ctx["fields"]
    target = str(options.get("as"))
    inputs = [arg] if isinstance(arg, str) else list(arg)
    resolved = {name: find_column(frame, name, fields) for name in inputs}
    missing = [name for name, col in resolved.items() if col is None]
    if kind == "flags":
        missing = []  # a flag column the user does not keep is simply not flagged
    if missing:
        if options.get("optional"):
            return None
        raise DataError(
            f"feature '{target}' ({kind}) needs column '{missing[0]}'",
            hint=did_you_mean(str(missing[0]), map(str, frame.columns)),
        )
    by = None
    if options.get("by") is not None:
        by = find_column(frame, options["by"], fields)
        if by is None:
            raise DataError(f"feature '{target}': no column '{options['by']}' to group by")
    col = resolved[inputs[0]] if inputs else None
    meta: dict[str, Any] = {"inputs": [c for c in resolved.values() if c]}
    if kind == "pareto_share":
        frame[target] = _grouped(frame, by, scores.pareto_share, str(col))
    elif kind == "share":
        frame[target] = _grouped(frame, by, scores.share_of_total, str(col))
    elif kind == "percent_rank":
        def reversed_rank(s: pd.Series) -> pd.Series:
            return scores.percent_rank(-scores.numeric(s))

        func = reversed_rank if options.get("reverse") else scores.percent_rank

        frame[target] = _grouped(frame, by, func, str(col))
    elif kind == "quantile_score":
        bins = int(options.get("bins", 5))
        reverse = bool(options.get("reverse", False))
        edges = options.get("edges")
        meta.update(
            bins=len(edges) + 1 if edges else bins,
            reverse=reverse,
            method="fixed edges" if edges else "quantiles (mid-rank)",
        )
        groups = [(None, frame)] if by is None else list(frame.groupby(by, sort=False, dropna=False))
        parts, cuts = [], {}
        skip_zero = bool(options.get("skip_zero", False))
        meta["skip_zero"] = skip_zero
        for key, group in groups:
            source = scores.numeric(group[str(col)])
            if skip_zero:
                source = source.where(source != 0)
            s, c = scores.quantile_score(source, bins, reverse, edges=edges)
            parts.append(s)
            cuts[key] = c
        frame[target] = pd.concat(parts).reindex(frame.index).astype("Int64")
        meta["cut_points"] = cuts[None] if by is None else {str(k): v for k, v in cuts.items()}
        counts = frame[target].value_counts().sort_index()
        meta["counts"] = {int(k): int(v) for k, v in counts.items()}  # type: ignore[call-overload]
    elif kind == "days_since":
        dates = pd.to_datetime(frame[str(col)], errors="coerce")
        stamp = pd.Timestamp(ctx["as_of"]) if ctx["as_of"] is not None else dates.max()
        if ctx["as_of"] is None and not pd.isna(stamp):
            ctx["as_of"] = stamp.date()  # later specs (tenure after recency) use the same day
        frame[target] = (stamp.normalize() - dates.dt.normalize()).dt.days.astype("Int64")
        meta["as_of"] = None if pd.isna(stamp) else stamp.date()
    elif kind in ("sum", "difference", "ratio"):
        values = [scores.numeric(frame[str(resolved[n])]) for n in inputs]
        if kind == "sum":
            result = values[0]
            for v in values[1:]:
                result = result + v
            ints = all(pd.api.types.is_integer_dtype(frame[str(resolved[n])]) for n in inputs)
            frame[target] = result.round().astype("Int64") if ints else result
        elif kind == "difference":
            frame[target] = values[0] - values[1]
        else:
            frame[target] = values[0] / values[1].where(values[1] != 0)
    elif kind == "flags":
        levels = {_norm(v) for v in options.get("levels", _DEFAULT_LEVELS)}
        sep = str(options.get("separator", ", "))
        hits = []
        for name, reason in arg.items():
            flag_col = resolved[name]
            if flag_col is None:
                continue
            cells = frame[flag_col].map(lambda v: v is not None and v is not pd.NA and v == v and _norm(v) in levels)
            hits.append(np.where(cells.to_numpy(dtype=bool), str(reason), ""))
        joined = (
            [sep.join(p for p in parts if p) or None for parts in zip(*hits, strict=True)] if hits else []
        )
        frame[target] = pd.Series(joined or [None] * len(frame), index=frame.index, dtype="object")
        meta["flagged"] = int(frame[target].notna().sum())
    meta.update(kind=kind, output=target)
    return meta


def apply_features(
    frame: pd.DataFrame,
    specs: Sequence[Any] | None,
    *,
    as_of: dt.date | dt.datetime | str | None = None,
    sheets: SheetSource | None = None,
    fields: Mapping[str, Any] | None = None,
    source: str | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Apply ``specs`` in order; return the new frame and metadata for the summary sheet.

    ``sheets`` gives the workbook's other sheets (``{name: frame}`` or a function returning a
    frame or None) for ``from_orders``.  ``fields`` (the rule file's ``fields:``) lets specs
    name a column by its field name when the table still has an alias header.
    Metadata: ``{"as_of": date | None, "features": [{"kind", "output", "inputs", ...}],
    "skipped": [output names of optional specs whose inputs were missing]}``.
    """
    parsed = [_split(spec, i, source) for i, spec in enumerate(specs or [])]
    ctx: dict[str, Any] = {"as_of": as_of, "sheets": sheets, "fields": fields or {}}
    out = frame.copy()
    meta: dict[str, Any] = {"as_of": None, "features": [], "skipped": []}
    for kind, arg, options in parsed:
        if kind == "from_orders":
            result = _from_orders(out, arg, bool(options.get("optional")), ctx)
            if result is None:
                meta["skipped"].append("from_orders")
                continue
            out, info = result
            meta["features"].append({"kind": kind, "output": "customer features", **info})
            continue
        one = _one(kind, arg, options, out, ctx)
        if one is None:
            meta["skipped"].append(str(options.get("as")))
        else:
            meta["features"].append(one)
    stamp = ctx["as_of"]
    meta["as_of"] = pd.Timestamp(stamp).date() if stamp is not None else None
    return out, meta
