"""A second process for the PDF layout, so that ``tierkit brief`` uses the machine's second core.

``tierkit brief`` calls :func:`start` before it reads the table: a forked process imports WeasyPrint and lays
out a one-line page in the briefs' fonts and styles (fontconfig, Pango and both faces loaded) while this
process reads, classifies and builds the pack.  :func:`make_briefs <tierkit.reporting.pdf.make_briefs>` then
hands it the pack (:func:`take` returns the worker once); the worker renders, lays out and writes it (in two
parts at once, with a copy of itself forked then: :mod:`.parallel`),
while this process lays out the tiers' own files for ``--split``.  WeasyPrint's log records (page progress,
warnings) are replayed here, and an error raised there is raised here.

Only where ``fork`` is safe and cheap (Linux); elsewhere, or with ``TIERKIT_NO_WORKER=1``, everything runs in
this process as before.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

from ..errors import TierkitError, msg

#: the warm-up page: the briefs' stylesheet, a Latin and a CJK line, so the fonts the pack uses are loaded
WARM_HTML = ('<html lang="en"><head><link rel="stylesheet" href="tierkit:css/brief.css"></head><body>'
             '<h2>Tier</h2><p>0123456789 <b>Revenue</b> 客户 销售额</p></body></html>')

_worker: Worker | None = None


#: how long :func:`take` waits for the worker to finish warming up before laying out here instead
READY_TIMEOUT = 30.0


def enabled() -> bool:
    """Whether a layout worker may be forked: on Linux, unless ``TIERKIT_NO_WORKER=1``, and only from a process
    with one thread (forking a process whose other threads may hold locks is how deadlocks start)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
            and os.environ.get("TIERKIT_NO_WORKER", "") in ("", "0"))


class _Forward(logging.Handler):
    """In the worker: sends each WeasyPrint log record to the parent."""

    def __init__(self, conn: Any) -> None:
        super().__init__(logging.DEBUG)
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.conn.send(("log", (record.name, record.levelno, record.msg, record.args)))
        except Exception:
            pass


def _warm_up() -> None:
    """Load what the layout needs: WeasyPrint (a page in the briefs' fonts and styles) and the pack template."""
    from weasyprint import HTML

    from .fetcher import AssetFetcher
    from .render import PACK_TEMPLATE, environment

    HTML(string=WARM_HTML, base_url="tierkit:", url_fetcher=AssetFetcher(None)).render()
    environment().get_template(PACK_TEMPLATE)


def _serve(conn: Any, parent_end: Any) -> None:
    """The worker: warm up, say so, then run the one job it is sent and report back."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle; it ends this process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # not the CLI's handler: a worker stopped ends quietly
    parent_end.close()   # so that the parent's end of the pipe closing (the parent gone) reads as EOF here
    try:
        _warm_up()
    except Exception:  # the job will meet (and report) the same trouble
        pass
    try:
        conn.send(("ready", None))
        job = conn.recv()
    except (EOFError, OSError):
        return
    if job is None:
        return
    fn, args, kwargs, progress = job
    logger = logging.getLogger("weasyprint")
    logger.addHandler(_Forward(conn))
    if progress:
        logging.getLogger("weasyprint.progress").setLevel(logging.INFO)
    try:
        result = fn(*args, **kwargs)
    except BaseException as err:
        conn.send(("error", _portable(err)))
    else:
        conn.send(("ok", result))


def _portable(err: BaseException) -> BaseException:
    """``err`` if it survives pickling, else a TierkitError with its text."""
    try:
        pickle.loads(pickle.dumps(err))
        return err
    except Exception:
        return TierkitError(msg("{kind}: {err}", kind=type(err).__name__, err=str(err)))


class Worker:
    """A forked layout process, waiting for one job."""

    def __init__(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, self.conn), daemon=True, name="tierkit-layout")
        with warnings.catch_warnings():   # Python 3.12 warns about fork beside native (BLAS) threads
            warnings.simplefilter("ignore", DeprecationWarning)
            self.process.start()
        child.close()
        self._thread: threading.Thread | None = None
        self._outcome: tuple[str, Any] | None = None

    def ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Wait (at most ``timeout`` seconds) until the worker has warmed up; False if it has not, or died."""
        try:
            if self.conn.poll(timeout):
                kind, _ = self.conn.recv()
                return bool(kind == "ready")
        except (EOFError, OSError):
            pass
        return False

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` in the worker (``fn`` a module-level function, the arguments picklable)."""
        progress = logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
        self.conn.send((fn, args, kwargs, progress))
        self._thread = threading.Thread(target=self._listen, name="tierkit-layout-log", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while True:
            try:
                kind, payload = self.conn.recv()
            except (EOFError, OSError):
                self._outcome = ("error", TierkitError(msg("the PDF layout process stopped unexpectedly")))
                return
            if kind == "log":
                name, level, text, args = payload
                logger = logging.getLogger(name)
                if logger.isEnabledFor(level):
                    logger.handle(logger.makeRecord(name, level, "(layout process)", 0, text, args, None))
                continue
            self._outcome = (kind, payload)
            return

    def result(self) -> Any:
        """Wait for the job; its return value, or the exception it raised, raised here."""
        assert self._thread is not None, "no job submitted"
        self._thread.join()
        self.process.join(timeout=5)
        self.conn.close()
        kind, payload = self._outcome or ("error", TierkitError(msg("the PDF layout process gave no result")))
        if kind == "error":
            raise payload
        return payload

    def close(self) -> None:
        """Stop a worker that got no job."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()


def start() -> None:
    """Fork the layout worker now (no-op where :func:`enabled` is false, or when one is waiting already)."""
    global _worker
    if _worker is None and enabled():
        try:
            _worker = Worker()
        except OSError:  # no fork today (limits, memory): lay out in this process
            _worker = None


def take() -> Worker | None:
    """The waiting worker, for one job (None: lay out in this process)."""
    global _worker
    worker, _worker = _worker, None
    if worker is not None and not worker.ready():
        worker.close()
        return None
    return worker


def stop() -> None:
    """Stop the waiting worker, if any (a command that ends before it needs one)."""
    worker = take()
    if worker is not None:
        worker.close()
