"""The codebook documents every column and value; the lexicon files are well formed."""

from __future__ import annotations

import pytest

from policystats import schema
from policystats.api import load_measures
from policystats.devtools.codebook import generated_part, render
from policystats.errors import LexiconError
from policystats.extract import _lexicon

from .conftest import ROOT

CODEBOOK = ROOT / "docs" / "codebook.md"


def test_codebook_tables_are_up_to_date():
    assert generated_part(CODEBOOK) == render(load_measures()), "run `policystats codebook --write`"


def test_codebook_names_every_column_and_vocabulary_value():
    text = CODEBOOK.read_text(encoding="utf-8")
    for column in schema.COLUMNS:
        assert f"| `{column}` |" in text, column
    for values in (
        schema.CATEGORIES,
        schema.STATEMENT_KINDS,
        schema.UNITS,
        schema.COMPARATORS,
        schema.BENEFICIARIES,
        schema.INDICATORS,
        schema.THEMES,
        schema.POLICY_TOOLS,
        schema.PROGRAMMES,
        schema.BLOCK_KINDS,
    ):
        for v in values:
            assert f"| `{v}` |" in text, v


def test_codebook_rules_cover_the_legal_convention():
    text = CODEBOOK.read_text(encoding="utf-8")
    for phrase in ("民法典 第1259条", "超…以上", "力争", "个百分点", "万 = 10⁴", "粤办函〔2012〕624号"):
        assert phrase in text


def test_lexicon_files_validate():
    assert _lexicon.validate_all() == list(_lexicon.FILES)


def test_a_broken_lexicon_entry_is_named(monkeypatch):
    broken = {**_lexicon.load("quantities.yaml")}
    broken["units"] = [*broken["units"], {"words": ["公里"], "unit": "kilometre", "en": "km", "zh": "公里"}]
    real = _lexicon.load

    def fake(name):
        return broken if name == "quantities.yaml" else real(name)

    monkeypatch.setattr(_lexicon, "load", fake)
    with pytest.raises(LexiconError, match=r"quantities.yaml units\[\d+\]: unit must be one of"):
        _lexicon.validate_all()
