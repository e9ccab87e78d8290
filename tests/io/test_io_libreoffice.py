"""LibreOffice headless opens every output and its CSV export holds the values we wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from iofixtures import add_pivot_cache, build_openpyxl_xlsx, build_rich_xlsx, lo_csv, soffice

from tierkit.io import NewColumn, SummaryTable, read_table, write_output

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

FILLS = {"Gold": "#FFD700", "Silver": "#C0C0C0"}


def _apply(src: Path, dst: Path, **kw: object) -> tuple[Path, list[str]]:
    t = read_table(src)
    tiers = ["Gold" if i % 2 == 0 else "Silver" for i in range(len(t.frame))]
    out = write_output(t, dst, [NewColumn("Tier", tiers, [FILLS[x] for x in tiers]),
                                NewColumn("Tier reason", [f"原因 {i}" for i in range(len(tiers))])],
                       summary=[SummaryTable("Tiers", ["Tier", "Customers"], [["Gold", 3], ["Silver", 2]],
                                             list(FILLS.values()))], **kw)  # type: ignore[arg-type]
    return out, tiers


def _check(out: Path, tiers: list[str], tmp: Path, header_row: int) -> None:
    exe = soffice()
    t = read_table(out)
    rows = lo_csv(exe, out, tmp / "lo")
    header = rows[header_row - 1]
    assert header[-2:] == ["Tier", "Tier reason"]
    for i, r in enumerate(t.row_numbers.tolist()):
        line = rows[r - 1]
        assert line[len(header) - 2:len(header)] == [tiers[i], f"原因 {i}"]
        for j, v in enumerate(t.frame.iloc[i].tolist()):
            col = ord(t.column_letters[j]) - 65
            if isinstance(v, str):
                assert line[col] == v
    summary = lo_csv(exe, out, tmp / "lo-summary", sheet=len(_sheets(out)))
    assert summary[0][0] == "Tiers" and summary[2][:2] == ["Gold", "3"]


def _sheets(path: Path) -> list[str]:
    from tierkit.io import list_sheets

    return list_sheets(path)


def test_rich_workbook_opens_in_libreoffice(tmp_path: Path) -> None:
    out, tiers = _apply(add_pivot_cache(build_rich_xlsx(tmp_path / "rich.xlsx")), tmp_path / "out.xlsx")
    _check(out, tiers, tmp_path, 1)


def test_xlsm_opens_in_libreoffice(tmp_path: Path) -> None:
    out, tiers = _apply(build_rich_xlsx(tmp_path / "m.xlsm", vba=True), tmp_path / "out.xlsm")
    _check(out, tiers, tmp_path, 1)


def test_openpyxl_workbook_and_rerun_open_in_libreoffice(tmp_path: Path) -> None:
    out, _ = _apply(build_openpyxl_xlsx(tmp_path / "op.xlsx"), tmp_path / "out1.xlsx")
    out2, tiers = _apply(out, tmp_path / "out2.xlsx", replace_headers=["Tier", "Tier reason"])
    _check(out2, tiers, tmp_path, 3)
