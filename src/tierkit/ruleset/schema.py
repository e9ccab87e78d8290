"""The rule-file schema: the keys come from the model's dataclass fields; versions and migrations.

:class:`SchemaReader` turns a parsed document (YAML, or a rules table built in memory) into the
typed model, naming the file and line (or cell) of the first problem.  A rule file says which
format ``version`` it is written in; :func:`migrate` brings an older one up to
:data:`CURRENT_VERSION` through :data:`MIGRATIONS` before it is read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from ..compile.limits import expression_too_big
from ..errors import RuleFileError, Where, did_you_mean, listing, msg
from .model import FIELD_ROLES, FIELD_TYPES, SIGNALS, Field, RuleSet, Segment, Signal, Text
from .text import known_language, suggest_language
from .yaml_lines import LineDict, LineList, Pos, line_of, rename_key

#: the rule-file format this tierkit writes and reads; older files are migrated on load
CURRENT_VERSION = 1
#: a file without ``version`` was written before versions existed
UNVERSIONED = 0
#: a step from one version to the next, on the parsed YAML mapping (positions kept)
Migration = Callable[[LineDict], LineDict]
#: version N -> the step that turns a version-N document into a version-N+1 one
MIGRATIONS: dict[int, Migration] = {}

_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-.]*$")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_SYMBOL_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
#: the comparisons a field's ``reads`` may word
READS_OPERATORS = ("<", "<=", ">", ">=", "==")
_TYPE_NAMES = {"str": "string", "text": "string", "number": "float", "integer": "int", "boolean": "bool"}


def keys_of(cls: type) -> tuple[str, ...]:
    """The keys a rule file may write for a model class: its fields, less those the loader sets."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("key", True))


TOP_KEYS = keys_of(RuleSet)
SEGMENT_KEYS = keys_of(Segment)
FIELD_KEYS = keys_of(Field)


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register the step from ``version`` to ``version + 1``."""
    def register(step: Migration) -> Migration:
        MIGRATIONS[version] = step
        return step
    return register


@migration(0)
def _colour_and_format(data: LineDict) -> LineDict:
    """Version 0 (no ``version`` key) also spelt a segment's ``color`` as ``colour`` (``color`` won when a
    segment had both), and accepted a field's ``format`` as any text, which nothing read: a format that is
    not a word (a pattern such as ``'0.0'`` or ``'#,##0'``) is dropped; a word is checked as version 1 checks
    it (one of :data:`tierkit.numfmt.FORMATS`)."""
    for seg in data.get("segments") or []:
        if isinstance(seg, LineDict):
            rename_key(seg, "colour", "color")
    fields = data.get("fields")
    if isinstance(fields, Mapping):
        for spec in fields.values():
            if isinstance(spec, LineDict) and "format" in spec \
                    and not re.fullmatch(r"[A-Za-z_]+", str(spec["format"]).strip()):
                spec.pop("format", None)
    return data


def migrate(data: LineDict, file: str) -> LineDict:
    """Bring a rule file to :data:`CURRENT_VERSION` (removing its ``version`` key)."""
    at = line_of(data, "version")
    version = data.pop("version", UNVERSIONED)
    where = Where(file=file, line=at if isinstance(at, int) else None)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise RuleFileError(
            msg(
                "'version' must be a whole number (this tierkit reads up to {current_version})",
                current_version=CURRENT_VERSION,
            ),
            where=where,
            hint=msg("write version: {current_version}", current_version=CURRENT_VERSION),
        )
    if version > CURRENT_VERSION:
        raise RuleFileError(
            msg(
                "rule file version {version} is made for a newer tierkit (this one reads up to version "
                "{current_version})",
                version=version,
                current_version=CURRENT_VERSION,
            ),
            where=where,
            hint=msg("upgrade tierkit: pip install --upgrade tierkit"),
        )
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise RuleFileError(
                msg("rule file version {version} can no longer be read", version=version),
                where=where,
                hint=msg(
                    "rewrite it for version {current_version} (see rules/README.md)", current_version=CURRENT_VERSION
                ),
            )
        data = step(data)
        version += 1
    return data


def _row(at: Pos | None) -> int | None:
    """The line of a position (for a cell, its row)."""
    if isinstance(at, str):
        return int(re.sub(r"^[A-Z]+", "", at) or 0) or None
    return at


class SchemaReader:
    """Reads the parts of a rule set from a parsed document whose values know their position."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, message: str, line: Pos | None, *, segment: str | None = None,
              hint: str | None = None) -> RuleFileError:
        if segment:
            message = msg("{message} in segment '{segment}'", message=message, segment=segment)
        where = Where(file=self.file, line=line if isinstance(line, int) else None,
                      cell=line if isinstance(line, str) else None, segment=segment)
        return RuleFileError(message, where=where, hint=hint)

    def check_keys(self, obj: LineDict, allowed: Sequence[str], what: str, segment: str | None = None) -> None:
        for key in obj:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or msg("allowed keys: {keys}", keys=listing(allowed))
                message = msg("unknown key '{key}'", key=key) if segment else msg("unknown key '{key}' in {what}",
                                                                                   key=key, what=what)
                raise self.error(message, line_of(obj, key), segment=segment, hint=hint)

    def text(self, value: Any, line: Pos | None, what: str, segment: str | None = None) -> Text:
        """A text: one string (English, and the fallback of every other language), or ``{language: text}``."""
        if isinstance(value, str):
            return Text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Text(str(value))
        if isinstance(value, Mapping):
            for key in value:
                if not isinstance(key, str) or known_language(key) is None:
                    guess = suggest_language(str(key), [str(k) for k in value])
                    hint = (msg("did you mean '{name}'?", name=guess) if guess
                            else msg("write language codes such as en, zh, ja or pt-BR"))
                    if str(key) in ("True", "False"):  # YAML reads no, yes, on, off, y and n as true/false
                        hint = msg("quote a language code that YAML reads as true/false, e.g. 'no': ...")
                    raise self.error(
                        msg("{what} has unknown language '{key}'", what=what, key=key),
                        line_of(value, key) or line,
                        segment=segment,
                        hint=hint,
                    )
            for key, text in value.items():
                if isinstance(text, (Mapping, list, bool)):
                    raise self.error(
                        msg("{what} in '{key}' must be a text", what=what, key=key),
                        line_of(value, key) or line,
                        segment=segment,
                    )
            texts = Text.of(value)
            if not texts:
                raise self.error(msg("{what} is empty", what=what), line, segment=segment)
            return texts
        raise self.error(msg("{what} must be a text or {{en: ..., zh: ...}}", what=what), line, segment=segment)

    def texts(self, raw: Any, line: Pos | None, what: str, segment: str) -> tuple[Text, ...]:
        """A list of texts (one text alone counts as a list of one)."""
        items = raw if isinstance(raw, list) else [raw]
        return tuple(self.text(item, line_of(items, i) or line, what, segment) for i, item in enumerate(items))

    def fields(self, raw: Any, line: Pos | None) -> dict[str, Field]:
        if not isinstance(raw, Mapping):
            raise self.error(msg("'fields' must be a mapping of field name to {type, aliases}"), line)
        out: dict[str, Field] = {}
        for fname, spec in raw.items():
            fline = line_of(raw, fname)
            if not _SYMBOL_RE.match(fname):
                raise self.error(msg("field name '{fname}' must be lower_snake_case ASCII", fname=fname), fline,
                                 hint=msg("put the header text (e.g. Chinese) under 'aliases'"))
            if isinstance(spec, str):
                spec = {"type": spec}
            if spec is None:
                spec = {}
            if not isinstance(spec, LineDict | dict):
                raise self.error(msg("field '{fname}' must be a mapping like {{type: float}}", fname=fname), fline)
            if isinstance(spec, LineDict):
                self.check_keys(spec, FIELD_KEYS, msg("field '{fname}'", fname=fname))
            ftype = str(spec.get("type", "string")).lower()
            ftype = _TYPE_NAMES.get(ftype, ftype)
            if ftype not in FIELD_TYPES:
                raise self.error(
                    msg("unknown type '{ftype}' for field '{fname}'", ftype=ftype, fname=fname),
                    fline,
                    hint=did_you_mean(ftype, FIELD_TYPES)
                    or msg("use one of {field_types}", field_types=listing(FIELD_TYPES)),
                )
            aliases = spec.get("aliases") or []
            if isinstance(aliases, str):
                aliases = [aliases]
            label = (self.text(spec["label"], fline, msg("label of field '{fname}'", fname=fname))
                     if spec.get("label") else None)
            kind, decimals = self.value_format(spec, fname, fline)
            out[fname] = Field(name=fname, type=ftype, aliases=tuple(str(a) for a in aliases), label=label,
                               line=_row(fline), optional=bool(spec.get("optional", False)),
                               role=self.role(spec, fname, fline, out), format=kind, decimals=decimals,
                               reads=self.reads(spec, fname, fline))
        return out

    def value_format(self, spec: Mapping[str, Any], fname: str, fline: Pos | None) -> tuple[str | None, int | None]:
        """A field's ``format`` (one of :data:`tierkit.numfmt.FORMATS`) and ``decimals`` (0 to
        :data:`tierkit.numfmt.MAX_DECIMALS`)."""
        from ..numfmt import FORMATS, MAX_DECIMALS

        def at(key: str) -> Pos | None:
            return (line_of(spec, key) if isinstance(spec, LineDict) else None) or fline

        kind: str | None = None
        if spec.get("format") is not None:
            kind = str(spec["format"]).strip().lower()
            if kind not in FORMATS:
                near = did_you_mean(kind, FORMATS)
                raise self.error(msg("unknown format '{format}' for field '{fname}'", format=spec["format"],
                                     fname=fname), at("format"),
                                 hint=msg("{near} use one of {names}", near=near, names=listing(FORMATS)) if near
                                 else msg("use one of {names}", names=listing(FORMATS)))
        raw = spec.get("decimals")
        if raw is None:
            return kind, None
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_DECIMALS:
            raise self.error(msg("'decimals' of field '{fname}' must be a whole number from 0 to {MAX_DECIMALS}",
                                 fname=fname, MAX_DECIMALS=MAX_DECIMALS),
                             at("decimals"), hint=msg("e.g. decimals: 2"))
        if kind not in ("percent", "money", "number"):
            raise self.error(msg("'decimals' of field '{fname}' needs format: percent, money or number", fname=fname),
                             at("decimals"), hint=msg("add format: number to field '{fname}'", fname=fname))
        return kind, raw

    def reads(self, spec: Mapping[str, Any], fname: str, fline: Pos | None) -> tuple[tuple[str, Text], ...]:
        """A field's ``reads``: operator -> a text with ``{value}`` (how ``field < value`` reads in words)."""
        raw = spec.get("reads")
        if raw is None:
            return ()
        at = (line_of(spec, "reads") if isinstance(spec, LineDict) else None) or fline
        if not isinstance(raw, Mapping):
            raise self.error(msg("'reads' of field '{fname}' must map an operator to a text", fname=fname), at,
                             hint=msg("e.g. reads: {'<': {en: 'the first {value} of revenue'}}"))
        out = []
        for op, text in raw.items():
            where = line_of(raw, op) or at
            if op not in READS_OPERATORS:
                raise self.error(msg("'reads' of field '{fname}' has unknown operator '{op}'", fname=fname, op=op),
                                 where,
                                 hint=msg("use one of {names}", names=listing(READS_OPERATORS)))
            words = self.text(text, where, f"'reads' of field '{fname}'")
            if any("{value}" not in words[lang] for lang in words):
                raise self.error(msg("'reads' of field '{fname}' must show the value as {{value}}", fname=fname), where)
            out.append((str(op), words))
        return tuple(out)

    def role(self, spec: Mapping[str, Any], fname: str, fline: Pos | None, before: Mapping[str, Field]) -> str | None:
        """A field's ``role`` (``id``): one of :data:`FIELD_ROLES`, and one ``id`` field per rule set."""
        raw = spec.get("role")
        if raw is None:
            return None
        at = line_of(spec, "role") if isinstance(spec, LineDict) else None
        role = str(raw).strip().lower()
        if role not in FIELD_ROLES:
            raise self.error(
                msg("unknown role '{raw}' for field '{fname}'", raw=raw, fname=fname),
                at or fline,
                hint=did_you_mean(role, FIELD_ROLES)
                or msg("use one of {field_roles}", field_roles=listing(FIELD_ROLES)),
            )
        taken = [f.name for f in before.values() if f.role == role]
        if taken:
            raise self.error(
                msg("fields '{taken}' and '{fname}' both have role: {role}", taken=taken[0], fname=fname, role=role),
                at or fline,
                hint=msg("one field per rule set is the {role}", role=role),
            )
        return role

    def params(self, raw: Any, line: Pos | None) -> dict[str, float]:
        if not isinstance(raw, Mapping):
            raise self.error(msg("'params' must be a mapping of name to number"), line)
        out: dict[str, float] = {}
        for key, value in raw.items():
            if isinstance(value, Mapping):
                value = value.get("default")
            if not _SYMBOL_RE.match(str(key)) or isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.error(msg("parameter '{key}' must be a lower_snake_case name with a number", key=key),
                                 line_of(raw, key))
            out[str(key)] = float(value)
        return out

    def segments(self, raw: Any, line: Pos | None) -> tuple[Segment, ...]:
        if not isinstance(raw, LineList) or not raw:
            raise self.error(msg("a rule file needs a non-empty 'segments' list"), line)
        out: list[Segment] = []
        seen: dict[str, Pos | None] = {}
        for index, item in enumerate(raw):
            sline = line_of(raw, index)
            if not isinstance(item, LineDict):
                raise self.error(
                    msg("segment #{value} must be a mapping with id, label and when", value=index + 1), sline
                )
            sid = item.get("id")
            if sid is None or not _ID_RE.match(str(sid)):
                raise self.error(msg("segment #{value} needs an 'id' (letters, digits, _ - .)", value=index + 1), sline)
            sid = str(sid)
            self.check_keys(item, SEGMENT_KEYS, "segment", segment=sid)
            if sid in seen:
                raise self.error(
                    msg("duplicate segment id '{sid}' (first at line {seen})", sid=sid, seen=seen[sid]), sline
                )
            seen[sid] = sline
            out.append(self.segment(item, sid, index, sline))
        defaults = [i for i, s in enumerate(out) if s.default]
        if len(defaults) > 1:
            raise self.error(msg("more than one default segment ({value})", value=listing(out[i].id for i in defaults)),
                             line_of(raw, defaults[1]), hint=msg("keep 'default: true' on one segment"))
        return tuple(out)

    def segment(self, item: LineDict, sid: str, index: int, sline: Pos | None) -> Segment:
        label = self.text(item.get("label", sid), line_of(item, "label"), "label", sid)
        default = bool(item.get("default", False))
        when = item.get("when")
        if isinstance(when, bool):
            when = "true" if when else "false"
        if when is not None and not isinstance(when, str):
            when = str(when)
        if when is not None and not when.strip():
            when = None
        if when is None and not default:
            raise self.error(msg("missing 'when' (or 'default: true')"), sline, segment=sid)
        too_big = expression_too_big(when) if when is not None else None
        if too_big:
            raise self.error(too_big, line_of(item, "when"), segment=sid,
                             hint=msg("split the condition over several segments, or write long lists as "
                                  "'x in [a, b, c]' (see README, Limits)"))
        if when is not None and default:
            raise self.error(msg("a default segment takes no 'when'"), line_of(item, "when"), segment=sid,
                             hint=msg("remove 'when' or 'default: true'"))
        color = item.get("color")
        if color is not None and not _COLOR_RE.match(str(color)):
            raise self.error(msg("colour '{color}' is not #RRGGBB", color=color), line_of(item, "color"), segment=sid,
                             hint=msg("write it quoted, e.g. color: \"#1b5e20\"") if isinstance(sline, int) else None)
        strategies_raw = item.get("strategies") or []
        if not isinstance(strategies_raw, list):
            raise self.error(msg("'strategies' must be a list"), line_of(item, "strategies"), segment=sid)
        desc = item.get("description")
        priority = item.get("priority", index)
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise self.error(msg("'priority' must be an integer"), line_of(item, "priority"), segment=sid)
        return Segment(
            id=sid, label=label, when=when.strip() if when else None, default=default,
            color=_normalise_color(color), strategies=self.texts(strategies_raw, None, "strategy", sid),
            description=self.text(desc, line_of(item, "description"), "description", sid) if desc else None,
            priority=priority, line=_row(sline), when_line=_row(line_of(item, "when")),
            **self.presentation(item, sid),
        )

    def presentation(self, item: LineDict, sid: str) -> dict[str, Any]:
        """``actions``, ``key_fields``, ``risk_reason``, ``signal`` and ``rank`` of a segment, checked."""
        out: dict[str, Any] = {}
        if "actions" in item:  # each a text or {en, zh}, like strategies
            out["actions"] = self.texts(item["actions"], line_of(item, "actions"), "action", sid)
        if "key_fields" in item:
            keys = item["key_fields"]
            if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                raise self.error(msg("'key_fields' must be a list of field names"), line_of(item, "key_fields"),
                                 segment=sid, hint=msg("e.g. key_fields: [revenue, frequency]"))
            out["key_fields"] = tuple(keys)
        if item.get("risk_reason") is not None:
            if not isinstance(item["risk_reason"], str):
                raise self.error(msg("'risk_reason' must be a column name"), line_of(item, "risk_reason"), segment=sid,
                                 hint=msg("e.g. risk_reason: avoid_reason"))
            out["risk_reason"] = item["risk_reason"]
        if item.get("signal") is not None:
            signal = str(item["signal"]).lower()
            if signal not in SIGNALS:
                raise self.error(msg("signal '{item}' must be value, risk or neutral", item=item['signal']),
                                 line_of(item, "signal"), segment=sid)
            out["signal"] = cast(Signal, signal)
        if item.get("rank") is not None:
            rank = item["rank"]
            if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
                raise self.error(msg("'rank' must be a whole number, 1 for the best tier"), line_of(item, "rank"),
                                 segment=sid, hint=msg("e.g. rank: 1"))
            out["rank"] = rank
        return out


def _normalise_color(color: Any) -> str | None:
    if color is None:
        return None
    text = str(color)
    if len(text) == 4:
        text = "#" + "".join(ch * 2 for ch in text[1:])
    return text.lower()
