"""Suite-wide settings: hypothesis runs derandomized (the same examples on every CI run) unless
``--hypothesis-profile=explore`` asks for fresh random examples."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile("ci")
