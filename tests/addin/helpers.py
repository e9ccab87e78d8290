"""Office.js-shaped payloads and remote books for the add-in tests (see conftest.py for the licence key)."""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import tierkit_addin
import xlwings as xw

FIXTURES = Path(__file__).parent / "fixtures"
MINI = str(FIXTURES / "mini.yaml")
EPOCH = dt.date(1899, 12, 30)


def serial(day: str) -> int:
    """An Excel date serial, as Office.js sends dates."""
    return (dt.date.fromisoformat(day) - EPOCH).days


def payload(func_name: str, *args: Any) -> dict[str, Any]:
    """A custom-function call as the Office.js client sends it: every argument a 2-D matrix, omitted
    optional arguments as null, blank cells as ""."""

    def matrix(a: Any) -> Any:
        if a is None:
            return None
        if isinstance(a, list):
            return [row if isinstance(row, list) else [row] for row in a]
        return [[a]]

    return {
        "client": "Office.js",
        "version": xw.__version__,
        "runtime": "1.4",
        "func_name": func_name,
        "args": [matrix(a) for a in args],
        "caller_address": "Office.js[Book1.xlsx]Sheet1!H1",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
    }


def call(func_name: str, *args: Any) -> Any:
    from xlwings.server import custom_functions_call

    return asyncio.run(custom_functions_call(payload(func_name, *args), tierkit_addin))


def book_json(sheets: dict[str, list[list[Any]]], active: int = 0, selection: str = "A1") -> dict[str, Any]:
    """A workbook as the Office.js client sends it to a script (values from A1, blanks as "")."""
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "customers.xlsx", "active_sheet_index": active, "selection": selection},
        "names": [],
        "sheets": [
            {
                "name": name,
                "values": values or [[""]],
                "pictures": [],
                "tables": [],
                "charts": [],
                "shapes": [],
                "notes": [],
            }
            for name, values in sheets.items()
        ],
    }


def run_script(name: str, data: dict[str, Any], *args: str) -> tuple[dict[str, Any], Any]:
    from xlwings.server import custom_scripts_call

    book = xw.Book(json=data)
    book = asyncio.run(
        custom_scripts_call(tierkit_addin, name, typehint_to_value={xw.Book: book}, args=list(args))
    )
    return book.json(), book
