"""The wheel carries every package, the rule library and the report templates."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_source_package_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject [tool.setuptools] packages: {sorted(found - listed)}"


def test_builtin_rules_and_templates_are_package_data() -> None:
    from tierkit.ruleset import builtin_dir, builtin_names

    assert {"abc", "rfm", "value", "lifecycle", "fit", "profit"} <= set(builtin_names())
    assert (builtin_dir() / "README.md").exists()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]
    assert "*.yaml" in data["tierkit._rules"]
    assert any(p.startswith("templates/") for p in data["tierkit._reports"])
