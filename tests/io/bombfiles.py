"""Hostile workbooks built small: a sheet part that inflates to gigabytes, written as one
compressed run repeated (each run is a raw deflate block ended by a full flush, so copies of it
concatenate into one valid stream) — the file stays ~1 MB and takes well under a second to write."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import xlsxwriter

_RUN = 16 << 20   # bytes of spaces per compressed run


def _raw(data: bytes, mode: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(mode)


def bomb_xlsx(path: Path, inflated: int, *, declare: int | None = None) -> Path:
    """A workbook whose first sheet inflates to about ``inflated`` bytes; its headers declare
    ``declare`` bytes instead when given (a lying header)."""
    base = path.with_suffix(".base.xlsx")
    wb = xlsxwriter.Workbook(str(base))
    wb.add_worksheet("Data").write_row(0, 0, ["id", "revenue"])
    wb.close()
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/' \
           b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>' \
           b'</row></sheetData>'
    tail = b"</worksheet>"
    runs = max(1, (inflated - len(head) - len(tail)) // _RUN)
    run = _raw(b" " * _RUN, zlib.Z_FULL_FLUSH)
    usize = len(head) + runs * _RUN + len(tail)
    pieces = [_raw(head, zlib.Z_FULL_FLUSH), None, _raw(tail, zlib.Z_FINISH)]
    csize = len(pieces[0]) + runs * len(run) + len(pieces[2])  # type: ignore[arg-type]
    declared = usize if declare is None else declare
    with zipfile.ZipFile(base) as src, path.open("wb") as out:
        central = b""
        for info in src.infolist():
            offset = out.tell()
            name = info.filename.encode()
            if info.filename == "xl/worksheets/sheet1.xml":
                crc, cs, us = 0, csize, declared
            else:
                data = _raw(src.read(info), zlib.Z_FINISH)
                crc, cs, us = zlib.crc32(src.read(info)), len(data), info.file_size
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21, crc, cs, us, len(name), 0))
            out.write(name)
            if info.filename == "xl/worksheets/sheet1.xml":
                out.write(pieces[0])  # type: ignore[arg-type]
                for _ in range(runs):
                    out.write(run)
                out.write(pieces[2])  # type: ignore[arg-type]
            else:
                out.write(data)
            central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0, 8, 0, 0x21, crc, cs, us,
                                   len(name), 0, 0, 0, 0, 0, offset) + name
        start = out.tell()
        out.write(central)
        n = len(src.infolist())
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(central), start, 0))
    base.unlink()
    return path
