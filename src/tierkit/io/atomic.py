"""The one way tierkit writes a file: :func:`atomic_write`.

Every writer (tiered tables, PDF briefs, exercise workbooks, grades) goes through it, so
every output gets the same guarantees: the destination is either the old file or the
complete new one, never half written; it has the permissions a plain ``open(path, "w")``
would give it; the input is never overwritten; and a folder tierkit cannot write to is a
:class:`~tierkit.errors.TierkitError` (exit code 2), not a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from tierkit.errors import InputFileError, OutputExistsError, TierkitError, Where, display_path, msg

_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` name the same file: the same path, a symlink to it or a hard link."""
    a, b = Path(a), Path(b)
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def check_output(dst: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse ``dst`` before any work is done: it is one of ``inputs``, exists (without ``force``),
    is a folder, or its folder is missing.  Returns ``dst`` as a Path."""
    dst = Path(dst)
    where = Where(file=display_path(dst))
    for src in inputs:
        if same_file(dst, src):
            raise InputFileError(msg("the output would overwrite the input file"), where=where,
                                 hint=msg("write to another file name; tierkit never changes the input"))
    if dst.is_dir():
        raise TierkitError(msg("the output is a folder"), where=where, hint=msg("give a file name for the output"))
    if (dst.exists() or dst.is_symlink()) and not force:
        raise OutputExistsError(msg("output file already exists"), where=where, hint=msg("pass --force to overwrite"))
    if not dst.parent.is_dir():
        raise TierkitError(msg("output folder not found: {parent}", parent=display_path(dst.parent)), where=where,
                           hint=msg("create it or pick another path"))
    return dst


@contextlib.contextmanager
def atomic_write(dst: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Iterator[BinaryIO]:
    """Write ``dst`` atomically: yield a binary file open on a temporary file in the same folder,
    then flush, fsync and rename it over ``dst``.

    The temporary file is created like any new file (mode 0o666 less the umask, and the
    folder's default ACL), so ``dst`` gets the permissions a plain ``open()`` would give it.
    On any exception inside the block the temporary file is removed and ``dst`` is untouched.
    ``force`` allows replacing an existing ``dst``; ``inputs`` are files ``dst`` must not be
    (compared by identity, so a symlink or hard link to an input is refused too).

    Without ``force`` the name is claimed atomically at the end: the complete temporary file is
    hard-linked to ``dst`` (``os.link`` fails if ``dst`` exists) and then unlinked, so of two runs
    racing for the same new name exactly one wins and the other gets
    :class:`~tierkit.errors.OutputExistsError`; nothing half-written is ever visible under ``dst``.
    Where the file system has no hard links (FAT, some network shares) ``dst`` is created with
    ``O_EXCL`` as a placeholder and the temporary file renamed over it.

    >>> with atomic_write("out.csv", force=True) as fh:
    ...     _ = fh.write(b"id,tier\\r\\n")
    """
    dst = check_output(dst, force=force, inputs=inputs)
    tmp, fd = _create_temp(dst)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            try:
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as err:
                raise _write_error(dst, err) from err
        _publish(tmp, dst, force=force)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError) and not isinstance(err, TierkitError) and err.errno in _DISK_FULL:
            raise _write_error(dst, err) from err  # only writing fails so: the disk or quota is full
        raise
    _sync_folder(dst.parent)


def _publish(tmp: Path, dst: Path, *, force: bool) -> None:
    """Move the finished ``tmp`` to ``dst``: a rename when replacing is allowed, else an exclusive claim."""
    try:
        if force:
            os.replace(tmp, dst)
            return
        try:
            os.link(tmp, dst)
        except FileExistsError:
            raise
        except OSError:  # no hard links here: claim the name with O_EXCL, then rename over the placeholder
            os.close(os.open(dst, _FLAGS, 0o666))
            os.replace(tmp, dst)
            return
        os.unlink(tmp)
    except FileExistsError as err:
        raise OutputExistsError(msg("output file already exists (another run wrote it meanwhile)"),
                                where=Where(file=display_path(dst)), hint=msg("pass --force to overwrite")) from err
    except OSError as err:
        raise _write_error(dst, err) from err


def _create_temp(dst: Path) -> tuple[Path, int]:
    for _ in range(100):
        tmp = dst.with_name(f".{dst.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, _FLAGS, 0o666)
        except FileExistsError:
            continue
        except OSError as err:
            raise _write_error(dst, err) from err
    raise TierkitError(msg("cannot create a temporary file next to the output"), where=Where(file=display_path(dst)))


def _write_error(dst: Path, err: OSError) -> TierkitError:
    reason = err.strerror or str(err)
    return TierkitError(
        msg("cannot write the output: {reason}", reason=reason),
        where=Where(file=display_path(dst)),
        hint=msg(
            "check that you may write in {parent}, that the disk is not full and that the file is not open in "
            "another program",
            parent=display_path(dst.parent),
        ),
    )


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); harmless where folders cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
