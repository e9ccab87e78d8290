"""What every ``tierkit`` command shares: one error boundary and the same table and rule options.

Used by the main CLI and by the commands that live with their adapters (``brief``, ``exercise``), so
every command that reads a table takes ``--sheet``/``--header-row``, every command that applies rules
takes ``--rules``/``--param``/``--as-of``, and a user mistake is one line on stderr with exit code 2.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from .errors import TierkitError
from .i18n import languages, mark, tr
from .progress import reporting

F = TypeVar("F", bound=Callable[..., Any])
#: English and every language with a message catalogue (tierkit/locale/<lang>)
LANGS = click.Choice(list(languages()))

#: ``ctx.meta`` key set by ``--quiet`` (read by :func:`run_safely`: no progress display)
QUIET = "tierkit.quiet"

RULES_HELP = mark("help", "Built-in rule set name (tierkit rules list), a YAML file, or sheet:NAME (a rules table "
                          "id|label|when|strategy on a sheet of the input workbook).")
RULES_HELP_MANY = mark("help", "Built-in rule set name (tierkit rules list), a YAML file, or sheet:NAME (a rules "
                               "table id|label|when|strategy on a sheet of the input workbook); repeat for several.")


class Signalled(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds the command like Ctrl-C does, so ``finally`` blocks and the
    atomic writer's cleanup run (no ``.NAME.XXXX.tmp`` is left behind); the exit code is 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, _frame: object) -> None:
    raise Signalled(signum)


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """While a command runs, SIGTERM/SIGHUP raise :class:`Signalled` (SIGINT already raises KeyboardInterrupt);
    the previous handlers come back afterwards.  Only the main thread can install handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {}
    for sig in wanted:
        with contextlib.suppress(OSError, ValueError):
            if signal.getsignal(sig) is signal.SIG_IGN:  # nohup: keep ignoring
                continue
            previous[sig] = signal.signal(sig, _raise_signalled)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            with contextlib.suppress(OSError, ValueError):
                signal.signal(sig, handler)


@contextlib.contextmanager
def _progress_display() -> Iterator[None]:
    """While a command runs on a terminal (stderr a TTY) without ``--quiet``, show the progress of its long
    phases (:class:`tierkit.terminal.TerminalProgress`: after 2 s, erased when done) in its ``--lang``."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.meta.get(QUIET) or not _is_tty(sys.stderr):
        yield
        return
    from .terminal import TerminalProgress, delay_from_env

    lang = ctx.params.get("lang")
    display = TerminalProgress(lang if lang in languages() else "en", delay=delay_from_env())
    try:
        with reporting(display):
            yield
    finally:
        display.close()


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def command_lang() -> str:
    """The ``--lang`` of the running command (English when it has none or none is running)."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        lang = ctx.params.get("lang")
        if isinstance(lang, str) and lang in languages():
            return lang
        ctx = ctx.parent
    return "en"


def run_safely(fn: F) -> F:
    """Turn TierkitError into one line + exit 2, anything else into exit 1 (with TIERKIT_DEBUG=1, the
    traceback), in the command's ``--lang``.  An input too large for memory or too deeply nested is a user
    mistake too (exit 2);
    SIGINT, SIGTERM and SIGHUP unwind the command (temporary files removed) and exit with 128 + signum.
    On a terminal, long phases show their progress (see :func:`quiet_option`)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _signals_unwind(), _progress_display():
                return fn(*args, **kwargs)
        except Signalled as sig:
            sys.exit(128 + sig.signum)
        except MemoryError:
            lang = command_lang()
            click.echo(tr(lang, "error: {message}", message=tr(
                lang, "the input is too large to process (out of memory); split it or use a smaller file")), err=True)
            sys.exit(2)
        except RecursionError:
            lang = command_lang()
            click.echo(tr(lang, "error: {message}", message=tr(lang, "the input is too deeply nested to process")),
                       err=True)
            sys.exit(2)
        except TierkitError as err:
            lang = command_lang()
            click.echo(tr(lang, "error: {message}", message=err.render(lang)), err=True)
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(tr(command_lang(), "interrupted"), err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader of our output went away (``| head``): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except Exception as err:
            if os.environ.get("TIERKIT_DEBUG"):
                traceback.print_exc()
            click.echo(tr(command_lang(), "internal error: {kind}: {error} (set TIERKIT_DEBUG=1 for details; "
                          "please report it)", kind=type(err).__name__, error=err), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(fn: F) -> F:
        for deco in reversed(decorators):
            fn = deco(fn)
        return fn

    return apply


def table_options(fn: F) -> F:
    """``--sheet`` and ``--header-row``: which table of the input to read."""
    return _stack(
        click.option("--sheet", "-s", help="Sheet name or 1-based index (default: the first data sheet)."),
        click.option("--header-row", type=click.IntRange(min=1),
                     help="1-based row of the header (default: detected)."),
        click.option("--id-column", help="The customer id column (default: the rule set's field with role: id). "
                                         "Rows without an id that hold a total word or a sum are left out."),
        click.option("--keep-all-rows", is_flag=True,
                     help="Keep total/subtotal lines, repeated headers and notes under the table as rows."),
        click.option("--visible-only", is_flag=True,
                     help="Leave out rows hidden by a filter (by default they are read, and the report says so)."),
    )(fn)


def rules_options(*, multiple: bool) -> Callable[[F], F]:
    """``--rules`` (once or repeated), ``--param`` and ``--as-of``."""
    rules_help = RULES_HELP_MANY if multiple else RULES_HELP
    return _stack(
        click.option("--rules", "-r", "rules", multiple=multiple, required=True, help=rules_help),
        click.option("--param", "params", multiple=True,
                     help="Override a rule-set parameter: name=value (70% and 1,200 are fine)."),
        click.option("--as-of", help="Date for $today and recency, e.g. 2024-12-31 or 2024/1/5 "
                                     "(default: today, or the latest order date)."),
        click.option("--features-from", type=click.Choice(["sheet", "orders"]),
                     help="Where figures such as revenue come from when the table has them and an orders sheet "
                          "can compute them too (default: the orders sheet, with a note)."),
    )


def lang_option(default: str | None = "en", help: str = "Language of labels, headers and messages.") -> Any:
    return click.option("--lang", type=LANGS, default=default, show_default=default is not None, help=help)


def force_option(help: str = "Overwrite the output if it exists.") -> Any:
    return click.option("--force", is_flag=True, help=help)


def quiet_option(help: str = "Show no progress and print nothing but errors.", *, expose: bool = True) -> Any:
    """``--quiet``/``-q``: no progress display (which shows only on a terminal, for runs over 2 s); with
    ``expose``, the command receives ``quiet`` to leave out its own messages too."""

    def remember(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
        if value:
            ctx.meta[QUIET] = True
        return value

    return click.option("--quiet", "-q", is_flag=True, callback=remember, expose_value=expose, help=help)
