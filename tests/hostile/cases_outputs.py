"""Commands aimed at their own inputs: -o naming an input, links to inputs, an unwritable folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .cases import apply, case
from .inputs import book, csv_file, customers, rules_file
from .runner import Invocation, tierkit_argv


def _csv(d: Path) -> Path:
    return csv_file(d, "\n".join(",".join(map(str, r)) for r in customers()) + "\n")


@case("apply -o the input (--force)", says="input")
def _self(d: Path) -> Invocation:
    src = book(d)
    inv = apply(src, rules_file(d), "--force", out="in.xlsx")
    inv.output = None
    return inv


@case("apply -o the rule file (--force)", says="rules.yaml")
def _rules(d: Path) -> Invocation:
    inv = apply(_csv(d), rules_file(d), "--force", out="rules.yaml")
    inv.output = None
    return inv


@case("brief -o the input (--force)", says="input")
def _brief(d: Path) -> Invocation:
    src = book(d)
    return Invocation(tierkit_argv("brief", str(src), "-r", str(rules_file(d)), "-o", str(src), "--force"),
                      inputs=[src])


@case("apply -o a hard link to the input (--force)", says="input")
def _hard(d: Path) -> Invocation:
    src = book(d)
    os.link(src, d / "link.xlsx")
    inv = apply(src, rules_file(d), "--force", out="link.xlsx")
    inv.inputs.append(d / "link.xlsx")
    inv.output = None
    return inv


@case("apply -o a symlink to the input (--force)", says="input")
def _sym(d: Path) -> Invocation:
    src = book(d)
    (d / "link.xlsx").symlink_to(src)
    inv = apply(src, rules_file(d), "--force", out="link.xlsx")
    inv.output = None
    return inv


@case("apply input given through a symlink, -o the real file (--force)", says="input")
def _sym_in(d: Path) -> Invocation:
    real = book(d)
    (d / "link.xlsx").symlink_to(real)
    inv = apply(d / "link.xlsx", rules_file(d), "--force", out="in.xlsx")
    inv.inputs.append(real)
    inv.output = None
    return inv


@case("apply -o an existing file without --force", says="--force")
def _exists(d: Path) -> Invocation:
    src = book(d)
    (d / "out.xlsx").write_bytes(b"keep me")
    inv = apply(src, rules_file(d))
    inv.inputs.append(d / "out.xlsx")
    inv.output = None
    return inv


@case("apply -o into a folder that does not exist", {2})
def _no_dir(d: Path) -> Invocation:
    src = book(d)
    return Invocation(tierkit_argv("apply", str(src), "-r", str(rules_file(d)), "-o", str(d / "nope" / "o.xlsx")),
                      inputs=[src], output=d / "nope" / "o.xlsx")


@case("apply -o into /proc (unwritable)", {2})
def _unwritable(d: Path) -> Invocation:
    src = book(d)
    return Invocation(tierkit_argv("apply", str(src), "-r", str(rules_file(d)), "-o", "/proc/tierkit-out.xlsx"),
                      inputs=[src])


def _exercise(d: Path) -> tuple[Path, Path]:
    """An answer key and one student's workbook, made by ``exercise new`` (ordinary inputs)."""
    subprocess.run([sys.executable, "-c", "from tierkit.cli import main; main()", "exercise", "new", "--method",
                    "abc", "--level", "1", "--students", "1", "--seed", "7", "-o", str(d / "class")],
                   check=True, capture_output=True, timeout=120,
                   env=dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial"))
    key = d / "class" / "answer_key.xlsx"
    student = next(p for p in (d / "class").rglob("*.xlsx") if p != key)
    return key, student


@case("exercise grade -o the answer key (--force)", says="input")
def _grade_key(d: Path) -> Invocation:
    key, student = _exercise(d)
    return Invocation(tierkit_argv("exercise", "grade", str(student), "--key", str(key), "-o", str(key),
                                   "--force"), inputs=[key, student])


@case("exercise grade -o the submission (--force)", says="input")
def _grade_sub(d: Path) -> Invocation:
    key, student = _exercise(d)
    return Invocation(tierkit_argv("exercise", "grade", str(student), "--key", str(key), "-o", str(student),
                                   "--force"), inputs=[key, student])


@case("exercise grade of a submission holding 63 million shared strings", {0, 2})
def _grade_bomb(d: Path) -> Invocation:
    from .cases import _sst_many

    key, student = _exercise(d)
    bomb = _sst_many(d).inputs[0].rename(d / "bomb.xlsx")
    out = d / "grades.xlsx"
    return Invocation(tierkit_argv("exercise", "grade", str(student), str(bomb), "--key", str(key), "-o", str(out)),
                      inputs=[key, student, bomb], output=out)


@case("brief of a table with a 4-million-character customer name", {0, 2})
def _brief_long_name(d: Path) -> Invocation:
    from .cases import _huge_random_cell

    inv = _huge_random_cell(d)
    src, rules = inv.inputs
    out = d / "briefs.pdf"
    return Invocation(tierkit_argv("brief", str(src), "-r", str(rules), "-o", str(out)), inputs=[src, rules],
                      output=out)
