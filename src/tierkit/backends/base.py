"""The backend seam: a :class:`Backend` evaluates a bound rule set into matches and errors per segment.

Hit policies, reasons and checks are written once over what :meth:`Backend.evaluate` returns; a backend only
says which constructs it refuses (``not_supported``: rule-engine node class -> construct) and evaluates.
Backends are registered by name (:func:`register`); an unknown name is a :class:`~tierkit.errors.TierkitError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from ..errors import TierkitError, listing, msg

if TYPE_CHECKING:
    from ..bind import Binding

Masks = dict[str, np.ndarray]


@runtime_checkable
class Backend(Protocol):
    """Evaluates every conditional segment of a :class:`~tierkit.bind.Binding`."""

    name: str
    #: rule-engine node class name -> the construct's name, for what this backend refuses at compile time
    not_supported: Mapping[str, str]

    def evaluate(self, binding: Binding) -> tuple[Masks, Masks]:
        """Per segment id: (matches, errors) boolean arrays of ``binding.n`` rows; matches is False where
        errors is True.  Raises :class:`~tierkit.errors.UnsupportedExpression` for a refused construct."""
        ...


_FACTORIES: dict[str, Callable[[], Backend]] = {}
_ALIASES: dict[str, str] = {}
_MADE: dict[str, Backend] = {}


def register(name: str, factory: Callable[[], Backend], *, aliases: tuple[str, ...] = ()) -> None:
    """Make ``factory()`` the backend called ``name`` (and each alias); it is made on first use."""
    _FACTORIES[name] = factory
    _MADE.pop(name, None)
    for alias in aliases:
        _ALIASES[alias] = name


def backend_names(*, aliases: bool = False) -> tuple[str, ...]:
    """The registered backend names (with ``aliases``: the aliases too), in registration order."""
    return (*_FACTORIES, *(_ALIASES if aliases else ()))


def get_backend(name: str) -> Backend:
    """The backend called ``name`` (``compiled`` is ``numpy``).  Unknown: TierkitError listing the names."""
    key = _ALIASES.get(name, name)
    if key not in _FACTORIES:
        raise TierkitError(msg("unknown engine '{name}'; choose one of {names}",
                               name=name, names=listing(backend_names(aliases=True))))
    if key not in _MADE:
        _MADE[key] = _FACTORIES[key]()
    return _MADE[key]
