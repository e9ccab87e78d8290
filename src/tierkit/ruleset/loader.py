"""Load and validate rule sets from YAML files, built-in names, or a rules table (a Rules sheet/range)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import rule_engine
import yaml

from ..compile.context import as_of_datetime, parse_rule
from ..compile.context import iter_symbols as iter_symbols  # re-exported: it used to live here
from ..errors import RuleFileError, Where, did_you_mean, display_path
from ..hitpolicy import get_policy
from .model import FIELD_TYPES, Field, RuleSet, Segment, Text
from .yaml_lines import LineDict, LineList, line_of, load_yaml

TOP_KEYS = ("name", "title", "description", "hit_policy", "fields", "segments", "measure", "column",
            "params", "features", "version")
SEGMENT_KEYS = ("id", "label", "when", "default", "color", "colour", "strategies", "description", "priority",
                "actions", "key_fields", "risk_reason", "signal")
FIELD_KEYS = ("type", "aliases", "label", "format", "optional")
_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-.]*$")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_SYMBOL_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def builtin_dir() -> Path:
    """The folder holding the built-in rule library (``rules/`` in the source tree)."""
    try:
        from importlib.resources import files

        path = Path(str(files("tierkit._rules")))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[3] / "rules"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def list_builtin() -> list[RuleSet]:
    return [load_ruleset(name) for name in builtin_names()]


def load_ruleset(name_or_path: str | Path, *, params: Mapping[str, float] | None = None) -> RuleSet:
    """Load a rule set: a built-in name (``rfm``) or a path to a YAML file."""
    text_name = str(name_or_path)
    path = Path(text_name)
    if not path.exists() and path.suffix.lower() not in (".yaml", ".yml") and "/" not in text_name:
        candidate = builtin_dir() / f"{text_name}.yaml"
        if candidate.exists():
            path = candidate
        else:
            names = builtin_names()
            hint = did_you_mean(text_name, names) or f"built-in rule sets: {', '.join(names)}"
            raise RuleFileError(f"no rule set named '{text_name}'", hint=hint)
    if not path.exists():
        raise RuleFileError(f"rule file not found: {display_path(path)}",
                            hint="give a built-in name (tierkit rules list) or a path to a .yaml file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise RuleFileError("rule file is not UTF-8 text", where=Where(file=display_path(path))) from err
    rs = parse_ruleset(text, path=path)
    if params:
        rs = apply_param_overrides(rs, params)
    return rs


def apply_param_overrides(rs: RuleSet, params: Mapping[str, float]) -> RuleSet:
    unknown = [k for k in params if k not in rs.params]
    if unknown:
        hint = did_you_mean(unknown[0], rs.params) or (
            f"parameters of '{rs.name}': {', '.join(rs.params) or 'none'}")
        raise RuleFileError(f"unknown parameter '{unknown[0]}' for rule set '{rs.name}'",
                            where=Where(file=rs.display_path), hint=hint)
    return rs.with_params({k: float(v) for k, v in params.items()})


def parse_ruleset(text: str, *, path: Path | None = None, name: str | None = None) -> RuleSet:
    """Parse and validate a rule set from YAML text."""
    file = display_path(path) if path else (f"<{name}>" if name else "<rules>")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise RuleFileError(f"invalid YAML: {problem}", where=Where(file=file, line=line),
                            hint="check indentation and quoting (quote colours like \"#1b5e20\")") from None
    if not isinstance(data, LineDict):
        raise RuleFileError("a rule file must be a YAML mapping with 'name' and 'segments'",
                            where=Where(file=file, line=1))
    builder = _Builder(file)
    return builder.ruleset(data, path=path, name=name or (path.stem if path else "rules"), source=text)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, message: str, line: int | None, *, segment: str | None = None,
              hint: str | None = None) -> RuleFileError:
        if segment:
            message = f"{message} in segment '{segment}'"
        return RuleFileError(message, where=Where(file=self.file, line=line, segment=segment), hint=hint)

    def check_keys(self, obj: LineDict, allowed: Sequence[str], what: str, segment: str | None = None) -> None:
        for key in obj:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
                message = f"unknown key '{key}'" if segment else f"unknown key '{key}' in {what}"
                raise self.error(message, line_of(obj, key), segment=segment, hint=hint)

    def text(self, value: Any, line: int | None, what: str, segment: str | None = None) -> Text:
        if isinstance(value, str):
            return Text(en=value, zh=value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Text(en=str(value), zh=str(value))
        if isinstance(value, Mapping):
            bad = [k for k in value if k not in ("en", "zh")]
            if bad:
                raise self.error(f"{what} has unknown language '{bad[0]}'", line, segment=segment,
                                 hint="use {en: ..., zh: ...}")
            en, zh = value.get("en"), value.get("zh")
            if not en and not zh:
                raise self.error(f"{what} is empty", line, segment=segment)
            return Text(en=str(en or zh), zh=str(zh or en))
        raise self.error(f"{what} must be a text or {{en: ..., zh: ...}}", line, segment=segment)

    def ruleset(self, data: LineDict, *, path: Path | None, name: str, source: str) -> RuleSet:
        self.check_keys(data, TOP_KEYS, "rule file")
        rs_name = str(data.get("name") or name)
        title = self.text(data.get("title", rs_name), line_of(data, "title"), "title")
        description = (self.text(data["description"], line_of(data, "description"), "description")
                       if data.get("description") else None)
        try:
            hit_policy = get_policy(str(data.get("hit_policy", "first")).lower()).name
        except RuleFileError as err:
            raise self.error(err.message, line_of(data, "hit_policy"), hint=err.hint) from None
        fields = self.fields(data.get("fields") or {}, line_of(data, "fields"))
        params = self.params(data.get("params") or {}, line_of(data, "params"))
        features = data.get("features") or []
        if not isinstance(features, list):
            raise self.error("'features' must be a list", line_of(data, "features"))
        segments = self.segments(data.get("segments"), line_of(data, "segments"))
        measure = data.get("measure")
        rs = RuleSet(
            name=rs_name, title=title, segments=segments, hit_policy=hit_policy, fields=fields,
            measure=str(measure) if measure else None, description=description,
            column=str(data["column"]) if data.get("column") else None, params=params,
            features=tuple(dict(f) if isinstance(f, Mapping) else {"name": f} for f in features),
            path=path, source=source,
        )
        validate_expressions(rs, file=self.file)
        return rs

    def fields(self, raw: Any, line: int | None) -> dict[str, Field]:
        if not isinstance(raw, Mapping):
            raise self.error("'fields' must be a mapping of field name to {type, aliases}", line)
        out: dict[str, Field] = {}
        for fname, spec in raw.items():
            fline = line_of(raw, fname)
            if not _SYMBOL_RE.match(fname):
                raise self.error(f"field name '{fname}' must be lower_snake_case ASCII", fline,
                                 hint="put the header text (e.g. Chinese) under 'aliases'")
            if isinstance(spec, str):
                spec = {"type": spec}
            if spec is None:
                spec = {}
            if not isinstance(spec, LineDict | dict):
                raise self.error(f"field '{fname}' must be a mapping like {{type: float}}", fline)
            if isinstance(spec, LineDict):
                self.check_keys(spec, FIELD_KEYS, f"field '{fname}'")
            ftype = str(spec.get("type", "string")).lower()
            ftype = {"str": "string", "text": "string", "number": "float", "integer": "int",
                     "boolean": "bool"}.get(ftype, ftype)
            if ftype not in FIELD_TYPES:
                raise self.error(f"unknown type '{ftype}' for field '{fname}'", fline,
                                 hint=did_you_mean(ftype, FIELD_TYPES) or f"use one of {', '.join(FIELD_TYPES)}")
            aliases = spec.get("aliases") or []
            if isinstance(aliases, str):
                aliases = [aliases]
            label = self.text(spec["label"], fline, f"label of field '{fname}'") if spec.get("label") else None
            out[fname] = Field(name=fname, type=ftype, aliases=tuple(str(a) for a in aliases), label=label,
                               line=fline, optional=bool(spec.get("optional", False)))
        return out

    def params(self, raw: Any, line: int | None) -> dict[str, float]:
        if not isinstance(raw, Mapping):
            raise self.error("'params' must be a mapping of name to number", line)
        out: dict[str, float] = {}
        for key, value in raw.items():
            if isinstance(value, Mapping):
                value = value.get("default")
            if not _SYMBOL_RE.match(str(key)) or isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.error(f"parameter '{key}' must be a lower_snake_case name with a number",
                                 line_of(raw, key))
            out[str(key)] = float(value)
        return out

    def segments(self, raw: Any, line: int | None) -> tuple[Segment, ...]:
        if not isinstance(raw, LineList) or not raw:
            raise self.error("a rule file needs a non-empty 'segments' list", line)
        out: list[Segment] = []
        seen: dict[str, int | None] = {}
        for index, item in enumerate(raw):
            sline = line_of(raw, index)
            if not isinstance(item, LineDict):
                raise self.error(f"segment #{index + 1} must be a mapping with id, label and when", sline)
            sid = item.get("id")
            if sid is None or not _ID_RE.match(str(sid)):
                raise self.error(f"segment #{index + 1} needs an 'id' (letters, digits, _ - .)", sline)
            sid = str(sid)
            self.check_keys(item, SEGMENT_KEYS, "segment", segment=sid)
            if sid in seen:
                raise self.error(f"duplicate segment id '{sid}' (first at line {seen[sid]})", sline)
            seen[sid] = sline
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
                raise self.error("missing 'when' (or 'default: true')", sline, segment=sid)
            if when is not None and default:
                raise self.error("a default segment takes no 'when'", line_of(item, "when"), segment=sid,
                                 hint="remove 'when' or 'default: true'")
            color = item.get("color", item.get("colour"))
            if color is not None and not _COLOR_RE.match(str(color)):
                raise self.error(f"colour '{color}' is not #RRGGBB", line_of(item, "color"), segment=sid,
                                 hint='write it quoted, e.g. color: "#1b5e20"')
            strategies_raw = item.get("strategies") or []
            if not isinstance(strategies_raw, list):
                raise self.error("'strategies' must be a list", line_of(item, "strategies"), segment=sid)
            strategies = tuple(
                self.text(s, line_of(strategies_raw, i), "strategy", sid) for i, s in enumerate(strategies_raw))
            desc = item.get("description")
            priority = item.get("priority", index)
            if isinstance(priority, bool) or not isinstance(priority, int):
                raise self.error("'priority' must be an integer", line_of(item, "priority"), segment=sid)
            extra = {k: item[k] for k in ("actions", "key_fields", "risk_reason", "signal") if k in item}
            if "actions" in extra:
                actions = extra["actions"] if isinstance(extra["actions"], list) else [extra["actions"]]
                for i, action in enumerate(actions):  # each a text or {en, zh}: checked like strategies
                    self.text(action, line_of(actions, i) or line_of(item, "actions"), "action", sid)
            if "key_fields" in extra:
                keys = extra["key_fields"]
                if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                    raise self.error("'key_fields' must be a list of field names", line_of(item, "key_fields"),
                                     segment=sid, hint="e.g. key_fields: [revenue, frequency]")
            if "signal" in extra and str(extra["signal"]).lower() not in ("value", "risk", "neutral"):
                raise self.error(f"signal '{extra['signal']}' must be value, risk or neutral",
                                 line_of(item, "signal"), segment=sid)
            out.append(Segment(
                id=sid, label=label, when=when.strip() if when else None, default=default,
                color=_normalise_color(color), strategies=strategies,
                description=self.text(desc, line_of(item, "description"), "description", sid) if desc else None,
                priority=priority, line=sline, when_line=line_of(item, "when"), extra=extra,
            ))
        defaults = [s for s in out if s.default]
        if len(defaults) > 1:
            raise self.error(f"more than one default segment ({', '.join(s.id for s in defaults)})",
                             defaults[1].line, hint="keep 'default: true' on one segment")
        return tuple(out)


def _normalise_color(color: Any) -> str | None:
    if color is None:
        return None
    text = str(color)
    if len(text) == 4:
        text = "#" + "".join(ch * 2 for ch in text[1:])
    return text.lower()


def declared_types(rs: RuleSet) -> dict[str, str]:
    types = {name: f.type for name, f in rs.fields.items()}
    for pname in rs.params:
        types.setdefault(pname, "float")
    return types


def validate_expressions(rs: RuleSet, *, file: str | None = None,
                         types: Mapping[str, str] | None = None) -> None:
    """Parse every ``when`` with rule-engine under the declared types; raise RuleFileError on the first problem."""
    file = file or rs.display_path
    types = dict(types) if types is not None else declared_types(rs)
    now = as_of_datetime(None).replace(second=0)
    for seg in rs.conditional_segments:
        assert seg.when is not None
        try:
            parse_rule(seg.when, types, now)
        except rule_engine.errors.EngineError as err:
            raise rule_error(err, seg, file) from None


def rule_error(err: Exception, seg: Segment, file: str, *, extra_hint: str | None = None) -> RuleFileError:
    """Turn a rule-engine error into a RuleFileError that names the file, line and segment."""
    message = getattr(err, "message", None) or str(err)
    hint = extra_hint
    if isinstance(err, rule_engine.errors.RuleSyntaxError):
        token = getattr(err, "token", None)
        if token is not None and getattr(token, "value", None) is not None:
            message = f"syntax error near '{token.value}'"
        else:
            message = "syntax error (incomplete expression)"
        hint = hint or ("see rules/README.md for the expression syntax; "
                        "column names with spaces or Chinese need 'fields' aliases")
    elif isinstance(err, rule_engine.errors.SymbolResolutionError):
        message = f"unknown name '{err.symbol_name}'"
    elif isinstance(err, rule_engine.errors.AttributeResolutionError):
        message = f"unknown attribute '{err.attribute_name}'"
        if err.suggestion:
            hint = f"did you mean '{err.suggestion}'?"
    elif isinstance(err, rule_engine.errors.EvaluationError) and "mismatch" in message:
        message = f"type mismatch in 'when: {seg.when}'"
        hint = hint or "compare numbers with numbers, text with quoted text, dates with d\"2024-01-31\""
    elif isinstance(err, rule_engine.errors.RegexSyntaxError):
        message = f"invalid regular expression: {getattr(err, 'error', err)}"
    return RuleFileError(f"{message} in segment '{seg.id}'",
                         where=Where(file=file, line=seg.when_line or seg.line, segment=seg.id), hint=hint)


def ruleset_from_rows(rows: Sequence[Sequence[Any]], *, name: str = "sheet_rules",
                      source_label: str = "Rules sheet") -> RuleSet:
    """Build a rule set from a table: a header row with id / label / when (+ color, strategy, default).

    Columns may also be ``label_en``/``label_zh`` and ``strategy_en``/``strategy_zh``; several rows with the
    same id add strategies to that segment.  Used for a ``Rules`` sheet and for Excel ranges in the add-in.
    """
    if not rows:
        raise RuleFileError("the rules table is empty", where=Where(file=source_label),
                            hint="add a header row: id | label | when | strategy")
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    required = ("id", "when")
    for col in required:
        if col not in header:
            raise RuleFileError(f"the rules table has no '{col}' column", where=Where(file=source_label),
                                hint="header row must hold: id | label | when | strategy (| color | default)")
    idx = {h: i for i, h in enumerate(header) if h}

    def cell(row: Sequence[Any], key: str) -> str | None:
        i = idx.get(key)
        if i is None or i >= len(row) or row[i] is None:
            return None
        text = str(row[i]).strip()
        return text or None

    segments: dict[str, dict[str, Any]] = {}
    for rownum, row in enumerate(rows[1:], start=2):
        sid = cell(row, "id")
        if not sid:
            continue
        seg = segments.setdefault(sid, {"id": sid, "strategies": [], "line": rownum})
        label_en = cell(row, "label_en") or cell(row, "label")
        label_zh = cell(row, "label_zh")
        if label_en or label_zh:
            seg["label"] = {"en": label_en or label_zh, "zh": label_zh or label_en}
        when = cell(row, "when")
        default_flag = (cell(row, "default") or "").lower() in ("true", "yes", "1", "y", "是")
        if when and when.lower() in ("default", "else", "otherwise", "其他"):
            default_flag, when = True, None
        if when:
            seg["when"] = when
        if default_flag:
            seg["default"] = True
        if cell(row, "color") or cell(row, "colour"):
            seg["color"] = cell(row, "color") or cell(row, "colour")
        s_en = cell(row, "strategy_en") or cell(row, "strategy")
        s_zh = cell(row, "strategy_zh")
        if s_en or s_zh:
            seg["strategies"].append({"en": s_en or s_zh, "zh": s_zh or s_en})
    if not segments:
        raise RuleFileError("the rules table has no segment rows", where=Where(file=source_label),
                            hint="fill at least one row with an id and a when")
    doc = {"name": name, "title": name, "segments": [
        {k: v for k, v in s.items() if k != "line"} for s in segments.values()]}
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    return parse_ruleset(text, name=name)

