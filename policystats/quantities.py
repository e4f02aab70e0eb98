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
(comparators, units, never-quantities …) is in ``policystats/data/quantities.yaml``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from . import _lexicon
from .clean import normalize_width
from .numerals import cn_to_int

MASK = "\x00"


@dataclass(frozen=True)
class Quantity:
    """One quantity as written, with its normalised value and where it came from."""

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
    never = re.compile("|".join(f"(?:{e['pattern']})" for e in q["never_quantity"]), re.M)
    words = sorted(q["word_quantities"], key=lambda e: -len(e["text"]))
    word_re = re.compile("|".join(re.escape(e["text"]) for e in words))
    per = sorted(((e["word"], e["per"], bool(e.get("needs_every"))) for e in q["per_words"]), key=lambda t: -len(t[0]))
    horizon = q["horizon"]
    return {
        "prefix": prefix,
        "prefix_re": re.compile("(?:" + "|".join(re.escape(w) for w, _ in prefix) + r")\s*$"),
        "suffix": suffix,
        "units": units,
        "multipliers": {e["word"]: float(e["factor"]) for e in q["multipliers"]},
        "never": never,
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
        "baseline": tuple(q["baseline_suffixes"]["words"]),
        "decrease": sorted(q["change_words"]["decrease"]["words"], key=len, reverse=True),
        "increase": sorted(q["change_words"]["increase"]["words"], key=len, reverse=True),
        "money": tuple(q["money_context"]["words"]),
        "more": tuple(q["more_than_infix"]["words"]),
        "count_nouns": sorted(q["count_nouns"]["words"], key=len, reverse=True),
        "ranges": tuple(q["range_separators"]),
        "lists": tuple(q["list_separators"]),
        "per": per,
        "year_re": re.compile(horizon["year_pattern"] + r"|((?:19|20)\d{2})(?=上半年|下半年)"),
        "periods": horizon["periods"],
        "relative": horizon["relative"],
        "period_re": re.compile("|".join(map(re.escape, list(horizon["periods"]) + list(horizon["relative"])))),
    }


NUMBER = re.compile(r"(?P<ar>\d+(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)|(?P<cn>[零〇一二两三四五六七八九十百千]+)")
SENTENCE_END = re.compile(r"[。;；!?！？\n]")
CLAUSE_END = re.compile(r"[。;；!?！？\n,，:：]")


def _mask(text: str) -> str:
    """``text`` with every never-quantity span replaced by NUL characters."""
    lex = _lex()
    if not text:
        return text
    chars = list(text)
    for m in lex["never"].finditer(text):
        for i in range(m.start(), m.end()):
            chars[i] = MASK
    return "".join(chars)


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
    for word, unit, factor, per, cn_ok in lex["units"]:
        if s.startswith(word, j):
            if number_is_cn and not cn_ok and not (cn_has_magnitude and unit in lex["cn_magnitude"]):
                return None
            return word, unit, factor, per
    return None


def _suffix_at(s: str, j: int):
    for word, comp in _lex()["suffix"]:
        if s.startswith(word, j):
            return word, comp
    return None


def _prefix_before(s: str, i: int, clause_start: int):
    """Comparator ending right before ``i`` (or before a short 的-phrase)."""
    lex = _lex()
    k = i
    while k > clause_start and s[k - 1] == " ":
        k -= 1
    for word, comp in lex["prefix"]:
        if k - len(word) >= clause_start and s.startswith(word, k - len(word)):
            return word, comp, k - len(word), True
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
    found: list[str] = []
    window = s[clause_start:i]
    pos = 0
    every = False
    while pos < len(window):
        for word, per, needs_every in _lex()["per"]:
            if window.startswith(word, pos):
                if (every or not needs_every) and per not in found:
                    found.append(per)
                every = every or not needs_every
                pos += len(word)
                break
        else:
            pos += 1
    if unit_per and unit_per not in found:
        found.append(unit_per)
    return "_".join(found) if found else None


def _change(s: str, clause_start: int, i: int, floor: int) -> str | None:
    """Direction of change named by a verb just before the number, if any."""
    lex = _lex()
    lo = max(clause_start, floor, i - 12)
    window = s[lo:i]
    cut = window.rfind("、")
    if cut >= 0:
        window = window[cut + 1 :]
    best = None  # (end position, kind, word)
    for kind in ("decrease", "increase"):
        for w in lex[kind]:
            p = window.rfind(w)
            if p < 0:
                continue
            if len(w) == 1 and p != len(window) - 1:
                continue
            if best is None or p + len(w) > best[0]:
                best = (p + len(w), kind, w)
    if best is None:
        return None
    if window[best[0] :].startswith(("至", "到")):
        return None  # 降至1%: a level, not a change
    return best[1]


def _aspirational(s: str, sent_start: int, i: int, clause_breaks: list[int], masked: str) -> bool:
    """力争/争取 mark a target as aspirational within the marker's clause.

    A marker whose clause holds only a horizon (力争到2025年,) frames the rest
    of the sentence.
    """
    window = s[sent_start:i]
    for w in _lex()["aspiration"]:
        p = window.rfind(w)
        if p < 0:
            continue
        pos = sent_start + p
        c_start, c_end = _span_of(clause_breaks, pos, len(s))
        if c_start <= i < c_end + 1:
            return True
        rest = masked[pos + len(w) : c_end]
        if len(rest) <= 10 and MASK in rest:
            return True
    return False


def _target_year(s: str, sent_start: int, i: int) -> tuple[int | None, int | None]:
    lex = _lex()
    window = s[sent_start:i]
    year, rel, last = None, None, -1
    for m in lex["year_re"].finditer(window):
        y = m.group(1) or m.group(2)
        if m.start() > last:
            year, rel, last = int(y), None, m.start()
    for m in lex["period_re"].finditer(window):
        if m.start() > last:
            word = m.group(0)
            if word in lex["periods"]:
                year, rel = int(lex["periods"][word]), None
            else:
                year, rel = None, int(lex["relative"][word])
            last = m.start()
    return year, rel


def _number_value(m: re.Match) -> float | None:
    if m.group("ar"):
        return float(m.group("ar").replace(",", ""))
    v = cn_to_int(m.group("cn"))
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


def _scan_number(s: str, masked: str, m: re.Match, sent: tuple[int, int]) -> _Raw | None:
    lex = _lex()
    value = _number_value(m)
    if value is None:
        return None
    cn = m.group("cn") is not None
    ns, j = m.start(), m.end()
    j = _skip_spaces(s, j)
    if ns > 0 and masked[ns - 1] in ("每",) and cn:
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
    cn_text = m.group("cn") or ""
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
        sentence = s[sent[0] : sent[1]]
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
    masked = _mask(s)
    sent_breaks = _bounds(s, SENTENCE_END)
    clause_breaks = _bounds(s, CLAUSE_END)
    n = len(s)

    raws: list[_Raw] = []
    for m in NUMBER.finditer(masked):
        sent = _span_of(sent_breaks, m.start(), n)
        r = _scan_number(s, masked, m, sent)
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
                q = _finish(s, masked, r.start, nxt.end, lo, nxt, sent_breaks, clause_breaks, hi=hi, floor=floor)
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
                        masked,
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
        q = _finish(s, masked, r.start, r.end, r.value * r.mult * r.factor, r, sent_breaks, clause_breaks, floor=floor)
        if q is not None:
            out.append(q)
            used_until = q.end
        k += 1

    out.extend(_word_quantities(s, masked, sent_breaks, clause_breaks))
    out.extend(_word_shares(s, masked, sent_breaks, clause_breaks))
    out.extend(_ratios(s, masked, sent_breaks, clause_breaks))
    out.sort(key=lambda q: (q.start, q.end))
    # Re-slice text from the caller's string so that text == source[start:end].
    return [_with_text(q, text) for q in out]


def _with_text(q: Quantity, source: str) -> Quantity:
    from dataclasses import replace

    return replace(q, text=source[q.start : q.end])


def _finish(
    s: str,
    masked: str,
    start: int,
    end: int,
    value: float,
    r: _Raw,
    sent_breaks: list[int],
    clause_breaks: list[int],
    hi: float | None = None,
    unit_zh: str | None = None,
    floor: int = 0,
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
    per = _per_unit(s, clause_start, qstart, r.per)
    year, rel = _target_year(s, sent_start, qstart)
    tail = s[qend : qend + 6]
    baseline = any(tail.startswith(w) for w in _lex()["baseline"])
    return Quantity(
        value=_tidy(value),
        unit=unit,
        comparator=comp,
        text=s[qstart:qend],
        start=qstart,
        end=qend,
        unit_zh=unit_zh if unit_zh is not None else r.unit_zh,
        value_max=_tidy(hi) if hi is not None else None,
        per_unit=per,
        aspirational=(not baseline) and _aspirational(s, sent_start, qstart, clause_breaks, masked),
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


def _word_quantities(s: str, masked: str, sent_breaks, clause_breaks) -> list[Quantity]:
    lex = _lex()
    out = []
    for m in lex["word_re"].finditer(masked):
        e = lex["words"][m.group(0)]
        r = _Raw(m.start(), m.end(), float(e["value"]), 1.0, e["unit"], m.group(0), 1.0, None, False, True, m.group(0))
        q = _finish(s, masked, m.start(), m.end(), float(e["value"]), r, sent_breaks, clause_breaks)
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


def _word_shares(s: str, masked: str, sent_breaks, clause_breaks) -> list[Quantity]:
    out = []
    lex = _lex()
    for m in lex["share_re"].finditer(masked):
        prefix, number = m.group(1), m.group(2)
        value = _cn_decimal(number)
        if value is None:
            continue
        unit, factor = next((u, f) for p, u, f in lex["shares"] if p == prefix)
        r = _Raw(m.start(), m.end(), value, 1.0, unit, prefix, factor, None, False, True, m.group(0))
        q = _finish(s, masked, m.start(), m.end(), value * factor, r, sent_breaks, clause_breaks)
        if q is not None:
            out.append(q)
    return out


def _ratios(s: str, masked: str, sent_breaks, clause_breaks) -> list[Quantity]:
    out = []
    for m in _lex()["ratio"].finditer(masked):
        a = float(m.group("a") or m.group("c"))
        b = float(m.group("b") or m.group("d"))
        if b == 0:
            continue
        r = _Raw(m.start(), m.end(), a / b, 1.0, "ratio", m.group(0), 1.0, None, False, False, m.group(0))
        q = _finish(s, masked, m.start(), m.end(), a / b, r, sent_breaks, clause_breaks)
        if q is not None:
            out.append(q)
    return out
