"""The oracle case for Spark: the fixed expressions of ``tests/engine/test_oracle.py`` and a few hundred random
ones from the same grammar, drawn with a fixed seed (no hypothesis on Spark), over one fixed table with blanks,
NaN, -0.0, Decimal-sensitive numbers, Unicode text and dates.  ``spark_job.py`` evaluates every expression in
one DataFrame (one segment each); ``test_spark.py`` compares each with rule-engine row by row."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import rule_engine
from tests.engine.conftest import AS_OF, TYPES, ruleset_for
from tests.engine.test_oracle import EXPRESSIONS

from tierkit.backends import compile_select
from tierkit.bind import Binding, bind
from tierkit.errors import TierkitError, UnsupportedExpression

SEED = 15
N_RANDOM = 500
TABLE = "oracle_rows"

_NUMBERS = [None, float("nan"), 0.0, -0.0, 0.1, 0.2, 0.3, 1.5, -2.5, 100000.0, 99999.99, 1e-9, 3.0, 1 / 3, 7.0, -12.0,
            1.0, 2.0, 30.0, 300.5, -1000.0, 12.0, 0.9]
_TEXTS = [None, "", "North", "East", "north", "South", "A-1", "客户", "重点客户", "Bob", "bob", "  x ", "aa", "1.5",
          "12", "abc123", "ALPHA", "é", "\u00a0", "nan", "No", "Northbob", "orth"]
_DATES = [None, dt.datetime(2024, 1, 1), dt.datetime(2024, 5, 31), dt.datetime(2024, 6, 30),
          dt.datetime(2019, 3, 4, 13), dt.datetime(2026, 12, 31, 23, 59), dt.datetime(2024, 2, 29, 8, 30),
          dt.datetime(2023, 6, 30)]
_BOOLS = [None, True, False]


def table(rows: int = 60) -> pd.DataFrame:
    rnd = random.Random(SEED)
    return pd.DataFrame({
        "num": pd.Series([rnd.choice(_NUMBERS) for _ in range(rows)], dtype="float64"),
        "num2": pd.Series([rnd.choice(_NUMBERS) for _ in range(rows)], dtype="float64"),
        "text": pd.Series([rnd.choice(_TEXTS) for _ in range(rows)], dtype=object),
        "code": pd.Series([rnd.choice(_TEXTS) for _ in range(rows)], dtype=object),
        "when": pd.Series(pd.to_datetime([rnd.choice(_DATES) for _ in range(rows)]), dtype="datetime64[ns]"),
        "flag": pd.Series([rnd.choice(_BOOLS) for _ in range(rows)], dtype=object),
    })


# -- the grammar of test_oracle's random expressions, drawn with random.Random ---------------------------------
_NUM_ATOMS = ["num", "num2", "0", "1", "0.1", "0.3", "-2.5", "100000", "text.length", "when.month", "(num ?? 0)"]
_STR_ATOMS = ["text", "code", "'North'", "''", "'客户'", "text.as_lower"]
_PATTERNS = ["'N'", "'^[a-z]+$'", "'户'"]
_ARRAYS = ["[0, 1, 0.3]", "[null, 2]", "[-2.5, 'x']"]


def _num(rnd: random.Random, leaves: int = 4) -> str:
    if leaves <= 1 or rnd.random() < 0.5:
        return rnd.choice(_NUM_ATOMS)
    left = rnd.randint(1, leaves - 1)
    return f"({_num(rnd, left)} {rnd.choice('+-*/')} {_num(rnd, leaves - left)})"


def _comparison(rnd: random.Random) -> str:
    kind = rnd.randrange(5)
    if kind == 0:
        return f"{_num(rnd)} {rnd.choice(['<', '<=', '>', '>=', '==', '!='])} {_num(rnd)}"
    if kind == 1:
        return f"{rnd.choice(_STR_ATOMS)} {rnd.choice(['==', '!=', '<', '>='])} {rnd.choice(_STR_ATOMS)}"
    if kind == 2:
        pattern = rnd.choice(_PATTERNS)
        return f"{rnd.choice(_STR_ATOMS)} {rnd.choice(['=~', '=~~', '!~'])} {pattern}"
    if kind == 3:
        return f"{_num(rnd)} in {rnd.choice(_ARRAYS)}"
    return rnd.choice(["flag", "num", "text", "when > $today", "num == null"])


def _condition(rnd: random.Random, leaves: int = 5) -> str:
    if leaves <= 1 or rnd.random() < 0.35:
        return _comparison(rnd)
    kind = rnd.randrange(3)
    if kind == 0:
        left = rnd.randint(1, leaves - 1)
        return f"({_condition(rnd, left)} {rnd.choice(['and', 'or'])} {_condition(rnd, leaves - left)})"
    if kind == 1:
        return f"not {_condition(rnd, leaves - 1)}"
    a, b = rnd.randint(1, leaves - 2) if leaves > 2 else 1, 1
    return f"(({_condition(rnd, a)}) ? ({_condition(rnd, b)}) : ({_condition(rnd, max(1, leaves - a - b))}))"


def random_expressions(n: int = N_RANDOM) -> list[str]:
    rnd = random.Random(SEED)
    out: list[str] = []
    while len(out) < n:
        expr = _condition(rnd)
        if expr not in out:
            out.append(expr)
    return out


def cases() -> tuple[list[str], dict[str, str]]:
    """The expressions Spark must evaluate as rule-engine does, and those it refuses -> the refusal's text.
    Expressions rule-engine itself rejects for the column types are left out."""
    frame = table(2)
    kept: list[str] = []
    refused: dict[str, str] = {}
    for expr in [*EXPRESSIONS, *random_expressions()]:
        if expr in kept or expr in refused:
            continue
        try:
            rs = ruleset_for([expr])
            binding = bind(rs, frame, as_of=AS_OF)
        except (TierkitError, rule_engine.errors.EngineError):
            continue
        try:
            compile_select(rs, TABLE, "spark", types=binding.types, as_of=AS_OF)
        except UnsupportedExpression as err:
            refused[expr] = str(err)
            continue
        kept.append(expr)
    return kept, refused


def binding(expressions: list[str]) -> Binding:
    return bind(ruleset_for(expressions), table(), as_of=AS_OF)


def spark_query(expressions: list[str]) -> str:
    b = binding(expressions)
    return compile_select(b.ruleset, TABLE, "spark", types=b.types, as_of=AS_OF, pretty=False)


def typed_table(expressions: list[str]) -> pd.DataFrame:
    """The bound columns as Spark reads them (the binder's typing; blanks as None)."""
    b = binding(expressions)
    out = pd.DataFrame(index=range(b.n))
    for name, kind in TYPES.items():
        column = b.typed[name] if name in b.typed.columns else table()[name]
        if kind == "bool":
            out[name] = pd.Series([None if v is None or v != v else bool(v) for v in column], dtype=object)
        else:
            out[name] = column.reset_index(drop=True)
    return out


__all__ = ["TABLE", "cases", "spark_query", "table", "typed_table"]
