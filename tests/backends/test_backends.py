"""The backend seam: the registry, node coverage per backend and dialect, refusals by name, and DuckDB giving
numpy's tiers and reasons on every built-in rule set and sample (through ``--engine duckdb`` and through the
SQL that ``tierkit sql`` prints)."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import tierkit
from tierkit import TierkitError, UnsupportedExpression
from tierkit.backends import backend_names, compile_select, get_backend

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2024, 12, 31)
SAMPLES = ["customers_simple.csv", "distributor.xlsx", "retail_members.xlsx"]
needs_duckdb = pytest.mark.skipif(importlib.util.find_spec("duckdb") is None or
                                  importlib.util.find_spec("sqlglot") is None,
                                  reason="the duckdb extra is not installed")


def test_registry_names_and_alias() -> None:
    assert backend_names() == ("numpy", "oracle", "duckdb")
    assert "compiled" in backend_names(aliases=True)
    assert get_backend("compiled") is get_backend("numpy")


def test_unknown_engine_is_a_tierkit_error_listing_the_names() -> None:
    rs = tierkit.load_ruleset("abc")
    frame = pd.DataFrame({"revenue": [1.0, 2.0]})
    with pytest.raises(TierkitError) as info:
        tierkit.classify(rs, frame, engine="numpyy")
    text = str(info.value)
    assert "'numpyy'" in text and "numpy, oracle, duckdb, compiled" in text and "\n" not in text


def test_unknown_engine_on_the_command_line_exits_2(tmp_path: Path) -> None:
    from tierkit.cli import main

    result = CliRunner().invoke(main, ["apply", str(ROOT / "sample_workbooks" / "customers_simple.csv"),
                                       "--rules", "abc", "--engine", "spark", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "duckdb" in result.output


# -- samples ---------------------------------------------------------------------------------------------
@functools.cache
def sample(name: str) -> tierkit.app.RawTable:  # type: ignore[name-defined]
    from tierkit import app

    return app.open_table(ROOT / "sample_workbooks" / name)


def bound_cases() -> list[tuple[str, str]]:
    return [(rs, s) for rs in tierkit.builtin_names() for s in SAMPLES]


@functools.cache
def _classify(name: str, sample_name: str, engine: str) -> tierkit.Classification | None:
    from tierkit import app

    table = sample(sample_name)
    try:
        return tierkit.classify(tierkit.load_ruleset(name), table.frame, as_of=AS_OF, engine=engine,
                                source=app.table_source(table))
    except TierkitError:
        if engine == "numpy":  # this sample lacks the rule set's columns: nothing to compare
            return None
        raise


def classify(name: str, sample_name: str, engine: str) -> tierkit.Classification:
    if _classify(name, sample_name, "numpy") is None:
        pytest.skip(f"{name} does not apply to {sample_name}")
    result = _classify(name, sample_name, engine)
    assert result is not None
    return result


@needs_duckdb
@pytest.mark.parametrize(("name", "sample_name"), bound_cases())
def test_duckdb_engine_gives_numpys_tiers_and_reasons(name: str, sample_name: str) -> None:
    want = classify(name, sample_name, "numpy")
    got = classify(name, sample_name, "duckdb")
    assert got.tier_ids() == want.tier_ids()
    assert got.reasons("en") == want.reasons("en")
    assert got.reasons("zh") == want.reasons("zh")
    for seg_id, m in want.errors.items():
        assert np.array_equal(got.errors[seg_id], m), seg_id


@needs_duckdb
@pytest.mark.parametrize(("name", "sample_name"), bound_cases())
def test_printed_sql_runs_in_duckdb_with_numpys_tiers(name: str, sample_name: str) -> None:
    """The SELECT ``tierkit sql`` prints, run by DuckDB over the bound columns (features computed in Python
    until the feature SQL lands), tiers every row as numpy does."""
    import duckdb

    from tierkit.backends.arrow import column_array

    want = classify(name, sample_name, "numpy")
    binding = want.binding
    import pyarrow as pa

    table = pa.Table.from_arrays([column_array(binding.typed[c], binding.types[c]) for c in binding.typed.columns],
                                 names=list(binding.typed.columns))
    query = compile_select(binding.ruleset, "customers", "duckdb", types=binding.types, as_of=AS_OF)
    con = duckdb.connect()
    con.register("customers", table)
    got = con.sql(query).to_arrow_table()
    tiers = [t if t is not None else "" for t in got.column("tier_id").to_pylist()]
    if binding.ruleset.policy.name == "unique":
        assert not any(got.column("tk_overlap").to_pylist())
    assert tiers == want.tier_ids()


# -- coverage and refusals -------------------------------------------------------------------------------
def node_classes() -> list[str]:
    import inspect

    import rule_engine.ast as re_ast

    return sorted(name for name, obj in vars(re_ast).items()
                  if inspect.isclass(obj) and issubclass(obj, re_ast.ASTNodeBase)
                  and (name.endswith("Expression") or name == "Statement")
                  and not name.endswith("Base") and name != "LiteralExpressionBase")


@pytest.mark.parametrize("name", node_classes())
def test_sql_compiler_handles_or_refuses_every_node(name: str) -> None:
    from tierkit.backends.sql.compiler import SqlCompiler

    handled = hasattr(SqlCompiler, f"visit_{name}")
    refused = name in SqlCompiler.NOT_SUPPORTED
    assert handled != refused, f"{name}: handled={handled} refused={refused}"
    assert handled == (name in SqlCompiler.SUPPORTED)


@pytest.mark.parametrize("backend", ["numpy", "duckdb"])
@pytest.mark.parametrize("name", node_classes())
def test_every_backend_handles_or_refuses_every_node(backend: str, name: str) -> None:
    from tierkit.backends.sql.compiler import SqlCompiler
    from tierkit.compile.pandas_backend import PandasCompiler

    compiler = {"numpy": PandasCompiler, "duckdb": SqlCompiler}[backend]
    refused = name in get_backend(backend).not_supported
    assert hasattr(compiler, f"visit_{name}") != refused


UNSUPPORTED = [
    ("[1, 2][0] == 1 or x[0] == 'a'", "item access"),
    ("x[1:2] == 'a'", "slices"),
    ("[y for y in x.to_ary] == ['a']", "comprehensions"),
    ("$abs(n) > 1", "function calls"),
    ("n & 1 == 1", "bitwise"),
    ("n << 1 > 2", "bit shifts"),
    ("x =~ x", "regular expressions must be quoted literals"),
    ("x.to_ary == x", "attribute '.to_ary'"),
    ("x.to_flt > 1", "attribute '.to_flt'"),
]


def _ruleset(expr: str) -> tierkit.RuleSet:
    text = (f"name: u\nfields:\n  x: {{type: string}}\n  n: {{type: float}}\nsegments:\n  - id: a\n"
            f"    when: {expr!r}\n  - id: b\n    default: true\n")
    return tierkit.parse_ruleset(text, name="u")


@needs_duckdb
@pytest.mark.parametrize(("expr", "construct"), UNSUPPORTED)
def test_duckdb_refuses_constructs_by_name(expr: str, construct: str) -> None:
    frame = pd.DataFrame({"x": ["abc", "def"], "n": [1.0, 2.0]})
    with pytest.raises(UnsupportedExpression, match=construct):
        tierkit.classify(_ruleset(expr), frame, engine="duckdb")


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "postgres", "snowflake", "bigquery"])
@pytest.mark.parametrize(("expr", "construct"), [
    *UNSUPPORTED,
    ("n * 0.1 > 30", "cannot be computed exactly"),  # double vs Decimal, with no rule-engine re-check
    ("n % 2 == 1", "'%'"),
])
def test_sql_text_refuses_constructs_by_name(dialect: str, expr: str, construct: str) -> None:
    with pytest.raises(UnsupportedExpression, match=construct) as info:
        compile_select(_ruleset(expr), "t", dialect, as_of=AS_OF)
    assert "segment 'a'" in str(info.value)


@pytest.mark.parametrize(("dialect", "expr", "construct"), [
    ("postgres", "x =~ 'a'", "regular expressions are not supported on postgres"),
    ("snowflake", "x =~ 'a'", "regular expressions are not supported on snowflake"),
    ("spark", "x =~ '(a+)+$'", "Java's backtracking"),
    ("spark", "x.as_lower == 'a'", "as_lower/as_upper are not supported on spark"),
])
def test_dialect_spec_sheet_refusals(dialect: str, expr: str, construct: str) -> None:
    with pytest.raises(UnsupportedExpression, match=construct):
        compile_select(_ruleset(expr), "t", dialect, as_of=AS_OF)


def test_undeclared_column_needs_a_type_for_sql() -> None:
    rs = tierkit.parse_ruleset("name: u\nsegments:\n  - id: a\n    when: 'y > 1'\n  - id: b\n    default: true\n",
                               name="u")
    with pytest.raises(tierkit.RuleFileError, match="column 'y' has no declared type"):
        compile_select(rs, "t", "spark")


def test_unknown_dialect() -> None:
    with pytest.raises(TierkitError, match="unknown SQL dialect 'oracle'; choose one of duckdb, spark"):
        compile_select(tierkit.load_ruleset("abc"), "t", "oracle")


@needs_duckdb
def test_duckdb_rechecks_computed_numbers_exactly() -> None:
    """0.1 + 0.2 == 0.3 holds in rule-engine's Decimal and not in DOUBLE, 0.3 * 3 >= 0.9 too:
    DuckDB re-checks such rows with rule-engine."""
    rs = tierkit.parse_ruleset("name: u\nfields:\n  n: {type: float}\n  m: {type: float}\nsegments:\n"
                               "  - id: a\n    when: n + m == 0.3\n  - id: b\n    when: n * 3 >= 0.9\n"
                               "  - id: c\n    default: true\n", name="u")
    frame = pd.DataFrame({"n": [0.1, 0.3, None, 0.3], "m": [0.2, 0.0, 1.0, 1.0]})
    want = tierkit.classify(rs, frame, engine="oracle").tier_ids()
    assert want == ["a", "a", "c", "b"]
    assert 0.1 + 0.2 != 0.3 and not 0.3 * 3 >= 0.9  # what DOUBLE alone would say
    assert tierkit.classify(rs, frame, engine="duckdb").tier_ids() == want


@needs_duckdb
def test_duckdb_refuses_a_stalling_pattern_it_would_recheck_in_python() -> None:
    rs = tierkit.parse_ruleset("name: u\nfields:\n  n: {type: float}\n  x: {type: string}\nsegments:\n"
                               "  - id: a\n    when: \"n * 3 > 0.9 and x =~ '(a+)+$'\"\n  - id: c\n    default: true\n",
                               name="u")
    frame = pd.DataFrame({"n": [0.3], "x": ["aaaa!"]})
    with pytest.raises(UnsupportedExpression, match="refuses the regular expression"):
        tierkit.classify(rs, frame, engine="duckdb")
