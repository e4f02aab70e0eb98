"""Cleaning: real damaged fragments quoted from the seeds, and the offset map."""

from __future__ import annotations

import pytest

from policystats.corpus import load_corpus
from policystats.extract.clean import WIDTH_MAP, clean, clean_with_notes, normalize_width

from .conftest import raw_text

# (doc_id, fragment exactly as in the raw file, expected cleaned text)
CASES = [
    # Page-break gaps splitting a word (PDF pages in the 2019 Jieyang plan).
    ("jieyang-2019-nuanqi", "按照“项目+园区+产业”的工\n\n\n\n作思", "按照“项目+园区+产业”的工作思"),
    ("jieyang-2019-nuanqi", "权等知识产权质押融资，建\n\n\n\n立完善知", "权等知识产权质押融资,建立完善知"),
    ("jieyang-2019-nuanqi", "新认定\n\n\n\n50家、总", "新认定50家、总"),
    # A space inside a document number and inside a date.
    ("yanjiang-2020-sme-plan", "（中办发〔2019〕 24号），省委办、", "(中办发〔2019〕24号),省委办、"),
    ("jieyang-2012-guangdong-forward", "2012 年 11 月 2 日", "2012年11月2日"),
    ("jieyang-2012-guangdong-forward", "揭府办〔2012〕189 号", "揭府办〔2012〕189号"),
    (
        "jieyang-2012-guangdong-forward",
        "广东省中小微企业综合服务体系 建设 工作分工方案",
        "广东省中小微企业综合服务体系建设工作分工方案",
    ),
    # A title wrapped inside an open 《 is one line.
    (
        "yanjiang-2020-sme-plan",
        "关于印发《资阳市雁江区促进中小企业健康\n发展实施方案》的通知",
        "关于印发《资阳市雁江区促进中小企业健康发展实施方案》的通知",
    ),
    # Full-width brackets become half-width; a heading keeps its own line.
    ("jieyang-2019-nuanqi", "(二) 金融暖企专项行动计划\n\n9. 积", "(二)金融暖企专项行动计划\n9.积"),
    # A stray English word keeps its spaces; the phone number keeps its hyphen.
    ("jieyang-2019-nuanqi", "海关技术指导 and 标准研究职能优势，", "海关技术指导 and 标准研究职能优势,"),
    ("jieyang-2012-guangdong-forward", "0663 - 8768043）。", "0663 - 8768043)。"),
    # Web clutter and page numbers disappear.
    ("yanjiang-2020-sme-plan", "— 3 —\n\n\n", ""),
    ("pingdingshan-2022-huiqi", "扫一扫在手机打开当前页", ""),
    ("jieyang-2023-cppcc-reply", "联系人及电话:吴志平 8231630\n\n\n相关附件:\n相关阅读", "联系人及电话:吴志平8231630"),
]


@pytest.mark.parametrize(("doc_id", "fragment", "expected"), CASES)
def test_clean_fragment(doc_id: str, fragment: str, expected: str) -> None:
    assert fragment in raw_text(doc_id), "the example must be quoted from the seed"
    assert clean(fragment).text == expected


# Clutter that must not survive cleaning of the whole document.
CLUTTER = [
    ("jieyang-2023-cppcc-reply", "无障碍版"),
    ("jieyang-2023-cppcc-reply", "浏览次数"),
    ("jieyang-2023-cppcc-reply", "相关阅读"),
    ("pingdingshan-2022-huiqi", "索引号"),
    ("pingdingshan-2022-huiqi", "005452065/2022-00016"),
    ("pingdingshan-2022-huiqi", "扫一扫"),
    ("yanjiang-2020-sme-plan", "— 3 —"),
]


@pytest.mark.parametrize(("doc_id", "clutter"), CLUTTER)
def test_clutter_removed(doc_id: str, clutter: str) -> None:
    raw = raw_text(doc_id)
    assert clutter in raw
    assert clutter not in clean(raw).text


def test_pingdingshan_title_appears_once() -> None:
    """The portal prints the title twice (page header, then document); keep one."""
    text = clean(raw_text("pingdingshan-2022-huiqi")).text
    assert text.count("平顶山市人民政府办公室关于进一步做好惠企纾困工作促进经济平稳健康发展的通知\n") == 1


def test_pasted_heading_is_removed_and_noted() -> None:
    raw = raw_text("pingdingshan-2022-huiqi")
    assert "平顶山银保监平顶山市促进“专精特新”中小企业高质量发展实施方案分局" in raw
    text, notes = clean_with_notes(raw)
    assert "平顶山银保监分局,各县" in text.text
    assert len(notes) == 1 and "平顶山市促进“专精特新”中小企业高质量发展实施方案" in notes[0]


@pytest.mark.parametrize("doc", load_corpus(), ids=lambda d: d.doc_id)
def test_offset_map_points_at_the_same_characters(doc) -> None:
    """Every cleaned character comes from the raw character its offset names."""
    text = clean(doc.raw)
    assert len(text.offsets) == len(text.text)
    previous = -1
    for ch, off in zip(text.text, text.offsets, strict=True):
        assert off > previous, "offsets must increase"
        previous = off
        if ch == "\n":
            assert doc.raw[off] == "\n"
        else:
            assert doc.raw[off].translate(WIDTH_MAP) == ch


def test_width_normalisation_keeps_length() -> None:
    s = "（一）１２．５％，不低于３０％"
    assert len(normalize_width(s)) == len(s)
    assert normalize_width(s) == "(一)12.5%,不低于30%"
