"""Click's own usage errors (no such option, a missing argument, a bad choice) in the command's ``--lang``.

Click reports a command line it cannot parse before tierkit's error boundary (:func:`tierkit.clikit.run_safely`)
runs, in English and over several lines.  When the command line asks for another language (``--lang zh``),
:class:`LangGroup` shows the mistake as tierkit shows its own: one line, ``错误：...``, exit code 2.  In English
click's own message is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

import click

from .helptext import LANG_META, LocalisedContext, adopt
from .i18n import join, languages, tr

__all__ = ["LANG_META", "LangGroup", "argv_lang", "localised"]


def argv_lang(args: Sequence[str]) -> str:
    """The language ``args`` ask for with ``--lang X`` or ``--lang=X`` (the last one given); English when none,
    or when it names no language tierkit speaks."""
    found = "en"
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found if found in languages() else "en"


class LocalisedUsageError(click.UsageError):
    """A usage error already worded in the user's language: shown as one line on stderr."""

    def __init__(self, text: str, ctx: click.Context | None = None) -> None:
        super().__init__(text, ctx)
        self.text = text

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.text, file=file, err=file is None)


def localised(err: click.UsageError, lang: str) -> click.UsageError:
    """``err`` as a one-line :class:`LocalisedUsageError` in ``lang`` (English: ``err`` unchanged)."""
    if lang == "en" or isinstance(err, (LocalisedUsageError, click.exceptions.NoArgsIsHelpError)):
        return err
    text = tr(lang, "error: {message}", message=usage_message(err, lang))
    command = err.ctx.command_path if err.ctx is not None else "tierkit"
    text += tr(lang, "; {hint}", hint=tr(lang, "run `{command} --help` to see how to use it", command=command))
    return LocalisedUsageError(text, err.ctx)


def _param_name(param: click.Parameter | None, hint: Any = None) -> str:
    if param is None:
        return str(hint or "?")
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    return param.human_readable_name


_QUOTED = re.compile(r"'([^']*)'")
_PATH_MISSING = re.compile(r"^(?:File|Directory|Path) '(.*)' does not exist")
_EXTRA = re.compile(r"unexpected extra arguments? \((.*)\)")


def usage_message(err: click.UsageError, lang: str) -> str:
    """What ``err`` says, worded in ``lang`` (without the usage lines click adds)."""
    if isinstance(err, click.exceptions.NoSuchOption):
        text = tr(lang, "no such option: {option}", option=err.option_name)
        if err.possibilities:
            text += tr(lang, "; {hint}", hint=tr(lang, "did you mean '{name}'?", name=sorted(err.possibilities)[0]))
        return text
    if isinstance(err, click.exceptions.NoSuchCommand):
        text = tr(lang, "no such command: {name}", name=err.command_name)
        if err.possibilities:
            text += tr(lang, "; {hint}", hint=tr(lang, "did you mean '{name}'?", name=sorted(err.possibilities)[0]))
        return text
    if isinstance(err, click.MissingParameter):
        name = _param_name(err.param, err.param_hint)
        if isinstance(err.param, click.Argument):
            return tr(lang, "missing argument {name}", name=name)
        return tr(lang, "missing option {name}", name=name)
    if isinstance(err, click.BadOptionUsage):
        if "requires an argument" in err.message:
            return tr(lang, "option {option} needs a value", option=err.option_name)
        return tr(lang, "option {option} is not used correctly", option=err.option_name)
    if isinstance(err, click.BadParameter):
        return _bad_value(err, lang)
    extra = _EXTRA.search(err.message)
    if extra:
        return tr(lang, "unexpected extra argument: {args}", args=extra.group(1))
    return tr(lang, "the command line is not valid")


def _bad_value(err: click.BadParameter, lang: str) -> str:
    name = _param_name(err.param, err.param_hint)
    missing = _PATH_MISSING.match(err.message)
    if missing:
        return tr(lang, "{option}: file not found: {path}", option=name, path=missing.group(1))
    quoted = _QUOTED.match(err.message)
    value = quoted.group(1) if quoted else None
    param_type = err.param.type if err.param is not None else None
    if isinstance(param_type, click.Choice) and value is not None:
        return tr(lang, "{option}: '{value}' is not a choice; choose one of {choices}", option=name, value=value,
                  choices=join(lang, [f"`{c}`" for c in param_type.choices]))
    if value is not None:
        return tr(lang, "{option}: '{value}' is not a valid value", option=name, value=value)
    return tr(lang, "{option}: the value is not valid", option=name)


def _takes_lang(command: click.Command) -> bool:
    return any(param.name == "lang" for param in command.params)


def _without_lang(args: list[str], command: click.Command) -> list[str]:
    """``args`` without ``--lang X`` when they ask ``command``, which has no such option, for its help
    (``tierkit rules --lang zh --help``): the help is written in that language (see :func:`argv_lang`).  For a
    group only the options before the first command name are looked at; the command's own arguments stay."""
    if _takes_lang(command) or not any(arg in ("--help", "-h") for arg in args):
        return args
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if isinstance(command, click.Group) and not arg.startswith("-"):
            return out + args[i:]
        if arg == "--lang":
            i += 2
            continue
        if not arg.startswith("--lang="):
            out.append(arg)
        i += 1
    return out


class LangGroup(click.Group):
    """A click group whose usage errors, and those of its commands, are shown in the command line's ``--lang``
    (see :func:`localised`), and whose help, and that of its commands, is written in it
    (:mod:`tierkit.helptext`)."""

    context_class = LocalisedContext

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        return adopt(command) if command is not None else None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(LANG_META, argv_lang(args))  # before an eager --help writes the help
        return super().parse_args(ctx, _without_lang(args, self))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                              list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, LangGroup):
            rest = _without_lang(rest, command)
        return name, command, rest

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        lang = parent.meta.get(LANG_META, "en") if parent is not None else argv_lang(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as err:
            raise localised(err, lang) from None
        ctx.meta[LANG_META] = lang
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            raise localised(err, ctx.meta.get(LANG_META, "en")) from None
