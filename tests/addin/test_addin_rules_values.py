"""=TIER.RULES shows a rule set's conditions with its parameters' values, not their names."""

from __future__ import annotations

import tierkit

from .helpers import call


def test_rules_table_shows_parameter_values() -> None:
    rs = tierkit.load_ruleset("abc")
    for lang, shown in [("en", "the customers who together bring the first 80% of the contribution"),
                        ("zh", "合计贡献前80%的客户")]:
        rows = call("tier_rules", "abc", lang)
        whens = {row[0]: row[2] for row in rows[1:]}
        assert whens["A"] == shown, whens
        assert not any(name in cell for cell in whens.values() for name in rs.params), whens
