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
(comparators, units, never-quantities …) is in ``policystats/extract/data/quantities.yaml``.
"""

from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass, field
from functools import cache

from . import _lexicon
from .clean import normalize_width
from .numerals import cn_to_int


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


# ------------------------------------------------------------------ lexicon


@cache
def _lex():
    q = _lexicon.load("quantities.yaml")
    prefix = sorted(
        ((w, e["comparator"]) for e in q["comparators_prefix"] for w in e["words"]), key=lambda t: -len(t[0])
    )
    suffix = sorted(
        ((w, e["comparator"]) for e in q["comparators_suffix"] for w in e["words"]), key=lambda t: -len(t[0])
    )
    units = []
    for e in q["units"]:
        for w in e["words"]:
            units.append(
                (
                    normalize_width(w),
                    e["unit"],
                    float(e.get("factor", 1)),
                    e.get("per_unit"),
                    bool(e.get("chinese_numerals", False)),
                )
            )
    units.sort(key=lambda t: -len(t[0]))
    unit_map: dict[str, tuple] = {}
    for word, unit, factor, per, cn_ok in units:
        unit_map.setdefault(word, (unit, factor, per, cn_ok))
    never = re.compile("|".join(f"(?:{e['pattern']})" for e in q["never_quantity"]), re.M)
    phone_words = tuple(q["never_quantity_phone_words"])
    words = sorted(q["word_quantities"], key=lambda e: -len(e["text"]))
    word_re = re.compile("|".join(re.escape(e["text"]) for e in words))
    per = sorted(((e["word"], e["per"], bool(e.get("needs_every"))) for e in q["per_words"]), key=lambda t: -len(t[0]))
    horizon = q["horizon"]

    def alternation(words):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    return {
        "unit_re": re.compile(alternation(unit_map)),
        "unit_map": unit_map,
        "suffix_re": re.compile(alternation(w for w, _ in suffix)),
        "suffix_map": dict(suffix),
        "prefix_end_re": re.compile("(?:" + alternation(w for w, _ in prefix) + r")\s*$"),
        "prefix_map": dict(prefix),
        "prefix_max": max(len(w) for w, _ in prefix) + 2,
        "per_re": re.compile(alternation(e["word"] for e in q["per_words"])),
        "per_map": {e["word"]: (e["per"], bool(e.get("needs_every"))) for e in q["per_words"]},
        "prefix": prefix,
        "prefix_re": re.compile("(?:" + "|".join(re.escape(w) for w, _ in prefix) + r")\s*$"),
        "suffix": suffix,
        "units": units,
        "multipliers": {e["word"]: float(e["factor"]) for e in q["multipliers"]},
        "never": never,
        "never_anchored": never,
        "never_phone_words": phone_words,
        "never_phone_re": re.compile("|".join(map(re.escape, phone_words))),
        "never_next_chars": frozenset(q["never_quantity_next_chars"]),
        "words": {e["text"]: e for e in words},
        "word_re": word_re,
        "ratio": re.compile(q["ratio"]["pattern"]),
        "shares": [(e["prefix"], e["unit"], float(e["factor"])) for e in q["word_shares"]],
        "share_re": re.compile(
            "("
            + "|".join(re.escape(e["prefix"]) for e in q["word_shares"])
            + r")([零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?|\d+(?:\.\d+)?)"
        ),
        "cn_magnitude": set(q["chinese_numeral_needs_magnitude"]),
        "gap": int(q["comparator_gap_max"]),
        "double": q["double_marker_rule"]["comparator"],
        "aspiration": tuple(q["aspiration_words"]["words"]),
        "aspiration_re": re.compile("|".join(map(re.escape, q["aspiration_words"]["words"]))),
        "baseline": tuple(q["baseline_suffixes"]["words"]),
        "change_re": re.compile(
            "|".join(
                re.escape(w)
                for w in sorted(
                    q["change_words"]["decrease"]["words"] + q["change_words"]["increase"]["words"],
                    key=len,
                    reverse=True,
                )
            )
        ),
        "change_kind": {
            **{w: "decrease" for w in q["change_words"]["decrease"]["words"]},
            **{w: "increase" for w in q["change_words"]["increase"]["words"]},
        },
        "money": tuple(q["money_context"]["words"]),
        "ar_re": re.compile(r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?"),
        "cn_re": re.compile(
            r"[零〇一二两三四五六七八九十百千]+(?=["
            + re.escape(
                "".join(
                    sorted(
                        {w[0] for w in unit_map if w}
                        | {e["word"] for e in q["multipliers"]}
                        | set(q["more_than_infix"]["words"])
                    )
                )
            )
            + "])"
        ),
        "more": tuple(q["more_than_infix"]["words"]),
        "count_nouns": sorted(q["count_nouns"]["words"], key=len, reverse=True),
        "ranges": tuple(q["range_separators"]),
        "lists": tuple(q["list_separators"]),
        "per": per,
        "year_re": re.compile(horizon["year_pattern"]),
        "periods": horizon["periods"],
        "relative": horizon["relative"],
        "period_re": re.compile("|".join(map(re.escape, list(horizon["periods"]) + list(horizon["relative"])))),
    }


_SENTENCE_CHARS = frozenset("。;；!?！？\n")
CLAUSE_END = re.compile(r"[。;；!?！？\n,，:：]")


@dataclass
class _Ctx:
    """What one search needs about its text, computed once."""

    s: str
    sent_breaks: list[int]
    clause_breaks: list[int]
    year_pos: list[int]
    year_end: list[int]
    year_val: list[tuple[int | None, int | None]]
    asp_pos: list[int]
    asp_end: list[int]

    @classmethod
    def of(cls, s: str) -> _Ctx:
        lex = _lex()
        year_pos, year_end, year_val, asp_pos, asp_end = [], [], [], [], []
        periods, relative = lex["periods"], lex["relative"]
        for m in lex["year_re"].finditer(s):
            year_pos.append(m.start())
            year_end.append(m.end())
            year_val.append((int(m.group(1)), None))
        for m in lex["period_re"].finditer(s):
            word = m.group(0)
            val = (int(periods[word]), None) if word in periods else (None, int(relative[word]))
            k = bisect.bisect_left(year_pos, m.start())
            year_pos.insert(k, m.start())
            year_end.insert(k, m.end())
            year_val.insert(k, val)
        for m in lex["aspiration_re"].finditer(s):
            asp_pos.append(m.start())
            asp_end.append(m.end())
        clause = _bounds(s, CLAUSE_END)
        return cls(
            s,
            [p for p in clause if s[p] in _SENTENCE_CHARS],
            clause,
            year_pos,
            year_end,
            year_val,
            asp_pos,
            asp_end,
        )


class _Never:
    """Never-quantity spans near candidate numbers, found on demand.

    For a candidate number the never-quantity patterns are tried only where one
    could start: at the number, just before it (〔, 第, 届, 上一年 …), at its line
    start, or at 电话 and the like a little before it. Trying everywhere in the
    text is what made the first version slow.
    """

    BEFORE = frozenset("〔[［(（第届上下前次")
    NUMERALS = frozenset("一二三四五六七八九十")

    def __init__(self, s: str) -> None:
        lex = _lex()
        self.s = s
        self.rx = lex["never_anchored"]
        self.phone = lex["never_phone_words"]
        self.spans: list[tuple[int, int]] = []
        self.tried: set[int] = set()
        self.phone_pos = [m.start() for m in lex["never_phone_re"].finditer(s)]
        self.next_chars = lex["never_next_chars"]

    def _try(self, p: int) -> None:
        if p in self.tried or p < 0:
            return
        self.tried.add(p)
        m = self.rx.match(self.s, p)
        if m is not None and m.end() > p:
            self.spans.append((p, m.end()))

    def covers(self, a: int, b: int) -> bool:
        s = self.s
        # A never-quantity that starts at this number is followed by one of a few
        # characters (年 月 - + 强 …); most numbers are followed by a unit instead.
        j = b
        while j < len(s) and s[j] == " ":
            j += 1
        if j < len(s) and s[j] in self.next_chars:
            self._try(a)
        k = a - 1
        while k >= 0 and s[k] != "\n" and s[k].isspace():
            k -= 1
        if k < 0 or s[k] == "\n":
            self._try(k + 1)  # the number opens its line: item numbers (^ patterns)
        elif a - k <= 5:
            ch = s[k]
            if ch in self.BEFORE:
                self._try(k)
                if k >= 1 and s[k - 1] in self.BEFORE:
                    self._try(k - 1)
            if ch == "届":  # 七届二次: the session pattern starts at the numeral before 届
                j = k - 1
                while j >= 0 and s[j] in self.NUMERALS:
                    j -= 1
                if j < k - 1:
                    self._try(j + 1)
        if self.phone_pos:
            i = bisect.bisect_left(self.phone_pos, a) - 1
            while i >= 0 and self.phone_pos[i] >= a - 14:
                self._try(self.phone_pos[i])
                i -= 1
        for x, y in reversed(self.spans):
            if x < b and a < y:
                return True
            if x < a - 64:  # spans are found left to right and are short
                break
        return False


def _bounds(text: str, pattern: re.Pattern) -> list[int]:
    return [m.start() for m in pattern.finditer(text)]


def _span_of(breaks: list[int], pos: int, n: int) -> tuple[int, int]:
    i = bisect.bisect_left(breaks, pos)
    start = breaks[i - 1] + 1 if i > 0 else 0
    end = breaks[i] if i < len(breaks) else n
    return start, end


# ------------------------------------------------------------------ pieces


def _unit_at(s: str, j: int, number_is_cn: bool, cn_has_magnitude: bool = False):
    lex = _lex()
    m = lex["unit_re"].match(s, j)
    if m is None:
        return None
    word = m.group(0)
    unit, factor, per, cn_ok = lex["unit_map"][word]
    if number_is_cn and not cn_ok and not (cn_has_magnitude and unit in lex["cn_magnitude"]):
        return None
    return word, unit, factor, per


def _suffix_at(s: str, j: int):
    lex = _lex()
    m = lex["suffix_re"].match(s, j)
    return (m.group(0), lex["suffix_map"][m.group(0)]) if m else None


def _prefix_before(s: str, i: int, clause_start: int):
    """Comparator ending right before ``i`` (or before a short 的-phrase)."""
    lex = _lex()
    k = i
    while k > clause_start and s[k - 1] == " ":
        k -= 1
    lo = max(clause_start, k - lex["prefix_max"])
    m = lex["prefix_end_re"].search(s, lo, k)
    if m is not None:
        word = m.group(0).rstrip()
        return word, lex["prefix_map"][word], m.start(), True
    # 不超过设备、软件实际投资的30%: comparator, a short phrase ending in 的, the number.
    if k > clause_start and s[k - 1] == "的":
        lo = max(clause_start, k - 1 - lex["gap"] - 6)
        window = s[lo : k - 1]
        best = None
        for word, comp in lex["prefix"]:
            p = window.rfind(word)
            if p >= 0 and 0 < len(window) - (p + len(word)) <= lex["gap"]:
                if best is None or p + len(word) > best[2] + len(best[0]):
                    best = (word, comp, lo + p)
        if best:
            return best[0], best[1], best[2], False
    return None


def _per_unit(s: str, clause_start: int, i: int, unit_per: str | None) -> str | None:
    lex = _lex()
    found: list[str] = []
    every = False
    for m in lex["per_re"].finditer(s, clause_start, i):
        per, needs_every = lex["per_map"][m.group(0)]
        if (every or not needs_every) and per not in found:
            found.append(per)
        every = every or not needs_every
    if unit_per and unit_per not in found:
        found.append(unit_per)
    return "_".join(found) if found else None


def _change(s: str, clause_start: int, i: int, floor: int) -> str | None:
    """Direction of change named by a verb just before the number, if any."""
    lex = _lex()
    lo = max(clause_start, floor, i - 12)
    cut = s.rfind("、", lo, i)
    if cut >= 0:
        lo = cut + 1
    last = None
    for m in lex["change_re"].finditer(s, lo, i):
        word = m.group(0)
        if len(word) == 1 and m.end() != i:
            continue  # 降, 增: only right before the number
        last = m
    if last is None:
        return None
    if s.startswith(("至", "到"), last.end()):
        return None  # 降至1%: a level, not a change
    return lex["change_kind"][last.group(0)]


def _aspirational(ctx: _Ctx, sent_start: int, i: int) -> bool:
    """力争/争取 mark a target as aspirational within the marker's clause.

    A marker whose clause holds only a horizon (力争到2025年,) frames the rest
    of the sentence.
    """
    s = ctx.s
    lex = _lex()
    k = bisect.bisect_left(ctx.asp_pos, i)
    while k > 0:
        k -= 1
        pos, end = ctx.asp_pos[k], ctx.asp_end[k]
        if pos < sent_start:
            break
        if end > i:
            continue
        c_start, c_end = _span_of(ctx.clause_breaks, pos, len(s))
        if c_start <= i < c_end + 1:
            return True
        rest = s[end:c_end]
        if len(rest) <= 12 and (lex["year_re"].search(rest) or lex["period_re"].search(rest)):
            return True
    return False


def _target_year(ctx: _Ctx, sent_start: int, i: int) -> tuple[int | None, int | None]:
    """The last year, period or relative year named in the sentence before ``i``."""
    k = bisect.bisect_left(ctx.year_pos, i)
    while k > 0:
        k -= 1
        if ctx.year_pos[k] < sent_start:
            return None, None
        if ctx.year_end[k] <= i:
            return ctx.year_val[k]
    return None, None


def _number_value(m: re.Match) -> float | None:
    g = m.group()
    if g[0].isdigit():
        return float(g.replace(",", ""))
    v = cn_to_int(g)
    return float(v) if v is not None else None


# ------------------------------------------------------------------ scanning


@dataclass
class _Raw:
    start: int
    end: int  # end of number + multiplier + unit (+ 多/余)
    value: float
    mult: float
    unit: str | None
    unit_zh: str
    factor: float
    per: str | None
    more: bool  # 多/余 between number and unit
    cn: bool
    number_text: str


def _skip_spaces(s: str, j: int, limit: int = 2) -> int:
    """Skip up to ``limit`` spaces (raw text has 100 家, 189 号)."""
    k = j
    while k < len(s) and k - j < limit and s[k] == " ":
        k += 1
    return k if k < len(s) and s[k] != " " else j


_match_start = operator.methodcaller("start")


_YEAR_TAIL = ("年", "上半年", "下半年")


def _is_year(s: str, m: re.Match) -> bool:
    """2019 before 年: a year, never a quantity."""
    g = m.group()
    if len(g) != 4 or g[:2] not in ("19", "20") or not g.isdigit():
        return False
    j = m.end()
    while j < len(s) and s[j] == " ":
        j += 1
    return s.startswith(_YEAR_TAIL, j)


def _scan_number(s: str, m: re.Match, sent_breaks: list[int]) -> _Raw | None:
    lex = _lex()
    value = _number_value(m)
    if value is None:
        return None
    cn = not m.group()[0].isdigit()
    ns, j = m.start(), m.end()
    j = _skip_spaces(s, j)
    if ns > 0 and s[ns - 1] == "每" and cn:
        return None  # 每两年: a frequency, not a quantity
    if cn and ns > 0 and s[ns - 1] == "第":
        return None
    mult, mult_word = 1.0, ""
    if j < len(s) and s[j] in lex["multipliers"]:
        w = s[j]
        # 千 only before 元 (千瓦时 is a unit of energy)
        if w != "千" or s.startswith(("元", "美元"), j + 1):
            mult, mult_word = lex["multipliers"][w], w
            j = _skip_spaces(s, j + 1)
            if j < len(s) and s[j] in lex["multipliers"] and s[j] != "千":
                mult *= lex["multipliers"][s[j]]
                mult_word += s[j]
                j += 1
    more = False
    if j < len(s) and s[j] in lex["more"] and not s.startswith(("余额",), j):
        more = True
        j += 1
    cn_text = m.group() if cn else ""
    magnitude = cn and (bool(mult_word) or more or (len(cn_text) >= 2 and any(ch in "十百千" for ch in cn_text)))
    u = _unit_at(s, j, cn, magnitude)
    if u is not None:
        word, unit, factor, per = u
        return _Raw(ns, j + len(word), value, mult, unit, mult_word + word, factor, per, more, cn, m.group(0))
    if cn:
        return None
    if mult_word:
        # A bare 万/亿: count if a countable noun follows, money in a money context.
        for noun in lex["count_nouns"]:
            if s.startswith(noun, j):
                end = j + len(noun) if noun.startswith("(") else j
                return _Raw(ns, end, value, mult, "count", s[m.end() : end], 1.0, None, more, cn, m.group(0))
        a, b = _span_of(sent_breaks, ns, len(s))
        sentence = s[a:b]
        if any(w in sentence for w in lex["money"]):
            return _Raw(ns, j, value, mult, "CNY", mult_word, 1.0, None, more, cn, m.group(0))
        return None
    return _Raw(ns, j, value, mult, None, "", 1.0, None, more, cn, m.group(0))


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


def _search(text: str) -> list[Quantity]:
    if not text:
        return []
    lex = _lex()
    s = normalize_width(text)
    never = _Never(s)
    ctx = _Ctx.of(s)
    sent_breaks, clause_breaks = ctx.sent_breaks, ctx.clause_breaks

    raws: list[_Raw] = []
    # Arabic numbers and Chinese numerals (only before a unit, a multiplier or 多/余):
    # two simple scans sorted together are cheaper than one regex with alternatives.
    matches = list(lex["ar_re"].finditer(s))
    matches += lex["cn_re"].finditer(s)
    matches.sort(key=_match_start)
    for m in matches:
        if _is_year(s, m) or never.covers(m.start(), m.end()):
            continue
        r = _scan_number(s, m, sent_breaks)
        if r is not None:
            raws.append(r)

    out: list[Quantity] = []
    used_until = -1
    k = 0
    while k < len(raws):
        r = raws[k]
        if r.start < used_until:
            k += 1
            continue
        nxt = raws[k + 1] if k + 1 < len(raws) else None
        floor = raws[k - 1].end if k > 0 else 0
        # A range: 5%—20%, 5万元至20万元, 5—20万元.
        if nxt is not None:
            between = s[r.end : nxt.start].strip()
            if between in lex["ranges"] and nxt.unit is not None and (r.unit is None or r.unit == nxt.unit):
                lo = r.value * (r.mult if r.unit else nxt.mult) * (r.factor if r.unit else nxt.factor)
                hi = nxt.value * nxt.mult * nxt.factor
                q = _finish(s, text, r.start, nxt.end, lo, nxt, sent_breaks, clause_breaks, hi=hi, floor=floor, ctx=ctx)
                if q is not None:
                    out.append(q)
                used_until = q.end if q else nxt.end
                k += 2
                continue
        if r.unit is None:
            # A list sharing one unit: 5、10和20万元.
            j = k
            while j + 1 < len(raws) and raws[j].unit is None and s[raws[j].end : raws[j + 1].start] in lex["lists"]:
                j += 1
            if j > k and raws[j].unit is not None and s[raws[j - 1].end : raws[j].start] in lex["lists"]:
                donor = raws[j]
                for idx in range(k, j):
                    x = raws[idx]
                    val = x.value * donor.mult * donor.factor
                    q = _finish(
                        s,
                        text,
                        x.start,
                        x.end,
                        val,
                        donor,
                        sent_breaks,
                        clause_breaks,
                        unit_zh=donor.unit_zh,
                        floor=floor,
                    )
                    if q is not None:
                        out.append(q)
                k = j
                continue
            k += 1
            continue
        q = _finish(
            s, text, r.start, r.end, r.value * r.mult * r.factor, r, sent_breaks, clause_breaks, floor=floor, ctx=ctx
        )
        if q is not None:
            out.append(q)
            used_until = q.end
        k += 1

    out.extend(_word_quantities(s, text, sent_breaks, clause_breaks, ctx))
    out.extend(_word_shares(s, text, sent_breaks, clause_breaks, ctx))
    out.extend(_ratios(s, text, never, sent_breaks, clause_breaks, ctx))
    out.sort(key=lambda q: (q.start, q.end))
    return out


def _finish(
    s: str,
    source: str,
    start: int,
    end: int,
    value: float,
    r: _Raw,
    sent_breaks: list[int],
    clause_breaks: list[int],
    hi: float | None = None,
    unit_zh: str | None = None,
    floor: int = 0,
    ctx: _Ctx | None = None,
) -> Quantity | None:
    n = len(s)
    sent_start, sent_end = _span_of(sent_breaks, start, n)
    clause_start, _ = _span_of(clause_breaks, start, n)
    comp = "="
    flags: list[str] = []
    qstart, qend = start, end
    pre = _prefix_before(s, start, clause_start)
    suf = _suffix_at(s, end)
    if suf is not None:
        word, scomp = suf
        if word == "内" and r.unit not in ("day", "month", "year", "working_day"):
            suf = None
    double = False
    if pre is not None:
        word, pcomp, pstart, adjacent = pre
        comp = pcomp
        if adjacent:
            qstart = pstart
    if r.more:
        comp = ">" if comp == "=" else comp
    if suf is not None:
        word, scomp = suf
        qend = end + len(word)
        if pre is not None and pre[1] in (">", ">=") and scomp == ">=" and pre[1] != scomp:
            comp, double = _lex()["double"], True
            flags.append("double_marker")
        elif pre is not None and pre[1] in ("<", "<=") and scomp == "<=" and pre[1] != scomp:
            comp, double = "<=", True
            flags.append("double_marker")
        elif pre is None or pre[1] == scomp or scomp in (">=", "<="):
            comp = scomp
    if hi is not None:
        comp = "between"
    unit = r.unit
    if unit is None:
        return None
    ctx = ctx or _Ctx.of(s)
    per = _per_unit(s, clause_start, qstart, r.per)
    year, rel = _target_year(ctx, sent_start, qstart)
    tail = s[qend : qend + 6]
    baseline = any(tail.startswith(w) for w in _lex()["baseline"])
    return Quantity(
        value=_tidy(value),
        unit=unit,
        comparator=comp,
        text=source[qstart:qend],
        start=qstart,
        end=qend,
        unit_zh=unit_zh if unit_zh is not None else r.unit_zh,
        value_max=_tidy(hi) if hi is not None else None,
        per_unit=per,
        aspirational=(not baseline) and _aspirational(ctx, sent_start, qstart),
        change=_change(s, clause_start, qstart, floor),
        target_year=year,
        relative_year=rel,
        double_marker=double,
        baseline=baseline,
        sentence_start=sent_start,
        sentence_end=sent_end,
        number_text=r.number_text,
        flags=tuple(flags),
    )


def _tidy(v: float) -> float:
    """Drop binary noise (7.31 * 0.01 = 0.07310000000000001) so that outputs are stable."""
    return float(f"{v:.12g}")


def _word_quantities(s: str, source: str, sent_breaks, clause_breaks, ctx: _Ctx) -> list[Quantity]:
    lex = _lex()
    out = []
    for m in lex["word_re"].finditer(s):
        e = lex["words"][m.group(0)]
        r = _Raw(m.start(), m.end(), float(e["value"]), 1.0, e["unit"], m.group(0), 1.0, None, False, True, m.group(0))
        q = _finish(s, source, m.start(), m.end(), float(e["value"]), r, sent_breaks, clause_breaks, ctx=ctx)
        if q is not None:
            out.append(q)
    return out


def _cn_decimal(text: str) -> float | None:
    """Value of 三十, 二点五 or 12.5."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    whole, _, frac = text.partition("点")
    w = cn_to_int(whole)
    if w is None:
        return None
    if not frac:
        return float(w)
    digits = "".join(str(cn_to_int(ch) or 0) for ch in frac)
    return float(f"{w}.{digits}")


def _word_shares(s: str, source: str, sent_breaks, clause_breaks, ctx: _Ctx) -> list[Quantity]:
    out = []
    lex = _lex()
    for m in lex["share_re"].finditer(s):
        prefix, number = m.group(1), m.group(2)
        value = _cn_decimal(number)
        if value is None:
            continue
        unit, factor = next((u, f) for p, u, f in lex["shares"] if p == prefix)
        r = _Raw(m.start(), m.end(), value, 1.0, unit, prefix, factor, None, False, True, m.group(0))
        q = _finish(s, source, m.start(), m.end(), value * factor, r, sent_breaks, clause_breaks, ctx=ctx)
        if q is not None:
            out.append(q)
    return out


_COLON = re.compile("[∶:]")
_NUM_TAIL = re.compile(r"[\d.]+\s*$")


def _ratios(s: str, source: str, never: _Never, sent_breaks, clause_breaks, ctx: _Ctx) -> list[Quantity]:
    out = []
    rx = _lex()["ratio"]
    for c in _COLON.finditer(s):
        k = c.start()
        head = _NUM_TAIL.search(s, max(0, k - 12), k)
        if head is None:
            continue
        m = rx.match(s, head.start())
        if m is None or never.covers(m.start(), m.end()):
            continue
        a = float(m.group("a") or m.group("c"))
        b = float(m.group("b") or m.group("d"))
        if b == 0:
            continue
        r = _Raw(m.start(), m.end(), a / b, 1.0, "ratio", m.group(0), 1.0, None, False, False, m.group(0))
        q = _finish(s, source, m.start(), m.end(), a / b, r, sent_breaks, clause_breaks, ctx=ctx)
        if q is not None:
            out.append(q)
    return out
