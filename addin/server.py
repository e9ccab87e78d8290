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
  /api/rulesets                          the built-in rule sets for the picker
  /health                                {"status": "ok", ...}

Only the functions and scripts tierkit_addin lists can be called.  xlwings Server needs
``XLWINGS_LICENSE_KEY`` (``noncommercial`` is free for non-commercial use).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

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
            "xlwings Server needs XLWINGS_LICENSE_KEY: set it to 'noncommercial' for "
            "non-commercial use, or to your xlwings licence key (see addin/README.md)"
        )
    module = importlib.import_module("tierkit_addin")
    if not module.ON_SERVER:
        importlib.reload(sys.modules["tierkit_addin._runtime"])
        module = importlib.reload(module)
    if not module.ON_SERVER:
        raise RuntimeError(
            "xlwings.server cannot be imported: check XLWINGS_LICENSE_KEY and the xlwings version"
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


def rulesets_info() -> list[dict[str, Any]]:
    import tierkit
    from tierkit.i18n import SOURCE_LANG, languages

    out = []
    for name in tierkit.builtin_names():
        try:
            rs = tierkit.load_ruleset(name)
        except tierkit.TierkitError as err:
            out.append({"name": name, "title": dict.fromkeys(languages(), name), "error": str(err)})
            continue
        out.append(
            {
                "name": name,
                "title": {lang: rs.title.get(lang) for lang in languages()},
                "segments": [s.label.get(SOURCE_LANG) for s in rs.segments],
            }
        )
    return out


def create_app(*, base_url: str | None = None) -> Any:
    """The FastAPI app.  ``base_url`` fixes the address written into the manifest (default: the request's)."""
    module = _prepare_env()
    import jinja2
    import xlwings as xw
    import xlwings.server

    import tierkit

    app = FastAPI(title="tierkit add-in", version=tierkit.__version__, docs_url=None, redoc_url=None)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
    )
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
        return rulesets_info()

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
    async def functions_call(data: dict = Body(...)) -> dict[str, Any]:  # noqa: B008
        name = data.get("func_name")
        if name not in module.FUNCTIONS:
            raise HTTPException(404, f"no tierkit function named {name!r}")
        data.setdefault("client", "Office.js")
        data.setdefault("version", xw.__version__)
        data.setdefault("runtime", "1.1")
        return {"result": await xlwings.server.custom_functions_call(data, module)}

    @app.get("/xlwings/custom-scripts-meta")
    @app.get("/xlwings/custom-scripts-meta.json")
    async def scripts_meta() -> list[dict[str, Any]]:
        return xlwings.server.custom_scripts_meta(module)

    @app.post("/xlwings/custom-scripts-call/{script_name}")
    async def scripts_call(script_name: str, data: dict = Body(...)) -> dict[str, Any]:  # noqa: B008
        if script_name not in module.SCRIPTS:
            raise HTTPException(404, f"no tierkit script named {script_name!r}")
        payload = data.get("book", data)
        args = data.get("args") or []
        if not isinstance(args, list) or len(args) > 2:
            raise HTTPException(400, "args must be a list: [rule_set, lang]")
        try:
            book = xw.Book(json=payload)
        except Exception as err:
            raise HTTPException(400, f"not an xlwings book payload: {err}") from None
        book = await xlwings.server.custom_scripts_call(
            module, script_name, typehint_to_value={xw.Book: book}, args=[str(a) for a in args]
        )
        out = dict(book.json())
        result = getattr(book, "_tierkit_result", None)
        if result is not None:
            out["tierkit"] = result
        return out

    @app.get("/briefs/{name}")
    async def brief_pdf(name: str) -> Response:
        from fastapi.responses import FileResponse

        from .workbook import briefs_dir

        folder = briefs_dir(None)
        path = folder / name
        if Path(name).name != name or not name.endswith(".pdf") or not path.is_file():
            raise HTTPException(404, f"no briefs named {name!r}")
        return FileResponse(path, media_type="application/pdf", filename=name)

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
        log.exception("tierkit add-in: %s", request.url.path)
        return JSONResponse({"detail": f"{type(err).__name__}: {err}"}, status_code=500)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
