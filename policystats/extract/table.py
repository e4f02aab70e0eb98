"""Turn one catalogued document into rows of the one normalised table.

``document_extract`` is the per-document function that every build engine
runs (local, process pool or Dask). It cleans the raw text, segments it into
blocks, finds the quantities in each block and classifies them: one row per
quantity, plus one row with an empty value for each block without one, so
that qualitative measures stay visible.
"""

from __future__ import annotations

from typing import Any

from ..corpus import Document
from .agencies import agency_function, agency_label_en
from .classify import classify_quantity, theme_of, theme_scores, theme_tags
from .clean import clean_with_notes
from .quantities import search_quantities
from .structure import Block, Structure, parse_structure

AGENCY_SEP = "; "


def _issuer_level(meta: dict[str, str], forwarded: bool) -> str:
    """The level of the body whose words a part records.

    A forwarded part is the higher body's text; everything else is the words
    of the body that issued (or forwarded) the file.
    """
    if forwarded:
        return meta.get("issuer_level") or meta["admin_level"]
    return meta.get("forwarded_by_level") or meta.get("issuer_level") or meta["admin_level"]


def _block_columns(doc: Document, block: Block, source_path: str) -> dict[str, Any]:
    meta = doc.meta
    start, end = block.span
    resp = block.responsibility
    issuer_level = _issuer_level(meta, block.forwarded)
    lead = resp.lead if resp else None
    scores = theme_scores(block.title, block.text.text)
    theme, tool = theme_of(block.title, block.text.text, scores)
    return {
        "doc_id": doc.doc_id,
        "source_path": source_path,
        "city": meta["city_en"],
        "city_zh": meta["city_zh"],
        "prefecture": meta.get("prefecture_en") or meta["city_en"],
        "province": meta["province_en"],
        "province_zh": meta.get("province_zh") or None,
        "admin_level": meta["admin_level"],
        "issuer_level": issuer_level,
        "forwarded": block.forwarded,
        "doc_year": int(meta["issue_date"][:4]),
        "doc_statement_nature": meta.get("statement_nature") or "commitments",
        "part_id": block.part_id,
        "part_kind": block.part_kind,
        "part_title": block.part_title,
        "block_kind": block.block_kind,
        "item_role": block.item_role,
        "measure_order": block.order,
        "measure_id": block.measure_id,
        "section_path": block.section_path,
        "heading_path": block.heading_path or None,
        "item_marker": block.item_marker,
        "measure_title": block.title,
        "title_source": block.title_source,
        "measure_text": block.text.text,
        "measure_start": start,
        "measure_end": end,
        "lead_agency": lead,
        "lead_agency_key": agency_function(lead)[0] if lead else None,
        "lead_agency_en": agency_label_en(lead, issuer_level) if lead else None,
        "lead_rule": resp.lead_rule if resp else None,
        "agencies": AGENCY_SEP.join(resp.all) if resp else None,
        "n_agencies": len(resp.all) if resp else 0,
        "theme": theme,
        "theme_tags": "; ".join(theme_tags(block.title, block.text.text, scores)) or None,
        "policy_tool": tool,
        # Every row starts as the extractor's; a reviewer's decision (policystats.review) may change both.
        "origin": "extracted",
        "confirmed": False,
    }


EMPTY_QUANTITY = {
    "quantity_id": None,
    "quantity_index": 0,
    "category": None,
    "indicator": None,
    "beneficiary": None,
    "statement_kind": None,
    "kind_reason": None,
    "category_reason": None,
    "confidence": None,
    "aspirational": None,
    "comparator": None,
    "value": None,
    "value_max": None,
    "unit": None,
    "per_unit": None,
    "unit_zh": None,
    "change": None,
    "double_marker": None,
    "quantity_flags": None,
    "target_year": None,
    "programme": None,
    "tier": None,
    "nested_in": None,
    "quantity_text": None,
    "source_sentence": None,
    "span_start": None,
    "span_end": None,
}


def _quantity_rows(doc: Document, block: Block, base: dict[str, Any]) -> list[dict[str, Any]]:
    text = block.text
    nature = base["doc_statement_nature"]
    rows: list[dict[str, Any]] = []
    by_indicator: dict[str, list[tuple[int, str]]] = {}
    for n, (_, q) in enumerate(search_quantities(text.text), start=1):
        c = classify_quantity(
            q,
            text.text,
            title=block.title,
            doc_nature=nature,
            item_role=block.item_role,
            lead_in=block.lead_in,
            headings=block.heading_path,
            part_title=" ".join(x for x in (block.part_title, doc.meta.get("title")) if x) or None,
            sibling_headings=block.sibling_titles,
        )
        start, end = text.raw_span(q.start, q.end)
        qid = f"{block.measure_id}#q{n}"
        year = q.target_year
        if year is None and q.relative_year is not None:
            year = base["doc_year"] + q.relative_year
        nested = None
        if c.nested_in_indicator:
            # The nearest earlier quantity of the parent indicator in the same sentence.
            for pos, pid in reversed(by_indicator.get(c.nested_in_indicator, [])):
                if pos >= q.sentence_start:
                    nested = pid
                    break
        by_indicator.setdefault(c.indicator, []).append((q.start, qid))
        rows.append(
            base
            | {
                "quantity_id": qid,
                "quantity_index": n,
                "category": c.category,
                "indicator": c.indicator,
                "beneficiary": c.beneficiary,
                "statement_kind": c.statement_kind,
                "kind_reason": c.kind_reason,
                "category_reason": c.category_reason,
                "confidence": c.confidence,
                "aspirational": q.aspirational,
                "comparator": q.comparator,
                "value": q.value,
                "value_max": q.value_max,
                "unit": q.unit,
                "per_unit": q.per_unit,
                "unit_zh": q.unit_zh or None,
                "change": q.change,
                "double_marker": q.double_marker,
                "quantity_flags": "; ".join(dict.fromkeys(q.flags)) or None,
                "target_year": year,
                "programme": c.programme,
                "tier": c.tier,
                "nested_in": nested,
                "quantity_text": doc.raw[start:end],
                "source_sentence": text.text[q.sentence_start : q.sentence_end].strip(),
                "span_start": start,
                "span_end": end,
            }
        )
    return rows


def document_structure(doc: Document) -> tuple[Structure, list[str]]:
    """Clean and segment one document; return (structure, repair notes)."""
    text, notes = clean_with_notes(doc.raw)
    return parse_structure(doc.doc_id, text), notes


def _rows(doc: Document, structure: Structure, source_path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for block in structure.blocks:
        base = _block_columns(doc, block, source_path)
        found = _quantity_rows(doc, block, base)
        rows.extend(found if found else [base | EMPTY_QUANTITY])
    return rows


def document_rows(doc: Document, source_path: str) -> list[dict[str, Any]]:
    """The table rows of one document: one per quantity, one per block without any."""
    structure, _ = document_structure(doc)
    return _rows(doc, structure, source_path)


def _order(row: dict[str, Any]) -> tuple:
    """Measure order, then quantity index; a row without a quantity index after the others of its measure."""
    mo, qi = row["measure_order"], row["quantity_index"]
    return (mo is None, mo or 0, qi is None, qi or 0)


def document_extract(doc: Document, source_path: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One document's rows in table order, not yet checked, and a summary line for the build report."""
    structure, notes = document_structure(doc)
    rows = sorted(_rows(doc, structure, source_path), key=_order)  # stable: a measure's rows keep their order
    summary = {
        "doc_id": doc.doc_id,
        "sha256": doc.meta["sha256"],
        "city": doc.meta["city_en"],
        "parts": len(structure.parts),
        "measures": sum(1 for b in structure.blocks if b.block_kind == "item"),
        "blocks": len(structure.blocks),
        "quantities": sum(1 for r in rows if r["quantity_id"] is not None),
        "warnings": " | ".join(structure.warnings),
        "repairs": " | ".join(notes),
    }
    return rows, summary


def document_table(doc: Document, source_path: str):
    """One document's validated table chunk, and a summary line for the build report."""
    from .. import schema

    rows, summary = document_extract(doc, source_path)
    return schema.validate(schema.from_rows(rows), where=f"the table of {doc.doc_id}"), summary
