"""A parquet date column (``datetime.date`` cells) is read through Arrow's date32 with the same result as the
cell-by-cell parse_date path, and any other mix of cells still goes that way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit import values


def slow(series: pd.Series, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(values, "_dates_fast", lambda s: None)
        return outcome(series)


def outcome(series: pd.Series) -> str:
    try:
        return values.coerce_column(series, "date", column="d").to_string()
    except Exception as err:  # the slow path's own errors are kept as they were
        return repr(err)


cell = st.one_of(st.dates(min_value=dt.date(1600, 1, 1), max_value=dt.date(2300, 1, 1)), st.none(),
                 st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 1, 1)),
                 st.just(np.nan), st.just(1.5))


@settings(max_examples=150, deadline=None)
@given(st.lists(cell, max_size=12))
def test_dates_read_as_parse_date_reads_them(cells: list[Any]) -> None:
    series = pd.Series(cells, dtype=object)
    with pytest.MonkeyPatch.context() as mp:
        assert outcome(series) == slow(series, mp)


def test_a_date_column_takes_the_arrow_way() -> None:
    series = pd.Series([dt.date(2024, 1, 5), None, dt.date(1999, 12, 31)], dtype=object)
    fast = values._dates_fast(series)
    assert fast is not None and fast.dtype == "datetime64[ns]"
    assert fast.tolist()[0] == pd.Timestamp("2024-01-05") and pd.isna(fast.iloc[1])
    assert values._dates_fast(pd.Series([dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 6)], dtype=object)) is None
