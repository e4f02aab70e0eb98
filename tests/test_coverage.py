"""No quantity is lost between the structure parser and the table.

Every quantity the grammar finds in a document's cleaned text must land in a
block (a row of the table), or else in a header line of its part (a title, a
document number, a signature date). A heading line the parser keeps as a
title, or an annex list that swallows the annex after it, would lose rows
silently; this test finds that on the seeds and on every corpus document.
"""

from __future__ import annotations

import warnings

import pytest

from policystats.corpus import load_corpus
from policystats.extract.clean import clean_with_notes
from policystats.extract.quantities import search_quantities
from policystats.extract.structure import parse_structure

from .conftest import CORPUS, needs_corpus


def _lost(doc) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text, _ = clean_with_notes(doc.raw)
        st = parse_structure(doc.doc_id, text)
    spans = [b.span for b in st.blocks]
    spans += [ln.text.raw_span(0, len(ln.text)) for p in st.parts for ln in p.header if len(ln.text)]
    lost = []
    for t, q in search_quantities(text.text):
        a, b = text.raw_span(q.start, q.end)
        if not any(x <= a and b <= y for x, y in spans):
            lost.append(t)
    return lost


SEEDS = load_corpus()


@pytest.mark.parametrize("doc", SEEDS, ids=[d.doc_id for d in SEEDS])
def test_every_seed_quantity_reaches_a_block(doc) -> None:
    assert _lost(doc) == []


@needs_corpus
def test_every_corpus_quantity_reaches_a_block() -> None:
    from policystats.devtools.evaluate import corpus_documents

    lost = {d.doc_id: _lost(d) for d in corpus_documents(CORPUS)}
    assert {k: v for k, v in lost.items() if v} == {}


def test_a_numbered_sentence_is_not_taken_for_a_heading() -> None:
    text = (
        "第一章 总则\n第十六条 见习期间，见习单位应当每月向见习人员提供不低于本市最低工资标准80%的生活补贴。\n"
        "见习基地先行支付生活补贴。\n"
    )
    doc = type("D", (), {"doc_id": "t", "raw": text})()
    assert _lost(doc) == []
