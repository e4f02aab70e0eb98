"""Load and check the wording files in ``policystats/extract/data``.

The wording that the parsers use (clutter lines, item markers, comparators,
units, categories, indicators, agencies …) lives in YAML and CSV files so that
adding a synonym means editing data, not code. ``validate_all()`` checks every
file against the small contract below; a test runs it.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from typing import Any

import yaml

from .. import paths
from ..errors import LexiconError

# libyaml's safe loader when PyYAML was built with it: ten times faster at start-up.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FILES = (
    "cleaning.yaml",
    "structure.yaml",
    "agencies.yaml",
    "quantities.yaml",
    "classification.yaml",
    "catalog.yaml",
)


@cache
def load(name: str) -> Any:
    """Parsed content of a data file (cached)."""
    path = paths.CATALOG_VOCAB if name == paths.CATALOG_VOCAB.name else paths.LEXICON_DIR / name
    if not path.exists():
        raise LexiconError(f"lexicon file {path.name} is missing from {path.parent}")
    try:
        if name.endswith(".csv"):
            with path.open(encoding="utf-8", newline="") as fh:
                return list(csv.DictReader(fh))
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except (yaml.YAMLError, csv.Error) as exc:
        raise LexiconError(f"{path.name}: cannot parse ({exc})") from exc


def _need(cond: bool, where: str, msg: str) -> None:
    if not cond:
        raise LexiconError(f"{where}: {msg}")


def _labelled(entry: Any, where: str) -> None:
    _need(isinstance(entry, dict), where, "must be a mapping")
    for key in ("en", "zh"):
        _need(isinstance(entry.get(key), str) and entry[key].strip() != "", where, f"needs a non-empty '{key}' label")


def _regex(pattern: Any, where: str) -> None:
    _need(isinstance(pattern, str), where, "pattern must be a string")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise LexiconError(f"{where}: bad regex {pattern!r} ({exc})") from exc


def per_every(entries: list[dict]) -> str:
    """The prefix shared by every per word that needs no other before it (每人, 每年 … → 每)."""
    alone = [e["word"] for e in entries if not e.get("needs_every")]
    prefix = alone[0] if alone else ""
    for word in alone:
        while not word.startswith(prefix):
            prefix = prefix[:-1]
    if not prefix:
        raise LexiconError("quantities.yaml per_words: the words without needs_every must share a prefix (每)")
    return prefix


def validate_all() -> list[str]:
    """Check every data file; return the names checked. Raises LexiconError."""
    checked = []
    c = load("cleaning.yaml")
    for i, e in enumerate(c["clutter_lines"]):
        _labelled(e, f"cleaning.yaml clutter_lines[{i}]")
        _regex(e["pattern"], f"cleaning.yaml clutter_lines[{i}]")
    _labelled(c["index_card_line"], "cleaning.yaml index_card_line")
    _need(len(c["open_brackets"]) == len(c["close_brackets"]), "cleaning.yaml", "open/close brackets differ in length")
    checked.append("cleaning.yaml")

    s = load("structure.yaml")
    for i, e in enumerate(s["markers"] + s["inline_markers"]):
        _labelled(e, f"structure.yaml markers[{i}]")
        _regex(e["pattern"], f"structure.yaml markers[{i}]")
        _need("(?P<n>" in e["pattern"], f"structure.yaml markers[{i}]", "pattern needs a group named n")
    for key in ("annex_header", "annex_list_start", "date_line", "doc_number_line", "notice_title", "reply_title"):
        _regex(s[key], f"structure.yaml {key}")
    for role, e in s["heading_roles"].items():
        _labelled(e, f"structure.yaml heading_roles.{role}")
        _need(isinstance(e.get("titles"), list) and e["titles"], f"structure.yaml heading_roles.{role}", "needs titles")
    for kind, e in s["part_kinds"].items():
        _labelled(e, f"structure.yaml part_kinds.{kind}")
    checked.append("structure.yaml")

    a = load("agencies.yaml")
    for i, e in enumerate(a["functions"]):
        where = f"agencies.yaml functions[{i}]"
        _labelled(e, where)
        _need(isinstance(e.get("key"), str), where, "needs a key")
        _need(isinstance(e.get("aliases"), list) and e["aliases"], where, "needs aliases")
    for i, e in enumerate(a["levels"]):
        _labelled(e, f"agencies.yaml levels[{i}]")
    for i, e in enumerate(a["lead_patterns"]):
        _labelled(e, f"agencies.yaml lead_patterns[{i}]")
        _regex(e["pattern"], f"agencies.yaml lead_patterns[{i}]")
    keys = [e["key"] for e in a["functions"]]
    _need(len(keys) == len(set(keys)), "agencies.yaml", "duplicate function keys")
    checked.append("agencies.yaml")

    q = load("quantities.yaml")
    for section in ("comparators_prefix", "comparators_suffix"):
        for i, e in enumerate(q[section]):
            where = f"quantities.yaml {section}[{i}]"
            _labelled(e, where)
            _need(
                e.get("comparator") in {"=", ">", ">=", "<", "<=", "~"},
                where,
                f"bad comparator {e.get('comparator')!r}",
            )
            _need(isinstance(e.get("words"), list) and e["words"], where, "needs words")
    for key in ("count_nouns", "count_attributes", "money_context"):
        _labelled(q[key], f"quantities.yaml {key}")
        _need(isinstance(q[key].get("words"), list) and q[key]["words"], f"quantities.yaml {key}", "needs words")
    e, where = q["comparator_verb_gap"], "quantities.yaml comparator_verb_gap"
    _labelled(e, where)
    _need(isinstance(e.get("words"), list) and e["words"], where, "needs words")
    endings = e.get("noun_endings", [])
    _need(isinstance(endings, list) and all(isinstance(w, str) and w for w in endings), where,
          "noun_endings must be a list of words")  # fmt: skip
    e, where = q["comparator_beneficiary_verbs"], "quantities.yaml comparator_beneficiary_verbs"
    _labelled(e, where)
    _need(isinstance(e.get("words"), list) and e["words"], where, "needs words")
    _need(isinstance(e.get("units"), list) and set(e["units"]) <= UNITS, where, f"units must be among {sorted(UNITS)}")
    e = q["comparators_before_verbs"]
    _labelled(e, "quantities.yaml comparators_before_verbs")
    _need(e.get("comparator") in {">", ">=", "<", "<="}, "quantities.yaml comparators_before_verbs", "bad comparator")
    _need(isinstance(e.get("words"), list) and e["words"], "quantities.yaml comparators_before_verbs", "needs words")
    for i, e in enumerate(q["units"]):
        where = f"quantities.yaml units[{i}]"
        _labelled(e, where)
        _need(e.get("unit") in UNITS, where, f"unit must be one of {sorted(UNITS)}")
        _need(isinstance(e.get("words"), list) and e["words"], where, "needs words")
        for key in ("not_before", "only_before", "chinese_numerals_after"):
            after = e.get(key, [])
            _need(isinstance(after, list) and all(isinstance(w, str) and w for w in after), where,
                  f"{key} must be a list of words")  # fmt: skip
        for key in ("chinese_numerals_under", "chinese_numerals_bounded"):
            under = e.get(key, [])
            _need(set(under) <= {">", ">=", "<", "<=", "~"}, where, f"bad comparator in {key} {under!r}")
    for i, e in enumerate(q["never_quantity"]):
        where = f"quantities.yaml never_quantity[{i}]"
        _labelled(e, where)
        _regex(e["pattern"], where)
        _need(isinstance(e.get("example"), str) and bool(e["example"]), where, "needs an example the pattern masks")
    for i, e in enumerate(q["comparators_suffix"]):
        for u in e.get("only_after_units", []):
            _need(u in UNITS, f"quantities.yaml comparators_suffix[{i}]", f"unknown unit {u!r} in only_after_units")
    for i, e in enumerate(q["multipliers"]):
        _labelled(e, f"quantities.yaml multipliers[{i}]")
        _need(isinstance(e.get("factor"), int | float), f"quantities.yaml multipliers[{i}]", "needs a numeric factor")
    for key in ("never_quantity_window", "spaces_inside_max", "comparator_gap_max"):
        _need(isinstance(q.get(key), int), f"quantities.yaml {key}", "must be an integer")
    gt = q["comparator_gap_time"]
    _labelled(gt, "quantities.yaml comparator_gap_time")
    _need(all(isinstance(w, str) and len(w) == 1 for w in gt.get("particles", [])) and gt.get("particles"),
          "quantities.yaml comparator_gap_time", "particles must be single characters")  # fmt: skip
    _need(set(gt.get("comparators", [])) <= {">", ">=", "<", "<=", "~"}, "quantities.yaml comparator_gap_time",
          "bad comparator")  # fmt: skip
    for u in gt.get("units", []):
        _need(u in UNITS, "quantities.yaml comparator_gap_time", f"unknown unit {u!r}")
    labelled = ("arabic_number", "chinese_numeral_not_after", "more_than_infix", "aspiration_words")
    for key in (*labelled, "note_before_bound", "noun_before_bound", "per_one"):
        _labelled(q[key], f"quantities.yaml {key}")
    for key in ("arabic_number", "note_before_bound", "noun_before_bound", "per_one"):
        _regex(q[key]["pattern"], f"quantities.yaml {key}")
    nouns = q["noun_before_bound"].get("not_in_noun")
    _need(
        isinstance(nouns, list) and all(isinstance(w, str) and w for w in nouns),
        "quantities.yaml noun_before_bound",
        "not_in_noun needs a list of words",
    )
    per_one = q["per_one"]
    groups = "(?P<unit>" in per_one["pattern"] and "(?P<period>" in per_one["pattern"]
    _need(groups, "quantities.yaml per_one", "the pattern needs the groups unit and period")
    every = per_every(q["per_words"])
    _need(per_one["pattern"].startswith(every), "quantities.yaml per_one", f"the pattern must start with {every!r}")
    _need(isinstance(per_one.get("per"), dict) and per_one["per"], "quantities.yaml per_one", "needs a per map")
    checked.append("quantities.yaml")

    k = load("classification.yaml")
    cats = set()
    for code, e in k["categories"].items():
        _labelled(e, f"classification.yaml categories.{code}")
        cats.add(code)
    kinds = set(k["statement_kinds"])
    for code, e in k["statement_kinds"].items():
        _labelled(e, f"classification.yaml statement_kinds.{code}")
    for code, e in k["beneficiaries"].items():
        _labelled(e, f"classification.yaml beneficiaries.{code}")
        _need(isinstance(e.get("words"), list), f"classification.yaml beneficiaries.{code}", "needs words")
    seen = set()
    for i, e in enumerate(k["indicators"]):
        where = f"classification.yaml indicators[{i}] ({e.get('code')})"
        _labelled(e, where)
        _need(e.get("category") in cats, where, f"unknown category {e.get('category')!r}")
        _need(e.get("kind") in kinds, where, f"unknown statement kind {e.get('kind')!r}")
        for u in e.get("units", []):
            _need(u in UNITS, where, f"unknown unit {u!r}")
        for key in ("construction", "not_construction"):
            for c in e.get(key, []):
                _need(c in ("grant", "condition", "goal"), where, f"unknown construction {c!r} in {key}")
        seen.add(e["code"])
    for name, e in k["constructions"].items():
        if isinstance(e, dict):
            where = f"classification.yaml constructions.{name}"
            _labelled(e, where)
            _need(isinstance(e.get("words"), list) and e["words"], where, "needs words")
    t = k["threshold_syntax"]
    _labelled(t, "classification.yaml threshold_syntax")
    for key, words in t.items():
        if key not in ("en", "zh"):
            ok = isinstance(words, list) and words and all(isinstance(w, str) and w for w in words)
            _need(ok, f"classification.yaml threshold_syntax.{key}", "needs a list of non-empty words")
    for key in ("rule", "target", "permission", "strong_target", "task_deadline", "total_before_cap"):
        _labelled(k["kind_cues"][key], f"classification.yaml kind_cues.{key}")
    try:
        re.compile(k["kind_cues"]["task_deadline"]["pattern"])
    except (re.error, KeyError, TypeError) as exc:
        raise LexiconError(f"classification.yaml kind_cues.task_deadline: needs a valid pattern ({exc})") from exc
    for code, e in k["themes"].items():
        _labelled(e, f"classification.yaml themes.{code}")
        _need(e.get("policy_tool") in k["policy_tools"], f"classification.yaml themes.{code}", "unknown policy_tool")
    for code, e in k["policy_tools"].items():
        _labelled(e, f"classification.yaml policy_tools.{code}")
    checked.append("classification.yaml")

    p = load("catalog.yaml")
    for i, e in enumerate(p["provinces"]):
        _labelled(e, f"catalog.yaml provinces[{i}]")
    checked.append("catalog.yaml")
    return checked


UNITS = {
    "CNY",
    "USD",
    "percent",
    "percentage_point",
    "count",
    "day",
    "working_day",
    "month",
    "year",
    "multiple",
    "ratio",
    "hour",
    "square_metre",
    "other",
}
