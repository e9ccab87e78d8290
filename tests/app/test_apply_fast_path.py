"""The fast end-to-end path of ``apply``: the reason column as an Arrow array into parquet, ``--no-reasons``,
and the ``TIERKIT_TIMINGS=1`` breakdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from tierkit import app

RULES = """\
name: vip
fields:
  revenue: {type: float}
  last_order: {type: date}
segments:
  - {id: key, label: Key, when: "revenue >= 10000.5 and region in ['North', 'East']"}
  - {id: small, label: Small, when: "revenue < 0.01 or region == 'West'"}
  - {id: old, label: Old, when: "last_order < d'2024-01-01'"}
  - {id: other, label: Other, default: true}
"""


def customers(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    n = 300
    revenue = np.round(rng.lognormal(8, 2, n), 3) * rng.choice([1, -1], n, p=[0.9, 0.1])
    revenue[::17] = np.nan
    frame = pd.DataFrame({
        "customer": [f"C{i:04d}" for i in range(n)],
        "region": rng.choice(["North", "East", "West", "南区", None], n),
        "revenue": revenue,
        "last_order": pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
    })
    path = tmp_path / "customers.parquet"
    frame.to_parquet(path)
    (tmp_path / "vip.yaml").write_text(RULES, encoding="utf-8")
    return path


def test_parquet_and_csv_outputs_carry_the_same_reasons(tmp_path: Path) -> None:
    """The Arrow path (parquet) and the Python path (csv) write the same texts as Classification.reasons."""
    src = customers(tmp_path)
    rules = app.resolve_rules([str(tmp_path / "vip.yaml")])
    table = app.open_table(src, rulesets=rules)
    for lang in ("en", "zh"):
        res = app.apply_rulesets(table, rules, tmp_path / f"out_{lang}.parquet", lang=lang)
        app.apply_rulesets(table, rules, tmp_path / f"out_{lang}.csv", lang=lang)
        reason = [c for c in pq.read_table(tmp_path / f"out_{lang}.parquet").column_names if c not in
                  ("customer", "region", "revenue", "last_order")][-1]
        from_parquet = pq.read_table(tmp_path / f"out_{lang}.parquet").column(reason).to_pylist()
        from_csv = pd.read_csv(tmp_path / f"out_{lang}.csv", encoding="utf-8-sig", keep_default_na=False)[reason]
        assert from_parquet == res.results[0].reasons(lang) == [str(v) for v in from_csv]
        assert any("-" in r for r in from_parquet) and any("," in r for r in from_parquet)


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tierkit.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120, check=False)


def test_no_reasons_leaves_the_reason_column_out_and_timings_add_up(tmp_path: Path) -> None:
    customers(tmp_path)
    done = run_cli("apply", "customers.parquet", "--rules", "vip.yaml", "--no-reasons", "-o", "out.parquet",
                   cwd=tmp_path, TIERKIT_TIMINGS="1")
    assert done.returncode == 0, done.stderr
    assert pq.read_table(tmp_path / "out.parquet").column_names == ["customer", "region", "revenue", "last_order",
                                                                    "Tier", "Tier ID"]
    line = next(li for li in done.stderr.splitlines() if li.startswith("tierkit timings: "))
    parts = json.loads(line.removeprefix("tierkit timings: "))
    assert {"import", "rules", "read", "bind", "evaluate", "columns", "write", "other", "total"} <= set(parts)
    assert "reasons" not in parts
    assert abs(sum(v for k, v in parts.items() if k != "total") - parts["total"]) < 0.01
    with_reasons = run_cli("apply", "customers.parquet", "--rules", "vip.yaml", "-o", "full.parquet", cwd=tmp_path)
    assert with_reasons.returncode == 0 and "tierkit timings" not in with_reasons.stderr
    assert pq.read_table(tmp_path / "full.parquet").column_names[-1] == "Tier reason"
