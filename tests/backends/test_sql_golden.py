"""The SQL ``tierkit sql`` prints for dialects that cannot run here (Snowflake, BigQuery, PostgreSQL), kept as
golden files.  Refresh after an intended change with ``TIERKIT_UPDATE_GOLDEN=1 pytest
tests/backends/test_sql_golden.py`` and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sql"
RULES = ["value", "rfm", "behaviour", "stages_postsale"]  # first, priority-free scores, collect, not/in
#: rule sets whose features (quantile scores, Pareto share, choose, from_orders, order_stats, seasons, main
#: products) are kept as golden SQL too, for the distributor sample's tables
FEATURE_RULES = ["rfm", "abc", "grouping_season", "grouping_product"]
FEATURE_CASES = [(r, d) for r in FEATURE_RULES for d in ("snowflake", "bigquery", "postgres")
                 if (r, d) not in (("grouping_product", "postgres"), ("grouping_product", "snowflake"))]


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "postgres"])
@pytest.mark.parametrize("rules", RULES)
def test_sql_golden(rules: str, dialect: str) -> None:
    """The conditions over a table that holds the feature columns already (``--no-features``)."""
    check_golden(["sql", "--rules", rules, "--dialect", dialect, "--table", "crm.customers", "--as-of",
                  "2024-12-31", "--no-features"], GOLDEN / f"{rules}.{dialect}.sql")


@pytest.mark.parametrize(("rules", "dialect"), FEATURE_CASES)
def test_sql_golden_with_features(rules: str, dialect: str) -> None:
    """The features computed in the SELECT from the customer and orders tables."""
    from tests.backends.parity_cases import sql_args

    args = sql_args(rules, "distributor", dialect)
    args[args.index("--table") + 1] = "crm.customers"
    args[args.index("--orders") + 1] = "crm.orders"
    check_golden(args, GOLDEN / f"{rules}.features.{dialect}.sql")


def check_golden(args: list[str], path: Path) -> None:
    pytest.importorskip("sqlglot")
    from tierkit.cli import main

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    if os.environ.get("TIERKIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.output, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with TIERKIT_UPDATE_GOLDEN=1"
    assert result.output == path.read_text(encoding="utf-8")


def test_sql_refusal_exits_2_with_one_line(tmp_path: Path) -> None:
    pytest.importorskip("sqlglot")
    from tierkit.cli import main

    rules = tmp_path / "r.yaml"
    rules.write_text("name: r\nfields:\n  n: {type: float}\nsegments:\n  - id: a\n    when: n % 2 == 1\n"
                     "  - id: b\n    default: true\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["sql", "--rules", str(rules), "--dialect", "spark", "--table", "t"])
    assert result.exit_code == 2
    assert "'%' cannot be computed exactly as rule-engine does on spark" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("dialect", "why"), [("postgres", "collation"), ("snowflake", "POSIX")])
def test_main_product_is_refused_by_name_where_text_differs(dialect: str, why: str) -> None:
    """PostgreSQL sorts text by the database's collation, not by code point as Python does; Snowflake's regular
    expressions cannot name the Unicode spaces Python strips."""
    pytest.importorskip("sqlglot")
    from tests.backends.parity_cases import sql_args

    from tierkit.cli import main

    result = CliRunner().invoke(main, sql_args("grouping_product", "distributor", dialect))
    assert result.exit_code == 2
    assert "product_from_orders" in result.output and why in result.output
    assert "Traceback" not in result.output


def test_snowflake_regexp_replace_has_no_position_flag() -> None:
    """DuckDB's ``REGEXP_REPLACE(s, p, r, 'g')`` flag is a POSITION as Snowflake's 4th argument: the Snowflake
    feature SQL passes three arguments (Snowflake replaces every match by default)."""
    import re

    for path in sorted(GOLDEN.glob("*.snowflake.sql")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"REGEXP_REPLACE\([^;]*?, 'g'\)", text), path.name
    postgres = "".join(p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.features.postgres.sql"))
    assert "'', 'g')" in postgres  # PostgreSQL replaces only the first match without it
