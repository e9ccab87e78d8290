"""The task pane page in headless Chromium, outside Excel: it loads without script errors and says it
must be opened in Excel.  Chromium comes from Debian (`apt-get install -y chromium`).

Every host name except 127.0.0.1 is made unresolvable (--host-resolver-rules), so the page's request
for office.js on Microsoft's CDN fails locally, no traffic leaves the machine, and the page must cope
with office.js missing, as it does outside Excel or offline.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

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


# ------------------------------------------------------------------ the client on a fake Office.js object model

OFFICEJS = Path(__file__).parent / "officejs"


@pytest.fixture(scope="module")
def client_server() -> Any:
    """The add-in app plus two test-only routes (the fake Office.js model and the scenarios), served from the
    same origin as the add-in, as Office serves the task pane; under uvicorn in a thread."""
    import socket
    import threading
    import time

    import httpx
    import uvicorn
    from fastapi.responses import HTMLResponse, Response
    from tierkit_addin.server import create_app

    from .helpers import FIXTURES
    from .test_addin_scripts import ROWS

    app = create_app(rules_dir=FIXTURES)
    page = ('<!doctype html><html><body><pre id="out"></pre>'
            f"<script>window.TEST_ROWS = {json.dumps(ROWS)};</script>"
            '<script src="/test/fake-office.js"></script><script src="/static/client.js"></script>'
            '<script src="/test/scenarios.js"></script></body></html>')

    @app.get("/test/client.html")
    async def test_page() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/test/{name}.js")
    async def test_script(name: str) -> Response:
        assert name in ("fake-office", "scenarios")
        return Response((OFFICEJS / f"{name}.js").read_text(encoding="utf-8"), media_type="text/javascript")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def scenarios(client_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    run = chromium(client_server + "/test/client.html", tmp_path_factory.mktemp("profile"), "--dump-dom")
    found = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, re.S)
    assert found and found.group(1).strip(), run.stderr[-3000:]
    out: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return out


def test_every_client_scenario_ran(scenarios: dict[str, Any]) -> None:
    assert "crash" not in scenarios, scenarios.get("crash")


def test_the_client_sends_null_when_nothing_suitable_is_selected(scenarios: dict[str, Any]) -> None:
    assert scenarios["selection"] == {"shape": None, "cell": "B6", "block": "A2:C9", "empty": None}


def test_explain_without_a_selection_is_one_clear_line_and_changes_nothing(scenarios: dict[str, Any]) -> None:
    shape = scenarios["explainShape"]
    assert shape["prompts"] == ["no cell is selected; select a cell in the customer's row first"]
    assert shape["ops"] == []
    cell = scenarios["explainCell"]
    assert len(cell["prompts"]) == 1 and cell["prompts"][0].startswith("row 6: Lapsed") and cell["ops"] == []


def test_the_actions_the_server_really_sends_pass_the_checks(scenarios: dict[str, Any]) -> None:
    applied = scenarios["applyRules"]
    assert applied["rows"] == 5 and applied["dialogs"] == 0
    kinds = {op[0] for op in applied["ops"]}
    assert {"values", "fill", "addSheet", "autofitColumns", "activate"} <= kinds
    assert ["addSheet", "Tier summary"] in applied["ops"]
    good = scenarios["good"]
    assert good["error"] is None and ["addSheet", "Tier summary"] in good["ops"]
    assert ["values", "Tier summary", 0, 0, 1] in good["ops"] and ["activate", "Customers"] in good["ops"]


@pytest.mark.parametrize("case", [
    "unknownKind", "prototypeKind", "noKind", "notAList", "rowsMismatch", "ragged", "objectCell", "tooLongText",
    "noSuchSheet", "negativeRow", "pastLastRow", "badColour", "badColours", "badSheetName", "badSheetPlace",
    "badActivate", "badAutofit", "badAlert",
])
def test_one_bad_action_changes_nothing_in_the_workbook(scenarios: dict[str, Any], case: str) -> None:
    result = scenarios["bad"][case]
    assert result["ops"] == [], result  # the good setValues before it was not applied either
    error = result["error"]
    assert error and error.startswith("tierkit client: ") and error.endswith("nothing was changed")
    assert "\n" not in error
    if case in ("unknownKind", "prototypeKind"):
        assert "unknown action" in error and "(action 2)" in error


def test_a_response_with_an_unknown_action_changes_nothing(scenarios: dict[str, Any]) -> None:
    stubbed = scenarios["stubbed"]
    assert stubbed["ops"] == [] and "unknown action 'runMacro'" in stubbed["error"]
