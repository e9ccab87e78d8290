"""Fill translations into a catalogue from a Python file defining ``ZH = {msgid or (context, msgid): text}``.

    python scripts/po_fill.py zh /tmp/zh.py && python scripts/i18n.py
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]


def main(lang: str, source: str) -> int:
    table = runpy.run_path(source)["ZH"]
    po = ROOT / "src" / "tierkit" / "locale" / lang / "LC_MESSAGES" / "tierkit.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    for key, text in table.items():
        context, msgid = key if isinstance(key, tuple) else (None, key)
        string = (tuple(text) if isinstance(text, tuple | list) else (text,)) if isinstance(msgid, tuple) else text
        have = catalog.get(msgid[0] if isinstance(msgid, tuple) else msgid, context=context)
        if have is not None:
            have.string = string
        else:
            catalog.add(msgid, string, context=context)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=120, sort_output=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
