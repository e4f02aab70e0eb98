"""Units: the money unit a report chooses, and which quantities may share an axis.

Values in the table are canonical (yuan, percent, days …). A report shows money
in 元, 万元 or 亿元; ``scale`` says what a money amount is paid per (a lump sum,
per person, per firm or period, or a face value), so that unlike amounts are
never drawn together.

>>> money_factor("万元"), money_factor("100m yuan")
(10000.0, 100000000.0)
"""

from __future__ import annotations

import pandas as pd

from .labels import ParameterError, data


def _money_units() -> dict[str, dict]:
    return data()["money_units"]


def canonical_money_unit(money_unit: str) -> str:
    """元, 万元 or 亿元 for any accepted spelling; an error listing them otherwise."""
    units = _money_units()
    if money_unit in units:
        return money_unit
    for name, entry in units.items():
        if money_unit in entry.get("aliases", []):
            return name
    accepted = [n for n, e in units.items() for n in [n, *e.get("aliases", [])]]
    raise ParameterError(f"money_unit must be one of {', '.join(accepted)}, not {money_unit!r}")


def money_factor(money_unit: str) -> float:
    return float(_money_units()[canonical_money_unit(money_unit)]["factor"])


def money_label(money_unit: str, lang: str) -> str:
    """The money unit's name, e.g. '10k yuan' or '万元'."""
    return _money_units()[canonical_money_unit(money_unit)][lang]


def money_suffix(money_unit: str, lang: str) -> str:
    return _money_units()[canonical_money_unit(money_unit)][f"suffix_{lang}"]


def in_money_unit(values: pd.Series, units: pd.Series, money_unit: str) -> pd.Series:
    """Values with money (CNY) converted to ``money_unit``; other units unchanged."""
    f = money_factor(money_unit)
    return values.where(units.ne("CNY").fillna(True), values / f)


def payment_basis(q: pd.DataFrame) -> pd.Series:
    """lump_sum, per_person, per_period or face_value for each money row (empty for other units)."""
    face = set(data()["face_value_indicators"])
    per = q["per_unit"].fillna("")
    basis = pd.Series("lump_sum", index=q.index, dtype=object)
    basis[per.ne("")] = "per_period"
    basis[per.str.contains("person")] = "per_person"
    basis[q["indicator"].isin(face)] = "face_value"
    basis[q["unit"].ne("CNY").fillna(True)] = ""
    return basis


def scale(q: pd.DataFrame) -> pd.Series:
    """A key that only comparable quantities share: unit, denominator and (for money) payment basis."""
    return q["unit"].fillna("") + "|" + q["per_unit"].fillna("") + "|" + payment_basis(q)
