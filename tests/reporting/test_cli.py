"""``tierkit brief``: raw and tiered inputs, options, one-line errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tierkit.reporting.cli import brief

from .conftest import CHINESE_NAME, DATA, customers, flat, page_count, pdf_text, squeeze

RULES = str(DATA / "tiny.yaml")


@pytest.fixture
def csv_input(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    customers().to_csv(path, index=False, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(brief, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_command_is_documented() -> None:
    assert brief.name == "brief"
    assert "Example:" in (brief.help or "")
    assert all(p.help for p in brief.params if p.param_type_name == "option")


def test_brief_from_a_raw_table(tmp_path: Path, csv_input: Path) -> None:
    out = tmp_path / "briefs.pdf"
    code, stdout, stderr = run(str(csv_input), "--rules", RULES, "-o", str(out), "--lang", "zh", "--top", "3",
                               "--as-of", "2024-12-31")
    assert code == 0, stderr
    assert stdout.strip().endswith("briefs.pdf")
    assert page_count(out) == 5
    text = squeeze(pdf_text(out))
    assert "关键客户" in text and CHINESE_NAME in text and "前3名客户" in text


def test_default_output_name_and_force(csv_input: Path) -> None:
    code, _, stderr = run(str(csv_input), "-r", RULES)
    assert code == 0, stderr
    out = csv_input.with_name("customers.briefs.pdf")
    assert out.exists()
    code, _, stderr = run(str(csv_input), "-r", RULES)
    assert code == 2 and stderr.count("\n") == 1 and "output exists" in stderr and "--force" in stderr
    code, _, stderr = run(str(csv_input), "-r", RULES, "--force")
    assert code == 0, stderr


def test_split(tmp_path: Path, csv_input: Path) -> None:
    code, stdout, stderr = run(str(csv_input), "-r", RULES, "-o", str(tmp_path / "p.pdf"), "--split",
                               str(tmp_path / "tiers"))
    assert code == 0, stderr
    assert sorted(p.name for p in (tmp_path / "tiers").iterdir()) == [
        "01-Key accounts.pdf", "02-VIP _b_gold_b.pdf", "03-Main customers.pdf", "04-Ordinary customers.pdf"]
    assert len(stdout.splitlines()) == 5


def test_a_tiered_output_keeps_its_tiers(tmp_path: Path) -> None:
    frame = customers()
    frame["Tier"] = "whatever"
    frame["Tier ID"] = ["ordinary"] * 11 + ["vip"]  # as a manager may have moved them by hand
    frame["Tier reason"] = "given"
    path = tmp_path / "customers.tiered.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    code, _, stderr = run(str(path), "-r", RULES)
    assert code == 0, stderr
    out = tmp_path / "customers.briefs.pdf"
    cover = pdf_text(out, layout=True).split("\f")[0].splitlines()
    rows: dict[str, str] = {}
    for line in cover:  # the tier table (first), not the chart's labels below it
        if line.strip():
            rows.setdefault(flat(line).split(" ")[0], flat(line))
    assert rows["VIP"].startswith("VIP <b>gold</b> 1 8.3% 500")
    assert rows["Ordinary"].startswith("Ordinary customers 11 91.7% 1,121,500")


def test_tier_ids_of_another_rule_set_are_ignored_and_mixed_ones_refused(tmp_path: Path) -> None:
    frame = customers()
    frame["Tier ID"] = "champions"  # tiered with rfm; briefed with tiny: tiny's rules decide
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    code, _, stderr = run(str(path), "-r", RULES)
    assert code == 0, stderr
    frame["Tier ID"] = ["key"] * 6 + ["kee"] * 6
    frame.to_csv(path, index=False)
    code, _, stderr = run(str(path), "-r", RULES, "--force")
    assert code == 2 and stderr.startswith("error: column 'Tier ID' holds tier ids") and "kee" in stderr


@pytest.mark.parametrize(("args", "message"), [
    (["missing.xlsx", "-r", RULES], "file not found"),
    (["{csv}", "-r", "no_such_rules"], "no rule set named 'no_such_rules'"),
    (["{csv}", "-r", RULES, "--as-of", "soon"], "--as-of 'soon' is not a date"),
    (["{csv}", "-r", RULES, "--templates", "/no/such/dir"], "templates folder not found"),
    (["{csv}", "-r", RULES, "-o", "/no/such/dir/x.pdf"], "output folder not found"),
])
def test_errors_are_one_line_and_exit_2(csv_input: Path, args: list[str], message: str) -> None:
    code, stdout, stderr = run(*[a.replace("{csv}", str(csv_input)) for a in args])
    assert code == 2, (stdout, stderr)
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and message in stderr
