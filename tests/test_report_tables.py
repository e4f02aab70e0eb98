"""The comparison tables and their wording: codes in, cells a reader writes out.

Expected cells are read off the quantities as the documents write them
(30%以上 is ≥30%, 最高不超过500万元 is ≤500万元); properties that must hold
whatever the extractor finds (no dumped missing values, forwarded plans kept
apart, one colour per city) are checked on the whole table.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from policystats.api import load_measures
from policystats.report import compare, labels, notes, plots, render, select, units

DUMPS = {"None", "<NA>", "nan", "NaN", "NaT", "False", "True"}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_measures()


def _row(**kw):
    base = {"comparator": "=", "unit": "CNY", "money_unit": "万元", "per_unit": None, "unit_zh": None}
    return base | kw


@pytest.mark.parametrize(
    ("row", "lang", "expected"),
    [
        (_row(comparator=">=", shown_value=30.0, unit="percent"), "zh", "≥30%"),  # 30%以上
        (_row(comparator=">=", shown_value=30.0, unit="percent"), "en", "≥30%"),
        (_row(comparator="<=", shown_value=500.0), "zh", "≤500万元"),  # 最高不超过500万元
        (_row(comparator="<=", shown_value=500.0), "en", "≤500 × 10k yuan"),
        (_row(comparator=">", shown_value=5.0, money_unit="亿元"), "zh", ">5亿元"),  # 超5亿元
        (_row(shown_value=1.0, unit="percentage_point"), "zh", "1个百分点"),  # 降低1个百分点
        (_row(shown_value=1.0, unit="percentage_point"), "en", "1 pp"),
        (_row(shown_value=5000.0, money_unit="元", per_unit="person_year"), "zh", "每人每年5,000元"),  # 每人每年5000元
        (_row(comparator="~", shown_value=5.0, money_unit="亿元"), "en", "≈5 × 100m yuan"),  # 约5亿元
        (_row(comparator=">", shown_value=180.0, unit="count", unit_zh="家"), "zh", ">180家"),  # 超过180家
        (_row(comparator=">", shown_value=25900.0, unit="count", unit_zh="万户"), "zh", ">25,900户"),  # 2.59万户
        (_row(comparator="<=", shown_value=3.0, unit="working_day"), "zh", "≤3个工作日"),  # 3个工作日之内
        (
            _row(comparator="between", shown_value=5.0, shown_value_max=20.0),
            "zh",
            "5–20万元",
        ),  # 5万元至20万元
        (_row(shown_value=None), "en", "—"),
    ],
)
def test_a_cell_reads_as_the_document_writes_it(row, lang, expected):
    assert render.cell(row, lang) == expected


@pytest.mark.parametrize(
    ("review", "lang", "expected"),
    [
        ({}, "en", ""),  # a table without review columns: no mark
        ({"origin": "extracted", "confirmed": False}, "en", "not reviewed"),
        ({"origin": "extracted", "confirmed": False}, "zh", "未经人工复核"),
        ({"origin": "extracted", "confirmed": True}, "en", "confirmed by a reviewer"),
        ({"origin": "corrected", "confirmed": True}, "en", "corrected by a reviewer"),
        ({"origin": "added", "confirmed": True}, "zh", "经人工补充"),
        ({"origin": "corrected", "confirmed": True, "forwarded": True}, "en", "★ forwarded · corrected by a reviewer"),
    ],
)
def test_a_row_says_whether_a_person_checked_it(review, lang, expected):
    assert render.marks(_row(**review), lang) == expected


@pytest.mark.parametrize(
    ("sentence", "quote", "kind"),
    [
        ("2019年,推动中小企业参与的政府采购额占比超政府采购总金额的80%以上", "80%以上", "won"),
        (
            "向中小企业预留的采购份额应占部门年度政府采购项目预算总额的30%以上,其中预留给小微企业的比例不低于60%",
            "30%以上",
            "reserved",
        ),
        (
            "面向中小企业的政府采购预算额应占预算总额的30%以上,其中预留给小型和微型企业的比例不低于60%",
            "不低于60%",
            "reserved",
        ),
    ],
)
def test_a_share_won_is_not_a_reservation(sentence, quote, kind):
    q = pd.DataFrame({"source_sentence": [sentence], "quantity_text": [quote]})
    assert compare.share_kind(q).iloc[0] == kind


def test_payment_basis_keeps_lump_sums_rates_and_face_values_apart():
    q = pd.DataFrame(
        {
            "unit": ["CNY", "CNY", "CNY", "CNY", "percent"],
            "per_unit": [None, "person_year", "firm_year", None, None],
            "indicator": ["award_one_off", "award_one_off", "award_cap", "consumption_voucher", "subsidy_rate"],
        }
    )
    assert list(units.payment_basis(q)) == ["lump_sum", "per_person", "per_period", "face_value", ""]


def test_money_units_and_their_errors():
    assert units.money_factor("亿元") == 1e8 and units.money_factor("10k yuan") == 1e4
    with pytest.raises(labels.ParameterError, match="money_unit must be one of 元, yuan, 万元"):
        units.money_factor("千元")


def _cells(t: render.Table) -> set[str]:
    return {str(v) for v in t.frame.to_numpy().ravel()} | set(map(str, t.frame.columns))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_table_shows_a_dumped_missing_value_or_boolean(table, lang):
    docs = __import__("policystats").load_documents()
    fin = compare.financing_quantities(table, include_outcomes=True)
    proc = compare.procurement_quantities(table)
    award = compare.award_quantities(table, include_outcomes=True)
    tables = [
        render.compact(fin, table, lang, words_only=compare.words_only(table, "financing_target")),
        render.details(fin, table, lang),
        render.compact(proc, table, lang, by=("statement_kind", "share_kind", "indicator")),
        render.details(proc, table, lang, extra=("share_kind", "rule")),
        render.details(award, table, lang, extra=("programme",)),
        render.procurement_words(compare.procurement_qualitative(table), table, lang),
        render.baselines(compare.procurement_baselines(), lang),
        render.corpus(compare.corpus(docs, table), lang),
        render.pivot(compare.measures_per_theme(table), table, lang, rows="theme", cols="city"),
        render.pivot(compare.policy_tool_mix(table), table, lang, rows="city", cols="policy_tool", suffix="%"),
        render.pivot(compare.lead_agencies(table), table, lang, rows="agency", cols="city"),
    ]
    for city in select.known_cities(table):
        tables.append(render.details(compare.headline_quantities(table, city), table, lang, extra=("category",)))
        tables.append(
            render.pivot(compare.city_summary(table, city), table, lang, rows="category", cols="statement_kind")
        )
    for t in tables:
        assert not (_cells(t) & DUMPS), t.frame
        if t.sources is not None:
            assert len(t.sources) == len(t.frame)
            assert all(s and s != "nan" for pair in t.sources for s in pair)
    if lang == "zh":
        for t in tables:
            english = [c for c in t.frame.columns if not re.search(r"[\u3400-\u9fff]", str(c))]
            assert not english, english


def test_a_forwarded_plan_is_a_column_of_its_own(table):
    q = compare.procurement_quantities(table, include_forwarded=True)
    if not q["forwarded"].any():
        pytest.skip("no forwarded procurement share in the table today")
    t = render.compact(q, table, "en", by=("statement_kind", "share_kind", "indicator")).frame
    forwarded = [c for c in t.columns if "★" in c]
    assert forwarded, t.columns
    own = compare.procurement_quantities(table, include_forwarded=False)
    assert not own["forwarded"].any()


def test_forwarded_plans_are_left_out_of_counts_unless_asked(table):
    if not table["forwarded"].any():
        pytest.skip("no forwarded plan in the table")
    own = compare.measures_per_theme(table).to_numpy().sum()
    both = compare.measures_per_theme(table, include_forwarded=True).to_numpy().sum()
    assert both - own == select.forwarded_measure_count(table)
    assert notes.counts(table, None, "en", include_forwarded=False)[0].startswith("Counts cover each city's own")


def test_words_only_counts_say_a_topic_is_covered_without_a_number(table):
    counts = compare.words_only(table, "financing_target")
    assert set(counts) == set(select.known_cities(table))
    t = render.compact(compare.financing_quantities(table), table, "en", words_only=counts).frame
    if any(counts.values()):
        assert t.iloc[-1, 0] == "in words only"


def test_a_city_keeps_its_colour_whatever_the_other_cities():
    cities = ["Jieyang", "Pingdingshan", "Yanjiang"]
    colours = [plots.city_color(c) for c in cities]
    assert len(set(colours)) == 3, "the seed cities are told apart"
    assert [plots.city_color(c) for c in reversed(cities)] == colours[::-1]
    assert plots.city_color("Luoyang") == plots.city_color("Luoyang")


def test_labels_file_is_complete_in_both_languages():
    sections = labels.validate()
    assert {"columns", "text", "notes", "pages"} <= set(sections)


def test_every_section_a_notebook_opens_is_in_its_page_labels():
    import nbformat

    from .conftest import ROOT

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        used = re.findall(r'page\.section\("([a-z_]+)"\)', source)
        declared = list(labels.page(path.stem)["sections"])
        assert used == declared, f"{path.name}: sections {used} vs labels.yaml {declared}"


def test_codes_no_wording_file_lists_still_have_labels():
    assert labels.label("agency", "other", "zh") == "其他单位"
    assert labels.label("indicator", "unclassified", "en") == "Unclassified"
    assert labels.label("role", "measure", "zh") == "措施"
