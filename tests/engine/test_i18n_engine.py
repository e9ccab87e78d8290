"""The engine's texts come from the catalogue: reasons, ``explain``, ``rules show``, check reports, hit-policy
notes, binding notes and feature lines hold no English words in Chinese (only the allowed tokens and the names a
rule set or the table defines), and their English is unchanged (golden files)."""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import tierkit
from tierkit import parse_ruleset
from tierkit.app import open_table, table_source
from tierkit.check import check_data, check_static, gaps_and_overlaps, show_ruleset
from tierkit.features import KINDS, describe_metadata, feature_outputs, feature_texts
from tierkit.i18n import tr
from tierkit.numfmt import fmt_value
from tierkit.ruleset.model import RuleSet

from .test_golden import check_golden

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2024, 12, 31)
BUILTIN = [rs.name for rs in tierkit.list_builtin()]
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: the engine's modules: none may branch on a language code
ENGINE = ["segment.py", "check", "hitpolicy.py", "reasons.py", "numfmt.py", "bind.py", "compile", "features"]


@cache
def allowed_latin() -> frozenset[str]:
    spec = importlib.util.spec_from_file_location("test_i18n_catalogue", ROOT / "tests" / "test_i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.ALLOWED_LATIN)


def words(texts: Iterable[Any]) -> set[str]:
    return {w for t in texts if t is not None for w in WORD.findall(str(t))}


@cache
def customers() -> tuple[pd.DataFrame, Any]:
    raw = open_table(str(ROOT / "sample_workbooks" / "distributor.xlsx"), sheet="Customers")
    return raw.frame, table_source(raw)


def ruleset_words(rs: RuleSet) -> set[str]:
    """Names a rule set defines and its own Chinese texts: they may appear in a Chinese output as they are."""
    texts: list[Any] = [rs.name, rs.display_path, rs.hit_policy, rs.measure, rs.title.get("zh")]
    texts += [rs.description.get("zh")] if rs.description else []
    texts += [*rs.params, *feature_outputs(rs.features), *feature_texts(rs.features)]
    for f in rs.fields.values():
        texts += [f.name, f.display("zh"), *f.aliases]
    for seg in rs.segments:
        texts += [seg.id, seg.when, seg.color, seg.label.get("zh"), *(s.get("zh") for s in seg.strategies)]
    return words(texts)


def table_words(frame: pd.DataFrame) -> set[str]:
    """The user's own headers and values (reasons and explanations quote them)."""
    values = pd.unique(frame.astype(str).to_numpy().ravel())
    return words([*frame.columns, *values])


def english_words(text: str, allowed: set[str]) -> list[str]:
    return sorted(words([text]) - allowed - allowed_latin())


@cache
def classified(name: str) -> tierkit.Classification:
    frame, source = customers()
    return tierkit.classify(tierkit.load_ruleset(name), frame, as_of=AS_OF, source=source)


@pytest.mark.parametrize("name", BUILTIN)
def test_chinese_reasons_explain_and_summary_hold_no_english(name: str) -> None:
    res = classified(name)
    allowed = ruleset_words(res.ruleset) | table_words(customers()[0])
    texts = sorted(set(res.reasons("zh")))
    errored = (int(r) for e in res.errors.values() for r in e.nonzero()[0][:3])
    rows = sorted({0, res.n - 1, *range(0, res.n, 97), *errored})
    texts += [res.explain(r, "zh") for r in rows]
    texts += [str(v) for v in res.summary("zh")["label"]]
    texts += [note.text("zh") for note in res.binding.notes]
    if res.binding.feature_meta:
        texts += describe_metadata(res.binding.feature_meta, "zh")
    for text in texts:
        assert not english_words(text, allowed), f"{english_words(text, allowed)} in {text!r}"


@pytest.mark.parametrize("name", BUILTIN)
def test_chinese_rules_show_and_check_reports_hold_no_english(name: str) -> None:
    rs = tierkit.load_ruleset(name)
    frame, source = customers()
    allowed = ruleset_words(rs) | table_words(frame) | {"data", "param"}  # the options --data and --param
    found = gaps_and_overlaps(rs, frame, as_of=AS_OF, source=source)
    for text in [show_ruleset(rs, "zh"), check_static(rs, "zh").render(),
                 check_data(rs, frame, as_of=AS_OF, source=source, lang="zh").render(), *found.problems("zh"),
                 rs.policy.overlap_note("zh")]:
        assert not english_words(text, allowed), f"{english_words(text, allowed)} in {text!r}"


def problem_sets() -> list[RuleSet]:
    """Rule sets with every finding a check can make: shadowed and empty segments, gaps, overlaps."""
    head = "name: g\nhit_policy: {policy}\nfields:\n  x: {{type: float}}\n  region: {{type: string}}\nsegments:\n"
    segs = ("  - id: big\n    when: x > 10\n  - id: bigger\n    when: x > 20\n  - id: neg\n    when: x < 0\n"
            "  - id: none\n    when: x > 5 and x < 2\n  - id: north\n    when: region in ['North', 'East']\n")
    return [parse_ruleset(head.format(policy=policy) + segs, name="g") for policy in ("first", "unique", "collect")]


FRAME = pd.DataFrame({"x": [5.0, 15.0, 25.0, None, -1.0, 30.0], "region": ["North", None, "South", "East", "", "x"]})


def test_every_check_finding_reads_in_chinese_and_unchanged_in_english() -> None:
    rendered = {"en": [], "zh": []}
    for rs in problem_sets():
        for lang, out in rendered.items():
            found = gaps_and_overlaps(rs, FRAME)
            both = check_static(rs, lang) + check_data(rs, FRAME, lang=lang)
            out += [check_static(rs, lang).render(), both.render(), *found.problems(lang),
                    *found.taken_over_texts(lang)]
    # names the rule set defines, and the rule-file key a message quotes (default: true) and the option --data
    allowed = {"g", "x", "region", "big", "bigger", "neg", "none", "north", "North", "East", "South", "default", "true",
               "data"}
    for text in rendered["zh"]:
        assert not english_words(text, allowed), f"{english_words(text, allowed)} in {text!r}"
    check_golden("check_findings_en.txt", "\n".join(rendered["en"]) + "\n")
    check_golden("check_findings_zh.txt", "\n".join(rendered["zh"]) + "\n")


def test_builtin_check_reports_keep_their_english() -> None:
    frame = pd.read_csv(ROOT / "sample_workbooks" / "customers_simple.csv", encoding="utf-8-sig")
    reports = []
    for name in BUILTIN:
        rs = tierkit.load_ruleset(name)
        reports.append(check_static(rs).render())
        if name in ("abc", "rfm", "value", "lifecycle", "grouping_region"):
            reports.append(check_data(rs, frame, as_of=AS_OF).render())
    check_golden("check_builtin_en.txt", "\n".join(reports).replace(str(ROOT) + "/", "") + "\n")


def test_feature_lines_and_binding_notes_in_both_languages() -> None:
    metas = [
        {"kind": "share", "output": "s", "inputs": ["x"]},
        {"kind": "ratio", "output": "r", "inputs": ["x", "y"]},
        {"kind": "flags", "output": "why", "inputs": []},
        {"kind": "flags", "output": "why", "inputs": ["x"], "flagged": 2},
        {"kind": "from_orders", "mode": "joined", "columns": {"customer": "c", "date": "d"}, "customers": 4},
        {"kind": "quantile_score", "output": "q", "inputs": ["x"], "bins": 2, "method": "fixed edges",
         "cut_points": [1500.0], "reverse": False},
        {"kind": "quantile_score", "output": "q", "inputs": ["x"], "bins": 2, "method": "quantiles (mid-rank)",
         "cut_points": {"N": [1500.0]}, "reverse": True},
    ]
    meta = {"as_of": dt.date(2024, 3, 1), "features": metas, "skipped": ["opt"]}
    assert describe_metadata(meta)[:2] == ["as of 2024-03-01", "s: share of x"]
    zh = describe_metadata(meta, "zh")
    assert zh[0] == "基准日期 2024-03-01" and zh[1] == "s：x 的占总额比例"
    assert zh[-2] == "q：x 按分位数（平均秩）分为 2 档，反向（越小越好）；分位点 N: 1,500"
    for line in zh:
        assert not english_words(line, {"s", "r", "x", "y", "why", "c", "d", "q", "N", "opt"}), line
    assert KINDS["from_orders"].describe(metas[4], "zh") == (
        "由订单计算的客户特征（关联到客户表；客户=c, 日期=d）：4 个客户")
    rs = parse_ruleset("name: n\nmeasure: revenue\nfields:\n  x: {type: float}\n  flag: {type: bool, optional: true}\n"
                       "segments:\n  - id: a\n    when: x > 1 and flag\n  - id: b\n    default: true\n", name="n")
    notes = tierkit.classify(rs, pd.DataFrame({"x": [1.0, 2.0]})).binding.notes
    assert [str(n) for n in notes] == ["no 'revenue' column: the summary shows counts only",
                                       "no 'flag' column: read as blank (optional field)"]
    assert [n.text("zh") for n in notes] == ["没有“revenue”列：汇总表只显示客户数",
                                             "没有“flag”列：按空值处理（可选字段）"]


def test_condition_words_in_both_languages() -> None:
    rs = parse_ruleset("name: w\nfields:\n  x: {type: float}\n  t: {type: string}\n  d: {type: datetime}\nsegments:\n"
                       "  - id: a\n    when: not (x > 1) or (t == null and t in ['a', 'b'] and t =~ 'z.*' and "
                       "d < $today and (x ?? 0) >= 1)\n  - id: b\n    when: t != null\n  - id: c\n    default: true\n",
                       name="w")
    assert show_ruleset(rs, "en").splitlines()[4] == (
        "  when: not (x > 1) or (t is blank and t is a or b and t matches z.* and d < today and x (if blank 0) ≥ 1)")
    assert show_ruleset(rs, "zh").splitlines()[4] == (
        "  条件：并非（x > 1） 或 （t 为空 且 t 为 a、b 之一 且 t 匹配 z.* 且 d < 今天 且 x（空值按 0 计） ≥ 1）")
    assert show_ruleset(rs, "zh").splitlines()[7] == "  条件：t 已填写"
    assert show_ruleset(rs, "en").splitlines()[7] == "  when: t is filled in"
    res = tierkit.classify(rs, pd.DataFrame({"x": [0.5, 2.0], "t": ["q", None], "d": [None, None]}), as_of=AS_OF)
    assert res.reasons("zh")[0] == "并非（x > 1） (x 0.5)"
    assert fmt_value(dt.timedelta(days=3), "zh") == "3天" and fmt_value(dt.timedelta(days=3)) == "3 days"
    assert tr("en", "no segment matched") == "no segment matched"


def test_the_engine_has_no_language_branches() -> None:
    """A third language is a .po file: no engine module compares a language code or keys words by language
    (``lang: str = "en"`` defaults and numfmt's table of Babel locales aside)."""
    files = [p for name in ENGINE for p in ([ROOT / "src/tierkit" / name] if name.endswith(".py")
                                            else sorted((ROOT / "src/tierkit" / name).rglob("*.py")))]
    bad = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        fine = {id(d) for node in ast.walk(tree) if isinstance(node, ast.arguments)
                for d in [*node.defaults, *node.kw_defaults] if d is not None}
        fine |= {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.AnnAssign)
                 and isinstance(node.target, ast.Name) and node.target.id == "lang"}  # a dataclass field's default
        fine |= {id(n) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "LOCALES" for t in node.targets) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ("zh", "en") and id(node) not in fine:
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, f"language codes in the engine: {bad}"
