"""Segmentation: one tier and one reason per row (the hit policy decides, see hitpolicy), summaries, explanations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .bind import Binding, TableSource, bind, measure_values
from .compile.describe import fmt_value
from .errors import Where
from .features.specs import FeaturesFrom
from .i18n import join, list_sep, mark, tr, trc
from .reasons import blank_label, to_py
from .ruleset.model import RuleSet, Segment
from .textwidth import display_width, pad

UNMATCHED = ""
#: how ``explain`` shows whether each segment's condition holds for the row
STATES = {"default": mark("explain: segment state", "default"),
          "error": mark("explain: segment state", "cannot tell"),
          "yes": mark("explain: segment state", "matches"), "no": mark("explain: segment state", "no")}


@dataclass
class Classification:
    """The result of applying a rule set to a table."""

    binding: Binding
    tier_index: np.ndarray  # per row: index into ruleset.segments, -1 = no segment
    matches: dict[str, np.ndarray]
    errors: dict[str, np.ndarray]
    collected: list[list[int]] | None = None  # collect policy: every matching segment per row
    source: TableSource = field(default_factory=TableSource)
    _writers: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ruleset(self) -> RuleSet:
        return self.binding.ruleset

    @property
    def n(self) -> int:
        return len(self.tier_index)

    def _per_row(self, fn: Any) -> list[str]:
        segs = self.ruleset.segments
        table = [fn(s) for s in segs] + [UNMATCHED]
        if self.collected is not None:
            return [", ".join(table[i] for i in hits) if hits else UNMATCHED for hits in self.collected]
        return list(np.asarray(table, dtype=object)[self.tier_index])

    def row_number(self, row: int) -> int:
        """The row number the user sees for table row ``row``: the Excel row when the table came from a sheet,
        else the 1-based position."""
        return self.source.row(row)

    def tier_ids(self) -> list[str]:
        return self._per_row(lambda s: s.id)

    def labels(self, lang: str = "en") -> list[str]:
        return self._per_row(lambda s: s.label.get(lang))

    def colors(self) -> list[str | None]:
        table = [s.color for s in self.ruleset.segments] + [None]
        return list(np.asarray(table, dtype=object)[self.tier_index])

    def reasons(self, lang: str = "en", rows: Sequence[int] | np.ndarray | None = None) -> list[str]:
        """Why each row got its tier: the winning rule's conditions with the row's values.  With ``rows``
        (0-based), only those rows' reasons, in that order (a brief shows a tier's top accounts only)."""
        picked = np.arange(self.n) if rows is None else np.asarray(rows, dtype=np.intp).reshape(-1)
        tiers = self.tier_index[picked]
        out = np.full(len(picked), "", dtype=object)
        for k, seg in enumerate(self.ruleset.segments):
            at = np.flatnonzero(tiers == k)
            if len(at):
                out[at] = self._segment_reasons(seg, picked[at], lang)
        none = np.flatnonzero(tiers < 0)
        if len(none):
            out[none] = self._unmatched_reasons(picked[none], lang)
        return list(out)

    def reason_array(self, lang: str = "en") -> Any:
        """:meth:`reasons` as an Arrow string array, assembled without a Python string per row."""
        import pyarrow as pa

        from .reasons import scatter_texts

        pieces = []
        for k, seg in enumerate(self.ruleset.segments):
            rows = np.flatnonzero(self.tier_index == k)
            if len(rows):
                texts = pa.array(self._segment_reasons(seg, rows, lang), pa.string()) if seg.default \
                    else self._writer(lang).segment_texts(seg.id, rows)
                pieces.append((rows, texts))
        none = np.flatnonzero(self.tier_index < 0)
        if len(none):
            pieces.append((none, pa.array(self._unmatched_reasons(none, lang), pa.string())))
        return scatter_texts(self.n, pieces)

    def _segment_reasons(self, seg: Segment, rows: np.ndarray, lang: str) -> np.ndarray:
        if seg.default:
            out = np.full(len(rows), tr(lang, "no other segment matched"), dtype=object)
            any_error = np.zeros(self.n, dtype=bool)
            for e in self.errors.values():
                any_error |= e
            errored = np.flatnonzero(any_error[rows])
            for i in errored:
                r = rows[i]
                failed = [s for s, e in self.errors.items() if e[r]]
                names = sorted({n for s in failed for n in _blank_names(self.binding, s, r, lang)})
                if names:
                    out[i] = tr(lang, "no other segment matched (blank {names})", names=join(lang, names))
            return out
        return self._writer(lang).for_segment(seg.id, rows)

    def _writer(self, lang: str) -> Any:
        from .reasons import ReasonWriter

        if lang not in self._writers:
            self._writers[lang] = ReasonWriter(self.binding, lang)
        return self._writers[lang]

    def _unmatched_reasons(self, rows: np.ndarray, lang: str) -> np.ndarray:
        out = []
        for r in rows:
            failed = [seg_id for seg_id, e in self.errors.items() if e[r]]
            if failed:
                names = sorted({n for s in failed for n in _blank_names(self.binding, s, r, lang)})
                blank = join(lang, names) if names else tr(lang, "a value")
                out.append(tr(lang, "no segment matched; blank {blank} in segment {segments}", blank=blank,
                              segments=join(lang, failed)))
            else:
                out.append(tr(lang, "no segment matched"))
        return np.asarray(out, dtype=object)

    def explain(self, row: int, lang: str = "en") -> str:
        """A multi-line explanation for one row (0-based index into the table)."""
        from .compile.describe import plain_words

        rs = self.ruleset
        tier = self.tier_index[row]
        label = rs.segments[tier].label.get(lang) if tier >= 0 else tr(lang, "(none)")
        lines = [tr(lang, "row {row}: {label}  [{name}, hit policy {policy}]", row=self.row_number(row), label=label,
                    name=rs.name, policy=rs.hit_policy),
                 "  " + tr(lang, "reason: {reason}", reason=self._row_reason(row, lang))]
        names = {n: f.display(lang) for n, f in rs.fields.items()}

        def namer(sym: str) -> str:
            return fmt_value(rs.params[sym], lang) if sym in rs.params else names.get(sym, sym)

        # the segments by label, as the tier column names them (an id is the rule file's own word)
        seg_names = {s.id: s.label.get(lang) for s in rs.segments}
        width = max(display_width(name) for name in seg_names.values())
        states = {key: trc(lang, "explain: segment state", word) for key, word in STATES.items()}  # i18n: marked
        state_width = max(11, *(display_width(word) for word in states.values()))
        for seg in rs.segments:
            if seg.default:
                state = states["default"]
            elif self.errors[seg.id][row]:
                state = states["error"]
            else:
                state = states["yes"] if self.matches[seg.id][row] else states["no"]
            when = plain_words(self.binding.rules[seg.id].statement, lang, namer, fields=rs.fields,
                               params=rs.params) if seg.when else "-"
            arrow = "→" if tier >= 0 and rs.segments[tier].id == seg.id else " "
            lines.append(f"  {arrow} {pad(seg_names[seg.id], width)}  {pad(state, state_width)} {when}")
        def shown(k: str) -> str:
            header = self.binding.headers.get(k, k)
            return header if header != k else names.get(k, k)

        def value(k: str, kind: str) -> str:
            cell = to_py(self.binding.typed[k].iloc[row], kind)
            return rs.fields[k].value_format.text(cell, lang) if k in rs.fields else fmt_value(cell, lang)

        values = list_sep(lang).join(f"{shown(k)}={value(k, t)}" for k, t in self.binding.types.items()
                                     if k not in rs.params)
        lines.append("  " + tr(lang, "values: {values}", values=values))
        if any(self.errors[s.id][row] for s in rs.conditional_segments):
            lines.append("  " + tr(lang, "'cannot tell': a column the condition uses is blank or invalid, so it does "
                                         "not match"))
        return "\n".join(lines)

    def _row_reason(self, row: int, lang: str) -> str:
        tier = self.tier_index[row]
        if tier < 0:
            return str(self._unmatched_reasons(np.array([row]), lang)[0])
        return str(self._segment_reasons(self.ruleset.segments[tier], np.array([row]), lang)[0])

    def summary(self, lang: str = "en") -> pd.DataFrame:
        """Per segment: count, share of rows, and sum/share of the measure."""
        rs = self.ruleset
        measure = measure_values(self.binding)
        total_m = float(np.nansum(measure)) if measure is not None else None
        rows = []
        for k, seg in enumerate([*rs.segments, None]):
            idx = k if seg is not None else -1
            if self.collected is not None and seg is not None:
                mask = np.array([k in hits for hits in self.collected], dtype=bool)
            elif self.collected is not None:
                mask = np.array([not hits for hits in self.collected], dtype=bool)
            else:
                mask = self.tier_index == idx
            count = int(mask.sum())
            if seg is None and count == 0:
                continue
            row: dict[str, Any] = {
                "id": seg.id if seg else "",
                "label": seg.label.get(lang) if seg else tr(lang, "(no segment)"),
                "count": count,
                "share": count / self.n if self.n else 0.0,
                "color": seg.color if seg else None,
            }
            if measure is not None:
                value = float(np.nansum(measure[mask]))
                row["measure_sum"] = value
                row["measure_share"] = value / total_m if total_m else 0.0
            rows.append(row)
        return pd.DataFrame(rows)


def _blank_names(binding: Binding, seg_id: str, row: int, lang: str = "en") -> list[str]:
    """The columns segment ``seg_id`` uses that are blank in ``row``: fields by their labels in ``lang`` (issue
    17: no r_score in a reason), other columns by their headers."""
    from .compile.describe import referenced

    rule = binding.rules[seg_id]
    out = []
    for name in referenced(rule.statement):
        if name in binding.typed.columns and pd.isna(binding.typed[name].iloc[row]):
            out.append(blank_label(binding, name, lang))
    return out


def classify(rs: RuleSet, frame: pd.DataFrame, *, as_of: dt.date | dt.datetime | None = None,
             engine: str = "compiled", source: TableSource | None = None,
             features_from: FeaturesFrom = None) -> Classification:
    """Apply ``rs`` to ``frame``: one tier per row.  ``engine`` names a backend (:mod:`tierkit.backends`):
    ``numpy`` (alias ``compiled``), ``oracle`` (row by row with rule-engine) or ``duckdb``; an unknown name is a
    TierkitError.

    ``features_from`` (``"sheet"``, ``"orders"`` or None): see :func:`tierkit.bind.bind`."""
    from .backends import get_backend

    backend = get_backend(engine)
    source = source or TableSource()
    binding = bind(rs, frame, as_of=as_of, source=source, features_from=features_from)
    matches, errors = backend.evaluate(binding)
    if binding.n != len(frame):  # the features made one row per customer: input row numbers do not apply
        source = replace(source, row_number=None, cell_ref=None)
    hits = rs.policy.resolve(rs.segments, matches, binding.n, errors=errors, where=Where(file=rs.display_path),
                             rows=source.row)
    return Classification(binding=binding, tier_index=hits.tier, matches=matches, errors=errors,
                          collected=hits.collected, source=source)
