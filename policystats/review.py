"""Human review: worksheets out, decisions in, applied on top of extraction.

No extractor is perfect on a new city's document, so a researcher checks the
rows that matter and corrects the wrong ones. Decisions live apart from the
extraction, in ``data/review.csv`` (committed with the project), and the
build applies them after extracting, so a rebuild, a new version of the rules
or a new document never silently undoes a correction:

* a decision is keyed by the document's sha256 and the quantity's span and
  text, never by a row number;
* a decision whose key no longer matches (the document was edited, or the
  extractor no longer finds that quantity) is not applied: it is *stale*, and
  ``build`` and ``review`` list it with what changed.

The loop: ``policystats review --out check.xlsx`` writes a worksheet of the
rows to check; a reviewer fills its editable columns (in Excel or WPS);
``policystats review --apply check.xlsx`` validates it against the codebook's
vocabularies and stores the decisions; ``policystats build`` applies them.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from .errors import PolicystatsError

ACTIONS = ("confirm", "correct", "not_quantity", "add")
ORIGINS = ("extracted", "corrected", "added")
EDITABLE = ("category", "statement_kind", "comparator", "value", "value_max", "unit")
"""The fields a reviewer may correct."""

DECISION_COLUMNS = [
    "doc_sha256",
    "doc_id",
    "span_start",
    "span_end",
    "quantity_text",
    "action",
    *EDITABLE,
    "reviewer",
    "date",
    "note",
]

# Worksheet columns: what the reviewer reads, then what they may fill in.
CONTEXT_COLUMNS = [
    "key",
    "doc_id",
    "city",
    "measure_id",
    "measure_title",
    "sentence",
    "why_check",
    "kind_reason",
    "category_reason",
    "quantity_text",
    "value",
    "value_max",
    "unit",
    "comparator",
    "category",
    "statement_kind",
]
INPUT_COLUMNS = [
    "confirm",
    "not_a_quantity",
    *(f"new_{c}" for c in EDITABLE),
    "add_text",
    "add_occurrence",
    "reviewer",
    "note",
]
WORKSHEET_COLUMNS = CONTEXT_COLUMNS + INPUT_COLUMNS
# What the last build did with each decision (data/processed/review_status.csv).
STATUS_COLUMNS = [*DECISION_COLUMNS, "status", "why"]
YES = {"x", "X", "yes", "y", "1", "true", "True", "是", "√", "✓"}


class ReviewError(PolicystatsError):
    """A worksheet or data/review.csv that cannot be used; the message names the file, row and column."""


@dataclass(frozen=True)
class Decision:
    """One reviewer's decision about one quantity."""

    doc_sha256: str
    doc_id: str
    span_start: int
    span_end: int
    quantity_text: str
    action: str
    category: str | None = None
    statement_kind: str | None = None
    comparator: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    reviewer: str = ""
    date: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, int, int, str]:
        return (self.doc_sha256, self.span_start, self.span_end, self.quantity_text)


@dataclass
class Stale:
    """A decision that no longer applies, and why."""

    decision: Decision
    why: str

    def __str__(self) -> str:
        d = self.decision
        return f"{d.doc_id} {d.quantity_text!r} ({d.action} by {d.reviewer or 'someone'} on {d.date}): {self.why}"


@dataclass
class Applied:
    table: pd.DataFrame
    stale: list[Stale] = field(default_factory=list)
    applied: int = 0


# ------------------------------------------------------------------ decisions on disk


def read_decisions(path: Path) -> list[Decision]:
    """The decisions in ``data/review.csv`` (none if it does not exist)."""
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in DECISION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReviewError(f"{path}: missing column(s) {', '.join(missing)}")
        for n, r in enumerate(reader, start=2):
            if None in r or any(v is None for v in r.values()):
                raise ReviewError(f"{path} row {n}: the row does not have the header's {len(DECISION_COLUMNS)} fields")
            try:
                out.append(
                    Decision(
                        r["doc_sha256"],
                        r["doc_id"],
                        int(r["span_start"]),
                        int(r["span_end"]),
                        r["quantity_text"],
                        r["action"],
                        r["category"] or None,
                        r["statement_kind"] or None,
                        r["comparator"] or None,
                        float(r["value"]) if r["value"] else None,
                        float(r["value_max"]) if r["value_max"] else None,
                        r["unit"] or None,
                        r["reviewer"],
                        r["date"],
                        r["note"],
                    )
                )
            except ValueError as exc:
                raise ReviewError(f"{path} row {n}: {exc}") from exc
            if out[-1].action not in ACTIONS:
                raise ReviewError(f"{path} row {n}: action {r['action']!r} is not one of {', '.join(ACTIONS)}")
    return out


def write_decisions(path: Path, decisions: list[Decision]) -> None:
    """Write ``data/review.csv`` atomically, sorted by document and span (a stable, reviewable diff)."""
    rows = sorted(decisions, key=lambda d: (d.doc_id, d.span_start, d.span_end, d.quantity_text))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(DECISION_COLUMNS)
        for d in rows:
            w.writerow([_cell(getattr(d, f.name)) for f in fields(Decision)])
    tmp.replace(path)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.12g}"
    return str(v)


def merge(old: list[Decision], new: list[Decision]) -> list[Decision]:
    """A new decision about a quantity replaces the old one; the others are kept."""
    by_key = {d.key: d for d in old}
    for d in new:
        by_key[d.key] = d
    return list(by_key.values())


# ------------------------------------------------------------------ the worksheet


def _marked(row) -> str:
    """The source sentence with the quantity marked 【like this】."""
    sentence, text = row["source_sentence"] or "", row["quantity_text"] or ""
    i = sentence.find(text) if text else -1
    return sentence if i < 0 else f"{sentence[:i]}【{text}】{sentence[i + len(text) :]}"


def why_check(row, reviewed_docs: set[str], changed: set[tuple[str, int, int]]) -> str:
    """Why a row is uncertain ('' when it is not)."""
    reasons = []
    if row.get("confidence") == "low":
        reasons.append(f"decided by a default ({row['kind_reason']})")
    if row["doc_sha256"] not in reviewed_docs:
        reasons.append("document not reviewed yet")
    if (row["doc_id"], int(row["span_start"]), int(row["span_end"])) in changed:
        reasons.append("category or kind changed since the last build")
    return "; ".join(reasons)


def worksheet(
    table: pd.DataFrame,
    sha_of: dict[str, str],
    decisions: list[Decision],
    *,
    doc: str | None = None,
    city: str | None = None,
    only_uncertain: bool = False,
    changed: set[tuple[str, int, int]] | None = None,
) -> pd.DataFrame:
    """The rows to check, with their context, current values and empty input columns."""
    q = table[table["quantity_id"].notna()].copy()
    if doc:
        q = q[q["doc_id"] == doc]
    if city:
        q = q[(q["city"] == city) | (q["city_zh"] == city)]
    if q.empty:
        raise ReviewError(
            f"no quantity to review{f' in document {doc}' if doc else ''}{f' for city {city}' if city else ''}"
        )
    q["doc_sha256"] = q["doc_id"].map(sha_of)
    reviewed = {d.doc_sha256 for d in decisions}
    q["why_check"] = [why_check(r, reviewed, changed or set()) for r in q.to_dict("records")]
    if only_uncertain:
        q = q[q["why_check"] != ""]
    q["key"] = [
        f"{s}|{int(a)}|{int(b)}" for s, a, b in zip(q["doc_sha256"], q["span_start"], q["span_end"], strict=True)
    ]
    q["sentence"] = [_marked(r) for r in q.to_dict("records")]
    out = q[[c for c in CONTEXT_COLUMNS]].reset_index(drop=True)
    for c in INPUT_COLUMNS:
        out[c] = ""
    return out


def write_worksheet(df: pd.DataFrame, path: Path) -> None:
    """``.csv`` (UTF-8 with BOM, so Excel reads the CJK) or ``.xlsx`` (openpyxl, with drop-down lists)."""
    if path.suffix.lower() == ".csv":
        df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        return
    if path.suffix.lower() != ".xlsx":
        raise ReviewError(f"{path}: the worksheet must be .xlsx or .csv")
    _write_xlsx(df, path)


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from . import schema

    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([_xl(v) for v in row])
    editable = PatternFill("solid", fgColor="FFF2CC")
    for i, name in enumerate(df.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = {"sentence": 60, "measure_title": 24, "key": 12}.get(name, 14)
        if name in INPUT_COLUMNS:
            cell.fill = editable
        if name == "sentence":
            for c in ws[letter][1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    lists = {
        "new_category": schema.CATEGORIES,
        "new_statement_kind": schema.STATEMENT_KINDS,
        "new_comparator": schema.COMPARATORS,
        "new_unit": schema.UNITS,
        "confirm": ["x"],
        "not_a_quantity": ["x"],
    }
    last = max(ws.max_row, 2) + 200  # room for added rows
    for name, values in lists.items():
        col = get_column_letter(list(df.columns).index(name) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    guide = wb.create_sheet("how to")
    for line in _HOW_TO:
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    wb.save(path)


_HOW_TO = [
    "Each row of the sheet 'review' is one quantity the extractor found.",
    "Read the sentence: the quantity is 【marked】.",
    "confirm: put x if every value is right.",
    "not_a_quantity: put x if it is no quantity (a document number, a date, a name).",
    "new_category, new_statement_kind, new_comparator, new_value, new_value_max, new_unit: fill only what is wrong.",
    "To add a quantity the extractor missed: a new row with measure_id, add_text (its text in the measure),",
    "  add_occurrence if that text occurs more than once in the measure, and every new_ field.",
    "reviewer and note are kept with each decision. Then run: policystats review --apply THIS_FILE",
]


def _xl(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return v


def read_worksheet(path: Path) -> pd.DataFrame:
    """A filled worksheet as strings ('' for empty cells)."""
    if not path.exists():
        raise ReviewError(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif path.suffix.lower() == ".xlsx":
            df = pd.read_excel(path, sheet_name="review", dtype=str, keep_default_na=False)
        else:
            raise ReviewError(f"{path}: the worksheet must be .xlsx or .csv")
    except ReviewError:
        raise
    except Exception as exc:  # openpyxl and pandas raise many kinds on a damaged file
        raise ReviewError(f"{path}: cannot be read as a review worksheet ({type(exc).__name__}: {exc})") from exc
    missing = [c for c in ("key", "measure_id", *INPUT_COLUMNS) if c not in df.columns]
    if missing:
        raise ReviewError(
            f"{path}: missing column(s) {', '.join(missing)}; write a fresh one with `policystats review --out`"
        )
    return df.fillna("")


# ------------------------------------------------------------------ worksheet → decisions


def _vocab() -> dict[str, list[str]]:
    from . import schema

    return {
        "category": schema.CATEGORIES,
        "statement_kind": schema.STATEMENT_KINDS,
        "comparator": schema.COMPARATORS,
        "unit": schema.UNITS,
    }


@dataclass
class _Sheet:
    """What checking one worksheet needs: the current table, documents and the problems found."""

    table: pd.DataFrame
    sha_of: dict[str, str]
    texts: dict[str, str]
    where: str
    reviewer: str
    today: str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        q = self.table[self.table["quantity_id"].notna()]
        self.by_key = {
            f"{self.sha_of.get(r['doc_id'])}|{int(r['span_start'])}|{int(r['span_end'])}": r
            for r in q.to_dict("records")
        }
        self.blocks = {r["measure_id"]: r for r in self.table.to_dict("records")}
        self.vocab = _vocab()

    def new_values(self, r: dict, here: str) -> dict:
        new: dict = {}
        for c in EDITABLE:
            v = _get(r, f"new_{c}")
            if not v:
                continue
            if c in self.vocab and v not in self.vocab[c]:
                self.problems.append(f"{here}, column new_{c}: {v!r} is not one of {', '.join(self.vocab[c])}")
            elif c in ("value", "value_max"):
                try:
                    new[c] = float(v)
                    if not math.isfinite(new[c]):
                        raise ValueError
                except ValueError:
                    self.problems.append(f"{here}, column new_{c}: {v!r} is not a finite number")
            else:
                new[c] = v
        return new


def _get(r: dict, col: str) -> str:
    return str(r.get(col, "") or "").strip()


def decisions_from(
    sheet: pd.DataFrame,
    table: pd.DataFrame,
    sha_of: dict[str, str],
    texts: dict[str, str],
    *,
    where: str,
    reviewer: str = "",
    today: str | None = None,
) -> list[Decision]:
    """Validate a filled worksheet; return its decisions. Raises ReviewError with one line per bad cell."""
    ctx = _Sheet(table, sha_of, texts, where, reviewer, today or dt.date.today().isoformat())
    out: list[Decision] = []
    for n, r in enumerate(sheet.to_dict("records"), start=2):
        d = _row_decision(ctx, r, f"{where} row {n}")
        if d is not None:
            out.append(d)
    if ctx.problems:
        shown = "\n  - ".join(ctx.problems[:30])
        more = f"\n  … and {len(ctx.problems) - 30} more" if len(ctx.problems) > 30 else ""
        raise ReviewError(f"{where}: {len(ctx.problems)} cell(s) need fixing; nothing was stored:\n  - {shown}{more}")
    return out


def _row_decision(ctx: _Sheet, r: dict, here: str) -> Decision | None:
    new = ctx.new_values(r, here)
    who, note = _get(r, "reviewer") or ctx.reviewer, _get(r, "note")
    if _get(r, "add_text"):
        return _added(ctx, r, new, here, who, note)
    confirm, drop = _get(r, "confirm") in YES, _get(r, "not_a_quantity") in YES
    if not (confirm or drop or new):
        return None  # the reviewer left this row alone
    row = ctx.by_key.get(_get(r, "key"))
    if row is None:
        ctx.problems.append(f"{here}, column key: {_get(r, 'key')!r} is no quantity of the current table")
        return None
    if drop and (confirm or new):
        ctx.problems.append(f"{here}: not_a_quantity cannot go with confirm or new values")
        return None
    final = {c: _none(row[c]) for c in EDITABLE} | new
    if final["comparator"] == "between" and final.get("value_max") is None:
        ctx.problems.append(f"{here}, column new_value_max: a between comparator needs an upper bound")
        return None
    action = "not_quantity" if drop else ("correct" if new else "confirm")
    return Decision(
        ctx.sha_of[row["doc_id"]],
        row["doc_id"],
        int(row["span_start"]),
        int(row["span_end"]),
        row["quantity_text"],
        action,
        *(final[c] for c in EDITABLE),
        reviewer=who,
        date=ctx.today,
        note=note,
    )


def _none(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def _added(ctx: _Sheet, r: dict, new: dict, here: str, who: str, note: str) -> Decision | None:
    """A quantity the extractor missed: its text within a measure, and every value."""
    block = ctx.blocks.get(_get(r, "measure_id"))
    if block is None:
        ctx.problems.append(f"{here}, column measure_id: {_get(r, 'measure_id')!r} is no measure of the current table")
        return None
    missing = [f"new_{c}" for c in ("category", "statement_kind", "comparator", "value", "unit") if c not in new]
    if missing:
        ctx.problems.append(f"{here}: an added quantity needs {', '.join(missing)}")
        return None
    occ = _get(r, "add_occurrence") or "1"
    if not occ.isdigit() or int(occ) < 1:
        ctx.problems.append(f"{here}, column add_occurrence: {occ!r} is not a whole number")
        return None
    raw, text = ctx.texts[block["doc_id"]], _get(r, "add_text")
    start, end = int(block["measure_start"]), int(block["measure_end"])
    pos = start - 1
    for _ in range(int(occ)):
        pos = raw.find(text, pos + 1, end)
        if pos < 0:
            ctx.problems.append(f"{here}, column add_text: {text!r} is not in measure {block['measure_id']} ({occ}×)")
            return None
    return Decision(
        ctx.sha_of[block["doc_id"]],
        block["doc_id"],
        pos,
        pos + len(text),
        text,
        "add",
        *(new.get(c) for c in EDITABLE),
        reviewer=who,
        date=ctx.today,
        note=note,
    )


# ------------------------------------------------------------------ applying decisions in a build


def apply(table: pd.DataFrame, decisions: list[Decision], docs: dict[str, tuple[str, str]]) -> Applied:
    """Apply decisions to a freshly extracted table.

    ``docs`` maps doc_id to ``(sha256, text)`` for the documents in the table.
    A decision applies only where its document has the same sha256 and, for a
    correction, the extractor still finds a quantity with that span and text;
    otherwise it is returned as stale, with what changed.
    """
    df = table.copy()
    if "origin" not in df.columns:
        df["origin"] = "extracted"
        df["confirmed"] = False
    stale: list[Stale] = []
    applied = 0
    index = {
        (r.doc_id, int(r.span_start), int(r.span_end)): i
        for i, r in df[df["quantity_id"].notna()][["doc_id", "span_start", "span_end"]].iterrows()
    }
    drop: list[int] = []
    added: list[dict] = []
    for d in decisions:
        if d.doc_id not in docs:
            stale.append(Stale(d, "the document is no longer in the catalog"))
            continue
        sha, text = docs[d.doc_id]
        if sha != d.doc_sha256:
            stale.append(Stale(d, _sha_changed(d.doc_sha256, sha)))
            continue
        if text[d.span_start : d.span_end] != d.quantity_text:
            stale.append(Stale(d, "the text at the decision's span differs"))
            continue
        i = index.get((d.doc_id, d.span_start, d.span_end))
        if d.action == "add":
            if i is not None:
                stale.append(Stale(d, "the extractor now finds this quantity itself; confirm or correct it instead"))
                continue
            row = _added_row(df, d)
            if row is None:
                stale.append(Stale(d, "no measure of the document holds the span any more"))
                continue
            added.append(row)
        elif i is None:
            stale.append(Stale(d, "the extractor no longer finds a quantity with this span and text"))
            continue
        elif d.action == "not_quantity":
            drop.append(i)
        else:
            for c in EDITABLE:
                df.at[i, c] = getattr(d, c)
            df.at[i, "origin"] = "corrected" if d.action == "correct" else df.at[i, "origin"]
            df.at[i, "confirmed"] = True
        applied += 1
    df = _drop_rows(df, drop)
    if added:
        df = pd.concat([df, pd.DataFrame(added)], ignore_index=True)
        df = df.sort_values(["doc_id", "measure_order", "span_start"], kind="stable", na_position="first")
    return Applied(df.reset_index(drop=True), stale, applied)


def _added_row(df: pd.DataFrame, d: Decision) -> dict | None:
    blocks = df[(df["doc_id"] == d.doc_id) & (df["measure_start"] <= d.span_start) & (df["measure_end"] >= d.span_end)]
    if blocks.empty:
        return None
    base = blocks.iloc[0].to_dict()
    n = int(df.loc[df["measure_id"] == base["measure_id"], "quantity_index"].max() or 0) + 1
    row = base | {c: getattr(d, c) for c in EDITABLE}
    return row | {
        "quantity_id": f"{base['measure_id']}#r{d.span_start}",
        "quantity_index": n,
        "quantity_text": d.quantity_text,
        "span_start": d.span_start,
        "span_end": d.span_end,
        "kind_reason": "added by a reviewer",
        "category_reason": "added by a reviewer",
        "confidence": "high",
        "origin": "added",
        "confirmed": True,
    }


def _drop_rows(df: pd.DataFrame, drop: list[int]) -> pd.DataFrame:
    """Remove rejected quantities; a measure left with none keeps one empty row."""
    if not drop:
        return df
    from .extract.table import EMPTY_QUANTITY

    gone = set(drop)
    remove = []
    for i in drop:
        mid = df.at[i, "measure_id"]
        others = df.index[(df["measure_id"] == mid) & ~df.index.isin(gone)]
        if len(others):
            remove.append(i)
            continue
        for c, v in EMPTY_QUANTITY.items():  # the measure's last quantity: keep the measure, empty
            df.at[i, c] = v
        df.at[i, "origin"] = "corrected"
        df.at[i, "confirmed"] = True
        gone.discard(i)
    return df.drop(index=remove)


class BuildReview:
    """The decisions of ``data/review.csv``, applied to each document's rows as the build writes them.

    Decisions never enter the cache key: a chunk comes from the cache as
    extracted and the decisions go on top. A decision whose document left the
    catalog or changed its bytes is stale at once; one that no chunk of its
    document could take is stale at ``finish()``.
    """

    def __init__(self, paths, rows: list[dict[str, str]]) -> None:
        self.paths = paths
        self.rows = {r["doc_id"]: r for r in rows}
        self.stale: list[Stale] = []
        self.applied = 0
        self.seen: list[Decision] = []  # every decision, in data/review.csv's order
        self.pending: dict[str, list[Decision]] = {}
        self._text: tuple[str, str] = ("", "")
        self.seen = read_decisions(paths.review)
        for d in self.seen:
            row = self.rows.get(d.doc_id)
            if row is None:
                self.stale.append(Stale(d, "the document is no longer in the catalog"))
            elif row["sha256"] != d.doc_sha256:
                self.stale.append(Stale(d, _sha_changed(d.doc_sha256, row["sha256"])))
            else:
                self.pending.setdefault(d.doc_id, []).append(d)

    def apply(self, frame: pd.DataFrame, doc_id: str) -> pd.DataFrame | None:
        """The rows with this document's decisions applied, or None if none falls within them."""
        waiting = self.pending.get(doc_id)
        if not waiting or frame.empty:
            return None
        lo, hi = int(frame["measure_start"].min()), int(frame["measure_end"].max())
        mine = [d for d in waiting if lo <= d.span_start and d.span_end <= hi]  # a part holds some of them
        if not mine:
            return None
        self.pending[doc_id] = [d for d in waiting if not (lo <= d.span_start and d.span_end <= hi)]
        done = apply(frame, mine, {doc_id: (self.rows[doc_id]["sha256"], self._document_text(doc_id))})
        self.stale += done.stale
        self.applied += done.applied
        return done.table

    def finish(self) -> list[Stale]:
        """Every stale decision, those no chunk could take included."""
        for ds in self.pending.values():
            self.stale += [Stale(d, "no measure of the document holds the span any more") for d in ds]
        self.pending = {}
        return self.stale

    def status(self) -> pd.DataFrame:
        """Every decision with what the build did with it (``data/processed/review_status.csv``)."""
        why = {st.decision: st.why for st in self.stale}
        rows = [
            [_cell(getattr(d, f.name)) for f in fields(Decision)] + ["stale" if d in why else "applied", why.get(d, "")]
            for d in self.seen
        ]
        return pd.DataFrame(rows, columns=STATUS_COLUMNS)

    def _document_text(self, doc_id: str) -> str:
        from .corpus import document_text

        if self._text[0] != doc_id:
            self._text = (doc_id, document_text(self.paths, self.rows[doc_id]))
        return self._text[1]


def _sha_changed(old: str, new: str) -> str:
    return f"the document changed since the decision (sha256 {old[:12]}… → {new[:12]}…)"


# ------------------------------------------------------------------ the project's review loop


def _documents(paths) -> tuple[dict[str, str], dict[str, str]]:
    """sha256 and text of every catalogued document."""
    from .corpus import load_corpus, read_catalog

    rows = read_catalog(paths)
    sha = {r["doc_id"]: r["sha256"] for r in rows}
    texts = {d.doc_id: d.raw for d in load_corpus(paths)}
    return sha, texts


def changed_quantities(paths) -> set[tuple[str, int, int]]:
    """Quantities whose category or kind changed at the last build (``data/processed/changes.csv``)."""
    path = paths.changes_csv
    if not path.exists():
        return set()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {(r.doc_id, int(r.span_start), int(r.span_end)) for r in df.itertuples()}


def export_worksheet(
    paths, out: str | os.PathLike[str], *, doc: str | None = None, city: str | None = None, only_uncertain: bool = False
) -> int:
    """Write the worksheet of rows to check; return how many rows it has."""
    from .api import load_measures

    table = load_measures(paths.root)
    sha, _ = _documents(paths)
    sheet = worksheet(
        table,
        sha,
        read_decisions(paths.review),
        doc=doc,
        city=city,
        only_uncertain=only_uncertain,
        changed=changed_quantities(paths),
    )
    write_worksheet(sheet, Path(out))
    return len(sheet)


def apply_worksheet(paths, file: str | os.PathLike[str], *, reviewer: str = "") -> tuple[int, int]:
    """Validate a filled worksheet and store its decisions; return (new decisions, decisions in all)."""
    from .api import load_measures

    path = Path(file)
    sheet = read_worksheet(path)
    table = load_measures(paths.root)
    sha, texts = _documents(paths)
    new = decisions_from(sheet, table, sha, texts, where=path.name, reviewer=reviewer or os.environ.get("USER", ""))
    stored = merge(read_decisions(paths.review), new)
    write_decisions(paths.review, stored)
    return len(new), len(stored)


def _built(paths) -> dict[Decision, tuple[str, str]] | None:
    """What the last build did with each decision it saw; None if it saw no data/review.csv."""
    path = paths.review_status
    if not path.exists():
        return None
    status = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(read_decisions(path), zip(status["status"], status["why"], strict=True), strict=True))


def stale_decisions(paths) -> tuple[list[Stale], int]:
    """The decisions the last build found stale, and how many decisions it has not seen (made since).

    The build's own account (``data/processed/review_status.csv``) is the
    truth: a rejected quantity is gone from the table, so the table alone
    cannot tell whether its decision still applies.
    """
    built = _built(paths) or {}
    stale, unseen = [], 0
    for d in read_decisions(paths.review):
        fate = built.get(d)
        if fate is None:
            unseen += 1
        elif fate[0] == "stale":
            stale.append(Stale(d, fate[1]))
    return stale, unseen


def unbuilt_reason(paths) -> str | None:
    """Why the table does not carry the decisions of data/review.csv as they are now; None if it does."""
    now = set(read_decisions(paths.review))
    built = set(_built(paths) or {})
    if now == built:
        return None
    parts = [f"{n} {what}" for n, what in ((len(now - built), "not applied yet"), (len(built - now), "withdrawn")) if n]
    return f"data/review.csv changed since the last build ({', '.join(parts)})"


def review_gold(paths):
    """Reviewed rows as a gold set, for ``policystats evaluate --against review``."""
    from .corpus import load_corpus
    from .devtools.evaluate import GoldSet, Item

    decisions = read_decisions(paths.review)
    docs = {d.doc_id: d for d in load_corpus(paths)}
    gold: list[Item] = []
    never = []
    for d in decisions:
        doc = docs.get(d.doc_id)
        if doc is None or doc.meta["sha256"] != d.doc_sha256 or doc.raw[d.span_start : d.span_end] != d.quantity_text:
            continue  # stale: it measures nothing about the current documents
        if d.action == "not_quantity":
            never.append((d.doc_id, d.span_start, d.span_end, d.quantity_text, "a reviewer: not a quantity"))
            continue
        gold.append(
            Item(
                d.doc_id,
                d.span_start,
                d.span_end,
                d.quantity_text,
                d.value,
                d.value_max,
                d.unit,
                d.comparator,
                d.category or "",
                d.statement_kind or "",
                note=f"{d.action} by {d.reviewer}",
            )
        )
    used = sorted({d.doc_id for d in decisions} & docs.keys())
    return GoldSet("review", [docs[i] for i in used], gold, never)
