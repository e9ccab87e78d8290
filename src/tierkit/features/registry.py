"""The feature kinds by name, and the parsing of a ``features:`` list into typed specs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tierkit.errors import RuleFileError, Where, did_you_mean, listing, msg
from tierkit.features.from_orders import FromOrders
from tierkit.features.kinds import (
    DaysSince,
    Difference,
    Flags,
    ParetoShare,
    PercentRank,
    QuantileScore,
    Ratio,
    Share,
    Sum,
)
from tierkit.features.order_mix import ProductFromOrders, SeasonFromOrders
from tierkit.features.order_stats import Choose, Multiply, OrderStats
from tierkit.features.specs import FeatureSpec

__all__ = ["KINDS", "FeatureSpec", "as_specs", "describe_feature", "feature_outputs", "feature_texts",
           "parse_feature", "parse_features"]

#: kind key -> its spec class, in the order error messages list them
KINDS: dict[str, type[FeatureSpec]] = {cls.kind: cls for cls in (
    FromOrders, ParetoShare, Share, QuantileScore, PercentRank, DaysSince, Sum, Difference, Ratio, Flags,
    SeasonFromOrders, ProductFromOrders, OrderStats, Multiply, Choose)}
_COMMON = ("as", "optional")


def parse_feature(raw: Any, index: int, *, file: str | None = None, line: int | None = None) -> FeatureSpec:
    """One entry of a ``features:`` list -> its typed spec; a RuleFileError names ``features[index]``."""
    where = Where(file=file, line=line)

    def fail(rest: str, hint: str | None = None) -> RuleFileError:
        return RuleFileError(msg("features[{index}]{rest}", index=index, rest=rest), where=where, hint=hint)

    if not isinstance(raw, Mapping):
        raise fail(msg(" must be a mapping like {pareto_share: revenue, as: x}"))
    kinds = [k for k in raw if k in KINDS]
    if len(kinds) != 1:
        options = {key for cls in KINDS.values() for key in cls.option_keys()}
        unknown = [k for k in raw if k not in _COMMON and k not in options]
        raise fail(
            msg(
                " needs exactly one of {kinds}; got {value}",
                kinds=listing(KINDS),
                value=", ".join(map(str, raw)) or "nothing",
            ),
            hint=did_you_mean(str(unknown[0]), KINDS) if unknown else None,
        )
    kind = kinds[0]
    return KINDS[kind].validate(raw[kind], {k: v for k, v in raw.items() if k != kind}, fail, line)


def parse_features(raw: Sequence[Any], *, file: str | None = None,
                   lines: Sequence[int | None] = ()) -> tuple[FeatureSpec, ...]:
    """A ``features:`` list -> typed specs (``lines``: the line of each entry, for messages)."""
    return tuple(parse_feature(item, i, file=file, line=lines[i] if i < len(lines) else None)
                 for i, item in enumerate(raw))


def as_specs(specs: Iterable[FeatureSpec | Mapping[str, Any]] | None, source: str | None = None
             ) -> tuple[FeatureSpec, ...]:
    """Typed specs as they are; mappings (as a rule file writes them) parsed."""
    return tuple(spec if isinstance(spec, FeatureSpec) else parse_feature(spec, i, file=source)
                 for i, spec in enumerate(specs or []))


def feature_outputs(specs: Iterable[FeatureSpec | Mapping[str, Any]] | None) -> list[str]:
    """The columns a ``features:`` list can add (for load-time checks of the expressions)."""
    return [name for spec in as_specs(specs) for name in spec.outputs()]


def feature_texts(specs: Iterable[FeatureSpec | Mapping[str, Any]] | None) -> set[str]:
    """Every text in the specs: the names a binding must hand over to the features."""
    return set().union(*(spec.texts() for spec in as_specs(specs)))


def describe_feature(meta: Mapping[str, Any], lang: str = "en") -> str:
    """The summary-sheet line of one feature's metadata (by its kind), in ``lang``."""
    cls = KINDS.get(str(meta.get("kind")), FeatureSpec)
    return cls.describe(meta, lang)
