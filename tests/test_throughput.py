"""Throughput: the schema is checked once per batch of rows, not once per document; the CSV is optional."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from policystats import api, schema
from policystats import engine as E
from policystats.api import build, load_measures, query
from policystats.devtools.synthetic import make_project
from policystats.errors import SchemaError
from policystats.extract import table as extract_table
from policystats.paths import ProjectPaths

N = 12


@pytest.fixture
def synth(tmp_path: Path) -> ProjectPaths:
    return make_project(tmp_path / "synth", N, seed=11)


def _count_validations(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = schema.MeasureSchema.validate

    def counting(df, *args, **kwargs):
        calls.append(len(df))
        return real(df, *args, **kwargs)

    monkeypatch.setattr(schema.MeasureSchema, "validate", counting)
    return calls


def test_a_build_checks_the_schema_once_per_batch_not_once_per_document(synth, monkeypatch) -> None:
    calls = _count_validations(monkeypatch)
    summary = build(synth.root, use_cache=False)
    assert calls == [summary.n_rows], "one check of all the rows (fewer than a batch), not one per document"
    calls.clear()
    monkeypatch.setattr(E._Writers, "ROW_GROUP", 300)
    summary = build(synth.root)  # from the cache: checked all the same
    assert len(calls) >= summary.n_rows // 300 and sum(calls) == summary.n_rows and len(calls) < N


def test_a_row_that_fails_the_schema_names_its_document_and_nothing_is_published(synth, monkeypatch) -> None:
    build(synth.root)
    before = synth.measures_csv.read_bytes()
    real = extract_table.document_extract
    victim = sorted(p.stem for p in synth.raw.glob("*.txt"))[4]

    def inf_value(doc, source_path):
        rows, summary = real(doc, source_path)
        if doc.doc_id == victim:
            next(r for r in rows if r["quantity_id"] is not None)["value"] = math.inf
        return rows, summary

    monkeypatch.setattr(extract_table, "document_extract", inf_value)
    with pytest.raises(SchemaError, match=rf"the table of {victim} fails its schema(.|\n)*value(.|\n)*finite"):
        build(synth.root, use_cache=False)
    assert synth.measures_csv.read_bytes() == before
    assert not list(synth.processed.glob(".build-*"))


def test_the_csv_is_optional_and_parquet_only_above_the_threshold(synth, monkeypatch) -> None:
    full = build(synth.root)
    reference = load_measures(synth.root)
    build(synth.root, csv=False)
    assert not synth.measures_csv.exists() and synth.measures_parquet.exists()
    pd.testing.assert_frame_equal(load_measures(synth.root), reference)
    assert int(query("select count(*) as n from measures", synth.root)["n"].iloc[0]) == full.n_rows
    monkeypatch.setattr(api, "CSV_MAX_DOCUMENTS", N - 1)
    build(synth.root)
    assert not synth.measures_csv.exists(), "above the threshold the default is Parquet only"
    build(synth.root, csv=True)
    assert synth.measures_csv.exists()
