"""The fast path widens each row's spans with a literal replace: it must touch only the row's start tag,
whatever the cells of the row hold, as the anchored regex it replaced did, and agree byte for byte with the
exact per-row path where the spans are true."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from tierkit.io.fastrows import widen_spans
from tierkit.io.sheetpatch import SheetPatcher, render_column

_SPANS = st.sampled_from([None, "1:2", "1:3", "2:2", "1:9"])
_LAYOUT = st.sampled_from(["tight", "attr first", "attr after", "newline"])   # how a row's start tag is written
_TEXT = st.sampled_from(["x", ' spans="1:2"', 'a spans="1:3" b', "spans=", "&quot;1:2&quot;", '<row r="9" spans="1:2">'
                         .replace("<", "&lt;")])


def _row(r: int, spans: str | None, text: str, layout: str = "tight") -> bytes:
    attr = f' spans="{spans}"' if spans is not None else ""
    extra = ' x14ac:dyDescent="0.25"'
    tag = {"tight": f'<row r="{r}"{attr}>', "attr first": f'<row r="{r}"{extra}{attr}>',
           "attr after": f'<row r="{r}"{attr}{extra}>', "newline": f'\n <row r="{r}"{attr}>'}[layout]
    return (f'{tag}<c r="A{r}" t="inlineStr"><is><t>{text}</t></is></c>'
            f'<c r="B{r}"><v>{r}</v></c></row>').encode()


def _patcher(n: int, codes: list[int]) -> SheetPatcher:
    values = np.array(["Gold", "Silver", None], dtype=object)[codes]
    cells = [render_column(3, "Tier", values, np.array(codes) % 2), render_column(4, "Tier ID", list(range(n)), None)]
    return SheetPatcher(prefix="", header_row=1, row_numbers=np.arange(2, n + 2), cells=cells, remove_cols=[],
                        sheet="Data", file="in.xlsx", col_widths={})


def _regex_widened(body: pa.Array, spans: pa.Array, max_col: int) -> pa.Array:
    """The replaced implementation: one anchored regex per distinct spans, over every row."""
    for raw in pc.unique(spans).to_pylist():
        lo, _, hi = (raw or b"").decode().partition(":")
        if hi and int(hi) < max_col:
            body = pc.replace_substring_regex(body, f'^(\\s*<row r="\\d+"[^>]*? spans=)"{lo}:{hi}"',
                                              f'\\1"{lo}:{max_col}"', max_replacements=1)
    return body


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_SPANS, _TEXT, _LAYOUT), min_size=1, max_size=12))
def test_spans_widened_as_the_anchored_regex_did(rows: list[tuple[str | None, str, str]]) -> None:
    patcher = _patcher(len(rows), [0] * len(rows))
    body = pa.array([_row(i + 2, *row) for i, row in enumerate(rows)], pa.large_binary())
    found = pc.extract_regex(body, '^\\s*<row r="(?P<r>\\d+)"(?:[^>]*? spans="(?P<s>\\d+:\\d+)")?')
    spans = pc.struct_field(found, [1])
    assert widen_spans(body, spans, patcher.max_col).equals(_regex_widened(body, spans, patcher.max_col))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([None, "1:2"]), _TEXT, _LAYOUT, st.integers(0, 2)), min_size=1,
                max_size=12))
def test_fast_path_agrees_with_the_exact_path(rows: list[tuple[str | None, str, str, int]]) -> None:
    """Rows of every layout of start tag, mixed in one block (the general pattern then reads them all)."""
    block = b"".join(_row(i + 2, spans, text, layout) for i, (spans, text, layout, _) in enumerate(rows))
    codes = [c for *_, c in rows]
    fast = _patcher(len(rows), codes).try_fast(block, len(block))
    assert fast is not None
    exact = _patcher(len(rows), codes)._slow(block)
    assert bytes(fast[0]) == exact
    for i, (_, text, *_) in enumerate(rows):   # the text of each cell is as it was
        assert f"<t>{text}</t>".encode() in exact, i


def test_every_spans_of_a_block_widened_once() -> None:
    block = _row(2, "1:2", ' spans="1:2"') + _row(3, "1:3", "y") + _row(4, None, ' spans="1:3"')
    out = bytes(_patcher(3, [0, 1, 2]).try_fast(block, len(block))[0])   # type: ignore[index]
    assert out.count(b' spans="1:4"') == 2
    assert out.count(b'<t> spans="1:2"</t>') == 1 and out.count(b'<t> spans="1:3"</t>') == 1
