"""Feature specs: one frozen dataclass per kind, validated when the rule file loads.

A spec class declares its options as dataclass fields: the keys a rule file may write are read
from those fields (``metadata["key"]`` renames one, e.g. ``output`` is written ``as``; the field
marked ``arg`` holds the value of the kind key itself).  Each kind has

* ``validate`` (a classmethod): the rule file's mapping -> the typed spec, or a
  :class:`~tierkit.errors.RuleFileError` with the file and line;
* ``compute``: run on a table, return the new table and the metadata for the summary sheet;
* ``describe``: that metadata as one line of the summary sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Literal, Protocol

import pandas as pd

from tierkit.errors import DataError, RuleFileError, Where, did_you_mean, listing, msg
from tierkit.features.columns import find_column
from tierkit.i18n import join, tr, trc

__all__ = ["ARG", "FEATURES_FROM", "ColumnFeature", "FeatureContext", "FeatureSpec", "FeaturesFrom", "Names",
           "SheetSource", "SheetTable", "option"]

#: a column name, or candidates of which the first present is used
Names = str | tuple[str, ...]


class SheetTable(Protocol):
    """Another sheet of the workbook as read (a :class:`tierkit.io.RawTable`): its rows, and the address of a
    cell for error messages."""

    frame: pd.DataFrame
    sheet: str | None

    def cell_ref(self, row_index: int, column: str) -> str: ...


#: the workbook's other sheets: ``{name: frame or table}`` or a function of the name (None: no such sheet)
SheetSource = Mapping[str, "pd.DataFrame | SheetTable"] | Callable[[str], "pd.DataFrame | SheetTable | None"]
#: where customer figures come from when both the customer sheet and an orders sheet have them: ``"sheet"``
#: keeps the sheet's columns, ``"orders"`` replaces them (an orders sheet is then required), None replaces
#: them and says so
FeaturesFrom = Literal["sheet", "orders"] | None
FEATURES_FROM = ("sheet", "orders")
#: builds the error for ``features[i]`` from the rest of the message: ``fail(" (ratio) takes ...", hint)``
Fail = Callable[..., RuleFileError]


@dataclass
class FeatureContext:
    """What the specs of one run share: the as-of day (set by the first spec that needs one), the
    workbook's other sheets and the rule file's ``fields`` (for aliases)."""

    as_of: dt.date | dt.datetime | str | pd.Timestamp | None = None
    sheets: SheetSource | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    features_from: FeaturesFrom = None
    #: the input table's header of each name the binding copied under its field name (``revenue`` -> 销售额)
    headers: Mapping[str, str] = field(default_factory=dict)
    #: the address of a cell of the input table (``Customers!C7``) for row ``i`` (0-based) and a column
    cell_ref: Callable[[int, str], str] | None = None
    where: Where | None = None
    #: the rule set's ``params`` (with --param overrides), for kinds a parameter steers (``choose``)
    params: Mapping[str, float] = field(default_factory=dict)

    def column(self, frame: pd.DataFrame, names: Names) -> str | None:
        return find_column(frame, names, self.fields)

    def header(self, column: str) -> str:
        """The input table's header of ``column`` (a field name the binding copied it to, or itself)."""
        return str(self.headers.get(column, column))

    def cell(self, row: int, column: str) -> str | None:
        """The address of the input table's cell (``Customers!C7``), or None when it is not known."""
        if self.cell_ref is None:
            return None
        try:
            return self.cell_ref(row, self.header(column))
        except (KeyError, IndexError, ValueError):
            return None


# ---- option parsers: value -> typed value, or ValueError(what the value must be) ----

def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(msg("true or false"))
    return value


def whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(msg("a whole number of at least 1"))
    return value


def numbers(value: Any) -> tuple[float, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise ValueError(msg("a list of numbers"))
    return tuple(float(v) for v in value)


def texts(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str | int | float) for v in items):
        raise ValueError(msg("a list of texts"))
    return tuple(str(v) for v in items)


def text(value: Any) -> str:
    if isinstance(value, Mapping | list) or value is None:
        raise ValueError(msg("a text"))
    return str(value)


def names(value: Any) -> Names:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(msg("a column name or a list of candidates"))


def option(parse: Callable[[Any], Any], *, key: str | None = None) -> dict[str, Any]:
    """Field metadata of a spec option: written ``key`` (default: the field name) in the rule file,
    read with ``parse``.  ``field(default=..., metadata=option(boolean))``."""
    return {"parse": parse, "key": key}


#: field metadata of the spec field that holds the value of the kind key (``pareto_share: revenue``)
ARG: Mapping[str, Any] = MappingProxyType({"arg": True})


def shown(value: Names) -> str | list[str]:
    """Candidates as a rule file shows them (a list), for messages."""
    return value if isinstance(value, str) else list(value)


@dataclass(frozen=True, kw_only=True)
class FeatureSpec:
    """One entry of a rule file's ``features:`` list."""

    kind: ClassVar[str]
    #: the kind as the summary sheet names it (``mark("feature kind", ...)``; empty: the kind key)
    title: ClassVar[str] = ""
    optional: bool = field(default=False, metadata=option(boolean))
    line: int | None = field(default=None, compare=False, metadata={"key": False})

    @classmethod
    def option_keys(cls) -> tuple[str, ...]:
        """The keys an entry of this kind may hold besides the kind key itself."""
        return tuple(cls._keyed())

    @classmethod
    def _keyed(cls) -> dict[str, Any]:
        out = {}
        for f in fields(cls):
            if "parse" in f.metadata:
                out[f.metadata["key"] or f.name] = f
        return out

    @classmethod
    def parse_arg(cls, value: Any, fail: Fail) -> dict[str, Any]:
        """The value of the kind key as field values (checked)."""
        raise NotImplementedError

    @classmethod
    def validate(cls, value: Any, options: Mapping[str, Any], fail: Fail, line: int | None = None) -> FeatureSpec:
        keyed = cls._keyed()
        for key in options:
            if key not in keyed:
                raise fail(msg(" ({kind}): unknown option '{key}'", kind=cls.kind, key=key),
                           hint=did_you_mean(str(key), keyed) or msg("allowed: {keyed}", keyed=listing(sorted(keyed))))
        values: dict[str, Any] = {}
        for key, f in keyed.items():
            if key in options:
                try:
                    values[f.name] = f.metadata["parse"](options[key])
                except ValueError as err:
                    raise fail(msg(" ({kind}): '{key}' must be {err}", kind=cls.kind, key=key, err=err)) from None
        values.update(cls.parse_arg(value, fail))
        return cls(**values, line=line)

    @property
    def name(self) -> str:
        """How the summary names this step (when it is skipped)."""
        return self.kind

    def outputs(self) -> list[str]:
        """The columns this spec adds (for load-time checks of the expressions)."""
        raise NotImplementedError

    def compute(self, frame: pd.DataFrame, ctx: FeatureContext) -> tuple[pd.DataFrame, dict[str, Any]] | None:
        """Add this feature to ``frame`` (which it may change); None when an optional input is missing."""
        raise NotImplementedError

    @classmethod
    def describe(cls, meta: Mapping[str, Any], lang: str = "en") -> str:
        """One line of the summary sheet from the metadata ``compute`` returned, in ``lang``."""
        kind = trc(lang, "feature kind", cls.title) if cls.title else str(meta.get("kind"))  # i18n: marked
        return tr(lang, "{output}: {kind} of {inputs}", output=meta.get("output"), kind=kind,
                  inputs=join(lang, meta.get("inputs", [])))

    def texts(self) -> set[str]:
        """Every text in the spec (to know which declared fields the features read)."""
        return _texts(getattr(self, f.name) for f in fields(self) if f.name != "line")


def _texts(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for value in values:
        if isinstance(value, str):
            out.add(value)
        elif isinstance(value, tuple | list):
            out |= _texts(value)
        elif isinstance(value, Mapping):
            out |= _texts(value) | _texts(value.values())
        elif is_dataclass(value):
            out |= _texts(getattr(value, f.name) for f in fields(value))
    return out


@dataclass(frozen=True, kw_only=True)
class ColumnFeature(FeatureSpec):
    """A feature computed from columns of the table itself into one new column ``as``."""

    output: str = field(default="", metadata=option(text, key="as"))
    #: the inputs must all be present (else: skipped when optional, an error otherwise)
    needs_inputs: ClassVar[bool] = True

    @classmethod
    def validate(cls, value: Any, options: Mapping[str, Any], fail: Fail, line: int | None = None) -> FeatureSpec:
        spec = super().validate(value, options, fail, line)
        assert isinstance(spec, ColumnFeature)
        if "as" in options:
            return spec
        from dataclasses import replace

        return replace(spec, output=cls.default_output(value, fail))

    @classmethod
    def default_output(cls, value: Any, fail: Fail) -> str:
        return f"{value if isinstance(value, str) else '_'.join(value)}_{cls.kind}"

    def inputs(self) -> tuple[str, ...]:
        raise NotImplementedError

    @property
    def name(self) -> str:
        return self.output

    def outputs(self) -> list[str]:
        return [self.output]

    def compute(self, frame: pd.DataFrame, ctx: FeatureContext) -> tuple[pd.DataFrame, dict[str, Any]] | None:
        target = self.output
        resolved = {name: ctx.column(frame, name) for name in self.inputs()}
        missing = [name for name, col in resolved.items() if col is None] if self.needs_inputs else []
        if missing:
            if self.optional:
                return None
            raise DataError(
                msg(
                    "feature '{target}' ({kind}) needs column '{missing}'",
                    target=target,
                    kind=self.kind,
                    missing=missing[0],
                ),
                hint=did_you_mean(str(missing[0]), map(str, frame.columns)),
            )
        by_names: Names | None = getattr(self, "by", None)
        by = None
        if by_names is not None:
            by = ctx.column(frame, by_names)
            if by is None:
                raise DataError(
                    msg("feature '{target}': no column '{shown}' to group by", target=target, shown=shown(by_names))
                )
        meta: dict[str, Any] = {"inputs": [c for c in resolved.values() if c]}
        frame[target] = self.series(frame, resolved, by, ctx, meta)
        meta.update(kind=self.kind, output=target)
        return frame, meta

    def series(self, frame: pd.DataFrame, cols: Mapping[str, str | None], by: str | None, ctx: FeatureContext,
               meta: dict[str, Any]) -> pd.Series:
        """The new column (``meta`` may be filled in for ``describe``)."""
        raise NotImplementedError
