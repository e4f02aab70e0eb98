"""Frames of codes (``compare``) shown in a language: cells such as ≥30% or ≤500万元, labelled columns.

Every function returns a :class:`Table`: a frame of plain strings (no ``None``,
``<NA>``, ``nan`` or ``False`` in any cell), plus the quoted source of each row
where there is one, which the HTML shows as a collapsible block.

>>> cell({"comparator": ">=", "shown_value": 30.0, "unit": "percent"}, "zh")
'≥30%'
>>> cell({"comparator": "<=", "shown_value": 500.0, "unit": "CNY", "money_unit": "万元"}, "zh")
'≤500万元'
>>> cell({"comparator": "=", "shown_value": 5000.0, "unit": "CNY", "money_unit": "元", "per_unit": "person_year"}, "en")
'5,000 yuan per person per year'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from . import units
from .labels import boolean, check_lang, column, comparator_sign, label, per_unit_label, text, unit_suffix
from .select import KIND_ORDER


@cache
def _multipliers() -> str:
    """The multiplier words of the quantity grammar (万, 亿 …): a count's written unit drops them."""
    from ..extract import _lexicon

    return "".join(m["word"] for m in _lexicon.load("quantities.yaml")["multipliers"])


@dataclass
class Table:
    """A table to show: plain-text cells, and per row an optional (quantity, sentence) source."""

    frame: pd.DataFrame
    sources: list[tuple[str, str]] | None = None
    kind: str = "detail"  # "compact" (a city x indicator grid) or "detail"
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ cells


def _missing(v: Any) -> bool:
    return (
        v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or (not isinstance(v, str) and pd.isna(v))
    )


def number(v: float) -> str:
    """12 → '12', 1234567 → '1,234,567', 0.0731 → '0.0731', 9354.11 → '9,354.11'."""
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    out = f"{v:,.4f}".rstrip("0").rstrip(".")
    return out if out not in ("0", "-0") else f"{v:.6g}"


def _get(r: Mapping[str, Any], key: str) -> Any:
    v = r.get(key) if hasattr(r, "get") else r[key]
    return None if _missing(v) else v


def cell(r: Mapping[str, Any], lang: str) -> str:
    """A value with its comparator and unit, as a reader writes it: ≥30%, ≤500万元, 3–5 days."""
    unit = _get(r, "unit") or ""
    value = _get(r, "shown_value")
    if value is None:
        value = _get(r, "value")
    if value is None:
        return text("no_number", lang)
    vmax = _get(r, "shown_value_max")
    if vmax is None and "shown_value" not in r:
        vmax = _get(r, "value_max")
    comp = _get(r, "comparator") or "="
    if unit == "CNY" and _get(r, "money_unit"):
        suffix = units.money_suffix(r["money_unit"], lang)
    elif unit == "count" and lang == "zh" and _get(r, "unit_zh"):
        suffix = str(r["unit_zh"]).lstrip(_multipliers())
    else:
        suffix = unit_suffix(unit, lang, None if comp == "between" else float(value))
    num = number(value) if comp != "between" or vmax is None else f"{number(value)}–{number(vmax)}"
    core = f"{comparator_sign(comp)}{num}{suffix}"
    per = per_unit_label(_get(r, "per_unit"), lang)
    if not per:
        return core
    return f"{core} {per}" if lang == "en" else f"{per}{core}"


def marks(r: Mapping[str, Any], lang: str) -> str:
    """Forwarded, aspiration and (when the table has review columns) the reviewer's mark; '' if none."""
    out = []
    if bool(_get(r, "forwarded")):
        out.append("★ " + boolean("forwarded", lang))
    if _get(r, "aspirational") is True:
        out.append(boolean("aspirational", lang))
    origin, confirmed = _get(r, "origin"), _get(r, "confirmed")
    if origin in ("corrected", "added"):
        out.append(boolean(origin, lang))
    elif confirmed is not None:  # a table with review columns: every row says whether a person checked it
        out.append(boolean("confirmed" if bool(confirmed) else "unreviewed", lang))
    return " · ".join(out)


# ------------------------------------------------------------------ names


def city_names(df: pd.DataFrame, lang: str) -> dict[str, str]:
    """City code (English name) → its name in ``lang``."""
    pairs = df[["city", "city_zh"]].drop_duplicates("city")
    return dict(zip(pairs["city"], pairs["city"] if lang == "en" else pairs["city_zh"], strict=True))


@cache
def _catalog() -> dict[str, dict[str, str]]:
    from ..corpus import read_catalog

    try:
        return {r["doc_id"]: r for r in read_catalog(check_files=False)}
    except Exception:
        return {}


def document(r: Mapping[str, Any], width: int = 14) -> str:
    """'2019 · 揭府办函〔2019〕44号': the year and the document number (else the start of its title)."""
    cat = _catalog().get(str(r["doc_id"]), {})
    name = cat.get("doc_number") or cat.get("title") or _get(r, "part_title") or str(r["doc_id"])
    if len(name) > width:
        name = name[: width - 1] + "…"
    return f"{r['doc_year']} · {name}"


def _year(v: Any) -> str:
    return "" if _missing(v) else str(int(v))


def _rename(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns={c: column(c, lang) for c in frame.columns})


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell a string; a missing value is the empty string."""
    return frame.apply(lambda col: [("" if _missing(v) else str(v)) for v in col]).astype(object)


# ------------------------------------------------------------------ comparison tables


def _row_key(r: Mapping[str, Any], names: Mapping[str, str], lang: str) -> str:
    city = names.get(r["city"], r["city"])
    if not r["forwarded"]:
        return city
    return text("forwarded_row", lang, city=city, level=label("level", r["issuer_level"], lang))


def compact(
    q: pd.DataFrame,
    df: pd.DataFrame,
    lang: str,
    *,
    cities: Sequence[str] | None = None,
    words_only: Mapping[str, int] | None = None,
    by: Sequence[str] = ("statement_kind", "indicator"),
) -> Table:
    """City × indicator: each cell the values stated (≥30%; ≤500万元), '—' where the document states none.

    Rows are statement kind and indicator, so that targets, rules, thresholds and
    outcomes never share a cell; a forwarded higher-level plan is a column of
    its own (★). ``words_only`` adds a row with the measures that cover the topic
    without a number.
    """
    check_lang(lang)
    names = city_names(df, lang)
    from .select import check_cities

    own = [names.get(c, c) for c in check_cities(df, cities)]
    cols = list(own)
    for _, r in q[q["forwarded"]].drop_duplicates("city").iterrows():
        cols.insert(cols.index(names.get(r["city"], r["city"])) + 1, _row_key(r, names, lang))
    cells: dict[tuple[str, ...], dict[str, list[str]]] = {}
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    q = q.assign(_k=q["statement_kind"].map(order)).sort_values(["_k", *by[1:]], kind="stable")
    for _, r in q.iterrows():
        key = tuple(label(b, r[b], lang) for b in by)
        cells.setdefault(key, {}).setdefault(_row_key(r, names, lang), [])
        value = cell(r, lang)
        if value not in cells[key][_row_key(r, names, lang)]:
            cells[key][_row_key(r, names, lang)].append(value)
    rows = []
    dash = text("no_number", lang)
    for key, per_col in cells.items():
        rows.append(list(key) + ["; ".join(per_col.get(c, [])) or dash for c in cols])
    if words_only and any(words_only.values()):
        by_col = {names.get(code, code): n for code, n in words_only.items()}
        blank = [""] * (len(by) - 1)
        rows.append(
            [column("words_only", lang), *blank]
            + [text("words_only_cell", lang, n=by_col[c]) if by_col.get(c) else dash for c in cols]
        )
    names_by = {"statement_kind": "kind", "indicator": "indicator", "programme": "programme", "basis": "basis"}
    frame = pd.DataFrame(rows, columns=[column(names_by.get(b, b), lang) for b in by] + cols)
    if frame.empty:
        frame = pd.DataFrame({column("indicator", lang): [text("no_rows", lang)]})
    notes = []
    if len(q) and q["forwarded"].any():
        notes.append(text("legend_forwarded", lang))
    notes.append(text("legend_dash", lang))
    return Table(_plain(frame), None, "compact", notes)


def details(q: pd.DataFrame, df: pd.DataFrame, lang: str, *, extra: Sequence[str] = ()) -> Table:
    """One row per quantity: only the columns that matter, its marks, and its source to open."""
    check_lang(lang)
    names = city_names(df, lang)
    rows = []
    sources = []
    for _, r in q.iterrows():
        row = {
            "city": names.get(r["city"], r["city"]),
            "document": document(r),
            "kind": label("statement_kind", r["statement_kind"], lang),
            "indicator": label("indicator", r["indicator"], lang),
        }
        for name in extra:
            if name == "rule":
                row["rule"] = _rules(r.get("rules_in_force", ""))
            elif name == "programme":
                parts = [label("programme", r["programme"], lang), label("tier", r.get("tier"), lang)]
                row["programme"] = " · ".join(p for p in parts if p)
            else:
                code = r.get(name)
                row[name] = label(name, code, lang) if isinstance(code, str) else ""
        row |= {"value": cell(r, lang), "year": _year(r["target_year"]), "mark": marks(r, lang)}
        rows.append(row)
        sources.append((str(r["quantity_text"]), str(r["source_sentence"])))
    cols = ["city", "document", "kind", "indicator", *extra, "value", "year", "mark"]
    frame = pd.DataFrame(rows, columns=cols)
    if not frame.empty:
        frame = frame.drop(columns=[c for c in ("year", "mark") if frame[c].eq("").all()])
    return Table(_plain(_rename(frame, lang)), sources, "detail")


def _rules(coded: str) -> str:
    """'财库〔2011〕181号 >=30' → '财库〔2011〕181号 ≥30%'."""
    out = []
    for part in filter(None, str(coded or "").split("; ")):
        number_, rule = part.split(" ", 1)
        for code in (">=", "<=", ">", "<", "~"):
            if rule.startswith(code):
                rule = comparator_sign(code) + rule[len(code) :]
                break
        out.append(f"{number_} {rule}%")
    return "; ".join(out)


def procurement_words(qual: pd.DataFrame, df: pd.DataFrame, lang: str) -> Table:
    """The procurement measures of cities with no quantified share, quoted."""
    names = city_names(df, lang)
    frame = pd.DataFrame(
        {
            "city": [names.get(c, c) for c in qual["city"]],
            "document": [document(r) for _, r in qual.iterrows()],
            "measure_title": qual["measure_title"],
            "rule": qual["rules_in_force"],
            "mark": ["★ " + boolean("forwarded", lang) if f else "" for f in qual["forwarded"]],
        }
    )
    if not frame.empty and frame["mark"].eq("").all():
        frame = frame.drop(columns="mark")
    sources = [(column("quote", lang), str(s)) for s in qual["sentence"]]
    return Table(_plain(_rename(frame, lang)), sources, "detail")


def baselines(b: pd.DataFrame, lang: str) -> Table:
    frame = pd.DataFrame(
        {
            "number": b["doc_number"],
            "title": b["title_en"] if lang == "en" else b["title_zh"],
            "in_force_from": b["effective_from"],
            "indicator": [label("indicator", i, lang) for i in b["indicator"]],
            "rule_value": [f"{comparator_sign(c)}{v:g}%" for c, v in zip(b["comparator"], b["value"], strict=True)],
            "scope": b["scope_en"] if lang == "en" else b["scope_zh"],
        }
    )
    return Table(_plain(_rename(frame, lang)), None, "detail")


# ------------------------------------------------------------------ overview


def corpus(docs: pd.DataFrame, lang: str) -> Table:
    """The documents: number, date, city, issuer and level, forwarded by, nature, counts."""
    en = lang == "en"
    frame = pd.DataFrame(
        {
            "document": docs["title"],
            "number": docs["doc_number"],
            "date": docs["issue_date"],
            "city": docs["city_en"] if en else docs["city_zh"],
            "issuer": docs["issuer_en"] if en else docs["issuer_zh"],
            "level": [label("level", v, lang) for v in docs["issuer_level"]],
            "forwarded_by": docs["forwarded_by_en"] if en else docs["forwarded_by_zh"],
            "nature": [label("nature", v, lang) for v in docs["statement_nature"]],
            "measures": docs["measures"],
            "quantities": docs["quantities"],
        }
    )
    frame = frame.replace("", None)
    frame = frame.drop(columns=[c for c in frame.columns if frame[c].isna().all()])
    return Table(_plain(_rename(frame, lang)), None, "detail")


def pivot(t: pd.DataFrame, df: pd.DataFrame, lang: str, *, rows: str, cols: str, suffix: str = "") -> Table:
    """A count or share pivot with labelled rows and columns (``rows``/``cols`` name the label kinds)."""
    out = labelled_pivot(t, df, lang, rows=rows, cols=cols)
    out = out.map(lambda v: f"{number(v)}{suffix}") if len(out) else out
    frame = out.reset_index(names=column({"policy_tool": "tool"}.get(rows, rows), lang))
    return Table(_plain(frame), None, "compact")


def labelled_pivot(t: pd.DataFrame, df: pd.DataFrame, lang: str, *, rows: str, cols: str) -> pd.DataFrame:
    """The same numbers with labelled rows and columns, for the charts."""
    names = city_names(df, lang)

    def name(kind: str, code: str) -> str:
        return names.get(code, code) if kind == "city" else label(kind, code, lang)

    out = t.copy()
    out.index = [name(rows, i) for i in out.index]
    out.columns = [name(cols, c) for c in out.columns]
    return out


def parameters(params: Mapping[str, Any], lang: str) -> Table:
    """The run's parameters, as given (an empty city list reads 'every city in the catalog')."""
    rows = []
    for k, v in params.items():
        if isinstance(v, list | tuple) and not v:
            shown = text("all_cities", lang) if k == "cities" else "[]"
        elif isinstance(v, list | tuple):
            shown = ", ".join(map(str, v))
        else:
            shown = str(v)
        rows.append((k, shown))
    return Table(pd.DataFrame(rows, columns=[column("parameter", lang), column("setting", lang)]), None, "compact")
