"""Hit policies as objects: how a row that several segments match gets its tier.

Every policy works on per-segment boolean masks (the engine's ``matches``, and optionally its ``errors``:
a row whose condition could not be evaluated does not match), so the engine, ``rules check`` (on a grid of
test points or on data) and the add-in's gap/overlap sheet share one implementation:

- :meth:`HitPolicy.resolve`: the tier index per row (-1: none) and, under ``collect``, every matching segment;
- :meth:`HitPolicy.shadowed`: the segments that can never be a row's result given the masks;
- :attr:`HitPolicy.overlap_is_error`: whether a row matching several segments is an error;
- :meth:`HitPolicy.overlap_note`: what reports say about such rows.

Look a policy up by name with :func:`get_policy`; :data:`POLICY_NAMES` lists them.
This module imports nothing from the rule-set model: anything with ``id``, ``default`` and ``priority``
is a segment here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Protocol, get_args

import numpy as np

from .errors import OverlapError, RuleFileError, Where, did_you_mean, listing, msg
from .i18n import mark, trc

HitPolicyName = Literal["first", "unique", "priority", "collect"]


class SegmentLike(Protocol):
    """What a policy reads of a segment."""

    @property
    def id(self) -> str: ...

    @property
    def default(self) -> bool: ...

    @property
    def priority(self) -> int: ...


Masks = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Resolution:
    """Per row: the index of its segment (-1: none); under ``collect`` also every segment it gets."""

    tier: np.ndarray
    collected: list[list[int]] | None = None


@dataclass(frozen=True)
class Shadow:
    """A segment that is never a row's result: ``by`` are the segments that take its rows first
    (empty when it matches nothing at all)."""

    segment: int
    by: tuple[int, ...] = ()


def hit_matrix(segments: Sequence[SegmentLike], matches: Masks, n: int, errors: Masks | None = None,
               order: Sequence[int] | None = None) -> np.ndarray:
    """(rows x segments) booleans: the conditional segments' matches in ``order`` (default: file order),
    with rows that could not be evaluated counted as not matching."""
    cols = list(order) if order is not None else conditional(segments)
    out = np.zeros((n, len(cols)), dtype=bool)
    for j, k in enumerate(cols):
        sid = segments[k].id
        out[:, j] = matches[sid]
        if errors is not None and sid in errors:
            out[:, j] &= ~np.asarray(errors[sid], dtype=bool)
    return out


def conditional(segments: Sequence[SegmentLike]) -> list[int]:
    """Indexes of the segments with a condition (every segment but the default), in file order."""
    return [k for k, s in enumerate(segments) if not s.default]


def default_index(segments: Sequence[SegmentLike]) -> int | None:
    return next((k for k, s in enumerate(segments) if s.default), None)


class HitPolicy(ABC):
    """One hit policy.  Subclasses set ``name`` and ``overlap_is_error`` and implement :meth:`resolve`."""

    name: ClassVar[HitPolicyName]
    overlap_is_error: ClassVar[bool] = False
    collects: ClassVar[bool] = False  # a row gets every matching segment, not one
    #: what reports add after a count of rows several segments match (``mark("overlap note", ...)``)
    _note: ClassVar[str] = ""

    def order(self, segments: Sequence[SegmentLike]) -> list[int]:
        """The conditional segments in the order the policy tries them."""
        return conditional(segments)

    @abstractmethod
    def resolve(self, segments: Sequence[SegmentLike], matches: Masks, n: int, *, errors: Masks | None = None,
                where: Where | None = None, rows: Callable[[int], int] | None = None) -> Resolution:
        """The segment of each row (the default one when no condition matches).  ``rows`` gives a row's number
        as the user sees it (the Excel row) for messages; by default the 1-based position."""

    def shadowed(self, segments: Sequence[SegmentLike], matches: Masks) -> list[Shadow]:
        """Segments never chosen: here, those that match no row at all (policies that pick one refine it)."""
        return [Shadow(k) for k in self.order(segments) if not np.any(matches[segments[k].id])]

    def overlap_note(self, lang: str = "en") -> str:
        """What a report adds after a count of rows that several segments match (empty: they are errors)."""
        return trc(lang, "overlap note", self._note, name=self.name) if self._note else ""  # i18n: marked

    def __repr__(self) -> str:
        return f"<hit policy {self.name}>"


def pick_first(segments: Sequence[SegmentLike], hits: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """Per row: the first segment of ``order`` whose column of ``hits`` is set, else the default, else -1."""
    any_hit = hits.any(axis=1)
    tier = np.full(len(hits), -1, dtype=np.int32)
    if len(order):
        tier[any_hit] = np.asarray(order, dtype=np.int32)[hits.argmax(axis=1)[any_hit]]
    fallback = default_index(segments)
    if fallback is not None:
        tier[~any_hit] = fallback
    return tier


class First(HitPolicy):
    """The first matching segment in file order wins."""

    name: ClassVar[HitPolicyName] = "first"
    _note: ClassVar[str] = mark("overlap note", " (resolved by hit policy {name})")

    def resolve(self, segments: Sequence[SegmentLike], matches: Masks, n: int, *, errors: Masks | None = None,
                where: Where | None = None, rows: Callable[[int], int] | None = None) -> Resolution:
        order = self.order(segments)
        return Resolution(pick_first(segments, hit_matrix(segments, matches, n, errors, order), order))

    def shadowed(self, segments: Sequence[SegmentLike], matches: Masks) -> list[Shadow]:
        """Segments whose every matching row one tried before (in the policy's order) takes."""
        order = self.order(segments)
        out = []
        taken: np.ndarray | None = None
        for i, k in enumerate(order):
            m = np.asarray(matches[segments[k].id], dtype=bool)
            if taken is None:
                taken = np.zeros_like(m)
            if not (m & ~taken).any():
                out.append(Shadow(k, tuple(o for o in order[:i] if (matches[segments[o].id] & m).any())))
            taken |= m
        return out


class Priority(First):
    """The matching segment with the lowest ``priority`` number wins (ties: file order)."""

    name: ClassVar[HitPolicyName] = "priority"

    def order(self, segments: Sequence[SegmentLike]) -> list[int]:
        return sorted(conditional(segments), key=lambda k: (segments[k].priority, k))


class Unique(HitPolicy):
    """At most one segment may match a row; a row matching several is an error.  Segments never overlap,
    so only one that matches nothing is never chosen (the base class's :meth:`shadowed`)."""

    name: ClassVar[HitPolicyName] = "unique"
    overlap_is_error = True

    def resolve(self, segments: Sequence[SegmentLike], matches: Masks, n: int, *, errors: Masks | None = None,
                where: Where | None = None, rows: Callable[[int], int] | None = None) -> Resolution:
        order = self.order(segments)
        hits = hit_matrix(segments, matches, n, errors, order)
        over = np.flatnonzero(hits.sum(axis=1) > 1)
        if len(over):
            first = over[0]
            which = [segments[order[j]].id for j in np.flatnonzero(hits[first])]
            row_of = rows or (lambda i: i + 1)
            listed = ", ".join(str(row_of(int(r))) for r in over[:10])
            raise OverlapError(
                msg("{n} rows match more than one segment under hit_policy 'unique' (rows {listed}{more}; "
                    "row {row} matches {names})", n=len(over), listed=listed, more="..." if len(over) > 10 else "",
                    row=row_of(int(first)), names=listing(which)),
                where=where,
                hint=msg("make the conditions exclusive, or use hit_policy: first; run 'tierkit rules check --data' "
                         "for the full list"))
        return Resolution(pick_first(segments, hits, order))


class Collect(HitPolicy):
    """A row gets every matching segment (the default one only when none matched)."""

    name: ClassVar[HitPolicyName] = "collect"
    collects = True
    _note: ClassVar[str] = mark("overlap note", " (hit policy {name} keeps them all)")

    def resolve(self, segments: Sequence[SegmentLike], matches: Masks, n: int, *, errors: Masks | None = None,
                where: Where | None = None, rows: Callable[[int], int] | None = None) -> Resolution:
        order = self.order(segments)
        hits = hit_matrix(segments, matches, n, errors, order)
        fallback = default_index(segments)
        alone = [] if fallback is None else [fallback]
        collected = [[order[j] for j in np.flatnonzero(row)] or list(alone) for row in hits]
        tier = np.fromiter((c[0] if c else -1 for c in collected), dtype=np.int32, count=n)
        return Resolution(tier, collected)


POLICIES: dict[str, HitPolicy] = {p.name: p for p in (First(), Unique(), Priority(), Collect())}
POLICY_NAMES: tuple[HitPolicyName, ...] = get_args(HitPolicyName)


def get_policy(name: str) -> HitPolicy:
    """The policy called ``name`` (case-insensitive); an unknown name is a :class:`RuleFileError`."""
    policy = POLICIES.get(str(name).strip().lower())
    if policy is None:
        raise RuleFileError(msg("unknown hit_policy '{name}'", name=name),
                            hint=did_you_mean(str(name), POLICY_NAMES) or msg("use one of {names}",
                                                                              names=listing(POLICY_NAMES)))
    return policy
