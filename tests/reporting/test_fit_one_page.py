"""A tier's brief fits one page with ``--top 25``: its 25th account and its strategies are on the page its
header is on, for every built-in rule set on its sample (read back from the PDF with poppler's pdftotext, which
keeps the strategies and actions columns apart).

Each rule set is laid out in a subprocess with a time limit (this file run as a script), so a slow layout
cannot hang the suite.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_workbooks"
#: the sample each built-in rule set runs on (tests/rules/test_every_ruleset_on_samples.py: its first run)
RETAIL = {"behaviour", "demographic"}
TOP = 25


def rule_sets() -> list[str]:
    return sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))


def squeeze(text: str) -> str:
    """Text without whitespace or hyphens (lines wrap anywhere; pdftotext joins "re-" + "run" as "rerun")."""
    return re.sub(r"[\s\-‐]+", "", text)


def check(name: str, out: Path, lang: str = "en") -> dict[str, object]:
    """Lay out ``name``'s briefs (no cover) at --top 25 into ``out``; return what each page must show."""
    from dataclasses import replace

    import pandas as pd

    import tierkit
    from tierkit.reporting import build_pack, render_html, write_pdf

    sample = "retail_members" if name in RETAIL else "distributor"
    sheets = pd.read_excel(SAMPLES / f"{sample}.xlsx", sheet_name=None, engine="calamine")
    main = "Members" if sample == "retail_members" else "Customers"
    result = tierkit.classify(tierkit.load_ruleset(name), sheets[main], as_of=dt.date(2024, 12, 31),
                              source=tierkit.TableSource(sheets=sheets))
    pack = replace(build_pack(result, lang=lang, top=TOP), show_cover=False)
    write_pdf(render_html(pack), out)
    return {"tiers": [{"label": t.label, "last": t.accounts[-1].cells[0] if t.accounts else None,
                       "n": len(t.accounts), "strategies": list(t.strategies)} for t in pack.tiers]}


@pytest.mark.slow
@pytest.mark.parametrize("name", rule_sets())
def test_25_accounts_and_the_strategies_fit_the_tier_page(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.pdf"
    proc = subprocess.run([sys.executable, __file__, name, str(out)], capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    expected = json.loads(proc.stdout.strip().splitlines()[-1])
    tiers = expected["tiers"]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], check=True, capture_output=True, text=True,
                          timeout=120).stdout
    pages = [squeeze(page) for page in text.split("\f") if page.strip()]
    assert len(pages) == len(tiers), f"{len(pages)} pages for {len(tiers)} tiers: a brief ran over its page"
    assert any(t["n"] == TOP for t in tiers), "no tier has 25 accounts: the test proves nothing"
    for page, tier in zip(pages, tiers, strict=True):
        assert squeeze(tier["label"]) in page
        if tier["last"] is not None:
            assert squeeze(tier["last"]) in page, (tier["label"], tier["last"])
        for strategy in tier["strategies"]:
            assert squeeze(strategy) in page, (tier["label"], strategy)


if __name__ == "__main__":
    print(json.dumps(check(sys.argv[1], Path(sys.argv[2]), *(sys.argv[3:4] or ["en"])), ensure_ascii=False))
