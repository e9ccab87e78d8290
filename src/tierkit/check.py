"""``tierkit rules check`` and ``rules show``: static completeness checks and DMN-style gap/overlap reports.

The static check enumerates a grid of test points built from the literals each condition compares
against (every cut-point, the values between and beyond them, one unseen text value, and a blank) and
evaluates the rules on it with the compiled backend.  When every condition compares single columns with
constants, the grid decides exactly which segments the hit policy never chooses (``HitPolicy.shadowed``) and
which points no segment matches (gaps).  :func:`gaps_and_overlaps` does the same on data, for ``--data`` and
the add-in's check sheet.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rule_engine import ast

from .bind import TableSource
from .compile.context import as_of_datetime, parse_rule
from .compile.describe import describe_when, fmt_value
from .compile.pandas_backend import PandasCompiler
from .hitpolicy import Shadow, conditional, hit_matrix
from .i18n import join, mark, tr, trc
from .ruleset.loader import declared_types
from .ruleset.model import RuleSet

GRID_LIMIT = 200_000
#: the grid's stand-in for any text no condition names (shown translated, see :func:`_point`)
OTHER_TEXT = "\u2063other"
#: a finding's level as reports show it
LEVELS = {"error": mark("check level", "ERROR"), "warning": mark("check level", "WARNING"),
          "info": mark("check level", "INFO")}
#: field types as ``rules show`` names them
FIELD_TYPES = {"string": mark("field type", "string"), "int": mark("field type", "int"),
               "float": mark("field type", "float"), "date": mark("field type", "date"),
               "datetime": mark("field type", "datetime"), "bool": mark("field type", "bool")}


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning | info
    message: str


@dataclass
class CheckReport:
    ruleset: RuleSet
    findings: list[Finding] = field(default_factory=list)
    lang: str = "en"  #: the language of the messages and of :meth:`render`

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level in ("error", "warning")]

    def add(self, level: str, message: str) -> None:
        self.findings.append(Finding(level, message))

    def __add__(self, other: CheckReport) -> CheckReport:
        return CheckReport(self.ruleset, self.findings + other.findings, self.lang)

    def render(self) -> str:
        rs, lang = self.ruleset, self.lang
        lines = [tr(lang, "{path}: rule set '{name}', {n} segments, hit policy {policy}", path=rs.display_path,
                    name=rs.name, n=len(rs.segments), policy=rs.hit_policy)]
        for f in self.findings:
            level = trc(lang, "check level", LEVELS[f.level]) if f.level in LEVELS else f.level.upper()  # i18n: marked
            lines.append(f"  {level}{' ' * max(8 - _width(level), 1)}{f.message}")
        n_err = sum(f.level == "error" for f in self.findings)
        n_warn = sum(f.level == "warning" for f in self.findings)
        lines.append("  " + (tr(lang, "OK: no problems found") if not self.problems else
                             tr(lang, "{errors} errors, {warnings} warnings", errors=n_err, warnings=n_warn)))
        return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -- static -------------------------------------------------------------------------------------
def check_static(rs: RuleSet, lang: str = "en") -> CheckReport:
    """What the rules alone show: a missing default, segments the hit policy never chooses, overlaps the
    policy forbids and gaps, on a grid of test points (messages in ``lang``)."""
    report = CheckReport(rs, lang=lang)
    policy = rs.policy
    if rs.default_segment is None and not policy.collects:
        report.add("info", tr(lang, "no default segment: rows that match nothing get an empty tier (add a segment "
                                    "with '{flag}' to catch them)", flag="default: true"))
    now = as_of_datetime(None)
    types = declared_types(rs)
    rules = {s.id: parse_rule(s.when, types, now) for s in rs.conditional_segments if s.when}
    grid = _grid(rs, rules, now)
    if grid is None:
        report.add("info", tr(lang, "conditions use arithmetic or compare columns with each other: the "
                                    "completeness check needs data ({option})", option="--data"))
        return report
    frame, kinds = grid
    from .bind import column_vec

    vectors = {name: column_vec(frame[name], kinds[name]) for name in frame.columns}
    for pname, value in rs.params.items():
        vectors[pname] = column_vec(pd.Series(np.full(len(frame), value)), "float")
    matches, errors = {}, {}
    for sid, rule in rules.items():
        matches[sid], errors[sid] = PandasCompiler(vectors, len(frame), rule.context).truth(rule.statement)
    found = GapOverlap.from_masks(rs, matches, errors, len(frame))
    segs = rs.segments
    for shadow in found.shadowed:
        seg = segs[shadow.segment]
        if shadow.by:
            report.add("warning", tr(lang, "segment '{id}' (line {line}) can never match: earlier segments "
                                           "{segments} take every case it covers", id=seg.id, line=seg.line,
                                     segments=join(lang, (segs[k].id for k in shadow.by))))
        else:
            report.add("warning", tr(lang, "segment '{id}' (line {line}) matches no value at all", id=seg.id,
                                     line=seg.line))
    if policy.overlap_is_error and len(found.overlaps):
        first = int(found.overlaps[0])
        report.add("error", tr(lang, "under '{policy}' {segments} overlap, e.g. for {point}", policy=policy.name,
                               segments=join(lang, found.matching(first)), point=_point(frame, first, lang)))
    if len(found.gaps) and rs.default_segment is None:
        non_blank = [int(g) for g in found.gaps if not frame.iloc[g].isna().any()]
        example = non_blank[0] if non_blank else int(found.gaps[0])
        level = "warning" if non_blank else "info"
        point = _point(frame, example, lang)
        report.add(level, tr(lang, "gap: no segment matches {point}", point=point) if non_blank else
                   tr(lang, "gap: no segment matches {point} (only rows with blanks fall through)", point=point))
    return report


def _point(frame: pd.DataFrame, i: int, lang: str = "en") -> str:
    def shown(v: Any) -> str:
        if isinstance(v, str) and v == OTHER_TEXT:
            return "\u2063" + trc(lang, "check: any other text", "other")
        return fmt_value(None if pd.isna(v) else v, lang)

    return ", ".join(f"{k}={shown(v)}" for k, v in frame.iloc[i].items())


def _grid(rs: RuleSet, rules: dict[str, Any], now: dt.datetime) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """Test points per column from the constants each condition compares it with; None if not decidable."""
    points: dict[str, list[Any]] = {}
    kinds: dict[str, str] = {}
    for rule in rules.values():
        if not _collect(rule.statement.expression, rule.context, points, kinds, dict(rs.params)):
            return None
    if not points:
        return None
    axes = {}
    for name, values in points.items():
        axes[name] = _axis(values, kinds.get(name, "string"))
    size = int(np.prod([len(v) for v in axes.values()]))
    if size > GRID_LIMIT:
        return None
    names = list(axes)
    combos = list(itertools.product(*(axes[n] for n in names)))
    data = {n: [c[i] for c in combos] for i, n in enumerate(names)}
    frame = pd.DataFrame({n: _series(data[n], kinds.get(n, "string")) for n in names})
    return frame, {n: kinds.get(n, "string") for n in names}


def _series(values: list[Any], kind: str) -> pd.Series:
    if kind == "float":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if kind == "datetime":
        return pd.Series(pd.to_datetime([v for v in values]), dtype="datetime64[ns]")
    return pd.Series(values, dtype=object)


def _axis(values: list[Any], kind: str) -> list[Any]:
    uniq = sorted({v for v in values if v is not None}, key=lambda v: (str(type(v)), v))
    if kind == "float":
        nums = sorted({float(v) for v in uniq})
        out: list[Any] = []
        if nums:
            out.append(nums[0] - 1)
            for a, b in itertools.pairwise(nums):
                out += [a, (a + b) / 2]
            out += [nums[-1], nums[-1] + 1]
        return [*out, None]
    if kind == "datetime":
        stamps = sorted({v.replace(tzinfo=None) for v in uniq})
        out = []
        for s in stamps:
            out += [s - dt.timedelta(days=1), s, s + dt.timedelta(days=1)]
        return [*sorted(set(out)), None]
    if kind == "bool":
        return [True, False, None]
    return [*uniq, OTHER_TEXT, None]


def _const(node: Any, context: Any, params: dict[str, float]) -> Any:
    """The value of a column-free sub-expression (``$today - t"P30D"``, ``a_share + b_share``), or LookupError."""
    from .compile.vector import Vec
    from .ruleset.loader import iter_symbols

    if any(sym not in params for sym in iter_symbols(node)):
        raise LookupError
    vec = PandasCompiler({k: Vec("float", v) for k, v in params.items()}, 1, context).visit(node)
    if vec.kind == "array":
        return list(vec.value)
    if vec.kind == "datetime":
        return dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(vec.value) // 1000)
    if vec.kind in ("float", "str", "bool"):
        return vec.value
    raise LookupError


def _collect(node: Any, context: Any, points: dict[str, list[Any]], kinds: dict[str, str],
             params: dict[str, float]) -> bool:
    if isinstance(node, ast.LogicExpression):
        return _collect(node.left, context, points, kinds, params) and _collect(
            node.right, context, points, kinds, params)
    if isinstance(node, ast.UnaryExpression) and node.type == "not":
        return _collect(node.right, context, points, kinds, params)
    if isinstance(node, ast.BooleanExpression):
        return True
    if isinstance(node, ast.SymbolExpression) and node.scope is None:
        points.setdefault(node.name, [])
        kinds.setdefault(node.name, "bool")
        return True
    if isinstance(node, ast.ComparisonExpression) and not node.type.endswith(("fzm", "fzs")):
        sym, other = (node.left, node.right) if isinstance(node.left, ast.SymbolExpression) else (
            node.right, node.left)
        if not isinstance(sym, ast.SymbolExpression) or sym.scope is not None:
            return False
        if sym.name in params:
            return True
        try:
            value = _const(other, context, params)
        except (LookupError, Exception):
            if isinstance(other, ast.SymbolExpression) and other.name in params:
                points.setdefault(sym.name, []).append(None)
                kinds.setdefault(sym.name, "float")
                return True
            return False
        return _add(points, kinds, sym.name, [value])
    if isinstance(node, ast.ContainsExpression) and isinstance(node.member, ast.SymbolExpression):
        try:
            values = _const(node.container, context, params)
        except (LookupError, Exception):
            return False
        if not isinstance(values, list):
            return False
        return _add(points, kinds, node.member.name, values)
    return False


def _add(points: dict[str, list[Any]], kinds: dict[str, str], name: str, values: Sequence[Any]) -> bool:
    import decimal

    for v in values:
        if v is None:
            continue
        kind = ("bool" if isinstance(v, bool) else "float" if isinstance(v, decimal.Decimal | float | int)
                else "datetime" if isinstance(v, dt.datetime) else "string")
        if kinds.get(name, kind) not in (kind, "bool"):
            return False
        kinds[name] = kind
        points.setdefault(name, []).append(v)
    points.setdefault(name, [])
    return True


# -- gaps and overlaps -------------------------------------------------------------------------
@dataclass(frozen=True)
class GapOverlap:
    """DMN-style completeness of a rule set on some rows, under its hit policy.

    ``gaps``: rows no condition matches (they go to the default segment, if any); ``overlaps``: rows that
    several conditions match (an error when ``ruleset.policy.overlap_is_error``); ``matched``: rows per
    segment id (the default segment's are the gaps); ``blank``: per conditional segment, the rows its
    condition could not be evaluated on (a blank or invalid value); ``shadowed``: the segments the policy
    never chooses (``by`` empty: they match no row).  Row numbers are 0-based positions in the table.
    """

    ruleset: RuleSet
    n: int
    gaps: np.ndarray
    overlaps: np.ndarray
    matched: dict[str, int]
    blank: dict[str, np.ndarray]
    shadowed: tuple[Shadow, ...]
    matches: dict[str, np.ndarray] = field(repr=False)

    @classmethod
    def from_masks(cls, rs: RuleSet, matches: dict[str, np.ndarray], errors: dict[str, np.ndarray],
                   n: int) -> GapOverlap:
        """From the engine's per-segment ``matches`` and ``errors`` masks."""
        segs = rs.segments
        hits = hit_matrix(segs, matches, n, errors)
        count = hits.sum(axis=1)
        gaps = np.flatnonzero(count == 0)
        own = {segs[k].id: hits[:, j] for j, k in enumerate(conditional(segs))}
        matched = {s.id: int(own[s.id].sum()) if s.id in own else len(gaps) for s in segs}
        blank = {sid: np.flatnonzero(errors[sid]) if sid in errors else np.zeros(0, dtype=np.intp) for sid in own}
        return cls(ruleset=rs, n=n, gaps=gaps, overlaps=np.flatnonzero(count > 1), matched=matched, blank=blank,
                   shadowed=tuple(rs.policy.shadowed(segs, own)), matches=own)

    def matching(self, row: int) -> list[str]:
        """The ids of the conditional segments that match ``row``."""
        return [sid for sid, m in self.matches.items() if m[row]]

    @property
    def taken_over(self) -> list[Shadow]:
        """Segments that match rows, all of which segments tried before them take."""
        return [s for s in self.shadowed if s.by]

    def problems(self, lang: str = "en") -> list[str]:
        """What needs fixing: gaps without a default, overlaps the policy forbids, segments taken over."""
        rs, out = self.ruleset, []
        if len(self.gaps) and rs.default_segment is None:
            out.append(tr(lang, "gaps: add a default segment or widen the conditions"))
        if len(self.overlaps) and rs.policy.overlap_is_error:
            out.append(tr(lang, "overlaps under hit_policy {name}: make the conditions exclusive", name=rs.policy.name))
        return out + self.taken_over_texts(lang)

    def taken_over_texts(self, lang: str = "en") -> list[str]:
        out = []
        for shadow in self.taken_over:
            sid = self.ruleset.segments[shadow.segment].id
            count = self.matched[sid]
            out.append(tr(lang, "segment '{id}' matches {n} rows but earlier segments take all of them", id=sid,
                          n=f"{count:,}"))
        return out


def gaps_and_overlaps(rs: RuleSet, frame: pd.DataFrame, *, as_of: dt.date | None = None,
                      source: TableSource | None = None) -> GapOverlap:
    """Evaluate ``rs`` on ``frame`` and report its gaps and overlaps.  Nothing is resolved, so a ``unique``
    rule set with overlaps gives its overlapping rows here where :func:`tierkit.classify` raises."""
    from .bind import bind
    from .oracle import evaluate_compiled

    binding = bind(rs, frame, as_of=as_of, source=source)
    matches, errors = evaluate_compiled(binding)
    return GapOverlap.from_masks(rs, matches, errors, binding.n)


# -- with data ----------------------------------------------------------------------------------
def check_data(rs: RuleSet, frame: pd.DataFrame, *, as_of: dt.date | None = None,
               source: TableSource | None = None, lang: str = "en") -> CheckReport:
    """Gaps, overlaps and blanks of ``rs`` on the rows of ``frame`` (messages in ``lang``)."""
    report = CheckReport(rs, lang=lang)
    found = gaps_and_overlaps(rs, frame, as_of=as_of, source=source)
    rownum = _row_numbers(frame, source)

    def examples(idx: np.ndarray) -> str:
        shown = ", ".join(rownum(i) for i in idx[:8])
        return shown + (", ..." if len(idx) > 8 else "")

    report.add("info", tr(lang, "{n} rows checked", n=f"{found.n:,}"))
    for s in rs.segments:
        if s.id not in found.blank:
            continue
        errs, label, matched = found.blank[s.id], s.label.get(lang), f"{found.matched[s.id]:,}"
        if len(errs):
            report.add("info", tr(lang, "segment '{id}' ({label}): {n} rows match; {blank} rows could not be "
                                        "evaluated (blank or invalid values), e.g. rows {rows}", id=s.id, label=label,
                                  n=matched, blank=f"{len(errs):,}", rows=examples(errs)))
        else:
            report.add("info", tr(lang, "segment '{id}' ({label}): {n} rows match", id=s.id, label=label, n=matched))
    gaps = found.gaps
    if len(gaps):
        if rs.default_segment is not None:
            report.add("info", tr(lang, "{n} rows match no condition and go to the default '{id}', e.g. rows {rows}",
                                  n=f"{len(gaps):,}", id=rs.default_segment.id, rows=examples(gaps)))
        else:
            report.add("warning", tr(lang, "gap: {n} rows match no segment, e.g. rows {rows}", n=f"{len(gaps):,}",
                                     rows=examples(gaps)))
    over = found.overlaps
    if len(over):
        first = int(over[0])
        policy = rs.policy
        report.add("error" if policy.overlap_is_error else "info",
                   tr(lang, "overlap: {n} rows match several segments, e.g. rows {rows}; row {row} matches "
                            "{segments}{note}", n=f"{len(over):,}", rows=examples(over), row=rownum(first),
                      segments=join(lang, found.matching(first)), note=policy.overlap_note(lang)))
    for text in found.taken_over_texts(lang):
        report.add("warning", text)
    return report


def _row_numbers(frame: pd.DataFrame, source: TableSource | None) -> Any:
    """Table row -> the row number the user sees (the Excel row), as text."""
    if source is not None and source.row_number is None and source.cell_ref is not None and len(frame.columns):
        col, ref = frame.columns[0], source.cell_ref  # only cell addresses: the row is in them

        def sheet_row(i: int) -> str:
            return "".join(ch for ch in ref(int(i), col).split("!")[-1] if ch.isdigit())
        return sheet_row
    if source is not None:
        return lambda i: str(source.row(int(i)))
    return lambda i: str(int(i) + 1)


# -- show ---------------------------------------------------------------------------------------
def show_ruleset(rs: RuleSet, lang: str = "en") -> str:
    now = as_of_datetime(None)
    types = declared_types(rs)
    labels = {name: f.display(lang) for name, f in rs.fields.items()}
    lines = [tr(lang, "{title}  ({name}; {path}; hit policy {policy})", title=rs.title.get(lang), name=rs.name,
                path=rs.display_path, policy=rs.hit_policy)]
    if rs.description:
        lines.append(f"  {rs.description.get(lang)}")
    if rs.measure:
        lines.append("  " + tr(lang, "measure: {measure}", measure=rs.measure))
    if rs.params:
        lines.append("  " + tr(lang, "params: {params}", params=", ".join(f"{k}={v:g}" for k, v in rs.params.items())))
    if rs.fields:
        lines.append("  " + tr(lang, "fields: {fields}", fields="; ".join(_field(f, lang) for f in rs.fields.values())))
    if rs.features:
        lines.append("  " + tr(lang, "features: {n} derived (see the rule file)", n=len(rs.features)))
    for seg in rs.segments:
        lines.append("")
        colour = f"  {seg.color}" if seg.color else ""
        lines.append(f"[{seg.id}] {seg.label.get(lang)}{colour}")
        if seg.default:
            lines.append("  " + tr(lang, "when: {condition}", condition=tr(lang, "every row no other segment matched")))
        else:
            assert seg.when is not None
            lines.append("  " + tr(lang, "when: {condition}", condition=seg.when))
            lines.append(f"        {describe_when(parse_rule(seg.when, types, now).statement, lang, labels)}")
        for strategy in seg.strategies:
            lines.append(f"  - {strategy.get(lang)}")
    return "\n".join(lines)


def _field(f: Any, lang: str) -> str:
    """``revenue (float: 销售额, Sales)``: a declared field, its type and aliases."""
    kind = trc(lang, "field type", FIELD_TYPES[f.type]) if f.type in FIELD_TYPES else f.type  # i18n: marked
    if not f.aliases:
        return f"{f.name} ({kind})"
    return tr(lang, "{name} ({type}: {aliases})", name=f.name, type=kind, aliases=", ".join(f.aliases))
