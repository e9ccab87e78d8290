"""Numbers, dates and the fixed words of the reports in English and Chinese (Babel for the formats)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from ..errors import TierkitError

LOCALES = {"en": "en", "zh": "zh_CN"}

#: Every fixed word on a report, per language.  Templates read them as ``pack.words.<key>``.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "pack_title": "Tier briefs",
        "source": "Data source",
        "as_of": "Data as of",
        "generated": "Generated",
        "rules": "Rule set",
        "customers": "Customers",
        "value": "Value",
        "total_value": "Total value",
        "tiers": "Tiers",
        "tier": "Tier",
        "count": "Customers",
        "share": "Share of customers",
        "value_share": "Share of value",
        "tier_sizes": "Tier sizes and value shares",
        "pareto": "Pareto curve",
        "pareto_note": "{top} of customers bring 80% of the value",
        "definition": "Who is in this tier",
        "kpis": "Key figures",
        "this_tier": "This tier",
        "overall": "All customers",
        "differs": "How this tier differs from the rest",
        "top_accounts": "Top {n} accounts",
        "strategies": "Recommended strategies",
        "actions": "Actions this month",
        "rank": "#",
        "reason": "Why",
        "empty_tier": "No customer is in this tier in this data.",
        "no_strategies": "The rule file lists no strategy for this tier.",
        "unmatched": "(no tier)",
        "page": "Page",
        "of": "of",
        "page_end": "",
        "data": "data",
        "kpi_count": "Customers",
        "kpi_share": "Share of customers",
        "kpi_value": "Value ({measure})",
        "kpi_value_share": "Share of value",
        "kpi_avg_value": "Average value per customer",
        "kpi_aov": "Average order value",
        "kpi_recency": "Median days since last order",
        "kpi_frequency": "Median number of orders",
        "chart_tier": "this tier",
        "chart_rest": "all other customers",
        "chart_customers": "customers",
        "chart_value": "value",
        "chart_cum_customers": "share of customers (ranked by value)",
        "chart_cum_value": "cumulative share of value",
        "no_chart": "No chart: this tier has no customers or no numeric key fields.",
        "action_top": "Review the top {n} accounts below and give each an owner",
        "action_contact": "Plan follow-up visits or personalised messages for this tier",
        "action_service": "Check open after-sales issues and answer each customer",
        "action_review": "Re-evaluate the tier at month end: customers move between tiers",
    },
    "zh": {
        "pack_title": "客户分层简报",
        "source": "数据来源",
        "as_of": "数据基准日",
        "generated": "生成时间",
        "rules": "规则集",
        "customers": "客户数",
        "value": "价值",
        "total_value": "总价值",
        "tiers": "层级",
        "tier": "层级",
        "count": "客户数",
        "share": "客户占比",
        "value_share": "价值占比",
        "tier_sizes": "各层级客户数与价值占比",
        "pareto": "帕累托曲线",
        "pareto_note": "{top}的客户贡献了80%的价值",
        "definition": "本层级包括哪些客户",
        "kpis": "关键指标",
        "this_tier": "本层级",
        "overall": "全部客户",
        "differs": "本层级与其他客户的差异",
        "top_accounts": "前 {n} 名客户",
        "strategies": "建议策略",
        "actions": "本月行动清单",
        "rank": "序号",
        "reason": "原因",
        "empty_tier": "本数据中没有客户属于该层级。",
        "no_strategies": "规则文件未列出该层级的策略。",
        "unmatched": "（未分层）",
        "page": "第",
        "of": "页，共",
        "page_end": "页",
        "data": "数据",
        "kpi_count": "客户数",
        "kpi_share": "客户占比",
        "kpi_value": "价值（{measure}）",
        "kpi_value_share": "价值占比",
        "kpi_avg_value": "客户平均价值",
        "kpi_aov": "平均订单金额",
        "kpi_recency": "距最近下单天数（中位数）",
        "kpi_frequency": "订单数（中位数）",
        "chart_tier": "本层级",
        "chart_rest": "其他客户",
        "chart_customers": "客户数",
        "chart_value": "价值",
        "chart_cum_customers": "客户占比（按价值排序）",
        "chart_cum_value": "累计价值占比",
        "no_chart": "无图表：该层级没有客户或没有数值型关键字段。",
        "action_top": "逐一查看下列前 {n} 名客户，并为每位指定负责人",
        "action_contact": "为本层级安排回访或个性化沟通",
        "action_service": "检查未结的售后问题并逐一答复",
        "action_review": "月底重新评估层级：客户会在层级之间流动",
    },
}


def check_lang(lang: str) -> str:
    if lang not in LOCALES:
        raise TierkitError(f"unknown language '{lang}'", hint="use en or zh")
    return lang


class Formatter:
    """Number, percent and date formats for one language (Babel locale ``en`` or ``zh_CN``)."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.locale = LOCALES[lang]

    def number(self, value: Any, digits: int = 0) -> str:
        """``1,234,568``; ``digits`` decimals; blanks and NaN print as ``–``."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def auto(self, value: Any) -> str:
        """A number with the decimals it needs: integers plain, small numbers with up to 2 decimals."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        number = float(value)
        if number == int(number) or abs(number) >= 1000:
            return self.number(number)
        return format_decimal(number, format="#,##0.##", locale=self.locale)

    def percent(self, value: Any, digits: int = 1) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return format_percent(value, format="#,##0" + ("." + "0" * digits if digits else "") + "%",
                              locale=self.locale)

    def compact(self, value: float) -> str:
        """Short numbers for chart labels: ``174.8M`` / ``1.7亿``."""
        if abs(value) < 10_000:
            return self.number(value)
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return "–"
        if isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format="long", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        return format_datetime(value, format="medium", locale=self.locale)

    def cell(self, value: Any) -> str:
        """Any table cell: numbers and dates localised, blanks as ``–``, everything else as text."""
        import numpy as np
        import pandas as pd

        if value is None or value is pd.NA or value is pd.NaT:
            return "–"
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return self.auto(value)
        if isinstance(value, pd.Timestamp | dt.datetime):
            return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)
