"""The names of the exercise methods, without loading them: ``tierkit exercise new --help`` lists them and
stays light (the plugins in :mod:`.methods` import numpy, pandas and the rule-set loader).
``tests/exercise/test_names.py`` checks that this list is the registered plugins'."""

from __future__ import annotations

#: the built-in rule sets with an exercise plugin, in the order of :func:`.plugin.exercise_methods`
METHOD_NAMES: tuple[str, ...] = ("abc", "fit", "lifecycle", "rfm", "value")
