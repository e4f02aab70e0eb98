"""The prose under the tables: what a comparison can and cannot say, city by city.

The wording is in labels.yaml (``notes:``); this module only decides which note
applies and fills in its numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from . import compare
from .labels import check_lang, note, topic_words
from .render import cell, city_names
from .select import check_cities, forwarded_measure_count, measures


def hidden(
    df: pd.DataFrame,
    category: str | Sequence[str],
    cities: Sequence[str] | None,
    lang: str,
    *,
    include_outcomes: bool,
    include_forwarded: bool,
) -> list[str]:
    """Notes for the outcomes and the forwarded plans a selection leaves out."""
    names = city_names(df, lang)
    out = []
    if not include_outcomes:
        for city, n in compare.hidden_counts(df, category, cities, what="outcomes").items():
            out.append(note("outcomes_hidden", lang, city=names[city], n=n))
    if not include_forwarded:
        for city, n in compare.hidden_counts(df, category, cities, what="forwarded").items():
            out.append(note("forwarded_hidden", lang, city=names[city], n=n))
    return out


def financing(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    include_outcomes: bool = False,
    include_forwarded: bool = True,
    lang: str = "en",
) -> list[str]:
    """Cities with no quantified financing target, and what the selection hides."""
    check_lang(lang)
    names = city_names(df, lang)
    out = []
    for city in check_cities(df, cities):
        rows = df[(df["city"] == city) & df["category"].eq("financing_target").fillna(False)]
        if rows[rows["statement_kind"] != "outcome"].empty:
            themed = measures(df, [city])
            n = int(themed["theme"].eq("financial_support").sum())
            out.append(note("financing_none", lang, city=names[city], n=n))
    return out + hidden(
        df,
        "financing_target",
        cities,
        lang,
        include_outcomes=include_outcomes,
        include_forwarded=include_forwarded,
    )


def awards(
    df: pd.DataFrame,
    cities: Sequence[str] | None = None,
    *,
    include_outcomes: bool = False,
    include_forwarded: bool = True,
    lang: str = "en",
) -> list[str]:
    """Cities that state no award amount, with the award measures they state in words."""
    check_lang(lang)
    names = city_names(df, lang)
    out = []
    for city in check_cities(df, cities):
        sub = df[(df["city"] == city) & (df["doc_statement_nature"] == "commitments")]
        if sub["category"].eq("award_level").any():
            continue
        words = topic_words("award_level")
        items = sub[(sub["block_kind"] == "item") & sub["measure_text"].str.contains("|".join(words))]
        items = items.drop_duplicates("measure_id").sort_values(["forwarded", "doc_year"], kind="stable")
        quotes = []
        for _, r in items.head(3).iterrows():
            s = next((x for x in compare.sentences(r["measure_text"]) if any(w in x for w in words)), "")
            quotes.append(f"“{s}” ({r['measure_id']})")
        tail = (": " if lang == "en" else "：") + " ".join(quotes) if quotes else ("." if lang == "en" else "。")
        out.append(note("award_none", lang, city=names[city], n=len(items), quotes=tail))
    return out + hidden(
        df, "award_level", cities, lang, include_outcomes=include_outcomes, include_forwarded=include_forwarded
    )


def procurement(q: pd.DataFrame, df: pd.DataFrame, lang: str = "en", *, include_forwarded: bool = True) -> list[str]:
    """Shares won kept apart from reservations, and the nested small/micro share explained."""
    names = city_names(df, lang)
    out = [
        note("procurement_won", lang, city=names[r["city"]], value=cell(r, lang))
        for _, r in q[q["share_kind"] == "won"].iterrows()
    ]
    if q["indicator"].eq("procurement_small_micro_share").any():
        out.append(note("nested_share", lang))
    return out + hidden(
        df,
        "procurement_share",
        None if q.empty else sorted(q["city"].unique()),
        lang,
        include_outcomes=True,
        include_forwarded=include_forwarded,
    )


def counts(df: pd.DataFrame, cities: Sequence[str] | None, lang: str, *, include_forwarded: bool) -> list[str]:
    """Whether the counts include forwarded higher-level plans."""
    n = forwarded_measure_count(df, cities)
    if not n:
        return []
    return [note("forwarded_counted" if include_forwarded else "forwarded_counts", lang, n=n)]
