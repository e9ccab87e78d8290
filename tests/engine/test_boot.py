"""rule-engine's parser tables ship with tierkit (``_ply_tables.py``) and load instead of being rebuilt."""

from __future__ import annotations

import json
import subprocess
import sys

import rule_engine
from rule_engine._vendor.ply import yacc

from tierkit import _ply_tables

PROBE = r"""
import json, sys
{first}
import rule_engine
p = rule_engine.Rule.parser._parser
exprs = ["a > 1 and not b", "a ?? 0 >= 2 or c =~ 'x+'", "a in [1, 2, 3] ? 'y' : 'n'", "$today > d", "-a ** 2 // 3"]
rows = [{{"a": 2, "b": False, "c": "xx", "d": None}}, {{"a": None, "b": True, "c": "", "d": None}}]
out = []
for e in exprs:
    r = rule_engine.Rule(e)
    for row in rows:
        try:
            out.append(repr(r.evaluate(row)))
        except Exception as err:
            out.append(type(err).__name__)
print(json.dumps({{"action": repr(sorted((k, sorted(v.items())) for k, v in p.action.items())),
                  "answers": out, "left": [m for m in sys.modules if m.endswith("parsetab")],
                  "tables": "tierkit._ply_tables" in sys.modules,
                  "loader": type(sys.modules["rule_engine"].__loader__).__name__}}))
"""


def _probe(first: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(first=first)], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(proc.stdout)


def test_the_shipped_tables_match_the_installed_grammar() -> None:
    """Fails after a rule-engine upgrade that changes the grammar: run ``python scripts/ply_tables.py``."""
    parser = rule_engine.Rule.parser
    pinfo = yacc.ParserReflect({k: getattr(parser, k) for k in dir(parser)}, log=yacc.NullLogger())
    pinfo.get_all()
    assert pinfo.signature() == _ply_tables._lr_signature


def test_tierkit_first_gives_the_same_parser_and_answers_and_leaves_nothing_behind() -> None:
    booted = _probe("import tierkit")
    plain = _probe("")
    assert booted["action"] == plain["action"]
    assert booted["answers"] == plain["answers"]
    assert booted["left"] == []
    assert booted["tables"] and not plain["tables"]
    assert booted["loader"] == plain["loader"] != "_TablesLoader"
