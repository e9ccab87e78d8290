"""Helpers: make a class's exercise, fill workbooks the way students do, grade."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tierkit.exercise import AnswerKey, new_exercise, read_key
from tierkit.exercise.keybook import KeyStudent
from tierkit.exercise.model import from_serial
from tierkit.exercise.workbook import META_SHEET


def fill(path: Path, answers: Mapping[str, Any], thresholds: Mapping[str, Any] | None = None,
         out: Path | None = None, edit: Callable[[Any], None] | None = None) -> Path:
    """Type answers (customer id -> text) into the answer column and cut-offs into the Thresholds sheet."""
    wb = load_workbook(path)
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
    ws = wb[meta["data_sheet"]]
    headers = [c.value for c in ws[1]]
    id_col = headers.index(meta["id_header"]) + 1
    answer_col = headers.index(meta["answer_header"]) + 1
    for row in range(2, ws.max_row + 1):
        cid = ws.cell(row, id_col).value
        if cid in answers:
            ws.cell(row, answer_col).value = answers[cid]
    if thresholds:
        tws = wb[meta["thresholds_sheet"]]
        for row in range(2, tws.max_row + 1):
            key = tws.cell(row, 1).value
            if key in thresholds:
                tws.cell(row, 4).value = thresholds[key]
    if edit is not None:
        edit(wb)
    target = out or path
    wb.save(target)
    return target


def right_answers(student: KeyStudent, key: AnswerKey, style: str = "id") -> dict[str, str]:
    from tierkit.exercise import answer_map

    amap = answer_map(key.method)
    out = {}
    for i, (cid, tier) in enumerate(zip(student.ids, student.expected, strict=True)):
        form = style if style != "mixed" else ("id", "en", "zh", "lower")[i % 4]
        seg = amap.ruleset.segment(tier)
        out[cid] = {"id": tier, "en": seg.label.en, "zh": seg.label.zh, "lower": f"  {seg.label.en.lower()} "}[form]
    return out


def right_thresholds(student: KeyStudent) -> dict[str, Any]:
    return {t.key: from_serial(t.example) if t.kind == "date" else t.example for t in student.thresholds}


@pytest.fixture
def make_class(tmp_path: Path) -> Callable[..., tuple[Path, AnswerKey]]:
    def make(method: str = "abc", level: int = 1, students: Any = ("Alice", "Bob"), seed: int = 7,
             lang: str = "en", self_check: bool = False, folder: str = "class") -> tuple[Path, AnswerKey]:
        run = new_exercise(method, tmp_path / folder, level=level, students=list(students), seed=seed, lang=lang,
                           self_check=self_check)
        return run.folder, read_key(run.key)

    return make
