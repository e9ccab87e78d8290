"""Field formats (``format:`` / ``decimals:`` / ``reads:`` of a field): one formatter for every output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit import load_ruleset
from tierkit.errors import RuleFileError
from tierkit.numfmt import FORMATS, FieldFormat

KINDS = [None, "percent", "money", "integer", "number", "id"]
FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(FINITE, min_size=1, max_size=30), kind=st.sampled_from(KINDS),
       decimals=st.one_of(st.none(), st.integers(0, 4)), lang=st.sampled_from(["en", "zh", "de"]))
def test_a_column_at_a_time_equals_one_value_at_a_time(values: list[float], kind: str | None,
                                                       decimals: int | None, lang: str) -> None:
    fmt = FieldFormat(kind, decimals if kind in ("percent", "money", "number") else None)
    column = fmt.texts(np.array(values), lang).to_pylist()
    if kind is None:  # the default style: rules' 4 significant digits (its own oracle is numvec's tests)
        assert len(column) == len(values)
        return
    assert column == [fmt.text(v, lang) for v in values]


@pytest.mark.parametrize(("kind", "value", "en", "zh"), [
    ("percent", 0.5539, "55.4%", "55.4%"),
    ("percent", 0.8, "80%", "80%"),
    ("money", 120500.0, "120,500", "120,500"),
    ("money", 1234.5, "1,234.50", "1,234.50"),
    ("integer", 1094.4, "1,094", "1,094"),
    ("number", 2.345678, "2.35", "2.35"),
    ("id", 10377.0, "10377", "10377"),
    ("id", "C0042", "C0042", "C0042"),
])
def test_each_format(kind: str, value: object, en: str, zh: str) -> None:
    assert FieldFormat(kind).text(value, "en") == en
    assert FieldFormat(kind).text(value, "zh") == zh


def test_ids_are_never_grouped_and_blanks_read_as_blank() -> None:
    assert FieldFormat("id").texts(np.array([10377.0, 1e6, 12.5]), "en").to_pylist() == ["10377", "1000000", "12.5"]
    assert FieldFormat("percent").text(None, "zh") != "None"


def _write(tmp_path: Path, field: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(f"name: t\ntitle: T\nfields:\n  share: {field}\nsegments:\n"
                    "  - {id: A, label: A, when: share < 0.8}\n  - {id: B, label: B, default: true}\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("field", "message"), [
    ("{type: float, format: percnt}", r"unknown format 'percnt' for field 'share' \(t.yaml:4\).*percent, money, "
                                      r"integer, number, date, id"),
    ("{type: float, format: percent, decimals: -1}", r"'decimals' of field 'share' must be a whole number"),
    ("{type: float, format: integer, decimals: 2}", r"'decimals' of field 'share' needs format"),
    ("{type: float, decimals: 2}", r"'decimals' of field 'share' needs format"),
    ("{type: float, reads: {'<': 'no value here'}}", r"'reads' of field 'share' must show the value as \{value\}"),
    ("{type: float, reads: {'!=': 'x {value}'}}", r"'reads' of field 'share' has unknown operator '!='"),
])
def test_a_bad_format_is_a_rule_file_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str,
                                          message: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuleFileError, match=message):
        load_ruleset(_write(tmp_path, field))


def test_a_declared_format_is_read(tmp_path: Path) -> None:
    rs = load_ruleset(_write(tmp_path, "{type: float, format: Percent, decimals: 2}"))
    assert rs.fields["share"].value_format == FieldFormat("percent", 2)
    assert rs.fields["share"].value_format.text(0.123456) == "12.35%"


BUILT_IN = sorted(p.stem for p in (Path(__file__).parents[2] / "rules").glob("*.yaml"))


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_numeric_field_of_a_built_in_rule_set_declares_its_format(name: str) -> None:
    rs = load_ruleset(name)
    for f in rs.fields.values():
        if f.type in ("int", "float"):
            assert f.format in FORMATS, f"{name}: field {f.name} has no format"


@pytest.mark.parametrize(("lang", "a_words"), [
    ("en", "the customers who together bring the first 80% of the contribution"),
    ("zh", "合计贡献前80%的客户"),
])
def test_abc_reads_as_plain_words(lang: str, a_words: str) -> None:
    from tierkit.check.show import show_ruleset

    text = show_ruleset(load_ruleset("abc"), lang)
    assert a_words in text
    assert "0.8" not in text and "share ranked above <" not in text and "前序累计占比 <" not in text


@pytest.mark.parametrize("name", BUILT_IN)
def test_no_field_name_leaks_into_plain_words(name: str) -> None:
    """Every condition of every built-in rule set reads with labels, in both languages."""
    from tierkit.check.show import show_ruleset

    rs = load_ruleset(name)
    for lang in ("en", "zh"):
        conditions = [line for line in show_ruleset(rs, lang).splitlines() if line.startswith("  ")
                      and ("when:" in line or "条件" in line)]
        for line in conditions:
            for fname, f in rs.fields.items():
                if f.label is not None and "_" in fname:
                    assert fname not in line, (lang, line)
