"""The tier columns: what they are called, and tiers taken as given from a tiered file.

``tierkit apply``, the add-in's Apply button and ``tierkit brief`` all name the columns here, so a
second run (by either) replaces the first run's columns instead of adding a copy, and a brief of a
tiered file finds its ``Tier ID`` column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import TierkitError, Where, msg
from ..i18n import languages, mark, tr, trc
from ..ruleset.model import RuleSet
from ..segment import Classification

#: the three columns' headers; ``{name}`` is the rule set's column name when several rule sets are applied
TEMPLATES = (mark("tier column", "{name}"), mark("tier column", "{name} ID"), mark("tier column", "{name} reason"))
GENERIC = (mark("tier column", "Tier"), mark("tier column", "Tier ID"), mark("tier column", "Tier reason"))


def _header(lang: str, template: str, **kwargs: str) -> str:
    return trc(lang, "tier column", template, **kwargs)  # i18n: marked


def all_generic() -> tuple[str, ...]:
    """``Tier`` / ``Tier ID`` / ``Tier reason`` in every language, English first, role by role."""
    return tuple(_header(lang, g) for lang in languages() for g in GENERIC)


@dataclass(frozen=True)
class TierColumns:
    """The headers of the three columns one rule set writes."""

    label: str
    id: str
    reason: str

    def __iter__(self) -> Any:
        return iter((self.label, self.id, self.reason))


def tier_columns(rs: RuleSet, lang: str, several: bool = False) -> TierColumns:
    """``Tier`` / ``Tier ID`` / ``Tier reason`` for one rule set (``层级`` ... in Chinese); with several rule
    sets, each names its columns after itself: ``ABC`` / ``ABC ID`` / ``ABC reason``."""
    if not several:
        return TierColumns(*(_header(lang, g) for g in GENERIC))
    base = rs.column or rs.name.upper()
    return TierColumns(*(_header(lang, t, name=base) for t in TEMPLATES))


def tier_headers(rulesets: Iterable[RuleSet]) -> frozenset[str]:
    """Every header a run of these rule sets may have written, in either language, alone or together:
    the columns a new run replaces."""
    out: set[str] = set(all_generic())
    for rs in rulesets:
        for lang in languages():
            out.update(tier_columns(rs, lang, True))
    return frozenset(out)


def tier_id_header(columns: Sequence[Any], rs: RuleSet) -> Any | None:
    """The column of a tiered output holding ``rs``'s segment ids, or None for a raw table."""
    present = set(columns)
    for lang in languages():
        for several in (False, True):
            header = tier_columns(rs, lang, several).id
            if header in present:
                return header
    return None


def without_tier_columns(frame: pd.DataFrame, rulesets: Iterable[RuleSet]) -> pd.DataFrame:
    """The table without the columns an earlier run wrote (they are output, not input)."""
    drop = tier_headers(rulesets)
    cols = [c for c in frame.columns if c in drop]
    return frame.drop(columns=cols) if cols else frame


@dataclass
class GivenTiers(Classification):
    """A classification whose tiers were given in a file's ``Tier ID`` column, not decided now.

    Where a given tier is the one the rules give today, the row's reason is the rules' reason; where it is
    not (the data or the rules changed since), the reason says the tier was given, never a condition that
    does not hold for the row.
    """

    computed: Classification | None = None
    header: str = ""

    def reasons(self, lang: str = "en", rows: Sequence[int] | np.ndarray | None = None) -> list[str]:
        assert self.computed is not None
        own = self.computed.reasons(lang, rows=rows)
        picked = np.arange(self.n) if rows is None else np.asarray(rows, dtype=np.intp).reshape(-1)
        differs = np.flatnonzero(self.tier_index[picked] != self.computed.tier_index[picked])
        if not len(differs):
            return own
        segs = self.ruleset.segments
        for i in differs.tolist():
            now = self.computed.tier_index[picked[i]]
            now_label = segs[now].label.get(lang) if now >= 0 else tr(lang, "no tier")
            own[i] = tr(lang, "tier as given in the file's '{column}' column; the rules now give {tier}",
                        column=self.header, tier=now_label)
        return own

    def explain(self, row: int, lang: str = "en") -> str:
        assert self.computed is not None
        text = self.computed.explain(row, lang)
        if self.tier_index[row] == self.computed.tier_index[row]:
            return text
        return text + "\n  " + self.reasons(lang)[row]


def with_given_tiers(result: Classification, ids: Sequence[Any], *, header: str, file: str) -> Classification:
    """``result`` with each row's tier taken from a Tier ID column (blank: no tier).

    A column with none of the rule set's ids was written for another rule set and is ignored; a column
    mixing known and unknown ids (a hand edit gone wrong) is an error.
    """
    known = {seg.id: k for k, seg in enumerate(result.ruleset.segments)}
    values = [None if v is None or (isinstance(v, float) and v != v) or str(v).strip() == "" else str(v).strip()
              for v in ids]
    unknown = sorted({v for v in values if v is not None and v not in known})
    if unknown and not any(v in known for v in values):
        return result  # tiered with another rule set: the rules just applied decide
    if unknown:
        shown = ", ".join(unknown[:5])
        raise TierkitError(
            msg(
                "column '{header}' holds tier ids that rule set '{name}' does not have: {shown}",
                header=header,
                name=result.ruleset.name,
                shown=shown,
            ),
            where=Where(file=file, column=header),
            hint=msg("give the rule set the file was tiered with (--rules)"),
        )
    tier = np.array([known[v] if v is not None else -1 for v in values], dtype=np.int32)
    fields = {f: getattr(result, f) for f in ("binding", "matches", "errors", "source")}
    return GivenTiers(tier_index=tier, collected=None, computed=result, header=header, **fields)


__all__ = [
    "GivenTiers",
    "TierColumns",
    "all_generic",
    "tier_columns",
    "tier_headers",
    "tier_id_header",
    "with_given_tiers",
    "without_tier_columns",
]
