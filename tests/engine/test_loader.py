"""Rule files: the documented format loads; mistakes give one line with file:line, segment and a hint."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tierkit import RuleFileError, classify, load_ruleset, parse_ruleset, ruleset_from_rows

VIP = """\
name: vip
title: {en: VIP accounts, zh: 重点客户}
hit_policy: first
fields:
  revenue: {type: float, aliases: [销售额, Revenue]}
  customer_id: {type: string, aliases: [客户编号]}
segments:
  - id: key
    label: {en: Key account, zh: 关键客户}
    when: revenue >= 100000 and region in ['North', 'East']
    color: "#1b5e20"
    strategies:
      - {en: Dedicated account manager, zh: 指派专属客户经理}
  - id: other
    label: {en: Other, zh: 其他}
    default: true
"""


def write(tmp_path: Path, text: str, name: str = "vip.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_issue_example_loads(tmp_path: Path) -> None:
    rs = load_ruleset(write(tmp_path, VIP))
    assert rs.name == "vip" and rs.title.zh == "重点客户"
    assert [s.id for s in rs.segments] == ["key", "other"]
    key = rs.segments[0]
    assert key.color == "#1b5e20" and key.strategies[0].zh == "指派专属客户经理"
    assert rs.fields["revenue"].aliases == ("销售额", "Revenue")
    assert rs.segments[1].default


def test_chinese_headers_through_aliases(tmp_path: Path) -> None:
    rs = load_ruleset(write(tmp_path, VIP))
    frame = pd.DataFrame({"客户编号": ["C1", "C2", "C3"], "销售额": ["120,500", "¥99,999.50", None],
                          "Region": ["North", "East", "North"]})
    res = classify(rs, frame)
    assert res.tier_ids() == ["key", "other", "other"]
    assert res.labels("zh") == ["关键客户", "其他", "其他"]
    assert res.reasons()[0] == "revenue 120,500 ≥ 100,000; region North in [North, East]"
    assert "blank 销售额" in res.reasons()[2]


def test_unknown_column_did_you_mean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, VIP.replace("revenue >= 100000", "revenu >= 100000"))
    rs = load_ruleset(path)
    frame = pd.DataFrame({"revenue": [1.0], "region": ["North"]})
    with pytest.raises(RuleFileError) as info:
        classify(rs, frame)
    msg = str(info.value)
    assert "unknown column 'revenu' in segment 'key'" in msg
    assert "vip.yaml:10" in msg
    assert "did you mean 'revenue'?" in msg


@pytest.mark.parametrize(("change", "expected"), [
    (("when: revenue", "wen: revenue"), "unknown key 'wen' in segment 'key' (vip.yaml:10); did you mean 'when'?"),
    (("region in", "region inn"), "syntax error near 'inn' in segment 'key' (vip.yaml:10)"),
    (("revenue >= 100000", "revenue >= 'lots'"), "type mismatch"),
    (('"#1b5e20"', '"green"'), "colour 'green' is not #RRGGBB in segment 'key' (vip.yaml:11)"),
    (("hit_policy: first", "hit_policy: frist"), "unknown hit_policy 'frist' (vip.yaml:3); did you mean 'first'?"),
    (("type: float", "type: flaot"), "unknown type 'flaot' for field 'revenue' (vip.yaml:5)"),
    (("  - id: other", "  - id: key"), "duplicate segment id 'key' (first at line 8) (vip.yaml:14)"),
    (("    default: true\n", ""), "missing 'when' (or 'default: true') in segment 'other' (vip.yaml:14)"),
    (("title: {en", "title: {en: [x"), "invalid YAML"),
])
def test_errors_name_file_line_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: tuple[str, str],
                                       expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, VIP.replace(*change))
    with pytest.raises(RuleFileError) as info:
        load_ruleset(path)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_builtin_suggests() -> None:
    with pytest.raises(RuleFileError, match="did you mean 'rfm'"):
        load_ruleset("rmf")


def test_type_error_found_when_data_arrives() -> None:
    rs = parse_ruleset("name: t\nsegments:\n  - id: a\n    when: region >= 5\n  - id: b\n    default: true\n")
    with pytest.raises(RuleFileError, match=r"type mismatch .* segment 'a'.*region \(string"):
        classify(rs, pd.DataFrame({"region": ["North"]}))


def test_rules_table() -> None:
    rows = [["id", "label", "label_zh", "when", "strategy", "color"],
            ["big", "Big", "大客户", "revenue > 100", "Visit monthly", "#ff0000"],
            ["big", None, None, None, "Send gifts", None],
            ["rest", "Rest", "其他", "default", None, None]]
    rs = ruleset_from_rows(rows, name="sheet")
    assert [s.id for s in rs.segments] == ["big", "rest"]
    assert [t.en for t in rs.segments[0].strategies] == ["Visit monthly", "Send gifts"]
    assert rs.segments[1].default
    res = classify(rs, pd.DataFrame({"revenue": [150, 50]}))
    assert res.labels("zh") == ["大客户", "其他"]


def test_params_and_overrides(tmp_path: Path) -> None:
    text = ("name: p\nparams: {cut: 10}\nsegments:\n  - id: hi\n    when: x >= cut\n"
            "  - id: lo\n    default: true\n")
    path = write(tmp_path, text, "p.yaml")
    frame = pd.DataFrame({"x": [5, 10, 20]})
    assert classify(load_ruleset(path), frame).tier_ids() == ["lo", "hi", "hi"]
    assert classify(load_ruleset(path, params={"cut": 20}), frame).tier_ids() == ["lo", "lo", "hi"]
    with pytest.raises(RuleFileError, match=r"unknown parameter 'cutt'.*did you mean 'cut'"):
        load_ruleset(path, params={"cutt": 1})
