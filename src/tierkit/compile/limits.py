"""How big a ``when`` expression may be, checked lexically before rule-engine's parser (which, with
tierkit's tree walkers, recurses once per nesting level and per ``and``/``or``/``not`` term).

* :data:`MAX_DEPTH` (50): brackets — ``(``, ``[``, ``{`` — open at once.  Real rules nest 2-4 deep.
* :data:`MAX_TERMS` (200): ``and``, ``or``, ``not`` and the comparisons they join, in one expression
  (a chain of 200 ``or`` terms parses to a tree 200 levels deep).  Real rules have fewer than 20;
  longer lists are written ``x in [...]``, which has no limit.
"""

from __future__ import annotations

import re

MAX_DEPTH = 50
MAX_TERMS = 200

_TOKEN = re.compile(r"""'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|#[^\n]*|[A-Za-z_]\w*|[()\[\]{}]|\S""", re.S)
_OPEN, _CLOSE = set("([{"), set(")]}")
_LOGIC = {"and", "or", "not"}


def expression_too_big(text: str) -> str | None:
    """Why ``text`` is over the limits (a sentence), or None; string literals and comments are skipped."""
    depth = deepest = terms = 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif tok in _CLOSE:
            depth = max(depth - 1, 0)
        elif tok in _LOGIC:
            terms += 1
    if deepest > MAX_DEPTH:
        return f"the expression nests brackets {deepest} deep, over the limit of {MAX_DEPTH}"
    if terms > MAX_TERMS:
        return f"the expression has {terms} and/or/not operators, over the limit of {MAX_TERMS}"
    return None
