"""``--help`` in the command line's ``--lang``: every help text, heading and placeholder from the catalogue.

Click writes help in English.  With ``--lang zh`` anywhere on the command line (``tierkit apply --lang zh
--help``), :class:`LocalisedContext` formats it with :class:`LocalisedFormatter`, which looks each text up in
the catalogue under the context ``"help"`` (command help before any ``\\f``, option help, section headings) or
``"metavar"`` (placeholders such as ``TEXT`` and ``INPUT``), and wraps Chinese by display width (a Han
character takes two columns and a line may break between any two of them, never before closing punctuation).
scripts/i18n.py extracts every literal ``help=`` and every command's docstring into the catalogue, so a new
option is translated like any other message (tests/test_help_i18n.py fails on an English word in zh help).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click

from .i18n import mark, trc
from .textwidth import display_width, is_wide

#: catalogue context of help texts (option help, command help, headings)
HELP = "help"
#: catalogue context of placeholders in usage lines and option columns
METAVAR = "metavar"
#: ``ctx.meta`` key: the language the command line asked for (shared with tierkit.usage)
LANG_META = "tierkit.argv_lang"

#: click's own texts and the placeholders of tierkit's commands, for the catalogue
CLICK_TEXTS = (
    mark("help", "Show this message and exit."),
    mark("help", "Show the version and exit."),
    mark("help", "Usage:"),
    mark("help", "Options"),
    mark("help", "Commands"),
    mark("help", "Arguments"),
    mark("help", "default"),
    mark("help", "required"),
    mark("help", "value"),
)
METAVARS = (
    mark("metavar", "OPTIONS"), mark("metavar", "COMMAND"), mark("metavar", "ARGS"), mark("metavar", "TEXT"),
    mark("metavar", "INTEGER"), mark("metavar", "INTEGER RANGE"), mark("metavar", "FLOAT"),
    mark("metavar", "FLOAT RANGE"), mark("metavar", "FILE"), mark("metavar", "PATH"), mark("metavar", "DIRECTORY"),
    mark("metavar", "BOOLEAN"), mark("metavar", "INPUT"), mark("metavar", "OUTPUT"), mark("metavar", "RULES"),
    mark("metavar", "OLD"), mark("metavar", "NEW"), mark("metavar", "NAME"), mark("metavar", "BEFORE"),
    mark("metavar", "AFTER"), mark("metavar", "SOURCE"), mark("metavar", "FOLDER"), mark("metavar", "WORKBOOK"),
    mark("metavar", "SUBMISSIONS"), mark("metavar", "FILES"), mark("metavar", "RULE_FILE"),
    mark("metavar", "KEY"), mark("metavar", "DIR"), mark("metavar", "PDF"), mark("metavar", "TABLE"),
    mark("metavar", "DATE"), mark("metavar", "INPUTS"),
)

_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]*(?: RANGE)?\b")
_EXTRA = re.compile(r"\s*\[([^\[\]]*)\]$")
#: characters a line must not start with (closing punctuation, in Chinese and in ASCII)
_NO_LINE_START = set("，。、；：？！）》」』】〕％,.;:?!)]}%")
#: characters a line must not end with (opening brackets and quotes)
_NO_LINE_END = set("（《「『【〔")


def help_text(lang: str, text: str) -> str:
    """``text`` (a help text as click holds it) in ``lang``; unchanged when the catalogue lacks it."""
    return trc(lang, "help", text) if lang != "en" and text else text  # i18n: marked


def placeholders(lang: str, text: str) -> str:
    """Placeholders (``TEXT``, ``INTEGER RANGE``, ``INPUT``...) in ``text`` written in ``lang``."""
    if lang == "en":
        return text
    return _PLACEHOLDER.sub(lambda m: trc(lang, "metavar", m.group(0)), text)  # i18n: marked


width = display_width


def _units(text: str) -> Iterator[str]:
    """``text`` cut where a line may break: spaces stay their own unit, a run of narrow characters stays whole,
    each wide character stands alone, and closing punctuation sticks to what it follows."""
    held = ""  # an opening bracket waits for what follows it
    for token in re.findall(r"`[^`]*`|\[[^\[\]]*\]$|\s+|[^\s`]+", text):
        if token.isspace():
            yield held + " " if held else " "
            held = ""
            continue
        if token.startswith(("`", "[")):  # code, and click's [default: ...] at the end, stay on one line
            yield held + token
            held = ""
            continue
        unit, held = held, ""
        for ch in token:
            wide = is_wide(ch)
            if unit and (wide or width(unit[-1]) == 2) and ch not in _NO_LINE_START and unit[-1] not in _NO_LINE_END:
                yield unit
                unit = ""
            unit += ch
        if unit and unit[-1] in _NO_LINE_END:
            held = unit
        elif unit:
            yield unit
    if held:
        yield held


def fill(text: str, columns: int, first: str = "", rest: str = "") -> str:
    """One paragraph wrapped to ``columns`` display columns, the first line starting with ``first`` and the
    others with ``rest``."""
    lines: list[str] = []
    line, used = first, width(first)
    fresh = True
    for unit in _units(" ".join(text.split())):
        if unit == " ":
            if not fresh:
                line, used = line + " ", used + 1
            continue
        size = width(unit)
        if not fresh and used + size > columns:
            lines.append(line.rstrip())
            line, used = rest, width(rest)
        line, used, fresh = line + unit, used + size, False
    lines.append(line.rstrip())
    return "\n".join(lines)


def _join(lines: Iterable[str]) -> str:
    """Lines of one paragraph as one line: a space between them, except between two wide characters (Chinese
    is written without spaces)."""
    out = ""
    for line in lines:
        if out and line and not (width(out[-1]) == 2 and width(line[0]) == 2):
            out += " "
        out += line
    return out


def wrap(text: str, columns: int, first: str = "", rest: str = "") -> str:
    """Paragraphs (blank-line separated) wrapped by :func:`fill`; a paragraph opened by a line holding only
    ``\\b`` keeps its lines as written, as in click."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.expandtabs()):
        lines = block.splitlines()
        if not lines:
            continue
        if lines[0].strip() == "\b":
            out.append("\n".join(rest + line for line in lines[1:]))
            continue
        stripped = lines[0].lstrip()
        extra = " " * (width(lines[0]) - width(stripped))
        out.append(fill(_join(line.strip() for line in lines), columns, first + extra, rest + extra))
    return "\n\n".join(out)


def _extra(lang: str, item: str) -> str:
    """One item of click's ``[default: x; required]`` in ``lang``."""
    key, sep, value = item.partition(": ")
    if sep and key == "default":
        return trc(lang, "help", "default") + "：" + value
    if item == "required":
        return trc(lang, "help", "required")
    return re.sub(r"\bx\b", trc(lang, "help", "value"), item)  # a range: x>=1


class LocalisedFormatter(click.HelpFormatter):
    """Click's help formatter, writing help texts, headings and placeholders in ``lang``."""

    def __init__(self, lang: str, ctx: click.Context, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang, self.ctx = lang, ctx
        self._section = ""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = help_text(self.lang, "Usage:")
            prefix += " " if width(prefix[-1]) == 1 else ""
        args = placeholders(self.lang, args)
        lead = f"{prefix:>{self.current_indent}}{prog} "
        self.write(fill(args, self.width - self.current_indent, lead, " " * width(lead)) if args else lead.rstrip())
        self.write("\n")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        self._section = name
        heading = help_text(self.lang, name)
        self.write_paragraph()
        self.write(f"{'':>{self.current_indent}}{heading}{'：' if width(heading[-1]) == 2 else ':'}\n")
        with self.indentation():
            yield

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap(help_text(self.lang, text), self.width, indent, indent))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        limit = self.width - 6 - max((width(first) for first, _ in rows), default=0)
        rows = [self._row(first, second, limit) for first, second in rows]
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            pad = " " * (first_col + self.current_indent)
            lines = wrap(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write("\n".join([lines[0], *(pad + line if line else "" for line in lines[1:])]) + "\n")

    def _row(self, first: str, second: str, limit: int) -> tuple[str, str]:
        if self._section == "Commands":
            return first, self._short_help(first, limit) or second
        extra = _EXTRA.search(second)
        tail = ""
        if extra:
            second = second[:extra.start()]
            tail = "  [" + "；".join(_extra(self.lang, item) for item in extra.group(1).split("; ")) + "]"
        return placeholders(self.lang, first), help_text(self.lang, second) + tail

    def _short_help(self, name: str, limit: int) -> str:
        """The first sentence of ``name``'s help in the formatter's language, cut to ``limit`` columns at a
        comma or semicolon (with ``……``) when longer: what click's English short help does."""
        group = self.ctx.command
        command = group.get_command(self.ctx, name) if isinstance(group, click.Group) else None
        if command is None or not (command.short_help or command.help):
            return ""
        text = inspect.cleandoc(command.short_help or command.help or "").partition("\f")[0]
        text = _join(help_text(self.lang, text).split("\n\n")[0].splitlines())
        sentence = re.split(r"(?<=[。！？])", text, maxsplit=1)[0]
        if width(sentence) <= limit:
            return sentence
        cut = ""
        for part in re.split(r"(?<=[，；：、])", sentence):
            if width(cut + part) > limit - 4:
                break
            cut += part
        return (cut[:-1] if cut else sentence[:limit // 2 - 2]) + "……"


class LocalisedContext(click.Context):
    """A click context whose help is written in the command line's language (``ctx.meta``, see
    :class:`tierkit.usage.LangGroup`)."""

    def make_formatter(self) -> click.HelpFormatter:
        lang = self.meta.get(LANG_META, "en")
        if lang == "en":
            return super().make_formatter()
        return LocalisedFormatter(lang, self, width=self.terminal_width, max_width=self.max_content_width)


def adopt(command: click.Command) -> click.Command:
    """Give ``command`` (and the commands of a group) :class:`LocalisedContext`, so its help follows
    ``--lang``."""
    if not issubclass(command.context_class, LocalisedContext):
        command.context_class = LocalisedContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            adopt(sub)
    return command
