"""The add-in's adapters over the public tierkit API: Excel cells in, Excel cells out.

Nothing here knows which xlwings runtime called it.  Blank cells arrive as ``None`` (xlwings
turns Office.js's ``""`` into ``None``; the add-in declares every parameter as ``any``, so
Office.js sends blanks as ``""``, not as 0) and stay missing; they are never read as 0.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import tierkit
from tierkit import RuleSet, TierkitError, app
from tierkit.app import RawTable
from tierkit.errors import listing, msg
from tierkit.i18n import languages, tr, trc

from .cache import SharedLRU, cells_key, rules_key, today
from .cells import (  # noqa: F401  (the cell helpers, as core.<name> for the adapters)
    Rows,
    as_column,
    as_rows,
    blank,
    blank_to_none,
    cell_values,
    clean,
    column,
    number,
    numbers,
    scalar,
)

_pareto_share = app.pareto_share
apply_features = app.apply_features
load_named = app.load_named  # built-in names and YAML files, parsed once until the file changes

log = logging.getLogger("tierkit_addin")

SETTINGS_SHEET = "tierkit"
SUMMARY_SHEET = "Tier summary"
CHECK_SHEET = "Tier check"


def summary_sheet(lang: str) -> str:
    """The summary sheet's name in ``lang``, as the CLI names it (``Tier summary``, ``层级汇总``)."""
    return trc(lang, "sheet name", "Tier summary")


def summary_sheets() -> set[str]:
    """The summary sheet's names in every language tierkit speaks, case-folded."""
    return {summary_sheet(code).casefold() for code in languages()}


def lang_of(value: Any) -> str:
    text = "" if blank(scalar(value)) else str(scalar(value)).strip().lower()
    return app.language(text)


@dataclass
class Table:
    """A range (or a sheet's block of cells) read as a table: the same reading as ``tierkit apply``."""

    raw: RawTable
    first_row: int  # 1-based row of the first data row (the row below the header)
    n_rows: int  # rows from first_row to the end of the range (blank ones included)
    left_out: Any = None  # the rows left out as not customers (an app.RowReport), once customers_only ran

    @property
    def frame(self) -> pd.DataFrame:
        return self.raw.frame


def table_from_rows(rows: Rows, what: str = msg("table"), *, header_row: int | None = 1, first_row: int = 1,
                    name: str = msg("range"), sheet: str | None = None) -> Table:
    """A range with its header row (``header_row`` None: detected, a title line above it skipped)."""
    raw = app.table_from_cells(rows, name=name, sheet=sheet, header_row=header_row, first_row=first_row, what=what)
    data_start = raw.header_row + 1
    return Table(raw=raw, first_row=data_start, n_rows=first_row + len(rows) - data_start)


# --------------------------------------------------------------------------- rule sets

@dataclass(frozen=True)
class ServerPolicy:
    """What a request may name when ``tierkit serve`` runs a call: rule sets only by name (built-in, the
    ``--rules-dir`` folder, the workbook's own sheets or ranges), briefs only in ``briefs_dir``, tables up
    to ``max_cells`` cells.  The classic desktop path runs without one and keeps rule-set paths."""

    briefs_dir: Path
    rules_dir: Path | None = None
    max_cells: int = 2_000_000


_POLICY: contextvars.ContextVar[ServerPolicy | None] = contextvars.ContextVar("tierkit_server_policy", default=None)
_PLAIN_NAME = re.compile(r"^[^\W][\w-]{0,63}$")
REFUSED = msg("a rule set is a built-in name, a name from the server's rules folder, or a sheet or range of this "
              "workbook")


def server_policy() -> ServerPolicy | None:
    """The policy of the server call running now, or None (classic desktop, tests, the CLI)."""
    return _POLICY.get()


@contextmanager
def serving(policy: ServerPolicy) -> Iterator[None]:
    """Run the calls inside under ``policy`` (the server wraps every function and script call)."""
    token = _POLICY.set(policy)
    try:
        yield
    finally:
        _POLICY.reset(token)


def error_id() -> str:
    """A short id that a user's error line quotes and the server log holds with the details."""
    return secrets.token_hex(4)


def check_cells(rows: Rows | int, what: str = msg("table")) -> None:
    """Refuse, on the server, a table (its rows, or its cell count) over the policy's cell count."""
    policy = server_policy()
    if policy is None:
        return
    cells = rows if isinstance(rows, int) else sum(map(len, rows))
    if cells > policy.max_cells:
        raise TierkitError(
            msg(
                "the {what} has {cells:,} cells; this server takes up to {max_cells:,}",
                what=what,
                cells=cells,
                max_cells=policy.max_cells,
            ),
            hint=msg("select a smaller range, or ask for the server's --max-cells to be raised"),
        )


def _named_ruleset(text: str, policy: ServerPolicy) -> RuleSet:
    """A rule set by a plain name only: the server's rules folder first, then the built-in library."""
    if not _PLAIN_NAME.match(text):
        raise TierkitError(REFUSED)
    if policy.rules_dir is not None:
        for suffix in (".yaml", ".yml"):
            path = policy.rules_dir / f"{text}{suffix}"
            if path.is_file():
                try:
                    return load_named(str(path))
                except TierkitError as err:
                    ref = error_id()
                    log.error("tierkit add-in [%s]: rule set %r of the rules folder: %s", ref, text, err)
                    raise TierkitError(
                        msg("rule set '{text}' on the server has an error (server log id {ref})", text=text, ref=ref)
                    ) from None
    if text in tierkit.builtin_names():
        return load_named(text)
    raise TierkitError(msg("no rule set named '{text}'", text=text), hint=REFUSED)


def resolve_ruleset(spec: Any, sheet_rows: dict[str, Rows] | None = None) -> RuleSet:
    """``rfm``, a path to a YAML file, ``sheet:NAME`` or the name of a sheet holding a rules table, or a
    range holding one.  On the server (see ``ServerPolicy``) a name only: never a path."""
    rows = as_rows(spec)
    if len(rows) > 1 or (rows and len(rows[0]) > 1):
        check_cells(rows, msg("rules range"))
        return app.rules_from_rows(rows)
    text = "" if not rows or blank(rows[0][0]) else str(rows[0][0]).strip()
    sheets = {k.casefold(): v for k, v in (sheet_rows or {}).items()}

    def sheet(name: str) -> Rows | None:
        return sheets.get(name.strip().casefold())

    policy = server_policy()
    if policy is not None and text and app.rules_sheet_name(text) is None and sheet(text) is None:
        return _named_ruleset(text, policy)
    return app.load_rules(text, sheet_rows=sheet, workbook="the workbook", bare_sheet_names=True)


def customers_only(table: Table, rs: RuleSet) -> Table:
    """The table without total/subtotal lines, repeated headers and notes, as ``tierkit apply`` reads it (their
    cells stay blank in the spilled result)."""
    kept, left_out = app.customer_rows(table.raw, [rs])
    return Table(raw=kept, first_row=table.first_row, n_rows=table.n_rows, left_out=left_out)


def classify(rs: RuleSet, table: Table, as_of: Any = None) -> tierkit.Classification:
    if table.frame.empty:
        raise TierkitError(msg("the table has a header row but no data rows"))
    source = app.table_source(table.raw, other_sheets=False)
    return tierkit.classify(rs, table.frame, as_of=parse_as_of(as_of), source=source)


def parse_as_of(value: Any) -> dt.date | None:
    return app.parse_as_of(scalar(value), what=msg("as of"))


def spread(values: Sequence[Any], table: Table, fill: Any = "") -> list[Any]:
    """Per data row of the range (blank rows included): the value of its frame row, or ``fill``."""
    return app.spread(values, table.raw, n_rows=table.n_rows, first_row=table.first_row, fill=fill)


# --------------------------------------------------------------------------- functions


#: classifications of the TIER/TIER_ID/TIER_REASON tables, and the columns they spilled (see addin/cache.py)
CLASSIFICATIONS: SharedLRU[Any] = SharedLRU(max_entries=16, max_weight=4_000_000)


def tier_values(rule_set: Any, table: Any, what: str, lang: Any = None) -> Rows:
    """The spilled column of ``what`` (label, id or reason) for a table: the classification is shared
    by the three functions over the same cells and rule set (one classification, see ``CLASSIFICATIONS``)."""
    rs = resolve_ruleset(rule_set)
    cells = as_rows(table)
    check_cells(cells)
    code = lang_of(lang) if what != "id" else ""
    table_key = cells_key(cells)
    weight = sum(map(len, cells))

    def classified() -> tuple[Table, tierkit.Classification]:
        # the range's name is in the call's language: a cell that cannot be read is reported against it
        t = customers_only(table_from_rows(cells, name=tr(error_lang(lang), "range")), rs)
        return t, classify(rs, t)

    def spilled(t: Table, res: tierkit.Classification) -> Rows:
        values = {"label": lambda: res.labels(code), "id": res.tier_ids, "reason": lambda: res.reasons(code)}[
            what
        ]()
        return column(cell_values(spread(values, t)))

    if table_key is None:
        return spilled(*classified())
    key = (table_key, rules_key(rs), today())
    t, res = CLASSIFICATIONS.get(key, classified, weight)
    # returned as cached: xlwings (and the COM bridge) build their own lists from it
    return CLASSIFICATIONS.get((*key, what, code), lambda: spilled(t, res), len(cells))


def _split_header(cols: list[list[Any]]) -> tuple[bool, list[list[Any]]]:
    """If the first cell of every column is text that is not a number, it is a header row."""

    def is_header(v: Any) -> bool:
        if not isinstance(v, str) or blank(v):
            return False
        try:
            number(v)
            return False
        except ValueError:
            return True

    if cols and cols[0] and all(c and is_header(c[0]) for c in cols):
        return True, [c[1:] for c in cols]
    return False, cols


def rfm_scores(recency: Any, frequency: Any, monetary: Any) -> Rows:
    """R, F and M scores as a 3-digit number per row, by the rfm rule set's own ``quantile_score`` features
    (bins, direction, customers with no orders left unscored).  Rows with a blank cell are not scored and
    do not count in the quantiles."""
    cols = [as_column(recency), as_column(frequency), as_column(monetary)]
    if len({len(c) for c in cols}) != 1:
        raise TierkitError(
            msg("recency, frequency and monetary have {value} cells", value=listing(str(len(c)) for c in cols)),
            hint=msg("give three ranges of the same length"),
        )
    header, cols = _split_header(cols)
    r, f, m = (numbers(c, name) for c, name in zip(cols, ("recency", "frequency", "monetary"), strict=True))
    present = r.notna() & f.notna() & m.notna()
    # Recency is days since the last order (fewer is better).  Values that all look like Excel date
    # serials (> 10000, i.e. after 1927) are last-order dates instead: days before the latest of them.
    if present.any() and bool((r[present] > 10000).all()):
        r = r[present].max() - r
    rs = load_named("rfm")
    frame = pd.DataFrame({"recency_days": r, "frequency": f, "revenue": m})
    frame.loc[~present] = np.nan
    scored, _ = apply_features(frame, rs.features, fields=rs.fields, source=rs.display_path)
    parts = scored[["r_score", "f_score", "m_score"]]
    ok = parts.notna().all(axis=1).to_numpy()
    code = (parts["r_score"] * 100 + parts["f_score"] * 10 + parts["m_score"]).fillna(0).to_numpy(dtype="int64")
    out: list[Any] = [int(c) if k else "" for c, k in zip(code, ok, strict=True)]
    return column((["RFM"] if header else []) + out)


def pareto_shares(values: Any) -> tuple[bool, pd.Series]:
    header, (col,) = _split_header([as_column(values)])
    return header, _pareto_share(numbers(col, "values"))


def pareto_column(values: Any) -> Rows:
    header, shares = pareto_shares(values)
    out: list[Any] = shares.astype(object).where(shares.notna(), "").tolist()
    return column((["Pareto share"] if header else []) + out)


def abc_column(values: Any, a_share: Any = None, b_share: Any = None) -> Rows:
    """A/B/C per row: the abc rule set classifies the values, its cut-offs overridden by the arguments."""
    rs = load_named("abc")
    # A blank cell given for a share (or one Office.js sent as 0) means the rule file's cut-off.
    a = number(scalar(a_share)) or float(rs.params["a_cutoff"])
    b = number(scalar(b_share)) or float(rs.params["b_cutoff"])
    if not 0 < a < b <= 1:
        raise TierkitError(
            msg("a_share {a:g} and b_share {b:g} must satisfy 0 < a_share < b_share <= 1", a=a, b=b),
            hint=msg("b_share is cumulative: 0.95 = A and B together bring 95%"),
        )
    header, (col,) = _split_header([as_column(values)])
    measure = numbers(col, "values")
    present = measure.notna().to_numpy()
    out = np.full(len(measure), "", dtype=object)
    if present.any():
        frame = pd.DataFrame({rs.measure or "revenue": measure[present].to_numpy()})
        res = tierkit.classify(rs.with_params({"a_cutoff": a, "b_cutoff": b}), frame)
        out[present] = res.tier_ids()
    return column((["ABC"] if header else []) + out.tolist())


def rules_table(rule_set: Any, lang: Any = None) -> Rows:
    rs = resolve_ruleset(rule_set)
    code = lang_of(lang)
    rows: Rows = [[trc(code, "rules table", "id"), trc(code, "rules table", "label"), trc(code, "rules table", "when"),
                   trc(code, "rules table", "strategy")]]
    for seg in rs.segments:
        if seg.default:
            when = tr(code, "otherwise (default)")
        else:
            when = describe(rs, seg.when or "", code)
        strategies = "; ".join(s.get(code) for s in seg.strategies)
        rows.append([seg.id, seg.label.get(code), when, strategies])
    return rows


def describe(rs: RuleSet, when: str, lang: str) -> str:
    """A condition in plain words, falling back to the expression itself."""
    try:
        import rule_engine

        labels = {name: f.display(lang) for name, f in rs.fields.items() if f.label}
        context = rule_engine.Context(default_value=None)
        return tierkit.describe_when(rule_engine.Rule(when, context=context).statement, lang, labels, rs.params,
                                     rs.fields)
    except Exception:
        return when


# --------------------------------------------------------------------------- errors


def error_message(err: BaseException, lang: str = "en") -> str:
    """One readable line for a cell or an alert, in ``lang``: never a stack trace, never an unexpected
    error's text (that goes to the log, under the id the line quotes)."""
    if isinstance(err, TierkitError):
        return err.render(lang)
    ref = error_id()
    log.error("tierkit add-in [%s]: unexpected error", ref, exc_info=err)
    return tr(lang, "unexpected error (server log id {ref})", ref=ref)


def error_lang(value: Any) -> str:
    """The language an error is shown in: ``value`` (a function's or button's ``lang``) when it names one,
    else English; never raises (the error about the language itself is the one being shown)."""
    try:
        return lang_of(value) if value is not None else "en"
    except Exception:
        return "en"


def cell_error(err: BaseException, lang: str = "en") -> Rows:
    return [[f"tierkit: {error_message(err, lang)}"]]
