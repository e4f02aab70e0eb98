"""Where jionlp, the field's best money extractor, is wrong on our text.

jionlp is a dev-only dependency, used as a baseline. Each case quotes a seed
sentence; the expected reading follows Chinese legal convention.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from policystats.devtools.evaluate import evaluate
from policystats.extract.quantities import parse_quantity, search_quantities

from .conftest import CORPUS, needs_corpus

with contextlib.redirect_stdout(io.StringIO()):
    jionlp = pytest.importorskip("jionlp")

JIONLP_COMPARATOR = {"accurate": "=", "blur": "~", "blur+": ">", "blur-": "<"}


def jio(text):
    with contextlib.redirect_stdout(io.StringIO()):
        found = jionlp.ner.extract_money(text, with_parsing=True)
    return [(e["text"], float(e["detail"]["num"]), JIONLP_COMPARATOR[e["detail"]["definition"]]) for e in found]


def test_cap_read_as_more_than():
    text = "最高不超过500万元"  # Pingdingshan annex 3
    assert jio(text) == [("超过500万元", 5e6, ">")]
    q = parse_quantity(text)
    assert (q.value, q.comparator) == (5e6, "<=")


def test_not_exceeding_read_as_exceeding():
    text = "对月销售额未超过15万元"  # Pingdingshan notice 一
    assert jio(text) == [("超过15万元", 150000.0, ">")]
    assert parse_quantity(text).comparator == "<="


def test_bare_wan_without_yuan_is_missed():
    text = "分别给予300万、300万和400万的奖励"  # Pingdingshan annex 2 (七)
    assert jio(text) == []
    assert [q.value for _, q in search_quantities(text)] == [3e6, 3e6, 4e6]


def test_percentages_are_not_money():
    text = "其中预留给小型和微型企业的比例不低于60%"  # Guangdong plan (二十)
    assert jio(text) == []
    q = parse_quantity(text)
    assert (q.value, q.unit, q.comparator) == (60.0, "percent", ">=")


def test_yixia_includes_the_number():
    text = "实现对50万元以下贷款线上快速审批放款"  # Jieyang 2019 item 17
    assert jio(text) == [("50万元以下", 500000.0, "<")]  # jionlp: strictly less
    assert parse_quantity(text).comparator == "<="  # 民法典 第1259条: 以下 includes


@needs_corpus
def test_policystats_beats_jionlp_on_the_blind_money_gold():
    (report,) = evaluate(sets=("corpus",), corpus_dir=CORPUS)
    ours, theirs = report.jionlp["policystats"], report.jionlp["jionlp"]
    assert ours["value_unit_comparator"] > theirs["value_unit_comparator"]
    assert ours["value_unit"] >= theirs["value_unit"]
