"""Damage and hostile input: a strict catalog, checked cache entries, names, symlinks, one-line errors."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from policystats import schema
from policystats.api import build, load_measures, query, read_measures_csv
from policystats.cli import main
from policystats.corpus import add_document, read_catalog
from policystats.errors import CatalogError, PolicystatsError, SchemaError
from policystats.paths import ProjectPaths

from .test_corpus import LUOYANG

ADD = ["--city-en", "Luoyang", "--city-zh", "洛阳市", "--province", "Henan", "--level", "prefecture_city",
       "--date", "2023-05-01"]  # fmt: skip


def _lines(p: ProjectPaths) -> list[str]:
    return p.catalog.read_text(encoding="utf-8").split("\n")


def _write_lines(p: ProjectPaths, lines: list[str]) -> None:
    p.catalog.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- a strict catalog reader


def test_a_row_with_fewer_fields_than_the_header_is_an_error(project) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(project.catalog.read_text(encoding="utf-8"))))
    rows[3] = rows[3][:-10]  # statement_nature and what follows are gone
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    project.catalog.write_text(buf.getvalue(), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"row 4: has fewer fields than the header \(\d+, not 34"):
        read_catalog(project)
    with pytest.raises(CatalogError, match="row 4: has fewer fields"):
        build(project.root)


def test_an_unbalanced_quote_names_the_row_and_add_refuses_to_rewrite_the_catalog(project, tmp_path, capsys) -> None:
    lines = _lines(project)
    last = max(i for i, line in enumerate(lines) if line)
    lines[last] = lines[last].replace(",txt,", ',"txt,', 1)
    _write_lines(project, lines)
    damaged = project.catalog.read_bytes()
    with pytest.raises(CatalogError, match=rf"row {last + 1}: unbalanced quote"):
        read_catalog(project)
    (tmp_path / "ly.txt").write_text(LUOYANG, encoding="utf-8")
    assert main(["--root", str(project.root), "add", str(tmp_path / "ly.txt"), *ADD]) == 2
    assert "unbalanced quote" in capsys.readouterr().err
    assert project.catalog.read_bytes() == damaged, "add never rewrites a catalog that does not read cleanly"


def test_a_quote_that_swallows_the_line_break_is_caught_mid_file(project) -> None:
    lines = _lines(project)
    lines[2] = lines[2].replace(",txt,", ',"txt,', 1)
    _write_lines(project, lines)
    with pytest.raises(CatalogError, match=r"row 3: (unbalanced quote|has (more|fewer) fields|.*line break)"):
        read_catalog(project)


def test_a_catalog_saved_by_excel_with_a_bom_reads(project) -> None:
    project.catalog.write_bytes(b"\xef\xbb\xbf" + project.catalog.read_bytes())
    assert [r["doc_id"] for r in read_catalog(project)][:1] == ["jieyang-2012-guangdong-forward"]


def test_a_wrong_encoding_in_the_catalog_is_caught_by_decoding(project, tmp_path) -> None:
    (tmp_path / "ly.txt").write_bytes(LUOYANG.encode("gbk"))
    add_document(tmp_path / "ly.txt", city_en="Luoyang", city_zh="洛阳市", province="Henan",
                 level="prefecture_city", date="2023-05-01", doc_id="luoyang-2023", paths=project)  # fmt: skip
    text = project.catalog.read_text(encoding="utf-8")
    for wrong, message in (("latin-1", "does not fit .*which reads as gb18030"), ("utf-8", "cannot be decoded as")):
        project.catalog.write_text(text.replace(",gb18030,", f",{wrong},"), encoding="utf-8")
        with pytest.raises(CatalogError, match=rf"luoyang-2023.*{message}"):
            read_catalog(project)


# ---------------------------------------------------------------- cache entries


def test_a_cache_entry_cut_short_is_recomputed_with_a_warning(project) -> None:
    first = build(project.root)
    reference = project.measures_csv.read_bytes()
    entry = max(project.cache.glob("*.parquet"), key=lambda f: f.stat().st_size)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    damaged = r"cache entry .* was damaged \(its Parquet file fails its checksum\); recomputed"
    with pytest.warns(UserWarning, match=damaged):
        again = build(project.root)
    assert again.cached == first.n_documents - 1 and again.n_rows == first.n_rows
    assert project.measures_csv.read_bytes() == reference
    assert len(read_measures_csv(project.measures_csv)) == len(pd.read_parquet(project.measures_parquet))
    assert len(load_measures(project.root)) == first.n_rows


# ---------------------------------------------------------------- names, symlinks, hostile text


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--city-en", "Luo/yang", "contains '/'"),
        ("--city-en", "<img src=x onerror=alert(1)>", "contains '<'"),
        ("--city-zh", "<script>alert(1)</script>", "contains '<'"),
        ("--city-en", "..", "contains '..'"),
        ("--prefecture-en", "a\\b", "contains '\\\\'"),
        ("--doc-id", "../../etc", "doc_id '../../etc' must be"),
        ("--title", "line\nbreak", "title contains a control character or a line break"),
    ],
)
def test_add_validates_names(project, tmp_path, capsys, option, value, message) -> None:
    (tmp_path / "ly.txt").write_text(LUOYANG, encoding="utf-8")
    base = dict(zip(ADD[::2], ADD[1::2], strict=True)) | {option: value}
    args = [x for kv in base.items() for x in kv]
    assert main(["--root", str(project.root), "add", str(tmp_path / "ly.txt"), *args]) == 1
    assert message in capsys.readouterr().err
    assert len(read_catalog(project)) == 5


def test_add_never_follows_a_symlink_out_of_data_raw(project, tmp_path) -> None:
    outside = tmp_path / "outside.txt"
    (tmp_path / "ly.txt").write_text(LUOYANG, encoding="utf-8")
    (project.raw / "luoyang-2023.txt").symlink_to(outside)  # dangling
    with pytest.raises(CatalogError, match=r"data/raw/luoyang-2023\.txt: is a symbolic link"):
        add_document(tmp_path / "ly.txt", city_en="Luoyang", city_zh="洛阳市", province="Henan",
                     level="prefecture_city", date="2023-05-01", doc_id="luoyang-2023", paths=project)  # fmt: skip
    assert not outside.exists(), "nothing was written outside the project"


def test_hostile_titles_and_text_stay_data(project, tmp_path) -> None:
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)> ]] --> {{7*7}}'
    (tmp_path / "ly.txt").write_text(LUOYANG.replace("若干措施\n一、", f"若干措施\n{hostile}\n一、"), encoding="utf-8")
    add_document(tmp_path / "ly.txt", city_en="Luoyang", city_zh="洛阳市", province="Henan", title=hostile,
                 level="prefecture_city", date="2023-05-01", doc_id="luoyang-2023", paths=project)  # fmt: skip
    assert {r["doc_id"]: r for r in read_catalog(project)}["luoyang-2023"]["title"] == hostile
    build(project.root)
    table = load_measures(project.root)
    mine = table[table["doc_id"] == "luoyang-2023"]
    assert mine["measure_text"].str.contains("<script>", regex=False).any(), "text is data, kept as written"
    assert {"不少于50亿元", "100万元"} <= set(mine["quantity_text"].dropna())


# ---------------------------------------------------------------- the schema forbids inf


def test_the_schema_forbids_non_finite_values() -> None:
    table = read_measures_csv(Path(__file__).parents[1] / "data" / "processed" / "measures.csv")
    row = table["quantity_id"].notna().idxmax()
    for bad in (math.inf, -math.inf):
        broken = table.copy()
        broken.loc[row, "value"] = bad
        with pytest.raises(SchemaError, match="value"):
            schema.validate(broken)
    broken = table.copy()
    i = table.index[table["comparator"] == "between"][0] if (table["comparator"] == "between").any() else row
    broken.loc[i, "value_max"] = math.inf
    broken.loc[i, "comparator"] = "between"
    with pytest.raises(SchemaError, match="value_max"):
        schema.validate(broken)


# ---------------------------------------------------------------- one-line errors, query


def test_query_runtime_errors_are_one_line(project, capsys) -> None:
    build(project.root)
    assert main(["--root", str(project.root), "query", "select cast(city as integer) from measures"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: query failed") and err.count("\n") == 1 and "Traceback" not in err


def test_an_io_error_is_one_line_naming_the_file(project, tmp_path, monkeypatch, capsys) -> None:
    import policystats.corpus as C

    (tmp_path / "ly.txt").write_text(LUOYANG, encoding="utf-8")

    def denied(path, rows):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(C, "_write_catalog", denied)
    assert main(["--root", str(project.root), "add", str(tmp_path / "ly.txt"), *ADD]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {project.catalog}: Permission denied") and err.count("\n") == 1
    with pytest.raises(PermissionError):
        main(["--root", str(project.root), "add", str(tmp_path / "ly.txt"), *ADD, "--debug"])


def test_query_and_load_measures_detect_an_edited_raw_file_as_build_does(project) -> None:
    build(project.root)
    with (project.raw / "yanjiang-2020-sme-plan.txt").open("ab") as fh:
        fh.write("篡改".encode())
    with pytest.raises(CatalogError, match=r"sha256 mismatch for data/raw/yanjiang-2020-sme-plan\.txt"):
        build(project.root)
    with pytest.raises(CatalogError, match=r"sha256 mismatch for data/raw/yanjiang-2020-sme-plan\.txt"):
        load_measures(project.root)
    with pytest.warns(UserWarning, match=r"sha256 mismatch for data/raw/yanjiang-2020-sme-plan.txt.*last build"):
        got = query("select count(*) as n from measures", project.root)
    assert int(got["n"].iloc[0]) == len(read_measures_csv(project.measures_csv))


def test_read_only_queries_cannot_touch_files(project, tmp_path, capsys) -> None:
    build(project.root)
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n", encoding="utf-8")
    target = tmp_path / "written.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(query("select * from measures", project.root, read_only=True)) > 0
    for sql in (f"copy (select 1) to '{target}'", f"select * from read_csv('{secret}')"):
        with pytest.raises(PolicystatsError, match="query failed"):
            query(sql, project.root, read_only=True)
    assert not target.exists()
    query(f"copy (select 1 as a) to '{target}'", project.root)  # the default runs any DuckDB SQL
    assert target.exists()
    assert main(["--root", str(project.root), "query", "--read-only", f"select * from read_csv('{secret}')"]) == 2
    assert "query failed" in capsys.readouterr().err


# ---------------------------------------------------------------- a document over the size limit


def test_a_document_over_the_size_limit_warns_and_streams_in_parts(project, tmp_path, capsys) -> None:
    seeds = sorted(project.raw.glob("*.txt"))
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in seeds), encoding="utf-8")
    add_document(big, city_en="Luoyang", city_zh="洛阳市", province="Henan", level="prefecture_city",
                 date="2023-05-01", doc_id="luoyang-big", paths=project)  # fmt: skip
    whole = build(project.root, use_cache=False)
    n_whole = int(whole.per_document.set_index("doc_id").loc["luoyang-big", "quantities"])
    size = big.stat().st_size
    assert main(["--root", str(project.root), "build", "--quiet", "--max-document-mb", "0.04"]) == 0
    err = capsys.readouterr().err
    assert f"warning: data/raw/luoyang-big.txt: {size / 1e6:.2f} MB of text, over the limit of 0.04 MB" in err
    n_parts = int(re.search(r"built in (\d+) parts cut at line breaks", err).group(1))
    assert n_parts >= size / 40_000
    table = load_measures(project.root)  # validated: ids unique across the parts
    mine = table[table["doc_id"] == "luoyang-big"]
    text = big.read_text(encoding="utf-8")
    q = mine[mine["quantity_id"].notna()]
    assert all(text[a:b] == t for a, b, t in zip(q["span_start"], q["span_end"], q["quantity_text"], strict=True))
    assert {p.split("/")[0] for p in mine["part_id"]} == {f"p{i}" for i in range(1, n_parts + 1)}
    assert abs(len(q) - n_whole) <= n_whole * 0.05, "cutting at line breaks loses (almost) nothing"
    docs = pd.read_csv(project.documents_csv)
    assert list(docs["doc_id"]).count("luoyang-big") == 1 and int(docs["rows"].sum()) == len(table)
    assert sorted(p.stem for p in project.parquet_dataset.glob("*.parquet")) == sorted(docs["doc_id"])
