"""One customer-id key everywhere (issue 11): ``10377``, ``10377.0``, ``'10377'``, ``' 10377 '`` and ``'１０３７７'``
are one customer in the orders sheet, the customer sheet and the join; orders are read like the customer sheet."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tierkit
from tierkit.app import open_table, table_source
from tierkit.bind import TableSource
from tierkit.errors import DataError
from tierkit.features import customer_features, join_customers
from tierkit.values import duplicate_ids, id_key, id_keys, is_total_word

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2024, 12, 31)


@pytest.mark.parametrize("value", [10377, 10377.0, np.int64(10377), np.float64(10377.0), Decimal("10377"),
                                   "10377", " 10377 ", "10377.0", "１０３７７", "\u300010377\u3000"])
def test_the_forms_of_one_id_are_one_key(value: object) -> None:
    assert id_key(value) == "10377"


@pytest.mark.parametrize(("value", "key"), [("007", "007"), (" 007 ", "007"), ("KH0061", "KH0061"),
                                            ("kh0061", "kh0061"), ("ＫＨ００６１", "KH0061"), (7, "7"),
                                            (10377.5, "10377.5"), ("10377.50", "10377.50"), ("0.0", "0"),
                                            ("合计", "合计")])
def test_text_keeps_leading_zeros_and_case(value: object, key: str) -> None:
    assert id_key(value) == key


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", float("nan"), pd.NA, pd.NaT, "#N/A", "#REF!"])
def test_blank_and_error_cells_have_no_id(value: object) -> None:
    assert id_key(value) is None


def test_id_keys_keeps_the_index_and_matches_id_key() -> None:
    series = pd.Series([10377, "10377", None, "007", 7.0, True], index=[5, 6, 7, 8, 9, 10])
    keys = id_keys(series)
    assert keys.index.tolist() == [5, 6, 7, 8, 9, 10]
    assert keys.tolist() == ["10377", "10377", None, "007", "7", "TRUE"]


def test_duplicates_after_normalisation() -> None:
    series = pd.Series([10377, "A1", " 10377", None, "a1", "１０３７７", "A1"])
    assert duplicate_ids(series) == {"10377": [0, 2, 5], "A1": [1, 6]}
    assert duplicate_ids(pd.Series(["x", "y", None, None])) == {}


@pytest.mark.parametrize("word", ["合计", "合 计", "总计", "小计", "合計", "總計", "小計", "Total", " total ",
                                  "Subtotal", "Grand total", "GRAND TOTAL", "Sum", "合计：", "ｔｏｔａｌ"])
def test_total_words(word: str) -> None:
    assert is_total_word(word)


@pytest.mark.parametrize("word", ["合计金额", "Totally", "10377", "", None, 5])
def test_not_total_words(word: object) -> None:
    assert not is_total_word(word)


# ---- the orders sheet ----

def mixed_orders() -> pd.DataFrame:
    """Orders whose ids are numbers in some rows and text in others, amounts as text, and a 合计 row."""
    return pd.DataFrame({
        "客户编号": [10377, "10377", 10377.0, " 10377 ", "１０３７７", "007", 7, "KH1", None, "合计"],
        "下单日期": ["2024-01-05", "2024/3/1", "2024年6月1日", dt.datetime(2024, 7, 1), 45500, "2024-12-01",
                 "2024-11-01", "2024-10-10", None, None],
        "金额": ["¥1,234.50", "1,400", 100, "1.2万", " 65.5 ", "200", 300.0, "12%", "¥99,999.00", 99999],
    })


def test_mixed_ids_make_one_customer_each_with_text_amounts_read() -> None:
    f = customer_features(mixed_orders(), customer="客户编号", date="下单日期", amount="金额", as_of=AS_OF)
    assert len(f) == 4  # 10377, 007, 7, KH1: the blank-id 合计 row and the 合计 cell are no customers
    by_key = f.set_index(id_keys(f["客户编号"]))
    assert by_key.loc["10377", "frequency"] == 5
    assert by_key.loc["10377", "monetary"] == pytest.approx(1234.5 + 1400 + 100 + 12000 + 65.5)
    assert by_key.loc["007", "monetary"] == 200 and by_key.loc["7", "monetary"] == 300
    assert by_key.loc["KH1", "monetary"] == pytest.approx(0.12)
    assert by_key.loc["10377", "first_purchase"] == pd.Timestamp("2024-01-05")
    assert by_key.loc["10377", "last_purchase"] == pd.Timestamp("2024-07-27")  # serial 45500
    assert f["客户编号"].tolist() == [10377, "007", 7, "KH1"]  # each id as its first line showed it
    assert f.attrs["order_lines"] == 8


def test_unreadable_order_cells_raise_naming_the_cell() -> None:
    orders = pd.DataFrame({"c": [1, 2, 3], "d": ["2024-01-01"] * 3, "a": [1, "abc", "x"]})
    with pytest.raises(DataError) as err:
        customer_features(orders, customer="c", date="d", amount="a",
                          cell_ref=lambda i, col: f"Orders!{'ABC'[list(orders.columns).index(col)]}{i + 2}")
    assert "Orders!C3" in str(err.value) and "1 more" in str(err.value)
    bad_date = pd.DataFrame({"c": [1, None, 2], "d": ["2024-01-01", "nonsense", "someday"], "a": [1, 2, 3]})
    with pytest.raises(DataError, match=r"Orders!B4"):  # the blank-id line's date is never read
        customer_features(bad_date, customer="c", date="d", amount="a",
                          cell_ref=lambda i, col: f"Orders!{'ABC'[list(bad_date.columns).index(col)]}{i + 2}")


def test_join_uses_the_id_key_and_keeps_the_sheets_cells() -> None:
    f = customer_features(mixed_orders(), customer="客户编号", date="下单日期", amount="金额", as_of=AS_OF)
    customers = pd.DataFrame({"id": ["１０３７７", 7.0, "007", "kh1", "none"]})
    joined = join_customers(customers, f, on="id", features_on="客户编号")
    assert joined["id"].tolist() == ["１０３７７", 7.0, "007", "kh1", "none"]
    assert joined["frequency"].tolist() == [5, 1, 1, 0, 0]  # ids keep their case: kh1 is not KH1


# ---- through the binding: classify with an orders sheet ----

def customer_sheet() -> pd.DataFrame:
    return pd.DataFrame({"客户编号": ["10377", 7, "007", "KH1", "KH9"], "客户名称": ["甲", "乙", "丙", "丁", "戊"]})


def abc() -> tierkit.RuleSet:
    return tierkit.load_ruleset("abc")


def test_classify_with_mixed_ids_and_a_total_row() -> None:
    res = tierkit.classify(abc(), customer_sheet(), as_of=AS_OF, source=TableSource(sheets={"Orders": mixed_orders()}))
    frame = res.binding.frame
    assert frame["revenue"].tolist() == pytest.approx([14800.0, 300.0, 200.0, 0.12, np.nan], nan_ok=True)
    assert frame["frequency"].tolist() == [5, 1, 1, 1, 0]
    assert res.n == 5
    assert res.tier_ids()[0] == "A"


def write_book(path: Path, customers: list[list[object]], orders: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Customers"
    for row in customers:
        ws.append(row)
    wo = wb.create_sheet("Orders")
    for row in orders:
        wo.append(row)
    wb.save(path)
    return path


def test_an_unreadable_order_cell_names_the_orders_sheet_and_cell(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", [["客户编号", "客户名称"], ["C1", "甲"], ["C2", "乙"]],
                      [["客户编号", "下单日期", "金额"], ["C1", "2024-01-01", "¥1,200"], ["C2", "2024-02-01", 5],
                       ["C2", "2024-03-01", "about 40"]])
    raw = open_table(book, sheet="Customers")
    with pytest.raises(DataError) as err:
        tierkit.classify(abc(), raw.frame, as_of=AS_OF, source=table_source(raw))
    assert "Orders!C4" in str(err.value) and "about 40" in str(err.value) and "book.xlsx" in str(err.value)


def test_orders_from_a_workbook_read_text_amounts(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", [["客户编号", "客户名称"], [10377, "甲"], ["C2", "乙"]],
                      [["客户编号", "下单日期", "金额"], ["10377", "2024/1/5", "¥1,234.50"],
                       [10377, "2024-02-01", "1,400"], ["C2", "2024-03-01", "1.2万"], [None, None, 14634.5],
                       ["合计", None, 14634.5]])
    raw = open_table(book, sheet="Customers")
    res = tierkit.classify(abc(), raw.frame, as_of=AS_OF, source=table_source(raw))
    assert res.binding.frame["revenue"].tolist() == [2634.5, 12000.0]
    assert res.binding.frame["frequency"].tolist() == [2, 1]


# ---- notes: orders sheet versus customer sheet ----

def notes(res: tierkit.Classification, lang: str) -> list[str]:
    return [note.text(lang) for note in res.binding.notes]


def sheet_with_revenue() -> pd.DataFrame:
    return pd.DataFrame({"客户编号": ["10377", 7, "007", "KH1", "KH9", 10377],
                         "销售额": [14800.4, 300.0, 900.0, 0.12, 50.0, 14800.0]})


def test_notes_say_what_the_orders_replace_and_where_they_disagree() -> None:
    res = tierkit.classify(abc(), sheet_with_revenue(), as_of=AS_OF,
                           source=TableSource(sheets={"Orders": mixed_orders()}))
    en = notes(res, "en")
    assert "Revenue from the orders sheet (8 orders) replaces column 销售额" in en
    differ = [n for n in en if "differ" in n]
    assert differ == ["Revenue: 1 customers differ by more than rounding between column 销售额 and the orders sheet; "
                      "largest: customer 007, 900 in the sheet, 200 from the orders"]
    assert "customers with no orders in the orders sheet: 1 (e.g. KH9)" in en
    assert "customer ids that occur more than once in column 客户编号: 1 (e.g. 10377 (×2))" in en
    assert not any("not in the customer sheet" in n for n in en)
    assert res.binding.frame["revenue"].tolist()[:3] == pytest.approx([14800.0, 300.0, 200.0])
    zh = notes(res, "zh")
    assert len(zh) == len(en)
    assert "销售额取自订单表（8笔订单），替换了列 销售额" in zh
    for text in zh:
        assert not re.findall(r"[A-Za-z]{2,}", text.replace("KH9", "")), text


def test_orders_of_unknown_customers_are_counted() -> None:
    customers = pd.DataFrame({"客户编号": ["007", "KH1"], "客户名称": ["丙", "丁"]})
    res = tierkit.classify(abc(), customers, as_of=AS_OF, source=TableSource(sheets={"Orders": mixed_orders()}))
    assert "orders whose customer is not in the customer sheet: 6 (e.g. 10377, 7)" in notes(res, "en")
    assert "客户不在客户表中的订单：6 笔（例如 10377, 7）" in notes(res, "zh")


def test_duplicate_ids_name_their_cells(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", [["客户编号", "销售额"], [10377, 5], ["10377", 6], ["C2", 1]],
                      [["客户编号", "下单日期", "金额"], [10377, "2024-01-05", 5], ["C2", "2024-03-01", 1]])
    raw = open_table(book, sheet="Customers")
    res = tierkit.classify(abc(), raw.frame, as_of=AS_OF, source=table_source(raw))
    assert ("customer ids that occur more than once in column 客户编号: 1 (e.g. 10377 (Customers!A2, Customers!A3))"
            in notes(res, "en"))


def test_features_from_sheet_keeps_the_sheets_columns() -> None:
    res = tierkit.classify(abc(), sheet_with_revenue(), as_of=AS_OF, features_from="sheet",
                           source=TableSource(sheets={"Orders": mixed_orders()}))
    frame = res.binding.frame
    assert frame["revenue"].tolist() == [14800.4, 300.0, 900.0, 0.12, 50.0, 14800.0]
    assert frame["frequency"].tolist() == [5, 1, 1, 1, 0, 5]  # a column the sheet lacks still comes from orders
    assert res.binding.headers["revenue"] == "销售额"
    en = notes(res, "en")
    assert "Revenue from column 销售额 of the customer sheet; the orders sheet is not used for it" in en
    assert not any("replaces" in n for n in en)
    assert "销售额取自客户表的列 销售额；该项不使用订单表" in notes(res, "zh")


def test_features_from_orders_replaces_and_requires_an_orders_sheet() -> None:
    res = tierkit.classify(abc(), sheet_with_revenue(), as_of=AS_OF, features_from="orders",
                           source=TableSource(sheets={"Orders": mixed_orders()}))
    assert res.binding.frame["revenue"].tolist()[:4] == pytest.approx([14800.0, 300.0, 200.0, 0.12])
    with pytest.raises(DataError, match="no orders sheet"):
        tierkit.classify(abc(), sheet_with_revenue(), as_of=AS_OF, features_from="orders")
    plain = tierkit.classify(abc(), sheet_with_revenue(), as_of=AS_OF)  # no orders sheet: the optional step skips
    assert plain.binding.frame["revenue"].tolist()[2] == 900.0 and not plain.binding.notes
    with pytest.raises(tierkit.TierkitError, match="features_from"):
        tierkit.classify(abc(), sheet_with_revenue(), features_from="both")  # type: ignore[arg-type]


def test_the_sample_workbook_counts_customers_without_orders() -> None:
    raw = open_table(ROOT / "sample_workbooks" / "distributor.xlsx", sheet="Customers")
    res = tierkit.classify(tierkit.load_ruleset("rfm"), raw.frame, as_of=AS_OF, source=table_source(raw))
    no_orders = [n for n in notes(res, "en") if n.startswith("customers with no orders")]
    expected = int((res.binding.frame["frequency"] == 0).sum())
    assert no_orders and no_orders[0].startswith(f"customers with no orders in the orders sheet: {expected} ")


# ---- property: re-typed ids and amounts give the same features ----

CUSTOMERS = [10377, 5, 120, 88001, 7]


def retype_id(value: int, how: int) -> object:
    return [value, float(value), str(value), f"  {value} ", str(value).translate(FULL_WIDTH), f"{value}.0"][how]


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def retype_amount(cents: int, how: int) -> object:
    value = cents / 100
    if how == 1:
        return f"¥{value:,.2f}"
    if how == 2:
        return f"{value:,.2f}"
    if how == 3 and cents % 100 == 0 and (cents // 100) % 1000 == 0:
        return f"{cents // 100 / 10000:g}万"  # 1.2万 only where it is exact
    if how == 4:
        return f" {value:.2f} "
    return value


order_lines = st.lists(
    st.tuples(st.sampled_from(CUSTOMERS), st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 31)),
              st.one_of(st.integers(0, 10_000_000), st.integers(1, 500).map(lambda k: k * 100_000))),
    min_size=1, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=order_lines, data=st.data())
def test_retyped_ids_and_amounts_give_identical_features(lines: list[tuple[int, dt.date, int]],
                                                         data: st.DataObject) -> None:
    clean = pd.DataFrame({"c": [c for c, _, _ in lines], "d": [pd.Timestamp(d) for _, d, _ in lines],
                          "a": [cents / 100 for _, _, cents in lines]})
    id_forms = data.draw(st.lists(st.integers(0, 5), min_size=len(lines), max_size=len(lines)))
    amount_forms = data.draw(st.lists(st.integers(0, 4), min_size=len(lines), max_size=len(lines)))
    messy_rows = [[retype_id(c, i_how), d.strftime("%Y/%m/%d") if a_how % 2 else pd.Timestamp(d),
                   retype_amount(cents, a_how)]
                  for (c, d, cents), i_how, a_how in zip(lines, id_forms, amount_forms, strict=True)]
    if data.draw(st.booleans()):  # a total line: blank id, the sum as amount
        messy_rows.append([None, None, float(clean["a"].sum())])
    messy = pd.DataFrame(messy_rows, columns=["c", "d", "a"], dtype=object)
    want = customer_features(clean, customer="c", date="d", amount="a", as_of=AS_OF)
    got = customer_features(messy, customer="c", date="d", amount="a", as_of=AS_OF)
    want = want.set_index(id_keys(want["c"])).drop(columns="c").sort_index()
    got = got.set_index(id_keys(got["c"])).drop(columns="c").sort_index()
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
    customers = pd.DataFrame({"id": [retype_id(c, data.draw(st.integers(0, 5))) for c in CUSTOMERS]})
    joined_clean = join_customers(customers, customer_features(clean, customer="c", date="d", amount="a",
                                                               as_of=AS_OF), on="id", features_on="c")
    joined_messy = join_customers(customers, customer_features(messy, customer="c", date="d", amount="a",
                                                               as_of=AS_OF), on="id", features_on="c")
    pd.testing.assert_frame_equal(joined_messy, joined_clean, check_exact=False, rtol=1e-12)
