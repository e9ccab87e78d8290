"""Hostile rule files, expressions, regexes, CSV and parquet files, and dates."""

from __future__ import annotations

from pathlib import Path

from .cases import apply, case
from .inputs import MINI_RULES, book, csv_file, customers, rules_file
from .runner import Invocation, tierkit_argv


def _check(rules: Path) -> Invocation:
    return Invocation(tierkit_argv("rules", "check", str(rules)), inputs=[rules])


# --------------------------------------------------------------------------- rule files

@case("YAML alias bomb (rules check)", says="aliases are not allowed")
def _alias_bomb(d: Path) -> Invocation:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = d / "bomb.yaml"
    path.write_text(MINI_RULES.replace("WHEN", "revenue > 1") + "\n".join(lines) + "\n", encoding="utf-8")
    return _check(path)


@case("YAML alias bomb (apply)", says="aliases are not allowed")
def _alias_bomb_apply(d: Path) -> Invocation:
    inv = _alias_bomb(d)
    return apply(book(d), inv.inputs[0])


@case("rule file of 50 MB", says="over the limit")
def _huge_rules(d: Path) -> Invocation:
    path = rules_file(d)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("# " + "x" * (50 << 20) + "\n")
    return apply(book(d), path)


@case("expression nested 500 deep", says="deep")
def _deep(d: Path) -> Invocation:
    return apply(book(d), rules_file(d, "(" * 500 + "revenue > 1" + ")" * 500))


@case("expression of 5,000 'or' terms", says="over the limit")
def _wide_or(d: Path) -> Invocation:
    return apply(book(d), rules_file(d, " or ".join(f"revenue == {i}" for i in range(5000))))


@case("expression of 5,000 'and' terms", says="over the limit")
def _wide_and(d: Path) -> Invocation:
    return apply(book(d), rules_file(d, " and ".join(f"revenue != {i}" for i in range(5000))))


@case("'not' chain 10,000 long", says="over the limit")
def _not_chain(d: Path) -> Invocation:
    return apply(book(d), rules_file(d, "not " * 10000 + "revenue > 1"))


# --------------------------------------------------------------------------- regexes

def _regex_book(d: Path) -> Path:
    rows = customers(4, name="a" * 31 + "!")
    rows[2][1] = "a" * 100_000 + "!"
    rows[3][1] = "x" * 5000 + "z"
    return book(d, rows)


for _op in ("=~", "=~~"):
    for _pat in ("(a+)+$", "(x+x+)+y", "(a|a)*b", "(a*)*b"):
        def _make(d: Path, op: str = _op, pat: str = _pat) -> Invocation:
            return apply(_regex_book(d), rules_file(d, f"name {op} '{pat}'"))

        case(f"regex name {_op} '{_pat}' on 100,000 a's", {0})(_make)

        def _oracle(d: Path, op: str = _op, pat: str = _pat) -> Invocation:
            return apply(_regex_book(d), rules_file(d, f"name {op} '{pat}'"), "--engine", "oracle")

        case(f"regex name {_op} '{_pat}', --engine oracle", {0, 2})(_oracle)


@case("regex 'a{1000}{1000}'")
def _rep(d: Path) -> Invocation:
    return apply(_regex_book(d), rules_file(d, "name =~ '(a{1000}){1000}'"))


@case("regex with a backreference", says="rules.yaml")
def _backref(d: Path) -> Invocation:
    return apply(_regex_book(d), rules_file(d, r"name =~ '(a)\\1'"))


# --------------------------------------------------------------------------- CSV, parquet, dates

@case("CSV with a 100 MB line of short fields", {0, 2}, slow=True)
def _csv_line(d: Path) -> Invocation:
    path = d / "in.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Customer ID,Name,Revenue\n")
        fh.write("C1,One,5" + ",1" * (50 << 20) + "\n")
    return apply(path, rules_file(d), out="out.csv")


@case("CSV with a 10 MB field", {0, 2})
def _csv_field(d: Path) -> Invocation:
    return apply(csv_file(d, "Customer ID,Name,Revenue\nC1," + "x" * (10 << 20) + ",5\n"), rules_file(d),
                 out="out.csv")


@case("CSV with NUL bytes in the cells", {0, 2})
def _csv_nul(d: Path) -> Invocation:
    text = "Customer ID,Name,Revenue\n" + "".join(f"C{i},Sh\0op {i},{i * 100}\n" for i in range(1, 400))
    return apply(csv_file(d, text), rules_file(d), out="out.csv")


@case("dates 9999-12-31 and year 0", {0, 2})
def _dates(d: Path) -> Invocation:
    text = ("Customer ID,Revenue,Orders,Last order\nC1,100,3,9999-12-31\nC2,200,4,0000-01-01\n"
            "C3,300,5,2024-01-05\nC4,5,1,1900-01-00\nC5,9,2,-0001-05-05\n")
    return apply(csv_file(d, text), "value", "--as-of", "2024-12-31", out="out.csv")


@case("--as-of 9999-12-31", {0, 2})
def _as_of(d: Path) -> Invocation:
    text = "Customer ID,Revenue,Orders,Last order\nC1,100,3,2024-01-05\n"
    return apply(csv_file(d, text), "value", "--as-of", "9999-12-31", out="out.csv")


def _parquet(d: Path, rows: int, text: str) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = d / "in.parquet"
    chunk = 1 << 20
    schema = pa.schema([("Customer ID", pa.dictionary(pa.int32(), pa.string())), ("Revenue", pa.float64())])
    with pq.ParquetWriter(path, schema, compression="zstd") as w:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            ids = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([text]))
            w.write_table(pa.table({"Customer ID": ids, "Revenue": pa.array(np.ones(n))},
                                   schema=schema))
    return path


@case("parquet of 100 million rows (2 MB on disk)", {2}, slow=True)
def _parquet_rows(d: Path) -> Invocation:
    return apply(_parquet(d, 100_000_000, "C1"), rules_file(d), out="out.parquet")


@case("parquet of 10,000 rows of a 1 MB string", {2})
def _parquet_strings(d: Path) -> Invocation:
    return apply(_parquet(d, 10_000, "C" * (1 << 20)), rules_file(d), out="out.parquet")


@case("CSV with NUL bytes past the first 4 KB (the output holds none)", {0})
def _csv_nul_late(d: Path) -> Invocation:
    head = "Customer ID,Name,Revenue\n" + "".join(f"C{i},Shop {i},{i * 100}\n" for i in range(1, 400))
    tail = "".join(f"D{i},Sh\0op\0 {i},{i * 100}\n" for i in range(1, 50))
    return apply(csv_file(d, head + tail), rules_file(d), out="out.csv")
