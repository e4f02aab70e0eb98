"""Segmentation into parts and measures, checked against a reading of the seeds.

Every expected value below was read off the source text, not off the parser.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from policystats.corpus import load_corpus
from policystats.extract.clean import clean, is_han
from policystats.extract.structure import StructureWarning, parse_structure
from policystats.extract.text import MappedText

from .conftest import raw_text

DOCS = {d.doc_id: d for d in load_corpus()}


@cache
def structure(doc_id: str):
    return parse_structure(doc_id, clean(DOCS[doc_id].raw))


def items(doc_id: str, part_id: str | None = None):
    return [b for b in structure(doc_id).blocks if b.block_kind == "item" and (part_id is None or b.part_id == part_id)]


def block(doc_id: str, measure_id: str):
    found = [b for b in structure(doc_id).blocks if b.measure_id == f"{doc_id}:{measure_id}"]
    assert found, f"no block {measure_id} in {doc_id}"
    return found[0]


# ---------------------------------------------------------------- parts

PARTS = [
    ("jieyang-2019-nuanqi", [("notice", False), ("plan", False)]),
    ("jieyang-2023-cppcc-reply", [("reply", False)]),
    ("pingdingshan-2022-huiqi", [("notice", False), ("annex", False), ("annex", False), ("annex", False)]),
    (
        "jieyang-2012-guangdong-forward",
        [("fragment", False), ("notice", False), ("forwarded_notice", True), ("plan", True)],
    ),
    ("yanjiang-2020-sme-plan", [("notice", False), ("plan", False)]),
]


@pytest.mark.parametrize(("doc_id", "expected"), PARTS)
def test_parts(doc_id, expected):
    assert [(p.kind, p.forwarded) for p in structure(doc_id).parts] == expected


PART_TITLES = [
    ("pingdingshan-2022-huiqi", "annex1", "支持小微商贸企业个体工商户恢复发展若干措施"),
    ("pingdingshan-2022-huiqi", "annex2", "平顶山市推动小微工业企业上规模实施方案"),
    ("pingdingshan-2022-huiqi", "annex3", "平顶山市促进“专精特新”中小企业高质量发展实施方案"),
    ("jieyang-2012-guangdong-forward", "plan", "广东省中小微企业综合服务体系建设工作分工方案"),
    (
        "jieyang-2012-guangdong-forward",
        "forwarded_notice",
        "广东省人民政府办公厅关于印发广东省中小微企业综合服务体系建设工作分工方案的通知",
    ),
    ("jieyang-2019-nuanqi", "plan", "揭阳市2019年“暖企行动”计划实施方案"),
    ("yanjiang-2020-sme-plan", "plan", "资阳市雁江区促进中小企业健康发展实施方案"),
    (
        "yanjiang-2020-sme-plan",
        "notice",
        "资阳市雁江区人民政府办公室关于印发《资阳市雁江区促进中小企业健康发展实施方案》的通知",
    ),
]


@pytest.mark.parametrize(("doc_id", "part_id", "title"), PART_TITLES)
def test_part_titles(doc_id, part_id, title):
    assert {p.part_id: p.title for p in structure(doc_id).parts}[part_id] == title


DOC_NUMBERS = [
    ("jieyang-2019-nuanqi", "notice", ["揭府办函〔2019〕44号"]),
    ("pingdingshan-2022-huiqi", "notice", ["平政办〔2022〕15号"]),
    ("jieyang-2012-guangdong-forward", "notice", ["揭府办〔2012〕189号"]),
    ("jieyang-2012-guangdong-forward", "forwarded_notice", ["粤办函〔2012〕624号"]),
    ("yanjiang-2020-sme-plan", "notice", ["资雁府办发〔2020〕19号"]),
]


@pytest.mark.parametrize(("doc_id", "part_id", "numbers"), DOC_NUMBERS)
def test_document_numbers_are_header_metadata(doc_id, part_id, numbers):
    assert {p.part_id: p.doc_numbers for p in structure(doc_id).parts}[part_id] == numbers


def test_fragment_of_unrelated_notice_is_kept_and_marked():
    fragment = [b for b in structure("jieyang-2012-guangdong-forward").blocks if b.block_kind == "fragment"]
    assert len(fragment) == 1
    assert fragment[0].part_kind == "fragment"
    assert fragment[0].text.text.startswith("林春雄(市工商局副局长)")
    assert "江少明同志兼任办公室主任" in fragment[0].text.text
    assert {p.part_id: p.dates for p in structure("jieyang-2012-guangdong-forward").parts}["fragment"] == [
        "2012年11月2日"
    ]


# ---------------------------------------------------------------- counts


def test_jieyang_2019_has_60_measures_in_5_action_plans():
    measures = [b for b in items("jieyang-2019-nuanqi", "plan") if b.section_path.startswith("plan / 二、")]
    assert [int(b.item_marker.rstrip(".")) for b in measures] == list(range(1, 61))
    groups = Counter(b.heading_path for b in measures)
    assert list(groups.items()) == [
        ("活动内容 / 政策暖企专项行动计划", 8),
        ("活动内容 / 金融暖企专项行动计划", 13),
        ("活动内容 / 科技暖企专项行动计划", 5),
        ("活动内容 / 服务暖企专项行动计划", 15),
        ("活动内容 / 要素暖企专项行动计划", 19),
    ]
    # Besides the 60: 一、指导思想 and the three work requirements of 三、.
    assert len(items("jieyang-2019-nuanqi", "plan")) == 64


def test_guangdong_plan_has_28_items_in_8_sections():
    plan = items("jieyang-2012-guangdong-forward", "plan")
    assert len(plan) == 28
    assert [b.item_marker for b in plan][:3] == ["(一)", "(二)", "(三)"]
    assert plan[-1].item_marker == "(二十八)"
    sections = Counter(b.section_path.split(" / ")[1] for b in plan)
    assert list(sections.values()) == [4, 4, 2, 2, 4, 4, 6, 2]
    assert all(b.forwarded for b in plan)


def test_yanjiang_items_one_to_twenty_five():
    plan = items("yanjiang-2020-sme-plan", "plan")
    assert [b.item_number for b in plan] == list(range(1, 26))
    assert plan[0].item_marker == "(一)" and plan[-1].item_marker == "(二十五)"


@pytest.mark.parametrize(
    ("part_id", "count"),
    [("notice", 10), ("annex1", 10), ("annex2", 18), ("annex3", 14)],
)
def test_pingdingshan_counts(part_id, count):
    # annex2: 一、二、 + 三、(一)(二) + 四、(一)–(十) + 五、(一)–(四); annex3: 2 + 9 + 3.
    assert len(items("pingdingshan-2022-huiqi", part_id)) == count


def test_pingdingshan_annex_list_is_not_items():
    notice = items("pingdingshan-2022-huiqi", "notice")
    assert [b.item_marker for b in notice] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
        "七、",
        "八、",
        "九、",
        "十、",
    ]


# Sub-points per numbered point of the 2023 reply, counted by reading (0 = none).
REPLY_POINTS = {
    "一、 / (一) / 1.": 5,
    "一、 / (一) / 2.": 0,
    "一、 / (一) / 3.": 4,
    "一、 / (一) / 4.": 5,
    "一、 / (一) / 5.": 3,
    "一、 / (一) / 6.": 3,
    "一、 / (二) / 1.": 3,
    "一、 / (二) / 2.": 5,
    "一、 / (二) / 3.": 4,
    "一、 / (二) / 4.": 3,
    "一、 / (三) / 1.": 0,
    "一、 / (三) / 2.": 4,
    "一、 / (三) / 3.": 4,
    "一、 / (四) / 1.": 3,
    "一、 / (四) / 3.": 4,
    "二、 / (一)": 3,
    "二、 / (二)": 4,
    "二、 / (三)": 3,
    "二、 / (四)": 7,
}


def test_reply_sections_points_and_subpoints():
    found: Counter[str] = Counter()
    for b in items("jieyang-2023-cppcc-reply"):
        path = b.section_path.removeprefix("reply / ")
        if b.item_marker.endswith("是"):
            found[path.rsplit(" / ", 1)[0]] += 1
        else:
            found[path] += 0
    assert dict(found) == REPLY_POINTS


def test_reply_keeps_numbering_as_written():
    """Section (四) jumps from 1. to 3.; no 2. is invented."""
    ids = [b.measure_id for b in items("jieyang-2023-cppcc-reply")]
    assert any(i.endswith(":1.4.3.1") for i in ids)
    assert not any(":1.4.2" in i for i in ids)


# ---------------------------------------------------------------- titles

TITLES = [
    ("pingdingshan-2022-huiqi", "notice:1", "严格落实减税降费政策", "first_sentence"),
    # The title runs into the body with no punctuation: 挖潜增效按照省惠企纾困有关政策…
    ("pingdingshan-2022-huiqi", "notice:2", "鼓励企业满荷生产、挖潜增效", "run_on"),
    ("pingdingshan-2022-huiqi", "annex3:2.2", "加大财税政策支持", "heading_line"),
    ("pingdingshan-2022-huiqi", "annex2:2", "目标任务", "heading_line"),
    ("yanjiang-2020-sme-plan", "plan:2.3", "降低市场准入门槛", "first_sentence"),
    ("yanjiang-2020-sme-plan", "plan:4.14", "加大政府采购支持力度", "first_sentence"),
    ("jieyang-2012-guangdong-forward", "plan:6.20", "降低政府采购准入门槛", "first_sentence"),
    ("jieyang-2019-nuanqi", "plan:2.3.22", "推动高新技术企业树标提质", "first_sentence"),
    ("jieyang-2019-nuanqi", "plan:1", "指导思想", "heading_line"),
    ("jieyang-2023-cppcc-reply", "reply:1.1.2", "全面实施减税降费优惠政策", "first_sentence"),
]


@pytest.mark.parametrize(("doc_id", "mid", "title", "source"), TITLES)
def test_titles(doc_id, mid, title, source):
    b = block(doc_id, mid)
    assert (b.title, b.title_source) == (title, source)


HEADINGS = [
    (
        "jieyang-2023-cppcc-reply",
        "reply:1.1.1.1",
        "主要工作情况 / 加强惠企政策宣贯,强化财税支持和融资服务 / 完善人才政策体系",
    ),
    ("jieyang-2019-nuanqi", "plan:2.2.12", "活动内容 / 金融暖企专项行动计划"),
    ("yanjiang-2020-sme-plan", "plan:4.14", "加大财税支持力度"),
]


@pytest.mark.parametrize(("doc_id", "mid", "headings"), HEADINGS)
def test_heading_path(doc_id, mid, headings):
    assert block(doc_id, mid).heading_path == headings


ROLES = [
    ("jieyang-2019-nuanqi", "plan:1", "guiding_principle"),
    ("jieyang-2019-nuanqi", "plan:3.2", "safeguard"),
    ("jieyang-2019-nuanqi", "plan:2.2.12", "measure"),
    ("pingdingshan-2022-huiqi", "annex3:1.2", "goal"),
    ("jieyang-2023-cppcc-reply", "reply:1.1.4.1", "reported_work"),
    ("jieyang-2023-cppcc-reply", "reply:2.3.3", "next_steps"),
]


@pytest.mark.parametrize(("doc_id", "mid", "role"), ROLES)
def test_item_roles(doc_id, mid, role):
    assert block(doc_id, mid).item_role == role


# ---------------------------------------------------------------- agencies

# (doc_id, measure, lead, others, rule), read from the brackets in the text.
AGENCIES = [
    ("jieyang-2019-nuanqi", "plan:2.1.1", "市工业和信息化局", [], "explicit"),
    ("jieyang-2019-nuanqi", "plan:2.2.12", "人行揭阳市中心支行", [], "explicit"),
    ("jieyang-2019-nuanqi", "plan:2.2.20", "市金融工作局", [], "explicit"),  # bracket on its own line
    ("jieyang-2019-nuanqi", "plan:2.4.38", "揭阳海关", [], "explicit"),  # the item with a stray "and"
    ("jieyang-2012-guangdong-forward", "plan:2.5", "省金融办", None, "explicit"),
    ("jieyang-2012-guangdong-forward", "plan:6.20", "省财政厅", [], "explicit"),
    (
        "jieyang-2012-guangdong-forward",
        "plan:5.15",
        None,
        ["各地级以上市政府", "省经济和信息化委", "科技厅", "人力资源社会保障厅", "国土资源厅"],
        "none",
    ),
    ("jieyang-2012-guangdong-forward", "plan:6.18", None, ["省国税局", "地税局", "经济和信息化委"], "none"),
    (
        "pingdingshan-2022-huiqi",
        "notice:2",
        "市财政局",
        ["市工业和信息化局", "各县〔市、区〕政府〔管委会〕"],
        "first_listed_convention",
    ),
    ("pingdingshan-2022-huiqi", "annex1:1", "市税务局", [], "first_listed_convention"),
    (
        "pingdingshan-2022-huiqi",
        "annex1:5",
        "市金融工作局",
        ["市政务服务和大数据管理局", "平顶山银保监分局", "各县〔市、区〕政府〔管委会〕"],
        "first_listed_convention",
    ),
    (
        "yanjiang-2020-sme-plan",
        "plan:2.3",
        "区发改局",
        ["区市场监管局", "区行政审批局", "雁江生态环境局"],
        "first_listed_declared",
    ),
    ("yanjiang-2020-sme-plan", "plan:2.4", "区市场监管局", ["区发改局"], "first_listed_declared"),  # 下同
    ("yanjiang-2020-sme-plan", "plan:4.14", "区财政局", [], "first_listed_declared"),
    ("jieyang-2023-cppcc-reply", "reply:1.1.4.3", "揭阳市工业和信息化局", None, "reply_issuer"),
    ("jieyang-2023-cppcc-reply", "reply:1.1.2", "揭阳市工业和信息化局", None, "reply_issuer"),
    ("jieyang-2023-cppcc-reply", "reply:2.4.3", "揭阳市工业和信息化局", None, "reply_issuer"),
]


@pytest.mark.parametrize(("doc_id", "mid", "lead", "others", "rule"), AGENCIES)
def test_agencies(doc_id, mid, lead, others, rule):
    r = block(doc_id, mid).responsibility
    assert r is not None
    assert r.lead == lead
    assert r.lead_rule == rule
    if others is not None:
        assert r.others == others


def test_guangdong_item_one_lists_all_participants():
    r = block("jieyang-2012-guangdong-forward", "plan:1.1").responsibility
    assert r.lead == "省经济和信息化委"
    assert r.others[0] == "各地级以上市政府" and r.others[-1] == "广东出入境检验检疫局"
    assert len(r.others) == 14


def test_reply_consulted_agencies():
    r = block("jieyang-2023-cppcc-reply", "reply:1.1.4.3").responsibility
    assert r.others == [
        "市科技局",
        "市财政局",
        "市人力资源社会保障局",
        "市市场监管局",
        "市金融工作局",
        "市税务局",
        "市招商办",
    ]


def test_stray_english_word_survives():
    b = block("jieyang-2019-nuanqi", "plan:2.4.38")
    assert "海关技术指导 and 标准研究职能优势" in b.text.text
    assert b.text.text.endswith("〔揭阳海关牵头负责〕")


def test_a_contact_line_closes_its_section_not_the_part():
    """联系人：… after each section of a call for applications, then 二、…: the sections go on."""
    from policystats.devtools.evaluate import corpus_documents
    from policystats.extract.table import document_structure

    from .conftest import HELDOUT

    (doc,) = [d for d in corpus_documents(HELDOUT) if d.path.stem == "119_fuzhou_2016"]
    with pytest.warns(StructureWarning):
        st, _ = document_structure(doc)
    tops = sorted({b.measure_id.split(":")[2].split(".")[0] for b in st.blocks if b.block_kind == "item"})
    assert tops == ["1", "2", "3", "4", "5", "6"]
    assert not [b for b in st.blocks if b.block_kind == "closing" and "申报对象" in b.text.text]
    contact = [b for b in st.blocks if "联系人" in b.text.text]
    assert len(contact) == 4 and all(b.block_kind == "item" for b in contact)


def test_a_block_knows_the_titles_beside_it():
    """（一）产融对接活动项目 holds 1.补助对象及补助标准 and 2.申报条件: each item sees the other's title."""
    from policystats.devtools.evaluate import corpus_documents
    from policystats.extract.table import document_structure

    from .conftest import HELDOUT

    (doc,) = [d for d in corpus_documents(HELDOUT) if d.path.stem == "121_zhangzhou_2019"]
    with pytest.warns(StructureWarning):  # its closing annexes hold no numbered items
        st, _ = document_structure(doc)
    (cond,) = [b for b in st.blocks if b.title == "申报条件" and "不少于20家" in b.text.text]
    assert "补助对象及补助标准" in cond.sibling_titles.split(" / ")
    assert "申报条件" not in cond.sibling_titles.split(" / ")


# ---------------------------------------------------------------- offsets and coverage


@pytest.mark.parametrize("doc_id", sorted(DOCS))
def test_every_block_maps_back_to_raw(doc_id):
    raw = DOCS[doc_id].raw
    for b in structure(doc_id).blocks:
        start, end = b.span
        assert 0 <= start < end <= len(raw)
        assert b.text.offsets[0] == start and b.text.offsets[-1] + 1 == end
        for ch, off in zip(b.text.text, b.text.offsets, strict=True):
            assert start <= off < end
            assert clean(raw[off]).text in (ch, "") or raw[off].strip() == ""


@pytest.mark.parametrize("doc_id", sorted(DOCS))
def test_no_content_is_dropped(doc_id):
    """Every Chinese character is in a block, a header or heading line, or is an item numeral."""
    st = structure(doc_id)
    covered: set[int] = set()
    for b in st.blocks:
        covered.update(b.text.offsets)
    for p in st.parts:
        for line in p.header:
            covered.update(line.text.offsets)
        for heading in p.headings:
            covered.update(heading.offsets)
    text = clean(DOCS[doc_id].raw)
    missing = [text.text[i] for i, off in enumerate(text.offsets) if off not in covered and is_han(text.text[i])]
    assert set(missing) <= set("一二三四五六七八九十百是")


# ---------------------------------------------------------------- other documents

ARTICLE_STYLE = """洛阳市中小企业发展专项资金管理办法
第一章 总则
第一条 为规范中小企业发展专项资金管理，根据有关规定，制定本办法。
第二条 本办法所称专项资金，是指市财政预算安排的资金。
第二章 支持方式
第三条 专项资金采取无偿资助、贷款贴息等方式。
第4条 对新认定的“专精特新”中小企业给予一次性奖励20万元。
"""


def test_article_style_document():
    st = parse_structure("luoyang-test", clean(ARTICLE_STYLE))
    got = [(b.measure_id, b.heading_path, b.text.text[:6]) for b in st.blocks if b.block_kind == "item"]
    assert got == [
        ("luoyang-test:body:1.1", "总则", "为规范中小企"),
        ("luoyang-test:body:1.2", "总则", "本办法所称专"),
        ("luoyang-test:body:2.3", "支持方式", "专项资金采取"),
        ("luoyang-test:body:2.4", "支持方式", "对新认定的“"),
    ]
    assert st.parts[0].title == "洛阳市中小企业发展专项资金管理办法"


def test_unsegmented_document_is_kept_with_a_warning():
    text = "各有关单位：\n为支持中小企业发展，市财政安排专项资金500万元，对符合条件的企业给予补助。\n请认真贯彻执行。"
    with pytest.warns(StructureWarning, match="no numbered items"):
        st = parse_structure("plain", clean(text))
    assert [b.block_kind for b in st.blocks] == ["unsegmented"]
    assert "专项资金500万元" in st.blocks[0].text.text


def test_parser_failure_keeps_text(monkeypatch):
    import policystats.extract.structure as s

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(s, "_parse", boom)
    with pytest.warns(StructureWarning, match="structure parser failed"):
        st = s.parse_structure("x", MappedText.identity("一些文字。"))
    assert st.blocks[0].block_kind == "unsegmented"


def test_pingdingshan_index_card_is_not_a_part():
    assert "索引号" in raw_text("pingdingshan-2022-huiqi")
    first = structure("pingdingshan-2022-huiqi").parts[0]
    assert all("索引号" not in line.s for line in first.header)
    assert re.match("平顶山市人民政府办公室关于", first.title)


# ---------------------------------------------------------------- numbering slips


def test_two_annexes_numbered_alike_keep_distinct_ids():
    # A numbering slip in the source: the third annex is headed 附件2 as well.
    raw = raw_text("pingdingshan-2022-huiqi")
    assert raw.count("\n附件3\n") == 1
    slipped = raw.replace("\n附件3\n", "\n附件2\n")
    with pytest.warns(StructureWarning, match="two parts are numbered annex2; the repeat is annex2~2"):
        st = parse_structure("slip", clean(slipped))
    ids = [p.part_id for p in st.parts]
    assert ids.count("annex2") == 1 and "annex2~2" in ids and "annex3" not in ids
    measure_ids = [b.measure_id for b in st.blocks]
    assert len(measure_ids) == len(set(measure_ids))
    # nothing lost: the same blocks as the document without the slip
    assert len(st.blocks) == len(structure("pingdingshan-2022-huiqi").blocks)


def test_two_items_numbered_alike_keep_distinct_ids():
    # （四）促进市场公平竞争 renumbered （三）: two items (三) under 二、优化发展环境.
    raw = raw_text("yanjiang-2020-sme-plan")
    assert raw.count("（四）促进市场公平竞争") == 1
    slipped = raw.replace("（四）促进市场公平竞争", "（三）促进市场公平竞争")
    with pytest.warns(StructureWarning, match=r"item number 2\.3 repeats in part plan; the repeat is 2\.3~2"):
        st = parse_structure("slip", clean(slipped))
    got = [(b.measure_id, b.text.text[:6]) for b in st.blocks if b.block_kind == "item"][2:4]
    assert got == [("slip:plan:2.3", "降低市场准入"), ("slip:plan:2.3~2", "促进市场公平")]
