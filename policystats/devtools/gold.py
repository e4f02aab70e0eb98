"""Read gold annotations and find them in a document's text.

A gold row names its quantity by a short ``context`` copied from the text and
the ``quantity_text`` inside it, never by offsets, so a gold file survives a
change of importer. Matching ignores whitespace and character width (full- or
half-width), which conversions change; ``context_occurrence`` picks the n-th
place where a passage repeated verbatim in the document holds the context.

>>> locate("第一条 给予\\n5万元奖励。", "给予5万元", "5万元")
(7, 10)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

_WS = re.compile(r"\s+")

GOLD_COLUMNS = [
    "file",
    "context",
    "context_occurrence",
    "quantity_text",
    "occurrence",
    "value",
    "value_max",
    "unit",
    "comparator",
    "category",
    "statement_kind",
    "per_unit",
    "aspirational",
    "target_year",
    "note",
]
NEVER_COLUMNS = ["file", "text", "why"]

UNITS = [
    "CNY",
    "USD",
    "percent",
    "percentage_point",
    "count",
    "day",
    "working_day",
    "month",
    "year",
    "hour",
    "square_metre",
    "multiple",
    "ratio",
    "other",
]
COMPARATORS = ["=", ">", ">=", "<", "<=", "~", "between"]
CATEGORIES = [
    "financing_target",
    "procurement_share",
    "award_level",
    "tax_fee_relief",
    "cost_reduction",
    "talent_employment",
    "innovation",
    "enterprise_growth",
    "administrative_efficiency",
    "other",
]
KINDS = ["target", "rule", "threshold", "outcome"]
HEADLINE = ("financing_target", "procurement_share", "award_level")


class GoldError(ValueError):
    """A gold row that cannot be read or located; the message names the file and row."""


def _squeeze(text: str) -> tuple[str, list[int]]:
    from ..extract.clean import normalize_width

    s = normalize_width(text)
    keep = [i for i, ch in enumerate(s) if not ch.isspace()]
    return "".join(s[i] for i in keep), keep


def locate(text: str, context: str, quantity: str, occurrence: int = 1, context_occurrence: int = 1):
    """``(start, end)`` of ``quantity`` (its ``occurrence``-th time in ``context``) in ``text``.

    Raises ``GoldError`` when the context is missing or, without a
    ``context_occurrence``, not unique.
    """
    flat, index = _squeeze(text)
    ctx, _ = _squeeze(context)
    q, _ = _squeeze(quantity)
    if not ctx or not q:
        raise GoldError("empty context or quantity_text")
    hits = [m.start() for m in re.finditer(re.escape(ctx), flat)]
    if not hits:
        raise GoldError(f"context {context!r} is not in the text")
    if context_occurrence > len(hits):
        raise GoldError(f"context {context!r} occurs {len(hits)} time(s), not {context_occurrence}")
    at = hits[context_occurrence - 1]
    pos = -1
    for _ in range(occurrence):
        pos = ctx.find(q, pos + 1)
        if pos < 0:
            raise GoldError(f"{quantity!r} does not occur {occurrence} time(s) in context {context!r}")
    start = index[at + pos]
    end = index[at + pos + len(q) - 1] + 1
    return start, end


def context_count(text: str, context: str) -> int:
    flat, _ = _squeeze(text)
    ctx, _ = _squeeze(context)
    return len(re.findall(re.escape(ctx), flat)) if ctx else 0


@dataclass(frozen=True)
class GoldRow:
    file: str
    line: int
    start: int
    end: int
    text: str
    value: float
    value_max: float | None
    unit: str
    comparator: str
    category: str
    statement_kind: str
    per_unit: str | None
    aspirational: bool
    target_year: int | None
    note: str


def _num(v: str, where: str, col: str) -> float | None:
    v = (v or "").strip()
    if not v:
        return None
    try:
        return float(v)
    except ValueError as exc:
        raise GoldError(f"{where}: {col} {v!r} is not a number") from exc


def read_gold(path: Path, text: str, *, strict_unique: bool = True) -> list[GoldRow]:
    """The rows of one gold file, located in ``text``. Raises ``GoldError`` naming the row."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in GOLD_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise GoldError(f"{path.name}: missing column(s) {', '.join(missing)}")
        for n, r in enumerate(reader, start=2):
            where = f"{path.name} row {n}"
            if None in r:
                raise GoldError(f"{where}: more fields than the header (an unquoted comma?)")
            r = {k: (v or "").strip() for k, v in r.items()}
            for col, vocab in (
                ("unit", UNITS),
                ("comparator", COMPARATORS),
                ("category", CATEGORIES),
                ("statement_kind", KINDS),
            ):
                if r[col] not in vocab:
                    raise GoldError(f"{where}: {col} {r[col]!r} is not one of {vocab}")
            value = _num(r["value"], where, "value")
            if value is None:
                raise GoldError(f"{where}: value is empty")
            value_max = _num(r["value_max"], where, "value_max")
            if (value_max is not None) != (r["comparator"] == "between"):
                raise GoldError(f"{where}: value_max is given exactly when the comparator is between")
            cocc = int(r["context_occurrence"] or 1)
            if strict_unique and cocc == 1 and not r["context_occurrence"] and context_count(text, r["context"]) > 1:
                raise GoldError(f"{where}: context {r['context']!r} occurs more than once; lengthen it")
            try:
                start, end = locate(text, r["context"], r["quantity_text"], int(r["occurrence"] or 1), cocc)
            except GoldError as exc:
                raise GoldError(f"{where}: {exc}") from None
            year = r["target_year"]
            rows.append(
                GoldRow(
                    r["file"],
                    n,
                    start,
                    end,
                    r["quantity_text"],
                    value,
                    value_max,
                    r["unit"],
                    r["comparator"],
                    r["category"],
                    r["statement_kind"],
                    r["per_unit"] or None,
                    r["aspirational"].lower() == "true",
                    int(float(year)) if year else None,
                    r["note"],
                )
            )
    return rows


def read_never(path: Path, text: str) -> list[tuple[int, int, str, str]]:
    """Every occurrence of each never-quantity text: ``(start, end, text, why)``."""
    out = []
    flat, index = _squeeze(text)
    with path.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), start=2):
            needle, _ = _squeeze(r["text"])
            hits = [m.start() for m in re.finditer(re.escape(needle), flat)] if needle else []
            if not hits:
                raise GoldError(f"{path.name} row {n}: never-quantity {r['text']!r} is not in the text")
            for h in hits:
                out.append((index[h], index[h + len(needle) - 1] + 1, r["text"], r["why"]))
    return out
