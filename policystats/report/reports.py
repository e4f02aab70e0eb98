"""Run the notebooks through papermill into dated report folders.

``policystats report`` reads ``reports.yaml``, expands each entry into jobs
(one per language, and per city where asked), checks every parameter name
against the notebook's ``parameters`` cell (papermill itself only warns), and
runs the jobs in parallel into a new folder ``reports/<timestamp>/`` that never
replaces an earlier run. Each job writes the executed notebook and an HTML
page with the code hidden. A failing notebook is reported by name and cell,
its partial output is kept, the other jobs still run, and the exit status is
non-zero.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._workers import init_worker, stop_pool
from ..errors import ReportError
from ..paths import ENV, ProjectPaths, get_paths, relative_to_root

RESERVED = ("lang", "figures_dir", "city")
EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>")


@dataclass
class Job:
    report: str
    notebook: str  # path relative to the project root
    parameters: dict[str, Any]
    lang: str
    city: str | None = None

    @property
    def stem(self) -> str:
        parts = [self.report] + ([self.city] if self.city else []) + [self.lang]
        return "_".join(parts)


@dataclass
class Result:
    stem: str
    report: str
    notebook: str
    ok: bool
    seconds: float
    ipynb: str
    html: str | None
    error: str | None = None
    figures: list[str] = field(default_factory=list)
    title: str = ""
    lang: str = "en"
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunSummary:
    run_dir: Path
    results: list[Result]

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.ok]


def _quiet_imports() -> None:
    """Spare papermill and nbconvert five seconds of start-up.

    nbformat imports jsonschema, and jsonschema, when the optional package
    rfc3987-syntax is installed (the Jupyter extras bring it), builds an IRI
    grammar at import: about five seconds of CPU on a small machine, for a
    format ("iri") that no notebook schema uses. jsonschema skips that format
    when the import fails; marking the module absent makes it fail. Only this
    process is affected, and only if it has not imported the package yet.
    """
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


# ------------------------------------------------------------------ config


def load_config(path: str | os.PathLike[str], paths: ProjectPaths | None = None) -> dict[str, Any]:
    """Parse and check a reports YAML file; errors name the file and the entry."""
    p = Path(path)
    root = (paths or get_paths()).root
    if not p.exists():
        raise ReportError(f"{p}: report config not found")
    try:
        cfg = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ReportError(f"{p}: not valid YAML ({exc})") from exc
    if not isinstance(cfg, dict) or not isinstance(cfg.get("reports"), list) or not cfg["reports"]:
        raise ReportError(f"{p}: needs a non-empty list under 'reports'")
    names = set()
    for i, r in enumerate(cfg["reports"]):
        where = f"{p.name} reports[{i}]"
        if not isinstance(r, dict) or not r.get("name") or not r.get("notebook"):
            raise ReportError(f"{where}: each report needs a name and a notebook")
        if r["name"] in names:
            raise ReportError(f"{where}: duplicate report name {r['name']!r}")
        names.add(r["name"])
        nb = root / r["notebook"]
        if not nb.exists():
            raise ReportError(f"{where} ({r['name']}): notebook {r['notebook']} does not exist")
        if not isinstance(r.get("parameters", {}), dict):
            raise ReportError(f"{where} ({r['name']}): parameters must be a mapping")
        per_city = r.get("per_city")
        if (
            per_city is not None
            and per_city != "all"
            and not (isinstance(per_city, list) and per_city and all(isinstance(c, str) for c in per_city))
        ):
            raise ReportError(
                f"{where} ({r['name']}): per_city must be a list of city names (city_en in data/catalog.csv) "
                f"or 'all', not {per_city!r}"
            )
        for key in RESERVED:
            if key in r.get("parameters", {}):
                raise ReportError(
                    f"{where} ({r['name']}): set {key!r} with langs/per_city or the command line, not parameters"
                )
    return cfg


def catalog_cities(paths: ProjectPaths | None = None) -> list[str]:
    """Every city of the catalog (its ``city_en`` column), sorted."""
    from ..corpus import read_catalog

    return sorted({row["city_en"] for row in read_catalog(paths or get_paths(), check_files=False)})


def plan(
    cfg: dict[str, Any],
    *,
    only: list[str] | None = None,
    lang: str | None = None,
    paths: ProjectPaths | None = None,
) -> list[Job]:
    """Expand the config into jobs; ``per_city: all`` means every city in the catalog."""
    reports = cfg["reports"]
    if only:
        known = [r["name"] for r in reports]
        unknown = [o for o in only if o not in known]
        if unknown:
            raise ReportError(f"unknown report(s) {', '.join(unknown)}; the config has {', '.join(known)}")
        reports = [r for r in reports if r["name"] in only]
    jobs = []
    for r in reports:
        langs = [lang] if lang else r.get("langs") or cfg.get("langs") or ["en"]
        per_city = catalog_cities(paths) if r.get("per_city") == "all" else r.get("per_city") or [None]
        for lg in langs:
            if lg not in ("en", "zh"):
                raise ReportError(f"report {r['name']}: language {lg!r} is not en or zh")
            for city in per_city:
                jobs.append(Job(r["name"], r["notebook"], dict(r.get("parameters") or {}), lg, city))
    return jobs


def declared_parameters(notebook: Path) -> dict[str, Any]:
    _quiet_imports()
    import papermill

    return papermill.inspect_notebook(str(notebook))


def check_parameters(jobs: list[Job], root: Path) -> None:
    """Reject parameter names that a notebook does not declare (papermill only warns)."""
    problems = []
    cache: dict[str, dict] = {}
    for job in jobs:
        declared = cache.setdefault(job.notebook, declared_parameters(root / job.notebook))
        given = set(job.parameters) | {"lang", "figures_dir"} | ({"city"} if job.city else set())
        unknown = sorted(given - set(declared))
        if unknown:
            problems.append(
                f"report {job.report}: unknown parameter(s) {', '.join(unknown)} for {job.notebook}; "
                f"it declares {', '.join(declared)}"
            )
    if problems:
        raise ReportError("\n".join(dict.fromkeys(problems)))


def new_run_dir(base: Path) -> Path:
    """A new folder named after the current time; never an existing one."""
    base.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    for n in range(1, 1000):
        candidate = base / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise ReportError(f"cannot create a new run folder in {base}")


# ------------------------------------------------------------------ running


def page_info(nb) -> dict[str, str]:
    """Title and language that the notebook's header output recorded (``notebook.start``)."""
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            info = o.get("metadata", {}).get("policystats")
            if info:
                return dict(info)
    return {}


def font_cache_dir() -> Path:
    """Where subset fonts are cached: the user's cache folder, never the project tree."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policystats" / "fonts"


@functools.cache
def _exporter():
    """One HTML exporter per process: building it loads and compiles the page template."""
    _quiet_imports()
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def to_html(ipynb: Path, html: Path, *, title: str | None = None) -> str:
    """Self-contained HTML with the code hidden: the page's language and title, the CJK font embedded."""
    _quiet_imports()
    import nbformat

    from .html import finish_page

    nb = nbformat.read(ipynb, as_version=4)
    info = page_info(nb)
    body, _ = _exporter().from_notebook_node(nb)
    # The template links require.js and MathJax from a CDN; the reports use neither
    # widgets nor maths, and a self-contained page must open offline.
    body = EXTERNAL_SCRIPT.sub("", body)
    page_title = info.get("title") or title or ipynb.stem
    body = finish_page(body, title=page_title, lang=info.get("lang", "en"), cache_dir=font_cache_dir())
    tmp = html.with_name(f".{html.name}.{os.getpid()}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(html)
    return page_title


def _describe_failure(exc: Exception, ipynb: Path) -> str:
    cell = getattr(exc, "cell_index", None)
    count = getattr(exc, "exec_count", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    source = (getattr(exc, "source", "") or "").strip().splitlines()
    first = source[0] if source else ""
    where = f"cell {cell}" if cell is not None else "a cell"
    if count is not None:
        where += f" (In [{count}])"
    return f"{where}: {ename}: {evalue}" + (f" — in `{first}`" if first else "")


def _execute(notebook: Path, out: Path, params: dict[str, Any]) -> None:
    """Run ``notebook`` into ``out`` through papermill, in a fresh python3 kernel started in its folder."""
    import papermill

    papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters=params,
        kernel_name="python3",
        cwd=str(notebook.parent),
        progress_bar=False,
        log_output=False,
        # The kernel's own start-up chatter (TCP transport notice) is not ours to show.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


def run_job(job: Job, root: str, run_dir: str, figures_dir: str | None = None) -> Result:
    """Execute one job (in a worker process)."""
    import logging

    _quiet_imports()
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    root_p, out = Path(root), Path(run_dir)
    os.environ[ENV] = root  # the kernel reads the project the command named (a worker process: no leak)
    notebook = root_p / job.notebook
    ipynb = out / f"{job.stem}.ipynb"
    html = out / f"{job.stem}.html"
    figures = Path(figures_dir) if figures_dir else out / "figures"
    if job.report != Path(job.notebook).stem:
        figures = figures / job.report  # a variant of a notebook keeps its own figures
    params = dict(job.parameters) | {"lang": job.lang, "figures_dir": str(figures)}
    if job.city:
        params["city"] = job.city
    start = time.perf_counter()
    error = None
    try:
        _execute(notebook, ipynb, params)
    except PapermillExecutionError as exc:
        error = _describe_failure(exc, ipynb)
    except Exception as exc:  # kernel died, timeout …
        error = f"{type(exc).__name__}: {exc}"
    html_out: str | None = None
    title = job.stem
    if ipynb.exists():
        try:
            title = to_html(ipynb, html, title=job.stem)
            html_out = html.name
        except Exception as exc:  # pragma: no cover - nbconvert failure
            error = (error + "; " if error else "") + f"HTML export failed: {exc}"
    shown = {k: v for k, v in params.items() if k != "figures_dir"}
    return Result(
        job.stem,
        job.report,
        job.notebook,
        error is None,
        round(time.perf_counter() - start, 2),
        ipynb.name,
        html_out,
        error,
        title=title,
        lang=job.lang,
        parameters=shown,
    )


def _pool_context():
    """Fork workers on Linux, after importing papermill and nbconvert once here.

    Importing them costs a second or more of CPU per process (nbformat pulls in
    jsonschema, which builds an IRI grammar at import when the Jupyter extras
    are installed); forked workers inherit the imported modules instead of
    paying that once per notebook running in parallel. Elsewhere the platform's
    default start method is used.
    """
    import multiprocessing
    import sys

    if not sys.platform.startswith("linux"):
        return None
    _quiet_imports()
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    _exporter()  # the page template, compiled once for every worker
    return multiprocessing.get_context("fork")


def run(
    config: str | os.PathLike[str] | None = None,
    *,
    only: list[str] | None = None,
    jobs: int | None = None,
    out: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    root: str | os.PathLike[str] | None = None,
    progress: bool = True,
    figures_dir: str | os.PathLike[str] | None = None,
) -> RunSummary:
    """Run the reports; see the module docstring."""
    paths = get_paths(root)
    cfg_path = Path(config) if config else paths.reports_config
    cfg = load_config(cfg_path, paths)
    job_list = plan(cfg, only=only, lang=lang, paths=paths)
    check_parameters(job_list, paths.root)
    run_dir = new_run_dir(Path(out) if out else paths.reports)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(job_list)))
    results: list[Result] = []
    bar = None
    # Workers ignore Ctrl-C and die with this process (their kernels follow them); see policystats._workers.
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=_pool_context(), initializer=init_worker, initargs=(os.getpid(),)
    ) as pool:
        fig = str(Path(figures_dir).resolve()) if figures_dir else None
        futures = {pool.submit(run_job, j, str(paths.root), str(run_dir), fig): j for j in job_list}
        if progress:  # after the workers exist: no progress thread is forked with them
            from tqdm import tqdm

            bar = tqdm(total=len(job_list), desc=f"reports → {relative_to_root(run_dir, paths.root)}", unit="notebook")
        try:
            _collect(futures, results, bar)
        except KeyboardInterrupt:  # stop now: no queued notebook runs, the index lists what finished
            stop_pool(pool)
            done = {r.stem for r in results}
            results += [Result(j.stem, j.report, j.notebook, False, 0.0, f"{j.stem}.ipynb", None, "interrupted",
                               title=j.stem, lang=j.lang)
                        for j in job_list if j.stem not in done]  # fmt: skip
            _write_index(run_dir, sorted(results, key=lambda r: r.stem), paths.root)
            raise
    if bar is not None:
        bar.close()
    results.sort(key=lambda r: r.stem)
    for res in results:
        fig_dir = run_dir / "figures"
        res.figures = sorted(str(p.relative_to(run_dir)) for p in fig_dir.rglob("*.png")) if fig_dir.exists() else []
    _write_index(run_dir, results, paths.root)
    return RunSummary(run_dir, results)


def _collect(futures: dict, results: list[Result], bar) -> None:
    for fut in as_completed(futures):
        job = futures[fut]
        try:
            res = fut.result()
        except Exception as exc:  # the worker itself crashed
            res = Result(
                job.stem,
                job.report,
                job.notebook,
                False,
                0.0,
                f"{job.stem}.ipynb",
                None,
                f"{type(exc).__name__}: {exc}",
                title=job.stem,
                lang=job.lang,
            )
        results.append(res)
        if bar is not None:
            bar.set_postfix_str(f"{res.stem} {'ok' if res.ok else 'FAILED'}")
            bar.update(1)


def _write_index(run_dir: Path, results: list[Result], root: Path | None = None) -> None:
    """run.json and index.html: every page with its title, language, parameters, status and time."""
    from .html import CSS, esc, font_face, visible_text
    from .labels import column, text
    from .provenance import collect

    prov = collect(root)
    (run_dir / "run.json").write_text(
        json.dumps(
            {"run": prov.run, "commit": prov.commit, "table_build": prov.build_key, "table_stale": prov.stale}
            | {"headline_confirmed": list(prov.confirmed) if prov.confirmed else None}
            | {"reports": [asdict(r) | {"figures": []} for r in results]},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    en = "en"
    heads = ["report", "language", "parameters", "status", "seconds", "files", "error"]
    rows = []
    for r in results:
        link = f'<a href="{esc(r.html)}" lang="{esc(r.lang)}">{esc(r.title)}</a>' if r.html else esc(r.title)
        link += f'<br><span class="ps-muted">{esc(r.report)}</span>'
        params = "; ".join(f"{k} = {v}" for k, v in r.parameters.items() if k != "lang")
        cells = [
            link,
            esc(r.lang),
            esc(params),
            text("ok" if r.ok else "failed", en),
            f"{r.seconds:.1f}",
            f'<a href="{esc(r.ipynb)}">ipynb</a>',
            esc(r.error or ""),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    meta = [
        (text("run_date", en), prov.run),
        (text("commit", en), prov.commit or text("no_commit", en)),
        (
            text("table_build", en),
            prov.build_key + (f" ({text('table_in_memory', en, reason=prov.stale)})" if prov.stale else ""),
        ),
    ]
    if prov.confirmed is not None:
        done, total = prov.confirmed
        share = f"{100 * done / total:.0f}%" if total else "–"
        meta.append((text("headline_confirmed", en), text("confirmed_of", en, done=done, total=total, share=share)))
    info = "".join(f"<span><b>{esc(k)}</b>: {esc(v)}</span>" for k, v in meta)
    title = text("index_title", en)
    body = (
        f'<div class="ps-header"><h1>{esc(title)}</h1><div class="ps-meta">{info}</div></div>'
        '<div class="ps-table ps-detail"><table><thead><tr>'
        + "".join(f"<th>{esc(column(h, en))}</th>" for h in heads)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f"<style>{font_face(visible_text(body), font_cache_dir())}\n{CSS}\nbody {{ margin: 1.5em; }}\n"
        ".ps-muted { color: #666; font-size: 12px; }</style></head>"
        f'<body class="ps-page">{body}</body></html>'
    )
    (run_dir / "index.html").write_text(page, encoding="utf-8")


# ------------------------------------------------------------------ timing


FLOOR_SOURCE = (
    "import pandas as pd\n"
    "import seaborn as sns\n"
    "import matplotlib.pyplot as plt\n"
    "\n"
    "fig, ax = plt.subplots()\n"
    "sns.barplot(data=pd.DataFrame({'x': ['a', 'b'], 'y': [1, 2]}), x='x', y='y', ax=ax)\n"
    "fig.savefig(out + '/floor.png')\n"
)


def _floor_notebook(folder: Path) -> Path:
    """A trivial notebook: imports pandas and seaborn and saves one PNG (the floor of a report's time)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.cells = [
        new_code_cell('out: str = "."  # where the PNG goes', metadata={"tags": ["parameters"]}),
        new_code_cell(FLOOR_SOURCE),
    ]
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the kernels)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _time_one(notebook: Path, out: Path, params: dict[str, Any]) -> dict[str, float]:

    out.mkdir(parents=True, exist_ok=True)
    c0 = _cpu()
    t0 = time.perf_counter()
    _execute(notebook, out / "page.ipynb", params)
    t1 = time.perf_counter()
    to_html(out / "page.ipynb", out / "page.html")
    t2 = time.perf_counter()
    return {"seconds": t2 - t0, "execute": t1 - t0, "html": t2 - t1, "cpu": _cpu() - c0}


def time_notebooks(
    names: list[str] | None = None,
    *,
    lang: str = "en",
    root: str | os.PathLike[str] | None = None,
    repeat: int = 1,
) -> dict[str, Any]:
    """Seconds per notebook and of a trivial floor notebook, measured in one run (for ``policystats bench``).

    Each notebook runs with its defaults (and ``lang``) through papermill in a
    fresh kernel and is exported to HTML, exactly as ``policystats report`` runs
    one job; the floor notebook (imports pandas and seaborn, saves one PNG) goes
    through the same two steps. Runs are sequential, in this process, with
    papermill and nbconvert imported beforehand; the font cache is a new empty
    folder, so every page pays for subsetting its font. With ``repeat`` > 1
    each figure is the minimum of that many runs, the floor's too.

    Returns ``{"floor": s, "notebooks": {name: s}, "ratios": {name: s / floor},
    "parts": {name: {"execute": s, "html": s}}}`` in wall-clock seconds, and the
    same in CPU seconds of this process and the kernels (``floor_cpu``, ``cpu``,
    ``cpu_ratios``), which another load on the machine disturbs less.
    """
    import tempfile

    _quiet_imports()
    import papermill  # noqa: F401

    _exporter()
    paths = get_paths(root)
    names = names or sorted(p.stem for p in paths.notebooks.glob("*.ipynb"))
    old_cache = os.environ.get("XDG_CACHE_HOME")
    with tempfile.TemporaryDirectory(prefix="policystats-time-") as tmp:
        work = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        try:
            floor_nb = _floor_notebook(work)
            runs: dict[str, list[dict[str, float]]] = {}
            order = ["__floor__", *names, "__floor__"]
            for _ in range(repeat):
                for n in order:
                    out = work / "runs" / f"{n}-{len(runs.get(n, []))}"
                    if n == "__floor__":
                        res = _time_one(floor_nb, out, {"out": str(out)})
                    else:
                        params = {"lang": lang, "figures_dir": str(out / "figures")}
                        res = _time_one(paths.notebooks / f"{n}.ipynb", out, params)
                    runs.setdefault(n, []).append(res)
        finally:
            if old_cache is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = old_cache
    best = {n: min(rs, key=lambda r: r["seconds"]) for n, rs in runs.items()}
    cpu = {n: min(r["cpu"] for r in rs) for n, rs in runs.items()}
    floor = best.pop("__floor__")["seconds"]
    floor_cpu = cpu.pop("__floor__")
    return {
        "floor": round(floor, 2),
        "notebooks": {n: round(r["seconds"], 2) for n, r in best.items()},
        "ratios": {n: round(r["seconds"] / floor, 2) for n, r in best.items()},
        "parts": {n: {"execute": round(r["execute"], 2), "html": round(r["html"], 2)} for n, r in best.items()},
        "floor_cpu": round(floor_cpu, 2),
        "cpu": {n: round(c, 2) for n, c in cpu.items()},
        "cpu_ratios": {n: round(c / floor_cpu, 2) for n, c in cpu.items()},
    }
