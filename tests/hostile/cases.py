"""The hostile cases: each builds its inputs into a folder and says what the CLI must do with them.

``expect`` is the set of acceptable exit codes: {2} for an input that must be refused as a user
mistake, {0} for one that must simply work (a catastrophic regex on RE2, far-future dates), {0, 2}
where either a result or a clear refusal is right.  Exit 1 (a bug) is never acceptable."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .inputs import HEADER, customers, rules_file
from .runner import Invocation, tierkit_argv
from .zipgen import Part, Piece, rows_xml, sheet_xml, xlsx

GB = 1 << 30
SPACES = Piece(b" " * (16 << 20))


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Invocation]
    expect: frozenset[int] = frozenset({2})
    slow: bool = False
    says: str = ""                       # a refusal's line must hold this
    known: str = ""                      # a finding not fixed yet: the test is an xfail naming it


CASES: list[Case] = []


def case(name: str, expect: set[int] | None = None, *, slow: bool = False, says: str = "", known: str = "") \
        -> Callable[[Callable[[Path], Invocation]], Callable[[Path], Invocation]]:
    def add(fn: Callable[[Path], Invocation]) -> Callable[[Path], Invocation]:
        CASES.append(Case(name, fn, frozenset(expect or {2}), slow, says, known))
        return fn
    return add


def apply(src: Path, rules: Path | str, *more: str, out: str = "out.xlsx") -> Invocation:
    folder = src.parent
    inputs = [src] + ([rules] if isinstance(rules, Path) else [])
    return Invocation(tierkit_argv("apply", str(src), "-r", str(rules), "-o", str(folder / out), *more),
                      inputs=inputs, output=folder / out)


def _spaces_sheet(inflated: int, declare: int | None = None) -> Part:
    body = sheet_xml(rows_xml(customers(2)) + b"")
    pieces = list(body.pieces)
    return Part([pieces[0], pieces[1], Piece(SPACES.data, max(1, inflated // len(SPACES.data))), pieces[2]],
                declare=declare)


# --------------------------------------------------------------------------- zip bombs

@case("xlsx sheet inflating to 1.2 GB", says="sheet1.xml")
def _sheet_gb(d: Path) -> Invocation:
    return apply(xlsx(d / "in.xlsx", {"Customers": _spaces_sheet(int(1.2 * GB))}), rules_file(d))


@case("xlsx sheet at 1000:1", says="over the ratio")
def _sheet_ratio(d: Path) -> Invocation:
    return apply(xlsx(d / "in.xlsx", {"Customers": _spaces_sheet(200 << 20)}), rules_file(d))


@case("xlsx header lying (declares 5 MB, inflates 1.2 GB)", says="header declares")
def _sheet_liar(d: Path) -> Invocation:
    return apply(xlsx(d / "in.xlsx", {"Customers": _spaces_sheet(int(1.2 * GB), declare=5_000_000)}), rules_file(d))


@case("xlsx header lying small (declares 500 KB, 1 MB compressed, inflates 1 GB)", says="sheet1.xml")
def _sheet_small_liar(d: Path) -> Invocation:
    return apply(xlsx(d / "in.xlsx", {"Customers": _spaces_sheet(GB - (32 << 20), declare=500_000)}), rules_file(d))


def _strings(count: int, declare: int | None = None) -> Part:
    one = b"<si><t>a</t></si>" * 65536
    return Part([Piece(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                       b'main">'), Piece(one, max(1, count // 65536)), Piece(b"</sst>")], declare=declare)


@case("xlsx sharedStrings of 1.2 GB", says="sharedStrings.xml")
def _sst_gb(d: Path) -> Invocation:
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()))},
                      shared_strings=_strings(75_000_000)), rules_file(d))


@case("xlsx sharedStrings lying (declares 500 KB, holds 60 million strings)", says="sharedStrings.xml")
def _sst_liar(d: Path) -> Invocation:
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()))},
                      shared_strings=_strings(60_000_000, declare=500_000)), rules_file(d))


@case("xlsx with 5,000 sheets", {0})
def _many_sheets(d: Path) -> Invocation:
    sheets: dict[str, Part | bytes] = {"Customers": sheet_xml(rows_xml(customers()))}
    small = sheet_xml(rows_xml([["x"]]))
    for i in range(5000):
        sheets[f"S{i}"] = Part(list(small.pieces)) if i == 0 else Part([Piece(b"")])
    return apply(xlsx(d / "in.xlsx", sheets), rules_file(d))


@case("xlsx with one 20-million-character cell (at 1000:1)", says="ratio")
def _huge_cell(d: Path) -> Invocation:
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()) + _big_cell(b"x" * 20_000_000))}),
                 rules_file(d))


@case("xlsx with one 4-million-character random cell (under the ratio)", {0})
def _huge_random_cell(d: Path) -> Invocation:
    text = "".join(random.Random(3).choices("abcdefghijklmnopqrstuvwxyz ", k=4_000_000)).encode()
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()) + _big_cell(text))}),
                 rules_file(d))


def _big_cell(text: bytes) -> bytes:
    return b'<row r="7"><c r="A7" t="inlineStr"><is><t>C9</t></is></c><c r="B7" t="inlineStr"><is><t>' + text + \
        b'</t></is></c><c r="C7"><v>900</v></c></row>'


@case("xlsx row of 16,384 columns", {0, 2})
def _wide_row(d: Path) -> Invocation:
    rows = customers()
    rows[0] = rows[0] + [f"Col {i}" for i in range(16384 - len(HEADER))]
    rows[1] = rows[1] + list(range(16384 - len(HEADER)))
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(rows))}), rules_file(d))


@case("xlsx cells at A1 and XFD1048576", says="over the limit")
def _far_apart(d: Path) -> Invocation:
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()) + far)}), rules_file(d))


@case("xlsx 1,048,575 rows and 16,384 cells without references", says="over the limit")
def _refless(d: Path) -> Invocation:
    rows = _noisy(lambda rng: rng.choice([b"<row/>", b"<row />", b"<row  />", b"<row></row>"]), 1_048_570)
    wide = b"<row>" + b"<c/>" * 16383 + b"<c><v>1</v></c></row>"
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()) + rows + wide)}),
                 rules_file(d))


@case("xlsx 1,048,576 sparse rows, <dimension> lying", {0, 2})
def _sparse_rows(d: Path) -> Invocation:
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>C9</t></is></c><c r="C1048576"><v>5</v></c></row>'
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()) + far,
                                                              dimension="A1:XFD1048576")}), rules_file(d))


def _noisy(make: Callable[[random.Random], bytes], count: int, seed: int = 7) -> bytes:
    """``count`` elements made by ``make``: random enough that the part stays under the 100:1 ratio."""
    rng = random.Random(seed)
    return b"".join(make(rng) for _ in range(count))


def _dense_row(rng: random.Random, numbers: int) -> bytes:
    cells = b"".join(b"<c><v>%d</v></c>" % rng.randrange(1000) for _ in range(numbers))
    return b'<row><c t="inlineStr"><is><t>C%d</t></is></c><c><v>%d</v></c>%s</row>' % (
        rng.randrange(100), rng.randrange(10_000), cells)


def _dense_book(d: Path, numbers: int) -> Path:
    head = rows_xml([["Customer ID", "Revenue"] + [f"N{i}" for i in range(numbers)]])
    block = _noisy(lambda rng: _dense_row(rng, numbers), 4095)
    return xlsx(d / "in.xlsx", {"Customers": sheet_xml([Piece(head), Piece(block, 256)])})


@case("xlsx dense sheet just over the cell limit (1,048,321 rows x 10, under the ratio)", says="over the limit",
      slow=True)
def _dense(d: Path) -> Invocation:
    return apply(_dense_book(d, 8), rules_file(d))


@case("xlsx dense sheet under the cell limit (1,048,321 rows x 8, under the ratio)", {0}, slow=True)
def _dense_ok(d: Path) -> Invocation:
    return apply(_dense_book(d, 6), rules_file(d))


def _sst_part(rng: random.Random) -> bytes:
    return b"<si><t>%d</t></si>" % rng.randrange(10) if rng.random() < 0.12 else b"<si><t>a</t></si>"


@case("xlsx sharedStrings of 63 million strings (20 MB file, under the ratio)", says="strings")
def _sst_many(d: Path) -> Invocation:
    block = _noisy(_sst_part, 1 << 20)
    sst = Part([Piece(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                      b'main">'), Piece(block, (1 << 30) // len(block) - 1), Piece(b"</sst>")])
    return apply(xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers()))}, shared_strings=sst),
                 rules_file(d))


@case("xlsx rules sheet with a 500-deep expression", says="deep")
def _rules_sheet(d: Path) -> Invocation:
    bad = "(" * 500 + "revenue > 1" + ")" * 500
    src = xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml(customers())),
                               "Rules": sheet_xml(rows_xml([["id", "label", "when"], ["big", "Big", bad],
                                                            ["small", "Small", "default"]]))})
    return apply(src, "sheet:Rules")


def _orders_sheet(n: int) -> Part:
    head = rows_xml([["Customer ID", "Order date", "Amount"]])
    block = _noisy(lambda rng: b'<row><c t="inlineStr"><is><t>C0001</t></is></c><c><v>%d</v></c><c><v>%d.%02d</v>'
                   b'</c></row>' % (44000 + rng.randrange(1000), rng.randrange(500), rng.randrange(100)), 4096)
    return sheet_xml([Piece(head), Piece(block, n // 4096)])


@case("xlsx orders sheet of 1M rows for a 1-customer table", {0, 2}, slow=True)
def _orders(d: Path) -> Invocation:
    src = xlsx(d / "in.xlsx", {"Customers": sheet_xml(rows_xml([["Customer ID", "Name"], ["C0001", "One"]])),
                               "Orders": _orders_sheet(1_044_480)})
    return apply(src, "value", "--as-of", "2024-12-31")
