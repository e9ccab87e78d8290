"""What every ``tierkit`` command shares: one error boundary and the same table and rule options.

Used by the main CLI and by the commands that live with their adapters (``brief``, ``exercise``), so
every command that reads a table takes ``--sheet``/``--header-row``, every command that applies rules
takes ``--rules``/``--param``/``--as-of``, and a user mistake is one line on stderr with exit code 2.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .errors import TierkitError
from .i18n import languages

F = TypeVar("F", bound=Callable[..., Any])
#: English and every language with a message catalogue (tierkit/locale/<lang>)
LANGS = click.Choice(list(languages()))

RULES_HELP = ("Built-in rule set name (tierkit rules list), a YAML file, or sheet:NAME (a rules table "
              "id|label|when|strategy on a sheet of the input workbook)")


def run_safely(fn: F) -> F:
    """Turn TierkitError into one line + exit 2, anything else into exit 1 (with TIERKIT_DEBUG=1, the
    traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TierkitError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader of our output went away (``| head``): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except Exception as err:
            if os.environ.get("TIERKIT_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {type(err).__name__}: {err} (set TIERKIT_DEBUG=1 for details; "
                       "please report it)", err=True)
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
    rules_help = RULES_HELP + ("; repeat for several." if multiple else ".")
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
