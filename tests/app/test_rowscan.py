"""The vectorised row scan (Arrow picks the rows, Python decides) makes the same decisions as the scan that
looked at every cell in Python (kept as the oracle in rows_oracle.py), on messy tables of every column type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierkit.app import rowscan
from tierkit.app.rows import NOTE_WORDS, TOTAL_WORDS, clean_rows
from tierkit.io import RawTable

from . import rows_oracle

HEAD = ["客户编号", "区域", "销售额", "订单"]
WS = list(rowscan.WHITESPACE)
PIECES = [*TOTAL_WORDS, *(f"{w}：" for w in NOTE_WORDS), *HEAD, "C1", "C2", "Total Foods Ltd", "华东", "n/a", "-",
          "无", "NONE", "ſum", "ＴＯＴＡＬ", "tot", "1,234", "12.3万", "100", "subtotal:", "客户 编号", "Sum:"]
text = st.builds(lambda a, pieces, b: a + "".join(pieces) + b,
                 st.sampled_from(["", " ", *WS]), st.lists(st.sampled_from(PIECES), min_size=0, max_size=2),
                 st.sampled_from(["", " ", ":", *WS]))
cell = st.one_of(text, st.none(), st.just(float("nan")), st.integers(-5, 5000), st.floats(-10, 5000, width=32),
                 st.sampled_from([100.0, 300.0, 400.0, 1000.0]))


def raw(columns: dict[str, Any], n: int) -> RawTable:
    frame = pd.DataFrame(columns)
    return RawTable(frame=frame, path=Path("t.xlsx"), sheet="S", header_row=1,
                    row_numbers=np.arange(2, n + 2, dtype=np.int64),
                    column_letters=[chr(65 + i) for i in range(len(columns))])


def column(values: list[Any], kind: str) -> Any:
    """``values`` as a column of ``kind``: object (mixed), text only (pandas str), or numbers."""
    if kind == "text":
        return pd.array([v if isinstance(v, str) else None for v in values], dtype="str")
    if kind == "number":
        return np.array([v if isinstance(v, int | float) else np.nan for v in values], dtype="float64")
    return np.array(values, dtype=object)


def same(columns: dict[str, Any], n: int, id_column: str | None, measures: tuple[str, ...]) -> None:
    table = raw(columns, n)
    for keep_all in (False, True):
        got, got_report = clean_rows(table, id_column=id_column, measures=measures, keep_all=keep_all)
        want, want_report = rows_oracle.clean_rows(table, id_column=id_column, measures=measures,
                                                   keep_all=keep_all)
        assert got_report == want_report
        assert got.row_numbers.tolist() == want.row_numbers.tolist()
        pd.testing.assert_frame_equal(got.frame, want.frame)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(cell, cell, cell, cell), min_size=0, max_size=30),
       st.sampled_from(["object", "text", "number"]), st.sampled_from(["object", "text", "number"]),
       st.sampled_from([("销售额",), ("销售额", "订单"), ()]), st.sampled_from(["客户编号", None]))
def test_the_vectorised_scan_decides_as_the_python_scan(rows: list[tuple[Any, ...]], id_kind: str,
                                                        measure_kind: str, measures: tuple[str, ...],
                                                        id_column: str | None) -> None:
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    columns = {HEAD[0]: column(list(cols[0]), id_kind), HEAD[1]: column(list(cols[1]), "object"),
               HEAD[2]: column(list(cols[2]), measure_kind), HEAD[3]: column(list(cols[3]), "object")}
    same(columns, n, id_column, measures)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(cell, st.sampled_from([100.0, 200.0, 300.0, 600.0])), min_size=1, max_size=40))
def test_subtotals_and_headers_between_customers(rows: list[tuple[Any, float]]) -> None:
    ids = [v for v, _ in rows]
    columns = {HEAD[0]: np.array(ids, dtype=object), HEAD[2]: np.array([m for _, m in rows])}
    same(columns, len(rows), "客户编号", ("销售额",))


def test_the_whitespace_is_pythons() -> None:
    assert set(rowscan.WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_re2_folds_case_as_python_for_the_total_letters() -> None:
    """``ſum`` (a long s) folds to ``sum`` in Python's re and in RE2 alike, so Arrow never misses a cell."""
    import re

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    python = {c for c in chars if re.fullmatch("(?i)[tolsum]", c)}
    arrow = pa.array(chars)
    re2 = set(arrow.filter(pc.match_substring_regex(arrow, "^(?i:[tolsum])$")).to_pylist())
    assert python == re2


def test_a_clean_column_of_ids_has_no_candidates() -> None:
    ids = pd.Series([f"C{i:07d}" for i in range(1000)], dtype="str")
    assert rowscan.probe_candidates(ids, len("customer_id")).size == 0
    mixed = pd.Series([*range(5), "C1", None, " 合计 "], dtype=object)
    assert rowscan.probe_candidates(mixed, 2).tolist() == [5, 6, 7]


cells = st.one_of(st.none(), st.sampled_from(["", " ", "\u3000", "\x1c", "\t\n", " a ", "0", "合计"]),
                  st.text(max_size=3), st.floats(allow_nan=True), st.just(np.float64("nan")), st.integers(),
                  st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cells, max_size=5), max_size=6), st.integers(0, 3))
def test_table_cells_blank_as_blank_says(rows: list[list[Any]], extra: int) -> None:
    from tierkit.app.tables import _blanked, blank

    width = max((len(r) for r in rows), default=0) + extra
    want = [["" if blank(v) else v for v in r] + [""] * (width - len(r)) for r in rows]
    block, all_blank = _blanked(rows, width)
    got = block.tolist()
    assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in want]
    assert [[v if v == v else "nan" for v in r] for r in got] == [[v if v == v else "nan" for v in r] for r in want]
    assert all_blank == all(blank(v) for r in want for v in r)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(text, st.none()), st.one_of(text, st.none()),
                          st.one_of(st.none(), st.floats(-10, 5000, width=32), st.sampled_from([100.0, 400.0]))),
                min_size=1, max_size=30),
       st.sampled_from([None, "客户编号"]))
def test_the_readers_arrow_columns_pick_the_rows_the_frame_does(rows: list[Any], id_column: str | None) -> None:
    """A table read from parquet is scanned on the Arrow columns the reader kept: the same rows as from the
    frame's cells, and as the oracle."""
    from dataclasses import replace

    from tierkit.io.parquetread import ArrowColumns, arrow_columns

    arrow = pa.table({"客户编号": pa.array([r[0] for r in rows], pa.string()),
                      "区域": pa.array([r[1] for r in rows], pa.string()),
                      "销售额": pa.array([r[2] for r in rows], pa.float64())})
    frame = arrow.to_pandas()
    plain = raw({c: frame[c] for c in frame.columns}, len(rows))
    plain = replace(plain, frame=frame)
    read = replace(plain, arrow=ArrowColumns(frame, arrow))
    assert arrow_columns(read) is arrow and arrow_columns(plain) is None
    measures = ("销售额",)
    for keep_all in (False, True):
        got, got_report = clean_rows(read, id_column=id_column, measures=measures, keep_all=keep_all)
        want, want_report = clean_rows(plain, id_column=id_column, measures=measures, keep_all=keep_all)
        oracle, oracle_report = rows_oracle.clean_rows(plain, id_column=id_column, measures=measures,
                                                       keep_all=keep_all)
        assert got_report == want_report == oracle_report
        assert got.row_numbers.tolist() == want.row_numbers.tolist() == oracle.row_numbers.tolist()
        pd.testing.assert_frame_equal(got.frame, want.frame)


def test_a_column_read_as_text_is_not_converted_again(monkeypatch: Any) -> None:
    from dataclasses import replace

    from tierkit.io.parquetread import ArrowColumns

    arrow = pa.table({"客户编号": pa.array(["C1", None, "合计", "C2"]), "销售额": pa.array([1.0, 2.0, 3.0, 4.0])})
    frame = arrow.to_pandas()
    table = replace(raw({c: frame[c] for c in frame.columns}, 4), frame=frame)
    table = replace(table, arrow=ArrowColumns(frame, arrow))

    def refuse(series: pd.Series) -> None:
        raise AssertionError("converted the frame's cells to Arrow again")

    monkeypatch.setattr(rowscan, "_as_text", refuse)
    clean, report = clean_rows(table, id_column="客户编号", measures=("销售额",))
    assert report.of("total") == (4,) and clean.frame["客户编号"].fillna("-").tolist() == ["C1", "-", "C2"]
