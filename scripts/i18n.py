"""Keep the message catalogues in step with the code (Babel).

    python scripts/i18n.py            # extract messages, update every .po, compile every .mo
    python scripts/i18n.py --check    # exit 1 if a message lacks a translation or a .mo is stale

Messages are the calls ``tr(lang, "...")``, ``trc(lang, "context", "...")``, ``msg("...")`` (errors) and
``tr_n(lang, "...", "...", n)`` in src/tierkit and addin/.  Add a language: copy
src/tierkit/locale/zh/LC_MESSAGES/tierkit.po to locale/<lang>/..., translate, run this script.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import inspect
import io
import sys
import warnings
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "tierkit" / "locale"
KEYWORDS = {"tr": (2,), "trc": ((2, "c"), 3), "tr_n": (2, 3), "mark": ((1, "c"), 2), "msg": (1,), "msg_n": (1, 2)}
#: a fixed header date, so that re-running the script changes nothing when no message changed
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SOURCES = (ROOT / "src" / "tierkit", ROOT / "addin")


def extract() -> Catalog:
    # Babel warns about every f-string among a call's arguments; only the message id matters, and
    # tests/test_i18n.py checks that every message id is a plain literal
    warnings.filterwarnings("ignore", message="Skipping f-string")
    template = Catalog(project="tierkit", fuzzy=False, creation_date=FIXED_DATE)
    with contextlib.redirect_stderr(io.StringIO()):
        _extract_into(template)
    return template


def _extract_into(template: Catalog) -> None:
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                folder, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)):
            path = (folder / filename).relative_to(ROOT)
            template.add(message, None, [(str(path), lineno)], auto_comments=comments, context=context)
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.py")):
            for text, lineno in help_texts(path):
                template.add(text, None, [(str(path.relative_to(ROOT)), lineno)], context="help")


def help_texts(path: Path) -> list[tuple[str, int]]:
    """The ``--help`` texts in ``path``, as click holds them (see tierkit.helptext): every literal ``help=``
    argument, ``help`` parameter default or first argument of an ``*_option(...)`` helper, and the docstring
    of every function decorated as a click command or group (cleaned, up to any ``\\f``)."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""
            first = node.args[0] if node.args else None
            if name.endswith("_option") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((first.value, first.lineno))  # force_option("Overwrite ...")
            for kw in node.keywords:
                if kw.arg == "help" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    found.append((kw.value.value, kw.value.lineno))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            for arg, default in zip(args.args[len(args.args) - len(args.defaults):], args.defaults, strict=True):
                if arg.arg == "help" and isinstance(default, ast.Constant) and isinstance(default.value, str):
                    found.append((default.value, default.lineno))
            for arg, kwdefault in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                if arg.arg == "help" and isinstance(kwdefault, ast.Constant) and isinstance(kwdefault.value, str):
                    found.append((kwdefault.value, kwdefault.lineno))
            doc = ast.get_docstring(node, clean=False)
            if doc and any(_is_command(deco) for deco in node.decorator_list):
                found.append((inspect.cleandoc(doc).partition("\f")[0], node.lineno))
    return [(text, line) for text, line in found if text.strip()]


def _is_command(deco: ast.expr) -> bool:
    """``@x.command(...)``, ``@click.group(...)`` and the like."""
    target = deco.func if isinstance(deco, ast.Call) else deco
    return isinstance(target, ast.Attribute | ast.Name) and (
        getattr(target, "attr", None) or getattr(target, "id", None)) in {"command", "group"}


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/tierkit.po"))


def compiled(po: Path) -> bytes:
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def missing(po: Path, template: Catalog) -> list[str]:
    """Message ids of the code that ``po`` does not translate."""
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    out = []
    for msg in template:
        if not msg.id:
            continue
        have = catalog.get(msg.id, context=msg.context)
        if have is None or have.fuzzy or not (all(have.string) if isinstance(have.string, tuple) else have.string):
            out.append(repr(msg.id))
    return out


def update(template: Catalog) -> None:
    for po in po_files():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as fh:
            write_po(fh, catalog, width=120, omit_header=False, sort_output=False, ignore_obsolete=True)
        po.with_suffix(".mo").write_bytes(compiled(po))


def main(argv: list[str]) -> int:
    template = extract()
    if "--check" in argv:
        bad = 0
        for po in po_files():
            gaps = missing(po, template)
            for gap in gaps:
                print(f"{po.relative_to(ROOT)}: no translation for {gap}")
            stale = not po.with_suffix(".mo").exists() or po.with_suffix(".mo").read_bytes() != compiled(po)
            if stale:
                print(f"{po.relative_to(ROOT)}: the .mo is out of date: run python scripts/i18n.py")
            bad += len(gaps) + stale
        return 1 if bad else 0
    update(template)
    for po in po_files():
        gaps = missing(po, template)
        print(f"{po.relative_to(ROOT)}: {len(template) - len(gaps)} translated, {len(gaps)} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
