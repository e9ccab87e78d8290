"""Hit policies as objects: resolve, shadowed, overlap_is_error, the registry, and the gap/overlap report."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierkit import OverlapError, RuleFileError, Segment, Text, classify, parse_ruleset
from tierkit.check import GapOverlap, check_data, check_static, gaps_and_overlaps
from tierkit.hitpolicy import POLICIES, POLICY_NAMES, HitPolicy, HitPolicyName, Shadow, get_policy

# rows:          0      1      2      3      4      5
A = np.array([True, False, True, False, False, False])
B = np.array([False, True, True, False, True, False])
C = np.array([False, False, True, False, False, False])
# row 3 matches nothing; row 4: b matches, a could not be evaluated; row 5: a could not be evaluated
ERR_A = np.array([False, False, False, False, True, True])
NONE = np.zeros(6, dtype=bool)


def seg(sid: str, *, default: bool = False, priority: int = 0) -> Segment:
    return Segment(id=sid, label=Text(sid.upper()), when=None if default else "x > 0", default=default,
                   priority=priority)


SEGS = (seg("a", priority=3), seg("b", priority=1), seg("c", priority=2), seg("rest", default=True))
MATCHES = {"a": A, "b": B, "c": C}
ERRORS = {"a": ERR_A, "b": NONE, "c": NONE}


def resolve(name: str, segs=SEGS, matches=MATCHES, errors=ERRORS):
    return get_policy(name).resolve(segs, matches, 6, errors=errors)


def test_first_takes_the_first_in_file_order_and_the_default_for_the_rest() -> None:
    res = resolve("first")
    assert res.tier.tolist() == [0, 1, 0, 3, 1, 3] and res.collected is None
    no_default = resolve("first", SEGS[:3])
    assert no_default.tier.tolist() == [0, 1, 0, -1, 1, -1]


def test_priority_takes_the_lowest_number_ties_in_file_order() -> None:
    assert resolve("priority").tier.tolist() == [0, 1, 1, 3, 1, 3]
    tied = (seg("a", priority=1), seg("b", priority=1), seg("c", priority=0), seg("rest", default=True))
    assert resolve("priority", tied).tier.tolist() == [0, 1, 2, 3, 1, 3]


def test_unique_raises_on_an_overlap_and_resolves_exclusive_masks() -> None:
    with pytest.raises(OverlapError, match=r"1 rows match more than one segment.*row 3 matches a, b, c"):
        resolve("unique")
    res = resolve("unique", matches={"a": A & ~B, "b": B & ~A, "c": NONE})
    assert res.tier.tolist() == [0, 1, 3, 3, 1, 3]


def test_collect_keeps_every_match_and_the_default_only_alone() -> None:
    res = resolve("collect")
    assert res.collected == [[0], [1], [0, 1, 2], [3], [1], [3]]
    assert res.tier.tolist() == [0, 1, 0, 3, 1, 3]
    bare = resolve("collect", SEGS[:3])
    assert bare.collected == [[0], [1], [0, 1, 2], [], [1], []] and bare.tier.tolist() == [0, 1, 0, -1, 1, -1]


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_a_row_that_could_not_be_evaluated_does_not_match(name: str) -> None:
    """Even if a backend left a match set where it flagged an error, the error wins."""
    both = {"a": A & ~B | ERR_A, "b": B & ~A & ~ERR_A, "c": NONE}
    res = get_policy(name).resolve(SEGS, both, 6, errors=ERRORS)
    assert res.tier.tolist() == [0, 1, 3, 3, 3, 3]  # row 2: the overlap was taken out of both masks


def test_no_conditional_segments() -> None:
    only_default = (seg("rest", default=True),)
    for name in POLICY_NAMES:
        assert get_policy(name).resolve(only_default, {}, 3).tier.tolist() == [0, 0, 0]
        assert get_policy(name).shadowed(only_default, {}) == []


def test_shadowed_follows_the_policy_order() -> None:
    a, b = np.array([True, True, False]), np.array([True, False, False])
    segs = (seg("a", priority=2), seg("b", priority=1), seg("never", priority=0), seg("rest", default=True))
    masks = {"a": a, "b": b, "never": np.zeros(3, dtype=bool)}
    assert get_policy("first").shadowed(segs, masks) == [Shadow(1, (0,)), Shadow(2)]
    assert get_policy("priority").shadowed(segs, masks) == [Shadow(2)]  # tried first, matches nothing
    for name in ("unique", "collect"):
        assert get_policy(name).shadowed(segs, masks) == [Shadow(2)]


def test_registry_and_flags() -> None:
    assert POLICY_NAMES == typing.get_args(HitPolicyName) == tuple(POLICIES)
    for name in POLICY_NAMES:
        policy = get_policy(name.upper())
        assert isinstance(policy, HitPolicy) and policy.name == name and policy is POLICIES[name]
    assert [n for n in POLICY_NAMES if get_policy(n).overlap_is_error] == ["unique"]
    assert [n for n in POLICY_NAMES if get_policy(n).collects] == ["collect"]
    with pytest.raises(RuleFileError, match="unknown hit_policy 'frist'; did you mean 'first'"):
        get_policy("frist")
    assert get_policy("first").overlap_note() == " (resolved by hit policy first)"
    assert get_policy("priority").overlap_note("zh") == "（按 priority 策略取其一）"
    assert get_policy("unique").overlap_note() == ""
    assert "keeps them all" in get_policy("collect").overlap_note()


def test_the_rule_set_names_its_policy_and_the_loader_uses_the_registry() -> None:
    rs = parse_ruleset("name: p\nhit_policy: Priority\nsegments:\n  - id: a\n    when: x > 1\n", name="p")
    assert rs.hit_policy == "priority" and rs.policy is POLICIES["priority"]
    with pytest.raises(RuleFileError, match=r"unknown hit_policy 'bogus' \(<p>:2\); use one of first, unique"):
        parse_ruleset("name: p\nhit_policy: bogus\nsegments:\n  - id: a\n    when: x > 1\n", name="p")
    with pytest.raises(RuleFileError, match="unknown hit_policy 'bogus'"):
        _ = dataclasses.replace(rs, hit_policy="bogus").policy  # type: ignore[arg-type]


# -- against a row-by-row reference --------------------------------------------------------------------
def reference(name: str, segs, matches, errors, n):
    """The policies as the rules README states them, one row at a time."""
    default = next((k for k, s in enumerate(segs) if s.default), None)
    tiers, collected = [], []
    for r in range(n):
        hits = [k for k, s in enumerate(segs) if not s.default and matches[s.id][r] and not errors[s.id][r]]
        if name == "unique" and len(hits) > 1:
            raise OverlapError("overlap")
        if name == "priority":
            hits.sort(key=lambda k: (segs[k].priority, k))
        got = hits or ([default] if default is not None else [])
        tiers.append(got[0] if got else -1)
        collected.append(got)
    return tiers, collected if name == "collect" else None


@st.composite
def cases(draw):
    k = draw(st.integers(0, 5))
    n = draw(st.integers(1, 30))
    default_at = draw(st.one_of(st.none(), st.integers(0, k)))
    segs = [seg(f"s{i}", priority=draw(st.integers(0, 3))) for i in range(k)]
    if default_at is not None:
        segs.insert(default_at, seg("rest", default=True))
    mask = st.lists(st.booleans(), min_size=n, max_size=n).map(lambda v: np.array(v, dtype=bool))
    matches = {s.id: draw(mask) for s in segs if not s.default}
    errors = {s.id: draw(mask) for s in segs if not s.default}
    return tuple(segs), matches, errors, n


@given(cases(), st.sampled_from(POLICY_NAMES))
def test_resolve_agrees_with_the_row_by_row_reference(case, name: str) -> None:
    segs, matches, errors, n = case
    try:
        want = reference(name, segs, matches, errors, n)
    except OverlapError:
        with pytest.raises(OverlapError):
            get_policy(name).resolve(segs, matches, n, errors=errors)
        return
    got = get_policy(name).resolve(segs, matches, n, errors=errors)
    assert (got.tier.tolist(), got.collected) == want


@given(cases(), st.sampled_from(POLICY_NAMES))
def test_shadowed_agrees_with_the_resolution(case, name: str) -> None:
    """A segment the policy reports as shadowed is nobody's tier; one it does not report is someone's."""
    segs, matches, errors, n = case
    hits = {sid: m & ~errors[sid] for sid, m in matches.items()}
    if name == "unique":
        hits = {sid: m & (sum(hits.values()) == 1) for sid, m in hits.items()}  # no overlap: resolve raises
    res = get_policy(name).resolve(segs, hits, n)
    chosen = {k for c in res.collected for k in c} if res.collected is not None else set(res.tier.tolist())
    shadowed = {s.segment for s in get_policy(name).shadowed(segs, hits)}
    conditional = {k for k, s in enumerate(segs) if not s.default}
    assert shadowed == conditional - chosen


# -- gaps and overlaps ---------------------------------------------------------------------------------
def ruleset(policy: str, default: bool = True):
    text = (f"name: g\nhit_policy: {policy}\nfields:\n  x: {{type: float}}\nsegments:\n"
            "  - id: big\n    when: x > 10\n  - id: bigger\n    when: x > 20\n  - id: neg\n    when: x < 0\n")
    return parse_ruleset(text + ("  - id: rest\n    default: true\n" if default else ""), name="g")


def test_gap_overlap_from_hand_made_masks() -> None:
    found = GapOverlap.from_masks(ruleset("first"), {"big": A, "bigger": B, "neg": C}, {
        "big": ERR_A, "bigger": NONE, "neg": NONE}, 6)
    assert found.gaps.tolist() == [3, 5] and found.overlaps.tolist() == [2]
    assert found.matched == {"big": 2, "bigger": 3, "neg": 1, "rest": 2}
    assert {k: v.tolist() for k, v in found.blank.items()} == {"big": [4, 5], "bigger": [], "neg": []}
    assert found.matching(2) == ["big", "bigger", "neg"]
    assert found.shadowed == (Shadow(2, (0, 1)),) and found.problems() == [
        "segment 'neg' matches 1 rows but earlier segments take all of them"]


FRAME = pd.DataFrame({"x": [5.0, 15.0, 25.0, None, -1.0, 30.0]})


TAKEN = "segment 'bigger' matches 2 rows but earlier segments take all of them"
GAPS = "gaps: add a default segment or widen the conditions"


@pytest.mark.parametrize(("policy", "default", "problems"), [
    ("first", True, [TAKEN]),
    ("priority", True, [TAKEN]),
    ("collect", True, []),
    ("unique", True, ["overlaps under hit_policy unique: make the conditions exclusive"]),
    ("first", False, [GAPS, TAKEN]),
])
def test_gaps_and_overlaps_on_data(policy: str, default: bool, problems: list[str]) -> None:
    rs = ruleset(policy, default)
    found = gaps_and_overlaps(rs, FRAME)
    assert found.gaps.tolist() == [0, 3] and found.overlaps.tolist() == [2, 5]
    assert found.blank["big"].tolist() == [3] and found.matched["big"] == 3
    assert found.problems() == problems
    report = check_data(rs, FRAME)
    overlap = next(f for f in report.findings if f.message.startswith("overlap: 2 rows match several segments"))
    assert overlap.level == ("error" if policy == "unique" else "info")
    assert overlap.message.endswith("e.g. rows 3, 6; row 3 matches big, bigger" + rs.policy.overlap_note())
    gap = next(f for f in report.findings if "e.g. rows 1, 4" in f.message)
    assert gap.level == ("info" if default else "warning")
    assert len(report.problems) == len(problems)  # the same verdict, in the CLI's words


def with_priorities(rs, **priority: int):
    segs = tuple(dataclasses.replace(s, priority=priority.get(s.id, s.priority)) for s in rs.segments)
    return dataclasses.replace(rs, segments=segs)


def test_classify_agrees_with_the_policy_and_explain_names_it() -> None:
    assert classify(ruleset("priority"), FRAME).tier_ids() == ["rest", "big", "big", "rest", "neg", "big"]
    res = classify(with_priorities(ruleset("priority"), bigger=-1), FRAME)
    assert res.tier_ids() == ["rest", "big", "bigger", "rest", "neg", "bigger"]
    assert "hit policy priority" in res.explain(2)
    collected = classify(ruleset("collect"), FRAME)
    assert collected.tier_ids() == ["rest", "big", "big, bigger", "rest", "neg", "big, bigger"]
    with pytest.raises(OverlapError):
        classify(ruleset("unique"), FRAME)


def test_static_check_reports_what_each_policy_never_chooses() -> None:
    def never(rs) -> list[str]:
        return [f.message for f in check_static(rs).findings if f.message.startswith("segment")]

    assert never(ruleset("first")) == [
        "segment 'bigger' (line 8) can never match: earlier segments big take every case it covers"]
    assert never(with_priorities(ruleset("priority"), big=3, bigger=2, neg=1)) == []  # bigger is tried first
    assert never(ruleset("collect")) == []
    unique = check_static(ruleset("unique"))
    assert [f.level for f in unique.findings] == ["error"]
    assert "under 'unique' big, bigger overlap, e.g. for x=" in unique.findings[0].message
    empty = parse_ruleset("name: e\nhit_policy: collect\nfields:\n  x: {type: float}\nsegments:\n"
                          "  - id: a\n    when: x > 1\n  - id: none\n    when: x > 5 and x < 2\n", name="e")
    assert never(empty) == ["segment 'none' (line 8) matches no value at all"]
