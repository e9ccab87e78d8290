"""The application layer: one reading of tables, dates, params and rule sets for every adapter.

Each test here pins a bug that came from adapters doing the same work their own way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from tierkit import TierkitError, app, classify, load_ruleset
from tierkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
EPOCH = dt.date(1899, 12, 30)

NARROW_RULES = """
name: big
title: {en: Big accounts, zh: 大客户}
fields:
  customer_id: {type: string, aliases: [客户编号]}
  revenue: {type: float, aliases: [销售额]}
params: {cut: 1000}
segments:
  - {id: big, label: {en: Big, zh: 大}, when: revenue >= cut, color: "#1b5e20"}
  - {id: small, label: {en: Small, zh: 小}, default: true}
"""

#: a title line above a two-column table: the add-in used to take the title for the header
NARROW = [
    ["客户名单 2024", None],
    ["客户编号", "销售额"],
    ["C1", 5000],
    ["C2", 200],
    [None, None],
    ["C3", "1,500"],
]


def _xlsx(path: Path, rows: list[list[Any]], sheet: str = "Customers", **others: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for name, more in others.items():
        extra = wb.create_sheet(name)
        for row in more:
            extra.append(row)
    wb.save(path)
    return path


def test_file_and_cells_read_the_same_table(tmp_path: Path) -> None:
    raw_file = app.open_table(_xlsx(tmp_path / "c.xlsx", NARROW))
    raw_cells = app.table_from_cells(NARROW, name="c.xlsx", sheet="Customers")
    assert raw_file.header_row == raw_cells.header_row == 2
    assert list(raw_file.frame.columns) == list(raw_cells.frame.columns) == ["客户编号", "销售额"]
    assert raw_file.row_numbers.tolist() == raw_cells.row_numbers.tolist() == [3, 4, 6]
    assert raw_file.frame.values.tolist() == raw_cells.frame.values.tolist()


def test_addin_apply_skips_a_title_line_like_tierkit_apply(tmp_path: Path) -> None:
    from tests.addin.helpers import book_json, run_script

    rules = tmp_path / "big.yaml"
    rules.write_text(NARROW_RULES, encoding="utf-8")
    cells = [["" if v is None else v for v in row] for row in NARROW]
    out, _ = run_script("apply_rules", book_json({"Customers": cells}), str(rules), "en")
    block = next(a for a in out["actions"] if a["func"] == "setValues" and a.get("sheet_position") == 0)
    assert block["start_row"] == 1  # 0-based: the header is sheet row 2, not the title in row 1
    assert block["values"][0] == ["Tier", "Tier ID", "Tier reason"]
    addin_ids = [r[1] for r in block["values"][1:]]

    src = _xlsx(tmp_path / "c.xlsx", NARROW)
    res = CliRunner().invoke(main, ["apply", str(src), "--rules", str(rules), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["Customers"]
    cli_ids = [ws.cell(row=r, column=4).value for r in range(3, 7)]
    assert ws.cell(row=2, column=4).value == "Tier ID"
    assert addin_ids == ["big", "small", "", "big"]
    assert [v or "" for v in cli_ids] == addin_ids


@pytest.mark.parametrize("text", ["2024-01-05", "2024/1/5", "2024年1月5日", "5/1/2024", "2024.01.05",
                                  45296, 45296.0, dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 13, 30)])
def test_as_of_reads_the_same_everywhere(text: Any) -> None:
    assert app.parse_as_of(text) == dt.date(2024, 1, 5)
    assert (EPOCH + dt.timedelta(days=45296)) == dt.date(2024, 1, 5)


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "31/31/2024"])
def test_a_bad_as_of_is_one_clear_error(text: str) -> None:
    with pytest.raises(TierkitError, match="is not a date"):
        app.parse_as_of(text)


def test_blank_as_of_means_default() -> None:
    assert app.parse_as_of(None) is None and app.parse_as_of("  ") is None


def test_addin_as_of_setting_takes_the_same_formats(tmp_path: Path) -> None:
    from tierkit_addin import core

    assert core.parse_as_of("2024/1/5") == core.parse_as_of([["2024年1月5日"]]) == dt.date(2024, 1, 5)


def test_brief_accepts_the_as_of_apply_accepts_and_params_and_rules_sheets(tmp_path: Path) -> None:
    rows = [["客户编号", "销售额"], ["C1", 5000], ["C2", 200], ["C3", 900]]
    rules_rows = [["id", "label", "when"], ["big", "Big", "销售额 >= 1000"], ["small", "Small", "default"]]
    rules_rows[1][2] = "revenue >= 1000"
    src = _xlsx(tmp_path / "c.xlsx", [["customer_id", "revenue"], *rows[1:]], Rules=rules_rows)
    runner = CliRunner()
    res = runner.invoke(main, ["brief", str(src), "--rules", "sheet:Rules", "--as-of", "2024/1/5",
                               "-o", str(tmp_path / "b.pdf")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "b.pdf").read_bytes()[:5] == b"%PDF-"
    res = runner.invoke(main, ["brief", str(src), "--rules", "abc", "--param", "a_shar=0.7",
                               "-o", str(tmp_path / "c.pdf")])
    assert res.exit_code == 2 and "unknown parameter 'a_shar'" in res.output and "Traceback" not in res.output


def test_params_read_the_same_everywhere() -> None:
    assert app.parse_params(["a=70%", "b = 1,200", "c=0.5"]) == {"a": 0.7, "b": 1200.0, "c": 0.5}
    assert app.parse_params({"a": "70%"}) == {"a": 0.7}
    for bad in (["a"], ["=1"], ["a=lots"]):
        with pytest.raises(TierkitError):
            app.parse_params(bad)


def test_rules_from_a_sheet_are_found_the_same_way(tmp_path: Path) -> None:
    rules_rows = [["id", "label", "when"], ["big", "Big", "revenue >= 1000"], ["small", "Small", "default"]]
    src = _xlsx(tmp_path / "c.xlsx", [["customer_id", "revenue"], ["C1", 5]], Rules=rules_rows)
    (from_file,) = app.resolve_rules(["sheet:Rules"], sheet_rows=app.workbook_sheet_rows(src))
    from_cells = app.load_rules(rules_rows)
    assert [s.when for s in from_file.segments] == [s.when for s in from_cells.segments]
    with pytest.raises(TierkitError, match="has no sheet 'Nope'"):
        app.resolve_rules(["sheet:Nope"], sheet_rows=app.workbook_sheet_rows(src))
    with pytest.raises(TierkitError, match="given twice"):
        app.resolve_rules(["abc", "abc"])


def test_tier_columns_are_named_once() -> None:
    from tierkit_addin import workbook

    abc = load_ruleset("abc")
    assert tuple(app.tier_columns(abc, "en")) == workbook.tier_headers(abc, "en") == ("Tier", "Tier ID",
                                                                                      "Tier reason")
    assert tuple(app.tier_columns(abc, "zh")) == ("层级", "层级编号", "层级原因")
    assert tuple(app.tier_columns(abc, "zh", several=True))[1].endswith("编号")
    headers = app.tier_headers([abc])
    assert {"Tier", "层级原因", *app.tier_columns(abc, "en", True), *app.tier_columns(abc, "zh", True)} <= headers


def test_a_given_tier_never_gets_a_reason_that_does_not_hold(tmp_path: Path) -> None:
    """A tiered file whose Tier ID was edited (or whose data changed since): the brief keeps the file's tier
    and says so, instead of the rules' reason for another tier (which read e.g. 'revenue 5 >= 1000')."""
    from tierkit.reporting.cli import classify_table

    rules = tmp_path / "big.yaml"
    rules.write_text(NARROW_RULES, encoding="utf-8")
    rs = load_ruleset(str(rules))
    src = _xlsx(tmp_path / "t.xlsx", [["客户编号", "销售额", "Tier", "Tier ID", "Tier reason"],
                                      ["C1", 5000, "Big", "big", ""], ["C2", 200, "Big", "big", ""],
                                      ["C3", 100, "Small", "small", ""]])
    result, *_ = classify_table(app.open_table(src), rs)
    assert result.tier_ids() == ["big", "big", "small"]
    reasons = result.reasons("en")
    assert "5,000" in reasons[0] or "5000" in reasons[0]
    assert "given in the file's 'Tier ID' column" in reasons[1] and "Small" in reasons[1]
    assert "200" not in reasons[1]
    assert "层级取自文件" in result.reasons("zh")[1]
    plain = classify(rs, app.open_table(src).frame.iloc[:, :2])
    assert plain.reasons("en")[0] == reasons[0] and plain.reasons("en")[2] == reasons[2]


def test_open_table_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(TierkitError, match="file not found"):
        app.open_table(tmp_path / "nope.xlsx")
    with pytest.raises(TierkitError, match="folder"):
        app.open_table(tmp_path)


def test_first_data_sheet_skips_notes_and_output_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["这是说明"])
    wb.create_sheet("Tier summary").append(["x"])
    data = wb.create_sheet("数据")
    data.append(["客户编号", "销售额"])
    data.append(["C1", 1])
    wb.save(tmp_path / "n.xlsx")
    assert app.open_table(tmp_path / "n.xlsx").sheet == "数据"
    assert app.open_table(tmp_path / "n.xlsx", sheet="3").sheet == "数据"
