"""``--split`` lays every tier out once, in one document numbered per tier, and cuts it into files.

The files must read exactly as the tier-by-tier layouts did (the fallback, still used for a restyled
``--templates`` folder): same pages, same text, same "page N of M" footers, where M counts the tier's own pages.
It lays out some 70 pages, so it runs in a subprocess bounded in time.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import HERE

SCRIPT = textwrap.dedent(
    """
    import logging, subprocess, sys
    from pathlib import Path
    import tierkit
    from reporting.conftest import DATA, SAMPLES, page_count, pdf_text, read_sheets
    from tierkit.reporting import make_briefs
    from tierkit.reporting import pdf as pdf_mod
    from tierkit.reporting.assets import reports_dir

    tmp = Path(sys.argv[1])
    warnings = []
    logging.getLogger("weasyprint").addHandler(logging.Handler())
    logging.getLogger("weasyprint").handlers[-1].emit = lambda r: warnings.append(r) if r.levelno >= 30 else None
    sheets = read_sheets(SAMPLES / "distributor.xlsx")
    rs = tierkit.load_ruleset(DATA / "rfm_test.yaml")
    res = tierkit.classify(rs, sheets["Customers"],
                           source=tierkit.TableSource(file="distributor.xlsx", sheet="Customers", sheets=sheets))
    layouts = []
    render = pdf_mod.render_pdf
    pdf_mod.render_pdf = lambda html, **kw: (layouts.append(1), render(html, **kw))[1]
    # top=80: the longer tiers take two or three pages (one line per account), so the per-tier numbering is put
    # to the test
    once = make_briefs(res, tmp / "a.pdf", lang=sys.argv[2], split_dir=tmp / "once", top=80)
    assert len(layouts) == 2, layouts   # the pack, and all the tiers at once
    # the same bundled templates given as a folder take the tier-by-tier path
    each = make_briefs(res, tmp / "b.pdf", lang=sys.argv[2], split_dir=tmp / "each", top=80,
                       templates_dir=reports_dir())
    assert len(layouts) == 3 + len(each) - 1
    assert not warnings, warnings
    assert [p.name for p in once][1:] == [p.name for p in each][1:]
    counts = [page_count(p) for p in once[1:]]
    assert max(counts) > 1 and sum(counts) == page_count(once[0]) - 1   # the pack is a cover + these pages
    assert page_count(once[0]) == page_count(each[0])
    for a, b in zip(once[1:], each[1:], strict=True):   # (the packs differ in the time on their covers)
        assert page_count(a) == page_count(b)
        assert pdf_text(a, layout=True) == pdf_text(b, layout=True), a.name
    print("ok")
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_split_from_one_layout_reads_as_the_tier_by_tier_layouts(tmp_path: Path, lang: str) -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), lang], capture_output=True, text=True,
                         timeout=600, check=False, cwd=HERE.parent)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]
