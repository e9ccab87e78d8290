"""Safe by construction: the URL fetcher, the Jinja environment, template overrides, file names."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

import tierkit
from tierkit.reporting import AssetFetcher, build_pack, environment, render_html, reports_dir, safe_filename, write_pdf

from .conftest import WeasyLog, flat, pdf_text


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "/etc/passwd",
    "http://example.com/x.css",
    "https://example.com/font.woff2",
    "data:text/html;base64,PHNjcmlwdD4=",
    "tierkit:../pyproject.toml",
    "tierkit:css/../../pyproject.toml",
    "tierkit:/etc/passwd.css",
    "tierkit:templates/pack.html.j2",
    "tierkit:css/missing.css",
    "tierkit:css\\brief.css",
    "tierkit:c:/x.css",
    "data:image/svg+xml;base64,not base64!",
])
def test_fetcher_refuses_everything_but_bundled_assets(url: str) -> None:
    with pytest.raises(ValueError, match="refused"):
        AssetFetcher()(url)


def test_fetcher_serves_bundled_css_and_chart_svg() -> None:
    fetcher = AssetFetcher()
    css = fetcher("tierkit:css/brief.css")
    assert b"@page" in css.read() if hasattr(css, "read") else b"@page" in css["string"]
    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    fetcher("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())
    assert fetcher.served == ["tierkit:css/brief.css", "data:image/svg+xml"]


def test_a_refused_asset_is_a_logged_warning_not_a_crash(tmp_path: Path, weasy_log: WeasyLog) -> None:
    weasy_log.records.clear()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    html = f'<html><body><p>hi</p><img src="file://{secret}"><img src="http://example.com/a.png"></body></html>'
    write_pdf(html, tmp_path / "x.pdf")
    assert len(weasy_log.messages) == 2 and all("refused" in m or "Failed" in m for m in weasy_log.messages)
    weasy_log.records.clear()


def test_environment_is_strict_and_escapes() -> None:
    env = environment()
    assert env.autoescape is True
    template = env.from_string("{{ name }}|{{ missing }}")
    with pytest.raises(Exception, match="missing"):
        template.render(name="x")
    assert env.from_string("{{ name }}").render(name="<b>{{ 7*7 }}</b>") == "&lt;b&gt;{{ 7*7 }}&lt;/b&gt;"


def test_user_templates_override_with_fallback(tmp_path: Path, tiny_result: tierkit.Classification,
                                               weasy_log: WeasyLog) -> None:
    user = tmp_path / "my_templates"
    user.mkdir()
    cover = (reports_dir() / "templates" / "cover.html.j2").read_text(encoding="utf-8")
    (user / "cover.html.j2").write_text(cover.replace("<h1>", "<h1>ACME restyled · "), encoding="utf-8")
    (user / "css").mkdir()
    css = (reports_dir() / "css" / "brief.css").read_text(encoding="utf-8")
    (user / "css" / "brief.css").write_text(css + "\nh1 { color: #b71c1c; }\n", encoding="utf-8")
    pack = build_pack(tiny_result, lang="en", charts=False)
    html = render_html(pack, templates_dir=user)
    assert "ACME restyled · Key account tiers" in html
    assert 'class="tier"' in html  # tier.html.j2 and pack.html.j2 came from the bundle
    weasy_log.records.clear()
    out = write_pdf(html, tmp_path / "restyled.pdf", templates_dir=user)
    assert "ACME restyled" in flat(pdf_text(out)) and weasy_log.messages == []


def test_a_broken_user_template_is_one_clear_error(tmp_path: Path, tiny_result: tierkit.Classification) -> None:
    (tmp_path / "cover.html.j2").write_text("{{ cover.no_such_field }}", encoding="utf-8")
    pack = build_pack(tiny_result, lang="en", charts=False)
    with pytest.raises(tierkit.TierkitError, match=r"template error: .*no_such_field"):
        render_html(pack, templates_dir=tmp_path)
    with pytest.raises(tierkit.TierkitError, match="templates folder not found"):
        render_html(pack, templates_dir=tmp_path / "nope")


def test_copying_the_bundled_templates_changes_nothing(tmp_path: Path, tiny_result: tierkit.Classification) -> None:
    shutil.copytree(reports_dir() / "templates", tmp_path / "t")
    pack = build_pack(tiny_result, lang="zh", charts=False)
    assert render_html(pack, templates_dir=tmp_path / "t") == render_html(pack)


@pytest.mark.parametrize(("label", "index", "expected"), [
    ("Key accounts", 1, "01-Key accounts.pdf"),
    ("关键客户", 2, "02-关键客户.pdf"),
    ("A/B: key", 3, "03-A_B_ key.pdf"),
    ("../../etc/passwd", 4, "04-etc_passwd.pdf"),
    ("..", 5, "05-tier.pdf"),
    ("CON", None, "_CON.pdf"),
    ("a\x00b\nc", 6, "06-a b c.pdf"),
    ("未评分（无购买记录）", 7, "07-未评分(无购买记录).pdf"),
    ("x" * 200, 8, "08-" + "x" * 80 + ".pdf"),
    ('<>:"|?*', 9, "09-tier.pdf"),
])
def test_safe_filenames(label: str, index: int | None, expected: str) -> None:
    name = safe_filename(label, index=index)
    assert name == expected
    assert "/" not in name and "\\" not in name and ".." not in name
