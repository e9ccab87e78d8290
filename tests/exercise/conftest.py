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
         out: Path | None = None, edit: Callable[[Any], None] | None = None,
         scores: Mapping[str, Mapping[str, Any]] | None = None) -> Path:
    """Type answers (customer id -> text) into the answer column, cut-offs into the Thresholds sheet and scores
    (customer id -> score name -> value) into the score columns (RFM levels 2 and 3)."""
    import json

    wb = load_workbook(path)
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
    ws = wb[meta["data_sheet"]]
    headers = [c.value for c in ws[1]]
    id_col = headers.index(meta["id_header"]) + 1
    answer_col = headers.index(meta["answer_header"]) + 1
    score_cols = {name: headers.index(head) + 1 for name, head in json.loads(meta.get("score_columns") or "[]")}
    for row in range(2, ws.max_row + 1):
        cid = ws.cell(row, id_col).value
        if cid in answers:
            ws.cell(row, answer_col).value = answers[cid]
        for name, value in (scores or {}).get(cid, {}).items():
            ws.cell(row, score_cols[name]).value = value
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


def right_scores(student: KeyStudent) -> dict[str, dict[str, Any]]:
    """The right R/F/M scores per customer (empty where the level asks for none)."""
    return {cid: {name: values[i] for name, values in student.scores.items()} for i, cid in enumerate(student.ids)}


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
