"""Rows that are not customers (totals, subtotals, repeated headers, notes, blank rows) are left out and
reported by Excel row; a messy workbook gets the same tiers as its clean copy (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierkit import RuleFileError, TierkitError, app, load_ruleset
from tierkit.app.rows import TOTAL_WORDS, clean_rows, number_and_unit, total_word

ROOT = Path(__file__).resolve().parents[2]
HEAD = ["客户编号", "区域", "销售额"]


def table(rows: list[list[Any]], *, head: list[str] = HEAD) -> app.RawTable:
    """A table whose header is on sheet row 1 (data from row 2)."""
    return app.table_from_cells([head, *rows], name="book.xlsx", sheet="S", header_row=1)


def left_out(rows: list[list[Any]], *, id_column: str | None = "客户编号", head: list[str] = HEAD,
             measures: tuple[str, ...] = ("销售额",)) -> tuple[app.RawTable, app.RowReport]:
    return clean_rows(table(rows, head=head), id_column=id_column, measures=measures)


REGIONS = [
    ["C1", "华东", 1000], ["C2", "华东", 2000.5],
    [None, "华东 小计", 3000.5],
    ["C3", "华南", 700], ["C4", "华南", 300],
    [None, "华南小计", 1000],
    ["合计", None, 4000.5],
]


def test_word_subtotals_per_region_and_a_grand_total_are_left_out() -> None:
    clean, report = left_out(REGIONS)
    assert list(clean.frame["客户编号"]) == ["C1", "C2", "C3", "C4"]
    assert report.of("total") == (4, 7, 8)
    assert clean.row_numbers.tolist() == [2, 3, 5, 6]
    assert report.lines("en") == ["left out 3 rows: totals/subtotals (Excel rows 4, 7, 8)"]


def test_numeric_subtotals_and_grand_total_without_any_word() -> None:
    rows = [["C1", "华东", 1000], ["C2", "华东", 2000.5], [None, None, 3000.5],
            ["C3", "华南", 700], ["C4", "华南", 300], [None, None, 1000], [None, None, 4000.5]]
    clean, report = left_out(rows)
    assert report.of("total") == (4, 7, 8)
    assert len(clean) == 4


def test_a_grand_total_after_groups_without_subtotals() -> None:
    rows = [["C1", "华东", 10], ["C2", "华东", 20], [None, None, 30], ["C3", "华南", 5], [None, None, 35]]
    assert left_out(rows)[1].of("total") == (4, 6)


def test_numbers_typed_as_text_are_read_for_the_numeric_test() -> None:
    rows = [["C1", "华东", "¥1,234.50"], ["C2", "华东", "1.1万"], [None, None, "12,234.50"],
            ["C3", "华南", "12.3万"], ["C4", "华南", "4.5万"], [None, None, "16.8万"]]
    assert left_out(rows)[1].of("total") == (4, 7)


def test_within_rounding_only() -> None:
    # 16.8万 shows the sum 168,000 to the nearest 1,000: 168,400 is within it, 169,000 is not
    ok = [["C1", None, 123_000], ["C2", None, 45_400], [None, None, "16.8万"]]
    off = [["C1", None, 123_000], ["C2", None, 46_000], [None, None, "16.8万"]]
    assert left_out(ok)[1].of("total") == (4,)
    assert left_out(off)[1].of("total") == ()
    assert number_and_unit("12.3万") == (123_000.0, 500.0)
    assert number_and_unit("1,234.50") == (1234.5, 0.005)
    assert number_and_unit(12) == (12.0, 0.005)
    assert number_and_unit("n/a") == (None, 0.0)


def test_a_row_with_an_id_is_never_dropped_by_the_numeric_test() -> None:
    rows = [["C1", "华东", 1000], ["C2", "华东", 2000], ["C3", "华东", 3000], [None, None, 6000]]
    clean, report = left_out(rows)
    assert list(clean.frame["客户编号"]) == ["C1", "C2", "C3"]   # C3 equals C1 + C2 and stays
    assert report.of("total") == (5,)


def test_a_customer_called_total_with_an_id_is_kept() -> None:
    rows = [["C1", "Total Foods Ltd", 1000], ["C2", "Sum & Co", 500], ["C3", "小计贸易", 1500]]
    clean, report = left_out(rows)
    assert len(clean) == 3 and not report


def test_a_customer_without_an_id_is_kept_when_no_test_says_total() -> None:
    rows = [["C1", "华东", 1000], [None, "华东", 250], ["C2", "华东", 2000]]
    clean, report = left_out(rows)
    assert len(clean) == 3 and not report


def test_without_an_id_column_only_a_standalone_or_trailing_total_word_counts() -> None:
    head = ["客户", "销售额"]
    rows = [["Total Foods Ltd", 1000], ["Acme", 2000], ["Beta", 3000], ["East total", 6000], ["合计：", 6000]]
    clean, report = left_out(rows, id_column=None, head=head)
    assert list(clean.frame["客户"]) == ["Total Foods Ltd", "Acme", "Beta"]  # Beta = 1000 + 2000, no id test
    assert report.of("total") == (5, 6)


@pytest.mark.parametrize("word", TOTAL_WORDS)
def test_every_documented_total_word(word: str) -> None:
    readme = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    assert f"`{word}`" in readme
    for text in (word, f" {word.upper()} ", f"{word}：", f"华东 {word}", f"{word.lower()}:"):
        assert total_word(text) is not None, text
        assert total_word(text, strict=True) is not None, text
    assert left_out([["C1", None, 5], [None, f"  {word}: ", 99]])[1].of("total") == (3,)


def test_total_word_is_a_whole_word() -> None:
    for text in ("Summit Ltd", "Totally Fresh", "Subtotals Inc", "", None, 12):
        assert total_word(text) is None, text
    assert total_word("华东小计") == "sub" and total_word("Grand Total") == "total"


def test_repeated_header_rows_are_left_out() -> None:
    rows = [["C1", "华东", 10], ["客户编号", "区域", "销售额"], ["C2", "华南", 20], [" 客户编号 ", "区域", None]]
    clean, report = left_out(rows)
    assert list(clean.frame["客户编号"]) == ["C1", "C2"]
    assert report.of("header") == (3, 5)
    assert report.lines("en") == ["left out 2 rows: repeated headers (Excel rows 3, 5)"]


def test_a_customer_whose_region_is_a_header_word_is_kept() -> None:
    assert not left_out([["C1", "区域", 10]])[1]


def test_notes_under_the_table_are_left_out_but_not_a_note_among_customers() -> None:
    rows = [["C1", "华东", 10], ["备注：VIP", None, None], ["C2", "华南", 20], ["合计", None, 30],
            ["制表人：张三", None, None], [None, "Source: ERP export", None], ["说明: 含税", None, None]]
    clean, report = left_out(rows)
    assert list(clean.frame["客户编号"]) == ["C1", "备注：VIP", "C2"]
    assert report.of("note") == (6, 7, 8)
    assert report.of("total") == (5,)


def test_a_customer_named_like_a_note_with_figures_is_kept() -> None:
    rows = [["C1", "华东", 10], ["Note: 1", "华南", 20]]
    assert not left_out(rows)[1]


def test_blank_rows_the_reader_dropped_are_reported() -> None:
    raw = app.table_from_cells([["标题"], HEAD, ["C1", "华东", 10], [None, None, None], [],
                                ["C2", "华东", 20], [None] * 3], name="book.xlsx", sheet="S")
    clean, report = clean_rows(raw, id_column="客户编号", measures=["销售额"])
    assert report.of("blank") == (4, 5)
    assert len(clean) == 2
    assert report.lines("en") == ["left out 2 rows: blank (Excel rows 4, 5)"]


def test_keep_all_keeps_the_rows_and_says_so() -> None:
    raw = table(REGIONS)
    clean, report = clean_rows(raw, id_column="客户编号", measures=["销售额"], keep_all=True)
    assert clean is raw
    assert report.of("total") == (4, 7, 8) and report.kept
    assert report.lines("en") == ["kept 3 rows that look like totals/subtotals (Excel rows 4, 7, 8): "
                                  "--keep-all-rows is on"]
    assert report.lines("zh")[0].startswith("保留了 3 行")


def test_report_lines_in_chinese_and_long_row_lists_are_cut() -> None:
    rows = [r for i in range(12) for r in ([f"C{i}", "华东", i + 1], [None, f"小计{i}", i + 1])]
    report = left_out(rows)[1]
    assert len(report.of("total")) == 12
    line = report.lines("zh")[0]
    assert line.startswith("略过 12 行合计/小计行") and "21… 行）" in line
    assert "、" in line


# --------------------------------------------------------------------------- role: id in rule files

ROLE_RULES = """
name: t
title: T
fields:
  cid: {type: string, role: id, aliases: [客户编号]}
  revenue: {type: float, role: %s}
segments:
  - {id: a, label: A, default: true}
"""


def test_role_id_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(ROLE_RULES.replace("role: %s", "aliases: [销售额]"), encoding="utf-8")
    rs = load_ruleset(good)
    assert rs.id_field is not None and rs.id_field.name == "cid"
    bad = tmp_path / "bad.yaml"
    bad.write_text(ROLE_RULES % "idd", encoding="utf-8")
    with pytest.raises(RuleFileError, match="unknown role 'idd'") as err:
        load_ruleset(bad)
    assert err.value.where.line == 6 and "did you mean 'id'" in str(err.value)
    two = tmp_path / "two.yaml"
    two.write_text(ROLE_RULES % "id", encoding="utf-8")
    with pytest.raises(RuleFileError, match="'cid' and 'revenue' both have role: id"):
        load_ruleset(two)


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_built_in_rule_set_marks_its_customer_id(path: Path) -> None:
    rs = load_ruleset(path)
    assert rs.id_field is not None and rs.id_field.name == "customer_id"
    assert {"客户编号", "Customer ID"} <= set(rs.id_field.aliases)


# --------------------------------------------------------------------------- apply


def write_book(path: Path, rows: list[list[Any]], sheet: str = "客户") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def sheet_rows(path: Path, sheet: str = "客户") -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def test_apply_leaves_tier_cells_of_left_out_rows_empty_and_reports_them(tmp_path: Path) -> None:
    src = write_book(tmp_path / "in.xlsx", [["客户销售表"], HEAD, *REGIONS, [], ["制表人：张三"]])
    raw = app.open_table(src)
    done = app.apply_rulesets(raw, ["abc"], tmp_path / "out.xlsx", source=app.table_source(raw))
    assert done.results[0].n == 4
    assert done.rows.of("total") == (5, 8, 9) and done.rows.of("note") == (11,)
    report = done.report()
    assert "left out 3 rows: totals/subtotals (Excel rows 5, 8, 9)" in report
    assert "left out 1 row: a note under the table (Excel row 11)" in report
    out = sheet_rows(tmp_path / "out.xlsx")
    tier_id = out[1].index("Tier ID")
    by_row = {n: row[tier_id] for n, row in enumerate(out, start=1)}
    assert [by_row[n] for n in (5, 8, 9, 11)] == [None] * 4
    assert all(by_row[n] in {"A", "B", "C"} for n in (3, 4, 6, 7))
    notes = [r[0] for r in sheet_rows(tmp_path / "out.xlsx", "Tier summary")]
    at = notes.index("Data notes")
    assert notes[at + 2] == "left out 3 rows: totals/subtotals (Excel rows 5, 8, 9)"


def test_apply_names_the_right_excel_cell_after_a_left_out_row(tmp_path: Path) -> None:
    src = write_book(tmp_path / "in.xlsx", [HEAD, ["C1", "华东", 10], [None, "小计", 10], ["C2", "华东", "ten"]])
    raw = app.open_table(src)
    with pytest.raises(TierkitError) as err:
        app.apply_rulesets(raw, ["abc"], tmp_path / "out.xlsx", source=app.table_source(raw))
    assert "C4" in str(err.value)


def test_apply_id_column_overrides_the_rule_set(tmp_path: Path) -> None:
    head = ["编号", "客户编号", "销售额"]   # 客户编号 here is a free-text column, 编号 the id
    src = write_book(tmp_path / "in.xlsx", [head, ["1", "Total Foods", 10], ["2", "小计", 10], [None, None, 20]])
    raw = app.open_table(src)
    done = app.apply_rulesets(raw, ["abc"], tmp_path / "a.xlsx", id_column="编号")
    assert done.rows.of("total") == (4,)   # customer 2 is kept; row 4 sums rows 2 and 3
    assert app.apply_rulesets(raw, ["abc"], tmp_path / "b.xlsx").rows.of("total") == (3,)
    with pytest.raises(TierkitError, match="no column 'ID' for the customer id"):
        app.apply_rulesets(raw, ["abc"], tmp_path / "c.xlsx", id_column="ID")


def test_apply_keep_all_rows_tiers_them(tmp_path: Path) -> None:
    src = write_book(tmp_path / "in.xlsx", [HEAD, *REGIONS])
    done = app.apply_rulesets(app.open_table(src), ["abc"], tmp_path / "out.xlsx", keep_all_rows=True)
    assert done.results[0].n == 7
    assert "kept 3 rows that look like totals/subtotals" in done.report()


def test_brief_classify_table_leaves_out_totals(tmp_path: Path) -> None:
    from tierkit.reporting.cli import classify_table

    src = write_book(tmp_path / "in.xlsx", [HEAD, *REGIONS])
    result, *_ = classify_table(app.open_table(src), app.load_named("abc"))
    assert result.n == 4


# --------------------------------------------------------------------------- a messy copy, the same tiers

NOTES = ["制表人：张三", "备注：金额含税", "Source: ERP export", "说明: 数据截至月底"]
TITLES = ["2024年客户销售汇总", "单位：元"]
#: customer names that hold total words: with an id they are customers
NAMES = ["Total Foods Ltd", "Sum & Co", "小计贸易", "合计通讯", "Acme", "华联商贸", "Grand Total Trading"]
WIDE = ["客户编号", "客户名称", "区域", "销售额"]


@st.composite
def customers(draw: st.DrawFn) -> list[tuple[str, str, str, float]]:
    n = draw(st.integers(3, 30))
    cents = draw(st.lists(st.integers(1, 50_000_000), min_size=n, max_size=n, unique=True))
    regions = sorted(draw(st.lists(st.sampled_from(["华东", "华南", "华北", "西南"]), min_size=n, max_size=n)))
    ids = draw(st.lists(st.integers(1, 99_999), min_size=n, max_size=n, unique=True))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=n, max_size=n))
    return [(f"K{k:05d}", name, region, c / 100)
            for k, name, region, c in zip(ids, names, regions, cents, strict=True)]


def money(draw: st.DrawFn, value: float) -> object:
    form = draw(st.sampled_from(["number", "yuan", "comma"]))
    if form == "number":
        return value
    return ("¥" if form == "yuan" else "") + f"{value:,.2f}"


@st.composite
def messy(draw: st.DrawFn, rows: list[tuple[str, str, str, float]]) -> tuple[list[list[Any]], list[int]]:
    """The customers under title rows, grouped by region with subtotals (with or without a word), a grand
    total, blank rows, a repeated header and notes: the sheet rows, and the Excel rows of the totals."""
    out: list[list[Any]] = [[t] for t in draw(st.lists(st.sampled_from(TITLES), max_size=2))]
    out.append(list(WIDE))
    totals: list[int] = []
    header_after = draw(st.integers(0, len(rows)))
    regions = list(dict.fromkeys(r[2] for r in rows))
    for k, region in enumerate(regions):
        group = [r for r in rows if r[2] == region]
        for row in group:
            if draw(st.integers(0, 9)) == 0:
                out.append([])
            out.append([row[0], row[1], row[2], money(draw, row[3])])
            if rows.index(row) + 1 == header_after and k < len(regions) - 1:
                out.append(list(WIDE))
        label = draw(st.sampled_from([f"{region} 小计", f"{region}小计", "Subtotal", None]))
        out.append([None, label, None, money(draw, round(sum(r[3] for r in group), 2))])
        totals.append(len(out))
    grand = draw(st.sampled_from([["合计", None], [None, "总计"], [None, "Grand total:"], [None, None]]))
    out.append([*grand, None, money(draw, round(sum(r[3] for r in rows), 2))])
    totals.append(len(out))
    out.extend([n] for n in draw(st.lists(st.sampled_from(NOTES), max_size=3, unique=True)))
    return out, totals


def tiers_by_id(path: Path) -> dict[Any, Any]:
    rows = sheet_rows(path)
    head = next(i for i, r in enumerate(rows) if "Tier ID" in r)
    tier = rows[head].index("Tier ID")
    return {r[0]: r[tier] for r in rows[head + 1:]}


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_messy_workbook_gets_the_tiers_of_its_clean_copy(tmp_path_factory: pytest.TempPathFactory,
                                                          data: st.DataObject) -> None:
    rows = data.draw(customers())
    sheet, totals = data.draw(messy(rows))
    tmp = tmp_path_factory.mktemp("messy")
    clean = write_book(tmp / "clean.xlsx", [list(WIDE), *[list(r) for r in rows]])
    dirty = write_book(tmp / "messy.xlsx", sheet)
    want = app.apply_rulesets(app.open_table(clean), ["abc"], tmp / "clean.out.xlsx")
    assert not want.rows
    got = app.apply_rulesets(app.open_table(dirty), ["abc"], tmp / "messy.out.xlsx")
    assert got.rows.of("total") == tuple(totals)
    clean_tiers, messy_tiers = tiers_by_id(tmp / "clean.out.xlsx"), tiers_by_id(tmp / "messy.out.xlsx")
    assert {k: v for k, v in messy_tiers.items() if k not in (None, "合计", "客户编号") and
            not str(k).startswith(("制表人", "备注", "Source", "说明"))} == clean_tiers
    assert set(clean_tiers.values()) <= {"A", "B", "C"} and len(clean_tiers) == len(rows)
    out = sheet_rows(tmp / "messy.out.xlsx")
    tier = next(r for r in out if "Tier ID" in r).index("Tier ID")
    for row in totals:
        assert out[row - 1][tier] is None, f"total row {row} got a tier"


def test_spread_rows_puts_values_back_on_their_excel_rows() -> None:
    full = table(REGIONS)
    clean, _ = clean_rows(full, id_column="客户编号", measures=["销售额"])
    assert app.spread_rows(["a", "b", "c", "d"], clean, full) == ["a", "b", None, "c", "d", None, None]
    assert app.spread_rows(list("abcd"), clean, full, fill="") == ["a", "b", "", "c", "d", "", ""]
