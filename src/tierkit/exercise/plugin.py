"""Exercise plugins: what a method needs besides its rule file to become a class exercise.

A method is a rule file (``rules/<name>.yaml``); its exercise plugin, registered under the rule set's
name, only draws students' data and says which columns to show, which cut-offs to ask for at level 3
and how to explain the method.  Every cut-off, label and title comes from the :class:`RuleSet` the
exercise is made with, so a copied rule file or ``--param`` overrides change the texts, the answer
key and the grading together.

Level 1: few customers, the helper values (cumulative share, scores, percent rank, days) are given.
Level 2: more customers, raw values only: the student computes the helper values.
Level 3: raw values, and the student also writes the rule's cut-offs on a Thresholds sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import TierkitError, did_you_mean, listing, msg
from ..i18n import languages
from ..ruleset.model import RuleSet, Text
from ..segment import Classification
from .cells import Column, Threshold, text_of, to_serial

AS_OF = dt.date(2024, 12, 31)
SIZES = {1: 12, 2: 20, 3: 30}

#: a plugin's columns: ``(field name, kind)``; the header is the field's label in the rule file
ColumnSpec = tuple[str, str]


@dataclass(frozen=True)
class ExercisePlugin:
    """The exercise side of one method; every function gets the rule set the exercise is made with."""

    name: str  #: the rule set it teaches
    draw: Callable[[RuleSet, np.random.Generator, int, str], pd.DataFrame]
    columns: Callable[[int], tuple[ColumnSpec, ...]]  #: the Data sheet's columns at a level
    ok: Callable[[RuleSet, pd.DataFrame, dict[str, int], int], bool]  #: is the drawn data a fair exercise?
    thresholds: Callable[[RuleSet, pd.DataFrame, list[str]], list[Threshold]]  #: level 3 questions
    text: Callable[[RuleSet, str], str]  #: the method in a few lines, with the rule set's numbers and labels
    sort_by: str | None = None  #: level 1: rows shown sorted by this column, descending
    #: the values that decide the tier, added to the reason of rows that fell to the default tier
    deciding: tuple[tuple[str, str], ...] = ()
    dated: bool = False  #: the data count days up to the as-of date (the instructions say which)
    #: the helper values the student writes beside the tier at a level (RFM: the R, F and M scores at levels 2
    #: and 3, where they are not given); each is graded on its own
    scores: Callable[[int], tuple[str, ...]] = lambda level: ()


PLUGINS: dict[str, ExercisePlugin] = {}


def register(plugin: ExercisePlugin) -> ExercisePlugin:
    PLUGINS[plugin.name] = plugin
    return plugin


def _registered() -> dict[str, ExercisePlugin]:
    return PLUGINS  # the built-in plugins register when .methods is imported (by .answers and .build)


def exercise_methods() -> tuple[str, ...]:
    """The methods an exercise can teach: the built-in rule sets that have an exercise plugin."""
    from ..ruleset import builtin_names

    plugins = _registered()
    return tuple(name for name in builtin_names() if name in plugins)


def get_plugin(method: str) -> ExercisePlugin:
    plugins = _registered()
    if method not in plugins:
        names = exercise_methods()
        raise TierkitError(msg("unknown method '{method}'", method=method),
                           hint=did_you_mean(method, names) or msg("choose one of {names}", names=listing(names)))
    return plugins[method]


# ---------------------------------------------------------------- reading the rule set

def param(rs: RuleSet, name: str) -> float:
    """A cut-off of the rule set; a rule file without it cannot be taught by this plugin."""
    try:
        return float(rs.params[name])
    except KeyError:
        raise TierkitError(msg("rule set '{name}' has no parameter '{name2}'", name=rs.name, name2=name),
                           hint=msg("an exercise needs the method's parameters; start from a copy of the built-in "
                                "rule file")) from None


def days(rs: RuleSet, name: str) -> int:
    return round(param(rs, name))


def label(rs: RuleSet, segment_id: str, lang: str) -> str:
    return rs.segment(segment_id).label.get(lang)


def field_label(rs: RuleSet, name: str) -> Text:
    """A column header: the field's label in the rule file (first letter capitalised)."""
    spec = rs.fields.get(name)
    if spec is None or spec.label is None:
        return in_every_language(lambda lang: name)
    label = spec.label
    return in_every_language(lambda lang: label.get(lang)[:1].upper() + label.get(lang)[1:])


def in_every_language(text: Callable[[str], str]) -> Text:
    """``text(lang)`` for every language tierkit speaks, e.g. a threshold's label from the catalogue."""
    return text_of({lang: text(lang) for lang in languages()})


def shown_columns(rs: RuleSet, plugin: ExercisePlugin, level: int) -> tuple[Column, ...]:
    return tuple(Column(name, field_label(rs, name), kind) for name, kind in plugin.columns(level))


def score_columns(rs: RuleSet, plugin: ExercisePlugin, level: int) -> tuple[Column, ...]:
    """The helper values the student writes at ``level`` (answer columns after the tier's)."""
    return tuple(Column(name, field_label(rs, name), "score") for name in plugin.scores(level))


def pct(share: float) -> str:
    """``0.8`` -> ``80%``; ``0.825`` -> ``82.5%``."""
    return f"{round(share * 100, 4):g}%"


def num(value: float) -> str:
    """``6.0`` -> ``6``; ``0.8`` -> ``0.8``."""
    return f"{value:g}"


# ---------------------------------------------------------------- helpers for the plugins

def ids(rng: np.random.Generator, n: int) -> list[str]:
    return [f"C{int(x)}" for x in rng.choice(np.arange(1001, 9999), size=n, replace=False)]


def unique_money(rng: np.random.Generator, n: int, mean: float, sigma: float, step: int = 100) -> np.ndarray:
    values: set[int] = set()
    while len(values) < n:
        x = int(round(float(rng.lognormal(mean, sigma)) / step) * step)
        if x >= step:
            values.add(x)
    out = np.array(sorted(values), dtype=float)
    rng.shuffle(out)
    return out


def with_dates(frame: pd.DataFrame, **columns: str) -> pd.DataFrame:
    """Add date columns from day counts before the as-of day: ``with_dates(f, last_purchase="recency_days")``."""
    for column, counts in columns.items():
        frame[column] = [pd.Timestamp(AS_OF - dt.timedelta(days=int(d))) if pd.notna(d) else pd.NaT
                         for d in frame[counts]]
    return frame


def far(values: pd.Series, cuts: list[float], gap: float) -> bool:
    """No shown (rounded) value sits so close to a cut-off that rounding could change the answer."""
    data = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    return all(bool(np.all((np.abs(data - c) >= gap) | (data == c))) for c in cuts)


def as_of_minus(n_days: int) -> float:
    serial = to_serial(AS_OF - dt.timedelta(days=n_days))
    assert serial is not None
    return serial


def _serials(series: pd.Series) -> pd.Series:
    return pd.Series([to_serial(v) for v in series], index=series.index, dtype=float)


def cut(key: str, text: Text, kind: str, values: pd.Series, inside: pd.Series, op: str,
        prefer: float | None = None) -> Threshold | None:
    """The interval of cut-offs that split ``values`` into ``inside`` / outside the way the key does."""
    values = pd.to_numeric(values, errors="coerce") if kind != "date" else _serials(values)
    mask = values.notna()
    inside = inside.fillna(False).astype(bool)
    ins, outs = values[mask & inside], values[mask & ~inside]
    if ins.empty:
        return None
    inf = float("inf")
    if op in (">=", ">"):
        lo, hi = (float(outs.max()) if not outs.empty else -inf), float(ins.min())
        lo_closed, hi_closed = op == ">", op == ">="
    else:
        lo, hi = float(ins.max()), (float(outs.min()) if not outs.empty else inf)
        lo_closed, hi_closed = op == "<=", op == "<"
    if lo > hi or (lo == hi and not (lo_closed and hi_closed)):
        return None
    threshold = Threshold(key, text, kind, op, lo, hi, lo_closed, hi_closed, hi if hi_closed else lo)
    if prefer is not None and threshold.accepts(prefer):  # a round cut-off (the rule's own day) when it fits
        threshold = replace(threshold, example=prefer)
    return threshold


def keep(items: list[Threshold | None]) -> list[Threshold]:
    return [t for t in items if t is not None]


def _counts(tiers: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for tier in tiers:
        out[tier] = out.get(tier, 0) + 1
    return out


def draw_exercise(rs: RuleSet, plugin: ExercisePlugin, level: int, rng: np.random.Generator,
                  lang: str) -> tuple[pd.DataFrame, Classification]:
    """Draw data until it meets the plugin's difficulty rules; the frame holds the derived features."""
    from ..segment import classify

    for _ in range(500):
        raw = plugin.draw(rs, rng, SIZES[level], lang)
        res = classify(rs, raw.drop(columns=[c for c in ("last_purchase", "first_purchase") if c in raw]),
                       as_of=AS_OF)
        frame = res.binding.frame.copy()
        for column in ("last_purchase", "first_purchase"):
            if column in raw:
                frame[column] = raw[column].to_numpy()
        if plugin.ok(rs, frame, _counts(res.tier_ids()), level):
            return frame, res
    raise TierkitError(msg("could not draw fair exercise data for {name} level {level}", name=rs.name, level=level),
                       hint=msg("the rule set's cut-offs may leave a tier empty for every draw; check its params"))
