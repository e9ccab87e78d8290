"""Stream-patch a worksheet's XML: append (or overwrite) tier cells in each data row.

The sheet XML is processed in blocks of whole rows.  Most blocks take the fast path: rows
and cells carry ``r`` addresses, no cell sits at or right of the first tier column, so the
new cells of a row are a precomputed template joined with the row number and spliced in
before ``</row>`` (a few C-level byte operations per block, one join per row).  Anything
else (the rows up to the header, ``<row>``/``<c>`` without ``r``, self-closing rows, cells
in the way) goes through the exact per-row path, which parses the cells of each row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tierkit.errors import DataError, Where, msg

from .fastrows import EMPTY, POOL, patch_indexed, values_of, widen_spans
from .ooxml import clean_text
from .rowindex import RowIndex
from .table import column_index, column_letter

_BOOL_KEYS = (object(), object())      # stand-ins for False and True, apart from the 0 and 1 they equal


@dataclass
class NewCells:
    """The rendering of one new column: per frame row a code into ``tails`` (-1: no cell)."""

    col: int                     # 1-based target column
    header: str
    codes: np.ndarray
    tails: list[bytes]           # b'" s="5" t="inlineStr"><is><t>Gold</t></is></c>'
    letter: bytes = field(init=False)
    codes_ext: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.letter = column_letter(self.col).encode()
        self.codes_ext = np.append(self.codes, -1)


def _value_tail(value: object, style: int, p: bytes = b"") -> bytes | None:
    """A cell after its ``<c r="XN`` opening: attributes, value, closing tag (``p``: element prefix)."""
    s = b' s="%d"' % style if style else b""
    if value is None or (isinstance(value, float) and value != value):
        return b'"%s/>' % s if style else None
    if isinstance(value, bool | np.bool_):
        return b'"%s t="b"><%sv>%d</%sv></%sc>' % (s, p, int(value), p, p)
    if isinstance(value, int | float | np.integer | np.floating) and np.isfinite(value):
        num = repr(float(value)) if isinstance(value, float | np.floating) else str(int(value))
        if num.endswith(".0"):
            num = num[:-2]
        return b'"%s><%sv>%s</%sv></%sc>' % (s, p, num.encode(), p, p)
    text = str(value)  # fitted for Excel once, in xlsxtext.fit_parts
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return b'"%s t="inlineStr"><%sis><%st%s>%s</%st></%sis></%sc>' % (
        s, p, p, space, clean_text(text).encode("utf-8"), p, p, p)


def render_column(col: int, header: str, values: Sequence[object], styles: Sequence[int] | np.ndarray | None,
                  prefix: str = "") -> NewCells:
    """Factorise (value, style) pairs so each distinct cell is rendered once."""
    vals = np.asarray(pd.array(list(values), dtype=object), dtype=object) if not isinstance(values, np.ndarray) \
        else values.astype(object, copy=False)
    vcodes, vuniq = pd.factorize(vals, use_na_sentinel=True)
    if pd.api.types.infer_dtype(vals, skipna=True) in ("mixed", "mixed-integer") and any(
            isinstance(u, int | float | np.number | np.bool_) and u in (0, 1) for u in vuniq):
        # True == 1 and False == 0 hash alike: factorize would write a 0 after a False as FALSE
        keys = np.fromiter((_BOOL_KEYS[bool(v)] if isinstance(v, bool | np.bool_) else v for v in vals),
                           dtype=object, count=len(vals))
        vcodes = pd.factorize(keys, use_na_sentinel=True)[0]
        vuniq = vals[_first_seen(vcodes)]
    if styles is None:
        codes, scodes = vcodes.astype(np.int64), np.zeros(len(vals), dtype=np.int64)
    else:
        scodes = np.asarray(styles, dtype=np.int64)
        nstyle = int(scodes.max()) + 1 if len(scodes) else 1
        codes = pd.factorize((vcodes.astype(np.int64) + 1) * nstyle + scodes)[0]
    tails: list[bytes] = []
    first = _first_seen(codes)
    keep = np.empty(len(first) + 1, dtype=np.int64)
    keep[-1] = -1                 # code -1 (no value, no style): no cell
    for c, i in enumerate(first):
        v = vuniq[vcodes[i]] if vcodes[i] >= 0 else None
        tail = _value_tail(v, int(scodes[i]), prefix.encode())
        keep[c] = len(tails) if tail is not None else -1
        if tail is not None:
            tails.append(tail)
    codes = keep[codes]
    return NewCells(col, header, codes.astype(np.int64), tails)


def _first_seen(codes: np.ndarray) -> np.ndarray:
    """Where each code first occurs, for codes numbered in order of first appearance (-1: none)."""
    if not len(codes):
        return np.array([], dtype=np.int64)
    top = np.maximum.accumulate(codes)
    return np.flatnonzero(np.diff(top, prepend=-1) > 0)


class SheetPatcher:
    """Patch one worksheet's XML, block by block (``head``, ``rows`` ..., ``tail``)."""

    def __init__(self, *, prefix: str, header_row: int, row_numbers: np.ndarray, cells: Sequence[NewCells],
                 remove_cols: Sequence[int], sheet: str, file: str, col_widths: dict[int, float],
                 index: RowIndex | None = None) -> None:
        p = prefix.encode()
        self.p = p
        self.header_row = header_row
        self.cells = sorted(cells, key=lambda nc: nc.col)
        self.targets = {nc.col for nc in self.cells}
        self.replaced = set(remove_cols)
        self.clear = self.replaced | self.targets
        self.where = Where(file=file, sheet=sheet)
        self.col_widths = col_widths
        self.last_row = 0
        self.max_col = max(self.targets, default=0)
        self.min_col = min(self.clear, default=1 << 20)
        n = len(row_numbers)
        top = int(row_numbers.max()) if n else 0
        self.rowidx = np.full(top + 2, -1, dtype=np.int64)
        self.rowidx[row_numbers] = np.arange(n)
        self.close_row = b"</" + p + b"row>"
        self.cell_open = b"<" + p + b'c r="'
        self.row_open_r = b"<" + p + b'row r="'
        self._row_re = re.compile(b"<" + re.escape(p) + rb"row\b([^>]*?)(/?)>")
        self._cell_re = re.compile(b"<" + re.escape(p) + rb"c\b([^>]*?)(/?)>")
        self._close_c = b"</" + p + b"c>"
        self._open_c = (b"<" + p + b"c ", b"<" + p + b"c>", b"<" + p + b"c/>")   # a cell's start tag
        ep = re.escape(prefix)            # the fast path's patterns are RE2 (Arrow), bytes as Latin-1
        if self.replaced:
            alt = "|".join(column_letter(c) for c in sorted(self.replaced))
            self._remove_pat: str | None = f'(?s)<{ep}c r="(?:{alt})\\d+"[^>]*?(?:/>|>.*?</{ep}c>)'
        else:
            self._remove_pat = None
        not_r = '(?:[^r]|r[^=]|r=[^"])'      # RE2 has no lookahead: "not followed by r=\""
        letters = _letters_at_least(self.min_col).decode()
        self._odd_pat = (f'<{ep}c(?:>|/>|\\s{not_r}|\\sr="{letters}\\d)'    # a cell without r first, or in the way
                         f'|<{ep}row(?:\\S|\\s{not_r})|<{ep}row\\s[^>]*/>')  # a row without r first, self-closing
        self._rnum_pat = f'^\\s*<{ep}row r="(?P<r>\\d+)"(?:[^>]*? spans="(?P<s>\\d+:\\d+)")?'
        # the same for rows whose spans, if any, follows r= right away (Excel, xlsxwriter): no null where the
        # row's start tag is laid out so, and then the same groups as the general pattern; twice as fast
        self._rnum_tight = f'^<{ep}row r="(?P<r>\\d+)"(?: spans="(?P<s>\\d+:\\d+)"|>)'
        self._row_r_re = re.compile(rb"\s*<" + re.escape(p) + rb'row r="(\d+)"(?: spans="(\d+):(\d+)")?')
        self.close_row_s = self.close_row.decode()
        self.close_row_scalar = pa.scalar(self.close_row, pa.large_binary())
        self._openings = [pa.scalar(self.cell_open + nc.letter, pa.large_binary()) for nc in self.cells]
        self._tails = [pa.array(nc.tails, pa.large_binary()) for nc in self.cells]
        # the same cells with what follows them until the next row number glued on (the next cell's opening,
        # or </row> after the last), for blocks where every row gets every cell: one join in all
        follow = [*(self.cell_open + nc.letter for nc in self.cells[1:]), self.close_row]
        self._linked = [pa.array([t + f for t in nc.tails], pa.large_binary())
                        for nc, f in zip(self.cells, follow, strict=True)]
        self._linked_open = [*self._linked[:-1], self._tails[-1]] if self.cells else []   # no </row> after
        # where each row ends, found while the sheet was read: used when it holds what the fast path would
        # search for (see rowindex), i.e. when nothing is removed and no cell reaches the new columns
        self.index = index if index is not None and not self.replaced and not p and index.max_col < self.min_col \
            else None
        self.fast_blocks = self.slow_blocks = 0
        self._indexed: list[int] = []

    @property
    def indexed_blocks(self) -> int:
        """How many blocks were cut at the rows' recorded ends (a subset of ``fast_blocks``)."""
        return len(self._indexed)

    # ------------------------------------------------------------------ head (before <sheetData>)
    def head(self, data: bytes) -> bytes:
        p = re.escape(self.p)
        m = re.search(b"<" + p + rb'dimension ref="([^"]*)"', data)
        if m and self.max_col:
            ref = m.group(1).decode()
            new = _widen_ref(ref, self.max_col)
            if new != ref:
                data = data[:m.start(1)] + new.encode() + data[m.end(1):]
        return self._cols(data)

    def _cols(self, data: bytes) -> bytes:
        if not self.targets:
            return data
        p = re.escape(self.p)
        existing: list[tuple[int, int, bytes]] = []
        m = re.search(b"<" + p + rb"cols>(.*?)</" + p + b"cols>", data, re.S)
        if m:
            for c in re.finditer(b"<" + p + rb"col\b[^>]*?/>", m.group(1)):
                lo = re.search(rb'\bmin="(\d+)"', c.group(0))
                hi = re.search(rb'\bmax="(\d+)"', c.group(0))
                a = int(lo.group(1)) if lo else 0
                existing.append((a, int(hi.group(1)) if hi else a, c.group(0)))
        add = []
        for col in sorted(self.targets):
            if any(lo <= col <= hi for lo, hi, _ in existing):
                continue
            w = self.col_widths.get(col, 14.0)
            add.append((col, col, b'<%scol min="%d" max="%d" width="%.4g" customWidth="1"/>' % (self.p, col, col, w)))
        if not add:
            return data
        merged = b"".join(x for _, _, x in sorted(existing + add, key=lambda t: t[0]))
        if m is None:
            sd = re.search(b"<" + p + rb"sheetData\b", data)
            if sd is None:
                return data
            return data[:sd.start()] + b"<" + self.p + b"cols>" + merged + b"</" + self.p + b"cols>" + data[sd.start():]
        return data[:m.start(1)] + merged + data[m.end(1):]

    # ------------------------------------------------------------------ rows
    def rows(self, chunk: bytes, end: int | None = None) -> bytes | memoryview:
        """Patch a block holding whole rows, ``chunk[:end]`` (it ends with ``</row>``)."""
        end = len(chunk) if end is None else end
        return self.finish(chunk, end, self.try_fast(chunk, end))

    def try_fast(self, chunk: bytes, end: int, base: int | None = None) -> tuple[bytes | memoryview, int] | None:
        """The fast path for ``chunk[:end]`` (at offset ``base`` of the inflated sheet, when known): (patched
        block, its last row), or None.  It reads no state that blocks change, so blocks may go through it on
        several threads at once."""
        if self.index is not None and base is not None:
            done = patch_indexed(self, self.index, chunk, end, base)
            if done is not None:
                self._indexed.append(base)     # list.append: safe from several threads
                return done
        return self._fast(chunk, end)

    def finish(self, chunk: bytes, end: int, fast: tuple[bytes | memoryview, int] | None) -> bytes | memoryview:
        """Complete a block in sheet order: take the fast result, or patch it on the exact path."""
        if fast is None:
            self.slow_blocks += 1
            return self._slow(chunk[:end] if end < len(chunk) else chunk)
        self.fast_blocks += 1
        self.last_row = fast[1]
        return fast[0]

    def _fast(self, chunk: bytes, end: int) -> tuple[bytes | memoryview, int] | None:
        """Whole blocks at once with Arrow string kernels (C++, RE2, no GIL): no per-row Python."""
        m = self._row_r_re.match(chunk, 0, end)
        if m is None or int(m.group(1)) <= self.header_row:
            return None
        arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, pa.py_buffer(np.array([0, end], dtype=np.int64)),
                                                           pa.py_buffer(chunk)])    # chunk[:end], no copy
        if self._remove_pat is not None:
            arr = pc.replace_substring_regex(arr, self._remove_pat, "", memory_pool=POOL)
            chunk = arr[0].as_py()
            end = len(chunk)
        if pc.match_substring_regex(arr, self._odd_pat, memory_pool=POOL)[0].as_py():
            return None     # a row or cell without r first, a self-closing row, a cell in the way
        last_open = chunk.rfind(self.row_open_r, 0, end)
        lm = self._row_r_re.match(chunk, last_open, end) if last_open >= 0 else None
        if lm is None:
            return None
        pieces = pc.split_pattern(arr, self.close_row_s, memory_pool=POOL).values
        n = len(pieces) - 1
        if n < 1:
            return None
        body = pieces.slice(0, n)
        found = pc.extract_regex(body, self._rnum_tight, memory_pool=POOL)
        if found.null_count:
            found = pc.extract_regex(body, self._rnum_pat, memory_pool=POOL)
        rn = pc.struct_field(found, [0])
        if rn.null_count:
            return None
        rows = pc.cast(rn, pa.int64(), memory_pool=POOL).to_numpy()
        if self.max_col:
            body = widen_spans(body, pc.struct_field(found, [1]), self.max_col)
        idx = self.rowidx[np.minimum(rows, len(self.rowidx) - 1)]
        out = pc.binary_join_element_wise(*self.new_parts(body, rn, idx), EMPTY, memory_pool=POOL)
        trailer = pieces[n].as_buffer()
        view = values_of(out)
        if trailer is not None and trailer.size:
            return view.tobytes() + trailer.to_pybytes(), int(rows[-1])
        return view, int(rows[-1])

    def new_parts(self, body: pa.Array, rn: pa.Array, idx: np.ndarray,
                  close: bool = True) -> list[pa.Array | pa.Scalar]:
        """The pieces whose element-wise join is each row of a block with its new cells (and ``</row>``
        unless not ``close``)."""
        codes = [nc.codes_ext[idx] for nc in self.cells]
        if not self.cells:
            return [body, self.close_row_scalar if close else EMPTY]
        if all(int(c.min()) >= 0 for c in codes if c.size):
            parts: list[pa.Array | pa.Scalar] = [body, self._openings[0]]
            for linked, c in zip(self._linked if close else self._linked_open, codes, strict=True):
                parts += [rn, pc.take(linked, pa.array(c), memory_pool=POOL)]
            return parts
        parts = [body]
        for opening, tails, c in zip(self._openings, self._tails, codes, strict=True):
            taken = pc.take(tails, pa.array(c, mask=c < 0, memory_pool=POOL), memory_pool=POOL)
            cell = pc.binary_join_element_wise(opening, rn, taken, EMPTY, memory_pool=POOL)
            parts.append(pc.coalesce(cell, EMPTY, memory_pool=POOL) if cell.null_count else cell)
        if close:
            parts.append(self.close_row_scalar)
        return parts

    def _slow(self, chunk: bytes) -> bytes:
        out: list[bytes] = []
        pos = 0
        while True:
            m = self._row_re.search(chunk, pos)
            if m is None:
                out.append(chunk[pos:])
                return b"".join(out)
            out.append(chunk[pos:m.start()])
            attrs = m.group(1)
            r = re.search(rb'\br="(\d+)"', attrs)
            rnum = int(r.group(1)) if r else self.last_row + 1
            self.last_row = rnum
            if m.group(2):        # self-closing: no cells
                out.append(m.group(0))
                pos = m.end()
                continue
            close = chunk.find(self.close_row, m.end())
            if close < 0:
                raise ValueError("unterminated <row> in sheet XML")
            body = chunk[m.end():close]
            if rnum < self.header_row:
                out.append(chunk[m.start():close + len(self.close_row)])
            else:
                out.append(self._row(rnum, attrs, body))
            pos = close + len(self.close_row)

    def _row(self, rnum: int, attrs: bytes, body: bytes) -> bytes:
        p = self.p
        ext = body.find(b"<" + p + b"extLst")
        trailer = b""
        if ext >= 0:
            body, trailer = body[:ext], body[ext:]
        rn = str(rnum).encode()
        if rnum != self.header_row and b' r="' not in body:
            # cells without addresses sit one after another from column A: when they end left of the tier
            # columns, they stay as they are and the new cells (with addresses) follow them
            n = sum(body.count(tag) for tag in self._open_c)
            if n < self.min_col:
                new = sorted(self._new_cells(rnum, rn, None), key=lambda x: x[0])
                if not new:
                    return b"<" + p + b"row" + attrs + b">" + body + trailer + self.close_row
                if b' spans="' in attrs:
                    attrs = re.sub(rb' spans="\d+:\d+"', b' spans="%d:%d"' % (1 if n else new[0][0], new[-1][0]),
                                   attrs)
                return (b"<" + p + b"row" + attrs + b">" + body + b"".join(c for _, c in new) + trailer
                        + self.close_row)
        cells: list[tuple[int, bytes]] = []
        col = 0
        pos = 0
        header_style = None
        changed = False
        while True:
            m = self._cell_re.search(body, pos)
            if m is None:
                break
            end = m.end() if m.group(2) else body.index(self._close_c, m.end()) + len(self._close_c)
            cell = body[m.start():end]
            ref = re.search(rb'\br="([A-Z]+)\d+"', m.group(1))
            if ref:
                col = column_index(ref.group(1).decode())
            else:
                col += 1
                cell = b"<" + p + b'c r="' + column_letter(col).encode() + rn + b'"' + cell[len(p) + 2:]
                changed = True
            pos = end
            has_value = not m.group(2) and (b"<" + p + b"v>" in cell or b"<" + p + b"f" in cell
                                            or b"<" + p + b"is>" in cell)
            if col in self.clear:
                if col not in self.replaced and has_value:
                    raise DataError(msg("cell {cell} is in the way of tier column '{header}'",
                                        cell=f"{column_letter(col)}{rnum}", header=self._header_of(col)),
                                    where=self.where,
                                    hint=msg("move or delete that cell, or pass the tier column names to replace"))
                changed = True
                continue
            if rnum == self.header_row and has_value:
                s = re.search(rb'\bs="(\d+)"', m.group(1))
                header_style = int(s.group(1)) if s else 0
            cells.append((col, cell))
        new = self._new_cells(rnum, rn, header_style)
        if not new and not changed:
            return b"<" + p + b"row" + attrs + b">" + body + trailer + self.close_row
        cells.extend(new)
        cells.sort(key=lambda x: x[0])
        if cells and b' spans="' in attrs:
            attrs = re.sub(rb' spans="\d+:\d+"', b' spans="%d:%d"' % (cells[0][0], cells[-1][0]), attrs)
        return b"<" + p + b"row" + attrs + b">" + b"".join(c for _, c in cells) + trailer + self.close_row

    def _header_of(self, col: int) -> str:
        return next((nc.header for nc in self.cells if nc.col == col), "?")

    def _new_cells(self, rnum: int, rn: bytes, header_style: int | None) -> list[tuple[int, bytes]]:
        p = self.p
        if rnum == self.header_row:
            st = header_style or 0
            return [(nc.col, b"<" + p + b'c r="' + nc.letter + rn + (_value_tail(nc.header, st, p) or b'"/>'))
                    for nc in self.cells]
        i = self.rowidx[rnum] if rnum < len(self.rowidx) else -1
        if i < 0:
            return []
        out = []
        for nc in self.cells:
            c = nc.codes[i]
            if c >= 0:
                out.append((nc.col, b"<" + p + b'c r="' + nc.letter + rn + nc.tails[c]))
        return out


def _widen_ref(ref: str, max_col: int) -> str:
    m = re.fullmatch(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", ref)
    if not m:
        return ref
    c1, r1, c2, r2 = m.group(1), m.group(2), m.group(3) or m.group(1), m.group(4) or m.group(2)
    if column_index(c2) >= max_col:
        return ref
    return f"{c1}{r1}:{column_letter(max_col)}{r2}"


def _letters_at_least(col: int) -> bytes:
    """A regex matching the column letters of every column >= ``col`` (followed by a digit)."""
    s = column_letter(col)
    n = len(s)
    alts = []
    if n < 3:
        alts.append(f"[A-Z]{{{n + 1},3}}")
    for i in range(n):
        ch = s[i]
        if ch < "Z":
            alts.append(s[:i] + f"[{chr(ord(ch) + 1)}-Z]" + ("[A-Z]" * (n - i - 1)))
    alts.append(s)
    return ("(?:" + "|".join(alts) + ")").encode()
