"""rules/README.md documents every built-in rule set (a row in its table and a section in en and zh) and every
feature kind a rule file may use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tierkit.features.registry import KINDS
from tierkit.ruleset.loader import builtin_dir

README = builtin_dir() / "README.md"
RULE_FILES = sorted(builtin_dir().glob("*.yaml"))


def text() -> str:
    return README.read_text(encoding="utf-8")


def sections(level: str) -> dict[str, str]:
    """Heading line -> the text under it up to the next heading of the same or a higher level."""
    parts = re.split(rf"^({level} .*)$", text(), flags=re.M)
    out = {}
    for i in range(1, len(parts), 2):
        body = parts[i + 1]
        out[parts[i]] = re.split(rf"^#{{1,{len(level)}}} ", body, maxsplit=1, flags=re.M)[0]
    return out


def named(heading: str) -> set[str]:
    """The backquoted names before the heading's colon: ``### `stages_presale`, `stages`: ...``."""
    return set(re.findall(r"`([a-z_]+)`", heading.split(":", 1)[0]))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_every_rule_file_has_a_table_row_and_a_section_in_both_languages(path: Path) -> None:
    table = sections("###")["### The built-in rule sets"]
    assert re.search(rf"^\| `{path.stem}` \| [^|]+ \| [^|]+ \|$", table, flags=re.M), f"no table row for {path.stem}"
    found = [body for heading, body in sections("###").items() if path.stem in named(heading)]
    assert len(found) == 1, f"{path.stem}: {len(found)} sections"
    body = found[0]
    assert "**en.**" in body and "**中文。**" in body, path.stem
    en, zh = body.split("**中文。**", 1)
    assert len(en.split()) >= 40 and len(re.findall(r"[\u4e00-\u9fff]", zh)) >= 60, path.stem


def test_no_section_for_a_rule_set_that_is_not_there() -> None:
    stems = {p.stem for p in RULE_FILES}
    documented = {name for heading in sections("###") for name in named(heading)
                  if re.match(r"### `[a-z_]+`(, `[a-z_]+`)*: ", heading)}
    assert documented <= stems
    table = sections("###")["### The built-in rule sets"]
    assert set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M)) == stems


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_feature_kind_is_documented(kind: str) -> None:
    found = [body for heading, body in sections("####").items() if kind in named(heading)]
    assert len(found) == 1, f"{kind}: {len(found)} sections"
    assert f"{kind}" in found[0] and len(found[0].split()) >= 15, kind


def test_no_reference_to_a_missing_features_document() -> None:
    root = builtin_dir().parent
    for path in [*root.joinpath("src").rglob("*.py"), README]:
        for ref in re.findall(r"rules/[A-Z_]+\.md", path.read_text(encoding="utf-8")):
            assert (root / ref).exists(), f"{path} points to {ref}"
