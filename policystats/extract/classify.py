"""What a quantity is about, and what a measure is about.

Per quantity: the *construction* it sits in comes first. Is it an amount or a
rate that is granted (给予10万元奖励, 按投资额的10%给予补助, 扶持资金最多不超过
100万元)? A condition a beneficiary must meet (对…的, …以上的，, a list item
under 符合下列条件之一的, a heading 申报条件)? A goal (力争, 到2025年)? The
construction decides the ``statement_kind`` and, with the words around it,
the ``category``; the ``indicator`` rules in ``classification.yaml`` refine
it. Every row says why (``kind_reason``, ``category_reason``) and is marked
``confidence = low`` when a default, not a cue, decided it.

Per measure: the ``theme`` and its Rothwell–Zegveld ``policy_tool``. All
wording is in ``policystats/extract/data/classification.yaml``.

>>> from policystats.extract.quantities import search_quantities
>>> text = "对首次入库的工业企业,给予5万元一次性奖励,年主营业务收入达到5000万元及以上的企业,再给予3万元奖励。"
>>> for _, q in search_quantities(text):
...     c = classify_quantity(q, text)
...     print(q.text, c.category, c.statement_kind, c.confidence)
5万元 award_level rule high
达到5000万元及以上 award_level threshold high
3万元 award_level rule high
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from . import _lexicon
from .quantities import CLAUSE_END, Quantity
from .quantity_lexicon import lexicon


@dataclass(frozen=True)
class Classification:
    indicator: str
    category: str
    statement_kind: str
    kind_reason: str
    category_reason: str
    confidence: str  # high: decided by a cue or a construction; low: by a default
    beneficiary: str | None
    programme: str | None = None
    tier: str | None = None
    nested_in_indicator: str | None = None


@dataclass(frozen=True)
class Construction:
    """What the sentence does with the quantity; each field holds the reason, or None."""

    grant: str | None = None
    condition: str | None = None
    strong_condition: bool = False  # 对…的, …的， or …时: wins over a grant in the same clause
    goal: str | None = None


# ------------------------------------------------------------------ wording


def _alternation(words) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


@cache
def _lex():
    k = _lexicon.load("classification.yaml")
    c = k["constructions"]
    t = k["threshold_syntax"]
    noun_head = "(?:" + "|".join(map(re.escape, c["award_noun_heads"])) + ")*"
    quantity_words = _lexicon.load("quantities.yaml")
    seps = re.escape("".join(w for w in quantity_words["list_separators"] if len(w) == 1))
    de = re.escape(quantity_words["comparator_gap_particle"])
    return {
        "de": quantity_words["comparator_gap_particle"],  # 的
        "count_attributes": tuple(quantity_words["count_attributes"]["words"]),
        "indicators": k["indicators"],
        "beneficiaries": [(code, e["words"]) for code, e in k["beneficiaries"].items()],
        "programmes": [(code, w) for code, e in k["programmes"].items() for w in e["words"]],
        "tiers": [
            (e.get("words"), re.compile(e["pattern"]) if e.get("pattern") else None, e["zh"]) for e in k["tiers"]
        ],
        "themes": [(code, e["words"], e["policy_tool"]) for code, e in k["themes"].items()],
        "rule_cues": tuple(k["kind_cues"]["rule"]["words"]),
        "target_cues": tuple(k["kind_cues"]["target"]["words"]),
        "markers": tuple(t["relative_markers"]),
        "not_markers": tuple(t["not_markers"]),
        "rule_verbs": tuple(t["rule_verbs"]),
        "entities": tuple(t["entity_nouns"]),
        "age_units": tuple(t["age_units"]),
        "deadline_frames": tuple(t["deadline_frames"]),
        "deadline_frame_words": tuple(t["deadline_frame_words"]),
        "conditions": tuple(t["condition_suffixes"]),
        "threshold_words": tuple(t["threshold_words"]),
        "grant_after_condition": tuple(t["grant_after_condition"]),
        "condition_consequents": tuple(t["condition_consequents"]),
        "record_nouns": _alternation(t["record_nouns"]),
        "claim_lookback_frames": tuple(t["claim_lookback_frames"]),
        "claim_lookback_fillers": tuple(t["claim_lookback_fillers"]),
        "condition_nouns": tuple(t["condition_suffix_nouns"]),
        "grant_verbs": _alternation(c["grant_verbs"]["words"]),
        "grant_nouns_after": tuple(c["grant_nouns_after"]["words"]),
        "award_after": re.compile(noun_head + "(?:" + _alternation(c["award_nouns"]["words"]).pattern + ")"),
        "award_after_gap": re.compile(
            rf"{de}[^，,。；;、\d{de}]{{1,{int(c['award_noun_gap'])}}}?(?:{_alternation(c['award_nouns']['words']).pattern})"
        ),
        # the rest of a list after the quantity: 、第二年80%、第三年50%
        "list_tail": re.compile(rf"(?:\s*[{seps}][^{seps}，,。；;{de}]{{0,12}}?\d[^{seps}，,。；;{de}]{{0,6}})*"),
        "list_split": re.compile(f"[{seps}]"),
        "tier_marker": k["tier_marker"],
        "grant_headings": tuple(c["grant_headings"]["words"]),
        "grant_label": re.compile(
            rf"\s*(?:{_alternation(c['grant_headings']['words']).pattern})\s*(?:{_alternation(c['label_separators']).pattern})"
        ),
        "cap_words": tuple(c["cap_words"]["words"]),
        "fund_setup_verbs": tuple(c["fund_setup_verbs"]["words"]),
        "fund_nouns": tuple(c["fund_nouns"]["words"]),
        "fund_noun_window": int(c["fund_noun_window"]),
        "award_count_words": tuple(c["award_count_words"]["words"]),
        "financing_terms": tuple(c["financing_terms"]["words"]),
        "procurement_terms": tuple(c["procurement_terms"]["words"]),
        "award_nouns": _alternation(c["award_nouns"]["words"]),
        "award_nouns_before": _alternation(c["award_nouns_before"]["words"]),
        "offer_verbs": tuple(t["offer_verbs"]),
        "share_verbs": tuple(t["share_verbs"]),
        "share_nouns": tuple(t["share_nouns"]),
        "loan_products": tuple(t["loan_products"]),
        "per_borrower": tuple(t["per_borrower"]),
        "permission_cues": tuple(k["kind_cues"]["permission"]["words"]),
        "total_before_cap": tuple(k["kind_cues"]["total_before_cap"]["words"]),
        "summing_words": tuple(k["kind_cues"]["summing_count"]["words"]),
        "summing_list_items": int(k["kind_cues"]["summing_count"]["list_items"]),
        "name_suffixes": tuple(k["kind_cues"]["summing_count"]["name_suffixes"]),
        "task_deadline": re.compile(k["kind_cues"]["task_deadline"]["pattern"]),
        "strong_target": tuple(k["kind_cues"]["strong_target"]["words"]),
        "award_context": tuple(c["award_context"]["words"]),
        "rate_bases": tuple(c["rate_bases"]["words"]),
        "condition_lead_ins": tuple(c["condition_lead_ins"]["words"]),
        "attributive_conditions": tuple(c["condition_lead_ins_attributive"]["words"]),
        "condition_headings": tuple(c["condition_headings"]["words"]),
        "grant_title_endings": tuple(c["grant_title_endings"]["words"]),
        "grant_verb_gap": int(c["grant_verb_gap"]),
        "grant_verb_modifies": tuple(c["grant_verb_modifies"]["words"]),
    }


# ------------------------------------------------------------------ scopes


_SENT = re.compile(r"[。;；!?！？\n]")
_DUN = re.compile(r"[、。;；!?！？\n,，:：]")


@lru_cache(maxsize=16)
def _breaks(text: str) -> tuple[list[int], list[int], list[int]]:
    """Clause, sentence and 、-segment breaks of a measure's text, computed once per text."""
    return (
        [m.start() for m in CLAUSE_END.finditer(text)],
        [m.start() for m in _SENT.finditer(text)],
        [m.start() for m in _DUN.finditer(text)],
    )


def _bounds(breaks: list[int], start: int, end: int, n: int) -> tuple[int, int]:
    i = bisect.bisect_left(breaks, start)
    a = breaks[i - 1] + 1 if i > 0 else 0
    j = bisect.bisect_left(breaks, end)
    b = breaks[j] if j < len(breaks) else n
    return a, b


@dataclass(frozen=True)
class _Scopes:
    clause: str
    sentence: str
    left: str
    right: str
    segment: str
    before_in_sentence: str
    before_in_clause: str
    after_in_clause: str
    after_in_sentence: str
    context: str  # sentence + lead-in + headings + titles: where an award context is read
    previous: str  # the sentence before (a cap often follows its grant: …奖励。每家最高…)
    rest: str = ""  # the measure's text after the quantity (a task's deadline follows it: （6月底完成）)


def _scopes(text: str, q: Quantity, context: str = "") -> _Scopes:
    clause_b, sent_b, dun_b = _breaks(text)
    n = len(text)
    c0, c1 = _bounds(clause_b, q.start, q.end, n)
    s0, s1 = _bounds(sent_b, q.start, q.end, n)
    g0, g1 = _bounds(dun_b, q.start, q.end, n)
    return _Scopes(
        clause=text[c0:c1],
        sentence=text[s0:s1],
        left=text[max(c0, q.start - 10) : q.start],
        right=text[q.end : min(c1, q.end + 10)],
        segment=text[g0:g1],
        before_in_sentence=text[s0 : q.start],
        before_in_clause=text[c0 : q.start],
        after_in_clause=text[q.end : c1],
        after_in_sentence=text[q.end : s1],
        context=" ".join((text[s0:s1], context)),
        previous=text[_previous_sentence_start(sent_b, s0) : s0],
        rest=text[q.end :],
    )


def _previous_sentence_start(sent_b: list[int], s0: int) -> int:
    """Start of the sentence before the one starting at ``s0`` (a cap often follows its grant: …奖励。每家最高…)."""
    i = bisect.bisect_left(sent_b, s0 - 1)
    return sent_b[i - 1] + 1 if i > 0 else 0


# ------------------------------------------------------------------ constructions


def _threshold_syntax(q: Quantity, sc: _Scopes) -> str | None:
    """对……的, a bound followed by 的 and an entity, a condition suffix (…时)."""
    lex = _lex()
    if q.unit == "count" and q.comparator not in (">=", "<=", ">", "<", "between"):
        return None
    after = sc.after_in_clause[:40]
    if (
        q.comparator in (">=", "<=", ">", "<", "between")
        and q.comparator_word not in lex["cap_words"]
        and after.startswith(tuple(lex["de"] + v for v in lex["grant_after_condition"]))
    ):
        return "a bound, 的, then the grant (招用3人以下的按每人2000元给予补贴)"
    if any(after.startswith(w) for w in lex["conditions"]) and not after.startswith(lex["condition_nouns"]):
        return "a condition (…时, …的情况下)"
    if _own_share_bound(q, sc):
        return "a bound on a share of the beneficiary's own figures (…占…比例低于50%)"
    if q.unit_zh.endswith(lex["age_units"]):
        return "an age names who qualifies (16-24岁失业青年)"
    before = sc.before_in_sentence
    pos = -1
    for m in lex["markers"]:
        p = before.rfind(m)
        while p >= 0 and any(
            before.startswith(n, p) or before[max(0, p - 1) :].startswith(n) for n in lex["not_markers"]
        ):
            p = before.rfind(m, 0, p)
        pos = max(pos, p)
    # 对…的，: the phrase closed before the quantity's clause
    closed = pos >= 0 and any(
        m.start() > pos and before[m.start() - 1] == lex["de"] for m in CLAUSE_END.finditer(before, pos)
    )
    if (
        pos >= 0
        and not closed
        and not any(v in before[pos:] for v in lex["rule_verbs"])
        and lex["de"] in sc.after_in_clause
    ):
        return "inside 对……的 (the beneficiaries it names)"
    if q.comparator in (">=", "<=", ">", "<", "between") and not any(
        v in sc.before_in_clause for v in (*lex["rule_verbs"], *lex["offer_verbs"])
    ):
        d = sc.after_in_clause.find(lex["de"])
        # 培育100家以上的企业 counts the entities themselves (a goal); 从业人员50人以上的企业 bounds an
        # attribute, and so does a count of other entities named before the 的
        # (涉及三家以上债权银行业金融机构的困难企业).
        own_count = (
            q.unit == "count"
            and not any(w in sc.before_in_clause for w in lex["count_attributes"])
            and not (d > 0 and sc.after_in_clause[:d].endswith(lex["entities"]))
        )
        if not own_count and 0 <= d <= 12 and any(e in sc.after_in_clause[d : d + 14] for e in lex["entities"]):
            return "a bound followed by 的 and an entity (…以上的企业)"
        head = sc.after_in_clause[:6]
        if q.unit in ("CNY", "USD") and any(0 <= head.find(p) <= 2 for p in lex["loan_products"]):
            return "a bound on the loan it names (50万元以下贷款, 500万元及以下小额票据贴现)"
    if q.unit in ("CNY", "USD") and q.comparator in ("<=", "<") and sc.before_in_clause.endswith(lex["per_borrower"]):
        return "a per-borrower size that defines the loans (单户授信1000万元及以下)"
    return None


def _own_share_bound(q: Quantity, sc: _Scopes) -> bool:
    """网络零售额占企业总零售额比例低于50%: not 补助占总投资的比例不超过30% (an award's share)."""
    lex = _lex()
    if q.unit != "percent" or q.comparator not in (">=", "<=", ">", "<"):
        return False
    before = sc.before_in_clause
    at = max(before.rfind(v) for v in lex["share_verbs"])
    if at < 0 or not before.rstrip().endswith(lex["share_nouns"]):
        return False
    return lex["award_nouns"].search(before, 0, at) is None


def _clause_ends_in_de(q: Quantity, sc: _Scopes) -> str | None:
    """…达到200万元以上的，: the clause ends with 的 after the quantity (a condition clause)."""
    lex = _lex()
    after = sc.after_in_clause.rstrip()
    if not after.endswith(lex["de"]) or lex["award_after"].match(sc.after_in_clause.lstrip(lex["de"])):
        return None
    if lex["grant_verbs"].search(after) and not _claims_after(sc):
        return None
    return "a condition clause ending in 的 (…以上的，)"


def _record_lookback(q: Quantity, sc: _Scopes) -> str | None:
    """未记载3年内…严重失信信息: the period within which the beneficiary must have no such record."""
    if q.unit not in _DURATIONS or q.comparator not in ("<=", "<"):
        return None
    m = _lex()["record_nouns"].search(sc.after_in_clause)
    return f"a period with no record of its kind ({m.group(0)} after it)" if m else None


def _claim_lookback(q: Quantity, sc: _Scopes) -> str | None:
    """申请补贴前连续6个月缴纳社会保险费: a period counted back from the claim, a condition of it.

    Not a period that describes a document (申报前三个月的发票: the invoices to hand in).
    """
    if q.unit not in _DURATIONS or sc.after_in_clause.startswith(_lex()["de"]):
        return None
    lex = _lex()
    left = sc.left.rstrip()
    for filler in lex["claim_lookback_fillers"]:
        left = left.removesuffix(filler)
    frame = next((f for f in lex["claim_lookback_frames"] if left.endswith(f)), None)
    return f"a period counted back from the claim ({frame}…)" if frame else None


def _claims_after(sc: _Scopes) -> bool:
    """…支付工作补贴的，可按规定享受…: the next clause says what meeting this one lets one claim."""
    nxt = sc.after_in_sentence[len(sc.after_in_clause) + 1 :].lstrip()
    return nxt.startswith(_lex()["condition_consequents"])


def _award_after(after: str) -> str | None:
    """The award noun after an amount (or after the rest of its list): 10万元奖励, 100%、80%的财政贴息."""
    lex = _lex()
    tail = after[lex["list_tail"].match(after).end() :]
    m = lex["award_after"].match(tail.lstrip(" " + lex["de"]))
    if m is not None:
        return m.group(0)
    m = lex["award_after_gap"].match(tail.lstrip(" "))
    if m is not None and not lex["grant_verbs"].search(m.group(0)[:-2]) and not _has_entity(m.group(0)):
        return m.group(0)
    return None


def _has_entity(text: str) -> bool:
    return any(e in text for e in _lex()["entities"])


_DURATIONS = frozenset({"year", "month", "day", "working_day", "hour"})


def _grant(q: Quantity, sc: _Scopes) -> str | None:
    """Is the quantity an amount or a rate that is granted?

    A count after a granting verb (扶持500家企业) says who is supported, not
    what is granted; only a cap on the number of awards (最多奖励3个项目) is.
    """
    lex = _lex()
    after = sc.after_in_clause
    noun = _award_after(after)
    if noun is not None:
        return f"an award noun after the amount ({noun})"
    if q.unit == "count" and q.comparator not in ("<=", "<"):
        return None
    if q.unit in _DURATIONS and q.comparator in (">=", ">"):
        return None  # 注册2年以上: a lower bound on a duration is a condition; a granted period is capped or exact
    before = sc.before_in_clause
    gap_de = " " + lex["de"]
    if q.unit in ("year", "month", "day") and lex["grant_verbs"].match(after.lstrip(gap_de)):
        return f"the period of a grant (…{after.lstrip(gap_de)[:2]})"  # 分2年支付
    last = None
    for v in lex["grant_verbs"].finditer(before):
        if before.endswith(lex["grant_nouns_after"], 0, v.start()):  # 申请补贴: the award is the object
            continue
        if not before.startswith(lex["grant_verb_modifies"], v.end()):  # 奖励名单: a modifier
            last = v
    if last is not None and len(before) - last.end() <= lex["grant_verb_gap"]:
        gap = before[last.end() :]
        de = lex["de"]
        if de not in gap or (q.unit == "percent" and gap.endswith(de) and gap.count(de) == 1):
            return f"a granting verb before the amount ({last.group(0)}…)"
    rest_of_sentence = sc.after_in_sentence
    if q.unit in ("percent", "CNY", "USD") and any(b in before for b in lex["rate_bases"]):
        if lex["grant_verbs"].search(rest_of_sentence) or lex["award_nouns"].search(rest_of_sentence[:12]):
            return "a rate or standard that is granted (按…的X%给予, 按…5万元的标准给予)"
    if q.aspirational:
        return None  # 风险补偿基金额度争取超过1000万元: a goal, whatever the noun before it
    noun = None
    for v in lex["award_nouns_before"].finditer(before):
        if not before.endswith(lex["grant_nouns_after"], 0, v.start()):
            noun = v
    if noun is not None and lex["de"] not in before[noun.end() :] and len(before) - noun.end() <= 12:
        return f"the award it sets is named before it ({noun.group(0)}…)"
    return None


_LABELLED_UNITS = frozenset({"CNY", "USD", "percent", "year", "month", "day"})


def _grant_label(q: Quantity, sc: _Scopes) -> str | None:
    """补贴标准：10000元, 补贴期限：累计不超过3年: a sentence that opens with a label of grants sets a grant."""
    m = _lex()["grant_label"].match(sc.before_in_sentence) if q.unit in _LABELLED_UNITS else None
    return f"after a label of grants ({m.group(0).strip()})" if m else None


def _fund_size(q: Quantity, sc: _Scopes) -> str | None:
    """设立总规模不低于1亿元的引导资金: the size of a fund its clause sets up is a rule, whatever its bound.

    Not in a goal: 力争到2025年设立规模100亿元的基金 is a target.
    """
    lex = _lex()
    if q.unit not in ("CNY", "USD") or q.aspirational or q.target_year is not None:
        return None
    verb = next((v for v in lex["fund_setup_verbs"] if v in sc.before_in_clause), None)
    head = sc.after_in_clause[: lex["fund_noun_window"]]
    noun = next((n for n in lex["fund_nouns"] if n in head), None) if verb else None
    return f"the size of a fund it sets up ({verb}…{noun})" if noun else None


def _heading_role(ctx: QuantityContext) -> tuple[str, str] | None:
    """``("condition"|"grant", title)`` of the nearest lead-in, title or heading that says which (申报条件, 奖励标准).

    The list's own lead-in comes first: items under （二）奖励标准： are grants
    even in a chapter headed 申报条件与奖励标准.
    """
    lex = _lex()
    titles = [ctx.lead_in, ctx.title, *reversed([t for t in (ctx.headings or "").split(" / ") if t])]
    for title in titles:
        if not title:
            continue
        if any(w in title for w in lex["condition_headings"]):
            return "condition", title
        if any(w in title for w in lex["grant_headings"]):
            return "grant", title
    return None


def _grant_heading_beside(ctx: QuantityContext) -> str | None:
    """Under a heading of conditions, a heading of grants or of an award beside it, if any.

    申报条件 … 补助标准; 申请对象 … 就业见习示范基地补贴 (a title ending in the award's name).
    """
    role = _heading_role(ctx)
    if role is None or role[0] != "condition":
        return None
    lex = _lex()
    siblings = ctx.sibling_headings.split(" / ")
    return next((t for t in siblings if any(w in t for w in lex["grant_headings"])), None) or next(
        (t for t in siblings if t.endswith(lex["grant_title_endings"])), None
    )


def _names_beneficiary(lead: str, word: str) -> bool:
    """符合条件的企业给予…：a condition word that only says who benefits from the grants listed."""
    lex = _lex()
    at = lead.find(word + lex["de"])
    return word in lex["attributive_conditions"] and at >= 0 and bool(lex["grant_verbs"].search(lead, at))


def _list_condition(ctx: QuantityContext) -> str | None:
    lex = _lex()
    lead = ctx.lead_in or ""
    hit = next((w for w in lex["condition_lead_ins"] if w in lead), None)
    if hit and not _names_beneficiary(lead, hit):
        return f"a list item under a lead-in of conditions ({hit})"
    role = _heading_role(ctx)
    if role is not None and role[0] == "condition":
        return f"under a heading of conditions ({role[1]})"
    return None


def _bound_before_grant(q: Quantity, sc: _Scopes) -> str | None:
    """年销售额达到500万元以上、同比增长15%以上，给予…: a bound before the grant of its sentence.

    A ceiling word (最高, 最多, 上限) sets a cap, not a condition: 最高90平方米.
    """
    if q.comparator not in (">=", ">", "<=", "<", "between") or q.comparator_word in _lex()["cap_words"]:
        return None
    if q.unit == "count" and q.comparator in ("<=", "<"):
        return None  # 每年遴选不超过20名: a quota, not a condition
    if _deadline(q, sc):
        return None  # 应当在公示后1个月内迁离: a deadline, not a condition
    if q.comparator in ("<=", "<") and any(w in sc.clause for w in _lex()["financing_terms"]):
        return None  # 贷款利率不超过LPR+50BP，…给予贴息: a ceiling on a loan's term is the term
    if _lex()["grant_verbs"].search(sc.after_in_sentence[len(sc.after_in_clause) :]):
        return "a bound before the grant in its sentence"
    return None


def _threshold_named(q: Quantity, sc: _Scopes) -> str | None:
    """对应门槛如下：…营业额200万元以上: a bound after a word naming thresholds earlier in its sentence."""
    if q.comparator not in (">=", ">", "<=", "<", "between"):
        return None
    word = next((w for w in _lex()["threshold_words"] if w in sc.before_in_sentence), None)
    return f"a bound after {word} in its sentence, which names thresholds" if word else None


def _deadline(q: Quantity, sc: _Scopes) -> bool:
    """在…1个月内, 于30日内: a duration within which something is to be done.

    The duration is one the grammar read with a suffix allowed only after time
    units (内: ``only_after_units`` in quantities.yaml), after 在 or 于.
    """
    within = lexicon().suffix_units
    if q.comparator != "<=" or not any(q.text.endswith(w) and q.unit in u for w, u in within.items()):
        return False
    lex, before = _lex(), sc.before_in_clause
    for w in lex["deadline_frames"]:
        p = before.rfind(w)
        while p >= 0 and before.startswith(lex["deadline_frame_words"], p):
            p = before.rfind(w, 0, p)
        if p >= 0 and not any(ch.isdigit() for ch in before[p + len(w) :]):
            return True
    return False


def _lower_bound_in_award(q: Quantity, sc: _Scopes) -> str | None:
    """销售额达到500万元、1000万元以上 in an award measure: a floor the beneficiary must reach."""
    lex = _lex()
    if q.comparator not in (">=", ">", "between") or any(w in sc.sentence for w in lex["procurement_terms"]):
        return None
    if any(w in sc.clause for w in lex["financing_terms"]) or any(v in sc.before_in_clause for v in lex["offer_verbs"]):
        return None  # a term of a loan or fund on offer (提供…10-30万元的贷款), not an award's floor
    word = _award_context(sc)
    return f"a lower bound in an award context ({word})" if word else None


def _strong_goal(q: Quantity, sc: _Scopes) -> str | None:
    if q.aspirational:
        return "an aspiration (力争, 争取)"
    cue = next((w for w in _lex()["strong_target"] if w in sc.before_in_sentence), None)
    return f"a target cue in the sentence ({cue})" if cue else None


def _goal(q: Quantity, sc: _Scopes) -> str | None:
    lex = _lex()
    if q.aspirational:
        return "an aspiration (力争, 争取)"
    if any(w in sc.before_in_clause + q.text for w in lex["permission_cues"]):
        return None  # 允许…提高到25%, 累计次数不得超过3次: a rule that permits or forbids, not a goal
    cues = lex["target_cues"]
    if q.comparator in ("<=", "<") and sc.left.endswith(lex["total_before_cap"]):
        cues = tuple(w for w in cues if w not in lex["total_before_cap"])  # 累计不超过六年 caps a total
    cue = next((w for w in cues if w in sc.before_in_clause), None)
    if cue:
        return f"a target cue in the clause ({cue})"
    earlier = _outside_condition_clauses(sc.before_in_sentence[: len(sc.before_in_sentence) - len(sc.before_in_clause)])
    cue = next((w for w in cues if w in earlier), None)
    if cue:
        return f"a target cue earlier in the sentence ({cue})"
    if q.target_year is not None:
        return "a year horizon in the sentence"
    return None


def _outside_condition_clauses(text: str) -> str:
    """The clauses of ``text`` that do not end in 的: 按宿舍标准新建、改建的， states a condition, not a goal."""
    de = _lex()["de"]
    parts = CLAUSE_END.split(text)
    return " ".join(p for p in parts if not p.rstrip().endswith(de))


def _task_deadline(sc: _Scopes) -> str | None:
    """建成…平台。（6月底完成，牵头单位：…）: a task of a work plan, with its deadline after it, is a target."""
    if sc.left.endswith(("（", "(")) and sc.right.startswith(("）", ")")):
        return None  # （0.5分）（6月底完成）: a bracketed note on the task, not the task
    m = _lex()["task_deadline"].search(sc.rest)
    return f"a task with a deadline after it ({m.group(0).lstrip('（(')})" if m else None


def _award_context(sc: _Scopes, with_previous: bool = False) -> str | None:
    text = f"{sc.previous} {sc.context}" if with_previous else sc.context
    return next((w for w in _lex()["award_context"] if w in text), None)


def _cap(q: Quantity, sc: _Scopes) -> str | None:
    """同一企业每年不高于500万元, 最高不超过20万元: an upper bound beside an award is the award's cap.

    A count is capped only with an award word in its own clause (获得补助的场次最多不超过3场,
    每年最多评选10个优秀作品).
    """
    if q.comparator not in ("<=", "<"):
        return None
    if q.unit == "count":
        word = next((w for w in _lex()["award_count_words"] if w in sc.before_in_clause + q.text), None)
        return f"a cap on the number of awards ({word})" if word else None
    if q.unit not in ("CNY", "USD", "percent", "percentage_point", "multiple"):
        return None
    if any(w in sc.segment for w in _lex()["financing_terms"]):
        return None
    word = _award_context(sc, with_previous=True)
    return f"a cap in an award context ({word})" if word else None


def _nearest_heading(ctx: QuantityContext) -> str | None:
    titles = [t for t in (ctx.headings or "").split(" / ") if t]
    return titles[-1] if titles else None


def _under_grant_heading(q: Quantity, ctx: QuantityContext) -> str | None:
    """An amount or rate under 奖励标准 / 补助标准: the grant itself."""
    role = _heading_role(ctx)
    if role is not None and role[0] == "grant" and q.unit in ("CNY", "USD", "percent"):
        return f"an amount under a heading of grants ({role[1]})"
    return None


def construction(q: Quantity, sc: _Scopes, ctx: QuantityContext) -> Construction:
    strong = _threshold_syntax(q, sc) or _clause_ends_in_de(q, sc) or _record_lookback(q, sc) or _claim_lookback(q, sc)
    if strong:
        return Construction(condition=strong, strong_condition=True)
    grant = _grant(q, sc) or _grant_label(q, sc) or _fund_size(q, sc) or (None if q.aspirational else _cap(q, sc))
    if grant:
        return Construction(grant=grant)
    weak = _list_condition(ctx) or _bound_before_grant(q, sc) or _threshold_named(q, sc)
    if weak:
        return Construction(condition=weak)
    goal = _strong_goal(q, sc)
    if goal:
        return Construction(goal=goal)
    weak = _lower_bound_in_award(q, sc)
    if weak:
        return Construction(condition=weak)
    grant = _under_grant_heading(q, ctx)
    if grant:
        return Construction(grant=grant)
    return Construction(goal=_goal(q, sc) or _task_deadline(sc))


# ------------------------------------------------------------------ statement kind


def statement_kind(
    q: Quantity, sc: _Scopes, con: Construction, rule: dict | None, ctx: QuantityContext
) -> tuple[str, str, bool]:
    """``(kind, reason, decided_by_a_cue)``."""
    lex = _lex()
    if ctx.doc_nature == "outcomes":
        if q.baseline:
            return "outcome", "baseline (在…的基础上) in a report of outcomes", True
        if ctx.item_role == "next_steps":
            return "target", "next steps (下一步工作) in a report of outcomes", True
        return "outcome", "the document reports outcomes", True
    if q.baseline:
        return "outcome", "baseline already reached (在…的基础上)", True
    if rule is not None and rule.get("kind_locked"):
        return rule["kind"], f"indicator {rule['code']} is always a {rule['kind']}", True
    if con.condition:
        return "threshold", con.condition, True
    if con.grant:
        return "rule", con.grant, True
    if con.goal:
        return "target", con.goal, True
    cue = next((w for w in lex["rule_cues"] if w in sc.before_in_clause), None)
    if cue:
        return "rule", f"a rule cue in the clause ({cue})", True
    if ctx.item_role == "goal":
        return "target", "a figure under a heading of goals (工作目标, 发展目标)", True
    summing = _sums_up_names(q, sc)
    if summing:
        return "rule", summing, True
    if rule is not None:
        return rule["kind"], f"default of indicator {rule['code']}", False
    return "rule", "no cue; default", False


def _sums_up_names(q: Quantity, sc: _Scopes) -> str | None:
    """…等9家, 上述9家, A、B、…、I 9家: a count of the entities just named (who they are, not a goal)."""
    if q.unit != "count":
        return None
    lex = _lex()
    before = sc.before_in_clause.rstrip()
    word = next((w for w in lex["summing_words"] if before.endswith(w)), None)
    if word:
        return f"a count summing up the names before it ({word})"
    items = lex["list_split"].split(before)
    if len(items) >= lex["summing_list_items"] and items[-1].endswith(lex["name_suffixes"]):
        return "a count summing up the list of names before it"
    return None


# ------------------------------------------------------------------ category


_SCOPES = ("clause", "sentence", "left", "right", "segment", "context")


@dataclass(frozen=True, slots=True)
class _Rule:
    """An indicator rule with its tests read once from its wording entry (``rule``)."""

    rule: dict
    comparators: frozenset[str] | None
    construction: tuple[str, ...]
    not_construction: tuple[str, ...]
    unit_zh_any: tuple[str, ...]
    tests: tuple[tuple[str, bool, Callable[[str], object]], ...]


@lru_cache(maxsize=32)
def _rules_for(unit: str) -> tuple[_Rule, ...]:
    """The indicator rules that can match a quantity in ``unit``, in their order."""
    return tuple(_compile(r) for r in _lex()["indicators"] if not r.get("units") or unit in r["units"])


def _compile(rule: dict) -> _Rule:
    return _Rule(
        rule=rule,
        comparators=frozenset(rule["comparators"]) if rule.get("comparators") else None,
        construction=tuple(rule.get("construction") or ()),
        not_construction=tuple(rule.get("not_construction") or ()),
        unit_zh_any=tuple(rule.get("unit_zh_any") or ()),
        tests=_word_tests(rule),
    )


def _word_tests(rule: dict) -> tuple[tuple[str, bool, Callable[[str], object]], ...]:
    """The word tests of a rule's ``<scope>_any``, ``<scope>_all`` and ``not_<scope>`` keys, in one pass each.

    Each is ``(scope, wanted, test)``: the rule needs ``test(text)`` to be
    ``wanted``. Any and none of a word list are one regex of the literal
    words (the same answer as ``any(w in text ...)``, in one C call).
    """
    tests: list[tuple[str, bool, Callable[[str], object]]] = []
    for scope in _SCOPES:
        if words := rule.get(f"{scope}_any"):
            tests.append((scope, True, _alternation(words).search))
        if words := rule.get(f"{scope}_all"):
            tests.append((scope, True, lambda text, ws=tuple(words): all(w in text for w in ws)))
        if words := rule.get(f"not_{scope}"):
            tests.append((scope, False, _alternation(words).search))
    return tuple(tests)


def _matches(r: _Rule, q: Quantity, sc: _Scopes, kinds: dict[str, bool]) -> bool:
    """Does rule ``r`` (already one for ``q``'s unit) match? ``kinds``: which constructions ``q`` is in."""
    if r.comparators is not None and q.comparator not in r.comparators:
        return False
    if r.construction and not any(kinds[k] for k in r.construction):
        return False
    if r.not_construction and any(kinds[k] for k in r.not_construction):
        return False
    if r.unit_zh_any and not q.unit_zh.endswith(r.unit_zh_any):
        return False
    return all(bool(test(getattr(sc, scope))) is wanted for scope, wanted, test in r.tests)


def _rule_reason(rule: dict, sc: _Scopes) -> str:
    """Which words made an indicator rule match, for category_reason."""
    for scope in ("left", "right", "segment", "clause", "sentence", "context"):
        for key in (f"{scope}_any", f"{scope}_all"):
            words = [w for w in rule.get(key, []) if w in getattr(sc, scope)]
            if words:
                where = {"context": "sentence, lead-in or headings"}.get(scope, scope)
                return f"indicator {rule['code']}: {'、'.join(words[:3])} in the {where}"
    if rule.get("construction"):
        return f"indicator {rule['code']}: a {'/'.join(rule['construction'])} construction"
    return f"indicator {rule['code']}: its unit alone"


# ------------------------------------------------------------------ beneficiary, programme, tier


def _beneficiary(sc: _Scopes, title: str | None, fixed: str | None) -> str | None:
    if fixed:
        return fixed
    for scope in (sc.clause, sc.sentence, title or ""):
        for code, found in _beneficiary_tests():
            if found(scope):
                return code
    return None


@cache
def _beneficiary_tests() -> tuple[tuple[str, Callable[[str], object]], ...]:
    """Each beneficiary's words as one literal-word regex, in the wording file's order."""
    return tuple((code, _alternation(words).search) for code, words in _lex()["beneficiaries"])


def _programme(sc: _Scopes) -> str | None:
    """The programme cue nearest before the quantity in its sentence, else the first after it in its clause."""
    before = sc.before_in_sentence
    best, best_end = None, -1
    for code, word in _lex()["programmes"]:
        p = before.rfind(word)
        if p >= 0 and p + len(word) > best_end:
            best, best_end = code, p + len(word)
    if best is not None:
        return best
    after = sc.after_in_clause
    first, first_pos = None, len(after) + 1
    for code, word in _lex()["programmes"]:
        p = after.find(word)
        if 0 <= p < first_pos:
            first, first_pos = code, p
    return first


def _tier(sc: _Scopes) -> str | None:
    """Label of a 分别给予 list item (辅导备案 / 受理申报 / 上市交易 …)."""
    clause_before = sc.before_in_clause
    k = clause_before.rfind(_lex()["tier_marker"])
    if k < 0:
        return None
    head = sc.sentence[: sc.sentence.find(clause_before) + k] if clause_before in sc.sentence else sc.before_in_sentence
    index = len(_lex()["list_split"].split(clause_before[k:])) - 1
    for words, pattern, labels in _lex()["tiers"]:
        if (words and all(w in head for w in words)) or (pattern is not None and pattern.search(head)):
            return labels[index] if index < len(labels) else None
    return None


# ------------------------------------------------------------------ entry point


@dataclass(frozen=True)
class QuantityContext:
    """Where a quantity sits: its measure's text and title, the headings above, the lead-in."""

    title: str | None = None
    headings: str = ""  # " / "-joined titles of the headings above the measure
    lead_in: str | None = None  # the parent item's own text
    doc_nature: str = "commitments"
    item_role: str = "measure"
    part_title: str | None = None  # the title of the plan or notice the measure belongs to
    sibling_headings: str = ""  # " / "-joined titles beside the measure and its headings

    def words(self) -> str:
        """The lead-in, the nearest heading, the title and the part title: where a list item's context is."""
        return " ".join(x for x in (self.lead_in, self.headings, self.title, self.part_title) if x)


def classify_quantity(
    q: Quantity,
    text: str,
    *,
    title: str | None = None,
    doc_nature: str = "commitments",
    item_role: str = "measure",
    lead_in: str | None = None,
    headings: str = "",
    part_title: str | None = None,
    sibling_headings: str = "",
) -> Classification:
    """Classify quantity ``q`` found in ``text`` (usually a measure's text)."""
    ctx = QuantityContext(
        title=title,
        headings=headings,
        lead_in=lead_in,
        doc_nature=doc_nature,
        item_role=item_role,
        part_title=part_title,
        sibling_headings=sibling_headings,
    )
    sc = _scopes(text, q, ctx.words())
    con = construction(q, sc, ctx)
    grant_beside = _grant_heading_beside(ctx) if con.condition else None
    if grant_beside:  # （一）申报对象 … （二）奖励标准: the conditions are the award's
        sc = _scopes(text, q, f"{ctx.words()} {grant_beside}")
    kinds = {"grant": con.grant is not None, "condition": con.condition is not None, "goal": con.goal is not None}
    rule = next((r.rule for r in _rules_for(q.unit) if _matches(r, q, sc, kinds)), None)
    kind, kind_reason, kind_cue = statement_kind(q, sc, con, rule, ctx)
    if rule is None:
        return Classification(
            "unclassified",
            "other",
            kind,
            kind_reason,
            "no indicator rule matched; default other",
            "low",
            _beneficiary(sc, title, None),
        )
    award = rule["category"] == "award_level"
    return Classification(
        indicator=rule["code"],
        category=rule["category"],
        statement_kind=kind,
        kind_reason=kind_reason,
        category_reason=_rule_reason(rule, sc),
        confidence="high" if kind_cue and not rule.get("fallback") else "low",
        beneficiary=_beneficiary(sc, title, rule.get("beneficiary")),
        programme=_programme(sc) if award else None,
        tier=_tier(sc) if award else None,
        nested_in_indicator=rule.get("nested_in"),
    )


# ------------------------------------------------------------------ themes of a measure


@cache
def _theme_words() -> tuple[re.Pattern[str], dict[str, list[str]], dict[str, list[str]]]:
    """A regex of the cue words, longest first; the themes of each word; the cue words each one starts with."""
    by_word: dict[str, list[str]] = {}
    for code, words, _tool in _lex()["themes"]:
        for w in words:
            by_word.setdefault(w, []).append(code)
    prefixes = {w: [v for v in by_word if w.startswith(v)] for w in by_word}
    return _alternation(by_word), by_word, prefixes


def _count_words(text: str) -> dict[str, int]:
    """How often each cue word occurs in ``text``, overlaps included (as ``str.count`` would per word).

    The search restarts one character after each match's start, so every
    position where a cue word starts is seen once, with its longest cue.
    """
    rx, _, prefixes = _theme_words()
    counts: dict[str, int] = {}
    m = rx.search(text)
    while m is not None:
        for w in prefixes[m.group()]:  # the longest cue here, and every shorter cue it starts with
            counts[w] = counts.get(w, 0) + 1
        m = rx.search(text, m.start() + 1)
    return counts


def theme_scores(title: str | None, text: str) -> dict[str, int]:
    """Cue-word score of every theme (title words count three times)."""
    _, by_word, _ = _theme_words()
    scores = {code: 0 for code, _w, _t in _lex()["themes"]}
    for source, weight in ((title or "", 3), (text, 1)):
        for w, n in _count_words(source).items():
            for code in by_word[w]:
                scores[code] += weight * n
    return scores


def theme_of(title: str | None, text: str, scores: dict[str, int] | None = None) -> tuple[str | None, str | None]:
    """``(theme, policy_tool)`` of a measure from its title and text.

    >>> theme_of("加大政府采购支持力度", "向中小企业预留的采购份额应占…30%以上")
    ('government_procurement', 'demand')
    """
    best, best_score = None, 0
    for code, score in (scores or theme_scores(title, text)).items():
        if score > best_score:
            best, best_score = code, score
    if best is None:
        return None, None
    tool = next(t for c, _w, t in _lex()["themes"] if c == best)
    return best, tool


def theme_tags(title: str | None, text: str, scores: dict[str, int] | None = None) -> list[str]:
    """Every theme with at least ``theme_tag_min`` cue words, strongest first."""
    minimum = int(_lexicon.load("classification.yaml").get("theme_tag_min", 2))
    scores = scores or theme_scores(title, text)
    return [c for c, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s >= minimum]
