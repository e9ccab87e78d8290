"""The built-in rule sets on their samples, as every backend sees them: the numpy classification (tiers and
reasons) and the exact ``tierkit sql`` command line for a table ``customers`` (and ``orders``).  Shared by the
DuckDB test (``test_sql_runs.py``) and the Spark job (``spark_job.py``)."""

from __future__ import annotations

import functools

import pandas as pd
from tests.backends.feature_cases import REFUSED, SAMPLE_CASES, sample_tables
from tests.rules.helpers import AS_OF, load

import tierkit
from tierkit.bind import TableSource

#: (rule set, sample) pairs every backend must tier as numpy does
PARITY_CASES = [(name, sample) for name, sample in SAMPLE_CASES if name not in REFUSED]
CUSTOMERS, ORDERS = "customers", "orders"


@functools.cache
def tables(name: str, sample: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The sample as a warehouse holds it: yes/no columns (是/否) of the rule set's bool fields as booleans (SQL
    reads typed columns; reading text as the binder does is the input reader's job)."""
    from tierkit.names import find_header, with_aliases
    from tierkit.values import coerce_column

    customers, orders = sample_tables(sample)
    rs = load(name)
    for field, spec in rs.fields.items():
        header = find_header(list(customers.columns), with_aliases(field, rs.fields))
        if spec.type == "bool" and header is not None:
            customers = customers.assign(**{str(header): coerce_column(customers[header], "bool", column=str(header))
                                            .astype("boolean")})
    return customers, orders


@functools.cache
def expected(name: str, sample: str) -> tierkit.Classification:
    customers, orders = tables(name, sample)
    source = TableSource(sheets={"Orders": orders}) if orders is not None else None
    return tierkit.classify(load(name), customers, source=source, as_of=AS_OF)


def sql_args(name: str, sample: str, dialect: str) -> list[str]:
    """``tierkit sql`` arguments for the sample's tables registered as ``customers`` / ``orders``."""
    customers, orders = tables(name, sample)
    args = ["sql", "--rules", name, "--dialect", dialect, "--table", CUSTOMERS, "--as-of", AS_OF.isoformat(),
            "--columns", ",".join(map(str, customers.columns))]
    if orders is not None:
        args += ["--orders", ORDERS, "--orders-columns", ",".join(map(str, orders.columns))]
    return args


def printed_sql(name: str, sample: str, dialect: str) -> str | None:
    """The exact stdout of ``tierkit sql`` for the case; None when numpy refuses the case too (a rule set
    whose features need orders, on a customer list): then ``tierkit sql`` exits 2 with numpy's message."""
    from click.testing import CliRunner

    from tierkit.cli import main

    result = CliRunner().invoke(main, sql_args(name, sample, dialect))
    try:
        expected(name, sample)
    except tierkit.TierkitError as err:
        said = str(err.args[0]).split(" (rule set")[0]
        assert result.exit_code == 2 and said in result.output, (said, result.output)
        return None
    assert result.exit_code == 0, result.output
    return result.output


def tier_list(frame: pd.DataFrame) -> list[str]:
    return ["" if t is None or t != t else str(t) for t in frame["tier_id"].tolist()]
