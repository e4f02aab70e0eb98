"""The comparisons, as frames of codes.

Every function takes the measures table (``load_measures()``) and returns rows
and columns that keep the table's codes (city, statement_kind, indicator,
comparator, unit …), so that a script can filter or join them and
``policystats.report.render`` can show them in English or Chinese. Money values
are in the chosen ``money_unit`` (column ``shown_value``); ``basis`` says what
an amount is paid per, ``share_kind`` whether a procurement share is reserved
for SMEs or won by them.

>>> import policystats
>>> q = financing_quantities(policystats.load_measures(), ["Jieyang"], money_unit="亿元")
>>> r = q[q["quantity_text"] == "超5亿元"].iloc[0]
>>> r["indicator"], r["comparator"], float(r["shown_value"]), r["money_unit"]
('loan_volume', '>', 5.0, '亿元')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import pandas as pd

from ..paths import REPORT_DATA_DIR
from . import units
from .labels import data, topic_words
from .select import check_cities, is_outcome, kind_sort, measures, select, text_sort

HEADLINE = ["financing_target", "procurement_share", "award_level"]
# Review columns that issue 14 adds to the table; a mark is shown when they are there.
REVIEW_COLUMNS = ("origin", "confirmed")


# ------------------------------------------------------------------ quantities


def quantities(
    df: pd.DataFrame,
    category: str | Sequence[str],
    cities: Sequence[str] | None = None,
    *,
    money_unit: str = "万元",
    include_outcomes: bool = False,
    include_forwarded: bool = True,
) -> pd.DataFrame:
    """Quantity rows of ``category`` with shown values in ``money_unit`` and their payment basis."""
    mu = units.canonical_money_unit(money_unit)
    q = select(df, cities, category=category, include_outcomes=include_outcomes, include_forwarded=include_forwarded)
    q = q[q["quantity_id"].notna()]
    money = q["unit"].eq("CNY").fillna(False)
    basis = units.payment_basis(q)
    in_yuan = basis.isin(data()["yuan_bases"])
    shown_unit = money.map({True: mu, False: ""}).where(~in_yuan, "元")
    return q.assign(
        shown_value=units.in_money_unit(q["value"], q["unit"], mu).where(~in_yuan, q["value"]),
        shown_value_max=units.in_money_unit(q["value_max"], q["unit"], mu).where(~in_yuan, q["value_max"]),
        money_unit=shown_unit,
        basis=basis,
        forwarded=q["forwarded"].astype(bool),
    )


def financing_quantities(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    money_unit: str = "万元",
    include_outcomes: bool = False,
    include_forwarded: bool = True,
) -> pd.DataFrame:
    """Financing-target rows, targets first, outcomes only if asked."""
    q = quantities(
        df,
        "financing_target",
        cities,
        money_unit=money_unit,
        include_outcomes=include_outcomes,
        include_forwarded=include_forwarded,
    )
    return kind_sort(q)


def award_quantities(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    money_unit: str = "万元",
    include_outcomes: bool = False,
    include_forwarded: bool = True,
) -> pd.DataFrame:
    """Award rows in the order of the text."""
    q = quantities(
        df,
        "award_level",
        cities,
        money_unit=money_unit,
        include_outcomes=include_outcomes,
        include_forwarded=include_forwarded,
    )
    return text_sort(q)


def share_kind(q: pd.DataFrame) -> pd.Series:
    """'won' when the clause before the share has a word of winning (参与的政府采购额 …), else 'reserved'."""
    words = data()["procurement_won_words"]

    def kind(sentence: object, quote: object) -> str:
        s, t = str(sentence or ""), str(quote or "")
        before = s[: s.find(t)] if t and t in s else s
        clause = re.split(r"[,，;；。]", before)[-1] if before else ""
        return "won" if any(w in clause for w in words) else "reserved"

    return pd.Series(
        [kind(s, t) for s, t in zip(q["source_sentence"], q["quantity_text"], strict=True)], index=q.index, dtype=object
    )


def procurement_quantities(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    include_forwarded: bool = True,
    include_outcomes: bool = False,
) -> pd.DataFrame:
    """Procurement shares, each with whether it is reserved or won and the national rules in force."""
    q = quantities(
        df,
        "procurement_share",
        cities,
        include_forwarded=include_forwarded,
        include_outcomes=include_outcomes,
    )
    q = text_sort(q)
    issue = issue_dates(df)
    kinds = share_kind(q) if len(q) else pd.Series(dtype=object)
    rules = []
    for (_, r), kind in zip(q.iterrows(), kinds, strict=True):
        if kind == "won":
            rules.append("")
            continue
        b = baselines_for(issue[r["doc_id"]])
        b = b[b["indicator"] == r["indicator"]]
        rules.append(
            "; ".join(f"{n} {c}{v:g}" for n, c, v in b[["doc_number", "comparator", "value"]].itertuples(index=False))
        )
    return q.assign(share_kind=kinds, rules_in_force=rules)


def headline_quantities(
    df: pd.DataFrame,
    city: str,
    *,
    money_unit: str = "万元",
    include_outcomes: bool = False,
    include_forwarded: bool = True,
) -> pd.DataFrame:
    """A city's financing, procurement and award quantities, by category then statement kind."""
    check_cities(df, [city])
    q = quantities(
        df,
        HEADLINE,
        [city],
        money_unit=money_unit,
        include_outcomes=include_outcomes,
        include_forwarded=include_forwarded,
    )
    q = kind_sort(q)
    order = {c: i for i, c in enumerate(HEADLINE)}
    return q.assign(_c=q["category"].map(order)).sort_values("_c", kind="stable").drop(columns="_c")


# ------------------------------------------------------------------ coverage in words


def words_only(df: pd.DataFrame, category: str, cities: Sequence[str] | None = None) -> dict[str, int]:
    """Per city, the measures on the category's theme that state no number of that category.

    A city with quantities of the category still gets its count; the compact
    table shows it where the city has no number, so that "—" (nothing said)
    and "in words only" (said, without a number) stay apart.
    """
    themes = set(data()["comparison_themes"].get(category, []))
    items = measures(df, cities, include_forwarded=False)
    tags = items["theme_tags"].fillna("").str.split("; ")
    on_topic = items["theme"].isin(themes) | tags.map(lambda ts: bool(themes & set(ts)))
    with_number = set(df.loc[df["category"].eq(category).fillna(False), "measure_id"])
    hits = items[on_topic & ~items["measure_id"].isin(with_number)]
    counts = hits.groupby("city").size()
    return {c: int(counts.get(c, 0)) for c in check_cities(df, cities)}


# ------------------------------------------------------------------ procurement rules


@cache
def _baselines() -> pd.DataFrame:
    return pd.read_csv(REPORT_DATA_DIR / "procurement_baselines.csv", dtype=str, keep_default_na=False)


def procurement_baselines(on: str | None = None) -> pd.DataFrame:
    """The national procurement rules with their document numbers; ``on`` a date keeps those in force."""
    b = _baselines().copy()
    if on is not None:
        b = b[(b["effective_from"] <= on) & ((b["effective_to"] == "") | (b["effective_to"] >= on))]
    b["value"] = b["value"].astype(float)
    return b.reset_index(drop=True)


def baselines_for(date: str) -> pd.DataFrame:
    """Rules in force on ``date`` (YYYY-MM-DD)."""
    return procurement_baselines(on=date)


def baselines_by_document(df: pd.DataFrame, q: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """For each document in ``q``, the national rules in force on its issue date."""
    issue = issue_dates(df)
    return {d: baselines_for(issue[d]) for d in q["doc_id"].unique()}


def issue_dates(df: pd.DataFrame) -> dict[str, str]:
    """Issue date per document, from the catalog; 1 July of the document's year for a table loaded on its own."""
    from ..corpus import read_catalog

    fallback = {d: f"{y}-07-01" for d, y in df[["doc_id", "doc_year"]].drop_duplicates().itertuples(index=False)}
    try:
        return fallback | {r["doc_id"]: r["issue_date"] for r in read_catalog(check_files=False)}
    except Exception:
        return fallback


def sentences(text: str) -> list[str]:
    """A measure's text cut at 。 and ；, each piece ending in 。."""
    return [s.strip() + "。" for s in re.split(r"[。;；]", text) if s.strip()]


def procurement_qualitative(df: pd.DataFrame, cities: Sequence[str] | None = None) -> pd.DataFrame:
    """For cities with no quantified share: the measures that speak of a procurement preference, quoted."""
    from ..extract import _lexicon

    words = tuple(_lexicon.load("classification.yaml")["procurement_preference"]["words"])
    topic = topic_words("procurement_share")
    issue = issue_dates(df)
    rows = []
    for city in check_cities(df, cities):
        sub = df[df["city"] == city]
        if sub["category"].eq("procurement_share").any():
            continue
        items = sub[(sub["block_kind"] == "item") & sub["measure_text"].str.contains("|".join(topic))]
        items = items.drop_duplicates("measure_id")
        for _, r in items.iterrows():
            sentence = next(
                (s for s in sentences(r["measure_text"]) if any(t in s for t in topic) and any(w in s for w in words)),
                None,
            )
            if sentence is None:
                continue
            rules = baselines_for(issue[r["doc_id"]])
            rows.append(
                {
                    "city": city,
                    "doc_id": r["doc_id"],
                    "doc_year": r["doc_year"],
                    "part_title": r["part_title"],
                    "forwarded": bool(r["forwarded"]),
                    "measure_id": r["measure_id"],
                    "measure_title": r["measure_title"],
                    "rules_in_force": "; ".join(dict.fromkeys(rules["doc_number"])),
                    "sentence": sentence,
                }
            )
    cols = ["city", "doc_id", "doc_year", "part_title", "forwarded", "measure_id", "measure_title"]
    return pd.DataFrame(rows, columns=[*cols, "rules_in_force", "sentence"])


# ------------------------------------------------------------------ awards


def listing_stages(df: pd.DataFrame, cities: Sequence[str] | None = None, *, money_unit: str = "万元") -> pd.DataFrame:
    """Staged listing awards: one row per city and stage, in the order the text gives them."""
    q = award_quantities(df, cities, money_unit=money_unit)
    q = q[q["programme"] == "listing_stage"]
    return pd.DataFrame(
        {
            "city": q["city"],
            "tier": q["tier"],
            "shown_value": q["shown_value"],
            "money_unit": q["money_unit"],
            "order": q["quantity_index"],
            "forwarded": q["forwarded"],
        }
    ).reset_index(drop=True)


def award_amounts(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    money_unit: str = "万元",
    include_forwarded: bool = True,
) -> pd.DataFrame:
    """Award money the government pays (rules, not thresholds or outcomes), with its payment basis."""
    q = award_quantities(df, cities, money_unit=money_unit, include_forwarded=include_forwarded)
    q = q[q["unit"].eq("CNY").fillna(False) & q["statement_kind"].eq("rule").fillna(False)]
    return q.assign(is_cap=q["comparator"].isin(["<=", "<"]))


def award_rates(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_forwarded: bool = True
) -> pd.DataFrame:
    """Awards given as a share of an amount (percent rows of award rules)."""
    q = award_quantities(df, cities, include_forwarded=include_forwarded)
    q = q[q["unit"].eq("percent").fillna(False) & q["statement_kind"].eq("rule").fillna(False)]
    return q.assign(is_cap=q["comparator"].isin(["<=", "<"]))


# ------------------------------------------------------------------ overview


def corpus(docs: pd.DataFrame, df: pd.DataFrame, cities: Sequence[str] | None = None) -> pd.DataFrame:
    """The catalog's documents with counts of measures and quantities (codes kept)."""
    keep = check_cities(df, cities)
    docs = docs[docs["city_en"].isin(keep)].copy()
    items = df[df["block_kind"] == "item"].groupby("doc_id")["measure_id"].nunique()
    qty = df[df["quantity_id"].notna()].groupby("doc_id").size()
    docs["measures"] = docs["doc_id"].map(items).fillna(0).astype(int)
    docs["quantities"] = docs["doc_id"].map(qty).fillna(0).astype(int)
    return docs.sort_values(["city_en", "issue_date"], kind="stable").reset_index(drop=True)


def measures_per_theme(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_forwarded: bool = False
) -> pd.DataFrame:
    """Number of policy measures per theme (rows, codes) and city (columns)."""
    items = measures(df, cities, include_forwarded=include_forwarded)
    t = items.groupby(["theme", "city"]).size().unstack(fill_value=0)
    return t.reindex(columns=[c for c in check_cities(df, cities) if c in t.columns])


def policy_tool_mix(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_forwarded: bool = False
) -> pd.DataFrame:
    """Share of measures per Rothwell–Zegveld instrument (columns, codes), by city (rows sum to 100)."""
    items = measures(df, cities, include_forwarded=include_forwarded)
    t = items.groupby(["city", "policy_tool"]).size().unstack(fill_value=0)
    order = [c for c in ("supply", "environment", "demand") if c in t.columns]
    t = t[order + [c for c in t.columns if c not in order]]
    return (t.div(t.sum(axis=1), axis=0) * 100).round(1)


def lead_agencies(
    df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_forwarded: bool = False, top: int = 10
) -> pd.DataFrame:
    """Measures led by each agency function (rows, codes), by city (columns); the most frequent ``top``."""
    items = measures(df, cities, include_forwarded=include_forwarded)
    items = items[items["lead_agency_key"].notna()]
    t = items.groupby(["lead_agency_key", "city"]).size().unstack(fill_value=0)
    return t.loc[t.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top]]


def city_summary(df: pd.DataFrame, city: str, *, include_forwarded: bool = False) -> pd.DataFrame:
    """One city's quantities per category (rows) and statement kind (columns), codes kept."""
    check_cities(df, [city])
    sub = df[(df["city"] == city) & df["quantity_id"].notna()]
    if not include_forwarded:
        sub = sub[~sub["forwarded"].astype(bool)]
    t = sub.groupby(["category", "statement_kind"]).size().unstack(fill_value=0)
    kinds = [k for k in ("target", "threshold", "rule", "outcome") if k in t.columns]
    return t[kinds]


def hidden_counts(
    df: pd.DataFrame, category: str | Sequence[str], cities: Sequence[str] | None, *, what: str
) -> dict[str, int]:
    """Per city, the quantities of ``category`` a selection leaves out: ``what`` is 'outcomes' or 'forwarded'."""
    q = select(df, cities, category=category)
    q = q[q["quantity_id"].notna()]
    mask = is_outcome(q) if what == "outcomes" else q["forwarded"].astype(bool)
    counts = q[mask].groupby("city").size()
    return {c: int(n) for c, n in counts.items() if n}
