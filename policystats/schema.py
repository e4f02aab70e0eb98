"""The contract of the one normalised table, as a pandera model.

The table is validated whenever it is built or loaded. ``docs/codebook.md``
explains every column and vocabulary value; a test checks that the codebook
and this model agree.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import _lexicon
from .errors import SchemaError

_CLS = _lexicon.load("classification.yaml")
_PROV = _lexicon.load("provinces.yaml")
_STRUCT = _lexicon.load("structure.yaml")

CATEGORIES = list(_CLS["categories"])
STATEMENT_KINDS = list(_CLS["statement_kinds"])
BENEFICIARIES = list(_CLS["beneficiaries"])
INDICATORS = sorted({e["code"] for e in _CLS["indicators"]} | {"unclassified"})
THEMES = list(_CLS["themes"])
POLICY_TOOLS = list(_CLS["policy_tools"])
PROGRAMMES = list(_CLS["programmes"])
COMPARATORS = ["=", ">", ">=", "<", "<=", "~", "between"]
UNITS = sorted(_lexicon.UNITS)
LEVELS = list(_PROV["levels"])
NATURES = list(_PROV["statement_natures"])
PART_KINDS = list(_STRUCT["part_kinds"])
BLOCK_KINDS = ["item", "intro", "preamble", "closing", "fragment", "unsegmented"]
ITEM_ROLES = ["measure", *_STRUCT["heading_roles"]]
TITLE_SOURCES = ["heading_line", "first_sentence", "run_on", "none"]
LEAD_RULES = ["explicit", "first_listed_declared", "first_listed_convention", "reply_issuer", "none"]
CHANGES = ["increase", "decrease"]


def _f(description: str, **kw) -> pa.Field:
    return pa.Field(description=description, **kw)


class MeasureSchema(pa.DataFrameModel):
    """One row per quantity, plus one empty-valued row per block without any."""

    # ---- document
    doc_id: Series[str] = _f("Catalog id of the source document.")
    source_path: Series[str] = _f("The raw file, relative to the repository root.", str_startswith="data/raw/")
    city: Series[str] = _f("Jurisdiction in English (Jieyang, Pingdingshan, Yanjiang).")
    city_zh: Series[str] = _f("Jurisdiction in Chinese.")
    prefecture: Series[str] = _f("Prefecture-level city the jurisdiction belongs to (Yanjiang: Ziyang).")
    province: Series[str] = _f("Province in English.")
    province_zh: Series[str] = _f("Province in Chinese.", nullable=True)
    admin_level: Series[str] = _f("Administrative level of the jurisdiction.", isin=LEVELS)
    issuer_level: Series[str] = _f(
        "Level of the body whose words the row records (a forwarded plan: province).", isin=LEVELS
    )
    forwarded: Series[bool] = _f("True if the row comes from a higher-level text that the jurisdiction forwarded.")
    doc_year: Series[pd.Int64Dtype] = _f("Year of the document's issue date.", ge=1949, le=2100)
    doc_statement_nature: Series[str] = _f("commitments or outcomes, from the catalog.", isin=NATURES)
    # ---- block (measure)
    part_id: Series[str] = _f("Part of the document (notice, plan, annex2, forwarded_notice …).")
    part_kind: Series[str] = _f("Kind of part.", isin=PART_KINDS)
    part_title: Series[str] = _f("Title of the part.", nullable=True)
    block_kind: Series[str] = _f("item (a measure) or the text around measures.", isin=BLOCK_KINDS)
    item_role: Series[str] = _f("Role from the heading above the item (measure, goal, safeguard …).", isin=ITEM_ROLES)
    measure_order: Series[pd.Int64Dtype] = _f("Order of the block in the document.", ge=0)
    measure_id: Series[str] = _f("Stable id: doc_id:part:numbers as written.")
    section_path: Series[str] = _f("Part and item markers down to the block, e.g. plan / 二、 / (一) / 1.")
    heading_path: Series[str] = _f("Titles of the headings above the block.", nullable=True)
    item_marker: Series[str] = _f("The block's own marker as written (1., (三), 一是).", nullable=True)
    measure_title: Series[str] = _f("The item's own title, where it has one.", nullable=True)
    title_source: Series[str] = _f("Where the title was found.", isin=TITLE_SOURCES)
    measure_text: Series[str] = _f("Cleaned text of the block (lines joined, marker removed).")
    measure_start: Series[pd.Int64Dtype] = _f("Start of the block in the raw file (characters).", ge=0)
    measure_end: Series[pd.Int64Dtype] = _f("End of the block in the raw file.", ge=1)
    lead_agency: Series[str] = _f("Lead agency as written.", nullable=True)
    lead_agency_key: Series[str] = _f("Function of the lead agency (industry_it, financial_work …).", nullable=True)
    lead_agency_en: Series[str] = _f("English label of the lead agency.", nullable=True)
    lead_rule: Series[str] = _f("How the lead was identified.", nullable=True, isin=LEAD_RULES)
    agencies: Series[str] = _f("All responsible agencies, lead first, separated by '; '.", nullable=True)
    n_agencies: Series[pd.Int64Dtype] = _f("Number of responsible agencies.", ge=0)
    theme: Series[str] = _f("Theme of the measure (Rothwell–Zegveld sub-instrument).", nullable=True, isin=THEMES)
    theme_tags: Series[str] = _f(
        "Every theme with enough cue words, strongest first, separated by '; '.", nullable=True
    )
    policy_tool: Series[str] = _f(
        "Rothwell–Zegveld instrument: supply, environment or demand.", nullable=True, isin=POLICY_TOOLS
    )
    # ---- quantity
    quantity_id: Series[str] = _f("Stable id: measure_id#qN (unique).", nullable=True)
    quantity_index: Series[pd.Int64Dtype] = _f("N in quantity_id; 0 for a block without quantity.", ge=0)
    category: Series[str] = _f("One of ten categories.", nullable=True, isin=CATEGORIES)
    indicator: Series[str] = _f("Fine indicator code.", nullable=True, isin=INDICATORS)
    beneficiary: Series[str] = _f("Who benefits or is targeted.", nullable=True, isin=BENEFICIARIES)
    statement_kind: Series[str] = _f("target, rule, threshold or outcome.", nullable=True, isin=STATEMENT_KINDS)
    kind_reason: Series[str] = _f("Which coding rule decided statement_kind.", nullable=True)
    aspirational: Series[pd.BooleanDtype] = _f("Marked by 力争 or 争取.", nullable=True)
    comparator: Series[str] = _f("How the value bounds the quantity.", nullable=True, isin=COMPARATORS)
    value: Series[float] = _f(
        "The number in canonical units (yuan, percent …); lower bound for between.", nullable=True
    )
    value_max: Series[float] = _f("Upper bound for between, else empty.", nullable=True)
    unit: Series[str] = _f("Canonical unit.", nullable=True, isin=UNITS)
    per_unit: Series[str] = _f("Denominator of a rate (person_year, kWh, firm_year …).", nullable=True)
    unit_zh: Series[str] = _f("Multiplier and unit as written (万元, %, 个百分点, 万).", nullable=True)
    change: Series[str] = _f("Direction named by a verb before the number.", nullable=True, isin=CHANGES)
    double_marker: Series[pd.BooleanDtype] = _f("True for 超…以上-type double comparators.", nullable=True)
    target_year: Series[pd.Int64Dtype] = _f("Deadline, horizon or reference year in the sentence.", nullable=True)
    programme: Series[str] = _f("Award programme, for award_level rows.", nullable=True, isin=PROGRAMMES)
    tier: Series[str] = _f("Stage or tier of an award list (辅导备案, 一等奖, 国家级).", nullable=True)
    nested_in: Series[str] = _f("quantity_id of the share this share is part of (60% of the 30%).", nullable=True)
    quantity_text: Series[str] = _f("Exact raw text of the quantity: raw[span_start:span_end].", nullable=True)
    source_sentence: Series[str] = _f("The cleaned sentence that holds the quantity.", nullable=True)
    span_start: Series[pd.Int64Dtype] = _f("Start of quantity_text in the raw file.", nullable=True, ge=0)
    span_end: Series[pd.Int64Dtype] = _f("End of quantity_text in the raw file.", nullable=True, ge=1)

    class Config:
        strict = True
        ordered = True
        coerce = False

    @pa.dataframe_check(error="value_max is set exactly when comparator is 'between'")
    def _between(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value_max"].notna() == (df["comparator"] == "between")

    @pa.dataframe_check(error="a quantity row needs value, unit, comparator, category and span")
    def _complete(cls, df: pd.DataFrame) -> Series[bool]:
        has = df["quantity_id"].notna()
        needed = ["value", "unit", "comparator", "category", "indicator", "statement_kind", "span_start", "span_end"]
        full = df[needed].notna().all(axis=1)
        empty = df[needed].isna().all(axis=1)
        return (has & full) | (~has & empty)

    @pa.dataframe_check(error="quantity_id must be unique")
    def _unique_ids(cls, df: pd.DataFrame) -> Series[bool]:
        ids = df["quantity_id"]
        return ids.isna() | ~ids.duplicated(keep=False)

    @pa.dataframe_check(error="span_end must be after span_start")
    def _spans(cls, df: pd.DataFrame) -> Series[bool]:
        return df["span_start"].isna() | (df["span_end"] > df["span_start"])


COLUMNS = list(MeasureSchema.to_schema().columns)


def dtypes() -> dict[str, str]:
    """pandas dtype per column, for reading the CSV back."""
    out = {}
    for name, col in MeasureSchema.to_schema().columns.items():
        dt = str(col.dtype)
        out[name] = {"bool": "bool", "float64": "float64"}.get(dt, dt)
    return out


def coerce(df: pd.DataFrame) -> pd.DataFrame:
    """Give a freshly built frame the schema's column order and dtypes."""
    missing = [c for c in COLUMNS if c not in df.columns]
    extra = [c for c in df.columns if c not in COLUMNS]
    if missing or extra:
        raise SchemaError(
            f"the measures table does not match its contract: missing {missing}, unexpected {extra}. "
            "Update policystats/schema.py and docs/codebook.md together."
        )
    df = df[COLUMNS].copy()
    for name, dt in dtypes().items():
        df[name] = df[name].astype(dt)
    return df


def validate(df: pd.DataFrame, where: str = "the measures table") -> pd.DataFrame:
    """Validate against MeasureSchema; raise SchemaError naming what is wrong."""
    try:
        return MeasureSchema.validate(df, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        detail = cases.head(10).to_string() if cases is not None and len(cases) else str(exc)[:2000]
        raise SchemaError(f"{where} fails its schema (policystats/schema.py):\n{detail}") from exc
