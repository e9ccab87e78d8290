"""``rules show``: a rule set as people read it.

By default everything reads in the chosen language: fields by their labels, the measure by its field's
label, the hit policy in words, conditions in plain words with every parameter shown as its value
(``前序累计占比 < 80%``), and a parameter named in a description shown as its value too.  ``source=True``
adds what a rule-file author needs: field names and each condition as written in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..compile.context import as_of_datetime, parse_rule
from ..compile.describe import describe_when, param_value, referenced
from ..i18n import mark, tr, trc
from ..ruleset.loader import declared_types
from ..ruleset.model import RuleSet

#: field types as ``rules show`` names them
FIELD_TYPES = {"string": mark("field type", "string"), "int": mark("field type", "int"),
               "float": mark("field type", "float"), "date": mark("field type", "date"),
               "datetime": mark("field type", "datetime"), "bool": mark("field type", "bool")}
#: hit policies in words (the header's ``hit policy {policy}``)
POLICIES = {"first": mark("hit policy", "first"), "unique": mark("hit policy", "unique"),
            "priority": mark("hit policy", "priority"), "collect": mark("hit policy", "collect")}
#: a parameter's gloss right after its name in a description (``a_cutoff（默认80%）``): the value replaces both
_GLOSS = r"(?:\s?[（(][^（）()\n]{1,12}[）)])?"


def show_ruleset(rs: RuleSet, lang: str = "en", *, source: bool = False) -> str:
    """The rule set in words; ``source`` adds field names and the conditions as the rule file writes them."""
    now = as_of_datetime(None)
    types = declared_types(rs)
    labels = {name: f.display(lang) for name, f in rs.fields.items()}
    policy = policy_words(rs.hit_policy, lang)
    lines = [tr(lang, "{title}  ({name}; {path}; hit policy {policy})", title=rs.title.get(lang), name=rs.name,
                path=rs.display_path, policy=policy)]
    if rs.description:
        lines.append(f"  {fill_params(rs.description.get(lang), rs.params, lang)}")
    if rs.measure:
        lines.append("  " + tr(lang, "totals per tier: {measure}", measure=labels.get(rs.measure, rs.measure)))
    if rs.params:
        lines.append("  " + tr(lang, "params (change with {option} name=value): {params}", option="--param",
                               params=_params(rs, lang)))
    if rs.fields:
        fields = trc(lang, "list of items", "; ").join(_field(f, lang, source) for f in rs.fields.values())
        lines.append("  " + tr(lang, "fields: {fields}", fields=fields))
    if rs.features:
        lines.append("  " + tr(lang, "features: {n} derived (see the rule file)", n=len(rs.features)))
    for seg in rs.segments:
        lines.append("")
        colour = f"  {seg.color}" if seg.color else ""
        lines.append(f"[{seg.id}] {seg.label.get(lang)}{colour}")
        if seg.default:
            lines.append("  " + tr(lang, "when: {condition}", condition=tr(lang, "every row no other segment matched")))
        else:
            assert seg.when is not None
            tree = parse_rule(seg.when, types, now).statement
            lines.append("  " + tr(lang, "when: {condition}", condition=describe_when(tree, lang, labels, rs.params,
                                                                                rs.fields)))
            if source:
                lines.append("  " + tr(lang, "as written: {expression}", expression=seg.when))
        for strategy in seg.strategies:
            lines.append(f"  - {strategy.get(lang)}")
    return "\n".join(lines)


def policy_words(policy: str, lang: str = "en") -> str:
    """A hit policy's name in ``lang`` (``first`` -> ``首个命中``)."""
    return trc(lang, "hit policy", POLICIES[policy]) if policy in POLICIES else policy  # i18n: marked


def fill_params(text: str, params: Mapping[str, float], lang: str = "en") -> str:
    """``text`` with each parameter name that holds an underscore shown as its value (``超过 churn_days 天`` ->
    ``超过 365 天``; a one-word name such as ``days`` may be a plain word of the text and stays); a short
    bracketed gloss right after the name (``a_cutoff（默认80%）``) goes with it; ``name=value`` (an example
    of ``--param``) stays as it is."""
    wordy = sorted((n for n in params if "_" in n), key=len, reverse=True)  # ``days`` may be a plain word
    if not wordy or not text:
        return text
    names = "|".join(re.escape(n) for n in wordy)
    pattern = re.compile(rf"(?<![A-Za-z0-9_])({names})(?![A-Za-z0-9_=]){_GLOSS}")
    return pattern.sub(lambda m: param_value(params[m.group(1)], lang), text)


def _params(rs: RuleSet, lang: str) -> str:
    """``a_cutoff=80% (A · Key account)``: each parameter, its value and the segments whose conditions use it."""
    used: dict[str, list[str]] = {name: [] for name in rs.params}
    for seg in rs.conditional_segments:
        assert seg.when is not None
        for name in referenced(parse_rule(seg.when, declared_types(rs), as_of_datetime(None)).statement):
            if name in used and seg.label.get(lang) not in used[name]:
                used[name].append(seg.label.get(lang))
    sep = trc(lang, "list separator", ", ")
    items = []
    for name, value in rs.params.items():
        shown = f"{name}={param_value(value, lang)}"
        if used[name]:
            shown = tr(lang, "{param} (in {segments})", param=shown, segments=sep.join(used[name]))
        items.append(shown)
    return trc(lang, "list of items", "; ").join(items)


def _field(f: Any, lang: str, source: bool = False) -> str:
    """``销售额 (数字: 销售额, Sales)``: a declared field by its label (by its name with ``source``), its type
    and the headers it may have."""
    kind = trc(lang, "field type", FIELD_TYPES[f.type]) if f.type in FIELD_TYPES else f.type  # i18n: marked
    name = f.name if source else f.display(lang)
    if not f.aliases:
        return tr(lang, "{name} ({type})", name=name, type=kind)
    sep = trc(lang, "list separator", ", ")
    return tr(lang, "{name} ({type}: {aliases})", name=name, type=kind, aliases=sep.join(f.aliases))
