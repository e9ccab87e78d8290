"""Customer ids in SQL read as :func:`tierkit.values.id_key` reads them: full-width ids (ＣＵ００１) NFKC-folded in
every dialect (exact NFKC on PostgreSQL and BigQuery, the full-width forms by TRANSLATE elsewhere)."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit.backends.sql.ids import FOLDS, NFKC_DIALECTS, id_key_sql, nfkc_sql
from tierkit.values import EXCEL_ERRORS, id_key

duckdb = pytest.importorskip("duckdb")
sqlglot = pytest.importorskip("sqlglot")

# what people type ids with: ASCII, the full-width forms of it, the wide spaces, and CJK
ALPHABET = st.sampled_from([*"CU0127.-_ aZ", *FOLDS, "客", "户"])


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_the_folds_are_nfkc() -> None:
    assert FOLDS["Ｃ"] == "C" and FOLDS["０"] == "0" and FOLDS["\u3000"] == " " and FOLDS["\u00a0"] == " "
    for char, folded in FOLDS.items():
        assert unicodedata.normalize("NFKC", char) == folded


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=8), min_size=1, max_size=20))
def test_duckdb_reads_ids_as_id_key(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    texts = [t for t in texts if unicodedata.normalize("NFKC", t).strip().upper() not in EXCEL_ERRORS]
    frame = pd.DataFrame({"id": pd.Series(texts, dtype=object)})
    con.register("ids", frame)
    got = [row[0] for row in con.sql(f'SELECT {id_key_sql(chr(34) + "id" + chr(34))} FROM ids').fetchall()]
    assert got == [id_key(t) for t in texts]


def test_full_width_and_numeric_ids_are_one_customer(con: duckdb.DuckDBPyConnection) -> None:
    frame = pd.DataFrame({"id": ["ＣＵ００１", " CU001\u3000", "１０３７７．０", "10377", "\u3000"]})
    con.register("ids2", frame)
    got = [row[0] for row in con.sql(f"SELECT {id_key_sql('id')} FROM ids2").fetchall()]
    assert got == ["CU001", "CU001", "10377", "10377", None]


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "snowflake", "postgres", "bigquery"])
def test_every_dialect_folds_and_its_sql_reads_back(dialect: str) -> None:
    """The SQL is DuckDB syntax that sqlglot writes in the dialect (as the feature SQL is); written out and read
    back in the dialect, the literals are the folds (＇ and ＼ fold to ' and \\, which Spark escapes)."""
    written = sqlglot.parse_one(f"SELECT {nfkc_sql('x', dialect)} FROM t", read="duckdb").sql(dialect=dialect)
    tree = sqlglot.parse_one(written, read=dialect)
    if dialect in NFKC_DIALECTS:
        assert "NORMALIZE(x, NFKC)" in written
        return
    texts = [lit.this for lit in tree.find_all(sqlglot.exp.Literal) if lit.is_string]
    assert texts == ["".join(FOLDS), "".join(FOLDS.values())]


def test_orders_with_full_width_ids_join_their_customers(con: duckdb.DuckDBPyConnection) -> None:
    """The SQL from_orders: order lines typed ＣＵ００１ count for customer CU001, as on the numpy path."""
    from tests.rules.helpers import load

    from tierkit.backends.sqlfeatures import features_select

    customers = pd.DataFrame({"客户编号": ["CU001", "ＣＵ００２", "CU003"], "name": list("abc")})
    orders = pd.DataFrame({"客户编号": ["ＣＵ００１", "CU001", "CU002 ", "ＣＵ００２\u3000", "cu003"],
                           "下单日期": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-01", "2024-03-02",
                                                   "2024-03-03"]),
                           "金额": [10.0, 20.0, 30.0, 40.0, 50.0]})
    con.register("customers", customers)
    con.register("orders", orders)
    select = features_select(load("rfm"), "customers", "duckdb", columns=list(customers.columns),
                             orders_table="orders", orders_columns=list(orders.columns))
    got = con.sql(select.sql(dialect="duckdb")).df()
    assert got["frequency"].tolist() == [2, 2, 0]  # cu003 is another id: case is kept, as id_key keeps it
