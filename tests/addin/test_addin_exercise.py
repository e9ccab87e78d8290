"""The trainer kit inside Excel: =TIERKIT.GRADE_ANSWER and the check_my_answers button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from tierkit.exercise import new_exercise

from .helpers import book_json, call, run_script


def test_grade_answer_function() -> None:
    assert call("grade_answer", "a类", "A", "abc") == [[True]]
    assert call("grade_answer", "B · Main customer", "A", "abc") == [[False]]
    assert call("grade_answer", "", "A", "abc") == [[False]]


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    return out


def test_check_my_answers_button(tmp_path: Path) -> None:
    run = new_exercise("abc", tmp_path / "class", level=1, students=["Li Lei"], seed=3, self_check=True)
    sheets = _sheets(run.files[0])
    data_name = next(n for n in sheets if n not in ("Instructions", "_tierkit", "说明"))
    data = sheets[data_name]
    def is_answer(v: Any) -> bool:
        return str(v).strip().lower().startswith(("your answer", "你的答案"))

    header_row = next(i for i, r in enumerate(data) if any(is_answer(v) for v in r))
    answer_col = next(j for j, v in enumerate(data[header_row]) if is_answer(v))
    for row in data[header_row + 1:]:
        row[answer_col] = "A"
    order = list(sheets)
    out, _ = run_script("check_my_answers", book_json(sheets, active=order.index(data_name)))
    alerts = [a for a in out["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1
    text = alerts[0]["args"][0]
    total = len(data) - header_row - 1
    assert f"answered ({total} rows)" in text
    assert "look again at rows" in text  # not every customer is an A


def test_check_my_answers_refused_without_permission(tmp_path: Path) -> None:
    run = new_exercise("abc", tmp_path / "class", level=1, students=["Li Lei"], seed=3, self_check=False)
    out, _ = run_script("check_my_answers", book_json(_sheets(run.files[0])))
    text = next(a for a in out["actions"] if a["func"] == "alert")["args"][0]
    assert "not allowed self-check" in text
