"""Tier movement between two snapshots: who moved from which tier to which, matrices, value at risk.

Pure numpy/pandas over :class:`Snapshot` objects; no files, no CLI.  A snapshot holds, per customer key
(:func:`tierkit.values.id_key`), the tier in each *scale* (the whole rule set, or one dimension of a
``collect`` rule set) and the value of the rule set's measure.

Conventions (documented in docs/compare.md):

* rank 1 is best; a segment's ``rank:`` when the rule set gives any, else its position in the file
  (within its dimension);
* ``up``/``down``: the after tier ranks better/worse; ``across``: a different tier of equal rank;
  ``same``: the same tier; ``new``: no tier before (absent, or not classified), a tier after;
  ``gone``: a tier before, none after.  A customer with no tier at either point is ``none`` and is in no
  matrix cell;
* the value matrix holds the before-value for moves out of a tier (every row but *New*) and the after-value
  for new customers (the *New* row); its *Total* column is the before-value, its *Total* row the after-value;
* value at risk: the before-value of customers who moved down into a segment with ``signal: risk``, plus the
  before-value of customers who are gone, per path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import TierkitError, Where, msg
from ..ruleset.model import RuleSet, Segment

#: move codes, in the order the console counts them
MOVES = ("up", "down", "across", "same", "new", "gone", "none")


@dataclass(frozen=True)
class Scale:
    """The segments compared with each other: the whole rule set (``name == ""``), or one dimension of a
    ``collect`` rule set (the segment ids' prefix, ``acq`` for ``acq_low``)."""

    name: str
    segments: tuple[int, ...]  # indices into ruleset.segments


def scales(rs: RuleSet) -> list[Scale]:
    """The rule set's scales: one, or one per dimension (id prefix before ``_``) for ``collect``."""
    if rs.hit_policy != "collect":
        return [Scale("", tuple(range(len(rs.segments))))]
    dims: dict[str, list[int]] = {}
    for k, seg in enumerate(rs.segments):
        dims.setdefault(seg.id.split("_", 1)[0], []).append(k)
    return [Scale(name, tuple(ks)) for name, ks in dims.items()]


def ranks(rs: RuleSet, scale: Scale) -> np.ndarray:
    """Rank (1 = best) of each segment of ``scale``: ``rank:`` where the rule set gives any (a segment without
    one ranks after every ranked one), else the position in the file."""
    segs = [rs.segments[k] for k in scale.segments]
    given = [s.rank for s in segs]
    if any(r is not None for r in given):
        worst = max(r for r in given if r is not None)
        return np.array([r if r is not None else worst + 1 + i for i, r in enumerate(given)], dtype=np.int64)
    return np.arange(1, len(segs) + 1, dtype=np.int64)


def ranked_by(rs: RuleSet) -> str:
    """``"rank"`` when the rule set's segments carry ``rank:``, else ``"file order"``."""
    return "rank" if any(s.rank is not None for s in rs.segments) else "file order"


@dataclass
class Snapshot:
    """The tiers of one point (a date, a file, a rule version): per customer, in input order."""

    ruleset: RuleSet
    ids: Sequence[Any]  # the customer id as the input had it
    keys: np.ndarray  # normalised ids (object, never None)
    tiers: dict[str, np.ndarray]  # scale name -> segment index (into ruleset.segments) or -1
    value: np.ndarray | None = None  # the measure, float64 (NaN: blank)
    reasons: Sequence[str] | None = None
    labels: Sequence[str] | None = None  # the tier as the output shows it (joined for collect)
    tier_ids: Sequence[str] | None = None
    name: str = ""  # "2024-06-30", a file name, "old rules"
    given: str | None = None  # the Tier ID header when the tiers were taken as given from a tiered file
    file: str = ""
    id_header: str = ""  # the id column's header in the input

    def __post_init__(self) -> None:
        keys = pd.Series(self.keys, dtype=object)
        dup = keys[keys.duplicated()]
        if len(dup):
            raise TierkitError(
                msg(
                    "customer id '{iloc}' appears more than once ({sum} rows share {n_set} ids)",
                    iloc=dup.iloc[0],
                    sum=int(keys.isin(dup).sum()),
                    n_set=len(set(dup)),
                ),
                where=Where(file=self.file or None),
                hint=msg("each customer needs one row in each snapshot"),
            )


@dataclass
class RiskPath:
    """One path of the value at risk: from a tier to a risk tier, or to gone."""

    before: int  # segment index in the before rule set
    after: int  # segment index in the after rule set, -1 = gone
    customers: int
    value: float


@dataclass
class ScaleMovement:
    """The moves within one scale."""

    scale: str
    before: list[Segment]  # the scale's segments before (rows of the matrices)
    after: list[Segment]  # after (columns)
    rank_before: np.ndarray
    rank_after: np.ndarray
    tier_before: np.ndarray  # per aligned customer: index into ``before``, -1 none
    tier_after: np.ndarray
    move: np.ndarray  # per aligned customer: one of MOVES (object)
    counts: np.ndarray  # (len(before) + 1) x (len(after) + 1): last row New, last column Gone
    values: np.ndarray | None  # the same shape, float: before-value, after-value in the New row
    after_totals: np.ndarray | None  # after-value per after column, and of every after tier in the last cell
    at_risk: list[RiskPath] = field(default_factory=list)

    @property
    def value_at_risk(self) -> float:
        return float(sum(p.value for p in self.at_risk))

    def move_counts(self) -> dict[str, int]:
        codes, n = np.unique(self.move.astype(str), return_counts=True)
        found = dict(zip(codes.tolist(), n.tolist(), strict=True))
        return {m: int(found.get(m, 0)) for m in MOVES}


@dataclass
class Movement:
    """Two snapshots aligned by customer (the before customers in their order, then the new ones)."""

    before: Snapshot
    after: Snapshot
    ids: list[Any]
    keys: np.ndarray
    pos_before: np.ndarray  # row of each aligned customer in ``before`` (-1: absent)
    pos_after: np.ndarray
    value_before: np.ndarray | None
    value_after: np.ndarray | None
    scales: list[ScaleMovement]
    unmatched_scales: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.keys)

    @property
    def value_at_risk(self) -> float:
        return float(sum(s.value_at_risk for s in self.scales))


def align(before: Snapshot, after: Snapshot) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Any]]:
    """The union of both snapshots' keys (before's order, then after's new ones) and each one's row in
    either snapshot (-1 when absent)."""
    kb = pd.Index(np.asarray(before.keys, dtype=object))
    ka = pd.Index(np.asarray(after.keys, dtype=object))
    new = ka[~ka.isin(kb)]
    keys = kb.append(new)
    pos_b = kb.get_indexer(keys)
    pos_a = ka.get_indexer(keys)
    ids_b = np.asarray(list(before.ids), dtype=object)
    ids_a = np.asarray(list(after.ids), dtype=object)
    ids: list[Any] = [ids_b[i] if i >= 0 else ids_a[j] for i, j in zip(pos_b.tolist(), pos_a.tolist(), strict=True)]
    return np.asarray(keys, dtype=object), pos_b.astype(np.int64), pos_a.astype(np.int64), ids


def _take(values: np.ndarray, pos: np.ndarray, fill: Any) -> np.ndarray:
    out = np.asarray(values)[np.maximum(pos, 0)] if len(values) else np.full(len(pos), fill)
    return np.where(pos >= 0, out, fill)


def compare(before: Snapshot, after: Snapshot) -> Movement:
    """Who moved where between ``before`` and ``after`` (see the module docstring for the rules)."""
    keys, pos_b, pos_a, ids = align(before, after)
    vb = _take(before.value, pos_b, np.nan).astype("float64") if before.value is not None else None
    va = _take(after.value, pos_a, np.nan).astype("float64") if after.value is not None else None
    sb = {s.name: s for s in scales(before.ruleset)}
    sa = {s.name: s for s in scales(after.ruleset)}
    moved = [_scale_movement(before, after, sb[name], sa[name], pos_b, pos_a, vb, va) for name in sb if name in sa]
    unmatched = [name for name in [*sb, *sa] if not (name in sb and name in sa)]
    return Movement(before=before, after=after, ids=ids, keys=keys, pos_before=pos_b, pos_after=pos_a,
                    value_before=vb, value_after=va, scales=moved, unmatched_scales=unmatched)


def _local(tiers: np.ndarray, scale: Scale, pos: np.ndarray) -> np.ndarray:
    """Per aligned customer: the index within ``scale`` of its tier, -1 for none."""
    lookup = np.full(max(scale.segments, default=-1) + 2, -1, dtype=np.int64)
    for j, k in enumerate(scale.segments):
        lookup[k] = j
    tiers = np.asarray(tiers, dtype=np.int64)
    local = lookup[np.where(tiers >= 0, tiers, len(lookup) - 1)] if len(tiers) else tiers
    return _take(local, pos, -1).astype(np.int64)


def _scale_movement(before: Snapshot, after: Snapshot, sb: Scale, sa: Scale, pos_b: np.ndarray,
                    pos_a: np.ndarray, vb: np.ndarray | None, va: np.ndarray | None) -> ScaleMovement:
    segs_b = [before.ruleset.segments[k] for k in sb.segments]
    segs_a = [after.ruleset.segments[k] for k in sa.segments]
    rb, ra = ranks(before.ruleset, sb), ranks(after.ruleset, sa)
    tb = _local(before.tiers[sb.name], sb, pos_b)
    ta = _local(after.tiers[sa.name], sa, pos_a)
    nb, na = len(segs_b), len(segs_a)
    has_b, has_a = tb >= 0, ta >= 0
    rank_b = np.where(has_b, rb[np.maximum(tb, 0)] if nb else 0, 0)
    rank_a = np.where(has_a, ra[np.maximum(ta, 0)] if na else 0, 0)
    ids_b = np.array([s.id for s in segs_b] + [""], dtype=object)[np.where(has_b, tb, nb)]
    ids_a = np.array([s.id for s in segs_a] + [""], dtype=object)[np.where(has_a, ta, na)]
    both = has_b & has_a
    move = np.full(len(tb), "none", dtype=object)
    move[both & (rank_a < rank_b)] = "up"
    move[both & (rank_a > rank_b)] = "down"
    move[both & (rank_a == rank_b)] = "across"
    move[both & (ids_a == ids_b)] = "same"
    move[~has_b & has_a] = "new"
    move[has_b & ~has_a] = "gone"
    row = np.where(has_b, tb, nb)  # the New row
    col = np.where(has_a, ta, na)  # the Gone column
    present = has_b | has_a
    counts = np.zeros((nb + 1, na + 1), dtype=np.int64)
    np.add.at(counts, (row[present], col[present]), 1)
    values = after_totals = None
    at_risk: list[RiskPath] = []
    if vb is not None or va is not None:
        zero = np.zeros(len(tb))
        vb_ = np.nan_to_num(vb, nan=0.0) if vb is not None else zero
        va_ = np.nan_to_num(va, nan=0.0) if va is not None else zero
        shown = np.where(has_b, vb_, va_)
        values = np.zeros((nb + 1, na + 1), dtype="float64")
        np.add.at(values, (row[present], col[present]), shown[present])
        after_totals = np.zeros(na + 1, dtype="float64")
        np.add.at(after_totals, ta[has_a], va_[has_a])
        after_totals[na] = float(va_[has_a].sum())
        risky = np.array([s.signal == "risk" for s in segs_a] + [True], dtype=bool)
        hit = has_b & (((move == "down") & risky[col]) | (move == "gone"))
        if hit.any():
            paths = pd.DataFrame({"b": tb[hit], "a": np.where(has_a[hit], ta[hit], -1), "v": vb_[hit]})
            grouped = paths.groupby(["b", "a"], sort=True)["v"].agg(["size", "sum"])
            at_risk = [RiskPath(int(b), int(a), int(n), float(v))
                       for b, a, n, v in zip(grouped.index.get_level_values(0), grouped.index.get_level_values(1),
                                             grouped["size"], grouped["sum"], strict=True)]
            at_risk.sort(key=lambda p: -p.value)
    return ScaleMovement(scale=sb.name, before=segs_b, after=segs_a, rank_before=rb, rank_after=ra,
                         tier_before=tb, tier_after=ta, move=move, counts=counts, values=values,
                         after_totals=after_totals, at_risk=at_risk)
