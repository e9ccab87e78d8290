"""Errors carry lazy messages: ``str(err)`` is the English text as before, ``err.render(lang)`` the same message in
the user's language, with its values, location and hint; the CLI's error boundary prints it in ``--lang``."""

from __future__ import annotations

import pickle

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tierkit.cli import main
from tierkit.errors import DataError, Msg, RuleFileError, Where, did_you_mean, listing, msg, msg_n, render


def test_english_text_is_unchanged_and_chinese_is_rendered() -> None:
    err = RuleFileError(msg("unknown key '{key}'", key="segmnts"), where=Where(file="r.yaml", line=2),
                        hint=did_you_mean("segmnts", ["segments", "fields"]))
    assert str(err) == "unknown key 'segmnts' (r.yaml:2); did you mean 'segments'?"
    assert err.render("en") == str(err)
    assert err.render("zh") == "未知的键“segmnts”（r.yaml:2）；是否想写“segments”？"


def test_where_words_and_lists_follow_the_language() -> None:
    where = Where(file="book.xlsx", sheet="客户", cell="B4")
    assert where.describe() == "book.xlsx, sheet '客户', cell B4"
    assert where.describe("zh") == "book.xlsx、工作表“客户”、单元格 B4"
    assert Where(column="销售额").describe("zh") == "“销售额”列"
    hint = msg("use one of {field_types}", field_types=listing(["int", "float"]))
    assert hint == "use one of int, float" and hint.render("zh") == "请从以下选择：int、float"


def test_nested_messages_plural_and_pickling() -> None:
    inner = msg("field '{fname}'", fname="revenue")
    outer = msg("unknown key '{key}' in {what}", key="typ", what=inner)
    assert outer == "unknown key 'typ' in field 'revenue'"
    assert outer.render("zh") == "字段“revenue”中有未知的键“typ”"
    one, many = msg_n("{n} row", "{n} rows", 1), msg_n("{n} row", "{n} rows", 3)
    assert (one, many) == ("1 row", "3 rows")
    back = pickle.loads(pickle.dumps(outer))
    assert isinstance(back, Msg) and back.render("zh") == outer.render("zh")
    assert render(ValueError(msg("a list of numbers")), "zh") == "数字列表"


@given(st.text(max_size=30), st.sampled_from(["en", "zh", "xx"]))
def test_any_value_renders_as_it_is(value: str, lang: str) -> None:
    """A user's text inside a message is never translated or broken, whatever it holds (braces included)."""
    text = msg("cannot read the file: {value}", value=value)
    assert text == f"cannot read the file: {value}"
    assert value in text.render(lang)
    assert DataError(text).render(lang) == text.render(lang)


def test_cli_prints_the_error_in_its_language(tmp_path) -> None:
    runner = CliRunner()
    zh = runner.invoke(main, ["apply", str(tmp_path / "nosuch.xlsx"), "--rules", "abc", "--lang", "zh"])
    en = runner.invoke(main, ["apply", str(tmp_path / "nosuch.xlsx"), "--rules", "abc"])
    assert zh.exit_code == en.exit_code == 2
    assert zh.stderr.startswith("错误：找不到文件（") and "请检查路径" in zh.stderr
    assert en.stderr.startswith("error: file not found (") and "check the path" in en.stderr
