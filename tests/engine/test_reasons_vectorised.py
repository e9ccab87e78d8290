"""Reasons built a column at a time (numvec + Arrow kernels) read exactly as the scalar writer wrote them
(``reason_oracle.OracleWriter``: ``fmt_value`` per value, pandas object strings), on hypothesis tables full
of NaN, blanks, negatives, huge and tiny numbers, unicode text and dates, in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit import classify
from tierkit.reasons import scatter_texts

from .conftest import AS_OF, ruleset_for, tables
from .reason_oracle import OracleWriter

RULES = [
    "num >= 100 and num2 < 0.5",
    "num > -5 or text == 'North'",
    "text in ['North', 'East', '客户'] and num2 <= 99999.99",
    "when < d'2024-05-31' and num != 3",
    "num * 2 > num2 or code =~ 'a.*'",
    "flag and num2 >= 0.001",
    "num2 > 1e-9",
]

RS = ruleset_for(RULES)  # parsed once, outside hypothesis (parsing raises the recursion limit)

wide = st.one_of(st.floats(allow_nan=True, allow_infinity=False), st.integers(-(10**16), 10**16).map(float),
                 st.floats(min_value=-1e-3, max_value=1e-3), st.integers(-(10**8), 10**8).map(lambda i: i / 100))


def oracle_reasons(frame: pd.DataFrame, lang: str) -> list[str]:
    res = classify(RS, frame, as_of=AS_OF)
    res._writers[lang] = OracleWriter(res.binding, lang)
    return res.reasons(lang)


@settings(max_examples=120)
@given(tables(max_rows=40), st.lists(wide, min_size=40, max_size=40), st.sampled_from(["en", "zh"]))
def test_vectorised_reasons_equal_the_scalar_writer(frame: pd.DataFrame, nums: list[float], lang: str) -> None:
    frame = frame.assign(num2=np.where(np.arange(len(frame)) % 2 == 0, nums[:len(frame)], frame["num2"]))
    res = classify(RS, frame, as_of=AS_OF)
    expected = oracle_reasons(frame, lang)
    assert res.reasons(lang) == expected
    assert res.reason_array(lang).to_pylist() == expected


def test_scatter_texts_puts_each_piece_back_in_its_rows() -> None:
    pieces = [(np.array([3, 0]), pa.array(["d", "a"])), (np.array([1, 2]), pa.array(["b", "c"]))]
    assert scatter_texts(4, pieces).to_pylist() == ["a", "b", "c", "d"]
    assert scatter_texts(2, []).to_pylist() == ["", ""]
