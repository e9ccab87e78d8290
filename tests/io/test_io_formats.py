"""io.formats: one table of file formats; readers and writers chosen from it; io has no import cycle."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierkit.errors import InputFileError
from tierkit.io import FORMATS, NewColumn, default_output, format_of, read_table, write_output
from tierkit.io.formats import format_named, lookup, suffixes, supported
from tierkit.io.header import header_key
from tierkit.io.read import READERS
from tierkit.io.write import WRITERS

IO = Path(__file__).resolve().parents[2] / "src" / "tierkit" / "io"

EXPECTED = {
    ".xlsx": "xlsx", ".xlsm": "xlsm", ".xltx": "xltx", ".xltm": "xltm", ".csv": "csv", ".tsv": "tsv",
    ".txt": "txt", ".parquet": "parquet", ".pq": "parquet", ".pdf": "pdf",
}


def test_every_suffix_is_in_the_table_once() -> None:
    listed = [s for f in FORMATS for s in f.suffixes]
    assert sorted(listed) == sorted(EXPECTED)
    assert len(set(listed)) == len(listed)
    assert len({f.name for f in FORMATS}) == len(FORMATS)


@pytest.mark.parametrize(("suffix", "name"), sorted(EXPECTED.items()))
def test_format_of_each_suffix(suffix: str, name: str) -> None:
    for path in (f"dir/sales{suffix}", f"Sales.2024{suffix.upper()}", Path(f"/x/y{suffix}")):
        fmt = format_of(path)
        assert fmt.name == name
        assert suffix in fmt.suffixes
        assert format_named(name) is fmt
    for purpose in ("read", "write"):
        if name == "pdf":
            with pytest.raises(InputFileError):
                format_of(f"a{suffix}", purpose=purpose)
        else:
            assert format_of(f"a{suffix}", purpose=purpose).name == name


@pytest.mark.parametrize("name", ["sales.ods", "sales.xls", "sales.xlsb", "sales", "sales.json", ".hidden"])
def test_unknown_suffix_lists_the_supported_ones(name: str) -> None:
    for purpose in ("read", "write", "any"):
        with pytest.raises(InputFileError, match="unsupported") as info:
            format_of(name, purpose=purpose)  # type: ignore[arg-type]
        text = str(info.value)
        for suffix in suffixes(purpose=purpose):  # type: ignore[arg-type]
            assert suffix in text
    assert lookup(name) is None


def test_pdf_is_known_but_not_a_table() -> None:
    pdf_out = r"unsupported output type '\.pdf': PDF is not a table format \(briefs.pdf\); name the output \.xlsx"
    with pytest.raises(InputFileError, match=pdf_out):
        format_of("briefs.pdf", purpose="write")
    with pytest.raises(InputFileError, match=r"unsupported input type '\.pdf': PDF is not"):
        format_of("briefs.pdf", purpose="read")
    assert ".pdf" not in supported("read") and ".pdf" in supported("any")


def test_every_table_format_has_a_reader_and_a_writer() -> None:
    assert {f.kind for f in FORMATS if f.read} == set(READERS)
    assert {f.kind for f in FORMATS if f.write} == set(WRITERS)


@pytest.mark.parametrize(("src", "out"), [
    ("sales.xlsx", "sales.tiered.xlsx"), ("sales.XLSX", "sales.tiered.xlsx"), ("sales.xlsm", "sales.tiered.xlsm"),
    ("sales.xltx", "sales.tiered.xlsx"), ("sales.xltm", "sales.tiered.xlsx"), ("sales.csv", "sales.tiered.csv"),
    ("sales.tsv", "sales.tiered.xlsx"), ("sales.txt", "sales.tiered.xlsx"),
    ("sales.parquet", "sales.tiered.parquet"), ("sales.pq", "sales.tiered.parquet"),
    ("sales.data", "sales.tiered.xlsx"), ("sales", "sales.tiered.xlsx"),
    ("q1.sales.xlsx", "q1.sales.tiered.xlsx"), ("sales.tiered.xlsx", "sales.tiered.tiered.xlsx"),
])
def test_default_output(src: str, out: str) -> None:
    assert default_output(Path("d") / src) == Path("d") / out
    assert default_output(src, "tiered") == Path(out)


@pytest.mark.parametrize(("src", "out"), [
    ("sales.xlsx", "sales.briefs.pdf"), ("sales.tiered.xlsx", "sales.briefs.pdf"),
    ("sales.Tiered.CSV", "sales.briefs.pdf"), ("sales.tiered.parquet", "sales.briefs.pdf"),
    ("sales.tiered.pq", "sales.briefs.pdf"), ("sales.tiered", "sales.briefs.pdf"),
    ("a.tiered.data", "a.tiered.briefs.pdf"),
])
def test_default_output_other_tag_and_format(src: str, out: str) -> None:
    assert default_output(src, "briefs", fmt="pdf") == Path(out)


def test_default_output_unknown_format_name() -> None:
    with pytest.raises(ValueError, match="unknown format 'docx'"):
        default_output("a.xlsx", "x", fmt="docx")


@given(st.from_regex(r"[A-Za-z0-9_\- 客户]{1,12}", fullmatch=True), st.sampled_from(sorted(EXPECTED)))
def test_default_output_never_names_the_input(stem: str, suffix: str) -> None:
    src = Path("folder") / f"{stem}{suffix}"
    out = default_output(src)
    assert out != src and out.parent == src.parent
    assert out.name.startswith(stem + ".tiered.")
    assert format_of(out, purpose="write").write


def _frame_table(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tsv_reads_and_writes_tabs(tmp_path: Path) -> None:
    # a comma inside the cells would fool the delimiter sniffer: the .tsv suffix fixes the tab
    src = _frame_table(tmp_path, "in.tsv", "name\tnote\na,b\tx,y\nc,d\tz,w\n")
    table = read_table(src)
    assert list(table.frame.columns) == ["name", "note"]
    assert table.frame["name"].tolist() == ["a,b", "c,d"]
    out = write_output(table, tmp_path / "out.tsv", [NewColumn("Tier", ["A", "B"])])
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter="\t"))
    assert rows == [["name", "note", "Tier"], ["a,b", "x,y", "A"], ["c,d", "z,w", "B"]]
    txt = write_output(table, tmp_path / "out.txt", [NewColumn("Tier", ["A", "B"])])
    assert txt.read_text(encoding="utf-8-sig").splitlines()[1] == '"a,b","x,y",A'


@pytest.mark.parametrize("suffix", [".parquet", ".pq"])
def test_parquet_both_suffixes(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / f"in{suffix}"
    pd.DataFrame({"id": [1, 2]}).to_parquet(src)
    out = write_output(read_table(src), tmp_path / f"out{suffix}", [NewColumn("Tier", ["A", "B"])])
    assert pd.read_parquet(out).to_dict("list") == {"id": [1, 2], "Tier": ["A", "B"]}


def test_unsupported_input_lists_what_tierkit_reads(tmp_path: Path) -> None:
    src = _frame_table(tmp_path, "in.json", '{"a": 1}')
    with pytest.raises(InputFileError,
                       match=r"unsupported input type '\.json' \(.*in.json\); give a \.xlsx, .*\.csv.* file"):
        read_table(src)


@pytest.mark.parametrize(("header", "key"), [
    ("Tier", "tier"), ("  Tier ID ", "tier id"), ("Tier (2)", "tier"), ("层级原因 (3)", "层级原因"),
    ("Tier_ID", "tier_id"), ("Ранг", "ранг"), ("Tier (x)", "tier (x)"),
])
def test_header_key(header: str, key: str) -> None:
    assert header_key(header) == key


def test_header_key_keeps_lookalike_user_columns(tmp_path: Path) -> None:
    """Only tierkit's own tier columns are replaced, in every output format alike: a repeated
    "Tier" (read as "Tier (2)") goes, the user's "Tier_ID" and "Ранг" stay."""
    src = _frame_table(tmp_path, "in.csv", "id,Tier,Tier,Tier_ID,Ранг\n1,x,y,u,v\n")
    table = read_table(src)
    assert list(table.frame.columns) == ["id", "Tier", "Tier (2)", "Tier_ID", "Ранг"]
    new = [NewColumn("Tier", ["A"]), NewColumn("Tier ID", ["a"])]
    csv_out = read_table(write_output(table, tmp_path / "out.csv", new, replace_headers=["Tier", "Tier ID"]))
    xlsx_out = read_table(write_output(table, tmp_path / "out.xlsx", new, replace_headers=["Tier", "Tier ID"]))
    assert list(csv_out.frame.columns) == list(xlsx_out.frame.columns) == ["id", "Tier_ID", "Ранг", "Tier", "Tier ID"]


def _imports(module: Path) -> set[str]:
    """The sibling io modules ``module`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
            elif node.level == 0 and (node.module or "").startswith("tierkit.io."):
                names = [(node.module or "").split(".")[2]]
            else:
                continue
            found.update(n.split(".")[0] for n in names)
    return found - {"__init__"}


def test_io_has_no_import_cycle() -> None:
    graph = {p.stem: _imports(p) for p in IO.glob("*.py") if p.stem != "__init__"}
    assert "write" not in graph["newbook"]
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " -> ".join((*path[path.index(node):], node)))
        if node in done:
            return
        for nxt in graph.get(node, ()):
            visit(nxt, (*path, node))
        done.add(node)

    for module in graph:
        visit(module, ())


def test_header_key_in_the_xlsx_patch(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["id", "Tier", "Tier", "Tier_ID", "Ранг"])
    ws.append([1, "x", "y", "u", "v"])
    wb.save(tmp_path / "in.xlsx")
    table = read_table(tmp_path / "in.xlsx")
    new = [NewColumn("Tier", ["A"]), NewColumn("Tier ID", ["a"])]
    out = read_table(write_output(table, tmp_path / "out.xlsx", new, replace_headers=["Tier", "Tier ID"]))
    assert list(out.frame.columns) == ["id", "Tier", "Tier ID", "Tier_ID", "Ранг"]   # patched in place
    assert out.frame.iloc[0].tolist() == [1, "A", "a", "u", "v"]
