"""Resource limits for reading zip packages, in the spirit of Apache POI's ``ZipSecureFile``.

Every part of an .xlsx is checked from the central directory before anything inflates it (tierkit's
own readers or python-calamine): its declared inflated size against a ratio to its compressed size
and against an absolute cap.  Zip headers can lie, so tierkit's streaming reader also counts what it
really inflates (:func:`tierkit.io.zipio.iter_member`), and a part calamine would inflate that *could*
exceed the cap whatever its header says (deflate expands at most ~1032:1) is inflated first in a
bounded streaming pass that stops at its declared size.

Defaults, overridable by environment variables:

* ``TIERKIT_MAX_INFLATE_RATIO`` (100): POI's default.  Real workbooks measure 4-13:1, including
  sheets of 200,000 identical rows written by xlsxwriter or openpyxl, so 100 leaves a wide margin.
  Parts under 1 MiB inflated are not held to the ratio (tiny parts compress oddly).
* ``TIERKIT_MAX_PART_BYTES`` (1 GiB): no single part inflates beyond this, so reading stays well
  under 2 GB of memory; a 1,000,000-row sheet of ten columns is about 400 MB of XML.
* ``TIERKIT_MAX_CELLS`` (9,437,184 = 1,048,576 rows x 9 columns): the area from A1 to the last row and
  column a sheet's cells reach (also the most shared strings, and the cells of a CSV or parquet file).
  calamine allocates that grid whole (32 bytes a cell), so cells at A1 and XFD1048576 alone would ask
  for 512 GB.  A real 1,000,000 x 8 table peaks near 1.1 GB and 15-22 s of CPU through ``apply`` on
  this 2-core machine, so 9.4 million cells keeps a run near the 2 GB / 30 s bound.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from tierkit.errors import InputFileError, Where, display_path, msg

MAX_INFLATE_RATIO = 100.0
MAX_PART_BYTES = 1 << 30
MAX_CELLS = 9 << 20
RATIO_FROM_BYTES = 1 << 20   # parts smaller than this inflated are not held to the ratio
DEFLATE_MAX_RATIO = 1032     # the most raw deflate can expand
HARMLESS_BYTES = 64 << 20    # a part that cannot inflate past this is not worth a verifying pass


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InputFileError(msg("{name}={raw!r} is not a number", name=name, raw=raw),
                             hint=msg("unset it or give a number (default {default:g})", default=default)) from None
    if value <= 0:
        raise InputFileError(
            msg("{name}={raw!r} must be more than 0", name=name, raw=raw),
            hint=msg("unset it (default {default:g})", default=default),
        )
    return value


def max_ratio() -> float:
    return _env_number("TIERKIT_MAX_INFLATE_RATIO", MAX_INFLATE_RATIO)


def max_part_bytes() -> int:
    return int(_env_number("TIERKIT_MAX_PART_BYTES", MAX_PART_BYTES))


def max_cells() -> int:
    return int(_env_number("TIERKIT_MAX_CELLS", MAX_CELLS))


class ZipBombError(InputFileError):
    """A zip part inflates (or says it inflates) beyond the limits."""


def bomb(path: str | os.PathLike[str], part: str, detail: str) -> ZipBombError:
    return ZipBombError(msg("part {part} {detail}; refusing to read it (a zip bomb?)", part=part, detail=detail),
                        where=Where(file=display_path(Path(path))),
                        hint=msg("if the workbook is genuine, raise the limit with TIERKIT_MAX_INFLATE_RATIO or "
                             "TIERKIT_MAX_PART_BYTES (see README, Limits)"))


def check_declared(path: str | os.PathLike[str], info: zipfile.ZipInfo) -> None:
    """Refuse ``info`` when its declared sizes break the ratio or the absolute cap."""
    cap, ratio = max_part_bytes(), max_ratio()
    if info.file_size > cap:
        raise bomb(path, info.filename, msg("would inflate to {size:,} bytes, over the cap of {cap:,}",
                                            size=info.file_size, cap=cap))
    if info.file_size >= RATIO_FROM_BYTES and info.file_size > ratio * max(info.compress_size, 1):
        raise bomb(path, info.filename, msg("would inflate {times:,.0f} times its compressed size ({packed:,} bytes), "
                                            "over the ratio of {ratio:g}:1", ratio=ratio, packed=info.compress_size,
                                            times=info.file_size / max(info.compress_size, 1)))


def check_package(path: str | os.PathLike[str], zf: zipfile.ZipFile) -> None:
    """Check every part of an open package from its central directory (cheap: no inflating)."""
    for info in zf.infolist():
        check_declared(path, info)


def may_lie(info: zipfile.ZipInfo) -> bool:
    """Could this part, whatever its header says, inflate to a harmful size beyond what it declares?
    (A lying sharedStrings part of one compressed megabyte holds 60 million strings.)"""
    return info.compress_type != zipfile.ZIP_STORED and \
        info.compress_size * DEFLATE_MAX_RATIO > max(info.file_size, HARMLESS_BYTES)


class SheetTooLargeError(InputFileError):
    """A sheet's cells reach further than the cell limit."""


def check_extent(path: str | os.PathLike[str], sheet: str, rows: int, cols: int) -> None:
    """Refuse a sheet whose grid from A1 to its last referenced row and column is over the cell limit."""
    cap = max_cells()
    if rows * cols > cap:
        raise SheetTooLargeError(
            msg(
                "the sheet's cells reach row {rows:,} and column {cols:,} ({value:,} cells from A1), over the limit "
                "of {cap:,}; refusing to read it",
                rows=rows,
                cols=cols,
                value=rows * cols,
                cap=cap,
            ),
            where=Where(file=display_path(Path(path)), sheet=sheet),
            hint=msg(
                "delete stray cells far below or right of the table (Ctrl+End shows the last one), or raise "
                "the limit with TIERKIT_MAX_CELLS (see README, Limits)"
            ),
        )
