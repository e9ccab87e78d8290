"""The feature kinds computed from the table's own columns (``from_orders`` is in ``from_orders.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tierkit.features import scores
from tierkit.features.columns import norm
from tierkit.features.specs import (
    ARG,
    ColumnFeature,
    Fail,
    FeatureContext,
    Names,
    boolean,
    names,
    numbers,
    option,
    text,
    texts,
    whole,
)
from tierkit.i18n import join, mark, tr, trc
from tierkit.numfmt import fmt_cut_point

from ..errors import msg

__all__ = ["DaysSince", "Difference", "Flags", "ParetoShare", "PercentRank", "QuantileScore", "Ratio", "Share", "Sum"]

DEFAULT_LEVELS = ("high", "高", "yes", "y", "是", "true", "1", "x", "✓")


def _grouped(frame: pd.DataFrame, by: str | None, func: Callable[[pd.Series], pd.Series], col: str) -> pd.Series:
    if by is None:
        return func(frame[col])
    parts = [func(group[col]) for _, group in frame.groupby(by, sort=False, dropna=False)]
    return pd.concat(parts).reindex(frame.index) if parts else func(frame[col])


@dataclass(frozen=True, kw_only=True)
class OneColumn(ColumnFeature):
    """A kind whose key names one column: ``pareto_share: revenue``."""

    column: str = field(metadata=ARG)

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        if not isinstance(value, str):
            raise fail(msg(" ({kind}) takes one column name", kind=cls.kind))
        return {"column": value}

    def inputs(self) -> tuple[str, ...]:
        return (self.column,)


@dataclass(frozen=True, kw_only=True)
class _ShareOf(OneColumn):
    """A share of a column's total, optionally within groups (``by``)."""

    share: ClassVar[str]  #: the function of :mod:`tierkit.features.scores` that computes it
    by: Names | None = field(default=None, metadata=option(names))

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        return _grouped(frame, by, getattr(scores, self.share), str(cols[self.column]))


@dataclass(frozen=True, kw_only=True)
class ParetoShare(_ShareOf):
    """Cumulative share of the rows ranked above (ABC / 80-20)."""

    kind: ClassVar[str] = "pareto_share"
    title: ClassVar[str] = mark("feature kind", "pareto_share")
    share: ClassVar[str] = "pareto_share"


@dataclass(frozen=True, kw_only=True)
class Share(_ShareOf):
    """Value / the total of positive values."""

    kind: ClassVar[str] = "share"
    title: ClassVar[str] = mark("feature kind", "share")
    share: ClassVar[str] = "share_of_total"


@dataclass(frozen=True, kw_only=True)
class QuantileScore(OneColumn):
    """1..bins scores by quantile (mid-rank) or by fixed edges."""

    kind: ClassVar[str] = "quantile_score"
    bins: int = field(default=5, metadata=option(whole))
    reverse: bool = field(default=False, metadata=option(boolean))
    edges: tuple[float, ...] | None = field(default=None, metadata=option(numbers))
    by: Names | None = field(default=None, metadata=option(names))
    skip_zero: bool = field(default=False, metadata=option(boolean))

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        edges = list(self.edges) if self.edges is not None else None
        meta.update(bins=len(edges) + 1 if edges else self.bins, reverse=self.reverse,
                    method=mark("feature method", "fixed edges") if edges else
                    mark("feature method", "quantiles (mid-rank)"), skip_zero=self.skip_zero)
        groups = [(None, frame)] if by is None else list(frame.groupby(by, sort=False, dropna=False))
        parts, cuts = [], {}
        for key, group in groups:
            source = scores.numeric(group[str(cols[self.column])])
            if self.skip_zero:
                source = source.where(source != 0)
            s, c = scores.quantile_score(source, self.bins, self.reverse, edges=edges)
            parts.append(s)
            cuts[key] = c
        out = pd.concat(parts).reindex(frame.index).astype("Int64")
        meta["cut_points"] = cuts[None] if by is None else {str(k): v for k, v in cuts.items()}
        counts = out.value_counts().sort_index()
        meta["counts"] = {int(k): int(v) for k, v in counts.items()}  # type: ignore[call-overload]
        return out

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        cuts = meta.get("cut_points")
        if isinstance(cuts, dict):
            shown = "; ".join(f"{g}: {', '.join(fmt_cut_point(c) for c in cs)}" for g, cs in cuts.items())
        else:
            shown = ", ".join(fmt_cut_point(c) for c in cuts or [])
        method = str(meta.get("method"))
        words = dict(output=meta.get("output"), bins=meta.get("bins"), inputs=join(lang, meta.get("inputs", [])),
                     method=trc(lang, "feature method", method), cuts=shown)  # i18n: marked
        if meta.get("reverse"):
            return tr(lang, "{output}: {bins} {method} of {inputs}, reversed: lower is better; cut points {cuts}",
                      **words)
        return tr(lang, "{output}: {bins} {method} of {inputs}; cut points {cuts}", **words)


@dataclass(frozen=True, kw_only=True)
class PercentRank(OneColumn):
    """SQL PERCENT_RANK, 0 (smallest) .. 1 (largest)."""

    kind: ClassVar[str] = "percent_rank"
    title: ClassVar[str] = mark("feature kind", "percent_rank")
    by: Names | None = field(default=None, metadata=option(names))
    reverse: bool = field(default=False, metadata=option(boolean))

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        def reversed_rank(s: pd.Series) -> pd.Series:
            return scores.percent_rank(-scores.numeric(s))

        return _grouped(frame, by, reversed_rank if self.reverse else scores.percent_rank, str(cols[self.column]))


@dataclass(frozen=True, kw_only=True)
class DaysSince(OneColumn):
    """Whole days from a date column to the as-of day."""

    kind: ClassVar[str] = "days_since"
    title: ClassVar[str] = mark("feature kind", "days_since")

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        dates = pd.to_datetime(frame[str(cols[self.column])], errors="coerce")
        stamp = pd.Timestamp(ctx.as_of) if ctx.as_of is not None else dates.max()
        if ctx.as_of is None and not pd.isna(stamp):
            ctx.as_of = stamp.date()  # later specs (tenure after recency) use the same day
        meta["as_of"] = None if pd.isna(stamp) else stamp.date()
        return (stamp.normalize() - dates.dt.normalize()).dt.days.astype("Int64")


@dataclass(frozen=True, kw_only=True)
class Arithmetic(ColumnFeature):
    """A kind whose key lists columns: ``ratio: [service_cost, gross_profit]``."""

    columns: tuple[str, ...] = field(metadata=ARG)
    count: ClassVar[int | None] = 2  # how many columns (None: two or more)

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        if (not isinstance(value, list) or (cls.count and len(value) != cls.count) or len(value) < 2
                or not all(isinstance(v, str) for v in value)):
            raise fail(
                msg(" ({kind}) takes a list of {value} columns", kind=cls.kind, value=cls.count or "two or more")
            )
        return {"columns": tuple(value)}

    def inputs(self) -> tuple[str, ...]:
        return self.columns

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        return self.combine([scores.numeric(frame[str(cols[n])]) for n in self.columns],
                            [frame[str(cols[n])] for n in self.columns])

    def combine(self, values: list[pd.Series], raw: list[pd.Series]) -> pd.Series:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Sum(Arithmetic):
    kind: ClassVar[str] = "sum"
    title: ClassVar[str] = mark("feature kind", "sum")
    count: ClassVar[int | None] = None

    def combine(self, values: list[pd.Series], raw: list[pd.Series]) -> pd.Series:
        result = values[0]
        for v in values[1:]:
            result = result + v
        ints = all(pd.api.types.is_integer_dtype(r) for r in raw)
        return result.round().astype("Int64") if ints else result


@dataclass(frozen=True, kw_only=True)
class Difference(Arithmetic):
    kind: ClassVar[str] = "difference"
    title: ClassVar[str] = mark("feature kind", "difference")

    def combine(self, values: list[pd.Series], raw: list[pd.Series]) -> pd.Series:
        return values[0] - values[1]


@dataclass(frozen=True, kw_only=True)
class Ratio(Arithmetic):
    kind: ClassVar[str] = "ratio"
    title: ClassVar[str] = mark("feature kind", "ratio")

    def combine(self, values: list[pd.Series], raw: list[pd.Series]) -> pd.Series:
        return values[0] / values[1].where(values[1] != 0)


@dataclass(frozen=True, kw_only=True)
class Flags(ColumnFeature):
    """A reason text naming the flagged columns (yes/no or high/medium/low)."""

    kind: ClassVar[str] = "flags"
    needs_inputs: ClassVar[bool] = False  # a flag column the user does not keep is simply not flagged
    reasons: tuple[tuple[str, str], ...] = field(metadata=ARG)
    levels: tuple[str, ...] = field(default=DEFAULT_LEVELS, metadata=option(texts))
    separator: str = field(default=", ", metadata=option(text))

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(msg(" (flags) takes a mapping column -> reason"))
        return {"reasons": tuple((str(k), str(v)) for k, v in value.items())}

    @classmethod
    def default_output(cls, value: Any, fail: Fail) -> str:
        raise fail(msg(" (flags) needs 'as'"))

    def inputs(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.reasons)

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        levels = {norm(v) for v in self.levels}
        hits = []
        for name, reason in self.reasons:
            flag_col = cols[name]
            if flag_col is None:
                continue
            cells = frame[flag_col].map(lambda v: v is not None and v is not pd.NA and v == v and norm(v) in levels)
            hits.append(np.where(cells.to_numpy(dtype=bool), reason, ""))
        joined = [self.separator.join(p for p in parts if p) or None for parts in zip(*hits, strict=True)]
        out = pd.Series(joined or [None] * len(frame), index=frame.index, dtype="object")
        meta["flagged"] = int(out.notna().sum())
        return out

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        if not meta.get("inputs"):
            return tr(lang, "{output}: no flag columns in this table (nothing flagged)", output=meta.get("output"))
        return tr(lang, "{output}: flags from {inputs} ({n} rows flagged)", output=meta.get("output"),
                  inputs=join(lang, meta.get("inputs", [])), n=meta.get("flagged"))
