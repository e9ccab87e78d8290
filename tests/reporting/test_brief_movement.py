"""``tierkit brief --compare-from DATE`` / ``--before FILE``: a movement page whose matrix, value at risk and
top movers are the figures ``tierkit compare`` writes and prints for the same inputs (issue 16, item 6)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from tierkit.cli import main
from tierkit.movement.texts import money
from tierkit.values import id_key

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
D0, D1 = "2024-06-30", "2024-12-31"
FLOWS = "WHERE EACH TIER'S CUSTOMERS WENT"  # an h3: upper-case in the English layout


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.stdout, res.stderr


def page_texts(path: Path) -> list[str]:
    """Each page's text (pdftotext -layout), split on form feeds."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    return out.split("\f")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def distributor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("mv")
    shutil.copy(SAMPLES / "distributor.xlsx", d / "distributor.xlsx")
    return d / "distributor.xlsx"


@pytest.fixture(scope="module")
def both(distributor: Path) -> tuple[Path, str, Path, str]:
    """The brief with a movement page and ``compare`` on the same workbook and dates."""
    pdf = distributor.with_name("b.pdf")
    code, b_out, err = run("brief", str(distributor), "-r", "rfm", "--compare-from", D0, "--as-of", D1,
                           "-o", str(pdf), "--top", "8")
    assert code == 0, err
    book = distributor.with_name("m.xlsx")
    code, c_out, err = run("compare", str(distributor), "-r", "rfm", "--from", D0, "--to", D1, "-o", str(book))
    assert code == 0, err
    return pdf, b_out, book, c_out


def movement_page(pdf: Path) -> str:
    """The movement page's text (and any page it ran onto), found between the cover and the first tier."""
    pages = page_texts(pdf)
    found = [i for i, p in enumerate(pages) if FLOWS in p.upper()]
    assert len(found) == 1, "one movement page"
    first_tier = next(i for i, p in enumerate(pages) if "WHO IS IN THIS TIER" in p.upper())
    assert 0 < found[0] < first_tier, "after the cover, before the tiers"
    return "\n".join(pages[found[0]:first_tier])


def test_console_is_compares(both: tuple[Path, str, Path, str]) -> None:
    _, b_out, _, c_out = both
    assert b_out.splitlines()[1:] == c_out.splitlines()[1:]  # after the "wrote ..." line


def test_matrix_is_the_workbooks(both: tuple[Path, str, Path, str]) -> None:
    pdf, _, book, _ = both
    page = movement_page(pdf)
    rows = [list(r) for r in openpyxl.load_workbook(book)["Tier movement"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "From \\ To")
    header = rows[head]
    n_cols = header.index("Total")
    matrix = [r[:n_cols + 1] for r in rows[head + 1:] if r and r[0] is not None][:]
    matrix = matrix[:next(i for i, r in enumerate(matrix) if r[0] == "Total") + 1]
    totals = matrix[-1]
    keep = [j for j in range(1, n_cols) if totals[j] or header[j] == "Gone"] + [n_cols]
    lines = [squash(x).strip() for x in page.splitlines()]
    for r in matrix:
        if r[0] != "Total" and not r[n_cols]:
            continue  # a tier with no customer before is left out of the page
        numbers = " ".join(f"{int(r[j]):,}" for j in keep)
        assert any(line.endswith(numbers) and line.startswith(str(r[0])[:6]) for line in lines), (r[0], numbers)


def test_value_at_risk_and_movers(both: tuple[Path, str, Path, str]) -> None:
    pdf, _, book, c_out = both
    page = squash(movement_page(pdf))
    # the console prints values compact (9.38M); the page in the measure's format (9,381,234): the same values
    risk = next(line.strip() for line in c_out.splitlines() if "value at risk" in line)
    paths = [line.strip() for line in c_out.splitlines() if line.startswith("    ") and "→" in line]
    assert paths
    for line in [risk, *paths]:
        words, _, value = line.rpartition(" ")
        found = re.search(re.escape(words) + r" ([\d,]+(?:\.\d+)?)", page)
        assert found, line
        assert money(float(found.group(1).replace(",", ""))) == value, (line, found.group(1))
    moves = pd.read_excel(book, sheet_name="Customer moves", dtype=object, engine="openpyxl")
    down = moves[moves["Move"].isin(["down", "gone"])].copy()
    down["v"] = pd.to_numeric(down["Value before"])
    down = down.sort_values("v", ascending=False, kind="stable").head(8)
    assert len(down) == 8
    known = {str(id_key(k)) for k in moves.iloc[:, 0]}
    section = movement_page(pdf).upper().split("TOP 8 MOVERS DOWN")[1]
    ids = [t for t in section.split() if t in known]
    assert ids == [str(id_key(k)) for k in down.iloc[:, 0]]


def test_before_file_uses_the_tiered_snapshots_tiers(distributor: Path, tmp_path: Path) -> None:
    old = tmp_path / "q2.xlsx"
    code, _, err = run("apply", str(distributor), "-r", "abc", "--as-of", D0, "-o", str(old), "-q")
    assert code == 0, err
    pdf = tmp_path / "b.pdf"
    code, out, err = run("brief", str(distributor), "-r", "abc", "--before", str(old), "--as-of", D1, "-o", str(pdf))
    assert code == 0, err
    assert "tiers taken as given from its 'Tier ID' column" in out
    book = tmp_path / "m.xlsx"
    code, c_out, err = run("compare", str(old), str(distributor), "-r", "abc", "--as-of", D1, "-o", str(book))
    assert code == 0, err
    page = squash(movement_page(pdf))
    counts = next(line for line in c_out.splitlines() if line.startswith("up "))
    assert counts in page


def test_zh_page(distributor: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "zh.pdf"
    code, out, err = run("brief", str(distributor), "-r", "rfm", "--compare-from", D0, "--as-of", D1, "--lang", "zh",
                         "-o", str(pdf))
    assert code == 0, err
    page = next(p for p in page_texts(pdf) if "各层级客户的去向" in p)
    for word in ("层级变动", "各层级客户的去向", "风险价值", "新层级的策略"):
        assert word in page
    assert not re.search(r"\b(Tier movement|Before|After|Total|movers)\b", page)
    assert "R分" in out and "r_score" not in out  # the notes name fields by their labels


def test_split_files_have_no_movement_page(distributor: Path, tmp_path: Path) -> None:
    pdf, split = tmp_path / "b.pdf", tmp_path / "split"
    code, _, err = run("brief", str(distributor), "-r", "abc", "--compare-from", D0, "--as-of", D1, "-o", str(pdf),
                       "--split", str(split))
    assert code == 0, err
    assert movement_page(pdf)
    for one in split.glob("*.pdf"):
        assert not any(FLOWS in p.upper() for p in page_texts(one))


@pytest.mark.parametrize(("args", "expected"), [
    (["--compare-from", D0, "--before", "x.xlsx"], "give one of --compare-from and --before"),
    (["--compare-from", D1, "--as-of", D0], "--compare-from 2024-12-31 is after the brief's date 2024-06-30"),
    (["--compare-from", "2024-13-45"], "--compare-from"),
    (["--before", "missing.xlsx"], "missing.xlsx"),
])
def test_one_line_errors(distributor: Path, tmp_path: Path, args: list[str], expected: str) -> None:
    pdf = tmp_path / "b.pdf"
    code, _, err = run("brief", str(distributor), "-r", "rfm", "-o", str(pdf), *args)
    assert code == 2
    assert expected in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not pdf.exists()
