"""A small zip writer that copies members of another zip byte for byte (no recompression)
and writes new members as a stream, compressing blocks on worker threads (pigz-style:
each block is a raw deflate run primed with the previous 32 KiB and ended with a sync flush,
so the blocks concatenate into one valid deflate stream)."""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from .limits import HARMLESS_BYTES, bomb, check_declared, max_cells, may_lie

try:   # ISA-L deflate: ~4x faster than zlib at level 1, with a better ratio (see bench/)
    from isal import isal_zlib as fastz

    LEVEL = 1
except ImportError:  # pragma: no cover - isal is a dependency; plain zlib still works
    fastz = zlib  # type: ignore[no-redef,misc]
    LEVEL = 1
_WINDOW = 32768
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_EOCD = struct.Struct("<4s4H2LH")
_Z64_EOCD = struct.Struct("<4sQ2H2L4Q")
_Z64_LOC = struct.Struct("<4sLQL")
_U32 = 0xFFFFFFFF


@dataclass
class _Entry:
    name: bytes
    flags: int
    method: int
    dostime: int
    dosdate: int
    crc: int
    csize: int
    usize: int
    offset: int
    create_version: int
    create_system: int
    extract_version: int
    external_attr: int
    internal_attr: int
    extra: bytes = b""      # central-directory extra (non-zip64 fields of the original)
    comment: bytes = b""


def _dos(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def _strip_zip64(extra: bytes) -> bytes:
    out, i = b"", 0
    while i + 4 <= len(extra):
        tag, ln = struct.unpack_from("<HH", extra, i)
        if tag != 0x0001:
            out += extra[i:i + 4 + ln]
        i += 4 + ln
    return out


class ZipOut:
    """Write a zip file member by member; ``close()`` writes the central directory."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.entries: list[_Entry] = []

    def _entry_from(self, info: zipfile.ZipInfo, name: str | None = None) -> _Entry:
        t, d = _dos(info)
        nm = (name or info.filename).encode("utf-8")
        flags = info.flag_bits & ~0x08      # sizes are in the local header, no data descriptor
        if any(ord(c) > 127 for c in (name or info.filename)):
            flags |= 0x800
        crc = getattr(info, "CRC", 0)
        return _Entry(nm, flags, info.compress_type, t, d, crc, info.compress_size, info.file_size,
                      0, info.create_version, info.create_system, max(info.extract_version, 20),
                      info.external_attr, info.internal_attr, _strip_zip64(info.extra), info.comment)

    def _local_header(self, e: _Entry, zip64: bool) -> bytes:
        extra = b""
        csize, usize = e.csize, e.usize
        if zip64:
            extra = struct.pack("<HHQQ", 1, 16, e.usize, e.csize)
            csize = usize = _U32
        version = 45 if zip64 else e.extract_version
        return _LOCAL.pack(b"PK\x03\x04", version, 0, e.flags, e.method, e.dostime, e.dosdate,
                           e.crc, csize, usize, len(e.name), len(extra)) + e.name + extra

    def copy_raw(self, src: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy a member of another zip without decompressing it."""
        e = self._entry_from(info)
        seek_data(src, info)
        e.offset = self.fh.tell()
        self.fh.write(self._local_header(e, e.usize >= _U32 or e.csize >= _U32))
        left = info.compress_size
        while left:
            block = src.read(min(left, 1 << 22))
            if not block:
                raise zipfile.BadZipFile(f"truncated member {info.filename}")
            self.fh.write(block)
            left -= len(block)
        self.entries.append(e)

    def write_bytes(self, name: str, data: bytes, like: zipfile.ZipInfo | None = None, level: int = 6) -> None:
        """Write a (small) member in one go, deflated."""
        with self.open(name, like, level=level, threads=0, big=len(data) >= _U32 // 2) as w:
            w.write(data)

    def open(self, name: str, like: zipfile.ZipInfo | None = None, *, level: int = LEVEL,
             threads: int = 1, big: bool = False) -> StreamMember:
        info = like or zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        if like is None:
            info.external_attr = 0o600 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        e = self._entry_from(info, name)
        e.method = zipfile.ZIP_DEFLATED
        e.crc = e.csize = e.usize = 0
        e.offset = self.fh.tell()
        self.fh.write(self._local_header(e, big))
        return StreamMember(self, e, level, threads, big)

    def close(self) -> None:
        fh = self.fh
        cd_start = fh.tell()
        for e in self.entries:
            z64: list[int] = []
            usize, csize, offset = e.usize, e.csize, e.offset
            if usize >= _U32:
                z64.append(usize)
                usize = _U32
            if csize >= _U32:
                z64.append(csize)
                csize = _U32
            if offset >= _U32:
                z64.append(offset)
                offset = _U32
            extra = e.extra
            version = e.extract_version
            if z64:
                extra = struct.pack(f"<HH{len(z64)}Q", 1, 8 * len(z64), *z64) + extra
                version = max(version, 45)
            fh.write(_CENTRAL.pack(b"PK\x01\x02", e.create_version, e.create_system, version, 0, e.flags,
                                   e.method, e.dostime, e.dosdate, e.crc, csize, usize, len(e.name),
                                   len(extra), len(e.comment), 0, e.internal_attr, e.external_attr, offset))
            fh.write(e.name + extra + e.comment)
        cd_end = fh.tell()
        n, size = len(self.entries), cd_end - cd_start
        if n >= 0xFFFF or size >= _U32 or cd_start >= _U32:
            fh.write(_Z64_EOCD.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, size, cd_start))
            fh.write(_Z64_LOC.pack(b"PK\x06\x07", 0, cd_end, 1))
        fh.write(_EOCD.pack(b"PK\x05\x06", 0, 0, min(n, 0xFFFF), min(n, 0xFFFF), min(size, _U32),
                            min(cd_start, _U32), 0))


def _deflate_block(data: bytes | memoryview, zdict: bytes, level: int) -> bytes:
    c = fastz.compressobj(level, fastz.DEFLATED, -15, 8, fastz.Z_DEFAULT_STRATEGY, zdict) if zdict else \
        fastz.compressobj(level, fastz.DEFLATED, -15, 8)
    return c.compress(data) + c.flush(fastz.Z_SYNC_FLUSH)


_FINAL_BLOCK = zlib.compressobj(1, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)   # empty final block


class StreamMember:
    """A member being written: ``write()`` blocks of bytes, then ``close()``."""

    def __init__(self, zo: ZipOut, entry: _Entry, level: int, threads: int, big: bool) -> None:
        self.zo, self.e, self.level, self.big = zo, entry, level, big
        self.pool = ThreadPoolExecutor(threads) if threads > 0 else None
        self.pending: deque[Future[bytes]] = deque()
        self.max_pending = 2 * threads + 1
        self.tail = b""
        self.crc = 0
        self.usize = 0
        self.csize = 0
        self.serial = zlib.compressobj(level, zlib.DEFLATED, -15) if self.pool is None else None

    def __enter__(self) -> StreamMember:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        elif self.pool:
            self.pool.shutdown(cancel_futures=True)

    def _emit(self, block: bytes) -> None:
        self.zo.fh.write(block)
        self.csize += len(block)

    def write(self, data: bytes | memoryview) -> None:
        if not len(data):
            return
        self.crc = fastz.crc32(data, self.crc)
        self.usize += len(data)
        if self.serial is not None:
            self._emit(self.serial.compress(data))
            return
        assert self.pool is not None
        self.pending.append(self.pool.submit(_deflate_block, data, self.tail, self.level))
        self.tail = bytes(data[-_WINDOW:]) if len(data) >= _WINDOW else (self.tail + bytes(data))[-_WINDOW:]
        while len(self.pending) > self.max_pending or (self.pending and self.pending[0].done()):
            self._emit(self.pending.popleft().result())

    def close(self) -> None:
        if self.serial is not None:
            self._emit(self.serial.flush(zlib.Z_FINISH))
        else:
            while self.pending:
                self._emit(self.pending.popleft().result())
            self._emit(_FINAL_BLOCK)
            assert self.pool is not None
            self.pool.shutdown()
        e = self.e
        e.crc, e.usize, e.csize = self.crc & _U32, self.usize, self.csize
        if (e.usize >= _U32 or e.csize >= _U32) and not self.big:
            raise OverflowError(f"zip member {e.name!r} exceeds 4 GiB")
        fh = self.zo.fh
        end = fh.tell()
        fh.seek(e.offset)
        fh.write(self.zo._local_header(e, self.big))
        fh.seek(end)
        self.zo.entries.append(e)


def seek_data(fh: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Position ``fh`` at the (compressed) data of member ``info``, past its local header."""
    fh.seek(info.header_offset)
    head = fh.read(30)
    if head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    nlen, xlen = struct.unpack("<HH", head[26:30])
    fh.seek(info.header_offset + 30 + nlen + xlen)


def iter_member(path: str | os.PathLike[str], info: zipfile.ZipInfo, step: int = 1 << 20) -> Iterator[bytes]:
    """Decompressed blocks of one member, inflated with ISA-L straight from the file.

    Never inflates past the member's declared size (headers can lie) nor the part cap of
    :mod:`tierkit.io.limits`: each call inflates at most ``step`` bytes, so memory stays bounded."""
    check_declared(path, info)
    declared = info.file_size
    with open(path, "rb") as fh:
        seek_data(fh, info)
        left = info.compress_size
        if info.compress_type == zipfile.ZIP_STORED:
            d = None
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            d = fastz.decompressobj(-15)
        else:
            raise zipfile.BadZipFile(f"unsupported compression {info.compress_type} in {info.filename}")
        total = 0
        pending = b""
        while left or pending:
            if not pending:
                pending = fh.read(min(left, step))
                if not pending:
                    raise EOFError(f"{info.filename} is truncated")
                left -= len(pending)
            if d is None:
                block, pending = pending, b""
            else:
                block = d.decompress(pending, step)
                pending = d.unconsumed_tail
            total += len(block)
            if total > declared:
                raise bomb(path, info.filename, f"inflates past the {declared:,} bytes its header declares")
            if block:
                yield block
            if d is not None and d.eof:
                break
        if d is not None:
            block = d.flush()
            total += len(block)
            if total > declared:
                raise bomb(path, info.filename, f"inflates past the {declared:,} bytes its header declares")
            if block:
                yield block
            if not d.eof:
                raise EOFError(f"{info.filename} is truncated")
        if total != declared:
            raise zipfile.BadZipFile(f"{info.filename}: size mismatch")


def verify_inflated_size(path: str | os.PathLike[str], info: zipfile.ZipInfo) -> None:
    """Inflate ``info`` in a bounded streaming pass, refusing it as soon as it passes its declared size."""
    for _ in iter_member(path, info):
        pass


def guard_for_calamine(path: str | os.PathLike[str], zf: zipfile.ZipFile) -> None:
    """Before calamine (which inflates by itself, trusting nothing we can check) opens the package:
    verify the true size of every part it reads that could lie its way to a harmful size.  Worksheets
    are left out: calamine reads only the chosen one, which :func:`~tierkit.io.extent.sheet_extent`
    inflates (verified, with its extent) before calamine starts."""
    for info in zf.infolist():
        name = info.filename
        if name.lower().endswith("sharedstrings.xml"):
            if may_lie(info) or info.file_size > HARMLESS_BYTES:
                count_strings(path, info)
        elif name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/") and may_lie(info):
            verify_inflated_size(path, info)


def count_strings(path: str | os.PathLike[str], info: zipfile.ZipInfo) -> int:
    """The shared strings of ``info``, counted in a verifying pass; more than the cell limit are refused
    (calamine holds every one in memory: 63 million one-letter strings, a 20 MB file, took 3.5 GB)."""
    cap, count = max_cells(), 0
    for block in iter_member(path, info):
        count += block.count(b"</si>") + block.count(b":si>") + block.count(b"<si/>")
        if count > cap:
            err = bomb(path, info.filename, f"holds more than {cap:,} strings, over the cell limit")
            err.hint = "if the workbook is genuine, raise the limit with TIERKIT_MAX_CELLS (see README, Limits)"
            raise err
    return count
