"""``tierkit brief --archive`` (PDF/A-3b with the rules and data attached) and ``--verify`` (re-run, confirm)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

import tierkit
from tierkit.reporting import make_briefs
from tierkit.reporting import verify as verify_mod
from tierkit.reporting.archive import DATA_NAME, RULES_NAME, TIER_HEADER, archive_files, pdf_options, ruleset_yaml
from tierkit.reporting.cli import brief
from tierkit.reporting.verify import read_attachments, verify_files, verify_pdf

from .conftest import AS_OF, DATA, customers

RULES = str(DATA / "tiny.yaml")
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(brief, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny pack written by the CLI with --archive --pdf-tags."""
    folder = tmp_path_factory.mktemp("archived")
    src = folder / "customers.csv"
    customers().to_csv(src, index=False, encoding="utf-8")
    out = folder / "pack.pdf"
    result = CliRunner().invoke(brief, [str(src), "-r", RULES, "-o", str(out), "--archive", "--pdf-tags",
                                        "--as-of", AS_OF.isoformat(), "--top", "3"])
    assert result.exit_code == 0, result.stderr
    return out


def test_archived_pack_is_pdf_a_3b_with_its_two_attachments(archived: Path) -> None:
    reader = PdfReader(archived)
    assert sorted(reader.attachments) == sorted([RULES_NAME, DATA_NAME])
    root = reader.trailer["/Root"]
    intents = [i.get_object() for i in root["/OutputIntents"]]
    assert any(i["/S"] == "/GTS_PDFA1" for i in intents)
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="B"', xmp)
    assert "/StructTreeRoot" in root  # --pdf-tags
    assert len(root["/AF"]) >= 2
    relationships = {str(f.name): f.associated_file_relationship for f in reader.attachment_list}
    assert relationships == {RULES_NAME: "/Source", DATA_NAME: "/Data"}


def test_pack_metadata_and_one_bookmark_per_tier(archived: Path, tiny_rules: tierkit.RuleSet) -> None:
    reader = PdfReader(archived)
    meta = reader.metadata
    assert meta is not None and meta.title == "Key account tiers · Tier briefs" and meta.author == "tierkit"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Key account tiers", *(s.label.get("en") for s in tiny_rules.segments)]
    # every tier's bookmark points at the page its brief starts on (cover = page 0)
    pages = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]
    assert pages == list(range(len(titles)))


def test_cover_contents_link_to_each_tier_with_its_page(archived: Path, tiny_rules: tierkit.RuleSet) -> None:
    reader = PdfReader(archived)
    cover = reader.pages[0]
    links = [a.get_object() for a in cover.get("/Annots", []) if a.get_object()["/Subtype"] == "/Link"]
    # the label and the page number of each tier link to it
    targets = [str(link["/Dest"]) for link in links]
    assert set(targets) == {f"tier-{s.id}" for s in tiny_rules.segments}
    assert all(targets.count(t) >= 2 for t in targets)
    text = cover.extract_text()
    for n in range(2, 2 + len(tiny_rules.segments)):
        assert re.search(rf"\b{n}\b", text)


def test_the_attachments_are_the_rules_as_they_ran_and_the_rows(archived: Path) -> None:
    files = read_attachments(archived)
    rules = files[RULES_NAME].decode("utf-8")
    assert rules.startswith("# tierkit-archive as_of=2024-12-31")
    assert yaml.safe_load(rules)["name"] == "tiny"
    frame = pd.read_csv(io.BytesIO(files[DATA_NAME]), dtype=str, keep_default_na=False)
    assert list(frame.columns[:2]) == ["tierkit:id", TIER_HEADER]
    assert frame["tierkit:id"].tolist() == customers()["Customer ID"].tolist()
    assert {"revenue", "region"} <= set(frame.columns)


def test_verify_confirms_an_archived_pack(archived: Path) -> None:
    verdict = verify_pdf(archived)
    assert verdict.ok and verdict.customers == 12
    code, stdout, stderr = run("--verify", str(archived))
    assert code == 0, stderr
    assert "confirmed: 12 customers" in stdout


def _tampered(archived: Path, tmp_path: Path, rows: int) -> Path:
    """The archived pack with the tier of the first ``rows`` rows changed in its CSV."""
    files = read_attachments(archived)
    frame = pd.read_csv(io.BytesIO(files[DATA_NAME]), dtype=str, keep_default_na=False)
    frame.loc[: rows - 1, TIER_HEADER] = "vip"
    writer = PdfWriter(clone_from=archived)
    for entry in list(writer.attachment_list):
        entry.delete()
    writer.add_attachment(RULES_NAME, files[RULES_NAME])
    writer.add_attachment(DATA_NAME, frame.to_csv(index=False).encode("utf-8"))
    out = tmp_path / "tampered.pdf"
    writer.write(out)
    return out


def test_verify_lists_each_difference_and_exits_2(archived: Path, tmp_path: Path) -> None:
    code, _, stderr = run("--verify", str(_tampered(archived, tmp_path, 3)))
    assert code == 2
    lines = stderr.strip().splitlines()
    assert "3 of 12 customers get another tier" in lines[0]
    assert len(lines) == 4
    assert "row 1 ('C01'): pack says 'vip', rules give 'key'" in lines[1]


def test_verify_caps_the_list(archived: Path, tmp_path: Path) -> None:
    verdict = verify_pdf(_tampered(archived, tmp_path, 12))
    assert len(verdict.differences) == 12 and not verdict.tiers  # no customer of the tiny data is a VIP
    lines = verdict.lines(limit=4)
    assert len(lines) == 5 and lines[-1] == "... and 8 more differences"


def _pdf_with(tmp_path: Path, attachments: dict[str, bytes]) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    for name, data in attachments.items():
        writer.add_attachment(name, data)
    out = tmp_path / "hostile.pdf"
    writer.write(out)
    return out


def test_a_pdf_without_attachments_is_refused_in_one_line(tmp_path: Path) -> None:
    code, _, stderr = run("--verify", str(_pdf_with(tmp_path, {})))
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and "no attachments" in stderr


@pytest.mark.parametrize("names", [
    ["../../etc/passwd", DATA_NAME],
    [RULES_NAME, DATA_NAME, "extra.exe"],
    [RULES_NAME],
    ["\u202eevil\nname", RULES_NAME],
])
def test_unexpected_attachments_are_refused_and_nothing_is_written(tmp_path: Path, names: list[str]) -> None:
    pdf = _pdf_with(tmp_path, {name: b"x" for name in names})
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _, stderr = run("--verify", str(pdf))
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "\u202e" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_oversized_attachments_and_non_pdfs_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _pdf_with(tmp_path, {RULES_NAME: b"a" * 5000, DATA_NAME: b"b"})
    monkeypatch.setattr(verify_mod, "MAX_ATTACHMENT_BYTES", 1000)
    with pytest.raises(tierkit.TierkitError, match="too big"):
        read_attachments(pdf)
    monkeypatch.setattr(verify_mod, "MAX_PDF_BYTES", 100)
    with pytest.raises(tierkit.TierkitError, match="opens PDFs up to"):
        read_attachments(pdf)
    monkeypatch.undo()
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    code, _, stderr = run("--verify", str(junk))
    assert code == 2 and len(stderr.strip().splitlines()) == 1


def test_make_a_pack_still_needs_rules(tmp_path: Path) -> None:
    code, _, stderr = run(str(tmp_path / "x.csv"))
    assert code == 2 and "--rules" in stderr


# ---------------------------------------------------------------------- the rules and data, without a PDF

def _roundtrip(result: tierkit.Classification) -> verify_mod.Verdict:
    rules, data = archive_files(result)
    return verify_files(rules.data.decode("utf-8"), data.data.decode("utf-8"))


@pytest.mark.parametrize(("name", "sample", "params"), [
    ("rfm", "distributor", {}),
    ("abc", "distributor", {"measure": 3.0}),
    ("lifecycle", "retail_members", {}),
    ("stages", "distributor", {}),
])
def test_built_in_rule_sets_confirm_on_their_samples(name: str, sample: str, params: dict[str, float]) -> None:
    sheets = pd.read_excel(ROOT / "sample_workbooks" / f"{sample}.xlsx", sheet_name=None, engine="calamine")
    main = "Customers" if sample == "distributor" else "Members"
    rs = tierkit.load_ruleset(name).with_params(params)
    result = tierkit.classify(rs, sheets[main], as_of=AS_OF, source=tierkit.TableSource(sheets=sheets))
    verdict = _roundtrip(result)
    assert verdict.ok, verdict.lines()
    assert sum(verdict.tiers.values()) == verdict.customers == len(sheets[main])
    if params:
        assert yaml.safe_load(ruleset_yaml(rs).split("\n", 2)[2])["params"]["measure"] == 3


def test_sheet_rules_are_written_as_yaml_that_gives_the_same_tiers() -> None:
    rows = [["id", "label", "label_zh", "when", "strategy"],
            ["big", "Big", "大客户", "Revenue >= 100000", "Visit"],
            ["small", "Small", "", "Revenue < 100000", ""],
            ["other", "Other", "", "default", ""]]
    rs = tierkit.ruleset_from_rows(rows, name="sheet_rules")
    text = ruleset_yaml(rs)
    again = tierkit.parse_ruleset(text)
    assert [(s.id, s.label, s.when, s.default, s.strategies) for s in again.segments] == \
        [(s.id, s.label, s.when, s.default, s.strategies) for s in rs.segments]
    result = tierkit.classify(rs, customers())
    assert _roundtrip(result).ok


def test_data_csv_is_not_formula_escaped() -> None:
    frame = customers()
    frame.loc[0, "Region"] = "=HYPERLINK(\"x\")"
    rs = tierkit.load_ruleset(DATA / "tiny.yaml")
    _, data = archive_files(tierkit.classify(rs, frame, as_of=AS_OF))
    assert '"=HYPERLINK(""x"")"' in data.data.decode("utf-8")


def test_pdf_options() -> None:
    assert pdf_options() == {}
    assert pdf_options(tags=True) == {"pdf_tags": True}


def test_make_briefs_passes_the_options(tmp_path: Path, tiny_result: tierkit.Classification) -> None:
    out = make_briefs(tiny_result, tmp_path / "p.pdf", top=2, split_dir=tmp_path / "split",
                      pdf_options=pdf_options(tiny_result))
    for path in out:  # every file of the pack, split ones too, carries the archive
        assert sorted(PdfReader(path).attachments) == sorted([RULES_NAME, DATA_NAME])
    assert verify_pdf(out[-1]).ok
