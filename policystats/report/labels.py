"""English and Chinese labels for every code in the table.

>>> label("category", "award_level", "zh")
'奖补标准'
>>> label("comparator", ">=", "en")
'≥'
"""

from __future__ import annotations

from functools import cache

from ..errors import PolicystatsError
from ..extract import _lexicon

LANGS = ("en", "zh")
COMPARATOR_SYMBOLS = {"=": "=", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "~": "≈", "between": "–"}
COMPARATOR_ROLES = {
    "en": {">=": "floor", ">": "floor", "<=": "cap", "<": "cap", "~": "approximate", "=": "exact", "between": "range"},
    "zh": {">=": "下限", ">": "下限", "<=": "上限", "<": "上限", "~": "约数", "=": "确数", "between": "区间"},
}
UNIT_LABELS = {
    "CNY": ("yuan", "元"),
    "USD": ("US dollars", "美元"),
    "percent": ("%", "%"),
    "percentage_point": ("percentage points", "个百分点"),
    "count": ("count", "个数"),
    "day": ("days", "天"),
    "working_day": ("working days", "个工作日"),
    "month": ("months", "个月"),
    "year": ("years", "年"),
    "multiple": ("times", "倍"),
    "ratio": ("ratio", "比例"),
}


class ParameterError(PolicystatsError, ValueError):
    """A notebook or function parameter has a value the package does not know."""


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ParameterError(f"lang must be 'en' or 'zh', not {lang!r}")
    return lang


@cache
def _tables() -> dict[str, dict[str, tuple[str, str]]]:
    cls = _lexicon.load("classification.yaml")
    prov = _lexicon.load("catalog.yaml")
    struct = _lexicon.load("structure.yaml")
    t: dict[str, dict[str, tuple[str, str]]] = {}
    for kind in ("categories", "statement_kinds", "beneficiaries", "themes", "policy_tools", "programmes"):
        t[kind.rstrip("s") if kind != "statement_kinds" else "statement_kind"] = {
            c: (e["en"], e["zh"]) for c, e in cls[kind].items()
        }
    t["category"] = t.pop("categorie")
    t["indicator"] = {}
    for e in cls["indicators"]:
        t["indicator"].setdefault(e["code"], (e["en"], e["zh"]))
    t["indicator"]["unclassified"] = ("Unclassified", "未归类")
    t["level"] = {c: (e["en"], e["zh"]) for c, e in prov["levels"].items()}
    t["role"] = {c: (e["en"], e["zh"]) for c, e in struct["heading_roles"].items()} | {"measure": ("measure", "措施")}
    t["unit"] = UNIT_LABELS
    t["tier"] = {}
    for e in cls["tiers"]:
        for zh, en in zip(e["zh"], e["en"], strict=True):
            t["tier"][zh] = (en, zh)
    agencies = _lexicon.load("agencies.yaml")
    t["agency"] = {f["key"]: (f["en"], f["zh"]) for f in agencies["functions"]} | {
        "other": ("Other agency", "其他单位")
    }
    return t


PER_UNIT = {
    "person": ("person", "人"),
    "firm": ("firm", "户"),
    "year": ("year", "年"),
    "two_years": ("two years", "两年"),
    "month": ("month", "月"),
    "week": ("week", "周"),
    "day": ("day", "天"),
    "kWh": ("kWh", "千瓦时"),
    "m3": ("m³", "立方米"),
    "tonne": ("tonne", "吨"),
}


def per_unit_label(code: str | None, lang: str = "en") -> str:
    """'per person per year' / '每人每年' for person_year.

    >>> per_unit_label("person_year", "zh"), per_unit_label("kWh", "en")
    ('每人每年', 'per kWh')
    """
    if not isinstance(code, str) or not code:
        return ""
    parts = ["two_years"] if code == "two_years" else code.split("_")
    names = [PER_UNIT.get(p, (p, p)) for p in parts]
    if lang == "en":
        return " ".join(f"per {en}" for en, _ in names)
    return "".join(f"每{zh}" for _, zh in names)


def label(kind: str, code: str | None, lang: str = "en") -> str:
    """The label of ``code`` in ``lang``; the code itself if it has none."""
    if not isinstance(code, str):
        import pandas as pd

        return "" if code is None or pd.isna(code) else str(code)
    if kind == "comparator":
        return COMPARATOR_SYMBOLS.get(code, code)
    if kind == "comparator_role":
        return COMPARATOR_ROLES[lang].get(code, code)
    pair = _tables().get(kind, {}).get(code)
    if pair is None:
        return str(code)
    return pair[0] if lang == "en" else pair[1]
