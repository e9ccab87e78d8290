"""Customer ids in SQL as :func:`tierkit.values.id_key` reads them, NFKC-folded per dialect.

The numpy path reads an id's text in its NFKC form (``ＣＵ００１`` is ``CU001``, the ideographic space a space)
and trims it.  In SQL:

* PostgreSQL (13+) and BigQuery have ``NORMALIZE(text, NFKC)``: exactly Python's NFKC;
* DuckDB, Spark and Snowflake have no NFKC function, so :data:`FOLDS` is applied with ``TRANSLATE`` (which all
  three have): the full-width forms of ASCII (U+FF01-U+FF5E), the full-width and half-width signs NFKC maps
  to one character, and the spaces NFKC maps to U+0020 (no-break, en/em, ideographic).  That is NFKC for every
  id typed with a Chinese or Japanese input method; compatibility characters NFKC expands to several
  (ligatures such as ``ﬁ``, ``㈱``) or composes (half-width katakana with sound marks) are left as they are,
  and so is the full-width semicolon (so that the SQL holds no ``;``).
"""

from __future__ import annotations

import unicodedata

#: code points whose NFKC is one other character, folded with TRANSLATE where the dialect has no NFKC
_RANGES = [(0x00A0, 0x00A0), (0x2000, 0x200A), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
           (0xFF01, 0xFF60), (0xFFE0, 0xFFEE)]


#: folds left out: a ``;`` in the SQL text would trip tools that split a script into statements at semicolons
_KEPT = frozenset(";")


def _folds() -> dict[str, str]:
    out: dict[str, str] = {}
    for lo, hi in _RANGES:
        for point in range(lo, hi + 1):
            char = chr(point)
            folded = unicodedata.normalize("NFKC", char)
            if folded != char and len(folded) == 1 and not unicodedata.combining(folded) and folded not in _KEPT:
                out[char] = folded
    return out


FOLDS: dict[str, str] = _folds()

#: dialects with an NFKC function (``NORMALIZE(x, NFKC)``)
NFKC_DIALECTS = frozenset({"postgres", "bigquery"})


def _text(value: str) -> str:
    """A string literal in DuckDB syntax (``'`` doubled, ``\\`` as itself)."""
    return "'" + value.replace("'", "''") + "'"


def nfkc_sql(sql: str, dialect: str) -> str:
    """``unicodedata.normalize("NFKC", text)`` of the text ``sql`` for ``dialect``: exact where the dialect has
    NFKC, else :data:`FOLDS` by ``TRANSLATE`` (see the module).  Like all feature SQL it is DuckDB syntax, which
    sqlglot reads and writes in ``dialect`` (escaping the literals as Spark and Snowflake want them)."""
    if dialect in NFKC_DIALECTS:
        return f"NORMALIZE({sql}, NFKC)"
    return f"TRANSLATE({sql}, {_text(''.join(FOLDS))}, {_text(''.join(FOLDS.values()))})"


def id_key_sql(sql: str, dialect: str = "duckdb") -> str:
    """:func:`tierkit.values.id_key` in SQL: the text NFKC-folded (:func:`nfkc_sql`) and trimmed, whole numbers
    without ``.0``, blank -> NULL."""
    text = f"NULLIF(TRIM({nfkc_sql(f'CAST({sql} AS VARCHAR)', dialect)}), '')"
    return (f"CASE WHEN REGEXP_MATCHES({text}, '^-?[0-9]+\\.0*$') THEN SPLIT_PART({text}, '.', 1) "
            f"ELSE {text} END")
