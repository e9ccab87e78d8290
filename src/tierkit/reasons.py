"""Why each row got its tier: the winning rule's conditions with the row's values, vectorised.

``revenue >= 100000 and region in ['North', 'East']`` gives ``revenue 120,500 ≥ 100,000; region North in
[North, East]``.  For an ``or``, each row shows the alternative that held for it (the first one), so a
reason never lists conditions that did not apply.  Parameters show as their values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rule_engine import ast

from .compile.describe import reason_template
from .i18n import tr
from .numfmt import display_round, fmt_value

if TYPE_CHECKING:
    from .bind import Binding
    from .compile.vector import Vec


#: conditions of one ``and`` shown in a reason; the rest are counted ("… and 5 more conditions")
MAX_CONDITIONS = 20


class ReasonWriter:
    """Renders reasons for chosen rows of one bound rule set in one language."""

    def __init__(self, binding: Binding, lang: str = "en") -> None:
        self.binding = binding
        self.lang = lang
        self.params = dict(binding.ruleset.params)
        fields = binding.ruleset.fields
        self.namer = lambda s: fields[s].display(lang) if s in fields and fields[s].label else s
        self._vectors: dict[str, Vec] | None = None
        self._formatted: dict[str, np.ndarray] = {}

    def for_segment(self, seg_id: str, rows: np.ndarray) -> np.ndarray:
        rule = self.binding.rules[seg_id]
        return self._render(rule.statement.expression, rows, rule.context).to_numpy(dtype=object)

    # -- rendering --------------------------------------------------------------------------------------
    def _render(self, node: Any, rows: np.ndarray, context: Any) -> pd.Series:
        if isinstance(node, ast.LogicExpression) and node.type == "and":
            terms = _flatten(node, "and")
            parts = [self._render(part, rows, context).to_numpy(dtype=object) for part in terms[:MAX_CONDITIONS]]
            if len(terms) > MAX_CONDITIONS:  # a reason stays readable, and linear in the number of conditions
                more = tr(self.lang, "… and {n} more conditions", n=len(terms) - MAX_CONDITIONS)
                parts.append(np.full(len(rows), more, dtype=object))
            return pd.Series(["; ".join(texts) for texts in zip(*parts, strict=True)], dtype=object)
        if isinstance(node, ast.LogicExpression) and node.type == "or":
            return self._render_or(_flatten(node, "or"), node, rows, context)
        return self._leaf(node, rows)

    def _render_or(self, options: list[Any], node: Any, rows: np.ndarray, context: Any) -> pd.Series:
        from .compile.pandas_backend import PandasCompiler

        compiler = PandasCompiler(self.vectors(), self.binding.n, context)
        chosen = np.full(len(rows), -1)
        for k, option in enumerate(options):
            held, _ = compiler.truth(option)
            chosen[(chosen < 0) & held[rows]] = k
        out = pd.Series([""] * len(rows), dtype=object)
        for k, option in enumerate(options):
            mask = chosen == k
            if mask.any():
                out[mask] = self._render(option, rows[mask], context).to_numpy(dtype=object)
        rest = chosen < 0
        if rest.any():
            out[rest] = self._leaf(node, rows[rest]).to_numpy(dtype=object)
        return out

    def _leaf(self, node: Any, rows: np.ndarray) -> pd.Series:
        template, names = reason_template(node, self.lang, self.namer, self.params)
        if not names:
            return pd.Series([template.format()] * len(rows), dtype=object)
        pieces = template.split("{")
        series = pd.Series([pieces[0]] * len(rows), dtype=object)
        for piece in pieces[1:]:
            if piece.startswith("{"):  # an escaped brace
                series = series + "{" + piece[1:]
                continue
            name, _, rest = piece.partition("}")
            series = series + self.values(name)[rows] + rest.replace("}}", "}")
        return series

    # -- data ---------------------------------------------------------------------------------------------
    def vectors(self) -> dict[str, Vec]:
        if self._vectors is None:
            self._vectors = self.binding.vectors()
        return self._vectors

    def values(self, name: str) -> np.ndarray:
        """Every row's value of ``name`` as shown in reasons (formatted once per distinct displayed value)."""
        if name not in self._formatted:
            series = self.binding.typed[name]
            kind = self.binding.types[name]
            uniques: Any
            if kind in ("float", "int"):
                codes, uniques = pd.factorize(display_round(series.to_numpy(dtype="float64")), use_na_sentinel=True)
                texts = [fmt_value(float(v), self.lang) for v in uniques]
            else:
                codes, uniques = pd.factorize(series, use_na_sentinel=True)
                texts = [fmt_value(to_py(v, kind), self.lang) for v in uniques]
            texts.append(fmt_value(None, self.lang))
            self._formatted[name] = np.asarray(texts, dtype=object)[codes]
        return self._formatted[name]


def _flatten(node: Any, kind: str) -> list[Any]:
    if isinstance(node, ast.LogicExpression) and node.type == kind:
        return _flatten(node.left, kind) + _flatten(node.right, kind)
    return [node]


def to_py(value: Any, kind: str) -> Any:
    """A typed cell as a plain Python value (None for blanks)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if kind in ("date", "datetime"):
        return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value
