"""Write the tier columns into a copy of an .xlsx/.xlsm without rewriting the workbook.

Every zip member is copied byte for byte (still compressed) except the data sheet (stream
patched, see :mod:`sheetpatch`), ``xl/styles.xml`` (fills and formats appended), and, for
the summary sheet, the workbook, its relationships and the content types.
"""

from __future__ import annotations

import queue
import re
import sys
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from tierkit.errors import DataError, InputFileError, Where, display_path, msg

from . import ooxml, parts, rowindex
from .header import header_key
from .sheetcopy import SheetCopy
from .sheetpatch import NewCells, SheetPatcher, render_column
from .sniff import corrupt, open_zip
from .table import MAX_COLS, NewColumn, RawTable, SummaryTable, column_index, column_letter, is_summary_sheet
from .zipio import LEVEL, ZipOut, iter_member

BLOCK = 4 << 20
FIRST_BLOCK = 64 << 10
def _width(header: str, values: Sequence[object]) -> float:
    def w(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)
    sample = [str(v) for v in list(values[:2000]) if v is not None]
    longest = max([w(header)] + [w(s) for s in sample])
    return float(min(60, max(10, longest + 2)))


def _read_head(zf: zipfile.ZipFile, part: str, header_row: int, prefix: str) -> tuple[bytes, int]:
    """The sheet XML up to and including the header row, and the style of its header cells."""
    p = re.escape(prefix.encode())
    row_re = re.compile(b"<" + p + rb"row\b([^>]*?)(/?)>")
    buf = b""
    with zf.open(part) as fh:
        while len(buf) < (64 << 20):
            block = fh.read(1 << 16)
            buf += block
            last = 0
            style = None
            for m in row_re.finditer(buf):
                r = re.search(rb'\br="(\d+)"', m.group(1))
                last = int(r.group(1)) if r else last + 1
                if last == header_row and not m.group(2):
                    end = buf.find(b"</" + prefix.encode() + b"row>", m.end())
                    if end < 0:
                        break
                    for c in re.finditer(b"<" + p + rb"c\b([^>]*?)(/?)>", buf[m.end():end]):
                        if not c.group(2):
                            s = re.search(rb'\bs="(\d+)"', c.group(1))
                            style = int(s.group(1)) if s else 0
                    return buf, style or 0
            if not block:
                break
    return buf, 0


def _dimension_last_col(head: bytes) -> int:
    m = re.search(rb'<(?:\w+:)?dimension ref="[A-Z]*\d*:?([A-Z]+)\d+"', head)
    if not m:
        return 0
    col = column_index(m.group(1).decode())
    return col if col <= MAX_COLS else 0


def patch_xlsx(table: RawTable, out: BinaryIO, columns: Sequence[NewColumn], *,
               summary: Sequence[SummaryTable], summary_sheet: str, replace_headers: Iterable[str],
               progress: Callable[[int, int], None] | None = None) -> dict[str, object]:
    src_path = table.path
    where = Where(file=display_path(src_path), sheet=table.sheet)
    with open_zip(src_path) as zf, src_path.open("rb") as raw:
        try:
            entries = ooxml.sheets(zf)
            wb_part = ooxml.workbook_part(zf)
            wb_rels = ooxml.read_rels(zf, wb_part)
        except (KeyError, SyntaxError) as err:
            raise corrupt(src_path, err) from err
        entry = next((e for e in entries if e.name == table.sheet), None)
        if entry is None or entry.part is None:
            raise InputFileError(msg("sheet '{sheet}' is no longer in the workbook", sheet=table.sheet), where=where,
                                 hint=msg("read the table again from the current file"))
        sheet_part = entry.part
        with zf.open(sheet_part) as fh:
            prefix = ooxml.element_prefix(fh.read(4096))
        head, header_style = _read_head(zf, sheet_part, table.header_row, prefix)

        # --- where the new columns go
        n = len(table.frame)
        replace = {header_key(h) for h in replace_headers}
        replaced = [column_index(letter) for name, letter in zip(table.frame.columns, table.column_letters,
                                                                 strict=True)
                    if replace and header_key(name) in replace]
        own_last = max(column_index(x) for x in table.column_letters)
        last = max(own_last, _dimension_last_col(head))
        k = len(columns)
        targets = sorted(replaced)[:k]
        if last + k - len(targets) > MAX_COLS:
            # a <dimension> may claim more than the cells reach (A1:XFD1048576): the tier columns then follow
            # the table's own columns, and a real cell in their way is still refused row by row
            last = own_last
        targets += [last + 1 + i for i in range(k - len(targets))]
        if targets and max(targets) > MAX_COLS:
            raise DataError(msg("the tier columns would end in column {column_letter}, beyond Excel's limit of "
                                "{MAX_COLS:,} columns (XFD)",
                                column_letter=column_letter(min(max(targets), 18278)), MAX_COLS=MAX_COLS),
                            where=where,
                            hint=msg("remove unused columns from the sheet or write .csv/.parquet output"))

        # --- styles
        styles_rel = next((r for r in wb_rels if r.type.endswith("/styles")), None)
        styles_part = ooxml.resolve(wb_part, styles_rel.target) if styles_rel else None
        styles = parts.Styles(zf.read(styles_part) if styles_part and styles_part in zf.namelist() else None)
        cells: list[NewCells] = []
        widths: dict[int, float] = {}
        fill_codes: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for col, nc in zip(targets, columns, strict=True):
            if len(nc.values) != n:
                raise ValueError(f"column '{nc.header}' has {len(nc.values)} values for {n} rows")
            st: np.ndarray | None = None
            if nc.fills is not None:
                key = id(nc.fills)          # Tier and Tier ID often share one fills column: factorised once
                if key not in fill_codes:
                    fills = nc.fills if isinstance(nc.fills, np.ndarray) and nc.fills.ndim == 1 else \
                        np.fromiter(nc.fills, dtype=object, count=len(nc.fills))
                    fill_codes[key] = pd.factorize(fills.astype(object, copy=False))
                fcodes, funiq = fill_codes[key]
                xf = np.array([styles.fill_xf(str(f)) for f in funiq] + [0], dtype=np.int64)
                st = xf[fcodes]          # code -1 (no fill) -> last entry, style 0
            cells.append(render_column(col, nc.header, nc.values, st, prefix))
            widths[col] = _width(nc.header, nc.values)

        # --- summary sheet
        names = zf.namelist()
        wb_xml = rels_xml = ct_xml = None
        summary_part = None
        summary_xml = None
        if summary:
            summary_xml = parts.summary_sheet_xml(summary, styles, header_style)
            existing = next((e for e in entries if e.name.casefold() == summary_sheet.casefold()), None)
            if existing is not None and existing.name == entry.name:
                raise InputFileError(msg("the data sheet is named '{summary_sheet}', the name of the summary sheet",
                                         summary_sheet=summary_sheet),
                                     where=where, hint=msg("rename the data sheet or pick another summary name"))
            # a summary written in another language (Tier summary / 层级汇总) is replaced and renamed, not kept
            other = None if existing is not None else next(
                (e for e in entries if is_summary_sheet(e.name) and e.name != entry.name and e.part
                 and e.kind == "worksheet"), None)
            if existing is not None and existing.part and existing.kind == "worksheet":
                summary_part = existing.part
            elif other is not None and other.part:
                summary_part = other.part
                wb_xml = parts.rename_sheet(zf.read(wb_part), other.sheet_id, summary_sheet)
            else:
                k2 = 1
                while f"xl/worksheets/sheet{k2}.xml" in names:
                    k2 += 1
                summary_part = f"xl/worksheets/sheet{k2}.xml"
                rid = parts.next_rid(wb_rels)
                sheet_id = max([e.sheet_id for e in entries] + [0]) + 1
                wb_xml = parts.add_sheet_to_workbook(zf.read(wb_part), summary_sheet, sheet_id, rid)
                rels_xml = parts.add_relationship(zf.read(ooxml.rels_name(wb_part)), rid, ooxml.WORKSHEET_REL,
                                                  ooxml.relative(wb_part, summary_part))
                ct_xml = parts.add_override(zf.read("[Content_Types].xml"), summary_part, ooxml.WORKSHEET_CT)
        if styles.created and styles.changed:
            styles_part = "xl/styles.xml"
            rels_xml = parts.add_relationship(rels_xml or zf.read(ooxml.rels_name(wb_part)),
                                              parts.next_rid(wb_rels + [ooxml.Rel(str(x), "", "") for x in ["rIdS"]]),
                                              ooxml.STYLES_REL, ooxml.relative(wb_part, styles_part))
            ct_xml = parts.add_override(ct_xml or zf.read("[Content_Types].xml"), styles_part, ooxml.STYLES_CT)

        index = rowindex.recall(src_path, zf.getinfo(sheet_part))
        patcher = SheetPatcher(prefix=prefix, header_row=table.header_row, row_numbers=table.row_numbers,
                               cells=cells, remove_cols=replaced, sheet=entry.name, file=where.file or "",
                               col_widths=widths, index=index)
        replacements: dict[str, bytes] = {}
        if styles.changed and styles_part:
            replacements[styles_part] = styles.render()
        if wb_xml is not None:
            replacements[wb_part] = wb_xml
        if rels_xml is not None:
            replacements[ooxml.rels_name(wb_part)] = rels_xml
        if ct_xml is not None:
            replacements["[Content_Types].xml"] = ct_xml
        if summary_part and summary_xml is not None:
            replacements[summary_part] = summary_xml

        zo = ZipOut(out)
        switch = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)    # hand the GIL over quickly between the inflate/deflate threads
        try:
            _copy_members(zf, raw, zo, sheet_part, patcher, replacements, progress, src_path,
                          index.copy if index is not None else None)
        finally:
            sys.setswitchinterval(switch)
        zo.close()
    return {"targets": targets, "fast_blocks": patcher.fast_blocks, "slow_blocks": patcher.slow_blocks,
            "indexed_blocks": patcher.indexed_blocks}


def _copy_members(zf: zipfile.ZipFile, raw: BinaryIO, zo: ZipOut, sheet_part: str, patcher: SheetPatcher,
                  replacements: dict[str, bytes], progress: Callable[[int, int], None] | None,
                  src_path: Path, copy: SheetCopy | None = None) -> None:
    for info in zf.infolist():
        name = info.filename
        try:
            if name == sheet_part:
                with zo.open(name, info, level=LEVEL, threads=1,
                             big=info.file_size > (1 << 30)) as member:
                    _stream_sheet(zf, info, patcher, member.write, progress, copy)
            elif name in replacements:
                zo.write_bytes(name, replacements.pop(name), info)
            else:
                zo.copy_raw(raw, info)
        except (zipfile.BadZipFile, EOFError, zlib.error) as err:
            raise corrupt(src_path, err) from err
    for name, data in replacements.items():      # parts that are new
        zo.write_bytes(name, data)


def _reader(path: Path, info: zipfile.ZipInfo, q: queue.Queue[bytes | BaseException | None]) -> None:
    """Inflate the sheet on a thread (ISA-L runs without the GIL) into ``q``."""
    try:
        for block in iter_member(path, info):
            q.put(block)
        q.put(None)
    except BaseException as err:  # handed to the consumer
        q.put(err)


class _Blocks:
    """Blocks of rows go through the fast path on two threads (Arrow's kernels run without the
    GIL) and are finished, and written, in sheet order on the calling thread."""

    def __init__(self, patcher: SheetPatcher, write: Callable[[bytes | memoryview], None], threads: int = 2) -> None:
        self.patcher, self.write = patcher, write
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="tierkit-patch")
        self.pending: deque[tuple[bytes, int, Future[tuple[bytes | memoryview, int] | None]]] = deque()
        self.limit = threads + 1

    def put(self, chunk: bytes, end: int | None = None, base: int | None = None) -> None:
        """Patch ``chunk[:end]``, which starts at offset ``base`` of the inflated sheet."""
        end = len(chunk) if end is None else end
        self.pending.append((chunk, end, self.pool.submit(self.patcher.try_fast, chunk, end, base)))
        while len(self.pending) > self.limit or (self.pending and self.pending[0][2].done()):
            self._finish_one()

    def _finish_one(self) -> None:
        chunk, end, fut = self.pending.popleft()
        self.write(self.patcher.finish(chunk, end, fut.result()))

    def flush(self) -> None:
        while self.pending:
            self._finish_one()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def _stream_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, patcher: SheetPatcher,
                  write: Callable[[bytes | memoryview], None], progress: Callable[[int, int], None] | None,
                  copy: SheetCopy | None = None) -> None:
    """Decompress (on a thread), patch block by block (on two threads), hand the result to ``write``.
    With ``copy`` (the same part, already inflated: :mod:`tierkit.io.sheetcopy`) it is read from there."""
    q: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=3)
    source = (Path(copy.path), copy.info) if copy is not None and not copy.closed else \
        (Path(zf.filename or ""), info)
    th = threading.Thread(target=_reader, args=(*source, q), daemon=True)
    th.start()
    blocks = _Blocks(patcher, write)
    try:
        _stream_blocks(q, patcher, write, blocks, progress, info.file_size)
    finally:
        blocks.close()
    th.join()


def _stream_blocks(q: queue.Queue[bytes | BaseException | None], patcher: SheetPatcher,
                   write: Callable[[bytes | memoryview], None], blocks: _Blocks,
                   progress: Callable[[int, int], None] | None, size: int) -> None:
    p = patcher.p
    sheet_data = re.compile(b"<" + re.escape(p) + rb"sheetData\b[^>]*?(/?)>")
    end_tag = b"</" + p + b"sheetData>"
    buf = b""
    state = "head"
    done = 0
    first = True
    while True:
        item = q.get()
        if isinstance(item, BaseException):
            raise item
        eof = item is None
        if item:
            buf = buf + item if buf else item
            done += len(item)
            fresh = len(item)
        else:
            fresh = 0
        if state == "head":
            m = sheet_data.search(buf)
            if m is None and not eof:
                continue
            if m is None:
                write(patcher.head(buf))
                buf = b""
                break
            write(patcher.head(buf[:m.end()]))
            buf = buf[m.end():]
            state = "tail" if m.group(1) else "rows"
            fresh = len(buf)
        if state == "rows":
            end = buf.rfind(end_tag, max(0, len(buf) - fresh - len(end_tag)))   # there is one </sheetData>
            stop = end if end >= 0 else len(buf)
            if first:     # the rows up to the header take the exact path: keep that block small
                cut = buf.rfind(patcher.close_row, 0, min(stop, FIRST_BLOCK))
                if cut >= 0:
                    cut += len(patcher.close_row)
                    blocks.put(buf, cut, done - len(buf))
                    buf = buf[cut:]
                    stop -= cut
                    end = end - cut if end >= 0 else end
                    first = False
            if end >= 0:
                blocks.put(buf, end, done - len(buf))
                buf = buf[end:]
                state = "tail"
            else:
                cut = buf.rfind(patcher.close_row)
                if cut >= 0 and (cut > BLOCK // 2 or eof):
                    cut += len(patcher.close_row)
                    blocks.put(buf, cut, done - len(buf))     # patched as buf[:cut], without a copy
                    buf = buf[cut:]
        if progress:
            progress(done, size)
        if eof:
            if state == "rows" and buf:
                blocks.put(buf, None, done - len(buf))
                buf = b""
            break
    blocks.flush()
    if buf:
        write(buf)
    if progress:
        progress(size, size)
