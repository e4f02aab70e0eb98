"""What a quantity is about, and what a measure is about.

Per quantity: ``indicator`` (a fine code), its ``category`` (one of ten), the
``statement_kind`` (target, rule, threshold or outcome), the ``beneficiary``,
and for awards the ``programme`` and ``tier``. Per measure: the ``theme`` and
its Rothwell–Zegveld ``policy_tool``. All wording is in
``policystats/extract/data/classification.yaml``.

>>> from policystats.extract.quantities import search_quantities
>>> text = "对首次入库的工业企业,给予5万元一次性奖励,年主营业务收入达到5000万元及以上的企业,再给予3万元奖励。"
>>> for _, q in search_quantities(text):
...     c = classify_quantity(q, text)
...     print(q.text, c.indicator, c.statement_kind)
5万元 award_one_off rule
达到5000万元及以上 award_eligibility threshold
3万元 award_one_off rule
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import _lexicon
from .quantities import CLAUSE_END, Quantity


@dataclass(frozen=True)
class Classification:
    indicator: str
    category: str
    statement_kind: str
    kind_reason: str
    beneficiary: str | None
    programme: str | None = None
    tier: str | None = None
    nested_in_indicator: str | None = None


@cache
def _lex():
    k = _lexicon.load("classification.yaml")
    ben = [(code, e["words"]) for code, e in k["beneficiaries"].items()]
    progs = [(code, w) for code, e in k["programmes"].items() for w in e["words"]]
    tiers = []
    for e in k["tiers"]:
        tiers.append((e.get("words"), re.compile(e["pattern"]) if e.get("pattern") else None, e["zh"]))
    themes = [(code, e["words"], e["policy_tool"]) for code, e in k["themes"].items()]
    t = k["threshold_syntax"]
    return {
        "indicators": k["indicators"],
        "beneficiaries": ben,
        "programmes": progs,
        "tiers": tiers,
        "themes": themes,
        "rule_cues": tuple(k["kind_cues"]["rule"]["words"]),
        "target_cues": tuple(k["kind_cues"]["target"]["words"]),
        "markers": tuple(t["relative_markers"]),
        "not_markers": tuple(t["not_markers"]),
        "rule_verbs": tuple(t["rule_verbs"]),
        "entities": tuple(t["entity_nouns"]),
        "conditions": tuple(t["condition_suffixes"]),
        "categories": k["categories"],
    }


def _bounds(text: str, start: int, end: int, pattern: re.Pattern) -> tuple[int, int]:
    a = start
    while a > 0 and not pattern.match(text[a - 1]):
        a -= 1
    b = end
    while b < len(text) and not pattern.match(text[b]):
        b += 1
    return a, b


_SENT = re.compile(r"[。;；!?！？\n]")
_DUN = re.compile(r"[、。;；!?！？\n,，:：]")


@dataclass(frozen=True)
class _Scopes:
    clause: str
    sentence: str
    left: str
    right: str
    segment: str
    before_in_sentence: str
    before_in_clause: str


def _scopes(text: str, q: Quantity) -> _Scopes:
    c0, c1 = _bounds(text, q.start, q.end, CLAUSE_END)
    s0, s1 = _bounds(text, q.start, q.end, _SENT)
    g0, g1 = _bounds(text, q.start, q.end, _DUN)
    return _Scopes(
        clause=text[c0:c1],
        sentence=text[s0:s1],
        left=text[max(c0, q.start - 10) : q.start],
        right=text[q.end : min(c1, q.end + 10)],
        segment=text[g0:g1],
        before_in_sentence=text[s0 : q.start],
        before_in_clause=text[c0 : q.start],
    )


def is_threshold(text: str, q: Quantity) -> bool:
    """Does the syntax make ``q`` an eligibility condition?

    * inside 对……的: 对月销售额未超过15万元…的纳税人;
    * a bound followed by 的 and an entity: 达到5000万元及以上的企业;
    * a condition: 数量不足1.2倍时.

    Counts are conditions only when written as a bound (10人以上).
    """
    lex = _lex()
    if q.unit == "count" and q.comparator not in (">=", "<=", ">", "<"):
        return False
    sc = _scopes(text, q)
    after = text[q.end : q.end + 40]
    if any(after.startswith(w) for w in lex["conditions"]):
        return True
    # 对……的
    before = sc.before_in_sentence
    pos = -1
    for m in lex["markers"]:
        p = before.rfind(m)
        while p >= 0 and any(
            before.startswith(n, p) or before[max(0, p - 1) :].startswith(n) for n in lex["not_markers"]
        ):
            p = before.rfind(m, 0, p)
        pos = max(pos, p)
    rest_of_clause = sc.clause[sc.clause.find(text[q.start : q.end]) + (q.end - q.start) :] if sc.clause else ""
    if pos >= 0:
        between = before[pos:]
        if not any(v in between for v in lex["rule_verbs"]) and "的" in rest_of_clause:
            return True
    # a bound, 的, an entity
    if q.unit != "count" and q.comparator in (">=", "<=", ">", "<"):
        if not any(v in sc.before_in_clause for v in lex["rule_verbs"]):
            d = rest_of_clause.find("的")
            if 0 <= d <= 12 and any(e in rest_of_clause[d : d + 14] for e in lex["entities"]):
                return True
    return False


def _matches(rule: dict, q: Quantity, sc: _Scopes, threshold: bool) -> bool:
    if rule.get("units") and q.unit not in rule["units"]:
        return False
    if rule.get("comparators") and q.comparator not in rule["comparators"]:
        return False
    if rule.get("threshold") and not threshold:
        return False
    if rule.get("unit_zh_any") and not any(q.unit_zh.endswith(u) for u in rule["unit_zh_any"]):
        return False
    scopes = {
        "clause": sc.clause,
        "sentence": sc.sentence,
        "left": sc.left,
        "right": sc.right,
        "segment": sc.segment,
    }
    for scope, text in scopes.items():
        words = rule.get(f"{scope}_any")
        if words and not any(w in text for w in words):
            return False
        words = rule.get(f"{scope}_all")
        if words and not all(w in text for w in words):
            return False
        words = rule.get(f"not_{scope}")
        if words and any(w in text for w in words):
            return False
    return True


def _beneficiary(sc: _Scopes, title: str | None, fixed: str | None) -> str | None:
    if fixed:
        return fixed
    for scope in (sc.clause, sc.sentence, title or ""):
        for code, words in _lex()["beneficiaries"]:
            if any(w in scope for w in words):
                return code
    return None


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
    after = sc.clause[len(sc.before_in_clause) :]
    first, first_pos = None, len(after) + 1
    for code, word in _lex()["programmes"]:
        p = after.find(word)
        if 0 <= p < first_pos:
            first, first_pos = code, p
    return first


def _tier(text: str, q: Quantity, sc: _Scopes) -> str | None:
    """Label of a 分别给予 list item (辅导备案 / 受理申报 / 上市交易 …)."""
    clause_before = sc.before_in_clause
    k = clause_before.rfind("分别")
    if k < 0:
        return None
    head = sc.sentence[: sc.sentence.find(clause_before) + k] if clause_before in sc.sentence else sc.before_in_sentence
    items = re.split(r"[、和及]", clause_before[k:])
    index = len(items) - 1
    for words, pattern, labels in _lex()["tiers"]:
        if words and all(w in head for w in words):
            return labels[index] if index < len(labels) else None
        if pattern is not None and pattern.search(head):
            return labels[index] if index < len(labels) else None
    return None


def statement_kind(
    text: str,
    q: Quantity,
    rule: dict | None,
    threshold: bool,
    doc_nature: str = "commitments",
    item_role: str = "measure",
) -> tuple[str, str]:
    """``(kind, reason)`` for a quantity; the reason says which rule decided."""
    lex = _lex()
    if doc_nature == "outcomes":
        if q.baseline:
            return "outcome", "baseline (在…的基础上) in a report of outcomes"
        if item_role == "next_steps":
            return "target", "next steps (下一步工作) in a report of outcomes"
        return "outcome", "the document reports outcomes"
    if q.baseline:
        return "outcome", "baseline already reached (在…的基础上)"
    if rule is not None and rule.get("kind_locked"):
        return rule["kind"], f"indicator {rule['code']} is always a {rule['kind']}"
    if threshold:
        return "threshold", "eligibility syntax (对…的, …以上的企业, …时)"
    sc = _scopes(text, q)
    if any(w in sc.before_in_clause for w in lex["rule_cues"]):
        return "rule", "rule cue in the clause"
    if any(w in sc.before_in_clause for w in lex["target_cues"]) or q.aspirational:
        return "target", "target cue in the clause"
    if any(w in sc.before_in_sentence for w in lex["target_cues"]):
        return "target", "target cue earlier in the sentence"
    if q.target_year is not None:
        return "target", "a year horizon in the sentence"
    if rule is not None:
        return rule["kind"], f"default of indicator {rule['code']}"
    return "rule", "no cue; default"


def classify_quantity(
    q: Quantity,
    text: str,
    *,
    title: str | None = None,
    doc_nature: str = "commitments",
    item_role: str = "measure",
) -> Classification:
    """Classify quantity ``q`` found in ``text`` (usually a measure's text)."""
    sc = _scopes(text, q)
    threshold = is_threshold(text, q)
    rule = next((r for r in _lex()["indicators"] if _matches(r, q, sc, threshold)), None)
    kind, reason = statement_kind(text, q, rule, threshold, doc_nature, item_role)
    if rule is None:
        return Classification("unclassified", "other", kind, reason, _beneficiary(sc, title, None))
    programme = _programme(sc) if rule["category"] == "award_level" else None
    tier = _tier(text, q, sc) if rule["category"] == "award_level" else None
    return Classification(
        indicator=rule["code"],
        category=rule["category"],
        statement_kind=kind,
        kind_reason=reason,
        beneficiary=_beneficiary(sc, title, rule.get("beneficiary")),
        programme=programme,
        tier=tier,
        nested_in_indicator=rule.get("nested_in"),
    )


def theme_scores(title: str | None, text: str) -> dict[str, int]:
    """Cue-word score of every theme (title words count three times)."""
    return {
        code: sum(3 * (title or "").count(w) + text.count(w) for w in words) for code, words, _tool in _lex()["themes"]
    }


def theme_of(title: str | None, text: str) -> tuple[str | None, str | None]:
    """``(theme, policy_tool)`` of a measure from its title and text.

    >>> theme_of("加大政府采购支持力度", "向中小企业预留的采购份额应占…30%以上")
    ('government_procurement', 'demand')
    """
    best, best_score = None, 0
    for code, score in theme_scores(title, text).items():
        if score > best_score:
            best, best_score = code, score
    if best is None:
        return None, None
    tool = next(t for c, _w, t in _lex()["themes"] if c == best)
    return best, tool


def theme_tags(title: str | None, text: str) -> list[str]:
    """Every theme with at least ``theme_tag_min`` cue words, strongest first."""
    minimum = int(_lexicon.load("classification.yaml").get("theme_tag_min", 2))
    scores = theme_scores(title, text)
    return [c for c, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s >= minimum]
