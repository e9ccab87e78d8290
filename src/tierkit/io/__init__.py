"""Reading tables from workbooks, CSV and parquet; writing the tier columns back losslessly."""

from __future__ import annotations

from .read import SUMMARY_SHEET, list_sheets, read_table
from .table import NewColumn, RawTable, SummaryTable, column_index, column_letter
from .write import escape_formula, write_output

__all__ = [
    "SUMMARY_SHEET",
    "NewColumn",
    "RawTable",
    "SummaryTable",
    "column_index",
    "column_letter",
    "escape_formula",
    "list_sheets",
    "read_table",
    "write_output",
]
