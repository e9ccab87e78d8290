"""The compare_tiers button on xw.Book(json=...) books (xlwings' remote engine): the two movement sheets, with
the figures ``tierkit compare`` gives for the same tables (issue 16, item 8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from tierkit.cli import main

from .helpers import FIXTURES, book_json, run_script, serial

MINI = str(FIXTURES / "mini_ids.yaml")
Q2: list[list[Any]] = [
    ["客户编号", "销售额", "订单数", "最近下单日期"],
    ["C001", 25000, 8, serial("2024-06-01")],
    ["C002", 12000, 6, serial("2024-05-01")],
    ["C003", 5000, 2, serial("2023-03-15")],
    ["C004", 800, 1, serial("2024-04-01")],
]
Q3: list[list[Any]] = [
    ["Customer list 客户名单", "", "", ""],  # a title line above the table
    ["客户编号", "销售额", "订单数", "最近下单日期"],
    [1007, 26000, 9, serial("2024-09-01")],  # an id typed as a number
    ["C002", 3000, 6, serial("2024-05-01")],
    ["C003", 5000, 2, serial("2023-03-15")],
    ["C005", 40000, 3, serial("2024-09-10")],
    ["合计", 74000, 20, ""],  # a total line is not a customer
]


def settings(**rows: Any) -> list[list[Any]]:
    return [[k, v] for k, v in rows.items()]


def values_of(actions: list[dict[str, Any]], position: int) -> list[list[Any]]:
    blocks = [a for a in actions if a["func"] == "setValues" and a.get("sheet_position") == position]
    assert len(blocks) == 1
    return blocks[0]["values"]


def added(actions: list[dict[str, Any]]) -> dict[str, int]:
    return {a["args"][1]: a["args"][0] for a in actions if a["func"] == "addSheet"}


def test_compare_with_another_sheet_writes_both_sheets() -> None:
    q3 = [list(r) for r in Q3]
    q3[2][0] = "C001"  # the same customer as Q2's C001
    data = book_json({"Q3": q3, "Q2": Q2, "tierkit": settings(rule_set=MINI, compare_with="Q2", as_of="2024-09-30")})
    out, book = run_script("compare_tiers", data)
    sheets = added(out["actions"])
    assert set(sheets) == {"Tier movement", "Customer moves"}
    moves = values_of(out["actions"], sheets["Customer moves"])
    assert moves[0][:6] == ["客户编号", "Tier before", "Tier after", "Tier ID before", "Tier ID after", "Move"]
    by_id = {r[0]: r for r in moves[1:]}
    assert set(by_id) == {"C001", "C002", "C003", "C004", "C005"}
    assert by_id["C004"][5] == "gone" and by_id["C005"][5] == "new"
    result = book._tierkit_result
    assert result["customers"] == 5
    matrix = values_of(out["actions"], sheets["Tier movement"])
    assert matrix[0][0].startswith("Tier movement: ") and "Q2 → Q3" in matrix[0][0]
    # the data sheet is active again and nothing was written on it
    assert not [a for a in out["actions"] if a.get("sheet_position") == 0 and a["func"] != "activateSheet"]


def test_same_figures_as_tierkit_compare(tmp_path: Path) -> None:
    data = book_json({"Q3": Q3, "Q2": Q2, "tierkit": settings(rule_set=MINI, compare_with="Q2", as_of="2024-09-30")})
    out, book = run_script("compare_tiers", data)
    moves = values_of(out["actions"], added(out["actions"])["Customer moves"])
    # the same two tables as files, through the CLI
    files = []
    for name, rows in (("q2.xlsx", Q2), ("q3.xlsx", Q3)):
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append([openpyxl.utils.datetime.from_excel(v) if isinstance(v, int) and v > 40000 else v
                              for v in r])
        wb.save(tmp_path / name)
        files.append(str(tmp_path / name))
    res = CliRunner().invoke(main, ["compare", *files, "-r", MINI, "--as-of", "2024-09-30", "-o",
                                    str(tmp_path / "m.xlsx")])
    assert res.exit_code == 0, res.stderr
    cli = [list(r) for r in openpyxl.load_workbook(tmp_path / "m.xlsx")["Customer moves"].iter_rows(values_only=True)]
    key = {str(r[0]): r[1:7] for r in cli[1:]}
    assert {str(r[0]): tuple(v if v != "" else None for v in r[1:7]) for r in moves[1:]} == {
        k: tuple(v) for k, v in key.items()}
    assert book._tierkit_result["report"][1:] == res.stdout.splitlines()[2:]


def test_compare_from_a_date_in_chinese() -> None:
    data = book_json({"客户": Q2, "tierkit": settings(规则集=MINI, 语言="zh", 对比日期="2023-12-31",
                                                       基准日期="2024-06-30")})
    out, book = run_script("compare_tiers", data)
    sheets = added(out["actions"])
    assert set(sheets) == {"层级变动", "客户变动"}
    assert book._tierkit_result["customers"] == 4


@pytest.mark.parametrize(("rows", "expected"), [
    ({}, "compare_with | <sheet>"),
    ({"compare_with": "Nope"}, "'Nope'"),
    ({"compare_with": "Q2", "compare_from": "2024-01-01"}, "compare_with | <sheet>"),
    ({"compare_with": "Data"}, "cannot be compared with itself"),
])
def test_mistakes_are_one_line_alerts_and_write_nothing(rows: dict[str, Any], expected: str) -> None:
    data = book_json({"Data": Q2, "Q2": Q2, "tierkit": settings(rule_set=MINI, **rows)})
    out, _ = run_script("compare_tiers", data)
    alerts = [a for a in out["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and expected in alerts[0]["args"][0]
    assert "\n" not in alerts[0]["args"][0] and "Traceback" not in alerts[0]["args"][0]
    assert {a["func"] for a in out["actions"]} == {"alert"}
