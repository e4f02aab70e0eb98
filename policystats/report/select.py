"""Which rows a comparison looks at: cities, categories, own or forwarded, commitments or outcomes.

Every function takes the measures table (``load_measures()``) and returns rows
of it, with its columns and codes unchanged. An unknown city is an error that
lists the known ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .labels import ParameterError

KIND_ORDER = ["target", "threshold", "rule", "outcome"]


class UnknownCityError(ParameterError):
    """A city that is not in the table."""


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


def is_outcome(df: pd.DataFrame) -> pd.Series:
    return df["statement_kind"].eq("outcome").fillna(False) | (
        df["statement_kind"].isna() & df["doc_statement_nature"].eq("outcomes")
    )


def select(
    df: pd.DataFrame,
    cities: Sequence[str] | str | None = None,
    *,
    include_forwarded: bool = True,
    include_outcomes: bool = True,
    category: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of the given cities, without forwarded or outcome rows if asked; only ``category`` if given."""
    keep = df["city"].isin(check_cities(df, cities))
    if category is not None:
        cats = [category] if isinstance(category, str) else list(category)
        keep &= df["category"].isin(cats).fillna(False)
    if not include_forwarded:
        keep &= ~df["forwarded"].astype(bool)
    if not include_outcomes:
        keep &= ~is_outcome(df)
    return df[keep]


def kind_sort(q: pd.DataFrame) -> pd.DataFrame:
    """Targets, thresholds, rules, then outcomes; within each, by indicator, city and place in the text."""
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return (
        q.assign(_k=q["statement_kind"].map(order))
        .sort_values(["_k", "indicator", "city", "doc_year", "measure_order", "quantity_index"], kind="stable")
        .drop(columns="_k")
    )


def text_sort(q: pd.DataFrame) -> pd.DataFrame:
    """By city, then document year, then the order of the text."""
    return q.sort_values(["city", "forwarded", "doc_year", "measure_order", "quantity_index"], kind="stable")


def measures(df: pd.DataFrame, cities: Sequence[str] | None = None, *, include_forwarded: bool = False) -> pd.DataFrame:
    """One row per policy measure (items whose role is measure), own documents only unless asked."""
    sub = df[df["city"].isin(check_cities(df, cities)) & (df["block_kind"] == "item") & (df["item_role"] == "measure")]
    if not include_forwarded:
        sub = sub[~sub["forwarded"].astype(bool)]
    return sub.drop_duplicates("measure_id")


def forwarded_measure_count(df: pd.DataFrame, cities: Sequence[str] | None = None) -> int:
    """Measures of forwarded higher-level plans among the cities' items."""
    sub = measures(df, cities, include_forwarded=True)
    return int(sub["forwarded"].astype(bool).sum())
