"""The buttons on xw.Book(json=...) books (xlwings' remote engine): the actions sent back to Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .helpers import MINI, book_json, run_script, serial

ROWS: list[list[Any]] = [
    ["Customer list 客户名单", "", "", "", ""],  # a title line above the table
    ["", "", "", "", ""],
    ["客户编号", "销售额", "订单数", "最近下单日期", "备注"],
    ["C001", 25000, 8, serial("2024-06-01"), "key"],
    ["C002", "12,000", 6, serial("2024-05-01"), ""],
    ["C003", 5000, 2, serial("2023-03-15"), ""],
    ["C004", "", 1, serial("2024-04-01"), "blank revenue"],
    ["C005", 0, 1, serial("2024-04-01"), ""],
]
COLORS = {"vip": "#1b5e20", "lapsed": "#c62828", "small": "#90caf9", "regular": "#9e9e9e"}


def customers(rows: list[list[Any]] | None = None, **extra: list[list[Any]]) -> dict[str, Any]:
    return book_json({"Customers": rows or ROWS, **extra})


def by_func(actions: list[dict[str, Any]], func: str) -> list[dict[str, Any]]:
    return [a for a in actions if a["func"] == func]


def test_apply_rules_writes_tier_columns_colours_and_summary_only() -> None:
    out, book = run_script("apply_rules", customers(), MINI, "en")
    actions = out["actions"]
    data = [a for a in actions if a.get("sheet_position") == 0 and a["func"] != "activateSheet"]
    # on the data sheet: one block of values in the three tier columns (F:H), and the label colours
    values = by_func(data, "setValues")
    assert len(values) == 1
    block = values[0]
    assert (block["start_row"], block["start_column"], block["column_count"]) == (2, 5, 3)
    assert block["values"][0] == ["Tier", "Tier ID", "Tier reason"]
    assert [r[0] for r in block["values"][1:]] == ["VIP", "VIP", "Lapsed", "Regular", "Small"]
    assert [r[1] for r in block["values"][1:]] == ["vip", "vip", "lapsed", "regular", "small"]
    colors = by_func(data, "setRangeColors")
    assert len(colors) == 1 and colors[0]["start_row"] == 3 and colors[0]["start_column"] == 5
    assert [c[0] for c in colors[0]["args"][0]] == [
        COLORS[i] for i in ("vip", "vip", "lapsed", "regular", "small")
    ]
    # nothing else is written on the data sheet: no cell outside F3:H8 and no other kind of action
    assert {a["func"] for a in data} == {"setValues", "setRangeColors"}
    for a in data:
        assert a["start_column"] >= 5 and a["start_column"] + a["column_count"] <= 8
        assert a["start_row"] >= 2 and a["start_row"] + a["row_count"] <= 8
    # the summary sheet is added and written; the data sheet is activated again
    assert by_func(actions, "addSheet") == [{**by_func(actions, "addSheet")[0], "args": [1, "Tier summary"]}]
    summary = [a for a in actions if a.get("sheet_position") == 1]
    assert summary and {a["func"] for a in summary} <= {"setValues", "setRangeColor", "setAutofit"}
    text = [v for a in by_func(summary, "setValues") for row in a["values"] for v in row]
    assert "Customers" in text and "Tier ID" in text and "Total" in text
    assert COLORS["vip"] in [a["args"][0] for a in by_func(summary, "setRangeColor")]
    assert by_func(actions, "activateSheet")[0]["args"] == [0]
    assert {a["func"] for a in actions if a.get("sheet_position") not in (0, 1)} == {"addSheet"}
    assert book._tierkit_result["counts"][0] == {
        "id": "vip",
        "label": "VIP",
        "count": 2,
        "share": 0.4,
        "color": COLORS["vip"],
    }


def test_apply_rules_again_reuses_the_tier_columns_and_summary_sheet() -> None:
    rows = [list(r) for r in ROWS]
    rows[2] += ["层级", "层级编号", "层级原因"]  # the Chinese columns of an earlier run
    for r in rows[3:]:
        r += ["x", "y", "z"]
    for r in rows[:2]:
        r += ["", "", ""]
    out, _ = run_script("apply_rules", customers(rows, **{"Tier summary": [["old"]]}), MINI, "en")
    actions = out["actions"]
    block = by_func([a for a in actions if a.get("sheet_position") == 0], "setValues")[0]
    assert block["start_column"] == 5 and block["values"][0] == ["Tier", "Tier ID", "Tier reason"]
    assert not by_func(actions, "addSheet")
    assert by_func(actions, "sheetClear")[0]["sheet_position"] == 1


def test_settings_sheet_chooses_rule_set_and_language() -> None:
    settings = [["key", "value"], ["rule_set", MINI], ["lang", "zh"]]
    out, book = run_script("apply_rules", customers(tierkit=settings))
    block = by_func(out["actions"], "setValues")[0]
    assert block["values"][0] == ["层级", "层级编号", "层级原因"]
    assert block["values"][1][0] == "重要客户"
    assert book._tierkit_result["rule_set"] == "mini"


def test_rules_sheet_in_the_workbook() -> None:
    rules = [
        ["id", "label", "when", "color"],
        ["big", "Big", "revenue >= 10000", "#112233"],
        ["rest", "Rest", "default", ""],
    ]
    rows = [["customer", "revenue"], ["a", 20000], ["b", 5]]
    out, _ = run_script("apply_rules", book_json({"Data": rows, "Rules": rules}), "Rules")
    block = by_func(out["actions"], "setValues")[0]
    assert [r[0] for r in block["values"]] == ["Tier", "Big", "Rest"]
    assert by_func(out["actions"], "setRangeColors")[0]["args"][0] == [["#112233"], [None]]


def test_no_rule_set_gives_an_alert_and_writes_nothing() -> None:
    out, _ = run_script("apply_rules", customers())
    assert [a["func"] for a in out["actions"]] == ["alert"]
    prompt = out["actions"][0]["args"][0]
    assert "no rule set chosen" in prompt and "tierkit" in prompt and "Traceback" not in prompt


def test_bad_rule_set_and_own_sheet_give_alerts() -> None:
    out, _ = run_script("apply_rules", customers(), "no_such_rules")
    assert [a["func"] for a in out["actions"]] == ["alert"]
    assert "no rule set named 'no_such_rules'" in out["actions"][0]["args"][0]
    data = book_json({"Customers": ROWS, "Tier summary": [["x"]]}, active=1)
    out, _ = run_script("apply_rules", data, MINI)
    assert [a["func"] for a in out["actions"]] == ["alert"]
    assert "tierkit's own sheet" in out["actions"][0]["args"][0]


def test_check_rules_reports_gaps_and_overlaps_on_a_new_sheet() -> None:
    rows = [*ROWS, ["C006", 50, 1, serial("2023-01-01"), "lapsed and small"]]
    out, book = run_script("check_rules", customers(rows), MINI)
    actions = out["actions"]
    assert by_func(actions, "addSheet")[0]["args"] == [1, "Tier check"]
    assert not [a for a in actions if a.get("sheet_position") == 0 and a["func"] != "activateSheet"]
    text = [str(v) for a in by_func(actions, "setValues") for row in a["values"] for v in row]
    assert any("gap" in t for t in text) and any("overlap" in t for t in text)
    result = book._tierkit_result
    assert result["rows"] == 6 and result["gaps"] == 1  # C004 matches no condition (-> default regular)
    assert result["overlaps"] == 1  # C006 is lapsed and small (hit policy first: lapsed wins)
    assert "9" in text[text.index(next(t for t in text if "overlap" in t)) + 2]  # Excel row 9


def test_explain_selection_alerts_the_reason() -> None:
    out, _ = run_script("explain_selection", book_json({"Customers": ROWS}, selection="B6"), MINI)
    assert [a["func"] for a in out["actions"]] == ["alert"]
    prompt = out["actions"][0]["args"][0]
    assert prompt.startswith("row 6: Lapsed")  # the Excel row, as `tierkit explain` names it
    assert "→ Lapsed" in prompt and "values:" in prompt


def test_explain_selection_outside_the_table() -> None:
    out, _ = run_script("explain_selection", book_json({"Customers": ROWS}, selection="A2"), MINI)
    assert [a["func"] for a in out["actions"]] == ["alert"]
    assert "outside the table" in out["actions"][0]["args"][0]


def test_make_briefs_writes_a_pdf(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TIERKIT_BRIEFS_DIR", str(tmp_path))
    out, book = run_script("make_briefs", customers(), MINI, "zh")
    assert not by_func(out["actions"], "alert"), out["actions"]
    assert not [a for a in out["actions"] if a["func"] != "activateSheet"]  # the workbook is not written
    result = book._tierkit_result
    pdf = tmp_path / result["briefs"]
    assert result["briefs"] == "customers-mini-briefs.pdf" and pdf.read_bytes()[:5] == b"%PDF-"


def test_check_rules_reports_unreachable_segments(tmp_path) -> None:
    rules = tmp_path / "shadow.yaml"
    rules.write_text(
        "name: shadow\nfields:\n  revenue: {type: float, aliases: [销售额]}\nsegments:\n"
        "  - id: big\n    when: revenue > 1000\n  - id: bigger\n    when: revenue > 20000\n"
        "  - id: rest\n    default: true\n", encoding="utf-8")
    out, book = run_script("check_rules", customers(), str(rules))
    text = [str(v) for a in by_func(out["actions"], "setValues") for row in a["values"] for v in row]
    assert any("segment 'bigger'" in t and "can never match" in t for t in text)
    assert book._tierkit_result["problems"] >= 1


def check_sheet_rows(book: Any) -> list[list[Any]]:
    return [row for a in by_func(book.json()["actions"], "setValues") for row in a["values"]]


@pytest.mark.parametrize("policy", ["first", "unique", "priority", "collect"])
@pytest.mark.parametrize("default", [True, False])
def test_check_rules_agrees_with_rules_check_data(tmp_path, policy: str, default: bool) -> None:
    """The add-in's gap/overlap sheet and `tierkit rules check --data` report the same Excel rows."""
    import re

    import xlwings as xw
    from tierkit_addin import workbook

    from tierkit import TableSource, load_ruleset
    from tierkit.check import check_data, check_static

    text = Path(MINI).read_text(encoding="utf-8").replace("hit_policy: first", f"hit_policy: {policy}")
    rules = tmp_path / "mini.yaml"
    rules.write_text(text if default else text.split("  - id: regular")[0], encoding="utf-8")
    rows = [
        *ROWS,
        ["", "", "", "", ""],  # a blank line inside the table: Excel rows and table rows part ways
        ["C006", 50, 1, serial("2023-01-01"), "lapsed and small"],
        ["C007", 20000, 9, serial("2022-01-01"), "vip and lapsed"],
        ["C008", "", "", "", "all blank"],
    ]
    book = xw.Book(json=customers(rows))
    result = workbook.check(book, str(rules), "en")
    sheet = check_sheet_rows(book)
    gap = next(r for r in sheet if str(r[0]).startswith("no condition matches"))
    over = next(r for r in sheet if str(r[0]).startswith("several conditions match"))

    st = workbook.read_table(book.sheets["Customers"])
    rs = load_ruleset(str(rules))
    report = check_data(rs, st.table.frame, source=TableSource(cell_ref=lambda i, col: f"A{st.row_of(i)}"))

    def engine_rows(prefix: str) -> str:
        found = [f.message for f in report.findings if re.match(prefix, f.message)]
        return re.search(r"e\.g\. rows ([\d, ]+)", found[0]).group(1) if found else ""

    assert gap[1] == result["gaps"] and gap[2] == engine_rows(r"gap:|\d+ rows match no condition")
    assert over[1] == result["overlaps"] and over[2] == engine_rows(r"overlap:")
    assert gap[2] == "7, 12" and over[2] == "10, 11"  # C004 and C008; C006 and C007 (row 9 is blank)
    assert result["problems"] == len(report.problems) + len(check_static(rs).problems)
    assert ("overlaps under hit_policy unique" in str(sheet)) == (policy == "unique")


def test_apply_rules_leaves_out_totals_and_says_so() -> None:
    rows = [*ROWS, ["", "合计", "", "", ""], ["", "", "", "", ""], ["制表人：张三", "", "", "", ""]]
    rows[-3][1] = 42000  # the 合计 row holds the sum of 销售额 ...
    rows[-3][0] = "合计"  # ... and the total word where the id would be
    out, book = run_script("apply_rules", customers(rows), MINI, "zh")
    block = next(a for a in out["actions"] if a["func"] == "setValues" and a.get("sheet_position") == 0)
    tiers = [r[1] for r in block["values"][1:]]
    assert tiers[:5] == ["vip", "vip", "lapsed", "regular", "small"] and not any(tiers[5:])
    notes = book._tierkit_result["notes"]
    assert any("合计/小计" in n and "9" in n for n in notes) and any("表格下方" in n or "备注" in n or "说明" in n
                                                                for n in notes), notes
