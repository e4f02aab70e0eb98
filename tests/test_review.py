"""The review loop: worksheets out, decisions in, applied on top of extraction, stale when the text changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from policystats import review as R
from policystats.api import load_measures
from policystats.corpus import load_corpus, read_catalog
from policystats.paths import ProjectPaths


def _docs(paths: ProjectPaths) -> tuple[dict[str, str], dict[str, str]]:
    sha = {r["doc_id"]: r["sha256"] for r in read_catalog(paths)}
    return sha, {d.doc_id: d.raw for d in load_corpus(paths)}


def _row(sheet: pd.DataFrame, text: str, doc: str) -> int:
    hits = sheet.index[(sheet["quantity_text"] == text) & (sheet["doc_id"] == doc)]
    assert len(hits) >= 1, text
    return int(hits[0])


@pytest.fixture
def table(project: ProjectPaths) -> pd.DataFrame:
    from policystats.api import build

    build(project.root)
    return load_measures(project.root)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_worksheet_round_trips_with_cjk_intact(project, table, tmp_path: Path, suffix: str) -> None:
    sha, _ = _docs(project)
    sheet = R.worksheet(table, sha, [], doc="pingdingshan-2022-huiqi")
    path = tmp_path / f"check{suffix}"
    R.write_worksheet(sheet, path)
    back = R.read_worksheet(path)
    assert list(back.columns) == R.WORKSHEET_COLUMNS
    assert len(back) == len(sheet) > 10
    assert back["sentence"].str.contains("【").all()  # the quantity is marked in its sentence
    assert "最高不超过500万元" in set(back["quantity_text"])


def test_every_row_of_a_new_document_is_uncertain_until_reviewed(project, table) -> None:
    sha, _ = _docs(project)
    sheet = R.worksheet(table, sha, [], only_uncertain=True)
    assert len(sheet) == table["quantity_id"].notna().sum()
    assert sheet["why_check"].str.contains("document not reviewed yet").all()


def test_only_uncertain_keeps_the_low_confidence_rows_of_a_reviewed_document(project, table) -> None:
    sha, _ = _docs(project)
    doc = "yanjiang-2020-sme-plan"
    first = table[(table["doc_id"] == doc) & table["quantity_id"].notna()].iloc[0]
    done = R.Decision(sha[doc], doc, int(first.span_start), int(first.span_end), first.quantity_text, "confirm")
    sheet = R.worksheet(table, sha, [done], doc=doc, only_uncertain=True)
    low = table[(table["doc_id"] == doc) & (table["confidence"] == "low")]
    assert len(sheet) == len(low)
    assert sheet["why_check"].str.startswith("decided by a default").all()


def _filled(project, table) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    sha, texts = _docs(project)
    sheet = R.worksheet(table, sha, [], doc="pingdingshan-2022-huiqi")
    i = _row(sheet, "最高不超过500万元", "pingdingshan-2022-huiqi")
    sheet.loc[i, "new_statement_kind"] = "rule"
    sheet.loc[i, "note"] = "a cap"
    j = _row(sheet, "1∶1", "pingdingshan-2022-huiqi")
    sheet.loc[j, "not_a_quantity"] = "x"
    k = _row(sheet, "不低于50元", "pingdingshan-2022-huiqi")
    sheet.loc[k, "confirm"] = "x"
    return sheet, sha, texts


def test_decisions_from_a_worksheet(project, table) -> None:
    sheet, sha, texts = _filled(project, table)
    got = R.decisions_from(sheet, table, sha, texts, where="check.xlsx", reviewer="li", today="2026-12-01")
    assert sorted(d.action for d in got) == ["confirm", "correct", "not_quantity"]
    cap = next(d for d in got if d.action == "correct")
    assert (cap.statement_kind, cap.comparator, cap.value, cap.reviewer, cap.note) == ("rule", "<=", 5e6, "li", "a cap")
    raw = texts["pingdingshan-2022-huiqi"]
    assert all(raw[d.span_start : d.span_end] == d.quantity_text for d in got)


def test_a_bad_cell_is_named_and_nothing_is_stored(project, table) -> None:
    sheet, sha, texts = _filled(project, table)
    sheet.loc[0, "new_category"] = "awards"
    sheet.loc[1, "new_value"] = "lots"
    with pytest.raises(R.ReviewError) as err:
        R.decisions_from(sheet, table, sha, texts, where="check.xlsx")
    msg = str(err.value)
    assert "2 cell(s) need fixing; nothing was stored" in msg
    assert "check.xlsx row 2, column new_category: 'awards' is not one of" in msg
    assert "check.xlsx row 3, column new_value: 'lots' is not a finite number" in msg


def test_an_added_quantity_is_found_by_its_text_in_its_measure(project, table) -> None:
    sha, texts = _docs(project)
    doc = "pingdingshan-2022-huiqi"
    measure = table[(table["doc_id"] == doc) & table["measure_text"].str.contains("三个节点")].iloc[0]
    sheet = pd.DataFrame([dict.fromkeys(R.WORKSHEET_COLUMNS, "")])
    sheet.loc[0, ["measure_id", "add_text"]] = [measure.measure_id, "三个节点"]
    sheet.loc[0, ["new_category", "new_statement_kind", "new_comparator", "new_value", "new_unit"]] = [
        "award_level",
        "rule",
        "=",
        "3",
        "count",
    ]
    (d,) = R.decisions_from(sheet, table, sha, texts, where="add.csv")
    assert d.action == "add" and texts[doc][d.span_start : d.span_end] == "三个节点"
    applied = R.apply(table, [d], {k: (sha[k], texts[k]) for k in sha})
    new = applied.table[applied.table["origin"] == "added"]
    assert len(new) == 1 and new.iloc[0]["measure_id"] == measure.measure_id and not applied.stale


def test_applied_decisions_and_a_stale_one(project, table) -> None:
    sheet, sha, texts = _filled(project, table)
    decisions = R.decisions_from(sheet, table, sha, texts, where="check.xlsx")
    docs = {k: (sha[k], texts[k]) for k in sha}
    out = R.apply(table, decisions, docs)
    assert out.applied == 3 and not out.stale
    t = out.table
    cap = t[t["quantity_text"] == "最高不超过500万元"].iloc[0]
    assert (cap["statement_kind"], cap["origin"], bool(cap["confirmed"])) == ("rule", "corrected", True)
    assert "1∶1" not in set(t["quantity_text"].dropna())
    voucher = t[t["quantity_text"] == "不低于50元"].iloc[0]
    assert (voucher["origin"], bool(voucher["confirmed"])) == ("extracted", True)
    # The document changes: its decisions are reported stale, not applied.
    edited = {**docs, "pingdingshan-2022-huiqi": ("0" * 64, texts["pingdingshan-2022-huiqi"])}
    again = R.apply(table, decisions, edited)
    assert again.applied == 0 and len(again.stale) == 3
    assert all("the document changed since the decision" in s.why for s in again.stale)
    assert again.table["confirmed"].sum() == 0


def test_decisions_file_round_trips_and_a_new_decision_replaces_the_old(tmp_path: Path) -> None:
    a = R.Decision("s" * 64, "d", 1, 4, "5万元", "confirm", reviewer="li", date="2026-12-01")
    b = R.Decision("s" * 64, "d", 1, 4, "5万元", "correct", "award_level", "rule", "=", 5e4, None, "CNY", "wang")
    path = tmp_path / "review.csv"
    R.write_decisions(path, R.merge([a], [b]))
    assert R.read_decisions(path) == [b]


def test_a_damaged_decisions_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "review.csv"
    path.write_text(",".join(R.DECISION_COLUMNS) + "\ns,d,1,x,5万元,confirm,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(R.ReviewError, match=r"review\.csv row 2"):
        R.read_decisions(path)


# ------------------------------------------------------------------ the loop through the commands


def _catalog_sha(project: ProjectPaths, doc: str, sha: str) -> None:
    cat = pd.read_csv(project.data / "catalog.csv", dtype=str, keep_default_na=False)
    cat.loc[cat["doc_id"] == doc, "sha256"] = sha
    cat.to_csv(project.data / "catalog.csv", index=False, lineterminator="\n")


@pytest.fixture
def new_wording(monkeypatch):
    """A change to the extraction wording: the rules of indicator subsidy_rate are gone, and the digest moves."""
    from policystats import engine
    from policystats.extract import classify

    before = classify._lex()
    lex = before | {"indicators": [r for r in before["indicators"] if r["code"] != "subsidy_rate"]}

    def change() -> None:
        classify._rules_for.cache_clear()
        monkeypatch.setattr(classify, "_lex", lambda: lex)
        monkeypatch.setattr(engine, "_extractor_digest", lambda: "wording-changed")

    yield change
    monkeypatch.undo()
    classify._rules_for.cache_clear()


def test_two_corrections_and_an_addition_survive_a_rebuild_and_an_edit_makes_one_stale(
    project, tmp_path: Path, new_wording, capsys
) -> None:
    from policystats.cli import main

    root = str(project.root)
    assert main(["--root", root, "build", "--quiet"]) == 0
    sheet_path = tmp_path / "check.xlsx"
    assert main(["--root", root, "review", "--out", str(sheet_path)]) == 0
    sheet = R.read_worksheet(sheet_path)
    # 按照贷款余额增量的1%给予资金奖励 rewards lenders for loans: financing, not an award level.
    i = _row(sheet, "1%", "pingdingshan-2022-huiqi")
    assert sheet.loc[i, "category"] == "award_level"
    sheet.loc[i, "new_category"] = "financing_target"
    # 工业总产值前200名重点工业企业 names the firms served, it sets no target.
    j = _row(sheet, "200名", "jieyang-2019-nuanqi")
    assert sheet.loc[j, "statement_kind"] == "target"
    sheet.loc[j, "new_statement_kind"] = "rule"
    # A quantity the extractor misses: 三个节点 (three milestones).
    table = load_measures(project.root)
    measure = table[table["measure_text"].str.contains("三个节点", regex=False)].iloc[0]
    added = dict.fromkeys(R.WORKSHEET_COLUMNS, "") | {"measure_id": measure.measure_id, "add_text": "三个节点"}
    added |= {"new_category": "other", "new_statement_kind": "rule", "new_comparator": "=", "new_value": "3"}
    sheet = pd.concat([sheet, pd.DataFrame([added | {"new_unit": "count"}])], ignore_index=True)
    R.write_worksheet(sheet, sheet_path)
    assert main(["--root", root, "review", "--apply", str(sheet_path), "--reviewer", "li"]) == 0
    assert len(R.read_decisions(project.review)) == 3

    new_wording()
    capsys.readouterr()
    assert main(["--root", root, "build", "--quiet"]) == 0
    out = capsys.readouterr()
    assert "Applied 3 review decision(s) from data/review.csv; 0 stale." in out.out
    t = load_measures(project.root)
    start = int(sheet.loc[i, "key"].split("|")[1])
    pick = t[(t["doc_id"] == "pingdingshan-2022-huiqi") & (t["span_start"] == start)].iloc[0]
    assert (pick["category"], pick["origin"], bool(pick["confirmed"])) == ("financing_target", "corrected", True)
    pick = t[(t["doc_id"] == "jieyang-2019-nuanqi") & (t["quantity_text"] == "200名")].iloc[0]
    assert (pick["statement_kind"], pick["origin"]) == ("rule", "corrected")
    pick = t[t["origin"] == "added"]
    assert list(pick["quantity_text"]) == ["三个节点"] and pick.iloc[0]["value"] == 3
    # The wording change moved other rows of subsidy_rate; the build lists them, not the corrected one.
    changes = pd.read_csv(project.changes_csv, dtype=str)
    corrected = t[t["origin"] == "corrected"]
    assert len(changes) and not set(changes["span_start"].astype(int)) & set(corrected["span_start"])
    assert "changed category or statement kind since the last build" in out.out

    # The Jieyang document is edited (one character before the quantity): its decision is stale, not applied.
    raw = project.data / "raw" / "jieyang-2019-nuanqi.txt"
    text = raw.read_text(encoding="utf-8")
    raw.write_text(text.replace("工业总产值前200名", "工业总产值前 200名", 1), encoding="utf-8")
    from policystats.corpus import sha256_of

    _catalog_sha(project, "jieyang-2019-nuanqi", sha256_of(raw))
    assert main(["--root", root, "build", "--quiet"]) == 0
    out = capsys.readouterr()
    assert "Applied 2 review decision(s) from data/review.csv; 1 stale." in out.out
    assert "stale: jieyang-2019-nuanqi '200名' (correct by li on" in out.err
    assert "the document changed since the decision" in out.err
    t = load_measures(project.root)
    pick = t[(t["doc_id"] == "jieyang-2019-nuanqi") & (t["quantity_text"] == "200名")].iloc[0]
    assert (pick["statement_kind"], pick["origin"], bool(pick["confirmed"])) == ("target", "extracted", False)
    assert main(["--root", root, "review"]) == 0
    out = capsys.readouterr()
    assert "stale: jieyang-2019-nuanqi '200名'" in out.err
    assert "3 decision(s) in data/review.csv: 1 stale at the last build, 0 not built yet" in out.out


def test_a_rejected_quantity_is_gone_and_its_decision_is_not_stale(project, capsys) -> None:
    from policystats.cli import main

    root = str(project.root)
    assert main(["--root", root, "build", "--quiet"]) == 0
    table = load_measures(project.root)
    sha, texts = _docs(project)
    sheet, _, _ = _filled(project, table)
    R.write_decisions(project.review, R.decisions_from(sheet, table, sha, texts, where="check.csv", reviewer="li"))
    assert main(["--root", root, "review"]) == 0
    assert "3 not built yet" in capsys.readouterr().out
    with pytest.warns(UserWarning, match=r"data/review.csv changed since the last build \(3 not applied yet\)"):
        in_memory = load_measures(project.root)  # built in memory, with the decisions applied as a build would
    assert "1∶1" not in set(in_memory.loc[in_memory["doc_id"] == "pingdingshan-2022-huiqi", "quantity_text"].dropna())
    assert main(["--root", root, "build", "--quiet"]) == 0
    t = load_measures(project.root)
    assert "1∶1" not in set(t.loc[t["doc_id"] == "pingdingshan-2022-huiqi", "quantity_text"].dropna())
    assert len(t) == len(table) - 1
    pd.testing.assert_frame_equal(t, in_memory)
    capsys.readouterr()
    assert main(["--root", root, "review"]) == 0
    out = capsys.readouterr()
    assert "0 stale at the last build, 0 not built yet" in out.out and "stale:" not in out.err


def test_the_confirmed_share_counts_headline_rows_from_parquet_or_csv(project, table) -> None:
    from policystats.api import build
    from policystats.report.provenance import confirmed_share

    sheet, sha, texts = _filled(project, table)  # confirms 不低于50元 (award_level) and corrects the 500万元 cap
    R.write_decisions(project.review, R.decisions_from(sheet, table, sha, texts, where="check.csv"))
    build(project.root)
    t = load_measures(project.root)
    head = t[t["category"].isin(["financing_target", "procurement_share", "award_level"]) & t["quantity_id"].notna()]
    expected = (int(head["confirmed"].sum()), len(head))
    assert expected[0] == 2
    assert confirmed_share(project.root) == expected
    project.measures_parquet.unlink()  # a fresh clone: the CSV only
    assert confirmed_share(project.root) == expected
