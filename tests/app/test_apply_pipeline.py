"""The reason column made a row range at a time while the parquet writer writes the rows before it
(``reasons.ReasonChunks``, ``io.flat._pipeline``): any row range reads as that slice of the whole column, and
a pipelined parquet file holds exactly the values of one written whole, on tables with blanks, unmatched
rows and control characters, in both languages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit import app, classify
from tierkit.io import flat
from tierkit.reasons import ReasonChunks, reason_column
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


def test_chunks_cover_the_rows_as_the_whole_column() -> None:
    res, lang = RESULTS[("bare", "zh")]
    chunks = ReasonChunks(res, lang)
    assert len(chunks) == res.n
    parts = [chunks.chunk(lo, lo + 700) for lo in range(0, res.n, 700)]
    assert pa.concat_arrays(parts).to_pylist() == chunks.whole().to_pylist() == res.reasons(lang)


@pytest.mark.parametrize("rules", ["default", "bare"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pipelined_parquet_holds_the_values_of_one_written_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 rules: str, lang: str) -> None:
    src = tmp_path / "customers.parquet"
    BIG.to_parquet(src)
    path = tmp_path / "pipe.yaml"
    path.write_text(WITH_DEFAULT if rules == "default" else RULES, encoding="utf-8")
    rulesets = app.resolve_rules([str(path)])
    table = app.open_table(src, rulesets=rulesets)
    app.apply_rulesets(table, rulesets, tmp_path / "whole.parquet", lang=lang)  # 3000 rows: one row group
    monkeypatch.setattr(flat, "ROW_GROUP_ROWS", 700)
    res = app.apply_rulesets(table, rulesets, tmp_path / "piped.parquet", lang=lang)
    whole, piped = pq.read_table(tmp_path / "whole.parquet"), pq.read_table(tmp_path / "piped.parquet")
    assert pq.ParquetFile(tmp_path / "whole.parquet").metadata.num_row_groups == 1
    assert pq.ParquetFile(tmp_path / "piped.parquet").metadata.num_row_groups == 5  # 4 x 700 + 200
    assert piped.equals(whole) and piped.schema.equals(whole.schema, check_metadata=True)
    assert piped.column(piped.num_columns - 1).to_pylist() == res.results[0].reasons(lang)
    assert "Sou\x01th" not in piped.column("region").to_pylist() and "South" in piped.column("region").to_pylist()


def test_a_failing_chunk_leaves_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "customers.parquet"
    BIG.to_parquet(src)
    (tmp_path / "pipe.yaml").write_text(WITH_DEFAULT, encoding="utf-8")
    rulesets = app.resolve_rules([str(tmp_path / "pipe.yaml")])
    table = app.open_table(src, rulesets=rulesets)
    monkeypatch.setattr(flat, "ROW_GROUP_ROWS", 700)
    calls: list[int] = []

    def failing(self: ReasonChunks, start: int, stop: int) -> pa.Array:
        calls.append(start)
        if start >= 1400:
            raise RuntimeError("chunk failed")
        return reason_column(self.res, self.lang, start=start, stop=stop)

    monkeypatch.setattr(ReasonChunks, "chunk", failing)
    with pytest.raises(RuntimeError, match="chunk failed"):
        app.apply_rulesets(table, rulesets, tmp_path / "out.parquet")
    assert calls[:3] == [0, 700, 1400] and 2100 not in calls  # no range asked for after the failure
    assert sorted(p.name for p in tmp_path.iterdir()) == ["customers.parquet", "pipe.yaml"]


def test_the_timings_count_the_wait_for_reasons_and_the_work_beside(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
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
    assert {"reasons", "write"} <= set(timings._totals) and not timings._beside  # one row group: no thread
    monkeypatch.setattr(flat, "ROW_GROUP_ROWS", 700)
    app.apply_rulesets(table, rulesets, tmp_path / "piped.parquet")
    assert set(timings._beside) == {"reasons"} and timings._beside["reasons"] > 0
