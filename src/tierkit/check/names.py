"""``rules check`` without data: the names conditions, the measure and the features use.

A name that is neither a declared field, nor made by a feature, nor a param is a *warning* with a
did-you-mean (it may be a column of the table: undeclared columns are allowed, so the check still passes).
A feature that reads such a name is reported the same way; a feature whose output has a param's name (the
param wins in conditions) fails the check.  Misspelt feature kinds and options are rejected when the rule
file loads (:func:`tierkit.features.parse_feature`, with the file and line).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..compile.context import as_of_datetime, iter_symbols, parse_rule
from ..errors import Suggestion
from ..features import FeatureSpec, feature_outputs
from ..i18n import tr
from ..ruleset.loader import declared_types
from ..ruleset.model import RuleSet
from .report import CheckReport


def check_names(rs: RuleSet, report: CheckReport) -> None:
    """Add to ``report`` a warning per undeclared name (conditions, measure, feature inputs) and an error per
    feature output that a param hides.  (A feature may remake an earlier one's output: the built-in rule sets
    compute ``margin_rate`` from orders or, in a flat table, from its columns.)"""
    lang = report.lang
    declared = set(rs.fields) | set(rs.params)
    outputs = feature_outputs(rs.features)
    known = [*rs.fields, *rs.params, *dict.fromkeys(outputs)]

    def suggestion(name: str) -> str | None:
        return Suggestion([k for k in known if k != name]).best(name)

    made: set[str] = set()
    for index, spec in enumerate(rs.features):
        where = {"feature": f"features[{index}]", "line": spec.line or "?"}
        for name in _inputs(spec):
            if name in declared or name in made:
                continue
            best = suggestion(name)
            report.add("warning", tr(lang, "{feature} (line {line}) reads '{name}', which no field or earlier "
                                           "feature declares: did you mean '{suggestion}'?", name=name,
                                     suggestion=best, **where) if best else
                       tr(lang, "{feature} (line {line}) reads '{name}', which no field or earlier feature declares: "
                                "it must be a column of the table", name=name, **where), fails=False)
        for name in spec.outputs():
            if name in rs.params:
                report.add("warning", tr(lang, "{feature} (line {line}) makes '{name}', which is also a param: "
                                               "conditions read the param", name=name, **where))
        made.update(spec.outputs())
    known_names = declared | set(outputs)
    now = as_of_datetime(None)
    types = declared_types(rs)
    seen: set[str] = set()
    for seg in rs.conditional_segments:
        assert seg.when is not None
        for name in dict.fromkeys(iter_symbols(parse_rule(seg.when, types, now).statement)):
            if name in known_names or name in seen:
                continue
            seen.add(name)
            at = seg.when_line or seg.line
            best = suggestion(name)
            report.add("warning", tr(lang, "segment '{id}' (line {line}) uses '{name}', which no field, feature or "
                                           "param declares: did you mean '{suggestion}'?", id=seg.id, line=at,
                                     name=name, suggestion=best) if best else
                       tr(lang, "segment '{id}' (line {line}) uses '{name}', which no field, feature or param "
                                "declares: it must be a column of the table", id=seg.id, line=at, name=name),
                       fails=False)
    if rs.measure and rs.measure not in known_names:
        best = suggestion(rs.measure)
        if best:
            report.add("warning", tr(lang, "the measure '{name}' is no field or feature: did you mean "
                                           "'{suggestion}'?", name=rs.measure, suggestion=best), fails=False)


def _inputs(spec: FeatureSpec) -> Iterable[str]:
    """The columns of the table a feature reads (an orders sheet's own columns aside)."""
    inputs = getattr(spec, "inputs", None)
    if inputs is None:
        return ()
    names = list(inputs())
    by = getattr(spec, "by", None)
    if isinstance(by, str):
        names.append(by)
    return dict.fromkeys(names)
