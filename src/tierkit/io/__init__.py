"""Reading tables from workbooks, CSV and parquet; writing the tier columns back losslessly."""

from __future__ import annotations

from .atomic import atomic_write, same_file
from .flat import escape_formula
from .formats import FORMATS, Format, default_output, format_of, supported
from .read import list_sheets, read_table
from .table import (
    SUMMARY_SHEET,
    NewColumn,
    RawTable,
    SummaryTable,
    column_index,
    column_letter,
    is_summary_sheet,
    summary_sheet_name,
)
from .write import write_output

__all__ = [
    "FORMATS",
    "SUMMARY_SHEET",
    "Format",
    "NewColumn",
    "RawTable",
    "SummaryTable",
    "atomic_write",
    "column_index",
    "column_letter",
    "default_output",
    "escape_formula",
    "format_of",
    "is_summary_sheet",
    "list_sheets",
    "read_table",
    "same_file",
    "summary_sheet_name",
    "supported",
    "write_output",
]
