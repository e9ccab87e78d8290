"""``tierkit apply --previous OLD.tiered.xlsx``: each customer's previous tier and the date its tier last changed.

As Klaviyo keeps a profile's previous RFM group and the date it changed: ``Previous tier`` is the tier OLD
gave the customer (matched on the customer id, normalised as everywhere else), and ``Tier since`` is the
date of this run when the tier changed, else OLD's own ``Tier since`` (blank when OLD has none: the tier
has held at least since OLD was made).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import TierkitError, Where, display_path, msg
from ..i18n import languages, mark, trc
from ..io import RawTable
from ..ruleset.model import RuleSet
from ..segment import Classification
from ..values import id_key, id_keys, parse_date
from .columns import tier_columns

#: the two columns' headers; ``{name}`` is the rule set's column name when several rule sets are applied
GENERIC = (mark("tier column", "Previous tier"), mark("tier column", "Tier since"))
TEMPLATES = (mark("tier column", "{name} previous"), mark("tier column", "{name} since"))


def previous_headers(rs: RuleSet, lang: str, several: bool = False) -> tuple[str, str]:
    """``Previous tier`` / ``Tier since`` (``ABC previous`` / ``ABC since`` with several rule sets)."""
    if not several:
        return trc(lang, "tier column", GENERIC[0]), trc(lang, "tier column", GENERIC[1])  # i18n: marked
    base = rs.column or rs.name.upper()
    return (trc(lang, "tier column", TEMPLATES[0], name=base),  # i18n: marked
            trc(lang, "tier column", TEMPLATES[1], name=base))  # i18n: marked


def all_previous_headers(rulesets: Sequence[RuleSet]) -> frozenset[str]:
    """Every header these columns may have, in every language: a new run replaces them."""
    out: set[str] = set()
    for lang in languages():
        for rs in rulesets:
            for several in (False, True):
                out.update(previous_headers(rs, lang, several))
    return frozenset(out)


def previous_columns(results: Sequence[Classification], ids: Sequence[Any], previous: str | Path, *,
                     lang: str, several: bool, id_column: str | None = None) -> list[tuple[str, list[Any]]]:
    """Per rule set, the ``Previous tier`` and ``Tier since`` columns for the rows whose customer ids are
    ``ids`` (in the order of ``results``' rows)."""
    from .tables import open_table

    rulesets = [res.ruleset for res in results]
    old = open_table(previous, rulesets=rulesets)
    where = Where(file=display_path(previous), sheet=old.sheet)
    old_id = _id_header(old, rulesets[0], id_column)
    if old_id is None:
        raise TierkitError(msg("no customer id column in the previous file"), where=where,
                           hint=msg("give --id-column, or a file written by tierkit apply with the same rule set"))
    keys = id_keys(old.frame[old_id]).tolist()
    now_keys = [id_key(v) for v in ids]
    out = []
    for res in results:
        rs = res.ruleset
        header = _tier_id_column(old, rs, several)
        if header is None:
            raise TierkitError(
                msg("the previous file has no tier id column for rule set '{name}'", name=rs.name),
                where=where,
                hint=msg("give a file written by tierkit apply with this rule set"),
            )
        since_header = next((h for h in _since_headers(rs) if h in old.frame.columns), None)
        old_tier = dict(zip(keys, (_text(v) for v in old.frame[header].tolist()), strict=True))
        old_since = dict(zip(keys, old.frame[since_header].tolist(), strict=True)) if since_header else {}
        labels = {seg.id: seg.label.get(lang) for seg in rs.segments}
        now = res.binding.now.date() if res.binding.now is not None else dt.date.today()
        current = res.tier_ids()
        prev_col: list[Any] = []
        since_col: list[Any] = []
        for key, tier in zip(now_keys, current, strict=True):
            before = old_tier.get(key) if key is not None else None
            prev_col.append(", ".join(labels.get(t.strip(), t.strip()) for t in before.split(",")) if before else None)
            if before is not None and before == tier:
                since_col.append(_date(old_since.get(key)))
            else:
                since_col.append(now if tier else None)
        heads = previous_headers(rs, lang, several)
        out.extend([(heads[0], prev_col), (heads[1], since_col)])
    return out


def _id_header(old: RawTable, rs: RuleSet, id_column: str | None) -> str | None:
    """The previous file's id column: ``id_column``, else the rule set's ``role: id`` field (as
    :func:`tierkit.app.apply.id_header` finds it)."""
    from ..names import find_column

    fdef = rs.id_field
    name = id_column or (fdef.name if fdef is not None else None)
    if name is None:
        return None
    header = find_column(old.frame, name, rs.fields)
    return None if header is None else str(header)


def _tier_id_column(old: RawTable, rs: RuleSet, several: bool) -> str | None:
    present = set(old.frame.columns)
    for lang in languages():
        for sev in (several, not several):
            header = tier_columns(rs, lang, sev).id
            if header in present:
                return header
    return None


def _since_headers(rs: RuleSet) -> list[str]:
    return [previous_headers(rs, lang, several)[1] for lang in languages() for several in (False, True)]


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(value)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed is not None else None
