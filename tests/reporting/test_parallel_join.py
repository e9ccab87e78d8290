"""The pack laid out in two processes and joined (reporting/parallel.py) reads as the pack laid out in one.

Same pages, same text (pdftotext, with the layout), same "page N of M" footers, the same bookmarks on the same
pages, the contents' links going to each tier's first page, the same page labels and metadata; and when the
guess of one page a tier is wrong (top=60: tiers run over pages) the parts are laid out again with the pages
their first layout found.  It lays out some 80 pages, so it runs in a subprocess bounded in time.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tierkit
from tierkit.reporting import build_pack, parallel, render_html

from .conftest import HERE

SCRIPT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from pypdf import PdfReader
    import tierkit
    from reporting.conftest import SAMPLES, pdf_text, read_sheets
    from tierkit.reporting import build_pack, parallel
    from tierkit.reporting import pdf as pdf_mod

    tmp, lang, top = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    sheets = read_sheets(SAMPLES / "distributor.xlsx")
    res = tierkit.classify(tierkit.load_ruleset("rfm"), sheets["Customers"],
                           source=tierkit.TableSource(file="distributor.xlsx", sheet="Customers", sheets=sheets))
    pack = build_pack(res, lang=lang, top=top)
    rounds = []
    lay_out = parallel._lay_out
    parallel._lay_out = lambda part, opts, engine: (rounds.append(len(part.tiers)), lay_out(part, opts, engine))[1]
    assert parallel.possible(pack, None, {})
    two = pdf_mod.write_pack(pack, tmp / "two.pdf", templates_dir=None, force=True, inputs=(), count=True)
    assert rounds == ([5] if top == 10 else [5, 5]), rounds   # a wrong guess: laid out again, once
    os.environ["TIERKIT_NO_WORKER"] = "1"
    assert not parallel.possible(pack, None, {})
    one = pdf_mod.write_pack(pack, tmp / "one.pdf", templates_dir=None, force=True, inputs=(), count=True)
    assert one == two, (one, two)
    assert (max(one) > 1) == (top > 10)

    def facts(path):
        r = PdfReader(path)
        dests = r.named_destinations
        at = lambda d: r.get_destination_page_number(d)
        links = set()
        for i, page in enumerate(r.pages):
            for annot in page.get("/Annots", None) or []:
                name = str(annot.get_object()["/Dest"])
                links.add((i, name, at(dests[name])))
        meta = {k: v for k, v in (r.metadata or {}).items() if k not in ("/CreationDate", "/ModDate")}
        return {"pages": len(r.pages), "labels": r.page_labels, "meta": meta, "links": links,
                "outline": [(o.title, at(o), round(float(o.top))) for o in r.outline],
                "dests": {k: (at(v), round(float(v.top))) for k, v in dests.items()}}

    a, b = facts(tmp / "one.pdf"), facts(tmp / "two.pdf")
    for key in a:
        assert a[key] == b[key] or key == "links", (key, a[key], b[key])
    # every link of the contents still goes to its tier's first page (a link per row's name and page number;
    # the single layout gives the page number two boxes, so compare the targets, not the count)
    assert {x[1:] for x in a["links"]} == {x[1:] for x in b["links"]}
    starts = {f"tier-{t.id}": 1 + sum(one[:i]) for i, t in enumerate(pack.tiers)}
    assert {name: page for _, name, page in b["links"]} == starts
    assert [o[1] for o in b["outline"]] == [0, *starts.values()]
    text_one, text_two = pdf_text(tmp / "one.pdf", layout=True), pdf_text(tmp / "two.pdf", layout=True)
    assert text_one == text_two
    print("ok")
    """
)


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "top"), [("en", 10), ("zh", 10), ("en", 60)])
def test_pack_in_two_parts_reads_as_one_layout(tmp_path: Path, lang: str, top: int) -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), lang, str(top)], capture_output=True,
                         text=True, timeout=600, check=False, cwd=HERE.parent)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]


@pytest.mark.parametrize("counts", [[1, 1, 1, 1], [2, 1, 3, 1], [1, 4, 1, 2]])
@pytest.mark.parametrize("head", [1, 2])
def test_parts_number_their_pages_as_the_whole_pack(tiny_result: tierkit.Classification, head: int,
                                                    counts: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIERKIT_NO_WORKER", raising=False)
    pack = build_pack(tiny_result, lang="en", top=5, charts=False)
    assert len(pack.tiers) == len(counts)
    one, two = parallel.parts(pack, head, counts)
    assert [t.id for t in (*one.tiers, *two.tiers)] == [t.id for t in pack.tiers] and one.tiers and two.tiers
    assert one.show_cover and not two.show_cover and two.movement is None
    assert one.page_total == two.page_total == head + sum(counts)
    assert two.first_page == head + sum(counts[:len(one.tiers)]) + 1 and one.first_page == 1
    starts = dict(one.elsewhere)
    assert one.elsewhere == two.elsewhere and list(starts) == [t.id for t in pack.tiers]
    assert all(starts[t.id] == head + sum(counts[:i]) + 1 for i, t in enumerate(pack.tiers))
    html = render_html(one)
    for tier in two.tiers:   # the other part's tiers: the page as text, a stand-in anchor keeping the link
        assert f'<a class="page-at" href="#tier-{tier.id}">{starts[tier.id]}</a><span id="tier-{tier.id}">' in html
    for tier in one.tiers:   # this part's own: the page as text, the anchor is the tier's own section
        assert f'<a class="page-at" href="#tier-{tier.id}">{starts[tier.id]}</a></td>' in html
        assert html.count(f'id="tier-{tier.id}"') == 1
    assert parallel.possible(pack, None, {}) and not parallel.possible(one, None, {})
    assert not parallel.possible(pack, None, {"pdf_variant": "pdf/a-3b"})
    assert not parallel.possible(pack, "restyled", {})
