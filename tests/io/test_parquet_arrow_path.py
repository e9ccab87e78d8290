"""The parquet path keeps the Arrow columns it read (``RawTable.arrow``): text and dates are bound from them
and the output is written from them, with the values the frame's path gives (hypothesis columns full of
blanks, padded and Excel-error text, control characters, NaN, ints with nulls, dates far out)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit import values
from tierkit.io import NewColumn, read_table
from tierkit.io.flat import write_table_as_parquet
from tierkit.io.parquetread import arrow_column, arrow_columns

text = st.one_of(st.none(), st.sampled_from(["", " ", "North", " North ", "#N/A", "#n/a", "n/a", "\u3000东\u3000",
                                             "a\x01b", "x\ty", "\u00a0", "Ünïcode"]), st.text(max_size=6))


@settings(max_examples=120, deadline=None)
@given(st.lists(text, min_size=1, max_size=30))
def test_text_codes_read_text_as_the_frame_path_does(cells: list[str | None]) -> None:
    series = pd.Series(cells, dtype="str")
    found = values.text_codes(series)
    assert found is not None
    typed, codes, cats = found
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(values, "text_codes", lambda s: None)
        expected = values._text_fast(series)
    assert expected is not None and typed.tolist() == expected.tolist()
    want_codes, want_cats = pd.factorize(expected, use_na_sentinel=True)
    assert codes.tolist() == want_codes.tolist() and cats.tolist() == list(want_cats)


def test_text_codes_leave_other_columns_alone() -> None:
    assert values.text_codes(pd.Series(["a", None], dtype=object)) is None
    assert values.text_codes(pd.Series([1.0, 2.0])) is None


day = st.one_of(st.none(), st.dates(min_value=dt.date(1600, 1, 1), max_value=dt.date(2300, 1, 1)))


@settings(max_examples=100, deadline=None)
@given(st.lists(day, min_size=1, max_size=20))
def test_arrow_dates_equal_the_frame_path(cells: list[dt.date | None]) -> None:
    column = pa.chunked_array([pa.array(cells, pa.date32())])
    series = pa.table({"d": column}).to_pandas()["d"]
    fast = values.arrow_dates(column, series)
    if fast is not None:
        expected = values.coerce_column(series, "date", column="d")
        assert fast.dtype == expected.dtype and fast.equals(expected)
    else:  # all blank or beyond datetime64[ns]: the frame's path reads it
        assert all(c is None for c in cells) or any(c is not None and not dt.date(1678, 1, 1) <= c <= dt.date(
            2261, 12, 31) for c in cells)


def _input(tmp_path: Path) -> Path:
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({
        "id": pa.array(["A1", None, " A3 ", "A\x014"]),
        "amount": pa.array([1.5, float("nan"), None, 4.0]),  # NaN and null
        "count": pa.array([1, None, 3, 4], pa.int64()),
        "day": pa.array([dt.date(2024, 1, 5), None, dt.date(1500, 1, 1), dt.date(2024, 2, 29)]),
        "flag": pa.array([True, None, False, True]),
    }), path)
    return path


def test_the_output_is_written_from_the_columns_as_read(tmp_path: Path) -> None:
    table = read_table(_input(tmp_path))
    assert arrow_columns(table) is not None and arrow_column(table, "day").type == pa.date32()
    new = [NewColumn("Tier", pa.array(["a", "b", "", "c"]), None), NewColumn("Tier ID", ["x", "y", "", "z"])]
    with open(tmp_path / "arrow.parquet", "wb") as fh:
        write_table_as_parquet(table, new, fh)
    frame_only = dataclasses.replace(table, arrow=None)  # the frame's path, as before
    with open(tmp_path / "frame.parquet", "wb") as fh:
        write_table_as_parquet(frame_only, new, fh)
    got, want = pq.read_table(tmp_path / "arrow.parquet"), pq.read_table(tmp_path / "frame.parquet")
    assert got.column_names == want.column_names
    for name in got.column_names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name
    assert got.column("id").to_pylist() == ["A1", None, " A3 ", "A4"]  # control characters dropped
    assert got.column("amount").null_count == 2  # NaN written as a blank, as the frame's path does
    assert got.column("count").type == pa.int64()  # the input's own type (the frame's path made it double)


def test_a_table_made_from_another_frame_has_no_arrow_columns(tmp_path: Path) -> None:
    table = read_table(_input(tmp_path))
    fewer = dataclasses.replace(table, frame=table.frame.iloc[:2].reset_index(drop=True),
                                row_numbers=np.arange(2, 4))
    same_shape = dataclasses.replace(table, frame=table.frame.copy())
    assert arrow_columns(fewer) is None and arrow_columns(same_shape) is None
    assert arrow_column(same_shape, "day") is None
