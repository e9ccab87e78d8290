"""``tierkit._boot.imports_frozen``: a command's imports run without the cyclic garbage collector, and what they
made is frozen afterwards; only the first time, only when the collector is on, and it is on again after."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tierkit._boot import imports_frozen

NOT_IMPORTED = "tierkit._no_such_module_for_the_test"


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()  # the test process's objects go back to the collector
    if was:
        gc.enable()
    else:  # pragma: no cover
        gc.disable()


def test_the_block_runs_without_the_collector_and_its_objects_are_frozen() -> None:
    gc.enable()
    gc.unfreeze()
    seen = []
    with imports_frozen(NOT_IMPORTED):
        seen.append(gc.isenabled())
        made = [[i] for i in range(100)]  # objects the collector tracks
    assert seen == [False] and gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    assert not any(made[0] is x for x in gc.get_objects())  # a frozen object is in no generation


def test_nothing_changes_once_the_package_is_imported() -> None:
    gc.enable()
    gc.unfreeze()
    with imports_frozen("tierkit"):  # imported already
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_collector_turned_off_by_the_caller_stays_off_and_nothing_is_frozen() -> None:
    gc.unfreeze()
    gc.disable()
    with imports_frozen(NOT_IMPORTED):
        assert not gc.isenabled()
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_an_import_error_turns_the_collector_back_on() -> None:
    gc.enable()
    with pytest.raises(ImportError), imports_frozen(NOT_IMPORTED):
        __import__(NOT_IMPORTED)
    assert gc.isenabled()


def test_the_apply_command_freezes_its_imports_and_collects_no_more_garbage_than_before(tmp_path: Path) -> None:
    """In a fresh process (as a user runs it), ``tierkit apply`` leaves the collector on and the imports
    frozen; the output is written."""
    import pandas as pd

    src = tmp_path / "c.csv"
    pd.DataFrame({"customer_id": ["C1", "C2"], "revenue": [10.0, 20000.0]}).to_csv(src, index=False)
    code = ("import gc, sys; from tierkit.cli import main; sys.argv = ['tierkit', 'apply', sys.argv[1], '--rules', "
            "'abc', '--quiet', '-o', sys.argv[2]]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print(gc.isenabled(), gc.get_freeze_count() > 10000)")
    out = subprocess.run([sys.executable, "-c", code, str(src), str(tmp_path / "o.csv")], capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True"]
    assert (tmp_path / "o.csv").exists()
