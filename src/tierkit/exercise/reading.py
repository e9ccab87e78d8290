"""Opening what students return: .xlsx/.xlsm with openpyxl (hidden sheet, document properties, data validation),
.ods/.xls (and .xlsx that openpyxl refuses) with calamine, .csv as one sheet.  Every reader gives an openpyxl
workbook, so grading reads all of them the same way."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from ..errors import TierkitError
from ..io.guard import guard_package

#: suffixes read with calamine (LibreOffice's and old Excel's formats)
CALAMINE = (".ods", ".xls", ".xlsb")
CSV = (".csv",)


class Unreadable(Exception):
    """The file is no workbook tierkit can read (``kind``: what it looks like)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class Opened:
    """A returned file as an openpyxl workbook; ``fmt`` is how it was read, ``saved`` the time inside the file."""

    workbook: Any
    fmt: str  #: "xlsx", "calamine" or "csv"
    saved: dt.datetime | None = None


def _kind(path: Path) -> str:
    """What a file that is no workbook looks like (for the trainer's message)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return "unreadable"
    if head.startswith(b"%PDF"):
        return "PDF"
    if not head:
        return "empty"
    return path.suffix.lower().lstrip(".") or "unknown"


def _saved(wb: Any) -> dt.datetime | None:
    """``docProps/core.xml`` ``modified``: when the workbook was last saved, by the program that saved it."""
    try:
        value = wb.properties.modified
    except AttributeError:  # pragma: no cover - no properties
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
    return None


def _from_rows(sheets: list[tuple[str, list[list[Any]], str]]) -> Workbook:
    """An openpyxl workbook holding ``(title, rows, visibility)`` sheets."""
    wb = Workbook()
    first = wb.active
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    if first is not None:
        wb.remove(first)
    return wb


def _calamine(path: Path) -> Workbook:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        states = {m.name: str(m.visible).rsplit(".", 1)[-1].lower() for m in book.sheets_metadata}
        sheets = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            state = states.get(name, "visible")
            sheets.append((name, rows, "veryHidden" if "very" in state else ("hidden" if "hidden" in state
                                                                              else "visible")))
    finally:
        book.close()
    return _from_rows(sheets)


def _csv(path: Path) -> Workbook:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[_csv_value(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    return _from_rows([(path.stem[:31] or "Sheet1", rows, "visible")])


def _csv_value(text: str) -> Any:
    """A CSV cell: a number where it reads as one (so amounts hash as the workbook's did), else the text."""
    stripped = text.strip()
    try:
        number = float(stripped.replace(",", "")) if stripped else None
    except ValueError:
        return text
    if number is None:
        return None
    return int(number) if number.is_integer() and "." not in stripped else number


def open_returned(path: Path) -> Opened:
    """Open a returned file, or raise :class:`Unreadable`."""
    suffix = path.suffix.lower()
    if suffix in CSV:
        try:
            return Opened(_csv(path), "csv")
        except (OSError, csv.Error, UnicodeDecodeError) as err:
            raise Unreadable("csv") from err
    try:
        guard_package(path)  # openpyxl and calamine inflate every part themselves, trusting the zip headers
    except TierkitError as err:
        raise Unreadable(_kind(path)) from err
    if suffix not in CALAMINE:
        try:
            wb = load_workbook(path, data_only=True)
            return Opened(wb, "xlsx", _saved(wb))
        except Exception:
            pass
    try:
        return Opened(_calamine(path), "calamine")
    except Exception as err:
        raise Unreadable(_kind(path)) from err
