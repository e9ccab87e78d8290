"""The HTTP endpoints of the add-in server (uvicorn on a loopback port + httpx) and `tierkit serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
import tierkit_addin
from click.testing import CliRunner
from tierkit_addin.cli import serve

from .helpers import book_json, payload, serial

MINI = "mini"  # by name: the live server's --rules-dir is the fixtures folder

NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
}


def test_health_and_static_files(live_server: str) -> None:
    health = httpx.get(live_server + "/health").json()
    assert health["status"] == "ok" and health["functions"] == list(tierkit_addin.FUNCTIONS)
    for path in (
        "/taskpane.html",
        "/static/client.js",
        "/static/taskpane.js",
        "/static/taskpane.css",
        "/static/icon-32.png",
    ):
        assert httpx.get(live_server + path).status_code == 200, path


def test_manifest_points_every_url_at_the_server(live_server: str) -> None:
    response = httpx.get(live_server + "/manifest.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.find("o:SourceLocation", NS) is None  # (nested under DefaultSettings)
    assert (
        root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue")
        == live_server + "/taskpane.html"
    )
    urls = [
        el.get("DefaultValue")
        for el in root.iter()
        if el.tag.endswith(("}Url", "}Image", "IconUrl", "SourceLocation", "SupportUrl"))
        and el.get("DefaultValue")
    ]
    assert urls and all(u.startswith(live_server + "/") for u in urls), urls
    for u in urls:
        assert httpx.get(u).status_code == 200, u
    # every resid the manifest uses is defined under Resources
    defined = {el.get("id") for el in root.iter() if el.get("id") and el.tag.startswith("{" + NS["bt"])}
    used = {el.get("resid") for el in root.iter() if el.get("resid")}
    assert used <= defined, used - defined
    namespace = root.find(".//bt:String[@id='Functions.Namespace']", NS)
    assert namespace is not None and namespace.get("DefaultValue") == "TIERKIT"
    assert "{{" not in response.text


def test_custom_functions_meta_and_code(live_server: str) -> None:
    meta = httpx.get(live_server + "/xlwings/custom-functions-meta.json").json()
    assert {f["id"] for f in meta["functions"]} == {n.upper() for n in tierkit_addin.FUNCTIONS}
    code = httpx.get(live_server + "/xlwings/custom-functions-code.js")
    assert code.headers["content-type"].startswith("text/javascript")
    for name in tierkit_addin.FUNCTIONS:
        assert f'CustomFunctions.associate("{name.upper()}"' in code.text
    assert f'"{live_server}/xlwings/custom-functions-call"' in code.text


def test_custom_functions_call_over_http(live_server: str) -> None:
    rows = [
        ["客户编号", "销售额", "订单数", "最近下单日期"],
        ["C1", "25,000", 8, serial("2024-06-01")],
        ["C2", "", 1, serial("2024-04-01")],
    ]
    response = httpx.post(live_server + "/xlwings/custom-functions-call", json=payload("tier", MINI, rows))
    assert response.status_code == 200
    assert response.json() == {"result": [["VIP"], ["Regular"]]}
    bad = httpx.post(live_server + "/xlwings/custom-functions-call", json=payload("core", MINI))
    assert bad.status_code == 404


def test_custom_scripts_over_http(live_server: str) -> None:
    meta = httpx.get(live_server + "/xlwings/custom-scripts-meta.json").json()
    assert [m["function_name"] for m in meta] == sorted(tierkit_addin.SCRIPTS)
    book = book_json(
        {
            "Customers": [
                ["客户编号", "销售额", "订单数", "最近下单日期"],
                ["C1", 20000, 9, 45400],
                ["C2", 10, 1, 45400],
            ]
        }
    )
    response = httpx.post(
        live_server + "/xlwings/custom-scripts-call/apply_rules", json={"book": book, "args": [MINI, "zh"]}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["tierkit"]["counts"][0]["label"] == "重要客户", data["actions"]
    assert data["actions"][0]["values"][0] == ["层级", "层级编号", "层级原因"]
    assert (
        httpx.post(live_server + "/xlwings/custom-scripts-call/workbook", json={"book": book}).status_code
        == 404
    )
    assert (
        httpx.post(
            live_server + "/xlwings/custom-scripts-call/apply_rules", json={"book": {"nope": 1}}
        ).status_code
        == 400
    )


def test_rulesets_and_alert(live_server: str) -> None:
    sets = httpx.get(live_server + "/api/rulesets").json()
    assert isinstance(sets, list) and all("name" in s for s in sets)
    page = httpx.get(
        live_server + "/xlwings/alert",
        params={"prompt": "row 5: <b>VIP</b>\nreason", "title": "why", "buttons": "ok"},
    )
    assert page.status_code == 200
    assert "&lt;b&gt;VIP&lt;/b&gt;" in page.text and "<br>" in page.text


def test_serve_command_options() -> None:
    runner = CliRunner()
    result = runner.invoke(serve, ["--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--cert", "--key", "--reload", "8000"):
        assert option in result.output
    result = runner.invoke(serve, [], env={"XLWINGS_LICENSE_KEY": ""})
    assert result.exit_code != 0 and "XLWINGS_LICENSE_KEY" in result.output


def test_serve_command_runs_the_server(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY") or "noncommercial"}
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from tierkit_addin.cli import serve; serve()", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    pytest.fail(log.read_text())
                time.sleep(0.2)
        else:
            pytest.fail("tierkit serve did not answer within 30 s")
        assert response.json()["status"] == "ok"
        manifest = httpx.get(f"http://127.0.0.1:{port}/manifest.xml").text
        assert f"http://127.0.0.1:{port}/taskpane.html" in manifest
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "manifest:" in log.read_text()


def test_make_briefs_over_http_and_download(live_server: str, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TIERKIT_BRIEFS_DIR", str(tmp_path))
    book = book_json({"Customers": [["客户编号", "销售额", "订单数", "最近下单日期"], ["C1", 20000, 9, 45400],
                                   ["C2", 10, 1, 45400]]})
    response = httpx.post(live_server + "/xlwings/custom-scripts-call/make_briefs",
                          json={"book": book, "args": [MINI, "en"]}, timeout=120)
    assert response.status_code == 200
    name = response.json()["tierkit"]["briefs"]
    pdf = httpx.get(f"{live_server}/briefs/{name}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"
    assert httpx.get(f"{live_server}/briefs/..%2Fsecret.pdf").status_code == 404
    assert httpx.get(f"{live_server}/briefs/nothing.pdf").status_code == 404
