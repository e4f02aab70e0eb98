"""Projects: found the way git finds a repository, made by `init`, and the bundled example dataset."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policystats.api import init_project, read_measures_csv
from policystats.cli import main
from policystats.corpus import read_catalog
from policystats.errors import ProjectError
from policystats.example import stale_files
from policystats.paths import EXAMPLE_DIR, MARKER, find_root

from .conftest import ROOT
from .test_corpus import LUOYANG


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("POLICYSTATS_ROOT", raising=False)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "POLICYSTATS_ROOT"}


def test_root_is_found_like_git(tmp_path: Path, monkeypatch, no_env) -> None:
    a = init_project(tmp_path / "a").root
    b = init_project(tmp_path / "b").root
    deep = a / "notebooks" / "sub"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert (find_root().root, find_root().found_by) == (a, "marker")  # the nearest marker above
    monkeypatch.setenv("POLICYSTATS_ROOT", str(b))
    assert (find_root().root, find_root().found_by) == (b, "POLICYSTATS_ROOT")  # the variable beats the marker
    assert (find_root(a).root, find_root(a).found_by) == (a, "--root")  # an explicit root beats both


def test_outside_any_project_the_bundled_example_is_read(tmp_path: Path, monkeypatch, no_env, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    import policystats.paths as P

    monkeypatch.setattr(P, "_noticed", False)
    paths = find_root()
    assert paths.bundled and paths.root == EXAMPLE_DIR.resolve()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bundled example dataset" in err and "policystats init DIR" in err
    find_root()
    assert capsys.readouterr().err == "", "the notice is printed once"


def test_a_script_in_any_folder_loads_the_bundled_table(tmp_path: Path) -> None:
    code = (
        "import json, warnings, policystats\n"
        "warnings.simplefilter('error')\n"  # a stale bundle would warn and rebuild in memory
        "docs = policystats.load_documents()\n"
        "table = policystats.load_measures()\n"
        "n = policystats.query('select count(*) as n from measures')['n'].iloc[0]\n"
        "print(json.dumps([len(docs), len(table), int(n), sorted(docs['city_en'].unique())]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, check=True
    )
    n_docs, n_rows, n_query, cities = json.loads(run.stdout)
    assert n_docs == 5 and cities == ["Jieyang", "Pingdingshan", "Yanjiang"]
    assert n_rows == n_query == len(read_measures_csv(ROOT / "data" / "processed" / "measures.csv"))
    assert run.stderr.count("\n") == 1 and "bundled example dataset" in run.stderr


def test_the_bundled_example_is_a_copy_of_this_project() -> None:
    assert stale_files() == [], "run `python -m policystats.example` to refresh policystats/example/"


def test_the_bundled_example_is_read_only(monkeypatch, no_env, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectError, match=r"policystats build needs a project folder.*policystats init DIR"):
        import policystats

        policystats.build()
    assert main(["add", str(tmp_path)]) == 2


def test_init_makes_a_project_and_never_overwrites_one(tmp_path: Path, capsys) -> None:
    dest = tmp_path / "study"
    assert main(["init", str(dest)]) == 0
    assert "created a policystats project" in capsys.readouterr().out
    assert (dest / MARKER).is_file() and (dest / "data" / "raw").is_dir() and (dest / "reports.yaml").is_file()
    assert sorted(p.name for p in (dest / "notebooks").iterdir()) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb")
    )
    assert read_catalog(find_root(dest)) == []
    assert main(["init", str(dest)]) == 2
    assert "already a policystats project" in capsys.readouterr().err
    example = init_project(tmp_path / "with-seeds", example=True)
    assert len(read_catalog(example)) == 5


def test_info_names_the_project_its_documents_and_outputs(tmp_path: Path, monkeypatch, no_env, capsys) -> None:
    root = init_project(tmp_path / "p", example=True).root
    monkeypatch.chdir(root / "notebooks")
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"project    {root}" in out and "nearest folder with policystats.toml" in out
    assert "documents  5 (3 cities: Jieyang, Pingdingshan, Yanjiang)" in out
    assert "not built yet" in out and f"{root}/reports/<timestamp>/" in out


def test_a_bad_root_is_one_line(tmp_path: Path, capsys) -> None:
    assert main(["--root", str(tmp_path / "nowhere"), "info"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --root") and "no such folder" in err and err.count("\n") == 1
    assert main(["--root", str(tmp_path), "build"]) == 2
    assert "not a policystats project" in capsys.readouterr().err


def test_the_root_a_command_resolved_reaches_the_notebook_kernels(tmp_path: Path, monkeypatch, capsys) -> None:
    """A project without a marker, named only by --root: its kernels still read it, not the checkout."""
    monkeypatch.chdir(ROOT)  # inside this repository, whose marker a guessing kernel would find
    proj = tmp_path / "other"
    (proj / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "raw", proj / "data" / "raw")
    shutil.copy(ROOT / "data" / "catalog.csv", proj / "data" / "catalog.csv")
    src = tmp_path / "luoyang.txt"
    src.write_bytes(LUOYANG.encode("gbk"))
    add = ["add", str(src), "--city-en", "Luoyang", "--city-zh", "洛阳市", "--province", "Henan"]
    assert main(["--root", str(proj), *add, "--level", "prefecture_city", "--date", "2023-05-01"]) == 0
    assert main(["--root", str(proj), "build", "--quiet"]) == 0
    nb = proj / "nb"
    nb.mkdir()
    probe = json.loads((ROOT / "tests" / "fixtures" / "broken.ipynb").read_text(encoding="utf-8"))
    probe["cells"] = [
        *probe["cells"][:2],
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "probe",
            "metadata": {},
            "outputs": [],
            "source": ["import policystats\n", "print('CITIES', sorted(policystats.load_documents()['city_en']))"],
        },
    ]
    (nb / "probe.ipynb").write_text(json.dumps(probe), encoding="utf-8")
    (proj / "reports.yaml").write_text("reports:\n  - name: probe\n    notebook: nb/probe.ipynb\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(proj), "report", "--quiet", "--lang", "en"]) == 0
    (run,) = (proj / "reports").iterdir()
    html = (run / "probe_en.html").read_text(encoding="utf-8")
    assert "Luoyang" in html, "the kernel read another project than the one --root named"
