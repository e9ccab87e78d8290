"""How big a ``when`` expression may be, checked lexically before rule-engine's parser (which, with
tierkit's tree walkers, recurses once per nesting level and per ``and``/``or``/``not`` term).

* :data:`MAX_DEPTH` (50): brackets — ``(``, ``[``, ``{`` — open at once.  Real rules nest 2-4 deep.
* :data:`MAX_TERMS` (200): ``and``, ``or`` and ``not`` operators in one expression.  Real rules have
  fewer than 20; longer lists are written ``x in [...]``, which has no limit.  The parser and the tree
  walkers would manage thousands (see below), but every row's reason text grows with the ``and`` terms
  (a 1000-term ``and`` over 100,000 rows took 2 minutes and 8 GB), so 200 keeps a run bounded.

What passes is parsed by :func:`deep_call` on a thread with a large stack and a recursion limit that
fits the limits above (Python 3.11+ runs Python-to-Python calls without growing the C stack, so the
tree walkers after it need only the recursion limit); the numpy compiler folds ``and``/``or`` chains
in a loop.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

MAX_DEPTH = 50
MAX_TERMS = 200
RECURSION_LIMIT = 20_000         # frames: several per tree level, with a wide margin
STACK_BYTES = 256 << 20          # the parsing thread's stack

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


def deep_call(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` on a thread with a :data:`STACK_BYTES` stack, the recursion limit raised to
    :data:`RECURSION_LIMIT` (for good: the walkers of the parsed tree need it too).  Exceptions propagate."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as err:
            box["error"] = err

    old = threading.stack_size(STACK_BYTES)
    try:
        worker = threading.Thread(target=run, name="tierkit-parse")
        worker.start()
    finally:
        threading.stack_size(old)
    worker.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
