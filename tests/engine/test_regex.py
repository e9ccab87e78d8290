"""Regular expressions run in linear time (RE2) with Python's meaning, or are refused at load."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tierkit import load_ruleset
from tierkit.bind import bind
from tierkit.compile.regex import UnsupportedRegex, backtracking_risk, match_many, to_re2
from tierkit.errors import RuleFileError, UnsupportedExpression
from tierkit.oracle import evaluate_oracle

from .conftest import AS_OF, assert_same, ruleset_for

# -- no pattern stalls a run ----------------------------------------------------------------------------------
_STALL = textwrap.dedent("""
    import sys, time
    import pandas as pd
    from tierkit.bind import bind
    from tierkit.oracle import evaluate_compiled
    from tests.engine.conftest import AS_OF, ruleset_for
    frame = pd.DataFrame({"text": ["a" * 31 + "!"] * 10_000 + ["aaa", "x" + "a" * 31 + "!"]})
    rs = ruleset_for(['text =~ "(a+)+$"', 'text =~~ "(a+)+$"', 'text !~ "(a|a)+$"', 'text !~~ "(a*)*b"'])
    start = time.perf_counter()
    matches, _ = evaluate_compiled(bind(rs, frame, as_of=AS_OF))
    print(f"{time.perf_counter() - start:.3f}")
    print(matches["s0"][-3:].tolist(), matches["s1"][-3:].tolist(), matches["s2"][-3:].tolist(),
          matches["s3"][-3:].tolist())
""")


def test_catastrophic_pattern_runs_in_linear_time() -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _STALL], cwd=root, capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    seconds, result = done.stdout.splitlines()
    print(f"(a+)+$ over 4 x 10k cells: {seconds} s")
    assert float(seconds) < 5
    # re.match / re.search answers: only 'aaa' matches =~ and =~~ ; !~ (a|a)+$ ; !~~ (a*)*b never matches
    assert result == "[False, True, False] [False, True, False] [True, False, True] [True, True, True]"


# -- refused at load with file:line ---------------------------------------------------------------------------
REFUSED = [r"(a)\1", r"(?P<x>a)(?P=x)", r"a(?=b)", r"a(?!b)", r"(?<=a)b", r"(?<!a)b", r"\bVIP\b", r"a\B",
           r"(a)?(?(1)b|c)", r"(?>a+)b", r"a++", r"a*+", r"a$b", r"(a$)+", r"a{2000}"]


@pytest.mark.parametrize("pattern", REFUSED)
def test_untranslatable_patterns_are_refused_at_load(pattern: str, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedRegex):
        to_re2(pattern)
    path = tmp_path / "r.yaml"
    path.write_text(f"name: r\nfields:\n  text: {{type: string}}\nsegments:\n  - id: a\n    when: text == 'x'\n"
                    f"  - id: b\n    when: text =~~ {pattern!r}\n  - id: rest\n    default: true\n",
                    encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_ruleset(path)
    assert f"{path.name}:8" in str(info.value) and "segment 'b'" in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("pattern", [r"a\Z", r"\Aab", "^a$", "(?m)^b$", "(?s)a.b", r"(?i)ab", "(?a)\\d", "a$",
                                     r"(\d{3}-)+\d", r"x|y$", r"[^\W\d]+", r"[\s\S]"])
def test_translatable_patterns_load(pattern: str) -> None:
    assert to_re2(pattern)


# -- the oracle refuses nested quantifiers --------------------------------------------------------------------
@pytest.mark.parametrize("pattern", ["(a+)+$", "(a*)*", "(a|a)+", "(a|aa)*b", "(a{1,3})+", "(?:x+y?)*"])
def test_oracle_refuses_nested_quantifiers(pattern: str) -> None:
    assert backtracking_risk(pattern)
    rs = ruleset_for([f"text =~ {pattern!r}"])
    binding = bind(rs, pd.DataFrame({"text": ["a" * 31 + "!"]}), as_of=AS_OF)
    start = time.perf_counter()
    with pytest.raises(UnsupportedExpression, match="--engine oracle refuses") as info:
        evaluate_oracle(binding)
    assert "<prop>:" in str(info.value) and info.value.exit_code == 2
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("pattern", ["a+b*", r"(\d{3}-)+", "(ab)+", "[ab]+$", "x?(y{2})*", r"^\d{4}"])
def test_oracle_accepts_linear_patterns(pattern: str) -> None:
    assert backtracking_risk(pattern) is None


# -- Python's meaning of \d \w \s, Unicode-aware ----------------------------------------------------------
ALPHABET = "aAbB_z09 ０９٣\u3000\u00a0\t\n\u2028é\u0301客年Ⅻ①²-.!ßİ"


def test_fullwidth_year_matches_like_rule_engine() -> None:
    cells = ["２０２４年", "2024", "二〇二四", "20x24"]
    assert match_many(r"\d{4}", 0, cells, anchored=False).tolist() == [True, True, False, False]
    assert_same([r"text =~~ r'\d{4}'", r"text =~ r'\w+年$'", r"text =~~ r'\s'"],
                pd.DataFrame({"text": [*cells, "客户\u3000A", None]}, dtype=object).assign(
                    num=None, num2=None, code=None, when=pd.NaT, flag=None))


_CLASS_ITEMS = [r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", "a", "_", "0-9", "０-９", "a-z", "客", r"\-", r"\n"]
_atom = st.one_of(
    st.sampled_from(list(ALPHABET)).map(re.escape),
    st.sampled_from([r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", "."]),
    st.tuples(st.booleans(), st.lists(st.sampled_from(_CLASS_ITEMS), min_size=1, max_size=3)).map(
        lambda t: "[" + ("^" if t[0] else "") + "".join(t[1]) + "]"),
)
_quantified = st.tuples(_atom, st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "*?"])).map("".join)
_seq = st.lists(_quantified, min_size=1, max_size=4).map("".join)
_body = st.one_of(_seq, st.tuples(_seq, _seq).map(lambda t: f"(?:{t[0]}|{t[1]})" if t[1] else t[0]),
                  st.tuples(_seq, _seq).map(lambda t: f"{t[0]}({t[1]})"))
patterns = st.tuples(st.sampled_from(["", "", "^", r"\A", "(?m)^", "(?i)", "(?s)", "(?a)"]), _body,
                     st.sampled_from(["", "", "$", r"\Z"])).map("".join)
cells = st.text(alphabet=ALPHABET, max_size=8)


def _translatable(pattern: str) -> bool:
    """Patterns tierkit refuses at load (e.g. a negated class under (?i)) are tested by the refusal tests."""
    try:
        to_re2(pattern)
    except UnsupportedRegex:
        return False
    return True


def test_a_negated_class_under_ignorecase_is_refused() -> None:
    for pattern in ("(?i)[^a-z]", "(?i)[^x]", "(?i)x[^Q]+"):
        with pytest.raises(UnsupportedRegex, match="negated character class"):
            to_re2(pattern)
    assert to_re2("[^a-z]") and to_re2("(?i)abc")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, texts=st.lists(cells, min_size=1, max_size=10))
def test_re2_translation_agrees_with_python_re(pattern: str, texts: list[str]) -> None:
    compiled = re.compile(pattern)
    assume(_translatable(pattern))
    for anchored, func in ((True, compiled.match), (False, compiled.search)):
        want = [func(t) is not None for t in texts]
        got = match_many(pattern, 0, texts, anchored=anchored).tolist()
        assert got == want, (pattern, to_re2(pattern, anchored=anchored), texts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, texts=st.lists(st.one_of(st.none(), cells), min_size=1, max_size=8))
def test_compiled_regex_agrees_with_oracle(pattern: str, texts: list[str | None]) -> None:
    assume(_translatable(pattern))
    frame = pd.DataFrame({"text": texts}, dtype=object).assign(num=None, num2=None, code=None, when=pd.NaT,
                                                               flag=None)
    quoted = "".join(f"\\u{ord(ch):04x}" if ch.isspace() else ch
                     for ch in pattern.replace("\\", "\\\\").replace("'", "\\'"))
    assert_same([f"text {op} '{quoted}'" for op in ("=~", "=~~", "!~", "!~~")], frame)


@pytest.mark.parametrize("when", ["'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' =~ '(a+)+$'", "('aaaa' + 'a!') =~~ '(a*)*$'",
                                  "text == 'x' or 'aa!' !~ 'a'", "(text == 'x' ? 'a' : 'b') and 'a!' =~ '(a|a)+$'"])
def test_regex_on_constant_text_is_refused_before_rule_engine_folds_it(when: str, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(f"name: r\nfields:\n  text: {{type: string}}\nsegments:\n  - id: a\n    when: {when!r}\n"
                    f"  - id: rest\n    default: true\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(RuleFileError, match="constant text") as info:
        load_ruleset(path)
    assert time.perf_counter() - start < 2
    assert f"{path.name}:6" in str(info.value)


@pytest.mark.parametrize("when", ["text =~ '(a+)+$'", "(text ?? 'x') =~~ 'a'", "text.as_lower !~ r'\\d'",
                                  "(text == 'x' ? 'a' : 'aaa!') =~ '(a|a)+$'"])
def test_regex_on_columns_loads(when: str) -> None:
    assert ruleset_for([when])
