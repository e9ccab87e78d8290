"""``Classification.reasons(lang, rows=...)``: the reasons of some rows, as the whole column has them (the
briefs ask for a tier's top accounts only, not every row's reason)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tierkit

from .conftest import AS_OF, DATA, customers

RESULT = tierkit.classify(tierkit.load_ruleset(DATA / "tiny.yaml"), customers(), as_of=AS_OF)
ALL = {lang: RESULT.reasons(lang) for lang in ("en", "zh")}


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.integers(0, RESULT.n - 1), max_size=30), lang=st.sampled_from(["en", "zh"]))
def test_some_rows_reasons_are_the_columns(rows: list[int], lang: str) -> None:
    assert RESULT.reasons(lang, rows=rows) == [ALL[lang][r] for r in rows]
    assert RESULT.reasons(lang, rows=np.asarray(rows, dtype=np.int64)) == [ALL[lang][r] for r in rows]


def test_every_kind_of_reason_is_among_them() -> None:
    """The sample has rows of every tier, the catch-all with a blank value among them."""
    tiers = set(RESULT.tier_index.tolist())
    assert len(tiers) >= 3
    assert len(set(ALL["en"])) > len(tiers)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_rows_no_reasons(lang: str) -> None:
    assert RESULT.reasons(lang, rows=[]) == []


def test_given_tiers_some_rows_reasons_are_the_columns() -> None:
    """A table whose tiers were given in a file (``app.with_given_tiers``): a given tier the rules no longer
    give says so, for some rows as for all."""
    from tierkit import app

    given = [*RESULT.tier_ids()[:-2], "key", "key"]   # the last two rows given "key", whatever the rules say
    result = app.with_given_tiers(RESULT, given, header="Tier ID", file="t.xlsx")
    every = result.reasons("en")
    assert any("given in the file" in text for text in every)
    assert "given in the file" in every[-1] and "given in the file" not in every[0]
    for rows in ([RESULT.n - 1, 0], [0], list(range(RESULT.n))[::-1], []):
        assert result.reasons("en", rows=rows) == [every[r] for r in rows]
