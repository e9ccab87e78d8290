"""The message catalogue: every message of the code is translated, placeholders survive translation,
and a Chinese text holds no English words."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tierkit.i18n import LOCALE_DIR, join, languages, tr, tr_n, trc

ROOT = Path(__file__).resolve().parents[1]
#: Latin-letter words a Chinese text may hold: names of methods, products and formats
ALLOWED_LATIN = {"ABC", "RFM", "R", "F", "M", "ID", "PDF", "Excel", "tierkit", "CSV", "YAML", "xlsx", "csv",
                 "parquet", "TRUE", "FALSE", "first", "unique", "priority", "collect", "Office", "js", "A", "B",
                 "C", "sheet", "xlwings", "OpenDocument", "README", "HTTPS", "TLS", "UTF", "ASCII", "KB", "zip",
                 "SQL", "DuckDB", "Spark", "PostgreSQL", "Snowflake", "BigQuery", "Canvas", "Moodle", "PEM", "HTTP",
                 "MB", "DMN"}
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(?:[:!][^}]*)?\}")
#: what a user types as it is, whatever the language: `code`, --options, ENV_VARS, .suffixes, {yaml: examples}
CODE = re.compile(r"`[^`]*`|--[a-z][a-z-]*|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\.[a-z]{2,5}\b|\{\{[^}]*\}\}|"
                  r"\bfeatures\[")
#: an example command line in a help text (``tierkit apply ...``, ``-> file.xlsx``): typed as it is
COMMAND_LINE = re.compile(r"^\s*(?:tierkit|->)\s.*$", re.MULTILINE)


def _script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_script"] = module
    spec.loader.exec_module(module)
    return module


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/tierkit.po"))


def test_every_message_is_translated_and_compiled() -> None:
    script = _script()
    template = script.extract()
    assert len(template) > 1, "no messages found: is the extraction looking at the code?"
    for po in catalogues():
        assert script.missing(po, template) == [], f"run python scripts/i18n.py and translate {po}"
        assert po.with_suffix(".mo").read_bytes() == script.compiled(po), "run python scripts/i18n.py"


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.parent.parent.name)
def test_placeholders_survive_translation(po: Path) -> None:
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        want = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if not text:
                continue  # untranslated: test_every_message_is_translated_and_compiled says so
            assert set(PLACEHOLDER.findall(text)) == want, f"{msg.id!r} -> {text!r}"


def test_chinese_texts_hold_no_english_words() -> None:
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "tierkit.po").open("rb") as fh:
        catalog = read_po(fh)
    for msg in catalog:
        if not msg.id:
            continue  # the header
        for text in msg.string if isinstance(msg.string, tuple) else (msg.string,):
            plain = CODE.sub("", PLACEHOLDER.sub("", COMMAND_LINE.sub("", text or "")))
            words = set(re.findall(r"[A-Za-z]+", plain)) - ALLOWED_LATIN
            assert not words, f"{msg.id!r} -> {text!r} holds {sorted(words)}"


def test_languages_and_fallbacks() -> None:
    assert languages()[:1] == ("en",) and "zh" in languages()
    assert tr("en", "{n} apples", n=3) == "3 apples"
    assert tr("xx", "unknown language falls back to English") == "unknown language falls back to English"
    assert join("zh", ["甲", "乙"]) == "甲、乙" and join("en", ["a", "b"]) == "a, b"
    assert trc("zh", "list separator", ", ") == "、"
    assert tr_n("en", "{n} row", "{n} rows", 1) == "1 row" and tr_n("en", "{n} row", "{n} rows", 2) == "2 rows"


def test_every_message_id_is_a_literal() -> None:
    """``tr(lang, f"...")`` would never be found by the extraction and always print English.  A call whose
    line ends with ``# i18n: marked`` translates messages marked where they are defined (``mark()``)."""
    import ast

    positions = {"tr": 1, "trc": 2, "tr_n": 1, "mark": 1, "msg": 0, "msg_n": 0}
    bad = []
    for folder in (ROOT / "src" / "tierkit", ROOT / "addin"):
        for path in folder.rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.Call) or lines[node.lineno - 1].endswith("# i18n: marked"):
                    continue  # a message defined elsewhere with mark(context, "...")
                name = node.func.id if isinstance(node.func, ast.Name) else (
                    node.func.attr if isinstance(node.func, ast.Attribute) else None)
                if name not in positions or path.name in ("i18n.py", "errors.py"):
                    continue
                args = node.args[positions[name]:positions[name] + (2 if name in ("tr_n", "msg_n") else 1)]
                if not args or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if name == "trc" and not (isinstance(node.args[1], ast.Constant)):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, f"message ids must be string literals: {bad}"
