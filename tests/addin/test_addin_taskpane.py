"""The task pane page in headless Chromium, outside Excel: it loads without script errors and says it
must be opened in Excel.  Chromium comes from Debian (`apt-get install -y chromium`).

Every host name except 127.0.0.1 is made unresolvable (--host-resolver-rules), so the page's request
for office.js on Microsoft's CDN fails locally, no traffic leaves the machine, and the page must cope
with office.js missing, as it does outside Excel or offline.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)"
)


def chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_taskpane_outside_excel_has_no_errors(live_server: str, tmp_path: Path) -> None:
    run = chromium(live_server + "/taskpane.html", tmp_path / "profile", "--dump-dom")
    dom = run.stdout
    assert "<main>" in dom, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    # (a failed office.js download may be logged as a resource error: that is expected outside Excel)
    assert not [line for line in console if "Uncaught" in line], console
    errors = re.search(r'<pre id="js-errors"[^>]*>(.*?)</pre>', dom, re.S)
    assert errors is not None and errors.group(1).strip() == ""
    outside = re.search(r'<div id="outside"([^>]*)>', dom)
    assert outside is not None and "hidden" not in outside.group(1)  # "Open this page in Excel." is shown
    assert "Open this page in Excel." in dom
    assert "Not running inside Excel" in dom
    assert re.search(r'<button id="apply"[^>]*disabled', dom)
    assert re.search(r'<option value="[a-z]', dom)  # the rule-set picker was filled from /api/rulesets


def test_taskpane_screenshot(live_server: str, tmp_path: Path) -> None:
    shot = tmp_path / "taskpane.png"
    run = chromium(
        live_server + "/taskpane.html", tmp_path / "profile", "--window-size=360,720", f"--screenshot={shot}"
    )
    assert shot.exists() and shot.stat().st_size > 5000, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
