"""``tierkit apply --engine duckdb`` streaming the input a batch at a time (:mod:`tierkit.app.stream`): the same
tiers, tier ids and reasons as the whole-table numpy path, for csv, parquet, xlsx and ``duckdb:`` inputs, clean
and messy (title rows, subtotal and total lines, numbers and dates typed as text, ids as text or full-width)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierkit.compile.limits import RECURSION_LIMIT

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")
# parsing raises the recursion limit for good (tierkit.compile.limits.deep_call): raise it before hypothesis
# runs, as tests/engine/conftest.py does, or hypothesis warns that it changed during a test
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
TIER_HEADS = ("Tier", "Tier ID", "Tier reason")


def _apply(src: str | Path, dst: Path, *args: str) -> str:
    from tierkit.cli import main

    result = CliRunner().invoke(main, ["apply", str(src), "-o", str(dst), "--force", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _read(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str, keep_default_na=False)


def _tiers(path: Path, heads: tuple[str, ...] = TIER_HEADS) -> list[tuple[str, ...]]:
    frame = _read(path)
    return [tuple("" if pd.isna(v) else str(v) for v in row) for row in frame[list(heads)].itertuples(index=False)]


@pytest.mark.parametrize("rules", ["value", "rfm", "abc"])  # percent rank, quintile scores, Pareto share
@pytest.mark.parametrize("sample", ["customers_simple.csv", "customers_simple.xlsx"])
@pytest.mark.parametrize("out", ["csv", "parquet"])
def test_stream_equals_whole_table_path(tmp_path: Path, rules: str, sample: str, out: str) -> None:
    """Batches of 37 rows (the total test's sums and the features span them) give numpy's tiers and reasons;
    no --as-of: $today is the features' day on both."""
    from tierkit.app.inputs import resolve_rules
    from tierkit.app.stream import stream_apply

    a, b = tmp_path / f"a.{out}", tmp_path / f"b.{out}"
    _apply(SAMPLES / sample, a, "--rules", rules)
    stream_apply(SAMPLES / sample, resolve_rules([rules]), b, batch_rows=37)
    assert _tiers(a) == _tiers(b)
    _same_file(a, b)


def _same_file(a: Path, b: Path) -> None:
    """The whole output, not only the tier columns: CSV byte for byte, parquet as the same Arrow table."""
    if a.suffix == ".csv":
        assert a.read_bytes() == b.read_bytes()
    else:
        import pyarrow.parquet as pq

        assert pq.read_table(a).equals(pq.read_table(b))


def test_parquet_and_duckdb_inputs_stream(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    frame = pd.read_csv(SAMPLES / "customers_simple.csv")
    src = tmp_path / "c.parquet"
    frame.to_parquet(src)
    db = tmp_path / "c.db"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE customers AS SELECT * FROM read_parquet(?)", [str(src)])
    con.close()
    a, b, c = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.csv"
    _apply(src, a, "--rules", "value", "--as-of", "2025-01-31")
    report = _apply(src, b, "--rules", "value", "--as-of", "2025-01-31", "--engine", "duckdb")
    _apply(f"duckdb:{db}#customers", c, "--rules", "value", "--as-of", "2025-01-31", "--engine", "duckdb")
    assert "read the whole table" not in report, report
    assert _tiers(a) == _tiers(b) == _tiers(c)
    _same_file(a, b)


def test_xlsx_output_says_it_read_the_whole_table(tmp_path: Path) -> None:
    report = _apply(SAMPLES / "customers_simple.csv", tmp_path / "o.xlsx", "--rules", "value", "--engine", "duckdb")
    assert "--engine duckdb read the whole table into memory" in report


def test_subtotals_across_batches_are_left_out(tmp_path: Path) -> None:
    """A subtotal (no total word: its figure is the sum of the rows above) whose group spans two batches."""
    from tierkit.app.inputs import resolve_rules
    from tierkit.app.stream import stream_apply

    rows = [f"C{i:03d},{100 + i}.00,{1 + i % 9},2024-0{1 + i % 9}-1{i % 9}" for i in range(30)]
    sub = f",{sum(100 + i for i in range(20))}.00,,"
    text = "customer_id,revenue,frequency,last_purchase\n" + "\n".join([*rows[:20], sub, *rows[20:]]) + "\n"
    src = tmp_path / "t.csv"
    src.write_text(text, encoding="utf-8")
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _apply(src, a, "--rules", "value")
    result = stream_apply(src, resolve_rules(["value"]), b, batch_rows=8)
    assert result.rows.of("total") == (22,)
    assert _tiers(a) == _tiers(b)


# --------------------------------------------------------------------------- metamorphic: messy copies

FULL = str.maketrans("0123456789C", "０１２３４５６７８９Ｃ")


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(6, 30))
    revenue = draw(st.lists(st.floats(0, 50_000, allow_nan=False).map(lambda v: round(v, 2)), min_size=n, max_size=n))
    frequency = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 700), min_size=n, max_size=n))
    numeric_ids = draw(st.booleans())
    ids: list[object] = [1000 + i if numeric_ids else f"C{i:04d}" for i in range(n)]  # numbers in the clean copy
    last = [dt.date(2025, 1, 31) - dt.timedelta(days=d) for d in days]
    return pd.DataFrame({"customer_id": ids, "revenue": revenue, "frequency": frequency, "last_purchase": last})


def _messy_rows(clean: pd.DataFrame, full_width: bool) -> list[list[object]]:
    """Title line, the header, the rows with numbers and dates as text (ids full-width), a 小计 after every
    fourth customer and a 合计 at the end."""
    rows: list[list[object]] = [["客户明细表（2025年1月）", None, None, None],
                                ["customer_id", "revenue", "frequency", "last_purchase"]]
    group = 0.0
    for i, rec in enumerate(clean.itertuples(index=False)):
        cid = str(rec.customer_id)
        rows.append([cid.translate(FULL) if full_width else cid, f"{rec.revenue:,.2f}", str(rec.frequency),
                     rec.last_purchase.strftime("%Y/%m/%d")])
        group += rec.revenue
        if i % 4 == 3:
            rows.append(["小计", f"{group:,.2f}", None, None])
            group = 0.0
    rows.append(["合计", f"{clean['revenue'].sum():,.2f}", None, None])
    return rows


def _write_messy(rows: list[list[object]], path: Path) -> None:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        book.save(path)
    elif path.suffix == ".csv":
        import csv

        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["" if v is None else v for v in row] for row in rows])
    else:  # parquet: the header is the schema, so no title line; every column text
        body = rows[2:]
        pd.DataFrame(body, columns=[str(h) for h in rows[1]], dtype=object).to_parquet(path)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clean=tables(), full_width=st.booleans(), fmt=st.sampled_from(["xlsx", "csv", "parquet"]))
def test_messy_copy_on_duckdb_gives_the_clean_copys_tiers(tmp_path_factory: pytest.TempPathFactory,
                                                           clean: pd.DataFrame, full_width: bool, fmt: str) -> None:
    tmp = tmp_path_factory.mktemp("messy")
    src = tmp / "clean.parquet"
    clean.to_parquet(src)
    messy = tmp / f"messy.{fmt}"
    _write_messy(_messy_rows(clean, full_width), messy)
    a, b = tmp / "a.csv", tmp / "b.csv"
    _apply(src, a, "--rules", "value", "--as-of", "2025-02-01")
    report = _apply(messy, b, "--rules", "value", "--as-of", "2025-02-01", "--engine", "duckdb")
    assert "read the whole table" not in report, report
    got = [row for row in _tiers(b) if row != ("", "", "")]
    assert got == _tiers(a)


TODAY_RULES = """\
name: today_check
title: {en: Today check}
hit_policy: first
fields:
  customer_id: {type: string, role: id}
  last_purchase: {type: date}
features:
  - days_since: last_purchase
    as: recency_days
segments:
  - id: recent
    label: {en: Recent}
    when: last_purchase >= $today - t"P30D"
  - id: older
    label: {en: Older}
    default: true
"""


@pytest.mark.parametrize("engine_args", [["--engine", "duckdb"], ["--engine", "duckdb", "-o", "x.xlsx"]])
def test_today_without_as_of_is_the_features_day_on_duckdb(tmp_path: Path, engine_args: list[str]) -> None:
    """Without --as-of, numpy takes ``$today`` to be the day the features take (the latest last_purchase), not
    the real date: so does DuckDB, streaming or not.  The data ends in 2020, so the real date makes every row
    'older'."""
    rules = tmp_path / "today.yaml"
    rules.write_text(TODAY_RULES, encoding="utf-8")
    days = [0, 10, 29, 31, 45, 400]
    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(len(days))],
                          "last_purchase": [dt.date(2020, 6, 30) - dt.timedelta(days=d) for d in days]})
    src = tmp_path / "t.csv"
    frame.to_csv(src, index=False)
    a = tmp_path / "a.csv"
    _apply(src, a, "--rules", str(rules))
    out = tmp_path / (engine_args[3] if len(engine_args) > 2 else "b.csv")
    _apply(src, out, "--rules", str(rules), *engine_args[:2])
    expected = ["recent", "recent", "recent", "older", "older", "older"]
    assert [row[1] for row in _tiers(a)] == expected
    if out.suffix == ".csv":
        assert _tiers(out) == _tiers(a)
    else:
        got = pd.read_excel(out, engine="calamine")
        assert got["Tier ID"].tolist() == expected


@pytest.mark.parametrize("rules", ["grouping_season", "behaviour"])
def test_workbook_with_orders_sheet_streams(tmp_path: Path, rules: str) -> None:
    """distributor.xlsx: the customers stream, the Orders sheet streams into DuckDB and the order features are
    SQL over it; the collect policy (behaviour) too."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _apply(SAMPLES / "distributor.xlsx", a, "--rules", rules)
    report = _apply(SAMPLES / "distributor.xlsx", b, "--rules", rules, "--engine", "duckdb")
    assert "read the whole table" not in report, report
    assert _tiers(a) == _tiers(b)


def test_a_column_the_rules_lack_is_reported_as_on_numpy(tmp_path: Path) -> None:
    from tierkit.cli import main

    result = CliRunner().invoke(main, ["apply", str(SAMPLES / "customers_simple.csv"), "--rules", "grouping_source",
                                       "-o", str(tmp_path / "o.csv"), "--engine", "duckdb"])
    assert result.exit_code == 2
    assert "unknown column 'source'" in result.output
    assert not (tmp_path / "o.csv").exists()


def test_a_sheet_with_two_tables_is_read_whole(tmp_path: Path) -> None:
    """Two tables one under the other: the whole-table reader chooses between them, so the run takes it."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["customer_id", "revenue", "frequency", "last_purchase"])
    for i in range(5):
        sheet.append([f"C{i}", 100 * i, i + 1, dt.datetime(2024, 1, i + 1)])
    for row in [[], [], [], ["region", "count"], ["R1", 1], ["R2", 2]]:
        sheet.append(row)
    src = tmp_path / "two.xlsx"
    book.save(src)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _apply(src, a, "--rules", "value")
    report = _apply(src, b, "--rules", "value", "--engine", "duckdb")
    assert "the sheet holds several tables" in report
    _same_file(a, b)


def test_the_streamed_input_is_not_read_whole_ahead(tmp_path: Path) -> None:
    """``apply --engine duckdb`` streams its input: the read-ahead thread (which reads a parquet input whole while
    the program imports) must not start, or the table it holds would never be taken."""
    from tierkit import readahead
    from tierkit.cli import main

    src = tmp_path / "in.parquet"
    pd.DataFrame({"Customer ID": ["C1", "C2"], "Revenue": [10.0, 2000.0]}).to_parquet(src)
    result = CliRunner().invoke(main, ["apply", str(src), "--rules", "abc", "--engine", "duckdb",
                                       "-o", str(tmp_path / "out.parquet"), "-q"])
    assert result.exit_code == 0, result.output
    assert not readahead._pending
