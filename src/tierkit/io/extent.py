"""How far a worksheet's cells reach, found while its XML streams past, before calamine reads it.

calamine builds a dense grid from the first to the last cell it finds, so two cells at A1 and
XFD1048576 make it allocate 17 billion cells (512 GB) and abort the process.  :class:`Extent` follows
the largest row and column of every ``r="..."`` reference (a cell's or a row's), vectorised with numpy
over each inflated piece (:func:`scan_piece`), pieces scanned on two threads while the next ones inflate.
The 312 MB sheet of the 1M x 8 benchmark takes about 1.9 s of CPU (2.8 s before the shortcuts of
:func:`scan_piece`; measured on a loaded machine), against about 6 s for calamine's parse of it.
"""

from __future__ import annotations

import os
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

_R, _EQ, _QUOTE = ord("r"), ord("="), ord('"')
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 13, 32]] = True
_UPPER = np.zeros(256, dtype=bool)
_UPPER[ord("A"):ord("Z") + 1] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0"):ord("9") + 1] = True
_MAX_LETTERS, _MAX_DIGITS = 3, 7     # XFD, 1048576
_LT, _C, _O, _W, _SP, _COLON = ord("<"), ord("c"), ord("o"), ord("w"), ord(" "), ord(":")
_END = _SPACE.copy()                 # what may follow an element's name
_END[[ord(">"), ord("/")]] = True
_ZERO = ord("0")
_BEYOND = 1 << 32                    # a row or column no calamine position reaches (they are 32-bit)
_PAD = b"\0" * 16                    # room to read past a piece's end (a reference's 11 bytes, 8-byte windows)


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
        padded = xml + _PAD
        self.take(padded, len(xml), scan_piece(padded, len(xml)))

    def take(self, padded: bytes, n: int, found: Found) -> None:
        """Take in what :func:`scan_piece` found in ``padded[:n]``; pieces must come in sheet order."""
        self.rows, self.cols = max(self.rows, found.rows), max(self.cols, found.cols)
        if not found.plain:
            self._refless(padded[:n])
        elif found.prefixed:
            self._prefixed(padded[:n])

    def feed_exact(self, xml: bytes) -> None:
        """:meth:`feed` without its shortcuts, every reference decoded one by one (the oracle of the tests)."""
        self._refless(xml)
        if len(xml) >= 6:
            rows, cols = _decode_all(np.frombuffer(xml, dtype=np.uint8))
            self.rows, self.cols = max(self.rows, rows), max(self.cols, cols)

    def _refless(self, xml: bytes) -> None:
        """Count rows and cells written without a reference (calamine places them after the one before)."""
        n = len(xml)
        a = np.frombuffer(xml + b"\0" * 7, dtype=np.uint8)
        if _has_prefixed(a, n):
            self._prefixed(xml)                   # prefixed names (<x:row>): counted in the whole piece
        lt_at = np.flatnonzero(a[:n] == _LT)
        b1, b2, b3, b4, b5, b6 = (a[lt_at + k] for k in range(1, 7))
        is_row = (b1 == _R) & (b2 == _O) & (b3 == _W) & _END[b4]
        is_cell = (b1 == _C) & _END[b2]
        row_ref = is_row & (b4 == _SP) & (b5 == _R) & (b6 == _EQ)
        cell_ref = is_cell & (b2 == _SP) & (b3 == _R) & (b4 == _EQ)
        self.refless_rows += int(is_row.sum()) - int(row_ref.sum())
        if int(is_cell.sum()) == int(cell_ref.sum()):
            return
        cell_at, ref_at, row_at = lt_at[is_cell], lt_at[cell_ref], lt_at[is_row]
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

    def _prefixed(self, xml: bytes) -> None:
        # <x:row r="1">..</x:row> counts 0, <x:row>..</x:row> 2, <x:row/> 1: never fewer than there are
        rows = xml.count(b":row ") + xml.count(b":row>") + xml.count(b":row/>") - 2 * xml.count(b':row r="')
        cells = xml.count(b":c ") + xml.count(b":c>") + xml.count(b":c/>") - 2 * xml.count(b':c r="')
        self.refless_rows += max(rows, 0)
        self.after_ref_cols = max(self.after_ref_cols, cells)



class Found(NamedTuple):
    """What :func:`scan_piece` finds in one piece of sheet XML."""

    rows: int          # the largest row and column referenced (0: none)
    cols: int
    plain: bool        # every <row> and <c> has r= first: no rows or cells placed by counting
    prefixed: bool     # a prefixed name (<x:row>, <x:c>) occurs


def scan_piece(padded: bytes, n: int) -> Found:
    """The references of ``padded[:n]`` (``padded`` ends with 16 zero bytes), without decoding each: the
    longest run of letters (of digits) wins, and among runs of one length the byte order is the numeric
    order, so one 8-byte big-endian window per reference and a ``max`` decide.  A reference of four letters
    or more, or digits with a leading zero, are decoded one by one instead.  Reads nothing but its
    arguments, so pieces may be scanned on several threads (numpy releases the GIL)."""
    a = np.frombuffer(padded, dtype=np.uint8)
    plain, prefixed = _tags(a, n)
    if n < 6:
        return Found(0, 0, plain, prefixed)
    at = _reference_starts(a, n)
    if not at.size:
        return Found(0, 0, plain, prefixed)
    up = [_UPPER[a[at + k]] for k in range(_MAX_LETTERS + 1)]
    l2 = up[0] & up[1]
    l3 = l2 & up[2]
    if (l3 & up[3]).any():
        return Found(*_decode_all(a[:n]), plain, prefixed)
    letters = up[0].astype(np.int64) + l2 + l3
    first = at + letters                       # each reference's first digit
    going = _DIGIT[a[first]]
    digits = going.astype(np.int64)
    for k in range(1, _MAX_DIGITS + 1):
        going &= _DIGIT[a[first + k]]
        digits += going
    if (((a[first] == _ZERO) & (digits > 1)) | (going & _DIGIT[a[first + _MAX_DIGITS + 1]])).any():
        return Found(*_decode_all(a[:n]), plain, prefixed)     # a leading zero, or nine digits or more
    windows = np.ndarray((len(a) - 7,), dtype=">u8", buffer=padded, strides=(1,))
    cols = rows = 0
    most = int(letters.max())
    if most:
        top = int((windows[at[letters == most]] >> np.uint64(64 - 8 * most)).max())
        for ch in top.to_bytes(most, "big"):
            cols = cols * 26 + ch - 64
    most = int(digits.max())
    if most:
        top = int((windows[first[digits == most]] >> np.uint64(64 - 8 * most)).max())
        rows = int(top.to_bytes(most, "big"))
    return Found(rows, cols, plain, prefixed)


def _tags(a: np.ndarray, n: int) -> tuple[bool, bool]:
    """Whether every ``<row>`` and ``<c>`` of ``a[:n]`` has ``r=`` first (so that :meth:`Extent._refless`
    would count nothing), and whether a prefixed name occurs.  Looks only at the bytes after each ``<``."""
    lt = np.flatnonzero(a[:n] == _LT)
    b1 = a[lt + 1]
    cell = lt[b1 == _C]
    cell = cell[_END[a[cell + 2]]]
    row = lt[b1 == _R]
    row = row[(a[row + 2] == _O) & (a[row + 3] == _W) & _END[a[row + 4]]]
    plain = bool(((a[cell + 2] == _SP) & (a[cell + 3] == _R) & (a[cell + 4] == _EQ)).all()
                 and ((a[row + 4] == _SP) & (a[row + 5] == _R) & (a[row + 6] == _EQ)).all())
    return plain, plain and _has_prefixed(a, n)


def _has_prefixed(a: np.ndarray, n: int) -> bool:
    """Whether ``:row`` or ``:c`` followed by the end of a name occurs (``a`` padded past ``n``)."""
    colon = np.flatnonzero(a[:n] == _COLON)
    return bool(colon.size) and bool((((a[colon + 1] == _R) & (a[colon + 2] == _O) & (a[colon + 3] == _W))
                                      | ((a[colon + 1] == _C) & _END[a[colon + 2]])).any())


def _reference_starts(a: np.ndarray, n: int) -> np.ndarray:
    """Where each ``r="`` after a blank starts its reference (the first character after the quote)."""
    eq = np.flatnonzero(a[2:n - 3] == _EQ) + 2                  # each '=' with room around it
    eq = eq[(a[eq - 1] == _R) & (a[eq + 1] == _QUOTE)]
    return eq[_SPACE[a[eq - 2]]] + 2


def _decode_all(a: np.ndarray) -> tuple[int, int]:
    """The largest row and column, each reference decoded.  A run of letters or digits longer than any
    reference to a cell of a sheet (five letters, nine digits, leading zeros included) counts as
    :data:`_BEYOND`, past anything calamine's 32-bit positions can hold, so the check refuses it: calamine
    reads such runs whole (``AAAAA1`` is column 475,255), and reading only the first four letters or eight
    digits let a far cell through."""
    at = _reference_starts(a, a.size)
    if not at.size:
        return 0, 0
    pad = np.concatenate([a, np.zeros(_MAX_LETTERS + _MAX_DIGITS + 2, dtype=np.uint8)])
    col = np.zeros(at.size, dtype=np.int64)
    going = np.ones(at.size, dtype=bool)
    for _ in range(_MAX_LETTERS + 1):
        ch = pad[at]
        going &= _UPPER[ch]
        col[going] = col[going] * 26 + ch[going] - 64
        at += going
    col[going & _UPPER[pad[at]]] = _BEYOND        # a fifth letter
    row = np.zeros(at.size, dtype=np.int64)
    going[:] = True
    for _ in range(_MAX_DIGITS + 1):
        ch = pad[at]
        going &= _DIGIT[ch]
        row[going] = row[going] * 10 + ch[going] - 48
        at += going
    row[going & _DIGIT[pad[at]]] = _BEYOND        # a ninth digit (calamine reads "A0000000002000" as row 2000)
    return int(row.max()), int(col.max())


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def sheet_extent(path: str | os.PathLike[str], info: zipfile.ZipInfo, threads: int = 2,
                 sink: Callable[[bytes], None] | None = None) -> Extent:
    """The extent of the worksheet part ``info``, in one streaming pass that also checks its true inflated
    size against its header (:func:`~tierkit.io.zipio.iter_member` raises ZipBombError).  Pieces are
    scanned on ``threads`` threads while the next ones inflate, and taken in sheet order.  ``sink`` is
    handed each inflated block as it comes (:mod:`tierkit.io.sheetcopy` keeps them)."""
    from .zipio import iter_member

    extent = Extent()
    blocks = iter_member(path, info)
    if sink is not None:
        blocks = _teed(blocks, sink)
    pending: deque[tuple[bytes, int, Future[Found]]] = deque()
    with ThreadPoolExecutor(threads, thread_name_prefix="tierkit-extent") as pool:
        try:
            for padded, n in _pieces(blocks):
                pending.append((padded, n, pool.submit(scan_piece, padded, n)))
                while len(pending) > threads or (pending and pending[0][2].done()):
                    padded, n, fut = pending.popleft()
                    extent.take(padded, n, fut.result())
            while pending:
                padded, n, fut = pending.popleft()
                extent.take(padded, n, fut.result())
        finally:
            for *_, fut in pending:
                fut.cancel()
    return extent


def _teed(blocks: Iterator[bytes], sink: Callable[[bytes], None]) -> Iterator[bytes]:
    for block in blocks:
        sink(block)
        yield block


def _pieces(blocks: Iterator[bytes]) -> Iterator[tuple[bytes, int]]:
    """The inflated blocks re-cut after their last ``>`` (references never hold one), each copied once
    into a padded piece: (piece + 16 zero bytes, length of the piece)."""
    carry = b""
    for block in blocks:
        cut = block.rfind(b">") + 1
        if not cut:
            carry += block
            continue
        yield b"".join((carry, memoryview(block)[:cut], _PAD)), len(carry) + cut
        carry = block[cut:]
    yield carry + _PAD, len(carry)
