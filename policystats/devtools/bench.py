"""Benchmarks that print figures (``policystats bench``); not timed tests.

One run measures, on this machine:

1. extraction throughput in characters per second on a synthetic corpus of
   perturbed seeds, against ``jionlp.ner.extract_money`` and a bare compiled
   regex (the floor);
2. ``import policystats`` time as a ratio to ``import pandas``;
3. ``policystats build`` on the seeds, cold and warm through the cache;
4. report time: every notebook run at once, as a ratio to the slowest alone;
5. build time and peak memory at several corpus sizes (synthetic documents),
   with a warm rebuild after one catalog edit and a DuckDB query over the result.

Wall-clock figures on a shared machine are noisy, so every timing is the
minimum (extraction: per text, interleaved) or the median of several runs, as
stated next to it. ``--write docs/performance.md`` records the figures with the
machine and the command.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..paths import get_paths

NOTEBOOKS = ["overview", "financing_targets", "procurement_shares", "award_levels", "city_profile"]
FLOOR = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?\s*(?:元|%|家|个|人|户|项)?")


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ processes


@dataclass
class Run:
    seconds: float
    peak_rss: int  # bytes, summed over the process and its children
    cpu_seconds: float  # user + system time of the process and every descendant it waited for
    returncode: int
    stdout: str
    stderr: str


def run_measured(cmd: Sequence[str], *, env: dict[str, str] | None = None, interval: float = 0.05) -> Run:
    """Run a command; wall time and peak resident memory of its whole process tree.

    Memory is the sum of RSS over the process and every child (pool workers,
    Jupyter kernels), sampled every ``interval`` seconds: an upper bound, since
    pages shared between processes are counted once per process.
    """
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            total = 0
            try:
                procs = [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            peak = max(peak, total)
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, peak, cpu, proc.returncode, out, err)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "policystats.cli", *args]


def _check(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}):\n{run.stderr[-2000:]}")
    return run


# ------------------------------------------------------------------ 1. extraction


def throughput(min_chars: int = 10_000_000, repeats: int = 3, seed: int = 0) -> dict[str, Any]:
    """Characters per second: policystats (every quantity type) vs jionlp (money) vs a bare regex.

    Each text is timed ``repeats`` times for each extractor, interleaved, and
    the minimum kept, so that a burst of load elsewhere does not favour one side.
    """
    from ..extract.quantities import search_quantities
    from . import synthetic

    texts = synthetic.texts(min_chars, seed=seed)
    n_chars = sum(map(len, texts))
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    extractors: dict[str, Callable[[str], Any]] = {
        "policystats": search_quantities,
        "regex floor": lambda t: FLOOR.findall(t),
    }
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import jionlp

        extractors["jionlp"] = jionlp.ner.extract_money
    except ImportError:
        _say("  jionlp is not installed (pip install -e '.[dev]'); skipping the jionlp comparison")
    for f in extractors.values():  # warm up: lexicons, compiled patterns
        f("预计2025年贷款增长10%，最高不超过500万元")
    best = dict.fromkeys(extractors, 0.0)
    found = dict.fromkeys(extractors, 0)
    from tqdm import tqdm

    for text in tqdm(texts, desc="  extraction", unit="text", file=sys.stderr, leave=False):
        for name, f in extractors.items():
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                res = f(text)
                times.append(time.perf_counter() - t0)
            best[name] += min(times)
            found[name] += len(res)
    out: dict[str, Any] = {
        "texts": len(texts),
        "chars": n_chars,
        "mb_utf8": n_bytes / 1e6,
        "repeats": repeats,
        "rows": {
            name: {"seconds": best[name], "chars_per_s": n_chars / best[name], "found": found[name]}
            for name in extractors
        },
    }
    if "jionlp" in best:
        out["ratio_vs_jionlp"] = best["jionlp"] / best["policystats"]
    out["ratio_vs_floor"] = best["policystats"] / best["regex floor"]
    return out


# ------------------------------------------------------------------ 1b. the pipeline against its extractor


SEARCH_SCRIPT = (
    "import sys, pathlib, pandas, policystats\n"
    "for f in sorted(pathlib.Path(sys.argv[1]).iterdir()):\n"
    "    policystats.search_quantities(f.read_text(encoding='utf-8'))\n"
)
EXTRACT_SCRIPT = (
    "import sys, pandas\n"
    "from policystats.corpus import Document, document_text, read_catalog, text_path\n"
    "from policystats.extract.table import document_extract\n"
    "from policystats.paths import get_paths\n"
    "paths = get_paths(sys.argv[1])\n"
    "for r in read_catalog(paths):\n"
    "    document_extract(Document(r['doc_id'], text_path(paths, r), r, document_text(paths, r)), 'data/raw/x')\n"
)


def pipeline(work: Path, documents: int = 40, repeats: int = 3, seed: int = 3) -> dict[str, Any]:
    """On the same texts, in one run: a cold build, the quantity search alone, a bare regex scan, jionlp.

    The build is ``policystats build --jobs 1 --no-cache`` in a fresh process
    on a project of ``documents`` synthetic documents, against a fresh process
    that imports pandas and policystats and runs ``search_quantities`` over the
    same raw texts (the issue's measure), and against one that runs the whole
    extractor (cleaning, segmentation, the search and classification:
    ``extract.table.document_extract``) over the catalogued documents, which
    shows what the build adds to its extractor (checking, Parquet, CSV). The
    search, the regex and jionlp are also timed inside this process (the
    minimum of ``repeats`` passes), for the search-to-regex ratio.
    """
    from ..extract.quantities import search_quantities
    from . import synthetic

    root = work / "pipeline"
    synthetic.make_project(root, documents, seed=seed)
    texts = [f.read_text(encoding="utf-8") for f in sorted((root / "data" / "raw").iterdir())]
    scans: dict[str, Callable[[str], Any]] = {"search_quantities": search_quantities, "regex": FLOOR.findall}
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import jionlp

        scans["jionlp"] = jionlp.ner.extract_money
    except ImportError:
        _say("  jionlp is not installed (pip install -e '.[dev]'); skipping it")
    for f in scans.values():
        f("预计2025年贷款增长10%，最高不超过500万元")
    best = dict.fromkeys(scans, float("inf"))
    for _ in range(repeats):
        for name, f in scans.items():
            t0 = time.perf_counter()
            for t in texts:
                f(t)
            best[name] = min(best[name], time.perf_counter() - t0)
    builds, searches, extracts = [], [], []
    search_cmd = [sys.executable, "-c", SEARCH_SCRIPT, str(root / "data" / "raw")]
    extract_cmd = [sys.executable, "-c", EXTRACT_SCRIPT, str(root)]
    for _ in range(repeats):
        r = _check(run_measured(_cli("--root", str(root), "build", "--jobs", "1", "--no-cache", "--quiet")), "build")
        builds.append(r.seconds)
        searches.append(_check(run_measured(search_cmd), "search process").seconds)
        extracts.append(_check(run_measured(extract_cmd), "extractor process").seconds)
    out = {
        "documents": documents,
        "chars": sum(map(len, texts)),
        "build_seconds": min(builds),
        "search_process_seconds": min(searches),
        "extract_process_seconds": min(extracts),
        **{f"{k}_seconds": v for k, v in best.items()},
    }
    # As the issue measured it: a process that imports pandas and policystats and searches the same texts.
    out["build_vs_search"] = out["build_seconds"] / out["search_process_seconds"]
    out["build_vs_extract"] = out["build_seconds"] / out["extract_process_seconds"]
    out["search_vs_regex"] = best["search_quantities"] / best["regex"]
    if "jionlp" in best:
        out["jionlp_vs_search"] = best["jionlp"] / best["search_quantities"]
    return out


# ------------------------------------------------------------------ 2. import


def import_times(runs: int = 9) -> dict[str, Any]:
    """Median time of ``import X`` in a fresh interpreter (interpreter start excluded)."""
    code = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"
    res: dict[str, list[float]] = {"policystats": [], "pandas": []}
    for _ in range(runs):
        for mod in res:  # interleaved
            out = subprocess.run([sys.executable, "-c", code.format(m=mod)], capture_output=True, text=True, check=True)
            res[mod].append(float(out.stdout.strip()))
    med = {m: statistics.median(v) for m, v in res.items()}
    return {"runs": runs, "seconds": med, "ratio": med["policystats"] / med["pandas"]}


# ------------------------------------------------------------------ 3. seeds build


def _scratch_project(dest: Path) -> Path:
    src = get_paths()
    (dest / "data").mkdir(parents=True)
    shutil.copytree(src.raw, dest / "data" / "raw")
    shutil.copy(src.catalog, dest / "data" / "catalog.csv")
    return dest


def seeds_build(work: Path, runs: int = 3) -> dict[str, Any]:
    """`policystats build` on the seeds: empty cache vs warm cache (median of ``runs``)."""
    from ..corpus import read_catalog

    root = _scratch_project(work / "seeds")
    cache = get_paths(root).cache
    n_docs = len(read_catalog(get_paths(root)))
    cold, warm, peaks = [], [], []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        r = _check(run_measured(_cli("--root", str(root), "build", "--quiet")), "cold build")
        cold.append(r.seconds)
        peaks.append(r.peak_rss)
        r = _check(run_measured(_cli("--root", str(root), "build", "--quiet")), "warm build")
        if f"({n_docs} from the cache)" not in r.stdout:
            raise RuntimeError(f"the warm build did not use the cache:\n{r.stdout[:300]}")
        warm.append(r.seconds)
        peaks.append(r.peak_rss)
    # The same, inside one interpreter: the work without start-up and imports.
    from ..api import build

    shutil.rmtree(cache, ignore_errors=True)
    build(root)  # imports and warm-up
    in_cold, in_warm = [], []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        t0 = time.perf_counter()
        build(root)
        in_cold.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        build(root)
        in_warm.append(time.perf_counter() - t0)
    return {
        "runs": runs,
        "documents": n_docs,
        "cli_cold": statistics.median(cold),
        "cli_warm": statistics.median(warm),
        "inproc_cold": statistics.median(in_cold),
        "inproc_warm": statistics.median(in_warm),
        "peak_rss": max(peaks),
    }


# ------------------------------------------------------------------ 4. reports


def report_times(work: Path, jobs: int | None = None) -> dict[str, Any]:
    """Each notebook alone (defaults, English), then all of them at once."""
    import yaml

    cfg = {"langs": ["en"], "reports": [{"name": n, "notebook": f"notebooks/{n}.ipynb"} for n in NOTEBOOKS]}
    cfg_path = work / "bench_reports.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    root = str(get_paths().root)
    single: dict[str, float] = {}
    single_cpu: dict[str, float] = {}
    peaks = []

    def report(*options: str) -> Run:
        args = ("--root", root, "report", "--config", str(cfg_path), "--quiet", "--out", str(work / "reports"))
        return _check(run_measured(_cli(*args, *options)), f"policystats report {' '.join(options)}")

    for n in NOTEBOOKS:
        _say(f"  report {n} alone")
        r = report("--only", n, "--jobs", "1")
        single[n] = r.seconds
        single_cpu[n] = r.cpu_seconds
        peaks.append(r.peak_rss)
    workers = jobs or len(NOTEBOOKS)
    _say(f"  all {len(NOTEBOOKS)} notebooks at once (--jobs {workers})")
    r = report("--jobs", str(workers))
    slowest = max(single.values())
    cores = os.cpu_count() or 1
    return {
        "single": single,
        "single_cpu": single_cpu,
        "parallel": r.seconds,
        "parallel_cpu": r.cpu_seconds,
        "cores": cores,
        "jobs": workers,
        "ratio": r.seconds / slowest,
        # The parallel run needed this much CPU time; on c cores it cannot take less than cpu / c.
        "cpu_floor_ratio": max(1.0, r.cpu_seconds / min(cores, workers) / slowest),
        "peak_rss_parallel": r.peak_rss,
        "peak_rss_single": max(peaks),
    }


def notebook_times(repeat: int = 2) -> dict[str, Any]:
    """Each notebook against a trivial floor notebook, in one run (``report.reports.time_notebooks``)."""
    from ..report.reports import time_notebooks

    return time_notebooks(repeat=repeat)


# ------------------------------------------------------------------ 5. scaling


def scaling(work: Path, sizes: Sequence[int], jobs: int) -> list[dict[str, Any]]:
    """Build synthetic corpora of ``sizes`` documents: time, peak memory, rows; warm rebuild; a query."""
    import csv

    from . import synthetic

    rows = []
    for n in sizes:
        dest = work / f"corpus_{n}"
        _say(f"  {n:,} documents: writing the synthetic corpus")
        paths = synthetic.make_project(dest, n, seed=n)
        chars = sum((paths.raw / f).stat().st_size for f in os.listdir(paths.raw))
        _say(f"  {n:,} documents: building with --jobs {jobs}")
        # --csv: the CSV is written at every size (by default only up to 2,000 documents), so sizes compare.
        build = ("--root", str(dest), "build", "--jobs", str(jobs), "--quiet", "--csv")
        cold = _check(run_measured(_cli(*build)), f"build {n}")
        m = re.search(r"Built (\d+) rows", cold.stdout)
        n_rows = int(m.group(1)) if m else -1
        # One catalog edit, then an incremental rebuild through the cache.
        with paths.catalog.open(encoding="utf-8", newline="") as fh:
            cat = list(csv.DictReader(fh))
        cat[0]["title"] += "（修订）"
        with paths.catalog.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(cat[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(cat)
        _say(f"  {n:,} documents: rebuilding after one catalog edit")
        warm = _check(run_measured(_cli(*build)), "rebuild")
        if f"({n - 1} from the cache)" not in warm.stdout:
            raise RuntimeError(f"the rebuild of {n} documents did not reuse the cache:\n{warm.stdout[:300]}")
        sql = "select category, count(*) as n, median(value) as median_value from measures group by category"
        q = _check(run_measured(_cli("--root", str(dest), "query", sql)), "query")
        sizes_mb = {
            "csv": paths.measures_csv.stat().st_size / 1e6,
            "parquet": paths.measures_parquet.stat().st_size / 1e6,
            "dataset": sum(p.stat().st_size for p in paths.parquet_dataset.glob("*.parquet")) / 1e6,
        }
        rows.append(
            {
                "documents": n,
                "raw_mb": chars / 1e6,
                "rows": n_rows,
                "seconds": cold.seconds,
                "ms_per_doc": 1000 * cold.seconds / n,
                "peak_rss": cold.peak_rss,
                "rebuild_seconds": warm.seconds,
                "rebuild_peak_rss": warm.peak_rss,
                "query_seconds": q.seconds,
                "query_peak_rss": q.peak_rss,
                **{f"{k}_mb": v for k, v in sizes_mb.items()},
            }
        )
        shutil.rmtree(dest, ignore_errors=True)
    return rows


# ------------------------------------------------------------------ report


def machine() -> dict[str, Any]:
    import psutil

    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for mod in ("policystats", "pandas", "pyarrow", "duckdb", "dask", "jionlp", "papermill"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[mod] = version(mod)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": psutil.virtual_memory().total / 2**30,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "date": dt.date.today().isoformat(),
    }


def _mb(b: int) -> str:
    return f"{b / 2**20:,.0f} MB"


def _summary(res: dict[str, Any]) -> list[str]:
    """The targets of the benchmark and whether this run meets them."""
    rows = []

    def row(target: str, measured: str, ok: bool) -> None:
        rows.append(f"| {target} | {measured} | {'met' if ok else '**missed**'} |")

    if "throughput" in res and "ratio_vs_jionlp" in res["throughput"]:
        r = res["throughput"]["ratio_vs_jionlp"]
        row("extraction throughput ≥ 3× `jionlp.ner.extract_money`", f"{r:.2f}×", r >= 3)
    if "pipeline" in res:
        r = res["pipeline"]
        row(
            "cold build ≤ 2× `search_quantities` alone, same texts",
            f"{r['build_vs_search']:.2f}×",
            r["build_vs_search"] <= 2,
        )
        row(
            "`search_quantities` within 5× a bare regex scan", f"{r['search_vs_regex']:.1f}×", r["search_vs_regex"] <= 5
        )
    if "imports" in res:
        r = res["imports"]["ratio"]
        row("`import policystats` ≤ 1.5× `import pandas`", f"{r:.3f}×", r <= 1.5)
    if "reports" in res:
        r = res["reports"]
        row(
            "all notebooks at once ≤ 1.5× the slowest alone",
            f"{r['ratio']:.2f}× (at best {r['cpu_floor_ratio']:.2f}× on {r['cores']} cores)",
            r["ratio"] <= 1.5,
        )
    if "notebooks" in res:
        r = res["notebooks"]
        worst = max(r["ratios"], key=r["ratios"].get)
        cpu_worst = max(r["cpu_ratios"].values())
        row(
            "each notebook ≤ 2× a floor notebook (pandas, seaborn, one PNG)",
            f"at most {r['ratios'][worst]:.2f}× ({worst}); CPU at most {cpu_worst:.2f}×",
            r["ratios"][worst] <= 2,
        )
    if res.get("scaling"):
        big = res["scaling"][-1]
        row(
            f"peak memory of a {big['documents']:,}-document build well under 1 GB",
            _mb(big["peak_rss"]),
            big["peak_rss"] < 2**30,
        )
        if len(res["scaling"]) >= 2:
            a = res["scaling"][0]
            growth = (big["seconds"] / a["seconds"]) / (big["documents"] / a["documents"])
            row(
                "build time linear in the number of documents",
                f"{a['ms_per_doc']:.0f} → {big['ms_per_doc']:.0f} ms per document",
                growth <= 1.25,
            )
    if not rows:
        return []
    return [
        "| target | this run | |",
        "| --- | --- | --- |",
        *rows,
        "",
        "That the Dask engine writes the same rows as the local one, and a warm rebuild the same bytes as a cold "
        "one, is checked by tests (`tests/test_engine.py`), not here.",
        "",
    ]


def to_markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    L = [
        "# Performance",
        "",
        "Figures printed by the benchmark, not timed tests: they depend on the machine and its load.",
        "Regenerate this file with:",
        "",
        "```bash",
        res["command"],
        "```",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']:.1f} GB RAM, {m['os']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f". Run on {m['date']}; the whole benchmark took {res['total_seconds'] / 60:.1f} minutes.",
        "",
    ]
    L += _summary(res)
    if "throughput" in res:
        t = res["throughput"]
        L += [
            "## Extraction throughput",
            "",
            f"{t['texts']} synthetic texts ({t['chars']:,} characters, {t['mb_utf8']:.1f} MB of UTF-8): the seeds "
            "with every Arabic number replaced by random digits of the same length (years, item and annex numbers "
            "kept). Each text is "
            f"timed {t['repeats']} times per extractor, interleaved; the table sums the per-text minima.",
            "",
            "| extractor | what it extracts | seconds | characters / s | items found |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        what = {
            "policystats": "every quantity type: money, shares, counts, durations, ratios … with comparator, "
            "per-unit, target year",
            "jionlp": "`jionlp.ner.extract_money`: money only",
            "regex floor": "one compiled regex for number + unit, no interpretation",
        }
        for name, r in t["rows"].items():
            L.append(f"| {name} | {what[name]} | {r['seconds']:.2f} | {r['chars_per_s']:,.0f} | {r['found']:,} |")
        L.append("")
        if "ratio_vs_jionlp" in t:
            ok = "meets" if t["ratio_vs_jionlp"] >= 3 else "misses"
            L.append(
                f"**policystats runs at {t['ratio_vs_jionlp']:.2f}× jionlp's throughput** ({ok} the ≥ 3× target), "
                f"and at 1/{t['ratio_vs_floor']:.0f} of the bare-regex floor."
            )
        L.append("")
    if "pipeline" in res:
        r = res["pipeline"]
        L += [
            "## The pipeline against its extractor",
            "",
            f"One synthetic project of {r['documents']} documents ({r['chars']:,} characters), in one run: a cold "
            "`policystats build --jobs 1 --no-cache` in a fresh process, and on the same raw texts in this process "
            "`search_quantities`, a bare compiled regex for number + unit, and jionlp's money extraction "
            "(minimum of three passes each).",
            "",
            "| what | seconds | ratio |",
            "| --- | ---: | ---: |",
            f"| cold build, end to end (a process) | {r['build_seconds']:.2f} "
            f"| {r['build_vs_search']:.2f}× the search process |",
            "| a process importing pandas and policystats, searching the texts "
            f"| {r['search_process_seconds']:.2f} | 1 |",
            *(
                [
                    "| a process importing pandas and policystats, running the whole extractor (cleaning, "
                    "segmentation, search, classification) on the catalogued documents "
                    f"| {r['extract_process_seconds']:.2f} | the build is {r['build_vs_extract']:.2f}× this |"
                ]
                if "extract_process_seconds" in r
                else []
            ),
            f"| `search_quantities` alone | {r['search_quantities_seconds']:.3f} "
            f"| {r['search_vs_regex']:.1f}× the regex |",
            f"| bare regex scan | {r['regex_seconds']:.3f} | 1 |",
        ]
        if "jionlp_seconds" in r:
            L.append(
                f"| jionlp `extract_money` | {r['jionlp_seconds']:.3f} | {r['jionlp_vs_search']:.2f}× the search |"
            )
        L.append("")
    if "imports" in res:
        i = res["imports"]
        ok = "meets" if i["ratio"] <= 1.5 else "misses"
        L += [
            "## Import time",
            "",
            f"Median of {i['runs']} fresh interpreters each (interpreter start excluded): "
            f"`import policystats` {i['seconds']['policystats'] * 1000:.0f} ms, `import pandas` "
            f"{i['seconds']['pandas'] * 1000:.0f} ms: **ratio {i['ratio']:.3f}** ({ok} the ≤ 1.5× target). "
            "The package imports pandas, pandera, matplotlib and duckdb only when a function needs them.",
            "",
        ]
    if "seeds" in res:
        s = res["seeds"]
        L += [
            "## `policystats build` on the seeds",
            "",
            f"The {s['documents']} seed documents; median of {s['runs']} runs.",
            "",
            "| | cold (empty cache) | warm (every document from the cache) |",
            "| --- | ---: | ---: |",
            f"| command line, including interpreter start and imports | {s['cli_cold']:.2f} s | "
            f"{s['cli_warm']:.2f} s |",
            f"| `policystats.build()` in a running interpreter | {s['inproc_cold']:.3f} s | {s['inproc_warm']:.3f} s |",
            "",
            f"Peak memory of the command: {_mb(s['peak_rss'])}.",
            "",
        ]
    if "reports" in res:
        r = res["reports"]
        ok = "meets" if r["ratio"] <= 1.5 else "misses"
        L += [
            "## Report time",
            "",
            "Each notebook run alone through `policystats report` (defaults, English, one kernel), then all "
            f"{len(r['single'])} at once with `--jobs {r['jobs']}`. Times include starting the command.",
            "",
            "| notebook | alone: wall clock | alone: CPU time |",
            "| --- | ---: | ---: |",
            *[f"| {n} | {v:.1f} s | {r['single_cpu'][n]:.1f} s |" for n, v in r["single"].items()],
            f"| **all at once** | **{r['parallel']:.1f} s** | {r['parallel_cpu']:.1f} s |",
            "",
            f"**Ratio to the slowest notebook alone: {r['ratio']:.2f}** ({ok} the ≤ 1.5× target). "
            "CPU time counts the command, its workers and the Jupyter kernels. Every notebook is CPU-bound "
            "(kernel start, imports, drawing and saving figures, HTML export), so the run that starts them all "
            f"needs {r['parallel_cpu']:.1f} s of CPU, and {r['cores']} cores cannot deliver that in less than "
            f"{r['parallel_cpu'] / r['cores']:.1f} s: a ratio of {r['cpu_floor_ratio']:.2f} at best on this "
            "machine, whatever the scheduling. The ratio falls towards 1 with one core per notebook. "
            f"Peak memory: {_mb(r['peak_rss_single'])} for one notebook, {_mb(r['peak_rss_parallel'])} for all "
            "at once.",
            "",
        ]
    if "notebooks" in res:
        r = res["notebooks"]
        L += [
            "## Each notebook against the floor",
            "",
            "`time_notebooks()`: each notebook with its defaults (English), run through papermill in a fresh kernel "
            "and exported to HTML as `policystats report` runs one job, against a floor notebook that imports "
            "pandas and seaborn and saves one PNG, through the same two steps, in the same run (floor first and "
            "last; each figure the minimum of two runs; a fresh, empty font cache, so the first run of each page "
            "cuts its font).",
            "",
            "| notebook | wall clock | ratio to floor | of which HTML export | CPU | CPU ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            f"| floor | {r['floor']:.1f} s | 1 | | {r['floor_cpu']:.1f} s | 1 |",
            *[
                f"| `{n}` | {v:.1f} s | {r['ratios'][n]:.2f} | {r['parts'][n]['html']:.1f} s | {r['cpu'][n]:.1f} s "
                f"| {r['cpu_ratios'][n]:.2f} |"
                for n, v in r["notebooks"].items()
            ],
            "",
        ]
    if "scaling" in res:
        rows = res["scaling"]
        L += [
            "## Build scaling",
            "",
            f"Synthetic corpora (seeds with perturbed numbers, the catalog metadata of their seed), built cold with "
            f"`policystats build --jobs {res['jobs']}`; then one catalog row is edited and the build run again "
            "(only that document is recomputed; the rest come from the cache); then a DuckDB query over "
            "measures.parquet (`policystats query`: count and median value per category, over every row). "
            "Memory is the peak of the summed resident memory of the command and its workers.",
            "",
            "| documents | raw text | rows | cold build | per document | peak memory | rebuild after one edit "
            "| peak memory | DuckDB query | peak memory | measures.csv | measures.parquet | parquet/ |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in rows:
            L.append(
                f"| {r['documents']:,} | {r['raw_mb']:.0f} MB | {r['rows']:,} | {r['seconds']:.0f} s "
                f"| {r['ms_per_doc']:.0f} ms | {_mb(r['peak_rss'])} | {r['rebuild_seconds']:.0f} s "
                f"| {_mb(r['rebuild_peak_rss'])} | {r['query_seconds']:.1f} s | {_mb(r['query_peak_rss'])} "
                f"| {r['csv_mb']:.0f} MB | {r['parquet_mb']:.0f} MB | {r['dataset_mb']:.0f} MB |"
            )
        if len(rows) >= 2:
            a, b = rows[0], rows[-1]
            L += [
                "",
                f"From {a['documents']:,} to {b['documents']:,} documents ({b['documents'] / a['documents']:.0f}× "
                f"more) the build takes {b['seconds'] / a['seconds']:.0f}× longer; time per document goes from "
                f"{a['ms_per_doc']:.0f} ms to {b['ms_per_doc']:.0f} ms (fixed start-up costs weigh on the small "
                f"corpus). Peak memory goes from {_mb(a['peak_rss'])} to {_mb(b['peak_rss'])} "
                f"(×{b['peak_rss'] / a['peak_rss']:.1f} for ×{b['documents'] / a['documents']:.0f} documents; "
                "most of it is three Python processes with pandas loaded): rows are streamed to disk as each "
                "document finishes, and what stays in memory is one summary line per document and up to 25,000 "
                "rows waiting for the next Parquet row group.",
            ]
        L.append("")
    return "\n".join(L)


KEEP = "<!-- policystats bench --write keeps everything below this line -->"


def kept_notes(path: Path) -> str:
    """The hand-written part of an existing report (from the ``KEEP`` line on), or ''."""
    try:
        old = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    at = old.find(KEEP)
    return "\n" + old[at:] if at >= 0 else ""


def run_all(
    *,
    sizes: Sequence[int] = (100, 1_000, 10_000),
    chars: int = 10_000_000,
    jobs: int | None = None,
    skip: Sequence[str] = (),
    command: str = "policystats bench",
) -> dict[str, Any]:
    jobs = jobs or os.cpu_count() or 1
    t0 = time.perf_counter()
    res: dict[str, Any] = {"machine": machine(), "command": command, "jobs": jobs}
    with tempfile.TemporaryDirectory(prefix="policystats-bench-") as tmp:
        work = Path(tmp)
        steps = [
            ("throughput", lambda: throughput(chars)),
            ("pipeline", lambda: pipeline(work)),
            ("imports", import_times),
            ("seeds", lambda: seeds_build(work)),
            ("reports", lambda: report_times(work)),
            ("notebooks", notebook_times),
            ("scaling", lambda: scaling(work, sizes, jobs)),
        ]
        steps = [(n, f) for n, f in steps if n not in skip]
        for k, (name, f) in enumerate(steps, 1):
            _say(f"[{k}/{len(steps)}] {name}")
            t = time.perf_counter()
            res[name] = f()
            _say(f"      done in {time.perf_counter() - t:.0f} s")
    res["total_seconds"] = time.perf_counter() - t0
    return res


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``policystats bench`` and ``python benchmarks/run.py``."""
    import argparse

    p = argparse.ArgumentParser(
        prog="policystats bench",
        description="Measure extraction throughput (vs jionlp and a bare regex), import time, cached builds, "
        "report time and build scaling; print the figures as Markdown. A full run takes about half an hour on "
        "two cores, most of it building the 10,000-document corpus.",
    )
    p.add_argument("--write", metavar="FILE", help="also write the figures to FILE, e.g. docs/performance.md")
    p.add_argument("--sizes", default="100,1000,10000", help="corpus sizes for the scaling curve (documents)")
    p.add_argument("--chars", type=int, default=10_000_000, help="size of the extraction corpus in characters")
    p.add_argument("--jobs", type=int, help="build workers for the scaling runs (default: number of CPUs)")
    p.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["throughput", "pipeline", "imports", "seeds", "reports", "notebooks", "scaling"],
        help="leave out a part (repeatable)",
    )
    p.add_argument("--quick", action="store_true", help="small sizes for a smoke run: 20,60 documents, 0.3M chars")
    p.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    args = p.parse_args(argv)
    try:
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    except ValueError:
        p.error(f"--sizes must be comma-separated integers, not {args.sizes!r}")
    chars = args.chars
    if args.quick:
        sizes, chars = [20, 60], 300_000
    # The command as recorded in the report: the options that change the figures, and --write.
    command = "policystats bench"
    if args.quick:
        command += " --quick"
    else:
        if args.sizes != "100,1000,10000":
            command += f" --sizes {args.sizes}"
        if args.chars != 10_000_000:
            command += f" --chars {args.chars}"
    command += f" --jobs {args.jobs}" if args.jobs else ""
    command += "".join(f" --skip {x}" for x in args.skip)
    command += f" --write {args.write}" if args.write else ""
    try:
        res = run_all(sizes=sizes, chars=chars, jobs=args.jobs, skip=args.skip, command=command.strip())
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    md = to_markdown(res)
    print(md)
    if args.write:
        Path(args.write).write_text(md + "\n" + kept_notes(Path(args.write)), encoding="utf-8")
        _say(f"wrote {args.write}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0
