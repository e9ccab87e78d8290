"""Run tierkit's commands in ``--lang zh`` on the samples, and on a set of user mistakes, and collect every text
they show: console lines, the words tierkit writes into workbooks, brief and feedback PDFs (pdftotext), the
trainer kit's grades, the self-check message and the add-in functions' results and errors.

Run by tests/test_zh_everywhere.py in a subprocess with a timeout (``python tests/zh_scan.py OUT.json``); it writes
``{"texts": {label: [text, ...]}, "allowed": [word, ...], "exits": {label: code}}``, where ``allowed`` are the
words a user wrote (the samples' cells and sheet names, the rule files' ids, aliases and parameter names).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from click.testing import CliRunner  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from tierkit.cli import main  # noqa: E402

SAMPLES = ROOT / "sample_workbooks"
#: (sample, rule set, rows to explain)
APPLIED = [("distributor.xlsx", "abc", (2, 5)), ("retail_members.xlsx", "rfm", (3,)),
           ("customers_simple.xlsx", "value", (2,)), ("distributor.xlsx", "stages", (4,))]
#: user mistakes: label -> arguments (each must end with exit code 2 and a message in Chinese)
MISTAKES: dict[str, list[str]] = {
    "no such file": ["apply", "nosuch.xlsx", "--rules", "abc"],
    "no such rule set": ["apply", "{distributor}", "--rules", "abcd"],
    "output exists": ["apply", "{distributor}", "--rules", "abc", "-o", "exists.xlsx"],
    "not a workbook": ["apply", "bad.xlsx", "--rules", "abc"],
    "empty file": ["apply", "empty.csv", "--rules", "abc"],
    "unknown key": ["rules", "check", "typo.yaml"],
    "unknown field type": ["rules", "check", "badtype.yaml"],
    "default twice": ["rules", "check", "twodefaults.yaml"],
    "unknown parameter": ["apply", "{distributor}", "--rules", "abc", "--param", "a_shar=0.5", "-o", "p.xlsx"],
    "parameter not a number": ["apply", "{distributor}", "--rules", "abc", "--param", "a_cutoff=lots", "-o",
                               "p.xlsx"],
    "not a date": ["apply", "{distributor}", "--rules", "abc", "--as-of", "2024-13-01", "-o", "d.xlsx"],
    "same rule set twice": ["apply", "{distributor}", "--rules", "abc", "--rules", "abc", "-o", "t.xlsx"],
    "output over input": ["apply", "{copy}", "--rules", "abc", "-o", "{copy}", "--force"],
    "compare dates backwards": ["compare", "{retail}", "--rules", "rfm", "--from", "2024-12-31", "--to",
                                "2024-06-30", "-o", "m.xlsx"],
    "answer key not found": ["exercise", "grade", "returned", "--key", "nokey.xlsx", "-o", "g.xlsx"],
    "not an answer key": ["exercise", "grade", "returned", "--key", "{distributor}", "-o", "g.xlsx"],
    "bad roster": ["exercise", "new", "--method", "abc", "--level", "1", "--roster", "bad.xlsx", "-o", "cls"],
    # click's own usage errors
    "no such option": ["apply", "{distributor}", "--rules", "abc", "--nosuch"],
    "option misspelt": ["apply", "{distributor}", "--rules", "abc", "--outptu", "x.xlsx"],
    "missing argument": ["apply"],
    "missing option": ["apply", "{distributor}"],
    "no such command": ["aply", "{distributor}"],
    "bad choice": ["apply", "{distributor}", "--rules", "abc", "--engine", "duckd"],
    "not a number": ["brief", "{distributor}", "--rules", "abc", "--top", "many"],
    "extra argument": ["apply", "{distributor}", "extra.xlsx", "--rules", "abc"],
    # the engines, the SQL writer and the brief's check
    "unknown engine": ["apply", "{distributor}", "--rules", "abc", "--engine", "duckdb2"],
    "unknown SQL dialect": ["sql", "--rules", "abc", "--table", "t", "--dialect", "mysql"],
    "verify a PDF that is not a pack": ["brief", "b.pdf", "--verify"],
    "unknown sheet": ["apply", "{distributor}", "--rules", "abc", "--sheet", "Custmers", "-o", "s.xlsx"],
    "cell not a number": ["apply", "badcell.csv", "--rules", "num.yaml", "-o", "c.xlsx"],
    "unknown column": ["apply", "{distributor}", "--rules", "nocol.yaml", "-o", "n.xlsx"],
}


def cli(args: list[str], cwd: Path) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        res = CliRunner().invoke(main, [*args, "--lang", "zh"], catch_exceptions=False)
    finally:
        os.chdir(old)
    return res.exit_code, res.stdout + res.stderr


def written_words(before: Path | None, after: Path) -> list[str]:
    """The texts of ``after`` that ``before`` does not hold at the same place: what tierkit wrote."""
    old: dict[tuple[str, str], Any] = {}
    if before is not None and before.suffix == ".xlsx":
        wb = load_workbook(before, read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if getattr(c, "coordinate", None):
                        old[(ws.title, c.coordinate)] = c.value
    out = []
    wb = load_workbook(after)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        out.append(ws.title)
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and old.get((ws.title, c.coordinate)) != c.value:
                    out.append(c.value)
        for dv in ws.data_validations.dataValidation:
            out += [t for t in (dv.errorTitle, dv.error, dv.promptTitle, dv.prompt) if t]
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout


QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


def user_words(work: Path) -> set[str]:
    """Words the user wrote: the samples' data (cells and sheet names; not their English README sheets), the rule
    files' ids, aliases, parameter names and the values their conditions compare with, the feature kinds and
    move codes a rule file or a workbook column holds, and the arguments of the mistakes."""
    from tierkit.features import KINDS
    from tierkit.movement.compute import MOVES
    from tierkit.ruleset import builtin_names, load_ruleset

    words: set[str] = {*KINDS, *MOVES, "VIP"}  # VIP: written so in Chinese (VIP会员)
    for path in SAMPLES.glob("*.xlsx"):
        wb = load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            if ws.title.casefold() == "readme":
                continue
            words.add(ws.title)
            for row in ws.iter_rows(values_only=True):
                words.update(v for v in row if isinstance(v, str))
    for path in SAMPLES.glob("*.csv"):
        words.add(path.read_text(encoding="utf-8-sig"))
    for name in builtin_names():
        rs = load_ruleset(name)
        words.add(rs.name)
        words.update(rs.params)
        for seg in rs.segments:
            words.add(seg.id)
            words.update(a or b for a, b in QUOTED.findall(seg.when or ""))
        for f in rs.fields.values():
            words.update(f.aliases)
    for args in MISTAKES.values():
        words.update(args)
    words.update(p.read_text(encoding="utf-8") for p in work.glob("*.yaml"))  # the mistakes' rule files
    return words


def mistakes_setup(work: Path) -> dict[str, str]:
    (work / "exists.xlsx").write_bytes(b"PK")
    (work / "bad.xlsx").write_text("not a workbook", encoding="utf-8")
    (work / "empty.csv").write_bytes(b"")
    (work / "returned").mkdir()
    copy = work / "copy.xlsx"
    copy.write_bytes((SAMPLES / "distributor.xlsx").read_bytes())
    base = "name: t\nfields:\n  revenue: float\nsegments:\n"
    (work / "typo.yaml").write_text("name: t\nsegmnts: []\n", encoding="utf-8")
    bad_type = "name: t\nfields:\n  revenue: money\nsegments:\n  - id: a\n    when: revenue > 1\n"
    (work / "badtype.yaml").write_text(bad_type, encoding="utf-8")
    (work / "twodefaults.yaml").write_text(base + "  - id: a\n    default: true\n  - id: b\n    default: true\n",
                                           encoding="utf-8")
    (work / "nocol.yaml").write_text("name: t\nsegments:\n  - id: a\n    when: turnover > 1\n", encoding="utf-8")
    (work / "num.yaml").write_text(base + "  - id: a\n    when: revenue > 1\n", encoding="utf-8")
    (work / "badcell.csv").write_text("customer_id,revenue\nC1,100\nC2,很多\n", encoding="utf-8")
    return {"distributor": str(SAMPLES / "distributor.xlsx"), "retail": str(SAMPLES / "retail_members.xlsx"),
            "copy": str(copy)}


def exercise(work: Path, texts: dict[str, list[str]], exits: dict[str, int]) -> None:
    from tests.exercise.conftest import fill, right_answers, right_thresholds

    from tierkit.exercise import check_my_answers, new_exercise, read_key
    from tierkit.exercise.workbook import META_SHEET

    code, out = cli(["exercise", "new", "--method", "abc", "--level", "2", "--students", "2", "--seed", "1",
                     "-o", "class"], work)
    exits["exercise new"] = code
    texts["exercise new: console"] = [out]
    key = read_key(work / "class" / "answer_key.xlsx")
    returned = work / "back"
    returned.mkdir()
    for i, (_name, student) in enumerate(sorted(key.students.items())):
        answers = right_answers(student, key, "zh")
        answers[student.ids[0]] = "" if i else "不知道"
        fill(work / "class" / "students" / student.file, answers, right_thresholds(student),
             out=returned / student.file)
    texts["exercise: student workbook"] = written_words(None, work / "class" / "students" / student.file)
    code, out = cli(["exercise", "grade", "back", "--key", "class/answer_key.xlsx", "-o", "grades.xlsx",
                     "--feedback", "feedback"], work)
    exits["exercise grade"] = code
    texts["exercise grade: console"] = [out]
    texts["exercise grade: grades workbook"] = written_words(None, work / "grades.xlsx")
    texts["exercise grade: feedback PDFs"] = [pdf_text(p) for p in sorted((work / "feedback").glob("*.pdf"))]
    # self-check: refused when the trainer did not allow it, then the result of a check
    for allowed in (False, True):
        run = new_exercise("abc", work / f"self{allowed}", level=1, students=["李雷"], seed=3, lang="zh",
                           self_check=allowed)
        wb = load_workbook(run.files[0])
        meta = [list(r) for r in wb[META_SHEET].iter_rows(values_only=True)]
        data = [list(r) for r in wb["数据"].iter_rows(values_only=True)]
        try:
            texts[f"self-check (allowed={allowed})"] = [check_my_answers(meta, data).report("zh")]
        except Exception as err:  # the refusal is the message a student sees
            from tierkit.errors import render

            texts[f"self-check (allowed={allowed})"] = [str(render(err, "zh"))]


def addin(texts: dict[str, list[str]]) -> None:
    from tests.addin.helpers import call

    table = [["客户编号", "销售额"], ["C1", 100], ["C2", "很多"], ["C3", 5]]
    results = {
        "tier": call("tier", "abc", table, "zh"),
        "tier_reason": call("tier_reason", "abc", table, "zh"),
        "tier_rules": call("tier_rules", "abc", "zh"),
        "unknown rule set": call("tier", "abcd", table, "zh"),
        "not a table": call("tier", "abc", [["", ""]], "zh"),
    }
    for label, value in results.items():
        texts[f"add-in {label}"] = [str(v) for row in value for v in (row if isinstance(row, list) else [row])
                                    if isinstance(v, str)]


def collect(work: Path) -> dict[str, Any]:
    texts: dict[str, list[str]] = {}
    exits: dict[str, int] = {}
    for sample, rules, rows in APPLIED:
        label = f"apply {sample} --rules {rules}"
        out = work / f"{Path(sample).stem}.{rules}.xlsx"
        exits[label], console = cli(["apply", str(SAMPLES / sample), "--rules", rules, "-o", str(out)], work)
        texts[f"{label}: console"] = [console]
        texts[f"{label}: workbook"] = written_words(SAMPLES / sample, out)
        for row in rows:
            label = f"explain {sample} --rules {rules} --row {row}"
            exits[label], console = cli(["explain", str(SAMPLES / sample), "--rules", rules, "--row", str(row)],
                                        work)
            texts[label] = [console]
    from tierkit.ruleset import builtin_names

    for name in builtin_names():
        for command in ("show", "check"):
            label = f"rules {command} {name}"
            exits[label], console = cli(["rules", command, name], work)
            texts[label] = [console]
    label = "compare retail_members.xlsx --rules rfm"
    exits[label], console = cli(["compare", str(SAMPLES / "retail_members.xlsx"), "--rules", "rfm", "--from",
                                 "2024-06-30", "--to", "2024-12-31", "-o", "moves.xlsx"], work)
    texts[f"{label}: console"] = [console]
    texts[f"{label}: workbook"] = written_words(None, work / "moves.xlsx")
    label = "brief distributor.xlsx --rules abc"
    exits[label], console = cli(["brief", str(SAMPLES / "distributor.xlsx"), "--rules", "abc", "-o", "b.pdf"], work)
    texts[f"{label}: console"] = [console]
    texts[f"{label}: PDF"] = [pdf_text(work / "b.pdf")]
    exercise(work, texts, exits)
    addin(texts)
    names = mistakes_setup(work)
    for label, args in MISTAKES.items():
        exits[f"mistake: {label}"], console = cli([a.format(**names) for a in args], work)
        texts[f"mistake: {label}"] = [console]
    return {"texts": texts, "exits": exits, "allowed": sorted(user_words(work))}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        result = collect(Path(tmp))
    Path(sys.argv[1]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
