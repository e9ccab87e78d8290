"""The typed contexts of the report templates: one dataclass per template, every field documented.

A template sees only what is here (StrictUndefined turns a typo into an error).  Every text is
plain text: the Jinja environment escapes it, so a customer called ``<script>`` prints as such.
Charts are SVG documents tierkit draws itself (reporting/svg.py); a template shows one as
``<img src="{{ chart.src }}">`` (a ``data:image/svg+xml`` URL, the one kind of ``data:`` URL the
PDF writer's fetcher accepts).

Templates and their contexts:

* ``pack.html.j2`` -> :class:`PackContext` (the whole document; includes the two below)
* ``cover.html.j2`` -> :class:`CoverContext` (as ``pack.cover``)
* ``tier.html.j2`` -> :class:`TierBrief` (one per tier, as ``tier``)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Chart:
    """A chart drawn by tierkit."""

    title: str  #: caption printed above the chart
    svg: str  #: the SVG document (drawn by tierkit.reporting.charts, or a placeholder)
    alt: str  #: the chart in words (the image's alt text)

    @property
    def src(self) -> str:
        """The chart as a ``data:image/svg+xml;base64,...`` URL for ``<img src>``."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class Kpi:
    """One key figure of a tier, next to the same figure for all customers."""

    key: str  #: stable id: ``count``, ``share``, ``value``, ``value_share``, ``avg_value``, ``aov``, ``recency``
    label: str  #: what it is, in the report language
    tier: str  #: the tier's figure, formatted
    overall: str  #: the figure for all customers, formatted ("100%" for shares)


@dataclass(frozen=True)
class Account:
    """One row of a tier's top accounts table."""

    rank: int  #: 1-based position by value
    cells: tuple[str, ...]  #: formatted cells, in the order of :attr:`TierBrief.account_columns`
    reason: str  #: why the customer is in the tier (the engine's reason text)


@dataclass(frozen=True)
class TierRow:
    """One line of the cover's tier table."""

    id: str  #: segment id (``""`` for customers no tier took)
    label: str  #: tier label in the report language
    color: str  #: ``#rrggbb`` swatch colour
    count: str  #: number of customers, formatted
    share: str  #: share of customers, formatted
    value: str  #: value (sum of the measure), formatted; ``""`` without a measure
    value_share: str  #: share of value, formatted; ``""`` without a measure


@dataclass(frozen=True)
class CoverContext:
    """The cover page (``cover.html.j2``)."""

    title: str  #: rule set title, e.g. "RFM segments"
    subtitle: str  #: e.g. "Tier briefs"
    facts: tuple[tuple[str, str], ...]  #: (label, value) pairs: source, as-of date, generated-at, rule set
    totals: tuple[tuple[str, str], ...]  #: (label, value) pairs: customers, total value
    tiers: tuple[TierRow, ...]  #: one row per tier (and one for unmatched customers, if any)
    has_measure: bool  #: whether the value columns are shown
    charts: tuple[Chart, ...]  #: tier sizes + value shares; Pareto curve (when there is a measure)
    description: str  #: the rule set's description ("" if none)
    notes: tuple[str, ...] = ()  #: data notes: rows left out of the table, orders sheet figures, ... ("Data notes")


@dataclass(frozen=True)
class TierBrief:
    """One tier's brief (``tier.html.j2``), starting on a new page."""

    id: str  #: segment id
    label: str  #: tier label in the report language
    color: str  #: segment colour ``#rrggbb`` (grey when the rule file gives none)
    text_color: str  #: black or white, whichever reads on :attr:`color`
    definition: str  #: the rule in plain words ("Revenue ≥ 100,000 and region is North or East")
    description: str  #: the rule file's description of the segment ("" if none)
    kpis: tuple[Kpi, ...]  #: key figures against all customers
    chart: Chart | None  #: how the tier differs from the rest on its key fields (None when empty)
    account_columns: tuple[str, ...]  #: header of the top accounts table (after the rank)
    kinds: tuple[str, ...]  #: per column of :attr:`account_columns`: ``id``, ``name`` or ``num`` (for widths)
    accounts: tuple[Account, ...]  #: the top N accounts by value
    top_n: int  #: N as asked (the table may be shorter)
    strategies: tuple[str, ...]  #: recommended strategies from the rule file
    actions: tuple[str, ...]  #: "actions this month" checklist
    empty: bool  #: no customer is in the tier
    continued: str = ""  #: the header of the pages after the first, "Loyal (continued)" (brief.css repeats it)


@dataclass(frozen=True)
class Footer:
    """What every page's footer prints: page x of y · rule set · hashes of the rules and the data."""

    ruleset: str  #: rule set name
    rules_hash: str  #: short hash of the rule file text (:attr:`RuleSet.digest`)
    data_hash: str  #: short hash of the input table
    text: str  #: the footer's fixed part, e.g. "rfm · rules 3fa2b9c1d0 · data 7c1e0a2b9f"


@dataclass(frozen=True)
class PackContext:
    """The whole document (``pack.html.j2``): a cover and one brief per tier."""

    lang: str  #: the report language: ``en``, ``zh`` or any language with a catalogue
    html_lang: str  #: value of ``<html lang>``: ``en``, ``zh-CN`` (see :func:`fmt.html_lang`)
    title: str  #: document title (rule set title + "Tier briefs")
    words: dict[str, str]  #: the fixed words of the report in :attr:`lang` (see :func:`fmt.words`)
    cover: CoverContext  #: the cover page
    tiers: tuple[TierBrief, ...]  #: one brief per tier, in rule-file order
    footer: Footer  #: page footer
    show_cover: bool = True  #: False for one tier's own PDF (``--split``)
    stylesheets: tuple[str, ...] = field(default=("brief.css",))  #: CSS files under ``css/`` to link
    page_numbers: tuple[tuple[int, int], ...] = ()  #: per page, the (page, of) its footer prints (``--split``)
    author: str = "tierkit"  #: the PDF's author (document metadata)
    movement: Any = None  #: the movement page after the cover (:class:`tierkit.reporting.movement.MovementPage`)
    page_total: int = 0  #: a part of a pack (:mod:`.parallel`): the pages of the whole pack (its footers' "of")
    first_page: int = 1  #: a part of a pack: the number of its first page in the whole pack
    elsewhere: tuple[tuple[str, int], ...] = ()  #: a part of a pack (:mod:`.parallel`): every (tier id, page)

    def elsewhere_page(self, tier_id: str | None) -> int | None:
        """The page of tier ``tier_id`` given for a part of a pack laid out in pieces (see :attr:`elsewhere`)."""
        return next((page for tid, page in self.elsewhere if tid == tier_id), None) if tier_id else None

    def has_tier(self, tier_id: str | None) -> bool:
        """Whether tier ``tier_id`` is in this pack (or in this part of it)."""
        return any(tier.id == tier_id for tier in self.tiers)
