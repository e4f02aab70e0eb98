"""Parse the responsibility brackets that name lead and partner agencies.

Three shapes occur in the seeds and in most local documents:

* ``〔市工业和信息化局牵头负责〕`` (one lead);
* ``（省经济和信息化委牵头，省科技厅、财政厅等相关单位参与）`` (a lead and partners);
* ``（责任单位：区发改局、区市场监管局。列首位的为牵头单位，下同）`` (a list).

>>> r = parse_responsibility("省金融办牵头,省经济和信息化委、财政厅等相关单位参与")
>>> r.lead, r.others, r.lead_rule
('省金融办', ['省经济和信息化委', '财政厅'], 'explicit')
>>> agency_function("区经科信局")[0]
'industry_it'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from . import _lexicon

OPEN = "(〔【（"
CLOSE = ")〕】）"
PAIRS = dict(zip(OPEN, CLOSE, strict=True))


@dataclass
class Responsibility:
    """Who is responsible for a measure."""

    lead: str | None
    others: list[str] = field(default_factory=list)
    lead_rule: str = "none"  # explicit | first_listed_declared | first_listed_convention | none
    declares_first_lead: bool = False
    carry_forward: bool = False
    text: str = ""

    @property
    def all(self) -> list[str]:
        return ([self.lead] if self.lead else []) + self.others


@cache
def _lex():
    a = _lexicon.load("agencies.yaml")
    patterns = [(re.compile(e["pattern"]), e["lead"]) for e in a["lead_patterns"]]
    aliases = sorted(
        ((alias, f["key"], f["en"], f["zh"]) for f in a["functions"] for alias in f["aliases"]),
        key=lambda t: -len(t[0]),
    )
    levels = {e["prefix"]: (e["level"], e["en"], e["zh"]) for e in a["levels"]}
    return {
        "patterns": patterns,
        "aliases": aliases,
        "levels": levels,
        "declarations": tuple(a["first_listed_declarations"]),
        "carry": tuple(a["carry_forward_words"]),
        "strip": tuple(a["strip_suffixes"]),
    }


def split_names(text: str) -> list[str]:
    """Split a list of agency names on 、 and commas outside brackets."""
    names, depth, cur = [], 0, []
    for ch in text:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        if depth == 0 and ch in "、,，;；":
            names.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    names.append("".join(cur))
    lex = _lex()
    out = []
    for n in names:
        n = n.strip().strip("。.")
        for s in lex["strip"]:
            if n.endswith(s):
                n = n[: -len(s)]
        if n:
            out.append(n)
    return out


def parse_responsibility(content: str) -> Responsibility | None:
    """Interpret the inside of a bracket; None if it names no agencies."""
    lex = _lex()
    text = content.strip()
    declares = any(d in text for d in lex["declarations"])
    carry = declares and any(c in text for c in lex["carry"])
    core = text
    if declares:
        # The list comes before the declaration sentence.
        for sep in ("。", ".", ";", "；"):
            if sep in core:
                core = core.split(sep)[0]
                break
    for pattern, lead_kind in lex["patterns"]:
        m = pattern.match(core)
        if not m:
            continue
        groups = m.groupdict()
        lead = groups.get("lead")
        others = split_names(groups.get("others") or "")
        if lead_kind == "explicit":
            return Responsibility(lead.strip(), others, "explicit", declares, carry, text)
        if lead_kind == "first_listed" and others:
            rule = "first_listed_declared" if declares else "first_listed_convention"
            return Responsibility(others[0], others[1:], rule, declares, carry, text)
        return Responsibility(None, others, "none", declares, carry, text)
    return None


def trailing_bracket(text: str) -> tuple[int, int] | None:
    """Span of the bracket group that ends ``text`` (ignoring trailing 。 and spaces)."""
    end = len(text)
    while end > 0 and text[end - 1] in " 。.\n":
        end -= 1
    if end == 0 or text[end - 1] not in CLOSE:
        return None
    depth = 0
    for i in range(end - 1, -1, -1):
        ch = text[i]
        if ch in CLOSE:
            depth += 1
        elif ch in OPEN:
            depth -= 1
            if depth == 0:
                return i, end
    return None


def find_responsibility(text: str) -> tuple[Responsibility, tuple[int, int]] | None:
    """The responsibility bracket at the end of a measure's text, if any."""
    span = trailing_bracket(text)
    if span is None:
        return None
    a, b = span
    resp = parse_responsibility(text[a + 1 : b - 1])
    return (resp, span) if resp else None


def agency_function(name: str) -> tuple[str, str, str]:
    """``(key, english, chinese)`` of the function an agency name contains."""
    for alias, key, en, zh in _lex()["aliases"]:
        if alias in name:
            return key, en, zh
    other = _lexicon.load("agencies.yaml")["other_function"]
    return other["key"], other["en"], other["zh"]


def agency_level(name: str, default: str | None = None) -> str | None:
    """Administrative level from an agency name's prefix (省/市/区/县/各)."""
    levels = _lex()["levels"]
    if name[:1] in levels:
        return levels[name[0]][0]
    if name.endswith(tuple(_lexicon.load("agencies.yaml")["provincial_suffixes"])):
        return "province"
    return default


def agency_label_en(name: str, default_level: str | None = None) -> str:
    """An English label such as 'Municipal Industry and Information Technology'."""
    _, en, _ = agency_function(name)
    level = agency_level(name, default_level)
    prefix = {v[0]: v[1] for v in _lex()["levels"].values()}.get(level or "", "")
    return f"{prefix} {en}".strip()
