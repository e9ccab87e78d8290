"""Deep and wide ``when`` expressions, and hostile YAML: exit 2 with file:line, never a RecursionError."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit.cli import main
from tierkit.compile.limits import MAX_DEPTH, MAX_TERMS, expression_too_big
from tierkit.errors import RuleFileError
from tierkit.ruleset.loader import load_ruleset, parse_ruleset
from tierkit.ruleset.yaml_lines import MAX_RULE_FILE_BYTES

SAMPLE = Path(__file__).resolve().parents[2] / "sample_workbooks" / "customers_simple.csv"


def _rules(tmp_path: Path, when: str) -> Path:
    path = tmp_path / "r.yaml"
    path.write_text("name: r\nsegments:\n  - id: big\n    label: Big\n    when: '" + when + "'\n"
                    "  - id: rest\n    label: Rest\n    default: true\n", encoding="utf-8")
    return path


def _apply(tmp_path: Path, rules: Path) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["apply", str(SAMPLE), "--rules", str(rules), "-o", str(tmp_path / "o.csv")])
    return res.exit_code, res.output


@pytest.mark.parametrize("when", ["(" * 500 + "revenue > 1" + ")" * 500,
                                  " or ".join(f"revenue > {i}" for i in range(800))])
def test_deep_or_wide_exits_2_with_file_and_line(tmp_path: Path, when: str) -> None:
    code, out = _apply(tmp_path, _rules(tmp_path, when))
    assert code == 2, out
    assert "r.yaml:5" in out and "over the limit" in out


@pytest.mark.parametrize("when", ["(" * MAX_DEPTH + "revenue > 1" + ")" * MAX_DEPTH,
                                  " or ".join(f"revenue > {i}" for i in range(MAX_TERMS + 1)),
                                  " and ".join(f"revenue > {i}" for i in range(MAX_TERMS + 1)),
                                  "(" * (MAX_DEPTH - 1) + " or ".join(f"(revenue > {i} and not revenue < 3)"
                                                                     for i in range(MAX_TERMS // 3)) + ")" * 49])
def test_at_the_limits_it_works(tmp_path: Path, when: str) -> None:
    rules = _rules(tmp_path, when)
    code, out = _apply(tmp_path, rules)
    assert code == 0, out
    for cmd in (["rules", "show", str(rules)], ["explain", str(SAMPLE), "--rules", str(rules), "--row", "3"]):
        res = CliRunner().invoke(main, cmd)
        assert res.exit_code == 0, res.output


def test_wide_chains_tier_like_short_ones(tmp_path: Path) -> None:
    """A 200-term ``or`` (folded in a loop) tiers every row as its two-term equivalent does."""
    wide = " or ".join(["revenue > 50000"] + [f"revenue == {-i}" for i in range(1, MAX_TERMS + 1)])
    code, out = _apply(tmp_path, _rules(tmp_path, wide))
    assert code == 0, out
    wide_rows = (tmp_path / "o.csv").read_text(encoding="utf-8")
    (tmp_path / "o.csv").unlink()
    code, out = _apply(tmp_path, _rules(tmp_path, "revenue > 50000 or revenue == -1"))
    assert code == 0, out
    assert (tmp_path / "o.csv").read_text(encoding="utf-8") == wide_rows


def test_deep_call_parses_what_the_default_stack_cannot() -> None:
    import rule_engine

    from tierkit.compile.limits import deep_call

    text = " or ".join(f"revenue > {i}" for i in range(800))   # RecursionError at the default limit
    rule = deep_call(rule_engine.Rule, text)
    assert rule.matches({"revenue": 799.5})
    with pytest.raises(ZeroDivisionError):
        deep_call(lambda: 1 / 0)


def test_string_literals_and_comments_do_not_count() -> None:
    assert expression_too_big("name == '" + "(" * 500 + " or " * 500 + "'") is None
    assert expression_too_big('name == "' + "[" * 500 + '" and x > 1  # ' + "(" * 500) is None
    assert expression_too_big("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1)) is not None


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="()[]{}'\"ando r#x\\\n", max_size=300))
def test_the_lexer_never_fails(text: str) -> None:
    assert expression_too_big(text) is None or "over the limit" in str(expression_too_big(text))


_LOLS = ",".join(['"lol"'] * 9)
BILLION_LAUGHS = "name: lol\n" + f"a: &a [{_LOLS}]\n" + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)) + "segments: *i\n"


def test_billion_laughs_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    assert len(BILLION_LAUGHS) < 800
    path = tmp_path / "lol.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(RuleFileError, match="anchors and aliases are not allowed") as info:
        load_ruleset(path)
    assert info.value.where is not None and info.value.where.line == 2
    code, out = _apply(tmp_path, path)
    assert code == 2 and "lol.yaml:2" in out


def test_an_alias_alone_is_refused() -> None:
    with pytest.raises(RuleFileError, match=r"alias \*x"):
        parse_ruleset("name: r\nsegments: *x\n")


def test_oversized_rule_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"name: r\n" + b"# " + b"x" * MAX_RULE_FILE_BYTES + b"\n")
    with pytest.raises(RuleFileError, match="over the limit"):
        load_ruleset(path)
