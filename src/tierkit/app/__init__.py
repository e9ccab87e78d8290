"""The application layer: what every adapter (the CLI, the briefs, the Excel add-in, the trainer kit)
does the same way, done once.

* open a table from a file and sheet, or from Excel's cells (:func:`open_table`, :func:`table_from_cells`),
  with the same header detection and row numbers, and :func:`table_source` for cell-addressed errors;
* read what users type: :func:`parse_as_of`, :func:`parse_params`;
* resolve rule sets from names, YAML files, ``sheet:NAME`` and cell ranges (:func:`resolve_rules`);
* classify and name the tier columns (:func:`tier_columns`), take tiers given in a tiered file
  (:func:`with_given_tiers`), and write a tiered copy (:func:`apply_rulesets`).

The adapters import this package and the public :mod:`tierkit` API, nothing below them (an
import-linter contract in CI keeps it so).
"""

from __future__ import annotations

from ..check import GapOverlap, check_data, check_static, gaps_and_overlaps, show_ruleset
from ..features import apply_features, pareto_share
from ..io import RawTable, column_index, column_letter, default_output
from ..values import id_key, id_keys, parse_date, parse_number
from .apply import (
    ApplyResult,
    about_table,
    apply_rulesets,
    crosstab_table,
    customer_rows,
    customer_table,
    data_notes_table,
    id_header,
    measure_headers,
    summary_tables,
)
from .columns import (
    GivenTiers,
    TierColumns,
    all_generic,
    tier_columns,
    tier_headers,
    tier_id_header,
    with_given_tiers,
    without_tier_columns,
)
from .inputs import (
    language,
    load_named,
    load_rules,
    parse_as_of,
    parse_params,
    resolve_rules,
    rules_from_rows,
    rules_sheet_name,
    trim,
    workbook_sheet_rows,
)
from .inspect import DataReport, inspect_table
from .rows import RowReport, clean_rows, spread_rows
from .shapes import ShapeReport, choose_table
from .tables import (
    NOT_DATA_SHEETS,
    blank,
    choose_sheet,
    open_table,
    sheet_arg,
    spread,
    table_from_cells,
    table_source,
)

__all__ = [
    "NOT_DATA_SHEETS",
    "ApplyResult",
    "DataReport",
    "GapOverlap",
    "GivenTiers",
    "RawTable",
    "RowReport",
    "ShapeReport",
    "TierColumns",
    "about_table",
    "all_generic",
    "apply_features",
    "apply_rulesets",
    "blank",
    "check_data",
    "check_static",
    "choose_sheet",
    "choose_table",
    "clean_rows",
    "column_index",
    "column_letter",
    "crosstab_table",
    "customer_rows",
    "customer_table",
    "data_notes_table",
    "default_output",
    "gaps_and_overlaps",
    "id_header",
    "id_key",
    "id_keys",
    "inspect_table",
    "language",
    "load_named",
    "load_rules",
    "measure_headers",
    "open_table",
    "pareto_share",
    "parse_as_of",
    "parse_date",
    "parse_number",
    "parse_params",
    "resolve_rules",
    "rules_from_rows",
    "rules_sheet_name",
    "sheet_arg",
    "show_ruleset",
    "spread",
    "spread_rows",
    "summary_tables",
    "table_from_cells",
    "table_source",
    "tier_columns",
    "tier_headers",
    "tier_id_header",
    "trim",
    "with_given_tiers",
    "without_tier_columns",
    "workbook_sheet_rows",
]
