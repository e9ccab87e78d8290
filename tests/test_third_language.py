"""A third language is a file, not code: a Japanese catalogue made the way docs/translating.md says (a copy of
the Chinese .po, partly translated, compiled with Babel), found through ``$TIERKIT_LOCALE_PATH``, and a rule
file with Japanese labels give Japanese output; what is not translated comes out in English."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tierkit import classify, i18n, parse_ruleset
from tierkit.app.apply import apply_rulesets
from tierkit.app.columns import tier_columns
from tierkit.app.tables import open_table


def _engine_speaks_any_language() -> bool:
    """Reasons and numbers in any language need the engine's words from the catalogue (branch i18n-engine)."""
    from tierkit.numfmt import fmt_value

    try:
        fmt_value(None, "ja")
    except KeyError:
        return False
    return True


needs_engine_words = pytest.mark.skipif(not _engine_speaks_any_language(),
                                        reason="the engine's word tables are keyed by en/zh (merge wt-i18n-engine)")
JA = {("tier column", "Tier"): "階層", ("tier column", "Tier ID"): "階層ID", "wrote {path}": "{path} に書き込みました"}

RULES = """\
name: vip
title: {en: VIP accounts, zh: 重点客户, ja: 重要顧客}
segments:
  - id: key
    label: {en: Key account, zh: 关键客户, ja: 重要顧客}
    when: revenue >= 100
  - id: other
    label: {en: Other, zh: 其他}
    default: true
"""


def write_catalogue(folder: Path, lang: str, texts: dict[object, str]) -> Path:
    """A copy of the Chinese catalogue with every text cleared but ``texts`` ((context, id) or id -> text),
    compiled to ``folder/<lang>/LC_MESSAGES/tierkit.mo``."""
    with (i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "tierkit.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    for msg in catalog:
        if msg.id:
            key = (msg.context, msg.id) if msg.context else msg.id
            msg.string = texts.get(key, "") if not isinstance(msg.id, tuple) else ("",)
    out = folder / lang / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "tierkit.mo").open("wb") as fh:
        write_mo(fh, catalog)
    return folder


@pytest.fixture
def ja_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = write_catalogue(tmp_path / "locale", "ja", JA)
    monkeypatch.setenv(i18n.LOCALE_PATH_ENV, str(folder))
    i18n.reload()
    yield folder
    monkeypatch.undo()
    i18n.reload()


def test_a_catalogue_in_a_folder_adds_a_language(ja_locale: Path) -> None:
    assert i18n.languages() == ("en", "ja", "zh")
    assert i18n.tr("ja", "wrote {path}", path="a.csv") == "a.csv に書き込みました"
    assert i18n.trc("ja", "tier column", "Tier reason") == "Tier reason"  # not translated: English
    assert i18n.tr("zh", "wrote {path}", path="a.csv") == "已写入 a.csv"  # the built-in catalogues still count


def test_without_the_folder_there_is_no_third_language() -> None:
    assert "ja" not in i18n.languages() and i18n.tr("ja", "wrote {path}", path="a") == "wrote a"


def test_a_catalogue_in_a_folder_comes_before_the_built_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    folder = write_catalogue(tmp_path / "locale", "zh", {"wrote {path}": "写好了 {path}"})
    monkeypatch.setenv(i18n.LOCALE_PATH_ENV, str(folder))
    i18n.reload()
    try:
        assert i18n.tr("zh", "wrote {path}", path="a") == "写好了 a"
        assert i18n.trc("zh", "tier column", "Tier") == "层级"  # the rest: the built-in Chinese catalogue
    finally:
        monkeypatch.undo()
        i18n.reload()
    assert i18n.tr("zh", "wrote {path}", path="a") == "已写入 a"


def test_japanese_labels_and_headers(ja_locale: Path) -> None:
    rs = parse_ruleset(RULES)
    res = classify(rs, pd.DataFrame({"revenue": [150, 5]}))
    assert res.labels("ja") == ["重要顧客", "Other"]  # 'other' has no Japanese label: English
    assert tuple(tier_columns(rs, "ja")) == ("階層", "階層ID", "Tier reason")


@needs_engine_words
def test_apply_writes_japanese(ja_locale: Path, tmp_path: Path) -> None:
    rs = parse_ruleset(RULES)
    (tmp_path / "customers.csv").write_text("customer,revenue\nC1,150\nC2,5\n", encoding="utf-8")
    done = apply_rulesets(open_table(tmp_path / "customers.csv"), [rs], tmp_path / "out.csv", lang="ja")
    out = pd.read_csv(done.output)
    assert list(out.columns) == ["customer", "revenue", "階層", "階層ID", "Tier reason"]
    assert out["階層"].tolist() == ["重要顧客", "Other"] and out["階層ID"].tolist() == ["key", "other"]


@needs_engine_words
def test_the_cli_speaks_a_language_it_finds_a_catalogue_for(ja_locale: Path, tmp_path: Path) -> None:
    (tmp_path / "vip.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "customers.csv").write_text("customer,revenue\nC1,150\nC2,5\n", encoding="utf-8")

    def tierkit(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tierkit.cli", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=300, env={**os.environ, **env})

    args = ("apply", "customers.csv", "--rules", "vip.yaml", "--lang", "ja", "-o", "out.csv")
    proc = tierkit(*args)
    assert proc.returncode == 0, proc.stderr
    assert "out.csv に書き込みました" in proc.stdout
    assert pd.read_csv(tmp_path / "out.csv")["階層"].tolist() == ["重要顧客", "Other"]
    refused = tierkit(*args, TIERKIT_LOCALE_PATH="")
    assert refused.returncode == 2 and "'ja' is not one of 'en', 'zh'" in refused.stderr
