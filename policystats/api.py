"""The functions most users call: load the documents and the measures table, build it, query it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from . import schema
from .corpus import read_catalog
from .paths import ProjectPaths, get_paths


@dataclass
class BuildSummary:
    """What a build wrote, with per-document and per-category counts."""

    n_documents: int
    n_rows: int
    per_document: pd.DataFrame
    per_category: pd.DataFrame
    cached: int = 0
    outputs: list[str] = field(default_factory=list)
    pruned_files: int = 0
    pruned_bytes: int = 0
    applied: int = 0  # reviewers' decisions (data/review.csv) applied on top of extraction
    stale: list = field(default_factory=list)  # decisions not applied (review.Stale), each with what changed
    changed: int = 0  # quantities whose category or statement kind changed (data/processed/changes.csv)


def load_documents(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The document catalog, checked against ``data/raw``, one row per document.

    With provenance: ``source_url``, ``accessed`` and ``licence_note``, and
    the file's ``format`` and the ``importer`` that made its text.
    """
    rows = read_catalog(get_paths(root))
    df = pd.DataFrame(rows)
    df["doc_year"] = df["issue_date"].str.slice(0, 4).astype("Int64")
    return df


def category_counts(df: pd.DataFrame) -> pd.DataFrame:
    q = df[df["quantity_id"].notna()]
    return q.groupby(["city", "category"]).size().unstack(fill_value=0)


def build(
    root: str | os.PathLike[str] | None = None,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    use_cache: bool = True,
    progress: bool = False,
    prune_cache: bool = False,
    wait: bool = True,
    csv: bool | None = None,
    max_document_mb: float | None = None,
) -> BuildSummary:
    """Build ``data/processed/`` from the corpus: measures.csv, measures.parquet, parquet/ per document.

    ``jobs`` documents are processed at once (a process pool, or Dask workers
    with ``engine="dask"``); results are cached per document, so a rebuild
    only redoes documents whose bytes, catalog row or extractor changed.
    ``prune_cache=True`` then deletes the cache entries this build did not use.

    The build holds the project's lock: a second build (or an ``add``) waits
    for it, or with ``wait=False`` raises ``BusyError`` naming the holder.
    Outputs are written into a folder of the build's own and published with
    renames only once complete. ``csv=False`` skips measures.csv (the default
    writes it up to ``CSV_MAX_DOCUMENTS`` documents, Parquet only beyond);
    documents with more text than ``max_document_mb`` (default from
    ``policystats.toml``, else 8) get a warning and are built in parts.
    """
    from ._locking import file_lock
    from .engine import prune_cache as prune
    from .engine import run_build

    paths = get_paths(root)
    paths.require_writable("policystats build")
    with file_lock(paths.lock, "build", wait=wait, on_wait=_say):
        # Load inputs.
        rows = read_catalog(paths)
        # Process data, and save outputs as they come.
        bar = _progress if progress else None
        write_csv = csv if csv is not None else len(rows) <= CSV_MAX_DOCUMENTS
        limit = max_document_mb if max_document_mb is not None else settings(paths)["max_document_mb"]
        result = run_build(
            rows,
            paths,
            jobs=jobs,
            engine=engine,
            scheduler=scheduler,
            use_cache=use_cache,
            progress=bar,
            write_csv=write_csv,
            max_document_bytes=int(limit * 1e6),
        )
        per_category = _category_counts(paths)
        pruned = prune(paths, rows) if prune_cache else (0, 0)
    return BuildSummary(
        len(result.per_document),
        result.n_rows,
        result.per_document,
        per_category,
        result.cached,
        result.outputs,
        *pruned,
        result.applied,
        result.stale,
        result.changed,
    )


CSV_MAX_DOCUMENTS = 2000
"""Above this many documents the build writes Parquet only, unless asked for the CSV (``csv=True``)."""


def settings(paths: ProjectPaths) -> dict:
    """The project's settings from ``policystats.toml`` (defaults where it has none)."""
    import tomllib

    from .errors import ProjectError

    out = {"max_document_mb": 8.0}
    if paths.marker.is_file():
        try:
            data = tomllib.loads(paths.marker.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProjectError(f"{paths.marker}: is not valid TOML ({exc})") from exc
        value = data.get("build", {}).get("max_document_mb", out["max_document_mb"])
        if not isinstance(value, int | float) or value <= 0:
            raise ProjectError(f"{paths.marker}: [build] max_document_mb must be a positive number, not {value!r}")
        out["max_document_mb"] = float(value)
    return out


def _say(message: str) -> None:
    import sys

    print(message, file=sys.stderr, flush=True)


def _progress(chunks, total):
    from tqdm import tqdm

    return tqdm(chunks, total=total, desc="documents", unit="doc")


def _category_counts(paths: ProjectPaths) -> pd.DataFrame:
    """Quantities per city and category, read from the Parquet output (a column at a time)."""
    import pyarrow.parquet as pq

    counts: dict[tuple[str, str], int] = {}
    if paths.measures_parquet.exists():
        for batch in pq.ParquetFile(paths.measures_parquet).iter_batches(columns=["city", "category", "quantity_id"]):
            chunk = batch.to_pandas()
            c = chunk[chunk["quantity_id"].notna()].groupby(["city", "category"]).size()
            for k, v in c.items():
                counts[k] = counts.get(k, 0) + int(v)
    if not counts:
        return pd.DataFrame()
    s = pd.Series(counts)
    s.index = pd.MultiIndex.from_tuples(s.index, names=["city", "category"])
    return s.unstack(fill_value=0)


def read_measures_csv(path: os.PathLike[str] | str) -> pd.DataFrame:
    """Read a measures CSV with the schema's dtypes, and validate it."""
    df = pd.read_csv(path, dtype=schema.dtypes(), keep_default_na=False, na_values=[""])
    return schema.validate(df, where=str(path))


def stale_reason(paths, rows: list[dict[str, str]]) -> str | None:
    """Why ``data/processed/`` does not come from these catalog rows and this extractor; None if it does.

    Each build records, per document, the key its cache uses (the file's
    sha256, its catalog row and the extractor's digest) in documents.csv.
    """
    from .engine import _extractor_digest, cache_key

    if not paths.documents_csv.exists() or not (paths.measures_csv.exists() or paths.measures_parquet.exists()):
        return "data/processed/measures.csv is missing"
    built = pd.read_csv(paths.documents_csv, dtype="str", keep_default_na=False)
    if "build_key" not in built.columns:
        return "data/processed/ was written by an older version of policystats"
    have = dict(zip(built["doc_id"], built["build_key"], strict=True))
    want = {r["doc_id"]: cache_key(r) for r in rows}
    if have == want:
        from .review import unbuilt_reason

        return unbuilt_reason(paths)
    added = sorted(want.keys() - have.keys())
    removed = sorted(have.keys() - want.keys())
    changed = sorted(d for d in want.keys() & have.keys() if want[d] != have[d])
    parts = []
    if added:
        parts.append(f"{len(added)} document(s) not built yet ({', '.join(added[:3])}{' …' if len(added) > 3 else ''})")
    if removed:
        parts.append(f"{len(removed)} built document(s) no longer in the catalog ({', '.join(removed[:3])})")
    if changed:
        # A key ends with the extractor digest (see engine.cache_key).
        if any(not have[d].endswith("-" + _extractor_digest()) for d in changed):
            what = "the extractor (code or wording files) changed"
        else:
            what = f"file or catalog row changed: {', '.join(changed[:3])}{' …' if len(changed) > 3 else ''}"
        parts.append(f"{len(changed)} document(s) out of date ({what})")
    return "data/processed/ is older than the catalog or the extractor: " + "; ".join(parts)


def load_measures(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The one normalised table, validated.

    Read from ``data/processed/measures.csv`` (or ``measures.parquet`` when
    the build wrote Parquet only) when the last build used the documents,
    catalog rows and extractor there are now; otherwise built in memory with a
    warning that says what changed (run ``policystats build`` to save it). A
    raw file edited since it was registered is an error, as in ``build``: raw
    files are never edited.
    """
    from ._locking import read_lock

    paths = get_paths(root)
    rows = read_catalog(paths)
    with read_lock(paths):  # documents.csv and the table of one build, never of two
        reason = stale_reason(paths, rows)
        if reason is None:
            if paths.measures_csv.exists():
                return read_measures_csv(paths.measures_csv)
            return schema.validate(schema.coerce(pd.read_parquet(paths.measures_parquet)), where="measures.parquet")
    import warnings

    from .engine import process_document

    warnings.warn(
        f"{reason}; building the table in memory. Run `policystats build` to save it.",
        stacklevel=2,
    )
    from .review import BuildReview

    rows = sorted(rows, key=lambda r: r["doc_id"])
    review = BuildReview(paths, rows)  # the decisions of data/review.csv, as a build applies them
    chunks = []
    for r in rows:
        frame = process_document(str(paths.root), r, use_cache=False).frame()
        reviewed = review.apply(frame, r["doc_id"])
        chunks.append(frame if reviewed is None else reviewed)
    if review.finish():
        warnings.warn(
            f"{len(review.stale)} review decision(s) are stale; `policystats review` lists them", stacklevel=2
        )
    df = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=schema.COLUMNS)
    return schema.validate(schema.coerce(df))


def query(
    sql: str,
    root: str | os.PathLike[str] | None = None,
    *,
    output: str = "pandas",
    read_only: bool = False,
):
    """Run SQL with DuckDB over the Parquet output, without loading the table into pandas.

    The table is the view ``measures`` over ``data/processed/measures.parquet``
    as the last ``policystats build`` wrote it (large row groups, so DuckDB
    scans millions of rows in little memory; the per-document files under
    ``data/processed/parquet/`` hold the same rows). Returns a pandas DataFrame
    of the *result*; ``output="arrow"`` returns a pyarrow Table, ``"relation"``
    the DuckDB relation.

    The SQL is any DuckDB SQL, and DuckDB can read and write files: ``copy …
    to 'file'``, ``read_csv('any/file')``, ``attach``, installing extensions.
    ``read_only=True`` (``policystats query --read-only``) turns all file
    access off, so that the statement sees the table and nothing else, and
    cannot write anywhere.

    The Parquet output is not committed; without it the call raises an error
    that says to build first. When the catalog, a raw file or the extractor
    changed since that build, the query still runs on it, with a warning that
    says what changed (the raw files are hashed, as ``build`` does).
    Example::

        query("select city, count(*) as n from measures where category = 'procurement_share' group by city")
    """
    import warnings

    import duckdb

    from ._locking import read_lock
    from .errors import CatalogError, PolicystatsError

    if output not in ("pandas", "arrow", "relation"):
        raise PolicystatsError(f"unknown output {output!r}; use pandas, arrow or relation")
    paths = get_paths(root)
    table = paths.measures_parquet
    if not table.exists() and not paths.bundled:
        raise PolicystatsError(f"{table} does not exist; run `policystats build` first")
    try:
        reason = stale_reason(paths, read_catalog(paths))
    except CatalogError as exc:  # an edited raw file, as `build` finds it: the last build is all there is
        reason = str(exc)
    if reason is not None:
        warnings.warn(
            f"{reason}; querying the last build. Run `policystats build` to bring it up to date.", stacklevel=2
        )
    con = duckdb.connect()
    with read_lock(paths):
        if not table.exists():  # the bundled example ships its table as CSV only
            con.register("measures", read_measures_csv(paths.measures_csv))
        elif read_only:  # read by pyarrow, so that DuckDB itself needs no file access
            import pyarrow.dataset as ds

            con.register("measures", ds.dataset(table, format="parquet"))
        else:
            quoted = table.as_posix().replace("'", "''")
            con.execute(f"create view measures as select * from read_parquet('{quoted}')")
        if read_only:
            con.execute("set enable_external_access = false")
            con.execute("set lock_configuration = true")
        try:
            rel = con.sql(sql)
            if output == "relation" or rel is None:
                return rel
            if output == "arrow":
                # duckdb >= 1.4 names it to_arrow_table; older releases return a Table from arrow()
                return rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
            return rel.df()
        except duckdb.Error as exc:  # at planning or while running (a failed cast, a missing file …)
            raise PolicystatsError(f"query failed: {' '.join(str(exc).split())}") from exc


# ------------------------------------------------------------------ projects

GITIGNORE = """# Made by policystats; not sources.
.cache/
reports/
data/processed/*.parquet
data/processed/parquet/
.ipynb_checkpoints/
"""


def init_project(dest: str | os.PathLike[str], *, example: bool = False) -> ProjectPaths:
    """Create a project in ``dest``: the marker, an empty catalog, data/raw/, reports.yaml and the notebooks.

    ``example=True`` also registers the five seed documents of the bundled
    example. An existing project is never overwritten.
    """
    import shutil
    from pathlib import Path

    from .corpus import catalog_bytes
    from .errors import ProjectError
    from .paths import EXAMPLE_DIR, MARKER, is_project

    root = Path(dest).expanduser().resolve()
    if is_project(root):
        raise ProjectError(f"{dest}: is already a policystats project ({MARKER} or data/catalog.csv exists)")
    if root.exists() and not root.is_dir():
        raise ProjectError(f"{dest}: exists and is not a folder")
    if (root / "notebooks").exists() or (root / "reports.yaml").exists():
        raise ProjectError(f"{dest}: already holds notebooks/ or reports.yaml; choose an empty folder")
    paths = ProjectPaths(root)
    src = ProjectPaths(EXAMPLE_DIR)
    paths.raw.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src.notebooks, paths.notebooks, ignore=shutil.ignore_patterns(".*"))
    shutil.copyfile(src.reports_config, paths.reports_config)
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    if example:
        for f in sorted(src.raw.iterdir()):
            shutil.copyfile(f, paths.raw / f.name)
        shutil.copyfile(src.catalog, paths.catalog)
    else:
        paths.catalog.write_bytes(catalog_bytes([]))
    # The marker last: a folder is a project once everything above is in place.
    shutil.copyfile(src.marker, paths.marker)
    return paths


@dataclass
class ProjectInfo:
    """What `policystats info` prints."""

    root: str
    found_by: str
    bundled: bool
    documents: int
    cities: list[str]
    outputs: dict[str, str]
    built: str


def project_info(root: str | os.PathLike[str] | None = None, *, found_by: str | None = None) -> ProjectInfo:
    """The active project, how it was found, its documents and where its outputs go."""
    paths = get_paths(root)
    if found_by:
        paths = ProjectPaths(paths.root, found_by)
    rows = read_catalog(paths, check_files=False)
    outputs = {
        "table": paths.measures_csv,
        "parquet": paths.measures_parquet,
        "reports": paths.reports,
        "cache": paths.cache,
    }
    if paths.measures_csv.exists():
        reason = stale_reason(paths, rows)
        built = "current" if reason is None else reason
    else:
        built = "not built yet: run `policystats build`"
    return ProjectInfo(
        str(paths.root),
        paths.found_by,
        paths.bundled,
        len(rows),
        sorted({r["city_en"] for r in rows}),
        {k: str(v) for k, v in outputs.items()},
        built,
    )
