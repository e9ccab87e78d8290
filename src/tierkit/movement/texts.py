"""What a movement says, in the user's language: move labels, notes, the console report."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..i18n import join, mark, tr, tr_n, trc
from ..ruleset.model import RuleSet
from .compute import MOVES, Movement, ScaleMovement, ranked_by

MOVE_LABELS = {"up": mark("move", "up"), "down": mark("move", "down"), "across": mark("move", "across"),
               "same": mark("move", "same"), "new": mark("move", "new"), "gone": mark("move", "gone"),
               "none": mark("move", "no tier")}


def move_label(lang: str, code: str) -> str:
    return trc(lang, "move", MOVE_LABELS[code])  # i18n: marked


def measure_name(rs: RuleSet, lang: str) -> str:
    if rs.measure is None:
        return ""
    fdef = rs.fields.get(rs.measure)
    return fdef.display(lang) if fdef is not None else rs.measure


def money(value: float) -> str:
    """A value as the console shows it: 1,234,567 -> 1.23M, 12,345 -> 12,345."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.2f}B"
    if size >= 1e6:
        return f"{value / 1e6:.2f}M"
    return f"{value:,.0f}"


def scale_title(sm: ScaleMovement, lang: str) -> str:
    return tr(lang, "dimension {name}", name=sm.scale) if sm.scale else ""


def _labels(mv: Movement, names: Sequence[str], lang: str) -> str:
    """Fields as the reader knows them: their labels in ``lang`` (a name the rule set does not declare as it is)."""
    fields = mv.before.ruleset.fields
    return join(lang, [fields[n].display(lang) if n in fields else n for n in names])


def notes(mv: Movement, lang: str, *, relative: Sequence[str] = (), fixed_cuts: bool = False) -> list[str]:
    """What the reader must know to read the matrix: ranks, tiers taken as given, relative scores."""
    out = []
    old, new = mv.before.ruleset, mv.after.ruleset
    alike = old is new or (old.name == new.name and ranked_by(old) == ranked_by(new))
    for rs in [old] if alike else [old, new]:
        how = ranked_by(rs)
        if how == "rank":
            out.append(tr(lang, "up and down follow the segments' {key} in {name} (1 = best)", name=rs.name,
                          key="rank:"))
        else:
            out.append(tr(lang, "up and down follow the order of the segments in {name} (first = best; the rule "
                                "set gives no {key})", name=rs.name, key="rank:"))
    for snap in (mv.before, mv.after):
        if snap.given:
            out.append(tr(lang, "{name}: tiers taken as given from its '{column}' column", name=snap.name,
                          column=snap.given))
    if relative:
        out.append(tr(lang, "{features} score each customer against the others: a customer may move because "
                            "everyone else changed, not because they did", features=_labels(mv, relative, lang)))
        quantiles = any(spec.kind == "quantile_score" for spec in mv.before.ruleset.features)
        if not fixed_cuts and quantiles:
            out.append(tr(lang, "{option} scores the later date with the earlier date's cut-points",
                          option="--fixed-cuts"))
    if fixed_cuts:
        out.append(tr(lang, "quantile scores of the later date use the earlier date's cut-points ({option})",
                      option="--fixed-cuts"))
    if mv.unmatched_scales:
        out.append(tr(lang, "dimensions in only one rule version, not compared: {names}",
                      names=", ".join(mv.unmatched_scales)))
    return out


def risk_lines(sm: ScaleMovement, lang: str, measure: str) -> list[str]:
    """Value at risk per path: ``Champions → At risk: 12 customers, 1.20M``."""
    if sm.values is None:
        return []
    lines = [tr(lang, "value at risk ({measure} before): {value}", measure=measure, value=money(sm.value_at_risk))]
    for path in sm.at_risk:
        lines.append("  " + tr_n(lang, "{before} → {after}: {n} customer, {value}",
                                 "{before} → {after}: {n} customers, {value}", path.customers,
                                 before=sm.before[path.before].label.get(lang), after=after_label(sm, path.after, lang),
                                 n=f"{path.customers:,}", value=money(path.value)))
    return lines


def after_label(sm: ScaleMovement, index: int, lang: str) -> str:
    return sm.after[index].label.get(lang) if index >= 0 else tr(lang, "Gone")


def console(mv: Movement, lang: str, *, relative: Sequence[str] = (), fixed_cuts: bool = False) -> list[str]:
    """The console report: per scale the counts of each move, then the value at risk per path."""
    before, after = mv.before, mv.after
    lines = [tr(lang, "tier movement {before} → {after}: {n} customers", before=before.name, after=after.name,
                n=f"{mv.n:,}")]
    measure = measure_name(after.ruleset, lang) or measure_name(before.ruleset, lang)
    for sm in mv.scales:
        head = scale_title(sm, lang)
        counts = sm.move_counts()
        shown = ", ".join(f"{move_label(lang, m)} {counts[m]:,}" for m in MOVES if counts[m] or m != "none")
        lines.append(f"{head}: {shown}" if head else shown)
        if sm.values is not None and (sm.at_risk or not sm.scale):
            lines.extend("  " + line for line in risk_lines(sm, lang, measure))
    lines.extend(notes(mv, lang, relative=relative, fixed_cuts=fixed_cuts))
    return lines


def moves_of(mv: Movement, lang: str) -> tuple[list[str], list[str]]:
    """Per customer, the Move code and its label: one scale's code, or for a ``collect`` rule set the changed
    dimensions (``acq: up; risk: down``, or ``same``)."""
    if len(mv.scales) == 1:
        codes = mv.scales[0].move.astype(str)
        table = {m: move_label(lang, m) for m in MOVES}
        return codes.tolist(), [table[c] for c in codes.tolist()]
    codes_out, labels_out = [], []
    per = [sm.move.astype(str) for sm in mv.scales]
    for i in range(mv.n):
        changed = [(sm.scale, p[i]) for sm, p in zip(mv.scales, per, strict=True) if p[i] not in ("same", "none")]
        if not changed:
            code = "same" if any(p[i] == "same" for p in per) else "none"
            codes_out.append(code)
            labels_out.append(move_label(lang, code))
        else:
            codes_out.append("; ".join(f"{s}: {c}" for s, c in changed))
            labels_out.append("; ".join(f"{s}: {move_label(lang, c)}" for s, c in changed))
    return codes_out, labels_out


def total_counts(sm: ScaleMovement) -> tuple[np.ndarray, np.ndarray]:
    """Row totals (customers before, and new) and column totals (customers after, and gone)."""
    return sm.counts.sum(axis=1), sm.counts.sum(axis=0)
