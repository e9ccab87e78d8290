"""The report contexts and the rendered HTML (golden files), without PDF."""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
from pathlib import Path

import pytest

import tierkit
from tierkit.reporting import PackContext, build_pack, context, render_html
from tierkit.reporting.build import data_digest, identity_columns
from tierkit.reporting.fmt import Formatter, words

from .conftest import AS_OF, CHINESE_NAME, GENERATED, GOLDEN, TEMPLATE_NAME, XSS_NAME, customers


def pack_for(result: tierkit.Classification, lang: str, **kw: object) -> PackContext:
    return build_pack(result, lang=lang, top=5, as_of=AS_OF, source_name="customers.xlsx / Customers",
                      generated_at=GENERATED, charts=False, data=customers(), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_matches_golden(tiny_result: tierkit.Classification, lang: str, update_golden: bool) -> None:
    html = render_html(pack_for(tiny_result, lang))
    path = GOLDEN / f"tiny_pack_{lang}.html"
    if update_golden or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is intended run: pytest tests/reporting --update-golden")


def test_every_context_field_is_documented() -> None:
    source = Path(context.__file__).read_text(encoding="utf-8")
    for cls in (context.PackContext, context.CoverContext, context.TierBrief, context.Kpi, context.Account,
                context.TierRow, context.Footer, context.Chart):
        assert cls.__doc__, cls
        for f in dataclasses.fields(cls):
            assert re.search(rf"^\s+{f.name}: .*#: \S", source, re.M), f"{cls.__name__}.{f.name} is undocumented"


def test_kpis_match_the_engine(tiny_result: tierkit.Classification) -> None:
    pack = pack_for(tiny_result, "en")
    fmt = Formatter("en")
    summary = tiny_result.summary("en").set_index("id")
    assert [t.id for t in pack.tiers] == ["key", "vip", "main", "ordinary"]
    for tier in pack.tiers:
        kpis = {k.key: k for k in tier.kpis}
        rec = summary.loc[tier.id]
        assert kpis["count"].tier == fmt.number(rec["count"])
        assert kpis["share"].tier == fmt.percent(rec["share"])
        assert kpis["value"].tier == fmt.number(rec["measure_sum"])
        assert kpis["value_share"].tier == fmt.percent(rec["measure_share"])
        assert kpis["count"].overall == "12"
    key = pack.tiers[0]
    assert {k.key: k.tier for k in key.kpis}["count"] == "3"  # North Star, <script>, {{ 7*7 }}
    assert {k.key: k.tier for k in key.kpis}["value"] == "650,500"  # 650,500.5: Babel rounds half to even


def test_definitions_are_plain_words(tiny_result: tierkit.Classification) -> None:
    en, zh = pack_for(tiny_result, "en"), pack_for(tiny_result, "zh")
    assert en.tiers[0].definition == "Revenue ≥ 100,000 and Region is North or East"
    assert zh.tiers[0].definition == "销售额 ≥ 100,000 且 区域 为 North、East 之一"
    assert en.tiers[3].definition == "Every customer no other tier took"


def test_top_accounts_are_ranked_by_value_with_reasons(tiny_result: tierkit.Classification) -> None:
    tier = pack_for(tiny_result, "en").tiers[0]
    assert tier.account_columns == ("Customer ID", "Customer", "客户名称", "Revenue")
    assert [a.cells[0] for a in tier.accounts] == ["C01", "C02", "C03"]
    assert tier.accounts[0].cells == ("C01", "North Star Ltd", CHINESE_NAME, "350,000")
    assert tier.accounts[0].reason.startswith("Revenue 350,000 ≥ 100,000")
    assert tier.strategies == ("Assign a dedicated account manager", "Regular visits by company leaders")
    assert tier.actions == ("Call each key account before the 15th",)


def test_empty_tier_and_default_actions(tiny_result: tierkit.Classification) -> None:
    pack = pack_for(tiny_result, "zh")
    vip = pack.tiers[1]
    assert vip.empty and vip.accounts == () and vip.chart is None
    main = pack.tiers[2]
    assert main.actions[0] == words("zh")["action_top"].format(n=5)
    assert main.label == "主要客户" and main.strategies == ("针对性优惠，挖掘潜力",)


def test_top_limits_the_table(tiny_result: tierkit.Classification) -> None:
    pack = build_pack(tiny_result, lang="en", top=1, charts=False)
    assert all(len(t.accounts) <= 1 for t in pack.tiers)
    with pytest.raises(tierkit.TierkitError):
        build_pack(tiny_result, lang="en", top=-1, charts=False)
    with pytest.raises(tierkit.TierkitError, match="unknown language"):
        build_pack(tiny_result, lang="fr", charts=False)


def test_names_print_literally(tiny_result: tierkit.Classification) -> None:
    for lang in ("en", "zh"):
        html = render_html(pack_for(tiny_result, lang))
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "{{ 7*7 }} Trading" in html and "49 Trading" not in html
        assert "VIP &lt;b&gt;gold&lt;/b&gt;" in html or lang == "zh"
        assert CHINESE_NAME in html
        text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
        assert XSS_NAME in text and TEMPLATE_NAME in text


def test_cover_totals_and_footer(tiny_result: tierkit.Classification) -> None:
    pack = pack_for(tiny_result, "zh")
    assert dict(pack.cover.totals) == {"客户数": "12", "总价值": "1,122,000"}
    assert dict(pack.cover.facts)["数据基准日"] == "2024年12月31日"
    assert pack.footer.rules_hash == tiny_result.ruleset.digest
    assert pack.footer.data_hash == data_digest(customers())
    assert build_pack(tiny_result, charts=False).footer.data_hash == data_digest(tiny_result.binding.frame)
    # the zh footer said "rules" in English until the footer became one catalogue message
    assert pack.footer.text == f"tiny · 规则 {tiny_result.ruleset.digest} · 数据 {pack.footer.data_hash}"
    en = pack_for(tiny_result, "en").footer
    assert en.data_hash == pack.footer.data_hash
    assert en.text == f"tiny · rules {tiny_result.ruleset.digest} · data {en.data_hash}"


def test_data_digest_follows_the_data() -> None:
    a, b = customers(), customers()
    assert data_digest(a) == data_digest(b)
    b.loc[3, "Revenue"] = 95_001.0
    assert data_digest(a) != data_digest(b)


def test_identity_columns() -> None:
    id_col, names = identity_columns(customers())
    assert id_col == "Customer ID" and names == ["Customer", "客户名称"]


def test_formats() -> None:
    en, zh = Formatter("en"), Formatter("zh")
    assert en.number(1234567.8) == "1,234,568" and zh.number(1234567.8) == "1,234,568"
    assert en.percent(0.1234) == "12.3%" and en.percent(float("nan")) == "–"
    assert zh.date(AS_OF) == "2024年12月31日" and en.date(AS_OF) == "December 31, 2024"
    assert zh.compact(174_844_300) == "1.7亿" and en.compact(174_844_300) == "174.8M"
    assert en.auto(2.5) == "2.5" and en.auto(7.0) == "7"


def test_charts_are_svg_in_segment_colours(tiny_result: tierkit.Classification) -> None:
    pack = build_pack(tiny_result, lang="zh", top=3, as_of=AS_OF)
    bars, pareto = pack.cover.charts
    assert bars.svg.startswith("<svg") and "#1b5e20" in bars.svg and "#fbc02d" in bars.svg
    assert "关键客户" in bars.svg  # text stays text
    assert pareto.src.startswith("data:image/svg+xml;base64,")
    assert "80%" in pareto.alt
    key = pack.tiers[0]
    assert key.chart is not None and "#1b5e20" in key.chart.svg and "销售额" in key.chart.svg


def test_rules_sheet_without_measure_labels_or_default() -> None:
    """A Rules sheet (no measure, no colours, no zh labels, no default): counts only, an unmatched row."""
    rs = tierkit.ruleset_from_rows([
        ["id", "label", "when", "strategy"],
        ["big", "Big", "Revenue >= 100000", "Visit"],
        ["small", "Small", "Revenue < 10000", "Email"],
    ])
    res = tierkit.classify(rs, customers().rename(columns={"Revenue": "revenue"}))
    pack = build_pack(res, lang="zh", charts=False)
    assert not pack.cover.has_measure and len(pack.cover.charts) == 1
    assert [r.label for r in pack.cover.tiers] == ["Big", "Small", "（未分层）"]
    assert {k.key for k in pack.tiers[0].kpis} == {"count", "share"}
    assert pack.tiers[0].account_columns == ("Customer ID", "Customer", "客户名称")
    html = render_html(pack)
    assert "Visit" in html and "（未分层）" in html


def test_collect_policy_counts_every_hit(tiny_rules: tierkit.RuleSet) -> None:
    rs = dataclasses.replace(tiny_rules, hit_policy="collect")
    res = tierkit.classify(rs, customers(), as_of=AS_OF)
    pack = build_pack(res, lang="en", charts=False)
    counts = {t.id: {k.key: k.tier for k in t.kpis}["count"] for t in pack.tiers}
    summary = res.summary("en").set_index("id")["count"]
    assert counts == {k: str(v) for k, v in summary.items() if k}


def test_key_fields_from_the_rule_file_resolve_through_aliases(tiny_result: tierkit.Classification) -> None:
    """``key_fields: [revenue, orders]``: 'orders' is only declared (header 'Orders'), not used by a rule."""
    chart = pack_for(tiny_result, "en").tiers[0].chart
    assert chart is not None and chart.alt == "Revenue · median: 180,000 / 25,500; Orders · median: 25 / 5"


def test_a_table_without_the_measure_gives_counts_only(tiny_rules: tierkit.RuleSet) -> None:
    frame = customers().rename(columns={"Revenue": "Umsatz"})
    frame["revenue_band"] = 1
    rs = dataclasses.replace(tiny_rules, segments=tuple(s for s in tiny_rules.segments if s.id in ("ordinary",)))
    res = tierkit.classify(rs, frame, as_of=AS_OF)  # a missing measure column is not an error
    assert res.binding.measure is None and res.binding.notes
    pack = build_pack(res, lang="en", charts=False)
    assert not pack.cover.has_measure
    assert {k.key for k in pack.tiers[0].kpis} == {"count", "share"}
