"""Text hygiene in every output (issue 12, item 13): every text cell of every xlsx output is cut at Excel's
32,767 characters with a visible marker (data sheet, Tier summary, About and Data notes, whichever writer), and
C0 control characters are dropped from xlsx, CSV and parquet text whatever format it was read from."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierkit import app, load_ruleset
from tierkit.io.celltext import CELL_LIMIT, CUT_MARKER, fit_cell
from tierkit.io.table import NewColumn, SummaryTable
from tierkit.io.xlsxtext import fit_frame, fit_summary, fit_values

LONG = 40_000
CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")

RULES = """\
name: huge
title: {{en: {title}, zh: 很长}}
description: {{en: {description}}}
measure: revenue
fields:
  customer: {{type: string, role: id, aliases: [Customer]}}
  revenue: {{type: float, aliases: [Revenue]}}
segments:
  - id: big
    label: {{en: {label}, zh: 大客户}}
    description: {{en: {description}}}
    when: revenue >= 1000
    color: "#1b5e20"
    strategies:
      - {{en: {strategy}, zh: 每月拜访}}
  - id: rest
    label: {{en: Rest, zh: 其他}}
    default: true
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "huge.yaml"
    path.write_text(RULES.format(title="T" * LONG, description="D" * LONG, label="L" * LONG, strategy="S" * LONG),
                    encoding="utf-8")
    return path


def customers() -> pd.DataFrame:
    return pd.DataFrame({"Customer": ["N" * LONG, "ACME\x00Ltd\x1b[31m", "Plain"],
                         "Revenue": [5000.0, 20.0, 3000.0]})


def inputs(folder: Path) -> dict[str, Path]:
    frame = customers()
    out = {"csv": folder / "in.csv", "parquet": folder / "in.parquet", "xlsx": folder / "in.xlsx"}
    frame.assign(Customer=frame.Customer.str.replace("\x00", "", regex=False)).to_csv(out["csv"], index=False)
    frame.to_parquet(out["parquet"])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer", "Revenue"])
    for name, revenue in zip(["C1", "C2", "C3"], frame.Revenue, strict=True):  # Excel's own cells stay short
        ws.append([name, revenue])
    wb.save(out["xlsx"])
    return out


def texts(path: Path) -> dict[str, list[str]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
            for ws in book.worksheets}


@pytest.mark.parametrize("kind", ["xlsx", "csv", "parquet"])
def test_every_text_cell_of_every_xlsx_output_fits_excel(kind: str, rules: Path, tmp_path: Path) -> None:
    src = inputs(tmp_path)[kind]
    dst = tmp_path / "out.xlsx"
    app.apply_rulesets(app.open_table(src), [load_ruleset(str(rules))], dst)
    sheets = texts(dst)
    assert len(sheets) == 2  # the data sheet and Tier summary (with its About table)
    cut = [t for cells in sheets.values() for t in cells if t.endswith(CUT_MARKER) and len(t) == CELL_LIMIT]
    for name, cells in sheets.items():
        assert cells, name
        assert max(map(len, cells)) <= CELL_LIMIT, name
        assert not any(c in t for t in cells for c in CONTROLS), name
    summary = sheets["Tier summary"]
    assert any(t.startswith("T" * 100) and t.endswith(CUT_MARKER) for t in summary)  # the rule set's title
    assert any(t.startswith("L" * 100) and t.endswith(CUT_MARKER) for t in summary)  # a tier label
    data = next(cells for name, cells in sheets.items() if name != "Tier summary")
    assert any(t.startswith("L" * 100) and t.endswith(CUT_MARKER) for t in data)  # the Tier column
    if kind != "xlsx":  # the 40,000-character customer name came in as text and is written by tierkit
        assert any(t.startswith("N" * 100) and len(t) == CELL_LIMIT for t in data)
        assert "ACMELtd[31m" in data
    assert len(cut) >= 3


@pytest.mark.parametrize("kind", ["xlsx", "csv", "parquet"])
def test_parquet_and_csv_outputs_drop_control_characters(kind: str, rules: Path, tmp_path: Path) -> None:
    src = inputs(tmp_path)[kind]
    table = app.open_table(src)
    app.apply_rulesets(table, [load_ruleset(str(rules))], tmp_path / "out.parquet")
    app.apply_rulesets(table, [load_ruleset(str(rules))], tmp_path / "out.csv")
    frame = pq.read_table(tmp_path / "out.parquet").to_pandas()
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    for cells in ([str(v) for v in frame.to_numpy().ravel()] + list(frame.columns),
                  [v for row in rows for v in row]):
        assert not any(c in t for t in cells for c in CONTROLS)
    if kind != "xlsx":
        assert "ACMELtd[31m" in list(frame["Customer"])


def test_parquet_column_names_are_cleaned(tmp_path: Path) -> None:
    src = tmp_path / "cols.parquet"
    pd.DataFrame({"Cus\x00tomer\x07": ["a\x1fb"], "Revenue": [1.0]}).to_parquet(src)
    app.apply_rulesets(app.open_table(src), ["abc"], tmp_path / "out.parquet")
    frame = pq.read_table(tmp_path / "out.parquet").to_pandas()
    assert list(frame.columns)[:2] == ["Customer", "Revenue"] and frame.iloc[0, 0] == "ab"


# ------------------------------------------------------------------ the one place: fit_parts and its pieces


@given(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=20)), max_size=20))
def test_fit_values_is_fit_cell_on_every_text(values: list[Any]) -> None:
    fitted = fit_values(values)
    assert list(fitted) == [fit_cell(v) if isinstance(v, str) else v for v in values]
    if all(not isinstance(v, str) or fit_cell(v) is v for v in values):
        assert fitted is values  # nothing to change: no copy of a long column


def test_fit_summary_and_frame_cut_with_a_marker() -> None:
    table = SummaryTable(title="t" * LONG, header=["h\x00"], rows=[["x" * LONG, 5, None]], fills=["#ffffff"])
    (fitted,) = fit_summary([table])
    assert len(fitted.title) == CELL_LIMIT and fitted.title.endswith(CUT_MARKER)
    assert fitted.header == ["h"] and fitted.rows[0][1:] == [5, None] and fitted.fills == ["#ffffff"]
    frame = pd.DataFrame({"a\x01": ["y" * LONG, "ok"], "n": [1, 2]})
    out = fit_frame(frame)
    assert list(out.columns) == ["a", "n"] and out.iloc[0, 0].endswith(CUT_MARKER) and out.iloc[1, 0] == "ok"
    assert frame.iloc[0, 0] == "y" * LONG  # the input frame is not changed
    plain = pd.DataFrame({"a": ["x"], "n": [1]})
    assert fit_frame(plain) is plain
    assert NewColumn("h", ["v"]).values == ["v"]
