"""The catalog, raw files, encodings, and registering a new city."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from policystats.cli import main
from policystats.corpus import add_document, decode_bytes, load_corpus, read_catalog
from policystats.errors import CatalogError, DocumentReadError, UnknownDocumentError
from policystats.paths import ProjectPaths

from .conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"


def test_catalog_matches_raw_files():
    rows = read_catalog()
    assert len(rows) == 5
    for row in rows:
        data = (ROOT / "data" / "raw" / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]


@pytest.mark.skipif(not SEEDS.exists(), reason="the shared seeds are not beside this checkout")
def test_raw_files_are_byte_copies_of_the_seeds():
    for row in read_catalog():
        seed = SEEDS / row["original_name"]
        assert seed.read_bytes() == (ROOT / "data" / "raw" / row["file"]).read_bytes()


PROVENANCE = [
    ("jieyang-2012-guangdong-forward", "issuer_level", "province"),
    ("jieyang-2012-guangdong-forward", "doc_number", "粤办函〔2012〕624号"),
    ("jieyang-2012-guangdong-forward", "forwarded_by_level", "prefecture_city"),
    ("jieyang-2012-guangdong-forward", "forwarding_doc_number", "揭府办〔2012〕189号"),
    ("jieyang-2023-cppcc-reply", "statement_nature", "outcomes"),
    ("jieyang-2023-cppcc-reply", "genre", "reply"),
    ("yanjiang-2020-sme-plan", "admin_level", "district"),
    ("yanjiang-2020-sme-plan", "prefecture_en", "Ziyang"),
    ("yanjiang-2020-sme-plan", "doc_number", "资雁府办发〔2020〕19号"),
    ("pingdingshan-2022-huiqi", "doc_number", "平政办〔2022〕15号"),
    ("pingdingshan-2022-huiqi", "issue_date", "2022-05-24"),
    ("jieyang-2019-nuanqi", "doc_number", "揭府办函〔2019〕44号"),
    ("jieyang-2019-nuanqi", "issue_date", "2019-09-23"),
]


@pytest.mark.parametrize(("doc_id", "column", "value"), PROVENANCE)
def test_catalog_provenance(doc_id, column, value):
    assert {r["doc_id"]: r for r in read_catalog()}[doc_id][column] == value


# ---------------------------------------------------------------- broken catalogs


def _edit_catalog(project: ProjectPaths, fn) -> None:
    with project.catalog.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0].keys())
    fn(rows)
    with project.catalog.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_sha_mismatch_names_file_and_row(project):
    with (project.raw / "yanjiang-2020-sme-plan.txt").open("ab") as fh:
        fh.write("篡改".encode())
    with pytest.raises(CatalogError, match=r"row 6 .*yanjiang-2020-sme-plan.*sha256 mismatch"):
        read_catalog(project)


def test_missing_file(project):
    (project.raw / "jieyang-2019-nuanqi.txt").unlink()
    with pytest.raises(CatalogError, match=r"row 3 .*data/raw/jieyang-2019-nuanqi.txt does not exist"):
        read_catalog(project)


def test_file_missing_from_catalog(project):
    (project.raw / "stray.txt").write_text("一份没有登记的文件。", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"data/raw/stray.txt: file is not in the catalog"):
        read_catalog(project)


def test_duplicate_id(project):
    _edit_catalog(project, lambda rows: rows[1].update(doc_id=rows[0]["doc_id"]))
    with pytest.raises(CatalogError, match=r"row 3 .*duplicate doc_id, already used on row 2"):
        read_catalog(project)


def test_malformed_date(project):
    _edit_catalog(project, lambda rows: rows[2].update(issue_date="2023/11/15"))
    with pytest.raises(CatalogError, match=r"row 4 .*issue_date '2023/11/15' is not a date"):
        read_catalog(project)


def test_bad_vocabulary(project):
    _edit_catalog(project, lambda rows: rows[3].update(admin_level="city"))
    with pytest.raises(CatalogError, match=r"row 5 .*admin_level 'city' is not one of"):
        read_catalog(project)


def test_extra_field_from_unquoted_comma(project):
    text = project.catalog.read_text(encoding="utf-8").splitlines()
    text[1] = text[1] + ",extra"
    project.catalog.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"row 2: has more fields than the header"):
        read_catalog(project)


def test_cli_reports_catalog_error_without_traceback(project, capsys):
    (project.raw / "jieyang-2019-nuanqi.txt").unlink()
    assert main(["--root", str(project.root), "build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: catalog.csv has 1 problem(s)")
    assert "Traceback" not in err


def test_unknown_document(project):
    with pytest.raises(UnknownDocumentError, match=r"unknown document.*luoyang"):
        load_corpus(project, ["luoyang-2023"])


# ---------------------------------------------------------------- encodings

SAMPLE = "一、加大财税支持。对首次认定的企业给予一次性奖励50万元。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.encode("gbk"), "gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "gbk"],
)
def test_encodings_are_detected(data, encoding):
    assert decode_bytes(data, "x.txt") == (SAMPLE, encoding)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x.txt: the file is empty"),
        (b"  \n\n ", "x.txt: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.txt: looks binary"),
        (bytes(range(128, 256)) * 4, "x.txt: is neither UTF-8 nor GBK"),
        ("Größe café naïve déjà vu".encode("latin-1"), "x.txt: is neither UTF-8 nor GBK"),
        ("中華民國發展".encode("big5"), "x.txt: is not UTF-8, and read as GBK it gives mostly non-Chinese"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "latin-1", "big5"],
)
def test_bad_files_are_rejected_by_name(data, message):
    with pytest.raises(DocumentReadError, match=message):
        decode_bytes(data, "x.txt")


# ---------------------------------------------------------------- a sixth city

LUOYANG = """洛阳市人民政府办公室关于印发洛阳市支持中小企业发展若干措施的通知
洛政办〔2023〕12号
各县(市、区)人民政府，市人民政府各部门：
现将《洛阳市支持中小企业发展若干措施》印发给你们，请认真贯彻执行。
洛阳市人民政府办公室
2023年5月1日
洛阳市支持中小企业发展若干措施
一、加大融资支持。力争2023年新增普惠小微贷款不少于50亿元。（责任单位：市金融工作局、市财政局）
二、强化奖励引导。对首次认定的国家级专精特新“小巨人”企业给予一次性奖励100万元。（责任单位：市工业和信息化局）
"""


def test_add_a_sixth_city_in_gbk_then_build(project, tmp_path, capsys):
    src = tmp_path / "luoyang.txt"
    src.write_bytes(LUOYANG.encode("gbk"))
    rc = main(
        [
            "--root", str(project.root), "add", str(src),
            "--city-en", "Luoyang", "--city-zh", "洛阳市", "--province", "河南省",
            "--level", "prefecture_city", "--date", "2023-05-01",
            "--title", "洛阳市人民政府办公室关于印发洛阳市支持中小企业发展若干措施的通知",
            "--doc-number", "洛政办〔2023〕12号", "--doc-id", "luoyang-2023-measures",
        ]
    )  # fmt: skip
    assert rc == 0
    copied = project.raw / "luoyang-2023-measures.txt"
    assert copied.read_bytes() == src.read_bytes(), "raw files are copied byte for byte"
    row = {r["doc_id"]: r for r in read_catalog(project)}["luoyang-2023-measures"]
    assert (row["encoding"], row["province_en"], row["sha256"]) == (
        "gb18030",
        "Henan",
        hashlib.sha256(src.read_bytes()).hexdigest(),
    )
    capsys.readouterr()
    assert main(["--root", str(project.root), "build"]) == 0
    out = capsys.readouterr().out
    assert "Built" in out
    line = next(x for x in out.splitlines() if x.startswith("luoyang-2023-measures"))
    # 2 parts (notice, measures); 2 measures; 3 blocks (the notice's body and the 2 measures); 2 quantities.
    assert line.split()[1:] == ["Luoyang", "2", "2", "3", "2"]
    from policystats.api import load_measures

    rows = load_measures(project.root)
    rows = rows[rows["city"] == "Luoyang"].dropna(subset=["value"])
    got = [(r.value, r.comparator, r.category, r.aspirational, r.lead_agency) for r in rows.itertuples()]
    assert got == [
        (5e9, ">=", "financing_target", True, "市金融工作局"),
        (1e6, "=", "award_level", False, "市工业和信息化局"),
    ]
    # The reports take it in with no edit: the comparison notebooks default to
    # every city, and reports.yaml runs city_profile for every catalogued city.
    from policystats.report import compare
    from policystats.report.reports import load_config, plan

    table = load_measures(project.root)
    assert "Luoyang" in set(compare.financing_quantities(table, [])["city"])  # the notebooks' default
    stems = {j.stem for j in plan(load_config(ROOT / "reports.yaml"), paths=project)}
    assert {"city_profile_Luoyang_en", "city_profile_Luoyang_zh", "city_profile_Yanjiang_en"} <= stems


def test_add_rejects_bad_input(project, tmp_path):
    src = tmp_path / "x.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    common = dict(city_en="Luoyang", city_zh="洛阳市", province="Henan", level="prefecture_city", paths=project)
    with pytest.raises(CatalogError, match="not a date"):
        add_document(src, date="2023-13-01", **common)
    with pytest.raises(CatalogError, match="unknown province 'Atlantis'"):
        add_document(src, date="2023-01-01", **{**common, "province": "Atlantis"})
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DocumentReadError, match=r"empty\.txt: the file is empty"):
        add_document(empty, date="2023-01-01", **common)
    dup = tmp_path / "dup.txt"
    dup.write_bytes((project.raw / "yanjiang-2020-sme-plan.txt").read_bytes())
    with pytest.raises(CatalogError, match="already catalogued as yanjiang-2020-sme-plan"):
        add_document(dup, date="2023-01-01", **common)
    assert len(read_catalog(project)) == 5, "a rejected file leaves the catalog unchanged"
    assert sorted(p.name for p in project.raw.iterdir()) == sorted(p.name for p in (ROOT / "data" / "raw").iterdir())


def test_catalog_rewrite_is_byte_stable(project):
    """`add` rewrites the catalog; existing rows must not change format."""
    from policystats.corpus import _write_catalog

    before = project.catalog.read_bytes()
    _write_catalog(project.catalog, read_catalog(project))
    assert project.catalog.read_bytes() == before


def test_paths_are_relative(project):
    assert isinstance(project.root, Path)
