"""TIER, TIER_ID and TIER_REASON over the same range share one classification (addin/cache.py)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import FIXTURES, MINI, call, serial

HEADER = ["客户编号", "销售额", "订单数", "最近下单日期"]


def table() -> list[list[Any]]:
    return [
        HEADER,
        ["C001", 25000, 8, serial("2024-06-01")],
        ["C002", "12,000", "6", serial("2024-05-01")],
        ["C003", 5000, 2, serial("2023-03-15")],
        ["C004", "", 1, serial("2024-04-01")],
        ["", "", "", ""],
        ["C007", 50, 1, ""],
    ]


def flat(result: list[list[Any]]) -> list[Any]:
    return [row[0] for row in result]


class Counter:
    def __init__(self) -> None:
        self.n = 0
        self.lock = threading.Lock()


@pytest.fixture
def classified(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    """Counts the classifications tier_values makes (the cache starts empty)."""
    from tierkit_addin import core

    core.CLASSIFICATIONS.clear()
    counter = Counter()
    real = core.classify

    def counting(*args: Any, **kwargs: Any) -> Any:
        with counter.lock:
            counter.n += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "classify", counting)
    yield counter
    core.CLASSIFICATIONS.clear()


def uncached(func: str, *args: Any) -> list[Any]:
    from tierkit_addin import core

    core.CLASSIFICATIONS.clear()
    try:
        return flat(call(func, *args))
    finally:
        core.CLASSIFICATIONS.clear()


def test_tier_id_and_reason_share_one_classification(classified: Counter) -> None:
    labels = flat(call("tier", MINI, table()))
    ids = flat(call("tier_id", MINI, table()))
    reasons = flat(call("tier_reason", MINI, table()))
    zh = flat(call("tier", MINI, table(), "zh"))
    assert classified.n == 1
    assert labels == ["VIP", "VIP", "Lapsed", "Regular", "", "Small"]
    assert ids == ["vip", "vip", "lapsed", "regular", "", "small"]
    assert zh[0] == "重要客户" and "25,000" in reasons[0]
    again = flat(call("tier", MINI, table()))
    assert again == labels and classified.n == 1


def test_results_are_the_same_with_and_without_the_cache(classified: Counter) -> None:
    for func, extra in (("tier", ()), ("tier_id", ()), ("tier_reason", ()), ("tier", ("zh",)),
                        ("tier_reason", ("zh",))):
        cold = uncached(func, MINI, table(), *extra)
        call("tier", MINI, table())          # the classification is now cached
        warm = flat(call(func, MINI, table(), *extra))
        assert warm == cold, func


def test_changed_data_is_classified_again(classified: Counter) -> None:
    rows = table()
    before = flat(call("tier_id", MINI, rows))
    rows[3][1] = 50                          # C003: 5000 -> 50 (the date still says lapsed)
    rows[6][1] = 20000                       # C007: 50 -> 20000, 1 order: regular, not small
    after = flat(call("tier_id", MINI, rows))
    assert classified.n == 2
    assert before[5] == "small" and after[5] == "regular"


def test_a_number_and_the_same_number_as_text_are_different_tables(classified: Counter) -> None:
    from tierkit_addin.cache import cells_key

    assert len({cells_key([[1]]), cells_key([[1.0]]), cells_key([[True]]), cells_key([["1"]])}) == 4
    rows = table()
    call("tier", MINI, rows)
    rows[1][1] = "25000"
    call("tier", MINI, rows)
    assert classified.n == 2


def test_changed_rules_range_is_classified_again(classified: Counter) -> None:
    rules = [["id", "label", "when"], ["large", "Large", "revenue >= 10000"], ["other", "Other", "default"]]
    rows = [["customer", "revenue"], ["a", 20000], ["b", 5000]]
    assert flat(call("tier", rules, rows)) == ["Large", "Other"]
    rules[1][2] = "revenue >= 1000"
    assert flat(call("tier", rules, rows)) == ["Large", "Large"]
    assert classified.n == 2


def test_changed_rule_file_is_classified_again(classified: Counter, tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert flat(call("tier_id", str(path), table()))[2] == "lapsed"
    path.write_text(text.replace('d"2024-01-01"', 'd"2023-01-01"'), encoding="utf-8")
    stamp = path.stat().st_mtime + 5
    os.utime(path, (stamp, stamp))           # a new mtime even on a coarse-grained file system
    assert flat(call("tier_id", str(path), table()))[2] == "regular"
    assert classified.n == 2


def test_a_new_day_is_a_new_classification(classified: Counter, monkeypatch: pytest.MonkeyPatch) -> None:
    from tierkit_addin import core

    call("tier", MINI, table())
    monkeypatch.setattr(core, "today", lambda: dt.date(2099, 1, 1))
    call("tier", MINI, table())
    assert classified.n == 2


def test_an_error_is_not_cached(classified: Counter) -> None:
    rows = [["customer", "revenue"]]
    assert str(flat(call("tier", MINI, rows))[0]).startswith("tierkit:")
    assert str(flat(call("tier", MINI, rows))[0]).startswith("tierkit:")
    from tierkit_addin import core

    assert len(core.CLASSIFICATIONS) == 0


def test_concurrent_calls_classify_once(classified: Counter) -> None:
    from tierkit_addin import core

    big = [HEADER] + [[f"C{i:05d}", i * 13 % 30000, i % 9, serial("2024-01-01") + i % 300 - 150]
                      for i in range(3000)]
    expected = {f: uncached(f, MINI, big) for f in ("tier", "tier_id", "tier_reason")}
    core.CLASSIFICATIONS.clear()
    classified.n = 0
    results: dict[int, list[Any]] = {}
    barrier = threading.Barrier(9)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = flat(core.tier_values(MINI, big, ("label", "id", "reason")[i % 3]))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert classified.n == 1
    for i, got in results.items():
        assert got == expected[("tier", "tier_id", "tier_reason")[i % 3]]
    assert len(results) == 9


def test_the_cache_is_bounded() -> None:
    from tierkit_addin.cache import SharedLRU

    lru: SharedLRU[int] = SharedLRU(max_entries=3, max_weight=100)
    for k in range(5):
        assert lru.get(k, lambda k=k: k * 10) == k * 10
    assert len(lru) == 3 and lru.stats.misses == 5
    assert lru.get(4, lambda: -1) == 40 and lru.stats.hits == 1
    lru.get("heavy", lambda: 1, weight=100)
    assert len(lru) == 1                     # the weight pushed the others out
    lru.get("too heavy", lambda: 2, weight=101)
    assert "too heavy" not in lru._data and len(lru) == 1


def test_a_waiting_call_gets_the_error_of_the_computation_under_way() -> None:
    from tierkit_addin.cache import SharedLRU

    lru: SharedLRU[int] = SharedLRU()
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def failing() -> int:
        started.set()
        release.wait(10)
        raise ValueError("boom")

    def first() -> None:
        try:
            lru.get("k", failing)
        except ValueError as err:
            errors.append(err)

    def second() -> None:
        started.wait(10)
        try:
            lru.get("k", lambda: 1)
        except ValueError as err:
            errors.append(err)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    started.wait(10)
    while lru.stats.hits == 0 and threads[1].is_alive():
        threading.Event().wait(0.001)
    release.set()
    for t in threads:
        t.join(10)
    assert len(errors) == 2 and len(lru) == 0
    assert lru.get("k", lambda: 7) == 7      # the next call computes again


@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 40000), st.sampled_from(["", "12,000", "x"])),
                          st.integers(0, 12)), min_size=1, max_size=30))
@settings(max_examples=30, deadline=None)
def test_cached_and_uncached_agree_on_any_table(cells: list[tuple[Any, int]]) -> None:
    from tierkit_addin import core

    rows: list[list[Any]] = [["客户编号", "销售额", "订单数"]]
    rows += [[f"C{i}", "" if r is None else r, n] for i, (r, n) in enumerate(cells)]
    for func in ("tier_id", "tier_reason"):
        cold = uncached(func, MINI, rows)
        call("tier", MINI, rows)
        assert flat(call(func, MINI, rows)) == cold
    core.CLASSIFICATIONS.clear()


def test_spilled_values_are_plain_cells() -> None:
    """TIER/TIER_ID/TIER_REASON return ``raw`` (no per-cell pass in xlwings): only text, numbers, bools."""
    import numpy as np
    from tierkit_addin import core

    got = core.cell_values([None, np.int64(3), np.float64("nan"), "x", 2.5, True, float("nan"), np.str_("y")])
    assert got == ["", 3, "", "x", 2.5, True, "", "y"]
    assert [type(v) for v in got] == [str, int, str, str, float, bool, str, str]
