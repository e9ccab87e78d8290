"""The movement core on random snapshots: matrix sums, new/gone counts, value at risk against an independent
computation written row by row."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierkit import parse_ruleset
from tierkit.movement import Snapshot, compare, ranks, scales

RULES = """
name: toy
title: Toy
measure: revenue
fields:
  revenue: {type: float}
segments:
  - {id: gold, label: Gold, when: revenue > 100, rank: 1}
  - {id: silver, label: Silver, when: revenue > 50, rank: 2}
  - {id: bronze, label: Bronze, when: revenue > 10, rank: 2}
  - {id: risk, label: At risk, when: revenue > 5, rank: 3, signal: risk}
  - {id: lost, label: Lost, default: true, rank: 4}
"""
RS = parse_ruleset(RULES)
N_SEGS = len(RS.segments)

customer = st.tuples(st.integers(0, 30), st.integers(-1, N_SEGS - 1),
                     st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)))
snapshot_rows = st.lists(customer, max_size=25, unique_by=lambda c: c[0])


def snap(rows: list[tuple[int, int, float | None]], name: str) -> Snapshot:
    return Snapshot(ruleset=RS, ids=[r[0] for r in rows], keys=np.array([str(r[0]) for r in rows], dtype=object),
                    tiers={"": np.array([r[1] for r in rows], dtype=np.int64)},
                    value=np.array([np.nan if r[2] is None else r[2] for r in rows], dtype="float64"), name=name)


@given(snapshot_rows, snapshot_rows)
def test_matrix_sums_new_gone_and_value_at_risk(before: list, after: list) -> None:
    mv = compare(snap(before, "b"), snap(after, "a"))
    (sm,) = mv.scales
    tb = {r[0]: r[1] for r in before}
    ta = {r[0]: r[1] for r in after}
    vb = {r[0]: (r[2] or 0.0) for r in before}
    both = [k for k in tb if k in ta and tb[k] >= 0 and ta[k] >= 0]
    new = [k for k in ta if ta[k] >= 0 and tb.get(k, -1) < 0]
    gone = [k for k in tb if tb[k] >= 0 and ta.get(k, -1) < 0]
    assert int(sm.counts[:N_SEGS, :N_SEGS].sum()) == len(both)
    assert int(sm.counts[N_SEGS, :N_SEGS].sum()) == len(new)
    assert int(sm.counts[:N_SEGS, N_SEGS].sum()) == len(gone)
    assert sm.counts[N_SEGS, N_SEGS] == 0
    counts = sm.move_counts()
    assert counts["new"] == len(new) and counts["gone"] == len(gone)
    assert sum(counts[m] for m in ("up", "down", "across", "same")) == len(both)
    assert mv.n == len(set(tb) | set(ta))
    # value at risk, row by row: moved down into a risk tier, or gone; the before-value
    rank = {0: 1, 1: 2, 2: 2, 3: 3, 4: 4}
    expected = sum(vb[k] for k in gone) + sum(vb[k] for k in both if ta[k] == 3 and rank[ta[k]] > rank[tb[k]])
    assert mv.value_at_risk == pytest.approx(expected)
    assert sum(p.customers for p in sm.at_risk) == len(gone) + sum(
        1 for k in both if ta[k] == 3 and rank[ta[k]] > rank[tb[k]])
    # the value matrix: before-value out of each tier, after-value in the New row
    assert sm.values is not None
    assert sm.values[:N_SEGS].sum() == pytest.approx(sum(vb[k] for k in tb if tb[k] >= 0))
    va = {r[0]: (r[2] or 0.0) for r in after}
    assert sm.values[N_SEGS].sum() == pytest.approx(sum(va[k] for k in new))


@given(snapshot_rows)
def test_a_snapshot_against_itself_moves_nobody(rows: list) -> None:
    mv = compare(snap(rows, "b"), snap(rows, "a"))
    (sm,) = mv.scales
    counts = sm.move_counts()
    assert counts["same"] == sum(1 for r in rows if r[1] >= 0)
    assert counts["up"] == counts["down"] == counts["across"] == counts["new"] == counts["gone"] == 0
    assert mv.value_at_risk == 0


def test_move_codes_follow_rank() -> None:
    before = snap([(1, 0, 10.0), (2, 1, 20.0), (3, 4, 30.0), (4, 1, 40.0), (5, 2, 1.0)], "b")
    after = snap([(1, 3, 1.0), (2, 2, 2.0), (3, 0, 3.0), (4, 1, 4.0), (6, 0, 5.0)], "a")
    mv = compare(before, after)
    (sm,) = mv.scales
    assert sm.move.tolist() == ["down", "across", "up", "same", "gone", "new"]
    assert mv.ids == [1, 2, 3, 4, 5, 6]
    assert [(p.before, p.after, p.customers, p.value) for p in sm.at_risk] == [(0, 3, 1, 10.0), (2, -1, 1, 1.0)]


def test_file_order_is_the_rank_without_rank_keys() -> None:
    rs = parse_ruleset("name: t\ntitle: T\nsegments:\n  - {id: a, label: A, when: 'true'}\n"
                       "  - {id: b, label: B, default: true}\n")
    assert ranks(rs, scales(rs)[0]).tolist() == [1, 2]


def test_duplicate_ids_are_refused() -> None:
    from tierkit.errors import TierkitError

    with pytest.raises(TierkitError, match="appears more than once"):
        snap([(1, 0, 1.0), (1, 1, 2.0)], "b")


def test_collect_rule_sets_compare_each_dimension() -> None:
    from tierkit import load_ruleset

    rs = load_ruleset("stages_postsale")
    names = [s.name for s in scales(rs)]
    assert names == ["difficulty", "credit"]
