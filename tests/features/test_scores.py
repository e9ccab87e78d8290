from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit.features import pareto_share, percent_rank, quantile_score, score_from_cut_points, share_of_total

values_with_blanks = st.lists(
    st.one_of(st.none(), st.just(float("nan")), st.integers(-50, 200), st.floats(-1e6, 1e6)),
    min_size=0,
    max_size=60,
)


def test_quintiles_without_ties_are_balanced() -> None:
    s = pd.Series(range(100, 0, -1))
    scores, cuts = quantile_score(s)
    assert scores.value_counts().sort_index().tolist() == [20, 20, 20, 20, 20]
    assert cuts == [21.0, 41.0, 61.0, 81.0]
    assert scores.iloc[0] == 5 and scores.iloc[-1] == 1


def test_reverse_gives_small_values_the_top_score() -> None:
    days = pd.Series([1, 10, 100, 1000, 5])
    scores, cuts = quantile_score(days, reverse=True)
    assert scores.tolist() == [5, 3, 2, 1, 4]
    assert cuts == [100.0, 10.0, 5.0, 1.0]


def test_ties_share_a_score_and_land_where_their_middle_falls() -> None:
    # 6 ones then 1..4: the ones take ranks 1-6 (mid-rank 3.5 -> position .3 -> score 2 of 5)
    s = pd.Series([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])
    scores, _ = quantile_score(s)
    assert set(scores[:6]) == {2}
    assert scores[6:].tolist() == [4, 4, 5, 5]


def test_blanks_stay_blank() -> None:
    s = pd.Series([3.0, None, np.nan, 1.0, "n/a"], dtype="object")
    scores, _ = quantile_score(s, bins=2)
    assert scores.dtype == "Int64"
    assert scores.isna().tolist() == [False, True, True, False, True]
    assert scores[0] == 2 and scores[3] == 1


def test_all_blank_and_empty() -> None:
    scores, cuts = quantile_score(pd.Series([None, None], dtype="object"))
    assert scores.isna().all() and cuts == [None, None, None, None]
    scores, cuts = quantile_score(pd.Series([], dtype="float64"))
    assert len(scores) == 0


def test_fixed_edges() -> None:
    s = pd.Series([0, 29, 30, 89, 90, 400, None])
    scores, cuts = quantile_score(s, edges=[30, 90, 180, 365], reverse=True)
    # reversed: a value equal to an edge belongs to the better score ("within 30 days" -> 5)
    assert scores.tolist()[:6] == [5, 5, 5, 4, 4, 1]
    assert pd.isna(scores.iloc[6])
    assert score_from_cut_points(s, cuts, reverse=True).tolist()[:6] == scores.tolist()[:6]
    up, _ = quantile_score(s, edges=[30, 90])
    assert up.tolist()[:6] == [1, 1, 2, 2, 3, 3]


@settings(max_examples=200, deadline=None)
@given(values_with_blanks, st.integers(1, 7), st.booleans())
def test_quantile_properties(raw: list[float | None], bins: int, reverse: bool) -> None:
    s = pd.Series(raw, dtype="object")
    scores, cuts = quantile_score(s, bins, reverse)
    vals = pd.to_numeric(s, errors="coerce")
    assert scores.isna().tolist() == vals.isna().tolist()
    live = scores.dropna().astype(int)
    assert live.between(1, bins).all()
    # equal values, equal scores; larger values never score lower (higher when reversed)
    frame = pd.DataFrame({"v": vals, "s": scores}).dropna()
    assert (frame.groupby("v")["s"].nunique() == 1).all()
    ordered = frame.sort_values("v", ascending=not reverse)["s"].tolist()
    assert ordered == sorted(ordered)
    # the cut points reproduce the scores
    again = score_from_cut_points(s, cuts, reverse)
    assert again.fillna(-1).tolist() == scores.fillna(-1).tolist()
    # no ties -> balanced: bin sizes differ by at most one
    if len(frame) and frame["v"].is_unique:
        counts = [int((live == k).sum()) for k in range(1, bins + 1)]
        assert max(counts) - min(counts) <= 1


def test_percent_rank_is_sql_percent_rank() -> None:
    s = pd.Series([10, 20, 20, 30, None])
    assert percent_rank(s).tolist()[:4] == [0.0, 1 / 3, 1 / 3, 1.0]
    assert math.isnan(percent_rank(s).iloc[4])
    assert percent_rank(pd.Series([7])).tolist() == [0.0]


def test_pareto_share_is_share_before_the_row() -> None:
    s = pd.Series([50, 900, 30, 20])
    assert pareto_share(s).tolist() == [0.9, 0.0, 0.95, 0.98]


def test_pareto_top_customer_alone_can_be_a() -> None:
    s = pd.Series([9000, 500, 500])
    shares = pareto_share(s)
    assert shares.iloc[0] == 0.0
    assert (shares < 0.8).tolist() == [True, False, False]


def test_pareto_ties_share_the_share_before_the_group() -> None:
    s = pd.Series([40, 30, 30])
    assert pareto_share(s).tolist() == [0.0, 0.4, 0.4]


def test_pareto_blanks_zero_and_negative() -> None:
    s = pd.Series([100, None, 0, -20, 100], dtype="object")
    shares = pareto_share(s)
    assert shares.iloc[0] == 0.0 and shares.iloc[4] == 0.0
    assert math.isnan(shares.iloc[1])
    assert shares.iloc[2] == 1.0 and shares.iloc[3] == 1.0
    assert pareto_share(pd.Series([0, -1])).tolist() == [1.0, 1.0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(-100, 1e5, allow_nan=False)), max_size=50), st.floats(0.05, 0.99)
)
def test_pareto_a_class_is_the_smallest_set_reaching_the_cutoff(raw: list[float | None], cut: float) -> None:
    s = pd.Series(raw, dtype="float64")
    shares = pareto_share(s)
    pos = s.clip(lower=0)
    total = pos.sum()
    if total <= 0:
        return
    a = shares < cut
    # the A class reaches the cut-off ...
    assert pos[a].sum() / total >= cut - 1e-9 or a.sum() == s.notna().sum() - (s <= 0).sum()
    # ... and is the top of the ranking: every A value is >= every non-A value
    if a.any() and (~a & s.notna()).any():
        assert s[a].min() >= s[~a & s.notna()].max()
    assert shares.between(0, 1).all() or shares.isna().any()


def test_share_of_total() -> None:
    assert share_of_total(pd.Series([1, 3, -4, None])).tolist()[:3] == [0.25, 0.75, -1.0]
    assert share_of_total(pd.Series([0, 0])).isna().all()


@pytest.mark.parametrize("dtype", ["int64", "float64", "Int64", "object"])
def test_dtypes(dtype: str) -> None:
    s = pd.Series([3, 1, 2], dtype=dtype)
    assert quantile_score(s, bins=3)[0].tolist() == [3, 1, 2]


def test_text_numbers_are_read_like_the_customer_sheets_cells() -> None:
    from tierkit.features.scores import numeric

    raw = pd.Series(["¥1,234.50", "1.2万", "12%", " 7 ", "abc", None, 5], dtype=object)
    got = numeric(raw)
    assert got.tolist()[:4] == [1234.5, 12000.0, 0.12, 7.0] and got.tolist()[6] == 5.0
    assert got.isna().tolist()[4:6] == [True, True]
    assert pareto_share(raw).tolist()[:2] == pareto_share(got).tolist()[:2]
