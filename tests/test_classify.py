"""Statement kind and category from the construction: a table of real sentences.

Each case quotes a sentence from a seed (``data/raw``) or a corpus document
(``../shared/corpus``) and gives the kind (and category) read off the text;
the blind gold of that document agrees (``tests/gold/``). The headline
categories are also checked quantity by quantity in ``test_accuracy.py``;
these cases cover the constructions that decide the kind in any category.
"""

from __future__ import annotations

import pytest

from policystats.extract.classify import classify_quantity
from policystats.extract.quantities import search_quantities

from .conftest import CORPUS, raw_text

# (document, sentence quoted from it, quantity text, expected statement kind, expected category or None)
CASES = [
    # an age names who qualifies
    (
        "003_guangzhou_2019",
        "本办法所指就业见习人员是指离校未就业（毕业2年内）高校毕业生和16-24岁失业青年",
        "16-24岁",
        "threshold",
        None,
    ),
    ("013_fuzhou_2015", "更好地鼓励和支持18周岁至45周岁的台湾青年来榕创业就业", "18周岁至45周岁", "threshold", None),
    # a lower bound on a duration is a condition, even after a granting verb
    ("018_dalian_2015", "申请生产资助单位必须工商注册2年以上", "2年以上", "threshold", None),
    # a cap after a grant in its sentence is the award's
    (
        "004_guangzhou_2025",
        "给予一次性扶持100万元，同一企业每年不高于500万元",
        "不高于500万元",
        "rule",
        "award_level",
    ),
    # a rate on a base, followed by the award it pays, is granted
    ("002_guangdong_2023", "按余额增量的2%提供激励资金", "2%", "rule", "award_level"),
    # a count of the entities themselves is a goal, not a bound on them
    ("jieyang-2019-nuanqi", "确保2019年新增100家以上的小微企业", "100家以上", "target", None),
]


def _document_text(doc: str) -> str:
    if "_" not in doc:
        return raw_text(doc)
    if not CORPUS.is_dir():
        pytest.skip(f"the development corpus is not at {CORPUS}")
    from policystats.ingest import import_file

    (path,) = [p for p in CORPUS.iterdir() if p.stem == doc]
    return import_file(path).text


@pytest.mark.parametrize(("doc", "sentence", "quantity", "kind", "category"), CASES, ids=[c[2] for c in CASES])
def test_statement_kind_of_a_quoted_sentence(doc, sentence, quantity, kind, category):
    assert sentence in _document_text(doc), "quote the document exactly"
    (q,) = [q for t, q in search_quantities(sentence) if t == quantity]
    c = classify_quantity(q, sentence)
    assert c.statement_kind == kind, c.kind_reason
    if category is not None:
        assert c.category == category, c.category_reason


# Constructions written for the rule, beside the quoted ones: an attribute bound versus an own count.
CONSTRUCTIONS = [
    ("年末从业人员50人以上的企业可申请奖励", "50人以上", "threshold"),
    ("到2025年，培育100家以上的专精特新企业", "100家以上", "target"),
    ("对年龄在60岁以上的老人给予补贴", "60岁以上", "threshold"),
]


@pytest.mark.parametrize(("sentence", "quantity", "kind"), CONSTRUCTIONS, ids=[c[1] for c in CONSTRUCTIONS])
def test_statement_kind_of_a_construction(sentence, quantity, kind):
    (q,) = [q for t, q in search_quantities(sentence) if t == quantity]
    assert classify_quantity(q, sentence).statement_kind == kind
