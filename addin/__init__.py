"""tierkit in Excel: worksheet functions and buttons over the tierkit engine (xlwings).

The same module serves every xlwings runtime: classic xlwings on Windows (COM UDFs: add
``tierkit_addin`` to the UDF modules; buttons via ``RunPython``), and xlwings Server for the
Office.js add-in (``tierkit serve``), where Excel shows the functions as ``TIERKIT.TIER`` etc.
Each function is a few lines over :mod:`tierkit`; the work is in :mod:`tierkit_addin.core`
(cells) and :mod:`tierkit_addin.workbook` (sheets).

``rule_set`` is a built-in name (``rfm``), a path to a YAML file, or a range holding a rules
table (header ``id | label | when | strategy``).  ``table`` is a range with its header row.
Blank cells stay missing (never 0).  Arguments are read ``raw`` and cleaned once in
:func:`tierkit_addin.core.as_rows` (Office.js typed values, ``""`` as blank): xlwings' per-cell
conversion is slow on large ranges.  An error comes back as one readable line in the cell
(functions) or in an alert (buttons), never as a stack trace.
"""

import functools
import inspect
from typing import Optional

from tierkit.errors import msg
from tierkit.i18n import mark, trc

from . import core, workbook
from ._runtime import ON_SERVER, xw

__all__ = [
    "ON_SERVER",
    "abc_class",
    "apply_rules",
    "check_my_answers",
    "check_rules",
    "explain_selection",
    "grade_answer",
    "make_briefs",
    "pareto_share",
    "rfm_score",
    "tier",
    "tier_id",
    "tier_reason",
    "tier_rules",
]

#: the functions that Excel sees (Python names; Excel upper-cases them)
FUNCTIONS = ("tier", "tier_id", "tier_reason", "rfm_score", "abc_class", "pareto_share", "tier_rules",
             "grade_answer")
#: the buttons (xlwings scripts)
SCRIPTS = ("apply_rules", "check_rules", "explain_selection", "make_briefs", "compare_tiers", "check_my_answers")


def _cell(fn):
    """A worksheet function: any error comes back as one readable line in the cell."""

    @functools.wraps(fn)
    def function(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as err:
            return core.cell_error(err, _lang_arg(fn, args, kwargs))

    return function


def _lang_arg(fn, args, kwargs):
    """The language of a worksheet function's call (its ``lang`` argument), for its error line."""
    try:
        lang = inspect.signature(fn).bind_partial(*args, **kwargs).arguments.get("lang")
    except TypeError:
        lang = None
    return core.error_lang(lang)


def _button_lang(book, lang):
    """The language of a button's run: its ``lang``, else the tierkit settings sheet's, else English."""
    if lang and str(lang).strip():
        return core.error_lang(lang)
    try:
        return core.error_lang(workbook.read_settings(book).get("lang"))
    except Exception:
        return "en"


def _book(book):
    return book if book is not None else xw.Book.caller()  # classic RunPython passes no book


def _button(title, shown=None):
    """A button (xlwings script) over ``body(book, rule_set, lang, classic)``: the book of the call (the
    caller's with classic RunPython); text the body returns is shown in an alert titled ``shown``; any error
    is one line in an alert titled ``title``, never a stack trace."""

    def deco(body):
        def script(book: Optional[xw.Book] = None, rule_set: str = "", lang: str = ""):  # noqa: UP045
            classic = book is None
            book = _book(book)
            try:
                text = body(book, rule_set, lang, classic)
                if text:
                    name = trc(_button_lang(book, lang), "add-in button", shown or title)  # i18n: marked
                    book.app.alert(text, title=f"tierkit: {name}")
            except Exception as err:
                code = _button_lang(book, lang)
                name = trc(code, "add-in button", title)  # i18n: marked
                book.app.alert(core.error_message(err, code), title=f"tierkit: {name}")
            return book

        script.__name__, script.__qualname__, script.__doc__ = body.__name__, body.__qualname__, body.__doc__
        script.__module__ = body.__module__
        return script

    return deco


RULE_SET_DOC = "Built-in rule set (rfm, abc, ...), a name from the server's rules folder, or a range id | label | when"
LANG_DOC = "Optional: en (default) or zh"


def _over_table(fn):
    """A function of (rule_set, table[, lang]) that classifies the table: the arguments read raw."""
    fn = _cell(fn)
    if "lang" in fn.__wrapped__.__code__.co_varnames[: fn.__wrapped__.__code__.co_argcount]:
        fn = xw.arg("lang", "raw", doc=LANG_DOC)(fn)
    fn = xw.arg("table", "raw", doc="The customer table including its header row")(fn)
    fn = xw.ret("raw")(fn)  # the column is text and numbers already (core.tier_values): no per-cell pass
    return xw.func(xw.arg("rule_set", "raw", doc=RULE_SET_DOC)(fn))


@_over_table
def tier(rule_set, table, lang=None):
    """Tier label per data row, spilled down.  Example: =TIERKIT.TIER("rfm", A1:F200)"""
    return core.tier_values(rule_set, table, "label", lang)


@_over_table
def tier_id(rule_set, table):
    """Tier id (segment id) per data row, spilled down.  Example: =TIERKIT.TIER_ID("abc", A1:C500)"""
    return core.tier_values(rule_set, table, "id")


@_over_table
def tier_reason(rule_set, table, lang=None):
    """Why each row got its tier, spilled down.  Example: =TIERKIT.TIER_REASON("abc", A1:C500, "zh")"""
    return core.tier_values(rule_set, table, "reason", lang)


@xw.func
@xw.arg("recency", "raw", doc="Days since the last order (or last-order dates); blank = not scored")
@xw.arg("frequency", "raw", doc="Number of orders")
@xw.arg("monetary", "raw", doc="Revenue")
@_cell
def rfm_score(recency, frequency, monetary):
    """3-digit RFM scores (R, F, M each 1-5 by quintile, 5 = best), spilled.  Example: =TIERKIT.RFM_SCORE(B2:B99, C2:C99, D2:D99) -> 545"""  # noqa: E501
    return core.rfm_scores(recency, frequency, monetary)


@xw.func
@xw.arg("values", "raw", doc="Revenue (or any measure) per customer")
@xw.arg("a_share", "raw", doc="Optional: cumulative share for A (default: a_cutoff of the abc rule set, 0.8)")
@xw.arg("b_share", "raw", doc="Optional: cumulative share for A and B together (default: b_cutoff, 0.95)")
@_cell
def abc_class(values, a_share=None, b_share=None):
    """A/B/C by cumulative share of the total, largest first, spilled.  Example: =TIERKIT.ABC_CLASS(C2:C500)"""
    return core.abc_column(values, a_share, b_share)


@xw.func
@xw.arg("values", "raw", doc="Revenue (or any measure) per customer")
@_cell
def pareto_share(values):
    """Cumulative share of the total held by the rows ranked above each row (largest first; the top row is 0), spilled.  Example: =TIERKIT.PARETO_SHARE(C2:C500)"""  # noqa: E501
    return core.pareto_column(values)


@xw.func
@xw.arg("rule_set", "raw", doc=RULE_SET_DOC)
@xw.arg("lang", "raw", doc=LANG_DOC)
@_cell
def tier_rules(rule_set, lang=None):
    """The rule set as a spilled table: id, label, condition in plain words, strategies.  Example: =TIERKIT.TIER_RULES("rfm", "zh")"""  # noqa: E501
    return core.rules_table(rule_set, lang)


@xw.script
@_button(mark("add-in button", "apply rules"))
def apply_rules(book, rule_set, lang, classic):
    """Write Tier / Tier ID / Tier reason next to the table on the active sheet and the Tier summary sheet."""
    book._tierkit_result = workbook.apply(book, rule_set, lang)


@xw.script
@_button(mark("add-in button", "check rules"))
def check_rules(book, rule_set, lang, classic):
    """Gap/overlap report of the rule set on the active sheet's table, on a 'Tier check' sheet."""
    book._tierkit_result = workbook.check(book, rule_set, lang)


@xw.script
@_button(mark("add-in button", "explain"), shown=mark("add-in button", "why this tier"))
def explain_selection(book, rule_set, lang, classic):
    """Why the selected row got its tier, in an alert."""
    return workbook.explain(book, rule_set, lang)


@xw.script
@_button(mark("add-in button", "briefs"))
def make_briefs(book, rule_set, lang, classic):
    """PDF briefs (a cover and one page per tier) for the table on the active sheet (tierkit.reporting)."""
    book._tierkit_result = result = workbook.briefs(book, rule_set, lang)
    if classic:  # on tierkit serve the task pane opens the PDF from /briefs/
        return f"Briefs written to {result['path']}"
    return None


@xw.script
@_button("compare tiers", shown="tier movement")
def compare_tiers(book, rule_set, lang, classic):
    """Who moved between tiers: the data sheet against the sheet the settings name (compare_with), or at two
    dates (compare_from to as_of); writes the Tier movement and Customer moves sheets."""
    from . import compare

    book._tierkit_result = result = compare.compare(book, rule_set, lang)
    if classic:
        return "\n".join(result["report"])
    return None


@xw.func
@xw.arg("answer", "raw", doc="The student's answer, or a column of answers (tier id or label, English or Chinese)")
@xw.arg("expected", "raw", doc="The right tier, or a column of right tiers beside the answers (id or label)")
@xw.arg("method", "raw", doc="Optional: abc, rfm, value, lifecycle or fit (helps match labels)")
@_cell
def grade_answer(answer, expected, method=None):
    """TRUE when the answer names the expected tier (id or label, en or zh); over a range, one result per row.
    Example: =TIERKIT.GRADE_ANSWER(F2:F21, G2:G21)"""
    from tierkit.exercise import grade_answer as grade

    name = core.blank_to_none(core.clean(core.scalar(method))) if method is not None else None
    answers, wanted = core.as_column(answer), core.as_column(expected)
    if len(wanted) == 1 and len(answers) > 1:
        wanted = wanted * len(answers)
    if len(answers) != len(wanted):
        raise core.TierkitError(
            msg(
                "answer has {n_answers} rows but expected has {n_wanted}", n_answers=len(answers), n_wanted=len(wanted)
            ),
            hint=msg("give two ranges of the same size, or one expected tier"),
        )
    results = [grade(core.blank_to_none(a), core.blank_to_none(e), name) for a, e in zip(answers, wanted, strict=True)]
    if not isinstance(answer, list | tuple) and not isinstance(expected, list | tuple):
        return results[0]
    return [[r] for r in results]


@xw.script
@_button(mark("add-in button", "check my answers"))
def check_my_answers(book, rule_set, lang, classic):
    """Students check their exercise answers (when the trainer allowed it): right/wrong in an alert."""
    return workbook.self_check(book, lang)
