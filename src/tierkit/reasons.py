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
from .i18n import tr, trc
from .numfmt import PLAIN, FieldFormat, fmt_value

if TYPE_CHECKING:
    from .bind import Binding
    from .compile.vector import Vec
    from .segment import Classification


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
        self._floats: dict[str, np.ndarray] = {}
        self._held: dict[int, np.ndarray] = {}  # id of an ``or``'s option (a node of the bound rules) -> rows it holds

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
            return _join(parts, trc(self.lang, "conditions of a reason", "; "), len(rows))
        if isinstance(node, ast.LogicExpression) and node.type == "or":
            return self._render_or(_flatten(node, "or"), node, rows, context)
        return self._leaf(node, rows)

    def _render_or(self, options: list[Any], node: Any, rows: np.ndarray, context: Any) -> pa.Array:
        from .compile.pandas_backend import PandasCompiler

        compiler = None
        chosen = np.full(len(rows), -1)
        for k, option in enumerate(options):
            held = self._held.get(id(option))
            if held is None:  # over every row once: a writer asked for row ranges evaluates it once, not per range
                compiler = compiler or PandasCompiler(self.vectors(), self.binding.n, context)
                held = self._held[id(option)] = np.asarray(compiler.truth(option)[0], dtype=bool)
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
            codes, texts = self._slot_texts(slots.pop(), rows)
            if codes is None:  # one text per row already
                return self._fill(pieces, lambda _: texts, len(rows))
            if len(texts) < len(rows):
                return self._fill(pieces, lambda _: texts, len(texts)).take(pa.array(codes))
            return self._fill(pieces, lambda _: texts.take(pa.array(codes)), len(rows))
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
        codes, texts = self._slot_texts(name, rows)
        return texts if codes is None else texts.take(pa.array(codes))

    def _slot_texts(self, name: str, rows: np.ndarray) -> tuple[np.ndarray | None, pa.Array]:
        """The texts of ``name``'s values in ``rows``: (per row the index of its text, the texts), or (None, one
        text per row).  Numbers are formatted for these rows only, once per distinct value when a sample
        shows they repeat (``orders``), else one by one (``revenue``: hashing them would cost more than
        formatting); other kinds once per distinct value of the column (:meth:`_texts`)."""
        if self.binding.types[name] not in ("float", "int"):
            codes, texts = self._texts(name)
            return codes[rows], texts
        values = self._numbers(name)[rows]
        blank = fmt_value(None, self.lang)
        if _repeats(values):
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            texts = pa.concat_arrays([self._format(name).texts(np.asarray(uniques, dtype="float64"), self.lang),
                                      pa.array([blank], type=pa.string())])
            return np.where(codes < 0, len(texts) - 1, codes), texts
        null = np.isnan(values)
        texts = self._format(name).texts(np.where(null, 0.0, values), self.lang)
        return None, (pc.if_else(pa.array(null), blank, texts) if null.any() else texts)

    def _format(self, name: str) -> FieldFormat:
        """How the field's numbers read (its ``format:``; plain numbers without one), a column at a time."""
        fdef = self.binding.ruleset.fields.get(name)
        return fdef.value_format if fdef is not None else PLAIN

    def _numbers(self, name: str) -> np.ndarray:
        if name not in self._floats:
            self._floats[name] = self.binding.typed[name].to_numpy(dtype="float64")
        return self._floats[name]

    def _texts(self, name: str) -> tuple[np.ndarray, pa.Array]:
        """Per row, the index of its text; and the texts (formatted once per distinct displayed value; the
        last one is the blank word)."""
        if name not in self._formatted:
            kind = self.binding.types[name]
            uniques: Any
            if kind in ("float", "int"):  # distinct values first, then each one rounded and formatted
                codes, uniques = pd.factorize(self._numbers(name), use_na_sentinel=True)
                texts = self._format(name).texts(np.asarray(uniques, dtype="float64"), self.lang)
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


#: numbers of a leaf are hashed to distinct values first when a sample of this many holds at most a quarter
_SAMPLE = 2048


def _repeats(values: np.ndarray) -> bool:
    """Whether ``values`` repeat enough that formatting each distinct one once pays for hashing them all
    (judged on an evenly spread sample)."""
    if len(values) <= _SAMPLE:
        return True
    sample = values[:: len(values) // _SAMPLE][:_SAMPLE]
    return len(np.unique(sample)) * 4 <= len(sample)


def scatter_texts(n: int, pieces: list[tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """One string array of ``n`` texts from (rows, texts) pieces that cover each row once."""
    if not pieces:
        return pa.repeat(pa.scalar("", pa.string()), n)
    if len(pieces) == 1:
        return pieces[0][1]
    back = np.empty(n, dtype=np.intp)
    back[np.concatenate([rows for rows, _ in pieces])] = np.arange(n)
    taken = pa.chunked_array([texts for _, texts in pieces], pa.string()).take(pa.array(back))  # no concat copy
    return taken.chunk(0) if taken.num_chunks == 1 else taken.combine_chunks()


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


def blank_label(binding: Binding, name: str, lang: str) -> str:
    """How a reason names column ``name``: its field's label in ``lang``, else its header."""
    field = binding.ruleset.fields.get(name)
    return field.display(lang) if field is not None and field.label else binding.headers.get(name, name)


# -- a whole column ------------------------------------------------------------------------------------------
def reason_column(res: Classification, lang: str = "en", *, start: int = 0, stop: int | None = None) -> pa.Array:
    """:meth:`Classification.reasons <tierkit.segment.Classification.reasons>` as an Arrow string array,
    every part vectorised: the rules' reasons by :class:`ReasonWriter`, and the default segment's and the
    unmatched rows' ("no other segment matched (blank revenue)") per distinct set of blanks, not per row.

    ``start``/``stop``: the reasons of those rows only (a row range; a writer that streams its rows asks for
    them a range at a time).

    Built on one thread: on two cores, building the segments' reasons on two threads, or a row group's
    while the one before is written, cost more CPU than it saved (bench/bench_apply_parquet.py)."""
    stop = res.n if stop is None else min(stop, res.n)
    start = min(max(start, 0), stop)
    tier = res.tier_index[start:stop]
    jobs = [(seg, rows + start) for k, seg in enumerate(res.ruleset.segments)
            if len(rows := np.flatnonzero(tier == k))]
    writer = res._writer(lang)
    pieces = []
    for seg, rows in jobs:
        if seg.default:
            pieces.append((rows - start, _blank_texts(res, rows, lang, default=True)))
        else:
            pieces.append((rows - start, writer.segment_texts(seg.id, rows)))
    none = np.flatnonzero(tier < 0)
    if len(none):
        pieces.append((none, _blank_texts(res, none + start, lang, default=False)))
    return scatter_texts(stop - start, pieces)


def _blank_texts(res: Classification, rows: np.ndarray, lang: str, *, default: bool) -> pa.Array:
    """The reasons of ``rows`` that no rule took: the default segment's (``default``) or no segment's, naming
    the blank columns of the segments that could not tell (as ``Classification._segment_reasons`` and
    ``_unmatched_reasons`` word them)."""
    from .compile.describe import referenced
    from .i18n import join

    binding = res.binding
    failed_ids = list(res.errors)
    uses = {seg_id: [n for n in referenced(binding.rules[seg_id].statement) if n in binding.typed.columns]
            for seg_id in failed_ids}
    headers: dict[str, int] = {}  # header shown -> its bit
    labels: dict[str, str] = {}  # header -> as a reason names it (a field by its label)
    for names in uses.values():
        for name in names:
            headers.setdefault(binding.headers.get(name, name), len(headers))
            labels.setdefault(binding.headers.get(name, name), blank_label(binding, name, lang))
    if len(failed_ids) > 62 or len(headers) > 62:  # more than a bit mask holds: row by row
        return pa.array(res._segment_reasons(next(s for s in res.ruleset.segments if s.default), rows, lang)
                        if default else res._unmatched_reasons(rows, lang), pa.string())
    blank_bits = np.zeros(len(rows), dtype=np.int64)
    failed_bits = np.zeros(len(rows), dtype=np.int64)
    isna: dict[str, np.ndarray] = {}
    for j, seg_id in enumerate(failed_ids):
        hit = np.asarray(res.errors[seg_id])[rows]
        if not hit.any():
            continue
        failed_bits |= np.where(hit, np.int64(1) << j, 0)
        for name in uses[seg_id]:
            if name not in isna:  # of these rows only (a few thousand of a million, as a rule)
                isna[name] = np.asarray(binding.typed[name].take(rows).isna(), dtype=bool)
            bit = headers[binding.headers.get(name, name)]
            blank_bits |= np.where(hit & isna[name], np.int64(1) << bit, 0)
    shown = list(headers)
    keys = np.stack([failed_bits, blank_bits], axis=1) if len(rows) else np.zeros((0, 2), dtype=np.int64)
    combos, codes = np.unique(keys, axis=0, return_inverse=True) if len(rows) else (keys, np.zeros(0, np.intp))
    texts = []
    for failed_mask, blank_mask in combos.tolist():
        names = sorted(labels[h] for h in shown if blank_mask >> headers[h] & 1)
        if default:
            texts.append(tr(lang, "no other segment matched (blank {names})", names=join(lang, names)) if names
                         else tr(lang, "no other segment matched"))
        elif failed_mask:
            failed = [s for j, s in enumerate(failed_ids) if failed_mask >> j & 1]
            blank = join(lang, names) if names else tr(lang, "a value")
            texts.append(tr(lang, "no segment matched; blank {blank} in segment {segments}", blank=blank,
                            segments=join(lang, failed)))
        else:
            texts.append(tr(lang, "no segment matched"))
    return pa.array(texts, pa.string()).take(pa.array(np.asarray(codes, dtype=np.intp).reshape(-1)))
