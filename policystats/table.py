"""Turn one catalogued document into rows of the measures table.

``document_rows`` is the per-document function every build engine runs: it
cleans the raw text, segments it, and writes one row per block (a measure or
the text around the measures).
"""

from __future__ import annotations

from typing import Any

from .agencies import agency_function, agency_label_en
from .clean import clean_with_notes
from .corpus import Document
from .structure import Block, parse_structure

AGENCY_SEP = "; "


def _issuer_level(meta: dict[str, str], forwarded: bool) -> str:
    """The level of the body whose words a part records.

    A forwarded part is the higher body's text; everything else is the words
    of the body that issued (or forwarded) the file.
    """
    if forwarded:
        return meta.get("issuer_level") or meta["admin_level"]
    return meta.get("forwarded_by_level") or meta.get("issuer_level") or meta["admin_level"]


def block_row(doc: Document, block: Block, source_path: str) -> dict[str, Any]:
    meta = doc.meta
    start, end = block.span
    resp = block.responsibility
    issuer_level = _issuer_level(meta, block.forwarded)
    lead = resp.lead if resp else None
    return {
        "doc_id": doc.doc_id,
        "source_path": source_path,
        "city": meta["city_en"],
        "city_zh": meta["city_zh"],
        "prefecture": meta.get("prefecture_en") or meta["city_en"],
        "province": meta["province_en"],
        "province_zh": meta.get("province_zh", ""),
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
    }


def document_blocks(doc: Document):
    """Clean and segment one document; return (structure, repair notes)."""
    text, notes = clean_with_notes(doc.raw)
    return parse_structure(doc.doc_id, text), notes


def document_rows(doc: Document, source_path: str) -> list[dict[str, Any]]:
    """One row per block of ``doc``."""
    structure, _ = document_blocks(doc)
    return [block_row(doc, b, source_path) for b in structure.blocks]
