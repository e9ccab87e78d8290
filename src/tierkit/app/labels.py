"""Tier labels where several rule sets are shown together.

Two rule sets may give the same name to tiers that mean different things: RFM's 忠诚客户 (recent, frequent,
high spend) is not the lifecycle's 忠诚客户 (12 orders over a year and bought lately).  Wherever both can
appear side by side (the tier columns of one run, the Tier summary, the cross-tab) such a label is qualified
by its rule set's short name: ``忠诚客户（RFM客户细分）`` / ``忠诚客户（客户生命周期）``.  Labels that clash with
no other rule set's, and every label of a rule set shown alone, stay as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..i18n import tr
from ..ruleset.model import RuleSet

#: a bracketed tail of a title (``客户生命周期（潜在/一次性/常规/忠诚/流失）``): left out of the short name
_TAIL = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def short_name(rs: RuleSet, lang: str = "en") -> str:
    """The rule set as a qualifier names it: its ``column`` name, else its title without a bracketed tail."""
    if rs.column:
        return rs.column
    return _TAIL.sub("", rs.title.get(lang)) or rs.name


def qualified_labels(rulesets: Sequence[RuleSet], lang: str = "en") -> list[dict[str, str]]:
    """For each rule set, ``{label: label qualified by the rule set}`` for the labels (in ``lang``) that another
    of ``rulesets`` also uses; empty dicts when nothing clashes (or for one rule set)."""
    owners: dict[str, set[int]] = {}
    for i, rs in enumerate(rulesets):
        for seg in rs.segments:
            owners.setdefault(seg.label.get(lang), set()).add(i)
    names = [short_name(rs, lang) for rs in rulesets]
    repeated = Counter(names)
    names = [rs.name if repeated[n] > 1 else n for n, rs in zip(names, rulesets, strict=True)]
    out: list[dict[str, str]] = []
    for i, rs in enumerate(rulesets):
        out.append({seg.label.get(lang): tr(lang, "{label} ({ruleset})", label=seg.label.get(lang), ruleset=names[i])
                    for seg in rs.segments if len(owners[seg.label.get(lang)]) > 1})
    return out


def relabel(labels: Sequence[str], mapping: dict[str, str]) -> Sequence[str]:
    """``labels`` with the clashing ones qualified (``labels`` itself when nothing clashes)."""
    if not mapping:
        return labels
    return [mapping.get(label, label) for label in labels]
