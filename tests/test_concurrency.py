"""Two commands at once never corrupt what either publishes; Ctrl-C and kill stop cleanly."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from policystats._locking import file_lock
from policystats.api import read_measures_csv
from policystats.cli import main
from policystats.devtools.synthetic import make_project
from policystats.paths import ProjectPaths

N_DOCS = 16


def _cli(root: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "POLICYSTATS_ROOT"}
    return subprocess.Popen(
        [sys.executable, "-m", "policystats.cli", "--root", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _rename(paths: ProjectPaths) -> None:
    """Edit every catalog row in a way that lands in the table (the city column)."""
    with paths.catalog.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["city_en"] += " Edited"
    with paths.catalog.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _published(paths: ProjectPaths) -> bytes:
    """The published outputs, checked to be one complete build; return measures.csv."""
    table = read_measures_csv(paths.measures_csv)  # validates the schema
    docs = pd.read_csv(paths.documents_csv)
    parquet = pd.read_parquet(paths.measures_parquet)
    parts = sorted(paths.parquet_dataset.glob("*.parquet"))
    assert len(table) == len(parquet) == int(docs["rows"].sum()) == sum(len(pd.read_parquet(p)) for p in parts)
    assert sorted(table["doc_id"].unique()) == sorted(docs["doc_id"]) == sorted(p.stem for p in parts)
    assert list(parquet["measure_id"]) == list(table["measure_id"])
    assert not list(paths.processed.glob(".build-*")), "no build folder is left behind"
    return paths.measures_csv.read_bytes()


@pytest.fixture
def synth(tmp_path: Path) -> ProjectPaths:
    return make_project(tmp_path / "synth", N_DOCS, seed=3)


def test_two_builds_at_once_with_a_catalog_edit_between_publish_one_complete_build(synth, tmp_path) -> None:
    # The two possible complete builds, made one after the other.
    ref = {}
    for name, edit in (("before", False), ("after", True)):
        copy = ProjectPaths(tmp_path / name)
        shutil.copytree(synth.root, copy.root)
        if edit:
            _rename(copy)
        assert main(["--root", str(copy.root), "build", "--quiet", "--no-cache"]) == 0
        ref[name] = copy.measures_csv.read_bytes()
    assert ref["before"] != ref["after"]
    for _ in range(2):
        first = _cli(synth.root, "build", "--quiet", "--no-cache", "--jobs", "2")
        time.sleep(1.0)
        _rename(synth)
        second = _cli(synth.root, "build", "--quiet", "--no-cache")
        outs = [p.communicate(timeout=300) for p in (first, second)]
        assert [p.returncode for p in (first, second)] == [0, 0], outs
        assert all("Traceback" not in err for _, err in outs)
        assert _published(synth) in (ref["before"], ref["after"])
        assert _published(synth) == ref["after"], "the second build waited, then built the edited catalog"
        shutil.copy(tmp_path / "before" / "data" / "catalog.csv", synth.catalog)


def test_two_identical_builds_at_once_never_crash(synth) -> None:
    procs = [_cli(synth.root, "build", "--quiet", "--no-cache", "--jobs", "2") for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert any("waiting for policystats build" in err for _, err in outs)
    assert all("Traceback" not in err for _, err in outs)
    _published(synth)


def test_a_build_or_add_that_will_not_wait_says_who_holds_the_project(synth, tmp_path, capsys) -> None:
    (tmp_path / "x.txt").write_text("一、给予奖励100万元。", encoding="utf-8")
    with file_lock(synth.lock, "build"):
        assert main(["--root", str(synth.root), "build", "--no-wait", "--quiet"]) == 2
        err = capsys.readouterr().err
        assert f"policystats build (pid {os.getpid()}" in err and "is running on this project" in err
        before = synth.catalog.read_bytes()
        args = ["--root", str(synth.root), "add", str(tmp_path / "x.txt"), "--no-wait", "--city-en", "Luoyang"]
        args += ["--city-zh", "洛阳市", "--province", "Henan", "--level", "county", "--date", "2023-01-01"]
        assert main(args) == 2
        assert "is running on this project" in capsys.readouterr().err
        assert synth.catalog.read_bytes() == before


def _children(pid: int) -> set[int]:
    import psutil

    try:
        return {c.pid for c in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def _alive(pids: set[int]) -> set[int]:
    import psutil

    out = set()
    for p in pids:
        try:
            if psutil.Process(p).status() != psutil.STATUS_ZOMBIE:
                out.add(p)
        except psutil.NoSuchProcess:
            pass
    return out


def _wait_for_workers(proc: subprocess.Popen, n: int, timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = _children(proc.pid)
        if len(kids) >= n:
            return kids
        time.sleep(0.1)
    raise AssertionError(f"the command never started {n} workers")


def _gone(pids: set[int], timeout: float) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pids):
        time.sleep(0.1)
    return _alive(pids)


def test_ctrl_c_stops_a_parallel_build_with_130_and_keeps_the_outputs(tmp_path) -> None:
    # Big enough that the build is still running when the signal comes, even if a loaded
    # machine keeps this test from noticing the workers for a few seconds (60 documents were
    # not, and 240 were not always while the rest of the suite ran beside it).
    paths = make_project(tmp_path / "big", 480, seed=5)
    assert main(["--root", str(paths.root), "build", "--quiet", "--jobs", "2"]) == 0
    before = paths.measures_csv.read_bytes()
    _rename(paths)
    for _ in range(3):
        proc = _cli(paths.root, "build", "--no-cache", "--jobs", "2")
        workers = _wait_for_workers(proc, 2)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, f"exit {proc.returncode} (0: the build ended before the signal): {err[-2000:]}"
        assert "interrupted" in err and "Traceback" not in err, err
        # Generous: on a loaded two-core machine a worker can take seconds to be scheduled and exit.
        assert not _gone(workers, 15), "no worker is left behind"
        assert paths.measures_csv.read_bytes() == before, "an interrupted build publishes nothing"
        assert not list(paths.processed.glob(".build-*"))


def test_a_killed_builds_workers_exit_by_themselves(tmp_path) -> None:
    paths = make_project(tmp_path / "big", 60, seed=6)
    proc = _cli(paths.root, "build", "--no-cache", "--jobs", "2", "--quiet")
    workers = _wait_for_workers(proc, 2)
    time.sleep(0.5)
    proc.kill()
    proc.communicate(timeout=30)
    assert not _gone(workers, 5), "the workers outlived their parent"


REPORTS = """langs: [en]
reports:
  - name: slow
    notebook: nb/slow.ipynb
    per_city: all
"""


def _slow_notebook(path: Path, seconds: float) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('lang: str = "en"\nfigures_dir: str = ""\ncity: str = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})\nprint('done', city)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_ctrl_c_stops_a_report_with_130_leaves_no_kernels_and_writes_the_index(tmp_path) -> None:
    from policystats.api import init_project

    proj = init_project(tmp_path / "p", example=True).root
    _slow_notebook(proj / "nb" / "slow.ipynb", 30)
    (proj / "reports.yaml").write_text(REPORTS, encoding="utf-8")
    proc = _cli(proj, "report", "--jobs", "2", "--quiet")
    deadline = time.monotonic() + 90
    kernels: set[int] = set()
    while time.monotonic() < deadline:  # two workers, each with a running kernel
        kernels = {p for p in _children(proc.pid) if "ipykernel" in " ".join(_cmdline(p))}
        if len(kernels) >= 2:
            break
        time.sleep(0.2)
    assert len(kernels) >= 2, "the kernels never started"
    everything = _children(proc.pid)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert time.monotonic() - started < 15, "the queued notebooks were not run after Ctrl-C"
    assert not _gone(everything, 10), "no worker or kernel is left behind"
    (run,) = (proj / "reports").iterdir()
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "interrupted" in index


def _cmdline(pid: int) -> list[str]:
    import psutil

    try:
        return psutil.Process(pid).cmdline()
    except psutil.NoSuchProcess:
        return []


def _half_a_result(fd: int) -> None:
    """A worker ended mid-send: a result header for 1000 bytes, ten of them, then nothing."""
    import struct

    os.write(fd, struct.pack("!i", 1000) + b"x" * 10)
    time.sleep(60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the forked worker writes to an inherited pipe")
def test_stopping_a_pool_mid_result_does_not_hang_the_exit() -> None:
    """stop_pool ends a pool whose manager thread waits for the rest of a half-sent result."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from policystats._workers import init_worker, stop_pool

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=init_worker,
                               initargs=(os.getpid(),))  # fmt: skip
    pool.submit(_half_a_result, pool._result_queue._writer.fileno())
    manager = pool._executor_manager_thread
    time.sleep(1.0)  # the header is in the pipe: the manager thread is reading the rest
    stop_pool(pool)
    manager.join(timeout=10)
    assert not manager.is_alive(), "the pool's manager thread still waits for a result nobody will send"


def test_a_ctrl_c_whose_exception_was_swallowed_is_raised_again_at_the_next_safe_point() -> None:
    """A signal's exception raised inside a finaliser is lost ("Exception ignored"); the build loop still stops."""
    from policystats._workers import raise_if_interrupted, terminate_as_interrupt

    with terminate_as_interrupt():
        raise_if_interrupted()  # nothing received yet
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)  # the handler runs here
        except KeyboardInterrupt:
            pass  # as a finaliser would swallow it
        with pytest.raises(KeyboardInterrupt):
            raise_if_interrupted()
    raise_if_interrupted()  # leaving the block forgets it
