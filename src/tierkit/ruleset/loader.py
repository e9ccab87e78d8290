"""Load rule sets from YAML files and built-in names (the schema: schema.py; a rules table: rows.py)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import rule_engine
import yaml

from ..compile.context import as_of_datetime, parse_rule
from ..compile.context import iter_symbols as iter_symbols  # re-exported: it used to live here
from ..compile.regex import UnsupportedRegex, check_constant_regex_text, check_rule_regexes
from ..errors import RuleFileError, Where, did_you_mean, display_path, listing, msg
from ..features import parse_features
from ..hitpolicy import get_policy
from .model import RuleSet, Segment
from .schema import TOP_KEYS, SchemaReader, migrate
from .yaml_lines import MAX_RULE_FILE_BYTES, LineDict, line_of, load_yaml


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
    return [load_ruleset(builtin_dir() / f"{name}.yaml") for name in builtin_names()]


def load_ruleset(name_or_path: str | Path, *, params: Mapping[str, float] | None = None) -> RuleSet:
    """Load a rule set: a built-in name (``rfm``) or a path to a YAML file.  A bare name (no ``.yaml``, no
    folder) is the built-in one even when the working folder holds a file or folder of that name; a file of
    that name is read only when no built-in has it."""
    text_name = str(name_or_path)
    path = Path(text_name)
    bare = not isinstance(name_or_path, Path) and path.suffix.lower() not in (".yaml", ".yml") and (
        "/" not in text_name and "\\" not in text_name)
    if bare:
        candidate = builtin_dir() / f"{text_name}.yaml"
        if candidate.is_file():
            path = candidate
        elif not path.is_file():
            names = builtin_names()
            hint = did_you_mean(text_name, names) or msg("built-in rule sets: {names}", names=listing(names))
            raise RuleFileError(msg("no rule set named '{text_name}'", text_name=text_name), hint=hint)
    if path.is_dir():
        raise RuleFileError(msg("{path} is a folder, not a rule file", path=display_path(path)),
                            hint=msg("give a built-in name (tierkit rules list) or a path to a .yaml file"))
    if not path.exists():
        raise RuleFileError(msg("rule file not found: {path}", path=display_path(path)),
                            hint=msg("give a built-in name (tierkit rules list) or a path to a .yaml file"))
    try:
        size = path.stat().st_size
    except OSError as err:
        raise RuleFileError(msg("cannot read the rule file: {value}", value=err.strerror or err),
                            where=Where(file=display_path(path))) from err
    if size > MAX_RULE_FILE_BYTES:
        raise _too_big(display_path(path), size)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise RuleFileError(msg("rule file is not UTF-8 text"), where=Where(file=display_path(path))) from err
    except OSError as err:
        raise RuleFileError(msg("cannot read the rule file: {value}", value=err.strerror or err),
                            where=Where(file=display_path(path))) from err
    rs = parse_ruleset(text, path=path)
    if params:
        rs = apply_param_overrides(rs, params)
    return rs


def apply_param_overrides(rs: RuleSet, params: Mapping[str, float]) -> RuleSet:
    unknown = [k for k in params if k not in rs.params]
    if unknown:
        hint = did_you_mean(unknown[0], rs.params) or (
            msg("parameters of '{name}': {names}", name=rs.name,
                names=listing(rs.params) if rs.params else msg("none")))
        raise RuleFileError(
            msg("unknown parameter '{unknown}' for rule set '{name}'", unknown=unknown[0], name=rs.name),
            where=Where(file=rs.display_path),
            hint=hint,
        )
    return rs.with_params({k: float(v) for k, v in params.items()})


def _too_big(file: str, size: int) -> RuleFileError:
    return RuleFileError(
        msg(
            "rule file is {size:,} bytes, over the limit of {max_rule_file_bytes:,}",
            size=size,
            max_rule_file_bytes=MAX_RULE_FILE_BYTES,
        ),
        where=Where(file=file),
        hint=msg("a rule file is a few kilobytes; is this the right file?"),
    )


def parse_ruleset(text: str, *, path: Path | None = None, name: str | None = None) -> RuleSet:
    """Parse and validate a rule set from YAML text."""
    file = display_path(path) if path else (f"<{name}>" if name else "<rules>")
    if len(text) > MAX_RULE_FILE_BYTES:
        raise _too_big(file, len(text))
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise RuleFileError(msg("invalid YAML: {problem}", problem=problem), where=Where(file=file, line=line),
                            hint=msg("write the value out in full") if "aliases are not allowed" in problem else
                            msg("check indentation and quoting (quote colours like \"#1b5e20\")")) from None
    if not isinstance(data, LineDict):
        raise RuleFileError(msg("a rule file must be a YAML mapping with 'name' and 'segments'"),
                            where=Where(file=file, line=1))
    builder = _Builder(file)
    return builder.ruleset(data, path=path, name=name or (path.stem if path else "rules"), source=text)


class _Builder(SchemaReader):
    """Reads a whole rule file (the parts are read by :class:`SchemaReader`)."""

    def ruleset(self, data: LineDict, *, path: Path | None, name: str, source: str) -> RuleSet:
        data = migrate(data, self.file)
        self.check_keys(data, TOP_KEYS, msg("rule file"))
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
            raise self.error(msg("'features' must be a list"), line_of(data, "features"))
        lines = [line_of(features, i) for i in range(len(features))]
        specs = parse_features(features, file=self.file, lines=[at if isinstance(at, int) else None for at in lines])
        segments = self.segments(data.get("segments"), line_of(data, "segments"))
        measure = data.get("measure")
        rs = RuleSet(
            name=rs_name, title=title, segments=segments, hit_policy=hit_policy, fields=fields,
            measure=str(measure) if measure else None, description=description,
            column=str(data["column"]) if data.get("column") else None, params=params,
            features=specs, path=path, source=source,
        )
        validate_expressions(rs, file=self.file)
        return rs


def declared_types(rs: RuleSet) -> dict[str, str]:
    types = {name: f.type for name, f in rs.fields.items()}
    for pname in rs.params:
        types.setdefault(pname, "float")
    return types


def validate_expressions(rs: RuleSet, *, file: str | None = None, types: Mapping[str, str] | None = None,
                         cells: Mapping[str, str] | None = None) -> None:
    """Parse every ``when`` with rule-engine under the declared types; raise RuleFileError on the first problem.

    ``cells``: segment id -> the cell its ``when`` came from (a rules table), named instead of a line.
    """
    file = file or rs.display_path
    types = dict(types) if types is not None else declared_types(rs)
    now = as_of_datetime(None).replace(second=0)
    for seg in rs.conditional_segments:
        assert seg.when is not None
        _check_regexes(None, seg, file, (cells or {}).get(seg.id))
        try:
            rule = parse_rule(seg.when, types, now)
        except rule_engine.errors.EngineError as err:
            raise rule_error(err, seg, file, cell=(cells or {}).get(seg.id)) from None
        _check_regexes(rule, seg, file, (cells or {}).get(seg.id))


def _check_regexes(rule: rule_engine.Rule | None, seg: Segment, file: str, cell: str | None) -> None:
    """Refuse a pattern that cannot run in linear time (RE2) with Python's meaning, naming file:line.

    ``rule`` None: the lexical check before parsing (rule-engine folds constant regex matches while parsing).
    """
    try:
        if rule is None:
            check_constant_regex_text(seg.when or "")
        else:
            check_rule_regexes(rule.statement, rule.context.regex_flags)
    except UnsupportedRegex as err:
        where = Where(file=file, line=None if cell else seg.when_line or seg.line, cell=cell, segment=seg.id)
        raise RuleFileError(
            msg("{message} in segment '{id}'", message=err.message, id=seg.id), where=where, hint=err.hint
        ) from None


def rule_error(err: Exception, seg: Segment, file: str, *, extra_hint: str | None = None,
               cell: str | None = None) -> RuleFileError:
    """Turn a rule-engine error into a RuleFileError that names the file, line and segment."""
    message = getattr(err, "message", None) or str(err)
    hint = extra_hint
    if isinstance(err, rule_engine.errors.RuleSyntaxError):
        token = getattr(err, "token", None)
        if token is not None and getattr(token, "value", None) is not None:
            message = msg("syntax error near '{token}'", token=token.value)
        else:
            message = msg("syntax error (incomplete expression)")
        hint = hint or msg("see rules/README.md for the expression syntax; "
                           "column names with spaces or Chinese need 'fields' aliases")
    elif isinstance(err, rule_engine.errors.SymbolResolutionError):
        message = msg("unknown name '{name}'", name=err.symbol_name)
    elif isinstance(err, rule_engine.errors.AttributeResolutionError):
        message = msg("unknown attribute '{name}'", name=err.attribute_name)
        if err.suggestion:
            hint = msg("did you mean '{name}'?", name=err.suggestion)
    elif isinstance(err, rule_engine.errors.EvaluationError) and "mismatch" in message:
        message = msg("type mismatch in 'when: {when}'", when=seg.when)
        hint = hint or msg("compare numbers with numbers, text with quoted text, dates with d\"2024-01-31\"")
    elif isinstance(err, rule_engine.errors.RegexSyntaxError):
        message = msg("invalid regular expression: {err}", err=getattr(err, "error", err))
    where = Where(file=file, line=None if cell else seg.when_line or seg.line, cell=cell, segment=seg.id)
    return RuleFileError(msg("{message} in segment '{id}'", message=message, id=seg.id), where=where, hint=hint)
