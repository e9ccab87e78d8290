"""The method names ``exercise new --help`` offers without loading the plugins are the registered plugins'."""

from __future__ import annotations

from tierkit.exercise import METHODS
from tierkit.exercise.names import METHOD_NAMES
from tierkit.exercise.plugin import exercise_methods


def test_method_names_are_the_registered_plugins() -> None:
    assert METHOD_NAMES == METHODS == exercise_methods()
