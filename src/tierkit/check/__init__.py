"""``tierkit rules check`` and ``rules show``: static checks, DMN-style gap/overlap reports, the printed rule set.

* :mod:`.static`: what the rules alone show (a grid of test points decides shadowed segments and gaps);
* :mod:`.names`: names no field, feature or param declares, and feature specs (did-you-mean warnings);
* :mod:`.data`: gaps, overlaps and blanks on the rows of a table (``--data``, the add-in's check sheet);
* :mod:`.show`: ``rules show``.
"""

from __future__ import annotations

from .data import GapOverlap, check_data, gaps_and_overlaps
from .report import LEVELS, CheckReport, Finding
from .show import FIELD_TYPES, show_ruleset
from .static import GRID_LIMIT, OTHER_TEXT, check_static

__all__ = ["FIELD_TYPES", "GRID_LIMIT", "LEVELS", "OTHER_TEXT", "CheckReport", "Finding", "GapOverlap",
           "check_data", "check_static", "gaps_and_overlaps", "show_ruleset"]
