from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from tierkit import parse_ruleset
from tierkit.backends import get_backend
from tierkit.bind import bind
from tierkit.compile.limits import RECURSION_LIMIT
from tierkit.oracle import evaluate_oracle

AS_OF = dt.date(2024, 6, 30)
# parsing raises the recursion limit for good (tierkit.compile.limits.deep_call); raise it before any
# hypothesis test runs, which otherwise warns that the limit changed under it when a file runs alone
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))

TYPES = {"num": "float", "num2": "float", "text": "string", "code": "string", "when": "datetime", "flag": "bool"}

numbers = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.integers(min_value=-1000, max_value=1000).map(float),
    st.sampled_from([0.0, -0.0, 0.1, 0.2, 0.3, 1.5, -2.5, 100000.0, 99999.99, 1e-9, 3.0, 1 / 3]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
)
texts = st.one_of(
    st.none(),
    st.sampled_from(["", "North", "East", "north", "South", "A-1", "客户", "重点客户", "Bob", "bob", "  x ", "aa",
                     "1.5", "12", "abc123", "ALPHA", "é", "\u00a0", "nan"]),
    st.text(max_size=6),
)
datetimes = st.one_of(
    st.none(),
    st.datetimes(min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2026, 12, 31)).map(
        lambda d: d.replace(microsecond=(d.microsecond // 1000) * 1000)),
    st.sampled_from([dt.datetime(2024, 1, 1), dt.datetime(2024, 5, 31), dt.datetime(2024, 6, 30)]),
)
bools = st.one_of(st.none(), st.booleans())


@st.composite
def tables(draw: st.DrawFn, min_rows: int = 1, max_rows: int = 25) -> pd.DataFrame:
    n = draw(st.integers(min_value=min_rows, max_value=max_rows))
    return pd.DataFrame({
        "num": pd.Series([draw(numbers) for _ in range(n)], dtype="float64"),
        "num2": pd.Series([draw(numbers) for _ in range(n)], dtype="float64"),
        "text": pd.Series([draw(texts) for _ in range(n)], dtype=object),
        "code": pd.Series([draw(texts) for _ in range(n)], dtype=object),
        "when": pd.Series(pd.to_datetime([draw(datetimes) for _ in range(n)]), dtype="datetime64[ns]"),
        "flag": pd.Series([draw(bools) for _ in range(n)], dtype=object),
    })


def ruleset_for(expressions: list[str]):
    fields = "\n".join(f"  {k}: {{type: {v}}}" for k, v in TYPES.items())
    segs = "\n".join(f"  - id: s{i}\n    when: {e!r}" for i, e in enumerate(expressions))
    text = f"name: prop\nfields:\n{fields}\nsegments:\n{segs}\n  - id: rest\n    default: true\n"
    return parse_ruleset(text, name="prop")


def both(expressions: list[str], frame: pd.DataFrame, backend: str = "numpy"):
    """Evaluate raw (no cell coercion: the frame is already typed) with the oracle and ``backend``."""
    rs = ruleset_for(expressions)
    binding = bind(rs, frame, as_of=AS_OF)
    return binding, evaluate_oracle(binding), get_backend(backend).evaluate(binding)


def assert_same(expressions: list[str], frame: pd.DataFrame, backend: str = "numpy") -> None:
    binding, (om, oe), (cm, ce) = both(expressions, frame, backend)
    for i, expr in enumerate(expressions):
        sid = f"s{i}"
        rows = binding.oracle_rows()
        bad_m = np.flatnonzero(om[sid] != cm[sid])
        bad_e = np.flatnonzero(oe[sid] != ce[sid])
        assert not len(bad_m), (f"matches differ for {expr!r} at rows {bad_m.tolist()}: "
                                f"oracle {om[sid][bad_m]} {backend} {cm[sid][bad_m]}; {rows[bad_m[0]]}")
        assert not len(bad_e), (f"errors differ for {expr!r} at rows {bad_e.tolist()}: "
                                f"oracle {oe[sid][bad_e]} {backend} {ce[sid][bad_e]}; {rows[bad_e[0]]}")
