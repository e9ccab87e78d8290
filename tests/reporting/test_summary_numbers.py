"""Every number of the Tier summary sheet and of the reasons is formatted for people.

``tierkit apply`` with several built-in rule sets at once (money, percent and integer fields): every numeric cell
of the Tier summary but a small whole number carries a number format (openpyxl), and the sheet and the data
sheet's reason columns, as LibreOffice shows them (headless, to CSV with the cells as shown), pass the scan of
:mod:`numscan` (no raw floats, no ungrouped large numbers, no shares as 0.xx).  It runs in a subprocess bounded
in time.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from . import numscan
except ImportError:   # run as a script
    import numscan  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[2]
RULE_SETS = ["rfm", "abc", "profit", "lifecycle"]


def write(out: Path) -> dict[str, object]:
    """Apply :data:`RULE_SETS` to the distributor sample into ``out``; the numeric summary cells left General."""
    import openpyxl

    import tierkit
    from tierkit.app import apply_rulesets, open_table, table_source

    table = open_table(ROOT / "sample_workbooks" / "distributor.xlsx")
    apply_rulesets(table, RULE_SETS, out, source=table_source(table))
    ws = openpyxl.load_workbook(out)["Tier summary"]
    # General shows a whole number below 1,000 as it should (a cross-tab count); anything else needs a format
    general = [f"{c.coordinate}={c.value!r}" for row in ws.iter_rows() for c in row
               if isinstance(c.value, int | float) and not isinstance(c.value, bool) and c.number_format == "General"
               and (c.value != int(c.value) or abs(c.value) >= 1000)]
    limits = [numscan.ruleset_limits(tierkit.load_ruleset(name)) for name in RULE_SETS]
    return {"general": general, "decimals": max(d for d, _ in limits), "plain": any(p for _, p in limits)}


@pytest.mark.slow
@pytest.mark.libreoffice
def test_summary_sheet_and_reasons_show_numbers_formatted(tmp_path: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.fail("LibreOffice (soffice) is not installed: scripts/test.sh installs it (apt-get)")
    out = tmp_path / "out.xlsx"
    proc = subprocess.run([sys.executable, __file__, str(out)], capture_output=True, text=True, timeout=900,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not found["general"], f"numbers without a number format: {found['general'][:10]}"
    # token 9 true: cell contents as shown; the 12th token -1: every sheet to its own file
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", filt, "--outdir", str(tmp_path / "csv"), str(out)],
                   capture_output=True, timeout=300, check=True, env={**os.environ, "HOME": str(tmp_path)})
    summary = next((tmp_path / "csv").glob("*Tier summary*.csv")).read_text(encoding="utf-8")
    problems = numscan.scan(summary, decimals=found["decimals"], plain_fractions=found["plain"])
    assert not problems, "\n".join(problems[:20])
    data = next(p for p in (tmp_path / "csv").glob("*.csv") if "Customers" in p.name)
    with data.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    reasons = [j for j, h in enumerate(rows[0]) if "reason" in h.lower()]
    assert len(reasons) >= len(RULE_SETS), rows[0]
    text = "\n".join(row[j] for row in rows[1:] for j in reasons if j < len(row))
    assert any(c.isdigit() for c in text), "no number in the reasons: the scan proves nothing"
    problems = numscan.scan(text, decimals=found["decimals"], plain_fractions=found["plain"])
    assert not problems, "\n".join(problems[:20])


if __name__ == "__main__":
    print(json.dumps(write(Path(sys.argv[1]))))
