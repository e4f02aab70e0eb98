"""Build engines: one per-document function, run locally, in a process pool or on Dask.

``process_document`` turns one catalog row into a validated table chunk. It
reads the raw file itself, so only the catalog row travels to a worker, and it
caches its result under ``.cache/build/`` keyed on the file's sha256, its
catalog row and the extractor (``EXTRACTOR_VERSION`` and a digest of the
package's code and wording files), so a rebuild only redoes what changed.

``run_build`` consumes the chunks in catalog order and streams them to
``data/processed/measures.csv``, ``measures.parquet`` and one Parquet file per
document under ``data/processed/parquet/``; memory stays bounded by a few
documents, whatever the size of the corpus.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import schema
from .corpus import Document, document_text, text_path
from .errors import PolicystatsError, SchemaError
from .extract.structure import StructureWarning
from .extract.table import EXTRACTOR_VERSION, document_table
from .paths import ProjectPaths, get_paths, relative_to_root


@dataclass
class Chunk:
    """One document's rows: an Arrow table for Parquet and the same rows as CSV text."""

    doc_id: str
    arrow: Any  # pyarrow.Table with the schema's columns and pandas dtypes in its metadata
    csv: str  # the rows as they appear in measures.csv, without the header
    summary: dict[str, Any]
    cached: bool

    def frame(self) -> pd.DataFrame:
        """The rows as a pandas frame with the schema's dtypes."""
        return schema.coerce(self.arrow.to_pandas())


@dataclass
class BuildResult:
    per_document: pd.DataFrame
    n_rows: int
    cached: int
    outputs: list[str] = field(default_factory=list)


@functools.cache
def _extractor_digest() -> str:
    """EXTRACTOR_VERSION, the table's columns and a digest of everything under ``policystats/extract/``.

    The extraction stage is one folder: its modules and its wording files
    (``extract/data/``). Editing any of them invalidates every cached
    document, so the cache never serves rows that the current code would not
    produce; editing anything else (reports, importers, development tools)
    leaves the cache and ``data/processed/`` current.
    """
    from .paths import EXTRACT_DIR

    h = hashlib.sha256(EXTRACTOR_VERSION.encode())
    h.update(json.dumps(schema.COLUMNS).encode())
    files = sorted(p for p in EXTRACT_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for p in files:
        h.update(p.relative_to(EXTRACT_DIR).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def cache_key(row: dict[str, str]) -> str:
    """The file's sha256, the catalog row (metadata lands in the table) and the extractor."""
    meta = hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return f"{row['sha256'][:32]}-{meta}-{_extractor_digest()}"


def prune_cache(paths: ProjectPaths, rows: list[dict[str, str]]) -> tuple[int, int]:
    """Delete cache entries that no row of this catalog uses with this extractor.

    Entries left by earlier catalog rows, edited files or other extractor
    versions are never read again unless that state comes back. Returns the
    number of files removed and the bytes freed.
    """
    keep = {cache_key(r) for r in rows}
    removed = freed = 0
    if not paths.cache.is_dir():
        return 0, 0
    for f in paths.cache.iterdir():
        if f.is_file() and f.name.split(".", 1)[0] not in keep:
            size = f.stat().st_size
            f.unlink(missing_ok=True)
            removed += 1
            freed += size
    return removed, freed


def process_document(root: str, row: dict[str, str], use_cache: bool = True) -> Chunk:
    """The per-document function every engine runs (picklable, imports inside).

    Errors name the document: a bad input raises its own ``PolicystatsError``,
    and an unexpected failure is re-raised as one with the file and doc_id.
    """
    try:
        return _process_document(root, row, use_cache)
    except PolicystatsError:
        raise
    except Exception as exc:
        raise PolicystatsError(
            f"{row.get('file', '?')} (doc_id {row.get('doc_id', '?')}): extraction failed: {type(exc).__name__}: {exc}"
        ) from exc


def _process_document(root: str, row: dict[str, str], use_cache: bool) -> Chunk:
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = get_paths(root)
    cache_dir = paths.cache
    key = cache_key(row)
    cached = {ext: cache_dir / f"{key}.{ext}" for ext in ("parquet", "csv", "json")}
    if use_cache and all(p.exists() for p in cached.values()):
        # Validated when it was cached; no pandas needed to pass it on.
        try:
            return Chunk(
                row["doc_id"],
                pq.read_table(cached["parquet"]),
                cached["csv"].read_text(encoding="utf-8"),
                json.loads(cached["json"].read_text(encoding="utf-8")),
                True,
            )
        except (OSError, ValueError, pa.ArrowException):  # a damaged entry: recompute it
            pass
    path = text_path(paths, row)  # the file the offsets index
    raw = document_text(paths, row)
    doc = Document(row["doc_id"], path, row, raw)
    # Segmentation warnings are kept in the summary (documents.csv, the build
    # report), not printed once per worker with a source line.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        table, summary = document_table(doc, relative_to_root(path, paths.root))
    # Recorded in documents.csv, so that loading the table can tell whether it
    # still comes from this catalog row, these bytes and this extractor.
    summary["build_key"] = key
    _verify_spans(table, raw, row["doc_id"])
    chunk = Chunk(
        row["doc_id"],
        pa.Table.from_pandas(table, preserve_index=False),
        table.to_csv(index=False, header=False, lineterminator="\n"),
        summary,
        False,
    )
    if use_cache:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f"{key}.{os.getpid()}.tmp"
        pq.write_table(chunk.arrow, tmp)
        tmp.replace(cached["parquet"])
        tmp.write_text(chunk.csv, encoding="utf-8")
        tmp.replace(cached["csv"])
        tmp.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached["json"])  # last: its presence marks a complete entry
    return chunk


def _verify_spans(table: pd.DataFrame, raw: str, doc_id: str) -> None:
    q = table[table["quantity_id"].notna()]
    bad = [
        qid
        for qid, a, b, text in zip(q["quantity_id"], q["span_start"], q["span_end"], q["quantity_text"], strict=True)
        if raw[int(a) : int(b)] != text
    ]
    if bad:
        raise SchemaError(f"{doc_id}: {len(bad)} quantity spans do not reproduce their text, e.g. {bad[:3]}")


# ------------------------------------------------------------------ engines


def _local(root: str, rows: list[dict], use_cache: bool, jobs: int) -> Iterator[Chunk]:
    if jobs <= 1:
        for row in rows:
            yield process_document(root, row, use_cache)
        return
    # A bounded window of work in flight: results come back in catalog order,
    # and at most `window` finished chunks wait in memory.
    window = jobs * 4
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future] = deque()
        it = iter(rows)
        for row in it:
            pending.append(pool.submit(process_document, root, row, use_cache))
            if len(pending) >= window:
                break
        while pending:
            chunk = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(process_document, root, nxt, use_cache))
            yield chunk


def _dask(root: str, rows: list[dict], use_cache: bool, jobs: int, scheduler: str | None) -> Iterator[Chunk]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise PolicystatsError("the dask engine needs `pip install -e '.[dask]'`") from exc
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise PolicystatsError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from exc
    else:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=":0")
        client = Client(cluster)
    try:
        window = max(2, jobs) * 4
        pending: deque = deque()
        it = iter(rows)
        for row in it:
            pending.append(client.submit(process_document, root, row, use_cache, pure=False))
            if len(pending) >= window:
                break
        while pending:
            fut = pending.popleft()
            chunk = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(client.submit(process_document, root, nxt, use_cache, pure=False))
            yield chunk
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------ writing


class _Writers:
    """Stream chunks to the CSV, the single Parquet file and the per-document dataset."""

    def __init__(self, paths: ProjectPaths) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.pq = pa, pq
        self.paths = paths
        paths.processed.mkdir(parents=True, exist_ok=True)
        self.tmp_csv = paths.measures_csv.with_suffix(".csv.tmp")
        self.tmp_parquet = paths.measures_parquet.with_suffix(".parquet.tmp")
        self.dataset = paths.parquet_dataset
        self.tmp_dataset = self.dataset.with_name(self.dataset.name + ".tmp")
        if self.tmp_dataset.exists():
            import shutil

            shutil.rmtree(self.tmp_dataset)
        self.tmp_dataset.mkdir(parents=True)
        self.csv = self.tmp_csv.open("w", encoding="utf-8", newline="")
        self.header = True
        self.parquet = None
        self.pending: list = []
        self.pending_rows = 0
        self.n_rows = 0

    # measures.parquet gets row groups of this many rows: one row group per
    # document would make the file's footer, held in memory until it is
    # closed, grow with the corpus (a gigabyte at 10,000 documents).
    ROW_GROUP = 25_000

    def write(self, chunk: Chunk) -> None:
        if self.header:
            self.csv.write(pd.DataFrame(columns=schema.COLUMNS).to_csv(index=False, lineterminator="\n"))
            self.header = False
        self.csv.write(chunk.csv)
        table = chunk.arrow
        if self.parquet is None:
            self.schema = table.schema
            self.parquet = self.pq.ParquetWriter(self.tmp_parquet, self.schema)
        table = table.cast(self.schema)
        self.pq.write_table(table, self.tmp_dataset / f"{chunk.doc_id}.parquet")
        self.pending.append(table)
        self.pending_rows += table.num_rows
        if self.pending_rows >= self.ROW_GROUP:
            self._flush()
        self.n_rows += table.num_rows

    def _flush(self) -> None:
        if self.pending:
            self.parquet.write_table(self.pa.concat_tables(self.pending), row_group_size=self.ROW_GROUP)
            self.pending, self.pending_rows = [], 0

    def close(self, ok: bool) -> None:
        import shutil

        self.csv.close()
        if self.parquet is not None:
            if ok:
                self._flush()
            self.parquet.close()
        if not ok:
            self.tmp_csv.unlink(missing_ok=True)
            self.tmp_parquet.unlink(missing_ok=True)
            shutil.rmtree(self.tmp_dataset, ignore_errors=True)
            return
        if self.header:  # no document at all: write the header only
            pd.DataFrame(columns=schema.COLUMNS).to_csv(self.tmp_csv, index=False, lineterminator="\n")
        self.tmp_csv.replace(self.paths.measures_csv)
        if self.tmp_parquet.exists():
            self.tmp_parquet.replace(self.paths.measures_parquet)
        if self.dataset.exists():
            shutil.rmtree(self.dataset)
        self.tmp_dataset.rename(self.dataset)


def run_build(
    rows: list[dict[str, str]],
    paths: ProjectPaths,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    use_cache: bool = True,
    progress: Callable[[Iterable[Chunk], int], Iterable[Chunk]] | None = None,
) -> BuildResult:
    """Process every catalog row and stream the outputs; see the module docstring."""
    root = str(paths.root)
    if scheduler and engine != "dask":
        raise PolicystatsError("a scheduler address needs the Dask engine: add --engine dask")
    if jobs < 1:
        raise PolicystatsError(f"--jobs must be at least 1, not {jobs}")
    rows = sorted(rows, key=lambda r: r["doc_id"])
    if engine == "local":
        chunks: Iterable[Chunk] = _local(root, rows, use_cache, jobs)
    elif engine == "dask":
        chunks = _dask(root, rows, use_cache, jobs, scheduler)
    else:
        raise PolicystatsError(f"unknown engine {engine!r}; use local or dask")
    if progress is not None:
        chunks = progress(chunks, len(rows))
    writers = _Writers(paths)
    summaries = []
    cached = 0
    ok = False
    try:
        for chunk in chunks:
            writers.write(chunk)
            summaries.append(chunk.summary)
            cached += chunk.cached
        ok = True
    finally:
        writers.close(ok)
    per_doc = pd.DataFrame(summaries)
    per_doc.to_csv(paths.documents_csv, index=False, lineterminator="\n")
    outputs = [
        relative_to_root(p, paths.root)
        for p in (paths.measures_csv, paths.measures_parquet, paths.parquet_dataset, paths.documents_csv)
    ]
    return BuildResult(per_doc, writers.n_rows, cached, outputs)
