"""Zip packages written by hand, so a part can be as hostile as we like while the file stays small.

A part is a sequence of :class:`Piece` s.  Each piece is compressed once as a raw deflate run ended by a
full flush (so runs concatenate into one valid stream) and written ``times`` times: a gigabyte of XML
costs a megabyte of file and one compression.  A part's header may also lie about its inflated size."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from isal import isal_zlib

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_EOCD = struct.Struct("<4s4H2LH")
_END_BLOCK = zlib.compressobj(1, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


@dataclass(frozen=True)
class Piece:
    data: bytes
    times: int = 1


@dataclass(frozen=True)
class Part:
    """A zip member: its pieces in order, and optionally the inflated size its headers claim."""

    pieces: Iterable[Piece]
    declare: int | None = None
    level: int = 6


def _run(data: bytes, level: int) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


def write_zip(path: Path, parts: Mapping[str, Part | bytes]) -> Path:
    """Write ``parts`` (name -> Part or plain bytes) as a zip file at ``path``; sizes stay under 4 GiB."""
    central = b""
    with path.open("wb") as out:
        for name, part in parts.items():
            if isinstance(part, bytes):
                part = Part([Piece(part)])
            raw = name.encode()
            offset = out.tell()
            out.write(_LOCAL.pack(b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21, 0, 0, 0, len(raw), 0) + raw)
            crc = usize = csize = 0
            for piece in part.pieces:
                run = _run(piece.data, part.level)
                piece_crc = isal_zlib.crc32(piece.data)
                for _ in range(piece.times):
                    out.write(run)
                    crc = isal_zlib.crc32_combine(crc, piece_crc, len(piece.data))
                usize += len(piece.data) * piece.times
                csize += len(run) * piece.times
            out.write(_END_BLOCK)
            csize += len(_END_BLOCK)
            declared = usize if part.declare is None else part.declare
            end = out.tell()
            out.seek(offset)
            out.write(_LOCAL.pack(b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21, crc, csize, declared, len(raw), 0))
            out.seek(end)
            central += _CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, 0, 8, 0, 0x21, crc, csize, declared,
                                     len(raw), 0, 0, 0, 0, 0, offset) + raw
        start = out.tell()
        out.write(central)
        n = len(parts)
        out.write(_EOCD.pack(b"PK\x05\x06", 0, 0, n, n, len(central), start, 0))
    return path


# --------------------------------------------------------------------------- a minimal .xlsx package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
              f'xmlns:r="{_REL}">').encode()


def sheet_xml(rows: bytes | Iterable[Piece], *, dimension: str | None = None) -> Part:
    """A worksheet part around ``rows`` (``<row>`` elements, as bytes or pieces)."""
    head = SHEET_HEAD + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"") + b"<sheetData>"
    body = [Piece(rows)] if isinstance(rows, bytes) else rows

    def pieces() -> Iterable[Piece]:
        yield Piece(head)
        yield from body
        yield Piece(b"</sheetData></worksheet>")

    return Part(pieces())


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cell(ref: str, value: object) -> str:
    """One cell: numbers as numbers, everything else as an inline string."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{esc(str(value))}</t></is></c>'
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def col_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def rows_xml(rows: Iterable[Iterable[object]], first: int = 1) -> bytes:
    out = []
    for i, row in enumerate(rows, start=first):
        cells = "".join(cell(f"{col_letter(j)}{i}", v) for j, v in enumerate(row, start=1) if v is not None)
        out.append(f'<row r="{i}">{cells}</row>')
    return "".join(out).encode()


def xlsx(path: Path, sheets: Mapping[str, Part | bytes], *, shared_strings: Part | bytes | None = None) -> Path:
    """A workbook of ``sheets`` (name -> worksheet part, see :func:`sheet_xml`) written with :func:`write_zip`."""
    names = list(sheets)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
                        for i in range(1, len(names) + 1))
    if shared_strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>{overrides}</Types>')
    root = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    listing = "".join(f'<sheet name="{esc(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    book = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{_REL}"><sheets>{listing}</sheets></workbook>')
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(names) + 1))
    if shared_strings is not None:
        rels += f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    parts: dict[str, Part | bytes] = {
        "[Content_Types].xml": types.encode(), "_rels/.rels": root.encode(), "xl/workbook.xml": book.encode(),
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                      f'<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>'.encode()}
    for i, name in enumerate(names, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheets[name]
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    return write_zip(path, parts)
