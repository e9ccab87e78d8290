"""``tierkit compare`` and ``tierkit rules diff`` end to end: the same tiers as two ``apply --as-of`` runs, the
console agreeing with the workbook, messy ids, one-line errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from tierkit import builtin_names
from tierkit.cli import main
from tierkit.values import id_key

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
D0, D1 = "2024-06-30", "2024-12-31"


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.stdout, res.stderr


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def run_bounded(*args: str) -> tuple[int, str, str]:
    """The CLI in a child process with a time and memory bound (the slow tests)."""
    proc = subprocess.run([sys.executable, "-c", "from tierkit.cli import main; main()", *args], capture_output=True,
                          text=True, timeout=300, preexec_fn=_limit_memory, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def moves(path: Path, lang: str = "en") -> pd.DataFrame:
    sheet = "Customer moves" if lang == "en" else "客户变动"
    return pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")


def applied(path: Path, sample: str, rules: str, as_of: str, out: Path) -> dict[str, str]:
    code, _, err = run_bounded("apply", str(path), "--rules", rules, "--as-of", as_of, "-o", str(out), "-q")
    if code == 2:
        pytest.skip(f"{rules} does not run on {sample}: {err.strip()}")
    assert code == 0, err
    frame = pd.read_excel(out, dtype=object, engine="openpyxl")
    id_col = next(c for c in frame.columns if str(c) in ("客户编号", "Member ID"))
    tier = frame["Tier ID"].where(frame["Tier ID"].notna(), "")
    return {id_key(k): str(t) for k, t in zip(frame[id_col], tier, strict=True) if id_key(k) is not None}


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["distributor", "retail_members"])
@pytest.mark.parametrize("rules", [n for n in builtin_names() if not n.startswith("stages")])
def test_same_tiers_as_two_apply_runs(tmp_path: Path, sample: str, rules: str) -> None:
    src = tmp_path / f"{sample}.xlsx"
    shutil.copy(SAMPLES / f"{sample}.xlsx", src)
    before = applied(src, sample, rules, D0, tmp_path / "b.xlsx")
    after = applied(src, sample, rules, D1, tmp_path / "a.xlsx")
    out = tmp_path / "m.xlsx"
    code, stdout, err = run_bounded("compare", str(src), "--rules", rules, "--from", D0, "--to", D1, "-o", str(out))
    assert code == 0, err
    table = moves(out)
    got_b = {id_key(k): "" if pd.isna(t) else str(t) for k, t in zip(table.iloc[:, 0], table["Tier ID before"],
                                                                      strict=True)}
    got_a = {id_key(k): "" if pd.isna(t) else str(t) for k, t in zip(table.iloc[:, 0], table["Tier ID after"],
                                                                      strict=True)}
    assert {k: v for k, v in got_b.items() if k in before} == before
    assert {k: v for k, v in got_a.items() if k in after} == after
    # the console's counts are the sheet's
    lines = stdout.splitlines()
    for code_, n in table["Move"].value_counts().items():
        dim, _, move = str(code_).rpartition(":")  # a collect rule set's move is "dimension:move"
        label = {"none": "no tier"}.get(move.strip(), move.strip())
        shown = next(x for x in lines if x.startswith(f"dimension {dim.strip()}:")) if dim else lines[2]
        assert f"{label} {n:,}" in shown


def test_stages_compares_each_dimension(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    code, stdout, err = run("compare", str(SAMPLES / "distributor.xlsx"), "--rules", "stages_midsale",
                            "--from", D0, "--to", D1, "-o", str(out))
    assert code == 0, err
    assert "dimension freq:" in stdout and "dimension share:" in stdout
    ws = openpyxl.load_workbook(out)["Tier movement"]
    titles = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Customers (")]
    assert len(titles) == 3


def test_value_at_risk_agrees_between_console_and_sheet(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    code, stdout, _ = run("compare", str(SAMPLES / "distributor.xlsx"), "--rules", "rfm", "--from", D0, "--to", D1,
                          "-o", str(out))
    assert code == 0
    table = moves(out)
    risky = {"at_risk", "cant_lose"}
    rank = {"champions": 1, "loyal": 2, "potential_loyalist": 3, "new_customers": 4, "promising": 5,
            "need_attention": 6, "about_to_sleep": 7, "at_risk": 8, "cant_lose": 8, "hibernating": 9, "lost": 10,
            "unscored": 11}
    before, after = table["Tier ID before"].fillna(""), table["Tier ID after"].fillna("")
    hit = [(b in rank and a in risky and rank[a] > rank[b]) or (b in rank and a == "") for b, a in
           zip(before, after, strict=True)]
    expected = float(table.loc[hit, "Value before"].astype(float).sum())
    ws = openpyxl.load_workbook(out)["Tier movement"]
    totals = [row for row in ws.iter_rows(values_only=True) if row[0] == "Total" and row[3] is not None
              and row[1] is None]
    assert totals and totals[-1][3] == pytest.approx(expected, abs=0.05)
    line = next(x for x in stdout.splitlines() if "value at risk" in x)
    assert f"{expected / 1e6:.2f}M" in line


def test_fixed_cuts_keeps_the_earlier_cut_points(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    code, stdout, _ = run("compare", str(SAMPLES / "distributor.xlsx"), "--rules", "rfm", "--from", D0, "--to", D1,
                          "-o", str(out), "--fixed-cuts")
    assert code == 0
    assert "(--fixed-cuts)" in stdout
    code, plain, _ = run("compare", str(SAMPLES / "distributor.xlsx"), "--rules", "rfm", "--from", D0, "--to", D1,
                         "-o", str(out), "--force")
    assert "score each customer against the others" in plain and "--fixed-cuts scores" in plain
    assert stdout.splitlines()[2] != plain.splitlines()[2]


def _snapshot(path: Path, ids: list[object], revenue: list[float]) -> Path:
    pd.DataFrame({"Customer ID": ids, "Revenue": revenue}).to_excel(path, index=False)
    return path


def test_ids_as_numbers_in_one_snapshot_and_text_in_the_other(tmp_path: Path) -> None:
    revenue = [900.0, 50.0, 30.0, 10.0, 5.0, 3.0]
    after_rev = [5.0, 900.0, 30.0, 10.0, 50.0, 3.0]
    clean_b = _snapshot(tmp_path / "cb.xlsx", ["101", "102", "103", "104", "105", "106"], revenue)
    clean_a = _snapshot(tmp_path / "ca.xlsx", ["101", "102", "103", "104", "105", "106"], after_rev)
    messy_b = _snapshot(tmp_path / "mb.xlsx", [101, 102, 103, 104, 105, 106], revenue)
    messy_a = _snapshot(tmp_path / "ma.xlsx", [" 101", "１０２", "103.0", "104 ", "105", "106"], after_rev)
    outs = []
    for b, a, name in ((clean_b, clean_a, "c"), (messy_b, messy_a, "m")):
        out = tmp_path / f"{name}.movement.xlsx"
        code, stdout, err = run("compare", str(b), str(a), "--rules", "abc", "-o", str(out))
        assert code == 0, err
        outs.append((moves(out), stdout.splitlines()[2:]))
    (clean, clean_lines), (messy, messy_lines) = outs
    assert len(clean) == len(messy) == 6
    assert clean["Move"].tolist() == messy["Move"].tolist()
    assert clean["Tier ID after"].tolist() == messy["Tier ID after"].tolist()
    assert clean_lines == messy_lines


def test_tiered_snapshots_keep_their_tier_ids(tmp_path: Path) -> None:
    src = _snapshot(tmp_path / "s.xlsx", ["a1", "a2", "a3"], [100.0, 10.0, 1.0])
    tiered = tmp_path / "s.tiered.xlsx"
    assert run("apply", str(src), "--rules", "abc", "-o", str(tiered), "-q")[0] == 0
    wb = openpyxl.load_workbook(tiered)
    ws = wb.worksheets[0]
    col = next(c.column for c in ws[1] if c.value == "Tier ID")
    ws.cell(row=2, column=col).value = "C"  # a hand-set tier is taken as given
    wb.save(tiered)
    out = tmp_path / "m.xlsx"
    code, stdout, err = run("compare", str(tiered), str(src), "--rules", "abc", "-o", str(out))
    assert code == 0, err
    assert "tiers taken as given from its 'Tier ID' column" in stdout
    assert moves(out)["Tier ID before"].tolist()[0] == "C"


def test_zh_names(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    code, _, _ = run("compare", str(SAMPLES / "distributor.xlsx"), "--rules", "abc", "--from", D0, "--to", D1,
                     "-o", str(out), "--lang", "zh")
    assert code == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["层级变动", "客户变动"]
    header = next(wb["客户变动"].iter_rows(max_row=1, values_only=True))
    assert header[1:4] == ("之前层级", "之后层级", "之前层级编号")


def test_rules_diff_moves_customers_on_a_cut_off_change(tmp_path: Path) -> None:
    out = tmp_path / "d.xlsx"
    code, stdout, err = run("rules", "diff", "abc", "--param", "a_cutoff=0.6", "--data",
                            str(SAMPLES / "distributor.xlsx"), "-o", str(out))
    assert code == 0, err
    table = moves(out)
    assert (table["Move"] == "down").sum() > 0 and (table["Move"] == "up").sum() == 0
    assert "abc as is → abc (a_cutoff=0.6)" in stdout


@pytest.mark.parametrize(("args", "expected"), [
    (["--from", "2024-13-45", "--to", D1], "--from '2024-13-45' is not a date"),
    (["--from", D1, "--to", D0], "is before --from"),
    (["--to", D1], "give --from DATE and --to DATE"),
    (["--from", D0, "--to", D1, "--id-column", "nope"], "no column 'nope'"),
])
def test_one_line_errors(tmp_path: Path, args: list[str], expected: str) -> None:
    code, _, err = run("compare", str(SAMPLES / "distributor.xlsx"), "--rules", "abc", "-o",
                       str(tmp_path / "x.xlsx"), *args)
    assert code == 2
    assert expected in err and len(err.strip().splitlines()) == 1


def test_unknown_rule_set_and_missing_id_column(tmp_path: Path) -> None:
    src = tmp_path / "s.xlsx"
    pd.DataFrame({"Revenue": [1.0, 2.0]}).to_excel(src, index=False)
    code, _, err = run("compare", str(src), str(src), "--rules", "no_such_rules", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = run("compare", str(src), str(src), "--rules", "abc", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "no customer id column" in err and len(err.strip().splitlines()) == 1


def test_never_over_an_input(tmp_path: Path) -> None:
    src = _snapshot(tmp_path / "s.xlsx", ["a"], [1.0])
    code, _, err = run("compare", str(src), str(src), "--rules", "abc", "-o", str(src), "--force")
    assert code == 2 and "overwrite the input" in err


def test_tiered_collect_snapshot_reads_each_dimension(tmp_path: Path) -> None:
    src = tmp_path / "d.xlsx"
    shutil.copy(SAMPLES / "distributor.xlsx", src)
    tiered = tmp_path / "d.tiered.xlsx"
    assert run("apply", str(src), "--rules", "stages_postsale", "-o", str(tiered), "-q")[0] == 0
    out = tmp_path / "m.xlsx"
    code, stdout, err = run("compare", str(tiered), str(tiered), "--rules", "stages_postsale", "-o", str(out))
    assert code == 0, err
    assert "dimension difficulty:" in stdout and "dimension credit:" in stdout
    table = moves(out)
    assert set(table["Move"]) == {"same"}
    assert table["Tier ID before"].tolist() == table["Tier ID after"].tolist()
