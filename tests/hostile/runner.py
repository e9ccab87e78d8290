"""Run one hostile case as a real CLI subprocess and measure it.

Peak RSS comes from ``os.wait4``: the kernel's ``ru_maxrss`` of that one child (and of any child it
waited for), so cases do not blur into each other as ``RUSAGE_CHILDREN`` of a shared parent would.
The child runs in its own process group under a wall-clock timeout and, as a safety net for the
machine, an address-space limit far above the bound being checked."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

WALL_LIMIT = 30.0            # seconds: the bound
RSS_LIMIT_MB = 2048.0        # peak resident memory: the bound
KILL_AFTER = 150.0           # a hung child is killed here (the check then fails on wall time)
ADDRESS_SPACE = 16 << 30     # RLIMIT_AS of the child: a runaway fails there instead of swapping


def tierkit_argv(*args: str) -> list[str]:
    return [sys.executable, "-c", "from tierkit.cli import main; main()", *args]


@dataclass
class Result:
    argv: list[str]
    code: int
    wall: float
    cpu: float
    rss_mb: float
    stdout: str
    stderr: str
    timed_out: bool = False


@dataclass
class Invocation:
    """What a case runs, and what it must leave alone."""

    args: list[str]
    inputs: list[Path] = field(default_factory=list)     # hashed before and after: must not change
    output: Path | None = None                           # on a refusal it must not exist afterwards
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None


#: The child is a small Python launcher: its own process group and the address-space limit, then it forks the
#: command and reports the command's own ``wait4`` usage (peak RSS, CPU) in a file.  The kernel's ``ru_maxrss``
#: of a process started straight from this test process would start at this process's resident size (fork and
#: vfork both carry the parent's high-water mark past exec), and a pytest process that has run the whole suite
#: holds 2 GB: every case would be blamed for it.  The launcher is small when it forks, so the command's figure
#: is its own.
LAUNCH = """
import json, os, resource, sys
os.setsid()
limit, report, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
pid = os.fork()
if pid == 0:
    os.execv(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as fh:
    json.dump({"rss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}, fh)
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


def start(argv: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    full = dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial", PYTHONUNBUFFERED="1", **(env or {}))
    out = open(cwd / f".run-{os.getpid()}-{time.monotonic_ns()}.out", "w+b")
    err = open(out.name[:-4] + ".err", "w+b")
    launch = [sys.executable, "-c", LAUNCH, str(ADDRESS_SPACE), out.name[:-4] + ".usage", *argv]
    proc = subprocess.Popen(launch, cwd=cwd, env=full, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    proc._hostile_files = (out, err)  # type: ignore[attr-defined]
    proc._hostile_t0 = time.monotonic()  # type: ignore[attr-defined]
    return proc


def finish(proc: subprocess.Popen[bytes], kill_after: float = KILL_AFTER) -> Result:
    """Wait for ``proc`` (killing its process group after ``kill_after`` s) and measure it."""
    t0: float = proc._hostile_t0  # type: ignore[attr-defined]
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - t0 > kill_after and not timed_out:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.02)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    texts = []
    for fh in proc._hostile_files:  # type: ignore[attr-defined]
        fh.seek(0)
        texts.append(fh.read().decode("utf-8", "replace"))
        fh.close()
        os.unlink(fh.name)
    cpu, rss_kb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss  # the launcher's, if it was killed
    report = Path(proc._hostile_files[0].name[:-4] + ".usage")  # type: ignore[attr-defined]
    if report.exists():
        found = json.loads(report.read_text())
        cpu, rss_kb = float(found["cpu"]), int(found["rss_kb"])
        report.unlink()
    return Result(argv=[str(a) for a in proc.args][5:], code=proc.returncode, wall=wall,  # type: ignore[union-attr]
                  cpu=cpu, rss_mb=rss_kb / 1024, stdout=texts[0], stderr=texts[1], timed_out=timed_out)


def run(argv: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None) -> Result:
    return finish(start(argv, cwd=cwd, env=env))


def digest(path: Path) -> str:
    """A hash of a file (or of where a link points), '' when it does not exist."""
    if not path.exists():
        return ""
    h = hashlib.blake2b()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    st = path.lstat()
    return f"{h.hexdigest()}:{st.st_ino}:{st.st_mode:o}"


def leftovers(folder: Path, before: set[str]) -> list[str]:
    """Files that appeared in ``folder`` (temp files included) since ``before`` was listed."""
    return sorted(set(os.listdir(folder)) - before)
