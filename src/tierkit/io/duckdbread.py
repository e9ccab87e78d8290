"""Read a table from a DuckDB database file: ``duckdb:PATH.db#table`` on the command line.

The database is opened read-only, with DuckDB's file system access turned off (a view in the database cannot
make tierkit read another file) and no extension loaded, so the input is never modified and nothing but the
file the user named is opened.  The table name is a quoted identifier (CJK and spaces are fine); the text after
the last ``#`` is the name.  Every way the spec or the file can be unusable is one
:class:`~tierkit.errors.InputFileError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tierkit.errors import InputFileError, Where, display_path, listing, msg

from .limits import max_cells
from .parquetread import arrow_raw_table
from .table import RawTable

if TYPE_CHECKING:
    import pyarrow as pa

PREFIX = "duckdb:"
#: bytes 8..12 of every DuckDB database file
MAGIC = b"DUCK"
SPEC_HINT = msg("write it as duckdb:PATH.db#TABLE, e.g. 'duckdb:sales.db#customers' (quote it in the shell)")
#: DuckDB settings for reading a user's database: no file but the database itself, no extension
SAFE_CONFIG = {"enable_external_access": False, "autoinstall_known_extensions": False,
               "autoload_known_extensions": False}


@dataclass(frozen=True)
class DuckDBSource:
    """``duckdb:PATH#TABLE`` taken apart: the database file and the table's name, as the user typed them."""

    path: Path
    table: str

    @property
    def spec(self) -> str:
        return f"{PREFIX}{self.path}#{self.table}"


def is_duckdb_spec(text: str | Path) -> bool:
    """Whether ``text`` names a DuckDB table (``duckdb:...``) rather than a file."""
    return str(text)[: len(PREFIX)].lower() == PREFIX


def parse_spec(text: str) -> DuckDBSource:
    """``duckdb:PATH#TABLE`` -> :class:`DuckDBSource`; a malformed spec is an InputFileError saying how to
    write it.  The path is taken as typed (no ``~`` or variables expanded)."""
    body = text[len(PREFIX):]
    path, hash_, table = body.rpartition("#")
    where = Where(file=text)
    if not hash_:
        raise InputFileError(msg("a DuckDB input needs the table after '#'"), where=where, hint=SPEC_HINT)
    if not path.strip():
        raise InputFileError(msg("a DuckDB input needs the database file before '#'"), where=where, hint=SPEC_HINT)
    if not table.strip():
        raise InputFileError(msg("a DuckDB input needs a table name after '#'"), where=where, hint=SPEC_HINT)
    return DuckDBSource(Path(path), table)


def output_base(text: str) -> Path:
    """Where outputs named after ``duckdb:PATH#TABLE`` go: ``PATH`` with its suffix replaced by the table's name
    (characters that are no part of a file name as ``_``) and ``.db``: ``sales.db#customers`` ->
    ``sales.customers.db``, whose default outputs are ``sales.customers.tiered.xlsx`` and so on."""
    source = parse_spec(text)
    table = re.sub(r"[^\w\-]+", "_", source.table).strip("_") or "table"
    return source.path.with_name(f"{source.path.stem}.{table}.db")


def check_database(path: Path) -> None:
    """Raise InputFileError unless ``path`` is a readable DuckDB database file."""
    where = Where(file=display_path(path))
    if not path.exists():
        raise InputFileError(msg("file not found"), where=where, hint=msg("check the path of the DuckDB database"))
    if path.is_dir():
        raise InputFileError(msg("this is a folder, not a file"), where=where,
                             hint=msg("give the path of the DuckDB database file itself"))
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as err:
        raise InputFileError(msg("cannot read the file: {value}", value=err.strerror or err), where=where,
                             hint=msg("check that you may read it")) from err
    if head[8:12] != MAGIC:
        raise InputFileError(msg("{name} is not a DuckDB database", name=path.name), where=where,
                             hint=msg("give a file written by DuckDB, or the csv, parquet or xlsx file itself"))


@contextmanager
def open_database(path: Path) -> Iterator[Any]:
    """A read-only DuckDB connection to ``path`` (checked first), closed on exit."""
    check_database(path)
    try:
        import duckdb
    except ModuleNotFoundError:
        raise InputFileError(msg("reading a DuckDB database needs the duckdb package"),
                             where=Where(file=display_path(path)), hint=msg("pip install 'tierkit[duckdb]'")) from None
    try:
        con = duckdb.connect(str(path), read_only=True, config=dict(SAFE_CONFIG))
    except duckdb.Error as err:
        raise InputFileError(msg("DuckDB cannot open the database: {error}", error=_first_line(err)),
                             where=Where(file=display_path(path)),
                             hint=msg("close the program that has it open for writing, or open it with the "
                                      "DuckDB version that wrote it")) from err
    try:
        yield con
    finally:
        con.close()


def table_names(con: Any) -> list[tuple[str, str]]:
    """(schema, name) of every table and view of the database, main schema first."""
    rows = con.sql("SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
                   "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    return sorted(((str(s), str(t)) for s, t in rows), key=lambda r: (r[0] != "main", r[0], r[1]))


def quote(name: str) -> str:
    """``name`` as a DuckDB quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def resolve_table(con: Any, source: DuckDBSource) -> str:
    """The quoted ``schema.table`` the user means: the name exactly, else case-folded (DuckDB's identifiers
    are case-insensitive), else ``schema.table`` split at a dot; else InputFileError listing the tables."""
    tables = table_names(con)
    wanted = source.table
    for match in (lambda s, t: t == wanted, lambda s, t: t.casefold() == wanted.casefold(),
                  lambda s, t: f"{s}.{t}".casefold() == wanted.casefold()):
        found = [(s, t) for s, t in tables if match(s, t)]
        if found:
            schema, table = found[0]
            return f"{quote(schema)}.{quote(table)}"
    names = [t if s == "main" else f"{s}.{t}" for s, t in tables]
    from tierkit.errors import did_you_mean

    near = did_you_mean(wanted, names)
    there = msg("the tables are {names}", names=listing(f"'{n}'" for n in names)) if names else \
        msg("the database has no tables")
    raise InputFileError(msg("table '{table}' not found in the DuckDB database", table=wanted),
                         where=Where(file=display_path(source.path)),
                         hint=msg("{near} {there}", near=near, there=there) if near else there)


def read_arrow(con: Any, source: DuckDBSource) -> pa.Table:
    """The table as Arrow, after its size is held to the cell limit."""
    name = resolve_table(con, source)
    width = len(con.sql(f"SELECT * FROM {name} LIMIT 0").columns)
    rows = int(con.sql(f"SELECT COUNT(*) FROM {name}").fetchall()[0][0])
    cap = max_cells()
    if rows * max(width, 1) > cap:
        raise InputFileError(msg("the table holds {rows} rows x {cols} columns, over the limit of {cap} cells; "
                                 "refusing to read it", rows=f"{rows:,}", cols=f"{width:,}", cap=f"{cap:,}"),
                             where=Where(file=display_path(source.path), sheet=source.table),
                             hint=msg("run it with --engine duckdb on a parquet export, or raise the limit with "
                                      "TIERKIT_MAX_CELLS (see README, Limits)"))
    return con.sql(f"SELECT * FROM {name}").to_arrow_table()


def read_duckdb(text: str) -> RawTable:
    """The table ``duckdb:PATH#TABLE`` names, as a :class:`RawTable` read like a parquet file (its column
    names are its header; row numbers count from 2 as if the header were row 1).  ``RawTable.path`` is the
    database file, so no output may replace it."""
    source = parse_spec(text)
    with open_database(source.path) as con:
        import duckdb  # open_database made sure it is there

        try:
            arrow = read_arrow(con, source)
        except duckdb.Error as err:
            raise InputFileError(msg("DuckDB cannot read table '{table}': {error}", table=source.table,
                                     error=_first_line(err)), where=Where(file=display_path(source.path)),
                                 hint=msg("check the table in DuckDB itself")) from err
    return arrow_raw_table(arrow, source.path)


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
