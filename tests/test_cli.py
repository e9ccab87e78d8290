"""The CLI end to end: real files in, real files out, exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workbooks"

VIP = """\
name: vip
title: {en: VIP accounts, zh: 重点客户}
measure: revenue
fields:
  revenue: {type: float, aliases: [销售额]}
  last_order: {type: date, aliases: [最近下单日期]}
segments:
  - id: key
    label: {en: Key account, zh: 关键客户}
    when: revenue >= 100000 and region in ['North', 'East']
    color: "#1b5e20"
    strategies: [{en: Dedicated account manager, zh: 指派专属客户经理}]
  - id: sleeping
    label: {en: Sleeping, zh: 沉睡客户}
    when: last_order < $today - t"P180D"
    color: "#b71c1c"
  - id: other
    label: {en: Other, zh: 其他}
    default: true
"""


def tierkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tierkit.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "vip.yaml").write_text(VIP, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户编号", "客户名称", "销售额", "region", "最近下单日期"])
    ws.append(["C001", "华为技术", 120500, "North", "2024/6/1"])
    ws.append(["C002", "Acme Ltd", "¥99,999.50", "East", "2023年12月5日"])
    ws.append(["C003", "<script>", None, "North", 45292])
    ws.append(["C004", "小米", "1,234", "South", None])
    wb.save(tmp_path / "customers.xlsx")
    return tmp_path


def test_apply_xlsx_zh(workdir: Path) -> None:
    before = (workdir / "customers.xlsx").read_bytes()
    proc = tierkit("apply", "customers.xlsx", "--rules", "vip.yaml", "--lang", "zh", "--as-of", "2024-06-30",
                   cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    assert "已写入 customers.tiered.xlsx" in proc.stdout and "wrote" not in proc.stdout
    assert (workdir / "customers.xlsx").read_bytes() == before  # input untouched
    wb = openpyxl.load_workbook(workdir / "customers.tiered.xlsx")
    ws = wb["客户"]
    header = [c.value for c in ws[1]]
    assert header[-3:] == ["层级", "层级编号", "层级原因"]
    tiers = [ws.cell(row=r, column=6).value for r in range(2, 6)]
    assert tiers == ["关键客户", "沉睡客户", "沉睡客户", "其他"]
    assert ws.cell(row=2, column=6).fill.fgColor.rgb.endswith("1B5E20")
    assert "层级汇总" in wb.sheetnames and "Tier summary" not in wb.sheetnames  # issue 17: named in Chinese


def test_apply_csv_and_refuses_existing_output(workdir: Path) -> None:
    pd.DataFrame({"revenue": [200000, 5], "region": ["East", "West"], "last_order": ["2024-06-01", "2020-01-01"]}
                 ).to_csv(workdir / "c.csv", index=False)
    proc = tierkit("apply", "c.csv", "-r", "vip.yaml", "--as-of", "2024-06-30", cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    raw = (workdir / "c.tiered.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    out = pd.read_csv(workdir / "c.tiered.csv", encoding="utf-8-sig")
    assert list(out["Tier ID"]) == ["key", "sleeping"]
    again = tierkit("apply", "c.csv", "-r", "vip.yaml", cwd=workdir)
    assert again.returncode == 2
    assert "--force" in again.stderr and "Traceback" not in again.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["apply", "missing.xlsx", "-r", "vip.yaml"], "missing.xlsx"),
    (["apply", "customers.xlsx", "-r", "nope"], "no rule set named 'nope'"),
    (["apply", "customers.xlsx", "-r", "vip.yaml", "--sheet", "Sheet9"], "Sheet9"),
    (["apply", "customers.xlsx", "-r", "vip.yaml", "--as-of", "yesterday"], "--as-of"),
    (["apply", "customers.xlsx", "-r", "vip.yaml", "--param", "x=1"], "unknown parameter 'x'"),
    (["explain", "customers.xlsx", "-r", "vip.yaml", "--row", "99"], "outside the table"),
    (["explain", "customers.xlsx", "-r", "vip.yaml", "--id", "C999"], "no row with"),
])
def test_user_errors_exit_2_one_line(workdir: Path, args: list[str], needle: str) -> None:
    proc = tierkit(*args, cwd=workdir)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bad_cell_names_the_cell(workdir: Path) -> None:
    wb = openpyxl.load_workbook(workdir / "customers.xlsx")
    wb["客户"]["C4"] = "lots"
    wb.save(workdir / "bad.xlsx")
    proc = tierkit("apply", "bad.xlsx", "-r", "vip.yaml", cwd=workdir)
    assert proc.returncode == 2
    assert "'lots'" in proc.stderr and "客户!C4" in proc.stderr and "bad.xlsx" in proc.stderr


def test_explain_by_id(workdir: Path) -> None:
    proc = tierkit("explain", "customers.xlsx", "-r", "vip.yaml", "--id", "C001", "--as-of", "2024-06-30",
                   cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    assert "Key account" in proc.stdout
    assert "revenue 120,500 ≥ 100,000; region North in [North, East]" in proc.stdout


def test_rules_check_reports_unreachable_and_gaps(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "name: r\nsegments:\n  - id: big\n    when: revenue > 50\n  - id: bigger\n    when: revenue > 100\n"
        "  - id: small\n    when: revenue < 10\n", encoding="utf-8")
    proc = tierkit("rules", "check", "r.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "segment 'bigger' (line 5) can never match: earlier segments big" in proc.stdout
    assert "gap: no segment matches revenue=" in proc.stdout


def test_rules_check_with_data_unique_overlap(tmp_path: Path) -> None:
    (tmp_path / "u.yaml").write_text(
        "name: u\nhit_policy: unique\nsegments:\n  - id: a\n    when: x > 1\n  - id: b\n    when: x > 2\n"
        "  - id: c\n    default: true\n", encoding="utf-8")
    pd.DataFrame({"x": [0, 1.5, 3, 4]}).to_csv(tmp_path / "d.csv", index=False)
    proc = tierkit("rules", "check", "u.yaml", "--data", "d.csv", cwd=tmp_path)
    assert proc.returncode == 2
    assert "overlap: 2 rows match several segments, e.g. rows 4, 5" in proc.stdout
    applied = tierkit("apply", "d.csv", "-r", "u.yaml", cwd=tmp_path)
    assert applied.returncode == 2 and "match more than one segment under hit_policy 'unique'" in applied.stderr


def test_rules_list_and_show() -> None:
    proc = tierkit("rules", "list", cwd=ROOT)
    assert proc.returncode == 0
    for name in ("abc", "rfm", "value", "lifecycle", "fit", "profit"):
        assert f"\n{name} " in "\n" + proc.stdout
    show = tierkit("rules", "show", "abc", "--lang", "zh", cwd=ROOT)
    assert show.returncode == 0 and "关键客户" in show.stdout


def test_every_command_has_help() -> None:
    import click

    from tierkit.cli import main

    def walk(cmd: click.Command, path: list[str]) -> None:
        assert cmd.help and len(cmd.help) > 20, f"{' '.join(path)} has no help text"
        if isinstance(cmd, click.Group):
            with click.Context(cmd) as ctx:
                for name in cmd.list_commands(ctx):
                    sub = cmd.get_command(ctx, name)
                    assert sub is not None, name
                    walk(sub, [*path, name])
    walk(main, ["tierkit"])
    with click.Context(main) as ctx:
        assert {"apply", "explain", "rules", "serve", "brief"} <= set(main.list_commands(ctx))


def test_sample_multi_ruleset_crosstab(tmp_path: Path) -> None:
    out = tmp_path / "d.xlsx"
    proc = tierkit("apply", str(SAMPLES / "distributor.xlsx"), "-r", "abc", "-r", "rfm", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "rows flagged for attention in the cross-tab" in proc.stdout
    wb = openpyxl.load_workbook(out, read_only=True)
    ws = wb[wb.sheetnames[[n.lower() for n in wb.sheetnames].index("customers")]] \
        if "customers" in [n.lower() for n in wb.sheetnames] else None
    assert ws is not None
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
    assert {"ABC", "ABC ID", "ABC reason", "RFM", "RFM ID", "RFM reason"} <= set(header)
    summary = [r for r in wb["Tier summary"].iter_rows(values_only=True)]
    text = " ".join(str(v) for r in summary for v in r if v is not None)
    assert "Cross-tab abc × rfm" in text
    assert "⚠" in text  # A-class accounts that are At risk / Can't lose them


def test_rules_from_a_sheet_of_the_workbook(workdir: Path) -> None:
    wb = openpyxl.load_workbook(workdir / "customers.xlsx")
    ws = wb.create_sheet("Rules")
    ws.append(["id", "label", "label_zh", "when", "strategy", "color"])
    ws.append(["big", "Big", "大客户", "revenue >= 100000", "Visit monthly", "#ff0000"])
    ws.append(["rest", "Rest", "其他", "default", None, None])
    ws2 = wb["客户"]
    ws2["C1"] = "revenue"
    wb.save(workdir / "with_rules.xlsx")
    proc = tierkit("apply", "with_rules.xlsx", "--sheet", "客户", "-r", "sheet:Rules", cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    out = openpyxl.load_workbook(workdir / "with_rules.tiered.xlsx")
    assert [c.value for c in out["客户"]["F"]][:3] == ["Tier", "Big", "Rest"]
    assert out["Rules"]["D2"].value == "revenue >= 100000"  # the rules sheet is carried over untouched


def test_rerun_on_own_output_replaces_columns_and_reuses_styles(workdir: Path) -> None:
    import zipfile

    first = tierkit("apply", "customers.xlsx", "-r", "vip.yaml", "--as-of", "2024-06-30", cwd=workdir)
    assert first.returncode == 0, first.stderr
    second = tierkit("apply", "customers.tiered.xlsx", "-r", "vip.yaml", "--as-of", "2024-06-30", "-o", "again.xlsx",
                     cwd=workdir)
    assert second.returncode == 0, second.stderr
    a, b = zipfile.ZipFile(workdir / "customers.tiered.xlsx"), zipfile.ZipFile(workdir / "again.xlsx")
    assert a.read("xl/styles.xml") == b.read("xl/styles.xml")  # the fills of the first run are reused
    ws = openpyxl.load_workbook(workdir / "again.xlsx")["客户"]
    assert [c.value for c in ws[1]][-3:] == ["Tier", "Tier ID", "Tier reason"]
    assert ws.max_column == 8  # replaced, not appended a second time


def test_param_override_accepts_percent(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("name: p\nparams: {cut: 0.5}\nsegments:\n  - id: hi\n    when: x >= cut\n"
                                     "  - id: lo\n    default: true\n", encoding="utf-8")
    pd.DataFrame({"x": [0.6, 0.8]}).to_csv(tmp_path / "d.csv", index=False)
    proc = tierkit("apply", "d.csv", "-r", "p.yaml", "--param", "cut=70%", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert list(pd.read_csv(tmp_path / "d.tiered.csv", encoding="utf-8-sig")["Tier ID"]) == ["lo", "hi"]
