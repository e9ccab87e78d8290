"""``tierkit rules check`` and ``rules show``: static completeness checks and DMN-style gap/overlap reports.

The static check enumerates a grid of test points built from the literals each condition compares
against (every cut-point, the values between and beyond them, one unseen text value, and a blank) and
evaluates the rules on it with the compiled backend.  When every condition compares single columns with
constants, the grid decides exactly: a segment that matches at no point where an earlier one does not is
unreachable under ``first``; a point no segment matches is a gap.
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
from .ruleset.loader import declared_types
from .ruleset.model import RuleSet

GRID_LIMIT = 200_000


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning | info
    message: str


@dataclass
class CheckReport:
    ruleset: RuleSet
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level in ("error", "warning")]

    def add(self, level: str, message: str) -> None:
        self.findings.append(Finding(level, message))

    def __add__(self, other: CheckReport) -> CheckReport:
        return CheckReport(self.ruleset, self.findings + other.findings)

    def render(self) -> str:
        rs = self.ruleset
        head = f"{rs.display_path}: rule set '{rs.name}', {len(rs.segments)} segments, hit policy {rs.hit_policy}"
        lines = [head]
        for f in self.findings:
            lines.append(f"  {f.level.upper():<7} {f.message}")
        n_err = sum(f.level == "error" for f in self.findings)
        n_warn = sum(f.level == "warning" for f in self.findings)
        lines.append("  OK: no problems found" if not self.problems else f"  {n_err} errors, {n_warn} warnings")
        return "\n".join(lines)


# -- static -------------------------------------------------------------------------------------
def check_static(rs: RuleSet) -> CheckReport:
    report = CheckReport(rs)
    if rs.default_segment is None and rs.hit_policy != "collect":
        report.add("info", "no default segment: rows that match nothing get an empty tier "
                           "(add a segment with 'default: true' to catch them)")
    now = as_of_datetime(None)
    types = declared_types(rs)
    rules = {s.id: parse_rule(s.when, types, now) for s in rs.conditional_segments if s.when}
    grid = _grid(rs, rules, now)
    if grid is None:
        report.add("info", "conditions use arithmetic or compare columns with each other: the completeness "
                           "check needs data (--data)")
        return report
    frame, kinds = grid
    from .bind import column_vec

    vectors = {name: column_vec(frame[name], kinds[name]) for name in frame.columns}
    for pname, value in rs.params.items():
        vectors[pname] = column_vec(pd.Series(np.full(len(frame), value)), "float")
    matches = {}
    for sid, rule in rules.items():
        matches[sid], _ = PandasCompiler(vectors, len(frame), rule.context).truth(rule.statement)
    taken = np.zeros(len(frame), dtype=bool)
    order = [s for s in rs.segments if not s.default]
    if rs.hit_policy == "priority":
        order.sort(key=lambda s: s.priority)
    for seg in order:
        m = matches[seg.id]
        if rs.hit_policy in ("first", "priority") and not (m & ~taken).any():
            earlier = [o.id for o in order[:order.index(seg)] if (matches[o.id] & m).any()]
            if m.any():
                report.add("warning", f"segment '{seg.id}' (line {seg.line}) can never match: earlier segments "
                                      f"{', '.join(earlier)} take every case it covers")
            else:
                report.add("warning", f"segment '{seg.id}' (line {seg.line}) matches no value at all")
        taken |= m
    if rs.hit_policy == "unique":
        count = sum(matches[s.id].astype(int) for s in order) if order else np.zeros(len(frame), int)
        over = np.flatnonzero(count > 1)
        if len(over):
            which = [s.id for s in order if matches[s.id][over[0]]]
            report.add("error", f"under 'unique' {', '.join(which)} overlap, e.g. for "
                                f"{_point(frame, over[0])}")
    gaps = np.flatnonzero(~taken)
    if len(gaps) and rs.default_segment is None:
        non_blank = [int(g) for g in gaps if not frame.iloc[g].isna().any()]
        example = non_blank[0] if non_blank else int(gaps[0])
        level = "warning" if non_blank else "info"
        report.add(level, f"gap: no segment matches {_point(frame, example)}"
                          + ("" if non_blank else " (only rows with blanks fall through)"))
    return report


def _point(frame: pd.DataFrame, i: int) -> str:
    row = frame.iloc[i]
    return ", ".join(f"{k}={fmt_value(None if pd.isna(v) else v)}" for k, v in row.items())


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
    return [*uniq, "\u2063other", None]


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


# -- with data ----------------------------------------------------------------------------------
def check_data(rs: RuleSet, frame: pd.DataFrame, *, as_of: dt.date | None = None,
               source: TableSource | None = None) -> CheckReport:
    from .bind import bind
    from .oracle import evaluate_compiled

    report = CheckReport(rs)
    binding = bind(rs, frame, as_of=as_of, source=source)
    matches, errors = evaluate_compiled(binding)
    n = binding.n
    conditional = [s for s in rs.segments if not s.default]
    count = np.zeros(n, dtype=np.int32)
    for s in conditional:
        count += matches[s.id]
    rownum = _row_numbers(frame, source)

    def examples(idx: np.ndarray) -> str:
        shown = ", ".join(rownum(i) for i in idx[:8])
        return shown + (", ..." if len(idx) > 8 else "")

    report.add("info", f"{n:,} rows checked")
    for s in conditional:
        hits = int(matches[s.id].sum())
        errs = np.flatnonzero(errors[s.id])
        msg = f"segment '{s.id}' ({s.label.en}): {hits:,} rows match"
        if len(errs):
            msg += f"; {len(errs):,} rows could not be evaluated (blank or invalid values), e.g. rows {examples(errs)}"
        report.add("info", msg)
    gaps = np.flatnonzero(count == 0)
    if len(gaps):
        if rs.default_segment is not None:
            report.add("info", f"{len(gaps):,} rows match no condition and go to the default "
                               f"'{rs.default_segment.id}', e.g. rows {examples(gaps)}")
        else:
            report.add("warning", f"gap: {len(gaps):,} rows match no segment, e.g. rows {examples(gaps)}")
    over = np.flatnonzero(count > 1)
    if len(over):
        first = over[0]
        which = [s.id for s in conditional if matches[s.id][first]]
        level = "error" if rs.hit_policy == "unique" else "info"
        tail = "" if rs.hit_policy == "unique" else f" (hit policy {rs.hit_policy} decides)"
        report.add(level, f"overlap: {len(over):,} rows match several segments, e.g. rows {examples(over)}; "
                          f"row {rownum(first)} matches {', '.join(which)}{tail}")
    for s in conditional:
        if rs.hit_policy == "first":
            earlier = [o for o in conditional[:conditional.index(s)]]
            won = matches[s.id].copy()
            for o in earlier:
                won &= ~matches[o.id]
            if matches[s.id].any() and not won.any():
                report.add("warning", f"segment '{s.id}' matches {int(matches[s.id].sum()):,} rows but earlier "
                                      "segments take all of them")
    return report


def _row_numbers(frame: pd.DataFrame, source: TableSource | None) -> Any:
    if source is not None and source.cell_ref is not None and len(frame.columns):
        col = frame.columns[0]
        ref = source.cell_ref

        def sheet_row(i: int) -> str:
            cell = ref(int(i), col)
            return "".join(ch for ch in cell.split("!")[-1] if ch.isdigit())
        return sheet_row
    return lambda i: str(int(i) + 1)


# -- show ---------------------------------------------------------------------------------------
def show_ruleset(rs: RuleSet, lang: str = "en") -> str:
    now = as_of_datetime(None)
    types = declared_types(rs)
    labels = {name: f.display(lang) for name, f in rs.fields.items()}
    lines = [f"{rs.title.get(lang)}  ({rs.name}; {rs.display_path}; hit policy {rs.hit_policy})"]
    if rs.description:
        lines.append(f"  {rs.description.get(lang)}")
    if rs.measure:
        lines.append(f"  measure: {rs.measure}")
    if rs.params:
        lines.append("  params: " + ", ".join(f"{k}={v:g}" for k, v in rs.params.items()))
    if rs.fields:
        lines.append("  fields: " + "; ".join(
            f"{f.name} ({f.type}{': ' + ', '.join(f.aliases) if f.aliases else ''})" for f in rs.fields.values()))
    if rs.features:
        lines.append(f"  features: {len(rs.features)} derived (see the rule file)")
    for seg in rs.segments:
        lines.append("")
        colour = f"  {seg.color}" if seg.color else ""
        lines.append(f"[{seg.id}] {seg.label.get(lang)}{colour}")
        if seg.default:
            rest = "every row no other segment matched" if lang == "en" else "未命中其他层级的所有行"
            lines.append(f"  when: {rest}")
        else:
            assert seg.when is not None
            lines.append(f"  when: {seg.when}")
            lines.append(f"        {describe_when(parse_rule(seg.when, types, now).statement, lang, labels)}")
        for strategy in seg.strategies:
            lines.append(f"  - {strategy.get(lang)}")
    return "\n".join(lines)
