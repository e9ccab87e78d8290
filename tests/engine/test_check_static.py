"""``rules check`` without data: rules with params, names nothing declares, feature specs, the built-in library."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import tierkit
from tierkit.check import check_static
from tierkit.cli import main
from tierkit.errors import UnsupportedExpression
from tierkit.ruleset.loader import builtin_names, parse_ruleset

SLEEP = """\
version: 1
name: sleep
fields:
  last_order: {type: date, aliases: [最近下单日期]}
params:
  sleep_days: 90
segments:
  - id: sleeping
    label: Sleeping
    when: ($today - last_order).days > sleep_days
  - id: big
    label: Big
    when: revenue >= 100
  - id: other
    label: Other
    default: true
"""


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env={"TIERKIT_LANG": "en"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def chdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_rule_with_a_param_passes_check_as_apply_runs_it(chdir: Path) -> None:
    """The bug: the grid took `(...).days > sleep_days` for a param compared with a constant and left
    `last_order` out of its columns ("unbound name 'last_order'", exit 2)."""
    (chdir / "sleep.yaml").write_text(SLEEP, encoding="utf-8")
    code, out, err = run("rules", "check", "sleep.yaml", cwd=chdir)
    assert code == 0, out + err
    assert "unbound" not in out + err and "needs data" in out
    frame = pd.DataFrame({"last_order": ["2024-01-01", "2024-12-01"], "revenue": [10, 500]})
    res = tierkit.classify(tierkit.load_ruleset(chdir / "sleep.yaml"), frame, as_of=dt.date(2024, 12, 31))
    assert res.tier_ids() == ["sleeping", "big"]


@pytest.mark.parametrize("when", [
    "($today - last_order).days > sleep_days", "sleep_days < ($today - last_order).days",
    "sleep_days > revenue", "revenue < sleep_days and sleep_days > 5"])
def test_params_against_expressions_are_no_cut_points(when: str) -> None:
    """Only `column op constant` gives the grid a cut-point; a param against columns is decided by data, and
    a condition of params alone is the same on every row."""
    text = SLEEP.replace("($today - last_order).days > sleep_days", when)
    report = check_static(parse_ruleset(text, name="sleep"))
    assert not report.problems, report.render()


def test_a_param_as_a_cut_point_still_decides_shadowed_segments() -> None:
    text = ("name: p\nparams: {cut: 50}\nsegments:\n  - id: big\n    when: revenue > cut\n"
            "  - id: bigger\n    when: revenue > 100\n  - id: rest\n    default: true\n")
    report = check_static(parse_ruleset(text, name="p"))
    assert [f.level for f in report.problems] == ["warning"]
    assert "segment 'bigger' (line 6) can never match: earlier segments big" in report.render()


NAMES = """\
version: 1
name: f
fields:
  revenue: {type: float, aliases: [销售额]}
params:
  cut: 0.8
features:
  - {pareto_share: revenu, as: cum_share}
segments:
  - id: a
    label: A
    when: cum_shar <= cut and region == "North"
  - id: c
    label: C
    default: true
"""


def test_unknown_names_are_warnings_with_did_you_mean_and_exit_0(chdir: Path) -> None:
    (chdir / "f.yaml").write_text(NAMES, encoding="utf-8")
    code, out, err = run("rules", "check", "f.yaml", cwd=chdir)
    assert code == 0, out + err
    assert ("WARNING features[0] (line 8) reads 'revenu', which no field or earlier feature declares: "
            "did you mean 'revenue'?") in out
    assert ("WARNING segment 'a' (line 12) uses 'cum_shar', which no field, feature or param declares: "
            "did you mean 'cum_share'?") in out
    assert ("WARNING segment 'a' (line 12) uses 'region', which no field, feature or param declares: "
            "it must be a column of the table") in out
    assert "OK: the check passes; warnings to look at: 3" in out
    report = check_static(parse_ruleset(NAMES, name="f"))
    assert not report.problems and sum(f.level == "warning" for f in report.findings) == 3


def test_a_misspelt_param_gets_did_you_mean() -> None:
    report = check_static(parse_ruleset(NAMES.replace("cum_shar <= cut", "cum_share <= cutt"), name="f"))
    assert any("uses 'cutt'" in f.message and "did you mean 'cut'?" in f.message for f in report.findings)


def test_a_feature_output_hidden_by_a_param_fails() -> None:
    text = NAMES.replace("as: cum_share", "as: cut").replace("cum_shar <= cut", "cut <= 0.5")
    report = check_static(parse_ruleset(text, name="f"))
    assert "features[0] (line 8) makes 'cut', which is also a param: conditions read the param" in [
        f.message for f in report.problems]


def test_a_misspelt_feature_kind_stops_check_with_file_and_line(chdir: Path) -> None:
    (chdir / "k.yaml").write_text(NAMES.replace("pareto_share: revenu", "paretto_share: revenue"), encoding="utf-8")
    code, _out, err = run("rules", "check", "k.yaml", cwd=chdir)
    assert code == 2
    assert "k.yaml:8" in err and "did you mean 'pareto_share'?" in err


@pytest.mark.parametrize("name", builtin_names())
def test_every_built_in_rule_set_is_clean(name: str) -> None:
    report = check_static(tierkit.load_ruleset(name))
    assert [f for f in report.findings if f.level != "info"] == [], report.render()


@pytest.mark.parametrize(("when", "problem"), [
    ("$abs(revenue) > 5", "function calls are not supported"),
    ("region =~ pattern", "regular expressions must be quoted literals"),
    ("revenue in [1, revenue]", "arrays holding columns or expressions are not supported"),
    ("revenue > 5 or $foo > 1", "built-in $foo is not supported"),
])
def test_check_refuses_what_apply_refuses(when: str, problem: str) -> None:
    """Without data, the constructs the compiled backend refuses are errors with the segment's line."""
    rs = parse_ruleset(SLEEP.replace("revenue >= 100", when), name="sleep")
    report = check_static(rs)
    assert report.problems
    assert [f.message for f in report.problems if f.message.startswith(f"segment 'big' (line 13): {problem}")] \
        == [f.message for f in report.problems]
    frame = pd.DataFrame({"last_order": ["2024-01-01"], "revenue": [10.0], "region": ["a"], "pattern": ["b"]})
    with pytest.raises(UnsupportedExpression, match=re.escape(problem)):
        tierkit.classify(rs, frame, as_of=dt.date(2024, 12, 31))
