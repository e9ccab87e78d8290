"""How far a worksheet's cells reach, found while its XML streams past, before calamine reads it.

calamine builds a dense grid from the first to the last cell it finds, so two cells at A1 and
XFD1048576 make it allocate 17 billion cells (512 GB) and abort the process.  :class:`Extent` follows
the largest row and column of every ``r="..."`` reference (a cell's or a row's), vectorised with numpy
over each inflated block: about 3 ms per MB of XML, against about 25 ms per MB for calamine's read.
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

_R, _EQ, _QUOTE = ord("r"), ord("="), ord('"')
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 13, 32]] = True
_UPPER = np.zeros(256, dtype=bool)
_UPPER[ord("A"):ord("Z") + 1] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0"):ord("9") + 1] = True
_MAX_LETTERS, _MAX_DIGITS = 3, 7     # XFD, 1048576
_LT, _C, _O, _W, _SP = ord("<"), ord("c"), ord("o"), ord("w"), ord(" ")
_END = _SPACE.copy()                 # what may follow an element's name
_END[[ord(">"), ord("/")]] = True


class Extent:
    """The largest row and column number referenced so far (1-based; 0 before any reference)."""

    def __init__(self) -> None:
        self.rows = 0
        self.cols = 0
        self.refless_rows = 0      # <row> elements without r=: each is one row below the one before
        self.refless_cols = 0      # most cells without r= in one row: each is one column right of the last
        self.after_ref_cols = 0    # most cells without r= in a row that also has references
        self._open_row_cells = self._open_row_refs = 0

    @property
    def last_row(self) -> int:
        """The last row calamine can reach (rows without a reference counted past the largest one)."""
        return self.rows + self.refless_rows

    @property
    def last_col(self) -> int:
        return max(self.cols + self.after_ref_cols, self.refless_cols)

    @property
    def cells(self) -> int:
        """The area calamine would allocate, at most (counted from A1)."""
        return self.last_row * self.last_col

    def feed(self, xml: bytes) -> None:
        """Take in a piece of sheet XML cut between elements (never inside a reference)."""
        self._refless(xml)
        a = np.frombuffer(xml, dtype=np.uint8)
        if a.size < 6:
            return
        eq = np.flatnonzero(a[2:-3] == _EQ) + 2                     # each '=' with room around it
        eq = eq[(a[eq - 1] == _R) & (a[eq + 1] == _QUOTE)]
        eq = eq[_SPACE[a[eq - 2]]]
        if not eq.size:
            return
        pad = np.concatenate([a, np.zeros(_MAX_LETTERS + _MAX_DIGITS + 2, dtype=np.uint8)])
        at = eq + 2                                                  # the reference's first character
        col = np.zeros(at.size, dtype=np.int64)
        going = np.ones(at.size, dtype=bool)
        for _ in range(_MAX_LETTERS + 1):
            ch = pad[at]
            going &= _UPPER[ch]
            col[going] = col[going] * 26 + ch[going] - 64
            at += going
        row = np.zeros(at.size, dtype=np.int64)
        going[:] = True
        for _ in range(_MAX_DIGITS + 1):
            ch = pad[at]
            going &= _DIGIT[ch]
            row[going] = row[going] * 10 + ch[going] - 48
            at += going
        self.cols = max(self.cols, int(col.max()))    # four letters or eight digits read past the last
        self.rows = max(self.rows, int(row.max()))    # column or row, so the check refuses them


    def _refless(self, xml: bytes) -> None:
        """Count rows and cells written without a reference (calamine places them after the one before)."""
        rows = xml.count(b"<row") + xml.count(b":row ") + xml.count(b":row>")
        self.refless_rows += max(0, rows - xml.count(b'<row r="') - xml.count(b':row r="'))
        cells = sum(xml.count(t) for t in (b"<c>", b"<c ", b"<c/>", b":c>", b":c ", b":c/>"))
        refless = cells - xml.count(b'<c r="') - xml.count(b':c r="')
        if refless <= 0:
            return
        if b":c" in xml or b":row" in xml:      # prefixed names: bound the row by the whole piece
            self.after_ref_cols = max(self.after_ref_cols, refless)
            return
        n = len(xml)
        a = np.frombuffer(xml + b"\0" * 5, dtype=np.uint8)
        lt = a[:n] == _LT
        cell_at = np.flatnonzero(lt & (a[1:n + 1] == _C) & _END[a[2:n + 2]])
        ref_at = cell_at[(a[cell_at + 2] == _SP) & (a[cell_at + 3] == _R) & (a[cell_at + 4] == _EQ)]
        row_at = np.flatnonzero(lt & (a[1:n + 1] == _R) & (a[2:n + 2] == _O) & (a[3:n + 3] == _W) & _END[a[4:n + 4]])
        bounds = np.concatenate([[0], row_at, [n]])
        per_row = np.diff(np.searchsorted(cell_at, bounds))
        refs_per_row = np.diff(np.searchsorted(ref_at, bounds))
        per_row[0] += self._open_row_cells            # the row left open by the piece before
        refs_per_row[0] += self._open_row_refs
        self._open_row_cells, self._open_row_refs = int(per_row[-1]), int(refs_per_row[-1])
        pure = refs_per_row == 0                      # a row of cells without references starts at column A
        if pure.any():
            self.refless_cols = max(self.refless_cols, int(per_row[pure].max()))
        if (~pure).any():                             # after a reference, they run on from its column
            self.after_ref_cols = max(self.after_ref_cols, int((per_row - refs_per_row)[~pure].max()))


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def sheet_extent(path: str | os.PathLike[str], info: zipfile.ZipInfo) -> Extent:
    """The extent of the worksheet part ``info``, in one streaming pass that also checks its true inflated
    size against its header (:func:`~tierkit.io.zipio.iter_member` raises ZipBombError)."""
    from .zipio import iter_member

    extent, carry = Extent(), b""
    for block in iter_member(path, info):
        buf = carry + block
        cut = buf.rfind(b">") + 1          # references never hold '>', so cut after the last tag
        extent.feed(buf[:cut])
        carry = buf[cut:]
    extent.feed(carry)
    return extent
