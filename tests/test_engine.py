"""The scalable build: process pool, cache, Dask engine, streamed Parquet, DuckDB queries."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from policystats import build, query
from policystats import engine as E
from policystats.api import read_measures_csv
from policystats.corpus import read_catalog
from policystats.devtools.synthetic import make_project
from policystats.errors import PolicystatsError
from policystats.paths import ProjectPaths

N_SYNTH = 12


@pytest.fixture
def synth(tmp_path: Path) -> ProjectPaths:
    """Twelve synthetic documents made from the seeds (numbers perturbed)."""
    return make_project(tmp_path / "synth", N_SYNTH, seed=7)


def _retitle(paths: ProjectPaths, n: int) -> str:
    """Edit the title on catalog row n (metadata that lands in the table); return its doc_id."""
    with paths.catalog.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[n]["title"] += "（修订）"
    with paths.catalog.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows[n]["doc_id"]


def _outputs(paths: ProjectPaths) -> tuple[bytes, pd.DataFrame]:
    parts = sorted(paths.parquet_dataset.glob("*.parquet"))
    dataset = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return paths.measures_csv.read_bytes(), dataset


def test_process_pool_gives_the_same_bytes_as_one_process(synth: ProjectPaths) -> None:
    one = build(synth.root, jobs=1, use_cache=False)
    csv_one, parquet_one = _outputs(synth)
    two = build(synth.root, jobs=2, use_cache=False)
    csv_two, parquet_two = _outputs(synth)
    assert one.n_rows == two.n_rows > 0
    assert csv_one == csv_two
    pd.testing.assert_frame_equal(parquet_one, parquet_two)


def test_one_parquet_file_per_document_and_the_same_rows_as_the_csv(synth: ProjectPaths) -> None:
    summary = build(synth.root, jobs=2)
    files = sorted(p.stem for p in synth.parquet_dataset.glob("*.parquet"))
    with synth.catalog.open(encoding="utf-8") as fh:
        doc_ids = sorted(r["doc_id"] for r in csv.DictReader(fh))
    assert files == doc_ids
    table = read_measures_csv(synth.measures_csv)
    assert len(table) == summary.n_rows
    single = pd.read_parquet(synth.measures_parquet)
    assert len(single) == summary.n_rows
    assert list(single["measure_id"]) == list(table["measure_id"])


def test_cache_rebuilds_only_what_changed(synth: ProjectPaths) -> None:
    cold = build(synth.root)
    assert cold.cached == 0
    reference = synth.measures_csv.read_bytes()
    warm = build(synth.root)
    assert warm.cached == N_SYNTH
    assert synth.measures_csv.read_bytes() == reference

    # A catalog edit (metadata lands in the table) invalidates that document only.
    _retitle(synth, 3)
    edited = build(synth.root)
    assert edited.cached == N_SYNTH - 1
    fresh = synth.measures_csv.read_bytes()
    build(synth.root, use_cache=False)
    assert synth.measures_csv.read_bytes() == fresh  # the cache never changes the output


def test_prune_cache_keeps_only_what_the_build_used(synth: ProjectPaths, capsys) -> None:
    from policystats.cli import main

    build(synth.root)
    assert len(list(synth.cache.iterdir())) == 2 * N_SYNTH  # parquet and json per document
    doc_id = _retitle(synth, 5)
    build(synth.root)
    assert len(list(synth.cache.iterdir())) == 2 * (N_SYNTH + 1)  # the old entry of the edited row stays
    (synth.cache / "0123abcd.999.tmp").write_text("left by a killed worker", encoding="utf-8")
    assert main(["--root", str(synth.root), "build", "--quiet", "--prune-cache"]) == 0
    assert "Pruned the cache: removed 3 files" in capsys.readouterr().out
    left = sorted(synth.cache.iterdir())
    assert len(left) == 2 * N_SYNTH
    assert {f.name.split(".")[0] for f in left} == {E.cache_key(r) for r in read_catalog(synth)}
    # nothing it kept is recomputed, and the edited document's new entry is among them
    again = build(synth.root)
    assert again.cached == N_SYNTH and doc_id in set(again.per_document["doc_id"])


def test_a_new_extractor_invalidates_the_cache(synth: ProjectPaths, monkeypatch) -> None:
    build(synth.root)
    monkeypatch.setattr(E, "_extractor_digest", lambda: "another-extractor")
    assert build(synth.root).cached == 0


@pytest.mark.parametrize(
    ("edited", "counts"),
    [
        ("extract/data/quantities.yaml", True),
        ("extract/quantities.py", True),
        ("extract/new_stage.py", True),  # a new module of the stage counts at once
        ("report/compare.py", False),
        ("devtools/evaluate.py", False),
        ("ingest/html.py", False),  # its output is stored and hashed in the catalog
    ],
)
def test_the_extractor_digest_is_everything_under_extract(
    tmp_path: Path, monkeypatch, edited: str, counts: bool
) -> None:
    import policystats.paths as P

    copy = tmp_path / "policystats"
    shutil.copytree(P.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "fonts"))
    monkeypatch.setattr(P, "EXTRACT_DIR", copy / "extract")
    before = E._extractor_digest.__wrapped__()
    assert E._extractor_digest.__wrapped__() == before
    with (copy / edited).open("a", encoding="utf-8") as fh:
        fh.write("\n# a new synonym\n")
    assert (E._extractor_digest.__wrapped__() != before) is counts


def test_a_failing_document_is_named_and_the_old_outputs_are_kept(synth: ProjectPaths, monkeypatch) -> None:
    build(synth.root)
    before = synth.measures_csv.read_bytes()
    n_parts = len(list(synth.parquet_dataset.glob("*.parquet")))
    real = E._process_document

    def broken(root, row, use_cache):
        if row["doc_id"].startswith("synth-00005"):
            raise ValueError("boom")
        return real(root, row, use_cache)

    monkeypatch.setattr(E, "_process_document", broken)
    with pytest.raises(PolicystatsError, match=r"synth-00005.*\.txt.*boom"):
        build(synth.root, use_cache=False)
    assert synth.measures_csv.read_bytes() == before
    assert len(list(synth.parquet_dataset.glob("*.parquet"))) == n_parts
    assert not list(synth.processed.glob("*.tmp")) and not (synth.processed / "parquet.tmp").exists()


def test_bad_engine_options_are_clear_errors(synth: ProjectPaths) -> None:
    with pytest.raises(PolicystatsError, match="unknown engine 'spark'"):
        build(synth.root, engine="spark")
    with pytest.raises(PolicystatsError, match="needs the Dask engine"):
        build(synth.root, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(PolicystatsError, match="at least 1"):
        build(synth.root, jobs=0)


# ------------------------------------------------------------------ Dask


def test_dask_local_cluster_equals_the_local_engine_row_for_row(synth: ProjectPaths) -> None:
    build(synth.root, use_cache=False)
    csv_local, parquet_local = _outputs(synth)
    build(synth.root, engine="dask", jobs=2, use_cache=False)
    csv_dask, parquet_dask = _outputs(synth)
    assert csv_dask == csv_local
    pd.testing.assert_frame_equal(parquet_dask, parquet_local)


def test_dask_on_an_existing_scheduler_equals_the_local_engine_on_the_seeds(project: ProjectPaths) -> None:
    from dask.distributed import LocalCluster

    build(project.root, use_cache=False)
    csv_local, parquet_local = _outputs(project)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        build(project.root, engine="dask", scheduler=cluster.scheduler_address, use_cache=False)
    csv_dask, parquet_dask = _outputs(project)
    assert csv_dask == csv_local
    pd.testing.assert_frame_equal(parquet_dask, parquet_local)


# ------------------------------------------------------------------ DuckDB


def test_query_counts_match_the_table(project: ProjectPaths) -> None:
    build(project.root)
    table = read_measures_csv(project.measures_csv)
    expected = table[table["quantity_id"].notna()].groupby("category").size().sort_index()
    got = query(
        "select category, count(*) as n from measures where quantity_id is not null "
        "group by category order by category",
        project.root,
    )
    assert dict(zip(got["category"], got["n"], strict=True)) == expected.to_dict()


def test_query_returns_arrow_without_pandas_conversion(project: ProjectPaths) -> None:
    import pyarrow as pa

    build(project.root)
    got = query(
        "select doc_id, value from measures where unit = 'CNY' order by value desc limit 3",
        project.root,
        output="arrow",
    )
    assert isinstance(got, pa.Table) and got.num_rows == 3
    relation = query("select count(*) from measures", project.root, output="relation")
    assert relation.fetchall()[0][0] == len(read_measures_csv(project.measures_csv))


def test_query_errors_are_clear(project: ProjectPaths) -> None:
    with pytest.raises(PolicystatsError, match=r"measures\.parquet does not exist; run `policystats build` first"):
        query("select 1", project.root)
    build(project.root)
    with pytest.raises(PolicystatsError, match="query failed"):
        query("select no_such_column from measures", project.root)
    with pytest.raises(PolicystatsError, match="unknown output 'polars'"):
        query("select 1", project.root, output="polars")


def test_query_on_a_stale_build_says_so(project: ProjectPaths, capsys) -> None:
    from policystats.cli import main

    build(project.root)
    doc_id = _retitle(project, 0)
    with pytest.warns(UserWarning, match=f"out of date .*{doc_id}.*querying the last build"):
        got = query("select count(*) as n from measures", project.root)
    assert int(got["n"].iloc[0]) == len(read_measures_csv(project.measures_csv))
    # On the command line: one warning line, the result, exit 0.
    assert main(["--root", str(project.root), "query", "select count(*) as n from measures"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: data/processed/ is older than the catalog") and "Traceback" not in err


def test_a_build_never_loads_what_the_extractor_digest_leaves_out(project: ProjectPaths) -> None:
    """Presentation and development modules cannot change the rows, so editing them leaves the cache current."""
    import subprocess
    import sys

    code = (
        "import sys, policystats\n"
        f"policystats.build({str(project.root)!r}, jobs=1)\n"
        "print(' '.join(m for m in sys.modules if m.startswith('policystats.')))"
    )
    loaded = set(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    )
    assert {"policystats.extract.quantities", "policystats.extract.structure"} <= loaded
    assert not {m for m in loaded if m.startswith(("policystats.report", "policystats.devtools"))}


# ------------------------------------------------------------------ command line


def test_cli_build_with_jobs_then_query(synth: ProjectPaths, capsys) -> None:
    from policystats.cli import main

    root = str(synth.root)
    assert main(["--root", root, "build", "--jobs", "2", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"from {N_SYNTH} documents (0 from the cache)" in out
    assert main(["--root", root, "build", "--quiet"]) == 0
    assert f"({N_SYNTH} from the cache)" in capsys.readouterr().out
    assert main(["--root", root, "query", "select count(distinct doc_id) as docs from measures"]) == 0
    assert capsys.readouterr().out.split() == ["docs", str(N_SYNTH)]
    assert main(["--root", root, "query", "select nope from measures"]) == 2
    assert "error: query failed" in capsys.readouterr().err


def test_forty_perturbed_documents_all_pass_the_schema(tmp_path: Path) -> None:
    # Perturbed numbers must never break the contract (unique ids, spans, vocabularies).
    from policystats.corpus import read_catalog

    paths = make_project(tmp_path / "p", 40, seed=60)
    for row in read_catalog(paths):
        chunk = E.process_document(str(paths.root), row, use_cache=False)
        table = chunk.frame()
        assert table["quantity_id"].dropna().is_unique
        assert table["quantity_id"].notna().sum() > 0
        assert chunk.summary["warnings"] == "", chunk.summary["warnings"]


def test_a_damaged_cache_entry_is_recomputed(synth: ProjectPaths) -> None:
    build(synth.root)
    reference = synth.measures_csv.read_bytes()
    entries = sorted(synth.cache.glob("*.parquet"))
    entries[0].write_bytes(b"not parquet")
    (entries[1].with_suffix(".json")).write_text("{broken", encoding="utf-8")
    summary = build(synth.root)
    assert summary.cached == N_SYNTH - 2
    assert synth.measures_csv.read_bytes() == reference
