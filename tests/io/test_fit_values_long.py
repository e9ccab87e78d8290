"""fit_values on long columns (factorised: each distinct value fitted once) is fit_cell on every text."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit.io.celltext import CELL_LIMIT, fit_cell
from tierkit.io.xlsxtext import fit_values

palette = st.lists(st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=True),
                             st.text(max_size=8), st.just("x\x00y"), st.just("z" * (CELL_LIMIT + 3))),
                   min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(palette, st.lists(st.integers(0, 7), min_size=64, max_size=300), st.booleans())
def test_long_columns_are_fitted_value_by_value(values: list[Any], picks: list[int], as_array: bool) -> None:
    column: list[Any] = [values[i % len(values)] for i in picks]
    given_column: Any = np.array([*column, None], dtype=object)[:-1] if as_array else column
    fitted = fit_values(given_column)
    expected = [fit_cell(v) if isinstance(v, str) else v for v in column]
    assert len(fitted) == len(expected)
    for got, want in zip(fitted, expected, strict=True):
        assert type(got) is type(want) and (got == want or (got != got and want != want))
    if all(not isinstance(v, str) or fit_cell(v) is v for v in column):
        assert fitted is given_column      # nothing to change: no copy of a long column
    else:
        assert list(given_column) == column  # the caller's column is not changed
