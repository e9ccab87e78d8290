"""The oracle for reasons: the writer as it was before numbers were formatted a column at a time
(``fmt_value`` per distinct value, pandas object-string concatenation), kept to compare with."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from rule_engine import ast

from tierkit.compile.describe import reason_template
from tierkit.i18n import tr, trc
from tierkit.numfmt import display_round, fmt_value
from tierkit.reasons import MAX_CONDITIONS, _flatten, to_py


class OracleWriter:
    """The reason writer before it was vectorised: pandas object strings, one ``fmt_value`` per value."""

    def __init__(self, binding: Any, lang: str = "en") -> None:
        self.binding = binding
        self.lang = lang
        self.params = dict(binding.ruleset.params)
        fields = binding.ruleset.fields
        self.namer = lambda s: fields[s].display(lang) if s in fields and fields[s].label else s
        self._vectors: dict[str, Any] | None = None
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
            sep = trc(self.lang, "conditions of a reason", "; ")
            return pd.Series([sep.join(texts) for texts in zip(*parts, strict=True)], dtype=object)
        if isinstance(node, ast.LogicExpression) and node.type == "or":
            return self._render_or(_flatten(node, "or"), node, rows, context)
        return self._leaf(node, rows)

    def _render_or(self, options: list[Any], node: Any, rows: np.ndarray, context: Any) -> pd.Series:
        from tierkit.compile.pandas_backend import PandasCompiler

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
    def vectors(self) -> dict[str, Any]:
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
