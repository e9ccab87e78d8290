"""Derived fields computed before the rules: customer features from orders, ranks and scores.

The rule file's ``features:`` list (schema in ``rules/FEATURES.md``) is run by
:func:`apply_features`. ``params:`` are handled by the rule-set loader and :func:`tierkit.bind.bind`.
"""

from __future__ import annotations

from typing import Any

from tierkit.features.apply import KINDS, apply_features, feature_outputs
from tierkit.features.orders import FEATURE_COLUMNS, customer_features, join_customers
from tierkit.features.scores import (
    pareto_share,
    percent_rank,
    quantile_score,
    score_from_cut_points,
    share_of_total,
)
from tierkit.names import find_column
from tierkit.numfmt import fmt_cut_point

__all__ = [
    "FEATURE_COLUMNS",
    "KINDS",
    "apply_features",
    "customer_features",
    "describe_metadata",
    "feature_outputs",
    "find_column",
    "join_customers",
    "pareto_share",
    "percent_rank",
    "quantile_score",
    "score_from_cut_points",
    "share_of_total",
]


def describe_metadata(meta: dict[str, Any]) -> list[str]:
    """One line per feature, for the summary sheet (so a result can be reproduced by hand)."""
    lines: list[str] = []
    if meta.get("as_of") is not None:
        lines.append(f"as of {meta['as_of']}")
    for item in meta.get("features", []):
        kind, out = item.get("kind"), item.get("output")
        inputs = ", ".join(map(str, item.get("inputs", [])))
        if kind == "from_orders":
            cols = ", ".join(f"{k}={v}" for k, v in item.get("columns", {}).items())
            lines.append(
                f"customer features from orders ({item.get('mode')}; {cols}): "
                f"{item.get('customers')} customers"
            )
        elif kind == "quantile_score":
            cuts = item.get("cut_points")
            rev = ", reversed: lower is better" if item.get("reverse") else ""
            if isinstance(cuts, dict):
                text = "; ".join(f"{g}: {', '.join(fmt_cut_point(c) for c in cs)}" for g, cs in cuts.items())
            else:
                text = ", ".join(fmt_cut_point(c) for c in cuts or [])
            lines.append(
                f"{out}: {item.get('bins')} {item.get('method')} of {inputs}{rev}; cut points {text}"
            )
        elif kind == "flags" and not inputs:
            lines.append(f"{out}: no flag columns in this table (nothing flagged)")
        elif kind == "flags":
            lines.append(f"{out}: flags from {inputs} ({item.get('flagged')} rows flagged)")
        else:
            lines.append(f"{out}: {kind} of {inputs}")
    for name in meta.get("skipped", []):
        lines.append(f"{name}: skipped (its columns are not in this table)")
    return lines
