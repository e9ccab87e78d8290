"""The rule-set model: frozen dataclasses, no I/O."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from ..hitpolicy import HitPolicy, HitPolicyName, get_policy
from ..i18n import trc
from .text import Text

if TYPE_CHECKING:
    from ..features.specs import FeatureSpec
    from ..numfmt import FieldFormat

FIELD_TYPES: tuple[str, ...] = ("string", "int", "float", "date", "datetime", "bool")
#: what a field may be for besides its value: ``id`` names the customer (one field per rule set at most); the
#: table reader uses it to tell customers from total, subtotal and note lines (see ``tierkit.app.rows``)
FIELD_ROLES: tuple[str, ...] = ("id",)


Signal = Literal["value", "risk", "neutral"]
SIGNALS: tuple[str, ...] = ("value", "risk", "neutral")
#: field metadata of an attribute the loader sets that is not a key of the rule file
#: (the keys a rule file may write are read from the dataclass fields, see ``ruleset/schema.py``)
NOT_A_KEY = MappingProxyType({"key": False})


@dataclass(frozen=True)
class Field:
    """A declared input column: its type and the header texts it may appear under."""

    name: str = field(metadata=NOT_A_KEY)  # the key of its entry under ``fields:``
    type: str = "string"
    aliases: tuple[str, ...] = ()
    label: Text | None = None
    line: int | None = field(default=None, metadata=NOT_A_KEY)
    optional: bool = False  # absent from the table: every row reads as blank
    role: str | None = None  # one of FIELD_ROLES: ``id`` marks the customer id column
    format: str | None = None  # one of tierkit.numfmt.FORMATS: how its values read (``percent``, ``money``, ...)
    decimals: int | None = None  # digits after the point its values show (a default per format)
    #: how a comparison of the field with a value reads in plain words, per operator (``<``, ``<=``, ``>``,
    #: ``>=``, ``==``): a text with ``{value}`` (``the customers who together bring the first {value} ...``)
    reads: tuple[tuple[str, Text], ...] = ()

    def reading(self, op: str) -> Text | None:
        """The plain-words text of ``field <op> value`` (``op``: ``<``, ``<=``, ``>``, ``>=``, ``==``), if any."""
        return dict(self.reads).get(op)

    def display(self, lang: str = "en") -> str:
        if self.label is not None:
            return self.label.get(lang)
        return self.name

    @property
    def value_format(self) -> FieldFormat:
        """The one formatter of this field's values (:class:`tierkit.numfmt.FieldFormat`); an id field reads
        as an id."""
        from ..numfmt import FieldFormat

        kind = self.format or ("id" if self.role == "id" else None)
        return FieldFormat(kind, self.decimals)


@dataclass(frozen=True)
class Segment:
    """One tier.  ``when`` is a rule-engine expression; a default segment has none.

    ``actions``, ``key_fields``, ``risk_reason`` and ``signal`` are for the briefs and the cross-tab.
    """

    id: str
    label: Text
    when: str | None = None
    default: bool = False
    color: str | None = None
    strategies: tuple[Text, ...] = ()
    description: Text | None = None
    priority: int = 0
    actions: tuple[Text, ...] = ()  # the brief's "actions this month" checklist
    key_fields: tuple[str, ...] = ()  # fields the brief's chart compares between this tier and the rest
    risk_reason: str | None = None  # a column whose text says why
    signal: Signal | None = None  # value/risk: a row that is value in one rule set and risk in another is flagged
    rank: int | None = None  # 1 = best; tier movement (``tierkit compare``) calls a move up or down by it
    line: int | None = field(default=None, metadata=NOT_A_KEY)  # YAML line, or the row of a rules table
    when_line: int | None = field(default=None, metadata=NOT_A_KEY)


@dataclass(frozen=True)
class RuleSet:
    """A named, ordered list of segments with a hit policy and field declarations."""

    name: str
    title: Text
    segments: tuple[Segment, ...]
    hit_policy: HitPolicyName = "first"  # the name, as written in the file and shown in messages
    fields: dict[str, Field] = field(default_factory=dict)
    measure: str | None = None
    description: Text | None = None
    column: str | None = None
    params: dict[str, float] = field(default_factory=dict)
    features: tuple[FeatureSpec, ...] = ()
    path: Path | None = field(default=None, metadata=NOT_A_KEY)
    source: str = field(default="", metadata=NOT_A_KEY)  # the text it was read from (YAML, or the rows)

    @property
    def display_path(self) -> str:
        from ..errors import display_path

        return display_path(self.path) if self.path else f"<{self.name}>"

    @property
    def digest(self) -> str:
        """Short hash of the rule file text (printed on reports so a page traces to its rules)."""
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:10]

    def segment(self, segment_id: str) -> Segment:
        for seg in self.segments:
            if seg.id == segment_id:
                return seg
        raise KeyError(segment_id)

    @property
    def policy(self) -> HitPolicy:
        """The hit policy object (``resolve``, ``shadowed``, ``overlap_is_error``) named by ``hit_policy``."""
        return get_policy(self.hit_policy)

    @property
    def default_segment(self) -> Segment | None:
        for seg in self.segments:
            if seg.default:
                return seg
        return None

    @property
    def conditional_segments(self) -> tuple[Segment, ...]:
        return tuple(s for s in self.segments if s.when is not None)

    @property
    def id_field(self) -> Field | None:
        """The field marked ``role: id`` (the customer id), or None."""
        for fdef in self.fields.values():
            if fdef.role == "id":
                return fdef
        return None

    def output_name(self, lang: str = "en") -> str:
        """Base header of the output columns: ``Tier`` for one rule set, or the rule set's column name."""
        if self.column:
            return self.column
        return trc(lang, "tier column", "Tier")

    def formats(self) -> dict[str, FieldFormat]:
        """Each declared field's formatter (:attr:`Field.value_format`)."""
        return {name: f.value_format for name, f in self.fields.items()}

    def with_params(self, overrides: dict[str, float]) -> RuleSet:
        from dataclasses import replace

        params = dict(self.params)
        params.update(overrides)
        return replace(self, params=params)
