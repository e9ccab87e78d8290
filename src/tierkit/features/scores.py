"""Ranks and scores: quantile scores, percent rank, cumulative (Pareto) share.

Every function takes a pandas Series, treats blanks (None, NaN, NaT, ``pd.NA``) as missing,
keeps them missing in the output, and never reorders the index.

Conventions, each pinned down by a test in ``tests/features/test_scores.py``:

* :func:`quantile_score` uses **mid-ranks**.  Each non-blank value gets its average rank
  ``r`` (ties share it), its position is ``p = (r - 0.5) / n`` (strictly between 0 and 1),
  and its score is ``floor(p * bins) + 1``.  Equal values therefore always get the same
  score; with no ties the scores are balanced quantiles (counts differ by at most one);
  with a large tie group the group lands in the bin that holds its middle, so some bins may
  be smaller or empty.  ``reverse=True`` gives the *smallest* values the highest score
  (recency: fewer days since the last order is better).  Instead of quantiles, ``edges``
  gives fixed thresholds: a value equal to an edge gets the better score (``edges: [30,
  90]`` scores 0-29 -> 1, 30-89 -> 2, 90+ -> 3; reversed, 0-30 -> 3, 31-90 -> 2, >90 -> 1).
* The returned ``cut_points`` reproduce the scores: for ``reverse=False`` a value's score is
  ``1 + (number of cut points <= value)``; for ``reverse=True`` it is
  ``1 + (number of cut points >= value)``.  ``cut_points[j]`` is the smallest (largest when
  reversed) value scored above ``j + 1``, or None when no value is.
* :func:`percent_rank` is SQL's ``PERCENT_RANK``: ``(rank_min - 1) / (n - 1)``, 0 for the
  lowest value, 1 for the highest, ties share the lowest rank; a single value gets 0.
* :func:`pareto_share` is the cumulative share of the total **before** the row, in
  descending order.  The top customer always gets 0, so "A while the share before you is
  under 80%" makes the smallest set of top customers whose total reaches 80% the A class,
  and a single customer worth 90% of revenue is still an A.  Ties get the share before the
  first of the tied group, so equal values always land in the same class.  Only positive
  values count towards the total; zero and negative values (returns, credit notes) get 1.0
  (everything else comes before them).  If no value is positive every non-blank row gets 1.0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from tierkit.values import parse_number

__all__ = [
    "numeric",
    "pareto_share",
    "percent_rank",
    "quantile_score",
    "score_from_cut_points",
    "share_of_total",
]


def numeric(series: pd.Series) -> pd.Series:
    """The series as float64 with blanks as NaN.  Text is read as the customer sheet's cells are
    (:func:`tierkit.values.parse_number`: ``¥1,234.50``, ``1.2万``, ``12%``); text that is not a number
    counts as blank."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    if pd.api.types.is_timedelta64_dtype(series):
        return series.dt.total_seconds() / 86400.0
    arr = np.asarray(pd.to_numeric(series, errors="coerce"), dtype="float64").copy()
    if not pd.api.types.is_numeric_dtype(series.dtype):
        raw = series.to_numpy(dtype=object)
        todo = np.flatnonzero(np.isnan(arr) & pd.notna(raw))
        if len(todo):
            codes, uniques = pd.factorize(raw[todo])
            table = np.array([*(_number_or_nan(u) for u in uniques), np.nan], dtype="float64")
            arr[todo] = table[codes]
    return pd.Series(arr, index=series.index, name=series.name)


def _number_or_nan(value: object) -> float:
    try:
        number = parse_number(value)
    except (ValueError, TypeError, OverflowError):
        return math.nan
    return math.nan if number is None else number


def quantile_score(
    series: pd.Series,
    bins: int = 5,
    reverse: bool = False,
    *,
    edges: Sequence[float] | None = None,
) -> tuple[pd.Series, list[float | None]]:
    """Score each value 1..``bins`` by quantile (mid-rank method) or by fixed ``edges``.

    Returns ``(scores, cut_points)``: an ``Int64`` series (blank where the value is blank)
    and ``bins - 1`` thresholds that reproduce the scores (see the module docstring).  With
    ``edges`` (ascending thresholds) the score is ``1 + (number of edges <= value)`` and
    ``bins`` is ``len(edges) + 1``; ``reverse`` then counts edges >= value instead.
    """
    values = numeric(series)
    mask = values.notna().to_numpy()
    scores = np.zeros(len(values), dtype="int64")
    data = values.to_numpy()[mask]
    if edges is not None:
        cuts = sorted(float(e) for e in edges)
        if reverse:
            scores[mask] = 1 + (data[:, None] <= np.asarray(cuts)[None, :]).sum(axis=1)
            cut_points: list[float | None] = list(reversed(cuts))
        else:
            scores[mask] = 1 + (data[:, None] >= np.asarray(cuts)[None, :]).sum(axis=1)
            cut_points = list(cuts)
        return _as_int64(scores, mask, series), cut_points
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    n = int(mask.sum())
    if n:
        key = -data if reverse else data
        ranks = pd.Series(key).rank(method="average").to_numpy()
        pos = (ranks - 0.5) / n
        scores[mask] = np.minimum(np.floor(pos * bins).astype("int64") + 1, bins)
    return _as_int64(scores, mask, series), _cut_points(data, scores[mask], bins, reverse)


def _as_int64(scores: np.ndarray, mask: np.ndarray, like: pd.Series) -> pd.Series:
    return pd.Series(pd.arrays.IntegerArray(scores, ~mask), index=like.index, name=like.name)


def _cut_points(data: np.ndarray, scores: np.ndarray, bins: int, reverse: bool) -> list[float | None]:
    cuts: list[float | None] = []
    for j in range(1, bins):
        above = data[scores > j]
        if above.size == 0:
            cuts.append(None)
        else:
            cuts.append(float(above.max() if reverse else above.min()))
    return cuts


def score_from_cut_points(
    series: pd.Series, cut_points: Sequence[float | None], reverse: bool = False
) -> pd.Series:
    """Re-apply ``cut_points`` from :func:`quantile_score` to (new) data; blanks stay blank."""
    values = numeric(series)
    mask = values.notna().to_numpy()
    data = values.to_numpy()[mask]
    scores = np.zeros(len(values), dtype="int64")
    # a None cut point means no value scored above it; Nones are always trailing
    live = np.asarray([c for c in cut_points if c is not None], dtype="float64")
    if reverse:
        scores[mask] = 1 + (data[:, None] <= live[None, :]).sum(axis=1)
    else:
        scores[mask] = 1 + (data[:, None] >= live[None, :]).sum(axis=1)
    return _as_int64(scores, mask, series)


def percent_rank(series: pd.Series) -> pd.Series:
    """SQL ``PERCENT_RANK``: 0 for the lowest value, 1 for the highest, ties share; float64."""
    values = numeric(series)
    n = int(values.notna().sum())
    ranks = values.rank(method="min")
    out = ranks - ranks if n <= 1 else (ranks - 1.0) / (n - 1)
    out.name = series.name
    return out


def share_of_total(series: pd.Series) -> pd.Series:
    """Each value divided by the total of the positive values (blank when blank or no total)."""
    values = numeric(series)
    total = float(values[values > 0].sum())
    if total <= 0:
        return pd.Series(np.nan, index=series.index, name=series.name)
    return values / total


def pareto_share(series: pd.Series) -> pd.Series:
    """Cumulative share of the positive total held by rows ranked *above* each row (float64)."""
    values = numeric(series)
    out = pd.Series(np.nan, index=series.index, name=series.name, dtype="float64")
    mask = values.notna()
    if not mask.any():
        return out
    vals = values[mask]
    positive = vals.clip(lower=0.0)
    total = float(positive.sum())
    if total <= 0 or math.isnan(total):
        out[mask] = 1.0
        return out
    # group equal values; the share before a group is the total of all strictly larger values
    distinct = np.sort(positive.unique())[::-1]
    group_sum = positive.groupby(positive).sum().reindex(distinct).to_numpy()
    before = np.concatenate([[0.0], np.cumsum(group_sum)[:-1]]) / total
    lookup = pd.Series(before, index=distinct)
    shares = lookup.reindex(positive.to_numpy()).to_numpy()
    shares = np.where(vals.to_numpy() <= 0, 1.0, np.minimum(shares, 1.0))
    out[mask] = shares
    return out
