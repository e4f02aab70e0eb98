"""Accuracy against blind gold, per category and cumulatively, and against jionlp.

Gold sets (``tests/gold/``):

* ``corpus``: the development corpus (``../shared/corpus``), documents the
  rules were not written from, annotated blind (``tests/gold/corpus/*.csv``);
* ``seeds``: the five seed documents, re-annotated blind (``tests/gold/seeds/``);
* ``review``: the rows a reviewer confirmed or corrected (``data/review.csv``).

A prediction matches a gold quantity when their spans overlap in the same
document (one to one, the largest overlap first). Correctness is cumulative:

1. ``value_unit``: value (and the upper bound of a range) and unit;
2. ``comparator``: and the comparator;
3. ``category``: and the category;
4. ``statement_kind``: and the statement kind.

Recall in a category is over its gold quantities. Precision is over the
predictions that count for it: at the first two levels a prediction counts for
the category of the gold quantity it matches (or its own category when it
matches none); from level 3 on, for its own category.

``policystats evaluate`` prints the figures; ``--write docs/accuracy.md``
refreshes the generated part of that file.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus import Document, load_corpus
from ..errors import PolicystatsError
from ..paths import ProjectPaths, get_paths
from .gold import HEADLINE, GoldError, read_gold, read_never

LEVELS = ("value_unit", "comparator", "category", "statement_kind")
LEVEL_LABELS = {
    "value_unit": "value + unit",
    "comparator": "+ comparator",
    "category": "+ category",
    "statement_kind": "+ statement kind",
}
JIONLP_COMPARATOR = {"accurate": "=", "blur": "~", "blur+": ">", "blur-": "<"}
GOLD_SETS = ("corpus", "heldout", "seeds", "review")


@dataclass(frozen=True)
class Item:
    """A quantity in one document, as gold or as predicted."""

    doc_id: str
    start: int
    end: int
    text: str
    value: float
    value_max: float | None
    unit: str
    comparator: str
    category: str = ""
    statement_kind: str = ""
    aspirational: bool = False
    per_unit: str | None = None
    target_year: int | None = None
    note: str = ""
    line: int = 0  # the gold row's line in its file (0 for a prediction)


@dataclass
class GoldSet:
    """Documents and their gold: quantities and never-quantities."""

    name: str
    docs: list[Document]
    gold: list[Item]
    never: list[tuple[str, int, int, str, str]] = field(default_factory=list)  # doc, start, end, text, why


@dataclass(frozen=True)
class Scores:
    category: str
    level: str
    gold: int
    predicted: int
    correct_gold: int
    correct_predicted: int

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct_gold / self.gold if self.gold else 1.0


@dataclass
class Report:
    name: str
    n_docs: int
    scores: list[Scores]
    errors: list[tuple[Item | None, Item | None, str]]
    never_violations: list[tuple[str, str, str]]
    jionlp: dict | None = None
    money_errors: list[str] = field(default_factory=list)

    def get(self, category: str, level: str) -> Scores:
        return next(s for s in self.scores if s.category == category and s.level == level)


# ------------------------------------------------------------------ gold sets


def default_corpus_dir(paths: ProjectPaths) -> Path:
    """``$POLICYSTATS_DEV_CORPUS``, else ``../shared/corpus`` beside the project."""
    env = os.environ.get("POLICYSTATS_DEV_CORPUS")
    return Path(env) if env else paths.root.parent / "shared" / "corpus"


_LEVEL = {"city": "prefecture_city", "prefecture": "prefecture_city", "district": "district", "county": "county"}


def corpus_meta(row: dict[str, str]) -> dict[str, str]:
    """A development-corpus catalog row in the project's catalog columns.

    >>> m = corpus_meta({"file": "001_anhui_2021.txt", "city_en": "Anhui (province)", "city_zh": "安徽省",
    ...                  "province_zh": "安徽省", "admin_level": "province", "issue_date": ""})
    >>> m["doc_id"], m["city_en"], m["admin_level"], m["issue_date"], m["province_en"]
    ('001-anhui-2021', 'Anhui', 'province', '2021-01-01', 'Anhui')
    """
    from ..corpus import province_names

    stem = Path(row["file"]).stem
    year = stem.rsplit("_", 1)[-1]
    level = _LEVEL.get(row.get("admin_level", ""), row.get("admin_level", ""))
    prov_en, prov_zh = province_names(row.get("province_zh", ""))
    return {
        "doc_id": stem.lower().replace("_", "-"),
        "file": row["file"],
        "city_en": row.get("city_en", "").split(" (")[0].split(" /")[0],
        "city_zh": row.get("city_zh", ""),
        "province_en": prov_en,
        "province_zh": prov_zh,
        "admin_level": level,
        "issuer_level": level,
        "issuer_zh": row.get("issuer_zh", ""),
        "doc_number": row.get("doc_number", ""),
        "issue_date": row.get("issue_date") or f"{year}-01-01",
        "statement_nature": "commitments",
        "title": row.get("title_zh", ""),
        "sha256": "",
    }


def corpus_documents(corpus_dir: Path) -> list[Document]:
    """The development corpus, imported in memory (nothing is registered in a project)."""
    import hashlib

    from ..ingest import import_bytes

    catalog = corpus_dir / "catalog.csv"
    if not catalog.exists():
        raise PolicystatsError(f"{corpus_dir}: no catalog.csv; pass --corpus with the development corpus folder")
    docs = []
    with catalog.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            path = corpus_dir / row["file"]
            data = path.read_bytes()
            imported = import_bytes(data, path.name)
            meta = corpus_meta(row) | {"sha256": hashlib.sha256(data).hexdigest(), "encoding": imported.encoding}
            docs.append(Document(meta["doc_id"], path, meta, imported.text))
    return docs


def _items_from_gold(rows, doc_id: str) -> list[Item]:
    return [
        Item(
            doc_id,
            g.start,
            g.end,
            g.text,
            g.value,
            g.value_max,
            g.unit,
            g.comparator,
            g.category,
            g.statement_kind,
            g.aspirational,
            g.per_unit,
            g.target_year,
            g.note,
            g.line,
        )
        for g in rows
    ]


def _read_set(name: str, docs: list[Document], gold_dir: Path, key) -> GoldSet:
    gold: list[Item] = []
    never: list[tuple[str, int, int, str, str]] = []
    kept = []
    for doc in docs:
        stem = key(doc)
        path = gold_dir / f"{stem}.csv"
        if not path.exists():
            continue
        kept.append(doc)
        try:
            gold += _items_from_gold(read_gold(path, doc.raw), doc.doc_id)
            npath = gold_dir / f"{stem}.never.csv"
            if npath.exists():
                never += [(doc.doc_id, a, b, t, w) for a, b, t, w in read_never(npath, doc.raw)]
        except GoldError as exc:
            raise PolicystatsError(f"gold set {name}: {exc}") from exc
    return GoldSet(name, kept, gold, never)


def corpus_gold(paths: ProjectPaths, corpus_dir: Path | None = None) -> GoldSet:
    corpus_dir = corpus_dir or default_corpus_dir(paths)
    if not corpus_dir.is_dir():
        raise PolicystatsError(f"{corpus_dir}: the development corpus is not there; pass --corpus DIR")
    return _read_set("corpus", corpus_documents(corpus_dir), paths.gold / "corpus", lambda d: d.path.stem)


def heldout_gold(paths: ProjectPaths) -> GoldSet:
    """Documents from cities outside the development corpus, kept with their gold (tests/gold/heldout/).

    Their texts and catalog are committed (``documents/``), so this set needs
    no corpus folder; its gold was written blind before any change to the
    code was made for these documents.
    """
    folder = paths.gold / "heldout"
    if not (folder / "documents" / "catalog.csv").exists():
        raise PolicystatsError(
            f"{folder}: the held-out documents are not there (they come with a clone of the repository)"
        )
    return _read_set("heldout", corpus_documents(folder / "documents"), folder, lambda d: d.path.stem)


def seeds_gold(paths: ProjectPaths) -> GoldSet:
    docs = load_corpus(paths)
    return _read_set("seeds", docs, paths.gold / "seeds", lambda d: d.path.stem)


def gold_set(name: str, paths: ProjectPaths, corpus_dir: Path | None = None) -> GoldSet:
    if name == "corpus":
        return corpus_gold(paths, corpus_dir)
    if name == "heldout":
        return heldout_gold(paths)
    if name == "seeds":
        return seeds_gold(paths)
    if name == "review":
        from ..review import review_gold

        return review_gold(paths)
    raise PolicystatsError(f"unknown gold set {name!r}; use one of {', '.join(GOLD_SETS)}")


# ------------------------------------------------------------------ predictions


def predictions(docs: list[Document]) -> list[Item]:
    """Every quantity row the extractor produces for ``docs``."""
    import warnings

    from ..extract.structure import StructureWarning
    from ..extract.table import document_rows

    out = []
    for doc in docs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StructureWarning)  # kept in documents.csv by a build; noise here
            rows = document_rows(doc, "data/raw/" + doc.path.name)
        for r in rows:
            if r["quantity_id"] is None:
                continue
            out.append(
                Item(
                    doc.doc_id,
                    r["span_start"],
                    r["span_end"],
                    r["quantity_text"],
                    r["value"],
                    r["value_max"],
                    r["unit"],
                    r["comparator"],
                    r["category"],
                    r["statement_kind"],
                    bool(r["aspirational"]),
                    r["per_unit"],
                    r["target_year"],
                )
            )
    return out


# ------------------------------------------------------------------ matching and scoring


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def correct(g: Item, p: Item, level: str) -> bool:
    """Is ``p`` right about ``g`` up to ``level`` (cumulative)?"""
    k = LEVELS.index(level)
    ok = _close(g.value, p.value) and _close(g.value_max, p.value_max) and g.unit == p.unit
    if k >= 1:
        ok = ok and g.comparator == p.comparator
    if k >= 2:
        ok = ok and g.category == p.category
    if k >= 3:
        ok = ok and g.statement_kind == p.statement_kind
    return ok


def match(gold: list[Item], preds: list[Item]) -> dict[int, int]:
    """gold index → prediction index: overlapping spans in one document, largest overlap first."""
    by_doc: dict[str, list[int]] = {}
    for j, p in enumerate(preds):
        by_doc.setdefault(p.doc_id, []).append(j)
    pairs = []
    for i, g in enumerate(gold):
        for j in by_doc.get(g.doc_id, []):
            p = preds[j]
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0:
                pairs.append((-overlap, not correct(g, p, "value_unit"), i, j))
    pairs.sort()
    out: dict[int, int] = {}
    used: set[int] = set()
    for _o, _c, i, j in pairs:
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def score(gold: list[Item], preds: list[Item]) -> list[Scores]:
    m = match(gold, preds)
    back = {j: i for i, j in m.items()}
    cats = sorted({g.category for g in gold} | {p.category for p in preds})
    out = []
    for level in LEVELS:
        ok = {i for i, j in m.items() if correct(gold[i], preds[j], level)}
        for c in cats:
            gi = [i for i, g in enumerate(gold) if g.category == c]
            if LEVELS.index(level) < 2:
                pj = [j for j, p in enumerate(preds) if (gold[back[j]].category if j in back else p.category) == c]
            else:
                pj = [j for j, p in enumerate(preds) if p.category == c]
            out.append(
                Scores(c, level, len(gi), len(pj), sum(i in ok for i in gi), sum(back.get(j, -1) in ok for j in pj))
            )
        out.append(Scores("all", level, len(gold), len(preds), len(ok), len(ok)))
    return out


def _why(g: Item, p: Item) -> str:
    parts = []
    if not _close(g.value, p.value) or not _close(g.value_max, p.value_max):
        parts.append(f"value {p.value:g}{'–' + format(p.value_max, 'g') if p.value_max else ''}≠{g.value:g}")
    if g.unit != p.unit:
        parts.append(f"unit {p.unit}≠{g.unit}")
    if g.comparator != p.comparator:
        parts.append(f"comparator {p.comparator}≠{g.comparator}")
    if g.category != p.category:
        parts.append(f"category {p.category}≠{g.category}")
    if g.statement_kind != p.statement_kind:
        parts.append(f"kind {p.statement_kind}≠{g.statement_kind}")
    return ", ".join(parts)


def errors(gold: list[Item], preds: list[Item]) -> list[tuple[Item | None, Item | None, str]]:
    """Every gold quantity not fully right, and every prediction with no gold."""
    m = match(gold, preds)
    out: list[tuple[Item | None, Item | None, str]] = []
    for i, g in enumerate(gold):
        if i not in m:
            out.append((g, None, "missed"))
        elif not correct(g, preds[m[i]], "statement_kind"):
            out.append((g, preds[m[i]], _why(g, preds[m[i]])))
    matched = set(m.values())
    out += [(None, p, "not a gold quantity") for j, p in enumerate(preds) if j not in matched]
    return out


# ------------------------------------------------------------------ jionlp


def _jionlp_predictions(docs: list[Document]) -> list[Item] | None:
    try:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp
    except ImportError:
        return None
    import warnings

    from ..extract.structure import StructureWarning
    from ..extract.table import document_structure

    found: list[Item] = []
    for doc in docs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StructureWarning)
            structure, _ = document_structure(doc)
        for b in structure.blocks:
            for e in jionlp.ner.extract_money(b.text.text, with_parsing=True):
                a, z = e["offset"]
                start, end = b.text.raw_span(a, z)
                num = e["detail"]["num"]
                lo, hi = (num[0], num[1]) if isinstance(num, list) else (num, None)
                unit = {"元": "CNY", "美元": "USD"}.get(e["detail"]["case"], e["detail"]["case"])
                comp = "between" if hi is not None else JIONLP_COMPARATOR.get(e["detail"].get("definition"), "?")
                found.append(
                    Item(doc.doc_id, start, end, doc.raw[start:end], float(lo), float(hi) if hi else None, unit, comp)
                )
    return found


def money_comparison(gs: GoldSet, ours: list[Item]) -> tuple[dict, list[str]] | None:
    """policystats and jionlp.ner.extract_money on the gold money quantities (CNY, USD)."""
    theirs = _jionlp_predictions(gs.docs)
    if theirs is None:
        return None
    money = [g for g in gs.gold if g.unit in ("CNY", "USD")]
    result, notes = {}, []
    for name, preds in (("policystats", [p for p in ours if p.unit in ("CNY", "USD")]), ("jionlp", theirs)):
        m = match(money, preds)
        vu = sum(correct(money[i], preds[j], "value_unit") for i, j in m.items())
        vuc = sum(correct(money[i], preds[j], "comparator") for i, j in m.items())
        result[name] = {
            "gold": len(money),
            "predicted": len(preds),
            "found": len(m),
            "value_unit": vu,
            "value_unit_comparator": vuc,
            "precision_value_unit": vu / len(preds) if preds else 1.0,
            "recall_value_unit_comparator": vuc / len(money) if money else 1.0,
            "spurious": len(preds) - len(m),
        }
        if name == "jionlp":
            for i, j in sorted(m.items()):
                g, p = money[i], preds[j]
                if correct(g, p, "value_unit") and g.comparator != p.comparator:
                    notes.append(f"`{g.doc_id}` {g.text!r}: jionlp reads {p.comparator}, the text means {g.comparator}")
    return result, notes


# ------------------------------------------------------------------ entry points


def evaluate_set(gs: GoldSet, with_jionlp: bool = True) -> Report:
    preds = predictions(gs.docs)
    doc_ids = {d.doc_id for d in gs.docs}
    preds = [p for p in preds if p.doc_id in doc_ids]
    raw = {d.doc_id: d.raw for d in gs.docs}
    violations = [
        (doc, raw[doc][s:e], why)
        for doc, s, e, _t, why in gs.never
        for p in preds
        if p.doc_id == doc and p.start < e and s < p.end
    ]
    report = Report(gs.name, len(gs.docs), score(gs.gold, preds), errors(gs.gold, preds), violations)
    if with_jionlp:
        j = money_comparison(gs, preds)
        if j is not None:
            report.jionlp, report.money_errors = j
    return report


def evaluate(
    root: str | os.PathLike[str] | None = None,
    sets: tuple[str, ...] = ("corpus", "seeds"),
    *,
    corpus_dir: str | os.PathLike[str] | None = None,
    with_jionlp: bool = True,
) -> list[Report]:
    """One report per gold set."""
    paths = get_paths(root)
    cdir = Path(corpus_dir) if corpus_dir else None
    return [evaluate_set(gold_set(name, paths, cdir), with_jionlp) for name in sets]


def format_report(r: Report) -> str:
    lines = [f"gold set {r.name}: {r.n_docs} documents, {r.get('all', 'value_unit').gold} gold quantities"]
    lines.append(f"{'category':26s}{'gold':>5s}" + "".join(f"{LEVEL_LABELS[lv]:>22s}" for lv in LEVELS))
    lines.append(f"{'':31s}" + "           P      R" * len(LEVELS))
    cats = sorted({s.category for s in r.scores} - {"all"}, key=lambda c: (c not in HEADLINE, c))
    for c in [*cats, "all"]:
        row = [r.get(c, lv) for lv in LEVELS]
        mark = "*" if c in HEADLINE else " "
        cells = "".join(f"        {s.precision:6.3f} {s.recall:6.3f}" for s in row)
        lines.append(f"{c + mark:26s}{row[0].gold:5d}{cells}")
    lines.append("(* headline; P precision, R recall; each level adds a field that must also be right)")
    lines.append(f"never-quantities extracted: {len(r.never_violations)}")
    if r.jionlp:
        lines.append("money (CNY, USD)     gold  found  value+unit  +comparator  precision  spurious")
        for name, d in r.jionlp.items():
            lines.append(
                f"  {name:16s} {d['gold']:5d}  {d['found']:5d}  {d['value_unit']:10d}  {d['value_unit_comparator']:11d}"
                f"  {d['precision_value_unit']:9.3f}  {d['spurious']:8d}"
            )
    return "\n".join(lines)


def markdown_tables(reports: list[Report]) -> str:
    """The generated part of docs/accuracy.md."""
    out: list[str] = []
    for r in reports:
        all_q = r.get("all", "value_unit")
        out += [f"### Gold set `{r.name}`: {r.n_docs} documents, {all_q.gold} quantities", ""]
        out.append("| category | gold | " + " | ".join(f"{LEVEL_LABELS[lv]} P / R" for lv in LEVELS) + " |")
        out.append("| --- | ---: |" + " ---: |" * len(LEVELS))
        cats = sorted({s.category for s in r.scores} - {"all"}, key=lambda c: (c not in HEADLINE, c))
        for c in [*cats, "all"]:
            row = [r.get(c, lv) for lv in LEVELS]
            name = f"**{c}**" if c in HEADLINE else c
            cells = " | ".join(f"{s.precision:.3f} / {s.recall:.3f}" for s in row)
            out.append(f"| {name} | {row[0].gold} | {cells} |")
        out += ["", f"Never-quantities extracted: {len(r.never_violations)}.", ""]
        if r.jionlp:
            out += [
                "| money (CNY, USD) | gold | found | value + unit | + comparator | precision (value + unit)"
                " | spurious |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for name, d in r.jionlp.items():
                out.append(
                    f"| {name} | {d['gold']} | {d['found']} | {d['value_unit']} | {d['value_unit_comparator']} |"
                    f" {d['precision_value_unit']:.3f} | {d['spurious']} |"
                )
            out.append("")
    return "\n".join(out)


BEGIN, END = "<!-- BEGIN GENERATED -->", "<!-- END GENERATED -->"


def write_markdown(reports: list[Report], path: str | os.PathLike[str]) -> bool:
    """Replace the generated part of ``path`` (between the markers); return whether it changed."""
    p = Path(path)
    text = p.read_text(encoding="utf-8") if p.exists() else f"# Accuracy\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n\n{markdown_tables(reports)}\n{END}{tail}"
    if new != text:
        p.write_text(new, encoding="utf-8")
        return True
    return False


def headline_errors(r: Report, limit: int | None = None) -> list[str]:
    """Readable lines for the errors on headline quantities (for the closing note and docs)."""
    out = []
    for g, p, why in r.errors:
        cat = (g or p).category
        if cat not in HEADLINE:
            continue
        item = g or p
        out.append(f"{item.doc_id} {item.text!r}: {why}" + (f" (read {p.text!r})" if g and p else ""))
    return out[:limit] if limit else out
