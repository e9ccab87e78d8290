"""Golden files for what users read: reasons, explanations, `rules show`.  Refresh after an intended change
with ``TIERKIT_UPDATE_GOLDEN=1 pytest tests/engine/test_golden.py`` and review the diff."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

import tierkit
from tierkit.check import show_ruleset

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "engine"
ROOT = Path(__file__).resolve().parents[2]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TIERKIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with TIERKIT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def customers() -> pd.DataFrame:
    return pd.read_csv(ROOT / "sample_workbooks" / "customers_simple.csv", encoding="utf-8-sig").head(40)


@pytest.mark.parametrize("name", ["abc", "rfm", "value", "lifecycle", "behaviour"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reasons(name: str, lang: str) -> None:
    res = tierkit.classify(tierkit.load_ruleset(name), customers(), as_of=dt.date(2024, 12, 31))
    lines = [f"{i + 1}\t{t}\t{r}" for i, (t, r) in enumerate(zip(res.tier_ids(), res.reasons(lang), strict=True))]
    check_golden(f"reasons_{name}_{lang}.tsv", "\n".join(lines) + "\n")


def test_explain() -> None:
    res = tierkit.classify(tierkit.load_ruleset("rfm"), customers(), as_of=dt.date(2024, 12, 31))
    check_golden("explain_rfm_row3.txt", res.explain(2) + "\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rules_show(lang: str) -> None:
    check_golden(f"show_rfm_{lang}.txt", show_ruleset(tierkit.load_ruleset("rfm"), lang)
                 .replace(str(ROOT) + "/", "") + "\n")
