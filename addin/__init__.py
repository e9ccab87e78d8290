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

from typing import Optional

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
SCRIPTS = ("apply_rules", "check_rules", "explain_selection", "make_briefs", "check_my_answers")


@xw.func
@xw.arg("rule_set", "raw", doc="Built-in rule set (rfm, abc, ...), a .yaml path, or a range with id | label | when")
@xw.arg("table", "raw", doc="The customer table including its header row")
@xw.arg("lang", "raw", doc="Optional: en (default) or zh")
def tier(rule_set, table, lang=None):
    """Tier label per data row, spilled down.  Example: =TIERKIT.TIER("rfm", A1:F200)"""
    try:
        return core.tier_values(rule_set, table, "label", lang)
    except Exception as err:
        return core.cell_error(err)


@xw.func
@xw.arg("rule_set", "raw", doc="Built-in rule set (rfm, abc, ...), a .yaml path, or a range with id | label | when")
@xw.arg("table", "raw", doc="The customer table including its header row")
def tier_id(rule_set, table):
    """Tier id (segment id) per data row, spilled down.  Example: =TIERKIT.TIER_ID("abc", A1:C500)"""
    try:
        return core.tier_values(rule_set, table, "id")
    except Exception as err:
        return core.cell_error(err)


@xw.func
@xw.arg("rule_set", "raw", doc="Built-in rule set (rfm, abc, ...), a .yaml path, or a range with id | label | when")
@xw.arg("table", "raw", doc="The customer table including its header row")
@xw.arg("lang", "raw", doc="Optional: en (default) or zh")
def tier_reason(rule_set, table, lang=None):
    """Why each row got its tier, spilled down.  Example: =TIERKIT.TIER_REASON("abc", A1:C500, "zh")"""
    try:
        return core.tier_values(rule_set, table, "reason", lang)
    except Exception as err:
        return core.cell_error(err)


@xw.func
@xw.arg("recency", "raw", doc="Days since the last order (or last-order dates); blank = not scored")
@xw.arg("frequency", "raw", doc="Number of orders")
@xw.arg("monetary", "raw", doc="Revenue")
def rfm_score(recency, frequency, monetary):
    """3-digit RFM scores (R, F, M each 1-5 by quintile, 5 = best), spilled.  Example: =TIERKIT.RFM_SCORE(B2:B99, C2:C99, D2:D99) -> 545"""  # noqa: E501
    try:
        return core.rfm_scores(recency, frequency, monetary)
    except Exception as err:
        return core.cell_error(err)


@xw.func
@xw.arg("values", "raw", doc="Revenue (or any measure) per customer")
@xw.arg("a_share", "raw", doc="Optional: cumulative share for A (default 0.8)")
@xw.arg("b_share", "raw", doc="Optional: cumulative share for A and B together (default 0.95)")
def abc_class(values, a_share=0.8, b_share=0.95):
    """A/B/C by cumulative share of the total, largest first, spilled.  Example: =TIERKIT.ABC_CLASS(C2:C500)"""
    try:
        return core.abc_column(values, a_share, b_share)
    except Exception as err:
        return core.cell_error(err)


@xw.func
@xw.arg("values", "raw", doc="Revenue (or any measure) per customer")
def pareto_share(values):
    """Cumulative share of the total held by the rows ranked above each row (largest first; the top row is 0), spilled.  Example: =TIERKIT.PARETO_SHARE(C2:C500)"""  # noqa: E501
    try:
        return core.pareto_column(values)
    except Exception as err:
        return core.cell_error(err)


@xw.func
@xw.arg("rule_set", "raw", doc="Built-in rule set (rfm, abc, ...), a .yaml path, or a range with id | label | when")
@xw.arg("lang", "raw", doc="Optional: en (default) or zh")
def tier_rules(rule_set, lang=None):
    """The rule set as a spilled table: id, label, condition in plain words, strategies.  Example: =TIERKIT.TIER_RULES("rfm", "zh")"""  # noqa: E501
    try:
        return core.rules_table(rule_set, lang)
    except Exception as err:
        return core.cell_error(err)


def _book(book):
    return book if book is not None else xw.Book.caller()  # classic RunPython passes no book


@xw.script
def apply_rules(book: Optional[xw.Book] = None, rule_set: str = "", lang: str = ""):  # noqa: UP045
    """Write Tier / Tier ID / Tier reason next to the table on the active sheet and the Tier summary sheet."""
    book = _book(book)
    try:
        book._tierkit_result = workbook.apply(book, rule_set, lang)
    except Exception as err:
        book.app.alert(core.error_message(err), title="tierkit: apply rules")
    return book


@xw.script
def check_rules(book: Optional[xw.Book] = None, rule_set: str = "", lang: str = ""):  # noqa: UP045
    """Gap/overlap report of the rule set on the active sheet's table, on a 'Tier check' sheet."""
    book = _book(book)
    try:
        book._tierkit_result = workbook.check(book, rule_set, lang)
    except Exception as err:
        book.app.alert(core.error_message(err), title="tierkit: check rules")
    return book


@xw.script
def explain_selection(book: Optional[xw.Book] = None, rule_set: str = "", lang: str = ""):  # noqa: UP045
    """Why the selected row got its tier, in an alert."""
    book = _book(book)
    try:
        book.app.alert(workbook.explain(book, rule_set, lang), title="tierkit: why this tier")
    except Exception as err:
        book.app.alert(core.error_message(err), title="tierkit: explain")
    return book


@xw.script
def make_briefs(book: Optional[xw.Book] = None, rule_set: str = "", lang: str = ""):  # noqa: UP045
    """PDF briefs (a cover and one page per tier) for the table on the active sheet (tierkit.reporting)."""
    classic = book is None
    book = _book(book)
    try:
        book._tierkit_result = result = workbook.briefs(book, rule_set, lang)
        if classic:  # on tierkit serve the task pane opens the PDF from /briefs/
            book.app.alert(f"Briefs written to {result['path']}", title="tierkit: briefs")
    except Exception as err:
        book.app.alert(core.error_message(err), title="tierkit: briefs")
    return book


@xw.func
@xw.arg("answer", "raw", doc="The student's answer (tier id or label, English or Chinese, any case)")
@xw.arg("expected", "raw", doc="The right tier (id or label)")
@xw.arg("method", "raw", doc="Optional: abc, rfm, value, lifecycle or fit (helps match labels)")
def grade_answer(answer, expected, method=None):
    """TRUE when the answer names the expected tier (id or label, en or zh).  Example: =TIERKIT.GRADE_ANSWER(F2, G2)"""
    try:
        from tierkit.exercise import grade_answer as grade

        return grade(core.blank_to_none(answer), core.blank_to_none(expected), core.blank_to_none(method) or None)
    except Exception as err:
        return core.cell_error(err)


@xw.script
def check_my_answers(book: Optional[xw.Book] = None, rule_set: str = "", lang: str = ""):  # noqa: UP045
    """Students check their exercise answers (when the trainer allowed it): right/wrong in an alert."""
    book = _book(book)
    try:
        book.app.alert(workbook.self_check(book, lang), title="tierkit: check my answers")
    except Exception as err:
        book.app.alert(core.error_message(err), title="tierkit: check my answers")
    return book
