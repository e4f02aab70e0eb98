"""The one normalised table: contract, spans, coding rules, determinism."""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

import policystats
from policystats import schema
from policystats.api import build, load_measures, read_measures_csv, stale_reason
from policystats.corpus import load_corpus, read_catalog
from policystats.errors import SchemaError
from policystats.paths import get_paths

from .conftest import ROOT

CONTRACT = [
    "doc_id", "source_path", "city", "city_zh", "province", "admin_level", "issuer_level", "doc_year",
    "measure_id", "section_path", "measure_title", "measure_text", "lead_agency", "agencies", "theme", "policy_tool",
    "category", "indicator", "beneficiary", "statement_kind", "aspirational",
    "comparator", "value", "value_max", "unit", "per_unit", "unit_zh",
    "target_year", "quantity_text", "span_start", "span_end",
]  # fmt: skip


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_measures()


def test_contract_columns_are_present(table):
    assert set(CONTRACT) <= set(table.columns)
    assert list(table.columns) == schema.COLUMNS


def test_table_validates(table):
    schema.validate(table)


def test_every_span_reproduces_its_text(table):
    raw = {d.doc_id: d.raw for d in load_corpus()}
    q = table[table["quantity_id"].notna()]
    assert len(q) == 241  # the quantities of tests/snapshot/seed_table.csv, read off the seeds
    for r in q.itertuples():
        assert raw[r.doc_id][r.span_start : r.span_end] == r.quantity_text
        assert r.source_path == f"data/raw/{r.doc_id}.txt"


def test_every_measure_is_a_row(table):
    """Measures without a number stay visible: one row with an empty value."""
    measures = table[table["block_kind"] == "item"]["measure_id"].nunique()
    assert measures == 28 + 64 + 69 + 52 + 25
    procurement = table[
        (table["city"] == "Pingdingshan") & table["measure_text"].str.contains("优先采购、增加预留份额")
    ]
    assert len(procurement) == 1
    assert procurement["value"].isna().all()
    # The procurement clause sits in a measure on trade fairs; its tags still say procurement.
    assert procurement["theme"].iloc[0] == "market_development"
    assert "government_procurement" in procurement["theme_tags"].iloc[0]


def test_nested_share_keeps_its_parent(table):
    q = table.set_index("quantity_id", drop=False)
    for doc in ("yanjiang-2020-sme-plan", "jieyang-2012-guangdong-forward"):
        child = q[(q["doc_id"] == doc) & (q["indicator"] == "procurement_small_micro_share")].iloc[0]
        parent = q.loc[child["nested_in"]]
        assert (parent["indicator"], parent["value"], child["value"]) == ("procurement_sme_share", 30.0, 60.0)


def test_outcomes_are_outcomes(table):
    reply = table[(table["doc_id"] == "jieyang-2023-cppcc-reply") & table["quantity_id"].notna()]
    reported = reply[reply["item_role"] == "reported_work"]
    assert (reported["statement_kind"] == "outcome").all()
    plan = reply[reply["quantity_text"] == "约11亿元"].iloc[0]
    assert (plan["statement_kind"], plan["aspirational"]) == ("target", True)


def test_forwarded_plan_is_provincial(table):
    g = table[table["doc_id"] == "jieyang-2012-guangdong-forward"]
    plan = g[g["part_id"] == "plan"]
    assert plan["forwarded"].all() and (plan["issuer_level"] == "province").all()
    notice = g[g["part_id"] == "notice"]
    assert (~notice["forwarded"]).all() and (notice["issuer_level"] == "prefecture_city").all()


def test_relative_year_resolves_to_the_document_year(table):
    row = table[table["quantity_text"] == "15.34亿元"].iloc[0]
    assert row["target_year"] == 2023  # 今年上半年 in a 2023 reply


def test_award_programmes_and_tiers(table):
    listing = table[table["programme"] == "listing_stage"].sort_values("quantity_index")
    assert list(listing["tier"]) == ["辅导备案", "受理申报", "上市交易"]
    assert list(listing["value"]) == [3e6, 3e6, 4e6]


def test_committed_table_equals_a_fresh_build(tmp_path):
    """Every extraction change shows up as a diff of data/processed/measures.csv."""
    committed = ROOT / "data" / "processed" / "measures.csv"
    assert committed.exists(), "run `policystats build` and commit data/processed/measures.csv"
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    shutil.copy(ROOT / "data" / "catalog.csv", tmp_path / "data" / "catalog.csv")
    build(tmp_path)
    fresh = (tmp_path / "data" / "processed" / "measures.csv").read_bytes()
    assert fresh == committed.read_bytes()
    # and a second build is byte-identical
    build(tmp_path)
    assert (tmp_path / "data" / "processed" / "measures.csv").read_bytes() == fresh


def test_loading_a_broken_table_names_the_problem(tmp_path):
    df = pd.read_csv(ROOT / "data" / "processed" / "measures.csv", dtype=str)
    df.loc[df["unit"] == "CNY", "unit"] = "RMB"
    bad = tmp_path / "measures.csv"
    df.to_csv(bad, index=False)
    with pytest.raises(SchemaError, match=r"measures.csv fails its schema(.|\n)*RMB"):
        read_measures_csv(bad)


def test_load_measures_rebuilds_when_stale(project, recwarn):
    df = load_measures(project.root)
    assert len(df) > 0
    assert any("measures.csv is missing" in str(w.message) for w in recwarn.list)


def test_committed_table_comes_from_this_catalog_and_extractor():
    """load_measures() on a fresh clone reads the committed CSV instead of rebuilding."""
    paths = get_paths()
    reason = stale_reason(paths, read_catalog(paths))
    assert reason is None, f"{reason}: run `policystats build` and commit data/processed/"


def _edit_catalog(project, doc_id: str, column: str, value: str) -> None:
    cat = pd.read_csv(project.catalog, dtype=str, keep_default_na=False)
    cat.loc[cat["doc_id"] == doc_id, column] = value
    cat.to_csv(project.catalog, index=False, lineterminator="\n")


def test_an_edited_catalog_row_makes_the_saved_table_stale(project):
    build(project.root)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(load_measures(project.root)["city_zh"]) == {"揭阳市", "平顶山市", "雁江区"}
    # A researcher corrects a name in the catalog and forgets to rebuild.
    _edit_catalog(project, "yanjiang-2020-sme-plan", "city_zh", "资阳市雁江区")
    with pytest.warns(
        UserWarning, match=r"1 document\(s\) out of date \(file or catalog row changed: yanjiang-2020"
    ) as rec:
        df = load_measures(project.root)
    assert not any("extractor (code" in str(w.message) for w in rec.list)
    assert set(df.loc[df["doc_id"] == "yanjiang-2020-sme-plan", "city_zh"]) == {"资阳市雁江区"}


def test_a_changed_extractor_makes_the_saved_table_stale(project, monkeypatch):
    import policystats.engine as E

    build(project.root)
    monkeypatch.setattr(E, "_extractor_digest", lambda: "a-new-synonym")
    with pytest.warns(UserWarning, match=r"5 document\(s\) out of date \(the extractor \(code or wording files\)"):
        load_measures(project.root)


def test_public_api_is_small():
    assert sorted(policystats.__all__) == sorted(
        ["MeasureSchema", "Quantity", "build", "load_documents", "load_measures", "parse_quantity", "search_quantities"]
    ) or set(policystats.__all__) >= {"load_measures", "parse_quantity"}
    assert get_paths().measures_csv.name == "measures.csv"


def test_rows_become_the_same_frame_through_arrow_as_through_pandas() -> None:
    import pandas as pd

    from policystats import schema
    from policystats.corpus import load_corpus
    from policystats.extract.table import _rows, document_structure
    from policystats.paths import get_paths

    for doc in load_corpus(get_paths()):
        structure, _ = document_structure(doc)
        rows = _rows(doc, structure, "x.txt")
        slow = schema.coerce(pd.DataFrame(rows, columns=schema.COLUMNS))
        pd.testing.assert_frame_equal(schema.from_rows(rows), slow)
    odd = [rows[0] | {"doc_year": "2020"}]  # a text where a number goes: the pandas path, same dtypes
    assert schema.from_rows(odd)["doc_year"].iloc[0] == 2020
    with pytest.raises(ValueError):  # what pandas says of a text it cannot read as a number
        schema.from_rows([rows[0] | {"span_start": "not a number"}])


def test_rows_become_the_same_arrow_table_as_through_a_pandas_frame() -> None:
    """What the build writes per document: the table and the pandas metadata ``from_pandas`` would give."""
    import pyarrow as pa

    from policystats.extract.table import document_extract

    for doc in load_corpus(get_paths()):
        rows, summary = document_extract(doc, "data/raw/x.txt")
        direct = schema.arrow_from_rows(rows)
        assert direct.equals(pa.Table.from_pandas(schema.from_rows(rows), preserve_index=False), check_metadata=True)
        assert summary["quantities"] == sum(r["quantity_id"] is not None for r in rows) > 0
    odd = schema.arrow_from_rows([rows[0] | {"doc_year": "2020"}])  # a text where a number goes: the pandas path
    assert odd.schema == schema.arrow_table_schema() and odd.column("doc_year")[0].as_py() == 2020
    with pytest.raises(SchemaError, match="missing"):  # a row with a key too few never passes silently
        schema.arrow_from_rows([{k: v for k, v in rows[0].items() if k != "tier"}])


@pytest.mark.parametrize("column", ["doc_id", "quantity_text"])
def test_a_text_column_of_another_dtype_fails_and_names_the_column(column: str) -> None:
    """The dtype of a text column is checked once per column, with pandera's message when it fails."""
    table = load_measures()
    table[column] = pd.Series(range(len(table)), dtype="int64")
    with pytest.raises(SchemaError, match=rf"(?s){column}.*string\[pyarrow\]"):
        schema.validate(table)
