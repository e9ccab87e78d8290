"""Tier labels two rule sets share (RFM's 忠诚客户 and the lifecycle's 忠诚客户) are qualified by their rule set
wherever both are shown: the tier columns of one run, the Tier summary and the cross-tab."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

import tierkit
from tierkit.app.labels import qualified_labels, relabel, short_name

ROOT = Path(__file__).resolve().parents[2]


def test_only_clashing_labels_are_qualified() -> None:
    rfm, lifecycle, abc = (tierkit.load_ruleset(n) for n in ("rfm", "lifecycle", "abc"))
    q_rfm, q_life = qualified_labels([rfm, lifecycle], "zh")
    assert q_rfm == {"忠诚客户": "忠诚客户（RFM客户细分）", "流失客户": "流失客户（RFM客户细分）"}
    assert q_life == {"忠诚客户": "忠诚客户（客户生命周期）", "流失客户": "流失客户（客户生命周期）"}
    assert qualified_labels([rfm, lifecycle], "en")[0] == {"Loyal": "Loyal (RFM segments)"}  # Lost ≠ Churned
    assert qualified_labels([rfm], "zh") == [{}] and qualified_labels([rfm, abc], "zh") == [{}, {}]
    assert relabel(["忠诚客户", "新客户"], q_rfm) == ["忠诚客户（RFM客户细分）", "新客户"]
    assert short_name(lifecycle, "zh") == "客户生命周期" and short_name(lifecycle, "en") == "Customer lifecycle"


def test_two_rule_sets_of_the_same_short_name_are_told_apart_by_name() -> None:
    rfm = tierkit.load_ruleset("rfm")
    twin = tierkit.parse_ruleset(rfm.source.replace("name: rfm", "name: rfm2"), name="rfm2")
    assert qualified_labels([rfm, twin], "zh")[1]["忠诚客户"] == "忠诚客户（rfm2）"


def _sheet(path: Path, name: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb[name].iter_rows(values_only=True))
    finally:
        wb.close()


def test_applying_rfm_and_lifecycle_together_tells_their_tiers_apart(tmp_path: Path) -> None:
    from tierkit.cli import main

    out = tmp_path / "out.xlsx"
    run = CliRunner().invoke(main, ["apply", str(ROOT / "sample_workbooks" / "distributor.xlsx"), "--rules", "rfm",
                                    "--rules", "lifecycle", "--lang", "zh", "--as-of", "2024-12-31", "-o", str(out)])
    assert run.exit_code == 0, run.output
    rows = _sheet(out, "Customers")
    head = rows[0]
    rfm_labels = {r[head.index("RFM")] for r in rows[1:]}
    life_labels = {r[head.index("LIFECYCLE")] for r in rows[1:]}
    assert not rfm_labels & life_labels, rfm_labels & life_labels
    assert {"忠诚客户（RFM客户细分）", "流失客户（RFM客户细分）"} <= rfm_labels
    assert {"忠诚客户（客户生命周期）", "流失客户（客户生命周期）"} <= life_labels
    assert "冠军客户" in rfm_labels  # a label no other rule set uses stays as it is
    summary = _sheet(out, "层级汇总")
    cells = [c for r in summary for c in r if isinstance(c, str)]
    assert "忠诚客户" not in cells and "流失客户" not in cells
    cross = next(i for i, r in enumerate(summary) if r[0] == "rfm \\ lifecycle")
    assert "忠诚客户（客户生命周期）" in summary[cross] and summary[cross + 2][0] == "忠诚客户（RFM客户细分）"
