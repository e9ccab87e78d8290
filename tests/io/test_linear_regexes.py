"""Regexes over cells and package parts run in linear time (issue 12, "safe by default").

The total-word test of a row (``app.rows``) and the styles.xml edits (``io.parts``) used lazy ``.*?`` patterns
that backtracked from every position: an 8,000-character cell of dashes took 5 s, a 24 KB styles.xml 3 s,
and both grow with the square of the size.  The rewrites must give the same answers as the old regexes (checked
here against them, kept as oracles) and finish a 1 MB hostile input in a bounded subprocess.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit.app import rows
from tierkit.io import parts

# ---------------------------------------------------------------- the old patterns, as oracles

_P, _A = rows._PUNCT, rows._ANY
_OLD_STRICT = re.compile(rf"^(?:.*?{_P})?(?:{_A}){_P}$|^{_P}(?:{_A})\s*[:：].*$")


def _old_section(data: bytes, name: bytes) -> bytes | None:
    m = re.search(rb"<" + name + rb"\b[^>]*?(?:/>|>(.*?)</" + name + rb">)", data, re.S)
    return None if m is None else m.group(1)


def _old_items(body: bytes, item: bytes) -> list[bytes]:
    return re.findall(rb"<" + item + rb"\b[^>]*?/>|<" + item + rb"\b[^>]*?>.*?</" + item + rb">", body, re.S)


CELL_TEXT = st.lists(
    st.sampled_from([*"合计小總計 tTotalsubSUM-—:：.,()【】=*ab1\n", *rows.TOTAL_WORDS]), max_size=12,
).map(lambda parts: rows._fold("".join(parts)).strip())

XML = st.lists(
    st.sampled_from([b"<fills", b"<fill", b"<fills>", b"</fills>", b"<fill>", b"</fill>", b"<fill/>", b"/>", b">",
                     b' count="2"', b"x", b" ", b"<fillsX>", b"<x:fills>", b"</x:fills>"]),
    max_size=14,
).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(CELL_TEXT)
def test_strict_total_word_agrees_with_the_old_regex(text: str) -> None:
    assert rows._strict(text) == bool(_OLD_STRICT.search(text)), text


@settings(max_examples=400, deadline=None)
@given(XML)
def test_section_and_items_agree_with_the_old_regexes(data: bytes) -> None:
    styles = parts.Styles(b"<styleSheet>" + data)
    assert styles._section(b"fills") == _old_section(styles.data, b"fills")
    assert [w for w, _ in parts._elements(data, b"fill", whole=True)] == _old_items(data, b"fill")
    prefixed = parts._elements(data, b"x:fills")
    assert [body for _, body in prefixed][:1] == ([_old_section(data, b"x:fills")]
                                                  if re.search(rb"<x:fills\b[^>]*?(?:/>|>(.*?)</x:fills>)", data, re.S)
                                                  else [])


def test_known_total_lines_still_found() -> None:
    assert rows.total_word("合计", strict=True) == "total"
    assert rows.total_word("——  小计：", strict=True) == "sub"
    assert rows.total_word("Total: 12 customers", strict=True) == "total"
    assert rows.total_word("East region total", strict=True) == "total"
    assert rows.total_word("totally different", strict=True) is None


def test_styles_edits_unchanged_on_a_real_stylesheet() -> None:
    styles = parts.Styles(None)
    fill = styles.fill_xf("#1b5e20")
    assert styles.fill_xf("#1B5E20") == fill
    again = parts.Styles(styles.render())
    assert again.fill_xf("#1b5e20") == fill  # found in the fills and cell formats the first run appended
    assert not again.new_xfs and again.n_fills == 3


HOSTILE = textwrap.dedent(
    """
    import resource, time
    from tierkit.app.rows import total_word, is_note, number_and_unit
    from tierkit.io.parts import Styles
    MB = 1 << 20
    cells = ["-" * MB, "- " * (MB // 2), "—" * MB, "合" + " " * MB, "total" + "-" * MB + "x", "1." * (MB // 2),
             "sub" + " " * MB, "合计" * (MB // 4)]
    for cell in cells:
        total_word(cell, strict=True); total_word(cell); is_note(cell); number_and_unit(cell)
    base = b'<styleSheet xmlns="x">'
    parts = [base + b"<fills" * (MB // 6), base + b'<fills count="1">' + b"<fill>" * (MB // 6) + b"</fills>",
             base + b"<cellXfs><xf " * (MB // 12), base + b"<fonts" + b" " * MB + b">" + b"<font>" * (MB // 6)]
    for data in parts:
        try:
            s = Styles(data); s.fill_xf("#112233"); s.bold_xf(); s.render()
        except ValueError:
            pass  # a broken styles.xml is refused; it must not stall
    print("done")
    """
)


@pytest.mark.slow
def test_megabyte_hostile_cells_and_parts_finish_in_a_bounded_subprocess() -> None:
    run = subprocess.run([sys.executable, "-c", HOSTILE], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and run.stdout.strip() == "done", run.stderr[-2000:]
