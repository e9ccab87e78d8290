"""``tierkit apply --previous OLD.tiered.xlsx``: Previous tier and Tier since."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from tierkit.cli import main


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.stderr


def table(path: Path, ids: list[object], revenue: list[float]) -> Path:
    pd.DataFrame({"Customer ID": ids, "Revenue": revenue}).to_excel(path, index=False)
    return path


def read(path: Path) -> pd.DataFrame:
    return pd.read_excel(path, engine="openpyxl", dtype=object)


def test_previous_tier_and_tier_since(tmp_path: Path) -> None:
    q1 = table(tmp_path / "q1.xlsx", ["a", "b", "c", "d"], [1000.0, 100.0, 10.0, 1.0])
    q2 = table(tmp_path / "q2.xlsx", [" a", "b", "c", "e"], [1000.0, 1.0, 10.0, 500.0])
    assert run("apply", str(q1), "-r", "abc", "-o", str(tmp_path / "t1.xlsx"), "-q")[0] == 0
    code, err = run("apply", str(q2), "-r", "abc", "--as-of", "2024-09-30", "--previous", str(tmp_path / "t1.xlsx"),
                    "-o", str(tmp_path / "t2.xlsx"), "-q")
    assert code == 0, err
    t1, t2 = read(tmp_path / "t1.xlsx"), read(tmp_path / "t2.xlsx")
    old = dict(zip(t1["Customer ID"].str.strip(), t1["Tier"], strict=True))
    assert t2["Previous tier"].tolist()[:3] == [old["a"], old["b"], old["c"]]
    assert pd.isna(t2["Previous tier"].tolist()[3])  # e is new
    # a patched workbook holds the date as ISO text (the patcher writes no date cells), a new one as a date
    since = [str(v)[:10] if not pd.isna(v) else None for v in t2["Tier since"].tolist()]
    changed = [p != t for p, t in zip(t2["Previous tier"], t2["Tier"], strict=True)]
    for c, s in zip(changed, since, strict=True):
        assert (s == "2024-09-30") if c else s is None
    # a third run carries the date of the last change forward where the tier held
    code, err = run("apply", str(q2), "-r", "abc", "--as-of", "2024-12-31", "--previous", str(tmp_path / "t2.xlsx"),
                    "-o", str(tmp_path / "t3.xlsx"), "-q")
    assert code == 0, err
    t3 = read(tmp_path / "t3.xlsx")
    assert [str(v)[:10] if not pd.isna(v) else None for v in t3["Tier since"]] == \
           [str(v)[:10] if not pd.isna(v) else None for v in t2["Tier since"]]


def test_previous_without_tier_ids_is_one_line(tmp_path: Path) -> None:
    q1 = table(tmp_path / "q1.xlsx", ["a"], [1.0])
    code, err = run("apply", str(q1), "-r", "abc", "--previous", str(q1), "-o", str(tmp_path / "t.xlsx"))
    assert code == 2 and "no tier id column" in err and len(err.strip().splitlines()) == 1
