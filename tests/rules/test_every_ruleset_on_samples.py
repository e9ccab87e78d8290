"""Every built-in rule set runs through the real CLI on a bundled sample and gives every segment customers.

``RUNS`` maps each rule set (``rules/*.yaml``) to the samples (and ``--param`` values) it runs on.  A rule set
missing from the table fails :func:`test_every_rule_set_has_a_run`: add its row when you add a rule file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tierkit.cli import main

from .helpers import AS_OF, RULES, SAMPLES, load, workbook


@dataclass(frozen=True)
class Run:
    sample: str  #: distributor, retail_members, simple, or customers_only (the distributor's customers, no orders)
    params: tuple[tuple[str, float], ...] = ()
    #: segments this run may leave empty (each with its reason in GAPS); None: every segment must have customers
    gaps: tuple[str, ...] = ()
    #: when given, only these segments must have customers (a run that exercises the data-gap tiers)
    only: tuple[str, ...] | None = None


# with an orders sheet every customer has dates, months and products: these tiers are for a customer list
# without orders, which the customers_only runs of stages_presale and stages_midsale cover (stages has the same
# segments, test_library.test_stages_is_the_four_stage_sets_together)
ORDER_GAPS = ("timing_unknown", "freq_unknown", "breadth_unknown")
GAPS = {
    "unclassified": "lifecycle's default takes rows with blank dates; no sample has one",
    "other_region": "grouping_region's default takes regions it does not list; it lists every sample region",
    **{gap: "needs a customer list without an orders sheet (customers_only runs)" for gap in ORDER_GAPS},
}
ABC_MEASURES = [Run("distributor", (("measure", m),)) for m in (1, 2, 3, 4, 5, 6)]

RUNS: dict[str, list[Run]] = {
    "abc": [*ABC_MEASURES, Run("retail_members"), Run("retail_members", (("measure", 2),)), Run("simple")],
    "attack_defense": [Run("distributor"), Run("retail_members")],
    "behaviour": [Run("retail_members")],
    "demographic": [Run("retail_members")],
    "fit": [Run("distributor")],
    "grouping_region": [Run("distributor", gaps=("other_region",))],
    "lifecycle": [Run("distributor", gaps=("unclassified",)), Run("retail_members", gaps=("unclassified",))],
    "needs": [Run("distributor"), Run("retail_members")],
    "profit": [Run("distributor")],
    "rfm": [Run("distributor"), Run("retail_members")],
    "route_to_market": [Run("distributor")],
    "stages": [Run("distributor", gaps=ORDER_GAPS)],
    "stages_expected": [Run("distributor")],
    "stages_midsale": [Run("distributor", gaps=ORDER_GAPS),
                       Run("customers_only", only=("freq_unknown", "breadth_unknown"))],
    "stages_postsale": [Run("distributor")],
    "stages_presale": [Run("distributor", gaps=ORDER_GAPS), Run("customers_only", only=("timing_unknown",))],
    "user_type": [Run("distributor")],
    "value": [Run("distributor"), Run("retail_members")],
    "grouping_season": [Run("distributor"), Run("retail_members")],
    "grouping_industry": [Run("distributor")],
    "grouping_product": [Run("distributor")],
    "grouping_competitor": [Run("distributor")],
    "grouping_preference": [Run("distributor")],
    "grouping_source": [Run("distributor")],
}
CASES = [(name, run) for name, runs in RUNS.items() for run in runs]


def test_every_rule_set_has_a_run() -> None:
    names = {p.stem for p in RULES.glob("*.yaml")}
    missing = names - set(RUNS)
    assert not missing, f"add a row to RUNS for {sorted(missing)}"
    assert set(RUNS) <= names
    for runs in RUNS.values():
        for run in runs:
            assert set(run.gaps) <= set(GAPS), run


@cache
def _input(sample: str, tmp: Path) -> tuple[Path, str | None]:
    if sample == "simple":
        return SAMPLES / "customers_simple.csv", None
    if sample == "customers_only":
        path = tmp / "customers_only.csv"
        workbook("distributor")["Customers"].to_csv(path, index=False)
        return path, None
    return SAMPLES / f"{sample}.xlsx", "Customers" if sample == "distributor" else "Members"


def run_cli(name: str, run: Run, tmp: Path) -> pd.DataFrame:
    src, sheet = _input(run.sample, tmp)
    out = tmp / f"{name}_{run.sample}_{'_'.join(f'{k}{v}' for k, v in run.params)}.csv"
    args = ["apply", str(src), "-r", name, "--as-of", AS_OF.isoformat(), "-o", str(out), "--force", "-q"]
    args += ["--sheet", sheet] if sheet else []
    for key, value in run.params:
        args += ["--param", f"{key}={value}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def counts(frame: pd.DataFrame) -> Counter[str]:
    return Counter(part for cell in frame["Tier ID"] for part in cell.split(", ") if part)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("every_ruleset")


@pytest.mark.parametrize(("name", "run"), CASES, ids=[f"{n}-{r.sample}-{dict(r.params)}" for n, r in CASES])
def test_rule_set_runs_on_its_sample_with_no_empty_segment(name: str, run: Run, tmp: Path) -> None:
    frame = run_cli(name, run, tmp)
    seen = counts(frame)
    ids = [s.id for s in load(name).segments]
    assert set(seen) <= set(ids)
    wanted = run.only if run.only is not None else [i for i in ids if i not in run.gaps]
    empty = [i for i in wanted if seen[i] == 0]
    assert not empty, f"{name} on {run.sample} {dict(run.params)}: no customers in {empty}"


STAGE_SETS = ["stages", "stages_presale", "stages_midsale", "stages_postsale", "stages_expected"]
#: the dimensions an order decides; a customer with none gets their *_none tier
ORDER_DIMENSIONS = {"timing", "freq", "breadth", "share", "difficulty", "growth", "efficiency"}


@pytest.mark.parametrize("name", STAGE_SETS)
def test_customers_without_orders_get_no_loyalty_or_cooperation_tier(name: str, tmp: Path) -> None:
    frame = run_cli(name, Run("distributor"), tmp)
    ordered = set(workbook("distributor")["Orders"]["客户编号"].astype(str))
    never = frame[~frame["客户编号"].isin(ordered)]
    assert len(never) > 50  # the sample has about 5% prospects
    dims = {s.id.split("_")[0] for s in load(name).segments}
    expected = sorted(f"{d}_none" for d in dims & ORDER_DIMENSIONS)
    assert expected
    for cell in never["Tier ID"]:
        tiers = cell.split(", ")
        order_tiers = sorted(t for t in tiers if t.split("_")[0] in ORDER_DIMENSIONS)
        assert order_tiers == expected, cell
    buyers = frame[frame["客户编号"].isin(ordered)]
    assert not any(t.endswith("_none") for cell in buyers["Tier ID"] for t in cell.split(", "))
