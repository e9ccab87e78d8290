"""The reason column of a row range (``reasons.reason_column(start=, stop=)``) reads as that slice of the whole
column, and a parquet output holds the reasons of every row (the writer takes them whole, one row group), on
tables with blanks, unmatched rows and control characters, in both languages.  (The reasons were once made a
row group at a time beside the writer; on two cores that cost more than it saved, see issue 14.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit import app, classify
from tierkit.reasons import reason_column
from tierkit.ruleset.loader import parse_ruleset

RULES = """\
name: pipe
fields:
  customer: {type: string, role: id}
  revenue: {type: float}
  last_order: {type: date}
segments:
  - {id: key, label: Key, when: "revenue >= 10000.5 and region in ['North', 'East']"}
  - {id: small, label: Small, when: "revenue < 0.01 or region == 'West'"}
  - {id: old, label: Old, when: "last_order < d'2024-01-01'"}
"""

WITH_DEFAULT = RULES + "  - {id: other, label: Other, default: true}\n"


def frame(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(8, 2, n), 3) * rng.choice([1, -1], n, p=[0.9, 0.1])
    revenue[::17] = np.nan
    last = pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    return pd.DataFrame({
        "customer": [f"C{i:05d}" for i in range(n)],
        "region": rng.choice(["North", "East", "West", "南区", "Sou\x01th", None], n),
        "revenue": revenue,
        "last_order": last.where(rng.random(n) > 0.05),
    })


CASES = {"default": parse_ruleset(WITH_DEFAULT, name="pipe"), "bare": parse_ruleset(RULES, name="pipe")}
BIG = frame(3000)
RESULTS = {(k, lang): (classify(rs, BIG), lang) for k, rs in CASES.items() for lang in ("en", "zh")}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(RESULTS)), st.integers(-10, 3100), st.integers(-10, 3100))
def test_a_row_range_reads_as_that_slice_of_the_whole_column(key: tuple[str, str], start: int, stop: int) -> None:
    res, lang = RESULTS[key]
    whole = reason_column(res, lang).to_pylist()
    lo = min(max(start, 0), res.n)
    assert reason_column(res, lang, start=start, stop=stop).to_pylist() == whole[lo:max(stop, lo)]


@pytest.mark.parametrize("rules", ["default", "bare"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_parquet_output_holds_every_rows_reason(tmp_path: Path, rules: str, lang: str) -> None:
    src = tmp_path / "customers.parquet"
    BIG.to_parquet(src)
    path = tmp_path / "pipe.yaml"
    path.write_text(WITH_DEFAULT if rules == "default" else RULES, encoding="utf-8")
    rulesets = app.resolve_rules([str(path)])
    table = app.open_table(src, rulesets=rulesets)
    res = app.apply_rulesets(table, rulesets, tmp_path / "out.parquet", lang=lang)
    out = pq.read_table(tmp_path / "out.parquet")
    assert pq.ParquetFile(tmp_path / "out.parquet").metadata.num_row_groups == 1
    assert out.column(out.num_columns - 1).to_pylist() == res.results[0].reasons(lang)
    assert "Sou\x01th" not in out.column("region").to_pylist() and "South" in out.column("region").to_pylist()


def test_the_timings_count_reasons_and_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tierkit import timings

    src = tmp_path / "customers.parquet"
    BIG.to_parquet(src)
    (tmp_path / "pipe.yaml").write_text(WITH_DEFAULT, encoding="utf-8")
    rulesets = app.resolve_rules([str(tmp_path / "pipe.yaml")])
    table = app.open_table(src, rulesets=rulesets)
    monkeypatch.setattr(timings, "ENABLED", True)
    monkeypatch.setattr(timings, "_totals", {})
    monkeypatch.setattr(timings, "_cpu", {})
    monkeypatch.setattr(timings, "_beside", {})
    monkeypatch.setattr(timings, "_started", [0.0, 0.0, 0.0])  # as if a phase had begun (no atexit report)
    app.apply_rulesets(table, rulesets, tmp_path / "whole.parquet")
    assert {"reasons", "write"} <= set(timings._totals) and not timings._beside  # nothing on a second thread
