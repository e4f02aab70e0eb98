"""The quantity grammar's wording, read once from ``extract/data/quantities.yaml``.

``lexicon()`` returns a frozen, typed ``Lexicon``: every word list, map and
compiled pattern that ``quantities`` uses, built from the data file. Nothing
here decides anything; it only turns the data into fast lookups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from . import _lexicon
from .clean import normalize_width
from .numerals import BIG_UNITS, DECIMAL_POINT, DIGITS, SMALL_UNITS

try:  # the regex parser, to read where a never-quantity pattern can start
    import re._parser as _sre  # type: ignore[import-not-found]  # Python 3.11+
    from re._constants import (  # type: ignore[import-not-found]
        ANY,
        ASSERT,
        ASSERT_NOT,
        AT,
        BRANCH,
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_SPACE,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        RANGE,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover
    import sre_parse as _sre  # type: ignore[no-redef]
    from sre_constants import (  # type: ignore[no-redef]
        ANY,
        ASSERT,
        ASSERT_NOT,
        AT,
        BRANCH,
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_SPACE,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        RANGE,
        SUBPATTERN,
    )


@dataclass(frozen=True, slots=True)
class UnitWord:
    """A unit as written after a number."""

    unit: str
    factor: float  # to the canonical unit (分 → 0.01 元)
    per: str | None  # the denominator a unit word carries (元/千瓦时 → kWh)
    chinese_numerals: bool  # may follow a Chinese numeral without a magnitude (三个月)
    chinese_numerals_under: frozenset[str] = frozenset()  # …or only under these comparators before it (仅可享受一次)
    chinese_numerals_bounded: frozenset[str] = frozenset()  # …or these after its unit (三家以上)
    chinese_numerals_after: tuple[str, ...] = ()  # …or right after one of these words (一式两份)


@dataclass(frozen=True, slots=True)
class Multiplier:
    factor: float
    second: bool  # may follow another multiplier (万亿)
    only_before: tuple[str, ...]  # counts only before one of these (千 before 元)


@dataclass(frozen=True, slots=True)
class NeverRules:
    """Never-quantity patterns, grouped by where they can start."""

    pattern: re.Pattern[str]  # all patterns in one alternation (a quick first test)
    patterns: tuple[re.Pattern[str], ...]  # each pattern: the longest match at a position wins
    at_digits: bool  # some pattern can start with a digit: try at each number
    triggers: re.Pattern[str] | None  # characters other patterns can start with
    at_line_start: bool  # some pattern is anchored at a line start
    anywhere: bool  # some pattern can start with any character
    window: int  # how far before a number a never-quantity may start


@dataclass(frozen=True, slots=True)
class Lexicon:
    arabic: re.Pattern[str]
    chinese: re.Pattern[str]  # a Chinese numeral before a unit, multiplier or 多/余
    cn_not_after: tuple[str, ...]
    spaces_max: int
    multipliers: Mapping[str, Multiplier]
    more: tuple[str, ...]
    more_not_when: tuple[str, ...]
    unit_re: re.Pattern[str]
    units: Mapping[str, UnitWord]
    cn_magnitude: frozenset[str]
    count_nouns: tuple[str, ...]
    money_words: tuple[str, ...]
    count_attributes: tuple[str, ...]  # 订单数, 人数: a bare 万 after one of these (nearer than money) counts
    prefix_end_re: re.Pattern[str]  # a comparator word ending at the end of the search window
    prefix_words: tuple[tuple[str, str], ...]  # (word, comparator), longest first
    prefix_long_re: re.Pattern[str]  # comparator words of two characters or more (and 仅/只), for the gap rules
    prefix: Mapping[str, str]
    prefix_max: int
    gap: int
    # comparator word → (word that holds it, where it stands in that word): 最低 → (最低工资, 0), 约 → (节约, 1)
    not_comparators: Mapping[str, tuple[tuple[str, int], ...]]
    verb_gap_re: re.Pattern[str]  # the whole gap is granting verbs: 最高[给予]25万元
    verb_in_base_re: re.Pattern[str]  # a granting verb in a share's base, not one inside a noun (补偿金)
    verb_gap_head_re: re.Pattern[str]  # leading granting verbs of a gap: 最高[给予]实际租金50%
    beneficiary_head_re: re.Pattern[str]  # gap verbs ending in a granting verb: 最高[给予]提供引才服务的机构5万元
    beneficiary_verb_re: re.Pattern[str]  # a granting verb (a second one ends the beneficiary phrase)
    beneficiary_units: frozenset[str]  # the units a cap reaches across a beneficiary phrase
    inclusive_re: re.Pattern[str]  # （含）, （含50人）, （不含）
    inclusive_before: tuple[str, ...]  # (含) between a comparator and its number: 不超过(含)1.5%
    amount_noun_gap_re: re.Pattern[str]  # 最高[贷款额度为]50万元
    note_re: re.Pattern[str]  # a bracketed note between an amount and its bound: 5万元(含税)以上
    noun_re: re.Pattern[str]  # a counted noun between a count and its bound: 一个国家以上
    noun_not: re.Pattern[str]  # …that is no rank, size class, degree or amount (县级以上, 规模以上)
    gap_particle: str  # 的 ending the phrase between a comparator and its number
    gap_time_particles: tuple[str, ...]  # 后 ending it before a duration: 不长于…退休后5年
    gap_time_comparators: frozenset[str]  # …for these comparators only (a cap)
    gap_time_units: frozenset[str]  # …and these units
    suffix_re: re.Pattern[str]
    suffix: Mapping[str, str]
    suffix_units: Mapping[str, frozenset[str]]  # a suffix allowed only after these units (内)
    double: str
    ranges: tuple[str, ...]
    range_lower_bounds: tuple[str, ...]
    magnitude_re: re.Pattern[str]  # 亿元 with no digit before it
    magnitude: Mapping[str, tuple[float, str, str]]  # 亿元 -> (1e8, CNY, 元)
    magnitude_not_after: frozenset[str]  # 5亿元 has a digit: it is a number's, not a magnitude amount
    lists: tuple[str, ...]
    per_re: re.Pattern[str]
    per: Mapping[str, tuple[str, bool]]  # word -> (per unit, needs an earlier 每 word)
    per_every: str  # the prefix every per word that stands alone shares (每): none before a number, no per unit
    per_one_re: re.Pattern[str]  # 每引进1名: the unit of a rate named by 每…1
    per_one: Mapping[str, str]  # 名 -> person
    year_re: re.Pattern[str]
    period_re: re.Pattern[str]
    periods: Mapping[str, int]
    relative: Mapping[str, int]
    aspiration_re: re.Pattern[str]
    baseline: tuple[str, ...]
    change_re: re.Pattern[str]
    change_kind: Mapping[str, str]
    change_window: int
    change_list_break: str
    change_level_after: tuple[str, ...]
    word_re: re.Pattern[str]
    words: Mapping[str, tuple[float, str]]  # 翻番 -> (2, multiple)
    share_re: re.Pattern[str]
    shares: Mapping[str, tuple[str, float]]  # 百分之 -> (percent, 1)
    ratio_re: re.Pattern[str]
    ratio_mark_re: re.Pattern[str]  # the colons a ratio is written with
    never: NeverRules


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _unit_re(q: dict) -> re.Pattern[str]:
    """Every unit word, longest first.

    A word with ``not_before`` counts only when none of those follows (分, not
    分钟); one with ``only_before`` only when one of those follows (日 in 30日内).
    """
    words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for e in q["units"]:
        for w in e["words"]:
            words.setdefault(normalize_width(w), (tuple(e.get("not_before") or ()), tuple(e.get("only_before") or ())))
    parts = []
    for w in sorted(words, key=len, reverse=True):
        never, only = words[w]
        ahead = (f"(?!{_alternation(never)})" if never else "") + (f"(?={_alternation(only)})" if only else "")
        parts.append(re.escape(w) + ahead)
    return re.compile("|".join(parts))


def _frozen(d: dict) -> Mapping:
    return MappingProxyType(dict(d))


# ------------------------------------------------------------------ where a pattern can start


_SPACES = " \t\n\r\f\v"


@dataclass
class _Start:
    chars: set[str]
    digit: bool = False
    line: bool = False
    anything: bool = False


def _first(items, out: _Start) -> bool:
    """Add the possible first characters of ``items`` to ``out``; return whether it can match empty."""
    for op, av in items:
        if op == LITERAL:
            out.chars.add(chr(av))
            return False
        if op == IN:
            for sop, sav in av:
                if sop == LITERAL:
                    out.chars.add(chr(sav))
                elif sop == RANGE:
                    lo, hi = sav
                    if hi - lo > 512:
                        out.anything = True
                    else:
                        out.chars.update(chr(c) for c in range(lo, hi + 1))
                elif sop == CATEGORY and sav == CATEGORY_DIGIT:
                    out.digit = True
                elif sop == CATEGORY and sav == CATEGORY_SPACE:
                    out.chars.update(_SPACES)
                elif sop == NEGATE or sop == CATEGORY:
                    out.anything = True
            return False
        if op in (ANY, NOT_LITERAL):
            out.anything = True
            return False
        if op == CATEGORY:
            if av == CATEGORY_SPACE:
                out.chars.update(_SPACES)
            else:
                out.digit = out.digit or av == CATEGORY_DIGIT
                out.anything = out.anything or av != CATEGORY_DIGIT
            return False
        if op == AT:  # anchored: tried at line starts only, whatever follows the anchor
            out.line = True
            return False
        if op in (ASSERT, ASSERT_NOT):
            continue
        if op == SUBPATTERN:
            if not _first(av[-1], out):
                return False
            continue
        if op == BRANCH:
            empty = False
            for branch in av[1]:
                empty = _first(branch, out) or empty
            if not empty:
                return False
            continue
        if op in (MAX_REPEAT, MIN_REPEAT):
            lo, _hi, sub = av
            if not _first(sub, out) and lo > 0:
                return False
            continue
        out.anything = True  # anything else: assume it can start anywhere
        return False
    return True


def _start_of(pattern: str) -> _Start:
    out = _Start(set())
    if _first(_sre.parse(pattern), out):
        out.anything = True
    return out


def _not_comparators(q: dict) -> Mapping[str, tuple[tuple[str, int], ...]]:
    """Each prefix comparator word → the ``not_comparators`` that hold it, with its place in them."""
    words = {normalize_width(w) for e in q["comparators_prefix"] for w in e["words"]}
    holders = [normalize_width(w) for w in q["not_comparators"]["words"]]
    found = {w: tuple((c, c.find(w)) for c in holders if w in c and c != w) for w in words}
    return _frozen({w: f for w, f in found.items() if f})


def _never_rules(q: dict) -> NeverRules:
    # the one of a rate (每引进1名) is a never-quantity too; per_one also reads its unit
    patterns = [e["pattern"] for e in q["never_quantity"]] + [q["per_one"]["pattern"]]
    chars: set[str] = set()
    digit = line = anywhere = False
    for p in patterns:
        st = _start_of(p)
        chars |= {c for c in st.chars if not c.isdigit()}
        digit = digit or st.digit or any(c.isdigit() for c in st.chars)
        line = line or st.line
        anywhere = anywhere or st.anything
    triggers = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]") if chars else None
    combined = re.compile("|".join(f"(?:{p})" for p in patterns), re.M)
    each = tuple(re.compile(p, re.M) for p in patterns)
    return NeverRules(combined, each, digit, triggers, line, anywhere, int(q["never_quantity_window"]))


# ------------------------------------------------------------------ the lexicon


def _units(q: dict) -> dict[str, UnitWord]:
    out: dict[str, UnitWord] = {}
    for e in q["units"]:
        for w in e["words"]:
            out.setdefault(
                normalize_width(w),
                UnitWord(
                    e["unit"],
                    float(e.get("factor", 1)),
                    e.get("per_unit"),
                    bool(e.get("chinese_numerals")),
                    frozenset(e.get("chinese_numerals_under") or ()),
                    frozenset(e.get("chinese_numerals_bounded") or ()),
                    tuple(e.get("chinese_numerals_after") or ()),
                ),
            )
    return out


def _chinese_number_re(q: dict, units: dict[str, UnitWord]) -> re.Pattern[str]:
    numeral = "".join(sorted(set(DIGITS) | set(SMALL_UNITS)))
    follow = {w[0] for w in units if w} | {e["word"] for e in q["multipliers"]} | set(q["more_than_infix"]["words"])
    return re.compile(f"[{numeral}]+(?=[{re.escape(''.join(sorted(follow)))}])")


def _share_re(q: dict) -> re.Pattern[str]:
    whole = "".join(sorted((set(DIGITS) | set(SMALL_UNITS)) - {"千"}))
    frac = "".join(sorted(set(DIGITS) - {"两"}))
    prefixes = _alternation(e["prefix"] for e in q["word_shares"])
    return re.compile(rf"({prefixes})([{whole}]+(?:{DECIMAL_POINT}[{frac}]+)?|\d+(?:\.\d+)?)")


def _comparators(q: dict) -> dict:
    pairs = [(w, e["comparator"]) for e in q["comparators_prefix"] for w in e["words"]]
    prefix = sorted(pairs, key=lambda t: -len(t[0]))
    suffix = {w: e["comparator"] for e in q["comparators_suffix"] for w in e["words"]}
    limited = [e for e in q["comparators_suffix"] if e.get("only_after_units")]
    suffix_units = {w: frozenset(e["only_after_units"]) for e in limited for w in e["words"]}
    verbs = _alternation(q["comparator_verb_gap"]["words"])
    granting = q["comparator_beneficiary_verbs"]
    before_verbs = q["comparators_before_verbs"]
    # Words that bound a number only across granting verbs (仅可享受一次): in the gap rule only.
    # The 不仅 check looks behind the match's end, so the regex still starts with plain words (fast to scan for).
    only_across = before_verbs["words"]
    not_after = "".join(f"(?<!{re.escape(n + w)})" for n in before_verbs.get("not_after", []) for w in only_across)
    long_words = _alternation([*(w for w, _ in prefix if len(w) >= 2), *only_across])
    return {
        "not_comparators": _not_comparators(q),
        "verb_gap_re": re.compile(rf"(?:\s|{verbs})+"),
        "verb_in_base_re": re.compile(
            rf"(?:{verbs})(?!{_alternation(q['comparator_verb_gap'].get('noun_endings', []))})"
        ),
        "verb_gap_head_re": re.compile(rf"(?:\s|{verbs})*"),
        "beneficiary_head_re": re.compile(rf"(?:\s|{verbs})*?(?:{_alternation(granting['words'])})"),
        "beneficiary_verb_re": re.compile(_alternation(granting["words"])),
        "beneficiary_units": frozenset(granting["units"]),
        "inclusive_re": re.compile(q["inclusive_marker"]["pattern"]),
        "inclusive_before": tuple(normalize_width(w) for w in q["inclusive_marker"]["before"]),
        "note_re": re.compile(q["note_before_bound"]["pattern"]),
        "noun_re": re.compile(q["noun_before_bound"]["pattern"]),
        "noun_not": re.compile(_alternation(q["noun_before_bound"]["not_in_noun"])),
        "amount_noun_gap_re": re.compile(q["amount_noun_gap"]["pattern"]),
        "gap_particle": q["comparator_gap_particle"],
        "gap_time_particles": tuple(q["comparator_gap_time"]["particles"]),
        "gap_time_comparators": frozenset(q["comparator_gap_time"]["comparators"]),
        "gap_time_units": frozenset(q["comparator_gap_time"]["units"]),
        "prefix_end_re": re.compile("(?:" + _alternation(w for w, _ in prefix) + r")\s*$"),
        "prefix_long_re": re.compile(f"(?:{long_words}){not_after}"),
        "prefix_words": tuple(prefix),
        "prefix": _frozen(dict(prefix) | dict.fromkeys(before_verbs["words"], before_verbs["comparator"])),
        "prefix_max": max(len(w) for w, _ in prefix) + 2,
        "gap": int(q["comparator_gap_max"]),
        "suffix_re": re.compile(_alternation(suffix)),
        "suffix": _frozen(suffix),
        "suffix_units": _frozen(suffix_units),
        "double": q["double_marker_rule"]["comparator"],
    }


def _time_words(q: dict) -> dict:
    h = q["horizon"]
    change = q["change_words"]
    kinds = {w: kind for kind in ("decrease", "increase") for w in change[kind]["words"]}
    return {
        "year_re": re.compile(h["year_pattern"]),
        "period_re": re.compile(_alternation(list(h["periods"]) + list(h["relative"]))),
        "periods": _frozen({k: int(v) for k, v in h["periods"].items()}),
        "relative": _frozen({k: int(v) for k, v in h["relative"].items()}),
        "aspiration_re": re.compile(_alternation(q["aspiration_words"]["words"])),
        "baseline": tuple(q["baseline_suffixes"]["words"]),
        "change_re": re.compile(_alternation(kinds)),
        "change_kind": _frozen(kinds),
        "change_window": int(change["window"]),
        "change_list_break": change["list_break"],
        "change_level_after": tuple(change["level_after"]),
    }


def _magnitudes(q: dict, units: dict[str, UnitWord]) -> dict:
    """超过亿元: the magnitude words, read as amounts when a comparator stands by them."""
    mult = {e["word"]: float(e["factor"]) for e in q["multipliers"]}
    table = {}
    for w in q["magnitude_amounts"]["words"]:
        unit_word = max((u for u in units if w.endswith(u)), key=len)  # 千万元 -> 元
        head = w[: -len(unit_word)]  # 千万
        factor = 1.0
        for ch in head:
            factor *= mult[ch]
        table[w] = (factor, units[unit_word].unit, unit_word)
    numeral = "".join(sorted(set(DIGITS) | set(SMALL_UNITS) | set(BIG_UNITS)))
    return {
        # The literal words first, so the regex engine skips to them; the digit before one is checked in code.
        "magnitude_re": re.compile(_alternation(table)),
        "magnitude_not_after": frozenset("0123456789." + numeral),
        "magnitude": _frozen(table),
    }


@cache
def lexicon() -> Lexicon:
    """The quantity wording as a frozen ``Lexicon`` (built once)."""
    q = _lexicon.load("quantities.yaml")
    units = _units(q)
    assert set(BIG_UNITS) <= {e["word"] for e in q["multipliers"]}, "numerals.BIG_UNITS and multipliers disagree"
    words = {e["text"]: (float(e["value"]), e["unit"]) for e in q["word_quantities"]}
    return Lexicon(
        arabic=re.compile(q["arabic_number"]["pattern"]),
        chinese=_chinese_number_re(q, units),
        cn_not_after=tuple(q["chinese_numeral_not_after"]["words"]),
        spaces_max=int(q["spaces_inside_max"]),
        multipliers=_frozen(
            {
                e["word"]: Multiplier(float(e["factor"]), bool(e.get("second", True)), tuple(e.get("only_before", ())))
                for e in q["multipliers"]
            }
        ),
        more=tuple(q["more_than_infix"]["words"]),
        more_not_when=tuple(q["more_than_infix"].get("not_when", ())),
        unit_re=_unit_re(q),
        units=_frozen(units),
        cn_magnitude=frozenset(q["chinese_numeral_needs_magnitude"]),
        count_nouns=tuple(sorted(q["count_nouns"]["words"], key=len, reverse=True)),
        money_words=tuple(q["money_context"]["words"]),
        count_attributes=tuple(q["count_attributes"]["words"]),
        ranges=tuple(q["range_separators"]),
        range_lower_bounds=tuple(q["range_lower_bounds"]),
        **_magnitudes(q, units),
        lists=tuple(q["list_separators"]),
        per_re=re.compile(_alternation(e["word"] for e in q["per_words"])),
        per=_frozen({e["word"]: (e["per"], bool(e.get("needs_every"))) for e in q["per_words"]}),
        per_every=_lexicon.per_every(q["per_words"]),
        per_one_re=re.compile(q["per_one"]["pattern"]),
        per_one=_frozen(dict(q["per_one"]["per"])),
        word_re=re.compile(_alternation(words)),
        words=_frozen(words),
        share_re=_share_re(q),
        shares=_frozen({e["prefix"]: (e["unit"], float(e["factor"])) for e in q["word_shares"]}),
        ratio_re=re.compile(q["ratio"]["pattern"]),
        ratio_mark_re=re.compile("[" + re.escape(q["ratio"]["marks"]) + "]"),
        never=_never_rules(q),
        **_comparators(q),
        **_time_words(q),
    )
