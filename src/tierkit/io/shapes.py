"""Where the table sits on a sheet: Excel Tables (ListObjects), several tables side by side or one
under another, and header rows with merged cells.

Everything here works on the sheet's cells as one 2-D object array (blank cells are ``""``), with
sheet coordinates kept 1-based; the reader (:mod:`tierkit.io.read`) turns each region found into a
:class:`~tierkit.io.table.RawTable`.

Rules (documented in the user guide's "Table shapes"):

* **Excel Tables.**  A sheet's ListObject is read by its own range: the header is its first row
  (``headerRowCount="0"``: the table's column names), the data runs to its last row, and a totals row
  (``totalsRowCount`` > 0) is left out and reported.
* **Several tables.**  A sheet is cut along fully blank columns, then fully blank rows.  A part is a
  table of its own when it has a header row (mostly text, as :func:`~tierkit.io.header.detect_header`
  finds it; distinct texts, none a number typed as text) with at least one column whose cells below
  are mostly numbers or dates, and (below another table) a header different from that table's.
  Anything else between blank rows (a title, more data after a blank row, a totals or notes line, a
  repeated header) stays with the table next to it.  Two parts side by side with the same header row,
  where the rows one fills below it are among the rows the other fills, are one table with blank
  spacer columns (e.g. tier columns written after a gap; read as one wide table, which keeps every
  field).  When not every part is a table, the sheet is read as one table, as before.
* **Merged header cells.**  A header cell covered by a merge takes the merge's text.  A header of two
  rows (a group cell merged across columns over sub-headers, e.g. ``销售`` over ``金额``/``数量``) reads
  as ``"销售 金额"``/``"销售 数量"``; a cell merged down both rows reads as its own text.  Two rows are a
  header when the lower row holds text only under the group merges (or under cells merged down both
  rows), and the upper row is no title (one merge across the whole width).  Merges in the data rows
  are not filled.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import ooxml
from .header import SCAN_ROWS, detect_header, header_text
from .sheetscan import Merge
from .table import column_index, column_letter

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")
_MAX_DEPTH = 6
_NUMBER_TEXT = re.compile(r"[\s\d.,%+\-()¥$€£]*")   # a header of its own is no number typed as text


@dataclass(frozen=True)
class Region:
    """A rectangle of sheet cells, 1-based and inclusive."""

    r0: int
    c0: int
    r1: int
    c1: int

    @property
    def ref(self) -> str:
        return f"{column_letter(self.c0)}{self.r0}:{column_letter(self.c1)}{self.r1}"

    def overlaps(self, other: Region) -> bool:
        return not (other.r1 < self.r0 or other.r0 > self.r1 or other.c1 < self.c0 or other.c0 > self.c1)

    @classmethod
    def parse(cls, ref: str) -> Region | None:
        """``"B3:F20"`` (or one cell ``"B3"``, ``$`` allowed) -> Region; None when it is no range."""
        m = _REF.match(ref.strip())
        if m is None:
            return None
        c0, r0 = column_index(m.group(1)), int(m.group(2))
        c1, r1 = (column_index(m.group(3)), int(m.group(4))) if m.group(3) else (c0, r0)
        if min(r0, r1) < 1:
            return None
        return cls(min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))


@dataclass(frozen=True)
class ListObject:
    """An Excel Table on a sheet (``xl/tables/tableN.xml``)."""

    name: str
    region: Region
    header_rows: int = 1
    totals_rows: int = 0
    filtered: bool = False
    columns: tuple[str, ...] = ()


def list_objects(zf: zipfile.ZipFile, sheet_part: str, rids: Sequence[str]) -> list[ListObject]:
    """The Excel Tables a sheet refers to with ``<tablePart r:id=...>`` (unreadable ones are skipped)."""
    if not rids:
        return []
    rels = {r.id: r for r in ooxml.read_rels(zf, sheet_part)}
    out: list[ListObject] = []
    for rid in rids:
        rel = rels.get(rid)
        if rel is None or rel.external:
            continue
        try:
            root = ET.fromstring(zf.read(ooxml.resolve(sheet_part, rel.target)))
        except (KeyError, ET.ParseError):
            continue
        region = Region.parse(root.get("ref", ""))
        if region is None:
            continue
        filtered = any(el.tag.rsplit("}", 1)[-1] == "filterColumn" for el in root.iter())
        columns = tuple(el.get("name", "") for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "tableColumn")
        out.append(ListObject(root.get("displayName") or root.get("name") or rid, region,
                              _int(root.get("headerRowCount"), 1), _int(root.get("totalsRowCount"), 0),
                              filtered, columns))
    return out


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# --------------------------------------------------------------------------- several tables on a sheet

def _runs(any_: object) -> list[tuple[int, int]]:
    """Runs of True in a 1-D bool array as (start, stop) pairs."""
    mask = np.asarray(any_, dtype=bool)
    if not mask.any():
        return []
    d = np.diff(np.concatenate(([0], mask.view(np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _numberish(v: object) -> bool:
    """A number or date, or a number typed as text (CSV cells, ``"1,234.50"``)."""
    if isinstance(v, str):
        return bool(v.strip()) and _NUMBER_TEXT.fullmatch(v) is not None and any(ch.isdigit() for ch in v)
    return isinstance(v, int | float | dt.date | dt.datetime | dt.time | dt.timedelta) and not isinstance(v, bool)


def _table_header(cells: np.ndarray) -> int | None:
    """Index of the header row of ``cells`` when they look like a table of their own: a header row of
    distinct texts (none of them a number typed as text), and a column whose cells below it are mostly
    numbers or dates; else None."""
    head = cells[:SCAN_ROWS].tolist()
    h = detect_header(head)
    if h is None or h + 1 >= cells.shape[0]:
        return None
    texts = [header_text(v) for v in cells[h].tolist()]
    named = [x.casefold() for x in texts if x]
    if (any(not isinstance(v, str) for v in cells[h].tolist() if v != "") or len(set(named)) < len(named)
            or any(_NUMBER_TEXT.fullmatch(x) for x in named) or (len(named) < 2 and cells.shape[1] > 1)):
        return None
    header = cells[h]
    below = cells[h + 1:h + 1 + 200]
    for j in range(cells.shape[1]):
        col = [v for v in below[:, j].tolist() if v != ""]
        if col and sum(map(_numberish, col)) * 2 > len(col) and header[j] != "":
            return h
    return None


def _header_key(cells: np.ndarray, h: int) -> tuple[str, ...]:
    return tuple(header_text(v) for v in cells[h].tolist())


def find_blocks(cells: np.ndarray, filled: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The tables on a sheet, as (row start, row stop, col start, col stop) slices of ``cells``, in reading
    order (top to bottom, then left to right).  One block (the filled area) when the sheet holds one table."""
    out = _split(cells, filled, 0, cells.shape[0], 0, cells.shape[1], 0)
    return sorted(out, key=lambda b: (b[0], b[2]))


def _split(cells: np.ndarray, filled: np.ndarray, i0: int, i1: int, j0: int, j1: int,
           depth: int) -> list[tuple[int, int, int, int]]:
    sub = filled[i0:i1, j0:j1]
    rows, cols = _runs(sub.any(axis=1)), _runs(sub.any(axis=0))
    if not rows:
        return []
    i0, i1, j0, j1 = i0 + rows[0][0], i0 + rows[-1][1], j0 + cols[0][0], j0 + cols[-1][1]
    whole = [(i0, i1, j0, j1)]
    if depth >= _MAX_DEPTH:
        return whole
    if len(cols) > 1:
        parts = _side_by_side(cells, filled, i0, i1, [(j0 + a, j0 + b) for a, b in
                                                      _runs(filled[i0:i1, j0:j1].any(axis=0))])
        if len(parts) > 1:
            return [b for a, b2 in parts for b in _split(cells, filled, i0, i1, a, b2, depth + 1)]
    rows = [(i0 + a, i0 + b) for a, b in _runs(filled[i0:i1, j0:j1].any(axis=1))]
    if len(rows) > 1:
        groups = _one_under_another(cells, rows, j0, j1)
        if len(groups) > 1:
            return [b for a, b2 in groups for b in _split(cells, filled, a, b2, j0, j1, depth + 1)]
    return whole


def _side_by_side(cells: np.ndarray, filled: np.ndarray, i0: int, i1: int,
                  bands: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Column bands that are tables of their own; [] unless every band is one.  Neighbours with the same
    header row, one's filled rows below it among the other's, are one table with blank spacer columns
    (e.g. tier columns written after a gap)."""
    heads: list[tuple[int, np.ndarray]] = []
    for a, b in bands:
        piece_rows = _runs(filled[i0:i1, a:b].any(axis=1))
        top = i0 + piece_rows[0][0]
        h = _table_header(cells[top:i1, a:b])
        if h is None:
            return []
        heads.append((top + h, np.asarray(filled[i0:i1, a:b].any(axis=1), dtype=bool)))
    merged: list[tuple[int, int]] = [bands[0]]
    for k in range(1, len(bands)):
        (h1, rows1), (h2, rows2) = heads[k - 1], heads[k]
        below = np.arange(i0, i1) >= h1
        if h1 == h2 and (not (rows1 & ~rows2 & below).any() or not (rows2 & ~rows1 & below).any()):
            merged[-1] = (merged[-1][0], bands[k][1])
        else:
            merged.append(bands[k])
    return merged


def _one_under_another(cells: np.ndarray, bands: list[tuple[int, int]], j0: int,
                       j1: int) -> list[tuple[int, int]]:
    """Row bands grouped into tables: a band that is no table of its own (or repeats the header above)
    joins the table above it; bands before the first table join that table."""
    groups: list[list[int]] = []     # [start, stop, header key index]
    keys: list[tuple[str, ...]] = []
    pending: int | None = None       # start of leading bands that are no table (a title)
    for a, b in bands:
        piece = cells[a:b, j0:j1]
        h = _table_header(piece)
        key = _header_key(piece, h) if h is not None else None
        if key is not None and (not keys or key != keys[-1]):
            groups.append([a if pending is None else pending, b])
            keys.append(key)
            pending = None
        elif groups:
            groups[-1][1] = b
        elif pending is None:
            pending = a
    return [(g[0], g[1]) for g in groups]


# --------------------------------------------------------------------------- merged header cells

@dataclass(frozen=True)
class MergedHeader:
    """The header after merges: the 0-based row of ``cells`` that holds it (its texts written in), the rows
    it spans and the columns whose text came from a merge."""

    row: int
    rows: tuple[int, ...]
    columns: tuple[int, ...]


def merge_header(cells: np.ndarray, h: int, merges: Sequence[Merge], row0: int, col0: int) -> MergedHeader:
    """Write merged texts into the header row ``h`` of ``cells`` (top-left cell at sheet row0/col0) and
    tell which rows and columns the header took; see the module's rules."""
    width = cells.shape[1]
    local = [(r0 - row0, c0 - col0, r1 - row0, c1 - col0) for r0, c0, r1, c1 in merges
             if r1 >= row0 and c1 >= col0 and r0 < row0 + cells.shape[0] and c0 < col0 + width]

    def value(i: int, j: int) -> object:
        for a, b, c, d in local:
            if a <= i <= c and b <= j <= d:
                return cells[a, b] if a >= 0 and b >= 0 else ""
        return cells[i, j]

    def down(t: int, j: int) -> bool:   # merged down over rows t and t+1
        return any(a <= t and c >= t + 1 and b <= j <= d for a, b, c, d in local)

    for t in (h, h - 1):
        if t < 0 or t + 1 >= cells.shape[0]:
            continue
        groups = [(b, d) for a, b, c, d in local if a == c == t and d > b]
        if not groups:
            continue
        under = {j for b, d in groups for j in range(max(b, 0), min(d, width - 1) + 1)}
        sub = cells[t + 1]
        ok = all(sub[j] == "" or (isinstance(sub[j], str) and (j in under or down(t, j))) for j in range(width))
        if not ok or not all(isinstance(sub[j], str) and sub[j] != "" for j in under):
            continue
        if len(groups) < 2 and not any(j not in under and value(t, j) != "" for j in range(width)):
            continue   # one merge over the whole width is a title above the header, not a group cell
        changed = []
        for j in range(width):
            top, low = header_text(value(t, j)), header_text(value(t + 1, j))
            name = top if (not low or down(t, j)) else low if not top else f"{top} {low}"
            if name != header_text(cells[t + 1, j]):
                changed.append(j)
            cells[t + 1, j] = name
        return MergedHeader(t + 1, (t, t + 1), tuple(changed))
    changed = []
    for j in range(width):
        v = value(h, j)
        if cells[h, j] == "" and v != "":
            cells[h, j] = v
            changed.append(j)
    return MergedHeader(h, (h,), tuple(changed))
