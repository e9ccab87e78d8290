"""A whole class's exercise: one student's data per name, reproducible from the class seed."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, TierkitError, Where, display_path
from ..i18n import languages, mark, tr, trc
from ..io.celltext import clean_cell, strip_bidi
from ..progress import track
from ..segment import Classification
from . import methods as _methods  # noqa: F401  (registers the built-in exercise plugins)
from .model import LEVELS, ExerciseSettings, StudentExercise, exercise_ruleset, format_value, row_hash, student_seed
from .plugin import ExercisePlugin, draw_exercise, get_plugin, score_columns, shown_columns

#: the headers of a roster's name and language columns, ``|`` between the words, in every language
# i18n: the headers a roster's column of names may have, separated by | (the English ones are understood too)
_NAME_HEADERS = mark("roster header", "student|name|student name")
# i18n: the headers a roster's column of languages may have, separated by | (the English ones are understood too)
_LANG_HEADERS = mark("roster header", "lang|language")


def _roster_headers(words: str) -> list[str]:
    found = [trc(lang, "roster header", words) for lang in languages()]  # i18n: marked
    return list(dict.fromkeys(w.strip().lower() for text in found for w in text.split("|") if w.strip()))


@dataclass
class ClassExercise(ExerciseSettings):
    """Everything ``exercise new`` makes: the exercise's settings and every student's exercise."""

    students: list[StudentExercise]


def exercise_id(method: str, level: int, seed: int, names: Sequence[str], params: Mapping[str, float]) -> str:
    cut_offs = ",".join(f"{k}={v:g}" for k, v in sorted(params.items()))
    digest = hashlib.sha256("\x1f".join([method, str(level), str(seed), cut_offs, *names]).encode()).hexdigest()
    return f"{method}-L{level}-{digest[:10]}"


def safe_stem(name: str) -> str:
    from ..reporting.pdf import safe_filename

    return safe_filename(name, fallback="student", suffix="")


def student_names(count: int | None, lang: str) -> list[str]:
    n = 20 if count is None else count
    if n < 1 or n > 2000:
        raise TierkitError(tr(lang, "{option} {n}: give a number from 1 to 2000", option="--students", n=n))
    width = max(2, len(str(n)))
    return [trc(lang, "student file name", "student{number}", number=f"{i:0{width}d}") for i in range(1, n + 1)]


def roster_lang(value: object) -> str | None:
    """The language a roster's lang cell names: a code (``zh``, ``zh-CN``, ``en``), a country (``cn``) or a
    language's name in any language tierkit speaks (``中文``, ``Chinese``, ``英文``); None if it names none."""
    text = str(value).strip().lower().replace("-", "_") if isinstance(value, str) else ""
    if not text:
        return None
    from .texts import language_name

    for lang in languages():
        names = {language_name(lang, other).lower() for other in languages()}
        if text.split("_")[0] == lang or text in names or any(n[:1] == text[:1] and not n[:1].isascii()
                                                              for n in names):
            return lang
    try:  # a country: cn -> zh
        from babel.core import get_global

        likely = str(get_global("likely_subtags").get(f"und_{text.upper()}", "")).split("_")[0]
    except (ImportError, LookupError, ValueError):
        likely = ""
    return likely if likely in languages() else None


def read_roster(path: str | Path, lang: str = "en") -> list[tuple[str, str | None]]:
    """Students (and optionally their language) from a roster workbook or CSV: a column named student /
    name / 姓名 / 学生 (else the first column) and an optional lang / language / 语言 column (en, zh, 中文 ...).
    Messages are in ``lang``."""
    from ..io import read_table

    p = Path(path)
    if not p.exists():
        raise InputFileError(tr(lang, "roster not found: {path}", path=display_path(p)),
                             where=Where(file=display_path(p)))
    frame = read_table(p).frame
    if frame.empty:
        raise InputFileError(tr(lang, "the roster has no students"), where=Where(file=display_path(p)),
                             hint=tr(lang, "put one student name per row under a '{header}' header",
                                     header=trc(lang, "roster header", "student")))
    headers = {str(c).strip().lower(): c for c in frame.columns}
    name_col = next((headers[h] for h in _roster_headers(_NAME_HEADERS) if h in headers), frame.columns[0])
    lang_col = next((headers[h] for h in _roster_headers(_LANG_HEADERS) if h in headers), None)
    out: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for _, row in frame.iterrows():
        value = row[name_col]
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        name = strip_bidi(clean_cell(str(value))).strip()  # no control characters: names go into workbooks and PDFs
        if not name:
            continue
        if name in seen:
            raise InputFileError(tr(lang, "student '{name}' is listed twice in the roster", name=name),
                                 where=Where(file=display_path(p)),
                                 hint=tr(lang, "give every student a unique name (add a class or number)"))
        seen.add(name)
        out.append((name, roster_lang(row[lang_col]) if lang_col is not None else None))
    if not out:
        raise InputFileError(tr(lang, "the roster has no students"), where=Where(file=display_path(p)))
    return out


def _reasons(res: Classification, frame: pd.DataFrame, spec: ExercisePlugin, lang: str) -> list[str]:
    """The engine's reasons; a row that fell to the default tier also shows the values that decided it."""
    reasons = res.reasons(lang)
    default = res.ruleset.default_segment
    if default is None or not spec.deciding:
        return reasons
    fields = res.ruleset.fields
    out = []
    for reason, tier, (_, row) in zip(reasons, res.tier_ids(), frame.iterrows(), strict=True):
        if tier == default.id:
            values = [tr(lang, "{field} {value}", field=fields[n].display(lang) if n in fields else n,
                         value=format_value(row[n], kind, lang))
                      for n, kind in spec.deciding if n in row.index]
            reason = tr(lang, "{reason}: {values}", reason=reason,
                        values=trc(lang, "list of values", ", ").join(values))
        out.append(reason)
    return out


def build_class(method: str, level: int, students: Sequence[tuple[str, str | None]], *, seed: int | None = None,
                lang: str = "en", self_check: bool = False, rules: str | None = None,
                params: Mapping[str, float] | None = None) -> ClassExercise:
    """Draw every student's data and the answer key (the method's rule set classifies it).

    ``rules``: a rule file for the method (e.g. a trainer's copy of ``abc.yaml``), default the built-in;
    ``params``: cut-offs overriding the rule file's (``{"a_cutoff": 0.7}``)."""
    spec = get_plugin(method)
    if level not in LEVELS:
        raise TierkitError(tr(lang, "{option} {level}: choose 1, 2 or 3", option="--level", level=level))
    if seed is None:
        seed = secrets.randbelow(10**6)
    source = str(Path(rules).resolve()) if rules and Path(rules).is_file() else str(rules or method)
    rs = exercise_ruleset(method, source, dict(params or {}))
    names = [name for name, _ in students]
    columns = shown_columns(rs, spec, level)
    out: list[StudentExercise] = []
    used: set[str] = set()
    for name, student_lang in track(students, mark("progress", "drawing the students' data")):
        s_lang = student_lang or lang
        s_seed = student_seed(seed, name)
        frame, res = draw_exercise(rs, spec, level, np.random.default_rng(s_seed), s_lang)
        reasons = {code: _reasons(res, frame, spec, code) for code in languages()}
        frame = frame.assign(_tier=res.tier_ids(), **{f"_reason_{code}": reasons[code] for code in reasons})
        if level == 1 and spec.sort_by:
            frame = frame.sort_values(spec.sort_by, ascending=False, kind="mergesort")
        frame = frame.reset_index(drop=True)
        thresholds = tuple(spec.thresholds(rs, frame, list(frame["_tier"]))) if level == 3 else ()
        shown = frame[[c.name for c in columns]].copy()
        for c in columns:
            if c.kind == "share":
                shown[c.name] = pd.to_numeric(shown[c.name]).round(4)
        hashes = [row_hash(list(row), columns) for row in shown.itertuples(index=False)]
        stem = safe_stem(name)
        file = stem
        k = 2
        while file.lower() in used:
            file, k = f"{stem}-{k}", k + 1
        used.add(file.lower())
        out.append(StudentExercise(
            student=name, seed=s_seed, lang=s_lang, file=f"{file}.xlsx", frame=shown, columns=columns,
            expected=list(frame["_tier"]), reasons={code: list(frame[f"_reason_{code}"]) for code in reasons},
            thresholds=thresholds, row_hashes=hashes,
            scores={c.name: [None if pd.isna(v) else int(v) for v in frame[c.name]]
                    for c in score_columns(rs, spec, level)}))
    exercise = ClassExercise(exercise_id(method, level, seed, names, rs.params), method, level, seed, lang,
                             self_check, source, dict(rs.params), out)
    exercise.__dict__["ruleset"] = rs  # the cached property, filled: no second load of the rule file
    return exercise
