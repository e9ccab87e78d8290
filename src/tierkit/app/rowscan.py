"""Which rows of a column :func:`tierkit.app.rows.clean_rows` must look at cell by cell, found with Arrow.

Each function returns a superset of the rows the exact test (in Python) could pick: the cells that are
missing, and the text cells that could be a blank word, a repeated header or hold a total word.  The exact
test then runs on those rows only, so a clean table of a million rows is scanned by Arrow's RE2, never one
Python object per cell.  Whitespace here is Python's (``str.strip`` and ``str.isspace``), spelled out so
RE2 trims the same characters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: every character ``str.isspace`` accepts (tests/app/test_rowscan.py checks it against Python)
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_W = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
#: a text that is empty or only whitespace (``not text.strip()``)
BLANK_TEXT_RE2 = f"(?s)^{_W}*$"
#: the longest blank word (:data:`tierkit.values.BLANKS`), in characters
_BLANK_WIDTH = 4
#: RE2 refuses a repetition above 1000
_MAX_REPEAT = 900
#: a total word the id test could find (it looks for 计, 計, "tot" or "sum" in the lower-cased text)
ID_TOTAL_RE2 = "计|計|(?i:tot|sum)"
#: the quick look for a total word in any cell (``rows._QUICK``)
WORD_RE2 = "计|計|(?i:total|sum)"


def probe_candidates(series: pd.Series, width: int, arrow: Any = None) -> np.ndarray:
    """Positions of the id column's (else the first column's) cells that may have no id or repeat its header
    (a header of ``width`` characters once trimmed), ascending.  ``arrow``: the column as the parquet reader
    had it (the same cells), looked at instead of converting the frame's objects back to Arrow."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iubMm":
        return np.empty(0, dtype=np.int64)  # never blank, never text
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return np.flatnonzero(np.isnan(series.to_numpy()))
    lengths = f".{{0,{_BLANK_WIDTH}}}" + (f"|.{{{width}}}" if width <= _MAX_REPEAT else "")
    short = f"(?s)^{_W}*(?:{lengths}){_W}*$"
    long_head = width if width > _MAX_REPEAT else None
    return _text_candidates(series, (short, ID_TOTAL_RE2), long_head, nulls=True, read=arrow)


def word_candidates(series: pd.Series, arrow: Any = None) -> np.ndarray:
    """Positions of the cells of a column that may hold a total word (text matching ``rows._QUICK``);
    ``arrow`` as in :func:`probe_candidates`."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iufcbMm":
        return np.empty(0, dtype=np.int64)
    return _text_candidates(series, (WORD_RE2,), None, nulls=False, read=arrow)


def _text_candidates(series: pd.Series, patterns: tuple[str, ...], min_length: int | None, *,
                     nulls: bool, read: Any = None) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if read is not None and len(read) == len(series) and (pa.types.is_string(read.type)
                                                          or pa.types.is_large_string(read.type)):
        arrow = read  # the reader's text column: the frame's cells are these texts and missing values
    else:
        arrow = _as_text(series)
    if arrow is None:  # cells of any types: the text cells go to Arrow, the others are missing or not text
        values = series.to_numpy(dtype=object)
        missing = pd.isna(values) if nulls else np.zeros(len(values), dtype=bool)
        text = _is_text(values)
        out = missing.copy()
        if text.any():
            try:
                sub = pa.array(values[text], type=pa.string())
            except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
                out |= text  # text Arrow cannot hold (a lone surrogate): every text cell is looked at
            else:
                out[np.flatnonzero(text)] |= _matches(sub, patterns, min_length)
        return np.flatnonzero(out)
    hit = _matches(arrow, patterns, min_length)
    if nulls:
        hit |= pc.is_null(arrow).to_numpy(zero_copy_only=False)
    return np.flatnonzero(hit)


def _as_text(series: pd.Series) -> Any:
    """The column as an Arrow string array when every cell is text or missing, else None (then the cells'
    types are looked at: an object column that does not start with text is not tried)."""
    import pyarrow as pa

    if isinstance(series.dtype, pd.StringDtype):
        cells: Any = series.array
    elif series.dtype == object and len(series) and type(series.iloc[0]) is str:
        cells = series.to_numpy()  # likely all text (else Arrow refuses it, or it is not a string array)
    else:
        return None
    try:
        array = pa.array(cells, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
        return None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_null(array.type):
        return array.cast(pa.string())
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    return array


def _is_text(values: np.ndarray) -> np.ndarray:
    """Which cells are text (``str`` or a subclass): the cells' types are told apart by identity in one C-level pass."""
    types = list(map(type, values))
    ids = np.fromiter(map(id, types), dtype=np.intp, count=len(types))  # the types live in ``types``
    text = [id(kind) for kind in set(types) if issubclass(kind, str)]
    return np.isin(ids, text) if text else np.zeros(len(values), dtype=bool)


def _matches(array: Any, patterns: tuple[str, ...], min_length: int | None) -> np.ndarray:
    import pyarrow.compute as pc

    # one pass of RE2 over the column for all the patterns (each a group of its own, its flags inside it)
    hit = pc.match_substring_regex(array, pattern="|".join(f"(?:{pattern})" for pattern in patterns))
    if min_length is not None:
        hit = pc.or_(hit, pc.greater_equal(pc.utf8_length(array), min_length))
    assert hit is not None
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
