"""The notebooks and the report runner.

Each notebook runs through papermill with its defaults, and again in Chinese
with a two-city subset. Inside the kernel a missing glyph is an error
(``plots.setup`` turns the warning into one), so a run that passes rendered
every label.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from pathlib import Path

import nbformat
import papermill
import pytest

from policystats.api import load_measures
from policystats.cli import main
from policystats.errors import ReportError
from policystats.report import compare, plots, select
from policystats.report.reports import load_config, new_run_dir, plan, to_html

from .conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
NAMES = ["financing_targets", "procurement_shares", "award_levels", "overview", "city_profile"]
TWO = ["Jieyang", "Pingdingshan"]

# Text that the HTML of each notebook must show: its key comparison table.
KEY_TABLE = {
    "financing_targets": ["超5亿元", "Loans issued", "50万元以下", "Eligibility threshold"],
    "procurement_shares": [
        "30%以上",
        "不低于60%",
        "财库〔2011〕181号",
        "财库〔2020〕46号",
        "财库〔2022〕19号",
        "优先采购",
    ],
    "award_levels": [
        "300万",
        "最高不超过500万元",
        "Listing (staged)",
        "tutoring filed",
        "分别给予300万、300万和400万的奖励",
    ],
    "overview": ["揭府办函〔2019〕44号", "粤办函〔2012〕624号", "Supply-side", "Industry and Information Technology"],
    "city_profile": ["超5亿元", "Financing target"],
}
KEY_TABLE_ZH = {
    "financing_targets": ["超5亿元", "贷款发放额", "门槛条件"],
    "procurement_shares": ["不低于60%", "财库〔2011〕181号"],
    "award_levels": ["300万", "上市分段奖励", "辅导备案"],
    "overview": ["揭府办函〔2019〕44号", "供给型"],
    "city_profile": ["超5亿元", "融资目标"],
}


def _run(name: str, tmp_path: Path, **params) -> tuple[Path, Path, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / f"{name}.ipynb"
    figures = tmp_path / "figures"
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters=params | {"figures_dir": str(figures)},
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    html = tmp_path / f"{name}.html"
    to_html(out, html)
    return out, html, figures / name


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_with_defaults(name, tmp_path):
    _, html, figs = _run(name, tmp_path)
    pngs = sorted(figs.glob("*_en.png"))
    assert pngs, "the notebook saves its figures"
    for p in pngs:
        assert p.stat().st_size > 5000
        assert not p.with_suffix(".svg").exists(), "SVG only when asked (svg = True)"
    text = html.read_text(encoding="utf-8")
    for needle in KEY_TABLE[name]:
        assert needle in text, needle
    assert "import policystats" not in text, "HTML hides the code"
    assert not re.search(r'(?:src|href)="https?://', text), "the HTML is self-contained"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_in_chinese_for_two_cities(name, tmp_path):
    params = {"lang": "zh", "city": "Pingdingshan"} if name == "city_profile" else {"lang": "zh", "cities": TWO}
    _, html, figs = _run(name, tmp_path, **params, svg=True)
    pngs = sorted(figs.glob("*_zh.png"))
    assert pngs
    for p in pngs:
        assert p.with_suffix(".svg").stat().st_size > 5000, "svg = True saves a vector copy of every figure"
    text = html.read_text(encoding="utf-8")
    for needle in KEY_TABLE_ZH[name] if name != "city_profile" else ["平顶山市", "奖补标准"]:
        assert needle in text, needle
    if name != "city_profile":
        assert "雁江区" not in text.split("<table")[-1] or name == "overview"


def _tree_digest() -> dict[str, str]:
    import hashlib

    out = {}
    for folder in ("figures", "notebooks", "data", "docs"):
        for p in sorted((ROOT / folder).rglob("*")):
            if p.is_file():
                out[p.relative_to(ROOT).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_a_run_with_defaults_never_touches_the_committed_tree(tmp_path):
    """`papermill notebooks/award_levels.ipynb out.ipynb -p lang zh`: the figures go to a temporary folder."""
    before = _tree_digest()
    papermill.execute_notebook(
        str(NOTEBOOKS / "award_levels.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={"lang": "zh"},
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    assert _tree_digest() == before


def test_readme_figures_are_produced_by_a_run(tmp_path):
    """Every figure the README embeds is a name some notebook writes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = sorted(set(re.findall(r"figures/([\w/]+\.png)", readme)))
    assert used, "the README embeds figures"
    made: set[str] = set()
    for name in {u.split("/")[0] for u in used}:
        lang = "zh" if any(u.startswith(name) and u.endswith("_zh.png") for u in used) else "en"
        for lg in {lang, "en"}:
            _, _, figs = _run(name, tmp_path / lg, lang=lg)
            made |= {f"{name}/{p.name}" for p in figs.glob("*.png")}
    missing = [u for u in used if u not in made]
    assert not missing, missing
    for u in used:
        assert (ROOT / "figures" / u).exists(), f"commit figures/{u}"


# ---------------------------------------------------------------- notebook hygiene


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_clean_and_parameterised(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for stmt in ast.parse(params[0].source).body:
        assert isinstance(stmt, ast.AnnAssign), "parameters are typed assignments"
        ast.literal_eval(stmt.value)  # literals only
    for line in params[0].source.strip().splitlines():
        assert "  # " in line, f"parameter without a comment: {line}"
    for c in code:
        if c is params[0]:
            continue
        tree = ast.parse(c.source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda), (
                f"{name}: logic belongs in policystats, not in the notebook"
            )
            if isinstance(node, ast.Import | ast.ImportFrom):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                assert all(m.startswith("policystats") for m in mods), mods


# ---------------------------------------------------------------- the runner


def test_report_command_runs_in_parallel_into_a_new_folder(tmp_path, capsys):
    rc = main(
        [
            "report",
            "--only",
            "overview",
            "--only",
            "procurement_shares",
            "--out",
            str(tmp_path),
            "--jobs",
            "2",
            "--quiet",
        ]
    )
    assert rc == 0
    runs = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(runs) == 1
    run = runs[0]
    names = sorted(p.name for p in run.glob("*.html"))
    assert names == [
        "index.html",
        "overview_en.html",
        "overview_zh.html",
        "procurement_shares_en.html",
        "procurement_shares_zh.html",
    ]
    assert (run / "figures" / "overview" / "themes_zh.png").exists()
    status = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert all(r["ok"] for r in status["reports"])
    assert status["table_build"] and status["run"]
    done, total = status["headline_confirmed"]  # no reviewer has confirmed a row of the seeds yet
    assert done == 0 and total > 50
    assert f"headline quantities a person confirmed</b>: 0 of {total} (0%)" in (run / "index.html").read_text("utf-8")
    # a second run never overwrites the first
    assert main(["report", "--only", "overview", "--lang", "en", "--out", str(tmp_path), "--quiet"]) == 0
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2
    assert (run / "overview_zh.html").exists()


def test_unknown_city_fails_with_notebook_and_cell_named(tmp_path, capsys):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(
        "langs: [en]\nreports:\n  - name: financing_targets\n    notebook: notebooks/financing_targets.ipynb\n"
        "    parameters: {cities: [Jieyang, Luoyang]}\n",
        encoding="utf-8",
    )
    rc = main(["report", "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "notebooks/financing_targets.ipynb" in err
    assert re.search(r"cell \d+ \(In \[\d+\]\): UnknownCityError: unknown city 'Luoyang'", err), err
    partial = next((tmp_path / "out").iterdir()) / "financing_targets_en.ipynb"
    assert partial.exists(), "partial output is kept"


def test_broken_notebook_is_reported_and_partial_output_kept(tmp_path, capsys):
    shutil_root = tmp_path / "proj"
    (shutil_root / "notebooks").mkdir(parents=True)
    (shutil_root / "notebooks" / "broken.ipynb").write_bytes(
        (ROOT / "tests" / "fixtures" / "broken.ipynb").read_bytes()
    )
    cfg = shutil_root / "reports.yaml"
    cfg.write_text("langs: [en]\nreports:\n  - name: broken\n    notebook: notebooks/broken.ipynb\n", encoding="utf-8")
    rc = main(["--root", str(shutil_root), "report", "--quiet"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "broken" in err and "RuntimeError: this notebook fails on purpose" in err
    run = next((shutil_root / "reports").iterdir())
    nb = nbformat.read(run / "broken_en.ipynb", as_version=4)
    assert any(
        o.get("ename") == "RuntimeError" for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert (run / "broken_en.html").exists()


def test_unknown_parameter_is_rejected_before_running(tmp_path, capsys):
    cfg = tmp_path / "typo.yaml"
    cfg.write_text(
        "reports:\n  - name: awards\n    notebook: notebooks/award_levels.ipynb\n    parameters: {money_units: 元}\n",
        encoding="utf-8",
    )
    rc = main(["report", "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "unknown parameter(s) money_units" in err and "money_unit" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_config_errors_name_the_file(tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text("reports:\n  - name: x\n    notebook: notebooks/nope.ipynb\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"r.yaml reports\[0\] \(x\): notebook notebooks/nope.ipynb does not exist"):
        load_config(bad)
    bad.write_text("reports: [", encoding="utf-8")
    with pytest.raises(ReportError, match=r"r\.yaml: not valid YAML"):
        load_config(bad)
    cfg = load_config(ROOT / "reports.yaml")
    with pytest.raises(ReportError, match="unknown report"):
        plan(cfg, only=["nope"])
    bad = tmp_path / "bad_per_city.yaml"
    bad.write_text(
        "reports:\n  - name: p\n    notebook: notebooks/city_profile.ipynb\n    per_city: Jieyang\n", encoding="utf-8"
    )
    with pytest.raises(ReportError, match=r"bad_per_city.yaml reports\[0\] \(p\): per_city must be a list"):
        load_config(bad)


def test_default_plan_runs_city_profile_once_per_city():
    jobs = plan(load_config(ROOT / "reports.yaml"))
    stems = {j.stem for j in jobs}
    assert {"city_profile_Jieyang_en", "city_profile_Pingdingshan_zh", "city_profile_Yanjiang_en"} <= stems
    assert {"financing_targets_en", "procurement_shares_zh", "award_levels_en", "overview_zh"} <= stems


def test_run_folders_never_collide(tmp_path):
    a = new_run_dir(tmp_path)
    b = new_run_dir(tmp_path)
    assert a != b and a.exists() and b.exists()


# ---------------------------------------------------------------- package-level figure checks


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_render_without_missing_glyphs(lang, tmp_path):
    from policystats.report import render

    table = load_measures()
    names = render.city_names(table, lang)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots.setup(lang)
        q = compare.financing_quantities(table, include_outcomes=True)
        shares = compare.procurement_quantities(table)
        themes = compare.measures_per_theme(table)
        figs = [
            plots.financing_amounts(q, names, lang=lang),
            plots.financing_rates(q, names, lang=lang),
            plots.award_amounts(compare.award_amounts(table), names, lang=lang),
            plots.award_rates(compare.award_rates(table), names, lang=lang),
            plots.listing_stages(compare.listing_stages(table), names, lang=lang),
            plots.procurement_chart(
                shares,
                compare.procurement_qualitative(table),
                compare.baselines_by_document(table, shares),
                names,
                lang=lang,
            ),
            plots.theme_heatmap(render.labelled_pivot(themes, table, lang, rows="theme", cols="city"), lang=lang),
        ]
        for i, fig in enumerate(figs):
            plots.save_figure(fig, "check", f"fig{i}", lang, tmp_path)
            plots.close(fig)
    assert len(list((tmp_path / "check").glob("*.png"))) == len(figs)


def test_a_missing_glyph_is_an_error(tmp_path):
    import matplotlib.pyplot as plt

    plots.setup("zh")
    fig, ax = plt.subplots()
    ax.set_title("ก 不在字体中")  # a Thai letter: neither bundled font has it
    with pytest.raises(UserWarning, match="Glyph"):
        fig.savefig(tmp_path / "x.png")
    plots.close(fig)


def test_unknown_city_in_a_function_is_a_clear_error():
    with pytest.raises(
        select.UnknownCityError, match="unknown city 'Luoyang'; the table has Jieyang, Pingdingshan, Yanjiang"
    ):
        compare.financing_quantities(load_measures(), ["Luoyang"])


def test_time_notebooks_gives_each_notebook_and_the_floor_from_one_run():
    from policystats.report.reports import time_notebooks

    res = time_notebooks(["procurement_shares"])
    assert set(res) >= {"floor", "notebooks", "ratios", "parts", "floor_cpu", "cpu", "cpu_ratios"}
    assert list(res["notebooks"]) == ["procurement_shares"]
    assert res["floor"] > 0 and res["notebooks"]["procurement_shares"] > 0
    assert res["ratios"]["procurement_shares"] == pytest.approx(
        res["notebooks"]["procurement_shares"] / res["floor"], 0.05
    )
    assert set(res["parts"]["procurement_shares"]) == {"execute", "html"}
