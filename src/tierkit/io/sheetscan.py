"""One streaming pass over a worksheet's XML for what calamine does not report: error cells (``t="e"``,
e.g. #N/A, which calamine reads as blanks), hidden rows, merged cells, the sheet's Excel Tables
(``<tablePart>``) and whether a filter is set.

The pass runs on a thread while calamine parses the sheet (calamine releases the GIL, zlib too), so it
is nearly free on a machine with two cores.  It never builds a DOM: each inflated block is cut at its
last ``</row>`` and searched with byte patterns only when a cheap substring test says it may match.
"""

from __future__ import annotations

import re
import threading
import zipfile
from pathlib import Path

from .table import column_index
from .zipio import iter_member

_ERR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>.*?<(?:\w+:)?v>([^<]*)<', re.S)
_ERR_CELL2 = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bt="e"[^>]*?\br="([A-Z]+)(\d+)"[^>]*>.*?<(?:\w+:)?v>([^<]*)<', re.S)
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_TABLE_PART = re.compile(rb'<(?:\w+:)?tablePart\b[^>]*?\b(?:\w+:)?id="([^"]+)"')
_AUTOFILTER = re.compile(rb'<(?:\w+:)?autoFilter\b[^>]*?(/>|>.*?</(?:\w+:)?autoFilter>)', re.S)

Merge = tuple[int, int, int, int]
"""A merged range as (first row, first column, last row, last column), 1-based, inclusive."""


def ooxml_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


class SheetScan(threading.Thread):
    """Collect, from one sheet part: ``errors`` {(row, col): "#N/A"}, ``hidden`` rows, ``merges``,
    ``table_rids`` (relationship ids of the sheet's Excel Tables) and ``filtered`` (a sheet filter
    with criteria is set, so hidden rows are likely hidden by it)."""

    def __init__(self, path: Path, part: str) -> None:
        super().__init__(daemon=True)
        self.path, self.part = path, part
        self.found: dict[tuple[int, int], str] = {}
        self.hidden: set[int] = set()
        self.merges: list[Merge] = []
        self.table_rids: list[str] = []
        self.filtered = False
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as zf:
                info = zf.getinfo(self.part)
            carry = b""
            for block in iter_member(self.path, info):
                buf = carry + block
                cut = buf.rfind(b"</row>") + 6
                if cut < 6:
                    carry = buf
                    continue
                self._scan(buf[:cut])
                carry = buf[cut:]
            self._scan(carry)
            self._tail(carry)
        except Exception as err:  # calamine reports a damaged file itself; never fatal here
            self.error = err

    def _scan(self, piece: bytes) -> None:
        if b't="e"' in piece:
            for rx in (_ERR_CELL, _ERR_CELL2):
                for m in rx.finditer(piece):
                    key = (int(m.group(2)), column_index(m.group(1).decode()))
                    self.found[key] = ooxml_unescape(m.group(3).decode("utf-8", "replace"))
        if b'hidden="' in piece:
            for m in _HIDDEN_ROW.finditer(piece):
                r = _ROW_NUMBER.search(m.group(0))
                if r is not None:  # a <row> without r= (rare; optional in OOXML) is not placed
                    self.hidden.add(int(r.group(1)))

    def _tail(self, tail: bytes) -> None:
        """What follows ``</sheetData>``: merges, the sheet's filter and its table parts."""
        for m in _MERGE.finditer(tail):
            c0, r0 = column_index(m.group(1).decode()), int(m.group(2))
            c1, r1 = (column_index(m.group(3).decode()), int(m.group(4))) if m.group(3) else (c0, r0)
            self.merges.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
        self.table_rids = [m.group(1).decode() for m in _TABLE_PART.finditer(tail)]
        self.filtered = any(b"filterColumn" in m.group(1) for m in _AUTOFILTER.finditer(tail))
