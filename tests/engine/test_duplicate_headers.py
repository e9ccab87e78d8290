"""A header text the sheet has twice: a rule set that uses it stops naming both cells; otherwise a note."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import tierkit
from tierkit.app.tables import open_table, table_source
from tierkit.bind import bind
from tierkit.cli import main
from tierkit.errors import DataError
from tierkit.io.header import duplicate_headers
from tierkit.ruleset.loader import parse_ruleset

RULES = """\
version: 1
name: vip
fields:
  revenue: {type: float, aliases: [销售额]}
segments:
  - id: key
    label: Key
    when: revenue >= 100
  - id: other
    label: Other
    default: true
"""


def book(path: Path, header: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "客户"
    ws.append(["客户名单 2024"])  # a title line above the header
    ws.append(header)
    ws.append(["C001", 120, "North", 5, 999])
    ws.append(["C002", 80, "East", 7, 1])
    wb.save(path)
    return path


def test_the_reader_keeps_the_repeated_header_texts(tmp_path: Path) -> None:
    raw = open_table(book(tmp_path / "d.xlsx", ["客户编号", "销售额", "region", "score", "销售额"]))
    assert list(raw.frame.columns) == ["客户编号", "销售额", "region", "score", "销售额 (2)"]
    assert raw.duplicates == {"销售额": ["B", "E"]}
    assert raw.duplicate_cells() == {"销售额": ["B2", "E2"]}
    assert table_source(raw).duplicates == {"销售额": ["B2", "E2"]}
    assert duplicate_headers(["a", " a ", None, "", "b", "a"], list("ABCDEF")) == {"a": ["A", "B", "F"]}


def test_a_rule_on_a_repeated_column_stops_naming_both_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    monkeypatch.chdir(tmp_path)
    book(tmp_path / "d.xlsx", ["客户编号", "销售额", "region", "score", "销售额"])
    (tmp_path / "vip.yaml").write_text(RULES, encoding="utf-8")
    result = CliRunner().invoke(main, ["apply", "d.xlsx", "-r", "vip.yaml", "-o", "out.xlsx"])
    assert result.exit_code == 2, result.output
    assert "column '销售额' appears 2 times, in B2 and E2: rule set 'vip' uses 'revenue' (as '销售额')" in result.stderr
    assert "d.xlsx" in result.stderr and "客户" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_a_repeated_column_the_rules_use_under_its_own_name(tmp_path: Path) -> None:
    raw = open_table(book(tmp_path / "d.xlsx", ["id", "score", "region", "score", "x"]))
    rs = parse_ruleset(RULES.replace("revenue >= 100", "score > 6"), name="vip")
    with pytest.raises(DataError, match=r"column 'score' appears 2 times, in B2 and D2: rule set 'vip' uses 'score'"):
        bind(rs, raw.frame, source=table_source(raw))
    rs = parse_ruleset(RULES.replace("revenue >= 100", "region == 'x'"), name="vip")
    assert bind(rs, raw.frame, source=table_source(raw)).notes  # score unused: a note


def test_an_unused_repeated_column_gets_a_note(tmp_path: Path) -> None:
    raw = open_table(book(tmp_path / "d.xlsx", ["客户编号", "销售额", "region", "备注", "备注"]))
    rs = parse_ruleset(RULES, name="vip")
    binding = bind(rs, raw.frame, source=table_source(raw))
    assert [n.text("en") for n in binding.notes] == ["column '备注' appears 2 times (D2, E2); the rules do not use it"]
    assert "备注" in binding.notes[0].text("zh") and "D2, E2" in binding.notes[0].text("zh")
    res = tierkit.classify(rs, raw.frame, source=table_source(raw))
    assert res.tier_ids() == ["key", "other"]


def test_no_duplicates_no_note() -> None:
    rs = parse_ruleset(RULES, name="vip")
    assert bind(rs, pd.DataFrame({"销售额": [1.0]})).notes == []
