from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from iofixtures import HEADERS, ROWS, build_openpyxl_xlsx, build_rich_xlsx

from tierkit.errors import InputFileError
from tierkit.io import list_sheets, read_table


def test_rich_workbook(tmp_path: Path) -> None:
    t = read_table(build_rich_xlsx(tmp_path / "rich.xlsx"))
    assert t.sheet == "Customers"
    assert t.header_row == 1
    assert list(t.frame.columns) == HEADERS
    assert t.column_letters == list("ABCDEFG")
    # data rows 2..6, the total row 8, the merged note row 10; blank rows 7 and 9 left out
    assert t.row_numbers.tolist() == [2, 3, 4, 5, 6, 8, 10]
    assert t.frame.iloc[0, 0] == 1001
    assert t.frame.iloc[1, 1] == "Beta & Co <x>"
    assert t.frame.iloc[2, 2] == "华南"
    assert t.frame.iloc[3, 1] == "  padded  "
    assert t.frame.iloc[0, 5] in (dt.date(2021, 3, 4), dt.datetime(2021, 3, 4))
    assert t.frame.iloc[5, 0] is None and t.frame.iloc[5, 2] == "Total"
    assert t.cell_ref(2, "Region") == "C4"
    assert all(dtype.kind == "O" for dtype in t.frame.dtypes)


def test_header_detection_title_rows_duplicates_blank_headers(tmp_path: Path) -> None:
    t = read_table(build_openpyxl_xlsx(tmp_path / "op.xlsx"))
    assert t.sheet == "Data"
    assert t.header_row == 3
    assert list(t.frame.columns) == ["Name", "Revenue", "Name (2)", "Column_D", "Region"]
    assert t.row_numbers.tolist() == [4, 6, 7]
    assert t.frame["Region"].tolist() == ["华东", "North", "West"]
    assert t.frame["Column_D"].tolist() == [None, None, None]
    assert t.cell_ref(1, "Revenue") == "B6"
    assert t.duplicates == {"Name": ["A", "C"]} and t.duplicate_cells() == {"Name": ["A3", "C3"]}


def test_repeated_headers_in_csv_keep_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("id,销售额,x, 销售额 ,销售额\n1,2,3,4,5\n", encoding="utf-8")
    t = read_table(path)
    assert list(t.frame.columns) == ["id", "销售额", "x", "销售额 (2)", "销售额 (3)"]
    assert t.duplicate_cells() == {"销售额": ["B1", "D1", "E1"]}
    assert read_table(build_rich_xlsx(tmp_path / "rich.xlsx")).duplicates == {}


def test_header_row_override_and_sheet_choice(tmp_path: Path) -> None:
    p = build_openpyxl_xlsx(tmp_path / "op.xlsx")
    t = read_table(p, sheet="Other", header_row=1)
    assert list(t.frame.columns) == ["keep me"]     # B2 is a formula openpyxl saved without a value
    assert len(t.frame) == 0
    assert read_table(p, sheet=1, header_row=1).sheet == "Other"
    assert read_table(p, sheet=" data ").sheet == "Data"    # forgiving about case and spaces
    assert list_sheets(p) == ["Data", "Other"]


def test_error_cells_kept_as_text(tmp_path: Path) -> None:
    import xlsxwriter

    p = tmp_path / "err.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("S")
    ws.write_row(0, 0, ["a", "b"])
    ws.write_formula(1, 0, "=NA()", None, "#N/A")
    ws.write_formula(1, 1, "=1/0", None, "#DIV/0!")
    ws.write(2, 0, 5)
    wb.close()
    t = read_table(p)
    assert t.frame.iloc[0].tolist() == ["#N/A", "#DIV/0!"]
    assert t.frame.iloc[1].tolist() == [5, None]


def test_empty_trailing_columns_and_rows_dropped(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"], ws["C2"] = "x", "y"
    ws["B3"], ws["C3"] = 1, 2
    ws["F1"] = "note above the table"
    wb.save(tmp_path / "t.xlsx")
    t = read_table(tmp_path / "t.xlsx")
    assert list(t.frame.columns) == ["x", "y"]
    assert t.column_letters == ["B", "C"]
    assert t.header_row == 2


# ----------------------------------------------------------------------------- csv / parquet

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "c.csv"
    p.write_bytes("客户,金额,地区\n张三,100,华东\n\n李四,-5,华南\n".encode(encoding))
    t = read_table(p)
    assert list(t.frame.columns) == ["客户", "金额", "地区"]
    assert t.frame.values.tolist() == [["张三", "100", "华东"], ["李四", "-5", "华南"]]
    assert t.row_numbers.tolist() == [2, 4]
    assert t.sheet is None


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_delimiter_sniffed(tmp_path: Path, sep: str) -> None:
    p = tmp_path / "c.csv"
    p.write_text(f"a{sep}b{sep}c\n1{sep}2,5{sep}x\n3{sep}{sep}\"q{sep}q\"\n", encoding="utf-8")
    t = read_table(p)
    assert list(t.frame.columns) == ["a", "b", "c"]
    assert t.frame.values.tolist() == [["1", "2,5", "x"], ["3", None, f"q{sep}q"]]


def test_parquet(tmp_path: Path) -> None:
    df = pd.DataFrame({"id": [1, 2], "name": ["a", "层"], "rev": [1.5, np.nan]})
    df.to_parquet(tmp_path / "p.parquet")
    t = read_table(tmp_path / "p.parquet")
    assert list(t.frame.columns) == ["id", "name", "rev"]
    assert t.row_numbers.tolist() == [2, 3]
    assert t.frame["name"].tolist() == ["a", "层"]


def test_big_row_numbers_are_int(tmp_path: Path) -> None:
    t = read_table(build_rich_xlsx(tmp_path / "r.xlsx", rows=ROWS * 3))
    assert t.row_numbers.dtype.kind == "i"


# ----------------------------------------------------------------------------- bad files

def _err(path: Path, **kw: object) -> InputFileError:
    with pytest.raises(InputFileError) as info:
        read_table(path, **kw)  # type: ignore[arg-type]
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    (tmp_path / "customers.xlsx").write_bytes(b"")
    e = _err(tmp_path / "customer.xlsx")
    assert "not found" in str(e) and "customer.xlsx" in str(e) and "customers.xlsx" in str(e)


def test_not_a_workbook(tmp_path: Path) -> None:
    p = tmp_path / "notes.xlsx"
    p.write_text("name,revenue\nx,1\n")
    e = _err(p)
    assert "notes.xlsx" in str(e) and "not an Excel workbook" in str(e) and "rename it to .csv" in str(e)


def test_xls(tmp_path: Path) -> None:
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    e = _err(p)
    assert "old.xls" in str(e) and ".xls" in str(e) and "Save As" in str(e) and ".xlsx" in str(e)


def test_password_protected(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE compound file with EncryptionInfo/EncryptedPackage streams.
    p = tmp_path / "secret.xlsx"
    directory = b"".join(n.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
                         for n in ["Root Entry", "EncryptionInfo", "EncryptedPackage"])
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + directory + b"\x00" * 4096)
    e = _err(p)
    assert "secret.xlsx" in str(e) and "password" in str(e) and "remove the password" in str(e)


def test_corrupt_zip(tmp_path: Path) -> None:
    good = build_rich_xlsx(tmp_path / "good.xlsx").read_bytes()
    p = tmp_path / "broken.xlsx"
    p.write_bytes(good[: len(good) // 2])
    e = _err(p)
    assert "broken.xlsx" in str(e) and "damaged" in str(e)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    p = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("readme.txt", "hi")
    assert "not an Excel workbook" in str(_err(p))


def test_sheet_missing_lists_sheets(tmp_path: Path) -> None:
    e = _err(build_rich_xlsx(tmp_path / "r.xlsx"), sheet="Customer")
    s = str(e)
    assert "'Customer' not found" in s and "did you mean 'Customers'?" in s and "'说明'" in s and "r.xlsx" in s
    assert "no sheet number 7" in str(_err(tmp_path / "r.xlsx", sheet=7))


def test_empty_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Blank"
    wb.create_sheet("Data")["A1"] = "x"
    wb.save(tmp_path / "e.xlsx")
    e = _err(tmp_path / "e.xlsx")
    assert "empty" in str(e) and "Blank" in str(e) and "--sheet" in str(e) and "'Data'" in str(e)


def test_no_header_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for r in range(1, 40):
        wb.active.append([r, r * 2.0, r * 3])
    wb.save(tmp_path / "n.xlsx")
    e = _err(tmp_path / "n.xlsx")
    assert "no header row" in str(e) and "--header-row" in str(e)
    t = read_table(tmp_path / "n.xlsx", header_row=1)
    assert list(t.frame.columns) == ["1", "2", "3"]


def test_header_row_outside(tmp_path: Path) -> None:
    e = _err(build_rich_xlsx(tmp_path / "r.xlsx"), header_row=500)
    assert "outside the data" in str(e)


def test_empty_csv_and_binary_csv(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("\n\n")
    assert "no rows" in str(_err(tmp_path / "e.csv"))
    (tmp_path / "z.csv").write_bytes(b"\x00\x01\x02binary")
    assert "not a text" in str(_err(tmp_path / "z.csv"))
    (tmp_path / "zero.xlsx").write_bytes(b"")
    assert "empty" in str(_err(tmp_path / "zero.xlsx"))
