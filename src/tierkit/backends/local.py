"""The in-process backends: numpy (the vectorised compiler) and the rule-engine oracle (row by row)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..compile.pandas_backend import PandasCompiler
from .base import Masks

if TYPE_CHECKING:
    from ..bind import Binding


class NumpyBackend:
    """rule-engine's tree compiled to numpy over the bound columns (``--engine numpy``, alias ``compiled``)."""

    name = "numpy"
    not_supported: Mapping[str, str] = PandasCompiler.NOT_SUPPORTED

    def evaluate(self, binding: Binding) -> tuple[Masks, Masks]:
        from ..oracle import evaluate_compiled

        return evaluate_compiled(binding)


class OracleBackend:
    """Row-by-row ``rule_engine.Rule.evaluate``: slow and obviously right (``--engine oracle``)."""

    name = "oracle"
    not_supported: Mapping[str, str] = {}

    def evaluate(self, binding: Binding) -> tuple[Masks, Masks]:
        from ..oracle import evaluate_oracle

        return evaluate_oracle(binding)
