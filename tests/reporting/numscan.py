"""Unformatted numbers in text a person reads: a brief read back with pdftotext, a summary sheet as CSV, reasons.

:func:`scan` returns one line per number that is not formatted for people:

* a fraction with more decimals than the rule set declares for any field (``0.5539``, ``274176.3333``);
* a number of 5 or more digits without thousands separators (``250661610``), unless it is an id;
* a share printed as a plain decimal (``0.34``) where no field of the rule set reads as a plain number;
* an id printed with separators (``10,377``) for any of the table's numeric ids.

Dates (``2024-12-31``), times, hashes (the footer's ``rules 3fa2b9c1d0``) and words with digits in them
(``KH0593``, ``F+M``) are not numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: a number as a token: optional sign, digits with optional groups, optional fraction, not inside a word
NUMBER = re.compile(r"(?<![\w.,:/#+-])[-−]?\d[\d,]*(?:\.\d+)?(?![\w/:-])")
#: what is not a number though it has digits: ISO dates and times, 10-hex hashes, version-like strings
NOT_NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2})?|"
                        r"\b(?:rules|data|规则|数据) [0-9a-f]{10}\b|\b[0-9a-f]{10}\b|\d+年\d+月\d+日")


def scan(text: str, *, decimals: int = 2, plain_fractions: bool = False, ids: Iterable[int] = ()) -> list[str]:
    """Every unformatted number of ``text`` (see the module), as ``"what: 'token' in '...context...'"`` lines.

    ``decimals`` is the most a field of the rule set declares; ``plain_fractions`` allows ``0.xx`` (a field
    whose format is ``number`` may be below 1); ``ids`` are the table's numeric ids (neither grouped nor
    flagged as long numbers)."""
    id_texts = {str(i) for i in ids}
    grouped_ids = {f"{i:,}" for i in ids if abs(i) >= 1000}
    problems: list[str] = []
    for line in text.splitlines():
        clean = NOT_NUMBER.sub(" ", line)
        for m in NUMBER.finditer(clean):
            token = m.group().rstrip(",")
            if not any(c.isdigit() for c in token):
                continue
            context = line.strip()[:120]
            bare = token.lstrip("-−")
            whole, _, fraction = bare.partition(".")
            if token in grouped_ids:
                problems.append(f"grouped id: {token!r} in {context!r}")
                continue
            if token in id_texts:
                continue
            if len(fraction) > decimals:
                problems.append(f"more than {decimals} decimals: {token!r} in {context!r}")
            digits = whole.replace(",", "")
            if "," not in whole and len(digits) >= 5:
                problems.append(f"not grouped: {token!r} in {context!r}")
            elif "," in whole and not re.fullmatch(r"\d{1,3}(,\d{3})+", whole):
                problems.append(f"badly grouped: {token!r} in {context!r}")
            if (not plain_fractions and whole in ("0", "") and fraction
                    and not clean[m.end():].lstrip().startswith("%")):
                problems.append(f"share as a decimal: {token!r} in {context!r}")
    return problems


def ruleset_limits(rs: object) -> tuple[int, bool]:
    """The most decimals any field of the rule set ``rs`` shows, and whether a field reads as a plain number."""
    from tierkit.numfmt import DEFAULT_DECIMALS

    most, plain = DEFAULT_DECIMALS["money"], False
    for f in getattr(rs, "fields", {}).values():
        fmt = f.value_format
        if fmt.kind in DEFAULT_DECIMALS:
            most = max(most, fmt.digits)
        if fmt.kind in ("number", None) and f.type in ("float", "number"):
            plain = True
    return most, plain
