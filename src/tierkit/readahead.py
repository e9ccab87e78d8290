"""Read a parquet input on a second thread while the command is still importing what it needs.

``tierkit apply data.parquet`` spends its first few tenths of a second importing pandas and tierkit (Python,
one core), and then reads the file (Arrow's C++, which lets go of the GIL).  :func:`read_ahead`, called by the
command before those imports, starts the read at once on a thread; :func:`take`, called by the parquet reader
(:func:`tierkit.io.parquetread.read_parquet_arrow`), hands over the table it made, so the two overlap on the
machine's two cores.

The thread reads exactly what the reader would (:func:`read_arrow`: text columns decoded, no dictionary
columns) and only within the default limits of :mod:`tierkit.io.limits`, checked before anything is decoded;
when a limit is set in the environment, or the file is over a default limit, it reads nothing and the reader
reads (and refuses) the file itself.  The reader still applies every check to a table handed over, so this
module decides nothing: a table that is not taken (an error came first) is let go when the thread ends, and
the process waits for the thread at exit.  The file is matched by its path, size, inode and modification
time, so a file that changed in between is read again.

This module imports nothing at load time but the standard library: the command imports it before pandas.
"""

from __future__ import annotations

import atexit
import os
import stat
import threading
from typing import Any

#: the default limits of tierkit.io.limits (MAX_CELLS, MAX_PART_BYTES); tests/io check they are the same
DEFAULT_MAX_CELLS = 9 << 20
DEFAULT_MAX_PART_BYTES = 1 << 30
#: the environment variables that change those limits: when either is set, nothing is read ahead
LIMIT_VARIABLES = ("TIERKIT_MAX_CELLS", "TIERKIT_MAX_PART_BYTES")

_lock = threading.Lock()
_pending: dict[tuple[Any, ...], _Read] = {}


class _Read(threading.Thread):
    def __init__(self, path: str) -> None:
        super().__init__(name="tierkit-read-ahead", daemon=True)
        self.path = path
        self.table: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from time import perf_counter

        from .timings import beside

        started = perf_counter()
        try:
            self.table = read_arrow(self.path, DEFAULT_MAX_CELLS, DEFAULT_MAX_PART_BYTES)
        except BaseException as err:  # handed to the reader, which raises it where it would have
            self.error = err
        beside("read", perf_counter() - started)


def read_ahead(path: str | os.PathLike[str]) -> None:
    """Start reading ``path`` on a thread when it is a parquet file (its first bytes say so) and no limit is
    set in the environment; else do nothing."""
    if any(os.environ.get(name, "").strip() for name in LIMIT_VARIABLES):
        return
    key = _key(path)
    if key is None:
        return
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe or a device is never opened twice
            return
        with open(path, "rb") as fh:
            if fh.read(4) != b"PAR1":
                return
    except OSError:
        return
    with _lock:
        if key in _pending:
            return
        if not _pending:
            atexit.register(_wait)
        read = _pending[key] = _Read(os.fspath(path))
    read.start()


def take(path: str | os.PathLike[str]) -> Any:
    """The table read ahead for ``path`` (waiting for the thread), or None when nothing was read ahead for this
    very file, or the thread read nothing (over a default limit).  An error the read raised is raised here."""
    key = _key(path)
    with _lock:
        read = _pending.pop(key, None) if key is not None else None
    if read is None:
        return None
    read.join()
    if read.error is not None:
        raise read.error
    return read.table


def _key(path: str | os.PathLike[str]) -> tuple[Any, ...] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return os.path.realpath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _wait() -> None:
    """At exit: let a read that was never taken finish (Arrow's threads are not stopped mid-read)."""
    with _lock:
        reads = list(_pending.values())
        _pending.clear()
    for read in reads:
        read.join()


class OverLimit(Exception):
    """The file is over a limit: ``kind`` is ``"cells"`` (rows x columns, as ``cells`` of ``limit``) or
    ``"text"`` (the decoded text of column ``column`` passes ``limit`` bytes)."""

    def __init__(self, kind: str, limit: int, *, cells: int = 0, rows: int = 0, columns: int = 0,
                 column: str = "") -> None:
        super().__init__(kind)
        self.kind, self.limit, self.cells, self.rows, self.columns, self.column = (kind, limit, cells, rows,
                                                                                   columns, column)


def read_arrow(path: str | os.PathLike[str], max_cells: int, max_text_bytes: int) -> Any:
    """The parquet file as an Arrow table, its text decoded (no dictionary columns), refused with
    :class:`OverLimit` before anything is decoded when its rows x columns pass ``max_cells`` or its decoded
    text passes ``max_text_bytes``.  Within a thread that the reader does not wait for, or as the reader."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as footer:
        meta, schema = footer.metadata, footer.schema_arrow
    cells = meta.num_rows * max(meta.num_columns, 1)
    if cells > max_cells:
        raise OverLimit("cells", max_cells, cells=cells, rows=meta.num_rows, columns=meta.num_columns)
    plain = {f.name: f.type.value_type if pa.types.is_dictionary(f.type) else f.type for f in schema}
    texts = [n for n, t in plain.items() if pa.types.is_string(t) or pa.types.is_large_string(t)
             or pa.types.is_binary(t) or pa.types.is_large_binary(t)]
    # ParquetFile.read, not pq.read_table: the same table, without importing pyarrow.dataset and its
    # filesystems (0.1-0.2 s of CPU that holds the GIL while the main thread imports)
    with pq.ParquetFile(path, read_dictionary=texts) as file:
        table = file.read(use_threads=True)
    total = 0
    for name in texts:
        for chunk in table.column(name).chunks:
            if isinstance(chunk, pa.DictionaryArray) and len(chunk):
                lengths = pc.binary_length(chunk.dictionary)
                total += int(pc.sum(pc.take(lengths, chunk.indices)).as_py() or 0)
            else:
                total += chunk.nbytes
        if total > max_text_bytes:
            raise OverLimit("text", max_text_bytes, column=name)
    columns = [table.column(i).cast(plain[n]) if n in texts else table.column(i)
               for i, n in enumerate(table.column_names)]
    return pa.Table.from_arrays(columns, schema=pa.schema([table.schema.field(i).with_type(c.type)
                                                          for i, c in enumerate(columns)],
                                                         metadata=table.schema.metadata))


__all__ = ["DEFAULT_MAX_CELLS", "DEFAULT_MAX_PART_BYTES", "OverLimit", "read_ahead", "read_arrow", "take"]
