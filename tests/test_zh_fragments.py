"""The names of refused constructs inside a zh rule error are Chinese too (they were English fragments)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierkit.cli import main

RULES = """name: t
fields:
  x: {{type: float}}
  s: {{type: string}}
segments:
  - id: a
    label: {{en: A, zh: 甲}}
    when: {when}
  - id: o
    label: {{en: O, zh: 乙}}
    default: true
"""


@pytest.mark.parametrize("when,want", [
    ("x & 1 == 1", "按位运算符"),
    ("x << 2 > 1", "移位运算"),
    ("s[0] == 'a'", "下标取值"),
    ("s[1:2] == 'a'", "切片"),
    ("s =~ '(?=a)b'", "前瞻/后顾断言"),
    ("s =~ '(a)\\\\1'", "反向引用"),
])
def test_refused_construct_named_in_chinese(tmp_path: Path, when: str, want: str) -> None:
    rules = tmp_path / "t.yaml"
    rules.write_text(RULES.format(when=when), encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(rules), "--lang", "zh"])
    out = result.output
    assert result.exit_code == 2, out
    assert want in out, out
    plain = re.sub(r"`[^`]*`|“[^”]*”|\([^)]*\.yaml[^)]*\)|[\w/.-]*t\.yaml[:\d]*", "", out)
    assert not set(re.findall(r"[A-Za-z]{2,}", plain)) - {"tierkit", "RE2", "first"}, out
