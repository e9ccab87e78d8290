"""Every number in a brief is formatted for people: every built-in rule set's brief on its sample, in en and zh,
read back with pdftotext and scanned by :mod:`numscan` (no raw floats, no ungrouped large numbers, no shares as
0.xx, no grouped ids).

The samples' ids are text (``KH0593``); here they are made 6-digit numbers (``650593``), so a brief that groups
an id (``650,593``) fails.  What the rule file's author wrote (the
descriptions, strategies and actions: "--param high_pct=0.9") is left out of the pages scanned.

Each rule set is laid out in a subprocess with a time limit (this file run as a script), so a slow layout
cannot hang the suite.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from . import numscan
except ImportError:   # run as a script
    import numscan  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_workbooks"
#: the rule sets that run on the supermarket members (tests/rules/test_every_ruleset_on_samples.py)
RETAIL = {"behaviour", "demographic"}
AS_OF = dt.date(2024, 12, 31)
TOP = 12


def rule_sets() -> list[str]:
    return sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))


def numeric_ids(sheets: dict, key: str) -> dict:
    """The sample's sheets with its text ids (``KH0593``, ``M00027``) made numbers (``650593``) in every sheet."""
    out = {}
    for name, frame in sheets.items():
        frame = frame.copy()
        if key in frame.columns:
            frame[key] = frame[key].map(lambda v: 650_000 + int(str(v)[-4:]) if isinstance(v, str) else v)
        out[name] = frame
    return out


def write(name: str, lang: str, out: Path) -> dict[str, object]:
    """Lay out ``name``'s whole pack in ``lang`` into ``out``; return the scan's limits and the ids."""
    from dataclasses import replace

    import pandas as pd

    import tierkit
    from tierkit.reporting import build_pack, render_html, write_pdf

    sample = "retail_members" if name in RETAIL else "distributor"
    main, key = ("Members", "Member ID") if sample == "retail_members" else ("Customers", "客户编号")
    sheets = numeric_ids(pd.read_excel(SAMPLES / f"{sample}.xlsx", sheet_name=None, engine="calamine"), key)
    rs = tierkit.load_ruleset(name)
    result = tierkit.classify(rs, sheets[main], as_of=AS_OF, source=tierkit.TableSource(sheets=sheets))
    pack = build_pack(result, lang=lang, top=TOP, as_of=AS_OF, generated_at=dt.datetime(2025, 1, 2, 9, 30))
    pack = replace(pack, cover=replace(pack.cover, description=""),
                   tiers=tuple(replace(t, description="", strategies=(), actions=()) for t in pack.tiers))
    write_pdf(render_html(pack), out)
    decimals, plain = numscan.ruleset_limits(rs)
    return {"decimals": decimals, "plain": plain, "ids": [int(i) for i in sheets[main][key]]}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=120).stdout


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", rule_sets())
def test_every_number_in_a_brief_is_formatted(name: str, lang: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}-{lang}.pdf"
    proc = subprocess.run([sys.executable, __file__, name, lang, str(out)], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    limits = json.loads(proc.stdout.strip().splitlines()[-1])
    text = pdf_text(out)
    assert any(str(i) in text for i in limits["ids"]), "no id in the brief: the id check proves nothing"
    problems = numscan.scan(text, decimals=limits["decimals"], plain_fractions=limits["plain"], ids=limits["ids"])
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize(("text", "bad"), [
    ("Share of value 0.5539", "decimals"),
    ("Revenue 250661610", "not grouped"),
    ("share ranked above 0.55 < 0.8", "share as a decimal"),
    ("1  10,377  Shanghai", "grouped id"),
    ("Median 274176.3333", "decimals"),
])
def test_the_scan_finds_each_kind_of_unformatted_number(text: str, bad: str) -> None:
    problems = numscan.scan(text, ids=[10377])
    assert any(bad in p for p in problems), problems


def test_the_scan_passes_numbers_formatted_for_people() -> None:
    text = ("Customers 2,000 · Share 15.4% · 营收 160,903,480.12 · 10377 上海 · 2024-12-31 14:42:03 · "
            "rfm · rules 6efe0c2ff0 · data f356325b99 · KH0593 · F+M score 10 ≥ 9 · 55.4%\n第 3 页，共 12 页")
    assert numscan.scan(text, ids=[10377]) == []


if __name__ == "__main__":
    print(json.dumps(write(sys.argv[1], sys.argv[2], Path(sys.argv[3]))))
