"""Build engines: one per-document function, run locally, in a process pool or on Dask.

``process_document`` turns one catalog row into a validated table chunk. It
reads the raw file itself, so only the catalog row travels to a worker, and it
caches its result under ``.cache/build/`` keyed on the file's sha256, its
catalog row and the extractor (``EXTRACTOR_VERSION`` and a digest of the
package's code and wording files), so a rebuild only redoes what changed.

``run_build`` consumes the chunks in catalog order, applies the reviewers'
decisions of ``data/review.csv`` on top of them (after the cache: decisions
never invalidate it), and streams them to ``data/processed/measures.csv``,
``measures.parquet`` and one Parquet file per document under
``data/processed/parquet/``; memory stays bounded by a few documents, whatever
the size of the corpus. ``changes.csv`` lists the quantities whose category or
statement kind differ from the table the build replaces.
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema
from ._locking import file_lock, write_atomic
from ._workers import init_worker, raise_if_interrupted, stop_pool
from .corpus import Document, document_text, text_path
from .errors import PolicystatsError, SchemaError
from .extract import EXTRACTOR_VERSION
from .paths import ProjectPaths, get_paths, relative_to_root


@dataclass
class Chunk:
    """One document's rows, not yet checked against the schema (the writer checks whole batches)."""

    doc_id: str
    arrow: Any  # pyarrow.Table with the schema's columns and pandas dtypes in its metadata
    summary: dict[str, Any]
    cached: bool
    note: str = ""  # e.g. a damaged cache entry that was recomputed; warned by the parent

    def frame(self) -> pd.DataFrame:
        """The rows as a pandas frame with the schema's dtypes."""
        return schema.coerce(self.arrow.to_pandas())


class BuildWarning(UserWarning):
    """Something the build repaired or worked around, e.g. a damaged cache entry it recomputed."""


@dataclass
class BuildResult:
    per_document: pd.DataFrame
    n_rows: int
    cached: int
    outputs: list[str] = field(default_factory=list)
    applied: int = 0  # reviewers' decisions applied
    stale: list = field(default_factory=list)  # review.Stale: decisions not applied, with why
    changed: int = 0  # rows of changes.csv


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
        # A part of a large document is cached as <key>-s<i>of<n>at<start>.*
        if f.is_file() and f.name.split(".", 1)[0].split("-s", 1)[0] not in keep:
            size = f.stat().st_size
            f.unlink(missing_ok=True)
            removed += 1
            freed += size
    return removed, freed


def process_document(root: str, row: dict[str, str], use_cache: bool = True, part: Part | None = None) -> Chunk:
    """The per-document function every engine runs (picklable, imports inside).

    ``part`` is one piece of a document over the size limit (see ``split``).
    Errors name the document: a bad input raises its own ``PolicystatsError``,
    and an unexpected failure is re-raised as one with the file and doc_id.
    """
    try:
        return _process_document(root, row, use_cache, part) if part else _process_document(root, row, use_cache)
    except PolicystatsError:
        raise
    except Exception as exc:
        raise PolicystatsError(
            f"{row.get('file', '?')} (doc_id {row.get('doc_id', '?')}): extraction failed: {type(exc).__name__}: {exc}"
        ) from exc


def _process_document(root: str, row: dict[str, str], use_cache: bool, part: Part | None = None) -> Chunk:
    # Imported here: loading the table checks build keys with this module, without the extractor.
    from .extract import table
    from .extract.structure import StructureWarning

    paths = get_paths(root)
    key = cache_key(row)
    doc_key = key
    if part is not None:
        key = f"{key}-{part.key}"
    note = ""
    if use_cache:
        chunk, note = _read_cache(paths, key, row["doc_id"])
        if chunk is not None:
            return chunk
    path = text_path(paths, row)  # the file the offsets index
    raw = document_text(paths, row)
    if part is not None:
        raw = raw[part.start : part.end]
    doc = Document(row["doc_id"], path, row, raw)
    # Segmentation warnings are kept in the summary (documents.csv, the build
    # report), not printed once per worker with a source line.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        rows, summary = table.document_extract(doc, relative_to_root(path, paths.root))
    _verify_spans(rows, raw, row["doc_id"])
    if part is not None:
        rows = part.place(rows, row["doc_id"])
    # Recorded in documents.csv, so that loading the table can tell whether it
    # still comes from this catalog row, these bytes and this extractor.
    summary["build_key"] = doc_key
    summary["rows"] = len(rows)
    chunk = Chunk(row["doc_id"], schema.arrow_from_rows(rows), summary, False, note)
    if use_cache:
        _write_cache(paths, key, chunk)
    return chunk


@dataclass(frozen=True)
class Part:
    """One piece ``[start, end)`` of a document's text over the size limit, built on its own."""

    index: int  # 1-based
    count: int
    start: int
    end: int

    @property
    def key(self) -> str:
        return f"s{self.index}of{self.count}at{self.start}"

    def place(self, rows: list[dict[str, Any]], doc_id: str) -> list[dict[str, Any]]:
        """Offsets into the whole text, ids and order unique across the parts."""
        prefix, tag = f"{doc_id}:", f"{doc_id}:p{self.index}/"
        placed = []
        for row in rows:
            row = dict(row)
            for col in ("span_start", "span_end", "measure_start", "measure_end"):
                if row[col] is not None:
                    row[col] += self.start
            for col in ("measure_id", "quantity_id", "nested_in"):
                if row[col] is not None:
                    row[col] = row[col].replace(prefix, tag, 1)
            row["part_id"] = f"p{self.index}/{row['part_id']}"
            row["measure_order"] += (self.index - 1) * 1_000_000
            placed.append(row)
        return placed


def split(text: str, max_chars: int) -> list[Part]:
    """Cut a text longer than ``max_chars`` at line breaks (a blank line where there is one) into parts."""
    if len(text) <= max_chars:
        return []
    cuts, start = [], 0
    while len(text) - start > max_chars:
        window_end = start + max_chars
        cut = text.rfind("\n\n", start + max_chars // 2, window_end)
        if cut < 0:
            cut = text.rfind("\n", start + max_chars // 4, window_end)
        cut = window_end if cut < 0 else cut + 1
        cuts.append((start, cut))
        start = cut
    cuts.append((start, len(text)))
    return [Part(i, len(cuts), a, b) for i, (a, b) in enumerate(cuts, start=1)]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_cache(paths: ProjectPaths, key: str, doc_id: str) -> tuple[Chunk | None, str]:
    """A cached chunk whose checksums and row count hold; else None and, for a damaged entry, why."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = {ext: paths.cache / f"{key}.{ext}" for ext in ("parquet", "json")}
    if not files["json"].exists():  # written last: without it there is no entry
        return None, ""
    try:
        meta = json.loads(files["json"].read_text(encoding="utf-8"))
        if "check" not in meta:  # written by an older policystats, without checksums: recompute it quietly
            return None, ""
        parquet_bytes = files["parquet"].read_bytes()
        check = meta.get("check") or {}
        problem = ""
        if _digest(parquet_bytes) != check.get("parquet_sha256"):
            problem = "its Parquet file fails its checksum"
        else:
            arrow = pq.read_table(pa.BufferReader(parquet_bytes))
            if arrow.num_rows != check.get("rows"):
                problem = f"it holds {arrow.num_rows} rows, not {check.get('rows')}"
    except (OSError, ValueError, pa.ArrowException) as exc:  # cut short, unreadable, not JSON
        problem = f"it cannot be read ({type(exc).__name__})"
    if problem:
        return None, f"{doc_id}: the cache entry .cache/build/{key}.* was damaged ({problem}); recomputed it"
    return Chunk(doc_id, arrow, meta["summary"], True), ""


def _write_cache(paths: ProjectPaths, key: str, chunk: Chunk) -> None:
    """Store a chunk with the checksums and row count that ``_read_cache`` checks; the JSON last."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(chunk.arrow, sink)
    parquet_bytes = sink.getvalue().to_pybytes()
    meta = {
        "summary": chunk.summary,
        "check": {
            "parquet_sha256": _digest(parquet_bytes),
            "rows": chunk.arrow.num_rows,
        },
    }
    paths.cache.mkdir(parents=True, exist_ok=True)
    write_atomic(paths.cache / f"{key}.parquet", parquet_bytes)
    write_atomic(paths.cache / f"{key}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))


def _verify_spans(rows: list[dict[str, Any]], raw: str, doc_id: str) -> None:
    bad = [
        r["quantity_id"]
        for r in rows
        if r["quantity_id"] is not None and raw[r["span_start"] : r["span_end"]] != r["quantity_text"]
    ]
    if bad:
        raise SchemaError(f"{doc_id}: {len(bad)} quantity spans do not reproduce their text, e.g. {bad[:3]}")


# ------------------------------------------------------------------ engines


Task = tuple[dict[str, str], "Part | None"]


def _local(root: str, tasks: list[Task], use_cache: bool, jobs: int) -> Iterator[Chunk]:
    if jobs <= 1:
        for row, part in tasks:
            yield process_document(root, row, use_cache, part)
        return
    # A bounded window of work in flight: results come back in catalog order,
    # and at most `window` finished chunks wait in memory. The workers ignore
    # Ctrl-C and die with this process; on any failure or interrupt they are
    # ended at once, not after their current document.
    window = jobs * 4
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(os.getpid(),))
    try:
        pending: deque[Future] = deque()
        it = iter(tasks)
        for row, part in it:
            pending.append(pool.submit(process_document, root, row, use_cache, part))
            if len(pending) >= window:
                break
        while pending:
            raise_if_interrupted()
            chunk = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(process_document, root, nxt[0], use_cache, nxt[1]))
            yield chunk
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def _dask(root: str, tasks: list[Task], use_cache: bool, jobs: int, scheduler: str | None) -> Iterator[Chunk]:
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
        it = iter(tasks)
        for row, part in it:
            pending.append(client.submit(process_document, root, row, use_cache, part, pure=False))
            if len(pending) >= window:
                break
        while pending:
            fut = pending.popleft()
            chunk = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(client.submit(process_document, root, nxt[0], use_cache, nxt[1], pure=False))
            yield chunk
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------ writing


class _Writers:
    """Stream chunks into a build folder of this build's own, then publish it with renames.

    The folder (``data/processed/.build-*``) holds measures.csv, measures.parquet,
    parquet/ and documents.csv. Rows are checked against the schema in batches
    of ``ROW_GROUP`` rows, as they go into measures.parquet. Nothing is
    published unless every batch passed, every document was written and the
    row counts of the outputs agree; publishing holds the project's publish
    lock, so that readers see the old outputs or the new ones.
    """

    # measures.parquet gets row groups of this many rows: one row group per
    # document would make the file's footer, held in memory until it is
    # closed, grow with the corpus (a gigabyte at 10,000 documents).
    ROW_GROUP = 25_000

    def __init__(self, paths: ProjectPaths, *, write_csv: bool = True) -> None:
        import tempfile

        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.pq = pa, pq
        self.paths = paths
        paths.processed.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".build-", dir=paths.processed))
        self.files = {
            "csv": self.dir / paths.measures_csv.name,
            "parquet": self.dir / paths.measures_parquet.name,
            "dataset": self.dir / paths.parquet_dataset.name,
            "documents": self.dir / paths.documents_csv.name,
            "changes": self.dir / paths.changes_csv.name,
            "review": self.dir / paths.review_status.name,
        }
        self.files["dataset"].mkdir()
        self.write_csv = write_csv
        self.csv = self.files["csv"].open("w", encoding="utf-8", newline="") if write_csv else None
        if self.csv is not None:
            self.csv.write(pd.DataFrame(columns=schema.COLUMNS).to_csv(index=False, lineterminator="\n"))
        self.parquet = None
        self.pending: list = []
        self.pending_rows = 0
        self.n_rows = 0
        self.n_docs = 0
        self.doc_id: str | None = None
        self.doc_writer = None

    def write(self, chunk: Chunk) -> None:
        table = chunk.arrow
        if self.parquet is None:
            self.schema = table.schema
            self.parquet = self.pq.ParquetWriter(self.files["parquet"], self.schema)
        table = table.cast(self.schema)
        if chunk.doc_id != self.doc_id:  # one file per document, whatever the number of its parts
            self._close_doc()
            self.doc_id = chunk.doc_id
            self.doc_writer = self.pq.ParquetWriter(self.files["dataset"] / f"{chunk.doc_id}.parquet", self.schema)
            self.n_docs += 1
        self.doc_writer.write_table(table)
        self.pending.append(table)
        self.pending_rows += table.num_rows
        if self.pending_rows >= self.ROW_GROUP:
            self._flush()
        self.n_rows += table.num_rows

    def _close_doc(self) -> None:
        if self.doc_writer is not None:
            self.doc_writer.close()
            self.doc_writer = None

    def _flush(self) -> None:
        """Validate the pending rows as one batch (one schema call for many documents), then write them."""
        if self.pending:
            batch = self.pa.concat_tables(self.pending)
            frame = schema.validate_batch(schema.coerce(batch.to_pandas()))
            if self.csv is not None:  # once per batch (pandas' cost is mostly per call), in pieces to the file
                frame.to_csv(self.csv, index=False, header=False, lineterminator="\n")
            self.parquet.write_table(batch, row_group_size=self.ROW_GROUP)
            self.pending, self.pending_rows = [], 0

    def discard(self) -> None:
        import shutil

        if self.csv is not None:
            self.csv.close()
        if self.parquet is not None:
            self.parquet.close()
        self._close_doc()
        shutil.rmtree(self.dir, ignore_errors=True)

    def finish(
        self, per_doc: pd.DataFrame, changes: pd.DataFrame | None = None, review: pd.DataFrame | None = None
    ) -> None:
        """Check the row counts, then publish the build folder's files in place of the old ones."""
        if self.parquet is not None:
            self._flush()
            self.parquet.close()
        if self.csv is not None:
            self.csv.close()
        self._close_doc()
        per_doc.to_csv(self.files["documents"], index=False, lineterminator="\n")
        if changes is None:
            changes = pd.DataFrame(columns=CHANGE_COLUMNS)
        changes.to_csv(self.files["changes"], index=False, lineterminator="\n")
        if review is not None:
            review.to_csv(self.files["review"], index=False, lineterminator="\n")
        self._check_counts(per_doc)
        with file_lock(self.paths.publish_lock, "publish"):
            self._publish()

    def _check_counts(self, per_doc: pd.DataFrame) -> None:
        expected = int(per_doc["rows"].sum()) if len(per_doc) else 0
        in_parquet = self.pq.ParquetFile(self.files["parquet"]).metadata.num_rows if self.parquet else 0
        parts = sorted(self.files["dataset"].glob("*.parquet"))
        in_dataset = sum(self.pq.ParquetFile(f).metadata.num_rows for f in parts)
        if not (expected == self.n_rows == in_parquet == in_dataset) or len(parts) != self.n_docs:
            raise SchemaError(
                f"the build's outputs disagree ({expected} rows in documents.csv, {self.n_rows} written, "
                f"{in_parquet} in measures.parquet, {in_dataset} in {len(parts)} files of parquet/ for "
                f"{self.n_docs} documents); nothing was published"
            )

    def _publish(self) -> None:
        import shutil

        p = self.paths
        if self.write_csv:
            os.replace(self.files["csv"], p.measures_csv)
        else:
            p.measures_csv.unlink(missing_ok=True)  # an older CSV would not match the new build
        if self.parquet is not None:
            os.replace(self.files["parquet"], p.measures_parquet)
        else:
            p.measures_parquet.unlink(missing_ok=True)
        old = self.dir / "old-parquet"
        if p.parquet_dataset.exists():
            os.replace(p.parquet_dataset, old)
        os.replace(self.files["dataset"], p.parquet_dataset)
        os.replace(self.files["documents"], p.documents_csv)
        os.replace(self.files["changes"], p.changes_csv)
        if self.files["review"].exists():
            os.replace(self.files["review"], p.review_status)
        else:
            p.review_status.unlink(missing_ok=True)
        shutil.rmtree(self.dir, ignore_errors=True)


CHANGE_COLUMNS = ["doc_id", "span_start", "span_end", "quantity_text", "field", "before", "after"]
_KEY = ["span_start", "span_end", "quantity_text"]


class _Changes:
    """Unreviewed quantities whose category or statement kind differ from the table this build replaces.

    Only documents whose build key changed are compared, each against its own
    file in the published ``parquet/`` (still the old one while the build runs).
    """

    def __init__(self, paths: ProjectPaths) -> None:
        self.paths = paths
        self.keys = _previous_keys(paths)
        self.rows: list[dict[str, Any]] = []
        self._prev: tuple[str, pd.DataFrame | None] = ("", None)

    def add(self, chunk: Chunk) -> None:
        doc_id = chunk.doc_id
        old_key = self.keys.get(doc_id)
        if old_key is None or old_key == chunk.summary.get("build_key", ""):
            return
        prev = self._previous(doc_id)
        if prev is None:
            return
        frame = chunk.frame()
        cols = [*_KEY, "category", "statement_kind"]
        new = frame.loc[frame["quantity_id"].notna() & ~frame["confirmed"].astype(bool), cols]  # not a person's
        both = new.merge(prev, on=_KEY, suffixes=("", "_before"))
        for name in ("category", "statement_kind"):
            diff = both[both[name].astype(str) != both[f"{name}_before"].astype(str)]
            self.rows += [
                {"doc_id": doc_id, **{k: r[k] for k in _KEY}, "field": name, "before": r[f"{name}_before"],
                 "after": r[name]}
                for r in diff.to_dict("records")
            ]  # fmt: skip

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=CHANGE_COLUMNS)
        return df.sort_values(["doc_id", "span_start", "span_end", "field"], kind="stable")

    def _previous(self, doc_id: str) -> pd.DataFrame | None:
        if self._prev[0] != doc_id:
            path = self.paths.parquet_dataset / f"{doc_id}.parquet"
            try:
                old = pd.read_parquet(path, columns=[*_KEY, "category", "statement_kind", "quantity_id"])
                old = old.loc[old["quantity_id"].notna()].drop(columns="quantity_id").drop_duplicates(_KEY)
            except Exception:  # no previous table, or one this version cannot read: nothing to compare
                old = None
            self._prev = (doc_id, old)
        return self._prev[1]


def _previous_keys(paths: ProjectPaths) -> dict[str, str]:
    """doc_id → build key of the published table (none if there is no readable documents.csv)."""
    import csv

    try:
        with paths.documents_csv.open(encoding="utf-8", newline="") as fh:
            return {r["doc_id"]: r.get("build_key") or "" for r in csv.DictReader(fh)}
    except (OSError, KeyError, csv.Error, UnicodeDecodeError):
        return {}


def _reviewed(chunk: Chunk, review: Any) -> Chunk:
    """The chunk with the reviewers' decisions on its rows applied (itself if none concerns it)."""
    import pyarrow as pa

    if not review.pending.get(chunk.doc_id):
        return chunk
    frame = review.apply(chunk.frame(), chunk.doc_id)
    if frame is None:
        return chunk
    frame = schema.coerce(frame)
    arrow = pa.Table.from_pandas(frame, preserve_index=False).cast(schema.arrow_table_schema())
    return replace(chunk, arrow=arrow, summary=chunk.summary | {"rows": len(frame)})


def _tasks(paths: ProjectPaths, rows: list[dict[str, str]], max_bytes: int | None) -> list[Task]:
    """One task per document; a document with more text than ``max_bytes`` becomes one task per part."""
    tasks: list[Task] = []
    for row in rows:
        path = text_path(paths, row)
        size = path.stat().st_size if path.is_file() else 0
        if max_bytes is None or size <= max_bytes:
            tasks.append((row, None))
            continue
        text = document_text(paths, row)
        # The limit is in bytes of text; a part holds as many characters as the text's average byte width allows.
        parts = split(text, max(1000, int(max_bytes * len(text) / max(size, 1))))
        if not parts:
            tasks.append((row, None))
            continue
        warnings.warn(
            f"{relative_to_root(path, paths.root)}: {size / 1e6:.2f} MB of text, over the limit of "
            f"{max_bytes / 1e6:g} MB ([build] max_document_mb in policystats.toml, or --max-document-mb): built in "
            f"{len(parts)} parts cut at line breaks, whose rows stream to disk; a heading above a cut does not "
            "reach the items below it",
            BuildWarning,
            stacklevel=3,
        )
        tasks += [(row, part) for part in parts]
    return tasks


def _merge(summary: dict[str, Any], more: dict[str, Any]) -> None:
    """Add the summary of a document's next part to that of its first."""
    for k in ("parts", "measures", "blocks", "quantities", "rows"):
        summary[k] = summary.get(k, 0) + more.get(k, 0)
    for k in ("warnings", "repairs"):
        summary[k] = " | ".join(x for x in (summary.get(k), more.get(k)) if x)


def run_build(
    rows: list[dict[str, str]],
    paths: ProjectPaths,
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    use_cache: bool = True,
    progress: Callable[[Iterable[Chunk], int], Iterable[Chunk]] | None = None,
    write_csv: bool = True,
    max_document_bytes: int | None = None,
) -> BuildResult:
    """Process every catalog row and stream the outputs; see the module docstring."""
    root = str(paths.root)
    if scheduler and engine != "dask":
        raise PolicystatsError("a scheduler address needs the Dask engine: add --engine dask")
    if jobs < 1:
        raise PolicystatsError(f"--jobs must be at least 1, not {jobs}")
    rows = sorted(rows, key=lambda r: r["doc_id"])
    tasks = _tasks(paths, rows, max_document_bytes)
    if engine == "local":
        source: Iterator[Chunk] = _local(root, tasks, use_cache, jobs)
    elif engine == "dask":
        source = _dask(root, tasks, use_cache, jobs, scheduler)
    else:
        raise PolicystatsError(f"unknown engine {engine!r}; use local or dask")
    chunks: Iterable[Chunk] = progress(source, len(tasks)) if progress is not None else source
    from .review import BuildReview

    review = BuildReview(paths, rows)
    changes = _Changes(paths)
    writers = _Writers(paths, write_csv=write_csv)
    summaries: list[dict[str, Any]] = []
    cached = 0
    try:
        for chunk in chunks:
            raise_if_interrupted()
            if chunk.note:
                warnings.warn(chunk.note, BuildWarning, stacklevel=2)
            same_doc = bool(summaries) and summaries[-1]["doc_id"] == chunk.doc_id
            chunk = _reviewed(chunk, review)
            changes.add(chunk)
            writers.write(chunk)
            if same_doc:
                _merge(summaries[-1], chunk.summary)
            else:
                summaries.append(dict(chunk.summary))
                cached += chunk.cached
        per_doc = pd.DataFrame(summaries)
        changed = changes.frame()
        review.finish()
        writers.finish(per_doc, changed, review.status() if review.seen else None)
    except BaseException:
        writers.discard()
        raise
    finally:
        source.close()  # ends the workers at once if the loop stopped early
    outputs = [
        relative_to_root(p, paths.root)
        for p in (paths.measures_csv, paths.measures_parquet, paths.parquet_dataset, paths.documents_csv)
        if p.exists()
    ]
    return BuildResult(per_doc, writers.n_rows, cached, outputs, review.applied, review.stale, len(changed))
