"""``reasons.reason_column``: the whole reason column vectorised (the rules' reasons, and the default
segment's and the unmatched rows' blank wording per distinct set of blanks) reads exactly as
``Classification.reasons`` writes it row by row, on hypothesis tables full of blanks, with and without a
default segment, in both languages; and on tables big enough that numbers are formatted row by row
(distinct) or per distinct value (repeating), as the scalar writer (``fmt_value`` per value) has them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit import classify
from tierkit.reasons import _repeats, reason_column
from tierkit.ruleset.loader import parse_ruleset

from .conftest import AS_OF, TYPES, ruleset_for, tables
from .reason_oracle import OracleWriter

RULES = [
    "num >= 100 and num2 < 0.5",
    "num > -5 or text == 'North'",
    "text in ['North', 'East', '客户'] and num2 <= 99999.99",
    "when < d'2024-05-31' and num != 3",
    "num * 2 > num2 or code =~ 'a.*'",
]

WITH_DEFAULT = ruleset_for(RULES)


def _without_default(expressions: list[str]):  # rows no rule takes have no segment
    fields = "\n".join(f"  {k}: {{type: {v}}}" for k, v in TYPES.items())
    segs = "\n".join(f"  - id: s{i}\n    when: {e!r}" for i, e in enumerate(expressions))
    return parse_ruleset(f"name: bare\nfields:\n{fields}\nsegments:\n{segs}\n", name="bare")


WITHOUT_DEFAULT = _without_default(RULES)


@settings(max_examples=80, deadline=None)
@given(tables(max_rows=40), st.sampled_from(["en", "zh"]), st.booleans())
def test_reason_column_equals_the_row_by_row_reasons(frame: pd.DataFrame, lang: str, default: bool) -> None:
    res = classify(WITH_DEFAULT if default else WITHOUT_DEFAULT, frame, as_of=AS_OF)
    assert reason_column(res, lang).to_pylist() == res.reasons(lang)


def test_big_tables_format_distinct_and_repeating_numbers_alike() -> None:
    rng = np.random.default_rng(7)
    n = 6000
    num = np.round(rng.lognormal(4, 2, n), 2) * np.where(rng.random(n) < 0.3, -1, 1)  # nearly all distinct
    num[rng.random(n) < 0.05] = np.nan
    num2 = rng.integers(0, 7, n).astype(float) / 4  # repeating
    num2[rng.random(n) < 0.05] = np.nan
    frame = pd.DataFrame({
        "num": num, "num2": num2,
        "text": pd.Series(rng.choice(["North", "East", " 客户 ", None], n), dtype=object),
        "code": pd.Series(rng.choice(["abc", "xyz", None], n), dtype=object),
        "when": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        "flag": pd.Series(rng.choice([True, False, None], n), dtype=object),
    })
    assert not _repeats(num) and _repeats(num2)
    for rs in (WITH_DEFAULT, WITHOUT_DEFAULT):
        res = classify(rs, frame, as_of=AS_OF)
        for lang in ("en", "zh"):
            oracle = classify(rs, frame, as_of=AS_OF)
            oracle._writers[lang] = OracleWriter(oracle.binding, lang)  # fmt_value per value
            assert reason_column(res, lang).to_pylist() == oracle.reasons(lang)
