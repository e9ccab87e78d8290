"""Read cells as users mean them: numbers stored as text, Excel errors, dates as serials or text.

Each function takes a column of raw cell values (as read from a workbook/CSV) and returns a typed
pandas Series (float64 / datetime64[ns] / object str / object bool with None for blanks).  A cell that
cannot be read raises :class:`~tierkit.errors.DataError` naming the cell, e.g. ``Customers!C17``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd

from .errors import DataError, Where, msg

EXCEL_ERRORS = frozenset({"#N/A", "#N/A!", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!"})
BLANKS = frozenset({"", "-", "--", "—", "n/a", "na", "null", "none", "nan", "无", "空"})
_NUM_CLEAN = re.compile(r"[,\s¥$€£￥元'’_ ]")
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")
_YMD = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "对", "真", "√", "x"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "不", "假", "×"})

CellRef = Callable[[int], str]


def _is_blank_text(text: str) -> bool:
    return text.strip().lower() in BLANKS or text.strip().upper() in EXCEL_ERRORS


def parse_number(value: object) -> float | None:
    """A number from a cell: ``1,234``, ``¥1,234.50``, ``12%`` (0.12), ``(1,234)`` (-1234). None = blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool):
        raise ValueError("a TRUE/FALSE value")
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        raise ValueError("a date")
    text = str(value).strip()
    if _is_blank_text(text):
        return None
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    percent = text.endswith("%") or text.endswith("％")
    if percent:
        text = text[:-1]
    scale = 1.0
    if text.endswith("万"):
        scale, text = 1e4, text[:-1]
    elif text.endswith("亿"):
        scale, text = 1e8, text[:-1]
    text = _NUM_CLEAN.sub("", text).replace("−", "-")
    number = float(text) * scale  # raises ValueError on garbage
    if percent:
        number /= 100.0
    return -number if negative else number


def parse_date(value: object) -> dt.datetime | None:
    """A date from a cell: a datetime, an Excel serial, or text like 2024/1/5, 2024-01-05, 2024年1月5日."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError("a TRUE/FALSE value")
    if isinstance(value, int | float | np.integer | np.floating):
        serial = float(value)
        if not 0 < serial < 2958466:
            raise ValueError("not an Excel date serial")
        return EXCEL_EPOCH + dt.timedelta(days=serial)
    text = str(value).strip()
    if _is_blank_text(text):
        return None
    m = _CN_DATE.match(text)
    if m:
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]))
    m = _YMD.match(text)
    if m:
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
    m = _DMY.match(text)
    if m:  # day/month/year as Excel shows it outside the US
        return dt.datetime(int(m[3]), int(m[2]), int(m[1]))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_date(float(text))
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def parse_bool(value: object) -> bool | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if _is_blank_text(text):
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError("not TRUE/FALSE")


def parse_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number (1001.0) reads as "1001"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time(0) else value.date().isoformat()
    text = str(value).strip()
    if not text or text.upper() in EXCEL_ERRORS:
        return None
    return text


_WHOLE_TEXT = re.compile(r"^-?(?:0|[1-9]\d*)\.0+$")
#: words that mark a total or subtotal line (compared without spaces, case-folded, full-width read as ASCII)
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "合計", "總計", "小計", "total", "subtotal", "grandtotal", "sum"})


def id_key(value: object) -> str | None:
    """A customer id as the one key every sheet, the join and ``--id`` compare (None for a blank).

    ``10377``, ``10377.0``, ``"10377"``, ``" 10377 "``, ``"10377.0"`` and full-width ``"１０３７７"`` are all
    ``"10377"``: numbers that are whole read as their digits, text is trimmed and read in its NFKC form
    (full-width digits and letters as ASCII).  Text keeps its leading zeros (``"007"``) and its case.
    A number formatted ``000`` in Excel shows ``007`` but reaches tierkit as 7: the reader has no cell
    styles, so such an id is ``"7"`` (type it as text to keep its zeros).  Excel error cells are blank.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).upper()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating | Decimal):
        number = float(value)
        if np.isnan(number):
            return None
        if np.isinf(number):
            return str(number)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, dt.datetime | dt.date):
        return parse_text(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text or text.upper() in EXCEL_ERRORS:
        return None
    if _WHOLE_TEXT.match(text):
        text = text.split(".", 1)[0]
    return text


def id_keys(series: pd.Series) -> pd.Series:
    """:func:`id_key` of every cell of ``series`` (object dtype, None for blanks; same index)."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy()
    else:
        values = series.to_numpy(dtype=object)
    out = np.full(len(values), None, dtype=object)
    # each distinct value is normalised once (ids repeat a lot in an orders sheet); factorize takes 1 and 1.0
    # for one value, which id_key agrees with, but also 1 and True, which it does not: booleans go one by one
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("boolean", "mixed", "mixed-integer", "unknown-array"):
        flags = np.fromiter((isinstance(v, (bool, np.bool_)) for v in values), dtype=bool, count=len(values))
    else:
        flags = np.zeros(len(values), dtype=bool)
    rest = np.flatnonzero(~flags) if flags.any() else slice(None)
    if len(values):
        codes, uniques = pd.factorize(values[rest], use_na_sentinel=True)
        table = np.array([*(id_key(u) for u in uniques), None], dtype=object)
        out[rest] = table[codes]
    for i in np.flatnonzero(flags):
        out[i] = id_key(values[i])
    return pd.Series(out, index=series.index, dtype=object, name=series.name)


def is_total_word(value: object) -> bool:
    """A cell that names a total line: 合计, 总计, 小计, 合 计, 合計, 總計, 小計, Total, Subtotal, Grand total, Sum
    (spaces, case and full-width forms ignored; a trailing colon too)."""
    if not isinstance(value, str):
        return False
    text = "".join(unicodedata.normalize("NFKC", value).split()).casefold().rstrip(":")
    return text in TOTAL_WORDS


def duplicate_ids(series: pd.Series) -> dict[str, list[int]]:
    """Ids that occur more than once after :func:`id_key` (``10377`` and ``"10377"`` collide): key -> the
    0-based positions of its rows, in order of the first occurrence."""
    keys = id_keys(series)
    present = keys.notna().to_numpy()
    if not present.any():
        return {}
    positions = pd.Series(np.flatnonzero(present), index=keys[present].to_numpy())
    dup = positions.index.duplicated(keep=False)
    out: dict[str, list[int]] = {}
    for key, pos in zip(positions.index[dup], positions.to_numpy()[dup], strict=True):
        out.setdefault(str(key), []).append(int(pos))
    return out


_PARSERS: dict[str, tuple[Callable[[object], object], str]] = {
    "float": (parse_number, msg("a number")),
    "int": (parse_number, msg("a number")),
    "date": (parse_date, msg("a date")),
    "datetime": (parse_date, msg("a date")),
    "bool": (parse_bool, "TRUE/FALSE"),
    "string": (parse_text, "text"),
}


def coerce_column(series: pd.Series, ftype: str, *, column: str, cell_ref: CellRef | None = None,
                  where: Where | None = None, rule_set: str | None = None) -> pd.Series:
    """Convert raw cells to ``ftype``; raise DataError naming the first bad cell and how many there are."""
    if ftype in ("float", "int") and pd.api.types.is_numeric_dtype(series.dtype) and series.dtype != bool:
        return series.astype("float64")
    if ftype in ("date", "datetime") and pd.api.types.is_datetime64_any_dtype(series.dtype):
        out = series
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype("datetime64[ns]")
    if ftype in ("date", "datetime") and series.dtype == object:
        fast_dates = _dates_fast(series)
        if fast_dates is not None:
            return fast_dates
    if ftype == "string":
        fast_text = _text_fast(series)
        if fast_text is not None:
            return fast_text
    parser, what = _PARSERS[ftype]
    values = series.to_numpy(dtype=object)
    if ftype in ("float", "int"):
        fast = pd.to_numeric(series, errors="coerce")
        todo = np.flatnonzero(fast.isna().to_numpy() & pd.notna(series).to_numpy())
        out_arr = fast.to_numpy(dtype="float64", copy=True)
        bad: list[int] = []
        for i in todo:
            try:
                parsed = parser(values[i])
            except (ValueError, TypeError, OverflowError):
                bad.append(int(i))
                continue
            out_arr[i] = np.nan if parsed is None else parsed
        _raise_bad(bad, values, what, column, cell_ref, where, rule_set)
        return pd.Series(out_arr, index=series.index, name=series.name)
    # text, dates and booleans: parse each distinct value once
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed_uniques: list[object] = []
    bad_codes: set[int] = set()
    for code, raw in enumerate(uniques):
        try:
            parsed_uniques.append(parser(raw))
        except (ValueError, TypeError, OverflowError):
            parsed_uniques.append(None)
            bad_codes.add(code)
    if bad_codes:
        bad_rows = [int(i) for i in np.flatnonzero(np.isin(codes, list(bad_codes)))]
        _raise_bad(bad_rows, values, what, column, cell_ref, where, rule_set)
    table = np.array([*parsed_uniques, None], dtype=object)
    parsed_values = table[codes]
    if ftype in ("date", "datetime"):
        return pd.Series(pd.to_datetime(parsed_values, errors="coerce"), index=series.index, name=series.name).astype(
            "datetime64[ns]")
    return pd.Series(parsed_values, index=series.index, name=series.name, dtype=object)


#: the days datetime64[ns] holds (a date outside goes the slow way, as it always did)
_NS_DAYS = (dt.date(1678, 1, 1), dt.date(2261, 12, 31))


def _dates_fast(series: pd.Series) -> pd.Series | None:
    """:func:`parse_date` of a column of ``datetime.date`` cells (a parquet date column) through Arrow's
    date32, no Python object per cell; None for any other column."""
    cells = series.to_numpy(dtype=object)
    kinds = set(map(type, cells))  # exactly dates (not datetimes, a subclass) and blanks
    if dt.date not in kinds or not kinds <= {dt.date, type(None)}:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        days = pa.array(cells, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if not pa.types.is_date32(days.type):
        return None
    bounds = pc.min_max(days).as_py()
    if bounds["min"] is not None and (bounds["min"] < _NS_DAYS[0] or bounds["max"] > _NS_DAYS[1]):
        return None
    stamps = pc.cast(days, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    return pd.Series(stamps, index=series.index, name=series.name).astype("datetime64[ns]")


def text_codes(series: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray] | None:
    """:func:`coerce_column` of an Arrow-backed text column (a parquet file's, pandas' ``str``) as string, and
    its factorisation as ``pd.factorize`` gives it (codes in order of first appearance, -1 for a blank; the
    distinct texts): each distinct cell is trimmed and tested once, no Python string per row.  None for any
    other column.  Trimmed and tested with the kernels pandas' ``str.strip``/``str.upper``/``isin`` use on
    such a column, so the texts equal :func:`_text_fast`'s."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(series.dtype, pd.StringDtype) or series.dtype.storage != "pyarrow":
        return None
    chunked = series.array.__arrow_array__()
    if not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):
        return None  # pragma: no cover - pandas keeps its str columns as (large) strings
    encoded = pc.dictionary_encode(chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0))
    trimmed = pc.utf8_trim_whitespace(encoded.dictionary)
    blank = pc.or_(pc.equal(trimmed, ""), pc.is_in(pc.utf8_upper(trimmed), value_set=_excel_errors_arrow()))
    texts = pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed).to_pylist()
    distinct: dict[str, int] = {}
    remap = np.full(len(texts) + 1, -1, dtype=np.intp)  # the last: a null cell
    for i, text in enumerate(texts):
        if text is not None:
            remap[i] = distinct.setdefault(text, len(distinct))
    indices = encoded.indices.fill_null(len(texts)).to_numpy(zero_copy_only=False)
    codes = remap[indices]
    table = np.empty(len(distinct) + 1, dtype=object)  # the distinct texts, then None for -1
    table[:-1] = list(distinct)
    cats = table[:-1]
    values = table[codes]
    return pd.Series(values, index=series.index, name=series.name, dtype=object), codes, cats


@functools.cache
def _excel_errors_arrow() -> object:  # a constant, made once
    import pyarrow as pa

    return pa.array(sorted(EXCEL_ERRORS), pa.string())


def arrow_dates(column: object, series: pd.Series) -> pd.Series | None:
    """:func:`coerce_column` of ``series`` as a date, read from ``column``, the same cells as the parquet
    reader had them (a date32 Arrow column): what :func:`_dates_fast` makes of the frame's ``datetime.date``
    objects, without them.  None when that path would not take the column (then it is read as before)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    days = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if series.dtype != object or not isinstance(days, pa.Array) or not pa.types.is_date32(days.type) \
            or days.null_count == len(days):
        return None
    bounds = pc.min_max(days).as_py()
    if bounds["min"] < _NS_DAYS[0] or bounds["max"] > _NS_DAYS[1]:
        return None
    stamps = pc.cast(days, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    return pd.Series(stamps, index=series.index, name=series.name).astype("datetime64[ns]")


def _text_fast(series: pd.Series) -> pd.Series | None:
    """Vectorised :func:`parse_text` for all-text or all-number columns (ids, names, regions)."""
    arrow = text_codes(series)
    if arrow is not None:
        return arrow[0]
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind == "string":
        stripped = series.str.strip()
        blank = stripped.isna() | (stripped == "") | stripped.str.upper().isin(EXCEL_ERRORS)
        out_text = np.asarray(stripped, dtype=object).copy()
        out_text[blank.to_numpy(dtype=bool)] = None
        return pd.Series(out_text, index=series.index, name=series.name, dtype=object)
    if kind in ("floating", "integer", "mixed-integer-float"):
        arr = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
        null = np.isnan(arr)
        whole = ~null & (arr == np.floor(arr)) & (np.abs(arr) < 1e15)
        out = np.full(len(arr), None, dtype=object)
        out[whole] = arr[whole].astype(np.int64).astype(str).astype(object)
        rest = ~null & ~whole
        out[rest] = [str(v) for v in arr[rest]]
        return pd.Series(out, index=series.index, name=series.name, dtype=object)
    return None


def _raise_bad(bad: list[int], values: np.ndarray, what: str, column: str, cell_ref: CellRef | None,
               where: Where | None, rule_set: str | None) -> None:
    if not bad:
        return
    first = bad[0]
    base = where or Where()
    cell = cell_ref(first) if cell_ref else None
    more = msg(" (and {n} more cells)", n=len(bad) - 1) if len(bad) > 1 else ""
    rs = msg(" for rule set '{rule_set}'", rule_set=rule_set) if rule_set else ""
    raise DataError(
        msg("cannot read {values!r} as {what} in column '{column}'{rs}{more}",
            values=values[first], what=what, column=column, rs=rs, more=more),
        where=Where(file=base.file, sheet=base.sheet, cell=cell, column=None if cell else column),
        hint=msg("fix the cell or declare the column's type in the rule file's 'fields'") if cell
        else msg("fix the cell or declare the column's type in the rule file's 'fields' (row {row} of the data)",
                 row=first + 1),
    )


def infer_type(series: pd.Series) -> str:
    """The tierkit type of an undeclared column from its values."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    kinds: set[str] = set()
    for value in pd.unique(series.dropna()):
        if isinstance(value, bool | np.bool_):
            kinds.add("bool")
        elif isinstance(value, int | float | np.integer | np.floating):
            kinds.add("float")
        elif isinstance(value, dt.datetime | dt.date | pd.Timestamp):
            kinds.add("datetime")
        elif isinstance(value, str):
            if not value.strip() or value.strip().upper() in EXCEL_ERRORS:
                continue
            kinds.add("string")
        else:
            kinds.add("string")
        if len(kinds) > 1:
            break
    if kinds == {"string"}:
        return _text_kind(series)
    if len(kinds) == 1:
        return kinds.pop()
    if kinds == {"float", "string"}:
        return "float" if _mostly_numeric(series) else "string"
    return "string"


_ISO_DATE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$")
_LEADING_ZERO = re.compile(r"^0\d")


def _text_kind(series: pd.Series) -> str:
    """Text cells (CSV) that all hold numbers read as numbers, all ISO dates as dates; ids like 007 stay text."""
    values = [str(v).strip() for v in pd.unique(series.dropna())]
    values = [v for v in values if v and v.lower() not in BLANKS and v.upper() not in EXCEL_ERRORS]
    if not values:
        return "string"
    if all(_ISO_DATE.match(v) for v in values):
        return "datetime"
    if any(_LEADING_ZERO.match(v) for v in values):
        return "string"
    try:
        for v in values:
            parse_number(v)
    except ValueError:
        return "string"
    return "float"


def _mostly_numeric(series: pd.Series) -> bool:
    sample = series.dropna().head(200)
    ok = 0
    for value in sample:
        try:
            if parse_number(value) is not None:
                ok += 1
        except ValueError:
            pass
    return ok >= 0.9 * max(1, len(sample))
