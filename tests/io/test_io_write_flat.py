from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from iofixtures import build_rich_xlsx

from tierkit.io import NewColumn, SummaryTable, escape_formula, read_table, write_output


@pytest.mark.parametrize(("text", "escaped"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("-12.5", "-12.5"), ("+7", "+7"), ("-1e3", "-1e3"), ("-", "'-"),
    ("plain", "plain"), ("a=b", "a=b"), ("", ""),
])
def test_escape_formula(text: str, escaped: str) -> None:
    assert escape_formula(text) == escaped


@given(st.text())
def test_escape_formula_never_leaves_a_formula(text: str) -> None:
    out = escape_formula(text)
    assert out == text or out == "'" + text
    if out.startswith(("=", "@", "\t", "\r")):
        raise AssertionError(out)


def _columns(n: int) -> list[NewColumn]:
    return [NewColumn("Tier", ["Gold", "=danger()", "Silver", None][:n] + ["x"] * max(0, n - 4),
                      ["#FFD700", None, "#C0C0C0", None][:n] + [None] * max(0, n - 4)),
            NewColumn("Tier ID", [1, -2, 3.5, None][:n] + [0] * max(0, n - 4))]


def test_csv_round_trip_bom_and_escaping(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("客户,金额,备注\n张三,-5,=HYPERLINK(\"x\")\n李四,12.5,@evil\n王五,,\n", encoding="gb18030")
    t = read_table(src)
    out = write_output(t, tmp_path / "out.csv", _columns(3))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["客户", "金额", "备注", "Tier", "Tier ID"]
    assert rows[1] == ["张三", "-5", "'=HYPERLINK(\"x\")", "Gold", "1"]
    assert rows[2] == ["李四", "12.5", "'@evil", "'=danger()", "-2"]
    assert rows[3] == ["王五", "", "", "Silver", "3.5"]
    again = read_table(out)
    assert list(again.frame.columns) == rows[0]
    # re-running replaces the tier columns instead of adding a second set
    out2 = write_output(again, tmp_path / "out2.csv", _columns(3), replace_headers=["Tier", "Tier ID"])
    assert list(read_table(out2).frame.columns) == rows[0]


def test_parquet_round_trip(tmp_path: Path) -> None:
    df = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "层级", None], "rev": [1.5, 2.0, 3.25]})
    df.to_parquet(tmp_path / "in.parquet")
    t = read_table(tmp_path / "in.parquet")
    out = write_output(t, tmp_path / "out.parquet", _columns(3))
    back = pd.read_parquet(out)
    assert list(back.columns) == ["id", "name", "rev", "Tier", "Tier ID"]
    assert back["Tier"].tolist() == ["Gold", "=danger()", "Silver"]
    assert back["Tier ID"].tolist() == [1, -2, 3.5]
    assert back["id"].tolist() == [1, 2, 3]


def test_xlsx_to_csv_and_parquet(tmp_path: Path) -> None:
    t = read_table(build_rich_xlsx(tmp_path / "rich.xlsx"))
    n = len(t.frame)
    cols = [NewColumn("Tier", ["Gold"] * n)]
    out = write_output(t, tmp_path / "o.csv", cols)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][-1] == "Tier" and rows[1][:3] == ["1001", "Alpha Ltd", "华东"]
    assert rows[5][1] == "'=cmd|' /C calc'!A0"
    pq = write_output(t, tmp_path / "o.parquet", cols)
    assert pd.read_parquet(pq)["Tier"].tolist() == ["Gold"] * n


def test_csv_to_new_xlsx(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("name,rev\nA,1\nB,2\nC,3\n", encoding="utf-8")
    t = read_table(src)
    out = write_output(t, tmp_path / "out.xlsx", _columns(3),
                       summary=[SummaryTable("Counts", ["Tier", "n"], [["Gold", 1]], ["#FFD700"])])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["in", "Tier summary"]
    ws = wb["in"]
    assert [c.value for c in ws[1]] == ["name", "rev", "Tier", "Tier ID"]
    assert [c.value for c in ws[3]] == ["B", "2", "=danger()", -2]
    assert ws["C2"].fill.fgColor.rgb == "FFFFD700"


def test_new_workbook_from_parquet_keeps_numpy_types(tmp_path: Path) -> None:
    import numpy as np
    import openpyxl
    import pandas as pd

    from tierkit.io import NewColumn, read_table, write_output

    pd.DataFrame({"a": [1, 2], "flag": [True, False], "when": pd.to_datetime(["2024-01-05", None])}).to_parquet(
        tmp_path / "in.parquet")
    table = read_table(tmp_path / "in.parquet")
    write_output(table, tmp_path / "out.xlsx", [NewColumn("Tier", [np.bool_(True), "x"], None)])
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows()]
    assert rows[1][:2] == [1, True] and rows[2][:2] == [2, False]  # booleans, not the text "True"
    assert rows[1][2].date().isoformat() == "2024-01-05" and rows[2][2] is None
    assert rows[1][3] is True and rows[2][3] == "x"
