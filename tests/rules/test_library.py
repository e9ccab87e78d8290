"""Every built-in rule set loads, is complete (labels, colours, en+zh strategies) and works on the samples."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import rule_engine

import tierkit
from tierkit.features.apply import feature_outputs
from tierkit.features.kinds import Flags
from tierkit.ruleset import iter_symbols

from .helpers import RULES, load, on_sample, workbook

NAMES = sorted(p.stem for p in RULES.glob("*.yaml"))
# rule set -> samples it must work on (the samples hold the columns it needs)
SAMPLES = {
    "abc": ["simple", "distributor", "retail_members"],
    "behaviour": ["simple", "distributor", "retail_members"],
    "rfm": ["simple", "distributor", "retail_members"],
    "value": ["simple", "distributor", "retail_members"],
    "lifecycle": ["simple", "distributor", "retail_members"],
    "fit": ["simple", "distributor", "retail_members"],
    "profit": ["simple", "distributor"],
    "grouping_region": ["simple", "distributor"],
    "grouping_season": ["distributor", "retail_members"],
    "grouping_industry": ["simple", "distributor"],
    "grouping_product": ["distributor"],
    "grouping_competitor": ["distributor"],
    "grouping_preference": ["distributor"],
    "grouping_source": ["distributor"],
    "stages": ["distributor"],
    "stages_presale": ["distributor"],
    "stages_midsale": ["distributor"],
    "stages_postsale": ["distributor"],
    "stages_expected": ["distributor"],
    "attack_defense": ["simple", "distributor", "retail_members"],
    "needs": ["simple", "distributor", "retail_members"],
    "demographic": ["retail_members"],
    "route_to_market": ["distributor"],
    "user_type": ["simple", "distributor", "retail_members"],
}
CASES = [(name, sample) for name, samples in SAMPLES.items() for sample in samples]
COLLECT = [n for n in NAMES if n.startswith("stages") or n in ("behaviour", "demographic", "route_to_market",
                                                                          "grouping_competitor")]


def test_the_library_has_every_method() -> None:
    assert set(SAMPLES) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_rule_set_is_complete(name: str) -> None:
    rs = load(name)
    assert rs.name == name
    assert rs.title.en and rs.title.zh and rs.title.en != rs.title.zh
    assert rs.description is not None and rs.description.en != rs.description.zh
    assert rs.measure
    for seg in rs.segments:
        assert seg.label.en != seg.label.zh, seg.id
        assert seg.color and re.fullmatch(r"#[0-9a-f]{6}", seg.color), seg.id
        assert 2 <= len(seg.strategies) <= 4, seg.id
        for s in seg.strategies:
            assert s.en and s.zh and s.en != s.zh, (seg.id, s)
    if rs.hit_policy == "first":
        assert rs.default_segment is not None and rs.segments[-1].default
    else:
        assert rs.hit_policy == "collect"


@pytest.mark.parametrize("name", NAMES)
def test_fields_cover_every_name_the_rules_use(name: str) -> None:
    rs = load(name)
    for seg in rs.conditional_segments:
        rule = rule_engine.Rule(seg.when or "")
        for symbol in iter_symbols(rule.statement):
            assert symbol in rs.fields or symbol in rs.params, (seg.id, symbol)


@pytest.mark.parametrize(("name", "sample"), CASES)
def test_every_row_gets_exactly_one_tier(name: str, sample: str) -> None:
    result = on_sample(name, sample)
    assert result.n > 0
    if name in COLLECT:
        return  # checked per dimension below
    ids = result.tier_ids()
    assert "" not in ids
    assert set(ids) <= {s.id for s in result.ruleset.segments}
    counts = result.summary()["count"]
    assert int(counts.sum()) == result.n


@pytest.mark.parametrize("name", COLLECT)
def test_stage_profiles_have_one_segment_per_dimension(name: str) -> None:
    result = on_sample(name, "distributor")
    segs = result.ruleset.segments
    dims = sorted({s.id.split("_")[0] for s in segs})
    for hits in result.collected or []:
        prefixes = [segs[k].id.split("_")[0] for k in hits]
        assert sorted(prefixes) == dims


def test_stages_is_the_four_stage_sets_together() -> None:
    parts = [load(f"stages_{s}") for s in ("presale", "midsale", "postsale", "expected")]
    combined = load("stages")
    assert [(s.id, s.when) for s in combined.segments] == [(s.id, s.when) for p in parts for s in p.segments]
    params = {k: v for p in parts for k, v in p.params.items()}
    assert combined.params == params


@pytest.mark.parametrize("name", ["abc", "rfm", "value", "lifecycle", "fit", "profit", "grouping_region"])
def test_every_segment_is_used_on_the_distributor_sample(name: str) -> None:
    result = on_sample(name, "distributor")
    used = set(result.tier_ids())
    unused = {s.id for s in result.ruleset.segments} - used
    assert unused <= {"unclassified", "other_region"}, unused


def test_samples_give_the_same_measure_total_as_the_orders() -> None:
    result = on_sample("abc", "distributor")
    orders = workbook("distributor")["Orders"]
    total = float(np.nansum(result.summary()["measure_sum"]))
    assert total == pytest.approx(float(orders["金额"].sum()))


# rule sets whose briefs carry their own "actions this month" checklist (segment key ``actions``)
WITH_ACTIONS = ["abc", "rfm", "value", "lifecycle", "fit", "behaviour", "profit", "grouping_region"]
# columns the orders features add that are not numbers (dates, text)
NOT_NUMERIC_FEATURES = {"first_purchase", "last_purchase", "main_channel"}


def _numeric_names(rs: tierkit.RuleSet) -> set[str]:
    """Numeric fields a rule set declares (int/float) or derives in its features (undeclared ones)."""
    declared = {name for name, f in rs.fields.items() if f.type in ("int", "float")}
    text = {spec.output for spec in rs.features if isinstance(spec, Flags)}
    derived = set(feature_outputs(rs.features)) - NOT_NUMERIC_FEATURES - text - set(rs.fields)
    return declared | derived


@pytest.mark.parametrize("name", WITH_ACTIONS)
def test_every_segment_has_its_actions_and_sound_key_fields(name: str) -> None:
    rs = load(name)
    numeric = _numeric_names(rs)
    result = on_sample(name, "distributor")  # the sample holds every column these rule sets use
    frame = result.binding.frame
    for seg in rs.segments:
        actions = seg.actions
        assert isinstance(actions, tuple) and 2 <= len(actions) <= 4, seg.id
        ens = []
        for action in actions:
            assert isinstance(action, tierkit.Text), (seg.id, action)
            en, zh = action.en, action.zh
            assert isinstance(en, str) and isinstance(zh, str), (seg.id, action)
            assert en.strip() and zh.strip() and en != zh, (seg.id, action)  # both given (one text fills both)
            assert len(en) <= 80 and len(zh) <= 40, (seg.id, action)  # one checklist line
            ens.append(en)
        assert len(set(ens)) == len(ens), seg.id
        keys = seg.key_fields
        if not keys:
            continue
        assert isinstance(keys, tuple) and len(set(keys)) == len(keys), seg.id
        for key in keys:
            assert key in numeric, (seg.id, key)
            assert key in frame.columns, (seg.id, key)
            assert pd.to_numeric(frame[key], errors="coerce").notna().any(), (seg.id, key)
