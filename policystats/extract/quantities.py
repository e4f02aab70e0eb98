"""A grammar for the quantities in Chinese policy text.

Two levels of entry, like dateparser's ``parse`` and ``search_dates``:

>>> q = parse_quantity("最高不超过500万元")
>>> q.value, q.unit, q.comparator, q.text
(5000000.0, 'CNY', '<=', '最高不超过500万元')
>>> [(t, q.value, q.unit) for t, q in search_quantities("分别给予300万、300万和400万的奖励")]
[('300万', 3000000.0, 'CNY'), ('300万', 3000000.0, 'CNY'), ('400万', 4000000.0, 'CNY')]
>>> parse_quantity("超5亿元").comparator, parse_quantity("推动超过10家以上民营企业").comparator
('>', '>=')
>>> parse_quantity("揭府办函〔2019〕44号") is None
True

Every quantity keeps its source: ``text == source[start:end]``. The wording
(comparators, units, never-quantities …) is in
``policystats/extract/data/quantities.yaml``, read by ``quantity_lexicon``.

The search runs in three steps, each linear in the text:

1. ``_scan``: every number with its multiplier, 多/余 and unit (``_Raw``),
   skipping years and never-quantities;
2. ``_assemble``: ranges (5万元至20万元), lists that share a unit (5、10和20万元)
   and single numbers become ``Quantity`` objects (``_finish``);
3. quantities written in words (翻一番, 百分之三十) and ratios (1∶1).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field

from .clean import normalize_width
from .numerals import DECIMAL_POINT, SMALL_UNITS, cn_is_wellformed, cn_to_int
from .quantity_lexicon import Lexicon, UnitWord, lexicon


@dataclass(slots=True)
class Quantity:
    """One quantity as written, with its normalised value and where it came from.

    A plain value object (slots, no validation) because a document yields
    thousands: building them must be cheap.
    """

    value: float
    unit: str
    comparator: str  # one of = > >= < <= ~ between
    text: str
    start: int
    end: int
    unit_zh: str = ""
    value_max: float | None = None
    per_unit: str | None = None
    aspirational: bool = False
    change: str | None = None  # increase | decrease | None (a level)
    target_year: int | None = None
    relative_year: int | None = None  # 今年 = 0, 去年 = -1 … resolved against the document's year
    double_marker: bool = False
    baseline: bool = False
    sentence_start: int = 0
    sentence_end: int = 0
    number_text: str = ""
    flags: tuple[str, ...] = field(default_factory=tuple)
    comparator_word: str = ""  # the word the comparator was read from (最高, 以上 …), if any


_SENTENCE_CHARS = frozenset("。;；!?！？\n")
CLAUSE_END = re.compile(r"[。;；!?！？\n,，:：]")
_ASPIRATION_LOOKBACK = 8  # markers checked before a quantity, nearest first


def search_quantities(text: str) -> list[tuple[str, Quantity]]:
    """Every quantity in ``text``, as ``(text, Quantity)`` pairs in order.

    >>> [(t, q.comparator, q.value) for t, q in search_quantities("其中预留给小微企业的比例不低于60%")]
    [('不低于60%', '>=', 60.0)]
    """
    return [(q.text, q) for q in _search(text)]


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in a short phrase, or None.

    >>> parse_quantity("每人每年5000元").per_unit
    'person_year'
    """
    found = _search(text)
    return found[0] if found else None


# ------------------------------------------------------------------ the text being searched


class _Text:
    """One search: the normalised text, its sentence and clause breaks, years and markers."""

    def __init__(self, source: str) -> None:
        lex = lexicon()
        self.lex = lex
        self.source = source
        self.s = s = normalize_width(source)
        self.n = len(s)
        self.clause_breaks = [m.start() for m in CLAUSE_END.finditer(s)]
        self.sent_breaks = [p for p in self.clause_breaks if s[p] in _SENTENCE_CHARS]
        self.years = self._years()
        self.asp = [(m.start(), m.end()) for m in lex.aspiration_re.finditer(s)]
        self.asp_pos = [a for a, _ in self.asp]
        self.never = _Never(s, lex)

    def _years(self) -> list[tuple[int, int, tuple[int | None, int | None]]]:
        lex, s = self.lex, self.s
        found = [(m.start(), m.end(), (int(m.group(1)), None)) for m in lex.year_re.finditer(s)]
        for m in lex.period_re.finditer(s):
            w = m.group(0)
            found.append((m.start(), m.end(), (lex.periods[w], None) if w in lex.periods else (None, lex.relative[w])))
        found.sort(key=lambda t: t[0])
        self.year_pos = [a for a, _, _ in found]
        return found

    def sentence(self, pos: int) -> tuple[int, int]:
        return _span_of(self.sent_breaks, pos, self.n)

    def clause(self, pos: int) -> tuple[int, int]:
        return _span_of(self.clause_breaks, pos, self.n)


def _span_of(breaks: list[int], pos: int, n: int) -> tuple[int, int]:
    i = bisect.bisect_left(breaks, pos)
    start = breaks[i - 1] + 1 if i > 0 else 0
    end = breaks[i] if i < len(breaks) else n
    return start, end


class _Never:
    """Never-quantity spans near candidate numbers, found on demand.

    A pattern is tried only where it can start: at a number (patterns that can
    start with a digit), at a trigger character a little before the number
    (〔, 第, 电话 … read off the patterns), or at the number's line start.
    """

    def __init__(self, s: str, lex: Lexicon) -> None:
        self.s = s
        self.rules = lex.never
        self.spans: list[tuple[int, int]] = []
        self.tried: set[int] = set()
        rules = self.rules
        self.triggers = [m.start() for m in rules.triggers.finditer(s)] if rules.triggers is not None else []

    def _try(self, p: int) -> None:
        if p in self.tried or p < 0:
            return
        self.tried.add(p)
        if self.rules.pattern.match(self.s, p) is None:
            return
        # Several patterns may start here (第十二 and 第十二个五年): the longest wins.
        end = max((m.end() for rx in self.rules.patterns if (m := rx.match(self.s, p)) is not None), default=p)
        if end > p:
            self.spans.append((p, end))

    def covers(self, a: int, b: int) -> bool:
        """Does a never-quantity overlap the number at ``a:b``?"""
        rules, s = self.rules, self.s
        lo = max(0, a - rules.window)
        if rules.at_digits or rules.anywhere:
            self._try(a)
        if rules.at_line_start:
            nl = s.rfind("\n", lo, a)
            if nl >= 0 or lo == 0:
                self._try(nl + 1)
        if rules.anywhere:
            for p in range(lo, a):
                self._try(p)
        else:
            i = bisect.bisect_left(self.triggers, lo)
            while i < len(self.triggers) and self.triggers[i] < a:
                self._try(self.triggers[i])
                i += 1
        for x, y in reversed(self.spans):
            if x < b and a < y:
                return True
            if x < lo - 64:  # spans are found left to right and are short
                break
        return False


# ------------------------------------------------------------------ 1. scanning numbers


@dataclass(slots=True)
class _Raw:
    """A number as scanned, with what follows it (before comparators are read)."""

    start: int
    end: int  # end of number + multiplier + 多/余 + unit
    value: float
    mult: float
    unit: str | None
    unit_zh: str
    factor: float = 1.0
    per: str | None = None
    more: bool = False  # 多/余 between number and unit
    cn: bool = False
    number_text: str = ""


def _skip_spaces(s: str, j: int, limit: int) -> int:
    """Skip up to ``limit`` spaces (raw text has 100 家, 189 号)."""
    k = j
    while k < len(s) and k - j < limit and s[k] == " ":
        k += 1
    return k if k < len(s) and s[k] != " " else j


def _is_year(t: _Text, m: re.Match) -> bool:
    """2019 before 年: a year, never a quantity."""
    g = m.group()
    if len(g) != 4 or not g.isdigit():
        return False
    y = t.lex.year_re.match(t.s, m.start())
    return y is not None and y.end(1) == m.end()


def _number_value(text: str) -> float | None:
    """The number's value; None for a malformed Chinese numeral (十十十) or digits beyond a float (inf)."""
    if text[0].isdigit():
        v = float(text.replace(",", ""))
        return v if math.isfinite(v) else None
    if not cn_is_wellformed(text):
        return None
    n = cn_to_int(text)
    return float(n) if n is not None else None


def _multiplier(t: _Text, j: int) -> tuple[float, str, int]:
    """``(factor, word, end)`` of the multiplier at ``j`` (万, 亿, 万亿; 千 only before 元)."""
    lex, s = t.lex, t.s
    mult = lex.multipliers.get(s[j]) if j < t.n else None
    if mult is None or (mult.only_before and not s.startswith(mult.only_before, j + 1)):
        return 1.0, "", j
    factor, word = mult.factor, s[j]
    j = _skip_spaces(s, j + 1, lex.spaces_max)
    second = lex.multipliers.get(s[j]) if j < t.n else None
    if second is not None and second.second:
        return factor * second.factor, word + s[j], j + 1
    return factor, word, j


def _unit_at(t: _Text, j: int, cn: bool, magnitude: bool, start: int):
    """The unit word at ``j`` after the number starting at ``start``, if that number may take it."""
    m = t.lex.unit_re.match(t.s, j)
    if m is None:
        return None
    word = m.group(0)
    u = t.lex.units[word]
    if cn and not u.chinese_numerals and not (magnitude and u.unit in t.lex.cn_magnitude):
        if not _bounded_numeral(t, start, m.end(), u):
            return None
    return word, u


def _bounded_numeral(t: _Text, start: int, end: int, u: UnitWord) -> bool:
    """May a Chinese numeral take unit ``u``: 最多奖励一场 (a bound before it), 三家以上 (after the unit), 一式两份?"""
    if u.chinese_numerals_after and t.s.endswith(u.chinese_numerals_after, 0, start):
        return True
    if u.chinese_numerals_under and _bound_before(t, start, u.unit) in u.chinese_numerals_under:
        return True
    if not u.chinese_numerals_bounded:
        return False
    j = _skip_spaces(t.s, end, t.lex.spaces_max)
    after = _suffix_at(t, j, u.unit) or _suffix_after_noun(t, j, u.unit)
    return after is not None and after[1] in u.chinese_numerals_bounded


def _bound_before(t: _Text, i: int, unit: str) -> str | None:
    """The comparator written before the number at ``i`` (最多奖励一场 → <=), if any."""
    clause_start, _ = t.clause(i)
    pre = _prefix_before(t, i, clause_start, unit)
    return pre[1] if pre is not None else None


def _bare_multiplier(t: _Text, m: re.Match, j: int, mult: float, mult_word: str, more: bool) -> _Raw | None:
    """A bare 万/亿 with no unit: a count before a countable noun, money in a money sentence."""
    s, lex = t.s, t.lex
    value = _number_value(m.group())
    for noun in lex.count_nouns:
        if s.startswith(noun, j):
            end = j + len(noun) if noun.startswith("(") else j
            return _Raw(m.start(), end, value, mult, "count", s[m.end() : end], more=more, number_text=m.group())
    a, b = t.sentence(m.start())
    sentence = s[a:b]
    before = s[a : m.start()]
    counted = max((before.rfind(w) for w in lex.count_attributes), default=-1)
    if counted >= 0 and counted > max(before.rfind(w) for w in lex.money_words):
        return _Raw(m.start(), j, value, mult, "count", mult_word, more=more, number_text=m.group())
    if any(w in sentence for w in lex.money_words):
        return _Raw(m.start(), j, value, mult, "CNY", mult_word, more=more, number_text=m.group())
    return None


def _scan_number(t: _Text, m: re.Match) -> _Raw | None:
    """The number at ``m`` with what follows it; None if it is no quantity."""
    s, lex = t.s, t.lex
    text = m.group()
    value = _number_value(text)
    if value is None:
        return None
    cn = not text[0].isdigit()
    ns = m.start()
    if cn and ns > 0 and s[ns - 1] in lex.cn_not_after:
        return None  # 每两年 (a frequency), 第五 (an ordinal)
    j = _skip_spaces(s, m.end(), lex.spaces_max)
    mult, mult_word, j = _multiplier(t, j)
    more = j < t.n and s[j] in lex.more and not s.startswith(lex.more_not_when, j)
    if more:
        j += 1
    magnitude = cn and (bool(mult_word) or more or (len(text) >= 2 and any(ch in SMALL_UNITS for ch in text)))
    u = _unit_at(t, j, cn, magnitude, ns)
    if u is not None:
        word, unit = u
        return _Raw(
            ns,
            j + len(word),
            value,
            mult,
            unit.unit,
            mult_word + word,
            factor=unit.factor,
            per=unit.per,
            more=more,
            cn=cn,
            number_text=text,
        )
    if cn:
        return None
    if mult_word:
        return _bare_multiplier(t, m, j, mult, mult_word, more)
    return _Raw(ns, j, value, mult, None, "", more=more, cn=cn, number_text=text)


def _scan(t: _Text) -> list[_Raw]:
    """Every candidate number, in order (Arabic ones, and Chinese numerals before a unit)."""
    lex = t.lex
    # Two simple scans sorted together are cheaper than one regex with alternatives.
    matches = [*lex.arabic.finditer(t.s), *lex.chinese.finditer(t.s)]
    matches.sort(key=lambda m: m.start())
    raws = []
    for m in matches:
        if _is_year(t, m) or t.never.covers(m.start(), m.end()):
            continue
        r = _scan_number(t, m)
        if r is not None:
            raws.append(r)
    magnitudes = _magnitude_amounts(t)
    if magnitudes:
        raws = sorted(raws + magnitudes, key=lambda r: r.start)
    return _outside_inclusive_marks(t, raws)


def _outside_inclusive_marks(t: _Text, raws: list[_Raw]) -> list[_Raw]:
    """The number inside 5000万元(含5000万元) restates the bound; it is part of that quantity."""
    marks = [m.span() for m in t.lex.inclusive_re.finditer(t.s)]
    if not marks:
        return raws
    starts = [a for a, _ in marks]
    out = []
    for r in raws:
        i = bisect.bisect_right(starts, r.start) - 1
        if i >= 0 and marks[i][0] <= r.start and r.end <= marks[i][1]:
            continue
        out.append(r)
    return out


def _magnitude_amounts(t: _Text) -> list[_Raw]:
    """超过亿元, 亿元以上: an amount named by its magnitude, read only beside a comparator."""
    out = []
    for m in t.lex.magnitude_re.finditer(t.s):
        a, b = m.span()
        if a > 0 and t.s[a - 1] in t.lex.magnitude_not_after:
            continue
        factor, unit, unit_word = t.lex.magnitude[m.group()]
        clause_start, _ = t.clause(a)
        pre = _prefix_before(t, a, clause_start, unit)
        if (pre is not None and pre[3]) or _suffix_at(t, b, unit) is not None:
            out.append(_Raw(a, b, 1.0, factor, unit, m.group(), number_text=m.group()[: -len(unit_word)]))
    return out


# ------------------------------------------------------------------ 2. assembling quantities


def _assemble(t: _Text, raws: list[_Raw]) -> list[Quantity]:
    """Ranges, shared-unit lists and single numbers, left to right; linear in ``len(raws)``."""
    out: list[Quantity] = []
    used_until = -1
    k = 0
    while k < len(raws):
        r = raws[k]
        if r.start < used_until:
            k += 1
            continue
        floor = _floor(t, raws, k)
        nxt = raws[k + 1] if k + 1 < len(raws) else None
        if nxt is not None and _is_range(t, r, nxt):
            q = _range(t, r, nxt, floor)
            if q is not None:
                out.append(q)
            used_until = q.end if q else nxt.end
            k += 2
            continue
        if r.unit is None:
            j, donor = _list_end(t, raws, k)
            if donor:
                out.extend(_shared_list(t, raws, k, j, floor))
            # Without a donor no item of the run can become a quantity; raws[j] may still open a range.
            k = max(k + 1, j)
            continue
        q = _finish(t, r, r.start, r.end, r.value * r.mult * r.factor, floor=floor)
        if q is not None:
            out.append(q)
            used_until = q.end
        k += 1
    return out


def _floor(t: _Text, raws: list[_Raw], k: int) -> int:
    """Where a comparator for ``raws[k]`` may start: after the number before it.

    A number in brackets of its own (…额度上限(30万元)之和的110%) restates or notes
    something inside the phrase; the comparator before that phrase
    (最高不超过) reaches past it.
    """
    s = t.s
    while k > 0:
        prev = raws[k - 1]
        if not (s.endswith(("(", "（"), 0, prev.start) and s.startswith((")", "）"), prev.end)):
            return prev.end
        k -= 1
    return 0


def _between(t: _Text, a: _Raw, b: _Raw) -> str:
    return t.s[a.end : b.start]


def _is_range(t: _Text, r: _Raw, nxt: _Raw) -> bool:
    """5%—20%, 5万元至20万元, 5—20万元, 500万元以上至2000万元, 1万(含)至3万."""
    if nxt.unit is None or (r.unit is not None and r.unit != nxt.unit):
        return False
    between = _between(t, r, nxt).strip()
    for word in t.lex.range_lower_bounds:
        if between.startswith(word):
            between = between[len(word) :].lstrip()
            break
    m = t.lex.inclusive_re.match(between)
    if m is not None:
        between = between[m.end() :].strip()
    return between in t.lex.ranges


def _range(t: _Text, r: _Raw, nxt: _Raw, floor: int) -> Quantity | None:
    """5万元至20万元; an inverted one (４至3万美元) is read as its upper number alone, flagged."""
    lo = r.value * (r.mult if r.unit else nxt.mult) * (r.factor if r.unit else nxt.factor)
    hi = nxt.value * nxt.mult * nxt.factor
    if lo > hi:
        return _finish(t, nxt, nxt.start, nxt.end, hi, floor=floor, flags=("inverted_range",))
    return _finish(t, nxt, r.start, nxt.end, lo, hi=hi, floor=floor)


def _list_end(t: _Text, raws: list[_Raw], k: int) -> tuple[int, bool]:
    """Index of the last item of the list starting at ``k``, and whether it donates its unit."""
    lists = t.lex.lists
    j = k
    while j + 1 < len(raws) and raws[j].unit is None and _between(t, raws[j], raws[j + 1]) in lists:
        j += 1
    donor = j > k and raws[j].unit is not None and _between(t, raws[j - 1], raws[j]) in lists
    return j, donor


def _shared_list(t: _Text, raws: list[_Raw], k: int, j: int, floor: int) -> list[Quantity]:
    """5、10和20万元: the items before the last take its multiplier and unit."""
    donor = raws[j]
    out = []
    for x in raws[k:j]:
        q = _finish(t, donor, x.start, x.end, x.value * donor.mult * donor.factor, unit_zh=donor.unit_zh, floor=floor)
        if q is not None:
            out.append(q)
    return out


# ------------------------------------------------------------------ finishing one quantity


def _prefix_before(
    t: _Text, i: int, clause_start: int, unit: str | None = None, floor: int = 0
) -> tuple[str, str, int, bool] | None:
    """``(word, comparator, start, adjacent)`` of a comparator before the number at ``i``.

    Right before it (不超过500万元, 不超过(含)1.5%), before a short 的-phrase
    (不超过设备、软件实际投资的30%), or before granting verbs or the base of a
    share (最高给予25万元, 不超过项目投资额30%).
    """
    s, lex = t.s, t.lex
    k = i
    while k > clause_start and s[k - 1] == " ":
        k -= 1
    if k > clause_start and s[k - 1] == "(":  # 额度上限(500万元): the bracket restates the bound before it
        m = lex.prefix_end_re.search(s, max(clause_start, k - 1 - lex.prefix_max), k - 1)
        if m is not None:
            return m.group(0).rstrip(), lex.prefix[m.group(0).rstrip()], m.start(), False
    inclusive = next((w for w in lex.inclusive_before if s.endswith(w, clause_start, k)), None)
    if inclusive:
        k -= len(inclusive)
    m = lex.prefix_end_re.search(s, max(clause_start, k - lex.prefix_max), k)
    if m is not None and _in_word(t, m.group(0).rstrip(), m.start()):
        m = None  # 节约400吨, 累计下达500万元, 最近3年: the comparator's character belongs to a word
    if m is not None:
        word = m.group(0).rstrip()
        comp = lex.prefix[word]
        if inclusive:
            comp = {">": ">=", "<": "<="}.get(comp, comp)
        return word, comp, m.start(), True
    if inclusive:
        return None
    return _prefix_over_phrase(t, k, max(clause_start, floor), unit)


_SHARE_UNITS = ("percent", "percentage_point", "multiple")


def _over_beneficiary(lex, gap: str) -> bool:
    """最高[给予提供引才服务的人力资源服务机构]5万元: granting verbs, then the beneficiary they name."""
    head = lex.beneficiary_head_re.match(gap)
    if head is None:
        return False
    rest = gap[head.end() :]
    return 0 < len(rest) <= lex.gap and not lex.beneficiary_verb_re.search(rest)


def _in_word(t: _Text, word: str, start: int) -> bool:
    """Is the comparator ``word`` at ``start`` part of a word that bounds nothing (最低工资, 节约, 下达)?"""
    return any(start >= k and t.s.startswith(c, start - k) for c, k in t.lex.not_comparators.get(word, ()))


def _prefix_over_phrase(t: _Text, k: int, lo: int, unit: str | None) -> tuple[str, str, int, bool] | None:
    """A comparator a short phrase before the number (``adjacent`` is False: the text is the number's)."""
    s, lex = t.s, t.lex
    clause_start = lo
    time_gap = unit in lex.gap_time_units and s[k - 1 : k] in lex.gap_time_particles  # 不长于…退休后5年
    if k > clause_start and (s[k - 1] == lex.gap_particle or time_gap):
        gap = lex.gap * 2 if unit in _SHARE_UNITS else lex.gap  # a rate's base may be long: …报价利率（LPR）的1.15倍
        lo = max(clause_start, k - 1 - gap - 6)
        window = s[lo : k - 1]
        best = None
        for word, comp in lex.prefix_words:
            if time_gap and s[k - 1] != lex.gap_particle and comp not in lex.gap_time_comparators:
                continue
            p = window.rfind(word)
            if p >= 0 and _in_word(t, word, lo + p):
                continue  # its nearest use is a compound (超过部分的1%): an earlier one (如超过则…) is another clause's
            if p >= 0 and 0 < len(window) - (p + len(word)) <= gap:
                if best is None or p + len(word) > best[2] + len(best[0]):
                    best = (word, comp, lo + p)
        if best:
            return best[0], best[1], best[2], False
        return None
    return _prefix_over_verbs(t, k, lo, unit)


def _prefix_over_verbs(t: _Text, k: int, lo: int, unit: str | None) -> tuple[str, str, int, bool] | None:
    """最高给予25万元, 最多奖励3个项目; for a share also its base: 不超过项目投资额30%."""
    s, lex = t.s, t.lex
    window_start = max(lo, k - lex.gap - lex.prefix_max)
    best = None  # the comparator word (two characters or more: 超, 近, 约 only right before their number) ending last
    for m in lex.prefix_long_re.finditer(s, window_start, k):
        if not _in_word(t, m.group(0), m.start()) and (best is None or m.end() >= best.end()):
            best = m
    if best is None:
        return None
    word, p = best.group(0), best.start()
    comp = lex.prefix[word]
    gap = s[p + len(word) : k]
    if not gap or any(ch.isdigit() for ch in gap):
        return None
    if lex.verb_gap_re.fullmatch(gap) or lex.amount_noun_gap_re.fullmatch(gap):
        return word, comp, p, False
    if unit in lex.beneficiary_units and _over_beneficiary(lex, gap):
        return word, comp, p, False
    share = unit in _SHARE_UNITS
    if len(gap) > lex.gap or (lex.gap_particle in gap and not share):
        return None  # a share's base may hold a 的: 不低于存放的风险补偿金10倍
    if share:
        rest = gap[lex.verb_gap_head_re.match(gap).end() :]
        if rest and not lex.verb_in_base_re.search(rest):
            return word, comp, p, False
    return None


def _suffix_at(t: _Text, j: int, unit: str | None) -> tuple[str, str] | None:
    """A comparator right after the quantity (以上, 以内, 内 after a duration …)."""
    m = t.lex.suffix_re.match(t.s, j)
    if m is None:
        return None
    word = m.group(0)
    allowed = t.lex.suffix_units.get(word)
    if allowed is not None and unit not in allowed:
        return None
    return word, t.lex.suffix[word]


def _suffix_after_bracket(t: _Text, end: int, unit: str | None) -> tuple[str, str] | None:
    """20000人(含)以上, 5万元(含税)以上: a mark or a note stands between the number and its bound.

    (不含) before a bound is left to ``_inclusive_after``, which makes the bound exclusive.
    """
    j = end + 1 if t.s.startswith(" ", end) else end
    mark = t.lex.inclusive_re.match(t.s, j)
    if mark is not None and mark.group("neg"):
        return None
    mark = mark or t.lex.note_re.match(t.s, j)
    after = _suffix_at(t, mark.end(), unit) if mark is not None else None
    return (t.s[end : mark.end()] + after[0], after[1]) if after is not None else None


def _suffix_after_noun(t: _Text, end: int, unit: str | None) -> tuple[str, str] | None:
    """一个国家以上: the counted noun stands between a count and its bound (never 县级以上, 规模以上)."""
    if unit != "count":
        return None
    m = t.lex.noun_re.match(t.s, end)
    if m is None or t.lex.noun_not.search(m.group(0)):
        return None
    after = _suffix_at(t, m.end(), unit)
    return (m.group(0) + after[0], after[1]) if after is not None else None


def _comparator(pre, suf, more: bool, ranged: bool) -> tuple[str, bool]:
    """``(comparator, double_marker)`` from the words around the number."""
    comp, double = _bound(pre, suf, more)
    return ("between" if ranged else comp), double


def _bound(pre, suf, more: bool) -> tuple[str, bool]:
    comp = pre[1] if pre is not None else "="
    if more and comp == "=":
        comp = ">"
    if suf is None:
        return comp, False
    scomp = suf[1]
    if pre is not None and pre[1] in (">", ">=") and scomp == ">=" and pre[1] != scomp:
        return lexicon().double, True  # 超过…以上
    if pre is not None and pre[1] in ("<", "<=") and scomp == "<=" and pre[1] != scomp:
        return "<=", True
    if pre is None or pre[1] == scomp or scomp in (">=", "<="):
        return scomp, False
    return comp, False


def _inclusive_after(t: _Text, comp: str, qend: int) -> tuple[str, int, str | None]:
    """超过50人(含50人) → >=; 1亿元以下(不含) → <. The mark joins the quantity's text.

    Returns the comparator, the new end and ``inclusive``/``exclusive`` (or None).
    """
    j = qend + 1 if t.s.startswith(" ", qend) else qend
    m = t.lex.inclusive_re.match(t.s, j)
    if m is None:
        return comp, qend, None
    if m.group("neg"):
        return _exclusive(comp), m.end(), "exclusive"
    return _inclusive(comp), m.end(), "inclusive"


def _inclusive(comp: str) -> str:
    return {">": ">=", "<": "<="}.get(comp, comp)


def _exclusive(comp: str) -> str:
    return {">=": ">", "<=": "<"}.get(comp, comp)


def _per_unit(t: _Text, lo: int, i: int, unit_per: str | None) -> str | None:
    """每人每年5000元 → person_year: the 每 words between the previous number and this one, in its clause."""
    lo = max(lo, i - 40)
    if t.s.find(t.lex.per_every, lo, i) < 0:  # every per word is a 每 word or needs one before it
        return unit_per
    words: list[tuple[int, str]] = []
    every = False
    for m in t.lex.per_re.finditer(t.s, lo, i):
        per, needs_every = t.lex.per[m.group(0)]
        if every or not needs_every:
            words.append((m.start(), per))
        every = every or not needs_every
    # 每培训1人给予2000元, 每租满1年补贴6000元: per that one when a granting verb stands between
    # (每引进1名年收入不少于50万元的人才 bounds the one; it is no rate)
    ones = t.lex.per_one_re.finditer(t.s, lo, i)
    granted = [m for m in ones if t.lex.beneficiary_verb_re.search(t.s, m.end(), i)]
    words += [(m.start(), t.lex.per_one[m.group("unit") or m.group("period")]) for m in granted]
    found: list[str] = []
    for _, per in sorted(words):
        if per not in found:
            found.append(per)
    if unit_per and unit_per not in found:
        found.append(unit_per)
    return "_".join(found) if found else None


def _change(t: _Text, clause_start: int, i: int, floor: int) -> str | None:
    """Direction of change named by a verb just before the number, if any."""
    s, lex = t.s, t.lex
    lo = max(clause_start, floor, i - lex.change_window)
    cut = s.rfind(lex.change_list_break, lo, i)
    if cut >= 0:
        lo = cut + 1
    last = None
    for m in lex.change_re.finditer(s, lo, i):
        if len(m.group(0)) == 1 and m.end() != i:
            continue  # 降, 增: only right before the number
        last = m
    if last is None or s.startswith(lex.change_level_after, last.end()):
        return None  # no change word, or 降至1%: a level
    return lex.change_kind[last.group(0)]


def _aspirational(t: _Text, sent_start: int, i: int) -> bool:
    """力争/争取 mark a target as aspirational within the marker's clause.

    A marker whose clause holds only a horizon (力争到2025年,) frames the rest
    of the sentence.
    """
    k = bisect.bisect_left(t.asp_pos, i)
    for _ in range(_ASPIRATION_LOOKBACK):
        if k == 0:
            break
        k -= 1
        pos, end = t.asp[k]
        if pos < sent_start:
            break
        if end > i:
            continue
        c_start, c_end = t.clause(pos)
        if c_start <= i < c_end + 1:
            return True
        rest = t.s[end:c_end]
        if len(rest) <= 12 and (t.lex.year_re.search(rest) or t.lex.period_re.search(rest)):
            return True
    return False


def _target_year(t: _Text, sent_start: int, i: int) -> tuple[int | None, int | None]:
    """The last year, period or relative year named in the sentence before ``i``."""
    k = bisect.bisect_left(t.year_pos, i)
    while k > 0:
        k -= 1
        pos, end, val = t.years[k]
        if pos < sent_start:
            return None, None
        if end <= i:
            return val
    return None, None


def _finish(
    t: _Text,
    r: _Raw,
    start: int,
    end: int,
    value: float,
    *,
    hi: float | None = None,
    unit_zh: str | None = None,
    floor: int = 0,
    flags: tuple[str, ...] = (),
) -> Quantity | None:
    """The ``Quantity`` for the number(s) at ``start:end`` read with ``r``'s unit."""
    if r.unit is None:
        return None
    sent_start, sent_end = t.sentence(start)
    clause_start, _ = t.clause(start)
    pre = _prefix_before(t, start, clause_start, r.unit, floor)
    suf = _suffix_at(t, end, r.unit) or _suffix_after_bracket(t, end, r.unit) or _suffix_after_noun(t, end, r.unit)
    comp, double = _comparator(pre, suf, r.more, hi is not None)
    qstart = pre[2] if pre is not None and pre[3] else start
    qend = end + len(suf[0]) if suf is not None else end
    comp, qend, mark = _inclusive_after(t, comp, qend)
    year, rel = _target_year(t, sent_start, qstart)
    baseline = t.s.startswith(t.lex.baseline, qend)
    return Quantity(
        value=_tidy(value),
        unit=r.unit,
        comparator=comp,
        text=t.source[qstart:qend],
        start=qstart,
        end=qend,
        unit_zh=unit_zh if unit_zh is not None else r.unit_zh,
        value_max=_tidy(hi) if hi is not None else None,
        per_unit=_per_unit(t, max(clause_start, floor), qstart, r.per),
        aspirational=(not baseline) and _aspirational(t, sent_start, qstart),
        change=_change(t, clause_start, qstart, floor),
        target_year=year,
        relative_year=rel,
        double_marker=double,
        baseline=baseline,
        sentence_start=sent_start,
        sentence_end=sent_end,
        number_text=r.number_text,
        flags=(*flags, *(f for f in ("double_marker" if double else None, mark) if f)),
        comparator_word=pre[0] if pre is not None else (suf[0] if suf is not None else ""),
    )


def _tidy(v: float) -> float:
    """Drop binary noise (7.31 * 0.01 = 0.07310000000000001) so that outputs are stable."""
    return float(f"{v:.12g}")


def _share_list_comparators(t: _Text, qs: list[Quantity]) -> None:
    """A comparator written once for a list applies to each item.

    Forward from the first item (分别最高给予1000万元、300万元; 首次突破5000万、1亿),
    backward from the last (达到500万元、1000万元、3000万元以上). Only items with
    no comparator of their own, the same unit, and a list separator between.
    """
    lists = t.lex.lists
    joined = [
        i
        for i in range(len(qs) - 1)
        if qs[i].unit == qs[i + 1].unit and t.s[qs[i].end : qs[i + 1].start].strip() in lists
    ]
    for i in joined:  # forward
        a, b = qs[i], qs[i + 1]
        if b.per_unit is None and a.per_unit is not None:
            b.per_unit = a.per_unit  # 每家企业分别给予20万元、10万元
        if a.comparator in ("<=", ">=", "<", ">") and b.comparator == "=" and "shared_from_last" not in a.flags:
            b.comparator = _marked(a.comparator, b.flags)
            b.flags = (*b.flags, "shared_comparator")
    for i in reversed(joined):  # backward
        a, b = qs[i], qs[i + 1]
        if b.comparator in ("<=", ">=", "<", ">") and a.comparator == "=":
            a.comparator = _marked(b.comparator, a.flags)
            a.flags = (*a.flags, "shared_comparator", "shared_from_last")


def _marked(comp: str, flags: tuple[str, ...]) -> str:
    """A shared comparator, adjusted by the item's own (含) or (不含)."""
    if "inclusive" in flags:
        return _inclusive(comp)
    if "exclusive" in flags:
        return _exclusive(comp)
    return comp


# ------------------------------------------------------------------ 3. words and ratios


def _word_quantities(t: _Text) -> list[Quantity]:
    """翻一番, 翻两番, 一半."""
    out = []
    for m in t.lex.word_re.finditer(t.s):
        value, unit = t.lex.words[m.group(0)]
        r = _Raw(m.start(), m.end(), value, 1.0, unit, m.group(0), cn=True, number_text=m.group(0))
        q = _finish(t, r, m.start(), m.end(), value)
        if q is not None:
            out.append(q)
    return out


def _cn_decimal(text: str) -> float | None:
    """Value of 三十, 二点五 or 12.5."""
    if text[0].isdigit():
        return float(text)
    whole, _, frac = text.partition(DECIMAL_POINT)
    w = cn_to_int(whole)
    if w is None:
        return None
    if not frac:
        return float(w)
    digits = "".join(str(cn_to_int(ch) or 0) for ch in frac)
    return float(f"{w}.{digits}")


def _word_shares(t: _Text) -> list[Quantity]:
    """百分之三十, 千分之五."""
    out = []
    for m in t.lex.share_re.finditer(t.s):
        prefix, number = m.group(1), m.group(2)
        value = _cn_decimal(number)
        if value is None:
            continue
        unit, factor = t.lex.shares[prefix]
        r = _Raw(m.start(), m.end(), value, 1.0, unit, prefix, factor=factor, cn=True, number_text=m.group(0))
        q = _finish(t, r, m.start(), m.end(), value * factor)
        if q is not None:
            out.append(q)
    return out


_NUM_TAIL = re.compile(r"[\d.]+\s*$")


def _ratios(t: _Text) -> list[Quantity]:
    """1∶1 (比例分担); an ASCII colon only before 比例/配套 (the pattern says so)."""
    out = []
    s = t.s
    for c in t.lex.ratio_mark_re.finditer(s):
        k = c.start()
        head = _NUM_TAIL.search(s, max(0, k - 12), k)
        if head is None:
            continue
        m = t.lex.ratio_re.match(s, head.start())
        if m is None or t.never.covers(m.start(), m.end()):
            continue
        a = float(m.group("a") or m.group("c"))
        b = float(m.group("b") or m.group("d"))
        if b == 0:
            continue
        r = _Raw(m.start(), m.end(), a / b, 1.0, "ratio", m.group(0), number_text=m.group(0))
        q = _finish(t, r, m.start(), m.end(), a / b)
        if q is not None:
            out.append(q)
    return out


def _search(text: str) -> list[Quantity]:
    if not text:
        return []
    t = _Text(text)
    out = _assemble(t, _scan(t))
    _share_list_comparators(t, out)
    out += _word_quantities(t)
    out += _word_shares(t)
    out += _ratios(t)
    out.sort(key=lambda q: (q.start, q.end))
    return out
