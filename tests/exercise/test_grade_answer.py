"""=TIERKIT.GRADE_ANSWER: one result per row of a range, typed values unwrapped, an unknown method is an error."""

from __future__ import annotations

import pytest

from addin.helpers import call
from tierkit.errors import TierkitError
from tierkit.exercise import grade_answer


def test_a_range_spills_one_result_per_row() -> None:
    answers = [["a类"], ["B · Main customer"], [""], ["key account"]]
    expected = [["A"], ["A"], ["C"], ["A"]]
    assert call("grade_answer", answers, expected, "abc") == [[True], [False], [False], [True]]


def test_one_expected_tier_for_a_range() -> None:
    assert call("grade_answer", [["A"], ["C"]], "A", "abc") == [[True], [False]]


def test_typed_values_are_unwrapped() -> None:
    typed = {"type": "String", "basicValue": "A类 · 关键客户", "basicType": "String"}
    assert call("grade_answer", [[typed]], [[{"type": "String", "basicValue": "A"}]], "abc") == [[True]]


def test_unknown_method_is_an_error_not_true() -> None:
    (cell,) = call("grade_answer", "A", "A", "abd")
    assert cell[0].startswith("tierkit:") and "abd" in cell[0] and "abc" in cell[0]
    with pytest.raises(TierkitError, match="unknown method"):
        grade_answer("A", "A", method="nope")


def test_ranges_of_different_sizes_are_an_error() -> None:
    (cell,) = call("grade_answer", [["A"], ["B"]], [["A"], ["B"], ["C"]], "abc")
    assert cell[0].startswith("tierkit:") and "2" in cell[0] and "3" in cell[0]
