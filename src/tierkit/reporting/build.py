"""Build the report contexts from a classification: figures, tables and charts, nothing about HTML or PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import Classification, Segment, TierkitError, describe_when
from ..errors import msg
from ..i18n import mark, trc
from . import charts as ch
from .context import Account, Chart, CoverContext, Footer, Kpi, PackContext, TierBrief, TierRow
from .fmt import FieldFormat, Formatter, check_lang, figure, html_lang, words

DEFAULT_COLOR = "#90a4ae"
#: the definition of a tier without a rule (the catch-all)
DEFAULT_WHEN = mark("brief", "Every customer no other tier took")
RAW_FEATURES = ("recency_days", "frequency", "avg_order_value")
#: names for the columns the order features add, when the rule file does not label them
FEATURE_LABELS = {
    "recency_days": mark("feature", "Days since last order"),
    "frequency": mark("feature", "Orders"),
    "monetary": mark("feature", "Revenue"),
    "avg_order_value": mark("feature", "Average order value"),
    "gross_profit": mark("feature", "Gross profit"),
    "tenure_days": mark("feature", "Days as a customer"),
}
#: the running footer: rule set, rules hash and data hash
FOOTER = mark("brief", "{ruleset} · rules {rules_hash} · data {data_hash}")
MAX_KEY_FIELDS = 6
_ID_RE = re.compile(r"(^|[\s_])(id|no\.?|code|number)$|编号|代码|^id$", re.I)
_NAME_RE = re.compile(r"name|名称|姓名|^customer$|^member$|^客户$|^会员$", re.I)
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def build_pack(result: Classification, *, lang: str = "en", top: int = 10,
               as_of: dt.date | dt.datetime | None = None, source_name: str | None = None,
               generated_at: dt.datetime | None = None, charts: bool = True,
               data: pd.DataFrame | None = None, notes: Sequence[str] = ()) -> PackContext:
    """The context of a whole pack: a cover and one brief per tier of ``result``'s rule set.

    ``as_of`` defaults to the date the rules were evaluated at; ``source_name`` to the file/sheet
    the table came from; ``generated_at`` to now.  ``charts=False`` puts placeholders where the
    charts go (fast; used by the golden HTML tests).  ``data`` is the table as read, for the footer's
    data hash (default: the table the rules saw, with the columns the engine derived).
    """
    check_lang(lang)
    if top < 0:
        raise TierkitError(msg("--top must be 0 or more, got {top}", top=top))
    builder = _Builder(result, lang, top, charts)
    builder.data = data
    builder.notes = tuple(notes)
    return builder.pack(as_of, source_name, generated_at)


class _Builder:
    def __init__(self, res: Classification, lang: str, top: int, charts: bool) -> None:
        self.res, self.lang, self.top, self.charts = res, lang, top, charts
        self.rs = res.ruleset
        self.fmt = Formatter(lang)
        self.words = words(lang)
        self.summary = res.summary(lang)
        self.has_measure = "measure_sum" in self.summary.columns
        #: the measure the engine summed (None when the rule set has none or the table lacks it)
        self.measure_name: str | None = getattr(res.binding, "measure", None) or None
        self.measure = self._numeric(self.measure_name) if self.measure_name and self.has_measure else None
        self.data: pd.DataFrame | None = None
        self.notes: tuple[str, ...] = ()

    # ------------------------------------------------------------------ data helpers
    def _numeric(self, name: str | None) -> np.ndarray | None:
        """A column the rules or features know by ``name``, as float64 (None when absent or not numeric)."""
        if not name:
            return None
        b = self.res.binding
        if name in b.typed.columns:
            if b.types.get(name) not in ("int", "float"):
                return None
            return b.typed[name].to_numpy(dtype="float64", na_value=np.nan)
        column = self._column(name)
        if column is not None:
            values = pd.to_numeric(b.frame[column], errors="coerce")
            if values.notna().any():
                return values.to_numpy(dtype="float64", na_value=np.nan)
        return None

    def _column(self, name: str) -> Any:
        """The input column for a name: itself, or a declared field's alias (see :meth:`Binding.column_of`)."""
        return self.res.binding.column_of(name)

    def _label_of(self, name: str) -> str:
        name = self.res.binding.shown_as(name)  # abc's contribution: the measure its param chose
        f = self.rs.fields.get(name)
        if f is not None and f.label is not None:
            return f.display(self.lang)
        if name in FEATURE_LABELS and name not in self.res.binding.headers:
            return trc(self.lang, "feature", FEATURE_LABELS[name])  # i18n: marked
        return self.res.binding.headers.get(name, name)

    def mask(self, k: int | None) -> np.ndarray:
        """Rows of segment ``k`` (None: rows no segment took), as the summary counts them."""
        res = self.res
        if res.collected is not None:
            if k is None:
                return np.array([not hits for hits in res.collected], dtype=bool)
            return np.array([k in hits for hits in res.collected], dtype=bool)
        return res.tier_index == (-1 if k is None else k)

    # ------------------------------------------------------------------ the pack
    def pack(self, as_of: Any, source_name: str | None, generated_at: dt.datetime | None) -> PackContext:
        rs, w = self.rs, self.words
        tiers = tuple(self.tier(k, seg) for k, seg in enumerate(rs.segments))
        title = rs.title.get(self.lang)
        return PackContext(
            lang=self.lang, html_lang=html_lang(self.lang),
            title=trc(self.lang, "brief", "{title} · Tier briefs", title=title), words=dict(w),
            cover=self.cover(as_of, source_name, generated_at), tiers=tiers, footer=self.footer())

    def footer(self) -> Footer:
        data = data_digest(self.data if self.data is not None else self.res.binding.frame)
        rs = self.rs
        return Footer(ruleset=rs.name, rules_hash=rs.digest, data_hash=data,
                      text=trc(self.lang, "brief", FOOTER, ruleset=rs.name, rules_hash=rs.digest,  # i18n: marked
                               data_hash=data))

    def cover(self, as_of: Any, source_name: str | None, generated_at: dt.datetime | None) -> CoverContext:
        res, rs, fmt, w = self.res, self.rs, self.fmt, self.words
        src = source_name or _source_text(res)
        stamp = as_of if as_of is not None else res.binding.now
        facts = [(w["source"], src), (w["as_of"], fmt.date(stamp)),
                 (w["generated"], fmt.datetime(generated_at or dt.datetime.now().replace(microsecond=0))),
                 (w["rules"], f"{rs.name} ({rs.digest})")]
        totals = [(w["customers"], fmt.number(res.n))]
        if self.has_measure:
            totals.append((w["total_value"], self.figure(float(self.summary["measure_sum"].sum()), self.measure_name)))
        rows = []
        bars = []
        for rec in self.summary.to_dict("records"):
            color = safe_color(rec["color"])
            label = rec["label"] if rec["id"] else w["unmatched"]
            rows.append(TierRow(
                id=rec["id"], label=label, color=color, count=fmt.number(rec["count"]), share=fmt.percent(rec["share"]),
                value=self.figure(rec["measure_sum"], self.measure_name) if self.has_measure else "",
                value_share=fmt.percent(rec["measure_share"]) if self.has_measure else ""))
            bars.append(ch.Bar(label, color, float(rec["share"]),
                               float(rec["measure_share"]) if self.has_measure else None))
        charts = [self._chart(w["tier_sizes"], lambda: ch.tier_bars(bars, fmt, w),
                              ", ".join(f"{r.label} {r.share}" for r in rows))]
        if self.measure is not None:
            alt = [w["pareto"]]

            def pareto() -> Any:
                svg, at80 = ch.pareto_curve(self.measure, fmt, w)  # type: ignore[arg-type]
                if at80 is not None:
                    alt.append(w["pareto_note"].format(top=fmt.percent(at80)))
                return svg

            charts.append(self._chart(w["pareto"], pareto, alt))
        desc = rs.description.get(self.lang) if rs.description else ""
        return CoverContext(title=rs.title.get(self.lang), subtitle=w["pack_title"], facts=tuple(facts),
                            totals=tuple(totals), tiers=tuple(rows), has_measure=self.has_measure,
                            charts=tuple(charts), description=desc, notes=self.notes)

    def _chart(self, title: str, draw: Any, alt: Any) -> Chart:
        if not self.charts:
            return Chart(title=title, svg=ch.placeholder(title), alt=alt if isinstance(alt, str) else alt[0])
        svg = draw()
        return Chart(title=title, svg=svg, alt=alt if isinstance(alt, str) else " · ".join(alt))

    # ------------------------------------------------------------------ one tier
    def tier(self, k: int, seg: Segment) -> TierBrief:
        lang, w = self.lang, self.words
        mask = self.mask(k)
        count = int(mask.sum())
        color = safe_color(seg.color)
        if seg.when is None:
            definition = trc(lang, "brief", DEFAULT_WHEN)  # i18n: marked
        else:
            labels = {name: self._label_of(name) for name in self.res.binding.types}
            # a parameter reads as its value, in the format of the field it is compared with ("< 80%")
            definition = describe_when(self.res.binding.rules[seg.id].statement, lang, labels, self.rs.params,
                                       self.rs.fields)
        key_fields = self.key_fields(seg)
        chart = None
        if count:
            diffs = self.diffs(key_fields, mask)
            if diffs:
                chart = self._chart(w["differs"], lambda: ch.differs(diffs, color, self.fmt, w),
                                    "; ".join(f"{ch.panel_title(lang, d)}: {d.tier_text} / {d.rest_text}"
                                              for d in diffs))
        columns, kinds, accounts = self.accounts(mask)
        actions = tuple(a.get(lang) for a in seg.actions) or self.default_actions(count)
        return TierBrief(
            id=seg.id, label=seg.label.get(lang), color=color, text_color=_text_color(color),
            definition=definition, description=seg.description.get(lang) if seg.description else "",
            kpis=self.kpis(k, mask), chart=chart, account_columns=columns, kinds=kinds, accounts=accounts,
            top_n=self.top,
            strategies=tuple(s.get(lang) for s in seg.strategies), actions=actions, empty=count == 0,
            continued=w["continued"].format(label=seg.label.get(lang)))

    def default_actions(self, count: int) -> tuple[str, ...]:
        w = self.words
        out = [w["action_top"].format(n=min(self.top, count))] if count and self.top else []
        return (*out, w["action_contact"], w["action_service"], w["action_review"])

    def kpis(self, k: int, mask: np.ndarray) -> tuple[Kpi, ...]:
        fmt, w = self.fmt, self.words
        rec = self.summary[self.summary["id"] == self.rs.segments[k].id].iloc[0]
        n = self.res.n
        out = [Kpi("count", w["kpi_count"], fmt.number(rec["count"]), fmt.number(n)),
               Kpi("share", w["kpi_share"], fmt.percent(rec["share"]), fmt.percent(1.0 if n else 0.0))]
        if self.has_measure and self.measure is not None:
            total = float(self.summary["measure_sum"].sum())
            out.append(Kpi("value", w["kpi_value"].format(measure=self._label_of(str(self.measure_name))),
                           self.figure(rec["measure_sum"], self.measure_name), self.figure(total, self.measure_name)))
            out.append(Kpi("value_share", w["kpi_value_share"], fmt.percent(rec["measure_share"]),
                           fmt.percent(1.0 if total else 0.0)))
            out.append(Kpi("avg_value", w["kpi_avg_value"], self.figure(_mean(self.measure[mask]), self.measure_name),
                           self.figure(_mean(self.measure), self.measure_name)))
            freq = self._numeric("frequency")
            if freq is not None:
                out.append(Kpi("aov", w["kpi_aov"], self.figure(_ratio(self.measure, freq, mask), self.measure_name),
                               self.figure(_ratio(self.measure, freq, None), self.measure_name)))
        for key, name in (("recency", "recency_days"), ("frequency", "frequency")):
            values = self._numeric(name)
            if values is not None:
                out.append(Kpi(key, w[f"kpi_{key}"], self.figure(_median(values[mask]), name),
                               self.figure(_median(values), name)))
        return tuple(out)

    def key_fields(self, seg: Segment) -> list[str]:
        """The fields a tier's chart compares: the rule file's ``key_fields``, else the rule's own fields,
        then the measure and the usual order features (recency, frequency, average order value)."""
        b = self.res.binding
        listed = seg.key_fields
        used = [t for t in _WORD_RE.findall(seg.when or "") if t in b.typed.columns and t not in self.rs.params]
        defaults = [*used, *([self.measure_name] if self.measure_name else []), *RAW_FEATURES]
        names = [str(x) for x in (listed if isinstance(listed, list | tuple) else [listed])] if listed else []
        out: list[str] = []
        shown = self.res.binding.shown_as
        for name in names or defaults:   # abc's contribution is the revenue it chose: one panel, not two
            if shown(name) not in {shown(o) for o in out} and self._numeric(name) is not None:
                out.append(name)
        if not out and names:  # none of the listed fields is in this table: chart the defaults instead
            out = [n for n in dict.fromkeys(defaults) if self._numeric(n) is not None]
        return out[:MAX_KEY_FIELDS]

    def diffs(self, names: Sequence[str], mask: np.ndarray) -> list[ch.Diff]:
        out = []
        for name in names:
            values = self._numeric(name)
            assert values is not None
            tier, rest = _median(values[mask]), _median(values[~mask])
            if np.isnan(tier) and np.isnan(rest):
                continue
            out.append(ch.Diff(self._label_of(name), 0.0 if np.isnan(tier) else tier,
                               0.0 if np.isnan(rest) else rest, stat="median",
                               tier_text=self.figure(tier, name), rest_text=self.figure(rest, name)))
        return out

    def figure(self, value: Any, name: str | None) -> str:
        """A figure (sum, average, median) of the field ``name`` in its declared format (:func:`fmt.figure`)."""
        fdef = self.rs.fields.get(self.res.binding.shown_as(name)) if name else None  # abc: the measure it chose
        if fdef is None or not fdef.format:
            fdef = self.rs.fields.get(name) if name else None
        return figure(self.fmt, value, fdef.value_format if fdef is not None and fdef.format else None)

    def _format_of(self, name: str) -> FieldFormat:
        """The declared format of a field (an undeclared one: grouped whole numbers, as before formats)."""
        fdef = self.rs.fields.get(self.res.binding.shown_as(name))  # abc: the measure it chose
        if fdef is None or not fdef.format:
            fdef = self.rs.fields.get(name)
        return fdef.value_format if fdef is not None and fdef.format else FieldFormat("integer")

    def accounts(self, mask: np.ndarray) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Account, ...]]:
        frame = self.res.binding.frame
        id_col, name_cols = identity_columns(frame)
        columns = [str(c) for c in [id_col, *name_cols] if c is not None]
        kinds = ["id" if c == id_col else "name" for c in [id_col, *name_cols] if c is not None]
        rows = np.flatnonzero(mask)
        sort_name = self.measure_name if self.measure is not None else None
        values = self.measure
        if values is not None:
            columns.append(self._label_of(str(sort_name)))
            kinds.append("num")
            order = rows[np.argsort(-np.nan_to_num(values[rows], nan=-np.inf), kind="stable")]
        else:
            order = rows
        picked = order[: self.top]
        reasons = self.res.reasons(self.lang, rows=picked) if len(picked) else []   # these rows' only
        accounts = []
        for i, (r, reason) in enumerate(zip(picked, reasons, strict=True), start=1):
            cells = [(self.fmt.ident if c == id_col else self.fmt.cell)(frame[c].iloc[r])  # ids never grouped
                     for c in [id_col, *name_cols] if c is not None]
            if values is not None:
                cells.append(self.fmt.field(values[r], self._format_of(str(sort_name))))
            accounts.append(Account(rank=i, cells=tuple(cells), reason=str(reason)))
        return tuple(columns), tuple(kinds), tuple(accounts)


# ---------------------------------------------------------------------- helpers

def identity_columns(frame: pd.DataFrame) -> tuple[Any, list[Any]]:
    """The column that identifies a customer (an id/编号 column, else the first) and up to two name columns."""
    cols = list(frame.columns)
    id_col = next((c for c in cols if _ID_RE.search(str(c).strip())), cols[0] if cols else None)
    names = [c for c in cols if c != id_col and _NAME_RE.search(str(c).strip())
             and frame[c].map(lambda v: isinstance(v, str)).any()][:2]
    return id_col, names


def data_digest(frame: pd.DataFrame) -> str:
    """Short hash of a table's header and values (the same data read from xlsx or csv hashes alike)."""
    h = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode("utf-8"))
    for col in frame.columns:
        series = frame[col]
        try:
            hashed = pd.util.hash_pandas_object(series.astype(str), index=False).to_numpy()
        except (TypeError, ValueError):  # pragma: no cover - exotic cell types
            hashed = np.frombuffer(series.to_csv(index=False).encode("utf-8"), dtype=np.uint8)
        h.update(hashed.tobytes())
    return h.hexdigest()[:10]


def _source_text(res: Classification) -> str:
    src = res.source
    if src.file:
        return f"{src.file} / {src.sheet}" if src.sheet else str(src.file)
    return "–"


def safe_color(color: Any) -> str:
    """A ``#rrggbb`` colour for styles and charts (anything else: the default grey)."""
    return color.lower() if isinstance(color, str) and _COLOR_RE.match(color) else DEFAULT_COLOR


def _text_color(color: str) -> str:
    """Black or white, whichever contrasts more with ``color`` (at least 4.5:1, :mod:`tierkit.contrast`)."""
    from ..contrast import text_colour_for

    return text_colour_for(color).lower()


def _mean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else float("nan")


def _median(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if len(values) else float("nan")


def _ratio(measure: np.ndarray, freq: np.ndarray, mask: np.ndarray | None) -> float:
    m, f = (measure, freq) if mask is None else (measure[mask], freq[mask])
    ok = ~np.isnan(m) & ~np.isnan(f)
    orders = float(f[ok].sum())
    return float(m[ok].sum()) / orders if orders else float("nan")
