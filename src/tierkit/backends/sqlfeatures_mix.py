"""``product_from_orders`` and ``season_from_orders`` in SQL (:mod:`tierkit.features.order_mix` in pandas).

Order lines are read as :mod:`tierkit.backends.sqlfeatures_orders` reads them (the customer id as
:func:`tierkit.values.id_key` reads it, total lines left out, lines dated after the as-of day left out), and the
per-customer figures are joined back by id; the table keeps its rows (a table that is itself the orders table
keeps one row per line, as in pandas).

* A product is text as the binder reads it: stripped of white space (Python's ``str.strip``: every Unicode
  space, ``\\u3000`` included), blank or an Excel error (``#N/A``) is no product.  Ties for the main product go
  to the first product in code-point order, which is how DuckDB, Spark and BigQuery compare text;
  PostgreSQL compares by the database's collation and Snowflake's regular expressions cannot name every
  Unicode space, so there the kind is refused by name.
* Sums are exact decimal sums read back as doubles (as everywhere in the feature SQL): the pandas path's
  float sums may differ from them in the last bit (1e-16 relative), which matters only for a figure that lands
  exactly on a threshold.
* The company's peak (旺季) and off-season (淡季) months: each calendar month's revenue (below 0 counts 0)
  against the median of the twelve months (the mean of the 6th and 7th smallest, as numpy's median), in
  doubles as in pandas.
"""

from __future__ import annotations

from tierkit.backends.sqlfeatures_orders import _join, _not_total, exact_sum, id_key_sql
from tierkit.backends.sqlfeatures_query import FeatureQuery, lit, num, q
from tierkit.errors import DataError, UnsupportedExpression, did_you_mean, msg
from tierkit.features.order_mix import MONTHS, ProductFromOrders, SeasonFromOrders, _OrderLinesFeature
from tierkit.features.specs import shown
from tierkit.values import EXCEL_ERRORS

__all__ = ["product_from_orders", "season_from_orders", "text_sql"]

#: the characters Python's ``str.strip()`` removes, as a regex class RE2 and Java both read
_SPACE = (r"[\t\n\x{0b}\x{0c}\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
          r"\x{205f}\x{3000}]")
def text_sql(sql: str) -> str:
    """A cell read as text by :func:`tierkit.values.coerce_column` (``string``): stripped, blank and Excel
    errors as NULL."""
    stripped = f"REGEXP_REPLACE(CAST({sql} AS VARCHAR), '^{_SPACE}+|{_SPACE}+$', '', 'g')"
    errors = ", ".join(lit(e) for e in sorted(EXCEL_ERRORS))
    return f"CASE WHEN {stripped} = '' OR UPPER({stripped}) IN ({errors}) THEN NULL ELSE {stripped} END"


def _lines(query: FeatureQuery, spec: _OrderLinesFeature) -> tuple[str, bool, dict[str, str | None]] | None:
    """The order lines (``k``, ``amt``, ``d`` when dated, ``prod`` when there is a product column) up to the
    as-of day, whether they are the table's own rows, and the columns found; None when an optional spec has
    no orders."""
    conf = spec.orders
    roles = ("customer", "date", "amount", "product")

    def found(columns: list[str] | None) -> dict[str, str | None]:
        return {k: None if getattr(conf, k) is None else query.column(getattr(conf, k), columns) for k in roles}

    cols = found(list(query.columns) if query.known else None)
    own = all(cols[k] for k in spec.required) if query.known else query.orders_table is None
    if own:
        orders, orders_cols = query.last, list(query.columns)
    elif query.orders_table is not None and (query.orders_columns is not None or not query.known):
        orders, orders_cols = query.orders_table, list(query.orders_columns or [])
        cols = found(orders_cols if query.known else None)
    elif spec.optional:
        return None
    else:
        raise DataError(msg("no orders sheet '{shown}' for {kind}", shown=shown(conf.sheet), kind=spec.kind),
                        hint=msg("open the workbook that holds it, or name it with sheet:"))
    for key in spec.required:
        if cols[key] is None:
            wanted = getattr(conf, key)
            cands = [wanted] if isinstance(wanted, str) else list(wanted)
            raise DataError(msg("{kind}: no column {join} for '{key}' in the orders table", kind=spec.kind,
                                join=" / ".join(map(str, cands)), key=key),
                            hint=did_you_mean(str(cands[0]), [str(c) for c in orders_cols]))
    parts = [f"{id_key_sql(q(str(cols['customer'])))} AS k", f"COALESCE({num(str(cols['amount']))}, 0) AS amt"]
    if cols["product"]:
        parts.append(f"{text_sql(q(str(cols['product'])))} AS prod")
    if cols["date"]:
        parts.append(f"CAST({q(str(cols['date']))} AS DATE) AS d")
    keyed = query.add(f"SELECT * FROM (SELECT {', '.join(parts)} FROM {orders}) AS s WHERE k IS NOT NULL "
                      f"AND {_not_total('k')}")
    if not cols["date"]:
        return keyed, own, cols
    day = query.as_of if query.as_of is not None else f"(SELECT MAX(d) FROM {keyed})"
    stamped = query.add(f"SELECT {day} AS st")
    lines = query.add(f"SELECT {keyed}.* FROM {keyed} CROSS JOIN {stamped} "
                      f"WHERE d IS NULL OR st IS NULL OR d <= st")
    return lines, own, cols


def _join_back(query: FeatureQuery, spec: _OrderLinesFeature, before: str, feats: str, own: bool,
               cols: dict[str, str | None], outputs: list[str], zero: frozenset[str] = frozenset()) -> None:
    renames = dict(spec.orders.names)
    if own:
        on: str | None = cols["customer"]
    else:
        join_on = spec.orders.join_on if spec.orders.join_on is not None else spec.orders.customer
        on = query.column(join_on)
        if on is None:
            first = join_on if isinstance(join_on, str) else join_on[0]
            raise DataError(msg("{kind}: the customer table has no column {shown!r} to join on", kind=spec.kind,
                                shown=shown(join_on)), hint=did_you_mean(str(first), map(str, query.columns)))
    assert on is not None
    _join(query, before, feats, on, {renames.get(n, n): n for n in outputs}, zero)


def product_from_orders(query: FeatureQuery, spec: ProductFromOrders) -> None:
    """``main_product`` (most positive revenue; ties: the first in code-point order) and its share of the
    customer's positive revenue over all products."""
    hint = msg("use DuckDB or Spark, or run this rule set with --engine numpy")
    if query.dialect == "postgres":
        raise UnsupportedExpression(msg("feature '{name}' (product_from_orders) cannot be compiled to SQL exactly on "
                                        "postgres: ties between products go to the first in code-point order, and "
                                        "PostgreSQL sorts text by collation", name=spec.name), hint=hint)
    if query.dialect == "snowflake":
        raise UnsupportedExpression(msg("feature '{name}' (product_from_orders) cannot be compiled to SQL exactly on "
                                        "snowflake: a product is stripped of every Unicode space, and Snowflake's "
                                        "POSIX regular expressions cannot name them all", name=spec.name), hint=hint)
    before = query.last
    found = _lines(query, spec)
    if found is None:
        return
    lines, own, cols = found
    sums = query.add(f"SELECT k, prod, {exact_sum('amt')} AS amt FROM {lines} WHERE prod IS NOT NULL "
                     f"GROUP BY k, prod")
    ranked = query.add(f"SELECT k, prod, amt, ROW_NUMBER() OVER (PARTITION BY k ORDER BY amt DESC, prod ASC) AS r, "
                       f"SUM(amt) OVER (PARTITION BY k) AS pos FROM {sums} WHERE amt > 0")
    feats = query.add(f"SELECT k, prod AS main_product, amt / pos AS main_product_share FROM {ranked} WHERE r = 1")
    _join_back(query, spec, before, feats, own, cols, list(spec.columns))


def season_from_orders(query: FeatureQuery, spec: SeasonFromOrders) -> None:
    """The company's peak and off-season months, and per customer ``peak_month``, ``peak_months``,
    ``peak_season_share``, ``off_season_share`` and ``buying_months`` (see
    :func:`tierkit.features.order_mix.customer_seasons`)."""
    before = query.last
    found = _lines(query, spec)
    if found is None:
        return
    lines, own, cols = found
    dated = query.add(f"SELECT k, MONTH(d) AS m, amt FROM {lines} WHERE d IS NOT NULL")
    by_month = query.add(f"SELECT k, m, {exact_sum('amt')} AS v FROM {dated} GROUP BY k, m")
    month = [f"GREATEST(COALESCE(SUM(CASE WHEN m = {m} THEN v END), 0), 0) AS v{m}" for m in MONTHS]
    pivot = query.add(f"SELECT k, {', '.join(month)}, COUNT(DISTINCT m) AS bm FROM {by_month} GROUP BY k")
    company = [f"GREATEST(COALESCE({exact_sum(f'CASE WHEN m = {m} THEN amt END')}, 0), 0)" for m in MONTHS]
    totals = query.add(f"SELECT {', '.join(f'{c} AS c{m}' for m, c in zip(MONTHS, company, strict=True))} "
                       f"FROM {dated}")
    ordered = " UNION ALL ".join(f"SELECT {m} AS m, c{m} AS c FROM {totals}" for m in MONTHS)
    ranks = query.add(f"SELECT m, c, ROW_NUMBER() OVER (ORDER BY c, m) AS r FROM ({ordered}) AS u")
    middle = query.add(f"SELECT (MAX(CASE WHEN r = 6 THEN c END) + MAX(CASE WHEN r = 7 THEN c END)) / 2 AS med, "
                       f"SUM(c) AS tot FROM {ranks}")

    def flags(given: tuple[int, ...] | None, test: str, prefix: str) -> str:
        if given is not None:
            return ", ".join(f"{'TRUE' if m in given else 'FALSE'} AS {prefix}{m}" for m in MONTHS)
        return ", ".join(f"(tot > 0 AND c{m} {test}) AS {prefix}{m}" for m in MONTHS)

    seasons = query.add(f"SELECT {flags(spec.peak_months, f'>= {num_lit(spec.peak_ratio)} * med', 'p')}, "
                        f"{flags(spec.off_months, f'<= {num_lit(spec.off_ratio)} * med', 'o')} "
                        f"FROM {totals} CROSS JOIN {middle}")
    values = [f"v{m}" for m in MONTHS]
    total = _sum(values)
    bought = _sum([f"CASE WHEN v{m} > 0 THEN 1 ELSE 0 END" for m in MONTHS])
    top = "CASE " + " ".join(
        f"WHEN {' AND '.join([f'v{m} >= v{o}' for o in MONTHS if o > m] + [f'v{m} > v{o}' for o in MONTHS if o < m])}"
        f" THEN {m}" for m in MONTHS) + " END"
    strong = [f"(v{m} > 0 AND v{m} >= {num_lit(spec.peak_ratio)} * (tot / NULLIF(bought, 0)))" for m in MONTHS]
    listed = " || ".join(f"CASE WHEN {s} THEN ', {m}' ELSE '' END" for m, s in zip(MONTHS, strong, strict=True))
    shares = {name: _sum([f"CASE WHEN {prefix}{m} THEN v{m} ELSE CAST(0 AS DOUBLE) END" for m in MONTHS])
              for name, prefix in (("peak", "p"), ("off", "o"))}
    per = query.add(f"SELECT k, {', '.join(values)}, bm, {total} AS tot, {bought} AS bought FROM {pivot}")
    feats = query.add(
        f"SELECT k, CASE WHEN tot > 0 THEN {top} END AS peak_month, "
        f"CASE WHEN tot > 0 THEN SUBSTRING({listed}, 3) END AS peak_months, "
        f"{shares['peak']} / (CASE WHEN tot > 0 THEN tot END) AS peak_season_share, "
        f"{shares['off']} / (CASE WHEN tot > 0 THEN tot END) AS off_season_share, "
        f"bm AS buying_months FROM {per} CROSS JOIN {seasons}")
    _join_back(query, spec, before, feats, own, cols, list(spec.columns), frozenset({"buying_months"}))


def num_lit(value: float) -> str:
    return f"CAST({float(value)!r} AS DOUBLE)"


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(terms) + ")"
