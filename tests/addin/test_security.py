"""The add-in server under attack (issue 12): every finding about `tierkit serve` as a test.

The app runs in-process under Starlette's TestClient (one event loop for all requests inside ``with``), so a
blocked loop would show as a slow /health.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tierkit_addin.cli import serve
from tierkit_addin.guard import loopback_hosts
from tierkit_addin.server import create_app

from .helpers import FIXTURES, book_json, payload

with warnings.catch_warnings():  # this Starlette prefers httpx2 for its TestClient; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = "root:$6$TOPSECRETHASH:19000:0:99999:7:::"
ROWS = [["客户编号", "销售额", "订单数", "最近下单日期"], ["C1", 20000, 9, 45400], ["C2", 10, 1, 45400]]
REFUSAL = "a rule set is a built-in name, a name from the server's rules folder, or a sheet or range of this workbook"


@pytest.fixture
def app() -> Any:
    return create_app(rules_dir=FIXTURES)


@pytest.fixture
def client(app: Any) -> Any:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def call(client: TestClient, func: str, *args: Any, **kw: Any) -> Any:
    return client.post("/xlwings/custom-functions-call", json=payload(func, *args), **kw)


# ------------------------------------------------------------------ 1. rule sets only by name


def test_a_path_in_a_request_reveals_nothing(client: TestClient, tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    shadow.write_text(SECRET + "\n")
    other = tmp_path / "rules.yaml"
    other.write_text((FIXTURES / "mini.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    answers = []
    for spec in (str(shadow), str(other), str(broken), str(tmp_path / "missing.yaml"), "../../etc/passwd",
                 "../mini", "mini.yaml", "C:\\Windows\\win.ini", "sheet:../x"):
        response = call(client, "tier_rules", spec)
        assert response.status_code == 200
        text = response.text
        assert SECRET not in text and "TOPSECRET" not in text and str(tmp_path) not in text
        answers.append(response.json()["result"])
    # "not found", "parse error" and "a rule file" all get the very same line
    assert all(a == [[f"tierkit: {REFUSAL}"]] for a in answers[:8]), answers
    book = book_json({"Customers": ROWS})
    out = client.post("/xlwings/custom-scripts-call/apply_rules", json={"book": book, "args": [str(shadow), "en"]})
    assert out.status_code == 200 and "TOPSECRET" not in out.text and str(tmp_path) not in out.text
    assert REFUSAL in out.text


def test_names_from_the_library_the_rules_folder_and_the_workbook(client: TestClient) -> None:
    assert call(client, "tier", "mini", ROWS).json()["result"] == [["VIP"], ["Small"]]
    assert call(client, "tier_rules", "rfm").json()["result"][0][0] != "tierkit"
    names = [r["name"] for r in client.get("/api/rulesets").json()]
    assert "mini" in names and "rfm" in names
    assert "tierkit: no rule set named 'nope'" in call(client, "tier_rules", "nope").text
    rules = [["id", "label", "when"], ["big", "Big", "revenue >= 10000"], ["rest", "Rest", "default"]]
    book = book_json({"Customers": [["customer", "revenue"], ["a", 20000], ["b", 5]], "Rules": rules})
    out = client.post("/xlwings/custom-scripts-call/apply_rules", json={"book": book, "args": ["Rules", "en"]})
    assert out.status_code == 200 and out.json()["tierkit"]["rule_set"] == "rules"


def test_the_desktop_path_keeps_rule_set_paths() -> None:
    from .helpers import MINI
    from .helpers import call as direct

    assert direct("tier", MINI, ROWS) == [["VIP"], ["Small"]]


# ------------------------------------------------------------------ 2. nothing in a request becomes a path


def test_briefs_go_to_a_private_folder_under_random_expiring_names(app: Any, client: TestClient,
                                                                   tmp_path: Path) -> None:
    book = book_json({"Customers": ROWS})
    book["book"]["name"] = str(tmp_path / "evil.xlsx")
    response = client.post("/xlwings/custom-scripts-call/make_briefs", json={"book": book, "args": ["mini", "en"]})
    assert response.status_code == 200
    assert list(tmp_path.iterdir()) == []  # the book's name never reaches the file system
    folder = app.state.policy.briefs_dir
    assert str(folder) not in response.text and "path" not in response.json()["tierkit"]
    assert (folder.stat().st_mode & 0o777) == 0o700
    name = response.json()["tierkit"]["briefs"]
    assert len(name) == 36 and "evil" not in name and "mini" not in name
    pdf = client.get(f"/briefs/{name}")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert str(folder) not in pdf.headers.get("content-disposition", "")
    for bad in ("..%2F..%2Fetc%2Fpasswd", "nothing.pdf", "x" * 32 + ".pdf"):
        assert client.get(f"/briefs/{bad}").status_code == 404
    old = time.time() - 16 * 60
    os.utime(folder / name, (old, old))
    assert client.get(f"/briefs/{name}").status_code == 404  # expired after 15 minutes, and removed
    assert not (folder / name).exists()


# ------------------------------------------------------------------ 3. limits


def test_a_body_over_the_limit_gets_413_and_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(max_body=1024)) as small:
        body = b'{"func_name": "tier", "args": ["BODYMARKER' + b"x" * 4000 + b'"]}'
        declared = small.post("/xlwings/custom-functions-call", content=body,
                              headers={"content-type": "application/json"})
        assert declared.status_code == 413
        assert declared.json() == {"detail": "the request is over this server's limit of 1,024 bytes"}

        def chunks() -> Any:  # no Content-Length: counted while it streams in
            for i in range(0, len(body), 500):
                yield body[i:i + 500]

        streamed = small.post("/xlwings/custom-functions-call", content=chunks(),
                              headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert small.post("/xlwings/custom-functions-call", json=payload("tier_rules", "rfm")).status_code == 200
        rows = [["customer", "revenue"], ["BODYMARKER-OK", 5]]
        assert small.post("/xlwings/custom-functions-call", json=payload("tier", "abc", rows)).status_code == 200
    assert "BODYMARKER" not in caplog.text


def test_a_table_over_the_cell_limit_is_a_clear_error() -> None:
    with TestClient(create_app(max_cells=10)) as small:
        rows = [["customer", "revenue"]] + [[f"c{i}", i] for i in range(20)]
        result = call(small, "tier", "abc", rows).json()["result"]
        assert result[0][0].startswith("tierkit: the table has 42 cells; this server takes up to 10")


# ------------------------------------------------------------------ 4. errors


def test_unexpected_errors_are_one_line_quoting_a_log_id(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    import tierkit_addin.core as core

    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError("INTERNAL DETAIL /srv/secret")

    monkeypatch.setattr(core, "resolve_ruleset", boom)
    caplog.set_level(logging.ERROR)
    line = call(client, "tier_rules", "rfm").json()["result"][0][0]
    assert "INTERNAL" not in line and line.startswith("tierkit: unexpected error (server log id ")
    ref = line.rsplit(" ", 1)[1].rstrip(")")
    assert ref in caplog.text and "INTERNAL DETAIL" in caplog.text
    monkeypatch.setattr("tierkit_addin.server.rulesets_info", boom)
    response = client.get("/api/rulesets")
    assert response.status_code == 500 and "INTERNAL" not in response.text and "log id" in response.text
    bad = client.post("/xlwings/custom-functions-call", content=b'["SECRETBODY"]',
                      headers={"content-type": "application/json"})
    assert bad.status_code == 422 and "SECRETBODY" not in bad.text


# ------------------------------------------------------------------ 5. CORS


def test_no_cross_origin_access(client: TestClient) -> None:
    evil = "https://evil.example"
    pre = client.options("/xlwings/custom-functions-call",
                         headers={"Origin": evil, "Access-Control-Request-Method": "POST",
                                  "Access-Control-Request-Headers": "content-type"})
    assert "access-control-allow-origin" not in pre.headers
    post = client.post("/xlwings/custom-functions-call", json=payload("tier_rules", "rfm"), headers={"Origin": evil})
    assert post.status_code == 403 and "access-control-allow-origin" not in post.headers
    same = client.post("/xlwings/custom-functions-call", json=payload("tier_rules", "rfm"),
                       headers={"Origin": "http://testserver"})
    assert same.status_code == 200 and "access-control-allow-origin" not in same.headers


# ------------------------------------------------------------------ 6. authentication, DNS rebinding


def test_with_a_token_every_api_request_needs_it_and_static_files_stay_open() -> None:
    with TestClient(create_app(token="s3cret-token")) as c:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"}):
            assert call(c, "tier_rules", "rfm", headers=headers).status_code == 401
            assert c.get("/api/rulesets", headers=headers).status_code == 401
            assert c.post("/xlwings/custom-scripts-call/apply_rules", json={}, headers=headers).status_code == 401
        assert call(c, "tier_rules", "rfm", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        for path in ("/manifest.xml", "/taskpane.html", "/static/client.js", "/static/icon-32.png",
                     "/xlwings/custom-functions-meta.json", "/xlwings/custom-functions-code.js", "/health"):
            assert c.get(path).status_code == 200, path


def test_loopback_host_allow_list_stops_dns_rebinding() -> None:
    app = create_app(hosts=loopback_hosts(8000))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/health").status_code == 200
        assert c.get("/health", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/health", headers={"Host": "[::1]:8000"}).status_code == 200
        assert c.get("/health", headers={"Host": "evil.example:8000"}).status_code == 400
        assert call(c, "tier_rules", "rfm", headers={"Host": "rebind.evil.example"}).status_code == 400


# ------------------------------------------------------------------ 7. concurrency


def slow_rulesets(seconds: float) -> Any:
    def slow(*_: Any) -> list[Any]:
        time.sleep(seconds)
        return []

    return slow


def test_health_answers_fast_while_heavy_work_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tierkit_addin.server.rulesets_info", slow_rulesets(1.5))
    with TestClient(create_app(workers=2)) as c:
        threads = [threading.Thread(target=c.get, args=("/api/rulesets",)) for _ in range(2)]
        start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        assert c.get("/health").status_code == 200
        assert time.monotonic() - t0 < 0.1
        for t in threads:
            t.join(timeout=10)
        assert time.monotonic() - start < 2.8  # the two calls overlapped


def test_a_full_queue_answers_503_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tierkit_addin.server.rulesets_info", slow_rulesets(1.0))
    with TestClient(create_app(workers=1, queue=0)) as c:
        busy = threading.Thread(target=c.get, args=("/api/rulesets",))
        busy.start()
        time.sleep(0.3)
        full = c.get("/api/rulesets")
        busy.join(timeout=10)
        assert full.status_code == 503 and full.headers["retry-after"] == "5"
        assert c.get("/api/rulesets").status_code == 200


# ------------------------------------------------------------------ 8. tierkit serve refuses to start


def run_serve(args: list[str], **env: str) -> Any:
    base = {"XLWINGS_LICENSE_KEY": "noncommercial", "TIERKIT_TOKEN": ""}
    return CliRunner().invoke(serve, args, env={**base, **env})


def test_serve_refuses_without_licence_token_or_https(tmp_path: Path) -> None:
    result = run_serve([], XLWINGS_LICENSE_KEY="")
    assert result.exit_code == 2 and "XLWINGS_LICENSE_KEY" in result.output
    result = run_serve(["--host", "0.0.0.0"])
    assert result.exit_code == 2 and "TIERKIT_TOKEN" in result.output and "--token-file" in result.output
    result = run_serve(["--host", "0.0.0.0"], TIERKIT_TOKEN="t0ken")
    assert result.exit_code == 2 and "--cert" in result.output
    empty = tmp_path / "token"
    empty.write_text("\n")
    result = run_serve(["--host", "0.0.0.0", "--token-file", str(empty), "--insecure-http"])
    assert result.exit_code == 2 and "empty" in result.output
    for result in (run_serve([], XLWINGS_LICENSE_KEY=""), run_serve(["--host", "0.0.0.0"])):
        assert len(result.output.strip().splitlines()) == 1


def test_serve_refuses_a_port_in_use() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = run_serve(["--port", str(port)])
    assert result.exit_code == 2 and f"port {port}" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_on_all_interfaces_with_a_token(tmp_path: Path) -> None:
    """`tierkit serve --host 0.0.0.0` with a token file: API calls need the token, static files do not."""
    import subprocess
    import sys

    import httpx

    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        port = s.getsockname()[1]
    token = tmp_path / "token"
    token.write_text("all-interfaces-token\n")
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "TIERKIT_TOKEN": ""}
    with (tmp_path / "serve.log").open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from tierkit_addin.cli import serve; serve()", "--host", "0.0.0.0", "--port",
             str(port), "--token-file", str(token), "--insecure-http", "--rules-dir", str(FIXTURES)],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        else:
            pytest.fail("tierkit serve did not answer within 30 s")
        url = base + "/xlwings/custom-functions-call"
        assert httpx.post(url, json=payload("tier_rules", "mini")).status_code == 401
        good = httpx.post(url, json=payload("tier_rules", "mini"),
                          headers={"Authorization": "Bearer all-interfaces-token"})
        assert good.status_code == 200 and good.json()["result"][0][0] != "tierkit"
        assert httpx.get(base + "/manifest.xml").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "all-interfaces-token" not in (tmp_path / "serve.log").read_text()


# ------------------------------------------------------------------ secrets in URLs never reach the access log


def test_the_access_log_never_records_brief_names_or_alert_texts(tmp_path: Path) -> None:
    """A real `tierkit serve` (uvicorn's own logging config, access log on): a brief's random name is its only
    key and an alert page's query holds the alert's text; the log keeps the request line without either."""
    import subprocess
    import sys

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "TIERKIT_TOKEN": ""}
    log_file = tmp_path / "serve.log"
    with log_file.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from tierkit_addin.cli import serve; serve()", "--port", str(port)],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    brief = "BriefKey" + "x" * 24 + ".pdf"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert proc.poll() is None, log_file.read_text()
                time.sleep(0.2)
        else:
            pytest.fail("tierkit serve did not answer within 30 s")
        assert httpx.get(f"{base}/briefs/{brief}").status_code == 404
        alert = httpx.get(base + "/xlwings/alert", params={"prompt": "AlertSecret row 6", "title": "tierkit"})
        assert alert.status_code == 200 and "AlertSecret" in alert.text
        assert httpx.get(base + "/health?token=QuerySecret").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = log_file.read_text()
    assert '"GET /briefs/<redacted> HTTP/1.1" 404' in text, text  # the request is still logged
    assert '"GET /xlwings/alert?<redacted> HTTP/1.1" 200' in text, text
    for secret in ("BriefKey", "AlertSecret", "QuerySecret", "prompt="):
        assert secret not in text, text


def test_the_redaction_applies_to_any_access_log_handler() -> None:
    from tierkit_addin.guard import ACCESS_LOGGER, redact_access_log

    redact_access_log()
    redact_access_log()  # once only
    logger = logging.getLogger(ACCESS_LOGGER)
    assert len([f for f in logger.filters if type(f).__name__ == "RedactAccessLog"]) == 1
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/briefs/k3y.pdf?x=1", "1.1", 200)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert seen == ['127.0.0.1:5 - "GET /briefs/<redacted>?<redacted> HTTP/1.1" 200']


# ------------------------------------------------------------------ the Office.js client's null selection


@pytest.mark.parametrize("selection", [None, "", "   ", 7, ["A1"]])
def test_a_null_selection_gets_one_clear_line_where_a_cell_is_needed(client: TestClient, selection: Any) -> None:
    book = book_json({"Customers": ROWS})
    book["book"]["selection"] = selection
    out = client.post("/xlwings/custom-scripts-call/explain_selection", json={"book": book, "args": ["mini", "en"]})
    assert out.status_code == 200, out.text
    actions = out.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0] == "no cell is selected; select a cell in the customer's row first"
    applied = client.post("/xlwings/custom-scripts-call/apply_rules", json={"book": book, "args": ["mini", "en"]})
    assert applied.status_code == 200 and applied.json()["tierkit"]["rows"] == 2  # no selection needed here
