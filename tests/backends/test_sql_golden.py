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
#: rule sets whose features (quantile scores, Pareto share, choose, from_orders, order_stats) are kept as golden
#: SQL too, for the distributor sample's tables
FEATURE_RULES = ["rfm", "abc"]


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "postgres"])
@pytest.mark.parametrize("rules", RULES)
def test_sql_golden(rules: str, dialect: str) -> None:
    """The conditions over a table that holds the feature columns already (``--no-features``)."""
    check_golden(["sql", "--rules", rules, "--dialect", dialect, "--table", "crm.customers", "--as-of",
                  "2024-12-31", "--no-features"], GOLDEN / f"{rules}.{dialect}.sql")


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "postgres"])
@pytest.mark.parametrize("rules", FEATURE_RULES)
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
