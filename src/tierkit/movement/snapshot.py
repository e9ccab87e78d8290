"""Take snapshots: classify a table at a date, read a (tiered) customer table, run two rule versions.

Every snapshot is taken the way ``tierkit apply`` classifies (the application layer's :func:`open_table`,
:func:`customer_rows`, then :func:`tierkit.classify`), so a customer's tier here is the tier
``apply --as-of`` writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .. import app
from ..errors import TierkitError, Where, display_path, listing, msg
from ..features.specs import FeaturesFrom
from ..ruleset.model import RuleSet
from ..segment import Classification, classify
from .compute import Snapshot, scales

#: feature kinds whose values depend on the other customers (a customer may move without changing)
RELATIVE_KINDS = frozenset({"quantile_score", "percent_rank", "pareto_share"})


def relative_features(rs: RuleSet, *, fixed_cuts: bool = False) -> list[str]:
    """The outputs of ``rs``'s features that score a customer against the others (quantiles without fixed
    edges, percent ranks, Pareto shares); with ``fixed_cuts``, quantile scores no longer count."""
    out = []
    for spec in rs.features:
        if spec.kind not in RELATIVE_KINDS:
            continue
        if spec.kind == "quantile_score" and (fixed_cuts or getattr(spec, "edges", None) is not None):
            continue
        out.append(spec.name)
    return out


def with_cut_points(rs: RuleSet, result: Classification) -> RuleSet:
    """``rs`` with each quantile score's cut-points fixed at those ``result`` used (``--fixed-cuts``):
    scoring a later date with them makes a move reflect the customer's own change."""
    cuts = {info.get("output"): info.get("cut_points") for info in result.binding.feature_meta.get("features", [])
            if info.get("kind") == "quantile_score"}
    specs = []
    for spec in rs.features:
        found = cuts.get(spec.name)
        if spec.kind == "quantile_score" and isinstance(found, list) and getattr(spec, "by", None) is None:
            edges = tuple(sorted(float(c) for c in found if c is not None))
            spec = replace(spec, edges=edges)  # type: ignore[call-arg]
        specs.append(spec)
    return replace(rs, features=tuple(specs))


def snapshot_of(result: Classification, table: app.RawTable, *, lang: str, name: str,
                id_column: str | None = None, given: str | None = None, reasons: bool = True) -> Snapshot:
    """A snapshot of one classification of ``table`` (the customer rows it was run on); ``reasons=False``
    leaves out each row's reason (only the later snapshot's is shown)."""
    rs = result.ruleset
    if result.n != len(table.frame):  # the features made one row per customer from an orders sheet
        table = app.customer_table(table, result.binding.frame)
    header = app.id_header(table, [rs], id_column)
    where = Where(file=display_path(table.path), sheet=table.sheet)
    if header is None:
        raise TierkitError(msg("no customer id column to match the two snapshots on"), where=where,
                           hint=msg("name it with --id-column, or give the rule set a field with 'role: id'"))
    ids = table.frame[header].tolist()
    keys = app.id_keys(table.frame[header]).to_numpy(dtype=object)
    keep = np.flatnonzero(np.array([k is not None for k in keys], dtype=bool))
    tiers = tiers_of(result)
    value = measure_of(result)
    labels, tier_ids = result.labels(lang), result.tier_ids()
    why = result.reasons(lang) if reasons else None
    pick = keep.tolist()
    return Snapshot(ruleset=rs, ids=[ids[i] for i in pick], keys=keys[keep],
                    tiers={k: v[keep] for k, v in tiers.items()},
                    value=value[keep] if value is not None else None,
                    reasons=[why[i] for i in pick] if why is not None else None, labels=[labels[i] for i in pick],
                    tier_ids=[tier_ids[i] for i in pick], name=name, given=given, file=display_path(table.path),
                    id_header=str(header))


def tiers_of(result: Classification) -> dict[str, np.ndarray]:
    """Per scale, each row's segment index (-1: none); a ``collect`` row's one segment in each dimension."""
    rs = result.ruleset
    if result.collected is None:
        return {"": np.asarray(result.tier_index, dtype=np.int64)}
    out = {}
    for scale in scales(rs):
        members = set(scale.segments)
        out[scale.name] = np.array([next((k for k in hits if k in members), -1) for hits in result.collected],
                                   dtype=np.int64)
    return out


def measure_of(result: Classification) -> np.ndarray | None:
    from ..bind import measure_values

    return measure_values(result.binding)


def classify_table(table: app.RawTable, rs: RuleSet, *, as_of: dt.date | None, id_column: str | None,
                   keep_all_rows: bool = False, features_from: FeaturesFrom = None) -> tuple[Classification,
                                                                                             app.RawTable]:
    """Classify the customer rows of ``table`` as ``tierkit apply`` does; the rows it ran on."""
    raw, _ = app.customer_rows(table, [rs], id_column=id_column, keep_all=keep_all_rows)
    return _classify_rows(raw, rs, as_of=as_of, features_from=features_from)


def _classify_rows(raw: app.RawTable, rs: RuleSet, *, as_of: dt.date | None,
                   features_from: FeaturesFrom = None) -> tuple[Classification, app.RawTable]:
    frame = app.without_tier_columns(raw.frame, [rs])
    raw = replace(raw, frame=frame, column_letters=_letters(raw, frame))
    result = classify(rs, raw.frame, as_of=as_of, source=app.table_source(raw), features_from=features_from)
    return result, raw


def _letters(raw: app.RawTable, frame: Any) -> list[str]:
    keep = set(frame.columns)
    return [letter for col, letter in zip(raw.frame.columns, raw.column_letters, strict=False) if col in keep]


def snapshot_at(table: app.RawTable, rs: RuleSet, *, as_of: dt.date | None, lang: str, name: str,
                id_column: str | None = None, keep_all_rows: bool = False, features_from: FeaturesFrom = None,
                reasons: bool = True) -> tuple[Snapshot, Classification]:
    """Classify ``table`` at ``as_of`` (orders after it are left out, as ``apply --as-of`` does)."""
    result, raw = classify_table(table, rs, as_of=as_of, id_column=id_column, keep_all_rows=keep_all_rows,
                                 features_from=features_from)
    return snapshot_of(result, raw, lang=lang, name=name, id_column=id_column, reasons=reasons), result


def snapshot_of_file(table: app.RawTable, rs: RuleSet, *, lang: str, as_of: dt.date | None = None,
                     id_column: str | None = None, keep_all_rows: bool = False, reasons: bool = True) -> Snapshot:
    """A snapshot of a customer table: its own ``Tier ID`` column (``<NAME> ID``, or the zh names) when it
    is a tiered output of ``rs``, else the tiers ``rs`` gives it now."""
    raw, _ = app.customer_rows(table, [rs], id_column=id_column, keep_all=keep_all_rows)
    header = app.tier_id_header(list(raw.frame.columns), rs)
    given_ids = raw.frame[header].tolist() if header is not None else None
    result, raw = _classify_rows(raw, rs, as_of=as_of)
    name = Path(table.path).name
    if header is None or result.n != len(raw.frame):
        return snapshot_of(result, raw, lang=lang, name=name, id_column=id_column, reasons=reasons)
    assert given_ids is not None
    used = _given(result, given_ids, header=str(header), file=display_path(table.path))
    snap = snapshot_of(used, raw, lang=lang, name=name, id_column=id_column, given=str(header), reasons=reasons)
    return snap


def _given(result: Classification, ids: list[Any], *, header: str, file: str) -> Classification:
    """``result`` with the tiers of a tiered file's id column (a ``collect`` row: ids joined by commas)."""
    if result.collected is None:
        return app.with_given_tiers(result, ids, header=header, file=file)
    known = {seg.id: k for k, seg in enumerate(result.ruleset.segments)}
    collected = []
    for v in ids:
        parts = [p.strip() for p in str(v if v is not None else "").split(",") if p.strip() and str(v) != "nan"]
        unknown = [p for p in parts if p not in known]
        if unknown:
            raise TierkitError(
                msg(
                    "column '{header}' holds tier ids that rule set '{name}' does not have: {unknown}",
                    header=header,
                    name=result.ruleset.name,
                    unknown=listing(unknown[:5]),
                ),
                where=Where(file=file, column=header),
                hint=msg("give the rule set the file was tiered with (--rules)"),
            )
        collected.append([known[p] for p in parts])
    tier = np.array([hits[0] if hits else -1 for hits in collected], dtype=np.int32)
    return replace(result, tier_index=tier, collected=collected)
