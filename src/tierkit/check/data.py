"""``rules check --data`` and the add-in's check sheet: DMN-style gaps and overlaps of a rule set on rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..bind import TableSource
from ..hitpolicy import Shadow, conditional, hit_matrix
from ..i18n import join, tr
from ..ruleset.model import RuleSet
from .report import CheckReport


@dataclass(frozen=True)
class GapOverlap:
    """DMN-style completeness of a rule set on some rows, under its hit policy.

    ``gaps``: rows no condition matches (they go to the default segment, if any); ``overlaps``: rows that
    several conditions match (an error when ``ruleset.policy.overlap_is_error``); ``matched``: rows per
    segment id (the default segment's are the gaps); ``blank``: per conditional segment, the rows its
    condition could not be evaluated on (a blank or invalid value); ``shadowed``: the segments the policy
    never chooses (``by`` empty: they match no row).  Row numbers are 0-based positions in the table.
    """

    ruleset: RuleSet
    n: int
    gaps: np.ndarray
    overlaps: np.ndarray
    matched: dict[str, int]
    blank: dict[str, np.ndarray]
    shadowed: tuple[Shadow, ...]
    matches: dict[str, np.ndarray] = field(repr=False)

    @classmethod
    def from_masks(cls, rs: RuleSet, matches: dict[str, np.ndarray], errors: dict[str, np.ndarray],
                   n: int) -> GapOverlap:
        """From the engine's per-segment ``matches`` and ``errors`` masks."""
        segs = rs.segments
        hits = hit_matrix(segs, matches, n, errors)
        count = hits.sum(axis=1)
        gaps = np.flatnonzero(count == 0)
        own = {segs[k].id: hits[:, j] for j, k in enumerate(conditional(segs))}
        matched = {s.id: int(own[s.id].sum()) if s.id in own else len(gaps) for s in segs}
        blank = {sid: np.flatnonzero(errors[sid]) if sid in errors else np.zeros(0, dtype=np.intp) for sid in own}
        return cls(ruleset=rs, n=n, gaps=gaps, overlaps=np.flatnonzero(count > 1), matched=matched, blank=blank,
                   shadowed=tuple(rs.policy.shadowed(segs, own)), matches=own)

    def matching(self, row: int) -> list[str]:
        """The ids of the conditional segments that match ``row``."""
        return [sid for sid, m in self.matches.items() if m[row]]

    @property
    def taken_over(self) -> list[Shadow]:
        """Segments that match rows, all of which segments tried before them take."""
        return [s for s in self.shadowed if s.by]

    def problems(self, lang: str = "en") -> list[str]:
        """What needs fixing: gaps without a default, overlaps the policy forbids, segments taken over."""
        rs, out = self.ruleset, []
        if len(self.gaps) and rs.default_segment is None:
            out.append(tr(lang, "gaps: add a default segment or widen the conditions"))
        if len(self.overlaps) and rs.policy.overlap_is_error:
            out.append(tr(lang, "overlaps under hit_policy {name}: make the conditions exclusive", name=rs.policy.name))
        return out + self.taken_over_texts(lang)

    def taken_over_texts(self, lang: str = "en") -> list[str]:
        out = []
        for shadow in self.taken_over:
            sid = self.ruleset.segments[shadow.segment].id
            count = self.matched[sid]
            out.append(tr(lang, "segment '{id}' matches {n} rows but earlier segments take all of them", id=sid,
                          n=f"{count:,}"))
        return out


def gaps_and_overlaps(rs: RuleSet, frame: pd.DataFrame, *, as_of: dt.date | None = None,
                      source: TableSource | None = None) -> GapOverlap:
    """Evaluate ``rs`` on ``frame`` and report its gaps and overlaps.  Nothing is resolved, so a ``unique``
    rule set with overlaps gives its overlapping rows here where :func:`tierkit.classify` raises."""
    from ..bind import bind
    from ..oracle import evaluate_compiled

    binding = bind(rs, frame, as_of=as_of, source=source)
    matches, errors = evaluate_compiled(binding)
    return GapOverlap.from_masks(rs, matches, errors, binding.n)


# -- with data ----------------------------------------------------------------------------------
def check_data(rs: RuleSet, frame: pd.DataFrame, *, as_of: dt.date | None = None,
               source: TableSource | None = None, lang: str = "en") -> CheckReport:
    """Gaps, overlaps and blanks of ``rs`` on the rows of ``frame`` (messages in ``lang``)."""
    report = CheckReport(rs, lang=lang)
    found = gaps_and_overlaps(rs, frame, as_of=as_of, source=source)
    rownum = _row_numbers(frame, source)

    def examples(idx: np.ndarray) -> str:
        shown = ", ".join(rownum(i) for i in idx[:8])
        return shown + (", ..." if len(idx) > 8 else "")

    report.add("info", tr(lang, "{n} rows checked", n=f"{found.n:,}"))
    for s in rs.segments:
        if s.id not in found.blank:
            continue
        errs, label, matched = found.blank[s.id], s.label.get(lang), f"{found.matched[s.id]:,}"
        if len(errs):
            report.add("info", tr(lang, "segment '{id}' ({label}): {n} rows match; {blank} rows could not be "
                                        "evaluated (blank or invalid values), e.g. rows {rows}", id=s.id, label=label,
                                  n=matched, blank=f"{len(errs):,}", rows=examples(errs)))
        else:
            report.add("info", tr(lang, "segment '{id}' ({label}): {n} rows match", id=s.id, label=label, n=matched))
    gaps = found.gaps
    if len(gaps):
        if rs.default_segment is not None:
            report.add("info", tr(lang, "{n} rows match no condition and go to the default '{id}', e.g. rows {rows}",
                                  n=f"{len(gaps):,}", id=rs.default_segment.id, rows=examples(gaps)))
        else:
            report.add("warning", tr(lang, "gap: {n} rows match no segment, e.g. rows {rows}", n=f"{len(gaps):,}",
                                     rows=examples(gaps)))
    over = found.overlaps
    if len(over):
        first = int(over[0])
        policy = rs.policy
        report.add("error" if policy.overlap_is_error else "info",
                   tr(lang, "overlap: {n} rows match several segments, e.g. rows {rows}; row {row} matches "
                            "{segments}{note}", n=f"{len(over):,}", rows=examples(over), row=rownum(first),
                      segments=join(lang, found.matching(first)), note=policy.overlap_note(lang)))
    for text in found.taken_over_texts(lang):
        report.add("warning", text)
    return report


def _row_numbers(frame: pd.DataFrame, source: TableSource | None) -> Any:
    """Table row -> the row number the user sees (the Excel row), as text."""
    if source is not None and source.row_number is None and source.cell_ref is not None and len(frame.columns):
        col, ref = frame.columns[0], source.cell_ref  # only cell addresses: the row is in them

        def sheet_row(i: int) -> str:
            return "".join(ch for ch in ref(int(i), col).split("!")[-1] if ch.isdigit())
        return sheet_row
    if source is not None:
        return lambda i: str(source.row(int(i)))
    return lambda i: str(int(i) + 1)


