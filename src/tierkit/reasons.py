"""Why each row got its tier: the winning rule's conditions with the row's values, vectorised.

``revenue >= 100000 and region in ['North', 'East']`` gives ``revenue 120,500 ≥ 100,000; region North in
[North, East]``.  For an ``or``, each row shows the alternative that held for it (the first one), so a
reason never lists conditions that did not apply.  Parameters show as their values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rule_engine import ast

from .compile.describe import reason_template
from .compile.vector import StrData
from .i18n import tr
from .numfmt import PLAIN, fmt_value

if TYPE_CHECKING:
    from .bind import Binding
    from .compile.vector import Vec


#: conditions of one ``and`` shown in a reason; the rest are counted ("… and 5 more conditions")
MAX_CONDITIONS = 20


class ReasonWriter:
    """Renders reasons for chosen rows of one bound rule set in one language.

    Each name's values are formatted once per distinct value (numbers by the field's
    :class:`tierkit.numfmt.FieldFormat`, a whole column at a time) and the texts are assembled with Arrow
    string kernels."""

    def __init__(self, binding: Binding, lang: str = "en") -> None:
        self.binding = binding
        self.lang = lang
        self.params = dict(binding.ruleset.params)
        fields = binding.ruleset.fields
        self.namer = lambda s: fields[s].display(lang) if s in fields and fields[s].label else s
        self._vectors: dict[str, Vec] | None = None
        self._formatted: dict[str, tuple[np.ndarray, pa.Array]] = {}

    def for_segment(self, seg_id: str, rows: np.ndarray) -> np.ndarray:
        """The reasons of ``rows`` (which segment ``seg_id`` took), as an object array of str."""
        return self.segment_texts(seg_id, rows).to_numpy(zero_copy_only=False)

    def segment_texts(self, seg_id: str, rows: np.ndarray) -> pa.Array:
        """The reasons of ``rows`` (which segment ``seg_id`` took), as an Arrow string array."""
        rule = self.binding.rules[seg_id]
        return self._render(rule.statement.expression, np.asarray(rows, dtype=np.intp), rule.context)

    # -- rendering --------------------------------------------------------------------------------------
    def _render(self, node: Any, rows: np.ndarray, context: Any) -> pa.Array:
        if isinstance(node, ast.LogicExpression) and node.type == "and":
            terms = _flatten(node, "and")
            parts: list[Any] = [self._render(part, rows, context) for part in terms[:MAX_CONDITIONS]]
            if len(terms) > MAX_CONDITIONS:  # a reason stays readable, and linear in the number of conditions
                parts.append(tr(self.lang, "… and {n} more conditions", n=len(terms) - MAX_CONDITIONS))
            return _join(parts, "; ", len(rows))
        if isinstance(node, ast.LogicExpression) and node.type == "or":
            return self._render_or(_flatten(node, "or"), node, rows, context)
        return self._leaf(node, rows)

    def _render_or(self, options: list[Any], node: Any, rows: np.ndarray, context: Any) -> pa.Array:
        from .compile.pandas_backend import PandasCompiler

        compiler = PandasCompiler(self.vectors(), self.binding.n, context)
        chosen = np.full(len(rows), -1)
        for k, option in enumerate(options):
            held, _ = compiler.truth(option)
            chosen[(chosen < 0) & held[rows]] = k
        positions, texts = [], []
        for k, option in enumerate(options):
            where = np.flatnonzero(chosen == k)
            if len(where):
                positions.append(where)
                texts.append(self._render(option, rows[where], context))
        rest = np.flatnonzero(chosen < 0)
        if len(rest):
            positions.append(rest)
            texts.append(self._leaf(node, rows[rest]))
        return scatter_texts(len(rows), list(zip(positions, texts, strict=True)))

    def _leaf(self, node: Any, rows: np.ndarray) -> pa.Array:
        template, names = reason_template(node, self.lang, self.namer, self.params, self.binding.ruleset.fields)
        if not names:
            return _join([template.format()], "", len(rows))
        pieces = template.split("{")
        slots = {piece.partition("}")[0] for piece in pieces[1:] if not piece.startswith("{")}
        if len(slots) == 1:  # one name: fill the template once per distinct value when there are fewer of those
            codes, texts = self._texts(slots.pop())
            if len(texts) < len(rows):
                return self._fill(pieces, lambda _: texts, len(texts)).take(pa.array(codes[rows]))
        return self._fill(pieces, lambda name: self.take(name, rows), len(rows))

    @staticmethod
    def _fill(pieces: list[str], values: Any, n: int) -> pa.Array:
        """A template (split at ``{``) with each ``{name}`` slot filled by ``values(name)`` (``n`` texts)."""
        parts: list[Any] = [pieces[0]]
        for piece in pieces[1:]:
            if piece.startswith("{"):  # an escaped brace
                parts.append("{" + piece[1:])
                continue
            name, _, rest = piece.partition("}")
            parts.extend([values(name), rest.replace("}}", "}")])
        return _join(parts, "", n)

    # -- data ---------------------------------------------------------------------------------------------
    def vectors(self) -> dict[str, Vec]:
        if self._vectors is None:
            self._vectors = self.binding.vectors()
        return self._vectors

    def values(self, name: str) -> np.ndarray:
        """Every row's value of ``name`` as shown in reasons (an object array of str)."""
        return self.take(name, np.arange(self.binding.n)).to_numpy(zero_copy_only=False)

    def take(self, name: str, rows: np.ndarray) -> pa.Array:
        """The values of ``name`` in ``rows`` as shown in reasons."""
        codes, texts = self._texts(name)
        return texts.take(pa.array(codes[rows]))

    def _texts(self, name: str) -> tuple[np.ndarray, pa.Array]:
        """Per row, the index of its text; and the texts (formatted once per distinct displayed value; the
        last one is the blank word)."""
        if name not in self._formatted:
            kind = self.binding.types[name]
            uniques: Any
            if kind in ("float", "int"):  # distinct values first, then each one rounded and formatted
                codes, uniques = pd.factorize(self.binding.typed[name].to_numpy(dtype="float64"),
                                              use_na_sentinel=True)
                fdef = self.binding.ruleset.fields.get(name)
                shown = fdef.value_format if fdef is not None else PLAIN  # the field's format, vectorised
                texts = shown.texts(np.asarray(uniques, dtype="float64"), self.lang)
            elif kind == "string" and isinstance(vec := self.vectors()[name].value, StrData):
                codes, uniques = vec.codes, vec.cats  # the compiled backend's factorisation
                texts = pa.array([fmt_value(to_py(v, kind), self.lang) for v in uniques], type=pa.string())
            else:
                codes, uniques = pd.factorize(self.binding.typed[name], use_na_sentinel=True)
                texts = pa.array([fmt_value(to_py(v, kind), self.lang) for v in uniques], type=pa.string())
            texts = pa.concat_arrays([texts, pa.array([fmt_value(None, self.lang)], type=pa.string())])
            codes = np.where(codes < 0, len(texts) - 1, codes)
            self._formatted[name] = (codes, texts)
        return self._formatted[name]


def scatter_texts(n: int, pieces: list[tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """One string array of ``n`` texts from (rows, texts) pieces that cover each row once."""
    if not pieces:
        return pa.repeat(pa.scalar("", pa.string()), n)
    if len(pieces) == 1:
        return pieces[0][1]
    back = np.empty(n, dtype=np.intp)
    back[np.concatenate([rows for rows, _ in pieces])] = np.arange(n)
    return pa.concat_arrays([texts for _, texts in pieces]).take(pa.array(back))


def _join(parts: list[Any], sep: str, n: int) -> pa.Array:
    """``parts`` (Arrow string arrays of ``n`` texts, or one text for every row) joined row by row."""
    if not any(isinstance(p, pa.Array) for p in parts):
        return pa.repeat(pa.scalar(sep.join(parts), pa.string()), n)
    return pc.binary_join_element_wise(*parts, sep)


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
