"""Shared fixtures: a scratch copy of the project data for tests that write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policystats.paths import DEFAULT_ROOT, ProjectPaths

ROOT = DEFAULT_ROOT
RAW = ROOT / "data" / "raw"
CORPUS = ROOT.parent / "shared" / "corpus"
"""The development corpus: real documents the rules were not written from. Not committed; tests skip without it."""
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "catalog.csv").exists(), reason="the development corpus ../shared/corpus is not beside the project"
)


def raw_text(doc_id: str) -> str:
    return (RAW / f"{doc_id}.txt").read_text(encoding="utf-8")


HELDOUT = ROOT / "tests" / "gold" / "heldout" / "documents"
"""Documents from further cities, committed with their gold (tests/gold/heldout/)."""


def source_text(stem: str) -> str:
    """The imported text of a held-out document or a corpus document; skips when the corpus is absent."""
    from policystats.ingest import import_file

    paths = [p for p in HELDOUT.iterdir() if p.stem == stem]
    if not paths:
        if not CORPUS.is_dir():
            pytest.skip(f"the development corpus is not at {CORPUS}")
        paths = [p for p in CORPUS.iterdir() if p.stem == stem]
    (path,) = paths
    return import_file(path).text


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A scratch project with the real catalog and raw files."""
    (tmp_path / "data").mkdir()
    shutil.copytree(RAW, tmp_path / "data" / "raw")
    shutil.copy(ROOT / "data" / "catalog.csv", tmp_path / "data" / "catalog.csv")
    return ProjectPaths(tmp_path)
