"""Pick the xlwings decorators for the runtime that loads this module.

* Windows with pywin32 (classic xlwings: COM UDFs, ``RunPython``): ``xlwings.func`` & co.
* ``tierkit serve`` (xlwings Server, Office.js) and every other platform: the decorators of
  ``xlwings.server``, which record the metadata ``custom_functions_meta``/``custom_functions_call``
  and ``custom_scripts_call`` need.  Importing ``xlwings.server`` needs ``XLWINGS_LICENSE_KEY``
  (``noncommercial`` is free for non-commercial use).  Without it the plain ``xlwings``
  decorators are used, which on Linux/macOS leave the functions as ordinary Python functions.

``tierkit serve`` sets ``XLWINGS_ON_SERVER=true`` before importing this module, so on Windows the
server decorators win there too.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

import xlwings

CLASSIC = (
    sys.platform.startswith("win")
    and bool(getattr(xlwings, "has_pywin32", False))
    and os.environ.get("XLWINGS_ON_SERVER") != "true"
)


def _server() -> SimpleNamespace | None:
    try:
        import xlwings.server as server
    except Exception:  # no licence key, or an xlwings without the server module
        return None
    return SimpleNamespace(func=server.func, arg=server.arg, ret=server.ret, script=server.script)


_impl = None if CLASSIC else _server()
ON_SERVER = _impl is not None

#: ``xw.func``, ``xw.arg``, ``xw.ret``, ``xw.script`` for this runtime, and ``xw.Book``.
xw = SimpleNamespace(
    func=_impl.func if _impl else xlwings.func,
    arg=_impl.arg if _impl else xlwings.arg,
    ret=_impl.ret if _impl else xlwings.ret,
    script=_impl.script if _impl else xlwings.script,
    Book=xlwings.Book,
)
