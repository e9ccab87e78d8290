"""The Office.js add-in server behind ``tierkit serve``: FastAPI over ``xlwings.server``.

Routes
  /manifest.xml                          the add-in manifest, with this server's address in every URL
  /taskpane.html, /static/...            the task pane (rule-set picker, buttons, last run's counts)
  /xlwings/custom-functions-meta(.json)  custom-function metadata (xlwings.server.custom_functions_meta)
  /xlwings/custom-functions-code(.js)    the JS that connects Excel's function calls to this server
  /xlwings/custom-functions-call         POST, one function call (xlwings.server.custom_functions_call)
  /xlwings/custom-scripts-meta(.json)    the buttons (xlwings.server.custom_scripts_meta)
  /xlwings/custom-scripts-call/{name}    POST {"book": <book JSON>, "args": [...]}: run a button
  /xlwings/alert                         the alert dialog (xlwings' own template)
  /api/rulesets                          the rule sets a request may name (built-in and --rules-dir)
  /briefs/{random}.pdf                   a brief the make_briefs button wrote; gone after 15 minutes
  /health                                {"status": "ok", ...}

Only the functions and scripts tierkit_addin lists can be called.  Safety (see addin/README.md): rule sets
only by name (core.ServerPolicy), briefs in a private folder under random names, no CORS, a Host allow-list
and a bearer token (guard.Guard), a body size limit, heavy work in a bounded thread pool (Pool), and errors
as one line quoting a log id.  xlwings Server needs
``XLWINGS_LICENSE_KEY`` (``noncommercial`` is free for non-commercial use).
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Body, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from tierkit.errors import msg

from .core import ServerPolicy, error_id, serving
from .guard import Guard, GuardConfig, redact_access_log, redact_path

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
log = logging.getLogger("tierkit_addin.server")

#: a fixed id, so that re-sideloading replaces the add-in instead of adding a second one
ADDIN_ID = "6f1d3c2a-58b4-4c51-9f3e-7a1e2b9c4d10"


def _prepare_env() -> Any:
    """Import tierkit_addin with the xlwings Server decorators (re-importing it if classic COM ones won)."""
    import importlib
    import sys

    os.environ["XLWINGS_ON_SERVER"] = "true"  # the server decorators, also on Windows
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise RuntimeError(
            msg("xlwings Server needs XLWINGS_LICENSE_KEY: set it to 'noncommercial' for "
            "non-commercial use, or to your xlwings licence key (see addin/README.md)")
        )
    module = importlib.import_module("tierkit_addin")
    if not module.ON_SERVER:
        importlib.reload(sys.modules["tierkit_addin._runtime"])
        module = importlib.reload(module)
    if not module.ON_SERVER:
        raise RuntimeError(
            msg("xlwings.server cannot be imported: check XLWINGS_LICENSE_KEY and the xlwings version")
        )
    return module


def render_manifest(base_url: str) -> str:
    """The manifest with every URL pointing at ``base_url`` (e.g. ``https://localhost:8000``)."""
    from xml.sax.saxutils import escape

    import tierkit

    base = base_url.rstrip("/")
    text = (HERE / "manifest.xml").read_text(encoding="utf-8")
    version = ".".join([*tierkit.__version__.split("."), "0", "0", "0"][:4])
    return (
        text.replace("{{base_url}}", escape(base))
        .replace("{{version}}", version)
        .replace("{{addin_id}}", ADDIN_ID)
    )


def functions_code(module: Any, call_url: str) -> str:
    """The custom-functions JS: one Excel function per tierkit function, each posting to ``call_url``."""
    import xlwings

    js = (STATIC / "functions.js").read_text(encoding="utf-8")
    js = js.replace("{{call_url}}", json.dumps(call_url)).replace("{{xlwings_version}}", xlwings.__version__)
    lines = ["", 'if (typeof CustomFunctions !== "undefined") {']
    for name in module.FUNCTIONS:
        lines.append(
            f"  CustomFunctions.associate({json.dumps(name.upper())}, "
            f"function () {{ return tierkitCall({json.dumps(name)}, arguments); }});"
        )
    lines.append("}")
    return js + "\n".join(lines) + "\n"


def rulesets_info(rules_dir: Path | None = None) -> list[dict[str, Any]]:
    """The rule sets a request may name: the built-in library and the server's rules folder (by name only)."""
    import tierkit
    from tierkit.i18n import SOURCE_LANG, languages

    from .core import _PLAIN_NAME

    names = list(tierkit.builtin_names())
    files = {}
    if rules_dir is not None:
        for path in sorted([*rules_dir.glob("*.yaml"), *rules_dir.glob("*.yml")]):
            if _PLAIN_NAME.match(path.stem) and path.stem not in files:
                files[path.stem] = path
    names = [*files, *(n for n in names if n not in files)]
    out = []
    for name in names:
        try:
            rs = tierkit.load_ruleset(str(files[name]) if name in files else name)
        except tierkit.TierkitError as err:
            ref = error_id()
            log.error("tierkit add-in [%s]: rule set %r: %s", ref, name, err)
            out.append({"name": name, "title": dict.fromkeys(languages(), name),
                        "error": f"this rule set has an error (server log id {ref})"})
            continue
        out.append(
            {
                "name": name,
                "title": {lang: rs.title.get(lang) for lang in languages()},
                "segments": [s.label.get(SOURCE_LANG) for s in rs.segments],
            }
        )
    return out


T = TypeVar("T")
BRIEF_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.pdf$")


class Pool:
    """Heavy work in at most ``workers`` threads, with at most ``queue`` calls waiting; more answers 503."""

    def __init__(self, workers: int = 4, queue: int = 16) -> None:
        self.limiter = anyio.CapacityLimiter(workers)
        self.slots = workers + queue
        self.busy = 0

    async def run(self, fn: Callable[[], T]) -> T:
        if self.busy >= self.slots:
            raise HTTPException(503, "the server is busy: try again in a few seconds", headers={"Retry-After": "5"})
        self.busy += 1
        try:
            return await anyio.to_thread.run_sync(fn, limiter=self.limiter)
        finally:
            self.busy -= 1


def private_folder() -> Path:
    """A folder only this user can read (mkdtemp makes it 0700), removed when the server stops."""
    folder = Path(tempfile.mkdtemp(prefix="tierkit-serve-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def sweep(folder: Path, ttl: float) -> None:
    """Remove briefs older than ``ttl`` seconds."""
    cutoff = time.time() - ttl
    for path in folder.glob("*.pdf"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def app_from_env() -> Any:
    """The app ``tierkit serve`` runs (uvicorn's factory, also under --reload): options from the environment
    ``tierkit serve`` set, the token from ``TIERKIT_TOKEN``."""
    options = json.loads(os.environ.get("TIERKIT_SERVE_OPTIONS") or "{}")
    rules_dir = options.pop("rules_dir", None)
    hosts = options.pop("hosts", None)
    return create_app(rules_dir=Path(rules_dir) if rules_dir else None, token=os.environ.get("TIERKIT_TOKEN") or None,
                      hosts=frozenset(hosts) if hosts is not None else None, **options)


def create_app(*, base_url: str | None = None, rules_dir: Path | None = None, token: str | None = None,
               hosts: frozenset[str] | None = None, max_body: int = 50 * 1024 * 1024, max_cells: int = 2_000_000,
               workers: int = 4, queue: int = 16, briefs_ttl: float = 15 * 60) -> Any:
    """The FastAPI app.  ``base_url`` fixes the address written into the manifest (default: the request's);
    ``rules_dir`` is the folder of rule sets a request may name besides the built-in ones; ``token`` (if set)
    is needed as ``Authorization: Bearer`` by every API request; ``hosts`` the Host headers answered."""
    module = _prepare_env()
    import jinja2
    import xlwings as xw
    import xlwings.server

    import tierkit

    app = FastAPI(title="tierkit add-in", version=tierkit.__version__, docs_url=None, redoc_url=None)
    # no CORSMiddleware: the add-in is served from this origin, and the Guard refuses any other
    app.add_middleware(Guard, config=GuardConfig(token=token, max_body=max_body, hosts=hosts))
    redact_access_log()  # brief names and alert texts in URLs never reach the access log
    policy = ServerPolicy(briefs_dir=private_folder(), rules_dir=rules_dir.resolve() if rules_dir else None,
                          max_cells=max_cells)
    pool = Pool(workers, queue)
    app.state.policy, app.state.pool = policy, pool
    alerts = jinja2.Environment(loader=jinja2.PackageLoader("xlwings", "html"), autoescape=True)

    def base(request: Request) -> str:
        return (base_url or str(request.base_url)).rstrip("/")

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse("/taskpane.html")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "tierkit": tierkit.__version__,
            "xlwings": xw.__version__,
            "functions": list(module.FUNCTIONS),
            "scripts": list(module.SCRIPTS),
        }

    @app.get("/manifest.xml")
    async def manifest(request: Request) -> Response:
        return Response(
            render_manifest(base(request)),
            media_type="application/xml",
            headers={"Content-Disposition": 'inline; filename="tierkit-manifest.xml"'},
        )

    @app.get("/taskpane.html", response_class=HTMLResponse)
    async def taskpane() -> HTMLResponse:
        return HTMLResponse(
            (HERE / "taskpane.html").read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"}
        )

    @app.get("/api/rulesets")
    async def rulesets() -> list[dict[str, Any]]:
        return await pool.run(lambda: rulesets_info(policy.rules_dir))

    @app.get("/xlwings/custom-functions-meta")
    @app.get("/xlwings/custom-functions-meta.json")
    async def functions_meta() -> dict[str, Any]:
        return xlwings.server.custom_functions_meta(module)

    @app.get("/xlwings/custom-functions-code")
    @app.get("/xlwings/custom-functions-code.js")
    async def functions_js(request: Request) -> Response:
        return Response(
            functions_code(module, base(request) + "/xlwings/custom-functions-call"),
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache"},
        )

    @app.post("/xlwings/custom-functions-call")
    async def functions_call(request: Request) -> Response:
        # the body read and the answer written with json directly: FastAPI's Body validation and
        # jsonable_encoder walk every cell of a 10,000-row range (about half of a cached TIER's time)
        try:
            data = json.loads(await request.body())
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return JSONResponse({"detail": "the request body must be a JSON object"}, status_code=422)
        name = data.get("func_name")
        if name not in module.FUNCTIONS:
            raise HTTPException(404, f"no tierkit function named {name!r}")
        data.setdefault("client", "Office.js")
        data.setdefault("version", xw.__version__)
        data.setdefault("runtime", "1.1")

        def work() -> Any:
            with serving(policy):
                return asyncio.run(xlwings.server.custom_functions_call(data, module))

        return JSONResponse({"result": await pool.run(work)})

    @app.get("/xlwings/custom-scripts-meta")
    @app.get("/xlwings/custom-scripts-meta.json")
    async def scripts_meta() -> list[dict[str, Any]]:
        return xlwings.server.custom_scripts_meta(module)

    @app.post("/xlwings/custom-scripts-call/{script_name}")
    async def scripts_call(script_name: str, data: dict = Body(...)) -> dict[str, Any]:  # noqa: B008
        if script_name not in module.SCRIPTS:
            raise HTTPException(404, f"no tierkit script named {script_name!r}")
        payload = data.get("book", data)
        info = payload.get("book") if isinstance(payload, dict) else None
        if isinstance(info, dict) and not (isinstance(info.get("selection"), str) and info["selection"].strip()):
            info["selection"] = None  # nothing suitable selected: the scripts that need a cell say so in one line
        args = data.get("args") or []
        if not isinstance(args, list) or len(args) > 2:
            raise HTTPException(400, "args must be a list: [rule_set, lang]")

        def work() -> dict[str, Any]:
            try:
                book = xw.Book(json=payload)
            except Exception:
                raise HTTPException(400, "not an xlwings book payload") from None
            with serving(policy):
                if script_name == "make_briefs":
                    sweep(policy.briefs_dir, briefs_ttl)
                book = asyncio.run(xlwings.server.custom_scripts_call(
                    module, script_name, typehint_to_value={xw.Book: book}, args=[str(a) for a in args]
                ))
            out = dict(book.json())
            result = getattr(book, "_tierkit_result", None)
            if result is not None:
                out["tierkit"] = result
            return out

        return await pool.run(work)

    @app.get("/briefs/{name}")
    async def brief_pdf(name: str) -> Response:
        missing = HTTPException(404, "no such briefs, or they have expired: make them again")
        if not BRIEF_NAME.match(name):
            raise missing
        path = policy.briefs_dir / name
        try:
            age = time.time() - path.stat().st_mtime
        except OSError:
            raise missing from None
        if age > briefs_ttl:
            path.unlink(missing_ok=True)
            raise missing
        return FileResponse(path, media_type="application/pdf", filename="tierkit-briefs.pdf")

    @app.get("/xlwings/alert", response_class=HTMLResponse)
    async def alert(
        prompt: str, title: str = "tierkit", buttons: str = "ok", mode: str = "info", callback: str = ""
    ) -> HTMLResponse:
        html = alerts.get_template("xlwings-alert.html").render(
            prompt=prompt, title=title, buttons=buttons, mode=mode, callback=callback
        )
        return HTMLResponse(html)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        ref = error_id()
        log.error("tierkit add-in [%s]: %s", ref, redact_path(request.url.path), exc_info=err)
        return JSONResponse({"detail": f"unexpected error (server log id {ref})"}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        # FastAPI's own answer echoes the request body back; one line instead
        return JSONResponse({"detail": "the request body must be a JSON object"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": str(err.detail).splitlines()[0] if err.detail else ""},
                            status_code=err.status_code, headers=err.headers)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Everything imported so far lives as long as the server: keep it out of the collector's full passes,
    # which otherwise walk ~150k objects whenever a call allocates a table's worth of lists (10k-row TIER:
    # 0.26 s -> 0.17 s on a loaded 2-core machine, see bench/bench_addin.py).
    gc.freeze()
    return app
