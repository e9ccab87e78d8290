"""tierkit: customer classification (客户分类 / 分群 / 分层) rules for spreadsheets.

The public API; the CLI, the Excel add-in and the reports import only from here.

>>> import tierkit
>>> rs = tierkit.load_ruleset("abc")            # a built-in name or a path to a YAML file
>>> result = tierkit.classify(rs, frame)        # frame: a pandas DataFrame with a header row
>>> result.labels("zh"), result.reasons(), result.summary()

The names load on first use (PEP 562), so ``import tierkit`` and ``tierkit --version`` do not import
pandas, numpy or rule-engine; ``from tierkit import classify`` imports what ``classify`` needs.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from . import _boot

_boot.install()  # rule-engine's parser tables load instead of being rebuilt (0.3 s a command)

if TYPE_CHECKING:
    from .bind import Binding, TableSource, bind
    from .compile.describe import describe_when, plain_words
    from .errors import (
        DataError,
        InputFileError,
        OutputExistsError,
        OverlapError,
        RuleFileError,
        TierkitError,
        UnsupportedExpression,
    )
    from .ruleset import (
        Field,
        RuleSet,
        Segment,
        Text,
        builtin_names,
        list_builtin,
        load_ruleset,
        parse_ruleset,
        ruleset_from_rows,
    )
    from .segment import Classification, classify

__version__ = "0.1.0"

#: each public name and the module it comes from (imported on first use)
_SOURCES = {
    **dict.fromkeys(["Binding", "TableSource", "bind"], ".bind"),
    **dict.fromkeys(["describe_when", "plain_words"], ".compile.describe"),
    **dict.fromkeys(["DataError", "InputFileError", "OutputExistsError", "OverlapError", "RuleFileError",
                     "TierkitError", "UnsupportedExpression"], ".errors"),
    **dict.fromkeys(["Field", "RuleSet", "Segment", "Text", "builtin_names", "list_builtin", "load_ruleset",
                     "parse_ruleset", "ruleset_from_rows"], ".ruleset"),
    **dict.fromkeys(["Classification", "classify"], ".segment"),
}

__all__ = [
    "Binding",
    "Classification",
    "DataError",
    "Field",
    "InputFileError",
    "OutputExistsError",
    "OverlapError",
    "RuleFileError",
    "RuleSet",
    "Segment",
    "TableSource",
    "Text",
    "TierkitError",
    "UnsupportedExpression",
    "__version__",
    "bind",
    "builtin_names",
    "classify",
    "describe_when",
    "list_builtin",
    "load_ruleset",
    "parse_ruleset",
    "plain_words",
    "ruleset_from_rows",
]


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(source, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """``tierkit.bind`` is the function :func:`bind`, as it was when this package imported it eagerly.

    Importing the submodule ``tierkit.bind`` sets the package attribute ``bind`` to the module; this data
    descriptor keeps the public name pointing at the function (``from tierkit.bind import X`` still finds
    the module in ``sys.modules``)."""

    @property
    def bind(self) -> Any:
        if "_public_bind" in self.__dict__:
            return self.__dict__["_public_bind"]
        return importlib.import_module(".bind", __name__).bind

    @bind.setter
    def bind(self, value: Any) -> None:
        if not isinstance(value, types.ModuleType):  # monkeypatch.setattr(tierkit, "bind", ...) and its undo
            self.__dict__["_public_bind"] = value


sys.modules[__name__].__class__ = _Package
