"""``tierkit brief`` forks its layout worker before WeasyPrint is imported: the worker imports and warms it up
while this process reads and classifies, so this process does not pay WeasyPrint's import first (issue 14)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from tierkit import app
    from tierkit.reporting import worker
    from tierkit.reporting.cli import brief_files, classify_table
    from tierkit.reporting.pdf import make_briefs, write_document
    from tierkit.reporting.render import render_html
    from tierkit.reporting.assets import SVG_DATA, asset_url, reports_dir
    assert "weasyprint" not in sys.modules, "WeasyPrint imported before the worker is forked"
    from tierkit.reporting import AssetFetcher
    from tierkit.reporting.fetcher import AssetFetcher as Same
    assert "weasyprint" in sys.modules and AssetFetcher is Same
    import weasyprint.urls
    assert issubclass(AssetFetcher, weasyprint.urls.URLFetcher)
    print("ok")
    """
)


def test_the_brief_path_imports_weasyprint_only_when_it_lays_out() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import pytest

    from tierkit.reporting import assets

    with pytest.raises(AttributeError):
        assets.NoSuchThing  # noqa: B018
