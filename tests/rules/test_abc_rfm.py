"""ABC and RFM: boundary values on each cut-off, the 125 RFM combinations, invariants on the samples."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

import tierkit

from .helpers import classify, load, on_sample


def test_abc_boundaries_on_the_cumulative_share_before_each_customer() -> None:
    # shares before each customer: 0, .5, .8 (exactly a_cutoff -> B), .95 (exactly b_cutoff -> C)
    rows = {"revenue": [30.0, 50.0, 5.0, 15.0]}
    assert classify("abc", rows) == ["A", "A", "C", "B"]


def test_abc_top_customer_alone_is_a_and_blanks_are_c() -> None:
    rows = {"Revenue": [900.0, 60.0, 40.0, None, 0.0, -5.0]}
    assert classify("abc", rows) == ["A", "B", "C", "C", "C", "C"]


def test_abc_ties_share_a_class() -> None:
    assert classify("abc", {"销售额": [40.0, 40.0, 15.0, 5.0]}) == ["A", "A", "B", "C"]


def test_abc_cutoffs_are_params() -> None:
    rs = tierkit.load_ruleset("abc", params={"a_cutoff": 0.5, "b_cutoff": 0.8})
    assert classify(rs, {"revenue": [30.0, 50.0, 5.0, 15.0]}) == ["B", "A", "C", "C"]


def test_abc_shares_match_the_cutoffs_on_the_sample() -> None:
    result = on_sample("abc", "distributor")
    frame = result.binding.frame
    rev = frame["revenue"].fillna(0).to_numpy()
    ids = np.asarray(result.tier_ids())
    total = rev[rev > 0].sum()
    share_a = rev[ids == "A"].sum() / total
    share_ab = rev[np.isin(ids, ["A", "B"])].sum() / total
    smallest_a = rev[ids == "A"].min()
    assert 0.80 <= share_a < 0.80 + smallest_a / total + 1e-12
    assert 0.95 <= share_ab < 0.95 + rev[ids == "B"].min() / total + 1e-12
    # the long tail: about 20% of customers are A (generator target: top 20% bring ~80%)
    assert 0.15 <= (ids == "A").mean() <= 0.25
    assert rev[ids == "A"].min() >= rev[ids == "B"].max() >= rev[ids == "C"].max()


RFM_SEGMENTS = [
    "champions",
    "loyal",
    "potential_loyalist",
    "new_customers",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
]


def _scores_only() -> tierkit.RuleSet:
    rs = load("rfm")
    return dataclasses.replace(
        rs, features=({"sum": ["f_score", "m_score"], "as": "fm_score"},), measure=None
    )


def test_rfm_covers_every_score_combination_exactly_once() -> None:
    combos = list(itertools.product(range(1, 6), repeat=3))
    frame = pd.DataFrame(combos, columns=["r_score", "f_score", "m_score"])
    result = tierkit.classify(_scores_only(), frame)
    matched = np.column_stack([result.matches[s] for s in RFM_SEGMENTS])
    assert matched.shape == (125, 11)
    assert (matched.sum(axis=1) == 1).all(), frame[matched.sum(axis=1) != 1]
    ids = result.tier_ids()
    assert set(ids) == set(RFM_SEGMENTS)  # all 11 are reachable
    assert "unscored" not in ids


@pytest.mark.parametrize(
    ("r", "f", "m", "expected"),
    [
        (5, 5, 5, "champions"),
        (4, 4, 5, "champions"),
        (5, 4, 4, "loyal"),
        (3, 5, 5, "loyal"),
        (3, 2, 5, "loyal"),
        (4, 3, 3, "potential_loyalist"),
        (5, 2, 3, "potential_loyalist"),
        (5, 1, 5, "new_customers"),
        (4, 1, 5, "promising"),
        (4, 2, 2, "promising"),
        (3, 3, 3, "need_attention"),
        (3, 2, 2, "about_to_sleep"),
        (2, 3, 3, "at_risk"),
        (1, 4, 4, "at_risk"),
        (2, 5, 4, "cant_lose"),
        (1, 5, 5, "cant_lose"),
        (2, 2, 3, "hibernating"),
        (1, 3, 2, "lost"),
        (1, 1, 1, "lost"),
    ],
)
def test_rfm_known_segments(r: int, f: int, m: int, expected: str) -> None:
    frame = pd.DataFrame({"r_score": [r], "f_score": [f], "m_score": [m]})
    assert tierkit.classify(_scores_only(), frame).tier_ids() == [expected]


def test_rfm_blank_scores_are_unscored() -> None:
    frame = pd.DataFrame({"r_score": [None, 5.0], "f_score": [None, None], "m_score": [None, 5.0]})
    assert tierkit.classify(_scores_only(), frame).tier_ids() == ["unscored", "unscored"]


def test_rfm_from_a_flat_table() -> None:
    rows = {
        "Customer ID": ["a", "b", "c", "d", "e"],
        "Revenue": [5000.0, 100.0, 2500.0, 40.0, None],
        "Orders": [20, 1, 8, 1, 0],
        "Last order": ["2024-12-30", "2024-12-29", "2024-06-01", "2022-01-10", None],
    }
    result = tierkit.classify(load("rfm"), pd.DataFrame(rows))
    frame = result.binding.frame
    assert frame["recency_days"].tolist()[:4] == [0, 1, 212, 1085]
    assert frame["r_score"].tolist()[:4] == [5, 4, 2, 1]
    # c: r 2, f 4, m 4 -> FM 8 -> at risk
    assert result.tier_ids() == ["champions", "promising", "at_risk", "lost", "unscored"]


@pytest.mark.parametrize("sample", ["distributor", "retail_members"])
def test_rfm_scores_are_balanced_quintiles_on_the_samples(sample: str) -> None:
    result = on_sample("rfm", sample)
    frame = result.binding.frame
    buyers = frame["frequency"].fillna(0) > 0
    n = int(buyers.sum())
    for col, tolerance in (("r_score", 0.05), ("m_score", 0.01), ("f_score", 0.08)):
        scores = frame.loc[buyers, col]
        assert scores.notna().all()
        counts = scores.value_counts().reindex(range(1, 6), fill_value=0)
        assert (abs(counts - n / 5) <= tolerance * n).all(), (col, counts.tolist())
    meta = result.binding.feature_meta
    cuts = {f["output"]: f["cut_points"] for f in meta["features"] if f["kind"] == "quantile_score"}
    assert set(cuts) == {"r_score", "f_score", "m_score"} and all(len(c) == 4 for c in cuts.values())
    assert set(np.asarray(result.tier_ids())[~buyers.to_numpy()]) <= {"unscored"}
