"""Every pattern in the wording files works through the real code path.

A never-quantity pattern added to ``quantities.yaml`` must take effect: its
example matches the pattern, and ``search_quantities`` finds no quantity in it.
Comparator words, units and multipliers are checked the same way, each on a
phrase built from the entry itself.
"""

from __future__ import annotations

import re

import pytest

from policystats.extract import _lexicon
from policystats.extract.classify import classify_quantity
from policystats.extract.quantities import search_quantities
from policystats.extract.quantity_lexicon import _start_of, lexicon

Q = _lexicon.load("quantities.yaml")
C = _lexicon.load("classification.yaml")
NEVER = Q["never_quantity"]


@pytest.mark.parametrize("entry", NEVER, ids=[e["en"] for e in NEVER])
def test_every_never_pattern_masks_its_own_example(entry) -> None:
    example = entry["example"]
    assert re.search(entry["pattern"], example), "the example must match its own pattern"
    sentence = f"根据{example}，给予奖励。"
    found = [(t, q.value) for t, q in search_quantities(sentence) if example in sentence[q.start : q.end + 20]]
    assert found == [], f"{entry['en']}: {example!r} read as a quantity"


@pytest.mark.parametrize("entry", NEVER, ids=[e["en"] for e in NEVER])
def test_the_code_knows_where_every_never_pattern_starts(entry) -> None:
    """A new pattern needs no change to the code: where it can start is read off the pattern."""
    start = _start_of(entry["pattern"])
    assert start.chars or start.digit or start.line, entry["pattern"]
    rules = lexicon().never
    assert not rules.anywhere, "a pattern that can start anywhere makes every search try every position"


COMPARATORS = [(w, e["comparator"]) for e in Q["comparators_prefix"] for w in e["words"]]


@pytest.mark.parametrize(("word", "comparator"), COMPARATORS, ids=[w for w, _ in COMPARATORS])
def test_every_prefix_comparator_reaches_the_table(word: str, comparator: str) -> None:
    (got,) = search_quantities(f"补贴{word}50万元")
    assert got[1].comparator == comparator and got[0].startswith(word)


SUFFIXES = [(w, e["comparator"], e.get("only_after_units")) for e in Q["comparators_suffix"] for w in e["words"]]


@pytest.mark.parametrize(("word", "comparator", "after"), SUFFIXES, ids=[w for w, _, _ in SUFFIXES])
def test_every_suffix_comparator_reaches_the_table(word: str, comparator: str, after) -> None:
    unit = "个月" if after else "万元"
    (got,) = search_quantities(f"补贴50{unit}{word}")
    assert got[1].comparator == comparator and got[0].endswith(word)


UNITS = [(w, e["unit"], (e.get("only_before") or [""])[0]) for e in Q["units"] for w in e["words"]]


@pytest.mark.parametrize(("word", "unit", "after"), UNITS, ids=[w for w, _, _ in UNITS])
def test_every_unit_word_reaches_the_table(word: str, unit: str, after: str) -> None:
    found = search_quantities(f"达到12{word}{after}。")
    assert [q.unit for _, q in found] == [unit], found


NOT_BEFORE = [(w, nb) for e in Q["units"] for w in e["words"] for nb in e.get("not_before", [])]
ONLY_BEFORE = [w for e in Q["units"] if e.get("only_before") for w in e["words"]]


@pytest.mark.parametrize(("word", "after"), NOT_BEFORE, ids=[w + nb for w, nb in NOT_BEFORE])
def test_a_unit_word_is_not_read_before_its_exceptions(word: str, after: str) -> None:
    """12分钟, 12分公司: the unit word is not read when one of its not_before words follows."""
    assert not [t for t, _ in search_quantities(f"达到12{word}{after}。") if t.endswith(word)]


@pytest.mark.parametrize("word", ONLY_BEFORE)
def test_a_unit_word_is_read_only_before_its_companions(word: str) -> None:
    """10日 alone is a date: the unit word is read only when one of its only_before words follows."""
    assert not search_quantities(f"达到12{word}。")


BENEFICIARY_VERBS = Q["comparator_beneficiary_verbs"]["words"]


@pytest.mark.parametrize("verb", BENEFICIARY_VERBS)
def test_every_beneficiary_verb_lets_a_cap_reach_its_amount(verb: str) -> None:
    """最高给予提供服务的机构5万元: the cap reaches across the verb and the beneficiary, and only across it."""
    (got,) = search_quantities(f"最高{verb}提供服务的机构5万元")
    assert got[1].comparator == "<=", got
    (plain,) = search_quantities(f"最高的{verb}提供服务的机构5万元")
    assert plain[1].comparator == "=", "a phrase that does not start with the verbs stays unbounded"


def test_a_bracketed_note_lets_the_bound_after_it_reach_its_amount() -> None:
    """单台设备5万元(含税)以上: note_before_bound's example keeps 以上 with its amount, the note in the text."""
    entry = Q["note_before_bound"]
    note = re.search(entry["pattern"], entry["example"]).group(0)
    (got,) = search_quantities(entry["example"])
    assert got[1].comparator == ">=" and got[0].endswith(note + "以上"), got
    found = [(t, q.comparator) for t, q in search_quantities("5万元(2023年)以上")]
    assert found == [("5万元", "=")], "a bracket holding a digit is not a note"


def test_a_count_bound_reaches_over_the_noun_it_counts() -> None:
    """一个国家以上: noun_before_bound's example is a count at least 1, its noun in the text."""
    entry = Q["noun_before_bound"]
    found = [(t, q.value, q.unit, q.comparator) for t, q in search_quantities(entry["example"])]
    assert found == [("一个国家以上", 1, "count", ">=")], found


@pytest.mark.parametrize("word", Q["noun_before_bound"]["not_in_noun"])
def test_a_bound_after_a_class_word_stays_the_class_s(word: str) -> None:
    """2次县级以上: with a not_in_noun word between them, the count keeps no bound of its own."""
    noun = word if len(word) > 1 else f"省{word}"
    found = [(t, q.comparator) for t, q in search_quantities(f"组织2次{noun}以上活动") if q.unit == "count"]
    assert found == [("2次", "=")], found


@pytest.mark.parametrize("word", C["threshold_syntax"]["record_nouns"])
def test_a_period_before_a_record_is_a_condition(word: str) -> None:
    """未记载3年内…严重失信信息: each record noun after a period makes the period a condition."""
    sentence = f"申报单位近3年内未有{word}情况"
    (q,) = [q for t, q in search_quantities(sentence) if q.unit == "year"]
    assert classify_quantity(q, sentence).statement_kind == "threshold"


@pytest.mark.parametrize("ending", Q["comparator_verb_gap"]["noun_endings"])
def test_a_verb_inside_a_noun_of_the_base_lets_the_bound_reach_the_share(ending: str) -> None:
    """不低于存放的风险补偿金10倍: a granting verb before a noun ending is part of the base's name."""
    found = [(t, q.comparator) for t, q in search_quantities(f"不低于风险补偿{ending}10倍")]
    assert found == [("10倍", ">=")], found
    found = [(t, q.comparator) for t, q in search_quantities("不低于风险补偿后10倍")]
    assert found == [("10倍", "=")], "a granting verb that is no noun's still stops the bound"


@pytest.mark.parametrize("particle", Q["comparator_gap_time"]["particles"])
def test_a_cap_reaches_a_duration_over_a_point_of_time(particle: str) -> None:
    """不长于借款人法定退休后5年: the cap bounds the duration after the phrase; 达到 (at least) does not reach."""
    entry = Q["comparator_gap_time"]
    (got,) = search_quantities(entry["example"])
    assert got[1].comparator in entry["comparators"] and got[1].unit in entry["units"], got
    found = [(t, q.comparator) for t, q in search_quantities(f"不超过项目竣工{particle}3个月")]
    assert found == [("3个月", "<=")], found
    found = [(t, q.comparator) for t, q in search_quantities(f"达到法定退休年龄{particle}5年")]
    assert found == [("5年", "=")], found


@pytest.mark.parametrize("word", C["kind_cues"]["total_before_cap"]["words"])
def test_a_total_before_an_upper_bound_is_no_target_cue(word: str) -> None:
    """总年限累计不超过六年: a total word (a target cue) right before a cap leaves it a rule; elsewhere it aims."""
    assert word in C["kind_cues"]["target"]["words"], "only a target cue needs an exception"
    (q,) = [q for t, q in search_quantities(f"租赁总年限{word}不超过六年")]
    assert classify_quantity(q, f"租赁总年限{word}不超过六年").statement_kind == "rule"
    (q,) = [q for t, q in search_quantities(f"{word}培训1000人次")]
    assert classify_quantity(q, f"{word}培训1000人次").statement_kind == "target"


@pytest.mark.parametrize("ending", C["constructions"]["grant_title_endings"]["words"])
def test_a_heading_beside_that_names_an_award_gives_the_conditions_its_category(ending: str) -> None:
    """申请对象 … 就业见习示范基地补贴: each award ending of a sibling title makes the conditions the award's."""
    item = "每年接收见习人员超过50人的单位"
    (q,) = [q for t, q in search_quantities(item)]
    c = classify_quantity(q, item, headings="示范基地 / 申请对象", sibling_headings=f"申请流程 / 示范基地{ending}")
    assert (c.statement_kind, c.category) == ("threshold", "award_level"), c.category_reason


@pytest.mark.parametrize("frame", C["threshold_syntax"]["claim_lookback_frames"])
@pytest.mark.parametrize("filler", ["", *C["threshold_syntax"]["claim_lookback_fillers"]])
def test_a_period_counted_back_from_the_claim_is_a_condition(frame: str, filler: str) -> None:
    """申请补贴前连续6个月缴纳社会保险费: after each frame (and filler) the period is a condition."""
    sentence = f"企业{frame}{filler}6个月缴纳社会保险费"
    (q,) = [q for t, q in search_quantities(sentence) if q.unit == "month"]
    assert classify_quantity(q, sentence).statement_kind == "threshold"


@pytest.mark.parametrize("word", C["threshold_syntax"]["threshold_words"])
def test_a_bound_after_a_threshold_word_is_a_threshold(word: str) -> None:
    """对应门槛如下：…营业额200万元以上: each threshold word before a bound in its sentence makes it a condition."""
    sentence = f"本措施对应{word}如下：年度营业额200万元以上"
    (q,) = [q for t, q in search_quantities(sentence)]
    assert classify_quantity(q, sentence).statement_kind == "threshold"


@pytest.mark.parametrize("word", ["上限", "最高限额", "不超过"])
def test_a_prefix_comparator_bounds_the_bracketed_amount_after_it(word: str) -> None:
    """额度上限（30万元）: the comparator before the bracket bounds the amount, whose text stays its own."""
    (got,) = search_quantities(f"贷款额度{word}（30万元）")
    assert (got[0], got[1].comparator) == ("30万元", "<="), got
    (plain,) = search_quantities("贷款额度（30万元）")
    assert plain[1].comparator == "=", "a bracket after any other noun bounds nothing"


def test_a_comparator_reaches_its_amount_over_the_amount_noun() -> None:
    """最高贷款额度为50万元: amount_noun_gap's example and a plain one are bounded; a 的-phrase is not."""
    (got,) = search_quantities(Q["amount_noun_gap"]["example"])
    assert (got[0], got[1].comparator) == ("60万元", "<="), got
    (got,) = search_quantities("最高贷款额度为50万元")
    assert got[1].comparator == "<=", got
    (plain,) = search_quantities("最高的额度为5万元")
    assert plain[1].comparator == "=", plain


PER_ONE = Q["per_one"]


@pytest.mark.parametrize(("word", "per"), sorted(PER_ONE["per"].items()))
def test_every_per_one_unit_reaches_the_table(word: str, per: str) -> None:
    """每连续租满1年…给予5万元: the amount is per the unit the 1 counts, for every unit word of per_one."""
    phrase = f"每连续租满1{word}"
    assert re.fullmatch(PER_ONE["pattern"], phrase)
    (got,) = search_quantities(f"{phrase}给予5万元")
    assert got[1].per_unit == per and got[0] == "5万元", got


def test_per_one_masks_the_one_and_names_the_unit_of_its_example() -> None:
    """per_one is a never-quantity pattern too: its example's 1 is no quantity, and its amount is per that unit."""
    assert _start_of(PER_ONE["pattern"]).chars == {"每"}
    (got,) = search_quantities(PER_ONE["example"])
    assert (got[0], got[1].per_unit) == ("10万元", "firm"), got
