"""The file formats tierkit knows, in one table: which suffix is which format, whether it can be
read as a table and written as a tiered copy, and what a default output name looks like.

Everything else asks this table instead of testing ``path.suffix`` itself: the readers
(:data:`Format.kind` picks the reader in :mod:`tierkit.io.read`), the writers
(:data:`Format.name` picks the writer in :mod:`tierkit.io.write`), the content sniffer and the
adapters' default output names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tierkit.errors import InputFileError, Where, display_path, listing, msg

Kind = Literal["xlsx", "csv", "parquet", "pdf"]
Purpose = Literal["read", "write", "any"]

TIERED = "tiered"


@dataclass(frozen=True)
class Format:
    """One file format.

    ``name`` picks the writer, ``kind`` the reader (formats of one kind share it); ``suffixes``
    are the names it goes by, the first one canonical.  ``read``/``write``: tierkit reads it as a
    table / writes a tiered table in it.  ``macros``: a workbook that holds VBA (True), one that
    must not (False), or no rule (None).  ``delimiter``: the fixed field separator of a text
    table (None: sniffed on reading, a comma on writing).  ``tiered``: the suffix of the default
    output for an input of this format.
    """

    name: str
    kind: Kind
    suffixes: tuple[str, ...]
    label: str
    read: bool = True
    write: bool = True
    macros: bool | None = None
    delimiter: str | None = None
    tiered: str = ".xlsx"

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


FORMATS: tuple[Format, ...] = (
    Format("xlsx", "xlsx", (".xlsx",), "Excel workbook", macros=False, tiered=".xlsx"),
    Format("xlsm", "xlsx", (".xlsm",), "Excel macro-enabled workbook", macros=True, tiered=".xlsm"),
    Format("xltx", "xlsx", (".xltx",), "Excel template"),
    Format("xltm", "xlsx", (".xltm",), "Excel macro-enabled template"),
    Format("csv", "csv", (".csv",), "CSV", tiered=".csv"),
    Format("tsv", "csv", (".tsv",), "tab-separated text", delimiter="\t"),
    Format("txt", "csv", (".txt",), "delimited text"),
    Format("parquet", "parquet", (".parquet", ".pq"), "Apache Parquet", tiered=".parquet"),
    Format("pdf", "pdf", (".pdf",), "PDF", read=False, write=False),
)

_BY_SUFFIX: dict[str, Format] = {s: f for f in FORMATS for s in f.suffixes}
_BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}


def suffixes(*, kind: Kind | None = None, purpose: Purpose = "any") -> frozenset[str]:
    """The suffixes of the formats of ``kind`` usable for ``purpose``."""
    return frozenset(s for f in _usable(purpose) if kind is None or f.kind == kind for s in f.suffixes)


def _usable(purpose: Purpose) -> Iterable[Format]:
    return (f for f in FORMATS if purpose == "any" or (f.read if purpose == "read" else f.write))


def supported(purpose: Purpose = "any") -> str:
    """The suffixes usable for ``purpose``, for messages: ``".xlsx, .xlsm, ... or .pq"``."""
    names = [s for f in _usable(purpose) for s in f.suffixes]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


def lookup(path: str | Path) -> Format | None:
    """The format ``path``'s suffix names, or None (no error: for callers with a fallback)."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def format_named(name: str) -> Format:
    """The format called ``name`` (``"xlsx"``, ``"pdf"``, ...)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; formats: {', '.join(_BY_NAME)}") from None


def format_of(path: str | Path, *, purpose: Purpose = "any") -> Format:
    """The format of ``path`` by its suffix, or an InputFileError listing the supported ones.

    ``purpose="read"``: a table tierkit can read; ``"write"``: a tiered table tierkit can write.

    >>> format_of("sales.XLSM").name
    'xlsm'
    """
    path = Path(path)
    fmt = lookup(path)
    if fmt is not None and fmt in _usable(purpose):
        return fmt
    raise unsupported(path, purpose)


def unsupported(path: str | Path, purpose: Purpose = "any") -> InputFileError:
    """The error for a file whose suffix names no format usable for ``purpose``."""
    path = Path(path)
    fmt = lookup(path)
    shown = path.suffix or path.name
    sfx = [s for f in _usable(purpose) for s in f.suffixes]
    names = msg("{first} or {last}", first=listing(sfx[:-1]), last=sfx[-1]) if len(sfx) > 1 else "".join(sfx)
    hint = {"read": msg("give a {names} file", names=names), "write": msg("name the output {names}", names=names),
            "any": msg("use a {names} file", names=names)}[purpose]
    label = fmt.label if fmt is not None else ""
    if fmt is not None:
        message = {"read": msg("unsupported input type '{shown}': {label} is not a table format", shown=shown,
                               label=label),
                   "write": msg("unsupported output type '{shown}': {label} is not a table format", shown=shown,
                                label=label),
                   "any": msg("unsupported file type '{shown}': {label} is not a table format", shown=shown,
                              label=label)}[purpose]
    else:
        message = {"read": msg("unsupported input type '{shown}'", shown=shown),
                   "write": msg("unsupported output type '{shown}'", shown=shown),
                   "any": msg("unsupported file type '{shown}'", shown=shown)}[purpose]
    return InputFileError(message,
                          where=Where(file=display_path(path)), hint=hint)


def default_output(path: str | Path, tag: str = TIERED, *, fmt: str | None = None) -> Path:
    """The output next to ``path`` when none is given: ``sales.xlsx`` -> ``sales.tiered.xlsx``.

    Without ``fmt`` the output keeps the input's format where tierkit writes it back as such
    (.xlsx, .xlsm, .csv, .parquet) and is an .xlsx otherwise.
    With ``fmt`` it is of that format: ``default_output(p, "briefs", fmt="pdf")``.  For any tag
    but ``tiered`` a ``.tiered`` in the input's name is dropped: ``sales.tiered.xlsx`` ->
    ``sales.briefs.pdf``.  A DuckDB table ``duckdb:sales.db#customers`` -> ``sales.customers.tiered.xlsx``.
    """
    from .duckdbread import is_duckdb_spec, output_base

    path = output_base(str(path)) if is_duckdb_spec(str(path)) else Path(path)
    source = lookup(path)
    suffix = format_named(fmt).suffix if fmt is not None else (source.tiered if source else ".xlsx")
    stem = path.stem
    if tag != TIERED and source is not None and stem.lower().endswith("." + TIERED):
        stem = stem[: -len(TIERED) - 1]
    return path.with_name(f"{stem}.{tag}{suffix}")
