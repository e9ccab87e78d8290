"""``rules show``: a rule set as people read it."""

from __future__ import annotations

from typing import Any

from ..compile.context import as_of_datetime, parse_rule
from ..compile.describe import describe_when
from ..i18n import mark, tr, trc
from ..ruleset.loader import declared_types
from ..ruleset.model import RuleSet

#: field types as ``rules show`` names them
FIELD_TYPES = {"string": mark("field type", "string"), "int": mark("field type", "int"),
               "float": mark("field type", "float"), "date": mark("field type", "date"),
               "datetime": mark("field type", "datetime"), "bool": mark("field type", "bool")}


def show_ruleset(rs: RuleSet, lang: str = "en") -> str:
    now = as_of_datetime(None)
    types = declared_types(rs)
    labels = {name: f.display(lang) for name, f in rs.fields.items()}
    lines = [tr(lang, "{title}  ({name}; {path}; hit policy {policy})", title=rs.title.get(lang), name=rs.name,
                path=rs.display_path, policy=rs.hit_policy)]
    if rs.description:
        lines.append(f"  {rs.description.get(lang)}")
    if rs.measure:
        lines.append("  " + tr(lang, "measure: {measure}", measure=rs.measure))
    if rs.params:
        lines.append("  " + tr(lang, "params: {params}", params=", ".join(f"{k}={v:g}" for k, v in rs.params.items())))
    if rs.fields:
        lines.append("  " + tr(lang, "fields: {fields}", fields="; ".join(_field(f, lang) for f in rs.fields.values())))
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
            lines.append("  " + tr(lang, "when: {condition}", condition=seg.when))
            lines.append(f"        {describe_when(parse_rule(seg.when, types, now).statement, lang, labels)}")
        for strategy in seg.strategies:
            lines.append(f"  - {strategy.get(lang)}")
    return "\n".join(lines)


def _field(f: Any, lang: str) -> str:
    """``revenue (float: 销售额, Sales)``: a declared field, its type and aliases."""
    kind = trc(lang, "field type", FIELD_TYPES[f.type]) if f.type in FIELD_TYPES else f.type  # i18n: marked
    if not f.aliases:
        return f"{f.name} ({kind})"
    return tr(lang, "{name} ({type}: {aliases})", name=f.name, type=kind, aliases=", ".join(f.aliases))
