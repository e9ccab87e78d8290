"""Run a rule file's ``features:`` list on a table (schema in ``rules/README.md``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from tierkit.errors import Where
from tierkit.features.columns import find_column
from tierkit.features.registry import KINDS, as_specs, feature_outputs
from tierkit.features.specs import FEATURES_FROM, FeatureContext, FeaturesFrom, FeatureSpec, SheetSource

__all__ = ["KINDS", "SheetSource", "apply_features", "feature_outputs", "find_column"]


def apply_features(
    frame: pd.DataFrame,
    specs: Sequence[FeatureSpec | Mapping[str, Any]] | None,
    *,
    as_of: dt.date | dt.datetime | str | None = None,
    sheets: SheetSource | None = None,
    fields: Mapping[str, Any] | None = None,
    source: str | None = None,
    features_from: FeaturesFrom = None,
    headers: Mapping[str, str] | None = None,
    cell_ref: Callable[[int, str], str] | None = None,
    where: Where | None = None,
    params: Mapping[str, float] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Apply ``specs`` in order; return the new frame and metadata for the summary sheet.

    ``specs`` are typed (``RuleSet.features``) or mappings as a rule file writes them (checked
    here; ``source`` names the file in errors).  ``sheets`` gives the workbook's other sheets
    (``{name: frame}`` or a function returning a frame or None) for ``from_orders``.  ``fields``
    (the rule file's ``fields:``) lets specs name a column by its field name when the table still
    has an alias header.  Metadata: ``{"as_of": date | None, "features": [{"kind", "output",
    "inputs", ...}], "skipped": [output names of optional specs whose inputs were missing]}``.

    ``features_from`` (see :data:`~tierkit.features.specs.FeaturesFrom`) chooses between the table's own
    columns and the figures of an orders sheet.  ``headers`` (name -> the table's header, for names the
    caller copied under their field name), ``cell_ref`` and ``where`` let notes and errors name the cells.
    A spec's metadata may hold ``notes`` (``[(msgid, {placeholder: value})]``, msgids marked with context
    ``"binding note"``) and ``kept`` (outputs left as the table had them).
    """
    if features_from not in (None, *FEATURES_FROM):
        raise ValueError(f"features_from must be one of {', '.join(FEATURES_FROM)} or None, not {features_from!r}")
    parsed = as_specs(specs, source)
    ctx = FeatureContext(as_of=as_of, sheets=sheets, fields=fields or {}, features_from=features_from,
                         headers=dict(headers or {}), cell_ref=cell_ref, where=where,
                         params=dict(params or {}))
    out = frame.copy()
    meta: dict[str, Any] = {"as_of": None, "features": [], "skipped": []}
    for spec in parsed:
        result = spec.compute(out, ctx)
        if result is None:
            meta["skipped"].append(spec.name)
            continue
        out, info = result
        meta["features"].append(info)
    stamp = ctx.as_of
    meta["as_of"] = pd.Timestamp(stamp).date() if stamp is not None else None
    return out, meta
