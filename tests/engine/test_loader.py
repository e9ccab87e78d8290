"""Rule files: the documented format loads; mistakes give one line with file:line, segment and a hint."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import tierkit
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


# ---- the typed schema: keys from the model, presentation fields, versions, rules tables ----

def test_keys_come_from_the_model() -> None:
    from dataclasses import fields

    from tierkit.ruleset import schema

    assert set(schema.SEGMENT_KEYS) == {f.name for f in fields(tierkit.Segment)} - {"line", "when_line"}
    assert {"actions", "key_fields", "risk_reason", "signal"} <= set(schema.SEGMENT_KEYS)
    assert "path" not in schema.TOP_KEYS and "source" not in schema.TOP_KEYS
    assert "name" not in schema.FIELD_KEYS and "line" not in schema.FIELD_KEYS


def test_presentation_fields_are_typed(tmp_path: Path) -> None:
    text = VIP.replace("    strategies:\n", "    signal: Value\n    key_fields: [revenue]\n    risk_reason: why\n"
                       "    actions:\n      - {en: Call, zh: 打电话}\n      - Visit\n    strategies:\n")
    key = load_ruleset(write(tmp_path, text)).segment("key")
    assert key.signal == "value" and key.key_fields == ("revenue",) and key.risk_reason == "why"
    assert key.actions == (tierkit.Text("Call", "打电话"), tierkit.Text("Visit", "Visit"))
    # a plain string is the English text, and every other language falls back to it
    assert key.actions[1] == tierkit.Text("Visit") and key.actions[1].get("ja") == key.actions[1].zh == "Visit"
    other = load_ruleset(write(tmp_path, VIP)).segment("other")
    assert (other.actions, other.key_fields, other.risk_reason, other.signal) == ((), (), None, None)
    assert not hasattr(other, "extra")


@pytest.mark.parametrize(("insert", "expected"), [
    ("    signal: danger\n", "signal 'danger' must be value, risk or neutral in segment 'key' (vip.yaml:13)"),
    ("    key_fields: revenue\n", "'key_fields' must be a list of field names in segment 'key' (vip.yaml:13)"),
    ("    actions: [{en: a, zn: b}]\n",
     "action has unknown language 'zn' in segment 'key' (vip.yaml:13); did you mean 'zh'?"),
    ("    risk_reason: [a]\n", "'risk_reason' must be a column name in segment 'key' (vip.yaml:13)"),
    ("    colour: \"#ffffff\"\n", "unknown key 'colour' in segment 'key' (vip.yaml:13); did you mean 'color'?"),
])
def test_presentation_mistakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, insert: str, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    text = "version: 1\n" + VIP.replace("    strategies:\n", insert + "    strategies:\n")
    with pytest.raises(RuleFileError) as info:
        load_ruleset(write(tmp_path, text))
    assert expected in str(info.value)


def test_version_one_is_current(tmp_path: Path) -> None:
    assert tierkit.ruleset.CURRENT_VERSION == 1
    rs = load_ruleset(write(tmp_path, "version: 1\n" + VIP))
    assert rs.segment("key").color == "#1b5e20"


@pytest.mark.parametrize(("version", "expected"), [
    ("2", "rule file version 2 is made for a newer tierkit (this one reads up to version 1) (vip.yaml:1); upgrade"),
    ("one", "'version' must be a whole number (this tierkit reads up to 1) (vip.yaml:1)"),
    ("-1", "'version' must be a whole number"),
])
def test_bad_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuleFileError) as info:
        load_ruleset(write(tmp_path, f"version: {version}\n" + VIP))
    assert expected in str(info.value)


def test_unversioned_files_are_migrated_from_version_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 0 spelt color ``colour`` too and accepted (and ignored) a field's ``format`` as any text; a
    pattern such as ``'0.0'`` is dropped, and version 1 checks a format against its choices (issue 17)."""
    monkeypatch.chdir(tmp_path)
    old = VIP.replace('color: "#1b5e20"', 'colour: "#ABC"').replace("type: float,", "type: float, format: '0.0',")
    rs = load_ruleset(write(tmp_path, old))
    assert rs.segment("key").color == "#aabbcc"
    with pytest.raises(RuleFileError, match=r"colour 'green' is not #RRGGBB in segment 'key' \(vip.yaml:11\)"):
        load_ruleset(write(tmp_path, old.replace('"#ABC"', '"green"')))
    with pytest.raises(RuleFileError, match=r"unknown format '0.0' for field 'revenue' \(vip.yaml:6\)"):
        load_ruleset(write(tmp_path, "version: 1\n" + old.replace("colour", "color")))


def test_a_registered_migration_runs_before_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A synthetic version 2 that calls segments ``tiers``: a version-1 file is migrated, lines kept."""
    from tierkit.ruleset import schema
    from tierkit.ruleset.yaml_lines import LineDict, rename_key

    def to_v2(data: LineDict) -> LineDict:
        rename_key(data, "segments", "tiers")
        return data

    def from_v2(data: LineDict) -> LineDict:  # how a version-2 tierkit reads: tiers are segments
        rename_key(data, "tiers", "segments")
        return data

    calls: list[int] = []
    monkeypatch.setattr(schema, "CURRENT_VERSION", 3)
    monkeypatch.setitem(schema.MIGRATIONS, 1, lambda d: (calls.append(1), to_v2(d))[1])
    monkeypatch.setitem(schema.MIGRATIONS, 2, lambda d: (calls.append(2), from_v2(d))[1])
    monkeypatch.chdir(tmp_path)
    rs = load_ruleset(write(tmp_path, "version: 1\n" + VIP))
    assert calls == [1, 2] and [s.id for s in rs.segments] == ["key", "other"]
    calls.clear()
    rs = load_ruleset(write(tmp_path, "version: 2\n" + VIP.replace("segments:", "tiers:")))
    assert calls == [2] and rs.segments[0].line == 9
    with pytest.raises(RuleFileError, match=r"unknown key 'wen' in segment 'key' \(vip.yaml:11\)"):
        load_ruleset(write(tmp_path, "version: 2\n" + VIP.replace("segments:", "tiers:").replace("when: r", "wen: r")))
    monkeypatch.delitem(schema.MIGRATIONS, 1)
    with pytest.raises(RuleFileError, match="rule file version 1 can no longer be read"):
        load_ruleset(write(tmp_path, "version: 1\n" + VIP))


def test_features_are_typed_and_checked_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tierkit.features.kinds import ParetoShare

    monkeypatch.chdir(tmp_path)
    text = VIP.replace("segments:", "features:\n  - pareto_share: revenue\n    as: cum\nsegments:")
    rs = load_ruleset(write(tmp_path, text))
    assert rs.features == (ParetoShare(column="revenue", output="cum"),)
    assert rs.features[0].line == 8
    bad = VIP.replace("segments:", "features:\n  - pareto_share: revenue\n  - quantile_score: x\n    bin: 3\nsegments:")
    with pytest.raises(RuleFileError) as info:
        load_ruleset(write(tmp_path, bad))
    assert str(info.value) == ("features[1] (quantile_score): unknown option 'bin' (vip.yaml:9); "
                               "did you mean 'bins'?")


RULE_ROWS = [["id", "label", "label_zh", "when", "strategy", "color", "default"],
             ["big", "Big", "大客户", "revenue > 100", "Visit monthly", "#ff0000", None],
             ["big", None, None, None, "Send gifts", None, None],
             ["rest", "Rest", "其他", None, None, None, "yes"]]


def test_rules_table_builds_the_same_model_as_yaml() -> None:
    yaml_text = """\
name: sheet
title: sheet
segments:
  - id: big
    label: {en: Big, zh: 大客户}
    when: revenue > 100
    color: "#ff0000"
    strategies: [{en: Visit monthly, zh: Visit monthly}, {en: Send gifts, zh: Send gifts}]
  - id: rest
    label: {en: Rest, zh: 其他}
    default: true
"""
    from dataclasses import replace

    def unplaced(rs: tierkit.RuleSet) -> list[tierkit.Segment]:
        return [replace(s, line=None, when_line=None) for s in rs.segments]

    from_rows = ruleset_from_rows(RULE_ROWS, name="sheet")
    from_yaml = parse_ruleset(yaml_text, name="sheet")
    assert unplaced(from_rows) == unplaced(from_yaml)
    assert (from_rows.name, from_rows.title, from_rows.hit_policy) == (from_yaml.name, from_yaml.title, "first")
    assert [s.line for s in from_rows.segments] == [2, 4]


def test_rules_table_source_and_digest_follow_the_cells() -> None:
    rs = ruleset_from_rows(RULE_ROWS, name="sheet")
    assert rs.source.splitlines()[1] == "big\tBig\t大客户\trevenue > 100\tVisit monthly\t#ff0000\t"
    assert ruleset_from_rows([list(r) for r in RULE_ROWS], name="sheet").digest == rs.digest
    changed = [list(r) for r in RULE_ROWS]
    changed[1][3] = "revenue > 200"
    assert ruleset_from_rows(changed, name="sheet").digest != rs.digest


@pytest.mark.parametrize(("cell", "value", "expected"), [
    ((1, 3), "revenue inn 1", "syntax error near 'inn' in segment 'big' (Rules sheet, cell D2)"),
    ((1, 5), "red", "colour 'red' is not #RRGGBB in segment 'big' (Rules sheet, cell F2)"),
    ((3, 0), "rest here", "segment #2 needs an 'id' (letters, digits, _ - .) (Rules sheet, cell A4)"),
    ((1, 6), "yes", "a default segment takes no 'when' in segment 'big' (Rules sheet, cell D2)"),
    ((3, 1), None, None),
    ((3, 3), "revenue < 1", "a default segment takes no 'when' in segment 'rest' (Rules sheet, cell D4)"),
    ((1, 2), {"a": 1}, None),
])
def test_rules_table_errors_name_the_cell(cell: tuple[int, int], value: object, expected: str | None) -> None:
    rows = [list(r) for r in RULE_ROWS]
    rows[cell[0]][cell[1]] = value
    if expected is None:
        ruleset_from_rows(rows)
        return
    with pytest.raises(RuleFileError) as info:
        ruleset_from_rows(rows)
    assert str(info.value).startswith(expected)


def test_rules_table_cells_beyond_z() -> None:
    from tierkit.ruleset.rows import column_letter

    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    rows = [[f"x{i}" for i in range(27)] + ["id", "when"], [None] * 27 + ["a", "b >"]]
    with pytest.raises(RuleFileError, match=r"cell AC2"):
        ruleset_from_rows(rows)
