"""The functions most users call: load the documents and the measures table, build it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from .corpus import load_corpus, read_catalog
from .paths import ProjectPaths, get_paths, relative_to_root
from .table import document_blocks, document_rows


@dataclass
class BuildSummary:
    """What a build wrote."""

    n_documents: int
    n_rows: int
    per_document: pd.DataFrame
    outputs: list[str] = field(default_factory=list)


def load_documents(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The document catalog, checked against ``data/raw``, one row per document."""
    rows = read_catalog(get_paths(root))
    df = pd.DataFrame(rows)
    df["doc_year"] = df["issue_date"].str.slice(0, 4).astype("Int64")
    return df


def _build_rows(paths: ProjectPaths) -> tuple[list[dict], pd.DataFrame]:
    rows: list[dict] = []
    per_doc = []
    for doc in load_corpus(paths):
        source = relative_to_root(doc.path, paths.root)
        structure, notes = document_blocks(doc)
        doc_rows = document_rows(doc, source)
        rows.extend(doc_rows)
        per_doc.append(
            {
                "doc_id": doc.doc_id,
                "city": doc.meta["city_en"],
                "parts": len(structure.parts),
                "measures": sum(1 for b in structure.blocks if b.block_kind == "item"),
                "blocks": len(structure.blocks),
                "warnings": " | ".join(structure.warnings),
                "repairs": " | ".join(notes),
            }
        )
    return rows, pd.DataFrame(per_doc)


def measures_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    return df.sort_values(["doc_id", "measure_order"], kind="stable").reset_index(drop=True)


def build(root: str | os.PathLike[str] | None = None) -> BuildSummary:
    """Build ``data/processed/measures.csv`` (and ``.parquet``) from the corpus."""
    paths = get_paths(root)
    # Load inputs.
    rows, per_doc = _build_rows(paths)
    # Process data.
    df = measures_frame(rows)
    # Save outputs.
    paths.processed.mkdir(parents=True, exist_ok=True)
    df.to_csv(paths.measures_csv, index=False, lineterminator="\n")
    df.to_parquet(paths.measures_parquet, index=False)
    per_doc.to_csv(paths.documents_csv, index=False, lineterminator="\n")
    outputs = [
        relative_to_root(p, paths.root) for p in (paths.measures_csv, paths.measures_parquet, paths.documents_csv)
    ]
    return BuildSummary(len(per_doc), len(df), per_doc, outputs)


def load_measures(root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The measures table: read from ``data/processed``, or built if missing."""
    paths = get_paths(root)
    if paths.measures_csv.exists():
        return pd.read_csv(paths.measures_csv)
    rows, _ = _build_rows(paths)
    return measures_frame(rows)
