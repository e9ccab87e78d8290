"""LibreOffice opens the exercise workbooks: data, validation lists, protection and metadata survive."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest

from tierkit.exercise import grade_files

from .conftest import fill, right_answers

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.fail("LibreOffice (soffice) is not installed: scripts/test.sh installs it (apt-get)")
    return exe


def _convert(path: Path, outdir: Path, target: str) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path("/tmp") / f"lo-{uuid.uuid4().hex}"
    try:
        proc = subprocess.run(
            [_soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to",
             target, "--outdir", str(outdir), str(path)],
            capture_output=True, text=True, timeout=240, env={**os.environ, "HOME": str(outdir)})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    produced = sorted(p for p in outdir.iterdir() if p.stem.startswith(path.stem) and p.suffix != ".xml")
    assert produced, f"LibreOffice produced nothing: {proc.stdout} {proc.stderr}"
    return produced[0]


def test_data_sheet_reads_in_libreoffice(make_class, tmp_path: Path) -> None:
    folder, key = make_class("value", 2, students=["Alice"], seed=6)
    # 44=comma, 34=quote, 76=UTF-8; the 12th token picks the sheet (2 = Data)
    out = _convert(folder / "students" / "Alice.xlsx", tmp_path / "csv",
                   "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["No.", "Customer ID", "Revenue", "Orders", "Days since last order", "Your answer (tier)"]
    assert [r[1] for r in rows[1:]] == key.students["Alice"].ids
    assert all(r[-1] == "" for r in rows[1:])


def test_validation_protection_and_metadata_survive_a_libreoffice_save(make_class, tmp_path: Path) -> None:
    folder, key = make_class("rfm", 3, students=["Alice"], seed=6, lang="zh")
    saved = _convert(folder / "students" / "Alice.xlsx", tmp_path / "lo", "xlsx:Calc MS Excel 2007 XML")
    with zipfile.ZipFile(saved) as z:
        names = z.namelist()
        sheets = {n: z.read(n).decode("utf-8") for n in names if n.startswith("xl/worksheets/sheet")}
        workbook = z.read("xl/workbook.xml").decode("utf-8")
    assert 'state="veryHidden"' in workbook or 'state="hidden"' in workbook
    lists = [x for x in sheets.values() if 'type="list"' in x]
    assert lists and any("_tierkit" in x for x in lists)
    assert sum("<sheetProtection" in x for x in sheets.values()) >= 3
    # graded as the untouched handout (no data change), then with the answers filled in
    (sub,) = grade_files([saved], key)
    assert sub.status == "blank return" and sub.correct == 0  # flagged: nothing filled in (issue 18)
    alice = key.students["Alice"]
    fill(saved, right_answers(alice, key, "zh"))
    (sub,) = grade_files([saved], key)
    assert sub.status == "ok" and sub.correct == len(alice.ids)
