"""Reading a parquet input ahead on a second thread (``tierkit.readahead``): the reader takes exactly the table
it would have read, the limits in force still refuse it, a file that changed or is not parquet is read as
before, and ``tierkit apply`` writes the same file with and without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierkit import readahead
from tierkit.errors import InputFileError
from tierkit.io import limits, parquetread


def table(n: int = 500) -> pa.Table:
    rng = np.random.default_rng(3)
    return pa.table({"id": [f"C{i}" for i in range(n)],
                     "region": pa.array(rng.choice(["North", "南区", "W\x01est"], n)).dictionary_encode(),
                     "revenue": rng.random(n) * 1000})


@pytest.fixture
def src(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in readahead.LIMIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "in.parquet"
    pq.write_table(table(), path)
    return path


def test_the_defaults_are_the_limits_modules() -> None:
    assert readahead.DEFAULT_MAX_CELLS == limits.MAX_CELLS
    assert readahead.DEFAULT_MAX_PART_BYTES == limits.MAX_PART_BYTES


def test_the_table_read_ahead_is_the_one_the_reader_reads(src: Path) -> None:
    direct = parquetread.read_parquet_arrow(src)
    readahead.read_ahead(src)
    assert readahead._pending
    got = parquetread.read_parquet_arrow(src)
    assert not readahead._pending  # taken once
    assert got.equals(direct) and got.schema.equals(direct.schema, check_metadata=True)
    assert not pa.types.is_dictionary(got.schema.field("region").type)
    assert readahead.take(src) is None


def test_nothing_is_read_ahead_for_other_files_or_with_a_limit_set(src: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text("id\nC1\n", encoding="utf-8")
    readahead.read_ahead(csv)
    readahead.read_ahead(tmp_path / "missing.parquet")
    readahead.read_ahead(tmp_path)
    fifo = tmp_path / "pipe.parquet"
    os.mkfifo(fifo)
    readahead.read_ahead(fifo)  # not opened: a reader of a pipe would wait here for a writer
    assert not readahead._pending
    monkeypatch.setenv("TIERKIT_MAX_CELLS", "100")
    readahead.read_ahead(src)
    assert not readahead._pending
    with pytest.raises(InputFileError, match="over the limit of 100 cells"):
        parquetread.read_parquet_arrow(src)


def test_a_file_that_changed_is_read_again(src: Path) -> None:
    readahead.read_ahead(src)
    pq.write_table(table(40), src)
    os.utime(src, ns=(1, 1))
    assert parquetread.read_parquet_arrow(src).num_rows == 40
    readahead._wait()
    assert not readahead._pending


def test_the_limits_in_force_refuse_a_table_read_ahead(src: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readahead.read_ahead(src)
    monkeypatch.setattr(parquetread, "max_cells", lambda: 1000)
    with pytest.raises(InputFileError, match=r"500 rows x 3 columns, over the limit of 1,000 cells"):
        parquetread.read_parquet_arrow(src)
    readahead.read_ahead(src)
    monkeypatch.setattr(parquetread, "max_cells", lambda: 10_000)
    monkeypatch.setattr(parquetread, "max_part_bytes", lambda: 3000)
    with pytest.raises(InputFileError, match=r"more than 3,000 bytes \(column 'region'\)"):
        parquetread.read_parquet_arrow(src)


def test_a_file_over_a_default_limit_is_read_against_the_limits_in_force(src: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readahead, "DEFAULT_MAX_CELLS", 10)
    readahead.read_ahead(src)
    assert parquetread.read_parquet_arrow(src).num_rows == 500  # the thread refused it; the reader did not


def test_an_error_of_the_read_is_raised_by_the_reader(tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1" + b"\0" * 64 + b"PAR1")
    with pytest.raises(OSError) as direct:
        parquetread.read_parquet_arrow(bad)
    readahead.read_ahead(bad)
    with pytest.raises(OSError) as ahead:
        parquetread.read_parquet_arrow(bad)
    assert type(ahead.value) is type(direct.value) and str(ahead.value) == str(direct.value)


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tierkit.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120, check=False)


def test_apply_writes_the_same_file_with_and_without_reading_ahead(src: Path, tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("name: r\nfields:\n  revenue: {type: float}\nsegments:\n"
                                     "  - {id: big, label: Big, when: 'revenue >= 500'}\n"
                                     "  - {id: rest, label: Rest, default: true}\n", encoding="utf-8")
    ahead = run("apply", "in.parquet", "--rules", "r.yaml", "-o", "a.parquet", cwd=tmp_path)
    plain = run("apply", "in.parquet", "--rules", "r.yaml", "-o", "b.parquet", cwd=tmp_path,
                TIERKIT_MAX_CELLS=str(limits.MAX_CELLS))
    assert ahead.returncode == plain.returncode == 0, ahead.stderr + plain.stderr
    assert ahead.stdout.replace("a.parquet", "b.parquet") == plain.stdout
    a, b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    assert a.equals(b) and a.column("region").to_pylist()[:3] == b.column("region").to_pylist()[:3]
    (tmp_path / "bad.parquet").write_bytes(b"PAR1" + b"\0" * 64 + b"PAR1")
    bad = run("apply", "bad.parquet", "--rules", "r.yaml", cwd=tmp_path)
    bad_plain = run("apply", "bad.parquet", "--rules", "r.yaml", cwd=tmp_path, TIERKIT_MAX_CELLS=str(limits.MAX_CELLS))
    assert bad.returncode == bad_plain.returncode == 2 and bad.stderr == bad_plain.stderr
    assert "bad.parquet" in bad.stderr and "Traceback" not in bad.stderr
