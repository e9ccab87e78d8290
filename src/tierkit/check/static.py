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
from typing import Any

import numpy as np
import pandas as pd
from rule_engine import ast

from ..compile.context import as_of_datetime, parse_rule
from ..compile.describe import fmt_value
from ..compile.pandas_backend import PandasCompiler
from ..errors import TierkitError, UnsupportedExpression, msg
from ..i18n import join, tr, trc
from ..ruleset.loader import declared_types
from ..ruleset.model import RuleSet
from .data import GapOverlap
from .names import check_names
from .report import CheckReport

GRID_LIMIT = 200_000
#: the grid's stand-in for any text no condition names (shown translated, see :func:`_point`)
OTHER_TEXT = "\u2063other"


def check_static(rs: RuleSet, lang: str = "en") -> CheckReport:
    """What the rules alone show: a missing default, segments the hit policy never chooses, overlaps the
    policy forbids and gaps, on a grid of test points (messages in ``lang``)."""
    report = CheckReport(rs, lang=lang)
    policy = rs.policy
    if rs.default_segment is None and not policy.collects:
        report.add("info", tr(lang, "no default segment: rows that match nothing get an empty tier (add a segment "
                                    "with '{flag}' to catch them)", flag="default: true"))
    check_names(rs, report)
    now = as_of_datetime(None)
    types = declared_types(rs)
    rules = {s.id: parse_rule(s.when, types, now) for s in rs.conditional_segments if s.when}
    unsupported = False
    for sid, rule in rules.items():
        for err in _unsupported(rule.statement, rule.context):
            seg = rs.segment(sid)
            report.add("error", tr(lang, "segment '{id}' (line {line}): {problem}", id=sid,
                                   line=seg.when_line or seg.line, problem=err.render(lang)))
            unsupported = True
    if unsupported:
        return report
    grid = _grid(rs, rules, now)
    if grid is None:
        _needs_data(report)
        return report
    frame, kinds = grid
    from ..bind import column_vec

    vectors = {name: column_vec(frame[name], kinds[name]) for name in frame.columns}
    for pname, value in rs.params.items():
        vectors[pname] = column_vec(pd.Series(np.full(len(frame), value)), "float")
    matches, errors = {}, {}
    for sid, rule in rules.items():
        try:
            matches[sid], errors[sid] = PandasCompiler(vectors, len(frame), rule.context).truth(rule.statement)
        except UnsupportedExpression as err:
            if err.message.startswith("unbound name"):  # the grid holds no such column: the data decide
                _needs_data(report)
                return report
            seg = rs.segment(sid)
            report.add("error", tr(lang, "segment '{id}' (line {line}): {problem}", id=sid,
                                   line=seg.when_line or seg.line, problem=err.render(lang)))
        except TierkitError:  # a condition the grid cannot stand in for: the data decide
            _needs_data(report)
            return report
    if len(matches) < len(rules):
        return report
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


def _unsupported(node: Any, context: Any) -> list[UnsupportedExpression]:
    """What the compiled backend refuses in a condition, whatever the data (apply stops on the same)."""
    found: list[UnsupportedExpression] = []
    name = type(node).__name__
    probe = (name not in PandasCompiler.SUPPORTED or isinstance(node, ast.ArrayExpression)
             or (isinstance(node, ast.SymbolExpression) and node.scope is not None)
             or (isinstance(node, ast.GetAttributeExpression) and node.safe))
    if probe:  # the compiler refuses these before it reads any column
        try:
            PandasCompiler({}, 1, context).visit(node)
        except UnsupportedExpression as err:
            return [err]
    if isinstance(node, ast.FuzzyComparisonExpression) and not isinstance(
            node.right, ast.StringExpression | ast.NullExpression):
        found.append(UnsupportedExpression(msg("regular expressions must be quoted literals"),
                                           hint=msg("write x =~ \"^A\" with the pattern in quotes")))
    for attr in ("expression", "left", "right", "condition", "case_true", "case_false", "container", "member",
                 "object"):
        child = getattr(node, attr, None)
        if isinstance(child, ast.ASTNodeBase):
            found += _unsupported(child, context)
    return found


def _needs_data(report: CheckReport) -> None:
    report.add("info", tr(report.lang, "conditions use arithmetic or compare columns with each other: the "
                                       "completeness check needs data ({option})", option="--data"))


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
    from ..compile.vector import Vec
    from ..ruleset.loader import iter_symbols

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
        if node.name not in params:
            points.setdefault(node.name, [])
            kinds.setdefault(node.name, "bool")
        return True
    if isinstance(node, ast.ComparisonExpression) and not node.type.endswith(("fzm", "fzs")):
        left, right = _columns(node.left, params), _columns(node.right, params)
        if not left and not right:
            return True  # params and constants only: the same on every row
        # one side a column on its own, the other free of columns: its value is a cut-point of the column
        if left == [_name(node.left)] and not right:
            sym, other = node.left, node.right
        elif right == [_name(node.right)] and not left:
            sym, other = node.right, node.left
        else:
            return False
        try:
            value = _const(other, context, params)
        except Exception:
            return False
        return _add(points, kinds, sym.name, [value])
    if isinstance(node, ast.ContainsExpression) and _name(node.member) and node.member.name not in params:
        if _columns(node.container, params):
            return False
        try:
            values = _const(node.container, context, params)
        except Exception:
            return False
        if not isinstance(values, list):
            return False
        return _add(points, kinds, node.member.name, values)
    return False


def _columns(node: Any, params: dict[str, float]) -> list[str]:
    """The column names (not params) an expression reads."""
    from ..ruleset.loader import iter_symbols

    return [sym for sym in iter_symbols(node) if sym not in params]


def _name(node: Any) -> str | None:
    """The column a bare symbol names (None for anything else)."""
    return node.name if isinstance(node, ast.SymbolExpression) and node.scope is None else None


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


