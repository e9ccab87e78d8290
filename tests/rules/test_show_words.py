"""``rules show`` of every rule file in rules/ reads in the language asked for.

In Chinese, a Latin word may appear only where it is a token the user types or a text the user's own
workbook holds, and only on the line where it plays that part:

* the header line: the rule set's name and its file path (what ``--rules`` takes);
* the parameters line: parameter names written ``name=value`` (what ``--param`` takes) and option names;
* the fields line: the field aliases (the column headers a workbook may use);
* a segment's first line: its id (the ``Tier ID`` column holds it) and its colour;
* a condition line: the string values the conditions compare cells with (cells hold them);
* the description: the names of built-in rule sets (what ``--rules`` takes) and option names;
* anywhere: the Latin words the catalogue allows in Chinese (ABC, RFM, R, F, M, ...).

In English, no parameter name stands where its value should: conditions and descriptions show values.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from rule_engine import ast

import tierkit
from tierkit.check import show_ruleset
from tierkit.compile.context import as_of_datetime, parse_rule
from tierkit.compile.describe import param_value
from tierkit.numfmt import FORMATS, FieldFormat
from tierkit.ruleset.loader import builtin_dir, declared_types
from tierkit.ruleset.model import RuleSet

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted(builtin_dir().glob("*.yaml"))
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\b")
#: an option, with the example value a description may give it (``--param high_pct=0.9``)
OPTION = re.compile(r"--[a-z][a-z-]*(?:\s+[A-Za-z_][A-Za-z0-9_]*=[0-9.%]+)?")


@cache
def allowed_latin() -> frozenset[str]:
    spec = importlib.util.spec_from_file_location("catalogue_words", ROOT / "tests" / "test_i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.ALLOWED_LATIN)


def words(*texts: str) -> set[str]:
    return {w for t in texts for w in WORD.findall(t)}


def string_literals(rs: RuleSet) -> set[str]:
    """The words of the strings the conditions compare cells with (``region in ['East', ...]``)."""
    out: set[str] = set()
    for seg in rs.conditional_segments:
        assert seg.when is not None
        tree = parse_rule(seg.when, declared_types(rs), as_of_datetime(None)).statement
        stack = [tree.expression]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.StringExpression):
                out |= words(node.value)
            elif isinstance(node, ast.ArrayExpression):
                stack.extend(node.value)
            stack.extend(getattr(node, a) for a in ("left", "right", "member", "container", "expression")
                         if isinstance(getattr(node, a, None), ast.ASTNodeBase))
    return out


def test_every_rule_file_is_covered() -> None:
    assert len(RULE_FILES) >= 10 and {p.stem for p in RULE_FILES} >= {"abc", "rfm", "lifecycle", "value"}


def stray_words(rs: RuleSet, text: str) -> list[tuple[str, list[str]]]:
    """The lines of a Chinese ``rules show`` holding Latin words it may not hold there."""
    builtin = {p.stem for p in RULE_FILES}
    lines = text.splitlines()
    bad = []
    for i, line in enumerate(lines):
        allowed = set(allowed_latin()) | {"VIP"}  # as Chinese business texts write it
        line = OPTION.sub("", COLOUR.sub("", line))
        if i == 0:
            allowed |= words(rs.name, rs.display_path)
        elif i == 1 and rs.description is not None:
            allowed |= builtin
        elif line.startswith("  参数"):
            line = re.sub(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=", lambda m: "=" if m.group(1) in rs.params
                          else m.group(0), line)
        elif line.startswith("  字段"):
            allowed |= words(*(a for f in rs.fields.values() for a in f.aliases))
        elif line.startswith("["):
            allowed |= {seg.id for seg in rs.segments if line.startswith(f"[{seg.id}] ")}
        elif line.startswith("  条件"):
            allowed |= string_literals(rs)
        found = sorted(words(line) - allowed)
        if found:
            bad.append((line, found))
    return bad


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rules_show_in_chinese_holds_no_english_words(path: Path) -> None:
    rs = tierkit.load_ruleset(path)
    bad = stray_words(rs, show_ruleset(rs, "zh"))
    assert not bad, "\n".join(f"{found} in {line!r}" for line, found in bad)


def test_the_allow_list_is_tight() -> None:
    """A word allowed on one line is not allowed on another: a field name or a parameter name in a condition,
    an alias in a description, an English hit policy or a raw expression all count."""
    rs = tierkit.load_ruleset("abc")
    text = show_ruleset(rs, "zh")
    assert not stray_words(rs, text)
    assert stray_words(rs, text.replace("合计贡献前80%的客户", "revenue_cum_share < a_cutoff"))
    lines = text.splitlines()
    assert stray_words(rs, text.replace(lines[1], lines[1] + "Sales"))  # an alias, but not on the fields line
    assert stray_words(rs, text.replace("条件：合计贡献前", "条件：revenue"))  # a field name in a condition
    assert stray_words(rs, text.replace("首个命中", "first policy"))
    assert stray_words(rs, text.replace("A类 · 关键客户  #1b5e20", "A类 · 关键客户  #1b5e20 high"))


def test_rules_show_from_the_command_line_in_chinese() -> None:
    from tierkit.cli import main

    out = CliRunner().invoke(main, ["rules", "show", "lifecycle", "--lang", "zh"])
    assert out.exit_code == 0, out.output
    assert "超过 365 天未购买" in out.output and "距最近下单天数 > 365" in out.output
    assert "churn_days" in out.output.splitlines()[3]  # the parameters line: the name to type after --param
    assert not stray_words(tierkit.load_ruleset("lifecycle"), out.output.rstrip("\n"))
    source = CliRunner().invoke(main, ["rules", "show", "lifecycle", "--source"])
    assert "recency_days > churn_days" in source.output


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_parameters_show_as_values(path: Path, lang: str) -> None:
    """No parameter name outside the parameters line; each condition using a parameter shows its value."""
    rs = tierkit.load_ruleset(path)
    if not rs.params:
        pytest.skip("no parameters")
    lines = [OPTION.sub("", line) for line in show_ruleset(rs, lang).splitlines()]
    params_line = next(i for i, line in enumerate(lines) if "=" in line and any(f"{p}=" in line for p in rs.params))
    for i, line in enumerate(lines):
        if i != params_line:
            assert not words(line) & set(rs.params), f"a parameter name in {line!r}"
    types, now = declared_types(rs), as_of_datetime(None)
    for seg in rs.conditional_segments:
        assert seg.when is not None
        used = [n for n in words(seg.when) if n in rs.params]
        head = next(i for i, line in enumerate(lines) if line.startswith(f"[{seg.id}] "))
        for name in used:  # as a share, or in the format of the field it is compared with (issue 17)
            value = rs.params[name]
            shown = {param_value(value, lang), *(FieldFormat(kind).text(value, lang) for kind in FORMATS)}
            assert any(text in lines[head + 1] for text in shown), (seg.id, name, lines[head + 1])
        assert parse_rule(seg.when, types, now)  # the rule still parses: values are shown, not substituted


def test_shares_show_as_percentages() -> None:
    assert param_value(0.8) == "80%" and param_value(-0.1) == "-10%" and param_value(0.125) == "12.5%"
    assert param_value(365) == "365" and param_value(3.0) == "3" and param_value(1.5) == "1.5"
    rs = tierkit.load_ruleset("abc")
    # issue 17: the ABC share reads as a sentence (its field's ``reads``), the cut-off in the field's format
    assert "合计贡献前80%的客户" in show_ruleset(rs, "zh")
    assert "the customers who together bring the first 80% of the contribution" in show_ruleset(rs, "en")
    assert "the first 70% of" in show_ruleset(rs.with_params({"a_cutoff": 0.7}), "en")


def test_descriptions_show_parameter_values() -> None:
    from tierkit.check.show import fill_params

    params = {"churn_days": 365.0, "a_cutoff": 0.8, "days": 3.0}
    assert fill_params("超过 churn_days 天未购买", params, "zh") == "超过 365 天未购买"
    assert fill_params("达到 a_cutoff（默认80%）销售额", params, "zh") == "达到 80%销售额"
    text = "within days days (--param churn_days=180)"
    assert fill_params(text, params) == text
    assert fill_params("my_churn_days and churn_days_x", params) == "my_churn_days and churn_days_x"
    rs = tierkit.load_ruleset("lifecycle").with_params({"churn_days": 180})
    assert "超过 180 天未购买" in show_ruleset(rs, "zh")


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_value_is_not_repeated_in_its_own_gloss(path: Path, lang: str) -> None:
    """A description names a parameter once: ``b_cutoff (95%, ...)`` would read ``95% (95%, ...)``, and a
    hard-coded default goes stale when ``--param`` changes it."""
    rs = tierkit.load_ruleset(path)
    text = show_ruleset(rs, lang)
    assert not re.search(r"(\d+(?:\.\d+)?%?)\s?[（(][^（）()]*?\1", text), text
    if rs.params:
        changed = {name: value * 2 + 1 for name, value in rs.params.items()}
        shifted = show_ruleset(rs.with_params(changed), lang)
        for name, value in rs.params.items():
            old = param_value(value, lang)
            if old.endswith("%"):  # as a whole number: "150%" (a share in its field's format) is not "50%"
                assert not re.search(rf"(?<![\d.,]){re.escape(old)}", shifted), (name, old, shifted)
