"""English and Chinese labels for every code in the table, and every word the reports show.

Codes of the table take their labels from the extraction wording files and the
catalog vocabulary; the rest (columns, units, comparators, chart texts, notes,
page titles and sections) lives in ``policystats/report/data/labels.yaml``.

>>> label("category", "award_level", "zh")
'奖补标准'
>>> comparator_sign(">=")
'≥'
>>> column("indicator", "zh"), text("no_number", "en")
('指标', '—')
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Any

from ..errors import PolicystatsError
from ..extract import _lexicon
from ..paths import REPORT_DATA_DIR

LANGS = ("en", "zh")
LABELS_FILE = REPORT_DATA_DIR / "labels.yaml"


class ParameterError(PolicystatsError, ValueError):
    """A notebook or function parameter has a value the package does not know."""


class LabelError(PolicystatsError):
    """labels.yaml lacks an entry or has one in one language only."""


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ParameterError(f"lang must be 'en' or 'zh', not {lang!r}")
    return lang


@cache
def data() -> dict[str, Any]:
    """The parsed labels.yaml (cached)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with LABELS_FILE.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def _pick(entry: dict[str, Any], lang: str, where: str) -> str:
    try:
        return entry[lang]
    except (KeyError, TypeError):
        raise LabelError(f"labels.yaml: {where} has no {lang!r} text") from None


def _entry(section: str, key: str) -> dict[str, Any]:
    try:
        return data()[section][key]
    except KeyError:
        raise LabelError(f"labels.yaml: no entry {key!r} under {section!r}") from None


def text(key: str, lang: str, **fields: Any) -> str:
    """A short text of the pages (``text:`` in labels.yaml), with its placeholders filled."""
    out = _pick(_entry("text", key), check_lang(lang), f"text.{key}")
    return out.format(**fields) if fields else out


def column(name: str, lang: str) -> str:
    """The display name of a table column."""
    return _pick(_entry("columns", name), check_lang(lang), f"columns.{name}")


def chart_title(key: str, lang: str) -> str:
    return _pick(_entry("charts", key), check_lang(lang), f"charts.{key}")


def note(key: str, lang: str, **fields: Any) -> str:
    return _pick(_entry("notes", key), check_lang(lang), f"notes.{key}").format(**fields)


def page(name: str) -> dict[str, Any]:
    """Title, intro and sections of a notebook's page."""
    try:
        return data()["pages"][name]
    except KeyError:
        raise LabelError(f"labels.yaml: no page {name!r} under 'pages'") from None


def short_indicator(code: str, lang: str) -> str:
    """A short name for charts; the indicator's label when it has none."""
    entry = data()["short_indicators"].get(code)
    return entry[check_lang(lang)] if entry else label("indicator", code, lang)


def topic_words(category: str) -> tuple[str, ...]:
    """Words by which a measure speaks of ``category``'s topic (``topic_words`` in labels.yaml)."""
    return tuple(data()["topic_words"].get(category, ()))


def comparator_sign(code: str) -> str:
    return data()["comparator_signs"].get(code, code)


def boolean(key: str, lang: str) -> str:
    return _pick(_entry("booleans", key), check_lang(lang), f"booleans.{key}")


@cache
def _tables() -> dict[str, dict[str, tuple[str, str]]]:
    cls = _lexicon.load("classification.yaml")
    prov = _lexicon.load("catalog.yaml")
    struct = _lexicon.load("structure.yaml")
    agencies = _lexicon.load("agencies.yaml")
    mine = data()

    def pairs(entries: dict[str, Any]) -> dict[str, tuple[str, str]]:
        return {c: (e["en"], e["zh"]) for c, e in entries.items()}

    t: dict[str, dict[str, tuple[str, str]]] = {
        "category": pairs(cls["categories"]),
        "statement_kind": pairs(cls["statement_kinds"]),
        "beneficiary": pairs(cls["beneficiaries"]),
        "theme": pairs(cls["themes"]),
        "policy_tool": pairs(cls["policy_tools"]),
        "programme": pairs(cls["programmes"]),
        "level": pairs(prov["levels"]),
        "genre": pairs(prov["genres"]),
        "nature": pairs(prov["statement_natures"]),
        "role": pairs(struct["heading_roles"]),
        "unit": pairs(mine["units"]),
        "comparator_role": pairs(mine["comparator_roles"]),
        "basis": pairs(mine["payment_bases"]),
        "share_kind": pairs(mine["procurement_share_kinds"]),
    }
    t["indicator"] = {}
    for e in cls["indicators"]:
        t["indicator"].setdefault(e["code"], (e["en"], e["zh"]))
    t["tier"] = {}
    for e in cls["tiers"]:
        for zh, en in zip(e["zh"], e["en"], strict=True):
            t["tier"][zh] = (en, zh)
    t["agency"] = {f["key"]: (f["en"], f["zh"]) for f in agencies["functions"]}
    for kind, entries in mine["code_labels"].items():
        t.setdefault(kind, {}).update(pairs(entries))
    return t


def label(kind: str, code: Any, lang: str = "en") -> str:
    """The label of ``code`` in ``lang``; the code itself if it has none; "" for a missing value."""
    if not isinstance(code, str):
        import pandas as pd

        return "" if code is None or pd.isna(code) else str(code)
    if kind == "comparator":
        return comparator_sign(code)
    pair = _tables().get(kind, {}).get(code)
    if pair is None:
        return code
    return pair[0] if lang == "en" else pair[1]


def per_unit_label(code: Any, lang: str = "en") -> str:
    """'per person per year' / '每人每年' for person_year.

    >>> per_unit_label("person_year", "zh"), per_unit_label("kWh", "en")
    ('每人每年', 'per kWh')
    """
    if not isinstance(code, str) or not code:
        return ""
    table, prefix = data()["per_units"], data()["per_prefix"][check_lang(lang)]
    parts = ["two_years"] if code == "two_years" else code.split("_")
    names = [table[p][lang] if p in table else p for p in parts]
    return (" " if lang == "en" else "").join(f"{prefix}{n}" for n in names)


def unit_suffix(unit: str, lang: str, value: float | None = None) -> str:
    """What follows a number of ``unit`` in a cell: '%', ' days', '个工作日' … (' day' after exactly 1)."""
    entry = data()["units"].get(unit)
    if entry is None:
        return f" {unit}"
    if value == 1 and f"suffix_{lang}_one" in entry:
        return entry[f"suffix_{lang}_one"]
    return entry[f"suffix_{lang}"]


# ------------------------------------------------------------------ checks


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def validate() -> list[str]:
    """Check labels.yaml: every entry in both languages, the same placeholders in both. Returns the sections."""
    d = data()
    sections = ("comparator_roles", "units", "money_units", "per_units", "payment_bases", "booleans", "columns")
    for section in (*sections, "short_indicators"):
        for key, entry in d[section].items():
            for lang in LANGS:
                value = entry.get(lang) if isinstance(entry, dict) else None
                if not isinstance(value, str) or not value.strip():
                    raise LabelError(f"labels.yaml: {section}.{key} needs a non-empty {lang!r} text")
    for section in ("text", "charts", "notes", "procurement_share_kinds"):
        for key, entry in d[section].items():
            en, zh = _pick(entry, "en", f"{section}.{key}"), _pick(entry, "zh", f"{section}.{key}")
            if _fields(en) != _fields(zh):
                raise LabelError(
                    f"labels.yaml: {section}.{key} has placeholders {_fields(en)} in en, {_fields(zh)} in zh"
                )
    for kind, entries in d["code_labels"].items():
        for key, entry in entries.items():
            for lang in LANGS:
                _pick(entry, lang, f"code_labels.{kind}.{key}")
    for lang in LANGS:
        _pick(d["per_prefix"], lang, "per_prefix")
    for name, p in d["pages"].items():
        for part in ("title", "intro"):
            en, zh = _pick(p[part], "en", f"pages.{name}.{part}"), _pick(p[part], "zh", f"pages.{name}.{part}")
            if _fields(en) != _fields(zh):
                raise LabelError(f"labels.yaml: pages.{name}.{part} has different placeholders in en and zh")
        for key, entry in p["sections"].items():
            if not re.fullmatch(r"[a-z_]+", key):
                raise LabelError(f"labels.yaml: pages.{name}.sections.{key} is not a plain identifier")
            for lang in LANGS:
                _pick(entry, lang, f"pages.{name}.sections.{key}")
    return sorted(d)
