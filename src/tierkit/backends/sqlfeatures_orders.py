"""``from_orders`` and ``order_stats`` in SQL: order lines grouped by customer id, joined back onto the table.

Definitions are those of :mod:`tierkit.features.orders` and :mod:`tierkit.features.order_stats`:

* a customer id is compared as :func:`tierkit.values.id_key` reads it, in SQL: the text of the cell NFKC-folded
  and trimmed, ``10377.0`` read as ``10377``, blank text as no id (:mod:`tierkit.backends.sql.ids`: exact NFKC
  on PostgreSQL and BigQuery, the full-width and half-width forms and the wide spaces on DuckDB, Spark and
  Snowflake);
* total lines (合计, Total, ... in the customer cell) are left out, and so are lines dated after the as-of day
  (default: the latest order date); lines with a blank date still count in frequency and monetary;
* customers with no orders get blank features except the counts, which are 0.
"""

from __future__ import annotations

from tierkit.backends.sqlfeatures_query import ROW, FeatureQuery, lit, normed, num, one_of, q
from tierkit.errors import DataError, did_you_mean, msg
from tierkit.features.from_orders import ORDER_COLUMNS, REQUIRED, FromOrders
from tierkit.features.order_stats import STAT_COLUMNS, OrderStats
from tierkit.features.orders import COUNT_COLUMNS
from tierkit.features.specs import Names, shown
from tierkit.values import TOTAL_WORDS

__all__ = ["from_orders", "id_key_sql", "order_stats"]

YEAR = "INTERVAL 365 DAY"


def id_key_sql(sql: str, dialect: str = "duckdb") -> str:
    """:func:`tierkit.values.id_key` in SQL (NFKC-folded, trimmed text, whole numbers without ``.0``; blank ->
    NULL): :func:`tierkit.backends.sql.ids.id_key_sql`."""
    from tierkit.backends.sql.ids import id_key_sql as key

    return key(sql, dialect)


def exact_sum(sql: str) -> str:
    """SUM of doubles as an exact decimal sum (to 10 decimals) read back as a double: the same value whatever order
    the database adds the lines in, and the value pandas' compensated sum gives, so equal totals stay tied."""
    return f"CAST(SUM(CAST({sql} AS DECIMAL(38, 10))) AS DOUBLE)"


def _not_total(key: str) -> str:
    words = ", ".join(lit(w) for w in sorted(TOTAL_WORDS))
    return f"RTRIM({normed(key)}, ':') NOT IN ({words})"


def _orders_source(query: FeatureQuery, sheet: Names, kind: str, *, own: bool) -> tuple[str, list[str]] | None:
    """The orders table and its columns: the table itself (``own``) or ``query.orders_table``."""
    if own:
        return query.last, list(query.columns)
    if query.orders_table is None or (query.orders_columns is None and query.known):
        return None
    return query.orders_table, list(query.orders_columns or [])


def _dated_lines(query: FeatureQuery, keyed: str) -> tuple[str, str]:
    """The lines up to the as-of day, each with the day in column ``st`` (one CROSS JOIN, not a scalar subquery
    per use: Spark runs each subquery as its own job), and the day as a scalar for later features."""
    day = query.as_of if query.as_of is not None else "MAX(d)"
    stamped = query.add(f"SELECT {day} AS st FROM {keyed}" if query.as_of is None else f"SELECT {day} AS st")
    lines = query.add(f"SELECT {keyed}.*, st FROM {keyed} CROSS JOIN {stamped} WHERE d IS NULL OR d <= st")
    return lines, query.as_of if query.as_of is not None else f"(SELECT st FROM {stamped})"


def from_orders(query: FeatureQuery, spec: FromOrders) -> None:
    """Add the customer features (or, when the table is the orders table, replace it by one row a customer)."""
    conf = spec.orders
    base = query.last

    def found(columns: list[str] | None) -> dict[str, str | None]:
        return {k: None if getattr(conf, k) is None else query.column(getattr(conf, k), columns)
                for k in ORDER_COLUMNS}

    cols = found(query.columns if query.known else None)
    own = bool(cols["customer"] and cols["date"] and cols["amount"]) if query.known else query.orders_table is None
    source = _orders_source(query, conf.sheet, spec.kind, own=own)
    if source is None:
        if spec.optional:
            return
        raise DataError(msg("no orders sheet '{sheet}' for from_orders", sheet=shown(conf.sheet)),
                        hint=msg("give the orders table (orders_table=...)"))
    orders, orders_cols = source
    if not own:
        cols = found(orders_cols if query.known else None)
    for key in REQUIRED:
        if cols[key] is None:
            wanted = getattr(conf, key)
            cands = [wanted] if isinstance(wanted, str) else list(wanted)
            raise DataError(msg("from_orders: no column {names} for '{key}' in the orders table",
                                names=' / '.join(map(str, cands)), key=key),
                            hint=did_you_mean(str(cands[0]), orders_cols))
    customer = str(cols["customer"])
    parts = [f"{id_key_sql(q(customer), query.dialect)} AS k", f"CAST({q(str(cols['date']))} AS DATE) AS d",
             f"COALESCE({num(str(cols['amount']))}, 0) AS amt"]
    if own:
        parts.append(f"{q(customer)} AS shown_id, {ROW} AS line_no")
    if cols["margin"]:
        parts.append(f"COALESCE({num(cols['margin'])}, 0) AS mgn")
    for key, alias in (("product", "prod"), ("channel", "chan")):
        if cols[key]:
            parts.append(f"NULLIF(TRIM(CAST({q(str(cols[key]))} AS VARCHAR)), '') AS {alias}")
    if cols["order"]:
        parts.append(f"{id_key_sql(q(str(cols['order'])), query.dialect)} AS ord")
    keyed = query.add(f"SELECT * FROM (SELECT {', '.join(parts)} FROM {orders}) AS s WHERE k IS NOT NULL "
                      f"AND {_not_total('k')}")
    lines, scalar = _dated_lines(query, keyed)
    stamp = "st"
    recent = f"(d > {stamp} - {YEAR} AND d <= {stamp})"
    prior = f"(d > {stamp} - INTERVAL 730 DAY AND d <= {stamp} - {YEAR})"
    freq = "COUNT(DISTINCT ord)" if cols["order"] else "COUNT(*)"
    out = {
        "recency_days": f"DATE_DIFF('day', MAX(d), {stamp})",
        "tenure_days": f"DATE_DIFF('day', MIN(d), {stamp})",
        "frequency": freq,
        "monetary": exact_sum("amt"),
        "avg_order_value": f"{exact_sum('amt')} / NULLIF({freq}, 0)",
        "first_purchase": "MIN(d)",
        "last_purchase": "MAX(d)",
    }
    if cols["product"]:
        out["distinct_products"] = "COUNT(DISTINCT prod)"
    if cols["margin"]:
        out["gross_profit"] = exact_sum("mgn")
        out["margin_rate"] = f"{exact_sum('mgn')} / (CASE WHEN SUM(amt) > 0 THEN {exact_sum('amt')} END)"
    if cols["channel"]:
        out["channels"] = "COUNT(DISTINCT chan)"
    out["active_months_12m"] = f"COUNT(DISTINCT CASE WHEN {recent} THEN YEAR(d) * 12 + MONTH(d) END)"
    out["revenue_12m"] = exact_sum(f"CASE WHEN {recent} THEN amt ELSE CAST(0 AS DOUBLE) END")
    out["revenue_prev_12m"] = exact_sum(f"CASE WHEN {prior} THEN amt ELSE CAST(0 AS DOUBLE) END")
    select = [*(f"{sql} AS {name}" for name, sql in out.items())]
    if own:
        select.append("MIN(line_no) AS first_line")
    per = query.add(f"SELECT k, {', '.join(select)} FROM {lines} GROUP BY k, st")
    extra = [
        "revenue_12m / (CASE WHEN revenue_prev_12m > 0 THEN revenue_prev_12m END) - 1 AS growth",
        "monetary / (CASE WHEN SUM(CASE WHEN monetary > 0 THEN monetary END) OVER () > 0 "
        "THEN SUM(CASE WHEN monetary > 0 THEN monetary END) OVER () END) AS revenue_share",
    ]
    join = ""
    if cols["channel"]:
        counted = query.add(f"SELECT k, chan, COUNT(*) AS n FROM {lines} WHERE chan IS NOT NULL GROUP BY k, chan")
        ranked = query.add(f"SELECT k, chan, ROW_NUMBER() OVER (PARTITION BY k ORDER BY n DESC, chan ASC) AS r "
                           f"FROM {counted}")
        join = f" LEFT JOIN (SELECT k AS ck, chan FROM {ranked} WHERE r = 1) AS c ON ck = {per}.k"
        extra.append("chan AS main_channel")
    feats = query.add(f"SELECT {per}.*, {', '.join(extra)} FROM {per}{join}")
    names = [*out, "growth", "revenue_share"]
    if cols["channel"]:  # pandas' order: main_channel just before channels
        names.insert(names.index("channels"), "main_channel")
    renames = dict(conf.names)
    if own:
        shown_ids = query.add(f"SELECT sk, shown_id FROM (SELECT k AS sk, shown_id, ROW_NUMBER() OVER "
                              f"(PARTITION BY k ORDER BY line_no) AS r FROM {keyed}) AS s WHERE r = 1")
        outputs = [f"first_line AS {ROW}", f"shown_id AS {q(customer)}",
                   *(f"{n} AS {q(renames.get(n, n))}" for n in names if n != customer)]
        query.add(f"SELECT {', '.join(outputs)} FROM {feats} JOIN {shown_ids} ON sk = k")
        query.columns = [customer, *(renames.get(n, n) for n in names if n != customer)]
        query.known = True  # the result is exactly these columns
        _set_as_of(query, scalar)
        return
    join_on = conf.join_on if conf.join_on is not None else conf.customer
    on = query.column(join_on)
    if on is None:
        first = join_on if isinstance(join_on, str) else join_on[0]
        raise DataError(msg("from_orders: the customer table has no column {join_on!r} to join on",
                            join_on=shown(join_on)),
                        hint=did_you_mean(str(first), query.columns))
    _join(query, base, feats, on, {renames.get(n, n): n for n in names})
    _set_as_of(query, scalar)


def _set_as_of(query: FeatureQuery, stamp: str) -> None:
    if query.as_of is None:
        query.as_of = stamp


def _join(query: FeatureQuery, before: str, feats: str, on: str, outputs: dict[str, str],
          zero: frozenset[str] = frozenset()) -> None:
    """Left-join ``feats`` (keyed ``k``) onto the table ``before`` by :func:`id_key_sql` of ``on``; counts (and
    the columns ``zero`` names) 0 when absent."""
    if query.known:
        keep = [f"t.{ROW}", *(f"t.{q(c)}" for c in query.columns if c not in outputs)]
    else:
        keep = [query.star(outputs, "t.")]
    added = []
    for output, name in outputs.items():
        value = f"x.{name}"
        if name in COUNT_COLUMNS or name in ("orders_12m", "timed_orders") or name in zero:
            value = f"COALESCE({value}, 0)"
        added.append(f"{value} AS {q(output)}")
    query.add(f"SELECT {', '.join([*keep, *added])} FROM {before} AS t LEFT JOIN {feats} AS x "
              f"ON x.k = {id_key_sql('t.' + q(on), query.dialect)}")
    query.columns = [c for c in query.columns if c not in outputs] + list(outputs)


def order_stats(query: FeatureQuery, spec: OrderStats) -> None:
    """Volume, orders in the last 365 days, dated orders and the share bought on a deal, per customer."""
    if query.orders_table is None or query.orders_columns is None:
        if spec.optional:
            return
        raise DataError(msg("no orders sheet '{sheet}' for order_stats", sheet=shown(spec.sheet)),
                        hint=msg("give the orders table (orders_table=...)"))
    columns = list(query.orders_columns) if query.known else None
    base = query.last
    cols = {key: None if getattr(spec, key) is None else query.column(getattr(spec, key), columns)
            for key in ("customer", "date", "quantity", "promo")}
    for key in ("customer", "date"):
        if cols[key] is None:
            wanted = getattr(spec, key)
            first = wanted if isinstance(wanted, str) else wanted[0]
            raise DataError(msg("order_stats: no column {names} for '{key}' in the orders sheet",
                                names=' / '.join(shown(wanted)), key=key),
                            hint=did_you_mean(str(first), columns or []))
    join_on = spec.join_on if spec.join_on is not None else spec.customer
    on = query.column(join_on)
    if on is None:
        raise DataError(msg("order_stats: the customer table has no column {join_on!r} to join on",
                            join_on=shown(join_on)))
    qty = f"{num(str(cols['quantity']))}" if cols["quantity"] else "CAST(NULL AS DOUBLE)"
    promo = f"COALESCE({one_of(q(str(cols['promo'])), spec.promo_words)}, FALSE)" if cols["promo"] else "FALSE"
    keyed = query.add(f"SELECT * FROM (SELECT {id_key_sql(q(str(cols['customer'])), query.dialect)} AS k, "
                      f"CAST({q(str(cols['date']))} AS DATE) AS d, {qty} AS qty, {promo} AS promo "
                      f"FROM {query.orders_table}) AS s WHERE k IS NOT NULL AND {_not_total('k')}")
    lines, _ = _dated_lines(query, keyed)
    stamp = "st"
    deal = f"(d IS NOT NULL AND (promo OR DAY(LAST_DAY(d)) - DAY(d) < {int(spec.end_days)}))"
    per = query.add(
        f"SELECT k, {exact_sum('qty')} AS volume, "
        f"CAST(SUM(CASE WHEN d IS NOT NULL AND d > {stamp} - {YEAR} THEN 1 ELSE 0 END) AS BIGINT) AS orders_12m, "
        f"CAST(SUM(CASE WHEN d IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS timed_orders, "
        f"SUM(CASE WHEN {deal} THEN 1 ELSE 0 END) AS deals FROM {lines} GROUP BY k, st")
    feats = query.add(f"SELECT k, volume, orders_12m, timed_orders, "
                      f"CAST(deals AS DOUBLE) / NULLIF(timed_orders, 0) AS deal_share FROM {per}")
    _join(query, base, feats, on, {spec.prefix + name: name for name in STAT_COLUMNS})
