"""Bind a rule set to a table: find each name's column (aliases, did-you-mean), type it, derive features."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import rule_engine

from .compile.context import as_of_datetime, iter_symbols, parse_rule
from .compile.vector import StrData, Vec
from .errors import DataError, RuleFileError, TierkitError, Where, did_you_mean, listing, msg
from .features import feature_texts
from .features.specs import FEATURES_FROM, FeaturesFrom
from .i18n import mark, trc
from .names import HeaderIndex, find_column, normalise_header
from .ruleset.loader import rule_error
from .ruleset.model import RuleSet
from .ruleset.text import Text
from .timings import phase
from .values import arrow_dates, coerce_column, infer_type
from .values import text_codes as text_codes_of


@dataclass
class TableSource:
    """Where a table came from, for error messages: file, sheet and a cell-address function."""

    file: str | None = None
    sheet: str | None = None
    cell_ref: Callable[[int, str], str] | None = None
    sheets: Any = None  # other sheets for features (mapping or callable)
    row_number: Callable[[int], int] | None = None  # table row -> the row number the user sees (Excel row)
    #: header texts the table has more than once -> their cells (``{"销售额": ["C1", "F1"]}``);
    #: ``RawTable.duplicate_cells()``
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    #: header -> that column of the table as the reader had it in Arrow (parquet), or None; the binder reads
    #: dates from it without a Python object per cell
    arrow: Callable[[str], Any] | None = None

    def where(self) -> Where:
        return Where(file=self.file, sheet=self.sheet)

    def arrow_column(self, header: Any) -> Any:
        """The Arrow column of ``header`` as read (:attr:`arrow`), or None."""
        return self.arrow(header) if self.arrow is not None else None

    def row(self, i: int) -> int:
        """The row number the user sees for table row ``i`` (0-based): the Excel row, else ``i + 1``."""
        return self.row_number(int(i)) if self.row_number is not None else int(i) + 1


@dataclass(frozen=True)
class Note:
    """Something a run should tell the user about the binding (a missing optional column, the columns an
    orders sheet replaces), in any language: ``msgid`` is marked with ``mark("binding note", ...)``,
    ``values`` fill its placeholders (a :class:`~tierkit.ruleset.text.Text`, such as a field's label, is
    shown in the note's language)."""

    msgid: str
    values: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "en") -> str:
        values = {k: v.get(lang) if isinstance(v, Text) else v for k, v in self.values}
        return trc(lang, "binding note", self.msgid, **values)  # i18n: marked

    def __str__(self) -> str:
        return self.text()


@dataclass
class Binding:
    """A rule set bound to one table: typed columns per name and rules parsed with the full types."""

    ruleset: RuleSet
    frame: pd.DataFrame  # the input table plus derived feature columns
    typed: pd.DataFrame  # one typed column per name the rules use
    types: dict[str, str]
    headers: dict[str, str]  # name -> header text in the input (for messages and reasons)
    rules: dict[str, rule_engine.Rule]
    now: dt.datetime
    feature_meta: dict[str, Any] = field(default_factory=dict)
    measure: str | None = None
    notes: list[Note] = field(default_factory=list)
    #: name -> (codes, distinct texts) of a text column the binder factorised while reading it (Arrow text)
    text_codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False, compare=False)
    _vectors: dict[str, Vec] | None = field(default=None, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.frame)

    def shown_as(self, name: str) -> str:
        """The name whose label ``name`` shows: the column a ``choose`` feature picked for it (``abc``'s
        ``contribution`` is ``volume`` with ``--param measure=2``), else ``name`` itself."""
        for info in self.feature_meta.get("features", []):
            if info.get("kind") == "choose" and info.get("output") == name and info.get("chosen"):
                return str(info["chosen"])
        return name

    def column_of(self, name: str) -> Any:
        """The column of :attr:`frame` for ``name``: itself or one of its field's aliases (:mod:`tierkit.names`)."""
        return find_column(self.frame, name, self.ruleset.fields)

    def vectors(self) -> dict[str, Vec]:
        """One Vec per typed column for the compiled backend, made once (the evaluation and the reasons share
        them; nothing changes a Vec after it is made)."""
        if self._vectors is None or list(self._vectors) != list(self.typed.columns):
            self._vectors = {name: column_vec(self.typed[name], self.types[name], self.text_codes.get(name))
                             for name in self.typed.columns}
        return dict(self._vectors)

    def oracle_rows(self) -> list[dict[str, Any]]:
        """Rows as rule-engine sees them: None for blanks, Python scalars (the oracle's row adapter)."""
        cols = {name: to_python(self.typed[name], self.types[name]) for name in self.typed.columns}
        names = list(cols)
        return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)] \
            if names else [{} for _ in range(self.n)]


def to_python(series: pd.Series, kind: str) -> list[Any]:
    if kind in ("float", "int"):
        arr = series.to_numpy(dtype="float64")
        return [None if np.isnan(v) else float(v) for v in arr]
    if kind in ("date", "datetime"):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else
            (bool(v) if kind == "bool" else v) for v in series.to_numpy(dtype=object)]


def column_vec(series: pd.Series, kind: str, codes: tuple[np.ndarray, np.ndarray] | None = None) -> Vec:
    """A typed column as a Vec for the compiled backend (a text column's factorisation ``codes`` when the
    binder made it already: :attr:`Binding.text_codes`)."""
    if kind in ("float", "int"):
        arr = series.to_numpy(dtype="float64")
        return Vec("float", arr, null=np.isnan(arr))
    if kind in ("date", "datetime"):
        ns = series.to_numpy(dtype="datetime64[ns]").view(np.int64)
        null = ns == np.iinfo(np.int64).min
        ns = ns - ns % 1000  # rule-engine keeps microseconds
        return Vec("datetime", np.where(null, 0, ns), null=null)
    if kind == "bool":
        obj = series.to_numpy(dtype=object)
        null = pd.isna(obj)
        return Vec("bool", np.where(null, False, obj).astype(bool), null=null)
    if codes is not None and len(codes[0]) == len(series):
        return Vec("str", StrData(codes[0], codes[1]), null=codes[0] < 0)
    found, cats = pd.factorize(series, use_na_sentinel=True)
    found = found.astype(np.intp)
    return Vec("str", StrData(found, np.asarray(cats, dtype=object)), null=found < 0)


@phase("bind")
def bind(rs: RuleSet, frame: pd.DataFrame, *, as_of: dt.date | dt.datetime | None = None,
         source: TableSource | None = None, features_from: FeaturesFrom = None) -> Binding:
    """Resolve, type and derive every name the rule set uses; raise one clear error on the first problem.

    ``features_from`` chooses where customer figures come from when the table has a column an orders
    sheet's features would replace: ``"sheet"`` keeps the table's, ``"orders"`` takes the orders sheet's
    (and requires one), None (the default) takes the orders sheet's and notes each column replaced."""
    if features_from not in (None, *FEATURES_FROM):
        raise TierkitError(msg("features_from must be {names}, not {features_from!r}",
                               names=' or '.join(FEATURES_FROM), features_from=features_from))
    source = source or TableSource()
    file = rs.display_path
    now = as_of_datetime(as_of)
    work = frame.copy(deep=False)
    headers: dict[str, str] = {}
    typed: dict[str, pd.Series] = {}
    types: dict[str, str] = {}
    copied: dict[str, str] = {}  # field name -> the input's header, for columns copied under their field name
    text_codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # see Binding.text_codes

    def cell_ref_for(header: str) -> Callable[[int], str] | None:
        if source.cell_ref is None:
            return None
        return lambda i: source.cell_ref(i, header)  # type: ignore[misc]

    # 1. declared fields the rules, the measure or the features use get their field name and type
    rule_symbols: list[tuple[str, str | None]] = []
    for seg in rs.conditional_segments:
        assert seg.when is not None
        rule_symbols.extend((sym, seg.id) for sym in iter_symbols(parse_rule(seg.when, {}, now).statement))
    used = {sym for sym, _ in rule_symbols} | {rs.measure}
    feature_inputs = feature_texts(rs.features)
    index = HeaderIndex(work.columns)
    duplicates = DuplicateHeaders(rs, source)
    for spec in rs.features:  # the table's own columns a feature reads (not an orders sheet's)
        for input_name in getattr(spec, "inputs", tuple)():
            if input_name not in rs.fields and (found := index.find(input_name)) is not None:
                duplicates.use(input_name, found)
    for name, fdef in rs.fields.items():
        if name not in used and name not in feature_inputs:
            continue
        header = index.find([name, *fdef.aliases])
        if header is None:
            continue
        duplicates.use(name, header)
        if name not in used and fdef.type == "string":
            # a text key or group only the features read: hand it over under its field name, as read
            if name != header:
                work[name] = work[header]
                copied[name] = str(header)
            continue
        series = _read_column(work[header], fdef.type, name, text_codes, source.arrow_column(header))
        if series is None:
            series = coerce_column(work[header], fdef.type, column=str(header), cell_ref=cell_ref_for(header),
                                   where=source.where(), rule_set=rs.name)
        headers[name] = str(header)
        typed[name] = series
        types[name] = fdef.type
        if name != header:
            work[name] = series
            copied[name] = str(header)
    # 2. derived features and parameters
    feature_meta: dict[str, Any] = {}
    if rs.features:
        from .features import apply_features

        for name, series in typed.items():
            work[name] = series
        from .features import feature_outputs

        n_before = len(work)
        try:
            work, feature_meta = apply_features(work, list(rs.features), as_of=as_of, sheets=source.sheets,
                                                fields={k: v for k, v in rs.fields.items()}, source=file,
                                                features_from=features_from, headers=copied,
                                                cell_ref=source.cell_ref, where=source.where(),
                                                params=rs.params)
        except TierkitError as err:
            raise _with_table(err, rs, source) from None
        index = HeaderIndex(work.columns)
        # names the features (re)computed are typed again from their new values; an orders table turned
        # into one row per customer invalidates every column typed before
        kept = {name for info in feature_meta.get("features", []) for name in info.get("kept", ())}
        redo = set(typed) if len(work) != n_before else (set(feature_outputs(list(rs.features))) - kept) & set(typed)
        for name in redo:
            typed.pop(name)
            types.pop(name)
            headers.pop(name)
            text_codes.pop(name, None)
    if feature_meta.get("as_of") and as_of is None:
        now = as_of_datetime(feature_meta["as_of"])
    # 3. every other name the rules use
    symbols = list(rule_symbols)
    n = len(work)
    notes: list[Note] = [Note(msgid, tuple(values.items())) for info in feature_meta.get("features", [])
                         for msgid, values in info.get("notes", ())]
    measure = rs.measure
    if measure and measure not in typed and index.find([measure, *(
            rs.fields[measure].aliases if measure in rs.fields else ())]) is None:
        notes.append(Note(mark("binding note", "no '{measure}' column: the summary shows counts only"),
                          (("measure", measure),)))
        measure = None
    if measure:
        symbols.append((measure, None))
    for sym, seg_id in symbols:
        if sym in typed:
            continue
        if sym in rs.params:
            typed[sym] = pd.Series(np.full(n, rs.params[sym], dtype="float64"), index=work.index)
            types[sym] = "float"
            headers[sym] = sym
            continue
        sym_field = rs.fields.get(sym)
        header = index.find([sym, *(sym_field.aliases if sym_field else ())])
        if header is None and sym_field is not None and sym_field.optional:
            typed[sym] = _blank_column(sym_field.type, work.index)
            types[sym] = sym_field.type
            headers[sym] = sym
            notes.append(Note(mark("binding note", "no '{name}' column: read as blank (optional field)"),
                              (("name", sym),)))
            continue
        if header is None:
            raise _unknown_column(rs, sym, seg_id, work, source)
        duplicates.use(sym, header)
        ftype = sym_field.type if sym_field else infer_type(work[header])
        typed[sym] = coerce_column(work[header], ftype, column=str(header), cell_ref=cell_ref_for(header),
                                   where=source.where(), rule_set=rs.name)
        types[sym] = ftype
        headers[sym] = str(header)
    notes.extend(duplicates.notes())
    typed_frame = _frame_of(typed, work.index)
    # 4. parse again with every type known: catches `region >= 5` when region turned out to be text
    rules: dict[str, rule_engine.Rule] = {}
    for seg in rs.conditional_segments:
        assert seg.when is not None
        try:
            rules[seg.id] = parse_rule(seg.when, types, now)
        except rule_engine.errors.EngineError as err:
            cols = ", ".join(f"{s} ({types[s]}, column '{headers[s]}')" for s in types if s in seg.when)
            raise rule_error(err, seg, file, extra_hint=msg("types found in the data: {cols}", cols=cols)) from None
    return Binding(ruleset=rs, frame=work, typed=typed_frame, types=types, headers=headers, rules=rules, now=now,
                   feature_meta=feature_meta, measure=measure, notes=notes,
                   text_codes={k: v for k, v in text_codes.items() if k in typed})


def _read_column(series: pd.Series, ftype: str, name: str, text_codes: dict[str, tuple[np.ndarray, np.ndarray]],
                 arrow: Any) -> pd.Series | None:
    """:func:`coerce_column` of a column the reader had as Arrow, without a Python object per cell: text
    (keeping its factorisation in ``text_codes``), and dates (``arrow``: the parquet column as read);
    None for anything else (:func:`coerce_column` reads it)."""
    if ftype == "string":
        found = text_codes_of(series)
        if found is None:
            return None
        text_codes[name] = (found[1], found[2])
        return found[0]
    if ftype in ("date", "datetime") and arrow is not None and len(arrow) == len(series):
        return arrow_dates(arrow, series)
    return None


def _frame_of(columns: dict[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    """The typed columns side by side without copying them (``pd.DataFrame(dict)`` stacks same-typed columns
    into one block: a copy of a million-row table)."""
    if not columns:
        return pd.DataFrame(index=index)
    if all(s.index is index or s.index.equals(index) for s in columns.values()):
        return pd.concat(list(columns.values()), axis=1, keys=list(columns))
    return pd.DataFrame(columns, index=index)


class DuplicateHeaders:
    """Header texts the table has more than once (``TableSource.duplicates``): a rule set that uses one
    stops with a DataError naming every cell (the first would win silently); the others get a note."""

    def __init__(self, rs: RuleSet, source: TableSource) -> None:
        self.rs, self.source = rs, source

    def text_of(self, header: Any) -> str | None:
        """The repeated header text the frame column ``header`` (``销售额`` or ``销售额 (2)``) stands for."""
        text = str(header)
        if text in self.source.duplicates:
            return text
        base = _REPEAT_SUFFIX.sub("", text)
        return base if base != text and base in self.source.duplicates else None

    def use(self, name: str, header: Any) -> None:
        text = self.text_of(header)
        if text is None:
            return
        cells = self.source.duplicates[text]
        shown = f"{', '.join(cells[:-1])} and {cells[-1]}"
        what = f"'{name}'" if name == text else f"'{name}' (as '{text}')"
        raise DataError(msg("column '{text}' appears {n_cells} times, in {shown}: rule set '{name}' uses {what} "
                            "and cannot tell which one is meant",
                            text=text, n_cells=len(cells), shown=shown, name=self.rs.name, what=what),
                        where=self.source.where(),
                        hint=msg("rename or delete all but one of these header cells"))

    def notes(self) -> list[Note]:
        return [Note(mark("binding note", "column '{name}' appears {n} times ({cells}); the rules do not use it"),
                     (("name", text), ("n", len(cells)), ("cells", ", ".join(cells))))
                for text, cells in self.source.duplicates.items()]


_REPEAT_SUFFIX = re.compile(r" \(\d+\)$")


def _with_table(err: TierkitError, rs: RuleSet, source: TableSource) -> TierkitError:
    """Name the table and the rule set in an error raised while deriving features."""
    from dataclasses import replace

    where = err.where
    if source.file and not where.file:
        where = replace(where, file=source.file, sheet=where.sheet or source.sheet)
    message = (err.message if f"'{rs.name}'" in err.message
               else msg("{message} (rule set '{name}')", message=err.message, name=rs.name))
    return type(err)(message, where=where, hint=err.hint)


def _blank_column(kind: str, index: pd.Index) -> pd.Series:
    if kind in ("float", "int"):
        return pd.Series(np.nan, index=index, dtype="float64")
    if kind in ("date", "datetime"):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series([None] * len(index), index=index, dtype=object)


def _unknown_column(rs: RuleSet, sym: str, seg_id: str | None, frame: pd.DataFrame,
                    source: TableSource) -> RuleFileError:
    candidates = [c for c in [normalise_header(c) for c in frame.columns] + list(rs.fields)
                  + [str(c) for c in frame.columns] if c != sym]
    hint = did_you_mean(sym, candidates)
    if hint is None:
        shown = listing(str(c) for c in list(frame.columns)[:12])
        hint = msg("the table has: {shown}; map a header to '{sym}' with fields: {{{sym}: {{aliases: [...]}}}}",
                   shown=shown, sym=sym)
    seg = rs.segment(seg_id) if seg_id else None
    line = (seg.when_line or seg.line) if seg else None
    what = msg("in segment '{seg_id}'", seg_id=seg_id) if seg_id else msg("(the rule set's measure)")
    data = ((msg(" of {file} sheet '{sheet}'", file=source.file, sheet=source.sheet) if source.sheet
             else msg(" of {file}", file=source.file)) if source.file else "")
    return RuleFileError(msg("unknown column '{sym}' {what}{data}", sym=sym, what=what, data=data),
                         where=Where(file=rs.display_path, line=line, segment=seg_id), hint=hint)


def measure_values(binding: Binding) -> np.ndarray | None:
    if not binding.measure:
        return None
    series = binding.typed[binding.measure]
    if binding.types[binding.measure] not in ("float", "int"):
        raise DataError(msg("the measure '{measure}' is not numeric", measure=binding.measure),
                        where=Where(column=binding.headers.get(binding.measure)))
    return series.to_numpy(dtype="float64")
