"""The fixed words of the reports, from the message catalogue; numbers and dates from :mod:`tierkit.numfmt`.

A report's words are :data:`WORDS` (key -> English, marked for the catalogue with the context ``brief``)
translated by :func:`words`; templates read them as ``pack.words.<key>``.  A new report language is a
catalogue (``tierkit/locale/<lang>/LC_MESSAGES/tierkit.po``) plus Babel's locale data for its number and
date formats (:func:`tierkit.numfmt.babel_locale`), not code.
"""

from __future__ import annotations

import functools
from typing import Any

from ..i18n import mark, trc
from ..numfmt import LOCALES, FieldFormat, Formatter, babel_locale, check_lang

#: the context of every fixed word of a report in the catalogue
CONTEXT = "brief"
#: the running footer's page numbers: one sentence, split into ``page`` / ``of`` / ``page_end`` around
#: the page counters (see :func:`words`); a translation keeps ``{page}`` before ``{pages}``
PAGE_OF = mark("brief", "Page {page} of {pages}")

#: Every fixed word on a report: its key and its English text (the message id).
WORDS: dict[str, str] = {
    "pack_title": mark("brief", "Tier briefs"),
    "data_notes": mark("brief", "Data notes"),
    "source": mark("brief", "Data source"),
    "as_of": mark("brief", "Data as of"),
    "generated": mark("brief", "Generated"),
    "rules": mark("brief", "Rule set"),
    "customers": mark("brief", "Customers"),
    "value": mark("brief", "Value"),
    "total_value": mark("brief", "Total value"),
    "tiers": mark("brief", "Tiers"),
    "tier": mark("brief", "Tier"),
    "count": mark("brief", "Customers"),
    "share": mark("brief", "Share of customers"),
    "value_share": mark("brief", "Share of value"),
    "tier_sizes": mark("brief", "Tier sizes and value shares"),
    "pareto": mark("brief", "Pareto curve"),
    "pareto_note": mark("brief", "{top} of customers bring 80% of the value"),
    "definition": mark("brief", "Who is in this tier"),
    "kpis": mark("brief", "Key figures"),
    "this_tier": mark("brief", "This tier"),
    "overall": mark("brief", "All customers"),
    "differs": mark("brief", "How this tier differs from the rest"),
    "top_accounts": mark("brief", "Top {n} accounts"),
    "strategies": mark("brief", "Recommended strategies"),
    "actions": mark("brief", "Actions this month"),
    "rank": mark("brief", "#"),
    "reason": mark("brief", "Why"),
    "empty_tier": mark("brief", "No customer is in this tier in this data."),
    "no_strategies": mark("brief", "The rule file lists no strategy for this tier."),
    "contents_page": mark("brief", "Page"),
    "contents": mark("brief", "Contents"),
    "continued": mark("brief", "{label} (continued)"),
    "unmatched": mark("brief", "(no tier)"),
    "data": mark("brief", "data"),
    "kpi_count": mark("brief", "Customers"),
    "kpi_share": mark("brief", "Share of customers"),
    "kpi_value": mark("brief", "Value ({measure})"),
    "kpi_value_share": mark("brief", "Share of value"),
    "kpi_avg_value": mark("brief", "Average value per customer"),
    "kpi_aov": mark("brief", "Average order value"),
    "kpi_recency": mark("brief", "Median days since last order"),
    "kpi_frequency": mark("brief", "Median number of orders"),
    "chart_tier": mark("brief", "this tier"),
    "chart_rest": mark("brief", "all other customers"),
    "chart_customers": mark("brief", "customers"),
    "chart_value": mark("brief", "value"),
    "chart_cum_customers": mark("brief", "share of customers (ranked by value)"),
    "chart_cum_value": mark("brief", "cumulative share of value"),
    "no_chart": mark("brief", "No chart: this tier has no customers or no numeric key fields."),
    "action_top": mark("brief", "Review the top {n} accounts below and give each an owner"),
    "action_contact": mark("brief", "Plan follow-up visits or personalised messages for this tier"),
    "action_service": mark("brief", "Check open after-sales issues and answer each customer"),
    "action_review": mark("brief", "Re-evaluate the tier at month end: customers move between tiers"),
}
#: the keys :func:`words` derives from :data:`PAGE_OF`
PAGE_KEYS = ("page", "of", "page_end")


@functools.cache
def _words(lang: str) -> tuple[tuple[str, str], ...]:
    out = {key: trc(lang, CONTEXT, english) for key, english in WORDS.items()}  # i18n: marked
    sentence = trc(lang, CONTEXT, PAGE_OF, page="\0", pages="\1")  # i18n: marked
    page, sep, rest = sentence.partition("\0")
    of, sep2, end = rest.partition("\1")
    if not (sep and sep2):  # the footer counts the page before the pages: else it shows "3 / 12"
        page, of, end = "", "/", ""
    out.update(zip(PAGE_KEYS, (page.strip(), of.strip(), end.strip()), strict=True))
    return tuple(out.items())


def words(lang: str) -> dict[str, str]:
    """Every fixed word of a report in ``lang``: :data:`WORDS`' keys plus ``page`` / ``of`` / ``page_end``
    (``Page`` 3 ``of`` 12 / ``第`` 3 ``页，共`` 12 ``页``), the running footer's words around the counters."""
    return dict(_words(check_lang(lang)))


def figure(fmt: Formatter, value: Any, field: FieldFormat | None) -> str:
    """A figure of a field (a sum, an average, a median) as a brief prints it, through the field's format
    (:class:`FieldFormat`): a percent or a number as the field declares; money in whole units unless the field
    declares its decimals (a total of 160,903,480, not 160,903,480.12); an integer field's statistic with the
    decimal it may need (a median of 8.5 orders); a field without a format (or an id) as
    :meth:`Formatter.auto`.  Blanks and NaN print as ``–``."""
    if field is None or not field.numeric:
        return fmt.auto(value)
    if field.kind == "money" and field.decimals is None:
        field = FieldFormat("money", 0)
    elif field.kind == "integer":
        field = FieldFormat("number", 1)
    return fmt.field(value, field)


def html_lang(lang: str) -> str:
    """The value of ``<html lang>``: the Babel locale as a BCP 47 tag (``en``, ``zh-CN``, ``ja``)."""
    return babel_locale(lang).replace("_", "-")


__all__ = ["CONTEXT", "LOCALES", "PAGE_KEYS", "PAGE_OF", "WORDS", "FieldFormat", "Formatter", "babel_locale",
           "check_lang", "figure", "html_lang", "words"]
