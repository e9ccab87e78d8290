"""Recognise what kind of file we were given, and turn every way it can be unusable into one
clear :class:`~tierkit.errors.InputFileError`."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from tierkit.errors import InputFileError, Where, display_path, msg

from .formats import lookup, unsupported
from .limits import check_package

Kind = Literal["xlsx", "csv", "parquet"]  # what sniff finds: the kinds tierkit reads

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
SAVE_AS_XLSX = msg("open it in Excel and use File > Save As > Excel Workbook (*.xlsx), then run again on the .xlsx")


def _where(path: Path) -> Where:
    return Where(file=display_path(path))


def file_error(path: Path, message: str, hint: str) -> InputFileError:
    if message.startswith(("is ", "has ")):  # "is not an Excel workbook" reads as "book.xlsx is not ..."
        message = msg("{name} {message}", name=path.name, message=message)
    return InputFileError(message, where=_where(path), hint=hint)


def _is_encrypted_ooxml(head: bytes) -> bool:
    # An encrypted .xlsx is an OLE compound file holding "EncryptionInfo" + "EncryptedPackage"
    # streams; their names sit in the directory sectors as UTF-16LE.
    return "EncryptedPackage".encode("utf-16-le") in head or "EncryptionInfo".encode("utf-16-le") in head


def _read_head(path: Path, size: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


def sniff(path: Path) -> Kind:
    """Return the kind of ``path`` or raise InputFileError saying what is wrong and what to do."""
    if not path.exists():
        near: str | None = None
        if path.parent.is_dir():
            from tierkit.errors import did_you_mean

            near = did_you_mean(path.name, [p.name for p in path.parent.iterdir()])
        check = msg("check the path and the file name")
        raise file_error(path, msg("file not found"), msg("{near} {check}", near=near, check=check) if near else check)
    if path.is_dir():
        raise file_error(path, msg("is a folder, not a file"), msg("give the path of the workbook or CSV file itself"))
    suffix = path.suffix.lower()
    claimed = lookup(path)
    try:
        head = _read_head(path, 8)
    except OSError as err:
        raise file_error(path, msg("cannot read the file: {value}", value=err.strerror or err),
                         msg("check that you may read it and that it is not locked by another program")) from err
    if not head:
        raise file_error(path, msg("file is empty (0 bytes)"), msg("re-export or re-save the file and try again"))
    if head.startswith(CFB_MAGIC):
        big = _read_head(path, 1 << 20)
        if _is_encrypted_ooxml(big):
            raise file_error(path, msg("workbook is password-protected (encrypted)"),
                             msg("remove the password in Excel (File > Info > Protect Workbook > Encrypt with "
                             "Password, clear it), save a copy and run on that copy"))
        what = msg("an old-format .xls workbook") if suffix in {".xls", ".xlt"} else \
            msg("an old-format Excel 97-2003 (.xls) workbook, whatever its name says")
        raise file_error(path, msg("is {what}, which tierkit does not read", what=what), SAVE_AS_XLSX)
    if suffix == ".xlsb":
        raise file_error(path, msg("binary .xlsb workbooks are not supported"), SAVE_AS_XLSX)
    if suffix in {".xls", ".xlt"} and not head.startswith(ZIP_MAGIC):
        raise file_error(path, msg("is not an Excel workbook (it has an .xls name but not the .xls format)"),
                         msg("open it in Excel or a text editor to see what it is; save it as .xlsx or .csv"))
    if (claimed is not None and claimed.kind == "parquet") or head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith((ZIP_MAGIC, b"PK\x05\x06")):
        return "xlsx"
    if (claimed is not None and claimed.kind == "xlsx") or suffix == ".xls":
        raise file_error(path, msg("is not an Excel workbook (it is not a zip package)"),
                         msg("if it is a CSV or text export, rename it to .csv; otherwise re-save it as .xlsx"))
    if claimed is not None and claimed.kind == "csv":
        return "csv"
    raise unsupported(path, "read")


def open_zip(path: Path) -> zipfile.ZipFile:
    """Open an .xlsx package read-only, checking it is an intact zip holding a workbook."""
    try:
        zf = zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile as err:
        raise file_error(path, msg("workbook is damaged (not a readable zip package)"),
                         msg("it may be truncated by a download or copy; re-download it, or open it in Excel "
                         "(which offers to repair it) and save a copy")) from err
    except OSError as err:
        raise file_error(path, msg("cannot read the file: {value}", value=err.strerror or err),
                         msg("check that you may read it and that it is not locked by another program")) from err
    names = set(zf.namelist())
    if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
        zf.close()
        if "content.xml" in names and "mimetype" in names:
            raise file_error(path, msg("is an OpenDocument spreadsheet (.ods), not an Excel workbook"),
                             msg("open it and save it as .xlsx"))
        raise file_error(path, msg("is a zip file but not an Excel workbook (no xl/workbook.xml inside)"),
                         msg("give the .xlsx file itself, not a zip archive holding it"))
    try:
        check_package(path, zf)
    except InputFileError:
        zf.close()
        raise
    return zf


def corrupt(path: Path, err: BaseException) -> InputFileError:
    return file_error(path, msg("workbook is damaged and cannot be read ({kind}: {err})", kind=type(err).__name__,
                                err=err),
                      msg("open it in Excel (which offers to repair it), save a copy and run on that copy"))
