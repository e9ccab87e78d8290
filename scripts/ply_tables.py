"""Regenerate ``src/tierkit/_ply_tables.py``: rule-engine's LALR parser tables, so a process loads them
instead of rebuilding them (~0.3 s) when it first imports rule_engine (see ``tierkit/_boot.py``).

Run after upgrading rule-engine: ``python scripts/ply_tables.py``.  ``tests/engine/test_boot.py`` fails
when the shipped tables no longer match the installed grammar.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import rule_engine
from rule_engine._vendor.ply import yacc

OUT = Path(__file__).resolve().parents[1] / "src" / "tierkit" / "_ply_tables.py"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        yacc.yacc(module=rule_engine.Rule.parser, debug=False, write_tables=True, outputdir=tmp,
                  tabmodule="parsetab")
        text = (Path(tmp) / "parsetab.py").read_text(encoding="utf-8")
    head = (f"# rule-engine {rule_engine.__version__}'s parser tables, written by scripts/ply_tables.py: do not edit.\n"
            "# ply checks _lr_signature against the installed grammar and rebuilds the tables when they differ.\n"
            "# mypy: ignore-errors\n")
    OUT.write_text(head + text, encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
