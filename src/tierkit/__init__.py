"""tierkit: customer classification (客户分类 / 分群 / 分层) rules for spreadsheets.

The public API; the CLI, the Excel add-in and the reports import only from here.

>>> import tierkit
>>> rs = tierkit.load_ruleset("abc")            # a built-in name or a path to a YAML file
>>> result = tierkit.classify(rs, frame)        # frame: a pandas DataFrame with a header row
>>> result.labels("zh"), result.reasons(), result.summary()
"""

from __future__ import annotations

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
