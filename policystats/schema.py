"""The contract of the one normalised table, as a pandera model.

The table is validated whenever it is built or loaded. ``docs/codebook.md``
explains every column and vocabulary value; a test checks that the codebook
and this model agree.
"""

from __future__ import annotations

import functools

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from .errors import SchemaError
from .extract import _lexicon

_CLS = _lexicon.load("classification.yaml")
_PROV = _lexicon.load("catalog.yaml")
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
CONFIDENCES = ["high", "low"]
ORIGINS = ["extracted", "corrected", "added"]


class _Text(pandas_engine.STRING):
    """``string[pyarrow]``, its dtype checked once per column, as pandera checks every other dtype.

    pandera's own check of a string column answers element by element, and
    then builds and formats a (empty) table of failure cases for every column
    that passes: about 60% of a validation's time. A column of another dtype
    still fails with pandera's message and its failure cases.
    """

    def check(self, pandera_dtype, data_container=None):
        return super().check(pandera_dtype)


TEXT = _Text("pyarrow")


def _c(dtype, description: str, *, nullable: bool = False, extra: tuple = (), **checks) -> pa.Column:
    """A column with its meaning and its checks (isin, ge, le, str_matches, and ``extra`` Check objects)."""
    built = [getattr(pa.Check, name)(arg) for name, arg in checks.items()] + list(extra)
    return pa.Column(TEXT if dtype is str else dtype, checks=built, nullable=nullable, description=description)


def _between(df: pd.DataFrame) -> pd.Series:
    return df["value_max"].notna() == (df["comparator"] == "between")


def _complete(df: pd.DataFrame) -> pd.Series:
    has = df["quantity_id"].notna()
    needed = ["value", "unit", "comparator", "category", "indicator", "statement_kind", "span_start", "span_end"]
    full = df[needed].notna().all(axis=1)
    empty = df[needed].isna().all(axis=1)
    return (has & full) | (~has & empty)


def _unique_ids(df: pd.DataFrame) -> pd.Series:
    ids = df["quantity_id"]
    return ids.isna() | ~ids.duplicated(keep=False)


def _finite(values: pd.Series) -> pd.Series:
    """inf and -inf are no number a document states (a numeral too long for a float, or a bug)."""
    import numpy as np

    return pd.Series(~np.isinf(values.to_numpy(dtype=float, na_value=np.nan)), index=values.index)


FINITE = pa.Check(_finite, error="must be finite (no inf): a numeral too long for a number?")


def _spans(df: pd.DataFrame) -> pd.Series:
    return df["span_start"].isna() | (df["span_end"] > df["span_start"])


# The object API, not a DataFrameModel: building a model makes pandera import
# dask.dataframe whenever Dask is installed, half a second on every start.
MeasureSchema = pa.DataFrameSchema(
    {
        # ---- document
        "doc_id": _c(str, "Catalog id of the source document."),
        "source_path": _c(
            str,
            "The file the offsets index, relative to the project root: the raw file for plain text, "
            "the stored text (data/text/) for a web page, Word file or PDF.",
            str_matches=r"^data/(raw|text)/[^/]+$",
        ),
        "city": _c(str, "Jurisdiction in English (Jieyang, Pingdingshan, Yanjiang)."),
        "city_zh": _c(str, "Jurisdiction in Chinese."),
        "prefecture": _c(str, "Prefecture-level city the jurisdiction belongs to (Yanjiang: Ziyang)."),
        "province": _c(str, "Province in English."),
        "province_zh": _c(str, "Province in Chinese.", nullable=True),
        "admin_level": _c(str, "Administrative level of the jurisdiction.", isin=LEVELS),
        "issuer_level": _c(
            str, "Level of the body whose words the row records (a forwarded plan: province).", isin=LEVELS
        ),
        "forwarded": _c(bool, "True if the row comes from a higher-level text that the jurisdiction forwarded."),
        "doc_year": _c(pd.Int64Dtype, "Year of the document's issue date.", ge=1949, le=2100),
        "doc_statement_nature": _c(str, "commitments or outcomes, from the catalog.", isin=NATURES),
        # ---- block (measure)
        "part_id": _c(str, "Part of the document (notice, plan, annex2, forwarded_notice …)."),
        "part_kind": _c(str, "Kind of part.", isin=PART_KINDS),
        "part_title": _c(str, "Title of the part.", nullable=True),
        "block_kind": _c(str, "item (a measure) or the text around measures.", isin=BLOCK_KINDS),
        "item_role": _c(str, "Role from the heading above the item (measure, goal, safeguard …).", isin=ITEM_ROLES),
        "measure_order": _c(pd.Int64Dtype, "Order of the block in the document.", ge=0),
        "measure_id": _c(str, "Stable id: doc_id:part:numbers as written."),
        "section_path": _c(str, "Part and item markers down to the block, e.g. plan / 二、 / (一) / 1."),
        "heading_path": _c(str, "Titles of the headings above the block.", nullable=True),
        "item_marker": _c(str, "The block's own marker as written (1., (三), 一是).", nullable=True),
        "measure_title": _c(str, "The item's own title, where it has one.", nullable=True),
        "title_source": _c(str, "Where the title was found.", isin=TITLE_SOURCES),
        "measure_text": _c(str, "Cleaned text of the block (lines joined, marker removed)."),
        "measure_start": _c(pd.Int64Dtype, "Start of the block in the raw file (characters).", ge=0),
        "measure_end": _c(pd.Int64Dtype, "End of the block in the raw file.", ge=1),
        "lead_agency": _c(str, "Lead agency as written.", nullable=True),
        "lead_agency_key": _c(str, "Function of the lead agency (industry_it, financial_work …).", nullable=True),
        "lead_agency_en": _c(str, "English label of the lead agency.", nullable=True),
        "lead_rule": _c(str, "How the lead was identified.", nullable=True, isin=LEAD_RULES),
        "agencies": _c(str, "All responsible agencies, lead first, separated by '; '.", nullable=True),
        "n_agencies": _c(pd.Int64Dtype, "Number of responsible agencies.", ge=0),
        "theme": _c(str, "Theme of the measure (Rothwell–Zegveld sub-instrument).", nullable=True, isin=THEMES),
        "theme_tags": _c(str, "Every theme with enough cue words, strongest first, separated by '; '.", nullable=True),
        "policy_tool": _c(
            str, "Rothwell–Zegveld instrument: supply, environment or demand.", nullable=True, isin=POLICY_TOOLS
        ),
        # ---- quantity
        "quantity_id": _c(str, "Stable id: measure_id#qN (unique).", nullable=True),
        "quantity_index": _c(pd.Int64Dtype, "N in quantity_id; 0 for a block without quantity.", ge=0),
        "category": _c(str, "One of ten categories.", nullable=True, isin=CATEGORIES),
        "indicator": _c(str, "Fine indicator code.", nullable=True, isin=INDICATORS),
        "beneficiary": _c(str, "Who benefits or is targeted.", nullable=True, isin=BENEFICIARIES),
        "statement_kind": _c(str, "target, rule, threshold or outcome.", nullable=True, isin=STATEMENT_KINDS),
        "kind_reason": _c(str, "Which construction or cue decided statement_kind.", nullable=True),
        "category_reason": _c(str, "Which indicator rule, and which words, decided category.", nullable=True),
        "confidence": _c(
            str,
            "high: a cue or construction decided the row; low: a default did (review it).",
            nullable=True,
            isin=CONFIDENCES,
        ),
        "aspirational": _c(pd.BooleanDtype, "Marked by 力争 or 争取.", nullable=True),
        "comparator": _c(str, "How the value bounds the quantity.", nullable=True, isin=COMPARATORS),
        "value": _c(
            float,
            "The number in canonical units (yuan, percent …); lower bound for between.",
            nullable=True,
            extra=(FINITE,),
        ),
        "value_max": _c(float, "Upper bound for between, else empty.", nullable=True, extra=(FINITE,)),
        "unit": _c(str, "Canonical unit.", nullable=True, isin=UNITS),
        "per_unit": _c(str, "Denominator of a rate (person_year, kWh, firm_year …).", nullable=True),
        "unit_zh": _c(str, "Multiplier and unit as written (万元, %, 个百分点, 万).", nullable=True),
        "change": _c(str, "Direction named by a verb before the number.", nullable=True, isin=CHANGES),
        "double_marker": _c(pd.BooleanDtype, "True for 超…以上-type double comparators.", nullable=True),
        "quantity_flags": _c(
            str,
            "How the grammar read the quantity, '; '-separated: shared_comparator (分别最高给予A、B), "
            "inclusive or exclusive ((含), (不含)), inverted_range (４至3万美元: only the upper number read), "
            "double_marker.",
            nullable=True,
        ),
        "target_year": _c(pd.Int64Dtype, "Deadline, horizon or reference year in the sentence.", nullable=True),
        "programme": _c(str, "Award programme, for award_level rows.", nullable=True, isin=PROGRAMMES),
        "tier": _c(str, "Stage or tier of an award list (辅导备案, 一等奖, 国家级).", nullable=True),
        "nested_in": _c(str, "quantity_id of the share this share is part of (60% of the 30%).", nullable=True),
        "quantity_text": _c(str, "Exact raw text of the quantity: raw[span_start:span_end].", nullable=True),
        "origin": _c(str, "extracted, corrected by a reviewer, or added by one (data/review.csv).", isin=ORIGINS),
        "confirmed": _c(bool, "True if a person confirmed or corrected the row."),
        "source_sentence": _c(str, "The cleaned sentence that holds the quantity.", nullable=True),
        "span_start": _c(pd.Int64Dtype, "Start of quantity_text in the raw file.", nullable=True, ge=0),
        "span_end": _c(pd.Int64Dtype, "End of quantity_text in the raw file.", nullable=True, ge=1),
    },
    checks=[
        pa.Check(_between, error="value_max is set exactly when comparator is 'between'"),
        pa.Check(_complete, error="a quantity row needs value, unit, comparator, category and span"),
        pa.Check(_unique_ids, error="quantity_id must be unique"),
        pa.Check(_spans, error="span_end must be after span_start"),
    ],
    strict=True,
    ordered=True,
    coerce=False,
    name="MeasureSchema",
    description="One row per quantity, plus one empty-valued row per block without any.",
)


COLUMNS = list(MeasureSchema.columns)


def dtypes() -> dict[str, str]:
    """pandas dtype per column, for reading the CSV back."""
    return dict(_DTYPES)


_DTYPES = {name: str(col.dtype) for name, col in MeasureSchema.columns.items()}


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
    for name, dt in _DTYPES.items():
        if df[name].dtype != dt:  # a chunk read back from the cache already has them
            df[name] = df[name].astype(dt)
    return df


def from_rows(rows: list[dict]) -> pd.DataFrame:
    """A frame with the schema's columns and dtypes, built from row dicts in one Arrow pass.

    The same frame as ``coerce(pd.DataFrame(rows))`` at a quarter of the cost
    (pandas converts the string columns one by one); rows whose values do not
    fit the Arrow types (a number in a text column) take that slower path.
    """
    import pyarrow

    if any(r.keys() != _COLUMN_SET for r in rows):  # Arrow would drop or fill keys silently
        return coerce(pd.DataFrame(rows, columns=COLUMNS))
    try:
        df = pyarrow.Table.from_pylist(rows, schema=_arrow_schema()).to_pandas(types_mapper=_pandas_type)
        for name in _PLAIN_BOOL:
            df[name] = df[name].astype(bool)
    except (pyarrow.ArrowException, TypeError, ValueError):
        return coerce(pd.DataFrame(rows, columns=COLUMNS))
    return df


def arrow_from_rows(rows: list[dict]):
    """The rows as a ``pyarrow.Table`` of the schema's columns, with the pandas dtypes in its metadata.

    The table ``pyarrow.Table.from_pandas(from_rows(rows))`` gives, without a
    pandas frame per document: the build writes each document's rows to
    Parquet as they come, and checks them in whole batches. Rows that do not
    fit the Arrow types take the pandas path, and a row with missing or extra
    keys fails there with the contract's message.
    """
    import pyarrow

    target = arrow_table_schema()
    if all(r.keys() == _COLUMN_SET for r in rows):
        try:
            return pyarrow.Table.from_pylist(rows, schema=target)
        except (pyarrow.ArrowException, TypeError, ValueError):
            pass
    frame = coerce(pd.DataFrame(rows) if rows else pd.DataFrame(columns=COLUMNS))
    return pyarrow.Table.from_pandas(frame, preserve_index=False).cast(target)


@functools.cache
def arrow_table_schema():
    """The Arrow schema of the table's chunks: what ``pyarrow.Table.from_pandas`` makes of a frame with our dtypes."""
    import pyarrow

    return pyarrow.Table.from_pandas(coerce(pd.DataFrame(columns=COLUMNS)), preserve_index=False).schema


_PLAIN_BOOL = [name for name, dt in _DTYPES.items() if dt == "bool"]
_COLUMN_SET = set(COLUMNS)


@functools.cache
def _arrow_schema():
    import pyarrow

    kinds = {"Int64": pyarrow.int64(), "float64": pyarrow.float64()}
    kinds |= {"bool": pyarrow.bool_(), "boolean": pyarrow.bool_()}
    return pyarrow.schema([(name, kinds.get(dt, pyarrow.string())) for name, dt in _DTYPES.items()])


def _pandas_type(t):
    import pyarrow

    if t == pyarrow.string():
        return pd.StringDtype("pyarrow")
    if t == pyarrow.int64():
        return pd.Int64Dtype()
    if t == pyarrow.bool_():
        return pd.BooleanDtype()
    return None


def validate_batch(df: pd.DataFrame) -> pd.DataFrame:
    """Validate rows of several documents at once; an error names the documents whose rows fail."""
    try:
        return _validate(df, "the batch")
    except SchemaError as exc:
        cases = getattr(exc.__cause__, "failure_cases", None)
        ids: list[str] = []
        if cases is not None and "index" in cases:
            rows = [i for i in cases["index"].dropna().tolist() if i in df.index]
            ids = sorted(set(df.loc[rows, "doc_id"].astype(str)))
        where = f"the table of {', '.join(ids[:5])}" if ids else f"the table of {df['doc_id'].iloc[0]} …"
        raise SchemaError(str(exc).replace("the batch", where, 1)) from exc.__cause__


def validate(df: pd.DataFrame, where: str = "the measures table") -> pd.DataFrame:
    """Validate against MeasureSchema; raise SchemaError naming what is wrong.

    The build checks its rows in batches of tens of thousands
    (``validate_batch``), not once per document: pandera's cost is mostly per call.
    """
    return _validate(df, where)


def _validate(df: pd.DataFrame, where: str) -> pd.DataFrame:
    try:
        return MeasureSchema.validate(df, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        detail = cases.head(10).to_string() if cases is not None and len(cases) else str(exc)[:2000]
        raise SchemaError(f"{where} fails its schema (policystats/schema.py):\n{detail}") from exc
