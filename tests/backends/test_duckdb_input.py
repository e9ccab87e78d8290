"""``duckdb:PATH.db#table`` as an input: read-only, a CJK or spaced table name, every way it can be wrong as one
exit-2 line, and every command that opens a table (apply, explain, inspect, compare, rules check) taking it."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tierkit.cli import main
from tierkit.errors import InputFileError
from tierkit.io import default_output
from tierkit.io.duckdbread import parse_spec, read_duckdb

pytestmark = pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="the duckdb extra is not installed")

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "sample_workbooks" / "customers_simple.csv"
TABLE = "客户 表"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import duckdb

    path = tmp_path_factory.mktemp("duck") / "sales.db"
    con = duckdb.connect(str(path))
    frame = pd.read_csv(CSV, dtype=str)
    con.register("src", frame)
    con.execute(f'CREATE TABLE "{TABLE}" AS SELECT * FROM src')  # every cell text, as a careless export has it
    con.execute("CREATE TABLE plain AS SELECT * FROM read_csv(?)", [str(CSV)])
    con.execute("CREATE SCHEMA other")
    con.execute("CREATE TABLE other.t AS SELECT 1 AS x")
    con.execute(f"CREATE VIEW leaky AS SELECT * FROM read_csv('{CSV}')")  # a view that would read another file
    con.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.output


@pytest.mark.parametrize(("spec", "words"), [
    ("duckdb:sales.db", "table after '#'"),
    ("duckdb:#customers", "database file before '#'"),
    ("duckdb:sales.db#  ", "table name after '#'"),
])
def test_a_malformed_spec_says_how_to_write_it(spec: str, words: str) -> None:
    with pytest.raises(InputFileError) as info:
        parse_spec(spec)
    assert words in str(info.value) and "duckdb:PATH.db#TABLE" in str(info.value)


def test_the_table_is_what_follows_the_last_hash_and_the_path_is_as_typed() -> None:
    source = parse_spec("duckdb:~/a#b.db#客户 表")
    assert source.path == Path("~/a#b.db") and source.table == TABLE


def test_a_cjk_table_name_with_a_space_is_read_and_the_file_is_unchanged(database: Path) -> None:
    before = digest(database)
    table = read_duckdb(f"duckdb:{database}#{TABLE}")
    assert len(table) == 200 and table.path == database and table.sheet is None
    assert list(table.frame.columns) == list(pd.read_csv(CSV, nrows=0).columns)
    assert int(table.row_numbers[0]) == 2
    assert digest(database) == before and not Path(f"{database}.wal").exists()


@pytest.mark.parametrize("name", ["PLAIN", "main.plain", "other.t"])
def test_names_as_duckdb_resolves_them(database: Path, name: str) -> None:
    assert len(read_duckdb(f"duckdb:{database}#{name}")) >= 1


@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
def test_apply_gives_the_tiers_of_the_csv_itself(database: Path, tmp_path: Path, engine: str) -> None:
    want = tmp_path / "want.csv"
    code, out = run("apply", str(CSV), "-r", "abc", "-o", str(want), "--as-of", "2024-12-31", "-q")
    assert code == 0, out
    got = tmp_path / "got.csv"
    code, out = run("apply", f"duckdb:{database}#{TABLE}", "-r", "abc", "-o", str(got), "--engine", engine,
                    "--as-of", "2024-12-31", "-q")
    assert code == 0, out
    cols = ["Customer ID", "Tier ID", "Tier reason"]
    assert pd.read_csv(got, usecols=cols).equals(pd.read_csv(want, usecols=cols))


def test_the_default_output_sits_beside_the_database_named_after_the_table(database: Path) -> None:
    assert default_output(f"duckdb:{database}#{TABLE}") == database.with_name("sales.客户_表.tiered.xlsx")
    assert default_output(f"duckdb:{database}#../x/y", "briefs", fmt="pdf") == database.with_name(
        "sales.x_y.briefs.pdf")


def test_an_output_on_the_database_is_refused(database: Path) -> None:
    before = digest(database)
    code, out = run("apply", f"duckdb:{database}#plain", "-r", "abc", "-o", str(database), "--force")
    assert code == 2 and out.startswith("error: the output would overwrite the input")
    assert digest(database) == before


@pytest.mark.parametrize(("make", "words"), [
    (lambda d: f"duckdb:{d}#nope", ["table 'nope' not found", "'plain'", f"'{TABLE}'", "'other.t'"]),
    (lambda d: f"duckdb:{d.with_name('missing.db')}#plain", ["file not found", "missing.db"]),
    (lambda d: f"duckdb:{d.parent}#plain", ["folder"]),
    (lambda d: f"duckdb:{CSV}#plain", ["is not a DuckDB database"]),
    (lambda d: f"duckdb:{d}", ["duckdb:PATH.db#TABLE"]),
    (lambda d: f"duckdb:{d}#leaky", ["cannot read table 'leaky'"]),
])
def test_each_mistake_is_one_line_exit_2(database: Path, make: object, words: list[str]) -> None:
    code, out = run("apply", make(database), "-r", "abc", "-o", str(database.with_name("o.csv")))  # type: ignore[operator]
    assert code == 2, out
    assert out.startswith("error: ") and out.count("\n") == 1 and "Traceback" not in out
    for word in words:
        assert word in out, out


def test_explain_inspect_compare_and_rules_check_read_it(database: Path) -> None:
    spec = f"duckdb:{database}#{TABLE}"
    code, out = run("explain", spec, "-r", "abc", "--row", "3")
    assert code == 0 and out.startswith("row 3:"), out
    code, out = run("inspect", spec, "-r", "abc")
    assert code == 0 and "data: 200 rows" in out, out
    code, out = run("compare", f"duckdb:{database}#plain", spec, "-r", "abc")
    assert code == 0 and "200 customers" in out and "same 200" in out, out
    code, out = run("rules", "check", "abc", "--data", spec)
    assert code == 0, out


def test_a_database_held_open_for_writing_is_one_line(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "busy.db"
    writer = duckdb.connect(str(path))
    try:
        writer.execute("CREATE TABLE t AS SELECT 1 AS x")
        code, out = run("apply", f"duckdb:{path}#t", "-r", "abc", "-o", str(tmp_path / "o.csv"))
    finally:
        writer.close()
    assert code == 2 and out.startswith("error: DuckDB cannot open the database") and out.count("\n") == 1, out
