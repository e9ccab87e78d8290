"""Derived fields computed before the rules: customer features from orders, ranks and scores.

A rule file's ``features:`` list (schema in ``rules/README.md``) is parsed at load into typed
specs (one frozen dataclass per kind, :data:`KINDS`) and run by :func:`apply_features`.
``params:`` are handled by the rule-set loader and :func:`tierkit.bind.bind`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tierkit.features.apply import apply_features
from tierkit.features.orders import FEATURE_COLUMNS, customer_features, join_customers
from tierkit.features.registry import (
    KINDS,
    as_specs,
    describe_feature,
    feature_outputs,
    feature_texts,
    parse_feature,
    parse_features,
)
from tierkit.features.scores import (
    pareto_share,
    percent_rank,
    quantile_score,
    score_from_cut_points,
    share_of_total,
)
from tierkit.features.specs import FeatureSpec
from tierkit.i18n import tr
from tierkit.names import find_column

__all__ = [
    "FEATURE_COLUMNS",
    "KINDS",
    "FeatureSpec",
    "apply_features",
    "as_specs",
    "customer_features",
    "describe_metadata",
    "feature_outputs",
    "feature_texts",
    "find_column",
    "join_customers",
    "pareto_share",
    "parse_feature",
    "parse_features",
    "percent_rank",
    "quantile_score",
    "score_from_cut_points",
    "share_of_total",
]


def describe_metadata(meta: dict[str, Any], lang: str = "en", labels: Mapping[str, str] | None = None) -> list[str]:
    """One line per feature, for the summary sheet (so a result can be reproduced by hand), in ``lang``.

    ``labels`` (field name -> its label in ``lang``): the fields are named as the reader knows them."""
    if labels:
        meta = _relabel(meta, labels)
    lines: list[str] = []
    if meta.get("as_of") is not None:
        lines.append(tr(lang, "as of {date}", date=meta["as_of"]))
    lines.extend(describe_feature(item, lang) for item in meta.get("features", []))
    for name in meta.get("skipped", []):
        lines.append(tr(lang, "{name}: skipped (its columns are not in this table)", name=name))
    return lines


def _relabel(value: Any, labels: Mapping[str, str], key: str | None = None) -> Any:
    """``value`` with every text that is a field name replaced by its label (a feature's ``kind`` stays)."""
    if isinstance(value, str):
        return labels.get(value, value) if key != "kind" else value
    if isinstance(value, Mapping):
        return {k: _relabel(v, labels, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_relabel(v, labels, key) for v in value)
    return value
