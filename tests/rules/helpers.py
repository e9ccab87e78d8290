from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd

import tierkit
from tierkit.bind import TableSource

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
SAMPLES = ROOT / "sample_workbooks"
AS_OF = dt.date(2024, 12, 31)


@cache
def workbook(name: str) -> dict[str, pd.DataFrame]:
    return pd.read_excel(SAMPLES / f"{name}.xlsx", sheet_name=None, engine="calamine")


@cache
def load(name: str) -> tierkit.RuleSet:
    return tierkit.load_ruleset(RULES / f"{name}.yaml")


@cache
def on_sample(rule_set: str, sample: str) -> tierkit.Classification:
    """Classify a sample: the distributor/retail customer sheet with its orders sheet, or the flat CSV."""
    if sample == "simple":
        return tierkit.classify(load(rule_set), pd.read_csv(SAMPLES / "customers_simple.csv"))
    sheets = workbook(sample)
    main = "Customers" if sample == "distributor" else "Members"
    return tierkit.classify(load(rule_set), sheets[main], source=TableSource(sheets=sheets))


def classify(rule_set: str | tierkit.RuleSet, rows: dict[str, list], **kwargs) -> list[str]:
    rs = load(rule_set) if isinstance(rule_set, str) else rule_set
    return tierkit.classify(rs, pd.DataFrame(rows), **kwargs).tier_ids()
