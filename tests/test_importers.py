"""Bring any document: importers wired into `add` and the build, batches, manifests, provenance."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest

from policystats.api import build, init_project, load_documents, load_measures
from policystats.cli import main
from policystats.corpus import CATALOG_COLUMNS, add_document, read_catalog
from policystats.errors import DocumentReadError
from policystats.paths import ProjectPaths

from .conftest import CORPUS, needs_corpus
from .test_corpus import LUOYANG

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
META = ["--city-en", "Luoyang", "--city-zh", "洛阳市", "--province", "Henan", "--level", "prefecture_city"]
PAGE = """<!doctype html><html><head><meta charset="gbk"><title>洛阳市</title><script>var x = "给予9999万元";</script>
</head><body><div class="nav"><a href="/">首页</a> &gt; <a href="/zc">政策文件</a></div>
<div id="content"><h1>洛阳市支持中小企业发展若干措施</h1>
<p>一、加大融资支持。力争2023年新增普惠小微贷款不少于50亿元&#12290;</p>
<p>二、强化奖励引导。对首次认定的企业给予一次性奖励100万元&nbsp;。</p></div>
<div class="footer">版权所有：洛阳市人民政府 联系电话：0379-12345678</div></body></html>"""


@pytest.fixture
def proj(tmp_path: Path) -> ProjectPaths:
    return init_project(tmp_path / "proj")


def _docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("洛阳市支持中小企业发展若干措施")
    d.add_paragraph("加大融资支持。力争2023年新增普惠小微贷款不少于50亿元。", style="List Number")
    d.add_paragraph("强化奖励引导。对首次认定的企业给予一次性奖励100万元。", style="List Number")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "奖励"
    table.cell(1, 0).text, table.cell(1, 1).text = "小巨人", "100万元"
    d.save(str(path))


def _spans_hold(paths: ProjectPaths) -> int:
    """Every quantity's text, read back from the file at source_path (the stored text for imports)."""
    table = load_measures(paths.root)
    rows = read_catalog(paths)
    texts = {}
    for r in rows:
        f = paths.text / r["text_file"] if r["text_file"] else paths.raw / r["file"]
        texts[r["doc_id"]] = f.read_bytes().decode(r["encoding"] if not r["text_file"] else "utf-8")
    q = table[table["quantity_id"].notna()]
    for r in q.itertuples():
        want = (paths.text if r.source_path.startswith("data/text/") else paths.raw) / Path(r.source_path).name
        assert want == (paths.root / r.source_path)
        assert texts[r.doc_id][r.span_start : r.span_end] == r.quantity_text, (r.doc_id, r.quantity_text)
    return len(q)


def test_every_format_is_kept_byte_for_byte_and_its_text_stored_beside_it(proj: ProjectPaths, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.html").write_bytes(PAGE.encode("gbk"))
    (src / "notice.pdf").write_bytes((FIXTURES / "notice.pdf").read_bytes())
    _docx(src / "measures.docx")
    (src / "plain.txt").write_bytes(LUOYANG.encode("utf-16"))
    assert main(["--root", str(proj.root), "add", str(src), *META, "--date", "2023-05-01"]) == 0
    rows = {r["original_name"]: r for r in read_catalog(proj)}
    assert {n: (r["format"], r["importer"], r["encoding"]) for n, r in rows.items()} == {
        "page.html": ("html", "html 1", "gb18030"),
        "notice.pdf": ("pdf", "pdf 1", ""),
        "measures.docx": ("docx", "docx 1", ""),
        "plain.txt": ("txt", "txt 1", "utf-16"),
    }
    for name, r in rows.items():
        data = (src / name).read_bytes()
        assert (proj.raw / r["file"]).read_bytes() == data, "the original is kept byte for byte"
        assert r["sha256"] == hashlib.sha256(data).hexdigest()
        if r["format"] == "txt":
            assert r["text_file"] == r["text_sha256"] == "", "a text file is its own text"
            continue
        stored = (proj.text / r["text_file"]).read_bytes()
        assert r["text_file"] == f"{r['doc_id']}.txt" and r["text_sha256"] == hashlib.sha256(stored).hexdigest()
    page = (proj.text / rows["page.html"]["text_file"]).read_text(encoding="utf-8")
    assert "不少于50亿元。" in page and "100万元 。" in page, "entities decoded"
    assert "首页" not in page and "9999" not in page and "版权所有" not in page, "no navigation, script or footer"
    word = (proj.text / rows["measures.docx"]["text_file"]).read_text(encoding="utf-8")
    assert "1.加大融资支持" in word and "2.强化奖励引导" in word, "automatic numbering rebuilt"
    assert "小巨人\t100万元" in word, "tables as text"
    pdf = (proj.text / rows["notice.pdf"]["text_file"]).read_text(encoding="utf-8")
    assert "对首次认定的国家级专精特新“小巨人”企业给予一次性奖励100万元。" in pdf
    build(proj.root)
    table = load_measures(proj.root)
    by_format = {r["doc_id"]: r["format"] for r in rows.values()}
    got = table[table["quantity_id"].notna()]
    found = {by_format[d]: set(g["quantity_text"]) for d, g in got.groupby("doc_id")}
    for fmt in ("html", "pdf", "docx", "txt"):
        assert {"不少于50亿元", "100万元"} <= found[fmt], (fmt, found[fmt])
    assert set(table.loc[table["doc_id"] == rows["page.html"]["doc_id"], "source_path"]) == {
        f"data/text/{rows['page.html']['doc_id']}.txt"
    }
    assert _spans_hold(proj) == len(got)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", (FIXTURES / "scanned.pdf").read_bytes(), r"scan\.pdf: the PDF has no text layer.*needs OCR"),
        ("old.doc", b"\xd0\xcf\x11\xe0 legacy word", r"old\.doc: is a legacy Word file.*\.txt, \.html/\.htm, \.docx"),
        ("x.wps", b"wps", r"x\.wps: is a WPS Office file.*reads \.txt"),
        ("fake.docx", b"not a zip", r"fake\.docx: is not a \.docx file"),
        ("empty.html", b"", r"empty\.html: the file is empty"),
    ],
    ids=["scanned-pdf", "doc", "wps", "damaged-docx", "empty-html"],
)
def test_a_file_that_cannot_be_imported_is_named_with_the_reason(proj, tmp_path, name, data, message) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    with pytest.raises(DocumentReadError, match=message):
        add_document(src, city_en="Luoyang", city_zh="洛阳市", province="Henan", level="prefecture_city",
                     date="2023-05-01", paths=proj)  # fmt: skip
    assert read_catalog(proj) == [] and not any(proj.raw.iterdir())


def test_a_folder_reports_each_file_and_one_bad_file_never_loses_the_others(proj, tmp_path, capsys) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(LUOYANG, encoding="utf-8")
    (src / "b.txt").write_text(LUOYANG.replace("50亿元", "60亿元"), encoding="utf-8")
    (src / "scan.pdf").write_bytes((FIXTURES / "scanned.pdf").read_bytes())
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (src / "README.md").write_text("not a document", encoding="utf-8")
    args = ["--root", str(proj.root), "add", str(src), *META, "--date", "2023-05-01"]
    assert main(args) == 1, "a rejected file makes the exit status 1"
    out, err = capsys.readouterr()
    assert out.count("added ") == 2 and err.count("rejected") == 2
    assert "needs OCR" in err and "legacy Word file" in err
    assert "ignored  1 file(s) that are no documents: README.md" in out
    assert "2 added, 0 skipped, 2 rejected (4 file(s))" in out
    assert len(read_catalog(proj)) == 2
    (src / "c.txt").write_text(LUOYANG.replace("50亿元", "70亿元"), encoding="utf-8")
    assert main(args) == 1
    out, _ = capsys.readouterr()
    assert "1 added, 2 skipped, 2 rejected" in out and "already catalogued as luoyang-2023-" in out
    assert len(read_catalog(proj)) == 3


def test_add_on_a_folder_never_says_no_such_file(proj, tmp_path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["--root", str(proj.root), "add", str(tmp_path / "empty"), *META, "--date", "2023-05-01"]) == 0
    assert "0 added, 0 skipped, 0 rejected (0 file(s))" in capsys.readouterr().out


def test_a_failed_run_leaves_the_catalog_as_it_was(proj, tmp_path, monkeypatch) -> None:
    import policystats.corpus as C

    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):
        (src / f"{n}.txt").write_text(LUOYANG.replace("50亿元", f"5{n}亿元"), encoding="utf-8")
    (src / "page.html").write_bytes(PAGE.encode("gbk"))
    before = proj.catalog.read_bytes()

    def full_disk(path, rows):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(C, "_write_catalog", full_disk)
    assert main(["--root", str(proj.root), "add", str(src), *META, "--date", "2023-05-01"]) == 1
    assert proj.catalog.read_bytes() == before
    assert not list(proj.raw.iterdir()) and not list(proj.text.iterdir())


def _manifest(path: Path, rows: list[dict[str, str]]) -> Path:
    cols = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    return path


def test_a_manifest_registers_one_row_per_file_with_the_catalog_columns(proj, tmp_path, capsys) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ly.txt").write_text(LUOYANG, encoding="utf-8")
    (docs / "page.html").write_bytes(PAGE.encode("gbk"))
    manifest = _manifest(
        tmp_path / "m.csv",
        [
            {"file": "docs/ly.txt", "doc_id": "luoyang-2023-measures", "city_en": "Luoyang", "city_zh": "洛阳市",
             "province_zh": "河南省", "admin_level": "prefecture_city", "issue_date": "2023-05-01",
             "title": "洛阳市支持中小企业发展若干措施", "source_url": "https://www.ly.gov.cn/zc/12.html",
             "accessed": "2024-02-01"},
            {"file": "docs/page.html", "doc_id": "luoyang-2023-page", "city_en": "Luoyang", "city_zh": "洛阳市",
             "province_zh": "河南省", "admin_level": "prefecture_city", "issue_date": "2023-05-02",
             "title": "", "source_url": "", "accessed": ""},
        ],
    )  # fmt: skip
    args = ["--root", str(proj.root), "add", "--manifest", str(manifest), "--licence-note", "官方文件 (Art. 5)"]
    assert main(args) == 0
    docs_table = load_documents(proj.root).set_index("doc_id")
    first = docs_table.loc["luoyang-2023-measures"]
    assert (first["source_url"], first["accessed"], first["licence_note"]) == (
        "https://www.ly.gov.cn/zc/12.html",
        "2024-02-01",
        "官方文件 (Art. 5)",
    ), "the provenance fields, and a command-line option fills the cells left empty"
    assert docs_table.loc["luoyang-2023-page", "format"] == "html"
    capsys.readouterr()
    assert main(["--root", str(proj.root), "documents", "--provenance"]) == 0
    assert "https://www.ly.gov.cn/zc/12.html" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"cty_en": "Luoyang"}, r"m\.csv: unknown column\(s\) 'cty_en'"),
        ({"sha256": "0" * 64}, r"sha256 000000000000… given, but the file's is"),
        ({"source_url": "javascript:alert(1)"}, r"source_url 'javascript:alert\(1\)' must be an http"),
        ({"accessed": "yesterday"}, r"accessed 'yesterday' is not a date"),
        ({"admin_level": "city"}, r"admin_level 'city' is not one of"),
    ],
    ids=["unknown-column", "sha-mismatch", "script-url", "bad-date", "bad-level"],
)
def test_a_bad_manifest_cell_is_named(proj, tmp_path, capsys, cells, message) -> None:
    (tmp_path / "ly.txt").write_text(LUOYANG, encoding="utf-8")
    row = {"file": "ly.txt", "city_en": "Luoyang", "city_zh": "洛阳市", "province_en": "Henan",
           "admin_level": "prefecture_city", "issue_date": "2023-05-01"} | cells  # fmt: skip
    rc = main(["--root", str(proj.root), "add", "--manifest", str(_manifest(tmp_path / "m.csv", [row]))])
    assert rc in (1, 2)
    assert pd.Series([capsys.readouterr().err]).str.contains(message).all()
    assert read_catalog(proj) == []


def test_the_new_catalog_columns_are_written_in_order(proj, tmp_path) -> None:
    (tmp_path / "ly.txt").write_text(LUOYANG, encoding="utf-8")
    add_document(tmp_path / "ly.txt", city_en="Luoyang", city_zh="洛阳市", province="Henan",
                 level="prefecture_city", date="2023-05-01", paths=proj)  # fmt: skip
    header = next(csv.reader(io.StringIO(proj.catalog.read_text(encoding="utf-8"))))
    assert header == CATALOG_COLUMNS
    assert header[-7:] == ["format", "importer", "text_file", "text_sha256", "source_url", "accessed", "licence_note"]


@needs_corpus
def test_the_whole_development_corpus_in_one_batch(tmp_path: Path, capsys) -> None:
    """Every file of ../shared/corpus, in one `add --manifest`; every span reproduces its text."""
    from policystats.devtools.evaluate import corpus_meta

    with (CORPUS / "catalog.csv").open(encoding="utf-8", newline="") as fh:
        rows = [corpus_meta(r) | {"provenance": r["source"]} for r in csv.DictReader(fh)]
    manifest = _manifest(tmp_path / "corpus.csv", rows)
    proj = init_project(tmp_path / "study")
    assert main(["--root", str(proj.root), "add", str(CORPUS), "--manifest", str(manifest)]) == 0
    assert f"{len(rows)} added, 0 skipped, 0 rejected" in capsys.readouterr().out
    catalog = read_catalog(proj)
    assert {r["format"] for r in catalog} == {"txt", "html", "docx"}
    assert {r["encoding"] for r in catalog if r["format"] == "txt"} == {"utf-8", "gb18030"}
    build(proj.root, jobs=2)
    assert _spans_hold(proj) > 500
    table = load_measures(proj.root)
    assert set(table["city"]) == {r["city_en"] for r in rows}
