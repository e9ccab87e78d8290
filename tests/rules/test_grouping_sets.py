"""The grouping (客户分群) rule sets: each runs through the real CLI on a bundled sample and fills every segment;
their logic on small tables; ``rules show --lang zh`` reads as Chinese."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import tierkit

from .helpers import RULES, SAMPLES, classify, load

GROUPING = sorted(p.stem for p in RULES.glob("grouping_*.yaml"))
#: sample -> (sheet, the grouping sets that must fill every segment on it)
ON_SAMPLE = {
    "distributor": ("Customers", GROUPING),
    "retail_members": ("Members", ["grouping_season"]),
}
ENV_KEY = {"XLWINGS_LICENSE_KEY": "noncommercial"}


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "tierkit.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **ENV_KEY})


def test_every_dimension_of_the_texts_has_a_rule_set() -> None:
    """销售如何对客户分群, 第二章: 淡旺季, 行业/区域, 产品, 竞争对手, 购买偏好, 客户来源."""
    assert set(GROUPING) == {"grouping_season", "grouping_industry", "grouping_region", "grouping_product",
                             "grouping_competitor", "grouping_preference", "grouping_source"}


@pytest.mark.slow
@pytest.mark.parametrize("sample", sorted(ON_SAMPLE))
def test_cli_apply_on_the_sample_fills_every_segment(sample: str, tmp_path: Path) -> None:
    sheet, names = ON_SAMPLE[sample]
    out = tmp_path / "out.xlsx"
    args = ["apply", str(SAMPLES / f"{sample}.xlsx"), "--sheet", sheet, "-o", str(out), "--as-of", "2024-12-31"]
    for name in names:
        args += ["-r", name]
    proc = _cli(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    for name in names:
        rs = load(name)
        column = f"{name.upper()} ID" if len(names) > 1 else "Tier ID"
        assert column in frame.columns, list(frame.columns)
        ids = frame[column].dropna().astype(str)
        assert len(ids) == len(frame), name  # every customer is grouped
        got = ids.str.split(", ").explode().value_counts()
        empty = [s.id for s in rs.segments if got.get(s.id, 0) == 0]
        assert not empty, (name, sample, empty)
        if rs.hit_policy == "collect":  # one segment of each part (rel_, rival_, open_) per customer
            parts = ids.str.split(", ").map(lambda hits: sorted(h.split("_")[0] for h in hits))
            assert parts.map(tuple).nunique() == 1, name


def test_season() -> None:
    rows = {"buying_months": [0, 2, 5, 5, 5, None], "peak_season_share": [None, 0.9, 0.5, 0.2, 0.45, None],
            "off_season_share": [None, 0.1, 0.1, 0.4, 0.39, None], "revenue": [None, 1.0, 1.0, 1.0, 1.0, None]}
    assert classify("grouping_season", rows) == ["no_orders", "too_few_months", "peak_season", "off_season",
                                                 "year_round", "no_orders"]


def test_season_from_the_orders_sheet() -> None:
    customers = pd.DataFrame({"客户编号": ["A", "B", "C", "D"]})
    # the company (X): 旺季 Nov/Dec, 淡季 Jan/Feb; A buys in 旺季, B in 淡季, C evenly, D never
    plan = {1: 200.0, 2: 200.0, 11: 2000.0, 12: 2000.0}
    lines = [("X", f"2024-{m:02d}-01", plan.get(m, 1000.0)) for m in range(1, 13)]
    lines += [("A", f"2024-{m:02d}-05", 300.0) for m in (11, 12, 12)] + [("A", "2024-06-01", 100.0)]
    lines += [("B", f"2024-{m:02d}-10", 200.0) for m in (1, 2, 3)]
    lines += [("C", f"2024-{m:02d}-10", 150.0) for m in range(1, 13)]
    orders = pd.DataFrame(lines, columns=["客户编号", "下单日期", "金额"])
    result = tierkit.classify(load("grouping_season"), customers,
                              source=tierkit.TableSource(sheets={"Orders": orders}))
    assert result.tier_ids() == ["peak_season", "off_season", "year_round", "no_orders"]


def test_product_region_industry_source_preference() -> None:
    assert classify("grouping_product", {"main_product": ["阀门", "减速机", "Widgets", None],
                                         "revenue": [1.0, 1.0, 1.0, None]}) == ["valves", "reducers", "other_product",
                                                                                "other_product"]
    assert classify("grouping_industry", {"行业": ["医疗", "信息技术", "农业", None], "revenue": [1.0] * 4}) == [
        "healthcare", "it", "other_industry", "other_industry"]
    assert classify("grouping_source", {"客户来源": ["转介绍", "招投标", "", None], "revenue": [1.0] * 4}) == [
        "referral", "tender", "other_source", "other_source"]
    prefs = {"购买偏好": ["价格主导者", "技术领导者", "价值取向者", "价格主导者", None],
             "各部门偏好不同": ["否", "no", None, "是", "FALSE"], "revenue": [1.0] * 5}
    assert classify("grouping_preference", prefs) == ["price_driven", "tech_leader", "value_seeker",
                                                      "by_department", "preference_unknown"]
    # the departments column is optional
    assert classify("grouping_preference", {"购买偏好": ["价值取向者"], "revenue": [1.0]}) == ["value_seeker"]


def test_region_key_accounts_are_ranked_within_each_region() -> None:
    """Each region's top 20% are its own key accounts, whatever the other regions' sizes."""
    east = [float(v) for v in range(1000, 11000, 1000)]  # 10 large customers
    north = [float(v) for v in range(1, 11)]  # 10 small ones
    rows = {"区域": ["华东"] * 10 + ["华北"] * 10, "revenue": east + north}
    ids = classify("grouping_region", rows)
    assert ids[:10] == ["east"] * 8 + ["east_key"] * 2
    assert ids[10:] == ["north"] * 8 + ["north_key"] * 2  # a global ranking would give north no key account


def test_competitor_collects_one_segment_of_each_part() -> None:
    rows = {"竞争对手产品": ["替代", "同类", None], "竞争对手实力": ["强大", "弱势", "相当"],
            "切入机会": ["需求量增加", None, "对原来的供应商不满意"], "revenue": [1.0] * 3}
    result = tierkit.classify(load("grouping_competitor"), pd.DataFrame(rows))
    segs = result.ruleset.segments
    got = [sorted(segs[k].id for k in hits) for hits in result.collected or []]
    assert got == [["open_demand", "rel_substitute", "rival_strong"], ["open_unknown", "rel_same", "rival_weak"],
                   ["open_unhappy", "rel_unknown", "rival_equal"]]


_CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("name", GROUPING)
def test_texts_are_chinese_and_conditions_read_in_chinese(name: str, tmp_path: Path) -> None:
    rs = load(name)
    texts = [rs.title.zh, rs.description.zh if rs.description else ""]
    for seg in rs.segments:
        texts += [seg.label.zh, seg.description.zh if seg.description else ""]
        texts += [s.zh for s in seg.strategies] + [a.zh for a in seg.actions or ()]
    used = {f for f in rs.fields if any(f in (s.when or "") for s in rs.segments)}
    texts += [rs.fields[f].label.zh for f in used if rs.fields[f].label is not None]
    assert len(texts) == len([t for t in texts if t]), name
    for text in texts:
        assert text and _CJK.search(text), (name, text)
        assert not re.search(r"[A-Za-z]{3,}", text), (name, text)  # no English words in the zh texts
        assert not re.search(r"[\u3400-\u9fff，。：] | [\u3400-\u9fff，。：]", text), (name, text)  # no folding spaces
    proc = _cli("rules", "show", name, "--lang", "zh", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert rs.title.zh in proc.stdout
    # the plain-words line under each condition names no field by its English name (parameters aside)
    lines = proc.stdout.splitlines()
    plain = [lines[i + 1] for i, line in enumerate(lines) if line.strip().startswith("条件:") and i + 1 < len(lines)]
    for line in plain:
        for field in rs.fields:
            assert not re.search(rf"(?<![A-Za-z_]){field}(?![A-Za-z_])", line), (name, field, line)
