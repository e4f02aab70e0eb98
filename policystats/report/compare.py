"""Comparison tables that the notebooks show and scripts can reuse.

Every function takes the measures table (``load_measures()``), checks its
parameters (an unknown city is an error that lists the known ones), keeps
targets, rules, thresholds and outcomes apart, and returns tables whose
columns are labelled in English or Chinese (``lang``).

>>> import policystats
>>> t = financing_table(policystats.load_measures(), ["Jieyang"], money_unit="亿元")
>>> row = t[t["quantity as written"] == "超5亿元"].iloc[0]
>>> row["indicator"], row["comparator"], float(row["value"]), row["unit"]
('Loans issued', '>', 5.0, '100m yuan')
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pandas as pd

from ..paths import REPORT_DATA_DIR
from .labels import ParameterError, check_lang, label, per_unit_label

MONEY_UNITS = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "yuan": 1.0, "10k yuan": 1e4, "100m yuan": 1e8}
KIND_ORDER = ["target", "threshold", "rule", "outcome"]

COLUMNS = {
    "city": ("city", "城市"),
    "document": ("document", "文件"),
    "level": ("issuer level", "发文层级"),
    "kind": ("statement", "表述类型"),
    "indicator": ("indicator", "指标"),
    "programme": ("programme", "项目"),
    "tier": ("stage or tier", "阶段或档次"),
    "role": ("bound", "界限"),
    "comparator": ("comparator", "比较"),
    "value": ("value", "数值"),
    "value_max": ("up to", "上限值"),
    "unit": ("unit", "单位"),
    "year": ("year", "年份"),
    "aspirational": ("aspiration (力争)", "力争"),
    "quote": ("quantity as written", "原文数量"),
    "sentence": ("source sentence", "原文句子"),
    "measure_id": ("measure", "措施编号"),
    "baseline": ("national rule", "国家规定"),
}


class UnknownCityError(ParameterError):
    """A city that is not in the table."""


def _col(name: str, lang: str) -> str:
    en, zh = COLUMNS[name]
    return en if lang == "en" else zh


def known_cities(df: pd.DataFrame) -> list[str]:
    return sorted(df["city"].dropna().unique())


def check_cities(df: pd.DataFrame, cities: Sequence[str] | str | None) -> list[str]:
    """The requested cities, or an error naming the unknown ones and the known ones.

    None or an empty list means every city in the table.
    """
    if not cities:
        return known_cities(df)
    if isinstance(cities, str):
        cities = [cities]
    known = known_cities(df)
    unknown = [c for c in cities if c not in known]
    if unknown:
        raise UnknownCityError(
            f"unknown city {', '.join(map(repr, unknown))}; the table has {', '.join(known)}. "
            "Use the English names of the catalog's city_en column."
        )
    return list(cities)


def money_factor(money_unit: str) -> float:
    if money_unit not in MONEY_UNITS:
        raise ParameterError(f"money_unit must be one of {', '.join(MONEY_UNITS)}, not {money_unit!r}")
    return MONEY_UNITS[money_unit]


def select(
    df: pd.DataFrame,
    cities: Sequence[str] | str | None = None,
    *,
    include_forwarded: bool = True,
    include_outcomes: bool = True,
    category: str | None = None,
) -> pd.DataFrame:
    """Rows of the given cities, without forwarded or outcome rows if asked; only ``category`` if given."""
    keep = df["city"].isin(check_cities(df, cities))
    if category is not None:
        keep &= df["category"].eq(category).fillna(False)
    if not include_forwarded:
        keep &= ~df["forwarded"].astype(bool)
    if not include_outcomes:
        keep &= df["statement_kind"].ne("outcome").fillna(True) & df["doc_statement_nature"].ne("outcomes")
    return df[keep]


def _document(r: pd.Series, lang: str) -> str:
    where = r["part_title"] if isinstance(r["part_title"], str) else r["doc_id"]
    return f"{r['doc_year']} · {where}"


def _level(r: pd.Series, lang: str) -> str:
    text = label("level", r["issuer_level"], lang)
    if r["forwarded"]:
        text += " (forwarded)" if lang == "en" else "（转发）"
    return text


MONEY_LABELS = {
    "en": {"元": "yuan", "万元": "10k yuan", "亿元": "100m yuan"},
    "zh": {"yuan": "元", "10k yuan": "万元", "100m yuan": "亿元"},
}


def money_label(money_unit: str, lang: str) -> str:
    return MONEY_LABELS[lang].get(money_unit, money_unit)


def _value_in(r: pd.Series, money_unit: str, lang: str) -> tuple[float, float | None, str]:
    vmax = r["value_max"] if pd.notna(r["value_max"]) else None
    if r["unit"] == "CNY":
        f = money_factor(money_unit)
        return r["value"] / f, (vmax / f if vmax is not None else None), money_label(money_unit, lang)
    unit = label("unit", r["unit"], lang)
    return r["value"], vmax, unit


def _quantity_rows(q: pd.DataFrame, lang: str, money_unit: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    rows = []
    for _, r in q.iterrows():
        value, vmax, unit = _value_in(r, money_unit, lang)
        if isinstance(r["per_unit"], str):
            unit = f"{unit} {per_unit_label(r['per_unit'], lang)}"
        row = {
            "city": r["city"] if lang == "en" else r["city_zh"],
            "document": _document(r, lang),
            "level": _level(r, lang),
            "kind": label("statement_kind", r["statement_kind"], lang),
            "indicator": label("indicator", r["indicator"], lang),
            "role": label("comparator_role", r["comparator"], lang),
            "comparator": label("comparator", r["comparator"]),
            "value": round(float(value), 6),
            "value_max": None if vmax is None else round(float(vmax), 6),
            "unit": unit,
            "year": r["target_year"],
            "aspirational": bool(r["aspirational"]),
            "quote": r["quantity_text"],
            "sentence": r["source_sentence"],
            "measure_id": r["measure_id"],
        }
        for name in extra:
            if name == "programme":
                row["programme"] = label("programme", r["programme"], lang)
            elif name == "tier":
                row["tier"] = label("tier", r["tier"], lang) if isinstance(r["tier"], str) else ""
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        out = pd.DataFrame(columns=list(COLUMNS))
    return out.rename(columns={c: _col(c, lang) for c in out.columns})


def _kind_sort(q: pd.DataFrame) -> pd.DataFrame:
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return (
        q.assign(_k=q["statement_kind"].map(order))
        .sort_values(["_k", "indicator", "city", "doc_year", "measure_order", "quantity_index"], kind="stable")
        .drop(columns="_k")
    )


# ------------------------------------------------------------------ financing


def financing_quantities(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    include_outcomes: bool = False,
    include_forwarded: bool = True,
) -> pd.DataFrame:
    """Financing-target rows (raw columns), targets first, outcomes only if asked."""
    q = select(
        df, cities, include_forwarded=include_forwarded, include_outcomes=include_outcomes, category="financing_target"
    )
    return _kind_sort(q)


def financing_table(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    money_unit: str = "万元",
    include_outcomes: bool = False,
    include_forwarded: bool = True,
    lang: str = "en",
) -> pd.DataFrame:
    """Loan volumes, credit lines, balance growth, fee caps, loan-size thresholds, side by side."""
    check_lang(lang)
    money_factor(money_unit)
    q = financing_quantities(df, cities, include_outcomes=include_outcomes, include_forwarded=include_forwarded)
    return _quantity_rows(q, lang, money_unit)


def financing_notes(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_outcomes: bool = False, lang: str = "en"
) -> list[str]:
    """What the financing comparison can and cannot say, city by city."""
    check_lang(lang)
    notes = []
    for city in check_cities(df, cities):
        rows = df[(df["city"] == city) & (df["category"] == "financing_target")]
        commitments = rows[rows["statement_kind"] != "outcome"]
        outcomes = rows[rows["statement_kind"] == "outcome"]
        name = city if lang == "en" else df.loc[df["city"] == city, "city_zh"].iloc[0]
        if commitments.empty:
            themed = df[(df["city"] == city) & (df["theme"] == "financial_support") & (df["block_kind"] == "item")]
            notes.append(
                f"{name} states no quantified financing target; {len(themed)} of its measures deal with finance "
                "in words only."
                if lang == "en"
                else f"{name}没有量化的融资目标；其{len(themed)}条金融支持措施仅为文字表述。"
            )
        if len(outcomes) and not include_outcomes:
            notes.append(
                f"{name}: {len(outcomes)} reported outcomes are hidden (set include_outcomes = True to show them, "
                "labelled as outcomes)."
                if lang == "en"
                else f"{name}：{len(outcomes)}项已实现的成效数据未显示"
                "（设 include_outcomes = True 后显示，并标为成效）。"
            )
    return notes


# ------------------------------------------------------------------ procurement


@cache
def _baselines() -> pd.DataFrame:
    return pd.read_csv(REPORT_DATA_DIR / "procurement_baselines.csv", dtype=str, keep_default_na=False)


def procurement_baselines(lang: str = "en", on: str | None = None) -> pd.DataFrame:
    """The national procurement rules, with their document numbers; ``on`` a date keeps those in force."""
    check_lang(lang)
    b = _baselines().copy()
    if on is not None:
        b = b[(b["effective_from"] <= on) & ((b["effective_to"] == "") | (b["effective_to"] >= on))]
    b["value"] = b["value"].astype(float)
    out = pd.DataFrame(
        {
            "document number" if lang == "en" else "文号": b["doc_number"],
            "title" if lang == "en" else "名称": b["title_en"] if lang == "en" else b["title_zh"],
            "in force from" if lang == "en" else "施行日期": b["effective_from"],
            "indicator" if lang == "en" else "指标": [label("indicator", i, lang) for i in b["indicator"]],
            "rule" if lang == "en" else "规定": [
                f"{label('comparator', c)} {v:g}%" for c, v in zip(b["comparator"], b["value"], strict=True)
            ],
            "scope" if lang == "en" else "范围": b["scope_en"] if lang == "en" else b["scope_zh"],
        }
    )
    return out.reset_index(drop=True)


def baselines_for(date: str) -> pd.DataFrame:
    """Raw baseline rows in force on ``date`` (YYYY-MM-DD)."""
    b = _baselines()
    b = b[(b["effective_from"] <= date) & ((b["effective_to"] == "") | (b["effective_to"] >= date))].copy()
    b["value"] = b["value"].astype(float)
    return b


def baselines_by_document(df: pd.DataFrame, q: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """For each document in ``q``, the national rules in force on its issue date."""
    issue = _issue_dates(df)
    return {d: baselines_for(issue[d]) for d in q["doc_id"].unique()}


def procurement_quantities(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_forwarded: bool = True
) -> pd.DataFrame:
    q = select(df, cities, include_forwarded=include_forwarded, category="procurement_share")
    return q.sort_values(["city", "doc_year", "measure_order", "quantity_index"])


def procurement_table(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_forwarded: bool = True, lang: str = "en"
) -> pd.DataFrame:
    """Reserved shares by city and document, each with the national rule in force when it was issued."""
    check_lang(lang)
    q = procurement_quantities(df, cities, include_forwarded=include_forwarded)
    out = _quantity_rows(q, lang, "万元")
    issue = _issue_dates(df)
    rules = []
    for _, r in q.iterrows():
        b = baselines_for(issue[r["doc_id"]])
        b = b[b["indicator"] == r["indicator"]]
        rules.append(
            "; ".join(
                f"{n} {label('comparator', c)} {v:g}%"
                for n, c, v in b[["doc_number", "comparator", "value"]].itertuples(index=False)
            )
        )
    out[_col("baseline", lang)] = rules
    return out


def _issue_dates(df: pd.DataFrame) -> dict[str, str]:
    from ..corpus import read_catalog

    try:
        return {r["doc_id"]: r["issue_date"] for r in read_catalog()}
    except Exception:  # a table loaded on its own: fall back to 1 July of the document year
        return {d: f"{y}-07-01" for d, y in df[["doc_id", "doc_year"]].drop_duplicates().itertuples(index=False)}


def _preference_words() -> tuple[str, ...]:
    from ..extract import _lexicon

    return tuple(_lexicon.load("classification.yaml")["procurement_preference"]["words"])


def procurement_qualitative(df: pd.DataFrame, cities: Sequence[str] | None = None, *, lang: str = "en") -> pd.DataFrame:
    """For cities with no quantified procurement share: the measures that speak of procurement, quoted."""
    check_lang(lang)
    rows = []
    for city in check_cities(df, cities):
        sub = df[df["city"] == city]
        if (sub["category"] == "procurement_share").any():
            continue
        items = sub[(sub["block_kind"] == "item") & sub["measure_text"].str.contains("采购")].drop_duplicates(
            "measure_id"
        )
        words = _preference_words()
        for _, r in items.iterrows():
            sentence = next(
                (s for s in _sentences(r["measure_text"]) if "采购" in s and any(w in s for w in words)), None
            )
            if sentence is None:
                continue
            rules = baselines_for(_issue_dates(df)[r["doc_id"]])
            in_force = "; ".join(
                f"{n} {label('indicator', i, lang)} {label('comparator', c)} {v:g}%"
                for n, i, c, v in rules[["doc_number", "indicator", "comparator", "value"]].itertuples(index=False)
            )
            rows.append(
                {
                    _col("city", lang): city if lang == "en" else r["city_zh"],
                    _col("document", lang): _document(r, lang),
                    _col("measure_id", lang): r["measure_id"],
                    ("measure title" if lang == "en" else "措施标题"): r["measure_title"],
                    _col("baseline", lang): in_force,
                    _col("sentence", lang): sentence,
                }
            )
    return pd.DataFrame(rows)


def _sentences(text: str) -> list[str]:
    import re

    return [s.strip() + "。" for s in re.split(r"[。;；]", text) if s.strip()]


# ------------------------------------------------------------------ awards


def award_quantities(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    include_outcomes: bool = False,
    include_forwarded: bool = True,
) -> pd.DataFrame:
    q = select(
        df, cities, include_forwarded=include_forwarded, include_outcomes=include_outcomes, category="award_level"
    )
    return q.sort_values(["city", "doc_year", "measure_order", "quantity_index"], kind="stable")


def award_table(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    money_unit: str = "万元",
    include_outcomes: bool = False,
    lang: str = "en",
) -> pd.DataFrame:
    """Every award with its programme, tier, bound (caps shown as caps) and quoted source sentence."""
    check_lang(lang)
    money_factor(money_unit)
    q = award_quantities(df, cities, include_outcomes=include_outcomes)
    return _quantity_rows(q, lang, money_unit, extra=("programme", "tier"))


AWARD_WORDS = ("奖励", "奖补", "补助", "补贴", "资助")


def award_notes(df: pd.DataFrame, cities: Sequence[str] | None = None, *, lang: str = "en") -> list[str]:
    """Cities that state no award amount, with the award measures they state in words."""
    check_lang(lang)
    notes = []
    for city in check_cities(df, cities):
        sub = df[(df["city"] == city) & (df["doc_statement_nature"] == "commitments")]
        if (sub["category"] == "award_level").any():
            continue
        items = sub[(sub["block_kind"] == "item") & sub["measure_text"].str.contains("|".join(AWARD_WORDS))]
        # the city's own documents first, then what it forwarded
        items = items.drop_duplicates("measure_id").sort_values(["forwarded", "doc_year"], kind="stable")
        name = city if lang == "en" else df.loc[df["city"] == city, "city_zh"].iloc[0]
        quotes = []
        for _, r in items.head(3).iterrows():
            s = next((x for x in _sentences(r["measure_text"]) if any(w in x for w in AWARD_WORDS)), "")
            quotes.append(f"“{s}” ({r['measure_id']})")
        if lang == "en":
            notes.append(
                f"{name} states no award amount in its commitments; {len(items)} measures mention awards or subsidies "
                "in words only" + (": " + " ".join(quotes) if quotes else ".")
            )
        else:
            notes.append(
                f"{name}的承诺性文件未规定奖补金额；{len(items)}条措施仅文字提及奖补"
                + ("：" + " ".join(quotes) if quotes else "。")
            )
    return notes


def listing_stages(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, money_unit: str = "万元", lang: str = "en"
) -> pd.DataFrame:
    """Staged listing awards: one row per city and stage, in the order the text gives them."""
    check_lang(lang)
    f = money_factor(money_unit)
    q = award_quantities(df, cities)
    q = q[q["programme"] == "listing_stage"]
    out = pd.DataFrame(
        {
            "city": q["city"] if lang == "en" else q["city_zh"],
            "stage": [label("tier", t, lang) for t in q["tier"]],
            "value": q["value"] / f,
            "unit": money_unit,
            "order": q["quantity_index"],
        }
    )
    return out.reset_index(drop=True)


def award_programmes(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, money_unit: str = "万元", lang: str = "en"
) -> pd.DataFrame:
    """One-off award amounts (not rates, thresholds or caps) by programme and city: the largest per programme."""
    f = money_factor(money_unit)
    q = award_quantities(df, cities)
    q = q[(q["unit"] == "CNY") & (q["statement_kind"] == "rule")]
    q = q.assign(is_cap=q["comparator"].isin(["<=", "<"]), amount=q["value"] / f)
    q = q.assign(programme_label=[label("programme", p, lang) for p in q["programme"]])
    keep = [
        "city",
        "city_zh",
        "programme",
        "programme_label",
        "tier",
        "amount",
        "is_cap",
        "comparator",
        "quantity_text",
        "per_unit",
    ]
    return q[keep].reset_index(drop=True)


# ------------------------------------------------------------------ overview


def corpus_table(
    docs: pd.DataFrame, df: pd.DataFrame, cities: Sequence[str] | None = None, lang: str = "en"
) -> pd.DataFrame:
    """The documents: dates, issuers and levels, with counts of measures and quantities."""
    check_lang(lang)
    keep = check_cities(df, cities)
    docs = docs[docs["city_en"].isin(keep)]
    rows = []
    for _, d in docs.iterrows():
        sub = df[df["doc_id"] == d["doc_id"]]
        rows.append(
            {
                "document" if lang == "en" else "文件": d["title"],
                "number" if lang == "en" else "文号": d["doc_number"] or "—",
                "date" if lang == "en" else "日期": d["issue_date"],
                "city" if lang == "en" else "城市": d["city_en"] if lang == "en" else d["city_zh"],
                "issuer" if lang == "en" else "发文机关": d["issuer_en"] if lang == "en" else d["issuer_zh"],
                "issuer level" if lang == "en" else "发文层级": label("level", d["issuer_level"], lang),
                "forwarded by" if lang == "en" else "转发": (
                    d["forwarded_by_en"] if lang == "en" else d["forwarded_by_zh"]
                )
                or "—",
                "nature" if lang == "en" else "性质": d["statement_nature"],
                "measures" if lang == "en" else "措施数": int(
                    sub.loc[sub["block_kind"] == "item", "measure_id"].nunique()
                ),
                "quantities" if lang == "en" else "数量数": int(sub["quantity_id"].notna().sum()),
            }
        )
    return pd.DataFrame(rows)


def _items(df: pd.DataFrame, cities: Sequence[str] | None) -> pd.DataFrame:
    sub = df[df["city"].isin(check_cities(df, cities)) & (df["block_kind"] == "item") & (df["item_role"] == "measure")]
    return sub.drop_duplicates("measure_id")


def measures_per_theme(df: pd.DataFrame, cities: Sequence[str] | None = None, lang: str = "en") -> pd.DataFrame:
    """Number of measures per theme and city (policy measures only, not framing items)."""
    check_lang(lang)
    items = _items(df, cities)
    t = items.groupby(["theme", "city"]).size().unstack(fill_value=0)
    t.index = [label("theme", i, lang) for i in t.index]
    if lang == "zh":
        t.columns = [items.loc[items["city"] == c, "city_zh"].iloc[0] for c in t.columns]
    return t


def policy_tool_mix(df: pd.DataFrame, cities: Sequence[str] | None = None, lang: str = "en") -> pd.DataFrame:
    """Share of measures per Rothwell–Zegveld instrument, by city (rows sum to 100)."""
    check_lang(lang)
    items = _items(df, cities)
    t = items.groupby(["city", "policy_tool"]).size().unstack(fill_value=0)
    t = (t.div(t.sum(axis=1), axis=0) * 100).round(1)
    t.columns = [label("policy_tool", c, lang) for c in t.columns]
    if lang == "zh":
        t.index = [items.loc[items["city"] == c, "city_zh"].iloc[0] for c in t.index]
    return t


def lead_agencies(
    df: pd.DataFrame, cities: Sequence[str] | None = None, lang: str = "en", top: int = 10
) -> pd.DataFrame:
    """Measures led by each agency function, by city (the most frequent ``top``)."""
    check_lang(lang)
    items = _items(df, cities)
    items = items[items["lead_agency_key"].notna()]
    t = items.groupby(["lead_agency_key", "city"]).size().unstack(fill_value=0)
    t = t.loc[t.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top]]
    t.index = [label("agency", k, lang) for k in t.index]
    if lang == "zh":
        t.columns = [items.loc[items["city"] == c, "city_zh"].iloc[0] for c in t.columns]
    return t


def city_summary(df: pd.DataFrame, city: str, lang: str = "en") -> pd.DataFrame:
    """One city's documents and quantities per category and statement kind."""
    check_lang(lang)
    check_cities(df, [city])
    sub = df[(df["city"] == city) & df["quantity_id"].notna()]
    t = sub.groupby(["category", "statement_kind"]).size().unstack(fill_value=0)
    t.index = [label("category", c, lang) for c in t.index]
    t.columns = [label("statement_kind", c, lang) for c in t.columns]
    return t


def headline_quantities(
    df: pd.DataFrame, city: str, *, money_unit: str = "万元", include_outcomes: bool = False, lang: str = "en"
) -> pd.DataFrame:
    """A city's financing, procurement and award quantities, each with its quoted sentence."""
    check_cities(df, [city])
    q = select(df, [city], include_outcomes=include_outcomes)
    q = q[q["category"].isin(["financing_target", "procurement_share", "award_level"])]
    q = _kind_sort(q)
    out = _quantity_rows(q, lang, money_unit)
    out.insert(1, "category" if lang == "en" else "类别", [label("category", c, lang) for c in q["category"]])
    return out
