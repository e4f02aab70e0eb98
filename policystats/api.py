"""The functions most users call: load the documents and the measures table, build it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from . import schema
from .corpus import Document, load_corpus, read_catalog
from .errors import SchemaError
from .paths import ProjectPaths, get_paths, relative_to_root
from .table import document_rows, document_structure


@dataclass
class BuildSummary:
    """What a build wrote, with per-document and per-category counts."""

    n_documents: int
    n_rows: int
    per_document: pd.DataFrame
    per_category: pd.DataFrame
    outputs: list[str] = field(default_factory=list)


def load_documents(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The document catalog, checked against ``data/raw``, one row per document."""
    rows = read_catalog(get_paths(root))
    df = pd.DataFrame(rows)
    df["doc_year"] = df["issue_date"].str.slice(0, 4).astype("Int64")
    return df


def measures_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows to a validated table in a stable order."""
    df = pd.DataFrame(rows, columns=schema.COLUMNS) if rows else pd.DataFrame(columns=schema.COLUMNS)
    df = df.sort_values(["doc_id", "measure_order", "quantity_index"], kind="stable").reset_index(drop=True)
    return schema.validate(schema.coerce(df))


def verify_spans(df: pd.DataFrame, docs: list[Document]) -> None:
    """Check raw[span_start:span_end] == quantity_text for every quantity row."""
    raw = {d.doc_id: d.raw for d in docs}
    q = df[df["quantity_id"].notna()]
    bad = [
        r.quantity_id for r in q.itertuples() if raw[r.doc_id][int(r.span_start) : int(r.span_end)] != r.quantity_text
    ]
    if bad:
        raise SchemaError(f"{len(bad)} quantity spans do not reproduce their text, e.g. {bad[:3]}")


def _document_summary(doc: Document, rows: list[dict]) -> dict:
    structure, notes = document_structure(doc)
    return {
        "doc_id": doc.doc_id,
        "sha256": doc.meta["sha256"],
        "city": doc.meta["city_en"],
        "parts": len(structure.parts),
        "measures": sum(1 for b in structure.blocks if b.block_kind == "item"),
        "blocks": len(structure.blocks),
        "quantities": sum(1 for r in rows if r["quantity_id"]),
        "warnings": " | ".join(structure.warnings),
        "repairs": " | ".join(notes),
    }


def _build_rows(paths: ProjectPaths, docs: list[Document] | None = None) -> tuple[list[dict], pd.DataFrame]:
    rows: list[dict] = []
    per_doc = []
    for doc in docs if docs is not None else load_corpus(paths):
        doc_rows = document_rows(doc, relative_to_root(doc.path, paths.root))
        rows.extend(doc_rows)
        per_doc.append(_document_summary(doc, doc_rows))
    return rows, pd.DataFrame(per_doc)


def category_counts(df: pd.DataFrame) -> pd.DataFrame:
    q = df[df["quantity_id"].notna()]
    return q.groupby(["city", "category"]).size().unstack(fill_value=0)


def build(root: str | os.PathLike[str] | None = None) -> BuildSummary:
    """Build ``data/processed/measures.csv`` and ``.parquet`` from the corpus."""
    paths = get_paths(root)
    # Load inputs.
    docs = load_corpus(paths)
    # Process data.
    rows, per_doc = _build_rows(paths, docs)
    df = measures_frame(rows)
    verify_spans(df, docs)
    # Save outputs.
    write_outputs(df, per_doc, paths)
    outputs = [
        relative_to_root(p, paths.root) for p in (paths.measures_csv, paths.measures_parquet, paths.documents_csv)
    ]
    return BuildSummary(len(per_doc), len(df), per_doc, category_counts(df), outputs)


def write_outputs(df: pd.DataFrame, per_doc: pd.DataFrame, paths: ProjectPaths) -> None:
    paths.processed.mkdir(parents=True, exist_ok=True)
    df.to_csv(paths.measures_csv, index=False, lineterminator="\n")
    df.to_parquet(paths.measures_parquet, index=False)
    per_doc.to_csv(paths.documents_csv, index=False, lineterminator="\n")


def read_measures_csv(path: os.PathLike[str] | str) -> pd.DataFrame:
    """Read a measures CSV with the schema's dtypes, and validate it."""
    df = pd.read_csv(path, dtype=schema.dtypes(), keep_default_na=False, na_values=[""])
    return schema.validate(df, where=str(path))


def _is_current(paths: ProjectPaths) -> bool:
    """Does the processed table come from the documents now in the catalog?"""
    if not (paths.measures_csv.exists() and paths.documents_csv.exists()):
        return False
    built = pd.read_csv(paths.documents_csv, dtype="str")
    catalog = {r["doc_id"]: r["sha256"] for r in read_catalog(paths)}
    return dict(zip(built["doc_id"], built["sha256"], strict=True)) == catalog


def load_measures(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The one normalised table, validated.

    Read from ``data/processed/measures.csv`` when it matches the catalog;
    otherwise built in memory (run ``policystats build`` to save it).
    """
    paths = get_paths(root)
    if _is_current(paths):
        return read_measures_csv(paths.measures_csv)
    import warnings

    warnings.warn(
        "data/processed/measures.csv is missing or older than the catalog; building the table in memory. "
        "Run `policystats build` to save it.",
        stacklevel=2,
    )
    rows, _ = _build_rows(paths)
    return measures_frame(rows)
