"""The reference oracle: plain row-by-row rule-engine evaluation.

Slow (tens of thousands of rows per second) and obviously right: every compiled backend is checked
against it.  A row whose evaluation raises (a blank in an ordered comparison, division by zero, ...)
counts as *not matching* and is flagged as an error, exactly as the compiled backend does.
"""

from __future__ import annotations

import numpy as np

from .bind import Binding
from .compile.regex import backtracking_risk, iter_regexes
from .errors import UnsupportedExpression, Where, msg


def check_oracle_regexes(binding: Binding) -> None:
    """Refuse patterns that could make Python's backtracking ``re`` stall (``(a+)+``, ``(a*)*``, ``(a|a)+``)."""
    for seg_id, rule in binding.rules.items():
        for _op, pattern in iter_regexes(rule.statement):
            risk = backtracking_risk(pattern, rule.context.regex_flags)
            if risk:
                seg = binding.ruleset.segment(seg_id)
                where = Where(file=binding.ruleset.display_path, line=seg.when_line or seg.line, segment=seg_id)
                raise UnsupportedExpression(
                    msg("--engine oracle refuses the regular expression '{pattern}' in segment '{seg_id}': {risk} "
                        "can make row-by-row matching stall", pattern=pattern, seg_id=seg_id, risk=risk),
                    where=where, hint=msg("use the default engine, which runs regular expressions in linear time"))


def evaluate_oracle(binding: Binding) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per segment id: (matches, errors) boolean arrays, computed row by row with rule-engine.

    Raises :class:`UnsupportedExpression` for a pattern with nested quantifiers (see
    :func:`check_oracle_regexes`), so the oracle cannot stall either.
    """
    check_oracle_regexes(binding)
    rows = binding.oracle_rows()
    n = len(rows)
    matches: dict[str, np.ndarray] = {}
    errors: dict[str, np.ndarray] = {}
    for seg_id, rule in binding.rules.items():
        m = np.zeros(n, dtype=bool)
        e = np.zeros(n, dtype=bool)
        for i, row in enumerate(rows):
            try:
                m[i] = bool(rule.evaluate(row))
            except Exception:
                e[i] = True
        matches[seg_id] = m
        errors[seg_id] = e
    return matches, errors


def evaluate_compiled(binding: Binding) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per segment id: (matches, errors) from the vectorised backend."""
    from .compile.pandas_backend import PandasCompiler

    vectors = binding.vectors()
    matches: dict[str, np.ndarray] = {}
    errors: dict[str, np.ndarray] = {}
    for seg_id, rule in binding.rules.items():
        compiler = PandasCompiler(vectors, binding.n, rule.context)
        matches[seg_id], errors[seg_id] = compiler.truth(rule.statement)
    return matches, errors
