"""The DuckDB backend: every segment's condition as one SELECT over the bound columns, registered from Arrow.

Rows where DOUBLE arithmetic (or a text function) could decide differently from rule-engine's Decimal are
flagged by the compiled SQL (``uncertain``) and evaluated with rule-engine itself, so the matches are exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import TierkitError, msg
from .base import Masks
from .sql.compiler import NOT_SUPPORTED

if TYPE_CHECKING:
    from ..bind import Binding


def connect() -> Any:
    try:
        import duckdb
    except ModuleNotFoundError:
        raise TierkitError(msg("--engine duckdb needs the duckdb package"),
                           hint=msg("pip install 'tierkit[duckdb]'")) from None
    return duckdb.connect()


def condition_select(binding: Binding) -> tuple[str, dict[str, str]]:
    """The SELECT (DuckDB SQL over table ``_tk_bound``) giving ``m<k>``, ``e<k>`` and ``u<k>`` per conditional
    segment, and the name -> column map of the bound table."""
    from sqlglot import exp

    from .sql.compiler import SqlCompiler
    from .sql.dialects import DUCKDB_RECHECK

    names = {name: f"c{i}" for i, name in enumerate(binding.typed.columns)}
    columns = {name: (exp.column(col), binding.types[name]) for name, col in names.items()}
    projections: list[exp.Expression] = []
    for k, (seg_id, rule) in enumerate(binding.rules.items()):
        try:
            m, e, u = SqlCompiler(columns, rule.context, DUCKDB_RECHECK).condition(rule.statement)
        except TierkitError as err:
            raise _in_segment(err, binding, seg_id) from None
        projections += [exp.alias_(m, f"m{k}", copy=False), exp.alias_(e, f"e{k}", copy=False),
                        exp.alias_(u, f"u{k}", copy=False)]
    if not projections:
        projections = [exp.alias_(exp.Boolean(this=False), "_none", copy=False)]
    query = exp.select(*projections, copy=False).from_("_tk_bound", copy=False)
    return query.sql(dialect="duckdb"), names


def _in_segment(err: TierkitError, binding: Binding, seg_id: str) -> TierkitError:
    from ..errors import Where

    seg = binding.ruleset.segment(seg_id)
    where = Where(file=binding.ruleset.display_path, line=seg.when_line or seg.line, segment=seg_id)
    message = (err.message if seg_id in err.message
               else msg("{message} (segment '{seg_id}')", message=err.message, seg_id=seg_id))
    return type(err)(message, where=where, hint=err.hint)


class DuckDBBackend:
    """``--engine duckdb``: the conditions run in DuckDB embedded, over the bound columns as Arrow."""

    name = "duckdb"
    not_supported: Mapping[str, str] = NOT_SUPPORTED

    def evaluate(self, binding: Binding) -> tuple[Masks, Masks]:
        from .arrow import bound_table

        query, names = condition_select(binding)
        con = connect()
        try:
            con.register("_tk_bound", bound_table(binding, names))
            result = con.sql(query).to_arrow_table()
        finally:
            con.close()
        matches: Masks = {}
        errors: Masks = {}
        for k, (seg_id, rule) in enumerate(binding.rules.items()):
            m = _bools(result.column(f"m{k}"))
            e = _bools(result.column(f"e{k}"))
            unsure = np.flatnonzero(_bools(result.column(f"u{k}")))
            if len(unsure):
                _recheck(binding, rule, unsure, m, e)
            matches[seg_id], errors[seg_id] = m, e
        return matches, errors


def _bools(column: Any) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool).copy()


def _recheck(binding: Binding, rule: Any, rows: np.ndarray, m: np.ndarray, e: np.ndarray) -> None:
    """Evaluate ``rows`` with rule-engine itself (where SQL's doubles could decide differently).  Python's
    backtracking ``re`` runs the rule's patterns there, so a pattern that could stall it is refused."""
    from ..bind import to_python
    from ..compile.regex import backtracking_risk, iter_regexes
    from ..errors import UnsupportedExpression

    for _op, pattern in iter_regexes(rule.statement):
        risk = backtracking_risk(pattern, rule.context.regex_flags)
        if risk:
            raise UnsupportedExpression(msg("--engine duckdb refuses the regular expression '{pattern}' next to "
                                            "arithmetic it re-checks with rule-engine: {risk} can make it stall",
                                            pattern=pattern, risk=risk),
                                        hint=msg("use the default engine (numpy)"))

    part = binding.typed.iloc[rows]
    cols = {name: to_python(part[name], binding.types[name]) for name in part.columns}
    for j, i in enumerate(rows):
        row = {name: values[j] for name, values in cols.items()}
        try:
            m[i], e[i] = bool(rule.evaluate(row)), False
        except Exception:
            m[i], e[i] = False, True
