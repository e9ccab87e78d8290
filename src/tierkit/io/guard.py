"""Limits for readers that inflate a whole package themselves (openpyxl, for the trainer kit's returned
workbooks): every check tierkit's own reader makes before calamine, over every worksheet."""

from __future__ import annotations

import zipfile
from pathlib import Path

from .extent import sheet_extent
from .limits import check_extent, check_package
from .zipio import guard_for_calamine


def guard_package(path: str | Path) -> None:
    """Raise a :class:`~tierkit.errors.InputFileError` (a ZipBombError or SheetTooLargeError) when any part
    of the workbook at ``path`` breaks the limits of :mod:`tierkit.io.limits`: declared and true inflated
    sizes, the number of shared strings, and how far each worksheet's cells reach.  A file that is not a
    zip package passes: the reader that follows reports it in its own words."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return            # not a zip package: the caller's own reader says what it is
    with zf:
        check_package(path, zf)
        guard_for_calamine(path, zf)
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                extent = sheet_extent(path, info)
                check_extent(path, info.filename, extent.last_row, extent.last_col)
