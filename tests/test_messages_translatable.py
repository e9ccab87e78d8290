"""Every message a user mistake shows can be shown in the user's language: no TierkitError (nor a helper that
makes one) is raised with a plain string or an f-string as its message or hint.  They are ``msg(...)``
(``msg_n``, ``did_you_mean``) so that the boundary renders them in the command's ``--lang`` (issue 17: every zh
output is Chinese throughout).  An AST scan of src/ and addin/, so the next English message cannot slip in."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*(ROOT / "src" / "tierkit").rglob("*.py"), *(ROOT / "addin").rglob("*.py")]
#: helpers that pass their arguments on as an error's message or hint: name -> the positions they do
FACTORIES = {"file_error": (1, 2), "fail": (0, 1), "_csv_too_big": (1,), "_refuse": (0,), "self.error": (0,),
             "rule_error": ()}


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), filename=str(p)) for p in SOURCES}


def error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """TierkitError and the classes that derive from it (by name, across src/ and addin/)."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(ast.unparse(b).rpartition(".")[2] for b in node.bases)
    found = {"TierkitError"}
    while grown := {name for name, parents in bases.items() if parents & found} - found:
        found |= grown
    return found


def _name(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and f.func.id == "type":
        return "type(err)"  # an error re-raised as its own class with more words: type(err)(message, ...)
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self" and f.attr == "error":
        return "self.error"  # the rule-file checker's error(message, line, hint=...)
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def plain_texts(node: ast.expr) -> Iterator[ast.expr]:
    """The plain string literals and f-strings ``node`` would show as they are (through ``or``, ``if``/``else``
    and ``+``)."""
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)
                                           and node.value.strip()):
        yield node
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from plain_texts(value)
    elif isinstance(node, ast.IfExp):
        yield from plain_texts(node.body)
        yield from plain_texts(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from plain_texts(node.left)
        yield from plain_texts(node.right)


def untranslatable(trees: dict[Path, ast.Module]) -> list[str]:
    classes = error_classes(trees)
    out = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            if name in classes or name == "type(err)":
                parts = node.args[:1]
            elif name in FACTORIES:
                parts = [node.args[i] for i in FACTORIES[name] if i < len(node.args)]
            else:
                continue
            parts = [*parts, *(k.value for k in node.keywords if k.arg in ("message", "hint", "extra_hint"))]
            for part in parts:
                for text in plain_texts(part):
                    out.append(f"{path.relative_to(ROOT)}:{text.lineno}: {name}({ast.unparse(text)[:80]})")
    return out


def test_errors_are_raised_with_translatable_messages() -> None:
    found = untranslatable(_trees())
    assert not found, "wrap these messages in msg(...):\n" + "\n".join(found)


def test_the_scan_finds_plain_messages() -> None:
    """The scan itself can fail: it finds each way a plain message was written, and spares msg(...)."""
    source = '''
class SheetError(InputFileError):
    pass
def f(x, near):
    raise DataError(f"column {x} is blank")
    raise SheetError("sheet is empty", hint="choose " + x)
    raise RuleFileError(msg("ok {x}", x=x), hint=near or f"use {x}")
    raise file_error(path, "is locked", msg("close it"))
    raise TierkitError(msg("fine"), hint=did_you_mean(x, []) or msg("use {x}", x=x))
    raise self.error(f"field {x} is odd", 3)
    log.error("not a message %s", x)
    raise type(err)(f"{err.message} (segment 'a')", where=None)
'''
    header = "class InputFileError(TierkitError): pass\nclass DataError(TierkitError): pass\n" \
             "class RuleFileError(TierkitError): pass\n"
    trees = {ROOT / "x.py": ast.parse(header + source)}
    assert error_classes(trees) == {"TierkitError", "InputFileError", "DataError", "RuleFileError", "SheetError"}
    found = sorted(line.partition(": ")[2] for line in untranslatable(trees))
    assert found == sorted(["DataError(f'column {x} is blank')", "SheetError('sheet is empty')",
                            "SheetError('choose ')", "RuleFileError(f'use {x}')", "file_error('is locked')",
                            "self.error(f'field {x} is odd')", "type(err)(f\"{err.message} (segment 'a')\")"]), found
