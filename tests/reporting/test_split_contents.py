"""``--split``: each tier's file has its own page numbers, its own contents list and its own outline.

The contents list is in the tier's header: each section linked, with the page it is on in that file (the page
counter starts again at each tier, though every tier is laid out in one document).  At ``--top 80`` the longer
tiers take two or three pages, so a section past the first page proves the numbering.  The layout runs in a
subprocess bounded in time.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import HERE

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import tierkit
    from reporting.conftest import DATA, SAMPLES, read_sheets
    from tierkit.reporting import make_briefs

    tmp = Path(sys.argv[1])
    sheets = read_sheets(SAMPLES / "distributor.xlsx")
    rs = tierkit.load_ruleset(DATA / "rfm_test.yaml")
    res = tierkit.classify(rs, sheets["Customers"],
                           source=tierkit.TableSource(file="distributor.xlsx", sheet="Customers", sheets=sheets))
    files = make_briefs(res, tmp / "a.pdf", lang=sys.argv[2], split_dir=tmp / "split", top=80)
    print(json.dumps([str(p) for p in files[1:]]))
    """
)


def pages_text(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=120).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_split_file_has_its_own_contents_pages_and_outline(tmp_path: Path, lang: str) -> None:
    import pypdf

    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), lang], capture_output=True, text=True,
                         timeout=600, check=False, cwd=HERE.parent)
    assert run.returncode == 0, run.stderr[-3000:]
    files = [Path(p) for p in json.loads(run.stdout.strip().splitlines()[-1])]
    past_first = 0
    for path in files:
        reader = pypdf.PdfReader(path)
        n = len(reader.pages)
        outline = reader.outline
        assert len(outline) == 2 and not isinstance(outline[0], list), path.name   # the tier, then its sections
        sections = [item.title for item in outline[1]]
        assert len(sections) >= 4, (path.name, sections)
        # every link of the contents list goes to a section of this file, on the page its number says
        dests = reader.named_destinations
        links = [a.get_object() for a in reader.pages[0].get("/Annots") or []]
        targets = {str(a["/Dest"]) for a in links if "/Dest" in a}
        assert len(targets) == len(sections), (path.name, targets)
        texts = pages_text(path)
        assert len(texts) == n
        head = texts[0].split(sections[0])[0]   # the header: the contents list comes before the first section
        for title, item in zip(sections, outline[1], strict=True):
            page = reader.get_destination_page_number(item) + 1
            assert f"{title} {page}" in texts[0] or f"{title}{page}" in texts[0].replace(" ", ""), (path.name, title)
            assert title.upper() in texts[page - 1].upper()   # (headings are printed in capitals)
            past_first += page > 1
        assert all(str(t) in dests or t.lstrip("/") in dests for t in targets), (path.name, targets)
        for i, page_text in enumerate(texts, 1):   # "Page i of n": the file's own numbers
            assert re.search(rf"\b{i}\b.*\b{n}\b", page_text[-120:]), (path.name, i, page_text[-120:])
        assert head
    assert past_first, "no section past a file's first page: the numbering is not put to the test"
