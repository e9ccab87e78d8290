"""The fixed words of the exercise workbooks.  They come from the message catalogue (:mod:`tierkit.i18n`), so a
new language is a ``.po`` file; the method's title, tiers and cut-offs are not here: they come from the rule
set (see :mod:`.plugin`)."""

from __future__ import annotations

from ..i18n import join, languages, mark, tr, trc
from .plugin import AS_OF

#: the workbooks' fixed words, by role (translated with ``word(key, lang)``)
WORDS: dict[str, str] = {
    "instructions": mark("exercise workbook", "Instructions"),
    "data": mark("exercise workbook", "Data"),
    "thresholds": mark("exercise workbook", "Thresholds"),
    "answer": mark("exercise workbook", "Your answer (tier)"),
    "no": mark("exercise workbook", "No."),
    "question": mark("exercise workbook", "Threshold"),
    "your_value": mark("exercise workbook", "Your value"),
    "unit": mark("exercise workbook", "Unit"),
    "tier": mark("exercise workbook", "Tier"),
    "rule": mark("exercise workbook", "Rule"),
    "student": mark("exercise workbook", "Student"),
    "exercise": mark("exercise workbook", "Exercise"),
    "as_of": mark("exercise workbook", "As of (today)"),
    "dv_title": mark("exercise workbook", "Tier"),
    "dv_error": mark("exercise workbook", "Pick a tier name from the list."),
    "dv_prompt": mark("exercise workbook", "Pick the tier of this customer."),
}

#: what a level asks of the student
LEVEL_TEXT: dict[int, str] = {
    1: mark("exercise level", "Level 1: the helper values are already computed in the Data sheet; apply the rules."),
    2: mark("exercise level", "Level 2: compute the helper values yourself (you may add your own sheets for the "
                              "calculation), then apply the rules."),
    3: mark("exercise level", "Level 3: compute the helper values, write the cut-offs you found on the Thresholds "
                              "sheet (in the units of the data), then classify every customer."),
}

#: names of the languages the catalogue may not know (Babel names every other language)
_LANGUAGE_NAMES = {"en": mark("language name", "English"), "zh": mark("language name", "Chinese")}


def word(key: str, lang: str) -> str:
    return trc(lang, "exercise workbook", WORDS[key])  # i18n: marked


def word_in_every_language(key: str) -> list[str]:
    """A fixed word in every language tierkit speaks (a returned workbook may be in any of them)."""
    return list(dict.fromkeys(word(key, lang) for lang in languages()))


def level_text(level: int, lang: str) -> str:
    return trc(lang, "exercise level", LEVEL_TEXT[level])  # i18n: marked


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in language ``lang``: ``language_name("en", "zh")`` -> ``英文``."""
    if code in _LANGUAGE_NAMES:
        return trc(lang, "language name", _LANGUAGE_NAMES[code])  # i18n: marked
    try:
        from babel import Locale

        return str(Locale.parse(code).get_display_name(Locale.parse(lang, sep="-")) or code)
    except (ValueError, LookupError, TypeError):
        return code


def answer_languages(lang: str) -> str:
    """The languages an answer may be written in, the sheet's own first: ``English or Chinese``."""
    codes = [lang, *(c for c in languages() if c != lang)] if lang in languages() else list(languages())
    names = [language_name(c, lang) for c in codes]
    if len(names) == 1:
        return names[0]
    return tr(lang, "{items} or {last}", items=join(lang, names[:-1]), last=names[-1])


def as_of_text(lang: str) -> str:
    return tr(lang, "Today is {date}: count days up to this date.", date=AS_OF.isoformat())


def task_text(title: str, lang: str, n: int) -> str:
    names, answer = answer_languages(lang), word("answer", lang)
    if len(languages()) == 2:
        return tr(lang, "Task: classify the {n} customers of the Data sheet with the {title} method. In the column "
                        "'{answer}' pick each row's tier ({languages} names are both fine). Save the file and hand it "
                        "back to your trainer; do not change the data.",
                  n=n, title=title, answer=answer, languages=names)
    return tr(lang, "Task: classify the {n} customers of the Data sheet with the {title} method. In the column "
                    "'{answer}' pick each row's tier ({languages} names are all fine). Save the file and hand it "
                    "back to your trainer; do not change the data.",
              n=n, title=title, answer=answer, languages=names)


__all__ = ["LEVEL_TEXT", "WORDS", "answer_languages", "as_of_text", "language_name", "level_text",
           "task_text", "word", "word_in_every_language"]
